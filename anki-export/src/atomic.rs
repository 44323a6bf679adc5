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
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A new file gets the mode any program's new file gets (0666 less the umask), not the
    // temporary file's private 0600; a file replaced keeps its own mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder
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

    #[cfg(unix)]
    #[test]
    fn new_files_are_not_private_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("deck.apkg");
        let write = |p: &Path| {
            write_with(p, |f| {
                f.write_all(b"x").map_err(|e| ExportError::io("x", e))
            })
            .expect("written");
        };
        write(&path);
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        // Readable by others unless the umask says otherwise (0022 and 0002 are the usual ones).
        assert_eq!(mode(&path) & 0o044, 0o044, "{:o}", mode(&path));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        write(&path);
        assert_eq!(mode(&path), 0o600);
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
