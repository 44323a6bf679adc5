//! Measuring a page before changing it: which way the lines run, their skew, the letter size and
//! where the text is.

use image::{GrayImage, Luma};
use imageproc::region_labelling::{Connectivity, connected_components};

use crate::geometry::BBox;

/// A connected blob of ink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blob {
    /// Its bounding box.
    pub bbox: BBox,
    /// Number of ink pixels.
    pub area: u32,
}

/// Finds the ink blobs of a binary image (ink 0, paper 255).
pub fn blobs(binary: &GrayImage) -> Vec<Blob> {
    let inverted = GrayImage::from_fn(binary.width(), binary.height(), |x, y| {
        Luma([255 - binary.get_pixel(x, y).0[0]])
    });
    let labels = connected_components(&inverted, Connectivity::Eight, Luma([0u8]));
    let mut boxes: Vec<Option<(u32, u32, u32, u32, u32)>> = Vec::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let l = l.0[0] as usize;
        if l == 0 {
            continue;
        }
        if boxes.len() <= l {
            boxes.resize(l + 1, None);
        }
        let b = boxes[l].get_or_insert((x, y, x, y, 0));
        b.0 = b.0.min(x);
        b.1 = b.1.min(y);
        b.2 = b.2.max(x);
        b.3 = b.3.max(y);
        b.4 += 1;
    }
    boxes
        .into_iter()
        .flatten()
        .map(|(x0, y0, x1, y1, area)| Blob {
            bbox: BBox::new(x0, y0, x1 - x0 + 1, y1 - y0 + 1),
            area,
        })
        .collect()
}

/// Blobs shaped like letters: not specks, not rules or pictures, not page edges.
pub fn letter_like(blobs: &[Blob], image_width: u32, image_height: u32) -> Vec<Blob> {
    let max = image_width.max(image_height) / 15;
    blobs
        .iter()
        .copied()
        .filter(|b| {
            let (w, h) = (b.bbox.width, b.bbox.height);
            let fill = f64::from(b.area) / f64::from(w * h);
            w >= 2 && h >= 2 && w <= max && h <= max && w <= 6 * h && h <= 6 * w && fill > 0.08
        })
        .collect()
}

/// The median letter size along the text lines' normal: height for horizontal lines, width for
/// vertical ones. `None` when there are too few letters to tell.
pub fn letter_size(letters: &[Blob], vertical_lines: bool) -> Option<u32> {
    if letters.len() < 10 {
        return None;
    }
    let mut sizes: Vec<u32> = letters
        .iter()
        .map(|b| {
            if vertical_lines {
                b.bbox.width
            } else {
                b.bbox.height
            }
        })
        .collect();
    sizes.sort_unstable();
    Some(sizes[sizes.len() / 2])
}

/// The box around the letters from a third to four times the median size, grown by
/// `margin`, clamped to the image.
pub fn text_bounds(
    letters: &[Blob],
    size: u32,
    margin: u32,
    width: u32,
    height: u32,
) -> Option<BBox> {
    let lo = (size / 3).max(1);
    let hi = size * 4;
    let mut it = letters
        .iter()
        .filter(|b| (lo..=hi).contains(&b.bbox.height.max(b.bbox.width)));
    let first = it.next()?.bbox;
    let b = it.fold(first, |acc, b| acc.union(b.bbox));
    let x0 = b.x.saturating_sub(margin);
    let y0 = b.y.saturating_sub(margin);
    let x1 = (b.x + b.width + margin).min(width);
    let y1 = (b.y + b.height + margin).min(height);
    Some(BBox::new(x0, y0, x1 - x0, y1 - y0))
}

