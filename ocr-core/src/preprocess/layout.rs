//! Measuring a page before changing it: which way the lines run, their skew, the letter size and
//! where the text is.

use image::GrayImage;

use crate::geometry::BBox;

/// A connected blob of ink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blob {
    /// Its bounding box.
    pub bbox: BBox,
    /// Number of ink pixels.
    pub area: u32,
}

/// Finds the ink blobs (8-connected) of a binary image (ink 0, paper 255).
///
/// Works on runs of ink, row by row: each run joins the runs of the row above that touch it
/// (diagonally too), through a union-find over runs, so the cost follows the ink, not the pixels.
pub fn blobs(binary: &GrayImage) -> Vec<Blob> {
    let (w, h) = (binary.width() as usize, binary.height() as usize);
    if w == 0 || h == 0 {
        return Vec::new();
    }
    // Runs as (row, start, end exclusive); `parent` is the union-find over run indices.
    let mut runs: Vec<(u32, u32, u32)> = Vec::new();
    let mut parent: Vec<u32> = Vec::new();
    fn find(parent: &mut [u32], mut i: u32) -> u32 {
        while parent[i as usize] != i {
            let p = parent[i as usize];
            parent[i as usize] = parent[p as usize];
            i = p;
        }
        i
    }
    let mut prev = 0..0;
    for (y, row) in binary.as_raw().chunks_exact(w).enumerate() {
        let first = runs.len();
        let mut x = 0;
        while x < w {
            if row[x] != 0 {
                x += 1;
                continue;
            }
            let start = x;
            while x < w && row[x] == 0 {
                x += 1;
            }
            runs.push((y as u32, start as u32, x as u32));
            parent.push((runs.len() - 1) as u32);
        }
        let current = first..runs.len();
        // Two runs touch when their spans, widened by one pixel, overlap.
        let mut j = prev.start;
        for i in current.clone() {
            let (_, s, e) = runs[i];
            while j < prev.end && runs[j].2 < s {
                j += 1;
            }
            let mut k = j;
            while k < prev.end && runs[k].1 <= e {
                let (a, b) = (find(&mut parent, i as u32), find(&mut parent, k as u32));
                if a != b {
                    parent[a.max(b) as usize] = a.min(b);
                }
                k += 1;
            }
        }
        prev = current;
    }
    // Per root: min x, min y, max x (exclusive), max y, pixel count.
    type Extent = (u32, u32, u32, u32, u32);
    let mut extents: Vec<Option<Extent>> = vec![None; runs.len()];
    for (i, &(y, s, e)) in runs.iter().enumerate() {
        let root = find(&mut parent, i as u32) as usize;
        let b = extents[root].get_or_insert((s, y, e, y, 0));
        b.0 = b.0.min(s);
        b.1 = b.1.min(y);
        b.2 = b.2.max(e);
        b.3 = b.3.max(y);
        b.4 += e - s;
    }
    extents
        .into_iter()
        .flatten()
        .map(|(x0, y0, x1, y1, area)| Blob {
            bbox: BBox::new(x0, y0, x1 - x0, y1 - y0 + 1),
            area,
        })
        .collect()
}

