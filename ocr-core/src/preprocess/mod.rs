//! Preparing a photo or scan for Tesseract: grayscale, orientation, deskew, crop, scale,
//! illumination, binarisation and denoising, each a small step of its own.
//!
//! The pipeline first *measures* a small copy of the page (line direction, skew, letter size, where
//! the text is), then resamples the full-resolution image once, combining crop, rotation and scale
//! into one affine map. That map is kept, so every word box can be carried back to source pixels.

pub mod binarize;
pub mod gray;
pub mod illumination;
pub mod layout;

use image::imageops::{FilterType, resize};
use image::{GrayImage, Luma};
use imageproc::geometric_transformations::{Border, Interpolation, warp_into_with};
use serde::{Deserialize, Serialize};

pub use gray::GrayMode;

use crate::geometry::{BBox, Transform};
use crate::load::LoadedImage;
use crate::page::Preprocessing;

/// Long side of the copy the pipeline measures the page on.
const ANALYSIS_SIDE: u32 = 1600;

/// Something that can tell how far a page is turned: the clockwise quarter-turn (0, 90, 180, 270)
/// that makes it upright, and how sure it is.
pub trait DetectOrientation {
    /// Detects the orientation of an image, or `None` when it cannot tell.
    fn detect(&mut self, image: &GrayImage) -> Option<(u16, f32)>;

    /// Whether the text is in a script with ascenders and descenders (Latin), so that their
    /// counts can tell upright text from upside-down text without a full detection.
    fn script_has_ascenders(&self) -> bool {
        false
    }
}

impl DetectOrientation for crate::engine::Engine {
    fn detect(&mut self, image: &GrayImage) -> Option<(u16, f32)> {
        self.detect_orientation(image)
    }

    fn script_has_ascenders(&self) -> bool {
        crate::engine::latin_script(self.language())
    }
}

/// Upside down (`Some(true)`), upright (`Some(false)`) or unclear, from the ascender and descender
/// votes of the letters on a straightened, horizontal-line image.
pub fn upside_down(image: &GrayImage, letter: f32) -> Option<bool> {
    let window = ((letter * 2.0) as u32).max(15) | 1;
    let letters = layout::letters(&binarize::sauvola(image, window, 0.2));
    let (up, down) = layout::ascender_votes(&letters, letter);
    if up + down < 20 {
        None
    } else if up >= 2 * down {
        Some(false)
    } else if down >= 2 * up {
        Some(true)
    } else {
        None
    }
}

/// Sauvola binarisation settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sauvola {
    /// Window side as a multiple of the letter size.
    pub window: f32,
    /// Sensitivity; higher keeps less ink.
    pub k: f32,
}

/// The range of median letter heights, in pixels, that Tesseract reads well and fast: smaller
/// letters are enlarged to `min`, larger ones shrunk to `max`, others left as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterRange {
    /// Smallest median letter height left unscaled.
    pub min: u32,
    /// Largest median letter height left unscaled.
    pub max: u32,
}

impl LetterRange {
    /// The scale factor that brings a median letter height of `size` pixels into the range.
    pub fn scale_for(self, size: f32) -> f32 {
        if size <= 0.0 {
            1.0
        } else if size < self.min as f32 {
            self.min as f32 / size
        } else if size > self.max as f32 {
            self.max as f32 / size
        } else {
            1.0
        }
    }
}

/// Which preprocessing steps run, and their settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pipeline {
    /// How colour becomes gray.
    pub gray: GrayMode,
    /// Detect and undo quarter turns (0/90/180/270).
    pub orient: bool,
    /// Straighten text lines tilted up to this many degrees; `None` leaves them.
    pub deskew: Option<f32>,
    /// Crop away everything around the text (page edges, desk, fingers).
    pub crop: bool,
    /// Scale so the median letter height falls in this range; `None` keeps the size.
    pub letter_size: Option<LetterRange>,
    /// Flatten uneven lighting and paper tint.
    pub normalize: bool,
    /// Binarise before recognition; `None` hands Tesseract the gray image.
    pub binarize: Option<Sauvola>,
    /// Median filter radius; `None` or 0 skips it.
    pub denoise: Option<u32>,
    /// Upper bound on the processed image's pixel count, to bound memory and time.
    pub max_pixels: u64,
}

