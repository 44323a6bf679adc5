//! Helpers shared by the CLI tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Imports the files in turn into one fresh collection with the official Anki backend
/// (anki-export/tests/anki_check.py, run by the Python that `ANKI_PYTHON` names) and returns what
/// the collection holds.
pub fn anki_import(files: &[&Path]) -> Value {
    let python = std::env::var_os("ANKI_PYTHON")
        .expect("ANKI_PYTHON must name a Python with the `anki` package (see scripts/test.sh)");
    let out = Command::new(python)
        .arg(repo().join("anki-export/tests/anki_check.py"))
        .args(files)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}
