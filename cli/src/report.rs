//! What every deck-making command does at its end: say what was skipped, write the result (or
//! say why not), print the summary, and pick the exit code.

use std::path::{Path, PathBuf};

use anki_export::Deck;

use crate::exit;
use crate::flags::{CardFlags, Global, OcrFlags};
use crate::inputs::{self, Inputs};
use crate::output::{Writer, parent};
use crate::pipeline::{Outcome, make_deck};
use crate::summary::Summary;

/// Reads the `named` inputs, makes their cards and hands the deck to `write` (see [`finish`]);
/// cards name their images relative to the output's folder, which `writer` must be able to
/// write (checked first). Returns the exit code.
pub fn make_and_write(
    named: &[PathBuf],
    recursive: bool,
    flags: (&OcrFlags, &CardFlags),
    output: (&Path, Writer),
    global: &Global,
    write: impl FnOnce(&Deck, &mut Summary) -> Result<usize, String>,
) -> u8 {
    let (output, writer) = output;
    let inputs = inputs::collect(named, recursive, &mut std::io::stdin().lock());
    // Before any work: a deck never replaces an input, nor lands in a folder it cannot be in.
    if let Err(e) = crate::output::check(output, inputs.files().map(PathBuf::as_path), writer) {
        eprintln!("error: {e}");
        return exit::USAGE;
    }
    let base = parent(output);
    match make_deck(
        &inputs,
        flags.0,
        flags.1,
        &base,
        global.quiet,
        &global.cancel,
    ) {
        Ok(outcome) => finish(outcome, &inputs, global, output, write),
        Err(e) => {
            eprintln!("error: {e}");
            exit::USAGE
        }
    }
}

/// Finishes a run: `write` puts the deck where it goes and returns how many cards had problems
/// (written without their image, say). Returns the exit code.
pub fn finish(
    outcome: Outcome,
    inputs: &Inputs,
    global: &Global,
    output: &Path,
    write: impl FnOnce(&Deck, &mut Summary) -> Result<usize, String>,
) -> u8 {
    let Outcome {
        deck,
        mut summary,
        failed,
        interrupted,
    } = outcome;
    summary.skipped = inputs.skipped.len();
    if !global.quiet {
        inputs::note_skipped(&inputs.skipped);
    }
    let not_written = format!("{} not written", output.display());
    let mut code = if failed > 0 { exit::PARTIAL } else { exit::OK };
    if interrupted {
        eprintln!(
            "interrupted: {not_written}; the pages read so far are cached, so the same command \
             goes on from there"
        );
        code = exit::INTERRUPTED;
    } else if let Some(deck) = deck {
        let started = std::time::Instant::now();
        let written = write(&deck, &mut summary);
        summary.seconds.export = started.elapsed().as_secs_f64();
        match written {
            Ok(problems) => {
                if problems > 0 {
                    code = exit::PARTIAL;
                }
                summary.output = Some(output.display().to_string());
                summary.deck = Some(deck.name().to_owned());
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = exit::PARTIAL;
            }
        }
    } else {
        let r = &summary.report;
        let why = if inputs.is_empty() {
            code = exit::USAGE;
            "no images or text files to read".to_owned()
        } else if summary.pages == 0 {
            "no page could be read".to_owned()
        } else if r.proposed > 0 {
            format!(
                "all {} cards proposed were left out ({}); try --grounding flag to keep \
                 unverified ones, or a larger model",
                r.proposed,
                summary.drops()
            )
        } else if failed > 0 {
            "no page got its cards".to_owned()
        } else {
            "nothing on the pages fit the kinds of card asked for".to_owned()
        };
        eprintln!("error: no card was made: {why}; {not_written}");
        if code == exit::OK {
            code = exit::PARTIAL;
        }
    }
    summary.interrupted = interrupted;
    summary.exit_code = code;
    if global.json {
        match serde_json::to_string_pretty(&summary) {
            Ok(j) => println!("{j}"),
            Err(e) => eprintln!("error: cannot write the summary: {e}"),
        }
    } else if !global.quiet {
        eprint!("{}", summary.human());
    }
    code
}
