//! The `ocr` subcommand: images in, text or page JSON out.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ocr_core::{BatchOptions, Cache, OcrOptions, Pipeline, Psm, ocr_batch};

use crate::exit;

/// How images are read: shared by `ocr` and `cards`.
#[derive(Debug, Args)]
pub struct OcrFlags {
    /// Tesseract languages of the material, joined by '+': eng, fra, eng+deu...; `auto` guesses
    /// each page's among those installed (`auto:fra+eng` among these)
    #[arg(short, long, default_value = "auto", env = "OCR_TO_ANKI_LANG")]
    pub lang: String,
    /// Tesseract page segmentation mode: 3 automatic, 4 one column, 6 one block, 11 sparse text...
    #[arg(long, default_value_t = Psm::AUTO)]
    psm: Psm,
    /// Hand the image to Tesseract as it is: no rotation, deskew, crop, scaling or lighting fix.
    #[arg(long)]
    no_preprocess: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, default_value_t = 0)]
    threads: usize,
    /// Do not read or write the caches (recognised pages, model answers).
    #[arg(long)]
    pub no_cache: bool,
    /// Where cached pages are kept [default: $XDG_CACHE_HOME/ocr-to-anki/ocr].
    #[arg(long, env = "OCR_TO_ANKI_CACHE_DIR", value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Folder holding the *.traineddata files (default: Tesseract's own).
    #[arg(long, env = "TESSDATA_PREFIX", value_name = "DIR")]
    tessdata: Option<PathBuf>,
}

impl OcrFlags {
    /// The OCR settings, or a usage error (a language without its traineddata).
    pub fn options(&self) -> Result<OcrOptions, String> {
        ocr_core::language::check_setting(&self.lang, self.tessdata.as_deref())
            .map_err(|e| e.to_string())?;
        Ok(OcrOptions {
            lang: self.lang.clone(),
            psm: self.psm,
            pipeline: if self.no_preprocess {
                Pipeline::none()
            } else {
                Pipeline::photo()
            },
            tessdata: self.tessdata.clone(),
        })
    }

    /// The batch settings, with the page cache unless switched off (a cache that cannot be
    /// opened is a warning, not an error).
    pub fn batch(&self) -> BatchOptions {
        let cache = if self.no_cache {
            None
        } else {
            self.cache_dir
                .clone()
                .or_else(|| crate::config::cache_folder(ocr_core::CacheKind::Pages))
                .and_then(|dir| match Cache::open(&dir) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        eprintln!("warning: {e}; going on without a cache");
                        None
                    }
                })
        };
        BatchOptions {
            threads: self.threads,
            cache,
            cancel: None,
        }
    }
}

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
pub fn run(args: OcrArgs, global: &crate::report::Global) -> u8 {
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

/// A progress bar on stderr for `total` items of a stage, hidden when quiet or not on a terminal.
pub fn progress_bar(stage: &str, total: usize, quiet: bool) -> ProgressBar {
    if quiet || total < 2 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{spinner}} {stage} [{{bar:30}}] {{pos}}/{{len}} {{elapsed}} {{wide_msg}}"
    )) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
