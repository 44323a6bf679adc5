//! The recognised text of one image: blocks of lines of words, each with its box and confidence.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::geometry::BBox;
use crate::preprocess::GrayMode;

/// One preprocessing step that ran; the page JSON writes it as a short string (`"deskew:1.2"`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Step {
    /// Colour made gray this way.
    Gray(GrayMode),
    /// Plain Tesseract's read of the page as shown was kept instead of the prepared one.
    Plain,
    /// Turned by this many degrees.
    Orient(u16),
    /// Borders cropped away.
    Crop,
    /// Straightened by this many degrees.
    Deskew(f32),
    /// Converging lines made parallel.
    Perspective,
    /// Enlarged or shrunk by this factor.
    Scale(f32),
    /// Light-on-dark regions inverted: this share of the page, 0 to 1.
    Invert(f32),
    /// Uneven lighting evened out.
    Normalize,
    /// Made black and white (Sauvola).
    Binarize,
    /// Specks up to this size in pixels removed.
    Denoise(u32),
}

impl Step {
    /// The step as the page JSON keeps it: its number at the precision written, so that a page
    /// read back from the cache equals the page as it was made.
    pub fn recorded(self) -> Step {
        self.to_string().parse().unwrap_or(self)
    }

    /// Whether the step acts on evidence a page can fake (converging lines, shading, dark
    /// regions), so that its read is checked against the plain one.
    pub fn acts_on_weak_evidence(self) -> bool {
        matches!(self, Step::Perspective | Step::Normalize | Step::Invert(_))
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Gray(mode) => write!(f, "gray:{}", mode.name()),
            Step::Plain => f.write_str("plain"),
            Step::Orient(degrees) => write!(f, "orient:{degrees}"),
            Step::Crop => f.write_str("crop"),
            Step::Deskew(degrees) => write!(f, "deskew:{degrees:.1}"),
            Step::Perspective => f.write_str("perspective"),
            Step::Scale(factor) => write!(f, "scale:{factor:.2}"),
            Step::Invert(share) => write!(f, "invert:{:.0}%", share * 100.0),
            Step::Normalize => f.write_str("normalize"),
            Step::Binarize => f.write_str("binarize"),
            Step::Denoise(size) => write!(f, "denoise:{size}"),
        }
    }
}

impl FromStr for Step {
    type Err = String;

    fn from_str(s: &str) -> Result<Step, String> {
        let bad = || format!("not a preprocessing step: {s:?}");
        let (name, value) = s.split_once(':').unwrap_or((s, ""));
        let number = |v: &str| v.trim_end_matches('%').parse::<f32>().map_err(|_| bad());
        Ok(match (name, value) {
            ("gray", "luma") => Step::Gray(GrayMode::Luma),
            ("gray", "darkest") => Step::Gray(GrayMode::Darkest),
            ("plain", "") => Step::Plain,
            ("orient", v) => Step::Orient(v.parse().map_err(|_| bad())?),
            ("crop", "") => Step::Crop,
            ("deskew", v) => Step::Deskew(number(v)?),
            ("perspective", "") => Step::Perspective,
            ("scale", v) => Step::Scale(number(v)?),
            ("invert", v) => Step::Invert(number(v)? / 100.0),
            ("normalize", "") => Step::Normalize,
            ("binarize", "") => Step::Binarize,
            ("denoise", v) => Step::Denoise(v.parse().map_err(|_| bad())?),
            _ => return Err(bad()),
        })
    }
}

impl From<Step> for String {
    fn from(step: Step) -> String {
        step.to_string()
    }
}

impl TryFrom<String> for Step {
    type Error = String;

    fn try_from(s: String) -> Result<Step, String> {
        s.parse()
    }
}

/// One recognised word.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// The word's text.
    pub text: String,
    /// Its box in source-image pixels (the image as shown, EXIF orientation applied).
    pub bbox: BBox,
    /// Tesseract's confidence, 0 to 100.
    pub confidence: f32,
}

/// One line of text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// The line's box in source-image pixels.
    pub bbox: BBox,
    /// Its words, left to right.
    pub words: Vec<Word>,
}

/// One block of text (a paragraph, a heading, a table cell...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// The block's box in source-image pixels.
    pub bbox: BBox,
    /// Its lines, top to bottom.
    pub lines: Vec<Line>,
}

