//! Reading page images safely, the one way every part of ocr-to-anki opens an image: the OCR
//! loader, the exporter's media and crops, the desktop app's thumbnails.
//!
//! A file is read only if it is a regular file, and only up to a byte cap, so a device such as
//! `/dev/zero` or a FIFO fails at once by name instead of filling memory or waiting forever.
//! Decoding is refused before any pixel is allocated when the header announces more pixels than
//! the limits allow. A multi-page TIFF gives one page per directory and a PDF one page per page,
//! named `scan.tif#3` ([`PageRef`]); a PDF page is drawn at a resolution chosen for OCR, and its
//! text layer can be read without drawing it ([`pdf::text_layer`]). A JPEG that ends before its end-of-image marker is reported as truncated
//! instead of giving part of a page.
//!
//! ```no_run
//! use page_image::{Limits, PageRef, decode, read_file};
//! let page = PageRef::parse("scan.tif#2".as_ref());
//! let bytes = read_file(&page.file, Limits::default().max_bytes)?;
//! let decoded = decode(&bytes, page.page, &Limits::default())?;
//! println!("{}x{}", decoded.image.width(), decoded.image.height());
//! # Ok::<(), page_image::Error>(())
//! ```

use std::fmt;
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use image::error::{ImageError, LimitErrorKind};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

pub mod heif;
pub mod pdf;

// Pins the libheif bindings to the API Debian 12's library has (see the workspace manifest).
use libheif_sys as _;

/// Limits that guard reading and decoding against oversized and hostile files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_bytes: u64,
    /// Largest accepted width or height, in pixels.
    pub max_side: u32,
    /// Largest accepted pixel count (width × height).
    pub max_pixels: u64,
    /// Largest memory the decoder may allocate, in bytes.
    pub max_alloc: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 256 << 20,
            max_side: 30_000,
            max_pixels: 120_000_000,
            max_alloc: 1 << 30,
        }
    }
}

impl Limits {
    /// Refuses an image of `width` by `height` pixels with a side or an area over the limits.
    pub(crate) fn check_size(&self, width: u32, height: u32) -> Result<(), Error> {
        if width > self.max_side || height > self.max_side {
            return Err(Error::TooLarge(format!(
                "{width}x{height} pixels, a side over {}",
                self.max_side
            )));
        }
        if u64::from(width) * u64::from(height) > self.max_pixels {
            return Err(Error::TooLarge(format!(
                "{width}x{height} pixels, more than {} megapixels",
                self.max_pixels / 1_000_000
            )));
        }
        Ok(())
    }
}

/// Most pages counted in one multi-page file; a file claiming more is refused.
pub const MAX_PAGES: u32 = 10_000;

/// Everything that can go wrong reading or decoding a page image; the caller names the file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("cannot read file: {0}")]
    Read(#[source] io::Error),
    /// The path names a device, a FIFO, a socket or a folder.
    #[error("not a regular file (a device, FIFO, socket or folder)")]
    NotAFile,
    /// The file is larger than the byte cap.
    #[error("file is {size} bytes, more than the {max}-byte limit")]
    TooManyBytes {
        /// Its size (or how much was read before giving up).
        size: u64,
        /// The cap.
        max: u64,
    },
    /// The file is empty.
    #[error("file is empty")]
    Empty,
    /// The bytes are not in an image format this crate reads.
    #[error("not a supported image (expected PNG, JPEG, TIFF, WebP, BMP, GIF, HEIC, AVIF or PDF)")]
    UnsupportedFormat,
    /// A PDF that cannot be opened without a password.
    #[error("the PDF is encrypted with a password; save an unprotected copy and read that")]
    Encrypted,
    /// The image is larger than the decoding limits allow.
    #[error("image too large ({0}); the limit guards against decompression bombs")]
    TooLarge(String),
    /// The image data is corrupt or truncated.
    #[error("corrupt or truncated image: {0}")]
    Corrupt(String),
    /// A page the file does not have.
    #[error("no page {page}: the file has {pages}")]
    NoSuchPage {
        /// The page asked for, counting from 1.
        page: u32,
        /// How many pages the file has.
        pages: u32,
    },
}

/// A page of an image file: the file, and which page of it when it has several.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageRef {
    /// The image file.
    pub file: PathBuf,
    /// The page, counting from 1; `None` for the only (or first) page of a file.
    pub page: Option<u32>,
}

impl PageRef {
    /// The whole file (its only or first page).
    pub fn file(file: impl Into<PathBuf>) -> PageRef {
        PageRef {
            file: file.into(),
            page: None,
        }
    }

