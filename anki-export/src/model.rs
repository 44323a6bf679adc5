//! The flashcard model and the cards.json format that hands cards from generation to export.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{ExportError, Result};
use crate::identity;

/// The cards.json format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Largest content of one card, in bytes of text; Anki slows to a crawl on larger notes.
pub const MAX_CARD_BYTES: usize = 1 << 20;

/// Largest cloze number Anki takes. Its card generator makes at most 500 cards from a cloze note
/// (`{{c501::…}}` and up all fall into card 500 when Anki adds the note itself), and a package
/// naming a card past 65535 is refused whole on import (`IntegralValueOutOfRange`).
pub const MAX_CLOZE_NUMBER: u32 = 500;

/// Most masks on one occlusion card.
pub const MAX_MASKS: usize = 1000;

/// What a card asks and answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[non_exhaustive]
pub enum CardKind {
    /// A question on the front, its answer on the back.
    Basic {
        /// The question.
        front: String,
        /// The answer.
        back: String,
    },
    /// Asked both ways: front to back and back to front (vocabulary).
    Reversed {
        /// One side, e.g. the word.
        front: String,
        /// The other side, e.g. its translation.
        back: String,
    },
    /// A sentence with gaps written `{{c1::answer}}` or `{{c1::answer::hint}}`.
    Cloze {
        /// The sentence with its deletions.
        text: String,
        /// Shown under the answer: a note, a page reference.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        extra: String,
    },
    /// An image with its labels hidden: one card per deletion, each asking for what its masks
    /// hide (Anki's native Image Occlusion).
    Occlusion {
        /// The image, relative to the cards file or absolute.
        image: PathBuf,
        /// The hidden regions, in the image's pixels.
        masks: Vec<Mask>,
        /// Whether the other deletions stay hidden while one is asked.
        #[serde(default)]
        mode: OcclusionMode,
        /// Shown above the image: a title, a question.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        header: String,
        /// Shown under the answer.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        extra: String,
    },
}

/// One hidden region of an occlusion card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mask {
    /// The region `[x, y, width, height]` in the image's pixels (EXIF orientation applied).
    pub region: [u32; 4],
    /// What the mask hides, as read from the page.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Its deletion, counting from 1: masks with the same number are asked together.
    pub cloze: u32,
}

/// What an occlusion card shows of the other deletions while it asks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OcclusionMode {
    /// Hide all, guess one: every mask stays over the image.
    #[default]
    HideAll,
    /// Hide one, guess one: only the asked deletion is hidden.
    HideOne,
}

impl OcclusionMode {
    /// The mode's name as cards.json writes it.
    pub fn name(self) -> &'static str {
        match self {
            OcclusionMode::HideAll => "hide-all",
            OcclusionMode::HideOne => "hide-one",
        }
    }
}

impl CardKind {
    /// The kind's name as cards.json writes it.
    pub fn name(&self) -> &'static str {
        match self {
            CardKind::Basic { .. } => "basic",
            CardKind::Reversed { .. } => "reversed",
            CardKind::Cloze { .. } => "cloze",
            CardKind::Occlusion { .. } => "occlusion",
        }
    }

    /// The fields that make the card what it is, and so its identity.
    pub fn identity_fields(&self) -> Vec<&str> {
        match self {
            CardKind::Basic { front, back } | CardKind::Reversed { front, back } => {
                vec![front, back]
            }
            CardKind::Cloze { text, .. } => vec![text],
            // The image by its path, then what each mask hides.
            CardKind::Occlusion { image, masks, .. } => {
                std::iter::once(image.to_str().unwrap_or(""))
                    .chain(masks.iter().map(|m| m.label.as_str()))
                    .collect()
            }
        }
    }

    /// How many cards the card becomes in Anki.
    pub fn card_count(&self) -> usize {
        match self {
            CardKind::Basic { .. } => 1,
            CardKind::Reversed { .. } => 2,
            CardKind::Cloze { text, .. } => crate::html::cloze_numbers(text).len(),
            CardKind::Occlusion { masks, .. } => {
                let mut numbers: Vec<u32> = masks.iter().map(|m| m.cloze).collect();
                numbers.sort_unstable();
                numbers.dedup();
                numbers.len()
            }
        }
    }
}

/// Where on which page a card comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The page image, relative to the cards file or absolute.
    pub image: PathBuf,
    /// The region `[x, y, width, height]` in the image's pixels (EXIF orientation applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<[u32; 4]>,
    /// The words on the page the card is based on, as recognised (shown with the answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// One note to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// Its identity, given once when the card is made and kept through every edit; it is the
    /// note's GUID in Anki. Cards without one are identified by their content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its kind and content fields.
    #[serde(flatten)]
    pub kind: CardKind,
    /// Anki tags (spaces inside a tag become underscores on export).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The page it comes from, shown (and embedded) with the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