/// What preprocessing did to the image before recognition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Preprocessing {
    /// The EXIF orientation tag found in the file (1 to 8), if any.
    pub exif_orientation: Option<u8>,
    /// Clockwise quarter-turn rotation applied to make the text upright, in degrees (0, 90, 180, 270).
    pub rotation: u16,
    /// Small-angle rotation applied to straighten the text lines, in degrees.
    pub deskew: f32,
    /// Scale factor applied to the image (processed size / source size).
    pub scale: f32,
    /// The part of the source image kept after cropping away borders.
    pub crop: Option<BBox>,
    /// Width of the image handed to Tesseract.
    pub processed_width: u32,
    /// Height of the image handed to Tesseract.
    pub processed_height: u32,
    /// The steps that ran, in order.
    pub steps: Vec<Step>,
    /// The orientations a sample of the page was read at, with how well each read; empty when
    /// the page's own evidence (ascenders on upright lines) settled it without reading.
    #[serde(default)]
    pub orientation_evidence: Vec<OrientationCandidate>,
    /// Ascender and descender votes of the upright-or-upside-down test, when it ran.
    #[serde(default)]
    pub ascender_votes: Option<[u32; 2]>,
    /// Which read was kept: the preprocessed image's or plain Tesseract's on the page as shown.
    #[serde(default)]
    pub read: ReadKind,
    /// Why the steps that could have run did not, and why the kept read was kept.
    #[serde(default)]
    pub notes: Vec<String>,
    /// With `--lang auto`, the language chosen for the page and how sure the guess was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_guess: Option<crate::guess::LanguageGuess>,
}

/// How well a sample of a page reads.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct ReadScore {
    /// Words recognised.
    pub words: u32,
    /// Their mean confidence, 0 to 100.
    pub confidence: f32,
    /// Words of three letters or more in the language's dictionary.
    pub dictionary: u32,
}

/// One orientation a sample of the page was read at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OrientationCandidate {
    /// Clockwise turn from the page as shown, in degrees (0, 90, 180, 270).
    pub rotation: u16,
    /// How well the sample read at that turn.
    pub score: ReadScore,
    /// Whether only the sample's first lines were read: they settled the turn on their own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_lines: bool,
}

/// Which image the words of a page were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ReadKind {
    /// The preprocessed image.
    #[default]
    Pipeline,
    /// The page as shown, in gray, without preprocessing.
    Plain,
    /// A PDF page's text layer: no OCR.
    TextLayer,
}

/// The recognised text of one image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// The image file this page was read from, if it came from a file.
    pub source: Option<PathBuf>,
    /// Width of the source image in pixels (EXIF orientation applied).
    pub width: u32,
    /// Height of the source image in pixels (EXIF orientation applied).
    pub height: u32,
    /// The Tesseract languages used, such as `fra` or `eng+deu`.
    pub language: String,
    /// The text blocks in reading order.
    pub blocks: Vec<Block>,
    /// What preprocessing did.
    pub preprocessing: Preprocessing,
}

impl Page {
    /// A page of no words, named by its source.
    pub fn empty(source: &std::path::Path) -> Page {
        Page {
            source: Some(source.to_path_buf()),
            width: 0,
            height: 0,
            language: String::new(),
            blocks: Vec::new(),
            preprocessing: Preprocessing::default(),
        }
    }

    /// The plain text: words joined by spaces, lines by newlines, blocks by blank lines.
    pub fn text(&self) -> String {
        self.render(false)
    }

    /// The plain text, but with a tab where the gap between two words of a line is wider than
    /// one and a half times the line's height: the gutter between the columns of a table.
    pub fn text_with_columns(&self) -> String {
        self.render(true)
    }

