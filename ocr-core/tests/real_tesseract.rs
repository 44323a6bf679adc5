//! End-to-end tests with Debian's real Tesseract on the sample pages shipped in `samples/`.

use std::path::{Path, PathBuf};

use ocr_core::metrics::cer;
use ocr_core::{
    BatchOptions, Cache, Engine, OcrError, OcrOptions, Page, ocr_batch, recognize_bytes,
};
use test_support::photo::heif;
use test_support::sample;

fn truth() -> String {
    std::fs::read_to_string(sample("vocabulaire.txt")).expect("truth text")
}

fn french() -> OcrOptions {
    OcrOptions {
        lang: "fra".into(),
        ..OcrOptions::default()
    }
}

fn read(name: &str) -> Page {
    let mut engine = Engine::new("fra", None).expect("French traineddata installed");
    let path = sample(name);
    let bytes = std::fs::read(&path).expect("sample");
    recognize_bytes(&mut engine, &bytes, &path, &french()).expect("recognised")
}

fn word<'a>(page: &'a Page, text: &str) -> &'a ocr_core::Word {
    page.words()
        .find(|w| w.text == text)
        .unwrap_or_else(|| panic!("no word {text:?} in {:?}", page.text()))
}

#[test]
fn clean_page_reads_almost_exactly() {
    let page = read("vocabulaire.png");
    let c = cer(&truth(), &page.text());
    assert!(c <= 0.03, "CER {c}: {}", page.text());
    assert_eq!((page.width, page.height), (1240, 1100));
    assert_eq!(page.preprocessing.rotation, 0);
    // Rendered at x = 90, the title's first word starts there, in the top tenth of the page.
    let title = word(&page, "Vocabulaire");
    assert!((80..=100).contains(&title.bbox.x), "{:?}", title.bbox);
    assert!(title.bbox.y < 110 && title.confidence > 80.0, "{title:?}");
}

#[test]
fn turned_shaded_photo_is_set_upright_and_boxes_map_back() {
    let page = read("vocabulaire-photo.jpg");
    let c = cer(&truth(), &page.text());
    assert!(c <= 0.10, "CER {c}: {}", page.text());
    // The page lies turned clockwise a quarter: undoing it is a 270 degree clockwise turn.
    assert_eq!(page.preprocessing.rotation, 270);
    assert!(
        page.preprocessing.deskew.abs() > 2.0,
        "{:?}",
        page.preprocessing
    );
    // The title runs down the right-hand side of the photo, near the top.
    let title = word(&page, "Vocabulaire");
    assert!(title.bbox.x > page.width * 3 / 4, "{:?}", title.bbox);
    assert!(title.bbox.y < page.height / 3, "{:?}", title.bbox);
    assert!(
        title.bbox.height > title.bbox.width,
        "vertical word box {:?}",
        title.bbox
    );
}

#[test]
fn upside_down_latin_page_is_told_by_its_ascenders() {
    let path = sample("vocabulaire.png");
    let upright = ocr_core::load_path(&path, Default::default()).expect("sample");
    let gray = upright.image.to_luma8();
    assert_eq!(ocr_core::upside_down(&gray, 30.0), Some(false));
    let flipped = image::imageops::rotate180(&gray);
    assert_eq!(ocr_core::upside_down(&flipped, 30.0), Some(true));

    // And the pipeline turns it back before reading it.
    let mut engine = Engine::new("fra", None).expect("French traineddata installed");
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(flipped)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encoded");
    let page = recognize_bytes(&mut engine, &png, Path::new("flipped.png"), &french())
        .expect("recognised");
    assert_eq!(page.preprocessing.rotation, 180);
    let c = cer(&truth(), &page.text());
    assert!(c <= 0.03, "CER {c}: {}", page.text());
}

#[test]
fn exif_orientation_is_applied() {
    let page = read("vocabulaire-exif.jpg");
    assert_eq!(page.preprocessing.exif_orientation, Some(6));
    assert_eq!((page.width, page.height), (1240, 1100), "shown upright");
    assert_eq!(page.preprocessing.rotation, 0, "nothing left to turn");
    let c = cer(&truth(), &page.text());
    assert!(c <= 0.10, "CER {c}: {}", page.text());
}

#[test]
fn bad_files_fail_alone_with_their_cause() {
    let dir = tempfile::tempdir().expect("tempdir");
    let png = std::fs::read(sample("vocabulaire.png")).expect("sample");
    let files = [
        ("good.png", png.clone()),
        ("empty.png", Vec::new()),
        ("truncated.png", png[..png.len() / 3].to_vec()),
        ("notes.txt", b"la cuillere - the spoon\n".to_vec()),
        ("corrupt.jpg", {
            let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
            b.extend(std::iter::repeat_n(0x42, 500));
            b
        }),
    ];
    let mut paths: Vec<PathBuf> = files
        .iter()
        .map(|(name, bytes)| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).expect("write");
            p
        })
        .collect();
    paths.push(dir.path().join("missing.png"));
    paths.push(sample("vocabulaire-exif.jpg"));

    let seen = std::sync::atomic::AtomicUsize::new(0);
    let pages = std::sync::Mutex::new(Vec::new());
    let items = ocr_batch(
        &paths,
        &french(),
        &BatchOptions {
            threads: 2,
            ..BatchOptions::default()
        },
        &|p| {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            assert_eq!(p.ok, p.page.is_some());
            if let Some(page) = p.page {
                pages.lock().expect("lock").push((p.index, page.text()));
            }
        },
    )
    .expect("batch runs");
    assert_eq!(seen.into_inner(), paths.len(), "progress for every image");
    // Every page read was shown to the progress callback, as the batch returns it.
    let mut pages = pages.into_inner().expect("lock");
    pages.sort();
    let read: Vec<(usize, String)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| item.result.as_ref().ok().map(|p| (i, p.text())))
        .collect();
    assert_eq!(pages, read);
    assert_eq!(items.len(), paths.len());
    for (item, path) in items.iter().zip(&paths) {
        assert_eq!(&item.path, path, "input order kept");
    }
    assert!(items[0].result.is_ok() && items[6].result.is_ok());
    let err = |i: usize| items[i].result.as_ref().expect_err("should fail");
    assert!(matches!(err(1), OcrError::Empty { .. }), "{}", err(1));
    assert!(matches!(err(2), OcrError::Corrupt { .. }), "{}", err(2));
    assert!(
        matches!(err(3), OcrError::UnsupportedFormat { .. }),
        "{}",
        err(3)
    );
    assert!(matches!(err(4), OcrError::Corrupt { .. }), "{}", err(4));
    assert!(matches!(err(5), OcrError::Read { .. }), "{}", err(5));
    for (i, path) in paths.iter().enumerate().take(6).skip(1) {
        let msg = err(i).to_string();
        assert!(
            msg.starts_with(&path.display().to_string()),
            "names the file: {msg}"
        );
    }
}

