//! `ocr-to-anki export` end to end: the shipped sample cards file becomes a package that the
//! official Anki backend imports (see anki-export/tests/anki_check.py; `ANKI_PYTHON` is set by
//! scripts/test.sh).

use assert_cmd::Command;
use predicates::prelude::*;
use test_support::{anki_import, copy_samples};

/// The sample cards and their image, copied into a fresh folder.
fn sample_dir() -> tempfile::TempDir {
    copy_samples(&["vocabulaire.cards.json", "vocabulaire.png"])
}

fn cli() -> Command {
    Command::cargo_bin("ocr-to-anki").expect("binary")
}

#[test]
fn sample_cards_become_a_deck_anki_imports_once() {
    test_support::require!(anki);
    let dir = sample_dir();
    cli()
        .current_dir(dir.path())
        .args(["export", "vocabulaire.cards.json"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "Wrote vocabulaire.apkg: 10 notes (19 cards), deck \"Français::Vocabulaire::La cuisine\", 9 images",
        ));
    let apkg = dir.path().join("vocabulaire.apkg");
    let v = anki_import(&[&apkg, &apkg]);
    assert_eq!(v["imports"][0]["new"], 10, "{v}");
    assert_eq!(v["imports"][1]["new"], 0);
    assert_eq!(v["imports"][1]["updated"], 0);
    let notes = v["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 10);
    let spoon = notes
        .iter()
        .find(|n| n["fields"]["Front"] == "la cuillère")
        .expect("la cuillère");
    assert_eq!(spoon["fields"]["Back"], "the spoon");
    assert_eq!(spoon["cards"], 2);
    assert_eq!(spoon["decks"][0], "Français::Vocabulaire::La cuisine");
    assert_eq!(v["media"].as_object().expect("media").len(), 9);
}

#[test]
fn csv_export_names_its_file_after_the_cards() {
    test_support::require!(anki);
    let dir = sample_dir();
    cli()
        .current_dir(dir.path())
        .args(["export", "vocabulaire.cards.json", "--to", "csv"])
        .assert()
        .success();
    let v = anki_import(&[&dir.path().join("vocabulaire.txt")]);
    assert_eq!(v["imports"][0]["new"], 10, "{v}");
}

#[test]
fn unsupported_cards_file_fails_clearly_and_keeps_the_old_deck() {
    let dir = sample_dir();
    let cards = dir.path().join("vocabulaire.cards.json");
    let text = std::fs::read_to_string(&cards).expect("read");
    std::fs::write(&cards, text.replacen("\"version\": 1", "\"version\": 7", 1)).expect("write");
    std::fs::write(dir.path().join("vocabulaire.apkg"), b"previous deck").expect("write");
    cli()
        .current_dir(dir.path())
        .args(["export", "vocabulaire.cards.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "vocabulaire.cards.json: cards file version 7 is not supported",
        ));
    assert_eq!(
        std::fs::read(dir.path().join("vocabulaire.apkg")).expect("read"),
        b"previous deck"
    );
}

#[test]
fn anki_connect_without_anki_says_so_and_hides_the_key() {
    let dir = sample_dir();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    cli()
        .current_dir(dir.path())
        .env("ANKICONNECT_KEY", "hunter2-secret")
        .args(["export", "vocabulaire.cards.json", "--to", "anki-connect"])
        .args(["--anki-connect-url", &format!("http://127.0.0.1:{port}")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is Anki running"))
        .stderr(predicate::str::contains("hunter2").not());
}
