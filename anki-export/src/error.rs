//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong reading cards or writing a deck.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A cards.json file is not valid JSON or does not have the expected shape.
    #[error("{}: not a valid cards file: {message}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// What serde found wrong, with line and column.
        message: String,
    },
    /// A cards.json file of a format version this build does not know.
    #[error(
        "{}: cards file version {found} is not supported (this build reads version {supported})",
        path.display()
    )]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The version the file declares, as written.
        found: String,
        /// The version this build reads.
        supported: u32,
    },
    /// A deck name that Anki cannot take.
    #[error("invalid deck name {name:?}: {reason}")]
    InvalidDeckName {
        /// The name as given.
        name: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A card that cannot become a note.
    #[error("card {index}: {reason}")]
    InvalidCard {
        /// Its position in the deck, counting from 1.
        index: usize,
        /// Why it is refused.
        reason: String,
    },
    /// Not one card of the deck can be exported.
    #[error("deck {name:?} has no card that can be exported{detail}")]
    NoCards {
        /// The deck name.
        name: String,
        /// Why, when cards were refused: how many, and the first reason.
        detail: String,
    },
    /// A card's source image could not be read or cropped.
    #[error("card {index}: source image {}: {reason}", path.display())]
    Media {
        /// The card's position in the deck, counting from 1.
        index: usize,
        /// The image file.
        path: PathBuf,
        /// The cause.
        reason: String,
    },
    /// The `.apkg` writer failed.
    #[error("{}: writing the Anki package failed: {message}", path.display())]
    Package {
        /// The target file.
        path: PathBuf,
        /// The writer's message.
        message: String,
    },
    /// Anki is not running, or AnkiConnect is not installed or listens elsewhere.
    #[error(
        "cannot reach AnkiConnect at {url}: is Anki running with the AnkiConnect add-on (code 2055492159)? ({cause})"
    )]
    AnkiNotRunning {
        /// The address tried.
        url: String,
        /// The connection error.
        cause: String,
    },
    /// The AnkiConnect address is not an http:// or https:// URL.
    #[error(
        "AnkiConnect address {url:?} is not an http:// address: give it as http://127.0.0.1:8765 (--anki-connect-url or ANKICONNECT_URL)"
    )]
    BadUrl {
        /// The address as given.
        url: String,
    },
    /// AnkiConnect asks for an API key and none, or another one, was sent.
    #[error(
        "AnkiConnect refused the API key ({message}): pass the key set as \"apiKey\" in AnkiConnect's config (Tools → Add-ons → AnkiConnect → Config) with --anki-connect-key or the ANKICONNECT_KEY environment variable"
    )]
    BadKey {
        /// AnkiConnect's error text.
        message: String,
    },
    /// A note type in the collection has this tool's name but not its fields.
    #[error(
        "note type {name:?} in Anki has the fields [{found}], but field {missing:?} is missing: in Anki, Tools → Manage Note Types → {name} → Fields, rename the field back to {missing:?} (or rename the note type, and ocr-to-anki makes a fresh one)"
    )]
    NoteTypeFields {
        /// The note type.
        name: String,
        /// The first field it lacks.
        missing: String,
        /// The fields it has, comma-separated.
        found: String,
    },
    /// AnkiConnect answered with an error or an answer this client cannot read.
    #[error("AnkiConnect {action}: {message}")]
    AnkiConnect {
        /// The action that failed.
        action: String,
        /// AnkiConnect's error text, or what was wrong with its answer.
        message: String,
    },
}

impl ExportError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ExportError::Io {
            path: path.into(),
            source,
        }
    }
}

/// This crate's result type.
pub type Result<T, E = ExportError> = std::result::Result<T, E>;