impl Default for Pipeline {
    fn default() -> Self {
        Self::photo()
    }
}

impl Pipeline {
    /// The default, tuned for phone photos and scans of printed pages.
    pub fn photo() -> Self {
        Self {
            gray: GrayMode::Darkest,
            orient: true,
            deskew: Some(15.0),
            crop: true,
            letter_size: Some(LetterRange { min: 16, max: 30 }),
            normalize: true,
            binarize: None,
            denoise: None,
            max_pixels: 24_000_000,
        }
    }

    /// No preprocessing: the image goes to Tesseract as it is, in gray.
    pub fn none() -> Self {
        Self {
            gray: GrayMode::Luma,
            orient: false,
            deskew: None,
            crop: false,
            letter_size: None,
            normalize: false,
            binarize: None,
            denoise: None,
            max_pixels: u64::MAX,
        }
    }

    /// A short, stable fingerprint of the settings, for cache keys.
    pub fn fingerprint(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Runs the pipeline on a loaded image.
    pub fn run(
        &self,
        loaded: &LoadedImage,
        orient: Option<&mut dyn DetectOrientation>,
    ) -> Prepared {
        let gray = gray::to_gray(&loaded.image, self.gray);
        let (w, h) = gray.dimensions();
        let mut report = Preprocessing {
            exif_orientation: loaded.exif_orientation,
            scale: 1.0,
            steps: vec![format!("gray:{:?}", self.gray).to_lowercase()],
            ..Preprocessing::default()
        };
        let needs_measure =
            self.orient || self.deskew.is_some() || self.crop || self.letter_size.is_some();
        let m = needs_measure.then(|| measure(&gray, self.deskew.unwrap_or(0.0).max(2.0)));
        let letter = m.as_ref().and_then(|m| m.letter_size);

        // Geometry: crop, quarter turn, deskew, perspective and scale in one resampling.
        let crop = if self.crop {
            m.as_ref().and_then(|m| m.text_bounds)
        } else {
            None
        };
        let region = crop.unwrap_or(BBox::new(0, 0, w, h));
        let vertical = m.as_ref().is_some_and(|m| m.vertical);
        let quarter: u16 = if self.orient && vertical { 270 } else { 0 };
        let base = if quarter == 270 { 90.0 } else { 0.0 };
        let angle = m.as_ref().and_then(|m| m.angle).unwrap_or(base);
        let skew = match self.deskew {
            Some(max) if (angle - base).abs() <= max && (angle - base).abs() >= 0.2 => angle - base,
            _ => 0.0,
        };
        let vanishing = self.deskew.and(m.as_ref().and_then(|m| m.vanishing));
        let (straighten, residual, perspective) =
            straighten(region, f64::from(base + skew), vanishing);
        let mut scale = match (self.letter_size, letter) {
            (Some(range), Some(size)) => range.scale_for(size).clamp(0.25, 4.0),
            _ => 1.0,
        };
        let area = f64::from(region.width) * f64::from(region.height) * f64::from(scale).powi(2);
        if area > self.max_pixels as f64 {
            scale *= (self.max_pixels as f64 / area).sqrt() as f32;
        }
        let (mut image, mut to_source) = resample(&gray, region, straighten, scale);
        if let Some(c) = crop {
            report.crop = Some(c);
            report.steps.push("crop".into());
        }
        let deskew = (residual - f64::from(base)) as f32;
        if deskew.abs() >= 0.05 {
            report.deskew = deskew;
            report.steps.push(format!("deskew:{deskew:.1}"));
        }
        if perspective {
            report.steps.push("perspective".into());
        }
        if (scale - 1.0).abs() > 1e-3 {
            report.steps.push(format!("scale:{scale:.2}"));
        }
        report.scale = scale;

        let letter_out = letter.map_or(30.0, |l| l * scale);
        if self.normalize {
            image = illumination::normalize_illumination(&image, (letter_out * 3.0) as u32);
            report.steps.push("normalize".into());
        }
        if self.orient {
            // The lines now run across; what is left to tell is whether the page is upside down.
            // Orientation needs far less detail than reading: large letters are halved first.
            // Latin text says so itself, through its ascenders; other scripts, and pages where the
            // count is unclear, go to the detector.
            let small = (letter_out >= 24.0).then(|| halve(&image));
            let (small, small_letter) = match &small {
                Some(s) => (s, letter_out / 2.0),
                None => (&image, letter_out),
            };
            let flip = orient.and_then(|d| {
                let votes = d
                    .script_has_ascenders()
                    .then(|| upside_down(small, small_letter))
                    .flatten();
                votes.or_else(|| d.detect(small).map(|(r, _)| r == 180))
            });
            let flip = flip.unwrap_or(false);
            if flip {
                let (rotated, map) = rotate_quarter(&image, 180);
                image = rotated;
                to_source = map.then(to_source);
            }
            report.rotation = (quarter + if flip { 180 } else { 0 }) % 360;
            report.steps.push(format!("orient:{}", report.rotation));
        }
        if let Some(sv) = self.binarize {
            let window = ((letter_out * sv.window) as u32).max(15) | 1;
            image = binarize::sauvola(&image, window, sv.k);
            report.steps.push("binarize".into());
        }
        if let Some(r) = self.denoise.filter(|&r| r > 0) {
            image = binarize::denoise(&image, r);
            report.steps.push(format!("denoise:{r}"));
        }
        report.processed_width = image.width();
        report.processed_height = image.height();
        Prepared {
            image,
            to_source,
            report,
        }
    }
}

/// What measuring the page found, in source pixels and degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurements {
    /// The text lines run top to bottom rather than left to right.
    pub vertical: bool,
    /// The lines' direction in degrees, in `(-45, 135)`.
    pub angle: Option<f32>,
    /// Where the text lines meet when the photo was taken at a slant.
    pub vanishing: Option<(f64, f64)>,
    /// Median letter size across the lines, in source pixels.
    pub letter_size: Option<f32>,
    /// Where the text is, with a margin.
    pub text_bounds: Option<BBox>,
}

