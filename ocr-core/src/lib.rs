//! Read the text of photos and scans of study material with Tesseract.
//!
//! The road is: [`load`] a file (size limits, EXIF orientation) → [`preprocess`] it (gray, turn
//! upright, straighten, crop, scale, flatten the lighting) → recognise it with an [`Engine`] →
//! a [`Page`] of blocks, lines and words, each word with its box in source pixels and its
//! confidence. [`ocr_batch`] does this for many files at once, in input order, with a cache.
//!
//! ```no_run
//! use ocr_core::{Engine, OcrOptions, recognize_bytes};
//! let mut engine = Engine::new("fra", None)?;
//! let bytes = std::fs::read("page.jpg").expect("read");
//! let page = recognize_bytes(&mut engine, &bytes, "page.jpg".as_ref(), &OcrOptions::default())?;
//! println!("{}", page.text());
//! # Ok::<(), ocr_core::OcrError>(())
//! ```

pub mod batch;
pub mod cache;
pub mod engine;
pub mod error;
pub mod geometry;
pub mod guess;
pub mod inputs;
pub mod language;
pub mod load;
pub mod metrics;
pub mod page;
pub mod preprocess;
pub mod recognize;
pub mod text_layer;

pub use batch::{BatchItem, BatchOptions, Progress, ocr_batch, pages_of};
pub use cache::{Cache, CacheKind, CacheStats, Store};
pub use engine::{Engine, Psm, validate_language};
pub use error::{OcrError, Result};
pub use geometry::{BBox, Transform};
pub use inputs::{InputOptions, Inputs, Skipped, collect_inputs, natural_cmp};
pub use load::{LoadLimits, LoadedImage, load_bytes, load_page_bytes, load_path};
pub use page::{Block, Line, Page, Preprocessing, Word};
pub use page_image::PageRef;
pub use preprocess::{Pipeline, Prepared};
pub use recognize::{
    OcrOptions, prepare_image, prepare_path, recognize_bytes, recognize_image, recognize_prepared,
};

/// File extensions this crate reads, lower case (a file with another is still read when its
/// first bytes say it is one of these formats).
pub const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "tif", "tiff", "webp", "bmp", "gif", "heic", "heif", "avif", "pdf",
];
