//! The paths on the command line as ocr-core's input collection takes them: `-` replaced by the
//! paths listed on stdin, one a line.

use std::io::BufRead;
use std::path::PathBuf;

pub use ocr_core::Inputs;
use ocr_core::{InputOptions, Skipped, collect_inputs};

/// Collects the inputs (see [`collect_inputs`]), reading `-` as one path per line of `stdin`.
pub fn collect(paths: &[PathBuf], recursive: bool, stdin: &mut dyn BufRead) -> Inputs {
    let mut named = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            named.extend(
                stdin
                    .lines()
                    .map_while(Result::ok)
                    .map(|l| l.trim().to_owned())
                    .filter(|l| !l.is_empty())
                    .map(PathBuf::from),
            );
        } else {
            named.push(path.clone());
        }
    }
    collect_inputs(&named, &InputOptions { recursive })
}

/// Says on stderr which inputs were passed over, and why.
pub fn note_skipped(skipped: &[Skipped]) {
    for s in skipped {
        eprintln!("note: {}: skipped, {}", s.path.display(), s.reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
