//! A card's source image as Anki media: the file itself or the crop of its region, named by its
//! content so that equal names from different folders never collide and re-exports reuse it.
//!
//! Every image is read through the limited loader ([`page_image`]): regular files only, up to a
//! byte cap, decoded only within the pixel limits. A source may name one page of a multi-page
//! TIFF as `scan.tif#3`; that page becomes the media (as PNG) or gives the crop.

#[cfg(feature = "media")]
use std::io::Cursor;
#[cfg(feature = "media")]
use std::path::{Path, PathBuf};

#[cfg(feature = "media")]
use image::{DynamicImage, ImageFormat};
#[cfg(feature = "media")]
use page_image::{Limits, PageRef};

#[cfg(feature = "media")]
use crate::model::Source;

/// A media file ready to go into a package or to AnkiConnect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// Its name inside Anki's media folder.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The image file a source points to, relative paths taken from `base`.
#[cfg(feature = "media")]
pub fn resolve(source: &Source, base: Option<&Path>) -> PathBuf {
    match base {
        Some(b) if source.image.is_relative() => b.join(&source.image),
        _ => source.image.clone(),
    }
}

/// Reads a source image (and crops its region); the error is a human-readable cause.
#[cfg(feature = "media")]
pub fn load(source: &Source, base: Option<&Path>) -> Result<Media, String> {
    Library::new(base).load(source)
}

/// Loads source images for a run of cards. The last page read (and decoded, once a region needs
/// it) is kept, so cards from the same page, which come together, read and decode it once; only
/// one page is held, so memory stays bounded however many pages a deck has.
#[cfg(feature = "media")]
#[derive(Debug)]
pub struct Library<'a> {
    base: Option<&'a Path>,
    current: Option<(PathBuf, Result<Page, String>)>,
}

/// One page: the bytes of its file, which page of the file it is, and its pixels once decoded.
#[cfg(feature = "media")]
#[derive(Debug)]
struct Page {
    bytes: Vec<u8>,
    page: Option<u32>,
    /// The image format; `None` for a PDF, whose pages are drawn, and for HEIC and AVIF.
    format: Option<ImageFormat>,
    decoded: Option<Result<DynamicImage, String>>,
    /// Whether the file declares an orientation other than upright.
    turned: bool,
}

#[cfg(feature = "media")]
impl Page {
    fn read(path: &Path) -> Result<Page, String> {
        let page = PageRef::parse(path);
        let bytes = page_image::read_file(&page.file, Limits::default().max_bytes)
            .map_err(|e| e.to_string())?;
        let format = if page_image::pdf::is_pdf(&bytes) || page_image::heif::is_heif(&bytes) {
            None
        } else {
            Some(page_image::format_of(&bytes).map_err(|_| "not an image or PDF file".to_owned())?)
        };
        Ok(Page {
            bytes,
            page: page.page,
            format,
            decoded: None,
            turned: false,
        })
    }

