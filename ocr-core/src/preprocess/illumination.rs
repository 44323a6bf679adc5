//! Flattening uneven lighting: shadows, gradients and tinted paper become white.

use image::imageops::{FilterType, resize};
use image::{GrayImage, Luma};

/// Divides the image by an estimate of its paper brightness, so the background turns white and ink
/// keeps its contrast; `feature_size` is the size in pixels of the largest dark detail (letters)
/// that must not count as background.
pub fn normalize_illumination(image: &GrayImage, feature_size: u32) -> GrayImage {
    let (w, h) = image.dimensions();
    // Estimate the background on a small copy: about four pixels per letter height is enough.
    let factor = (feature_size / 4).max(1);
    let (sw, sh) = ((w / factor).max(1), (h / factor).max(1));
    let small = resize(image, sw, sh, FilterType::Triangle);
    // A running maximum wider than any letter removes the ink and leaves the paper.
    let radius = (feature_size.div_ceil(factor)).max(2);
    let paper = box_blur(&max_filter(&max_filter_t(&small, radius), radius), radius);
    let background = resize(&paper, w, h, FilterType::Triangle);
    let mut out = GrayImage::new(w, h);
    for ((o, p), b) in out
        .pixels_mut()
        .zip(image.pixels())
        .zip(background.pixels())
    {
        let b = u32::from(b.0[0]).max(16);
        let v = (u32::from(p.0[0]) * 255 + b / 2) / b;
        *o = Luma([v.min(255) as u8]);
    }
    stretch_dark(&mut out);
    out
}

/// Stretches the darkest 0.5% to black, keeping white white.
pub fn stretch_dark(image: &mut GrayImage) {
    let mut hist = [0u64; 256];
    for p in image.pixels() {
        hist[usize::from(p.0[0])] += 1;
    }
    let total: u64 = hist.iter().sum();
    let mut acc = 0;
    let mut low = 0u8;
    for (v, &n) in hist.iter().enumerate() {
        acc += n;
        if acc * 200 >= total {
            low = v as u8;
            break;
        }
    }
    if low == 0 || low > 200 {
        return;
    }
    let span = f32::from(255 - low);
    let lut: Vec<u8> = (0..=255u8)
        .map(|v| {
            if v <= low {
                0
            } else {
                ((f32::from(v - low) / span) * 255.0).round() as u8
            }
        })
        .collect();
    for p in image.pixels_mut() {
        p.0[0] = lut[usize::from(p.0[0])];
    }
}

/// Horizontal running maximum over `2r+1` pixels.
fn max_filter(image: &GrayImage, r: u32) -> GrayImage {
    let (w, h) = image.dimensions();
    let mut out = GrayImage::new(w, h);
    let r = r as usize;
    for y in 0..h {
        let row: Vec<u8> = (0..w).map(|x| image.get_pixel(x, y).0[0]).collect();
        for x in 0..w as usize {
            let lo = x.saturating_sub(r);
            let hi = (x + r + 1).min(row.len());
            let m = row[lo..hi].iter().copied().max().unwrap_or(255);
            out.put_pixel(x as u32, y, Luma([m]));
        }
    }
    out
}

/// Vertical running maximum over `2r+1` pixels.
fn max_filter_t(image: &GrayImage, r: u32) -> GrayImage {
    let (w, h) = image.dimensions();
    let mut out = GrayImage::new(w, h);
    let r = r as usize;
    for x in 0..w {
        let col: Vec<u8> = (0..h).map(|y| image.get_pixel(x, y).0[0]).collect();
        for y in 0..h as usize {
            let lo = y.saturating_sub(r);
            let hi = (y + r + 1).min(col.len());
            let m = col[lo..hi].iter().copied().max().unwrap_or(255);
            out.put_pixel(x, y as u32, Luma([m]));
        }
    }
    out
}

/// Mean over a `(2r+1)²` window, edges clamped.
fn box_blur(image: &GrayImage, r: u32) -> GrayImage {
    let (w, h) = image.dimensions();
    let ii = integral(image);
    let r = r as i64;
    let mut out = GrayImage::new(w, h);
    for y in 0..h as i64 {
        for x in 0..w as i64 {
            let (x0, y0) = ((x - r).max(0), (y - r).max(0));
            let (x1, y1) = ((x + r + 1).min(w as i64), (y + r + 1).min(h as i64));
            let sum = rect_sum(&ii, w as usize + 1, x0, y0, x1, y1);
            let n = ((x1 - x0) * (y1 - y0)) as u64;
            out.put_pixel(x as u32, y as u32, Luma([(sum / n) as u8]));
        }
    }
    out
}

/// Summed-area table with a zero first row and column, row stride `w + 1`.
pub(crate) fn integral(image: &GrayImage) -> Vec<u64> {
    integral_of(image, u64::from)
}

/// Summed-area table of `f(pixel)`, with a zero first row and column, row stride `w + 1`.
pub(crate) fn integral_of(image: &GrayImage, f: impl Fn(u8) -> u64) -> Vec<u64> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut ii = vec![0u64; (w + 1) * (h + 1)];
    let raw = image.as_raw();
    for y in 0..h {
        let mut row = 0u64;
        for x in 0..w {
            row += f(raw[y * w + x]);
            ii[(y + 1) * (w + 1) + x + 1] = ii[y * (w + 1) + x + 1] + row;
        }
    }
    ii
}

/// Sum of the rectangle `[x0, x1) x [y0, y1)` from a summed-area table of row stride `stride`.
pub(crate) fn rect_sum(ii: &[u64], stride: usize, x0: i64, y0: i64, x1: i64, y1: i64) -> u64 {
    let at = |x: i64, y: i64| ii[y as usize * stride + x as usize];
    at(x1, y1) + at(x0, y0) - at(x0, y1) - at(x1, y0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page lit from the left: paper goes from 120 to 240, with dark letters of 40 below it.
    fn shaded_page() -> GrayImage {
        GrayImage::from_fn(400, 200, |x, y| {
            let paper = 120 + (x * 120 / 400) as u8;
            let ink = (x % 40) < 6 && (y % 30) < 15;
            Luma([if ink { paper / 3 } else { paper }])
        })
    }

    #[test]
    fn background_becomes_even_and_ink_stays_dark() {
        let out = normalize_illumination(&shaded_page(), 20);
        let left = out.get_pixel(20, 25).0[0];
        let right = out.get_pixel(380, 25).0[0];
        assert!(left > 235 && right > 235, "paper {left} / {right}");
        let ink_left = out.get_pixel(2, 5).0[0];
        let ink_right = out.get_pixel(362, 5).0[0];
        assert!(
            ink_left < 110 && ink_right < 110,
            "ink {ink_left} / {ink_right}"
        );
    }

    #[test]
    fn stretch_keeps_white_and_blackens_darkest() {
        let mut img = GrayImage::from_fn(100, 100, |x, _| Luma([if x < 10 { 90 } else { 255 }]));
        stretch_dark(&mut img);
        assert_eq!(img.get_pixel(0, 0).0[0], 0);
        assert_eq!(img.get_pixel(50, 0).0[0], 255);
    }

    #[test]
    fn rect_sum_matches_brute_force() {
        let img = GrayImage::from_fn(7, 5, |x, y| Luma([(x * 3 + y * 5) as u8]));
        let ii = integral(&img);
        let brute: u64 = (1..4)
            .flat_map(|y| (2..6).map(move |x| (x, y)))
            .map(|(x, y)| u64::from(img.get_pixel(x, y).0[0]))
            .sum();
        assert_eq!(rect_sum(&ii, 8, 2, 1, 6, 4), brute);
    }
}
