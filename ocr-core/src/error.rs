//! The error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while loading, preprocessing or recognising an image.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// The batch was stopped (Ctrl-C) before this image was read.
    #[error("{}: not read, the run was stopped", path.display())]
    Cancelled {
        /// The image file.
        path: PathBuf,
    },
    /// The file could not be read from disk.
    #[error("{path}: cannot read file: {source}")]
    Read {
        /// The file that failed.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is empty.
    #[error("{path}: file is empty")]
    Empty {
        /// The file that failed.
        path: PathBuf,
    },
    /// The file is not in an image format this tool reads.
    #[error(
        "{path}: not a supported image or PDF (expected PNG, JPEG, TIFF, WebP, BMP, GIF, HEIC, AVIF or PDF)"
    )]
    UnsupportedFormat {
        /// The file that failed.
        path: PathBuf,
    },
    /// The image is larger than the decoder limits allow.
    #[error("{path}: image too large ({detail}); the limit guards against decompression bombs")]
    TooLarge {
        /// The file that failed.
        path: PathBuf,
        /// What exceeded the limit.
        detail: String,
    },
    /// The image data is corrupt or truncated.
    #[error("{path}: corrupt or truncated image: {detail}")]
    Corrupt {
        /// The file that failed.
        path: PathBuf,
        /// The decoder's description of the problem.
        detail: String,
    },
    /// A PDF that opens only with a password.
    #[error("{path}: the PDF is encrypted with a password; save an unprotected copy and read that")]
    Encrypted {
        /// The file that failed.
        path: PathBuf,
    },
    /// The image has no pixels or is too small to hold text.
    #[error("{path}: image is {width}x{height} pixels, too small to hold text")]
    TooSmall {
        /// The file that failed.
        path: PathBuf,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Tesseract could not be started with the requested language data.
    #[error(
        "cannot start Tesseract with language '{lang}': is its traineddata installed? \
         (Debian: apt-get install tesseract-ocr-{first}; or set TESSDATA_PREFIX)"
    )]
    EngineInit {
        /// The language string that was requested.
        lang: String,
        /// The first language code, for the install hint.
        first: String,
    },
    /// A language's traineddata is not installed.
    #[error("no Tesseract data for language '{code}' in {}: {hint} (installed: {installed})", folder.display())]
    MissingLanguage {
        /// The code given.
        code: String,
        /// The folder looked in.
        folder: PathBuf,
        /// What to type or install instead.
        hint: String,
        /// The languages that are installed, joined by commas.
        installed: String,
    },
    /// The language string is malformed.
    #[error(
        "invalid language '{0}': use Tesseract codes joined by '+', such as eng, fra or eng+deu, or auto"
    )]
    InvalidLanguage(String),
    /// Tesseract failed while recognising an image.
    #[error("{path}: Tesseract failed: {detail}")]
    Recognition {
        /// The file that failed.
        path: PathBuf,
        /// What Tesseract reported.
        detail: String,
    },
    /// The OCR cache could not be used.
    #[error("OCR cache at {path}: {source}")]
    Cache {
        /// The cache directory or file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl OcrError {
    /// The input file this error concerns, if it concerns one.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Self::Read { path, .. }
            | Self::Empty { path }
            | Self::UnsupportedFormat { path }
            | Self::TooLarge { path, .. }
            | Self::Corrupt { path, .. }
            | Self::Encrypted { path }
            | Self::TooSmall { path, .. }
            | Self::Recognition { path, .. }
            | Self::Cancelled { path } => Some(path),
            Self::EngineInit { .. }
            | Self::InvalidLanguage(_)
            | Self::MissingLanguage { .. }
            | Self::Cache { .. } => None,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = OcrError> = std::result::Result<T, E>;
