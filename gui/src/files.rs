//! Where the app keeps its own files, and how it writes them so that none is ever half written.

use std::path::{Path, PathBuf};

use ocr_core::UserFolder;

/// The app's name, which names its folders: shared with the CLI, so both find the same caches.
pub const APP: &str = "ocr-to-anki";

/// The file `name` in the app's `folder`: `$override_var` when set, else `FOLDER/ocr-to-anki/NAME`.
pub fn user_file(override_var: &str, folder: UserFolder, name: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(override_var).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    Some(folder.of_app(APP)?.join(name))
}

/// Replaces `path` with `bytes` whole: a temporary file in the same folder (made if missing),
/// flushed to disk, then renamed over it. The error says what failed, without the path.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(|e| e.to_string())?;
    tmp.as_file().sync_all().map_err(|e| e.to_string())?;
    tmp.persist(path).map_err(|e| e.error.to_string())?;
    Ok(())
}