/// Measures line direction, perspective, letter size and text bounds on a small copy of the page.
pub fn measure(gray: &GrayImage, max_skew: f32) -> Measurements {
    let (w, h) = gray.dimensions();
    // A page only a little larger than the analysis size is measured as it is: shrinking it
    // would cost more time than measuring the extra pixels.
    let k = (ANALYSIS_SIDE as f32 / w.max(h) as f32).min(1.0);
    let k = if k >= 0.85 { 1.0 } else { k };
    let (sw, sh) = (
        ((w as f32 * k) as u32).max(1),
        ((h as f32 * k) as u32).max(1),
    );
    // A smooth (triangle) reduction keeps small print measurable; a box average loses it.
    let small = if k < 1.0 {
        resize(gray, sw, sh, FilterType::Triangle)
    } else {
        gray.clone()
    };
    let flat = illumination::normalize_illumination(&small, sw.max(sh) / 25);
    let letters = layout::letters(&binarize::sauvola(&flat, 31, 0.2));
    let angle = layout::line_angle(&letters, max_skew);
    let vertical = angle.is_some_and(|a| a > 45.0);
    let size = layout::letter_size(&letters, vertical);
    let bounds = size.and_then(|s| layout::text_bounds(&letters, s, s * 2, sw, sh));
    let vanishing = angle
        .and_then(|a| layout::vanishing_point(&layout::band_lines(&letters, a, 4, 6.0)))
        .map(|(x, y)| (x / f64::from(k), y / f64::from(k)));
    let up = |v: u32| (v as f32 / k).round() as u32;
    Measurements {
        vertical,
        angle,
        vanishing,
        letter_size: size.map(|s| s as f32 / k),
        text_bounds: bounds.map(|b| {
            let (x, y) = (up(b.x).min(w - 1), up(b.y).min(h - 1));
            BBox::new(
                x,
                y,
                up(b.width).min(w - x).max(1),
                up(b.height).min(h - y).max(1),
            )
        }),
    }
}

