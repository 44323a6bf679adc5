//! Pages of PDF files: how many there are, each drawn as an image at a resolution chosen for
//! OCR, and the text its layer holds, placed in the pixels of that image.
//!
//! PDFs are read by hayro, a PDF interpreter and renderer written in Rust (see
//! `docs/pdf.md` for why it was chosen over poppler, MuPDF and pdfium). Every call on a file is
//! guarded: a page that would exceed the pixel limits is drawn smaller, an embedded image over
//! the limits refuses the page before anything is decoded, and a panic inside the interpreter
//! becomes an error naming the page instead of ending the program.

use std::panic::{AssertUnwindSafe, catch_unwind};

use hayro::hayro_interpret::font::GlyphRun;
use hayro::hayro_interpret::hayro_cmap::BfString;
use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::{
    BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps,
    InterpreterCache, InterpreterSettings, SoftMask, interpret_page,
};
use hayro::hayro_syntax::page::Page;
use hayro::hayro_syntax::{LoadPdfError, Pdf};
use hayro::kurbo::{Affine, BezPath, Point, Rect, Shape};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};
use image::{DynamicImage, RgbImage};

use crate::{Error, Limits, MAX_PAGES};

/// Resolution a page of text and drawings is drawn at, in dots per inch: what Tesseract reads
/// best at for the sizes of print.
pub const TEXT_DPI: f32 = 300.0;

/// The range a scanned page is drawn in: the resolution of its scan, kept within these bounds,
/// so that its pixels are neither thrown away nor invented.
pub const SCAN_DPI: (f32, f32) = (150.0, 400.0);

/// Share of a page's area one image must cover for the page to count as a scan.
const SCAN_COVER: f64 = 0.5;

/// Whether the bytes are a PDF: `%PDF-` within the first kilobyte, where readers look for it.
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
}

/// One glyph of a page's text layer, in the pixels of the page as [`render`] draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The text it stands for (one character, or several for a ligature); U+FFFD when the
    /// file does not say.
    pub text: String,
    /// Its box, left, top, right, bottom.
    pub bbox: [f32; 4],
    /// The height of its em square.
    pub size: f32,
    /// Whether it is drawn invisibly (render mode 3: the OCR layer a scanner lays over its
    /// image) rather than painted.
    pub invisible: bool,
    /// Whether it stands upright (neither rotated nor mirrored nor set vertically).
    pub upright: bool,
}

/// The text layer of one PDF page, and what else the page holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextLayer {
    /// Width of the page as [`render`] draws it, in pixels.
    pub width: u32,
    /// Height of the page as [`render`] draws it, in pixels.
    pub height: u32,
    /// The glyphs, in the order the page draws them.
    pub glyphs: Vec<Glyph>,
    /// The share of the page's area the largest image covers, 0 to 1.
    pub image_cover: f32,
    /// The resolution the page is drawn at, in dots per inch.
    pub dpi: f32,
}

/// How many pages the PDF in `bytes` has.
pub fn page_count(bytes: &[u8]) -> Result<u32, Error> {
    guarded(0, || {
        let pdf = open(bytes)?;
        let n = pdf.pages().len();
        if n == 0 {
            return Err(Error::Corrupt("the PDF has no pages".into()));
        }
        u32::try_from(n)
            .ok()
            .filter(|&n| n <= MAX_PAGES)
            .ok_or_else(|| Error::TooLarge(format!("more than {MAX_PAGES} pages")))
    })
}

/// Draws page `page` (counting from 1) on white, at the resolution chosen for OCR (see
/// [`TextLayer::dpi`]), within `limits`.
pub fn render(bytes: &[u8], page: u32, limits: &Limits) -> Result<DynamicImage, Error> {
    guarded(page, || {
        let pdf = open(bytes)?;
        let p = nth(&pdf, page)?;
        let survey = survey(p, limits)?;
        let cache = RenderCache::new();
        let pixmap = hayro::render(
            p,
            &cache,
            &InterpreterSettings::default(),
            &RenderSettings::default(),
            &PixmapSettings {
                x_scale: survey.scale,
                y_scale: survey.scale,
                bg_color: WHITE,
            },
        );
        let (w, h) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
        // The background is opaque white, so the premultiplied pixels are the plain ones.
        let rgb: Vec<u8> = pixmap
            .data_as_u8_slice()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        RgbImage::from_raw(w, h, rgb)
            .map(DynamicImage::ImageRgb8)
            .ok_or_else(|| Error::Corrupt("the page drew to no pixels".into()))
    })
}

