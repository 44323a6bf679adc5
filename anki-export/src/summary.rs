//! How a deck is written and what a writer reports back, shared by every writer.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::SystemTime;

use crate::error::ExportError;
use crate::model::Deck;
use crate::note::Notes;

/// How a deck is written.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Folder that relative source image paths start from (usually the cards file's folder).
    pub media_base: Option<PathBuf>,
    /// When the cards last changed (the cards file's modification time), stamped on every note.
    /// Anki updates an existing note only from a newer one, so the same cards exported twice
    /// update nothing, and edited cards (a later time) update their notes. `None` stamps a fixed
    /// time: re-exports never update notes, only add new ones.
    pub modified: Option<SystemTime>,
}

/// The note time used when none is given: 2020-01-01 00:00:00 UTC.
#[cfg(feature = "apkg")]
pub const FIXED_TIME: f64 = 1_577_836_800.0;

/// What an export wrote and what it left out.
#[derive(Debug, Default)]
pub struct ExportSummary {
    /// Notes written.
    pub notes: usize,
    /// Cards those notes make in Anki.
    pub cards: usize,
    /// Media files written.
    pub media: usize,
    /// Cards left out because the same note came earlier in the deck.
    pub duplicates: usize,
    /// Notes not added because Anki already has them unchanged in the deck (AnkiConnect only).
    pub already_in_anki: usize,
    /// Notes Anki had that were changed in place to the edited cards (AnkiConnect only).
    pub updated: usize,
    /// Notes Anki already has in other decks, by deck name: left there, updated if edited
    /// (AnkiConnect only; an .apkg import does the same).
    pub in_other_decks: BTreeMap<String, usize>,
    /// Cards left out or written without their image, each with its reason.
    pub problems: Vec<ExportError>,
}

impl ExportSummary {
    /// The summary of writing all these notes and their media.
    pub(crate) fn of(notes: Notes) -> ExportSummary {
        ExportSummary {
            notes: notes.notes.len(),
            cards: notes.notes.iter().map(|n| n.cards).sum(),
            media: notes.media_count,
            duplicates: notes.duplicates,
            already_in_anki: 0,
            updated: 0,
            in_other_decks: BTreeMap::new(),
            problems: notes.problems,
        }
    }
}

/// The error when no card of a deck can be written.
pub(crate) fn nothing_to_write(deck: &Deck, notes: Notes) -> ExportError {
    let detail = match notes.problems.first() {
        Some(first) => format!(" ({} refused; first: {first})", notes.problems.len()),
        None => String::new(),
    };
    ExportError::NoCards {
        name: deck.name().to_owned(),
        detail,
    }
}
