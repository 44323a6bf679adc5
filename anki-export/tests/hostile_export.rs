//! Hostile decks (issue 14): fields past the regex engine's limits, cloze numbers Anki refuses,
//! pages of multi-page TIFFs, images that are devices or bombs, symbolic-link targets. Each
//! test builds its bad inputs itself, and every package written is imported by the official Anki
//! backend (`ANKI_PYTHON`, through `test_support::anki_import`).

use std::io::Cursor;
use std::path::Path;
use std::time::{Duration, Instant};

use anki_export::{Card, Deck, ExportError, ExportOptions, Source, write_apkg};
use anki_export::{MAX_CARD_BYTES, MAX_CLOZE_NUMBER};
use image::{DynamicImage, GrayImage, ImageFormat, Luma};
use sha2::{Digest, Sha256};
use test_support::{anki_import, note_by_guid, notes};

fn options(dir: &Path) -> ExportOptions {
    ExportOptions {
        media_base: Some(dir.to_owned()),
        modified: None,
    }
}

/// The card numbers (counting from 1) the summary's problems name.
fn refused(problems: &[ExportError]) -> Vec<usize> {
    problems
        .iter()
        .map(|p| match p {
            ExportError::InvalidCard { index, .. } | ExportError::Media { index, .. } => *index,
            other => panic!("unexpected problem {other}"),
        })
        .collect()
}

#[test]
fn long_fields_are_written_or_refused_by_name_and_never_panic() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let long_back = "x".repeat(1000 * 1024);
    let near_limit = format!("{}\n{}", "word ".repeat(100_000), "<b>".repeat(50_000));
    let quoted = |quote: String| {
        let mut c = Card::basic("What does the page say?", "this");
        c.source = Some(Source {
            image: "page.png".into(),
            region: None,
            quote: Some(quote),
        });
        c
    };
    let deck = Deck::new(
        "Hostile::Fields",
        vec![
            Card::basic("Short?", "Yes."),
            // 1000 KB: under the limit as written, and past the old regex's backtracking limit.
            Card::basic("Long back?", long_back.clone()),
            // 300 KB of `<` is 1.2 MB once escaped.
            Card::basic("Angles?", "<".repeat(300 * 1024)),
            // 300 KB of `&` likewise.
            Card::reversed("Ampersands?", "&".repeat(300 * 1024)),
            // A 1 MB quote: the card's text is small, the Source field is not.
            quoted("q".repeat(1 << 20)),
            // Under the limit with markup to escape on one long line and one short one.
            Card::basic("Near the limit?", near_limit.clone()),
            Card::cloze("A {{c1::cloze}} after them.", ""),
        ],
    )
    .expect("deck");
    let apkg = dir.path().join("long.apkg");
    let summary = write_apkg(&deck, &apkg, &options(dir.path())).expect("written");
    assert_eq!(
        refused(&summary.problems),
        [3, 4, 5],
        "{:?}",
        summary.problems
    );
    for p in &summary.problems {
        let text = p.to_string();
        assert!(
            text.contains("as written") && text.contains(&MAX_CARD_BYTES.to_string()),
            "{text}"
        );
    }
    assert_eq!(summary.notes, 4);

    let v = anki_import(&[&apkg]);
    assert_eq!(v["imports"][0]["new"], 4, "{}", v["imports"]);
    let long = note_by_guid(&v, &deck.cards[1].guid());
    assert_eq!(
        long["fields"]["Back"].as_str().map(str::len),
        Some(long_back.len())
    );
    let near = note_by_guid(&v, &deck.cards[5].guid());
    let back = near["fields"]["Back"].as_str().expect("back");
    assert!(
        back.ends_with("&lt;b&gt;") && back.contains("<br>"),
        "escaped"
    );
}

