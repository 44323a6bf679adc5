//! The work of a session (pages, their corrected text, cards, what was exported), kept on disk
//! as it changes so that quitting, a crash or a power cut loses none of it.
//!
//! One JSON file, `$XDG_DATA_HOME/ocr-to-anki/session.json`, always replaced whole through a
//! temporary file in the same folder: a reader sees the old session or the new one, never half.

use std::path::{Path, PathBuf};

use anki_export::Card;
use ocr_core::Page;
use serde::{Deserialize, Serialize};

/// The version of the file's layout; a file of another version is left alone, not read.
pub const VERSION: u32 = 1;

/// Why a session could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The file exists but cannot be read or is not a session this app wrote.
    #[error("the last session ({}) cannot be restored: {message}", path.display())]
    Read {
        /// The session file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The file cannot be written.
    #[error("the session cannot be saved to {}: {message}", path.display())]
    Write {
        /// The session file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// One page of the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPage {
    /// The image file (with `#N` for a page of a multi-page TIFF).
    pub path: PathBuf,
    /// What OCR read, once it has been read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<Page>,
    /// The text as the user corrected it, when it differs from what was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<String>,
}

/// Everything a session holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The layout's version, [`VERSION`].
    pub version: u32,
    /// The pages, in the order of the list.
    pub pages: Vec<SavedPage>,
    /// The cards being reviewed, with their identities.
    pub cards: Vec<Card>,
    /// The cards as they were last exported or sent to Anki: a card equal to one of these has
    /// nothing new to export.
    #[serde(default)]
    pub exported: Vec<Card>,
}

/// How many of `cards` have changed or come since they were last exported as `exported`.
pub fn unexported(cards: &[Card], exported: &[Card]) -> usize {
    cards.iter().filter(|c| !exported.contains(c)).count()
}

impl Session {
    /// Where the session lives: `$OCR_TO_ANKI_GUI_SESSION`, or `session.json` in the data folder.
    pub fn default_path() -> Option<PathBuf> {
        crate::files::user_file(
            "OCR_TO_ANKI_GUI_SESSION",
            ocr_core::UserFolder::Data,
            "session.json",
        )
    }

    /// Whether there is nothing in it.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty() && self.cards.is_empty()
    }

    /// Reads the session at `path`; a missing file is an empty session.
    pub fn load(path: &Path) -> Result<Session, SessionError> {
        let fail = |message: String| SessionError::Read {
            path: path.to_owned(),
            message,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Session::default()),
            Err(e) => return Err(fail(e.to_string())),
        };
        let session: Session = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
        if session.version != VERSION {
            return Err(fail(format!(
                "it is of version {}, this app reads version {VERSION}",
                session.version
            )));
        }
        Ok(session)
    }

    /// Writes the session through a temporary file that is flushed to disk and then renamed
    /// over the old one; an empty session removes the file.
    pub fn save(&self, path: &Path) -> Result<(), SessionError> {
        let fail = |message: String| SessionError::Write {
            path: path.to_owned(),
            message,
        };
        if self.is_empty() {
            return match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(fail(e.to_string())),
                _ => Ok(()),
            };
        }
        let text = serde_json::to_vec(&Session {
            version: VERSION,
            ..self.clone()
        })
        .map_err(|e| fail(e.to_string()))?;
        crate::files::write_whole(path, &text).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_survives_a_round_trip_and_an_empty_one_leaves_no_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/session.json");
        assert_eq!(Session::load(&path).expect("none yet"), Session::default());
        let card = Card::basic("la poêle", "the pan").with_id("poele-1");
        let session = Session {
            version: VERSION,
            pages: vec![SavedPage {
                path: "/photos/p1.jpg".into(),
                page: None,
                corrected: Some("la poêle - the pan".into()),
            }],
            cards: vec![card.clone(), Card::basic("le four", "the oven")],
            exported: vec![card],
        };
        session.save(&path).expect("saved");
        let back = Session::load(&path).expect("read");
        assert_eq!(back, session);
        assert_eq!(unexported(&back.cards, &back.exported), 1);
        Session::default().save(&path).expect("emptied");
        assert!(!path.exists());
    }

    #[test]
    fn a_broken_or_foreign_file_names_itself_and_is_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("session.json");
        std::fs::write(&path, "{\"version\": 1, \"pages\": [").expect("write");
        let err = Session::load(&path).expect_err("cut short");
        assert!(err.to_string().contains("session.json"), "{err}");
        std::fs::write(&path, "{\"version\": 9, \"pages\": [], \"cards\": []}").expect("write");
        let err = Session::load(&path).expect_err("another version");
        assert!(err.to_string().contains("version 9"), "{err}");
        assert!(
            path.exists(),
            "a session that cannot be read is never deleted by reading"
        );
    }
}
