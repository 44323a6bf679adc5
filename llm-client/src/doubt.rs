//! Why a card that was kept may still be wrong: what a reviewer should look at first.
//!
//! A doubt never drops a card; it marks it, so that the cards most likely to be junk or misread
//! are the ones checked against the page.

use std::fmt;

use anki_export::Card;
use ocr_core::Page;

/// Words Tesseract is less sure of than this (0 to 100) make the cards quoting them doubtful.
pub const UNSURE_CONFIDENCE: f32 = 70.0;

/// One reason to check a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doubt {
    /// Its quote was not found on the page (it carries the `unverified` tag).
    Unverified,
    /// It comes from words Tesseract was unsure of.
    UnsureWords,
    /// A side is more stray marks than words, like `Eee)` or `La . D]`.
    NotWords,
    /// A side has one letter or digit, or none.
    OneCharacter,
    /// A side is a heading of the page (a whole line in type larger than the page's text).
    Heading,
}

impl Doubt {
    /// A short sentence for a tooltip or a list.
    pub fn describe(self) -> &'static str {
        match self {
            Doubt::Unverified => "its quote was not found on the page",
            Doubt::UnsureWords => "it comes from words Tesseract was unsure of",
            Doubt::NotWords => "a side looks like stray marks rather than words",
            Doubt::OneCharacter => "a side is a single character",
            Doubt::Heading => "a side is a heading of the page, not its text",
        }
    }
}

impl fmt::Display for Doubt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The doubts about `card`, given the page it comes from when there is one.
pub fn doubts(card: &Card, page: Option<&Page>) -> Vec<Doubt> {
    let mut out = Vec::new();
    if card.tags.iter().any(|t| t == "unverified") {
        out.push(Doubt::Unverified);
    }
    if let (Some(page), Some([x, y, w, h])) = (page, card.source.as_ref().and_then(|s| s.region)) {
        let unsure = page.words().any(|word| {
            let (cx, cy) = (
                word.bbox.x + word.bbox.width / 2,
                word.bbox.y + word.bbox.height / 2,
            );
            word.confidence < UNSURE_CONFIDENCE
                && (x..x.saturating_add(w)).contains(&cx)
                && (y..y.saturating_add(h)).contains(&cy)
        });
        if unsure {
            out.push(Doubt::UnsureWords);
        }
    }
    // An occlusion card's labels are short by nature: a single letter is a fair label.
    if matches!(card.kind, anki_export::CardKind::Occlusion { .. }) {
        return out;
    }
    let sides = card.kind.identity_fields();
    if sides.iter().any(|s| stray_marks(s)) {
        out.push(Doubt::NotWords);
    }
    if sides
        .iter()
        .any(|s| s.chars().filter(|c| c.is_alphanumeric()).count() <= 1)
    {
        out.push(Doubt::OneCharacter);
    }
    if let Some(page) = page
        && sides.iter().any(|s| is_heading(s, page))
    {
        out.push(Doubt::Heading);
    }
    out
}

/// Whether `side` is the whole of a line of `page` set at least a third taller than the page's
/// usual line (measured across the line, whichever way the page lies).
fn is_heading(side: &str, page: &Page) -> bool {
    let fold = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let side = fold(side);
    if side.is_empty() {
        return false;
    }
    let height = |l: &ocr_core::Line| l.bbox.width.min(l.bbox.height);
    let lines: Vec<&ocr_core::Line> = page.blocks.iter().flat_map(|b| &b.lines).collect();
    let mut heights: Vec<u32> = lines
        .iter()
        .filter(|l| l.words.len() >= 2)
        .map(|l| height(l))
        .collect();
    if heights.len() < 3 {
        return false;
    }
    heights.sort_unstable();
    let usual = heights[heights.len() / 2];
    lines.iter().any(|l| {
        let text: Vec<&str> = l.words.iter().map(|w| w.text.as_str()).collect();
        fold(&text.join(" ")) == side && height(l) * 3 >= usual * 4
    })
}

/// Whether a quarter or more of the text's tokens are stray marks: punctuation on its own
/// (other than the signs study material uses between words), or a token with an unmatched
/// bracket.
fn stray_marks(text: &str) -> bool {
    const SIGNS: &[&str] = &[
        "-", "–", "—", "=", "+", "×", "÷", "/", ":", "→", "←", "↔", "&", "?", "!", "…", "%", "<",
        ">", "≈", "≠", "*", "·",
    ];
    let tokens: Vec<&str> = text.split_whitespace().collect();
    if tokens.is_empty() {
        return false;
    }
    let stray = tokens
        .iter()
        .filter(|t| {
            let no_word = !t.chars().any(char::is_alphanumeric) && !SIGNS.contains(t);
            no_word || unmatched_bracket(t)
        })
        .count();
    stray * 4 >= tokens.len()
}

