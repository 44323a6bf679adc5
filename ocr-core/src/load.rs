//! Decoding image files with size limits, and applying their EXIF orientation.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::error::{ImageError, LimitErrorKind};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use crate::error::{OcrError, Result};

/// Limits that guard decoding against decompression bombs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadLimits {
    /// Largest accepted width or height, in pixels.
    pub max_side: u32,
    /// Largest accepted pixel count (width × height).
    pub max_pixels: u64,
    /// Largest memory the decoder may allocate, in bytes.
    pub max_alloc: u64,
}

impl Default for LoadLimits {
    fn default() -> Self {
        Self {
            max_side: 30_000,
            max_pixels: 120_000_000,
            max_alloc: 1 << 30,
        }
    }
}

/// A decoded image, upright, with what loading found out about it.
#[derive(Debug, Clone)]
pub struct LoadedImage {
    /// The pixels, with EXIF orientation applied.
    pub image: DynamicImage,
    /// The EXIF orientation tag of the file (1 to 8), if it had one.
    pub exif_orientation: Option<u8>,
}

/// Smallest side an image may have and still be worth recognising.
const MIN_SIDE: u32 = 8;

/// Reads and decodes an image file.
pub fn load_path(path: &Path, limits: LoadLimits) -> Result<LoadedImage> {
    let bytes = std::fs::read(path).map_err(|source| OcrError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    load_bytes(&bytes, path, limits)
}

/// Decodes an image held in memory; `path` names it in errors.
pub fn load_bytes(bytes: &[u8], path: &Path, limits: LoadLimits) -> Result<LoadedImage> {
    let p = || path.to_path_buf();
    if bytes.is_empty() {
        return Err(OcrError::Empty { path: p() });
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| OcrError::Read {
            path: p(),
            source: e,
        })?;
    if reader.format().is_none() {
        return Err(OcrError::UnsupportedFormat { path: p() });
    }
    let mut decoder_limits = Limits::default();
    decoder_limits.max_image_width = Some(limits.max_side);
    decoder_limits.max_image_height = Some(limits.max_side);
    decoder_limits.max_alloc = Some(limits.max_alloc);
    reader.limits(decoder_limits);

    let mut decoder = reader
        .into_decoder()
        .map_err(|e| map_image_error(e, path))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(OcrError::TooLarge {
            path: p(),
            detail: format!(
                "{width}x{height} pixels, more than {} megapixels",
                limits.max_pixels / 1_000_000
            ),
        });
    }
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(OcrError::TooSmall {
            path: p(),
            width,
            height,
        });
    }
    // A broken EXIF block must not cost the user the picture: treat it as "no orientation".
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| map_image_error(e, path))?;
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    let exif_orientation = orientation
        .map(Orientation::to_exif)
        .filter(|&o| o != 1 || has_exif(bytes));
    Ok(LoadedImage {
        image,
        exif_orientation,
    })
}

/// Whether the bytes contain an EXIF block at all, so "no tag" and "tag = 1" can be told apart.
fn has_exif(bytes: &[u8]) -> bool {
    bytes.windows(6).take(1 << 16).any(|w| w == b"Exif\0\0")
}

fn map_image_error(e: ImageError, path: &Path) -> OcrError {
    let path: PathBuf = path.to_path_buf();
    match e {
        ImageError::Limits(l) => OcrError::TooLarge {
            path,
            detail: match l.kind() {
                LimitErrorKind::DimensionError => "width or height over the limit".into(),
                LimitErrorKind::InsufficientMemory => "decoding needs too much memory".into(),
                _ => l.to_string(),
            },
        },
        ImageError::Unsupported(u) => OcrError::Corrupt {
            path,
            detail: format!("unsupported variant of the format: {u}"),
        },
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            OcrError::Corrupt {
                path,
                detail: "file ends early (truncated)".into(),
            }
        }
        other => OcrError::Corrupt {
            path,
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, Rgb, RgbImage};

    fn png_bytes(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).expect("encode");
        out.into_inner()
    }

    #[test]
    fn empty_file_is_named() {
        let e = load_bytes(&[], Path::new("a/empty.png"), LoadLimits::default()).unwrap_err();
        assert!(matches!(e, OcrError::Empty { .. }));
        assert!(e.to_string().starts_with("a/empty.png: file is empty"));
    }

    #[test]
    fn text_file_is_unsupported() {
        let e = load_bytes(
            b"hello, world\n",
            Path::new("notes.txt"),
            LoadLimits::default(),
        )
        .unwrap_err();
        assert!(matches!(e, OcrError::UnsupportedFormat { .. }), "{e}");
    }

    #[test]
    fn truncated_png_is_corrupt() {
        let bytes = png_bytes(64, 64);
        let e = load_bytes(
            &bytes[..bytes.len() / 2],
            Path::new("t.png"),
            LoadLimits::default(),
        )
        .unwrap_err();
        assert!(matches!(e, OcrError::Corrupt { .. }), "{e}");
        assert!(
            e.to_string()
                .starts_with("t.png: corrupt or truncated image")
        );
    }

    #[test]
    fn garbage_after_magic_is_corrupt() {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.extend(std::iter::repeat_n(0xAB, 200));
        let e = load_bytes(&bytes, Path::new("g.png"), LoadLimits::default()).unwrap_err();
        assert!(matches!(e, OcrError::Corrupt { .. }), "{e}");
    }

    #[test]
    fn pixel_limit_rejects_before_decoding() {
        let limits = LoadLimits {
            max_pixels: 1000,
            ..LoadLimits::default()
        };
        let e = load_bytes(&png_bytes(100, 100), Path::new("big.png"), limits).unwrap_err();
        assert!(matches!(e, OcrError::TooLarge { .. }), "{e}");
    }

    #[test]
    fn side_limit_rejects() {
        let limits = LoadLimits {
            max_side: 50,
            ..LoadLimits::default()
        };
        let e = load_bytes(&png_bytes(100, 10), Path::new("wide.png"), limits).unwrap_err();
        assert!(matches!(e, OcrError::TooLarge { .. }), "{e}");
    }

    #[test]
    fn tiny_image_is_too_small() {
        let e = load_bytes(
            &png_bytes(4, 4),
            Path::new("dot.png"),
            LoadLimits::default(),
        )
        .unwrap_err();
        assert!(matches!(e, OcrError::TooSmall { .. }), "{e}");
    }

    #[test]
    fn plain_png_loads_without_orientation() {
        let l = load_bytes(
            &png_bytes(30, 20),
            Path::new("ok.png"),
            LoadLimits::default(),
        )
        .expect("load");
        assert_eq!((l.image.width(), l.image.height()), (30, 20));
        assert_eq!(l.exif_orientation, None);
    }
}
