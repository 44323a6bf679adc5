//! Documents of many pages end to end: PDFs the test writes (a text layer, a scan made from the
//! shipped image, a mix of the two, a password-protected one), a three-page TIFF and a sideways
//! iPhone photo in HEIC (with its EXIF orientation, made with Debian's libheif) become cards
//! with the builtin reader, and the deck they make is imported by the official Anki backend,
//! each card's source naming the page it came from.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use test_support::pdf::{PdfPage, encrypt, pdf};
use test_support::photo::{heif, sideways_jpeg};
use test_support::{anki_import, sample};

mod common;

fn cli(dir: &Path) -> Command {
    Command::from_std(common::cli(dir))
}

/// Seven short vocabulary lists, one per page, each with a heading.
const LISTS: [[&str; 4]; 7] = [
    [
        "Vocabulaire : la maison",
        "la cuisine - the kitchen",
        "la chambre - the bedroom",
        "le jardin - the garden",
    ],
    [
        "Vocabulaire : l'\u{e9}cole",
        "le cahier - the notebook",
        "la r\u{e8}gle - the ruler",
        "le stylo - the pen",
    ],
    [
        "Vocabulaire : la ville",
        "la rue - the street",
        "le pont - the bridge",
        "la gare - the station",
    ],
    [
        "Vocabulaire : le corps",
        "la main - the hand",
        "le genou - the knee",
        "la t\u{ea}te - the head",
    ],
    [
        "Vocabulaire : les animaux",
        "le cheval - the horse",
        "la vache - the cow",
        "le mouton - the sheep",
    ],
    [
        "Vocabulaire : le temps",
        "la pluie - the rain",
        "le vent - the wind",
        "la neige - the snow",
    ],
    [
        "Vocabulaire : la mer",
        "la plage - the beach",
        "le sable - the sand",
        "la vague - the wave",
    ],
];

/// The list drawn as a page and saved as a PNG: a page as a scanner sees it.
fn scanned(dir: &Path, k: usize) -> std::path::PathBuf {
    let bytes = pdf(&[PdfPage::text(&LISTS[k])]);
    let page = page_image::decode(&bytes, None, &page_image::Limits::default()).expect("draw");
    let path = dir.join(format!("list{k}.png"));
    page.image.to_luma8().save(&path).expect("save");
    path
}

#[test]
fn pdf_and_tiff_pages_become_cards_whose_source_names_their_page() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().join("docs");
    std::fs::create_dir(&d).expect("folder");
    let write = |name: &str, pages: &[PdfPage]| {
        std::fs::write(d.join(name), pdf(pages)).expect("write a PDF");
    };
    write(
        "lesson.pdf",
        &[PdfPage::text(&LISTS[0]), PdfPage::text(&LISTS[1])],
    );
    write(
        "scan.pdf",
        &[PdfPage::scan(&sample("vocabulaire.png"), 150.0)],
    );
    let d3 = scanned(dir.path(), 3);
    write(
        "mixed.pdf",
        &[PdfPage::text(&LISTS[2]), PdfPage::scan(&d3, 300.0)],
    );
    let plain = dir.path().join("plain.pdf");
    std::fs::write(&plain, pdf(&[PdfPage::text(&LISTS[0])])).expect("write");
    encrypt(&plain, &d.join("locked.pdf"), "hunter2");
    // A three-page TIFF: lists 4 and 5, and the shipped image.
    let made = std::process::Command::new("convert")
        .arg(scanned(dir.path(), 4))
        .arg(scanned(dir.path(), 5))
        .arg(sample("vocabulaire.png"))
        .arg(d.join("scan.tif"))
        .status()
        .expect("ImageMagick's convert runs");
    assert!(made.success());
    // An iPhone photo: list 6 held sideways, saved as HEIC with its EXIF orientation.
    let sideways = dir.path().join("sideways.jpg");
    sideways_jpeg(&scanned(dir.path(), 6), &sideways);
    heif(&sideways, &d.join("IMG_0042.HEIC"), false);

    let out = cli(dir.path())
        .args(["cards", "docs", "--lang", "fra", "--backend", "builtin"])
        .args(["--kinds", "reversed", "-o", "cards.json"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The locked PDF is named and says why; it costs nothing else.
    assert!(
        stderr.contains("locked.pdf") && stderr.contains("password"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    let text = std::fs::read_to_string(dir.path().join("cards.json")).expect("cards.json");
    let v: Value = serde_json::from_str(&text).expect("json");
    let cards = v["cards"].as_array().expect("cards");
    let from = |image: &str| -> Vec<String> {
        cards
            .iter()
            .filter(|c| c["source"]["image"] == format!("docs/{image}"))
            .map(|c| {
                format!(
                    "{} = {}",
                    c["front"].as_str().unwrap(),
                    c["back"].as_str().unwrap()
                )
            })
            .collect()
    };
    let pairs = |k: usize| -> Vec<String> {
        LISTS[k][1..]
            .iter()
            .map(|l| l.replace(" - ", " = "))
            .collect()
    };
    for (page, list) in [
        ("lesson.pdf#1", 0),
        ("lesson.pdf#2", 1),
        ("mixed.pdf#1", 2),
        ("mixed.pdf#2", 3),
        ("scan.tif#1", 4),
        ("scan.tif#2", 5),
        ("IMG_0042.HEIC", 6),
    ] {
        assert_eq!(from(page), pairs(list), "{page}: {text}\n{stderr}");
    }
    // The shipped image, scanned into a PDF: its eight pairs (its ninth line is a question,
    // which a reversed-only run leaves out). The TIFF's third page is the same image, so its
    // cards are the same cards, made once.
    let image_pairs = from("scan.pdf");
    assert_eq!(image_pairs.len(), 8, "{image_pairs:?}");
    assert!(
        image_pairs.contains(&"la cuill\u{e8}re = the spoon".to_owned()),
        "{image_pairs:?}"
    );
    assert_eq!(from("scan.tif#3"), Vec::<String>::new());
    assert_eq!(cards.len(), 7 * 3 + 8, "{text}");

    cli(dir.path())
        .args(["export", "cards.json", "-o", "deck.apkg"])
        .assert()
        .success();
    let imported = anki_import(&[&dir.path().join("deck.apkg")]);
    let notes = imported["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), cards.len());
    for card in cards {
        let note = notes
            .iter()
            .find(|n| n["fields"]["Front"] == card["front"])
            .unwrap_or_else(|| panic!("no note for {card}"));
        assert_eq!(note["fields"]["Back"], card["back"]);
        // Every card shows its line, cut from the page it was read on.
        let source = note["fields"]["Source"].as_str().expect("source");
        assert!(source.contains("<img"), "{source}");
    }
    // Each card's crop is media of its own.
    assert_eq!(
        imported["media"].as_object().expect("media").len(),
        cards.len()
    );
}
