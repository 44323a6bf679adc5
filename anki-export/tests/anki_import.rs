//! Every deck these tests write is imported into a fresh collection by the official Anki backend
//! (the `anki` Python package) and checked note by note. `ANKI_PYTHON` names a Python that has
//! `anki` installed; `scripts/test.sh` sets it up in a venv.

use std::path::Path;

use anki_export::{Card, Deck, ExportOptions, write_apkg, write_csv};
use serde_json::Value;
use sha2::{Digest, Sha256};
use test_support::{anki_import, note_by_guid, notes};

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn png(path: &Path, w: u32, h: u32, shade: u8) {
    image::GrayImage::from_fn(w, h, |x, y| {
        image::Luma([shade ^ ((x * 3 + y) % 256) as u8])
    })
    .save(path)
    .expect("png");
}

fn example_deck(dir: &Path) -> Deck {
    std::fs::create_dir_all(dir.join("photos")).expect("mkdir");
    png(&dir.join("photos/page1.png"), 400, 200, 0);
    Deck::new(
        "Biology::Cells",
        vec![
            Card::basic("What does the mitochondrion make?", "ATP").with_tags(["bio"]),
            Card::reversed("la cellule", "the cell"),
            Card::cloze("The {{c1::mitochondrion}} makes {{c2::ATP}}.", "p. 12"),
            Card::basic("Label A?", "Nucleus")
                .with_source("photos/page1.png", Some([120, 40, 200, 80])),
        ],
    )
    .expect("deck")
}

fn options(dir: &Path) -> ExportOptions {
    ExportOptions {
        media_base: Some(dir.to_owned()),
        modified: None,
    }
}

#[test]
fn example_deck_imports_note_by_note_and_only_once() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let deck = example_deck(dir.path());
    let apkg = dir.path().join("cells.apkg");
    let summary = write_apkg(&deck, &apkg, &options(dir.path())).expect("written");
    assert_eq!((summary.notes, summary.cards, summary.media), (4, 6, 1));
    assert!(summary.problems.is_empty(), "{:?}", summary.problems);

    let v = anki_import(&[&apkg, &apkg]);
    let first = &v["imports"][0];
    assert_eq!(first["new"], 4, "{v}");
    let second = &v["imports"][1];
    assert_eq!(
        (&second["new"], &second["updated"]),
        (&0.into(), &0.into()),
        "{v}"
    );
    assert_eq!(notes(&v).len(), 4);

    let basic = note_by_guid(&v, &deck.cards[0].guid());
    assert_eq!(basic["notetype"], "ocr-to-anki Basic");
    assert_eq!(
        basic["fields"]["Front"],
        "What does the mitochondrion make?"
    );
    assert_eq!(basic["fields"]["Back"], "ATP");
    assert_eq!(basic["fields"]["Source"], "");
    assert_eq!(basic["tags"], serde_json::json!(["bio"]));
    assert_eq!(basic["decks"], serde_json::json!(["Biology::Cells"]));
    assert_eq!(basic["cards"], 1);

    let reversed = note_by_guid(&v, &deck.cards[1].guid());
    assert_eq!(
        reversed["notetype"],
        "ocr-to-anki Basic (and reversed card)"
    );
    assert_eq!(reversed["ords"], serde_json::json!([0, 1]));

    let cloze = note_by_guid(&v, &deck.cards[2].guid());
    assert_eq!(cloze["notetype"], "ocr-to-anki Cloze");
    assert_eq!(
        cloze["fields"]["Text"],
        "The {{c1::mitochondrion}} makes {{c2::ATP}}."
    );
    assert_eq!(cloze["fields"]["Back Extra"], "p. 12");
    assert_eq!(
        cloze["ords"],
        serde_json::json!([0, 1]),
        "one card per deletion"
    );

    // The source is the crop of its region, stored unchanged in the collection's media.
    let with_source = note_by_guid(&v, &deck.cards[3].guid());
    let source = with_source["fields"]["Source"].as_str().expect("source");
    let media = v["media"].as_object().expect("media");
    assert_eq!(media.len(), 1);
    let (name, hash) = media.iter().next().expect("one file");
    assert!(source.contains(&format!("<img src=\"{name}\"")), "{source}");
    let crop = anki_export::load_media(
        deck.cards[3].source.as_ref().expect("source"),
        Some(dir.path()),
    )
    .expect("crop");
    assert_eq!(hash, &sha256(&crop.bytes));
    let img = image::load_from_memory(&crop.bytes).expect("png");
    assert_eq!((img.width(), img.height()), (200, 80));

    let decks = v["decks"].as_array().expect("decks");
    assert!(decks.contains(&"Biology".into()) && decks.contains(&"Biology::Cells".into()));
}

