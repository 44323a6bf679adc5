//! Drives the built `ocr-to-anki` binary on the shipped samples.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use test_support::sample;

fn cmd(cache: &Path) -> Command {
    let mut c = Command::cargo_bin("ocr-to-anki").expect("binary");
    c.env("OCR_TO_ANKI_CACHE_DIR", cache)
        .env_remove("OCR_TO_ANKI_LANG");
    c
}

#[test]
fn reads_a_sample_page() {
    let cache = tempfile::tempdir().expect("tempdir");
    cmd(cache.path())
        .args(["ocr", "--lang", "fra"])
        .arg(sample("vocabulaire.png"))
        .assert()
        .success()
        .stdout(predicate::str::contains("la fourchette - the fork"))
        .stdout(predicate::str::contains("la poêle - the frying pan"));
}

#[test]
fn json_has_words_with_boxes() {
    let cache = tempfile::tempdir().expect("tempdir");
    let out = cmd(cache.path())
        .args(["ocr", "--lang", "fra", "--json"])
        .arg(sample("vocabulaire-exif.jpg"))
        .output()
        .expect("runs");
    assert!(out.status.success());
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON page");
    assert_eq!(page["width"], 1240);
    assert_eq!(page["preprocessing"]["exif_orientation"], 6);
    let word = &page["blocks"][0]["lines"][0]["words"][0];
    assert_eq!(word["text"], "Vocabulaire");
    assert!(word["bbox"]["width"].as_u64().is_some_and(|w| w > 50));
    assert!(word["confidence"].as_f64().is_some_and(|c| c > 50.0));
}

#[test]
fn bad_files_are_named_and_the_rest_still_print() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corrupt = dir.path().join("broken.jpg");
    std::fs::write(&corrupt, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).expect("write");
    let text = dir.path().join("list.txt");
    std::fs::write(&text, "not an image").expect("write");
    cmd(&dir.path().join("cache"))
        .args(["ocr", "--lang", "fra", "-q"])
        .arg(&corrupt)
        .arg(sample("vocabulaire.png"))
        .arg(&text)
        .arg(dir.path().join("missing.png"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("le couteau - the knife"))
        .stdout(predicate::str::contains("==> "))
        .stderr(predicate::str::contains(
            "broken.jpg: corrupt or truncated image",
        ))
        .stderr(predicate::str::contains("list.txt: not a supported image"))
        .stderr(predicate::str::contains("missing.png: cannot read file"))
        .stderr(predicate::str::contains("3 of 4 pages failed"));
}

#[test]
fn a_photo_cut_short_is_an_error_by_name_not_part_of_a_page() {
    // Issue 14, case 5: a JPEG that ends at 60% of its bytes decodes to the top of the page.
    let dir = tempfile::tempdir().expect("tempdir");
    let whole = std::fs::read(sample("vocabulaire-photo.jpg")).expect("sample");
    let cut = dir.path().join("cut.jpg");
    std::fs::write(&cut, &whole[..whole.len() * 6 / 10]).expect("write");
    cmd(&dir.path().join("cache"))
        .args(["ocr", "--lang", "fra"])
        .arg(&cut)
        .arg(sample("vocabulaire.png"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("le couteau - the knife"))
        .stderr(predicate::str::contains(
            "cut.jpg: corrupt or truncated image",
        ))
        .stderr(predicate::str::contains("1 of 2 pages failed"));
}

#[test]
fn usage_errors_exit_2() {
    let cache = tempfile::tempdir().expect("tempdir");
    cmd(cache.path())
        .args(["ocr", "--psm", "2"])
        .arg(sample("vocabulaire.png"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a recognition mode"));
    cmd(cache.path())
        .args(["ocr", "--lang", "fra;rm"])
        .arg(sample("vocabulaire.png"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid language"));
    cmd(cache.path())
        .args(["ocr", "--lang", "qqq"])
        .arg(sample("vocabulaire.png"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "apt-get install tesseract-ocr-qqq",
        ));
    cmd(cache.path()).arg("ocr").assert().code(2);
}

#[test]
fn a_two_letter_language_names_the_code_to_use_before_any_work() {
    let cache = tempfile::tempdir().expect("tempdir");
    let out = cmd(cache.path())
        .args(["ocr", "--lang", "fr"])
        .arg(sample("vocabulaire.png"))
        .env_remove("TESSDATA_PREFIX")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.lines().count(),
        1,
        "one line, nothing from Tesseract: {err}"
    );
    assert!(err.contains("did you mean 'fra' (French)?"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn every_page_of_a_multi_page_tiff_is_read_and_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tif = dir.path().join("scan.tif");
    let page = sample("vocabulaire.png");
    let made = std::process::Command::new("convert")
        .args([&page, &page, &page])
        .arg(&tif)
        .status()
        .expect("ImageMagick's convert runs");
    assert!(made.success());
    cmd(&dir.path().join("cache"))
        .args(["ocr", "--lang", "fra"])
        .arg(&tif)
        .assert()
        .success()
        .stdout(predicate::str::contains("scan.tif#1 <=="))
        .stdout(predicate::str::contains("scan.tif#3 <=="))
        .stdout(predicate::str::contains("la fourchette - the fork").count(3));
}