    /// The page's pixels, EXIF orientation applied, so regions are in the pixels the user sees.
    fn image(&mut self) -> Result<&DynamicImage, String> {
        let (bytes, page, turned) = (&self.bytes, self.page, &mut self.turned);
        self.decoded
            .get_or_insert_with(|| {
                page_image::decode(bytes, page, &Limits::default())
                    .map(|d| {
                        *turned = d
                            .orientation
                            .is_some_and(|o| o != image::metadata::Orientation::NoTransforms);
                        d.image
                    })
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

#[cfg(feature = "media")]
impl<'a> Library<'a> {
    /// A library reading relative source paths from `base`.
    pub fn new(base: Option<&'a Path>) -> Library<'a> {
        Library {
            base,
            current: None,
        }
    }

    fn page(&mut self, path: PathBuf) -> Result<&mut Page, String> {
        if self.current.as_ref().is_none_or(|(p, _)| *p != path) {
            let page = Page::read(&path);
            self.current = Some((path, page));
        }
        match &mut self.current {
            Some((_, page)) => page.as_mut().map_err(|e| e.clone()),
            None => Err("no page".into()),
        }
    }

    /// Reads a whole image upright, as an occlusion card shows it, with its size in pixels
    /// (EXIF orientation applied), which its masks are measured in. A file that is already
    /// upright and that browsers show goes in as it is; any other becomes JPEG (photos) or PNG.
    pub fn load_upright(&mut self, image: &Path) -> Result<(Media, (u32, u32)), String> {
        let source = Source {
            image: image.to_owned(),
            region: None,
            quote: None,
        };
        let page = self.page(resolve(&source, self.base))?;
        let size = {
            let img = page.image()?;
            (img.width(), img.height())
        };
        if !page.turned {
            return Ok((self.load(&source)?, size));
        }
        let mut stem = clean_stem(&PageRef::parse(image).file);
        stem.push_str("-upright");
        let (format, ext) = match page.format {
            Some(ImageFormat::Jpeg) => (ImageFormat::Jpeg, "jpg"),
            _ => (ImageFormat::Png, "png"),
        };
        let name = format!("{stem}-{}.{ext}", short_hash(&[&page.bytes, b"upright"]));
        let img = page.image()?;
        let mut bytes = Vec::new();
        let written = match format {
            ImageFormat::Jpeg => img.to_rgb8().write_with_encoder(
                image::codecs::jpeg::JpegEncoder::new_with_quality(
                    &mut Cursor::new(&mut bytes),
                    90,
                ),
            ),
            _ => img.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png),
        };
        written.map_err(|e| e.to_string())?;
        Ok((Media { name, bytes }, size))
    }

    /// Reads a source image (and crops its region); the error is a human-readable cause.
    pub fn load(&mut self, source: &Source) -> Result<Media, String> {
        let path = resolve(source, self.base);
        let page = self.page(path.clone())?;
        let mut stem = clean_stem(&PageRef::parse(&path).file);
        // Pages of one file share its bytes: the page number keeps their media apart.
        let page_tag = page.page.map(|n| format!("#{n}")).unwrap_or_default();
        if let Some(n) = page.page {
            stem.push_str(&format!("-p{n}"));
        }
        match source.region {
            None if page.page.is_none()
                && matches!(
                    page.format,
                    Some(
                        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP
                    )
                ) =>
            {
                // Shown as it is, but only if it is within the limits (and whole).
                page_image::check(&page.bytes, &Limits::default()).map_err(|e| e.to_string())?;
                let ext = page
                    .format
                    .map_or(&[][..], |f| f.extensions_str())
                    .first()
                    .copied()
                    .unwrap_or("img");
                Ok(Media {
                    name: format!("{stem}-{}.{ext}", short_hash(&[&page.bytes])),
                    bytes: page.bytes.clone(),
                })
            }
            // Formats phones and browsers do not show (TIFF, BMP, PDF), and single pages of
            // a multi-page file, become PNG.
            None => {
                let name = format!(
                    "{stem}-{}.png",
                    short_hash(&[&page.bytes, page_tag.as_bytes()])
                );
                Ok(Media {
                    name,
                    bytes: encode_png(page.image()?)?,
                })
            }
            Some([x, y, w, h]) => {
                let region = format!("{page_tag}{x},{y},{w},{h}");
                let name = format!(
                    "{stem}-{}.png",
                    short_hash(&[&page.bytes, region.as_bytes()])
                );
                let img = page.image()?;
                let (iw, ih) = (img.width(), img.height());
                if w == 0 || h == 0 || x >= iw || y >= ih {
                    return Err(format!(
                        "region [{x}, {y}, {w}, {h}] lies outside the {iw}x{ih} image"
                    ));
                }
                let crop = img.crop_imm(x, y, w.min(iw - x), h.min(ih - y));
                Ok(Media {
                    name,
                    bytes: encode_png(&crop)?,
                })
            }
        }
    }
}

#[cfg(feature = "media")]
fn encode_png(img: &DynamicImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The file stem reduced to letters, digits, `-` and `_`, at most 40 characters.
#[cfg(feature = "media")]
fn clean_stem(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    if clean.is_empty() {
        "image".into()
    } else {
        clean
    }
}

#[cfg(feature = "media")]
fn short_hash(parts: &[&[u8]]) -> String {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(p);
        h.update(b"\0");
    }
    h.finalize().to_hex()[..16].to_owned()
}

#[cfg(feature = "media")]
#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn write_png(path: &Path, colour: [u8; 3]) {
        RgbImage::from_pixel(40, 30, Rgb(colour))
            .save(path)
            .expect("png written");
    }

    #[test]
    fn same_name_in_two_folders_gives_two_media() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (sub, colour) in [("a", [255, 0, 0]), ("b", [0, 0, 255])] {
            std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
            write_png(&dir.path().join(sub).join("page 1.png"), colour);
        }
        let src = |p: &str| Source {
            image: p.into(),
            region: None,
            quote: None,
        };
        let a = load(&src("a/page 1.png"), Some(dir.path())).expect("a");
        let b = load(&src("b/page 1.png"), Some(dir.path())).expect("b");
        assert_ne!(a.name, b.name);
        assert!(
            a.name.starts_with("page_1-") && a.name.ends_with(".png"),
            "{}",
            a.name
        );
        assert_eq!(
            a.bytes,
            std::fs::read(dir.path().join("a/page 1.png")).expect("read")
        );
        // The same file is the same media, whatever folder it is named from.
        let again = load(
            &src(&dir.path().join("a/page 1.png").to_string_lossy()),
            None,
        )
        .expect("absolute");
        assert_eq!(again, a);
    }

    #[test]
    fn region_is_cropped_and_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.png");
        write_png(&path, [10, 20, 30]);
        let src = |region| Source {
            image: path.clone(),
            region: Some(region),
            quote: None,
        };
        let crop = load(&src([5, 5, 10, 8]), None).expect("crop");
        let img = image::load_from_memory(&crop.bytes).expect("png");
        assert_eq!((img.width(), img.height()), (10, 8));
        // Clamped to the image when it runs over the edge.
        let edge = load(&src([30, 20, 100, 100]), None).expect("edge");
        let img = image::load_from_memory(&edge.bytes).expect("png");
        assert_eq!((img.width(), img.height()), (10, 10));
        let err = load(&src([50, 0, 5, 5]), None).expect_err("outside");
        assert!(err.contains("outside the 40x30 image"), "{err}");
    }

    #[test]
    fn missing_and_non_image_files_say_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "hello").expect("write");
        let src = |p: PathBuf| Source {
            image: p,
            region: None,
            quote: None,
        };
        assert_eq!(
            load(&src(text), None).expect_err("text"),
            "not an image or PDF file"
        );
        let err = load(&src(dir.path().join("gone.jpg")), None).expect_err("missing");
        assert!(err.contains("No such file"), "{err}");
    }
}