    /// Reads a path as a page reference: `scan.tif#3` is page 3 of `scan.tif` when no file is
    /// called `scan.tif#3` itself; any other path is the whole file.
    pub fn parse(path: &Path) -> PageRef {
        let whole = || PageRef::file(path);
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return whole();
        };
        let Some((stem, number)) = name.rsplit_once('#') else {
            return whole();
        };
        let page = match number.parse::<u32>() {
            Ok(n @ 1..) if !stem.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => return whole(),
        };
        if path.symlink_metadata().is_ok() {
            return whole();
        }
        PageRef {
            file: path.with_file_name(stem),
            page: Some(page),
        }
    }

    /// The path naming this page: the file, with `#N` after it for a page.
    pub fn to_path(&self) -> PathBuf {
        match self.page {
            None => self.file.clone(),
            Some(n) => {
                let mut s = self.file.as_os_str().to_owned();
                s.push(format!("#{n}"));
                PathBuf::from(s)
            }
        }
    }
}

impl fmt::Display for PageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_path().display())
    }
}

/// Opens a file for reading only if it is a regular file. The open does not wait on a FIFO
/// (it is non-blocking), and the check is made on what was opened, so nothing can be swapped in
/// between.
fn open_regular(path: &Path) -> Result<(std::fs::File, u64), Error> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(Error::Read)?;
    let meta = file.metadata().map_err(Error::Read)?;
    if !meta.is_file() {
        return Err(Error::NotAFile);
    }
    Ok((file, meta.len()))
}

/// Reads a whole regular file of at most `max_bytes` bytes.
pub fn read_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>, Error> {
    let (file, len) = open_regular(path)?;
    if len > max_bytes {
        return Err(Error::TooManyBytes {
            size: len,
            max: max_bytes,
        });
    }
    // The file may grow while it is read: never read more than the cap, plus one byte to know.
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Error::Read)?;
    if bytes.len() as u64 > max_bytes {
        return Err(Error::TooManyBytes {
            size: bytes.len() as u64,
            max: max_bytes,
        });
    }
    Ok(bytes)
}

/// The first `n` bytes of a regular file (fewer when it is shorter), for telling its format.
pub fn read_head(path: &Path, n: u64) -> Result<Vec<u8>, Error> {
    let (file, _) = open_regular(path)?;
    let mut head = Vec::new();
    file.take(n).read_to_end(&mut head).map_err(Error::Read)?;
    Ok(head)
}

/// How many pages a file holds (1 for every format but TIFF and PDF), reading only what is
/// needed to count them: the TIFF directories or the PDF page tree, not the pixels.
pub fn file_page_count(path: &Path, limits: &Limits) -> Result<u32, Error> {
    let (file, len) = open_regular(path)?;
    if len > limits.max_bytes {
        return Err(Error::TooManyBytes {
            size: len,
            max: limits.max_bytes,
        });
    }
    let mut reader = BufReader::new(file);
    let head = reader.fill_buf().map_err(Error::Read)?;
    if head.is_empty() {
        return Err(Error::Empty);
    }
    if pdf::is_pdf(head) {
        drop(reader);
        return pdf::page_count(&read_file(path, limits.max_bytes)?);
    }
    match image::guess_format(head) {
        Ok(ImageFormat::Tiff) => tiff_pages(reader),
        Ok(_) => Ok(1),
        Err(_) if heif::is_heif(head) => Ok(1),
        Err(_) => Err(Error::UnsupportedFormat),
    }
}

/// How many pages the image or PDF in `bytes` holds (1 for every format but TIFF and PDF).
pub fn page_count(bytes: &[u8]) -> Result<u32, Error> {
    if pdf::is_pdf(bytes) {
        return pdf::page_count(bytes);
    }
    if heif::is_heif(bytes) {
        return Ok(1);
    }
    match format_of(bytes)? {
        ImageFormat::Tiff => tiff_pages(Cursor::new(bytes)),
        _ => Ok(1),
    }
}

fn tiff_pages<R: Read + Seek>(reader: R) -> Result<u32, Error> {
    let mut decoder = tiff::decoder::Decoder::new(reader).map_err(tiff_error)?;
    let mut pages = 1;
    while decoder.more_images() {
        if pages >= MAX_PAGES {
            return Err(Error::TooLarge(format!("more than {MAX_PAGES} pages")));
        }
        decoder.next_image().map_err(tiff_error)?;
        pages += 1;
    }
    Ok(pages)
}

fn tiff_error(e: tiff::TiffError) -> Error {
    match e {
        tiff::TiffError::IoError(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
            Error::Corrupt("file ends early (truncated)".into())
        }
        tiff::TiffError::LimitsExceeded => Error::TooLarge("TIFF directory over the limit".into()),
        other => Error::Corrupt(other.to_string()),
    }
}

