//! Recognising many images in parallel, one Tesseract engine per worker thread.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use page_image::PageRef;

use crate::cache::Cache;
use crate::engine::Engine;
use crate::error::{OcrError, Result};
use crate::load::{LoadLimits, load_page_bytes, read_page_file};
use crate::page::Page;
use crate::preprocess::Prepared;
use crate::recognize::{OcrOptions, recognize_prepared};
use crate::text_layer::{self, Verdict};

/// How a batch runs.
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
    /// Where to look up and store finished pages; `None` disables caching.
    pub cache: Option<Cache>,
    /// Set to stop the batch: images not yet started are reported as cancelled.
    pub cancel: Option<Arc<AtomicBool>>,
}

/// What happened to one image of a batch, reported as it happens.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Position of the image in the input list.
    pub index: usize,
    /// The image file.
    pub path: &'a Path,
    /// Whether it was recognised (or found in the cache) without error.
    pub ok: bool,
    /// Whether the page came from the cache.
    pub cached: bool,
    /// How many images are done, this one included.
    pub done: usize,
    /// How many images the batch holds.
    pub total: usize,
    /// The page, when it was read: a frontend can show it before the batch ends.
    pub page: Option<&'a Page>,
    /// The image Tesseract was given, when the page was read now (not from the cache).
    pub prepared: Option<&'a image::GrayImage>,
}

/// The result for one image of a batch.
#[derive(Debug)]
pub struct BatchItem {
    /// The image file.
    pub path: PathBuf,
    /// Its page, or why it failed.
    pub result: Result<Page>,
    /// Whether the page came from the cache.
    pub cached: bool,
}

/// The pages of these files, in order: each file as it is, but a multi-page TIFF or PDF as one
/// path per page, `scan.pdf#1` to `scan.pdf#N` (see [`page_image::PageRef`]), and a range
/// `scan.pdf#2-5` as those pages. A path that already names a page, or a file whose pages cannot
/// be counted, stays as it is (reading it will say what is wrong); a range past the last page
/// keeps its pages that are not there, so each is reported by name.
pub fn pages_of(paths: &[PathBuf]) -> Vec<PathBuf> {
    let limits = LoadLimits::default();
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let each = |file: &Path, pages: std::ops::RangeInclusive<u32>| -> Vec<PathBuf> {
            pages
                .map(|k| {
                    PageRef {
                        file: file.to_path_buf(),
                        page: Some(k),
                    }
                    .to_path()
                })
                .collect()
        };
        if let Some((file, first, last)) = page_range(path) {
            let count = page_image::file_page_count(&file, &limits).unwrap_or(last);
            // Never more names than the file has pages, plus the first one it lacks.
            out.extend(each(
                &file,
                first..=last.min(count.saturating_add(1)).max(first),
            ));
            continue;
        }
        let page = PageRef::parse(path);
        match page_image::file_page_count(&page.file, &limits) {
            Ok(n) if n > 1 && page.page.is_none() => out.extend(each(&page.file, 1..=n)),
            _ => out.push(path.clone()),
        }
    }
    out
}

/// `scan.pdf#2-5` as the file and its first and last page, when no file has that name.
fn page_range(path: &Path) -> Option<(PathBuf, u32, u32)> {
    let name = path.file_name()?.to_str()?;
    let (stem, range) = name.rsplit_once('#')?;
    let (a, b) = range.split_once('-')?;
    let number = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse::<u32>().ok())
            .flatten()
            .filter(|&n| n >= 1)
    };
    let (first, last) = (number(a)?, number(b)?);
    if stem.is_empty() || first > last || path.symlink_metadata().is_ok() {
        return None;
    }
    Some((path.with_file_name(stem), first, last))
}

