//! A PDF page's text layer as a [`Page`]: glyphs gathered into words, lines and blocks, and the
//! evidence on whether the layer can be trusted or the page must be read by OCR too.
//!
//! The rule, in order:
//! 1. No layer, or fewer than [`MIN_LETTERS`] letters in it: the page is read by OCR.
//! 2. More than a tenth of the glyphs without a Unicode meaning (a font with no map to
//!    characters), or more than a fifth set at an angle: the layer cannot be made into words,
//!    and the page is read by OCR.
//! 3. A visible layer, on a page that is not mostly one image, whose long words are mostly
//!    (at least [`TRUSTED_SHARE`]) in the language's dictionary: the layer is the page; no OCR.
//! 4. Anything else (a scanner's invisible OCR layer, a layer over a full-page image, a layer
//!    whose words the dictionary mostly does not know): the page is read by OCR as well, and
//!    of the two reads the one with more dictionary words is kept (the layer on a tie).

use std::path::Path;

use page_image::pdf::{Glyph, TextLayer};
use unicode_normalization::UnicodeNormalization;

use crate::geometry::BBox;
use crate::page::{Block, Line, Page, Preprocessing, ReadKind, Word};

/// Fewest letters a layer must hold to be read at all.
pub const MIN_LETTERS: usize = 10;

/// Share of a layer's long words the dictionary must know for the layer to be taken without
/// reading the page by OCR too.
pub const TRUSTED_SHARE: f32 = 0.5;

/// Share of the page one image must cover for the page to count as a scan.
const SCAN_COVER: f32 = 0.5;

/// Of a list of words, how many are long (three letters or more, letters only) and how many of
/// those the language's dictionary knows; `None` when no dictionary can be had.
pub type DictionaryCount<'a> = dyn FnMut(&[&str]) -> Option<(u32, u32)> + 'a;

/// What a text layer is worth.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The layer is the page.
    Trusted(Page),
    /// The layer makes a page, but the page must be read by OCR too, for the reason given.
    Doubtful(Page, String),
    /// The layer cannot be used, for the reason given.
    Unusable(String),
}

/// Judges page `layer` of a PDF named `source` by the rule above, counting known words with
/// `dictionary`.
pub fn judge(
    layer: &TextLayer,
    source: &Path,
    language: &str,
    dictionary: &mut DictionaryCount<'_>,
) -> Verdict {
    let ink: Vec<&Glyph> = layer
        .glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .collect();
    let letters = ink
        .iter()
        .filter(|g| g.text.chars().any(char::is_alphabetic))
        .count();
    if letters < MIN_LETTERS {
        return Verdict::Unusable(if ink.is_empty() {
            "the PDF page has no text layer".into()
        } else {
            format!("the PDF page's text layer holds only {letters} letters")
        });
    }
    let share =
        |f: &dyn Fn(&Glyph) -> bool| ink.iter().filter(|g| f(g)).count() as f32 / ink.len() as f32;
    let unmapped = share(&|g| !g.text.chars().all(is_meaningful));
    if unmapped > 0.1 {
        return Verdict::Unusable(format!(
            "{:.0}% of the text layer's glyphs have no Unicode meaning",
            unmapped * 100.0
        ));
    }
    let slanted = share(&|g| !g.upright);
    if slanted > 0.2 {
        return Verdict::Unusable(format!(
            "{:.0}% of the text layer is set at an angle",
            slanted * 100.0
        ));
    }
    let page = assemble(layer, source, language);
    let invisible = share(&|g| g.invisible);
    let words: Vec<&str> = page.words().map(|w| w.text.as_str()).collect();
    let known = dictionary(&words);
    let why = if invisible > 0.5 {
        Some("the text layer is invisible, a scanner's own OCR".to_owned())
    } else if layer.image_cover >= SCAN_COVER {
        Some(format!(
            "an image covers {:.0}% of the page",
            layer.image_cover * 100.0
        ))
    } else {
        match known {
            Some((long, k)) if long > 0 && (k as f32) < TRUSTED_SHARE * long as f32 => Some(
                format!("the dictionary knows {k} of the text layer's {long} long words"),
            ),
            _ => None,
        }
    };
    match why {
        Some(why) => Verdict::Doubtful(page, why),
        None => Verdict::Trusted(page),
    }
}

