//! PDFs read with Debian's Tesseract: a text layer is read as it is, a scanned page by OCR, the
//! pages named `file.pdf#N`, and a PDF that cannot be read reported by name, never costing the
//! other pages of the batch.

use std::path::{Path, PathBuf};

use ocr_core::ReadKind;
use ocr_core::{BatchOptions, OcrError, OcrOptions, collect_inputs, ocr_batch, pages_of};
use test_support::pdf::{PdfPage, encrypt, pdf};

const LESSON: [&str; 4] = [
    "Vocabulaire : la maison",
    "la cuisine - the kitchen",
    "la chambre - the bedroom",
    "le jardin - the garden",
];

/// French prose, for pages set as TeX sets them.
const PROSE: [&str; 3] = [
    "Le verbe avoir se conjugue ainsi au temps présent :",
    "nous avons une maison, vous avez un jardin, ils ont",
    "deux chambres et une grande cuisine au rez-de-chaussée.",
];

fn french() -> OcrOptions {
    OcrOptions {
        lang: "fra".into(),
        ..OcrOptions::default()
    }
}

fn read(paths: &[PathBuf]) -> Vec<ocr_core::BatchItem> {
    let batch = BatchOptions {
        threads: 2,
        ..BatchOptions::default()
    };
    ocr_batch(paths, &french(), &batch, &|_| {}).expect("batch")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the PDF");
    path
}

#[test]
fn a_text_layer_is_read_as_it_is_page_by_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let second = [
        "l'été - the summer",
        "la forêt - the forest",
        "un œuf - an egg",
    ];
    let path = write(
        dir.path(),
        "lesson.pdf",
        &pdf(&[PdfPage::text(&LESSON), PdfPage::text(&second)]),
    );
    let items = read(std::slice::from_ref(&path));
    assert_eq!(items.len(), 2);
    for (k, (item, lines)) in items.iter().zip([&LESSON[..], &second[..]]).enumerate() {
        let name = format!("{}#{}", path.display(), k + 1);
        assert_eq!(item.path, PathBuf::from(&name));
        let page = item.result.as_ref().expect("page read");
        assert_eq!(page.source.as_deref(), Some(Path::new(&name)));
        assert_eq!(page.preprocessing.read, ReadKind::TextLayer, "{name}");
        // WinAnsiEncoding has no œ in this test's Latin-1 writer: it became '?'.
        let want = lines.join("\n").replace('œ', "?");
        assert_eq!(page.text().trim_end(), want);
        // Boxes lie where the text is: in the top part of an A4 page drawn at 300 dpi.
        assert_eq!((page.width, page.height), (2479, 3508));
        let first = page.words().next().expect("a word");
        assert!(first.bbox.x > 150 && first.bbox.x < 250, "{:?}", first.bbox);
        assert!(first.bbox.y > 150 && first.bbox.y < 300, "{:?}", first.bbox);
    }
}

#[test]
fn words_set_without_spaces_as_tex_sets_them_are_told_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "cours.pdf", &pdf(&[PdfPage::typeset(&PROSE)]));
    let items = read(std::slice::from_ref(&path));
    let page = items[0].result.as_ref().expect("page read");
    assert_eq!(page.preprocessing.read, ReadKind::TextLayer);
    assert_eq!(page.text().trim_end(), PROSE.join("\n"));
    let words: Vec<&str> = page.words().map(|w| w.text.as_str()).collect();
    let want: Vec<&str> = PROSE.iter().flat_map(|l| l.split(' ')).collect();
    assert_eq!(words, want);
    // Each word's box ends before the next one starts.
    for line in page.blocks.iter().flat_map(|b| &b.lines) {
        for pair in line.words.windows(2) {
            let (a, b) = (pair[0].bbox, pair[1].bbox);
            assert!(a.x + a.width < b.x, "{a:?} runs into {b:?}");
        }
    }
}

#[test]
fn a_scanned_page_is_read_by_ocr_and_a_mixed_pdf_both_ways() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scan = PdfPage::scan(&test_support::sample("vocabulaire.png"), 150.0);
    let path = write(
        dir.path(),
        "mixed.pdf",
        &pdf(&[PdfPage::text(&LESSON), scan]),
    );
    let items = read(std::slice::from_ref(&path));
    assert_eq!(items.len(), 2);
    let text = items[0].result.as_ref().expect("page 1");
    assert_eq!(text.preprocessing.read, ReadKind::TextLayer);
    let scanned = items[1].result.as_ref().expect("page 2");
    assert_ne!(scanned.preprocessing.read, ReadKind::TextLayer);
    assert!(
        scanned
            .preprocessing
            .notes
            .iter()
            .any(|n| n.contains("no text layer")),
        "{:?}",
        scanned.preprocessing.notes
    );
    let png = read(&[test_support::sample("vocabulaire.png")]);
    let png = png[0].result.as_ref().expect("the sample");
    // Drawn at the scan's own resolution, the page reads as the image itself does.
    assert_eq!(scanned.text(), png.text());
}

