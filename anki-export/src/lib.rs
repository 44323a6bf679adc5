//! The flashcard model of ocr-to-anki and everything that gets cards into Anki: `.apkg` packages
//! (genanki-rs), AnkiConnect, and CSV for Anki's text importer.
//!
//! A [`Deck`] holds [`Card`]s and reads and writes the versioned cards.json format. Every note gets
//! a GUID derived from its content and kind, and note types and decks get ids derived from their
//! names, so exporting the same cards again and importing them changes nothing.

pub mod apkg;
mod atomic;
pub mod connect;
pub mod csv;
pub mod error;
pub mod html;
pub mod identity;
pub mod media;
pub mod model;
pub mod note;
pub mod notetype;

pub use apkg::{ExportOptions, ExportSummary, write_apkg};
pub use connect::AnkiConnect;
pub use csv::write_csv;
pub use error::{ExportError, Result};
pub use model::{Card, CardKind, Deck, FORMAT_VERSION, Source};
pub use notetype::NoteType;