/// The image format of `bytes`, from their first bytes (a PDF is no image format: see
/// [`pdf::is_pdf`]).
pub fn format_of(bytes: &[u8]) -> Result<ImageFormat, Error> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    image::guess_format(bytes).map_err(|_| Error::UnsupportedFormat)
}

/// A decoded page, upright.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The pixels, with the file's EXIF orientation applied.
    pub image: DynamicImage,
    /// The orientation the file declares, if it declares one that could be read.
    pub orientation: Option<Orientation>,
    /// The file's image format; `None` for a page drawn from a PDF and for HEIC and AVIF
    /// photos (which the image crate does not decode).
    pub format: Option<ImageFormat>,
}

/// Decodes page `page` (counting from 1; `None` for the first) of the image in `bytes`, within
/// `limits`, with its EXIF orientation applied.
pub fn decode(bytes: &[u8], page: Option<u32>, limits: &Limits) -> Result<Decoded, Error> {
    if pdf::is_pdf(bytes) {
        return Ok(Decoded {
            image: pdf::render(bytes, page.unwrap_or(1), limits)?,
            orientation: None,
            format: None,
        });
    }
    if heif::is_heif(bytes) {
        if page.is_some_and(|p| p != 1) {
            return Err(Error::NoSuchPage {
                page: page.unwrap_or(1),
                pages: 1,
            });
        }
        let (image, orientation) = heif::decode(bytes, limits)?;
        return Ok(Decoded {
            image,
            orientation,
            format: None,
        });
    }
    let format = format_of(bytes)?;
    let page = page.unwrap_or(1);
    if page == 0 {
        return Err(Error::NoSuchPage {
            page,
            pages: page_count(bytes)?,
        });
    }
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(Error::Corrupt("file ends early (truncated)".into()));
    }
    let reader = if page == 1 {
        Header::Kept(Cursor::new(bytes))
    } else if format == ImageFormat::Tiff {
        Header::Patched(tiff_page(bytes, page)?)
    } else {
        return Err(Error::NoSuchPage { page, pages: 1 });
    };
    let mut reader = ImageReader::with_format(BufReader::new(reader), format);
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_image_width = Some(limits.max_side);
    decoder_limits.max_image_height = Some(limits.max_side);
    decoder_limits.max_alloc = Some(limits.max_alloc);
    reader.limits(decoder_limits);

    let mut decoder = reader.into_decoder().map_err(image_error)?;
    let (width, height) = decoder.dimensions();
    limits.check_size(width, height)?;
    // A broken EXIF block must not cost the picture: it reads as "no orientation".
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(image_error)?;
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    Ok(Decoded {
        image,
        orientation,
        format: Some(format),
    })
}

/// The size of the first page of the image in `bytes`, from its header, checked against
/// `limits` without decoding any pixel (a JPEG must also run to its end marker).
pub fn check(bytes: &[u8], limits: &Limits) -> Result<(u32, u32), Error> {
    let format = format_of(bytes)?;
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(Error::Corrupt("file ends early (truncated)".into()));
    }
    let decoder = ImageReader::with_format(Cursor::new(bytes), format)
        .into_decoder()
        .map_err(image_error)?;
    let (width, height) = decoder.dimensions();
    limits.check_size(width, height)?;
    Ok((width, height))
}

fn image_error(e: ImageError) -> Error {
    match e {
        ImageError::Limits(l) => Error::TooLarge(match l.kind() {
            LimitErrorKind::DimensionError => "width or height over the limit".into(),
            LimitErrorKind::InsufficientMemory => "decoding needs too much memory".into(),
            _ => l.to_string(),
        }),
        ImageError::Unsupported(u) => {
            Error::Corrupt(format!("unsupported variant of the format: {u}"))
        }
        ImageError::IoError(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
            Error::Corrupt("file ends early (truncated)".into())
        }
        other => Error::Corrupt(other.to_string()),
    }
}

