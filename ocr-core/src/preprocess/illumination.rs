//! Flattening uneven lighting: shadows, gradients and tinted paper become white.

use image::{GrayImage, Luma};

use super::scaling::{enlarge, shrink};

/// Divides the image by an estimate of its paper brightness, so the background turns white and ink
/// keeps its contrast; `feature_size` is the size in pixels of the largest dark detail (letters)
/// that must not count as background.
pub fn normalize_illumination(image: &GrayImage, feature_size: u32) -> GrayImage {
    let (w, h) = image.dimensions();
    // Estimate the background on a small copy: about four pixels per letter height is enough.
    let factor = (feature_size / 4).max(1);
    let small = shrink(image, factor);
    // A running maximum wider than any letter removes the ink and leaves the paper.
    let radius = (feature_size.div_ceil(factor)).max(2);
    let paper = box_blur(&max_filter(&max_filter_t(&small, radius), radius), radius);
    let background = enlarge(&paper, w, h);
    let mut out = GrayImage::new(w, h);
    // One division per background level instead of one per pixel.
    let reciprocal: Vec<u32> = (0..=255u32).map(|b| (255 << 16) / b.max(16)).collect();
    for ((o, &p), &b) in out.iter_mut().zip(image.as_raw()).zip(background.as_raw()) {
        let v = (u32::from(p) * reciprocal[usize::from(b)] + (1 << 15)) >> 16;
        *o = v.min(255) as u8;
    }
    stretch_dark(&mut out);
    out
}

/// The median brightness of each `tile`-pixel square of an image, row by row, with the number of
/// tile columns and rows.
pub fn tile_medians(image: &GrayImage, tile: u32) -> (u32, u32, Vec<u8>) {
    let (cols, rows, quartiles) = tile_quartiles(image, tile);
    (
        cols,
        rows,
        quartiles.into_iter().map(|[_, m, _]| m).collect(),
    )
}

/// The first quartile, median and third quartile of the brightness of each `tile`-pixel square,
/// row by row, with the number of tile columns and rows.
fn tile_quartiles(image: &GrayImage, tile: u32) -> (u32, u32, Vec<[u8; 3]>) {
    let (w, h) = image.dimensions();
    let tile = tile.max(1);
    let (cols, rows) = (w.div_ceil(tile).max(1), h.div_ceil(tile).max(1));
    let mut hist = vec![[0u32; 256]; (cols * rows) as usize];
    for (y, row) in image.as_raw().chunks_exact(w.max(1) as usize).enumerate() {
        let ty = (y as u32 / tile) * cols;
        for (x, &v) in row.iter().enumerate() {
            hist[(ty + x as u32 / tile) as usize][usize::from(v)] += 1;
        }
    }
    let quartiles = hist
        .iter()
        .map(|h| {
            let total = h.iter().sum::<u32>();
            let at = |part: u32| {
                let want = (total * part).div_ceil(4).max(1);
                let mut acc = 0;
                h.iter()
                    .position(|&n| {
                        acc += n;
                        acc >= want
                    })
                    .unwrap_or(255) as u8
            };
            [at(1), at(2), at(3)]
        })
        .collect();
    (cols, rows, quartiles)
}

/// The brightness of the paper: the 90th percentile of the tile medians.
fn paper_level(medians: &[u8]) -> u8 {
    let mut m = medians.to_vec();
    m.sort_unstable();
    m[(m.len() * 9 / 10).min(m.len() - 1)]
}

/// Turns light-on-dark regions (a dark slide, a dark title bar) into dark-on-light: where the
/// median of the `tile`-pixel squares around is dark next to the page's paper, the pixels are
/// inverted. Returns the share of the image inverted, or `None` (and the image as it was) when no
/// region is dark.
pub fn invert_dark_regions(image: &mut GrayImage, tile: u32) -> Option<f32> {
    let (w, h) = image.dimensions();
    let (cols, rows, medians) = tile_medians(image, tile);
    let paper = paper_level(&medians);
    // A dark region is darker than half the paper, and dark in absolute terms; a page that is
    // dark everywhere (paper level dark too) is a light-on-dark page.
    let dark_limit = if paper < 100 {
        128
    } else {
        (paper / 2).min(100)
    };
    let dark: Vec<u8> = medians
        .iter()
        .map(|&m| if m < dark_limit { 255 } else { 0 })
        .collect();
    let dark_tiles = dark.iter().filter(|&&d| d > 0).count();
    // One dark tile alone is a heavy heading or a picture, not a region of text.
    if dark_tiles < 2 {
        return None;
    }
    let small = GrayImage::from_raw(cols, rows, dark)?;
    let mask = enlarge(&small, w, h);
    let mut inverted = 0u64;
    for (p, m) in image.pixels_mut().zip(mask.pixels()) {
        if m.0[0] >= 128 {
            p.0[0] = 255 - p.0[0];
            inverted += 1;
        }
    }
    (inverted > 0).then(|| inverted as f32 / (u64::from(w) * u64::from(h)).max(1) as f32)
}

