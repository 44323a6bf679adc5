//! Cards turned into notes ready for any writer: field HTML, GUID, tags, media. Bad cards and
//! unreadable images are set aside with their reason; they never cost the rest of the deck.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::{ExportError, Result};
use crate::html;
use crate::media::Media;
#[cfg(feature = "media")]
use crate::media::{self, Library};
use crate::model::{CardKind, Deck, MAX_CARD_BYTES, Mask, OcclusionMode, Source};
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
    /// Field HTML, in the note type's order.
    pub fields: Vec<String>,
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
    /// The source images the notes show, each once (empty when they were streamed, see
    /// [`prepare_streaming`]).
    pub media: Vec<Media>,
    /// How many distinct source images the notes show.
    pub media_count: usize,
    /// Cards left out or written without their image, with the reason.
    pub problems: Vec<ExportError>,
    /// Cards left out because an earlier card in the deck is the same note.
    pub duplicates: usize,
}

/// Prepares every card of `deck`; relative source images are read from `base`. With
/// `with_media` false, sources are named in the Source field but no image is read.
pub fn prepare(deck: &Deck, base: Option<&Path>, with_media: bool) -> Notes {
    let mut kept = Vec::new();
    let mut keep = |m: Media| -> Result<()> {
        kept.push(m);
        Ok(())
    };
    let store: Option<&mut Store<'_>> = if with_media { Some(&mut keep) } else { None };
    // Keeping an image in memory cannot fail, so neither can this.
    let mut notes = prepare_impl(deck, base, store).unwrap_or_else(|e| Notes {
        problems: vec![e],
        ..Notes::default()
    });
    notes.media = kept;
    notes
}

/// Where [`prepare_streaming`] hands each source image.
pub type Store<'a> = dyn FnMut(Media) -> Result<()> + 'a;

/// Prepares every card of `deck` like [`prepare`], handing each source image to `store` as
/// soon as it is made instead of keeping it, so memory does not grow with the number of images.
/// The first error of `store` (a full disk, say) ends the preparation and is the error.
#[cfg(feature = "apkg")]
pub fn prepare_streaming(deck: &Deck, base: Option<&Path>, store: &mut Store<'_>) -> Result<Notes> {
    prepare_impl(deck, base, Some(store))
}

/// The Occlusion field: one `{{cN::image-occlusion:rect:…}}` per mask, placed in fractions of
/// the upright image of `size`, as Anki's occlusion editor writes them.
fn occlusion_field(
    masks: &[Mask],
    mode: OcclusionMode,
    size: (u32, u32),
) -> Result<String, String> {
    let (iw, ih) = size;
    let fraction = |v: u32, of: u32| {
        let text = format!("{:.4}", f64::from(v) / f64::from(of.max(1)));
        // Anki writes `.25`, not `0.25`.
        text.strip_prefix('0').map(str::to_owned).unwrap_or(text)
    };
    let mut out = String::new();
    for (i, m) in masks.iter().enumerate() {
        let [x, y, w, h] = m.region;
        if x >= iw || y >= ih {
            return Err(format!(
                "mask {} [{x}, {y}, {w}, {h}] lies outside the {iw}x{ih} image",
                i + 1
            ));
        }
        let (w, h) = (w.min(iw - x), h.min(ih - y));
        out.push_str(&format!(
            "{{{{c{}::image-occlusion:rect:left={}:top={}:width={}:height={}{}}}}}<br>",
            m.cloze,
            fraction(x, iw),
            fraction(y, ih),
            fraction(w, iw),
            fraction(h, ih),
            if mode == OcclusionMode::HideAll {
                ":oi=1"
            } else {
                ""
            },
        ));
    }
    Ok(out)
}

/// A source image and its region, as cards name them.
type Region = (PathBuf, Option<[u32; 4]>);