#[test]
fn a_scanners_invisible_layer_is_kept_only_when_it_reads_as_well_as_ocr() {
    let dir = tempfile::tempdir().expect("tempdir");
    let image = test_support::sample("vocabulaire.png");
    let png = read(std::slice::from_ref(&image));
    let truth = png[0].result.as_ref().expect("the sample").text();
    let good = truth.lines().map(str::to_owned).collect::<Vec<_>>();
    let junk = vec!["Vcbl aire lx mz0n qrst".to_owned(); 3];
    let mut pages = Vec::new();
    for hidden in [good, junk] {
        let mut page = PdfPage::scan(&image, 150.0);
        if let PdfPage::Scan { hidden: h, .. } = &mut page {
            *h = hidden;
        }
        pages.push(page);
    }
    let path = write(dir.path(), "scanner.pdf", &pdf(&pages));
    let items = read(std::slice::from_ref(&path));
    let good = items[0].result.as_ref().expect("page 1");
    let junk = items[1].result.as_ref().expect("page 2");
    assert_eq!(
        good.preprocessing.read,
        ReadKind::TextLayer,
        "{:?}",
        good.preprocessing.notes
    );
    assert!(
        good.preprocessing
            .notes
            .iter()
            .any(|n| n.contains("invisible"))
    );
    assert_ne!(
        junk.preprocessing.read,
        ReadKind::TextLayer,
        "{:?}",
        junk.preprocessing.notes
    );
    assert_eq!(junk.text(), truth);
}

#[test]
fn encrypted_and_broken_pdfs_fail_by_name_and_the_rest_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = write(dir.path(), "plain.pdf", &pdf(&[PdfPage::text(&LESSON)]));
    let locked = dir.path().join("locked.pdf");
    encrypt(&plain, &locked, "s3cret");
    let bytes = std::fs::read(&plain).expect("read");
    let broken = write(dir.path(), "broken.pdf", &bytes[..bytes.len() / 3]);
    let garbage = write(
        dir.path(),
        "garbage.pdf",
        b"%PDF-1.7\nnothing of a PDF follows",
    );
    let items = read(&pages_of(&[locked.clone(), broken, garbage, plain.clone()]));
    assert_eq!(items.len(), 4, "{items:?}");
    let e = items[0].result.as_ref().expect_err("locked");
    assert!(matches!(e, OcrError::Encrypted { .. }), "{e}");
    assert!(
        e.to_string().starts_with(&locked.display().to_string()),
        "{e}"
    );
    assert!(e.to_string().contains("password"), "{e}");
    assert!(!e.to_string().contains("s3cret"));
    for item in &items[1..3] {
        let e = item.result.as_ref().expect_err("broken");
        assert!(
            e.to_string().starts_with(&item.path.display().to_string()),
            "{e}"
        );
    }
    assert_eq!(
        items[3].result.as_ref().expect("plain").text().trim_end(),
        LESSON.join("\n")
    );
}

#[test]
fn page_ranges_and_pdfs_without_an_extension() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages: Vec<PdfPage> = (1..=5)
        .map(|n| PdfPage::text(&[&format!("Page {n} : le chapitre {n} de la le\u{e7}on")]))
        .collect();
    let path = write(dir.path(), "cours.pdf", &pdf(&pages));
    let range = PathBuf::from(format!("{}#2-4", path.display()));
    let names = pages_of(std::slice::from_ref(&range));
    let want: Vec<PathBuf> = (2..=4)
        .map(|n| PathBuf::from(format!("{}#{n}", path.display())))
        .collect();
    assert_eq!(names, want);
    let items = read(&names);
    assert!(
        items[1]
            .result
            .as_ref()
            .expect("page 3")
            .text()
            .starts_with("Page 3")
    );
    // A range past the end names the first missing page, which fails by name.
    let past = PathBuf::from(format!("{}#4-9", path.display()));
    let names = pages_of(&[past]);
    assert_eq!(names.len(), 3, "{names:?}");
    let items = read(&names);
    assert!(items[2].result.is_err());
    assert!(items[2].path.to_string_lossy().ends_with("cours.pdf#6"));

    // In a folder, a PDF is found by its first bytes, whatever it is called.
    let folder = dir.path().join("scans");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::copy(&path, folder.join("scan-0001")).expect("copy");
    std::fs::write(folder.join("notes.md"), "# not a page").expect("write");
    let inputs = collect_inputs(std::slice::from_ref(&folder), &Default::default());
    assert_eq!(inputs.images, [folder.join("scan-0001")]);
    assert_eq!(inputs.skipped.len(), 1);
    assert_eq!(pages_of(&inputs.images).len(), 5);
}

#[test]
fn with_auto_a_text_layer_names_its_own_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "cours.pdf", &pdf(&[PdfPage::typeset(&PROSE)]));
    let options = OcrOptions {
        lang: "auto".into(),
        ..OcrOptions::default()
    };
    let items = ocr_batch(
        std::slice::from_ref(&path),
        &options,
        &BatchOptions::default(),
        &|_| {},
    )
    .expect("batch");
    let page = items[0].result.as_ref().expect("page read");
    // Looked up in the French dictionary, the layer is trusted and no OCR runs.
    assert_eq!(
        page.preprocessing.read,
        ReadKind::TextLayer,
        "{:?}",
        page.preprocessing
    );
    assert_eq!(page.language, "fra");
    let guess = page.preprocessing.language_guess.as_ref().expect("a guess");
    assert!(guess.sure && guess.language == "fra", "{guess:?}");
}