/// The text layer of page `page` (counting from 1), placed in the pixels [`render`] draws.
pub fn text_layer(bytes: &[u8], page: u32, limits: &Limits) -> Result<TextLayer, Error> {
    guarded(page, || {
        let pdf = open(bytes)?;
        let p = nth(&pdf, page)?;
        let survey = survey(p, limits)?;
        let s = survey.scale;
        let glyphs = survey
            .glyphs
            .into_iter()
            .map(|g| Glyph {
                bbox: g.bbox.map(|v| v * s),
                size: g.size * s,
                ..g
            })
            .collect();
        Ok(TextLayer {
            width: survey.width,
            height: survey.height,
            glyphs,
            image_cover: survey.image_cover as f32,
            dpi: s * 72.0,
        })
    })
}

/// Runs `f`, turning a panic in the PDF interpreter into an error.
fn guarded<T>(page: u32, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::Corrupt(if page == 0 {
            "the PDF reader failed on this file".into()
        } else {
            format!("the PDF reader failed on page {page}")
        }))
    })
}

fn open(bytes: &[u8]) -> Result<Pdf, Error> {
    Pdf::new(bytes.to_vec()).map_err(|e| match e {
        LoadPdfError::Decryption(_) => Error::Encrypted,
        LoadPdfError::Invalid => Error::Corrupt("not a readable PDF".into()),
    })
}

fn nth<'a>(pdf: &'a Pdf, page: u32) -> Result<&'a Page<'a>, Error> {
    let pages = pdf.pages();
    let count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    usize::try_from(page)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| pages.get(i))
        .ok_or(Error::NoSuchPage { page, pages: count })
}

/// What a first pass over a page found, in points (1/72 inch, y down), and the scale it is
/// drawn at.
struct Survey {
    glyphs: Vec<Glyph>,
    image_cover: f64,
    scale: f32,
    width: u32,
    height: u32,
}

/// Interprets the page without drawing it: its glyphs, its images (checked against the limits
/// before any is decoded), and so the scale to draw it at.
fn survey(page: &Page<'_>, limits: &Limits) -> Result<Survey, Error> {
    let (w, h) = page.render_dimensions();
    let (w, h) = (f64::from(w), f64::from(h));
    if !(w >= 1.0 && h >= 1.0) {
        return Err(Error::Corrupt("the page has no size".into()));
    }
    let cache = InterpreterCache::new();
    let mut ctx = Context::new(
        page.initial_transform(true).to_kurbo(),
        Rect::new(0.0, 0.0, w, h),
        &cache,
        page.xref(),
        InterpreterSettings::default(),
    );
    let mut device = Collect {
        page_area: w * h,
        max_pixels: limits.max_pixels,
        ..Collect::default()
    };
    interpret_page(page, &mut ctx, &mut device);
    if let Some((iw, ih)) = device.too_large {
        return Err(Error::TooLarge(format!(
            "an image on the page is {iw}x{ih} pixels, more than {} megapixels",
            limits.max_pixels / 1_000_000
        )));
    }
    let dpi = match device.scan_dpi {
        Some(d) if device.image_cover >= SCAN_COVER => (d as f32).clamp(SCAN_DPI.0, SCAN_DPI.1),
        _ => TEXT_DPI,
    };
    let max_side = f64::from(limits.max_side.min(u32::from(u16::MAX)));
    let fit = (limits.max_pixels as f64 / (w * h))
        .sqrt()
        .min(max_side / w)
        .min(max_side / h);
    let scale = (f64::from(dpi) / 72.0).min(fit);
    let (pw, ph) = ((w * scale) as u32, (h * scale) as u32);
    if pw == 0 || ph == 0 {
        return Err(Error::TooLarge(format!(
            "a page of {w:.0}x{h:.0} points cannot be drawn within the limits"
        )));
    }
    Ok(Survey {
        glyphs: device.glyphs,
        image_cover: device.image_cover,
        scale: scale as f32,
        width: pw,
        height: ph,
    })
}

/// A device that draws nothing and writes down glyphs and images.
#[derive(Default)]
struct Collect {
    page_area: f64,
    glyphs: Vec<Glyph>,
    image_cover: f64,
    scan_dpi: Option<f64>,
    too_large: Option<(u32, u32)>,
    max_pixels: u64,
    /// The glyph count and first origin of the last filled run.
    last_fill: Option<(usize, Point)>,
}

/// Glyph space: a thousand units to the em, the baseline at 0.
const EM: f64 = 1000.0;