/// Whether a character of a layer stands for text: not U+FFFD, a control or a private-use
/// code point.
fn is_meaningful(c: char) -> bool {
    !(c == '\u{FFFD}'
        || c.is_control()
        || ('\u{E000}'..='\u{F8FF}').contains(&c)
        || ('\u{F0000}'..).contains(&c))
}

/// The glyph's text with ligatures (ﬁ, ﬂ…) spelt out and accents composed.
fn spelt(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if ('\u{FB00}'..='\u{FB06}').contains(&c) {
                c.to_string().nfkc().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .nfc()
        .collect()
}

/// A line being gathered: its words (glyphs), its baseline and size.
struct Gathering<'a> {
    words: Vec<Vec<&'a Glyph>>,
    baseline: f32,
    size: f32,
    right: f32,
}

/// Gathers the upright glyphs into words (split at spaces and at gaps wider than a sixth of
/// an em), lines (a glyph that leaves the baseline or jumps more than three ems along it
/// starts a new one) and blocks (a line joins the block above when it starts within one and a
/// half line heights under it, overlaps it across and is set in a like size).
fn assemble(layer: &TextLayer, source: &Path, language: &str) -> Page {
    let mut lines: Vec<Gathering<'_>> = Vec::new();
    let mut space = false;
    for g in layer.glyphs.iter().filter(|g| g.upright) {
        if g.text.trim().is_empty() {
            space = true;
            continue;
        }
        let size = g.size.max(1.0);
        let baseline = g.bbox[3] - 0.2 * size;
        let joins = lines.last().is_some_and(|l| {
            (baseline - l.baseline).abs() < 0.35 * l.size.max(size)
                && g.bbox[0] > l.right - 0.5 * size
                && g.bbox[0] - l.right < 3.0 * size
        });
        if joins && let Some(l) = lines.last_mut() {
            if space || g.bbox[0] - l.right > size / 6.0 {
                l.words.push(vec![g]);
            } else if let Some(w) = l.words.last_mut() {
                w.push(g);
            }
            l.right = l.right.max(g.bbox[2]);
        } else {
            lines.push(Gathering {
                words: vec![vec![g]],
                baseline,
                size,
                right: g.bbox[2],
            });
        }
        space = false;
    }

    let to_box = |b: [f32; 4]| {
        let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
        let (x0, y0) = (clamp(b[0], layer.width), clamp(b[1], layer.height));
        let (x1, y1) = (clamp(b[2], layer.width), clamp(b[3], layer.height));
        BBox::new(x0, y0, (x1 - x0).max(1), (y1 - y0).max(1))
    };
    let mut blocks: Vec<(Block, f32)> = Vec::new();
    for l in lines {
        let words: Vec<Word> = l
            .words
            .iter()
            .map(|glyphs| {
                let mut b = glyphs[0].bbox;
                for g in &glyphs[1..] {
                    b = [
                        b[0].min(g.bbox[0]),
                        b[1].min(g.bbox[1]),
                        b[2].max(g.bbox[2]),
                        b[3].max(g.bbox[3]),
                    ];
                }
                Word {
                    text: spelt(&glyphs.iter().map(|g| g.text.as_str()).collect::<String>()),
                    bbox: to_box(b),
                    confidence: 100.0,
                }
            })
            .collect();
        let bbox = words
            .iter()
            .skip(1)
            .fold(words[0].bbox, |acc, w| acc.union(w.bbox));
        let line = Line { bbox, words };
        let joins = blocks.last().is_some_and(|(b, size)| {
            let last = b.lines.last().map_or(b.bbox, |l| l.bbox);
            let gap = bbox.y as f32 - (last.y + last.height) as f32;
            let overlap = bbox.x < b.bbox.x + b.bbox.width && b.bbox.x < bbox.x + bbox.width;
            let ratio = l.size.max(*size) / l.size.min(*size);
            gap > -0.5 * l.size && gap < 1.5 * bbox.height as f32 && overlap && ratio < 1.3
        });
        match blocks.last_mut() {
            Some((b, _)) if joins => {
                b.bbox = b.bbox.union(bbox);
                b.lines.push(line);
            }
            _ => blocks.push((
                Block {
                    bbox,
                    lines: vec![line],
                },
                l.size,
            )),
        }
    }

    Page {
        source: Some(source.to_path_buf()),
        width: layer.width,
        height: layer.height,
        language: language.to_owned(),
        blocks: blocks.into_iter().map(|(b, _)| b).collect(),
        preprocessing: Preprocessing {
            scale: 1.0,
            processed_width: layer.width,
            processed_height: layer.height,
            read: ReadKind::TextLayer,
            notes: vec![format!(
                "read from the PDF's text layer, the page drawn at {:.0} dpi",
                layer.dpi
            )],
            ..Preprocessing::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A glyph per character of each line, 10 px to the em, lines 20 px apart.
    fn layer(lines: &[&str], invisible: bool) -> TextLayer {
        let mut glyphs = Vec::new();
        for (row, text) in lines.iter().enumerate() {
            let base = 20.0 + 20.0 * row as f32;
            for (k, c) in text.chars().enumerate() {
                let x = 10.0 + 6.0 * k as f32;
                glyphs.push(Glyph {
                    text: c.to_string(),
                    bbox: [x, base - 8.0, x + 6.0, base + 2.0],
                    size: 10.0,
                    invisible,
                    upright: true,
                });
            }
        }
        TextLayer {
            width: 400,
            height: 400,
            glyphs,
            image_cover: 0.0,
            dpi: 300.0,
        }
    }

    fn all_known(words: &[&str]) -> Option<(u32, u32)> {
        Some((words.len() as u32, words.len() as u32))
    }

    #[test]
    fn a_clean_layer_is_the_page_in_words_lines_and_blocks() {
        let l = layer(&["la cellule - the cell", "l'été - the summer"], false);
        let Verdict::Trusted(page) = judge(&l, Path::new("a.pdf#2"), "fra", &mut all_known) else {
            panic!("not trusted")
        };
        assert_eq!(
            page.text().trim_end(),
            "la cellule - the cell\nl'été - the summer"
        );
        assert_eq!(page.blocks.len(), 1);
        assert_eq!(page.preprocessing.read, ReadKind::TextLayer);
        let first = &page.blocks[0].lines[0].words[1];
        assert_eq!(first.bbox, BBox::new(28, 12, 42, 10));
    }

    #[test]
    fn a_far_line_starts_a_new_block() {
        let mut l = layer(
            &["Titre de la page", "", "", "", "", "premier paragraphe"],
            false,
        );
        l.glyphs.retain(|g| !g.text.is_empty());
        let Verdict::Trusted(page) = judge(&l, Path::new("a.pdf"), "fra", &mut all_known) else {
            panic!("not trusted")
        };
        assert_eq!(page.blocks.len(), 2, "{:?}", page.text());
    }

    #[test]
    fn scanner_layers_unmapped_fonts_and_unknown_words_are_doubted_or_refused() {
        let text = ["la cellule - the cell", "l'été - the summer"];
        let verdict = judge(
            &layer(&text, true),
            Path::new("s.pdf"),
            "fra",
            &mut all_known,
        );
        assert!(matches!(verdict, Verdict::Doubtful(_, ref w) if w.contains("invisible")));

        let mut unmapped = layer(&text, false);
        for g in unmapped.glyphs.iter_mut().step_by(3) {
            g.text = "\u{FFFD}".into();
        }
        let verdict = judge(&unmapped, Path::new("u.pdf"), "fra", &mut all_known);
        assert!(matches!(verdict, Verdict::Unusable(ref w) if w.contains("Unicode")));

        let mut none_known = |w: &[&str]| Some((w.len() as u32, 0));
        let verdict = judge(
            &layer(&text, false),
            Path::new("g.pdf"),
            "fra",
            &mut none_known,
        );
        assert!(matches!(verdict, Verdict::Doubtful(_, ref w) if w.contains("dictionary")));

        let verdict = judge(
            &layer(&["p. 3"], false),
            Path::new("e.pdf"),
            "fra",
            &mut all_known,
        );
        assert!(matches!(verdict, Verdict::Unusable(_)));
    }

    #[test]
    fn ligatures_are_spelt_out() {
        assert_eq!(spelt("\u{FB01}n"), "fin");
        assert_eq!(spelt("e\u{301}te\u{301}"), "été");
    }
}
