//! Adaptive binarisation: black ink on white paper, robust to uneven lighting.

use image::GrayImage;

use super::illumination::{integral, integral_of};

/// Sauvola thresholding: a pixel is ink when it is darker than `mean * (1 + k * (sd / 128 - 1))`
/// over a `window`-sized square around it. Returns 0 for ink and 255 for paper.
pub fn sauvola(image: &GrayImage, window: u32, k: f32) -> GrayImage {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let stride = w + 1;
    let sum = integral(image);
    let sq = integral_of(image, |v| u64::from(v) * u64::from(v));
    let r = (window.max(3) / 2) as usize;
    let src = image.as_raw();
    let mut out = vec![255u8; w * h];
    let k = f64::from(k);
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        let (top, bottom) = (y0 * stride, y1 * stride);
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let n = ((x1 - x0) * (y1 - y0)) as f64;
            let s = (sum[bottom + x1] + sum[top + x0] - sum[top + x1] - sum[bottom + x0]) as f64;
            let s2 = (sq[bottom + x1] + sq[top + x0] - sq[top + x1] - sq[bottom + x0]) as f64;
            let mean = s / n;
            let sd = (s2 / n - mean * mean).max(0.0).sqrt();
            let t = mean * (1.0 + k * (sd / 128.0 - 1.0));
            if f64::from(src[y * w + x]) <= t {
                out[y * w + x] = 0;
            }
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out)
        .unwrap_or_else(|| GrayImage::new(w as u32, h as u32))
}

/// Removes salt-and-pepper noise with a median filter of the given radius.
pub fn denoise(image: &GrayImage, radius: u32) -> GrayImage {
    imageproc::filter::median_filter(image, radius, radius)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn ink_on_gradient_paper_is_separated() {
        // Paper from 100 (shadow) to 230, ink 60 darker than the paper wherever it is.
        let img = GrayImage::from_fn(300, 60, |x, y| {
            let paper = 100 + (x * 130 / 300) as u8;
            let ink = (20..26).contains(&(x % 50)) && (10..50).contains(&y);
            Luma([if ink { paper - 60 } else { paper }])
        });
        let bin = sauvola(&img, 25, 0.2);
        assert_eq!(bin.get_pixel(22, 30).0[0], 0, "ink in the shadow");
        assert_eq!(bin.get_pixel(272, 30).0[0], 0, "ink in the light");
        assert_eq!(bin.get_pixel(5, 30).0[0], 255, "paper in the shadow");
        assert_eq!(bin.get_pixel(290, 30).0[0], 255, "paper in the light");
    }

    #[test]
    fn blank_paper_stays_white() {
        let img = GrayImage::from_pixel(50, 50, Luma([200]));
        assert!(sauvola(&img, 15, 0.3).pixels().all(|p| p.0[0] == 255));
    }

    #[test]
    fn median_removes_specks() {
        let mut img = GrayImage::from_pixel(9, 9, Luma([255]));
        img.put_pixel(4, 4, Luma([0]));
        assert_eq!(denoise(&img, 1).get_pixel(4, 4).0[0], 255);
    }
}