/// Whether the paper's brightness varies across the page (shadows, gradients, tint) enough for
/// [`normalize_illumination`] to help: the light, smooth tiles' medians spread over more than a
/// few gray levels, or the paper is not near white. A tile whose middle half spans more than 16
/// gray levels is a picture (a photograph's grain, a chart), not paper in a shadow, and is left
/// out: a shadow or a gradient is smooth within a tile.
pub fn uneven_background(image: &GrayImage, tile: u32) -> bool {
    let (_, _, quartiles) = tile_quartiles(image, tile);
    let medians: Vec<u8> = quartiles.iter().map(|&[_, m, _]| m).collect();
    let paper = paper_level(&medians);
    let mut light: Vec<u8> = quartiles
        .iter()
        .filter(|&&[q1, m, q3]| m >= paper.saturating_sub(40) && q3 - q1 <= 16)
        .map(|&[_, m, _]| m)
        .collect();
    if light.is_empty() {
        return paper < 200;
    }
    light.sort_unstable();
    let lo = light[light.len() / 10];
    paper < 200 || paper - lo > 16
}

/// Whether the part of an image outside `inner` is clearly darker than the paper inside it (a
/// desk or a scanner lid around a page, not a white margin): its median is at least 40 gray
/// levels below the inside's 80th percentile, and it covers at least 3% of the image.
pub fn surround_is_darker(image: &GrayImage, inner: crate::geometry::BBox) -> bool {
    let (w, h) = image.dimensions();
    let (mut inside, mut outside) = ([0u64; 256], [0u64; 256]);
    for (y, row) in image.as_raw().chunks_exact(w.max(1) as usize).enumerate() {
        let y = y as u32;
        let in_rows = y >= inner.y && y < inner.y + inner.height;
        for (x, &v) in row.iter().enumerate() {
            let x = x as u32;
            if in_rows && x >= inner.x && x < inner.x + inner.width {
                inside[usize::from(v)] += 1;
            } else {
                outside[usize::from(v)] += 1;
            }
        }
    }
    let total_out: u64 = outside.iter().sum();
    if total_out * 100 < u64::from(w) * u64::from(h) * 3 {
        return false;
    }
    i32::from(percentile(&outside, 50)) + 40 <= i32::from(percentile(&inside, 80))
}

/// The lowest gray level at or below which `p` percent of a histogram's pixels lie.
pub(crate) fn percentile(hist: &[u64; 256], p: u64) -> u8 {
    let total: u64 = hist.iter().sum();
    let mut acc = 0;
    let level = hist.iter().position(|&n| {
        acc += n;
        acc * 100 >= total * p
    });
    level.map_or(255, |l| l as u8)
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
    fn shading_is_uneven_and_a_clean_page_is_not() {
        assert!(uneven_background(&shaded_page(), 40));
        let clean = GrayImage::from_fn(400, 200, |x, y| {
            Luma([if (x % 40) < 6 && (y % 30) < 15 {
                30
            } else {
                250
            }])
        });
        assert!(!uneven_background(&clean, 40));
    }

    #[test]
    fn a_grainy_picture_on_even_paper_is_not_a_shadow() {
        // White paper with text, and a photograph of light grain (gray 200 to 250) over a
        // third of it: the paper is even.
        let mut seed = 1u32;
        let mut grain = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            200 + ((seed >> 16) % 51) as u8
        };
        let page = GrayImage::from_fn(400, 300, |x, y| {
            Luma([if y < 100 && x > 100 {
                grain()
            } else if (x % 40) < 6 && (y % 30) < 15 {
                30
            } else {
                250
            }])
        });
        assert!(!uneven_background(&page, 40));
        // The same page in a soft shadow is still uneven.
        let shaded = GrayImage::from_fn(400, 300, |x, y| {
            let v = page.get_pixel(x, y).0[0];
            Luma([(f32::from(v) * (1.0 - x as f32 / 1000.0)) as u8])
        });
        assert!(uneven_background(&shaded, 40));
    }

    #[test]
    fn dark_band_is_inverted_and_the_paper_is_not() {
        // White paper with a dark band (rows 100 to 199) holding light letters.
        let mut img = GrayImage::from_fn(400, 300, |x, y| {
            let letter = (x % 20) < 6 && (y % 25) < 12;
            let band = (100..200).contains(&y);
            Luma([match (band, letter) {
                (true, true) => 230,
                (true, false) => 30,
                (false, true) => 20,
                (false, false) => 245,
            }])
        });
        let share = invert_dark_regions(&mut img, 25).expect("a dark region");
        assert!((0.2..0.45).contains(&share), "{share}");
        // The band's background is now light and its letters dark; the paper is untouched.
        assert!(img.get_pixel(10, 160).0[0] > 200 && img.get_pixel(2, 150).0[0] < 50);
        assert_eq!(img.get_pixel(10, 40).0[0], 245);
        let mut clean = GrayImage::from_pixel(200, 200, Luma([250]));
        assert!(invert_dark_regions(&mut clean, 25).is_none());
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