#[test]
fn cloze_numbers_past_anki_s_limit_are_refused_by_name() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let deck = Deck::new(
        "Hostile::Cloze",
        vec![
            Card::cloze("{{c1::first}} card", ""),
            Card::cloze(
                format!("the last {{{{c{MAX_CLOZE_NUMBER}::number}}}} Anki takes"),
                "",
            ),
            Card::cloze(
                format!("one {{{{c{}::past}}}} it", MAX_CLOZE_NUMBER + 1),
                "",
            ),
            Card::cloze("{{c1::a}} and {{c99999::b}}", ""),
            Card::cloze("{{c1::a}} and {{c99999999999999999999999::b}}", ""),
            Card::basic("still", "here"),
        ],
    )
    .expect("deck");
    let apkg = dir.path().join("cloze.apkg");
    let summary = write_apkg(&deck, &apkg, &options(dir.path())).expect("written");
    assert_eq!(
        refused(&summary.problems),
        [3, 4, 5],
        "{:?}",
        summary.problems
    );
    let reasons: Vec<String> = summary.problems.iter().map(ToString::to_string).collect();
    assert!(reasons[0].contains("cloze number 501"), "{reasons:?}");
    assert!(reasons[1].contains("cloze number 99999"), "{reasons:?}");
    assert!(reasons[2].contains("or more"), "{reasons:?}");
    assert!(
        reasons.iter().all(|r| r.contains("than 500,")),
        "{reasons:?}"
    );

    let v = anki_import(&[&apkg]);
    assert_eq!(v["imports"][0]["new"], 3, "{}", v["imports"]);
    let last = note_by_guid(&v, &deck.cards[1].guid());
    assert_eq!(last["ords"], serde_json::json!([MAX_CLOZE_NUMBER - 1]));
}

/// A TIFF of three pages, each 120 x 90 and filled with a different shade (page n: 60 * n).
fn three_page_tiff(path: &Path) {
    use tiff::encoder::{TiffEncoder, colortype};
    let mut out = Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut out).expect("encoder");
    for n in 1..=3u8 {
        let data: Vec<u8> = (0..120 * 90).map(|i| 60 * n + (i % 7) as u8).collect();
        enc.write_image::<colortype::Gray8>(120, 90, &data)
            .expect("page");
    }
    std::fs::write(path, out.into_inner()).expect("tiff written");
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_page_of_a_multi_page_tiff_gives_its_own_crop() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    three_page_tiff(&dir.path().join("scan.tif"));
    let deck = Deck::new(
        "Hostile::Pages",
        vec![
            Card::basic("Page 2?", "crop").with_source("scan.tif#2", Some([10, 10, 40, 30])),
            Card::basic("Page 3?", "whole").with_source("scan.tif#3", None),
            Card::basic("Page 4?", "none").with_source("scan.tif#4", None),
        ],
    )
    .expect("deck");
    let apkg = dir.path().join("pages.apkg");
    let summary = write_apkg(&deck, &apkg, &options(dir.path())).expect("written");
    assert_eq!(refused(&summary.problems), [3], "{:?}", summary.problems);
    assert!(
        summary.problems[0]
            .to_string()
            .contains("no page 4: the file has 3"),
        "{}",
        summary.problems[0]
    );
    assert_eq!(summary.media, 2);

    let v = anki_import(&[&apkg]);
    let media = v["media"].as_object().expect("media");
    for (i, (page, size)) in [(2u8, (40, 30)), (3, (120, 90))].into_iter().enumerate() {
        let m = anki_export::load_media(
            deck.cards[i].source.as_ref().expect("source"),
            Some(dir.path()),
        )
        .expect("media");
        let img = image::load_from_memory(&m.bytes).expect("png").to_luma8();
        assert_eq!(img.dimensions(), size);
        // The pixels are the page's own.
        assert_eq!(img.get_pixel(0, 0)[0] / 60 * 60, 60 * page, "page {page}");
        assert_eq!(
            media.get(&m.name),
            Some(&sha256(&m.bytes).into()),
            "{}",
            m.name
        );
        let note = note_by_guid(&v, &deck.cards[i].guid());
        let source = note["fields"]["Source"].as_str().expect("source");
        assert!(source.contains(&format!("scan.tif#{page}")), "{source}");
    }
}