#[test]
fn second_run_comes_from_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = Cache::open(dir.path()).expect("cache");
    let paths = vec![sample("vocabulaire.png"), sample("vocabulaire-exif.jpg")];
    let batch = BatchOptions {
        threads: 2,
        cache: Some(cache),
        ..BatchOptions::default()
    };
    let first = ocr_batch(&paths, &french(), &batch, &|_| {}).expect("first");
    assert!(first.iter().all(|i| !i.cached && i.result.is_ok()));
    let second = ocr_batch(&paths, &french(), &batch, &|_| {}).expect("second");
    assert!(second.iter().all(|i| i.cached), "no OCR the second time");
    for (a, b) in first.iter().zip(&second) {
        let (a, b) = (
            a.result.as_ref().expect("ok"),
            b.result.as_ref().expect("ok"),
        );
        assert_eq!(a.text(), b.text());
    }
    // Other settings are another key.
    let english = OcrOptions {
        lang: "eng".into(),
        ..OcrOptions::default()
    };
    let third = ocr_batch(&paths[..1], &english, &batch, &|_| {}).expect("third");
    assert!(!third[0].cached);
}

#[test]
fn missing_language_is_one_clear_error() {
    let options = OcrOptions {
        lang: "qqq".into(),
        ..OcrOptions::default()
    };
    let err = ocr_batch(
        &[sample("vocabulaire.png")],
        &options,
        &BatchOptions::default(),
        &|_| {},
    )
    .expect_err("no such language");
    // Found before Tesseract starts: no Tesseract noise, the install hint and what is installed.
    assert!(matches!(err, OcrError::MissingLanguage { .. }), "{err:?}");
    assert!(err.to_string().contains("tesseract-ocr-qqq"), "{err}");
    assert!(
        err.to_string().contains("fra"),
        "lists the installed languages: {err}"
    );
}

#[test]
fn prepared_image_is_the_one_recognised() {
    let path = sample("vocabulaire-photo.jpg");
    let (loaded, prepared) = ocr_core::prepare_path(&path, &french()).expect("prepared");
    let page = read("vocabulaire-photo.jpg");
    assert_eq!(
        (loaded.image.width(), loaded.image.height()),
        (page.width, page.height)
    );
    assert_eq!(prepared.report, page.preprocessing);
    assert_eq!(
        prepared.image.dimensions(),
        (
            page.preprocessing.processed_width,
            page.preprocessing.processed_height
        )
    );
    let err = ocr_core::prepare_path(&sample("missing.jpg"), &french()).expect_err("no file");
    assert!(err.to_string().contains("missing.jpg"), "{err}");
}

#[test]
fn heic_and_avif_photos_are_read_upright_and_a_broken_one_fails_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The EXIF sample is stored on its side with orientation 6; heif-enc keeps the pixels as
    // stored and the EXIF block as it was, as a converted phone photo has them.
    let heic = dir.path().join("photo.heic");
    let avif = dir.path().join("photo.avif");
    heif(&sample("vocabulaire-exif.jpg"), &heic, false);
    heif(&sample("vocabulaire-exif.jpg"), &avif, true);
    let broken = dir.path().join("broken.heic");
    let bytes = std::fs::read(&heic).expect("heic");
    std::fs::write(&broken, &bytes[..bytes.len() / 2]).expect("write");
    // A HEIC saved without its extension is still found to be one.
    let bare = dir.path().join("IMG_0042");
    std::fs::write(&bare, &bytes).expect("write");

    let paths = vec![heic.clone(), broken.clone(), avif.clone(), bare.clone()];
    let batch = BatchOptions {
        threads: 2,
        ..BatchOptions::default()
    };
    let items = ocr_batch(&paths, &french(), &batch, &|_| {}).expect("batch");
    assert_eq!(items.len(), 4);
    for item in &items {
        if item.path == broken {
            let err = item.result.as_ref().expect_err("half a HEIC");
            assert!(err.to_string().contains("broken.heic"), "{err}");
            continue;
        }
        let page = item.result.as_ref().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            page.preprocessing.exif_orientation,
            Some(6),
            "{:?}",
            item.path
        );
        assert_eq!(
            (page.width, page.height),
            (1240, 1100),
            "{:?} upright",
            item.path
        );
        assert_eq!(page.preprocessing.rotation, 0, "{:?}", item.path);
        let c = cer(&truth(), &page.text());
        assert!(c <= 0.10, "{:?}: CER {c}: {}", item.path, page.text());
    }
}
