//! Fast whole-factor reductions and smooth enlargements of gray images, for the measuring copies
//! and the background estimates (the image Tesseract reads is resampled in `resample`).

use image::GrayImage;

/// Shrinks an image by a whole factor, each output pixel the mean of a `factor` x `factor`
/// square (the last row and column of squares may be smaller).
pub fn shrink(image: &GrayImage, factor: u32) -> GrayImage {
    let factor = factor.max(1);
    let (w, h) = image.dimensions();
    if factor == 1 || w == 0 || h == 0 {
        return image.clone();
    }
    let (sw, sh) = (w.div_ceil(factor), h.div_ceil(factor));
    let f = factor as usize;
    let src = image.as_raw();
    let mut sums = vec![0u32; sw as usize];
    let mut counts = vec![0u32; sw as usize];
    let mut out = Vec::with_capacity(sw as usize * sh as usize);
    for band in src.chunks(w as usize * f) {
        sums.iter_mut().for_each(|s| *s = 0);
        counts.iter_mut().for_each(|c| *c = 0);
        for row in band.chunks_exact(w as usize) {
            for (i, chunk) in row.chunks(f).enumerate() {
                sums[i] += chunk.iter().map(|&v| u32::from(v)).sum::<u32>();
                counts[i] += chunk.len() as u32;
            }
        }
        out.extend(
            sums.iter()
                .zip(&counts)
                .map(|(&s, &c)| ((s + c / 2) / c.max(1)) as u8),
        );
    }
    GrayImage::from_raw(sw, sh, out).unwrap_or_else(|| GrayImage::new(sw, sh))
}

/// Enlarges a small image to `width` x `height` by bilinear interpolation between the centres of
/// its pixels, in fixed point.
pub fn enlarge(small: &GrayImage, width: u32, height: u32) -> GrayImage {
    let (sw, sh) = small.dimensions();
    if sw == 0 || sh == 0 || width == 0 || height == 0 {
        return GrayImage::new(width, height);
    }
    // For each output column: the left source column and the weight (0..=256) of the right one.
    let axis = |n: u32, sn: u32| -> Vec<(usize, u32)> {
        (0..n)
            .map(|i| {
                let pos = ((f64::from(i) + 0.5) * f64::from(sn) / f64::from(n) - 0.5).max(0.0);
                let i0 = (pos.floor() as u32).min(sn - 1);
                let frac = if i0 + 1 < sn {
                    ((pos - f64::from(i0)) * 256.0).round() as u32
                } else {
                    0
                };
                (i0 as usize, frac.min(256))
            })
            .collect()
    };
    let xs = axis(width, sw);
    let ys = axis(height, sh);
    let src = small.as_raw();
    let stride = sw as usize;
    let mut out = Vec::with_capacity(width as usize * height as usize);
    let mut top = vec![0u32; width as usize];
    for &(y0, fy) in &ys {
        let y1 = (y0 + 1).min(sh as usize - 1);
        let (r0, r1) = (&src[y0 * stride..][..stride], &src[y1 * stride..][..stride]);
        for (t, &(x0, fx)) in top.iter_mut().zip(&xs) {
            let x1 = (x0 + 1).min(stride - 1);
            let a = u32::from(r0[x0]) * (256 - fx) + u32::from(r0[x1]) * fx;
            let b = u32::from(r1[x0]) * (256 - fx) + u32::from(r1[x1]) * fx;
            *t = a * (256 - fy) + b * fy;
        }
        out.extend(top.iter().map(|&v| ((v + (1 << 15)) >> 16) as u8));
    }
    GrayImage::from_raw(width, height, out).unwrap_or_else(|| GrayImage::new(width, height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn shrink_averages_squares_and_keeps_the_ragged_edge() {
        let img = GrayImage::from_fn(5, 3, |x, _| Luma([if x < 2 { 0 } else { 200 }]));
        let s = shrink(&img, 2);
        assert_eq!(s.dimensions(), (3, 2));
        assert_eq!(s.get_pixel(0, 0).0[0], 0);
        assert_eq!(s.get_pixel(1, 1).0[0], 200);
        assert_eq!(s.get_pixel(2, 0).0[0], 200);
    }

    #[test]
    fn enlarge_keeps_flat_areas_and_blends_between_pixels() {
        let small = GrayImage::from_fn(2, 1, |x, _| Luma([if x == 0 { 0 } else { 200 }]));
        let big = enlarge(&small, 8, 2);
        assert_eq!(big.dimensions(), (8, 2));
        assert_eq!(big.get_pixel(0, 0).0[0], 0);
        assert_eq!(big.get_pixel(7, 1).0[0], 200);
        let mid = big.get_pixel(4, 0).0[0];
        assert!((90..=140).contains(&mid), "{mid}");
        let row: Vec<u8> = (0..8).map(|x| big.get_pixel(x, 0).0[0]).collect();
        assert!(row.windows(2).all(|p| p[0] <= p[1]), "{row:?}");
    }
}
