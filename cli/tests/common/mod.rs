//! What the CLI's test files share.

use std::path::Path;
use std::process::Command;

/// The binary, run in `dir` with its own caches and no settings from the environment (backend,
/// model, server, language, cache folders).
pub fn cli(dir: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("ocr-to-anki"));
    c.current_dir(dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env_remove("OCR_TO_ANKI_CACHE_DIR")
        .env_remove("OCR_TO_ANKI_LLM_CACHE_DIR")
        .env_remove("OCR_TO_ANKI_BACKEND")
        .env_remove("OCR_TO_ANKI_MODEL")
        .env_remove("OCR_TO_ANKI_BASE_URL")
        .env_remove("OLLAMA_HOST")
        .env_remove("OCR_TO_ANKI_LANG");
    c
}
