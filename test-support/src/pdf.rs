//! PDFs the tests write: pages of text set in Helvetica (a text layer, as a word processor
//! makes, or each word placed on its own, as TeX does), pages that are one photo or scan (as a scanner makes, optionally with an invisible
//! text layer over it), and mixes of the two, written with the `pdf-writer` library.

use std::path::Path;
use std::process::Command;

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

/// One page of a test PDF.
#[derive(Debug, Clone)]
pub enum PdfPage {
    /// Lines of text, set in Helvetica at `size` points from the top left, on an A4 page.
    Text {
        /// The lines, top to bottom (Latin-1 characters only, as WinAnsiEncoding has them).
        lines: Vec<String>,
        /// The font size in points.
        size: f32,
    },
    /// Lines of text set the way TeX sets them: each word a string of its own and the spaces
    /// between words moves of the pen (`TJ` adjustments), with no space characters at all.
    Typeset {
        /// The lines, top to bottom (Latin-1 characters only).
        lines: Vec<String>,
        /// The font size in points.
        size: f32,
    },
    /// A JPEG filling an A4-shaped page at `dpi`, with `hidden` lines of invisible text over
    /// it (a scanner's OCR layer) when not empty.
    Scan {
        /// The JPEG file's bytes.
        jpeg: Vec<u8>,
        /// Its width and height in pixels.
        size: (u32, u32),
        /// Its resolution in dots per inch.
        dpi: f32,
        /// Invisible lines laid over it.
        hidden: Vec<String>,
    },
}

impl PdfPage {
    /// A page of these lines at 14 points.
    pub fn text(lines: &[&str]) -> PdfPage {
        PdfPage::Text {
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
            size: 14.0,
        }
    }

    /// A page of these lines at 11 points, set as TeX sets them.
    pub fn typeset(lines: &[&str]) -> PdfPage {
        PdfPage::Typeset {
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
            size: 11.0,
        }
    }

    /// A page that is this image (any format the image crate reads), scanned at `dpi`.
    pub fn scan(image: &Path, dpi: f32) -> PdfPage {
        let img = image::open(image).expect("the scan's image").to_rgb8();
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
            .encode_image(&img)
            .expect("encode the scan");
        PdfPage::Scan {
            jpeg,
            size: img.dimensions(),
            dpi,
            hidden: Vec::new(),
        }
    }
}

/// Text as WinAnsiEncoding bytes (Latin-1 for the characters the tests use).
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// The bytes of a PDF of these pages.
pub fn pdf(pages: &[PdfPage]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font = Ref::new(3);
    let mut next = 4;
    let mut fresh = || {
        next += 1;
        Ref::new(next)
    };
    let ids: Vec<(Ref, Ref, Ref)> = pages.iter().map(|_| (fresh(), fresh(), fresh())).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(ids.iter().map(|i| i.0))
        .count(pages.len() as i32);
    pdf.type1_font(font)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (page, &(page_id, content_id, image_id)) in pages.iter().zip(&ids) {
        let (w, h) = match page {
            PdfPage::Text { .. } | PdfPage::Typeset { .. } => (595.0, 842.0),
            PdfPage::Scan { size, dpi, .. } => {
                (size.0 as f32 * 72.0 / dpi, size.1 as f32 * 72.0 / dpi)
            }
        };
        let mut p = pdf.page(page_id);
        p.media_box(Rect::new(0.0, 0.0, w, h))
            .parent(tree)
            .contents(content_id);
        let mut resources = p.resources();
        resources.fonts().pair(Name(b"F1"), font);
        if matches!(page, PdfPage::Scan { .. }) {
            resources.x_objects().pair(Name(b"Im1"), image_id);
        }
        resources.finish();
        p.finish();
        let mut c = Content::new();
        let write_lines = |c: &mut Content, lines: &[String], size: f32, hidden: bool| {
            for (k, line) in lines.iter().enumerate() {
                c.begin_text();
                if hidden {
                    c.set_text_rendering_mode(pdf_writer::types::TextRenderingMode::Invisible);
                }
                c.set_font(Name(b"F1"), size)
                    .next_line(48.0, h - 60.0 - 1.6 * size * k as f32)
                    .show(Str(&win_ansi(line)))
                    .end_text();
            }
        };
        match page {
            PdfPage::Text { lines, size } => write_lines(&mut c, lines, *size, false),
            PdfPage::Typeset { lines, size } => {
                for (k, line) in lines.iter().enumerate() {
                    c.begin_text();
                    c.set_font(Name(b"F1"), *size)
                        .next_line(72.0, h - 72.0 - 1.2 * size * k as f32);
                    let mut shown = c.show_positioned();
                    let mut items = shown.items();
                    for (n, word) in line.split(' ').enumerate() {
                        if n > 0 {
                            // A third of an em, TeX's usual space (shrunk a little, as a
                            // justified line has it).
                            items.adjust(-300.0);
                        }
                        items.show(Str(&win_ansi(word)));
                    }
                    drop(items);
                    drop(shown);
                    c.end_text();
                }
            }
            PdfPage::Scan {
                jpeg, size, hidden, ..
            } => {
                let mut image = pdf.image_xobject(image_id, jpeg);
                image.filter(Filter::DctDecode);
                image.width(size.0 as i32);
                image.height(size.1 as i32);
                image.color_space().device_rgb();
                image.bits_per_component(8);
                image.finish();
                c.save_state()
                    .transform([w, 0.0, 0.0, h, 0.0, 0.0])
                    .x_object(Name(b"Im1"))
                    .restore_state();
                write_lines(&mut c, hidden, 12.0, true);
            }
        }
        pdf.stream(content_id, &c.finish());
    }
    pdf.finish()
}

/// Writes a password-protected copy of the PDF `from` at `to`, with Debian's `qpdf`.
pub fn encrypt(from: &Path, to: &Path, password: &str) {
    let status = Command::new("qpdf")
        .args(["--encrypt", password, password, "256", "--"])
        .arg(from)
        .arg(to)
        .status()
        .expect("qpdf runs (scripts/install-deps.sh installs it)");
    assert!(status.success(), "qpdf failed: {status}");
}
