//! `ocr-to-anki`: turn photos and scans of study material into Anki flashcards.

mod cards;
mod export;
mod ocr;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Turn photos and scans of study material into Anki flashcards.
#[derive(Debug, Parser)]
#[command(name = "ocr-to-anki", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read the text of images and print it (or the page structure as JSON).
    Ocr(ocr::OcrArgs),
    /// Make flashcards from images (OCR, then a model or the builtin reader) into a cards.json file.
    Cards(Box<cards::CardsArgs>),
    /// Export a cards.json file as an Anki package (.apkg), CSV, or into Anki via AnkiConnect.
    Export(export::ExportArgs),
}

/// Exit codes: 0 all good, 1 some inputs failed, 2 usage or configuration errors.
pub(crate) mod exit {
    /// Every input worked.
    pub const OK: u8 = 0;
    /// Some inputs failed; the others were processed.
    pub const PARTIAL: u8 = 1;
    /// Bad usage or configuration: nothing was processed.
    pub const USAGE: u8 = 2;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Ocr(args) => ocr::run(args),
        Command::Cards(args) => cards::run(*args),
        Command::Export(args) => export::run(args),
    };
    ExitCode::from(code)
}
