//! Writing a file so that readers see the old one or the complete new one, never half of it.

use std::fs::File;
use std::path::Path;

use crate::error::{ExportError, Result};

/// Writes through `write` into a temporary file beside `path`, then renames it over `path`. On any
/// error the temporary file is removed and an existing `path` is left as it was.
pub fn write_with<T>(path: &Path, write: impl FnOnce(&mut File) -> Result<T>) -> Result<T> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| ExportError::io(path, e))?;
    let value = write(tmp.as_file_mut())?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| ExportError::io(path, e))?;
    tmp.persist(path)
        .map_err(|e| ExportError::io(path, e.error))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn failure_keeps_the_old_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("deck.apkg");
        std::fs::write(&path, b"old").expect("write");
        let res: Result<()> = write_with(&path, |f| {
            f.write_all(b"half").map_err(|e| ExportError::io("x", e))?;
            Err(ExportError::InvalidDeckName {
                name: String::new(),
                reason: "test failure",
            })
        });
        assert!(res.is_err());
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);

        write_with(&path, |f| {
            f.write_all(b"new").map_err(|e| ExportError::io("x", e))
        })
        .expect("written");
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
    }

    #[test]
    fn missing_folder_is_an_error_naming_the_target() {
        let err = write_with(Path::new("/nonexistent-dir-xyz/deck.apkg"), |_| Ok(()))
            .expect_err("no folder");
        assert!(
            err.to_string().contains("/nonexistent-dir-xyz/deck.apkg"),
            "{err}"
        );
    }
}
