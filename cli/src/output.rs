//! Checks on `-o` made before any work: the file is none of the inputs, its extension is the
//! writer's, and its folder is there and writable.

use std::path::{Path, PathBuf};

use ocr_core::{extension, file_id};

/// What writes the output, for the extension check.
#[derive(Debug, Clone, Copy)]
pub struct Writer {
    /// What it writes, for messages ("an Anki package").
    pub what: &'static str,
    /// The extensions it writes, lower case, the usual one first.
    pub extensions: &'static [&'static str],
    /// Whether the user named the writer (`--to`), so any extension goes.
    pub named: bool,
}

/// Refuses an output that would replace an input (the same file, through a link or not), that
/// does not end in the writer's extension, or whose folder is missing or not writable.
pub fn check<'a>(
    output: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
    writer: Writer,
) -> Result<(), String> {
    let shown = output.display();
    let ext = extension(output);
    if !writer.named && !writer.extensions.contains(&ext.as_str()) {
        let wanted: Vec<String> = writer.extensions.iter().map(|e| format!(".{e}")).collect();
        return Err(format!(
            "-o {shown}: {} is written to a file ending in {}; name such a file, so that no \
             other kind of file is ever replaced",
            writer.what,
            wanted.join(" or ")
        ));
    }
    if let Ok(meta) = std::fs::metadata(output) {
        if meta.is_dir() {
            return Err(format!("-o {shown} is a folder; name a file"));
        }
        let id = file_id(&meta);
        for input in inputs {
            if std::fs::metadata(input).is_ok_and(|m| file_id(&m) == id) {
                return Err(format!(
                    "-o {shown} is the input {}; an input is never overwritten, name another file",
                    input.display()
                ));
            }
        }
    }
    let dir = parent(output);
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(format!("-o {shown}: {} is not a folder", dir.display())),
        Err(e) => {
            return Err(format!(
                "-o {shown}: the folder {} is not there ({e}); create it first",
                dir.display()
            ));
        }
    }
    // The writers put a temporary file beside the output and rename it: try exactly that.
    tempfile::Builder::new()
        .prefix(".ocr-to-anki-check")
        .tempfile_in(&dir)
        .map(drop)
        .map_err(|e| format!("-o {shown}: cannot write in {}: {e}", dir.display()))
}

/// The folder a file is in (`.` for a bare name).
pub fn parent(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const APKG: Writer = Writer {
        what: "an Anki package",
        extensions: &["apkg"],
        named: false,
    };

    #[test]
    fn an_input_or_a_link_to_it_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("a.apkg");
        std::fs::write(&input, b"x").expect("write");
        let link = dir.path().join("link.apkg");
        std::os::unix::fs::symlink(&input, &link).expect("link");
        let err = check(&link, [input.as_path()], APKG).expect_err("same file");
        assert!(err.contains("is the input"), "{err}");
        check(&dir.path().join("new.apkg"), [input.as_path()], APKG).expect("another file");
    }

    #[test]
    fn other_extensions_and_missing_folders_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = check(&dir.path().join("photo.png"), [], APKG).expect_err("png");
        assert!(err.contains(".apkg"), "{err}");
        let named = Writer {
            named: true,
            ..APKG
        };
        check(&dir.path().join("deck.zip"), [], named).expect("named writer");
        let err = check(&dir.path().join("no/deck.apkg"), [], APKG).expect_err("no folder");
        assert!(err.contains("not there"), "{err}");
    }
}