/// The map from source pixels to a frame where the text lines run straight across: about the
/// centre of `region`, lines of direction `angle` degrees turn horizontal, and lines meeting at
/// `vanishing` become parallel first. Returns the map, the angle it turned by, and whether it
/// corrected perspective.
pub fn straighten(
    region: BBox,
    angle: f64,
    vanishing: Option<(f64, f64)>,
) -> (Transform, f64, bool) {
    let cx = f64::from(region.x) + f64::from(region.width) / 2.0;
    let cy = f64::from(region.y) + f64::from(region.height) / 2.0;
    let centre = Transform::translate(-cx, -cy);
    let diagonal = f64::from(region.width).hypot(f64::from(region.height));
    if let Some((vx, vy)) = vanishing {
        let (dx, dy) = (vx - cx, vy - cy);
        let d2 = dx * dx + dy * dy;
        // A vanishing point on or near the page is a measuring error, not a slanted photo.
        if d2.sqrt() > 1.5 * diagonal {
            let mut theta = dy.atan2(dx).to_degrees();
            while theta - angle > 90.0 {
                theta -= 180.0;
            }
            while angle - theta > 90.0 {
                theta += 180.0;
            }
            let map = centre
                .then(Transform::vanishing(-dx / d2, -dy / d2))
                .then(Transform::rotate(-theta.to_radians()));
            return (map, theta, true);
        }
    }
    (
        centre.then(Transform::rotate(-angle.to_radians())),
        angle,
        false,
    )
}

/// An image ready for Tesseract, and the map from its pixels back to the source image's.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The processed grayscale image.
    pub image: GrayImage,
    /// Maps processed-image coordinates to source-image coordinates.
    pub to_source: Transform,
    /// What was done.
    pub report: Preprocessing,
}

/// Resamples `region` of the source through `straighten` (source to straight frame) and scales
/// by `scale`, in one bilinear pass; returns the image and the map from its pixels to the source.
pub fn resample(
    gray: &GrayImage,
    region: BBox,
    straighten: Transform,
    scale: f32,
) -> (GrayImage, Transform) {
    let s = f64::from(scale);
    let (x0, y0) = (f64::from(region.x), f64::from(region.y));
    let (x1, y1) = (x0 + f64::from(region.width), y0 + f64::from(region.height));
    let pts = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)].map(|(x, y)| straighten.apply(x, y));
    let min_x = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let max_x = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let min_y = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let max_y = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let ow = (((max_x - min_x) * s).round() as u32).max(1);
    let oh = (((max_y - min_y) * s).round() as u32).max(1);
    let Some(back) = straighten.inverse() else {
        return (gray.clone(), Transform::IDENTITY);
    };
    let to_source = Transform::scale(1.0 / s, 1.0 / s)
        .then(Transform::translate(min_x, min_y))
        .then(back);

    let is_shift = {
        let m = to_source.m;
        (m[0] - 1.0).abs() < 1e-9
            && (m[4] - 1.0).abs() < 1e-9
            && m[1].abs() < 1e-9
            && m[3].abs() < 1e-9
            && m[6].abs() < 1e-12
            && m[7].abs() < 1e-12
    };
    if is_shift {
        let img = image::imageops::crop_imm(gray, region.x, region.y, region.width, region.height)
            .to_image();
        return (img, Transform::translate(x0, y0));
    }
    // Shrinking a lot with bilinear sampling aliases thin strokes: shrink first, then warp.
    let (src, sample) = if s < 0.75 {
        let (sw, sh) = (
            ((f64::from(gray.width()) * s).round() as u32).max(1),
            ((f64::from(gray.height()) * s).round() as u32).max(1),
        );
        let (fx, fy) = (
            f64::from(sw) / f64::from(gray.width()),
            f64::from(sh) / f64::from(gray.height()),
        );
        (
            resize(gray, sw, sh, FilterType::Triangle),
            to_source.then(Transform::scale(fx, fy)),
        )
    } else {
        (gray.clone(), to_source)
    };
    let mut out = GrayImage::new(ow, oh);
    warp_into_with(
        &src,
        |x, y| {
            let (sx, sy) = sample.apply(f64::from(x), f64::from(y));
            (sx as f32, sy as f32)
        },
        Interpolation::Bilinear,
        Border::Constant(Luma([255])),
        &mut out,
    );
    (out, to_source)
}

