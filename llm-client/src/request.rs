//! What a generator is asked: the recognised text of some pages and the cards wanted from it.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use ocr_core::{BBox, Label, Page};
use serde::{Deserialize, Serialize};

/// A kind of card the user wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KindWanted {
    /// A question and its answer.
    Basic,
    /// Two sides asked both ways (a word and its translation).
    Reversed,
    /// A sentence from the page with a key word blanked out.
    Cloze,
    /// A term with its definition and an example of use.
    Vocabulary,
    /// A labelled diagram with its labels hidden, one card per label (made from the page's
    /// layout, never by a model).
    Occlusion,
}

impl KindWanted {
    /// Every kind, in the order they are described to the model.
    pub const ALL: [KindWanted; 5] = [
        KindWanted::Basic,
        KindWanted::Reversed,
        KindWanted::Cloze,
        KindWanted::Vocabulary,
        KindWanted::Occlusion,
    ];

    /// The kinds a model is asked for (occlusion cards come from the page's layout).
    pub const OF_MODEL: [KindWanted; 4] = [
        KindWanted::Basic,
        KindWanted::Reversed,
        KindWanted::Cloze,
        KindWanted::Vocabulary,
    ];

    /// The kind's name, as flags, config files and the model's schema spell it.
    pub fn name(self) -> &'static str {
        match self {
            KindWanted::Basic => "basic",
            KindWanted::Reversed => "reversed",
            KindWanted::Cloze => "cloze",
            KindWanted::Vocabulary => "vocabulary",
            KindWanted::Occlusion => "occlusion",
        }
    }
}

impl fmt::Display for KindWanted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for KindWanted {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KindWanted::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "unknown card kind {s:?}; use basic, reversed, cloze, vocabulary or occlusion"
                )
            })
    }
}

/// Parses a comma-separated list of kinds (`basic,cloze`), each once, in the order given.
pub fn parse_kinds(list: &str) -> Result<Vec<KindWanted>, String> {
    let mut out = Vec::new();
    for part in list.split(',').filter(|p| !p.trim().is_empty()) {
        let kind: KindWanted = part.parse()?;
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    if out.is_empty() {
        return Err(
            "no card kind given; use basic, reversed, cloze, vocabulary or occlusion".into(),
        );
    }
    Ok(out)
}

/// What to do with a card whose quote cannot be found on its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grounding {
    /// Leave it out (and count it).
    #[default]
    Drop,
    /// Keep it, tagged `unverified`, and count it.
    Flag,
}

impl Grounding {
    /// Both choices, in the order frontends list them.
    pub const ALL: [Grounding; 2] = [Grounding::Drop, Grounding::Flag];

    /// The choice's name in settings files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Grounding::Drop => "drop",
            Grounding::Flag => "flag",
        }
    }

    /// What the choice does, in a line for help texts.
    pub fn summary(self) -> &'static str {
        match self {
            Grounding::Drop => "Leave out cards whose quote is not on the page",
            Grounding::Flag => "Keep them, tagged `unverified`",
        }
    }
}

impl fmt::Display for Grounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Grounding {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Grounding::ALL
            .into_iter()
            .find(|g| g.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown grounding {s:?}: use drop or flag"))
    }
}

/// One word of a document with its box on the page, if the document came from an image.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceWord {
    /// The word as recognised.
    pub text: String,
    /// Its box in the image's pixels.
    pub bbox: Option<BBox>,
}

/// The text of one page (or any plain text) that cards are made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// A name for messages: the image or text file, or what the caller calls it.
    pub name: String,
    /// The page image, kept as each card's source.
    pub image: Option<PathBuf>,
    /// The text: lines, with blank lines between paragraphs.
    pub text: String,
    /// Its words in reading order, for checking quotes and finding where they are.
    pub words: Vec<SourceWord>,
    /// The language the page was read in (a Tesseract code), when known: with
    /// `material_language` set to `auto`, the material's language.
    pub language: Option<String>,
    /// The labels of the page when it is a labelled diagram, for occlusion cards.
    pub labels: Vec<Label>,
}

