//! The one-line run, `ocr-to-anki IMAGES... -o deck.apkg`, driven as a user would: the whole road
//! on the shipped samples into a deck the official Anki backend imports, mixed folders, resuming
//! after a killed run, Ctrl-C, config precedence, exit codes.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin;
use predicates::prelude::*;
use serde_json::Value;
use test_support::{anki_import, repo};

const SAMPLES: [&str; 3] = [
    "vocabulaire.png",
    "vocabulaire-photo.jpg",
    "vocabulaire-exif.jpg",
];

/// A fresh folder with its own caches and config home, holding `files` from samples/.
fn workdir(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("in")).expect("mkdir");
    for f in files {
        std::fs::copy(
            repo().join("samples").join(f),
            dir.path().join("in").join(f),
        )
        .expect("copy");
    }
    dir
}

fn cli(dir: &Path) -> Command {
    let mut c = Command::new(cargo_bin("ocr-to-anki"));
    for (k, v) in envs(dir) {
        c.env(k, v);
    }
    for k in UNSET {
        c.env_remove(k);
    }
    c.current_dir(dir);
    c
}

const UNSET: [&str; 9] = [
    "OCR_TO_ANKI_CACHE_DIR",
    "OCR_TO_ANKI_LLM_CACHE_DIR",
    "OCR_TO_ANKI_BACKEND",
    "OCR_TO_ANKI_MODEL",
    "OCR_TO_ANKI_BASE_URL",
    "OCR_TO_ANKI_LANG",
    "OCR_TO_ANKI_DECK",
    "OCR_TO_ANKI_CONFIG",
    "OCR_TO_ANKI_OUTPUT",
];