#[test]
fn a_second_export_of_the_same_cards_changes_nothing_and_edits_update() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let deck = example_deck(dir.path());
    let (a, b, c) = (
        dir.path().join("a.apkg"),
        dir.path().join("b.apkg"),
        dir.path().join("c.apkg"),
    );
    write_apkg(&deck, &a, &options(dir.path())).expect("first");
    // Spacing differs, content does not: the same notes.
    let mut again = deck.clone();
    again.cards[0] = Card::basic("What does the  mitochondrion make?\n", "ATP").with_tags(["bio"]);
    write_apkg(&again, &b, &options(dir.path())).expect("second");
    // An edited note (new extra and tag) from a cards file changed later.
    let mut edited = deck.clone();
    edited.cards[2] =
        Card::cloze("The {{c1::mitochondrion}} makes {{c2::ATP}}.", "p. 13").with_tags(["checked"]);
    let later = ExportOptions {
        modified: Some(std::time::SystemTime::now()),
        ..options(dir.path())
    };
    write_apkg(&edited, &c, &later).expect("third");

    let v = anki_import(&[&a, &b]);
    assert_eq!(v["imports"][1]["new"], 0, "{v}");
    assert_eq!(v["imports"][1]["updated"], 0, "{v}");
    assert_eq!(notes(&v).len(), 4);
    let types: std::collections::BTreeSet<&str> = notes(&v)
        .iter()
        .filter_map(|n| n["notetype"].as_str())
        .collect();
    assert_eq!(types.len(), 3, "no second copy of a note type: {types:?}");

    let v = anki_import(&[&a, &c]);
    assert_eq!(v["imports"][1]["new"], 0, "{v}");
    assert_eq!(notes(&v).len(), 4);
    let cloze = note_by_guid(&v, &deck.cards[2].guid());
    assert_eq!(cloze["fields"]["Back Extra"], "p. 13");
    assert_eq!(cloze["tags"], serde_json::json!(["checked"]));
}

#[test]
fn unicode_markup_maths_and_big_fields_arrive_as_written() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let big = "mot ".repeat(50_000);
    let deck = Deck::new(
        "Langues::日本語",
        vec![
            Card::reversed("l'œuvre, déjà, où, ça", "the work, already, where, that"),
            Card::reversed("猫（ねこ）", "cat"),
            Card::basic(
                "<script>alert(1)</script> & <b>bold</b>?",
                "a < b > c \"q\"",
            ),
            Card::cloze("Aire : {{c1::$\\pi r^2$}}", "$$E = mc^2$$"),
            Card::basic("big", big.clone()),
            Card::basic("", "no front"),
            Card::basic("too big", "x".repeat(anki_export::MAX_CARD_BYTES + 10)),
            Card::cloze("no deletion", ""),
        ],
    )
    .expect("deck");
    let apkg = dir.path().join("u.apkg");
    let summary = write_apkg(&deck, &apkg, &ExportOptions::default()).expect("written");
    assert_eq!(summary.notes, 5);
    let reasons: Vec<String> = summary.problems.iter().map(ToString::to_string).collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        reasons[0].starts_with("card 6: basic card with an empty front"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].starts_with("card 7:") && reasons[1].contains("limit"),
        "{reasons:?}"
    );
    assert!(
        reasons[2].starts_with("card 8: cloze card without a deletion"),
        "{reasons:?}"
    );

    let v = anki_import(&[&apkg]);
    assert_eq!(notes(&v).len(), 5);
    assert_eq!(
        note_by_guid(&v, &deck.cards[0].guid())["fields"]["Front"],
        "l'œuvre, déjà, où, ça"
    );
    assert_eq!(
        note_by_guid(&v, &deck.cards[1].guid())["fields"]["Front"],
        "猫（ねこ）"
    );
    let html = note_by_guid(&v, &deck.cards[2].guid());
    assert_eq!(
        html["fields"]["Front"],
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;?"
    );
    assert_eq!(html["fields"]["Back"], "a &lt; b &gt; c \"q\"");
    let maths = note_by_guid(&v, &deck.cards[3].guid());
    assert_eq!(maths["fields"]["Text"], "Aire : {{c1::\\(\\pi r^2\\)}}");
    assert_eq!(maths["fields"]["Back Extra"], "\\[E = mc^2\\]");
    assert_eq!(maths["cards"], 1);
    assert_eq!(
        note_by_guid(&v, &deck.cards[4].guid())["fields"]["Back"],
        big.as_str()
    );
    assert!(
        v["decks"]
            .as_array()
            .expect("decks")
            .contains(&"Langues::日本語".into())
    );
}