/// Recognises every page of every image, in parallel, and returns one result per page in input
/// order: one per file, except a multi-page TIFF, which gives one per page, each named by its
/// page (`scan.tif#3`, see [`pages_of`]), the name its [`Page::source`] keeps.
///
/// A file or page that cannot be read or decoded fails alone; the rest of the batch goes on.
/// The outer error is for problems that would fail every image, such as missing language data.
pub fn ocr_batch(
    paths: &[PathBuf],
    options: &OcrOptions,
    batch: &BatchOptions,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Result<Vec<BatchItem>> {
    let pages = pages_of(paths);
    let paths = &pages[..];
    let threads = match batch.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
    .clamp(1, paths.len().max(1));
    // Starting the engines up front turns a bad language into one clear error, not one per file.
    let engines = (0..threads)
        .map(|_| Engine::new(&options.lang, options.tessdata.as_deref()))
        .collect::<Result<Vec<_>>>()?;
    let fingerprint = options.fingerprint();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<BatchItem>>> = paths.iter().map(|_| Mutex::new(None)).collect();

    std::thread::scope(|scope| {
        for mut engine in engines {
            let (next, done, slots, fingerprint) = (&next, &done, &slots, &fingerprint);
            scope.spawn(move || {
                loop {
                    if batch
                        .cancel
                        .as_ref()
                        .is_some_and(|c| c.load(Ordering::Relaxed))
                    {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let (result, prepared, cached) = one(
                        &mut engine,
                        path,
                        options,
                        batch.cache.as_ref(),
                        fingerprint,
                    );
                    progress(Progress {
                        index: i,
                        path,
                        ok: result.is_ok(),
                        cached,
                        done: done.fetch_add(1, Ordering::Relaxed) + 1,
                        total: paths.len(),
                        page: result.as_ref().ok(),
                        prepared: prepared.as_ref().map(|p| &p.image),
                    });
                    drop(prepared);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(BatchItem {
                            path: path.clone(),
                            result,
                            cached,
                        });
                    }
                }
            });
        }
    });

    Ok(slots
        .into_iter()
        .zip(paths)
        .map(|(slot, path)| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| BatchItem {
                    path: path.clone(),
                    result: Err(
                        if batch
                            .cancel
                            .as_ref()
                            .is_some_and(|c| c.load(Ordering::Relaxed))
                        {
                            OcrError::Cancelled { path: path.clone() }
                        } else {
                            OcrError::Recognition {
                                path: path.clone(),
                                detail: "worker thread stopped before this image".into(),
                            }
                        },
                    ),
                    cached: false,
                })
        })
        .collect())
}

fn one(
    engine: &mut Engine,
    path: &Path,
    options: &OcrOptions,
    cache: Option<&Cache>,
    fingerprint: &str,
) -> (Result<Page>, Option<Prepared>, bool) {
    let limits = LoadLimits::default();
    let page = PageRef::parse(path);
    let bytes = match read_page_file(&page, path, limits) {
        Ok(b) => b,
        Err(e) => return (Err(e), None, false),
    };
    // A page of a multi-page file is its own entry; a whole file keeps the key it always had.
    let key = cache.map(|_| match page.page {
        None => Cache::key(&bytes, fingerprint),
        Some(n) => Cache::key(&bytes, &format!("{fingerprint} page={n}")),
    });
    if let (Some(c), Some(k)) = (cache, key.as_deref())
        && let Some(mut p) = c.get(k)
    {
        p.source = Some(path.to_path_buf());
        return (Ok(p), None, true);
    }
    let (result, prepared) = read_page(engine, &bytes, page.page, path, options, limits);
    if let (Ok(p), Some(c), Some(k)) = (&result, cache, key.as_deref()) {
        // A cache that cannot be written costs speed next time, never this result.
        let _ = c.put(k, p);
    }
    (result, prepared, false)
}

