//! The `ocr` subcommand: images in, text or page JSON out.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use ocr_core::ocr_batch;

use crate::exit;
use crate::flags::{Global, OcrFlags};
use crate::progress::progress_bar;

/// Arguments of `ocr-to-anki ocr`.
#[derive(Debug, Args)]
pub struct OcrArgs {
    /// Image files (PNG, JPEG, TIFF, WebP, BMP, GIF, HEIC, AVIF), PDFs or folders of them;
    /// `-` reads paths from stdin, one per line.
    #[arg(required = true, value_name = "IMAGE")]
    images: Vec<PathBuf>,
    /// Walk folders recursively.
    #[arg(short, long)]
    recursive: bool,
    #[command(flatten)]
    ocr: OcrFlags,
    /// Print each page as JSON (one object per line): blocks, lines, words with boxes and confidence.
    #[arg(long)]
    json: bool,
}

/// Runs `ocr`; returns the exit code.
pub fn run(args: OcrArgs, global: &Global) -> u8 {
    let options = match args.ocr.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    // Folders are walked as by every other command (natural order, only regular files, so a
    // named pipe never makes the run wait); a file named outright is read, or named as the error.
    let mut images = Vec::new();
    let mut stdin = std::io::stdin().lock();
    for named in &args.images {
        let inputs =
            crate::inputs::collect(std::slice::from_ref(named), args.recursive, &mut stdin);
        if !global.quiet {
            crate::inputs::note_skipped(&inputs.skipped);
        }
        let outright = |p: &PathBuf| p == named;
        for t in &inputs.texts {
            if outright(t) {
                images.push(t.clone());
            } else if !global.quiet {
                eprintln!(
                    "note: {}: skipped, a text file (ocr reads images)",
                    t.display()
                );
            }
        }
        images.extend(inputs.images);
    }
    if images.is_empty() {
        eprintln!("error: no images to read");
        return exit::PARTIAL;
    }
    let batch = args.ocr.batch();

    // The bar counts pages: a multi-page TIFF is as many steps as it has pages.
    let images = ocr_core::pages_of(&images);
    let bar = progress_bar("OCR", images.len(), global.quiet);
    let report = |p: ocr_core::Progress<'_>| {
        bar.set_message(p.path.display().to_string());
        bar.inc(1);
    };
    let items = match ocr_batch(&images, &options, &batch, &report) {
        Ok(items) => items,
        Err(e) => {
            bar.finish_and_clear();
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    bar.finish_and_clear();

    let many = items.len() > 1;
    let mut failed = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (i, item) in items.iter().enumerate() {
        match &item.result {
            Ok(page) => {
                let written = if args.json {
                    serde_json::to_string(page)
                        .map_err(std::io::Error::other)
                        .and_then(|j| writeln!(out, "{j}"))
                } else if many {
                    let sep = if i > 0 { "\n" } else { "" };
                    write!(out, "{sep}==> {} <==\n{}", item.path.display(), page.text())
                } else {
                    write!(out, "{}", page.text())
                };
                if written.is_err() {
                    // Closed pipe (e.g. `| head`): stop quietly, as Unix tools do.
                    return if failed > 0 { exit::PARTIAL } else { exit::OK };
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let _ = out.flush();
    if failed > 0 {
        eprintln!(
            "{failed} of {} failed",
            crate::summary::plural(items.len(), "page", "pages")
        );
        exit::PARTIAL
    } else {
        exit::OK
    }
}