/// A PNG whose header announces `side` x `side` pixels, with a correct CRC and almost no data.
fn bomb_png(side: u32) -> Vec<u8> {
    let mut png = Vec::new();
    DynamicImage::ImageLuma8(GrayImage::new(1, 1))
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .expect("png");
    png[16..20].copy_from_slice(&side.to_be_bytes());
    png[20..24].copy_from_slice(&side.to_be_bytes());
    let mut crc = 0xFFFF_FFFFu32;
    for &b in &png[12..29] {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    png[29..33].copy_from_slice(&(!crc).to_be_bytes());
    png
}

#[test]
fn devices_and_bombs_as_sources_fail_fast_by_name() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bomb.png"), bomb_png(100_000)).expect("bomb");
    std::fs::write(dir.path().join("wide.png"), bomb_png(40_000)).expect("wide");
    GrayImage::from_fn(50, 40, |x, y| Luma([(x * 5 + y) as u8]))
        .save(dir.path().join("fine.png"))
        .expect("fine");
    let deck = Deck::new(
        "Hostile::Images",
        vec![
            Card::basic("Zero?", "device").with_source("/dev/zero", None),
            Card::basic("Bomb?", "crop").with_source("bomb.png", Some([0, 0, 10, 10])),
            Card::basic("Wide?", "whole").with_source("wide.png", None),
            Card::basic("Fine?", "yes").with_source("fine.png", Some([0, 0, 20, 20])),
        ],
    )
    .expect("deck");
    let apkg = dir.path().join("images.apkg");
    let started = Instant::now();
    let summary = write_apkg(&deck, &apkg, &options(dir.path())).expect("written");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "no endless read"
    );
    assert_eq!(
        refused(&summary.problems),
        [1, 2, 3],
        "{:?}",
        summary.problems
    );
    let reasons: Vec<String> = summary.problems.iter().map(ToString::to_string).collect();
    assert!(reasons[0].contains("/dev/zero") && reasons[0].contains("not a regular file"));
    assert!(reasons[1].contains("bomb.png") && reasons[1].contains("too large"));
    assert!(reasons[2].contains("wide.png") && reasons[2].contains("too large"));
    // The cards are kept, without their image; the fine one has its crop.
    assert_eq!((summary.notes, summary.media), (4, 1));
    let v = anki_import(&[&apkg]);
    assert_eq!(v["imports"][0]["new"], 4, "{}", v["imports"]);
    assert_eq!(v["media"].as_object().map(|m| m.len()), Some(1));
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_link_keeps_the_link_and_updates_its_target() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let decks = dir.path().join("decks");
    std::fs::create_dir(&decks).expect("mkdir");
    let real = decks.join("real.apkg");
    let link = dir.path().join("link.apkg");
    std::os::unix::fs::symlink("decks/real.apkg", &link).expect("symlink");
    GrayImage::from_fn(50, 40, |x, y| Luma([(x * 5 + y) as u8]))
        .save(dir.path().join("fine.png"))
        .expect("fine");
    let deck = |answer: &str| {
        Deck::new(
            "Hostile::Link",
            vec![Card::basic("Which?", answer).with_source("fine.png", Some([0, 0, 9, 9]))],
        )
        .expect("deck")
    };
    for answer in ["first", "second"] {
        write_apkg(&deck(answer), &link, &options(dir.path())).expect("written");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink(),
            "still a link"
        );
        let v = anki_import(&[&real]);
        assert_eq!(notes(&v)[0]["fields"]["Back"], answer);
    }
    // Nothing was left beside the link or beside its target.
    let names = |d: &Path| -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(d)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&decks), ["real.apkg"]);
    assert_eq!(names(dir.path()), ["decks", "fine.png", "link.apkg"]);
}