/// The letter-shaped blobs of a binary image (ink 0, paper 255).
pub fn letters(binary: &GrayImage) -> Vec<Blob> {
    letter_like(&blobs(binary), binary.width(), binary.height())
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

/// The letter size along the text lines' normal where half of the letters' ink lies in smaller
/// letters: dots of dotted rules, hatching and specks are many but hold little ink, so they
/// cannot pull it down as they pull down the plain median. `None` when there are too few letters.
pub fn ink_letter_size(letters: &[Blob], vertical_lines: bool) -> Option<u32> {
    if letters.len() < 10 {
        return None;
    }
    let mut sized: Vec<(u32, u32)> = letters
        .iter()
        .map(|b| {
            let s = if vertical_lines {
                b.bbox.width
            } else {
                b.bbox.height
            };
            (s, b.area)
        })
        .collect();
    sized.sort_unstable();
    let half = sized
        .iter()
        .map(|s| u64::from(s.1))
        .sum::<u64>()
        .div_ceil(2);
    let mut acc = 0u64;
    sized
        .iter()
        .find(|s| {
            acc += u64::from(s.1);
            acc >= half
        })
        .map(|s| s.0)
}

/// The box around the letters that sit among other letters (real text has neighbours within a
/// few letter sizes; specks in shadows and page edges mostly do not), from a third to four times
/// the median size, grown by `margin`, clamped to the image.
pub fn text_bounds(
    letters: &[Blob],
    size: u32,
    margin: u32,
    width: u32,
    height: u32,
) -> Option<BBox> {
    let lo = (size / 3).max(1);
    let hi = size * 4;
    let sized: Vec<&Blob> = letters
        .iter()
        .filter(|b| (lo..=hi).contains(&b.bbox.height.max(b.bbox.width)))
        .collect();
    // Bucket letter centres into cells of 3 letter sizes; count neighbours in the 3x3 cells around.
    let cell = (size * 3).max(1);
    let cols = width / cell + 1;
    let rows = height / cell + 1;
    let mut grid = vec![0u32; (cols * rows) as usize];
    let cell_of = |b: &Blob| {
        let (x, y) = centre(b);
        (
            (x as u32 / cell).min(cols - 1),
            (y as u32 / cell).min(rows - 1),
        )
    };
    for b in &sized {
        let (cx, cy) = cell_of(b);
        grid[(cy * cols + cx) as usize] += 1;
    }
    let neighbours = |b: &Blob| {
        let (cx, cy) = cell_of(b);
        let mut n = 0;
        for y in cy.saturating_sub(1)..=(cy + 1).min(rows - 1) {
            for x in cx.saturating_sub(1)..=(cx + 1).min(cols - 1) {
                n += grid[(y * cols + x) as usize];
            }
        }
        n - 1
    };
    let mut it = sized.iter().filter(|b| neighbours(b) >= 4);
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
    [0.0f32, 90.0]
        .into_iter()
        .filter_map(|base| sharpest_angle(letters, base - max_skew, base + max_skew))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(a, _)| a)
}

/// How much sharper the best vertical-line profile is than the best horizontal one (above 1 when
/// the lines seem to run down the page); `None` when there are too few letters.
pub fn vertical_strength(letters: &[Blob], max_skew: f32) -> Option<f32> {
    let across = sharpest_angle(letters, -max_skew, max_skew)?.1;
    let down = sharpest_angle(letters, 90.0 - max_skew, 90.0 + max_skew)?.1;
    Some(down / across.max(f32::MIN_POSITIVE))
}

/// The direction of the text lines within `max_skew` degrees of `base` (0 for horizontal lines,
/// 90 for vertical ones), whichever way the page's lines run.
pub fn line_angle_near(letters: &[Blob], base: f32, max_skew: f32) -> Option<f32> {
    sharpest_angle(letters, base - max_skew, base + max_skew).map(|(a, _)| a)
}

/// The direction of the text lines as the letters themselves show it, in degrees near 0: the
/// median direction from each letter to its nearest neighbour on its right within a word's
/// reach. Unlike a projection profile, which rows of short labels side by side can line up at
/// a tilt, this sees only neighbouring letters. `None` with too few neighbour pairs.
pub fn local_line_angle(letters: &[Blob], size: u32) -> Option<f32> {
    let size = size.max(1) as f32;
    let mut pts: Vec<(f32, f32)> = letters
        .iter()
        .filter(|b| {
            let h = b.bbox.height as f32;
            h >= 0.5 * size && h <= 2.0 * size && b.bbox.width as f32 <= 2.0 * size
        })
        .map(centre)
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut angles: Vec<f32> = Vec::new();
    for (i, &(x, y)) in pts.iter().enumerate() {
        let mut best: Option<(f32, f32)> = None;
        for &(nx, ny) in pts[i + 1..].iter().take_while(|p| p.0 - x <= 2.0 * size) {
            let (dx, dy) = (nx - x, ny - y);
            if dx < 0.3 * size || dy.abs() > 0.5 * dx {
                continue;
            }
            let d = dx.hypot(dy);
            if best.is_none_or(|b| d < b.0) {
                best = Some((d, dy.atan2(dx).to_degrees()));
            }
        }
        if let Some((_, a)) = best {
            angles.push(a);
        }
    }
    if angles.len() < 20 {
        return None;
    }
    let mid = angles.len() / 2;
    Some(*angles.select_nth_unstable_by(mid, f32::total_cmp).1)
}

