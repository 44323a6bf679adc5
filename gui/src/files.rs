//! Where the app keeps its own files, and how it writes them so that none is ever half written.

use std::path::{Path, PathBuf};

/// The file `name` of the app's folder in an XDG base folder: `$override_var` when set, else
/// `$xdg_var/ocr-to-anki/NAME`, else `~/HOME_DEFAULT/ocr-to-anki/NAME`.
pub fn user_file(
    override_var: &str,
    xdg_var: &str,
    home_default: &str,
    name: &str,
) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(override_var).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os(xdg_var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(home_default)))?;
    Some(base.join("ocr-to-anki").join(name))
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