/// Whether a token closes a bracket it did not open, or opens one it does not close, in a text
/// where that is not a cloze marker.
fn unmatched_bracket(token: &str) -> bool {
    [('(', ')'), ('[', ']')].iter().any(|&(open, close)| {
        let opens = token.chars().filter(|&c| c == open).count();
        let closes = token.chars().filter(|&c| c == close).count();
        opens != closes
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_from_worksheets_is_doubted_and_plain_vocabulary_is_not() {
        let junk = Card::basic("Eee)", "Organisation d'un amphithéâtre");
        assert_eq!(doubts(&junk, None), [Doubt::NotWords]);
        let junk = Card::basic("A", "La .\tD]\tLa CA");
        assert_eq!(doubts(&junk, None), [Doubt::NotWords, Doubt::OneCharacter]);
        for good in [
            Card::basic("la cuillère", "the spoon"),
            Card::basic("2 + 2 = ?", "4 (four)"),
            Card::basic("(to) run", "courir"),
            Card::reversed("der Hund", "the dog"),
        ] {
            assert!(doubts(&good, None).is_empty(), "{good:?}");
        }
        let cloze = Card::cloze("la {{c1::poêle}} - the pan", "");
        assert!(doubts(&cloze, None).is_empty());
    }

    #[test]
    fn a_card_from_unsure_words_says_so() {
        use ocr_core::{BBox, Block, Line, Preprocessing, Word};
        let word = |t: &str, x: u32, confidence: f32| Word {
            text: t.into(),
            bbox: BBox::new(x, 0, 10, 10),
            confidence,
        };
        let page = Page {
            source: Some("p.jpg".into()),
            width: 100,
            height: 20,
            language: "fra".into(),
            blocks: vec![Block {
                bbox: BBox::new(0, 0, 70, 10),
                lines: vec![Line {
                    bbox: BBox::new(0, 0, 70, 10),
                    words: vec![
                        word("le", 0, 95.0),
                        word("four", 20, 41.0),
                        word("sel", 60, 93.0),
                    ],
                }],
            }],
            preprocessing: Preprocessing::default(),
        };
        let on = |region| Card::basic("le four", "the oven").with_source("p.jpg", Some(region));
        assert_eq!(
            doubts(&on([0, 0, 35, 10]), Some(&page)),
            [Doubt::UnsureWords]
        );
        assert!(doubts(&on([55, 0, 15, 10]), Some(&page)).is_empty());
    }

    #[test]
    fn a_heading_taken_for_a_side_is_doubted() {
        use ocr_core::{BBox, Block, Line, Preprocessing, Word};
        let line = |words: &[&str], y: u32, h: u32| Line {
            bbox: BBox::new(0, y, 400, h),
            words: words
                .iter()
                .enumerate()
                .map(|(i, t)| Word {
                    text: (*t).into(),
                    bbox: BBox::new(i as u32 * 60, y, 50, h),
                    confidence: 95.0,
                })
                .collect(),
        };
        let page = Page {
            source: Some("p.jpg".into()),
            width: 400,
            height: 300,
            language: "fra".into(),
            blocks: vec![Block {
                bbox: BBox::new(0, 0, 400, 300),
                lines: vec![
                    line(&["Organisation", "d'un", "amphithéâtre"], 0, 40),
                    line(&["la", "scène", "-", "the", "stage"], 60, 20),
                    line(&["le", "gradin", "-", "the", "tier"], 90, 20),
                    line(&["la", "salle", "-", "the", "hall"], 120, 20),
                ],
            }],
            preprocessing: Preprocessing::default(),
        };
        let junk = Card::basic("la scène", "Organisation d'un  amphithéâtre");
        assert_eq!(doubts(&junk, Some(&page)), [Doubt::Heading]);
        let good = Card::basic("la scène", "the stage");
        assert!(doubts(&good, Some(&page)).is_empty());
        // A line of the usual size is no heading, even when a side is all of it.
        let whole = Card::basic("la salle - the hall", "?");
        assert!(!doubts(&whole, Some(&page)).contains(&Doubt::Heading));
    }

    #[test]
    fn an_unverified_card_says_so() {
        let mut card = Card::basic("le four", "the oven");
        card.tags.push("unverified".into());
        assert_eq!(doubts(&card, None), [Doubt::Unverified]);
    }
}