/// The angle in `[lo, hi]` whose projection profile is sharpest, with its score.
fn sharpest_angle(letters: &[Blob], lo: f32, hi: f32) -> Option<(f32, f32)> {
    if letters.len() < 10 {
        return None;
    }
    let pts: Vec<(f32, f32)> = letters.iter().map(centre).collect();
    let mut sizes: Vec<u32> = letters
        .iter()
        .map(|b| b.bbox.height.min(b.bbox.width))
        .collect();
    sizes.sort_unstable();
    let bin = (sizes[sizes.len() / 2] as f32 / 2.0).max(1.0);
    let score = |deg: f32| profile_sharpness(&pts, deg, bin);
    let scan = |from: f32, to: f32, step: f32, best: (f32, f32)| {
        let mut best = best;
        let mut a = from;
        while a <= to + 1e-3 {
            let s = score(a);
            if s > best.1 {
                best = (a, s);
            }
            a += step;
        }
        best
    };
    let coarse = scan(lo, hi, 0.5, (lo, f32::MIN));
    Some(scan(coarse.0 - 0.5, coarse.0 + 0.5, 0.1, coarse))
}

fn centre(b: &Blob) -> (f32, f32) {
    (
        b.bbox.x as f32 + b.bbox.width as f32 / 2.0,
        b.bbox.y as f32 + b.bbox.height as f32 / 2.0,
    )
}

/// Votes on whether horizontal Latin-script text is upright: how many letters rise above their
/// neighbours' x-height while sitting on the shared baseline (ascenders and capitals when upright),
/// and how many hang below the baseline under the shared x-line (descenders when upright). Upright
/// text has several times more of the first; text upside down has more of the second. `size` is
/// the median letter height.
pub fn ascender_votes(letters: &[Blob], size: f32) -> (u32, u32) {
    let mut body: Vec<(f32, f32, f32, f32)> = letters
        .iter()
        .filter(|b| {
            let h = b.bbox.height as f32;
            h >= 0.4 * size && h <= 2.0 * size
        })
        .map(|b| {
            let top = b.bbox.y as f32;
            let bottom = (b.bbox.y + b.bbox.height) as f32;
            (
                (top + bottom) / 2.0,
                b.bbox.x as f32 + b.bbox.width as f32 / 2.0,
                top,
                bottom,
            )
        })
        .collect();
    body.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut up, mut down) = (0, 0);
    let mut tops = Vec::new();
    let mut bottoms = Vec::new();
    for &(cy, cx, top, bottom) in &body {
        // Neighbours on the same line: centres close in height, within a few letters along it.
        let from = body.partition_point(|n| n.0 < cy - 0.5 * size);
        tops.clear();
        bottoms.clear();
        for n in body[from..].iter().take_while(|n| n.0 <= cy + 0.5 * size) {
            if (n.1 - cx).abs() <= 5.0 * size {
                tops.push(n.2);
                bottoms.push(n.3);
            }
        }
        if tops.len() < 6 {
            continue;
        }
        let mid = tops.len() / 2;
        let x_line = *tops.select_nth_unstable_by(mid, f32::total_cmp).1;
        let baseline = *bottoms.select_nth_unstable_by(mid, f32::total_cmp).1;
        let x_height = baseline - x_line;
        if x_height < 3.0 {
            continue;
        }
        let near = |a: f32, b: f32| (a - b).abs() <= (0.12 * x_height).max(1.0);
        let rise = (0.15 * x_height).max(1.5);
        if top < x_line - rise && near(bottom, baseline) {
            up += 1;
        } else if bottom > baseline + rise && near(top, x_line) {
            down += 1;
        }
    }
    (up, down)
}

/// A text line direction measured in one band of the page: a point on it and its angle in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandLine {
    /// A point the line passes through (the centre of the band's letters).
    pub point: (f64, f64),
    /// The line's direction in degrees.
    pub angle: f64,
}

/// Measures the line direction separately in `bands` slices across the lines (top to bottom for
/// horizontal text), each within `spread` degrees of the page's overall `angle`. In a photo taken
/// at a slant the directions differ from band to band.
pub fn band_lines(letters: &[Blob], angle: f32, bands: usize, spread: f32) -> Vec<BandLine> {
    let (s, c) = angle.to_radians().sin_cos();
    let mut by_normal: Vec<(f32, &Blob)> = letters
        .iter()
        .map(|b| {
            let (x, y) = centre(b);
            (y * c - x * s, b)
        })
        .collect();
    by_normal.sort_by(|a, b| a.0.total_cmp(&b.0));
    let per = by_normal.len() / bands.max(1);
    if per < 40 {
        return Vec::new();
    }
    by_normal
        .chunks(per)
        .filter(|chunk| chunk.len() >= 40)
        .filter_map(|chunk| {
            let group: Vec<Blob> = chunk.iter().map(|(_, b)| **b).collect();
            let (a, _) = sharpest_angle(&group, angle - spread, angle + spread)?;
            let n = group.len() as f64;
            let (sx, sy) = group.iter().map(centre).fold((0.0, 0.0), |acc, (x, y)| {
                (acc.0 + f64::from(x), acc.1 + f64::from(y))
            });
            Some(BandLine {
                point: (sx / n, sy / n),
                angle: f64::from(a),
            })
        })
        .collect()
}

