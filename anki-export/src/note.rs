//! Cards turned into notes ready for any writer: field HTML, GUID, tags, media. Bad cards and
//! unreadable images are set aside with their reason; they never cost the rest of the deck.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::ExportError;
use crate::html;
use crate::media::{self, Library, Media};
use crate::model::{CardKind, Deck};
use crate::notetype::NoteType;

/// One note as every writer needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The card's position in the deck, counting from 1.
    pub index: usize,
    /// Its stable GUID.
    pub guid: String,
    /// The note type it belongs to.
    pub note_type: NoteType,
    /// Field HTML, in the note type's order (the last is Source).
    pub fields: [String; 3],
    /// Anki tags.
    pub tags: Vec<String>,
    /// The name of its source image in [`Notes::media`], when it has one that could be read.
    pub media: Option<String>,
    /// How many cards Anki makes from it.
    pub cards: usize,
}

/// The notes of a deck, and what was left out.
#[derive(Debug, Default)]
pub struct Notes {
    /// Notes to write, in deck order.
    pub notes: Vec<Note>,
    /// The source images the notes show, each once.
    pub media: Vec<Media>,
    /// Cards left out or written without their image, with the reason.
    pub problems: Vec<ExportError>,
    /// Cards left out because an earlier card in the deck is the same note.
    pub duplicates: usize,
}

/// Prepares every card of `deck`; relative source images are read from `base`. With
/// `with_media` false, sources are named in the Source field but no image is read.
pub fn prepare(deck: &Deck, base: Option<&Path>, with_media: bool) -> Notes {
    let mut out = Notes::default();
    let mut seen = HashSet::new();
    let mut library = Library::new(base);
    let mut media_names = HashSet::new();
    // Many cards show the same page or region: each is loaded once, to its media name or the
    // reason it could not be.
    type Region = (PathBuf, Option<[u32; 4]>);
    let mut loaded: HashMap<Region, Result<String, String>> = HashMap::new();
    for (i, card) in deck.cards.iter().enumerate() {
        let index = i + 1;
        if let Err(e) = card.validate(index) {
            out.problems.push(e);
            continue;
        }
        let guid = card.guid();
        if !seen.insert(guid.clone()) {
            out.duplicates += 1;
            continue;
        }
        let note_type = NoteType::for_kind(&card.kind);
        let (first, second, cards) = match &card.kind {
            CardKind::Basic { front, back } => (html::field(front), html::field(back), 1),
            CardKind::Reversed { front, back } => (html::field(front), html::field(back), 2),
            CardKind::Cloze { text, extra } => {
                let text = html::field(text);
                let n = html::cloze_numbers(&text).len();
                (text, html::field(extra), n)
            }
        };
        let mut media = None;
        let mut source_html = String::new();
        if let Some(source) = &card.source {
            let path = media::resolve(source, base);
            let caption = html::escape(
                &source
                    .image
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            if with_media {
                let found = loaded
                    .entry((path.clone(), source.region))
                    .or_insert_with(|| {
                        library.load(source).map(|m| {
                            let name = m.name.clone();
                            if media_names.insert(name.clone()) {
                                out.media.push(m);
                            }
                            name
                        })
                    })
                    .clone();
                match found {
                    Ok(name) => {
                        let alt = source.image.file_name().unwrap_or_default();
                        source_html = format!(
                            r#"<img src="{}" alt="{}"><div>{caption}</div>"#,
                            html::attr(&name),
                            html::attr(&alt.to_string_lossy())
                        );
                        media = Some(name);
                    }
                    Err(reason) => {
                        out.problems.push(ExportError::Media {
                            index,
                            path,
                            reason,
                        });
                        source_html = caption;
                    }
                }
            } else {
                source_html = caption;
            }
        }
        if let Some(quote) = card.source.as_ref().and_then(|s| s.quote.as_deref()) {
            // What the page says, so the learner can check the card against it.
            source_html = format!(
                r#"<blockquote class="quote">{}</blockquote>{source_html}"#,
                html::field(quote)
            );
        }
        out.notes.push(Note {
            index,
            guid,
            note_type,
            fields: [first, second, source_html],
            tags: card.anki_tags(),
            media,
            cards,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Card;

    #[test]
    fn bad_cards_are_set_aside_and_the_rest_kept() {
        let deck = Deck::new(
            "D",
            vec![
                Card::basic("q1", "a1"),
                Card::basic("", "no front"),
                Card::basic("q1", "a1"),
                Card::cloze("{{c1::x}} and {{c2::y}}", "").with_source("gone.png", None),
                Card::reversed("<b>", "&"),
            ],
        )
        .expect("deck");
        let notes = prepare(&deck, None, true);
        assert_eq!(notes.notes.len(), 3);
        assert_eq!(notes.duplicates, 1);
        assert_eq!(notes.problems.len(), 2, "{:?}", notes.problems);
        assert!(notes.problems[0].to_string().starts_with("card 2:"));
        assert!(notes.problems[1].to_string().contains("gone.png"));
        let cloze = &notes.notes[1];
        assert_eq!((cloze.cards, cloze.fields[2].as_str()), (2, "gone.png"));
        assert_eq!(notes.notes[2].fields[0], "&lt;b&gt;");
        assert_eq!(notes.notes[2].cards, 2);
    }
}
