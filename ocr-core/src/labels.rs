//! The labels of a diagram: short runs of words standing apart from running text, which an
//! image occlusion card hides one by one.
//!
//! A line of the page is split where its words are far apart (two labels on one height of a
//! drawing are one Tesseract line). A run is a label when it has one to four words with letters
//! or digits, reads with fair confidence, is not a pair (`chat - cat`), and stands apart: no
//! line of running text (more than four words) lies right above or below it, and it is not one
//! of a stack of close, aligned short lines (a list or a table column). Two short runs right
//! above each other and centred on each other are one label of two lines. A page gives labels
//! only when it has at least three and they make at least a quarter of its words: a page of
//! running text with a heading or two gives none.

use crate::geometry::BBox;
use crate::page::Page;

/// Most words in one label.
pub const MAX_LABEL_WORDS: usize = 4;
/// Fewest labels for a page to be a labelled diagram.
pub const MIN_LABELS: usize = 3;
/// Lowest mean confidence of a label's words.
const MIN_CONFIDENCE: f32 = 50.0;
/// Words this far apart (in line heights) belong to different labels.
const SPLIT_GAP: f32 = 1.2;
/// Stacked lines closer than this (pitch, in line heights) are a list, not labels.
const LIST_PITCH: f32 = 2.0;

/// One label found on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Its words, as read.
    pub text: String,
    /// Its box in source-image pixels (EXIF orientation applied).
    pub bbox: BBox,
    /// The mean confidence of its words, 0 to 100.
    pub confidence: f32,
}

/// A run of words of one line, in the frame where lines run left to right.
#[derive(Debug, Clone)]
struct Run {
    words: Vec<(String, BBox, f32)>,
    bbox: BBox,
}

impl Run {
    fn new(words: Vec<(String, BBox, f32)>) -> Run {
        let bbox = words
            .iter()
            .map(|w| w.1)
            .reduce(BBox::union)
            .unwrap_or_default();
        Run { words, bbox }
    }

    fn count(&self) -> usize {
        self.words.len()
    }

    fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.0.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn confidence(&self) -> f32 {
        self.words.iter().map(|w| w.2).sum::<f32>() / self.words.len().max(1) as f32
    }
}

