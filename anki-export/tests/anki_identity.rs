//! Cards that keep their identity through edits, checked with the official Anki backend: a deck
//! is imported, a card reviewed, the cards edited and exported again, and the new package
//! imported over it. `ANKI_PYTHON` names a Python with `anki` installed (scripts/test.sh).

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use anki_export::{Card, CardKind, Deck, ExportOptions, write_apkg};
use test_support::{anki_import_review_import, notes};

fn export(deck: &Deck, path: &Path, minute: u64) {
    let options = ExportOptions {
        media_base: None,
        // Each edit is saved later than the one before.
        modified: Some(UNIX_EPOCH + Duration::from_secs(1_800_000_000 + minute * 60)),
    };
    write_apkg(deck, path, &options).expect("apkg written");
}

#[test]
fn an_edited_card_updates_its_note_and_keeps_its_reviews() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let made = vec![
        Card::basic("le four", "the over")
            .with_tags(["cuisine"])
            .with_id("four-1"),
        Card::reversed("la poêle", "the pan").with_id("poele-1"),
        Card::cloze("The {{c1::oven}} heats.", "").with_id("cloze-1"),
    ];
    let first = dir.path().join("first.apkg");
    export(
        &Deck::new("Cuisine", made.clone()).expect("deck"),
        &first,
        0,
    );

    let mut edited = made;
    edited[0].kind = CardKind::Basic {
        front: "le four".into(),
        back: "the oven".into(),
    };
    edited[0].tags.push("checked".into());
    edited[2].kind = CardKind::Cloze {
        text: "The {{c1::oven}} heats {{c2::food}}.".into(),
        extra: String::new(),
    };
    let second = dir.path().join("second.apkg");
    export(&Deck::new("Cuisine", edited).expect("deck"), &second, 5);

    let v = anki_import_review_import(&first, &[&second]);
    let list = notes(&v);
    assert_eq!(list.len(), 3, "no second note: {v}");
    assert_eq!(v["imports"][0]["new"], 0, "{v}");
    // The newer file updates all three notes in place (the unedited one to the same content).
    assert_eq!(v["imports"][0]["updated"], 3, "{v}");
    let four = list.iter().find(|n| n["guid"] == "four-1").expect("four");
    assert_eq!(four["fields"]["Back"], "the oven");
    assert_eq!(four["tags"], serde_json::json!(["checked", "cuisine"]));
    assert_eq!(four["reviews"], 1, "the review history stays: {four}");
    let cloze = list.iter().find(|n| n["guid"] == "cloze-1").expect("cloze");
    assert_eq!(
        cloze["fields"]["Text"],
        "The {{c1::oven}} heats {{c2::food}}."
    );
    assert_eq!(cloze["reviews"], 1, "{cloze}");
    assert!(list.iter().all(|n| n["reviews"] == 1), "{v}");
}

#[test]
fn without_ids_an_edit_is_a_new_note_as_before() {
    test_support::require!(anki);
    // Files written before cards had ids keep the content GUIDs, so old decks still match.
    let dir = tempfile::tempdir().expect("tempdir");
    let card = Card::basic("le four", "the over");
    assert_eq!(card.guid(), card.content_guid());
    let first = dir.path().join("first.apkg");
    export(
        &Deck::new("Cuisine", vec![card.clone()]).expect("deck"),
        &first,
        0,
    );
    let again = dir.path().join("again.apkg");
    export(
        &Deck::new("Cuisine", vec![card.clone()]).expect("deck"),
        &again,
        5,
    );
    let v = anki_import_review_import(&first, &[&again]);
    assert_eq!(notes(&v).len(), 1);
    assert_eq!(notes(&v)[0]["guid"], card.content_guid().as_str());
}

#[test]
fn the_same_cards_in_a_second_deck_stay_in_the_first() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let cards = vec![
        Card::basic("un", "one").with_id("un-1"),
        Card::basic("deux", "two").with_id("deux-1"),
    ];
    let first = dir.path().join("a.apkg");
    export(
        &Deck::new("Deck A", cards.clone()).expect("deck"),
        &first,
        0,
    );
    let mut moved = cards;
    moved[1].kind = CardKind::Basic {
        front: "deux".into(),
        back: "two (2)".into(),
    };
    let second = dir.path().join("b.apkg");
    export(&Deck::new("Deck B", moved).expect("deck"), &second, 5);
    let v = anki_import_review_import(&first, &[&second]);
    assert_eq!(notes(&v).len(), 2);
    for n in notes(&v) {
        assert_eq!(n["decks"], serde_json::json!(["Deck A"]), "{n}");
    }
    let deux = notes(&v)
        .iter()
        .find(|n| n["guid"] == "deux-1")
        .expect("deux");
    assert_eq!(deux["fields"]["Back"], "two (2)");
}
