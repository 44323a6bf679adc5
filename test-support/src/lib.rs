//! Helpers the workspace's tests and benchmarks share. Every deck a test writes is imported with the official
//! Anki backend (`pip install anki`), in the Python that `ANKI_PYTHON` names (`scripts/test.sh`
//! makes that venv), by the scripts in `anki-export/tests/`.

pub mod diagram;
pub mod pdf;
pub mod photo;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The value of `var`, which names something from outside that a test needs (a model server,
/// Anki, a display). When it is not set the test says so on stderr and is skipped (`None`), unless
/// `OCR_TO_ANKI_REQUIRE_ALL=1`, which the README's test command (`scripts/test.sh`) sets: then a
/// missing need is a failure, so no test is skipped there.
pub fn needs(var: &str, what: &str) -> Option<String> {
    if let Some(value) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
        return Some(value);
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_owned();
    if std::env::var("OCR_TO_ANKI_REQUIRE_ALL").as_deref() == Ok("1") {
        panic!(
            "{test} needs {what}: {var} is not set, and OCR_TO_ANKI_REQUIRE_ALL=1 allows no skip \
             (scripts/test.sh starts everything and sets it)"
        );
    }
    // Straight to stderr, past the test harness's capture, so that the skip is seen.
    let line = format!("skipped {test}: it needs {what} ({var}); ./scripts/test.sh starts it\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    None
}

/// Ends the test early, with a message, when `var` is not set (see [`needs`]); else its value.
#[macro_export]
macro_rules! require {
    (anki) => {
        $crate::require!($crate::ANKI.0, $crate::ANKI.1)
    };
    ($var:expr, $what:expr) => {
        match $crate::needs($var, $what) {
            Some(value) => value,
            None => return,
        }
    };
}

/// A path given to a benchmark: `cargo bench` runs it in its crate's folder, so a relative path
/// is taken from the workspace root, where the command is typed (`../shared/ocr-gt`).
pub fn bench_path(arg: impl Into<PathBuf>) -> PathBuf {
    let path = arg.into();
    if path.is_absolute() {
        path
    } else {
        repo().join(path)
    }
}

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

/// What the tests that import decks need: `ANKI_PYTHON` (`require!(anki)` checks it).
pub const ANKI: (&str, &str) = (
    "ANKI_PYTHON",
    "the official Anki backend (a Python with `pip install anki`; scripts/anki-venv.sh prints one)",
);

/// The Python with the official `anki` package, from `ANKI_PYTHON`.
pub fn anki_python() -> PathBuf {
    match std::env::var_os(ANKI.0).filter(|p| !p.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => panic!(
            "{} is not set: a test that imports decks starts with test_support::require!(anki)",
            ANKI.0
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