#[test]
fn same_file_names_in_two_folders_stay_two_images() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    for (sub, shade) in [("week1", 0), ("week2", 200)] {
        std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
        png(&dir.path().join(sub).join("page.png"), 64, 48, shade);
    }
    let deck = Deck::new(
        "Pages",
        vec![
            Card::basic("one", "1").with_source("week1/page.png", None),
            Card::basic("two", "2").with_source("week2/page.png", None),
            Card::basic("three", "3").with_source("week1/page.png", None),
        ],
    )
    .expect("deck");
    let apkg = dir.path().join("p.apkg");
    let summary = write_apkg(&deck, &apkg, &options(dir.path())).expect("written");
    assert_eq!(summary.media, 2);
    let v = anki_import(&[&apkg]);
    let media = v["media"].as_object().expect("media");
    let hashes: std::collections::BTreeSet<&str> =
        media.values().filter_map(Value::as_str).collect();
    let expected: std::collections::BTreeSet<String> = ["week1", "week2"]
        .iter()
        .map(|s| sha256(&std::fs::read(dir.path().join(s).join("page.png")).expect("read")))
        .collect();
    assert_eq!(
        hashes,
        expected.iter().map(String::as_str).collect(),
        "each image unchanged"
    );
}

#[test]
fn ten_thousand_cards_import_whole() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let cards = (0..10_000)
        .map(|i| match i % 3 {
            0 => Card::basic(format!("question {i}"), format!("answer {i}")),
            1 => Card::reversed(format!("mot {i}"), format!("word {i}")),
            _ => Card::cloze(format!("Number {{{{c1::{i}}}}} is here."), ""),
        })
        .collect();
    let deck = Deck::new("Big", cards).expect("deck");
    let apkg = dir.path().join("big.apkg");
    let summary = write_apkg(&deck, &apkg, &ExportOptions::default()).expect("written");
    assert_eq!(summary.notes, 10_000);
    let v = anki_import(&[&apkg]);
    assert_eq!(v["imports"][0]["new"], 10_000);
    assert_eq!(notes(&v).len(), 10_000);
    let cards: u64 = notes(&v).iter().filter_map(|n| n["cards"].as_u64()).sum();
    assert_eq!(cards, 3334 + 2 * 3333 + 3333);
}

#[test]
fn a_failed_export_keeps_the_previous_deck() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let apkg = dir.path().join("keep.apkg");
    let deck = Deck::new("Keep", vec![Card::basic("q", "a")]).expect("deck");
    write_apkg(&deck, &apkg, &ExportOptions::default()).expect("written");
    let before = std::fs::read(&apkg).expect("read");
    let broken = Deck::new("Keep", vec![Card::basic("", "")]).expect("deck");
    let err = write_apkg(&broken, &apkg, &ExportOptions::default()).expect_err("nothing to write");
    assert!(
        err.to_string().contains("no card that can be exported"),
        "{err}"
    );
    assert_eq!(std::fs::read(&apkg).expect("read"), before);
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        1,
        "no temp file left"
    );
    assert_eq!(notes(&anki_import(&[&apkg])).len(), 1);
}

