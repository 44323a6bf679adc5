//! Checking that a card's quote is really on its page, and finding where.
//!
//! Text is compared on its letters and digits only, after Unicode compatibility folding and in
//! lower case: a quote that differs from the OCR text only in case, whitespace, punctuation or
//! typography (quotes, dashes, apostrophes) still counts as verbatim.
//! A quote may leave words out with an ellipsis (`…` or `...`): each part must then be found, in
//! order.

use ocr_core::BBox;
use unicode_normalization::UnicodeNormalization;

use crate::request::Document;

/// Fewest letters or digits a quote must have to count as support.
pub const MIN_QUOTE_ALNUM: usize = 3;

/// A document's words in one folded string, with the word each character came from.
#[derive(Debug, Clone)]
pub struct QuoteIndex {
    text: Vec<char>,
    word_of: Vec<usize>,
    boxes: Vec<Option<BBox>>,
}

/// Where a quote was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The first and last word (inclusive) the quote covers.
    pub words: (usize, usize),
    /// The union of those words' boxes, `[x, y, width, height]`, when the document has boxes.
    pub region: Option<[u32; 4]>,
}

/// Folds text for comparison: NFKC, lower case, only letters and digits kept, words separated by
/// one space.
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        let folded: String = word
            .nfkc()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        if folded.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&folded);
    }
    out
}

impl QuoteIndex {
    /// Indexes a document's words.
    pub fn new(doc: &Document) -> QuoteIndex {
        let mut text = Vec::new();
        let mut word_of = Vec::new();
        for (i, w) in doc.words.iter().enumerate() {
            let folded: Vec<char> = normalize(&w.text).chars().collect();
            if folded.is_empty() {
                continue;
            }
            if !text.is_empty() {
                text.push(' ');
                word_of.push(i);
            }
            word_of.extend(std::iter::repeat_n(i, folded.len()));
            text.extend(folded);
        }
        QuoteIndex {
            text,
            word_of,
            boxes: doc.words.iter().map(|w| w.bbox).collect(),
        }
    }

    /// Whether a folded piece of text occurs anywhere in the document.
    pub fn contains(&self, text: &str) -> bool {
        let needle: Vec<char> = normalize(text).chars().collect();
        !needle.is_empty() && find(&self.text, &needle, 0).is_some()
    }

    /// Finds a quote in the document; `None` when it is not there or too short to mean anything.
    pub fn find(&self, quote: &str) -> Option<Found> {
        let alnum = quote.chars().filter(|c| c.is_alphanumeric()).count();
        if alnum < MIN_QUOTE_ALNUM {
            return None;
        }
        let parts: Vec<Vec<char>> = quote
            .replace('…', "...")
            .split("...")
            .map(|p| normalize(p).chars().collect::<Vec<char>>())
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            return None;
        }
        let mut from = 0;
        let mut span: Option<(usize, usize)> = None;
        for part in &parts {
            let at = find(&self.text, part, from)?;
            let end = at + part.len() - 1;
            span = Some(span.map_or((at, end), |(s, _)| (s, end)));
            from = end + 1;
        }
        let (start, end) = span?;
        let words = (self.word_of[start], self.word_of[end]);
        let region = (words.0..=words.1)
            .filter_map(|i| self.boxes.get(i).copied().flatten())
            .reduce(BBox::union)
            .map(|b| [b.x, b.y, b.width, b.height]);
        Some(Found { words, region })
    }
}

/// The first position at or after `from` where `needle` occurs in `hay`.
fn find(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::SourceWord;

    fn page() -> Document {
        let words = [
            ("La", 10),
            ("«poêle»", 40),
            ("est", 90),
            ("CHAUDE.", 130),
            ("Le", 10),
            ("four", 40),
        ];
        Document {
            name: "p.png".into(),
            image: Some("p.png".into()),
            text: String::new(),
            language: None,
            labels: Vec::new(),
            words: words
                .iter()
                .enumerate()
                .map(|(i, (t, x))| SourceWord {
                    text: (*t).into(),
                    bbox: Some(BBox::new(*x, if i < 4 { 100 } else { 150 }, 25, 20)),
                })
                .collect(),
        }
    }

    #[test]
    fn quotes_are_found_despite_case_spacing_and_typography() {
        let idx = QuoteIndex::new(&page());
        let f = idx.find("\"poêle\"  est chaude").expect("found");
        assert_eq!(f.words, (1, 3));
        assert_eq!(f.region, Some([40, 100, 115, 20]));
        // Across a line break, with outer punctuation the model added.
        let f = idx.find("“chaude. le four.”").expect("found");
        assert_eq!(f.words, (3, 5));
        assert_eq!(f.region, Some([10, 100, 145, 70]));
    }

    #[test]
    fn invented_or_empty_quotes_are_not_found() {
        let idx = QuoteIndex::new(&page());
        assert!(idx.find("la poêle est froide").is_none());
        assert!(idx.find("").is_none());
        assert!(idx.find("la").is_none(), "too short to support anything");
        assert!(idx.find("four le").is_none(), "words out of order");
    }

    #[test]
    fn ellipses_skip_words_but_keep_order() {
        let idx = QuoteIndex::new(&page());
        let f = idx.find("La poêle … four").expect("found");
        assert_eq!(f.words, (0, 5));
        assert!(idx.find("four ... La poêle").is_none());
    }

    #[test]
    fn plain_text_documents_match_without_regions() {
        let doc = Document::from_text("n.txt", "Mitochondria make ATP.\nThey have two membranes.");
        let idx = QuoteIndex::new(&doc);
        let f = idx.find("mitochondria make atp").expect("found");
        assert_eq!(f.region, None);
        assert!(idx.contains("two membranes"));
        assert!(!idx.contains("three membranes"));
    }
}