impl Device<'_> for Collect {
    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'_>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'_>>, _: BlendMode) {}
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}

    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, '_>, props: DrawProps<'_>, mode: &DrawMode) {
        let first = run
            .glyphs()
            .first()
            .map(|g| props.transform * g.transform() * Point::ZERO);
        let this = first.map(|p| (run.glyphs().len(), p));
        if matches!(mode, DrawMode::Stroke(_)) && this.is_some() && this == self.last_fill {
            // Fill-and-stroke text comes twice, once per pass: take it from the fill.
            return;
        }
        self.last_fill = if matches!(mode, DrawMode::Stroke(_)) {
            None
        } else {
            this
        };
        let horizontal = matches!(
            run.writing_mode(),
            hayro::hayro_interpret::hayro_cmap::WritingMode::Horizontal
        );
        let glyphs = run.glyphs();
        for (k, g) in glyphs.iter().enumerate() {
            let t: Affine = props.transform * g.transform();
            let origin = t * Point::ZERO;
            let across = t * Point::new(EM, 0.0) - origin;
            let up = t * Point::new(0.0, EM) - origin;
            let size = up.hypot();
            let upright = horizontal
                && across.x > 0.0
                && across.y.abs() < 0.05 * across.x
                && up.y < 0.0
                && up.x.abs() < 0.05 * -up.y;
            // How far the glyph reaches: its advance in the font (else the right of its ink,
            // else half an em), cut short where the next glyph of the run starts sooner. The
            // run's own moves of the pen are not part of it: TeX and many other writers set
            // the gap between words that way, with no space character.
            let next = glyphs
                .get(k + 1)
                .map(|n| t.inverse() * (props.transform * n.transform() * Point::ZERO))
                .filter(|p| p.x > 0.0 && p.x < 2.0 * EM && p.y.abs() < 0.1 * EM)
                .map(|p| p.x);
            let own = match &**g {
                hayro::hayro_interpret::font::Glyph::Outline(o) => o
                    .advance_width()
                    .map(f64::from)
                    .filter(|a| *a > 0.0)
                    .or_else(|| {
                        let r = o.outline().bounding_box();
                        (r.x1.is_finite() && r.x1 > 0.0).then_some(r.x1)
                    }),
                hayro::hayro_interpret::font::Glyph::Type3(t3) => {
                    t3.advance_width().map(f64::from).filter(|a| *a > 0.0)
                }
            };
            let advance = match (own, next) {
                (Some(a), Some(n)) => a.min(n),
                (a, n) => a.or(n).unwrap_or(0.5 * EM),
            }
            .clamp(0.0, 2.0 * EM);
            let corners = [
                Point::new(0.0, -0.2 * EM),
                Point::new(advance, -0.2 * EM),
                Point::new(0.0, 0.8 * EM),
                Point::new(advance, 0.8 * EM),
            ]
            .map(|p| t * p);
            let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for c in corners {
                x0 = x0.min(c.x);
                y0 = y0.min(c.y);
                x1 = x1.max(c.x);
                y1 = y1.max(c.y);
            }
            if ![x0, y0, x1, y1, size].iter().all(|v| v.is_finite()) {
                continue;
            }
            let text = match g.as_unicode() {
                Some(BfString::Char(c)) => c.to_string(),
                Some(BfString::String(s)) => s,
                None => "\u{FFFD}".to_owned(),
            };
            self.glyphs.push(Glyph {
                text,
                bbox: [x0 as f32, y0 as f32, x1 as f32, y1 as f32],
                size: size as f32,
                invisible: matches!(mode, DrawMode::Invisible),
                upright,
            });
        }
    }

    fn draw_image(&mut self, image: Image<'_, '_>, props: ImageDrawProps<'_>) {
        let (iw, ih) = (image.width(), image.height());
        if u64::from(iw) * u64::from(ih) > self.max_pixels {
            self.too_large = Some((iw, ih));
            return;
        }
        // The image's pixels map to points through the transform: its box, and its pixels per
        // inch along each side.
        let t = props.transform;
        let r = t.transform_rect_bbox(Rect::new(0.0, 0.0, f64::from(iw), f64::from(ih)));
        let cover = (r.area() / self.page_area).clamp(0.0, 1.0);
        if cover > self.image_cover {
            self.image_cover = cover;
            let [a, b, c, d, _, _] = t.as_coeffs();
            let (sx, sy) = (a.hypot(b), c.hypot(d));
            self.scan_dpi = (sx > 0.0 && sy > 0.0).then(|| 72.0 / sx.max(sy));
        }
    }
}
