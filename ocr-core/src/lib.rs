//! Read the text of photos and scans of study material with Tesseract.
//!
//! The road is: load a file ([`load_path`]: size limits, EXIF orientation) → prepare it with a
//! [`Pipeline`] (gray, turn upright, straighten, crop, scale, flatten the lighting) → recognise it
//! with an [`Engine`] →
//! a [`Page`] of blocks, lines and words, each word with its box in source pixels and its
//! confidence. [`ocr_batch`] does this for many files at once, in input order, with a cache.
//!
//! ```
//! use ocr_core::{Engine, OcrOptions, recognize_bytes};
//! // The French vocabulary page that ships with the project.
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/vocabulaire.png");
//! let mut engine = Engine::new("fra", None)?;
//! let bytes = std::fs::read(path).expect("the sample page");
//! let page = recognize_bytes(&mut engine, &bytes, path.as_ref(), &OcrOptions::default())?;
//! assert!(page.text().contains("la cuillère - the spoon"), "{}", page.text());
//! # Ok::<(), ocr_core::OcrError>(())
//! ```

mod batch;
mod cache;
mod engine;
mod error;
mod folders;
mod geometry;
mod guess;
mod inputs;
mod labels;
pub mod language;
mod load;
pub mod metrics;
mod page;
mod preprocess;
mod recognize;
mod text_layer;

pub use batch::{BatchItem, BatchOptions, Progress, ocr_batch, pages_of};
pub use cache::{Cache, CacheKind, CacheStats, DEFAULT_MAX_BYTES, Store};
pub use engine::{Engine, Psm, validate_language};
pub use error::{OcrError, Result};
pub use folders::UserFolder;
pub use geometry::{BBox, Transform};
pub use guess::{Auto, LanguageGuess, is_auto};
pub use inputs::{
    InputOptions, Inputs, Skipped, TEXT_EXTENSIONS, collect_inputs, extension, file_id, natural_cmp,
};
pub use labels::{Label, MAX_LABEL_WORDS, MIN_LABELS};
pub use load::{LoadLimits, LoadedImage, load_bytes, load_page_bytes, load_path};
pub use page::{
    Block, Line, OrientationCandidate, Page, Preprocessing, ReadKind, ReadScore, Step, Word,
};
pub use page_image::PageRef;
pub use preprocess::{
    DetectOrientation, GrayMode, LetterRange, Pipeline, Prepared, Sauvola, reads_well, upside_down,
};
pub use recognize::{
    OcrOptions, prepare_image, prepare_path, recognize_bytes, recognize_image, recognize_prepared,
};

/// File extensions this crate reads, lower case (a file with another is still read when its
/// first bytes say it is one of these formats).
pub const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "tif", "tiff", "webp", "bmp", "gif", "heic", "heif", "avif", "pdf",
];