/// The dominant direction of the text lines, in degrees in `(-45, 135)`: near 0 for horizontal
/// lines, near 90 for vertical ones. Lines tilt so that `y` grows with `x` for positive angles.
///
/// Projects the centres of the letters on many directions and keeps the one whose profile is
/// sharpest (lines fall into few, tall bins).
pub fn line_angle(letters: &[Blob], max_skew: f32) -> Option<f32> {
    if letters.len() < 10 {
        return None;
    }
    let pts: Vec<(f32, f32)> = letters
        .iter()
        .map(|b| {
            (
                b.bbox.x as f32 + b.bbox.width as f32 / 2.0,
                b.bbox.y as f32 + b.bbox.height as f32 / 2.0,
            )
        })
        .collect();
    let mut heights: Vec<u32> = letters
        .iter()
        .map(|b| b.bbox.height.min(b.bbox.width))
        .collect();
    heights.sort_unstable();
    let bin = (heights[heights.len() / 2] as f32 / 2.0).max(1.0);
    let score = |deg: f32| profile_sharpness(&pts, deg, bin);
    let mut best = (f32::MIN, 0.0f32);
    for base in [0.0f32, 90.0] {
        let mut a = base - max_skew;
        while a <= base + max_skew + 1e-3 {
            let s = score(a);
            if s > best.0 {
                best = (s, a);
            }
            a += 0.5;
        }
    }
    let coarse = best.1;
    let mut a = coarse - 0.5;
    while a <= coarse + 0.5 + 1e-3 {
        let s = score(a);
        if s > best.0 {
            best = (s, a);
        }
        a += 0.1;
    }
    Some(best.1)
}

/// Sum of squared bin counts of the points projected on the normal of direction `deg`.
fn profile_sharpness(pts: &[(f32, f32)], deg: f32, bin: f32) -> f32 {
    let (s, c) = deg.to_radians().sin_cos();
    let proj: Vec<f32> = pts.iter().map(|&(x, y)| y * c - x * s).collect();
    let min = proj.iter().copied().fold(f32::INFINITY, f32::min);
    let max = proj.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let n = ((max - min) / bin) as usize + 1;
    let mut bins = vec![0u32; n];
    for p in proj {
        bins[((p - min) / bin) as usize] += 1;
    }
    bins.iter().map(|&b| (b * b) as f32).sum::<f32>() / pts.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of 8x10 "letters" along lines tilted by `deg`.
    fn page(deg: f32) -> GrayImage {
        let mut img = GrayImage::from_pixel(800, 600, Luma([255]));
        let t = deg.to_radians().tan();
        for row in 0..8 {
            for col in 0..40 {
                let x0 = 60 + col * 16;
                let y0 = (80.0 + row as f32 * 50.0 + x0 as f32 * t) as u32;
                for y in y0..y0 + 10 {
                    for x in x0..x0 + 8 {
                        img.put_pixel(x, y, Luma([0]));
                    }
                }
            }
        }
        img
    }

    #[test]
    fn finds_letters_and_their_size() {
        let img = page(0.0);
        let all = blobs(&img);
        assert_eq!(all.len(), 320);
        let letters = letter_like(&all, 800, 600);
        assert_eq!(letter_size(&letters, false), Some(10));
        let b = text_bounds(&letters, 10, 5, 800, 600).expect("bounds");
        assert_eq!(b, BBox::new(55, 75, 642, 370));
    }

    #[test]
    fn measures_skew_both_ways() {
        for deg in [-6.0f32, -2.5, 0.0, 3.0, 8.0] {
            let img = page(deg);
            let letters = letter_like(&blobs(&img), 800, 600);
            let a = line_angle(&letters, 15.0).expect("angle");
            assert!((a - deg).abs() <= 0.3, "expected {deg}, got {a}");
        }
    }

    #[test]
    fn sees_vertical_lines() {
        let img = image::imageops::rotate90(&page(2.0));
        let letters = letter_like(&blobs(&img), 600, 800);
        let a = line_angle(&letters, 15.0).expect("angle");
        assert!((a - 92.0).abs() <= 0.3, "got {a}");
    }

    #[test]
    fn blank_page_has_no_angle() {
        let img = GrayImage::from_pixel(100, 100, Luma([255]));
        assert_eq!(line_angle(&letter_like(&blobs(&img), 100, 100), 10.0), None);
    }
}