impl Document {
    /// A document from a recognised page: its text, its words with their boxes, its image.
    pub fn from_page(page: &Page) -> Document {
        let name = page
            .source
            .as_ref()
            .map_or_else(|| "page".to_owned(), |p| p.display().to_string());
        Document {
            name,
            image: page.source.clone(),
            language: Some(page.language.clone()),
            text: page.text_with_columns(),
            labels: page.labels(),
            words: page
                .words()
                .map(|w| SourceWord {
                    text: w.text.clone(),
                    bbox: Some(w.bbox),
                })
                .collect(),
        }
    }

    /// A document from a recognised page whose text the user corrected: the corrected text, with
    /// each word that still reads as OCR read it keeping its box (so cards quoting it keep their
    /// region), and new or changed words without one.
    pub fn from_corrected(page: &Page, text: &str) -> Document {
        let mut doc = Document::from_page(page);
        let ocr: Vec<&str> = page.words().map(|w| w.text.as_str()).collect();
        let edited: Vec<&str> = text.split_whitespace().collect();
        let pairs = matching_words(&ocr, &edited);
        let boxes: Vec<BBox> = page.words().map(|w| w.bbox).collect();
        doc.words = edited
            .iter()
            .enumerate()
            .map(|(i, w)| SourceWord {
                text: (*w).to_owned(),
                bbox: pairs[i].map(|j| boxes[j]),
            })
            .collect();
        doc.text = text.to_owned();
        doc
    }

    /// A document from plain text, such as a typed or pasted page.
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Document {
        let text = text.into();
        let words = text
            .split_whitespace()
            .map(|w| SourceWord {
                text: w.to_owned(),
                bbox: None,
            })
            .collect();
        Document {
            name: name.into(),
            image: None,
            text,
            words,
            labels: Vec::new(),
            language: None,
        }
    }
}

/// For each word of `b`, the index of the word of `a` it is matched to by a longest common
/// subsequence of the two word lists.
fn matching_words(a: &[&str], b: &[&str]) -> Vec<Option<usize>> {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = vec![None; m];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            out[j] = Some(i);
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// What cards to make and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardOptions {
    /// The kinds of card wanted; other kinds are dropped.
    pub kinds: Vec<KindWanted>,
    /// The language of the material, as a Tesseract code (`fra`, `eng+deu`) or a name; `auto`
    /// for the language each document was read in.
    pub material_language: String,
    /// The language the questions and answers are written in; empty means that of the material.
    pub answer_language: String,
    /// The deck the cards go to, given to the model as the topic.
    pub deck: String,
    /// Tags put on every card.
    pub tags: Vec<String>,
    /// Anything else the user asks of the cards ("only the verbs", "at most 10 cards").
    pub instruction: Option<String>,
    /// What happens to cards whose quote is not on the page.
    pub grounding: Grounding,
}

impl CardOptions {
    /// Whether any kind wanted is made by the generator (occlusion cards need none).
    pub fn asks_the_generator(&self) -> bool {
        self.kinds.iter().any(|k| KindWanted::OF_MODEL.contains(k))
    }
}

impl Default for CardOptions {
    fn default() -> Self {
        CardOptions {
            kinds: vec![KindWanted::Basic, KindWanted::Reversed, KindWanted::Cloze],
            material_language: "eng".into(),
            answer_language: String::new(),
            deck: "ocr-to-anki".into(),
            tags: Vec::new(),
            instruction: None,
            grounding: Grounding::Drop,
        }
    }
}

/// A request for cards from some documents.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationRequest {
    /// The pages or texts, in order.
    pub documents: Vec<Document>,
    /// What cards to make.
    pub options: CardOptions,
}