/// The Source field: the quote, then the image (when it could be read) or its file name.
fn source_html(source: Option<&Source>, image: Option<&str>) -> String {
    let Some(source) = source else {
        return String::new();
    };
    let caption = html::escape(
        &source
            .image
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    let mut out = String::new();
    if let Some(quote) = source.quote.as_deref() {
        // What the page says, so the learner can check the card against it.
        out = format!(
            r#"<blockquote class="quote">{}</blockquote>"#,
            html::field(quote)
        );
    }
    match image {
        Some(name) => {
            let alt = source.image.file_name().unwrap_or_default();
            out.push_str(&format!(
                r#"<img src="{}" alt="{}"><div>{caption}</div>"#,
                html::attr(name),
                html::attr(&alt.to_string_lossy())
            ))
        }
        None => out.push_str(&caption),
    }
    out
}

// Without the `media` feature, `base` and the image slots are never filled.
#[cfg_attr(not(feature = "media"), allow(unused_mut, unused_variables))]
fn prepare_impl(
    deck: &Deck,
    base: Option<&Path>,
    mut store: Option<&mut Store<'_>>,
) -> Result<Notes> {
    let mut out = Notes::default();
    let mut seen = HashSet::new();
    #[cfg(feature = "media")]
    let mut library = Library::new(base);
    let mut media_names = HashSet::new();
    // Many cards show the same page or region: each is loaded once, to its media name or the
    // reason it could not be.
    let mut loaded: HashMap<Region, Result<String, String>> = HashMap::new();
    for (i, card) in deck.cards.iter().enumerate() {
        let index = i + 1;
        if let Err(e) = card.validate(index) {
            out.problems.push(e);
            continue;
        }
        let guid = card.guid();
        if seen.contains(&guid) {
            out.duplicates += 1;
            continue;
        }
        let note_type = NoteType::for_kind(&card.kind);
        // The image is loaded here but stored only once the note is known to fit.
        let mut fresh: Option<Media> = None;
        let mut image: Option<(Region, Result<String, String>)> = None;
        let (fields, cards) = match &card.kind {
            CardKind::Basic { front, back } | CardKind::Reversed { front, back } => (
                vec![html::field(front), html::field(back)],
                card.kind.card_count(),
            ),
            CardKind::Cloze { text, extra } => {
                let text = html::field(text);
                let n = html::cloze_numbers(&text).len();
                (vec![text, html::field(extra)], n)
            }
            CardKind::Occlusion {
                image: path,
                masks,
                mode,
                header,
                extra,
            } => {
                // The image is the card: without it there is nothing to ask.
                let loaded_image: Result<(Media, (u32, u32)), String> = match store.is_some() {
                    #[cfg(feature = "media")]
                    true => library.load_upright(path),
                    _ => Err(
                        "image occlusion needs its image as media, which this format \
                              cannot carry: write an .apkg or push to Anki"
                            .into(),
                    ),
                };
                let occluded = loaded_image.and_then(|(m, size)| {
                    occlusion_field(masks, *mode, size).map(|field| (m, field))
                });
                match occluded {
                    Ok((m, field)) => {
                        let name = m.name.clone();
                        let image_field = format!(r#"<img src="{}">"#, html::attr(&name));
                        fresh = Some(m);
                        image = Some(((path.clone(), None), Ok(name)));
                        let labels: Vec<String> = masks
                            .iter()
                            .filter(|m| !m.label.trim().is_empty())
                            .map(|m| format!("{}. {}", m.cloze, html::escape(m.label.trim())))
                            .collect();
                        (
                            vec![
                                field,
                                image_field,
                                html::field(header),
                                html::field(extra),
                                labels.join("<br>"),
                            ],
                            card.kind.card_count(),
                        )
                    }
                    Err(reason) => {
                        out.problems.push(ExportError::InvalidCard {
                            index,
                            reason: format!("image occlusion of {}: {reason}", path.display()),
                        });
                        continue;
                    }
                }
            }
        };
        // Without the `media` feature no image is read: sources are named, as with `with_media`
        // false.
        #[cfg(feature = "media")]
        if let (Some(source), true, false) = (&card.source, store.is_some(), note_type.occlusion) {
            let key = (media::resolve(source, base), source.region);
            let found = match loaded.get(&key) {
                Some(known) => known.clone(),
                None => library.load(source).map(|m| {
                    let name = m.name.clone();
                    fresh = Some(m);
                    name
                }),
            };
            if found.is_err() {
                loaded.insert(key.clone(), found.clone());
            }
            image = Some((key, found));
        }
        let mut fields = fields;
        if !note_type.occlusion {
            let name = image.as_ref().and_then(|(_, r)| r.as_ref().ok());
            fields.push(source_html(card.source.as_ref(), name.map(String::as_str)));
        }
        // The limit holds for the note as Anki stores it: escaped, with its quote and source.
        let written: usize = fields.iter().map(String::len).sum();
        if written > MAX_CARD_BYTES {
            out.problems.push(ExportError::InvalidCard {
                index,
                reason: format!(
                    "{written} bytes as written (HTML-escaped, with its quote and source), more \
                     than the {MAX_CARD_BYTES}-byte limit for one card"
                ),
            });
            continue;
        }
        if let (Some(m), Some(store), Some((key, found))) = (fresh, store.as_mut(), image.as_mut())
        {
            let name = m.name.clone();
            if !media_names.contains(&name) {
                store(m)?;
                media_names.insert(name);
            }
            if !note_type.occlusion {
                loaded.insert(key.clone(), found.clone());
            }
        }
        let mut media = None;
        match image {
            Some((_, Ok(name))) => media = Some(name),
            Some(((path, _), Err(reason))) => out.problems.push(ExportError::Media {
                index,
                path,
                reason,
            }),
            None => {}
        }
        seen.insert(guid.clone());
        out.notes.push(Note {
            index,
            guid,
            note_type,
            fields,
            tags: card.anki_tags(),
            media,
            cards,
        });
    }
    out.media_count = media_names.len();
    Ok(out)
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
        // Without the `media` feature no image is read, so the missing one is no problem.
        let media = cfg!(feature = "media");
        assert_eq!(
            notes.problems.len(),
            1 + usize::from(media),
            "{:?}",
            notes.problems
        );
        assert!(notes.problems[0].to_string().starts_with("card 2:"));
        if media {
            assert!(notes.problems[1].to_string().contains("gone.png"));
        }
        let cloze = &notes.notes[1];
        assert_eq!((cloze.cards, cloze.fields[2].as_str()), (2, "gone.png"));
        assert_eq!(cloze.fields.len(), cloze.note_type.fields.len());
        assert_eq!(notes.notes[2].fields[0], "&lt;b&gt;");
        assert_eq!(notes.notes[2].cards, 2);
    }
}