impl Card {
    /// A basic card.
    pub fn basic(front: impl Into<String>, back: impl Into<String>) -> Card {
        Card::of(CardKind::Basic {
            front: front.into(),
            back: back.into(),
        })
    }

    /// A card asked both ways.
    pub fn reversed(front: impl Into<String>, back: impl Into<String>) -> Card {
        Card::of(CardKind::Reversed {
            front: front.into(),
            back: back.into(),
        })
    }

    /// An image occlusion card hiding `masks` of `image`, all hidden while one is asked.
    pub fn occlusion(image: impl Into<PathBuf>, masks: Vec<Mask>) -> Card {
        Card::of(CardKind::Occlusion {
            image: image.into(),
            masks,
            mode: OcclusionMode::default(),
            header: String::new(),
            extra: String::new(),
        })
    }

    /// A cloze card.
    pub fn cloze(text: impl Into<String>, extra: impl Into<String>) -> Card {
        Card::of(CardKind::Cloze {
            text: text.into(),
            extra: extra.into(),
        })
    }

    fn of(kind: CardKind) -> Card {
        Card {
            id: None,
            kind,
            tags: Vec::new(),
            source: None,
        }
    }

    /// The same card with these tags.
    pub fn with_tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Card {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// The same card with a source image.
    pub fn with_source(mut self, image: impl Into<PathBuf>, region: Option<[u32; 4]>) -> Card {
        self.source = Some(Source {
            image: image.into(),
            region,
            quote: None,
        });
        self
    }

    /// The same card with this identity.
    pub fn with_id(mut self, id: impl Into<String>) -> Card {
        self.id = Some(id.into());
        self
    }

    /// The note GUID: the card's id when it has one, else derived from its kind and content
    /// (the same whatever the spacing).
    pub fn guid(&self) -> String {
        match self.id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ => self.content_guid(),
        }
    }

    /// The GUID its content alone gives (what cards without an id are known by).
    pub fn content_guid(&self) -> String {
        identity::guid(self.kind.name(), &self.kind.identity_fields())
    }

    /// The same card with a new id of its own: for a card a user starts from nothing, whose
    /// content is not there yet to give it one.
    pub fn with_new_id(mut self) -> Card {
        use std::sync::atomic::{AtomicU64, Ordering};
        static MADE: AtomicU64 = AtomicU64::new(0);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let seed = format!(
            "{now} {} {}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::Relaxed)
        );
        self.id = Some(identity::guid("new card", &[&seed]));
        self
    }

    /// Gives the card an id from its content if it has none: for cards written by hand.
    pub fn ensure_id(&mut self) {
        if self.id.as_deref().is_none_or(|id| id.trim().is_empty()) {
            self.id = Some(self.content_guid());
        }
    }

