//! Turning the paths a user names into the pages to read: folders walked (each real folder once,
//! so link loops end), files in natural order, special files and other kinds skipped with a note.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fs::{self, FileType, Metadata};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use crate::IMAGE_EXTENSIONS;

/// Extensions of text files, read as they are instead of recognised.
pub const TEXT_EXTENSIONS: &[&str] = &["txt"];

/// How named folders are walked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputOptions {
    /// Walk subfolders too.
    pub recursive: bool,
}

/// A path passed over, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file or folder.
    pub path: PathBuf,
    /// Why it is not read, as a phrase ("not an image, PDF or .txt file").
    pub reason: String,
}

/// The inputs of a run, sorted into what is read how.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Images to recognise, in order.
    pub images: Vec<PathBuf>,
    /// Text files to take as they are, in order.
    pub texts: Vec<PathBuf>,
    /// Paths passed over, with why.
    pub skipped: Vec<Skipped>,
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

    /// Every input to read, images first, each in its order.
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.images.iter().chain(&self.texts)
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

/// The identity of a file on this machine: its device and inode.
pub fn file_id(meta: &Metadata) -> (u64, u64) {
    (meta.dev(), meta.ino())
}

/// What a file that is neither a folder nor a regular file is, for notes.
fn special_kind(t: FileType) -> &'static str {
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_char_device() {
        "a character device"
    } else {
        "not a regular file"
    }
}

/// Collects the inputs: files as named, and the files of named folders (and with `recursive`
/// their subfolders') in natural order. Only regular files are read, each once; a folder is
/// walked once however many links lead to it. Files named outright that are missing or of an
/// unknown kind are kept as images, so that reading them names the real error.
pub fn collect_inputs(paths: &[PathBuf], options: &InputOptions) -> Inputs {
    let mut walk = Walk {
        options: *options,
        dirs: HashSet::new(),
        files: HashMap::new(),
        out: Inputs::default(),
    };
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut found = Vec::new();
                walk.dir(path, &meta, &mut found);
                found.sort_by(|a, b| natural_path_cmp(&a.0, &b.0));
                for (file, meta) in found {
                    walk.file(&file, Some(&meta), false);
                }
            }
            Ok(meta) if meta.is_file() => walk.file(path, Some(&meta), true),
            Ok(meta) => walk.skip(path, special_kind(meta.file_type())),
            Err(_) => walk.file(path, None, true),
        }
    }
    walk.out
}

struct Walk {
    options: InputOptions,
    dirs: HashSet<(u64, u64)>,
    files: HashMap<(u64, u64), PathBuf>,
    out: Inputs,
}

impl Walk {
    fn skip(&mut self, path: &Path, reason: &str) {
        self.out.skipped.push(Skipped {
            path: path.to_owned(),
            reason: reason.to_owned(),
        });
    }

    /// Gathers the regular files under `dir` (unsorted) into `found`.
    fn dir(&mut self, dir: &Path, meta: &Metadata, found: &mut Vec<(PathBuf, Metadata)>) {
        if !self.dirs.insert(file_id(meta)) {
            self.skip(dir, "a folder already read (a link leads back to it)");
            return;
        }
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                self.skip(dir, &format!("cannot list the folder: {e}"));
                return;
            }
        };
        let mut subdirs = Vec::new();
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let p = entry.path();
            match fs::metadata(&p) {
                Ok(m) if m.is_dir() => {
                    if self.options.recursive {
                        subdirs.push((p, m));
                    }
                }
                Ok(m) if m.is_file() => found.push((p, m)),
                Ok(m) => self.skip(&p, special_kind(m.file_type())),
                Err(e) => self.skip(&p, &format!("cannot be read: {e}")),
            }
        }
        subdirs.sort_by(|a, b| natural_path_cmp(&a.0, &b.0));
        for (sub, m) in subdirs {
            self.dir(&sub, &m, found);
        }
    }

    /// Sorts one file into images or texts, once per real file.
    fn file(&mut self, path: &Path, meta: Option<&Metadata>, named: bool) {
        if let Some(meta) = meta {
            if let Some(first) = self.files.get(&file_id(meta)) {
                let reason = format!("the same file as {}", first.display());
                self.skip(path, &reason);
                return;
            }
            self.files.insert(file_id(meta), path.to_owned());
        }
        let ext = extension(path);
        if TEXT_EXTENSIONS.contains(&ext.as_str()) {
            self.out.texts.push(path.to_owned());
        } else if IMAGE_EXTENSIONS.contains(&ext.as_str()) || named || looks_like_a_page(path) {
            self.out.images.push(path.to_owned());
        } else {
            self.skip(path, "not an image, PDF or .txt file");
        }
    }
}

/// Whether a file's first bytes are those of an image or a PDF, whatever its name says.
fn looks_like_a_page(path: &Path) -> bool {
    page_image::read_head(path, 1024).is_ok_and(|head| {
        !head.is_empty()
            && (page_image::pdf::is_pdf(&head)
                || page_image::heif::is_heif(&head)
                || page_image::format_of(&head).is_ok())
    })
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
        fs::create_dir(d.join("sub")).expect("mkdir");
        for f in [
            "p10.png",
            "p9.jpg",
            "notes.txt",
            "readme.pdf",
            "readme.docx",
            "readme.md",
            "sub/p1.png",
            ".hidden.png",
        ] {
            fs::write(d.join(f), b"x").expect("write");
        }
        let flat = collect_inputs(&[d.to_owned()], &InputOptions::default());
        assert_eq!(
            flat.images,
            [d.join("p9.jpg"), d.join("p10.png"), d.join("readme.pdf")]
        );
        assert_eq!(flat.texts, [d.join("notes.txt")]);
        let skipped: Vec<&Path> = flat.skipped.iter().map(|s| s.path.as_path()).collect();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(skipped.contains(&d.join("readme.md").as_path()));
        assert!(skipped.contains(&d.join("readme.docx").as_path()));
        let deep = collect_inputs(&[d.to_owned()], &InputOptions { recursive: true });
        assert_eq!(deep.images.len(), 4);
        assert_eq!(deep.images[3], d.join("sub/p1.png"));
    }

    #[test]
    fn link_loops_are_walked_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        fs::write(d.join("a.png"), b"x").expect("write");
        std::os::unix::fs::symlink(".", d.join("loop1")).expect("link");
        std::os::unix::fs::symlink(d, d.join("loop2")).expect("link");
        std::os::unix::fs::symlink("a.png", d.join("same.png")).expect("link");
        let got = collect_inputs(&[d.to_owned()], &InputOptions { recursive: true });
        assert_eq!(got.images, [d.join("a.png")]);
        let reasons: Vec<&str> = got.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
    }

    #[test]
    fn special_files_are_skipped_with_a_note() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        let fifo = d.join("pipe.png");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let got = collect_inputs(&[d.to_owned()], &InputOptions::default());
        assert!(got.is_empty(), "{got:?}");
        assert_eq!(got.skipped[0].path, fifo);
        assert!(got.skipped[0].reason.contains("FIFO"));
        let named = collect_inputs(
            &[fifo.clone(), "/dev/zero".into()],
            &InputOptions::default(),
        );
        assert!(named.is_empty(), "{named:?}");
        assert_eq!(named.skipped.len(), 2);
    }
}
