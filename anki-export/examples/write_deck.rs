//! Writes a cards.json file as an Anki package and says what went in.
//!
//! ```text
//! cargo run -p anki-export --example write_deck -- [CARDS.json] [OUT.apkg]
//! ```
//! With no arguments it writes the shipped `samples/vocabulaire.cards.json` (cards made from the
//! sample page, each with the crop of the line it came from) to `vocabulaire.apkg` in the
//! system's temporary folder.

use std::path::PathBuf;

use anki_export::{Deck, ExportOptions, write_apkg};

fn main() -> Result<(), anki_export::ExportError> {
    let mut args = std::env::args().skip(1);
    let cards = args.next().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../samples/vocabulaire.cards.json"),
        PathBuf::from,
    );
    let out = args.next().map_or_else(
        || std::env::temp_dir().join("vocabulaire.apkg"),
        PathBuf::from,
    );
    let deck = Deck::load(&cards)?;
    // Image paths in a cards file start from its own folder.
    let options = ExportOptions {
        media_base: cards.parent().map(PathBuf::from),
        ..ExportOptions::default()
    };
    let summary = write_apkg(&deck, &out, &options)?;
    println!(
        "{}: deck {:?}, {} notes, {} cards, {} images",
        out.display(),
        deck.name(),
        summary.notes,
        summary.cards,
        summary.media
    );
    Ok(())
}
