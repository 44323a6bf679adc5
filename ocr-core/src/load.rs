//! Decoding image files with size limits, and applying their EXIF orientation, through the
//! limited loader every part of ocr-to-anki shares ([`page_image`]).

use std::path::{Path, PathBuf};

use image::DynamicImage;
use image::metadata::Orientation;
use page_image::{Error as PageError, PageRef};

use crate::error::{OcrError, Result};

/// Limits that guard reading and decoding against oversized files and decompression bombs.
pub use page_image::Limits as LoadLimits;

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

/// Reads and decodes an image file, or one page of it when `path` names one (`scan.tif#3`).
pub fn load_path(path: &Path, limits: LoadLimits) -> Result<LoadedImage> {
    let page = PageRef::parse(path);
    let bytes = read_page_file(&page, path, limits)?;
    load_page_bytes(&bytes, page.page, path, limits)
}

/// Reads the file a page is on, within the byte cap; `path` names it in errors.
pub(crate) fn read_page_file(page: &PageRef, path: &Path, limits: LoadLimits) -> Result<Vec<u8>> {
    page_image::read_file(&page.file, limits.max_bytes).map_err(|e| map_error(e, path))
}

/// Decodes an image held in memory; `path` names it in errors.
pub fn load_bytes(bytes: &[u8], path: &Path, limits: LoadLimits) -> Result<LoadedImage> {
    load_page_bytes(bytes, None, path, limits)
}

/// Decodes page `page` (counting from 1; `None` for the first) of an image held in memory;
/// `path` names it in errors.
pub fn load_page_bytes(
    bytes: &[u8],
    page: Option<u32>,
    path: &Path,
    limits: LoadLimits,
) -> Result<LoadedImage> {
    let decoded = page_image::decode(bytes, page, &limits).map_err(|e| map_error(e, path))?;
    let (width, height) = (decoded.image.width(), decoded.image.height());
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(OcrError::TooSmall {
            path: path.to_path_buf(),
            width,
            height,
        });
    }
    let exif_orientation = decoded
        .orientation
        .map(Orientation::to_exif)
        .filter(|&o| o != 1 || has_exif(bytes));
    Ok(LoadedImage {
        image: decoded.image,
        exif_orientation,
    })
}

/// Whether the bytes contain an EXIF block at all, so "no tag" and "tag = 1" can be told apart.
fn has_exif(bytes: &[u8]) -> bool {
    bytes.windows(6).take(1 << 16).any(|w| w == b"Exif\0\0")
}

/// The loader's error, named by the file (or page) it concerns.
pub(crate) fn map_error(e: PageError, path: &Path) -> OcrError {
    let path: PathBuf = path.to_path_buf();
    match e {
        PageError::Read(source) => OcrError::Read { path, source },
        PageError::NotAFile => OcrError::Read {
            path,
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a regular file (a device, FIFO, socket or folder)",
            ),
        },
        PageError::NoSuchPage { page, pages } => OcrError::Read {
            path,
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no page {page}: the file has {pages}"),
            ),
        },
        PageError::Empty => OcrError::Empty { path },
        PageError::UnsupportedFormat => OcrError::UnsupportedFormat { path },
        PageError::TooManyBytes { size, max } => OcrError::TooLarge {
            path,
            detail: format!("{size} bytes, more than the {max}-byte limit"),
        },
        PageError::TooLarge(detail) => OcrError::TooLarge { path, detail },
        PageError::Corrupt(detail) => OcrError::Corrupt { path, detail },
        PageError::Encrypted => OcrError::Encrypted { path },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, Rgb, RgbImage};
    use std::io::Cursor;

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