fn has_alnum(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Whether `s` reads as a label's word rather than marks of a drawing.
fn is_wordlike(s: &str) -> bool {
    let alnum = s.chars().filter(|c| c.is_alphanumeric()).count();
    let all = s.chars().filter(|c| !c.is_whitespace()).count();
    alnum > 0 && alnum * 3 >= all * 2
}

fn median(mut v: Vec<u32>) -> u32 {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    v[v.len() / 2]
}

fn overlap(a0: u32, a1: u32, b0: u32, b1: u32) -> u32 {
    a1.min(b1).saturating_sub(a0.max(b0))
}

impl Page {
    /// The labels of the page if it is a labelled diagram (see the module's rules), in reading
    /// order; none for running text, lists and tables.
    pub fn labels(&self) -> Vec<Label> {
        // Boxes are in source pixels; on a page read turned a quarter, its lines run down the
        // image, so the analysis swaps the axes and swaps them back at the end.
        let sideways = matches!(self.preprocessing.rotation, 90 | 270);
        let frame = |b: BBox| match sideways {
            true => BBox::new(b.y, b.x, b.height, b.width),
            false => b,
        };
        let height = median(
            self.words()
                .filter(|w| has_alnum(&w.text))
                .map(|w| frame(w.bbox).height)
                .collect(),
        )
        .max(1);
        let h = height as f32;
        let text_words = self.words().filter(|w| has_alnum(&w.text)).count();

        // Runs: each line split where its words are far apart.
        let mut runs: Vec<Run> = Vec::new();
        for line in self.blocks.iter().flat_map(|b| &b.lines) {
            let mut words: Vec<(String, BBox, f32)> = line
                .words
                .iter()
                .filter(|w| !w.text.trim().is_empty())
                .map(|w| (w.text.trim().to_owned(), frame(w.bbox), w.confidence))
                .collect();
            words.sort_by_key(|w| w.1.x);
            let mut current: Vec<(String, BBox, f32)> = Vec::new();
            for w in words {
                if let Some(last) = current.last() {
                    let gap = w.1.x.saturating_sub(last.1.x + last.1.width);
                    if gap as f32 > SPLIT_GAP * h {
                        runs.push(Run::new(std::mem::take(&mut current)));
                    }
                }
                current.push(w);
            }
            if !current.is_empty() {
                runs.push(Run::new(current));
            }
        }

        // Marks of the drawing at either end of a run (a leader line read as `—`) are not part
        // of its label.
        for run in &mut runs {
            while run.words.first().is_some_and(|w| !is_wordlike(&w.0)) {
                run.words.remove(0);
            }
            while run.words.last().is_some_and(|w| !is_wordlike(&w.0)) {
                run.words.pop();
            }
            *run = Run::new(std::mem::take(&mut run.words));
        }
        runs.retain(|r| r.count() > 0);

        let long: Vec<BBox> = runs
            .iter()
            .filter(|r| r.count() > MAX_LABEL_WORDS)
            .map(|r| r.bbox)
            .collect();
        let mut short: Vec<Run> = runs
            .into_iter()
            .filter(|r| r.count() <= MAX_LABEL_WORDS)
            // A pair (`chat - cat`, `A = B`) is a list's line, not a label.
            .filter(|r| r.words.iter().all(|w| is_wordlike(&w.0)))
            .filter(|r| r.confidence() >= MIN_CONFIDENCE)
            // One character alone is a label only when read with high confidence.
            .filter(|r| {
                r.text().chars().filter(|c| c.is_alphanumeric()).count() > 1
                    || r.confidence() >= 85.0
            })
            .collect();

        // Next to running text: a heading over a paragraph, the last line of one.
        short.retain(|r| {
            !long.iter().any(|l| {
                let gap =
                    l.y.saturating_sub(r.bbox.y + r.bbox.height)
                        .max(r.bbox.y.saturating_sub(l.y + l.height));
                (gap as f32) < 1.0 * h
                    && overlap(r.bbox.x, r.bbox.x + r.bbox.width, l.x, l.x + l.width) > 0
            })
        });

        // Stacks of close, aligned short lines are lists or table columns.
        short.sort_by_key(|r| (r.bbox.y, r.bbox.x));
        let n = short.len();
        let mut stacked_with: Vec<Vec<usize>> = vec![Vec::new(); n];
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (short[i].bbox, short[j].bbox);
                let pitch = b.y.saturating_sub(a.y) as f32;
                let aligned = a.x.abs_diff(b.x) as f32 <= h
                    || (a.x + a.width / 2).abs_diff(b.x + b.width / 2) as f32 <= h;
                if pitch > 0.0 && pitch <= LIST_PITCH * h && aligned {
                    stacked_with[i].push(j);
                    stacked_with[j].push(i);
                }
            }
        }
        // A run in a stack of three or more (itself and two others, directly or through a
        // neighbour) is a list's line.
        let in_list: Vec<bool> = (0..n)
            .map(|i| {
                let mut group: Vec<usize> = stacked_with[i].clone();
                for &j in &stacked_with[i] {
                    group.extend(stacked_with[j].iter().copied().filter(|&k| k != i));
                }
                group.sort_unstable();
                group.dedup();
                group.len() >= 2
            })
            .collect();

        // Two lines of one label: right above each other, centred, close.
        let mut taken = vec![false; n];
        let mut found: Vec<Run> = Vec::new();
        for i in 0..n {
            if taken[i] || in_list[i] {
                continue;
            }
            taken[i] = true;
            let mut run = short[i].clone();
            if let Some(&j) = stacked_with[i].iter().find(|&&j| {
                let (a, b) = (run.bbox, short[j].bbox);
                !taken[j]
                    && !in_list[j]
                    && b.y > a.y
                    && (b.y.saturating_sub(a.y + a.height) as f32) < 0.8 * h
                    && run.count() + short[j].count() <= MAX_LABEL_WORDS
            }) {
                taken[j] = true;
                run.words.extend(short[j].words.iter().cloned());
                run = Run::new(run.words);
            }
            found.push(run);
        }

        let label_words: usize = found.iter().map(Run::count).sum();
        if found.len() < MIN_LABELS || label_words * 4 < text_words {
            return Vec::new();
        }
        found
            .into_iter()
            .map(|r| Label {
                text: r.text(),
                bbox: frame(r.bbox),
                confidence: r.confidence(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::{Block, Line, Word};

    fn line(words: &[(&str, u32)], y: u32) -> Line {
        let words: Vec<Word> = words
            .iter()
            .map(|&(t, x)| Word {
                text: t.into(),
                bbox: BBox::new(x, y, 12 * t.chars().count() as u32, 20),
                confidence: 92.0,
            })
            .collect();
        let bbox = words.iter().map(|w| w.bbox).reduce(BBox::union).unwrap();
        Line { bbox, words }
    }

    fn page(lines: Vec<Line>) -> Page {
        let mut page = Page::empty(std::path::Path::new("diagram.png"));
        (page.width, page.height) = (1000, 1000);
        page.blocks = lines
            .into_iter()
            .map(|l| Block {
                bbox: l.bbox,
                lines: vec![l],
            })
            .collect();
        page
    }

    #[test]
    fn scattered_short_runs_are_labels_and_split_at_wide_gaps() {
        let p = page(vec![
            line(&[("Nucleus", 100), ("Ribosome", 700)], 100),
            line(&[("Cell", 120), ("membrane", 180)], 400),
            line(&[("—", 560), ("Vacuole", 600)], 650),
            line(&[("Golgi", 300), ("body", 370)], 900),
        ]);
        let labels = p.labels();
        let texts: Vec<&str> = labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Nucleus",
                "Ribosome",
                "Cell membrane",
                "Vacuole",
                "Golgi body"
            ]
        );
        assert_eq!(labels[3].bbox.x, 600, "the leader line is not in the label");
    }

    #[test]
    fn running_text_lists_and_headings_give_none() {
        let prose = |y| {
            line(
                &[
                    ("The", 100),
                    ("cell", 160),
                    ("is", 230),
                    ("the", 270),
                    ("unit", 330),
                    ("of", 400),
                    ("life.", 440),
                ],
                y,
            )
        };
        let mut lines = vec![line(&[("Chapter", 100), ("One", 200)], 40)];
        lines.extend((0..10).map(|i| prose(100 + 30 * i)));
        lines.push(line(&[("the", 100), ("end.", 160)], 400));
        lines.push(line(&[("12", 500)], 950));
        assert!(page(lines).labels().is_empty());
        // A list: short lines close under each other.
        let list: Vec<Line> = ["chat", "chien", "oiseau", "poisson", "cheval"]
            .iter()
            .enumerate()
            .map(|(i, w)| line(&[(w, 100)], 100 + 30 * i as u32))
            .collect();
        assert!(page(list).labels().is_empty());
    }
}