    /// The plain text (with column tabs when `columns`), and the byte range of each word in it,
    /// in reading order (one per word of [`Page::words`]): for showing the text with each word tied to its box.
    pub fn text_with_spans(&self, columns: bool) -> (String, Vec<Range<usize>>) {
        let mut text = String::new();
        let mut spans = Vec::new();
        for block in &self.blocks {
            let words = || block.lines.iter().flat_map(|l| l.words.iter());
            if words().all(|w| w.text.trim().is_empty()) {
                // Nothing to show, but every word keeps its place in the list of spans.
                spans.extend(words().map(|_| text.len()..text.len()));
                continue;
            }
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            for (i, l) in block.lines.iter().enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                let mut prev: Option<BBox> = None;
                for w in &l.words {
                    if let Some(p) = prev {
                        let gap = w.bbox.x.saturating_sub(p.x + p.width);
                        let wide = columns && gap > l.bbox.height.max(1) * 3 / 2;
                        text.push(if wide { '\t' } else { ' ' });
                    }
                    spans.push(text.len()..text.len() + w.text.len());
                    text.push_str(&w.text);
                    prev = Some(w.bbox);
                }
            }
        }
        if !text.is_empty() {
            text.push('\n');
        }
        (text, spans)
    }

    fn render(&self, columns: bool) -> String {
        self.text_with_spans(columns).0
    }

    /// All words in reading order.
    pub fn words(&self) -> impl Iterator<Item = &Word> {
        self.blocks
            .iter()
            .flat_map(|b| b.lines.iter())
            .flat_map(|l| l.words.iter())
    }

    /// How many words were recognised.
    pub fn word_count(&self) -> usize {
        self.words().count()
    }

    /// The mean word confidence (0 to 100), or `None` when no word was found.
    pub fn mean_confidence(&self) -> Option<f32> {
        let (n, sum) = self
            .words()
            .fold((0usize, 0f32), |(n, s), w| (n + 1, s + w.confidence));
        (n > 0).then(|| sum / n as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(t: &str, c: f32) -> Word {
        Word {
            text: t.into(),
            bbox: BBox::default(),
            confidence: c,
        }
    }

    fn page() -> Page {
        let line = |ws: Vec<Word>| Line {
            bbox: BBox::default(),
            words: ws,
        };
        Page {
            source: None,
            width: 10,
            height: 10,
            language: "eng".into(),
            blocks: vec![
                Block {
                    bbox: BBox::default(),
                    lines: vec![
                        line(vec![word("Hello", 90.0), word("world", 80.0)]),
                        line(vec![word("again", 70.0)]),
                    ],
                },
                Block {
                    bbox: BBox::default(),
                    lines: vec![line(vec![word("Bye", 60.0)])],
                },
            ],
            preprocessing: Preprocessing::default(),
        }
    }

    #[test]
    fn text_joins_words_lines_blocks() {
        assert_eq!(page().text(), "Hello world\nagain\n\nBye\n");
    }

    #[test]
    fn wide_gaps_in_a_line_become_tabs() {
        let at = |t: &str, x: u32| Word {
            text: t.into(),
            bbox: BBox::new(x, 0, 40, 20),
            confidence: 90.0,
        };
        let mut p = page();
        p.blocks[0].lines[0] = Line {
            bbox: BBox::new(0, 0, 400, 20),
            // Gaps of 10 px (a space) and 60 px (three line heights: a column gutter).
            words: vec![at("le", 0), at("four", 50), at("the", 150), at("oven", 200)],
        };
        assert_eq!(p.text_with_columns(), "le four\tthe oven\nagain\n\nBye\n");
        assert_eq!(p.text(), "le four the oven\nagain\n\nBye\n");
    }

    #[test]
    fn spans_point_at_each_word() {
        let p = page();
        let (text, spans) = p.text_with_spans(false);
        let words: Vec<&str> = spans.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(words, ["Hello", "world", "again", "Bye"]);
        assert_eq!(spans.len(), p.word_count());
    }

    #[test]
    fn counts_and_confidence() {
        let p = page();
        assert_eq!(p.word_count(), 4);
        assert_eq!(p.mean_confidence(), Some(75.0));
    }

    #[test]
    fn json_round_trip() {
        let p = page();
        let json = serde_json::to_string(&p).expect("serialise");
        let back: Page = serde_json::from_str(&json).expect("parse");
        assert_eq!(p, back);
    }

    #[test]
    fn steps_are_written_as_short_strings_and_read_back() {
        let steps = [
            Step::Gray(GrayMode::Darkest),
            Step::Plain,
            Step::Orient(270),
            Step::Crop,
            Step::Deskew(-1.5),
            Step::Perspective,
            Step::Scale(1.25),
            Step::Invert(0.5),
            Step::Normalize,
            Step::Binarize,
            Step::Denoise(2),
        ];
        let json = serde_json::to_string(&steps).expect("serialise");
        assert_eq!(
            json,
            r#"["gray:darkest","plain","orient:270","crop","deskew:-1.5","perspective","scale:1.25","invert:50%","normalize","binarize","denoise:2"]"#
        );
        let back: Vec<Step> = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, steps);
        assert!(serde_json::from_str::<Step>(r#""sharpen""#).is_err());
        // Measured numbers come back as written, and as recorded.
        for made in [Step::Deskew(1.26), Step::Scale(1.337), Step::Invert(0.3549)] {
            let kept = made.recorded();
            let json = serde_json::to_string(&kept).expect("serialise");
            assert_eq!(
                serde_json::from_str::<Step>(&json).ok(),
                Some(kept),
                "{json}"
            );
        }
        assert_eq!(Step::Invert(0.3549).recorded(), Step::Invert(0.35));
        let weak: Vec<_> = steps.iter().filter(|s| s.acts_on_weak_evidence()).collect();
        assert_eq!(
            weak,
            [&Step::Perspective, &Step::Invert(0.5), &Step::Normalize]
        );
    }
}