/// The English name of a language given as a Tesseract or ISO code; other names pass through.
pub fn language_name(code: &str) -> String {
    if ocr_core::is_auto(code) {
        return "the language it is written in".to_owned();
    }
    let names: Vec<String> = code
        .split('+')
        .map(|c| {
            let c = c.trim();
            let name = match c.to_ascii_lowercase().as_str() {
                "eng" | "en" => "English",
                "fra" | "fre" | "fr" => "French",
                "deu" | "ger" | "de" => "German",
                "spa" | "es" => "Spanish",
                "ita" | "it" => "Italian",
                "por" | "pt" => "Portuguese",
                "nld" | "dut" | "nl" => "Dutch",
                "pol" | "pl" => "Polish",
                "rus" | "ru" => "Russian",
                "ukr" | "uk" => "Ukrainian",
                "tur" | "tr" => "Turkish",
                "swe" | "sv" => "Swedish",
                "nor" | "no" => "Norwegian",
                "dan" | "da" => "Danish",
                "fin" | "fi" => "Finnish",
                "ces" | "cze" | "cs" => "Czech",
                "ell" | "gre" | "el" => "Greek",
                "lat" | "la" => "Latin",
                "jpn" | "ja" => "Japanese",
                "chi_sim" | "zh" => "Chinese (simplified)",
                "chi_tra" => "Chinese (traditional)",
                "kor" | "ko" => "Korean",
                "ara" | "ar" => "Arabic",
                "heb" | "he" => "Hebrew",
                "hin" | "hi" => "Hindi",
                _ => return c.to_owned(),
            };
            name.to_owned()
        })
        .filter(|n| !n.is_empty())
        .collect();
    names.join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_a_list() {
        assert_eq!(
            parse_kinds("basic, Cloze,basic").expect("valid"),
            [KindWanted::Basic, KindWanted::Cloze]
        );
        let err = parse_kinds("basic,flip").expect_err("unknown");
        assert!(err.contains("\"flip\""), "{err}");
        assert!(parse_kinds(" , ").is_err());
    }

    #[test]
    fn corrected_text_keeps_the_boxes_of_unchanged_words() {
        use ocr_core::{Block, Line, Preprocessing, Word};
        let word = |t: &str, x: u32| Word {
            text: t.into(),
            bbox: BBox::new(x, 0, 10, 10),
            confidence: 90.0,
        };
        let words = vec![word("le", 0), word("chcval", 20), word("blanc", 40)];
        let page = Page {
            source: Some("p.jpg".into()),
            width: 100,
            height: 20,
            language: "fra".into(),
            blocks: vec![Block {
                bbox: BBox::new(0, 0, 50, 10),
                lines: vec![Line {
                    bbox: BBox::new(0, 0, 50, 10),
                    words,
                }],
            }],
            preprocessing: Preprocessing::default(),
        };
        let doc = Document::from_corrected(&page, "le cheval blanc - the white horse\n");
        assert_eq!(doc.text, "le cheval blanc - the white horse\n");
        assert_eq!(doc.image.as_deref(), Some("p.jpg".as_ref()));
        let boxes: Vec<Option<u32>> = doc.words.iter().map(|w| w.bbox.map(|b| b.x)).collect();
        assert_eq!(boxes, [Some(0), None, Some(40), None, None, None, None]);
    }

    #[test]
    fn languages_get_names() {
        assert_eq!(language_name("fra"), "French");
        assert_eq!(language_name("eng+deu"), "English and German");
        assert_eq!(language_name("Klingon"), "Klingon");
        assert_eq!(language_name("auto"), "the language it is written in");
    }

    #[test]
    fn text_documents_have_words_without_boxes() {
        let d = Document::from_text("notes.txt", "la cuillère - the spoon\n\nQ: x");
        assert_eq!(d.words.len(), 7);
        assert!(d.words.iter().all(|w| w.bbox.is_none()));
        assert!(d.image.is_none());
    }
}