    /// Tags as Anki stores them: no spaces inside, no empty ones, no duplicates.
    pub fn anki_tags(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in &self.tags {
            let t = t.split_whitespace().collect::<Vec<_>>().join("_");
            if !t.is_empty() && !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }

    /// Checks that the card can become a note; `index` counts from 1 for the message.
    pub fn validate(&self, index: usize) -> Result<()> {
        let invalid = |reason: String| Err(ExportError::InvalidCard { index, reason });
        let size: usize = self
            .kind
            .identity_fields()
            .iter()
            .map(|f| f.len())
            .sum::<usize>()
            + match &self.kind {
                CardKind::Cloze { extra, .. } => extra.len(),
                CardKind::Occlusion { header, extra, .. } => header.len() + extra.len(),
                _ => 0,
            };
        if let Some(id) = &self.id
            && !identity::valid_id(id)
        {
            return invalid(format!(
                "id {:?} is not 1 to 64 letters, digits, '-', '_' or '.'",
                preview(id)
            ));
        }
        if size > MAX_CARD_BYTES {
            return invalid(format!(
                "{size} bytes of text, more than the {MAX_CARD_BYTES}-byte limit for one card"
            ));
        }
        match &self.kind {
            CardKind::Basic { front, back } | CardKind::Reversed { front, back } => {
                if front.trim().is_empty() {
                    return invalid(format!("{} card with an empty front", self.kind.name()));
                }
                if back.trim().is_empty() {
                    return invalid(format!("{} card with an empty back", self.kind.name()));
                }
            }
            CardKind::Cloze { text, .. } => {
                let numbers = crate::html::cloze_numbers(text);
                if let Some(&n) = numbers.last().filter(|&&n| n > MAX_CLOZE_NUMBER) {
                    let n = if n == u32::MAX {
                        format!("{n} or more")
                    } else {
                        n.to_string()
                    };
                    return invalid(format!(
                        "cloze number {n} is more than {MAX_CLOZE_NUMBER}, the largest Anki takes"
                    ));
                }
                if numbers.is_empty() {
                    return invalid(format!(
                        "cloze card without a deletion such as {{{{c1::word}}}}: {:?}",
                        preview(text)
                    ));
                }
            }
            CardKind::Occlusion { image, masks, .. } => {
                if image.as_os_str().is_empty() {
                    return invalid("occlusion card without an image".into());
                }
                if masks.is_empty() {
                    return invalid("occlusion card without a mask".into());
                }
                if masks.len() > MAX_MASKS {
                    return invalid(format!(
                        "{} masks, more than the {MAX_MASKS} one card may have",
                        masks.len()
                    ));
                }
                for (i, m) in masks.iter().enumerate() {
                    let [_, _, w, h] = m.region;
                    if w == 0 || h == 0 {
                        return invalid(format!("mask {} has no area", i + 1));
                    }
                    if m.cloze == 0 || m.cloze > MAX_CLOZE_NUMBER {
                        return invalid(format!(
                            "mask {} has deletion number {}; use 1 to {MAX_CLOZE_NUMBER}",
                            i + 1,
                            m.cloze
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

fn preview(text: &str) -> String {
    let t: String = text.chars().take(60).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// A named deck of cards: what a cards.json file holds. Its name is always one Anki takes;
/// each card is checked when the deck is exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deck {
    /// The deck name, with `::` between levels (`Biology::Cells`), checked on the way in.
    name: String,
    /// Its cards, in order.
    pub cards: Vec<Card>,
}

#[derive(Serialize, Deserialize)]
struct CardsFile {
    version: u32,
    deck: String,
    cards: Vec<Card>,
}

impl Deck {
    /// A deck with a checked name.
    pub fn new(name: impl Into<String>, cards: Vec<Card>) -> Result<Deck> {
        let name = name.into();
        validate_deck_name(&name)?;
        Ok(Deck { name, cards })
    }

    /// The deck name, with `::` between levels.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The same cards under another name, checked like [`Deck::new`]'s.
    pub fn renamed(self, name: impl Into<String>) -> Result<Deck> {
        Deck::new(name, self.cards)
    }

    /// Reads a cards.json file.
    pub fn load(path: &Path) -> Result<Deck> {
        let text = std::fs::read_to_string(path).map_err(|e| ExportError::io(path, e))?;
        Deck::from_json(&text, path)
    }

    /// Parses cards.json text; `path` names the file in errors.
    pub fn from_json(text: &str, path: &Path) -> Result<Deck> {
        let json_error = |e: serde_json::Error| ExportError::Json {
            path: path.to_owned(),
            message: e.to_string(),
        };
        // The version decides how to read the rest, so it is checked first and on its own.
        let value: serde_json::Value = serde_json::from_str(text).map_err(json_error)?;
        match value.get("version") {
            Some(v) if v.as_u64() == Some(u64::from(FORMAT_VERSION)) => {}
            Some(v) => {
                return Err(ExportError::UnsupportedVersion {
                    path: path.to_owned(),
                    found: v.to_string(),
                    supported: FORMAT_VERSION,
                });
            }
            None => {
                return Err(ExportError::Json {
                    path: path.to_owned(),
                    message: format!(
                        "no \"version\" field (expected \"version\": {FORMAT_VERSION})"
                    ),
                });
            }
        }
        let file: CardsFile = serde_json::from_str(text).map_err(json_error)?;
        Deck::new(file.deck, file.cards)
    }

    /// The cards.json text for this deck.
    pub fn to_json(&self) -> String {
        let file = CardsFile {
            version: FORMAT_VERSION,
            deck: self.name.clone(),
            cards: self.cards.clone(),
        };
        serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
    }

    /// Writes the cards.json file, replacing any old one only once the new one is complete.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::atomic::write_with(path, |f| {
            use std::io::Write;
            f.write_all(self.to_json().as_bytes())
                .map_err(|e| ExportError::io(path, e))
        })
    }

    /// Checks every card; the first bad one is the error.
    pub fn validate(&self) -> Result<()> {
        self.cards
            .iter()
            .enumerate()
            .try_for_each(|(i, c)| c.validate(i + 1))
    }
}

/// Checks a deck name: not empty, no empty level between `::`, no control characters or quotes.
pub fn validate_deck_name(name: &str) -> Result<()> {
    let err = |reason| {
        Err(ExportError::InvalidDeckName {
            name: name.to_owned(),
            reason,
        })
    };
    if name.trim().is_empty() {
        return err("it is empty");
    }
    if name.split("::").any(|level| level.trim().is_empty()) {
        return err("a level between `::` is empty");
    }
    if name.chars().any(|c| c.is_control() || c == '"') {
        return err("it contains a control character or a double quote");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{
      "version": 1,
      "deck": "Biology::Cells",
      "cards": [
        {"kind": "basic",    "front": "What does the mitochondrion make?", "back": "ATP", "tags": ["bio"]},
        {"kind": "reversed", "front": "la cellule", "back": "the cell"},
        {"kind": "cloze",    "text": "The {{c1::mitochondrion}} makes {{c2::ATP}}.", "extra": "p. 12"},
        {"kind": "basic",    "front": "Label A?", "back": "Nucleus",
         "source": {"image": "photos/page1.jpg", "region": [120, 40, 300, 80]}}
      ]
    }"#;

    #[test]
    fn reads_the_documented_example() {
        let deck = Deck::from_json(EXAMPLE, Path::new("cards.json")).expect("valid");
        assert_eq!(deck.name(), "Biology::Cells");
        assert_eq!(deck.cards.len(), 4);
        assert_eq!(deck.cards[0].tags, ["bio"]);
        assert_eq!(deck.cards[1].kind.name(), "reversed");
        assert_eq!(
            deck.cards[2].kind,
            CardKind::Cloze {
                text: "The {{c1::mitochondrion}} makes {{c2::ATP}}.".into(),
                extra: "p. 12".into()
            }
        );
        let source = deck.cards[3].source.as_ref().expect("source");
        assert_eq!(source.region, Some([120, 40, 300, 80]));
        deck.validate().expect("all cards valid");
        // And it survives a round trip.
        let again = Deck::from_json(&deck.to_json(), Path::new("again.json")).expect("valid");
        assert_eq!(again, deck);
    }

    #[test]
    fn other_versions_are_refused_by_name() {
        let text = EXAMPLE.replace("\"version\": 1", "\"version\": 2");
        let err = Deck::from_json(&text, Path::new("new.json")).expect_err("version 2");
        assert!(matches!(err, ExportError::UnsupportedVersion { .. }));
        let msg = err.to_string();
        assert!(
            msg.contains("new.json") && msg.contains("version 2"),
            "{msg}"
        );
        let err = Deck::from_json(r#"{"deck": "D", "cards": []}"#, Path::new("old.json"))
            .expect_err("no version");
        assert!(err.to_string().contains("no \"version\""), "{err}");
    }

    #[test]
    fn unknown_kind_and_bad_json_name_the_file() {
        let text = r#"{"version": 1, "deck": "D", "cards": [{"kind": "diagram"}]}"#;
        let err = Deck::from_json(text, Path::new("x.json")).expect_err("unknown kind");
        assert!(err.to_string().contains("x.json"), "{err}");
        let err = Deck::from_json("{", Path::new("y.json")).expect_err("bad json");
        assert!(err.to_string().starts_with("y.json"), "{err}");
    }

    #[test]
    fn bad_cards_and_names_are_refused() {
        assert!(Card::basic("", "x").validate(3).is_err());
        assert!(Card::reversed("x", " ").validate(3).is_err());
        let err = Card::cloze("no gap here", "")
            .validate(7)
            .expect_err("no deletion");
        assert!(err.to_string().starts_with("card 7:"), "{err}");
        let huge = "x".repeat(MAX_CARD_BYTES + 1);
        assert!(Card::basic("q", huge).validate(1).is_err());
        for bad in ["", "  ", "A::", "::B", "A::::B", "tab\there"] {
            assert!(validate_deck_name(bad).is_err(), "{bad:?}");
        }
        validate_deck_name("Français::Vocabulaire 1").expect("valid");
    }

    #[test]
    fn tags_lose_spaces_and_repeats() {
        let card = Card::basic("q", "a").with_tags(["word list", "fr", "", "fr"]);
        assert_eq!(card.anki_tags(), ["word_list", "fr"]);
    }

    #[test]
    fn guid_depends_on_content_not_tags_or_spacing() {
        let a = Card::basic("Quelle heure est-il ?", "What time is it?");
        let b = Card::basic("Quelle  heure est-il ?\n", "What time is it?").with_tags(["x"]);
        assert_eq!(a.guid(), b.guid());
        assert_ne!(
            a.guid(),
            Card::reversed("Quelle heure est-il ?", "What time is it?").guid()
        );
        // The extra of a cloze is a note on the card, not what it asks.
        assert_eq!(
            Card::cloze("{{c1::a}} b", "").guid(),
            Card::cloze("{{c1::a}} b", "p. 3").guid()
        );
    }
}
