//! Turning one image into a [`Page`]: preprocess, recognise, and map every box back to the source.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::{Engine, Psm, RawWord};
use crate::error::Result;
use crate::geometry::Transform;
use crate::load::{LoadLimits, LoadedImage, load_bytes, load_path};
use crate::page::{Block, Line, Page, Word};
use crate::preprocess::{Pipeline, Prepared};

/// Everything that decides what text comes out of an image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcrOptions {
    /// Tesseract languages, such as `eng`, `fra` or `eng+deu`.
    pub lang: String,
    /// Page segmentation mode (Tesseract's `--psm`).
    pub psm: Psm,
    /// The preprocessing steps.
    pub pipeline: Pipeline,
    /// Where the traineddata files are; `None` for Tesseract's default.
    pub tessdata: Option<PathBuf>,
}

impl Default for OcrOptions {
    fn default() -> Self {
        Self {
            lang: "eng".into(),
            psm: Psm::AUTO,
            pipeline: Pipeline::photo(),
            tessdata: None,
        }
    }
}

impl OcrOptions {
    /// A fingerprint of the settings that change the result, for cache keys.
    pub fn fingerprint(&self) -> String {
        format!(
            "ocr-core {} lang={} psm={} pipeline={}",
            env!("CARGO_PKG_VERSION"),
            self.lang,
            self.psm,
            self.pipeline.fingerprint()
        )
    }
}

/// Recognises an already decoded image; `source` names it in the page and in errors.
pub fn recognize_image(
    engine: &mut Engine,
    loaded: &LoadedImage,
    source: &Path,
    options: &OcrOptions,
) -> Result<Page> {
    recognize_prepared(engine, loaded, source, options).map(|(page, _)| page)
}

/// Recognises an already decoded image, and gives back the image Tesseract was given beside
/// the page: a frontend shows it without preparing the page a second time.
pub fn recognize_prepared(
    engine: &mut Engine,
    loaded: &LoadedImage,
    source: &Path,
    options: &OcrOptions,
) -> Result<(Page, Prepared)> {
    engine.start_page()?;
    let mut prepared = options.pipeline.run(loaded, Some(engine));
    prepared.report.language_guess = engine.choose_language(&prepared.image, source);
    let words = engine.recognize(&prepared.image, options.psm, source)?;
    let (w, h) = (loaded.image.width(), loaded.image.height());
    let page = Page {
        source: Some(source.to_path_buf()),
        width: w,
        height: h,
        language: engine.language().to_owned(),
        blocks: assemble(&words, &prepared.to_source, w, h),
        preprocessing: prepared.report.clone(),
    };
    Ok((page, prepared))
}

/// Runs the preprocessing on a decoded image with an engine kept by the caller (its
/// orientation checks read samples of text), instead of starting one as [`prepare_path`] does.
pub fn prepare_image(engine: &mut Engine, loaded: &LoadedImage, options: &OcrOptions) -> Prepared {
    // As for a read: with `auto`, a page is prepared in the fallback language, whichever the
    // last page was read in.
    let _ = engine.start_page();
    options.pipeline.run(loaded, Some(engine))
}

/// Reads, decodes and recognises an image file held in memory.
pub fn recognize_bytes(
    engine: &mut Engine,
    bytes: &[u8],
    source: &Path,
    options: &OcrOptions,
) -> Result<Page> {
    let loaded = load_bytes(bytes, source, LoadLimits::default())?;
    recognize_image(engine, &loaded, source, options)
}

/// Loads a file and runs the preprocessing on it: the image as shown (EXIF orientation applied)
/// and the image Tesseract is given, for a frontend to put side by side.
pub fn prepare_path(path: &Path, options: &OcrOptions) -> Result<(LoadedImage, Prepared)> {
    let loaded = load_path(path, LoadLimits::default())?;
    let prepared = if options.pipeline.orient {
        let mut engine = Engine::new(&options.lang, options.tessdata.as_deref())?;
        options.pipeline.run(&loaded, Some(&mut engine))
    } else {
        options.pipeline.run(&loaded, None)
    };
    Ok((loaded, prepared))
}

/// Groups Tesseract's words into blocks (paragraphs) and lines, with boxes in source pixels.
fn assemble(words: &[RawWord], to_source: &Transform, width: u32, height: u32) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut keys: Option<((u32, u32), u32)> = None;
    for raw in words {
        let bbox = to_source.map_bbox(raw.bbox, width, height);
        let word = Word {
            text: raw.text.clone(),
            bbox,
            confidence: raw.confidence,
        };
        let block_key = (raw.block, raw.paragraph);
        match keys {
            Some((bk, lk)) if bk == block_key && lk == raw.line => {
                if let Some(line) = blocks.last_mut().and_then(|b| b.lines.last_mut()) {
                    line.bbox = line.bbox.union(bbox);
                    line.words.push(word);
                }
            }
            Some((bk, _)) if bk == block_key => {
                if let Some(b) = blocks.last_mut() {
                    b.lines.push(Line {
                        bbox,
                        words: vec![word],
                    });
                }
            }
            _ => blocks.push(Block {
                bbox,
                lines: vec![Line {
                    bbox,
                    words: vec![word],
                }],
            }),
        }
        if let Some(b) = blocks.last_mut() {
            b.bbox = b.bbox.union(bbox);
        }
        keys = Some((block_key, raw.line));
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::BBox;

    fn raw(block: u32, paragraph: u32, line: u32, text: &str, x: u32) -> RawWord {
        RawWord {
            block,
            paragraph,
            line,
            text: text.into(),
            bbox: BBox::new(x, 10 * line, 8, 8),
            confidence: 90.0,
        }
    }

    #[test]
    fn words_group_into_paragraph_blocks_and_lines() {
        let words = [
            raw(1, 1, 1, "a", 0),
            raw(1, 1, 1, "b", 10),
            raw(1, 1, 2, "c", 0),
            raw(1, 2, 1, "d", 0),
            raw(2, 1, 1, "e", 0),
        ];
        let blocks = assemble(&words, &Transform::scale(2.0, 2.0), 1000, 1000);
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0].lines.len(), 2);
        assert_eq!(blocks[0].lines[0].words.len(), 2);
        assert_eq!(blocks[0].lines[0].bbox, BBox::new(0, 20, 36, 16));
        assert_eq!(blocks[0].bbox, BBox::new(0, 20, 36, 36));
    }
}
