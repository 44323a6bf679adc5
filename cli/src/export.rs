//! The `export` subcommand: a cards.json file into an Anki package, a running Anki, or CSV.

use std::path::{Path, PathBuf};

use anki_export::{AnkiConnect, Deck, ExportOptions, ExportSummary, write_apkg, write_csv};
use clap::{Args, ValueEnum};

use crate::exit;
use crate::summary::plural;

/// Where the cards go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// An Anki package file (.apkg) to import with File → Import.
    Apkg,
    /// A tab-separated text file for Anki's text importer (no images).
    Csv,
    /// Straight into a running Anki through the AnkiConnect add-on.
    AnkiConnect,
}

/// Arguments of `ocr-to-anki export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The cards file (cards.json format, version 1).
    #[arg(value_name = "CARDS.json")]
    cards: PathBuf,
    /// Output file [default: the cards file's name with .apkg, or .txt for --to csv].
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Where to export [default: from the output's extension, else apkg].
    #[arg(long, value_enum)]
    to: Option<Target>,
    /// AnkiConnect address.
    #[arg(
        long,
        env = "ANKICONNECT_URL",
        hide_env_values = true,
        default_value = anki_export::ANKI_CONNECT_URL
    )]
    anki_connect_url: String,
    /// AnkiConnect API key, if its settings ask for one (never printed).
    #[arg(long, env = "ANKICONNECT_KEY", hide_env_values = true)]
    anki_connect_key: Option<String>,
    /// Notes per AnkiConnect request.
    #[arg(long, default_value_t = 100)]
    batch: usize,
}

/// The writer `--to` names, else the one the output's extension names (apkg without `-o`).
fn target_of(args: &ExportArgs) -> Result<Target, String> {
    if let Some(t) = args.to {
        return Ok(t);
    }
    let Some(output) = &args.output else {
        return Ok(Target::Apkg);
    };
    match ocr_core::extension(output).as_str() {
        "apkg" => Ok(Target::Apkg),
        "txt" | "tsv" | "csv" => Ok(Target::Csv),
        _ => Err(format!(
            "-o {}: cannot tell what to write from its extension; name a file ending in .apkg              (an Anki package) or .txt, .tsv, .csv (CSV), or name the writer with --to",
            output.display()
        )),
    }
}

/// Runs the subcommand; returns the exit code.
pub fn run(args: ExportArgs, global: &crate::flags::Global) -> u8 {
    let target = match target_of(&args) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let deck = match Deck::load(&args.cards) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::PARTIAL;
        }
    };
    let options = ExportOptions {
        media_base: Some(
            args.cards
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_owned),
        ),
        modified: std::fs::metadata(&args.cards)
            .and_then(|m| m.modified())
            .ok(),
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.cards, target));
    if target != Target::AnkiConnect {
        let writer = crate::output::Writer {
            what: if target == Target::Csv {
                "CSV"
            } else {
                "an Anki package"
            },
            extensions: if target == Target::Csv {
                &["txt", "tsv", "csv"]
            } else {
                &["apkg"]
            },
            named: args.to.is_some(),
        };
        // The cards file and every image a card names are inputs, never to be replaced.
        let base = options.media_base.clone().unwrap_or_default();
        let sources: Vec<PathBuf> = deck
            .cards
            .iter()
            .filter_map(|c| c.source.as_ref().map(|s| base.join(&s.image)))
            .collect();
        let inputs =
            std::iter::once(args.cards.as_path()).chain(sources.iter().map(PathBuf::as_path));
        if let Err(e) = crate::output::check(&output, inputs, writer) {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    }
    let result = match target {
        Target::Apkg => write_apkg(&deck, &output, &options),
        Target::Csv => write_csv(&deck, &output),
        Target::AnkiConnect => {
            let client = AnkiConnect::new(&args.anki_connect_url, args.anki_connect_key.clone());
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt.block_on(client.push(&deck, &options, args.batch)),
                Err(e) => {
                    eprintln!("error: cannot start the network runtime: {e}");
                    return exit::USAGE;
                }
            }
        }
    };
    match result {
        Ok(summary) => {
            for p in &summary.problems {
                eprintln!("warning: {}: {p}", args.cards.display());
            }
            if !global.quiet {
                eprintln!("{}", describe(&summary, target, &output, &deck));
            }
            if summary.problems.is_empty() {
                exit::OK
            } else {
                exit::PARTIAL
            }
        }
        Err(e) => {
            eprintln!("error: {}: {e}", args.cards.display());
            exit::PARTIAL
        }
    }
}

/// `week1.cards.json` (or `week1.json`) becomes `week1.apkg` (or `week1.txt` for CSV), beside it.
fn default_output(cards: &Path, target: Target) -> PathBuf {
    let name = cards
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".json").unwrap_or(&name);
    let stem = stem.strip_suffix(".cards").unwrap_or(stem);
    let ext = if target == Target::Csv { "txt" } else { "apkg" };
    cards.with_file_name(format!("{stem}.{ext}"))
}

/// One line saying what was written where, and what was left out.
fn describe(s: &ExportSummary, target: Target, output: &Path, deck: &Deck) -> String {
    let mut line = match target {
        Target::AnkiConnect => format!(
            "Added {} ({}) to deck \"{}\" in Anki",
            plural(s.notes, "note", "notes"),
            plural(s.cards, "card", "cards"),
            deck.name()
        ),
        _ => format!(
            "Wrote {}: {} ({}), deck \"{}\"",
            output.display(),
            plural(s.notes, "note", "notes"),
            plural(s.cards, "card", "cards"),
            deck.name()
        ),
    };
    if s.media > 0 {
        line += &format!(", {}", plural(s.media, "image", "images"));
    }
    if s.updated > 0 {
        line += &format!("; {} updated", s.updated);
    }
    if s.already_in_anki > 0 {
        line += &format!("; {} already in Anki", s.already_in_anki);
    }
    for (other, n) in &s.in_other_decks {
        line += &format!("; {n} already in deck \"{other}\" (left there)");
    }
    if s.duplicates > 0 {
        line += &format!(
            "; {} left out",
            plural(s.duplicates, "repeated card", "repeated cards")
        );
    }
    if !s.problems.is_empty() {
        line += &format!(
            "; {} with problems (see warnings)",
            plural(s.problems.len(), "card", "cards")
        );
    }
    line
}