/// Halves both sides, averaging each 2x2 square.
pub fn halve(image: &GrayImage) -> GrayImage {
    if image.width() < 2 || image.height() < 2 {
        return image.clone();
    }
    let (w, h) = (image.width() / 2, image.height() / 2);
    let src = image.as_raw();
    let stride = image.width() as usize;
    let mut out = GrayImage::new(w, h);
    for (y, row) in out.as_mut().chunks_exact_mut(w as usize).enumerate() {
        let (r0, r1) = (2 * y * stride, (2 * y + 1) * stride);
        for (x, o) in row.iter_mut().enumerate() {
            let sum = u16::from(src[r0 + 2 * x])
                + u16::from(src[r0 + 2 * x + 1])
                + u16::from(src[r1 + 2 * x])
                + u16::from(src[r1 + 2 * x + 1]);
            *o = ((sum + 2) / 4) as u8;
        }
    }
    out
}

/// Turns an image clockwise by 90, 180 or 270 degrees; returns it with the map from its pixels
/// back to the unturned image's.
pub fn rotate_quarter(image: &GrayImage, clockwise: u16) -> (GrayImage, Transform) {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    match clockwise {
        90 => (
            image::imageops::rotate90(image),
            Transform::affine([0.0, 1.0, 0.0, -1.0, 0.0, h]),
        ),
        180 => (
            image::imageops::rotate180(image),
            Transform::affine([-1.0, 0.0, w, 0.0, -1.0, h]),
        ),
        270 => (
            image::imageops::rotate270(image),
            Transform::affine([0.0, -1.0, w, 1.0, 0.0, 0.0]),
        ),
        _ => (image.clone(), Transform::IDENTITY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(w: u32, h: u32) -> GrayImage {
        let mut img = GrayImage::from_pixel(w, h, Luma([255]));
        img.put_pixel(2, 1, Luma([0]));
        img
    }

    #[test]
    fn quarter_turn_maps_back() {
        let img = marked(10, 6);
        for rot in [90u16, 180, 270] {
            let (r, map) = rotate_quarter(&img, rot);
            let (x, y) = r
                .enumerate_pixels()
                .find(|p| p.2.0[0] == 0)
                .map(|p| (p.0, p.1))
                .expect("mark");
            // Map the centre of the marked pixel back.
            let (sx, sy) = map.apply(f64::from(x) + 0.5, f64::from(y) + 0.5);
            assert_eq!((sx.floor(), sy.floor()), (2.0, 1.0), "rotation {rot}");
        }
    }

    #[test]
    fn resample_crop_and_scale_map_back() {
        let mut img = GrayImage::from_pixel(200, 100, Luma([255]));
        for y in 40..50 {
            for x in 120..140 {
                img.put_pixel(x, y, Luma([0]));
            }
        }
        let region = BBox::new(100, 20, 80, 60);
        let (t, _, _) = straighten(region, 0.0, None);
        let (out, map) = resample(&img, region, t, 2.0);
        assert_eq!(out.dimensions(), (160, 120));
        let (sx, sy) = map.apply(80.0, 50.0);
        assert!((sx - 140.0).abs() < 1e-6 && (sy - 45.0).abs() < 1e-6);
        assert!(out.get_pixel(60, 50).0[0] < 50);
    }

    #[test]
    fn resample_rotation_straightens() {
        // A dark dot at (150, 60) in a 200x100 image; after turning by 10 degrees its processed
        // position maps back to it.
        let mut img = GrayImage::from_pixel(200, 100, Luma([255]));
        for y in 58..63 {
            for x in 148..153 {
                img.put_pixel(x, y, Luma([0]));
            }
        }
        let region = BBox::new(0, 0, 200, 100);
        let (t, _, _) = straighten(region, 10.0, None);
        let (out, map) = resample(&img, region, t, 1.0);
        let dark: Vec<(u32, u32)> = out
            .enumerate_pixels()
            .filter(|p| p.2.0[0] < 60)
            .map(|p| (p.0, p.1))
            .collect();
        assert!(!dark.is_empty());
        let (cx, cy) = dark.iter().fold((0.0, 0.0), |a, p| {
            (a.0 + f64::from(p.0), a.1 + f64::from(p.1))
        });
        let n = dark.len() as f64;
        let (sx, sy) = map.apply(cx / n + 0.5, cy / n + 0.5);
        assert!(
            (sx - 150.5).abs() < 1.5 && (sy - 60.5).abs() < 1.5,
            "{sx},{sy}"
        );
    }

    #[test]
    fn straighten_sends_converging_lines_to_horizontal() {
        // Lines meet at (-3000, 500) to the left of a 1000x1000 page.
        let region = BBox::new(0, 0, 1000, 1000);
        let (t, _, perspective) = straighten(region, 0.0, Some((-3000.0, 500.0)));
        assert!(perspective);
        for y in [100.0, 500.0, 900.0] {
            // A line through (0, y) aimed at the vanishing point.
            let slope = (y - 500.0) / 3000.0;
            let (ax, ay) = t.apply(0.0, y);
            let (bx, by) = t.apply(1000.0, y + 1000.0 * slope);
            assert!(((by - ay) / (bx - ax)).abs() < 1e-9, "line at {y}");
        }
    }

    #[test]
    fn letter_range_scales_only_outside() {
        let r = LetterRange { min: 18, max: 30 };
        assert_eq!(r.scale_for(9.0), 2.0);
        assert_eq!(r.scale_for(20.0), 1.0);
        assert_eq!(r.scale_for(60.0), 0.5);
    }

    #[test]
    fn halve_averages() {
        let img = GrayImage::from_fn(4, 2, |x, _| Luma([if x < 2 { 0 } else { 200 }]));
        let h = halve(&img);
        assert_eq!(h.dimensions(), (2, 1));
        assert_eq!(h.get_pixel(0, 0).0[0], 0);
        assert_eq!(h.get_pixel(1, 0).0[0], 200);
    }

    #[test]
    fn straighten_turns_vertical_lines_across() {
        let (t, theta, perspective) = straighten(BBox::new(0, 0, 100, 200), 90.0, None);
        assert!(!perspective && (theta - 90.0).abs() < 1e-9);
        let (ax, ay) = t.apply(50.0, 0.0);
        let (bx, by) = t.apply(50.0, 200.0);
        assert!((ay - by).abs() < 1e-9 && (bx - ax).abs() > 199.0);
    }

    #[test]
    fn none_pipeline_changes_nothing_but_colour() {
        let img = image::DynamicImage::ImageLuma8(marked(40, 30));
        let loaded = LoadedImage {
            image: img,
            exif_orientation: None,
        };
        let p = Pipeline::none().run(&loaded, None);
        assert_eq!(p.image, marked(40, 30));
        assert_eq!(p.to_source, Transform::translate(0.0, 0.0));
        assert!(p.report.steps == ["gray:luma"]);
        assert_eq!(p.report.rotation, 0);
    }
}
