//! Helpers the workspace's tests and benchmarks share. Every deck a test writes is imported with the official
//! Anki backend (`pip install anki`), in the Python that `ANKI_PYTHON` names (`scripts/test.sh`
//! makes that venv), by the scripts in `anki-export/tests/`.

pub mod pdf;
pub mod photo;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A file of the shipped samples (`samples/`).
pub fn sample(name: &str) -> PathBuf {
    repo().join("samples").join(name)
}

/// A fresh temporary folder holding copies of these samples.
pub fn copy_samples(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in names {
        std::fs::copy(sample(name), dir.path().join(name)).expect("copy a sample");
    }
    dir
}

/// The Python with the official `anki` package, from `ANKI_PYTHON`.
pub fn anki_python() -> PathBuf {
    match std::env::var_os("ANKI_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => panic!(
            "ANKI_PYTHON is not set: these tests import decks with the official Anki backend. \
             Run ./scripts/test.sh, or point ANKI_PYTHON at a Python with `pip install anki` \
             (scripts/anki-venv.sh prints one)."
        ),
    }
}

/// Runs one of `anki-export/tests/`'s Anki scripts on `files` and returns the JSON it prints.
fn run_script(script: &str, files: &[&Path]) -> Value {
    let out = Command::new(anki_python())
        .arg(repo().join("anki-export/tests").join(script))
        .args(files)
        .output()
        .expect("Anki's Python runs");
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON from {script}: {e}"))
}

/// Imports the files in turn into one fresh collection (`anki_check.py`) and returns what it
/// holds: its notes with their fields, tags and cards, note types, decks and media.
pub fn anki_import(files: &[&Path]) -> Value {
    run_script("anki_check.py", files)
}

/// Imports `first`, answers a card of each note with the backend's scheduler, imports `rest`
/// (`anki_update.py`), and returns what the collection holds, reviews included.
pub fn anki_import_review_import(first: &Path, rest: &[&Path]) -> Value {
    let mut files = vec![first];
    files.extend_from_slice(rest);
    run_script("anki_update.py", &files)
}

/// The notes of an import's report.
pub fn notes(report: &Value) -> &Vec<Value> {
    report["notes"].as_array().expect("notes")
}

/// The note of an import's report with this GUID.
pub fn note_by_guid<'a>(report: &'a Value, guid: &str) -> &'a Value {
    notes(report)
        .iter()
        .find(|n| n["guid"] == guid)
        .unwrap_or_else(|| panic!("no note {guid} in {report}"))
}

/// The process's peak resident memory, in megabytes (for benchmarks that print it).
pub fn peak_rss_mb() -> f64 {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0;
    if ok {
        usage.ru_maxrss as f64 / 1024.0
    } else {
        f64::NAN
    }
}