/// Where the band lines meet (least squares), when they clearly converge: the vanishing point of
/// the page's text lines. `None` when the lines are parallel within measuring error.
pub fn vanishing_point(lines: &[BandLine]) -> Option<(f64, f64)> {
    if lines.len() < 3 {
        return None;
    }
    let min = lines.iter().map(|l| l.angle).fold(f64::INFINITY, f64::min);
    let max = lines
        .iter()
        .map(|l| l.angle)
        .fold(f64::NEG_INFINITY, f64::max);
    // A slanted shot turns the lines steadily across the page, so the angle follows the band's
    // position; measuring noise on a flat page does not, and a false correction bends lines.
    if max - min < 1.0 || trend(lines).abs() < 0.7 {
        return None;
    }
    // Each line is n . x = d with n its unit normal; solve the 2x2 normal equations.
    let (mut a11, mut a12, mut a22, mut b1, mut b2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for l in lines {
        let (s, c) = l.angle.to_radians().sin_cos();
        let (nx, ny) = (-s, c);
        let d = nx * l.point.0 + ny * l.point.1;
        a11 += nx * nx;
        a12 += nx * ny;
        a22 += ny * ny;
        b1 += nx * d;
        b2 += ny * d;
    }
    let det = a11 * a22 - a12 * a12;
    if det.abs() < 1e-9 {
        return None;
    }
    Some(((b1 * a22 - b2 * a12) / det, (a11 * b2 - a12 * b1) / det))
}

/// Correlation between where a band lies (along the normal of the first band) and its angle.
fn trend(lines: &[BandLine]) -> f64 {
    let (s, c) = lines[0].angle.to_radians().sin_cos();
    let pos: Vec<f64> = lines
        .iter()
        .map(|l| l.point.1 * c - l.point.0 * s)
        .collect();
    let ang: Vec<f64> = lines.iter().map(|l| l.angle).collect();
    let n = lines.len() as f64;
    let (mp, ma) = (pos.iter().sum::<f64>() / n, ang.iter().sum::<f64>() / n);
    let cov: f64 = pos.iter().zip(&ang).map(|(p, a)| (p - mp) * (a - ma)).sum();
    let vp: f64 = pos.iter().map(|p| (p - mp).powi(2)).sum();
    let va: f64 = ang.iter().map(|a| (a - ma).powi(2)).sum();
    if vp <= 0.0 || va <= 0.0 {
        0.0
    } else {
        cov / (vp * va).sqrt()
    }
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
    use image::Luma;

    /// An 800x600 page of 40 8x10 "letters" per row; row `r` starts at height `start(r)` on the
    /// left and climbs `slope(r)` pixels down per pixel across.
    fn rows_of_letters(
        rows: u32,
        start: impl Fn(u32) -> f32,
        slope: impl Fn(u32) -> f32,
    ) -> GrayImage {
        let mut img = GrayImage::from_pixel(800, 600, Luma([255]));
        for row in 0..rows {
            for col in 0..40 {
                let x0 = 60 + col * 16;
                let y0 = (start(row) + x0 as f32 * slope(row)) as u32;
                for y in y0..y0 + 10 {
                    for x in x0..x0 + 8 {
                        img.put_pixel(x, y, Luma([0]));
                    }
                }
            }
        }
        img
    }

    /// Eight rows of letters along lines tilted by `deg`.
    fn page(deg: f32) -> GrayImage {
        let t = deg.to_radians().tan();
        rows_of_letters(8, |r| 80.0 + r as f32 * 50.0, |_| t)
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
        // Lone specks far from the text do not widen the bounds.
        let mut specked = img.clone();
        for (x, y) in [(5, 5), (790, 590), (790, 10)] {
            for d in 0..9 {
                specked.put_pixel(x + d % 3, y + d / 3, Luma([0]));
            }
        }
        let letters = letter_like(&blobs(&specked), 800, 600);
        assert_eq!(text_bounds(&letters, 10, 5, 800, 600), Some(b));
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

    /// Ten rows of letters fanning out from a vanishing point at (-5000, 300).
    fn keystone() -> GrayImage {
        let start = |r: u32| 60.0 + r as f32 * 50.0;
        rows_of_letters(10, start, |r| (start(r) - 300.0) / 5000.0)
    }

    #[test]
    fn finds_vanishing_point_of_keystoned_lines() {
        let img = keystone();
        let letters = letter_like(&blobs(&img), 800, 600);
        let angle = line_angle(&letters, 15.0).expect("angle");
        let bands = band_lines(&letters, angle, 4, 6.0);
        assert_eq!(bands.len(), 4);
        let (vx, vy) = vanishing_point(&bands).unwrap_or_else(|| panic!("no point: {bands:?}"));
        assert!(
            (vx + 5000.0).abs() < 1000.0 && (vy - 305.0).abs() < 60.0,
            "{vx},{vy}"
        );
    }

    #[test]
    fn unsteady_band_angles_are_noise() {
        let band = |y: f64, angle: f64| BandLine {
            point: (400.0, y),
            angle,
        };
        let noisy = [
            band(100.0, 0.0),
            band(200.0, 1.2),
            band(300.0, -0.1),
            band(400.0, 0.9),
        ];
        assert!(vanishing_point(&noisy).is_none());
        let steady = [
            band(100.0, -1.0),
            band(200.0, -0.4),
            band(300.0, 0.2),
            band(400.0, 0.8),
        ];
        assert!(vanishing_point(&steady).is_some());
    }

    #[test]
    fn parallel_lines_have_no_vanishing_point() {
        let img = page(3.0);
        let letters = letter_like(&blobs(&img), 800, 600);
        let bands = band_lines(&letters, 3.0, 4, 6.0);
        assert!(vanishing_point(&bands).is_none());
    }

    #[test]
    fn dotted_rules_do_not_shrink_the_ink_letter_size() {
        // Eight rows of 10-pixel letters, and between them dotted rules of 2x2 dots every 4 pixels:
        // the dots outnumber the letters, but hold less ink.
        let mut img = page(0.0);
        for row in 0..8 {
            let y = 80 + row * 50 + 25;
            for x in (40..760).step_by(4) {
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    img.put_pixel(x + dx, y + dy, Luma([0]));
                }
            }
        }
        let letters = letter_like(&blobs(&img), 800, 600);
        assert_eq!(
            letter_size(&letters, false),
            Some(2),
            "the plain median is fooled"
        );
        assert_eq!(ink_letter_size(&letters, false), Some(10));
    }

    #[test]
    fn blank_page_has_no_angle() {
        let img = GrayImage::from_pixel(100, 100, Luma([255]));
        assert_eq!(line_angle(&letter_like(&blobs(&img), 100, 100), 10.0), None);
    }

    /// Rows of 8-pixel-wide letters with a 10-pixel x-height; every third letter rises 5 pixels
    /// above it, every tenth hangs 5 below, as in upright Latin text. Mirrored top to bottom, the
    /// page reads as if upside down.
    fn latin_rows(mirrored: bool) -> Vec<Blob> {
        let mut letters = Vec::new();
        for row in 0..10u32 {
            let baseline = 40 + row * 30;
            for col in 0..40u32 {
                let (top, bottom) = match col {
                    c if c % 10 == 7 => (baseline - 10, baseline + 5),
                    c if c % 3 == 0 => (baseline - 15, baseline),
                    _ => (baseline - 10, baseline),
                };
                let (y0, y1) = if mirrored {
                    (400 - bottom, 400 - top)
                } else {
                    (top, bottom)
                };
                letters.push(Blob {
                    bbox: BBox::new(20 + col * 12, y0, 8, y1 - y0),
                    area: 40,
                });
            }
        }
        letters
    }

    #[test]
    fn ascenders_outvote_descenders_only_when_upright() {
        let (up, down) = ascender_votes(&latin_rows(false), 10.0);
        assert!(up > 2 * down && up > 100, "upright: {up} up, {down} down");
        let (up, down) = ascender_votes(&latin_rows(true), 10.0);
        assert!(
            down > 2 * up && down > 100,
            "upside down: {up} up, {down} down"
        );
    }

    #[test]
    fn too_few_letters_cast_no_votes() {
        let few: Vec<Blob> = latin_rows(false).into_iter().take(5).collect();
        assert_eq!(ascender_votes(&few, 10.0), (0, 0));
    }
}
