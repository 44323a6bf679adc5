//! The flashcard model of ocr-to-anki and everything that gets cards into Anki: `.apkg` packages
//! (genanki-rs), AnkiConnect, and CSV for Anki's text importer.
//!
//! A [`Deck`] holds [`Card`]s and reads and writes the versioned cards.json format. Every note gets
//! a GUID derived from its content and kind, and note types and decks get ids derived from their
//! names, so exporting the same cards again and importing them changes nothing.
//!
//! ```
//! use anki_export::{Card, Deck, write_csv};
//! let deck = Deck::new(
//!     "Français::Cuisine",
//!     vec![Card::basic("la cuillère", "the spoon"), Card::basic("le four", "the oven")],
//! )?;
//! // Anki's text importer reads this file; `write_apkg` writes a package the same way.
//! let path = std::env::temp_dir().join(format!("cuisine-{}.csv", std::process::id()));
//! let summary = write_csv(&deck, &path)?;
//! let text = std::fs::read_to_string(&path).expect("written");
//! assert_eq!(summary.notes, 2);
//! assert!(text.contains("la cuillère") && text.contains("the oven"), "{text}");
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), anki_export::ExportError>(())
//! ```

#[cfg(feature = "apkg")]
mod apkg;
mod atomic;
#[cfg(feature = "anki-connect")]
mod connect;
mod csv;
mod error;
mod html;
mod identity;
mod media;
mod model;
mod note;
mod notetype;
mod summary;

#[cfg(feature = "apkg")]
pub use apkg::write_apkg;
#[cfg(feature = "anki-connect")]
pub use connect::{AnkiConnect, DEFAULT_URL as ANKI_CONNECT_URL};
pub use csv::write_csv;
pub use error::{ExportError, Result};
pub use html::field as field_html;
pub use identity::{card_id, id_tag, page_digest, valid_id};
pub use media::Media;
#[cfg(feature = "media")]
pub use media::load as load_media;
pub use model::{
    Card, CardKind, Deck, FORMAT_VERSION, MAX_CARD_BYTES, MAX_CLOZE_NUMBER, MAX_MASKS, Mask,
    OcclusionMode, Source, validate_deck_name,
};
pub use notetype::{NoteType, Template};
pub use summary::{ExportOptions, ExportSummary};
