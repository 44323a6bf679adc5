//! The one-line run: images in, an Anki package out (OCR, cards, export).

use std::path::PathBuf;

use anki_export::{ExportOptions, write_apkg};
use clap::Args;

use crate::exit;
use crate::flags::{CardFlags, Global, OcrFlags};
use crate::output::parent;
use crate::report::make_and_write;

/// Arguments of the one-line run.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Images, folders of images, text files (.txt, read as they are), or - for a list on stdin.
    #[arg(value_name = "IMAGE_OR_DIR")]
    pub inputs: Vec<PathBuf>,
    /// Another way to name an input folder or file (may be repeated).
    #[arg(long, value_name = "DIR")]
    pub input: Vec<PathBuf>,
    /// The Anki package to write (replaced only once complete).
    #[arg(
        short,
        long,
        default_value = "deck.apkg",
        value_name = "FILE",
        env = "OCR_TO_ANKI_OUTPUT"
    )]
    pub output: PathBuf,
    /// Walk folders recursively.
    #[arg(short, long)]
    pub recursive: bool,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub ocr: OcrFlags,
    #[command(flatten)]
    pub cards: CardFlags,
}

/// Runs the whole road; returns the exit code.
pub fn run(args: RunArgs, global: &Global) -> u8 {
    let mut named = args.inputs.clone();
    named.extend(args.input.iter().cloned());
    if named.is_empty() {
        eprintln!(
            "error: no input: name images or folders (`ocr-to-anki photos/ -o deck.apkg`), or \
             see `ocr-to-anki --help`"
        );
        return exit::USAGE;
    }
    let base = parent(&args.output);
    let flags = (&args.ocr, &args.cards);
    make_and_write(
        &named,
        args.recursive,
        flags,
        (
            &args.output,
            crate::output::Writer {
                what: "an Anki package",
                extensions: &["apkg"],
                named: false,
            },
        ),
        global,
        |deck, summary| {
            let options = ExportOptions {
                media_base: Some(base.clone()),
                modified: None,
            };
            let written = write_apkg(deck, &args.output, &options)
                .map_err(|e| format!("{}: {e}", args.output.display()))?;
            for p in &written.problems {
                eprintln!("warning: {p}");
            }
            summary.notes = Some(written.notes);
            Ok(written.problems.len())
        },
    )
}
