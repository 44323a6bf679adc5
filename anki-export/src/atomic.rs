//! Writing a file so that readers see the old one or the complete new one, never half of it.
//!
//! A target that is a symbolic link stays a link: the file it points to (through any chain of
//! links) is the one replaced, by a temporary file written beside that file and renamed onto it.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{ExportError, Result};

/// Most links followed from a target before giving up, as the kernel does (`ELOOP`).
const MAX_LINKS: usize = 40;

/// The file a write to `path` replaces: `path` itself, or the file a symbolic link at `path`
/// points to, followed through any chain of links (the last one may point to a missing file,
/// which is then created).
pub fn target(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&current).map_err(|e| ExportError::io(path, e))?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(ExportError::io(
        path,
        std::io::Error::other(format!("more than {MAX_LINKS} symbolic links in a row")),
    ))
}

/// The folder temporary files for writing `target` go in: the one it is in.
pub fn folder_of(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes through `write` into a temporary file beside the target of `path` (see [`target`]),
/// then renames it over the target. On any error the temporary file is removed and an existing
/// target is left as it was.
pub fn write_with<T>(path: &Path, write: impl FnOnce(&mut File) -> Result<T>) -> Result<T> {
    let target = target(path)?;
    let name = target
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
        let mode = std::fs::metadata(&target).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder
        .tempfile_in(folder_of(&target))
        .map_err(|e| ExportError::io(path, e))?;
    let value = write(tmp.as_file_mut())?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| ExportError::io(path, e))?;
    tmp.persist(&target)
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

    #[cfg(unix)]
    #[test]
    fn a_link_is_kept_and_its_target_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real_dir = dir.path().join("decks");
        std::fs::create_dir(&real_dir).expect("mkdir");
        let real = real_dir.join("deck.apkg");
        std::fs::write(&real, b"old").expect("write");
        // A relative link to a relative link: both are followed from their own folders.
        let hop = dir.path().join("hop.apkg");
        std::os::unix::fs::symlink("decks/deck.apkg", &hop).expect("link");
        let link = dir.path().join("link.apkg");
        std::os::unix::fs::symlink("hop.apkg", &link).expect("link");
        write_with(&link, |f| {
            f.write_all(b"new").map_err(|e| ExportError::io("x", e))
        })
        .expect("written");
        for l in [&link, &hop] {
            let meta = std::fs::symlink_metadata(l).expect("meta");
            assert!(
                meta.file_type().is_symlink(),
                "{} is still a link",
                l.display()
            );
        }
        assert_eq!(std::fs::read(&real).expect("read"), b"new");
        // The temporary file was beside the target, and is gone.
        assert_eq!(std::fs::read_dir(&real_dir).expect("dir").count(), 1);
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 3);

        // A dangling link gets its target created; a loop of links is an error naming the path.
        let dangling = dir.path().join("new.apkg");
        std::os::unix::fs::symlink("decks/fresh.apkg", &dangling).expect("link");
        write_with(&dangling, |f| {
            f.write_all(b"fresh").map_err(|e| ExportError::io("x", e))
        })
        .expect("written");
        assert_eq!(
            std::fs::read(real_dir.join("fresh.apkg")).expect("read"),
            b"fresh"
        );
        let a = dir.path().join("a.apkg");
        std::os::unix::fs::symlink("b.apkg", &a).expect("link");
        std::os::unix::fs::symlink("a.apkg", dir.path().join("b.apkg")).expect("link");
        let err = write_with(&a, |_| Ok(())).expect_err("loop");
        assert!(
            err.to_string().contains("a.apkg") && err.to_string().contains("symbolic links"),
            "{err}"
        );
    }
}
