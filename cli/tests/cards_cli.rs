//! `ocr-to-anki cards` end to end on the shipped sample: Tesseract reads the page, the builtin
//! reader or a real model server (see scripts/model-servers.sh) makes the cards, `export` packs
//! them, and the official Anki backend imports the deck (see anki-export/tests/anki_check.py).

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use test_support::{anki_import, repo};

mod common;

fn env(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run ./scripts/test.sh, which starts the model servers")
    })
}

/// The sample page in a fresh folder, with its own caches.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        repo().join("samples/vocabulaire.png"),
        dir.path().join("page.png"),
    )
    .expect("copy");
    dir
}

fn cli(dir: &Path) -> Command {
    Command::from_std(common::cli(dir))
}

fn cards(dir: &Path, file: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(file)).expect("cards file");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn builtin_cards_from_the_sample_page_reach_anki() {
    test_support::require!(anki);
    let dir = workdir();
    cli(dir.path())
        .args(["cards", "page.png", "--lang", "fra", "--backend", "builtin"])
        .args([
            "--deck",
            "Français::Cuisine",
            "--tags",
            "cuisine,fr",
            "-o",
            "cards.json",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("9 cards made"));
    let v = cards(dir.path(), "cards.json");
    assert_eq!(v["deck"], "Français::Cuisine");
    let list = v["cards"].as_array().expect("cards");
    assert_eq!(list.len(), 9);
    assert_eq!(list[0]["kind"], "reversed");
    assert_eq!(list[0]["front"], "la cuillère");
    assert_eq!(list[0]["back"], "the spoon");
    assert_eq!(list[0]["tags"], serde_json::json!(["cuisine", "fr"]));
    assert_eq!(list[0]["source"]["image"], "page.png");
    assert_eq!(list[0]["source"]["quote"], "la cuillère - the spoon");
    assert_eq!(list[8]["kind"], "basic");
    assert_eq!(list[8]["front"], "Où range-t-on les assiettes ?");
    assert_eq!(list[8]["back"], "Dans le placard, à côté de l'évier.");

    cli(dir.path())
        .args(["export", "cards.json", "-o", "deck.apkg"])
        .assert()
        .success();
    let imported = anki_import(&[&dir.path().join("deck.apkg")]);
    let notes = imported["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 9);
    let spoon = notes
        .iter()
        .find(|n| n["fields"]["Front"] == "la cuillère")
        .expect("spoon note");
    assert_eq!(spoon["fields"]["Back"], "the spoon");
    assert_eq!(spoon["notetype"], "ocr-to-anki Basic (and reversed card)");
    assert_eq!(spoon["tags"], serde_json::json!(["cuisine", "fr"]));
    assert_eq!(spoon["decks"], serde_json::json!(["Français::Cuisine"]));
    assert_eq!(spoon["cards"], 2, "asked both ways");
    let source = spoon["fields"]["Source"].as_str().expect("source field");
    assert!(
        source.contains("la cuillère - the spoon") && source.contains("<img"),
        "{source}"
    );
    assert_eq!(
        imported["media"].as_object().expect("media").len(),
        9,
        "one crop per line"
    );
    let qa = notes
        .iter()
        .find(|n| n["notetype"] == "ocr-to-anki Basic")
        .expect("question note");
    assert_eq!(qa["fields"]["Front"], "Où range-t-on les assiettes ?");
    assert_eq!(qa["fields"]["Back"], "Dans le placard, à côté de l'évier.");
}

/// `cards` on the sample page through the Ollama protocol into `out`.
fn model_run(dir: &Path, out: &str) -> assert_cmd::assert::Assert {
    cli(dir)
        .args(["cards", "page.png", "--lang", "fra", "--answer-lang", "eng"])
        .args(["--base-url", &env("OCR_TO_ANKI_TEST_OLLAMA_URL")])
        .args(["--model", &env("OCR_TO_ANKI_TEST_OLLAMA_MODEL")])
        // A tiny model: short answers, and its unverified cards kept so there is a deck to check.
        .args([
            "--max-tokens",
            "1024",
            "--max-cards",
            "4",
            "--grounding",
            "flag",
        ])
        .args(["--kinds", "basic,reversed", "-o", out])
        .assert()
}

#[test]
fn model_cards_through_the_ollama_protocol_reach_anki() {
    test_support::require!(anki);
    test_support::require!("OCR_TO_ANKI_TEST_OLLAMA_MODEL", "a real model server");
    test_support::require!("OCR_TO_ANKI_TEST_OLLAMA_URL", "a real model server");
    let dir = workdir();
    model_run(dir.path(), "model.json")
        .success()
        .stderr(predicate::str::contains("; 1 request, "));
    let v = cards(dir.path(), "model.json");
    let list = v["cards"].as_array().expect("cards");
    assert!(!list.is_empty());
    for c in list {
        assert!(c["kind"] == "basic" || c["kind"] == "reversed", "{c}");
        assert_eq!(c["source"]["image"], "page.png", "{c}");
        assert!(c["source"]["quote"].is_string(), "{c}");
    }
    // Again: every answer now comes from the cache.
    model_run(dir.path(), "again.json")
        .success()
        .stderr(predicate::str::contains(
            "0 requests, 1 answer from the cache",
        ));
    assert_eq!(cards(dir.path(), "again.json"), v);

    cli(dir.path())
        .args(["export", "model.json", "-o", "model.apkg"])
        .assert()
        .success();
    let imported = anki_import(&[&dir.path().join("model.apkg")]);
    assert_eq!(
        imported["notes"].as_array().expect("notes").len(),
        list.len()
    );
}

#[test]
fn no_model_server_is_one_clear_error_and_the_old_file_stays() {
    let dir = workdir();
    std::fs::write(dir.path().join("cards.json"), "precious edits").expect("write");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let out = cli(dir.path())
        .args(["cards", "page.png", "--lang", "fra"])
        .env("OLLAMA_HOST", format!("127.0.0.1:{port}"))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "a server that is not there is a setting to fix"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot reach the Ollama server"),
        "{stderr}"
    );
    assert!(stderr.contains("--backend builtin"), "{stderr}");
    let kept = std::fs::read_to_string(dir.path().join("cards.json")).expect("kept");
    assert_eq!(kept, "precious edits");
}

#[test]
fn a_model_the_server_lacks_is_named_before_any_page_is_read() {
    test_support::require!("OCR_TO_ANKI_TEST_OLLAMA_URL", "a real model server");
    let dir = workdir();
    let out = cli(dir.path())
        .args(["cards", "page.png", "--lang", "fra"])
        .args(["--base-url", &env("OCR_TO_ANKI_TEST_OLLAMA_URL")])
        .args(["--model", "nosuch/model"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("ollama pull nosuch/model"), "{stderr}");
    assert!(
        !dir.path().join("cache/ocr-to-anki/ocr").exists(),
        "no OCR was done"
    );
}

#[test]
fn a_bad_file_costs_only_itself() {
    let dir = workdir();
    std::fs::write(dir.path().join("broken.jpg"), b"\xff\xd8 not really a jpeg").expect("write");
    std::fs::write(
        dir.path().join("notes.txt"),
        "der Hund = the dog\ndie Katze = the cat\n",
    )
    .expect("write");
    cli(dir.path())
        .args([
            "cards",
            ".",
            "--lang",
            "fra",
            "--backend",
            "builtin",
            "-o",
            "out.json",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("broken.jpg"))
        .stderr(predicate::str::contains("1 input failed"));
    let v = cards(dir.path(), "out.json");
    let fronts: Vec<&str> = v["cards"]
        .as_array()
        .expect("cards")
        .iter()
        .filter_map(|c| c["front"].as_str())
        .collect();
    assert!(
        fronts.contains(&"der Hund") && fronts.contains(&"la cuillère"),
        "{fronts:?}"
    );
}

#[test]
fn usage_errors_exit_2_and_name_the_cause() {
    let dir = workdir();
    cli(dir.path())
        .args(["cards", "page.png", "--kinds", "basic,flip"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("flip"));
    std::fs::write(
        dir.path().join("prompt.toml"),
        "system = \"x\"\nuser = \"no material\"\n",
    )
    .expect("write");
    cli(dir.path())
        .args(["cards", "page.png", "--prompt-template", "prompt.toml"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("prompt.toml").and(predicate::str::contains("{{material}}")),
        );
    cli(dir.path())
        .args([
            "cards",
            "page.png",
            "--backend",
            "openai",
            "--base-url",
            "localhost:8080",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("http://"));
}