/// Whether a JPEG runs to its end-of-image marker: its segments are walked by their lengths
/// and its entropy-coded data to the next marker, so an embedded thumbnail's marker does not
/// count and a file cut anywhere before the end does not pass.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    loop {
        // A marker: 0xFF (fill bytes may repeat it), then its code.
        if bytes.get(i) != Some(&0xFF) {
            return false;
        }
        while bytes.get(i) == Some(&0xFF) {
            i += 1;
        }
        let Some(&code) = bytes.get(i) else {
            return false;
        };
        i += 1;
        match code {
            0xD9 => return true,
            0xD0..=0xD7 | 0x01 => continue,
            _ => {}
        }
        let Some(len) = bytes
            .get(i..i + 2)
            .map(|b| (usize::from(b[0]) << 8) | usize::from(b[1]))
        else {
            return false;
        };
        if len < 2 {
            return false;
        }
        i += len;
        if i > bytes.len() {
            return false;
        }
        if code == 0xDA {
            // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a
            // restart marker.
            loop {
                match bytes.get(i) {
                    None => return false,
                    Some(&0xFF) => match bytes.get(i + 1) {
                        None => return false,
                        Some(&0x00) | Some(0xD0..=0xD7) => i += 2,
                        Some(_) => break,
                    },
                    Some(_) => i += 1,
                }
            }
        }
    }
}

/// Where page `page` (counting from 1) of a TIFF starts, as a reader whose header points there.
fn tiff_page(bytes: &[u8], page: u32) -> Result<Patched<'_>, Error> {
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(bytes)).map_err(tiff_error)?;
    let index = usize::try_from(page - 1).unwrap_or(usize::MAX);
    if decoder.seek_to_image(index).is_err() {
        return Err(Error::NoSuchPage {
            page,
            pages: page_count(bytes)?,
        });
    }
    let offset = decoder
        .ifd_pointer()
        .ok_or_else(|| Error::Corrupt("TIFF directory not found".into()))?
        .0;
    let little = bytes.starts_with(b"II");
    let big_tiff = bytes.get(2..4) == Some(if little { &[43, 0] } else { &[0, 43] });
    let mut patch = [0u8; 8];
    let (at, len) = if big_tiff {
        patch = if little {
            offset.to_le_bytes()
        } else {
            offset.to_be_bytes()
        };
        (8, 8)
    } else {
        let offset = u32::try_from(offset)
            .map_err(|_| Error::Corrupt("TIFF directory offset out of range".into()))?;
        let b = if little {
            offset.to_le_bytes()
        } else {
            offset.to_be_bytes()
        };
        patch[..4].copy_from_slice(&b);
        (4, 4)
    };
    Ok(Patched {
        bytes,
        at,
        patch,
        len,
        pos: 0,
    })
}

/// The bytes of a file, as they are or with the first-directory offset of a TIFF header
/// replaced, so the image crate's decoder reads another page without the file being copied.
enum Header<'a> {
    Kept(Cursor<&'a [u8]>),
    Patched(Patched<'a>),
}

struct Patched<'a> {
    bytes: &'a [u8],
    at: usize,
    patch: [u8; 8],
    len: usize,
    pos: u64,
}

impl Read for Header<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Header::Kept(c) => c.read(buf),
            Header::Patched(p) => {
                let start = usize::try_from(p.pos)
                    .unwrap_or(usize::MAX)
                    .min(p.bytes.len());
                let n = buf.len().min(p.bytes.len() - start);
                buf[..n].copy_from_slice(&p.bytes[start..start + n]);
                // Lay the patch over whatever part of it this read covers.
                for (k, b) in buf[..n].iter_mut().enumerate() {
                    let at = start + k;
                    if at >= p.at + p.len {
                        break;
                    }
                    if at >= p.at {
                        *b = p.patch[at - p.at];
                    }
                }
                p.pos += n as u64;
                Ok(n)
            }
        }
    }
}