/// Reads one page: from its text layer when it is a PDF page whose layer can be trusted, else
/// by OCR (keeping the layer when the two reads are compared and it reads at least as well;
/// see [`text_layer`](crate::text_layer)).
pub(crate) fn read_page(
    engine: &mut Engine,
    bytes: &[u8],
    number: Option<u32>,
    path: &Path,
    options: &OcrOptions,
    limits: LoadLimits,
) -> (Result<Page>, Option<Prepared>) {
    let mut layered = None;
    if page_image::pdf::is_pdf(bytes) {
        let layer = page_image::pdf::text_layer(bytes, number.unwrap_or(1), &limits)
            .map_err(|e| crate::load::map_error(e, path));
        let layer = match layer {
            Ok(l) => l,
            Err(e) => return (Err(e), None),
        };
        let language = engine.language().to_owned();
        let mut guess = None;
        // With `--lang auto`, the layer's own words name its language before its words are
        // looked up in that language's dictionary.
        let mut dictionary = |words: &[&str]| {
            if engine.is_auto() {
                guess = engine.choose_language_of_text(&words.join(" "));
            }
            engine.dictionary_words(words.iter().copied())
        };
        let verdict = text_layer::judge(&layer, path, &language, &mut dictionary);
        let settled = |mut page: Page| {
            if let Some(g) = &guess {
                page.language.clone_from(&g.language);
            }
            page.preprocessing.language_guess = guess.clone();
            page
        };
        match verdict {
            Verdict::Trusted(page) => return (Ok(settled(page)), None),
            Verdict::Doubtful(page, why) => layered = Some((settled(page), why)),
            Verdict::Unusable(why) => layered = Some((Page::empty(path), why)),
        }
    }
    let result = load_page_bytes(bytes, number, path, limits)
        .and_then(|loaded| recognize_prepared(engine, &loaded, path, options));
    let (mut page, prepared) = match result {
        Ok(r) => r,
        Err(e) => return (Err(e), None),
    };
    if let Some((mut layer, why)) = layered {
        let mut known = |p: &Page| {
            engine
                .dictionary_words(p.words().map(|w| w.text.as_str()))
                .map_or(0, |(_, k)| k)
        };
        let (from_layer, from_ocr) = (known(&layer), known(&page));
        if layer.word_count() > 0 && from_layer >= from_ocr {
            layer.preprocessing.notes.push(format!(
                "the text layer was checked against OCR because {why}: it has {from_layer} dictionary words, OCR {from_ocr}"
            ));
            return (Ok(layer), None);
        }
        let note = if layer.word_count() > 0 {
            format!(
                "read by OCR because {why}: OCR has {from_ocr} dictionary words, the text layer {from_layer}"
            )
        } else {
            format!("read by OCR because {why}")
        };
        page.preprocessing.notes.push(note);
    }
    (Ok(page), Some(prepared))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, GrayImage, ImageFormat};
    use std::io::Cursor;

    fn sample() -> GrayImage {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/vocabulaire.png");
        image::open(path).expect("sample page").to_luma8()
    }

    /// A TIFF whose pages are the given images, in order.
    fn tiff(pages: &[GrayImage]) -> Vec<u8> {
        use tiff::encoder::{TiffEncoder, colortype};
        let mut out = Cursor::new(Vec::new());
        let mut enc = TiffEncoder::new(&mut out).expect("encoder");
        for p in pages {
            enc.write_image::<colortype::Gray8>(p.width(), p.height(), p.as_raw())
                .expect("page");
        }
        out.into_inner()
    }

    fn french() -> OcrOptions {
        OcrOptions {
            lang: "fra".into(),
            ..OcrOptions::default()
        }
    }

    #[test]
    fn every_page_of_a_tiff_is_read_and_named_by_its_number() {
        let dir = tempfile::tempdir().expect("tempdir");
        let page = sample();
        let (w, h) = page.dimensions();
        // Page 1: the top of the sample (its title); page 2: blank; page 3: the whole sample.
        let top = image::imageops::crop_imm(&page, 0, 0, w, h / 5).to_image();
        let blank = GrayImage::from_pixel(400, 300, image::Luma([255]));
        let scan = dir.path().join("scan.tif");
        std::fs::write(&scan, tiff(&[top, blank, page])).expect("tiff");
        let single = dir.path().join("single.tif");
        std::fs::write(&single, tiff(&[sample()])).expect("tiff");

        let paths = vec![scan.clone(), single.clone()];
        let named = |n: u32| dir.path().join(format!("scan.tif#{n}"));
        assert_eq!(
            pages_of(&paths),
            [named(1), named(2), named(3), single.clone()]
        );
        let items = ocr_batch(&paths, &french(), &BatchOptions::default(), &|_| {}).expect("batch");
        let names: Vec<&Path> = items.iter().map(|i| i.path.as_path()).collect();
        assert_eq!(names, [named(1), named(2), named(3), single.clone()]);
        let pages: Vec<&Page> = items
            .iter()
            .map(|i| i.result.as_ref().expect("read"))
            .collect();
        assert_eq!(pages[0].source.as_deref(), Some(named(1).as_path()));
        assert!(
            pages[0].text().contains("Vocabulaire"),
            "{}",
            pages[0].text()
        );
        assert!(
            !pages[0].text().contains("fourchette"),
            "{}",
            pages[0].text()
        );
        assert_eq!(pages[1].word_count(), 0, "{}", pages[1].text());
        assert!(
            pages[2].text().contains("fourchette"),
            "{}",
            pages[2].text()
        );
        assert_eq!((pages[2].width, pages[2].height), (w, h));
        assert_eq!(pages[3].source.as_deref(), Some(single.as_path()));
        // A page can be asked for by name, and one the file lacks is an error naming it.
        let missing = dir.path().join("scan.tif#9");
        let items = ocr_batch(
            std::slice::from_ref(&missing),
            &french(),
            &BatchOptions::default(),
            &|_| {},
        )
        .expect("batch");
        let e = items[0].result.as_ref().expect_err("no page 9");
        assert!(
            e.to_string().contains("scan.tif#9") && e.to_string().contains("the file has 3"),
            "{e}"
        );
    }

    #[test]
    fn a_truncated_jpeg_fails_by_name_and_the_rest_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut jpeg = Vec::new();
        DynamicImage::ImageLuma8(sample())
            .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .expect("jpeg");
        let mut paths = Vec::new();
        for percent in [50, 80] {
            let p = dir.path().join(format!("cut{percent}.jpg"));
            std::fs::write(&p, &jpeg[..jpeg.len() * percent / 100]).expect("write");
            paths.push(p);
        }
        let whole = dir.path().join("whole.jpg");
        std::fs::write(&whole, &jpeg).expect("write");
        paths.push(whole);
        let items = ocr_batch(&paths, &french(), &BatchOptions::default(), &|_| {}).expect("batch");
        for item in &items[..2] {
            let e = item.result.as_ref().expect_err("truncated");
            assert!(matches!(e, OcrError::Corrupt { .. }), "{e}");
            assert!(
                e.to_string().contains(&*item.path.to_string_lossy())
                    && e.to_string().contains("truncated"),
                "{e}"
            );
        }
        let page = items[2].result.as_ref().expect("whole page read");
        assert!(page.text().contains("fourchette"), "{}", page.text());
    }

    #[test]
    fn devices_fail_fast_by_name() {
        let e = crate::load_path(Path::new("/dev/zero"), LoadLimits::default())
            .expect_err("a device is no image");
        assert!(
            e.to_string().starts_with("/dev/zero") && e.to_string().contains("not a regular file"),
            "{e}"
        );
        let items = ocr_batch(
            &[PathBuf::from("/dev/zero")],
            &OcrOptions::default(),
            &BatchOptions::default(),
            &|_| {},
        )
        .expect("batch");
        let e = items[0].result.as_ref().expect_err("device");
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }
}