#[test]
fn csv_goes_through_ankis_text_importer_once() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let deck = Deck::new(
        "Français::Vocabulaire",
        vec![
            Card::reversed("la pomme", "the apple").with_tags(["fruit", "word list"]),
            Card::basic("Qu'est-ce que <html> ?", "un « langage »\navec deux lignes"),
            Card::cloze("Le {{c1::chat}} dort\tsur le {{c2::tapis}}.", "p. 4"),
        ],
    )
    .expect("deck");
    let path = dir.path().join("vocab.txt");
    let summary = write_csv(&deck, &path).expect("written");
    assert_eq!((summary.notes, summary.cards), (3, 5));
    let v = anki_import(&[&path, &path]);
    assert_eq!(v["imports"][0]["new"], 3, "{v}");
    assert_eq!(v["imports"][1]["new"], 0, "{v}");
    assert_eq!(v["imports"][1]["updated"], 0, "{v}");
    assert_eq!(notes(&v).len(), 3);
    let pomme = note_by_guid(&v, &deck.cards[0].guid());
    assert_eq!(pomme["notetype"], "Basic (and reversed card)");
    assert_eq!(pomme["cards"], 2);
    assert_eq!(pomme["tags"], serde_json::json!(["fruit", "word_list"]));
    assert_eq!(pomme["decks"], serde_json::json!(["Français::Vocabulaire"]));
    let html = note_by_guid(&v, &deck.cards[1].guid());
    assert_eq!(html["fields"]["Front"], "Qu'est-ce que &lt;html&gt; ?");
    assert_eq!(html["fields"]["Back"], "un « langage »<br>avec deux lignes");
    let cloze = note_by_guid(&v, &deck.cards[2].guid());
    assert_eq!(cloze["notetype"], "Cloze");
    assert_eq!(
        cloze["fields"]["Text"],
        "Le {{c1::chat}} dort\tsur le {{c2::tapis}}."
    );
    assert_eq!(cloze["cards"], 2);
}

#[test]
fn occlusion_cards_are_anki_s_own_with_the_photo_upright() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    // Stored 1100x1240 and turned by its EXIF tag: 1240x1100 as people see it.
    let photo = dir.path().join("photo.jpg");
    std::fs::copy(test_support::sample("vocabulaire-exif.jpg"), &photo).expect("copy");
    let mask = |region, label: &str, cloze| anki_export::Mask {
        region,
        label: label.into(),
        cloze,
    };
    let mut hide_one = Card::occlusion(
        "photo.jpg",
        vec![
            mask([124, 110, 248, 55], "la cuillère", 1),
            mask([620, 550, 124, 110], "le four", 2),
            // Grouped with the first: asked together.
            mask([0, 1000, 310, 100], "la poêle", 1),
        ],
    );
    if let anki_export::CardKind::Occlusion { mode, extra, .. } = &mut hide_one.kind {
        *mode = anki_export::OcclusionMode::HideOne;
        *extra = "p. 3 <b>".into();
    }
    let outside = Card::occlusion("photo.jpg", vec![mask([5000, 10, 20, 20], "far", 1)]);
    let deck = Deck::new("Occlusion", vec![hide_one.clone(), outside]).expect("deck");
    let apkg = dir.path().join("io.apkg");
    let summary = write_apkg(&deck, &apkg, &options(dir.path())).expect("written");
    assert_eq!(
        (summary.notes, summary.cards),
        (1, 2),
        "{:?}",
        summary.problems
    );
    let problem = summary.problems[0].to_string();
    assert!(
        problem.starts_with("card 2:") && problem.contains("outside the 1240x1100 image"),
        "{problem}"
    );
    // CSV cannot carry it, and says so.
    let csv = write_csv(&deck, &dir.path().join("io.txt")).expect_err("nothing to write");
    assert!(csv.to_string().contains("cannot carry"), "{csv}");

    let v = anki_import(&[&apkg, &apkg]);
    assert_eq!(
        v["imports"][1]["new"], 0,
        "a second import adds nothing: {v}"
    );
    let note = note_by_guid(&v, &hide_one.guid());
    assert_eq!(note["stock_kind"], 6);
    assert_eq!(note["cards"], 2);
    assert_eq!(note["fields"]["Back Extra"], "p. 3 &lt;b&gt;");
    assert!(
        note["fields"]["Comments"]
            .as_str()
            .is_some_and(|c| c.contains("2. le four")),
        "{note}"
    );
    let io = &note["occlusion"];
    assert_eq!(io["hide_all"], false, "{io}");
    let image = io["image"].as_str().expect("image");
    assert_eq!(
        v["media_sizes"][image],
        serde_json::json!([1240, 1100]),
        "upright: {v}"
    );
    let masks = io["masks"].as_array().expect("masks");
    let first = masks
        .iter()
        .find(|m| m["ordinal"] == 1)
        .expect("deletion 1");
    assert_eq!(
        first["shapes"].as_array().map(Vec::len),
        Some(2),
        "grouped: {io}"
    );
    let four = &masks
        .iter()
        .find(|m| m["ordinal"] == 2)
        .expect("deletion 2")["shapes"][0];
    let f = |k: &str| {
        four[k]
            .as_str()
            .and_then(|v| v.parse::<f64>().ok())
            .expect(k)
    };
    assert_eq!(
        (f("left"), f("top"), f("width"), f("height")),
        (0.5, 0.5, 0.1, 0.1)
    );
}
