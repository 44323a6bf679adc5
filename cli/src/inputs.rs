//! Turning the paths on the command line into the list of pages to read: folders walked, `-`
//! read from stdin, files in natural order, everything else skipped with a note.

use std::cmp::Ordering;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use ocr_core::IMAGE_EXTENSIONS;

/// Text files are read as they are, not recognised.
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md"];

/// The inputs of a run, sorted into what is read how.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Images to recognise, in order.
    pub images: Vec<PathBuf>,
    /// Text files to take as they are, in order.
    pub texts: Vec<PathBuf>,
    /// Files passed over, with why.
    pub skipped: Vec<(PathBuf, String)>,
}

impl Inputs {
    /// How many pages there are to read.
    pub fn len(&self) -> usize {
        self.images.len() + self.texts.len()
    }

    /// Whether there is nothing to read.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The lower-case extension of a path.
pub fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Compares names the way people count: `page2` before `page10`, case aside.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut digits = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        digits.push(c);
                        it.next();
                    }
                    digits
                };
                let (da, db) = (take(&mut a), take(&mut b));
                let (ta, tb) = (da.trim_start_matches('0'), db.trim_start_matches('0'));
                let ord = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(x), Some(y)) => {
                let ord = x.to_lowercase().cmp(y.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                a.next();
                b.next();
            }
        }
    }
}

fn natural_path_cmp(a: &Path, b: &Path) -> Ordering {
    natural_cmp(&a.to_string_lossy(), &b.to_string_lossy())
}

/// Collects the inputs: files as given, folders' files (and, with `recursive`, their
/// subfolders') in natural order, and for `-` one path per line of `stdin`.
pub fn collect(paths: &[PathBuf], recursive: bool, stdin: &mut dyn BufRead) -> Inputs {
    let mut out = Inputs::default();
    for path in paths {
        if path.as_os_str() == "-" {
            let listed: Vec<PathBuf> = stdin
                .lines()
                .map_while(Result::ok)
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .map(PathBuf::from)
                .collect();
            for p in listed {
                add_file(&p, &mut out, true);
            }
        } else if path.is_dir() {
            let mut files = Vec::new();
            walk(path, recursive, &mut files, &mut out.skipped);
            files.sort_by(|a, b| natural_path_cmp(a, b));
            for f in files {
                add_file(&f, &mut out, false);
            }
        } else {
            add_file(path, &mut out, true);
        }
    }
    out
}

fn walk(
    dir: &Path,
    recursive: bool,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<(PathBuf, String)>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            skipped.push((dir.to_owned(), format!("cannot list the folder: {e}")));
            return;
        }
    };
    for entry in entries.flatten() {
        let p = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if p.is_dir() {
            if recursive {
                walk(&p, recursive, files, skipped);
            }
        } else {
            files.push(p);
        }
    }
}

/// Sorts one file; `named` files (given by name) that are missing or of an unknown kind are still
/// passed on as images, so the reader names them with a real error instead of a silent skip.
fn add_file(path: &Path, out: &mut Inputs, named: bool) {
    let ext = extension(path);
    if TEXT_EXTENSIONS.contains(&ext.as_str()) {
        out.texts.push(path.to_owned());
    } else if IMAGE_EXTENSIONS.contains(&ext.as_str()) || named {
        out.images.push(path.to_owned());
    } else {
        out.skipped
            .push((path.to_owned(), "not an image or text file".into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_sort_by_value() {
        let mut names = vec![
            "page10.jpg",
            "Page2.jpg",
            "page1.jpg",
            "page02b.jpg",
            "a.jpg",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "a.jpg",
                "page1.jpg",
                "Page2.jpg",
                "page02b.jpg",
                "page10.jpg"
            ]
        );
    }

    #[test]
    fn folders_are_walked_and_others_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).expect("mkdir");
        for f in [
            "p10.png",
            "p9.jpg",
            "notes.txt",
            "readme.pdf",
            "sub/p1.png",
            ".hidden.png",
        ] {
            std::fs::write(d.join(f), b"x").expect("write");
        }
        let flat = collect(&[d.to_owned()], false, &mut std::io::empty());
        assert_eq!(flat.images, [d.join("p9.jpg"), d.join("p10.png")]);
        assert_eq!(flat.texts, [d.join("notes.txt")]);
        assert_eq!(flat.skipped.len(), 1);
        assert_eq!(flat.skipped[0].0, d.join("readme.pdf"));
        let deep = collect(&[d.to_owned()], true, &mut std::io::empty());
        assert_eq!(deep.images.len(), 3);
        assert_eq!(deep.images[2], d.join("sub/p1.png"));
    }

    #[test]
    fn a_dash_reads_paths_from_stdin() {
        let mut stdin = std::io::Cursor::new("a.png\n\n  b.txt \n");
        let got = collect(
            &[PathBuf::from("-"), PathBuf::from("c.jpg")],
            false,
            &mut stdin,
        );
        assert_eq!(got.images, [PathBuf::from("a.png"), PathBuf::from("c.jpg")]);
        assert_eq!(got.texts, [PathBuf::from("b.txt")]);
    }
}