fn envs(dir: &Path) -> [(&'static str, std::path::PathBuf); 2] {
    [
        ("XDG_CACHE_HOME", dir.join("cache")),
        ("XDG_CONFIG_HOME", dir.join("config")),
    ]
}

/// `ocr-to-anki INPUT --backend builtin --lang fra -o deck.apkg --json` in `dir`.
fn builtin_run(dir: &Path, input: &str) -> std::process::Output {
    cli(dir)
        .args([
            input,
            "--backend",
            "builtin",
            "--lang",
            "fra",
            "-o",
            "deck.apkg",
            "--json",
        ])
        .output()
        .expect("runs")
}

/// The Front field of every note an Anki import holds.
fn note_fronts(imported: &Value) -> Vec<&str> {
    imported["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n["fields"]["Front"].as_str())
        .collect()
}

fn summary(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "summary JSON: {e}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn a_photo_becomes_a_deck_anki_imports_once() {
    test_support::require!(anki);
    let dir = workdir(&["vocabulaire-photo.jpg"]);
    let out = cli(dir.path())
        .args([
            "in/vocabulaire-photo.jpg",
            "--backend",
            "builtin",
            "--lang",
            "fra",
        ])
        .args(["--deck", "Français::Cuisine", "-o", "deck.apkg", "--json"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = summary(&out);
    assert_eq!(s["pages"], 1);
    assert_eq!(s["notes"], 9);
    assert_eq!(s["report"]["made"], 9);
    assert!(s["mean_confidence"].as_f64().expect("confidence") > 50.0);
    assert_eq!(s["exit_code"], 0);
    let deck = dir.path().join("deck.apkg");
    // Imported twice into one collection: the second import adds nothing.
    let v = anki_import(&[&deck, &deck]);
    let notes = v["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 9);
    assert_eq!(v["imports"][1]["new"], 0);
    let fork = notes
        .iter()
        .find(|n| n["fields"]["Front"] == "la fourchette")
        .expect("fork");
    assert_eq!(fork["fields"]["Back"], "the fork");
    assert_eq!(fork["decks"], serde_json::json!(["Français::Cuisine"]));
}

#[test]
fn a_mixed_folder_loses_only_its_bad_files() {
    test_support::require!(anki);
    let dir = workdir(&["vocabulaire.png"]);
    let inp = dir.path().join("in");
    std::fs::write(inp.join("page3.jpg"), b"\xff\xd8\xff\xe0 truncated").expect("write");
    std::fs::write(
        inp.join("words.txt"),
        "der Hund = the dog\ndie Katze = the cat\n",
    )
    .expect("write");
    std::fs::write(inp.join("scan.pdf"), b"%PDF-1.4").expect("write");
    std::fs::write(inp.join("notes.docx"), b"PK\x03\x04 a word file").expect("write");
    let out = builtin_run(dir.path(), "in");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("page3.jpg"), "{stderr}");
    assert!(stderr.contains("scan.pdf: corrupt"), "{stderr}");
    assert!(stderr.contains("notes.docx: skipped"), "{stderr}");
    let s = summary(&out);
    assert_eq!(
        (s["pages"].as_u64(), s["pages_failed"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(s["skipped"], 1);
    let v = anki_import(&[&dir.path().join("deck.apkg")]);
    let fronts = note_fronts(&v);
    assert!(
        fronts.contains(&"der Hund") && fronts.contains(&"le couteau"),
        "{fronts:?}"
    );
}

/// Starts a run over the three sample pages, one OCR thread, and waits until at least one page
/// is in the OCR cache; returns the child and how many were cached then.
fn start_and_wait_for_a_page(dir: &Path) -> (std::process::Child, usize) {
    let mut cmd = std::process::Command::new(cargo_bin("ocr-to-anki"));
    for (k, v) in envs(dir) {
        cmd.env(k, v);
    }
    for k in UNSET {
        cmd.env_remove(k);
    }
    let child = cmd
        .current_dir(dir)
        .args([
            "in",
            "--backend",
            "builtin",
            "--lang",
            "fra",
            "-j",
            "1",
            "-o",
            "deck.apkg",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let cached = || walk_count(&dir.join("cache/ocr-to-anki/ocr"), "json");
    let started = Instant::now();
    while cached() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no page was ever cached"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let n = cached();
    (child, n)
}

fn walk_count(dir: &Path, ext: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| e.path())
        .map(|p| {
            if p.is_dir() {
                walk_count(&p, ext)
            } else {
                usize::from(p.extension().is_some_and(|e| e == ext))
            }
        })
        .sum()
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "in" && n != "cache" && n != "config")
        .collect()
}

#[test]
fn a_killed_run_resumes_without_reading_pages_again() {
    test_support::require!(anki);
    let dir = workdir(&SAMPLES);
    let (mut child, cached) = start_and_wait_for_a_page(dir.path());
    child.kill().expect("kill");
    let _ = child.wait();
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
    let out = builtin_run(dir.path(), "in");
    assert_eq!(out.status.code(), Some(0));
    let s = summary(&out);
    assert_eq!(s["pages"], 3);
    let from_cache = s["pages_from_cache"].as_u64().expect("count") as usize;
    assert!(
        from_cache >= cached,
        "{from_cache} pages from the cache, {cached} were cached"
    );
    // And a third run reads nothing at all.
    let out = builtin_run(dir.path(), "in");
    assert_eq!(summary(&out)["pages_from_cache"], 3);
    // `cache clear` empties it: the next run reads every page again.
    cli(dir.path())
        .args(["cache", "clear"])
        .assert()
        .success()
        .stderr(predicate::str::contains("removed 3 pages"));
    let out = builtin_run(dir.path(), "in");
    assert_eq!(summary(&out)["pages_from_cache"], 0);
    // Three pages of the same list: one deck of its 9 notes.
    let v = anki_import(&[&dir.path().join("deck.apkg")]);
    assert_eq!(v["notes"].as_array().expect("notes").len(), 9);
}

#[test]
fn ctrl_c_stops_cleanly_and_writes_nothing() {
    let dir = workdir(&SAMPLES);
    std::fs::write(dir.path().join("deck.apkg"), b"the old deck").expect("write");
    let (child, _) = start_and_wait_for_a_page(dir.path());
    // SAFETY: sending SIGINT to our own child process.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(sent, 0);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join("deck.apkg")).expect("old"),
        b"the old deck"
    );
    assert_eq!(leftovers(dir.path()), ["deck.apkg"]);
}

#[test]
fn flags_beat_environment_beat_config_file() {
    test_support::require!(anki);
    let dir = workdir(&[]);
    std::fs::write(dir.path().join("in/words.txt"), "rot = red\nblau = blue\n").expect("write");
    let config = dir.path().join("config/ocr-to-anki");
    std::fs::create_dir_all(&config).expect("mkdir");
    std::fs::write(
        config.join("config.toml"),
        "backend = \"builtin\"\ndeck = \"FromFile\"\nkinds = [\"basic\"]\n",
    )
    .expect("write");
    let deck_of = |cmd: &mut Command| -> Value {
        let out = cmd.output().expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        summary(&out)["deck"].clone()
    };
    let args = ["in/words.txt", "--json", "-o", "d.apkg"];
    assert_eq!(deck_of(cli(dir.path()).args(args)), "FromFile");
    assert_eq!(
        deck_of(
            cli(dir.path())
                .args(args)
                .env("OCR_TO_ANKI_DECK", "FromEnv")
        ),
        "FromEnv"
    );
    assert_eq!(
        deck_of(
            cli(dir.path())
                .args(args)
                .args(["--deck", "FromFlag"])
                .env("OCR_TO_ANKI_DECK", "FromEnv")
        ),
        "FromFlag"
    );
    // The deck as Anki sees it: the flag's name, the config file's kind (basic, not reversed).
    let v = anki_import(&[&dir.path().join("d.apkg")]);
    let notes = v["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 2);
    for n in notes {
        assert_eq!(n["decks"], serde_json::json!(["FromFlag"]));
        assert_eq!(n["notetype"], "ocr-to-anki Basic");
    }
    // `config show` tells where each value came from.
    cli(dir.path())
        .args(["config", "show"])
        .env("OCR_TO_ANKI_DECK", "FromEnv")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "deck = \"FromEnv\"  # environment OCR_TO_ANKI_DECK",
        ))
        .stdout(predicate::str::contains(
            "backend = \"builtin\"  # config file",
        ))
        .stdout(predicate::str::contains("kinds = \"basic\"  # config file"));
    // A file named with --config that is not there, or has an unknown key, is a usage error.
    cli(dir.path())
        .args(["--config", "missing.toml", "in/words.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml"));
    std::fs::write(dir.path().join("bad.toml"), "colour = \"blue\"\n").expect("write");
    cli(dir.path())
        .args(["--config", "bad.toml", "in/words.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown setting \"colour\""));
}

#[test]
fn config_init_writes_a_file_config_show_reads() {
    let dir = workdir(&[]);
    cli(dir.path()).args(["config", "init"]).assert().success();
    let path = dir.path().join("config/ocr-to-anki/config.toml");
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(text.contains("# backend = \"ollama\""), "{text}");
    // Every line is a comment, so it parses to nothing and changes nothing.
    cli(dir.path())
        .args(["config", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains("backend = \"ollama\"  # default"));
    cli(dir.path()).args(["config", "init"]).assert().code(2);
}

#[test]
fn paths_can_come_on_stdin() {
    test_support::require!(anki);
    let dir = workdir(&["vocabulaire.png"]);
    std::fs::write(dir.path().join("in/words.txt"), "rot = red\nblau = blue\n").expect("write");
    let out = cli(dir.path())
        .args([
            "-",
            "--backend",
            "builtin",
            "--lang",
            "fra",
            "-o",
            "d.apkg",
            "--json",
        ])
        .write_stdin("in/words.txt\nin/vocabulaire.png\n")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(summary(&out)["pages"], 2);
    let v = anki_import(&[&dir.path().join("d.apkg")]);
    let fronts = note_fronts(&v);
    assert_eq!(fronts.len(), 11, "{fronts:?}");
    assert!(
        fronts.contains(&"rot") && fronts.contains(&"la poêle"),
        "{fronts:?}"
    );
}

#[test]
fn usage_errors_and_generated_docs() {
    let dir = workdir(&[]);
    cli(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no input"));
    cli(dir.path())
        .args(["in", "--frobnicate"])
        .assert()
        .code(2);
    cli(dir.path())
        .args(["in", "--backend", "builtin", "-o", "d.apkg"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no images or text files"));
    cli(dir.path())
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("complete -F _ocr__to__anki"));
    cli(dir.path())
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(".ie").or(predicate::str::contains(".TH")));
}

#[test]
fn with_no_language_set_each_page_is_read_in_its_own() {
    test_support::require!(anki);
    let dir = workdir(&["vocabulaire.png"]);
    let out = cli(dir.path())
        .args(["in", "--backend", "builtin", "-o", "deck.apkg", "--json"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).expect("summary");
    let languages = summary["languages"].as_array().expect("languages per page");
    assert_eq!(languages.len(), 1, "{summary}");
    assert_eq!(languages[0]["language"], "fra", "{summary}");
    assert_eq!(languages[0]["sure"], true, "{summary}");
    // Read in French, the accents are there: the cards hold them.
    let imported = anki_import(&[&dir.path().join("deck.apkg")]);
    let fronts: Vec<&str> = imported["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n["fields"]["Front"].as_str())
        .collect();
    assert!(fronts.iter().any(|f| f.contains("cuillère")), "{fronts:?}");

    // People read a line about it.
    let out = cli(dir.path())
        .args([
            "in",
            "--backend",
            "builtin",
            "-o",
            "deck2.apkg",
            "--no-cache",
        ])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("languages guessed: fra 1 page"), "{stderr}");
}