impl Seek for Header<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match self {
            Header::Kept(c) => c.seek(to),
            Header::Patched(p) => {
                let new = match to {
                    SeekFrom::Start(n) => Some(n),
                    SeekFrom::End(d) => (p.bytes.len() as u64).checked_add_signed(d),
                    SeekFrom::Current(d) => p.pos.checked_add_signed(d),
                };
                p.pos = new.ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "seek before the start")
                })?;
                Ok(p.pos)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};

    fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).expect("encode");
        out.into_inner()
    }

    /// A TIFF of `pages` pages, page `n` (from 1) being `10 * n` pixels wide and filled with `n`.
    fn multi_page_tiff(pages: u32) -> Vec<u8> {
        use tiff::encoder::{TiffEncoder, colortype};
        let mut out = Cursor::new(Vec::new());
        let mut enc = TiffEncoder::new(&mut out).expect("encoder");
        for n in 1..=pages {
            let (w, h) = (10 * n, 12);
            let data = vec![n as u8; (w * h) as usize];
            enc.write_image::<colortype::Gray8>(w, h, &data)
                .expect("page");
        }
        out.into_inner()
    }

    #[test]
    fn every_page_of_a_tiff_is_read() {
        let bytes = multi_page_tiff(5);
        assert_eq!(page_count(&bytes).expect("count"), 5);
        for n in 1..=5 {
            let d = decode(&bytes, Some(n), &Limits::default()).expect("page");
            assert_eq!(d.image.width(), 10 * n, "page {n}");
            assert_eq!(d.image.to_luma8().get_pixel(0, 0), &Luma([n as u8]));
        }
        let e = decode(&bytes, Some(6), &Limits::default()).expect_err("no page 6");
        assert!(matches!(e, Error::NoSuchPage { page: 6, pages: 5 }), "{e}");

        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("scan.tif");
        std::fs::write(&path, &bytes).expect("write");
        assert_eq!(
            file_page_count(&path, &Limits::default()).expect("count"),
            5
        );
    }

    #[test]
    fn page_refs_name_pages_and_prefer_real_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tif = dir.path().join("scan.tif");
        let r = PageRef::parse(&dir.path().join("scan.tif#3"));
        assert_eq!(r.file, tif);
        assert_eq!(r.page, Some(3));
        assert_eq!(r.to_path(), dir.path().join("scan.tif#3"));
        assert!(r.to_string().ends_with("scan.tif#3"));
        // A file really called so is that file; `#0`, `#x` and a bare `#3` are plain names.
        let odd = dir.path().join("odd#2");
        std::fs::write(&odd, b"x").expect("write");
        assert_eq!(PageRef::parse(&odd), PageRef::file(&odd));
        for plain in ["a.tif#0", "a.tif#x", "#3", "a.tif#+3"] {
            let p = dir.path().join(plain);
            assert_eq!(PageRef::parse(&p).page, None, "{plain}");
        }
    }

    #[test]
    fn a_truncated_jpeg_is_an_error_and_a_whole_one_is_not() {
        let img = DynamicImage::ImageLuma8(GrayImage::from_fn(64, 48, |x, y| {
            Luma([((x * 7 + y * 3) % 256) as u8])
        }));
        let bytes = encode(&img, ImageFormat::Jpeg);
        assert!(jpeg_is_complete(&bytes));
        decode(&bytes, None, &Limits::default()).expect("whole");
        // Trailing bytes after the end marker are allowed.
        let mut padded = bytes.clone();
        padded.extend_from_slice(&[0, 0, 0]);
        decode(&padded, None, &Limits::default()).expect("padded");
        for percent in [50, 65, 80, 99] {
            let cut = &bytes[..bytes.len() * percent / 100];
            assert!(!jpeg_is_complete(cut), "{percent}%");
            let e = decode(cut, None, &Limits::default()).expect_err("truncated");
            assert!(e.to_string().contains("truncated"), "{percent}%: {e}");
        }
    }

    #[test]
    fn devices_and_oversized_files_fail_fast() {
        let e = read_file(Path::new("/dev/zero"), 1 << 20).expect_err("device");
        assert!(matches!(e, Error::NotAFile), "{e}");
        let dir = tempfile::tempdir().expect("tempdir");
        let e = read_file(dir.path(), 1 << 20).expect_err("folder");
        assert!(matches!(e, Error::NotAFile | Error::Read(_)), "{e}");
        let big = dir.path().join("big.png");
        std::fs::write(&big, vec![0u8; 2000]).expect("write");
        let e = read_file(&big, 1000).expect_err("over the cap");
        assert!(
            matches!(
                e,
                Error::TooManyBytes {
                    size: 2000,
                    max: 1000
                }
            ),
            "{e}"
        );
        #[cfg(unix)]
        {
            // A FIFO with no writer would block an ordinary open forever.
            let fifo = dir.path().join("pipe.png");
            let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
            // SAFETY: mkfifo reads the NUL-terminated path it is given.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            let e = read_file(&fifo, 1 << 20).expect_err("fifo");
            assert!(matches!(e, Error::NotAFile), "{e}");
        }
    }

    /// The CRC-32 PNG chunks carry.
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_huge_header_is_refused_before_decoding() {
        // A PNG header announcing 100000 x 100000 pixels, with no pixel data behind it.
        let mut png = encode(
            &DynamicImage::ImageLuma8(GrayImage::new(1, 1)),
            ImageFormat::Png,
        );
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        let e = decode(&png, None, &Limits::default()).expect_err("bomb");
        assert!(matches!(e, Error::TooLarge(_)), "{e}");
        let limits = Limits {
            max_pixels: 100,
            ..Limits::default()
        };
        let ok = encode(
            &DynamicImage::ImageLuma8(GrayImage::new(20, 20)),
            ImageFormat::Png,
        );
        let e = decode(&ok, None, &limits).expect_err("over the pixel limit");
        assert!(matches!(e, Error::TooLarge(_)), "{e}");
    }
}
