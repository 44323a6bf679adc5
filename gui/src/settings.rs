//! The window's settings, kept between runs in a TOML file beside the CLI's config.
//!
//! No secret is ever stored here: an API key comes from the environment variable the settings
//! name, never from this file.

use std::path::{Path, PathBuf};

use gtk::glib;
use llm_client::{
    BackendKind, CardOptions, DEFAULT_API_KEY_ENV, Grounding, KindWanted, ModelSettings,
};
use serde::{Deserialize, Serialize};

/// Why the settings could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file exists but cannot be read or parsed.
    #[error("{}: {message}", path.display())]
    Read {
        /// The settings file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The file cannot be written.
    #[error("cannot save settings to {}: {message}", path.display())]
    Write {
        /// The settings file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// The generator setting that picks Ollama when it answers and the built-in reader otherwise.
pub const AUTOMATIC: &str = "auto";

/// Light, dark, or whatever the desktop prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// Follow the desktop.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Style {
    /// The name used by the `app.style` action.
    pub fn name(self) -> &'static str {
        match self {
            Style::System => "system",
            Style::Light => "light",
            Style::Dark => "dark",
        }
    }

    /// The style named `name`, if any.
    pub fn from_name(name: &str) -> Option<Style> {
        [Style::System, Style::Light, Style::Dark]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// Everything the window remembers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, glib::Boxed)]
#[boxed_type(name = "OtaSettings")]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Which generator makes cards: auto (Ollama when it answers, else the built-in reader),
    /// ollama, openai or builtin.
    pub backend: String,
    /// The model server's address; empty for the backend's default.
    pub base_url: String,
    /// The model; empty for the backend's default.
    pub model: String,
    /// The environment variable holding the OpenAI-compatible server's key.
    pub api_key_env: String,
    /// Tesseract languages of the pages, such as `fra` or `eng+deu`.
    pub language: String,
    /// The kinds of card to make.
    pub kinds: Vec<String>,
    /// Keep cards whose quote is not on the page, tagged `unverified`.
    pub keep_unverified: bool,
    /// The most cards a model may make from one page (or one piece of a long page).
    pub max_cards: usize,
    /// The deck name, with `::` between levels.
    pub deck: String,
    /// Where AnkiConnect listens.
    pub anki_connect_url: String,
    /// Light or dark.
    pub style: Style,
    /// The window's width.
    pub width: i32,
    /// The window's height.
    pub height: i32,
    /// Whether the window was maximised.
    pub maximized: bool,
    /// The folder images were last opened from.
    pub last_folder: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            backend: AUTOMATIC.into(),
            base_url: String::new(),
            model: String::new(),
            api_key_env: DEFAULT_API_KEY_ENV.into(),
            language: "auto".into(),
            kinds: ["basic", "reversed", "cloze"].map(String::from).to_vec(),
            keep_unverified: false,
            max_cards: ModelSettings::default().max_cards_per_chunk,
            deck: "ocr-to-anki".into(),
            anki_connect_url: anki_export::ANKI_CONNECT_URL.into(),
            style: Style::System,
            width: 1200,
            height: 800,
            maximized: false,
            last_folder: None,
        }
    }
}

impl Settings {
    /// Where the settings live: `$OCR_TO_ANKI_GUI_SETTINGS`, or `gui.toml` in the config folder.
    pub fn default_path() -> Option<PathBuf> {
        crate::files::user_file(
            "OCR_TO_ANKI_GUI_SETTINGS",
            ocr_core::UserFolder::Config,
            "gui.toml",
        )
    }

    /// Reads the settings; a missing file gives the defaults.
    pub fn load(path: &Path) -> Result<Settings, SettingsError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => {
                return Err(SettingsError::Read {
                    path: path.to_owned(),
                    message: e.to_string(),
                });
            }
        };
        toml::from_str(&text).map_err(|e| SettingsError::Read {
            path: path.to_owned(),
            message: e.message().to_owned(),
        })
    }

    /// Writes the settings through a temporary file, so a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        let fail = |message: String| SettingsError::Write {
            path: path.to_owned(),
            message,
        };
        let text = toml::to_string_pretty(self).map_err(|e| fail(e.to_string()))?;
        crate::files::write_whole(path, text.as_bytes()).map_err(fail)
    }

    /// The backend these settings name (automatic and an unknown name: Ollama).
    pub fn backend_kind(&self) -> BackendKind {
        self.backend.parse().unwrap_or_default()
    }

    /// Whether the built-in reader stands in when Ollama does not answer.
    pub fn automatic(&self) -> bool {
        self.backend.trim().eq_ignore_ascii_case(AUTOMATIC)
    }

    /// How a model is asked, for these settings.
    pub fn model_settings(&self) -> ModelSettings {
        ModelSettings {
            max_cards_per_chunk: self.max_cards.clamp(1, 200),
            ..ModelSettings::default()
        }
    }

    /// The card options for these settings.
    pub fn card_options(&self) -> CardOptions {
        let mut kinds: Vec<KindWanted> = Vec::new();
        for k in self.kinds.iter().filter_map(|k| k.parse().ok()) {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        if kinds.is_empty() {
            kinds = CardOptions::default().kinds;
        }
        CardOptions {
            kinds,
            material_language: self.language.clone(),
            deck: self.deck.clone(),
            grounding: if self.keep_unverified {
                Grounding::Flag
            } else {
                Grounding::Drop
            },
            ..CardOptions::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_round_trip_and_a_missing_file_gives_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/gui.toml");
        assert_eq!(
            Settings::load(&path).expect("defaults"),
            Settings::default()
        );
        let s = Settings {
            backend: "builtin".into(),
            language: "fra".into(),
            kinds: vec!["cloze".into(), "bogus".into(), "cloze".into()],
            keep_unverified: true,
            max_cards: 7,
            style: Style::Dark,
            width: 640,
            last_folder: Some("/tmp".into()),
            ..Settings::default()
        };
        s.save(&path).expect("saved");
        let back = Settings::load(&path).expect("read");
        assert_eq!(back, s);
        assert_eq!(back.backend_kind(), BackendKind::Builtin);
        let o = back.card_options();
        assert_eq!(o.kinds, [KindWanted::Cloze]);
        assert_eq!(o.grounding, Grounding::Flag);
        assert_eq!(o.material_language, "fra");
        assert_eq!(back.model_settings().max_cards_per_chunk, 7);
    }

    #[test]
    fn a_broken_file_names_itself() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("gui.toml");
        std::fs::write(&path, "width = \"wide\"\n").expect("write");
        let err = Settings::load(&path).expect_err("bad type");
        assert!(err.to_string().contains("gui.toml"), "{err}");
    }
}
