//! The `cards` subcommand: images (or text files) in, a cards.json file out, to review and edit
//! before `export`.

use std::path::PathBuf;

use clap::Args;

use crate::flags::{CardFlags, Global, OcrFlags};
use crate::report::make_and_write;

/// Arguments of `ocr-to-anki cards`.
#[derive(Debug, Args)]
pub struct CardsArgs {
    /// Images, folders of images, text files (.txt, read as they are), or - for a list on stdin.
    #[arg(required = true, value_name = "IMAGE_OR_DIR")]
    inputs: Vec<PathBuf>,
    /// The cards file to write (replaced only once complete).
    #[arg(short, long, default_value = "cards.json", value_name = "FILE")]
    output: PathBuf,
    /// Walk folders recursively.
    #[arg(short, long)]
    recursive: bool,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    ocr: OcrFlags,
    #[command(flatten)]
    cards: CardFlags,
}

/// Runs `cards`; returns the exit code.
pub fn run(args: CardsArgs, global: &Global) -> u8 {
    let global = &Global {
        json: args.json,
        ..global.clone()
    };
    let flags = (&args.ocr, &args.cards);
    make_and_write(
        &args.inputs,
        args.recursive,
        flags,
        (
            &args.output,
            crate::output::Writer {
                what: "a cards file",
                extensions: &["json"],
                named: false,
            },
        ),
        global,
        |deck, summary| {
            deck.save(&args.output).map_err(|e| e.to_string())?;
            summary.notes = Some(deck.cards.len());
            Ok(0)
        },
    )
}
