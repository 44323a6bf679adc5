//! Cards without a model: vocabulary lists, two-column tables, `Q:`/`A:` lines and glossary
//! entries read straight off the page, so the tool works offline and on a fresh machine.
//!
//! Precision comes first: a card is made only from a line that looks like a pair. It splits once
//! on a separator (` = `, ` - `, ` – `, ` — `, `: `, ` | `, or a wide gap between two columns);
//! both sides have letters and are mostly letters, neither is a number, a one-letter fragment or
//! OCR debris (stray brackets, bars, braces), and the meaning is not a further column. The same
//! separator must be used on at least one other such line close by (at most two other lines
//! between them), such lines must make up more than half of the lines of their run, and a term
//! is not a numbered label (`Exercice 1`): a lone
//! `Title: subtitle` is a heading, and a worksheet's scattered dashes are not a list. A page with
//! none is counted in the report (`no_list`) instead of guessed at. Every card quotes the line it
//! comes from, so it is grounded by construction.

use async_trait::async_trait;

use crate::answer::ModelCard;
use crate::error::Result;
use crate::generator::{CardGenerator, Generation, merge};
use crate::request::{CardOptions, Document, GenerationRequest, KindWanted};
use crate::validate::{Report, Validator};

/// Separators between a term and its meaning, strongest first.
const SEPARATORS: [&str; 8] = ["\t", " = ", " — ", " – ", " - ", " | ", " : ", ": "];

/// Longest term, in characters, for a line to read as a pair rather than prose.
const MAX_TERM_CHARS: usize = 80;

/// The generator that needs no model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Builtin;

#[async_trait]
impl CardGenerator for Builtin {
    fn describe(&self) -> String {
        "builtin (vocabulary lists, Q/A lines and glossaries; no model)".into()
    }

    async fn generate(&self, request: &GenerationRequest) -> Result<Generation> {
        let docs: Vec<Generation> = request
            .documents
            .iter()
            .map(|d| cards_of(d, &request.options))
            .collect();
        Ok(merge(&docs))
    }
}

/// The cards of one document.
pub fn cards_of(doc: &Document, options: &CardOptions) -> Generation {
    let mut report = Report {
        chunks: 1,
        ..Report::default()
    };
    let mut validator = Validator::new(doc, options);
    let found = extract(&doc.text, &options.kinds);
    if found.is_empty() {
        report.no_list = 1;
    }
    let cards = found
        .into_iter()
        .filter_map(|c| validator.check(c, &mut report))
        .collect();
    Generation { cards, report }
}

/// The kind a term and its meaning become, given the kinds wanted.
fn pair_card(term: &str, meaning: &str, quote: &str, kinds: &[KindWanted]) -> Option<ModelCard> {
    let quote = quote.to_owned();
    let (term, meaning) = (term.to_owned(), meaning.to_owned());
    if kinds.contains(&KindWanted::Reversed) {
        Some(ModelCard::Reversed {
            front: term,
            back: meaning,
            quote,
        })
    } else if kinds.contains(&KindWanted::Vocabulary) {
        Some(ModelCard::Vocabulary {
            term,
            definition: meaning,
            example: String::new(),
            quote,
        })
    } else if kinds.contains(&KindWanted::Basic) {
        Some(ModelCard::Basic {
            question: term,
            answer: meaning,
            quote,
        })
    } else if kinds.contains(&KindWanted::Cloze) {
        Some(ModelCard::Cloze {
            text: format!("{{{{c1::{}}}}} — {meaning}", term.replace("}}", "} }")),
            quote,
        })
    } else {
        None
    }
}

fn strip_label<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    let t = line.trim_start();
    labels.iter().find_map(|l| {
        let head = t.get(..l.len())?;
        head.eq_ignore_ascii_case(l)
            .then(|| t[l.len()..].trim_start_matches([':', '.', ')', ' ']).trim())
    })
}

fn question(line: &str) -> Option<&str> {
    strip_label(line, &["question", "q:", "q.", "q)"]).filter(|q| !q.is_empty())
}

fn answer_of(line: &str) -> Option<&str> {
    strip_label(
        line,
        &["answer", "réponse", "reponse", "a:", "a.", "a)", "r:"],
    )
}

/// Leading list markers: bullets, numbers, letters.
fn strip_bullet(s: &str) -> &str {
    // Bullets as drawn, and as OCR often reads them (`+`, `°`, `»`).
    let t = s.trim_start_matches([
        '•', '·', '*', '▪', '-', '–', '—', '+', '°', '»', '>', '◦', '○', '■', '□', '✓', '✔', '→',
        ' ',
    ]);
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let t = if digits > 0 && t[digits..].starts_with(['.', ')']) {
        &t[digits + 1..]
    } else {
        t
    };
    t.trim()
}

fn split_pair(line: &str) -> Option<(usize, &str, &str)> {
    SEPARATORS.iter().enumerate().find_map(|(i, sep)| {
        let (a, b) = line.split_once(sep)?;
        let (a, b) = (strip_bullet(a), b.trim().trim_end_matches([',', ';']));
        let term_ok = a.chars().count() <= MAX_TERM_CHARS && a.split_whitespace().count() <= 8;
        // A meaning with a further column gap is a row of a table of three or more columns.
        (term_ok && side_ok(a) && side_ok(b) && !is_label(a) && !b.contains('\t'))
            .then_some((i, a, b))
    })
}

/// Characters that OCR makes of rules, boxes and pictures, and that a word list does not hold.
const DEBRIS: &[char] = &[
    '[', ']', '{', '}', '|', '\\', '_', '~', '^', '<', '>', '@', '#', '%', '*', '¢', '©', '®', '§',
    '¥', '£', '€', '$', '«', '»', '=', '+', '\t',
];

/// Whether one side of a pair reads as words: two letters or more, letters making up at least
/// 60% of what is not a space or ordinary punctuation, no OCR debris, brackets that close.
pub fn side_ok(side: &str) -> bool {
    let letters = side.chars().filter(|c| c.is_alphabetic()).count();
    let counted = side
        .chars()
        .filter(|c| !c.is_whitespace() && !"'’-.,;:!?()/\"".contains(*c))
        .count();
    let opens = side.matches('(').count();
    let closes = side.matches(')').count();
    letters >= 2 && letters * 10 >= counted * 6 && !side.contains(DEBRIS) && opens == closes
}

/// Whether a term is a label with a number (`Exercice 1`, `Question 3:`, `Partie II`: up to
/// three words, the last a number or a Roman numeral) or a section number (`II.`, `3)`).
fn is_label(term: &str) -> bool {
    let words: Vec<&str> = term.split_whitespace().collect();
    let Some(last) = words.last() else {
        return false;
    };
    let numbered = |w: &str| {
        !w.is_empty()
            && (w.chars().all(|c| c.is_ascii_digit()) || w.chars().all(|c| "IVXL".contains(c)))
    };
    let bare = last.trim_end_matches(['.', ')', ':']);
    let section = words.len() == 1 && bare.len() < last.len() && numbered(bare);
    section || ((2..=3).contains(&words.len()) && numbered(bare))
}

/// The pair lines that belong to a list: for each separator, runs of lines using it with at most
/// two other lines between neighbours; a run counts when it has two lines or more (three for a
/// column gap: a section number and its title, twice, also make two rows of two columns) and
/// they are more than half of the run's non-empty lines.
fn listed(pairs: &[(usize, usize, &str, &str)], lines: &[&str]) -> Vec<bool> {
    let mut keep = vec![false; pairs.len()];
    for (sep, separator) in SEPARATORS.iter().enumerate() {
        let idx: Vec<usize> = (0..pairs.len()).filter(|&k| pairs[k].1 == sep).collect();
        let mut start = 0;
        while start < idx.len() {
            let mut end = start;
            while end + 1 < idx.len() {
                let (a, b) = (pairs[idx[end]].0, pairs[idx[end + 1]].0);
                let between = lines[a + 1..b].iter().filter(|l| !l.is_empty()).count();
                if between > 2 {
                    break;
                }
                end += 1;
            }
            let members = end - start + 1;
            let (first, last) = (pairs[idx[start]].0, pairs[idx[end]].0);
            let spanned = lines[first..=last].iter().filter(|l| !l.is_empty()).count();
            let needed = if *separator == "\t" { 3 } else { 2 };
            if members >= needed && members * 2 > spanned {
                idx[start..=end].iter().for_each(|&k| keep[k] = true);
            }
            start = end + 1;
        }
    }
    keep
}

/// Reads the cards off a text.
pub fn extract(text: &str, kinds: &[KindWanted]) -> Vec<ModelCard> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut used = vec![false; lines.len()];
    let mut found: Vec<(usize, ModelCard)> = Vec::new();

    // Questions and answers: a Q line, then an A line (the answer may run over several lines).
    let mut i = 0;
    while i < lines.len() {
        if let Some(q) = question(lines[i])
            && let Some(j) = (i + 1..lines.len()).find(|&j| !lines[j].is_empty())
            && let Some(a) = answer_of(lines[j])
        {
            let mut answer = a.to_owned();
            let mut end = j;
            while end + 1 < lines.len()
                && !lines[end + 1].is_empty()
                && question(lines[end + 1]).is_none()
            {
                end += 1;
                answer.push(' ');
                answer.push_str(lines[end]);
            }
            let answer = answer.trim().to_owned();
            if !answer.is_empty() && kinds.contains(&KindWanted::Basic) {
                found.push((
                    i,
                    ModelCard::Basic {
                        question: q.to_owned(),
                        quote: answer.clone(),
                        answer,
                    },
                ));
            }
            used[i..=end].iter_mut().for_each(|u| *u = true);
            i = end + 1;
            continue;
        }
        i += 1;
    }

    // Pairs: only separators that more than one line uses.
    let pairs: Vec<(usize, usize, &str, &str)> = lines
        .iter()
        .enumerate()
        .filter(|(n, _)| !used[*n])
        .filter_map(|(n, l)| split_pair(l).map(|(sep, a, b)| (n, sep, a, b)))
        .collect();
    let keep = listed(&pairs, &lines);
    for (&(n, _, term, meaning), keep) in pairs.iter().zip(keep) {
        if !keep {
            continue;
        }
        if let Some(card) = pair_card(term, meaning, lines[n], kinds) {
            found.push((n, card));
        }
    }
    found.sort_by_key(|(n, _)| *n);
    found.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use anki_export::CardKind;

    const PAGE: &str = "Vocabulaire : la cuisine\n\n\
        la cuillère - the spoon\n\
        la fourchette - the fork\n\
        • le couteau - the knife\n\n\
        Q: Où range-t-on les assiettes ?\n\
        A: Dans le placard,\n\
        à côté de l'évier.\n";

    fn kinds(k: &[KindWanted]) -> Vec<KindWanted> {
        k.to_vec()
    }

    #[test]
    fn lists_and_questions_become_cards_headings_do_not() {
        let cards = extract(PAGE, &kinds(&[KindWanted::Reversed, KindWanted::Basic]));
        assert_eq!(cards.len(), 4, "{cards:#?}");
        assert_eq!(
            cards[2],
            ModelCard::Reversed {
                front: "le couteau".into(),
                back: "the knife".into(),
                quote: "• le couteau - the knife".into()
            }
        );
        assert_eq!(
            cards[3],
            ModelCard::Basic {
                question: "Où range-t-on les assiettes ?".into(),
                answer: "Dans le placard, à côté de l'évier.".into(),
                quote: "Dans le placard, à côté de l'évier.".into()
            }
        );
    }

    #[test]
    fn other_separators_and_tables() {
        let text = "die Katze = the cat\nder Hund = the dog\n\
                    Photosynthesis: how plants make sugar from light\n\
                    Osmosis: water moving through a membrane\n\
                    rot\tred\nblau\tblue\ngrün\tgreen\n\n\
                    I.\tLes Grecs et le théâtre\n\nII.\tLa société grecque\n";
        let cards = extract(text, &kinds(&[KindWanted::Vocabulary]));
        let terms: Vec<&str> = cards
            .iter()
            .map(|c| match c {
                ModelCard::Vocabulary { term, .. } => term.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(
            terms,
            [
                "die Katze",
                "der Hund",
                "Photosynthesis",
                "Osmosis",
                "rot",
                "blau",
                "grün"
            ]
        );
    }

    #[test]
    fn prose_is_left_alone() {
        let text = "The cell is the unit of life. It has a membrane - a thin layer of fat and \
                    proteins that keeps the inside in.\nNothing else here.";
        assert!(extract(text, &kinds(&[KindWanted::Basic])).is_empty());
    }

    #[tokio::test]
    async fn cards_are_grounded_and_carry_their_source() {
        let mut doc = Document::from_text("vocab.png", PAGE);
        doc.image = Some("vocab.png".into());
        let options = CardOptions {
            kinds: kinds(&[KindWanted::Cloze]),
            tags: vec!["fr".into()],
            ..CardOptions::default()
        };
        let request = GenerationRequest {
            documents: vec![doc],
            options,
        };
        let g = Builtin.generate(&request).await.expect("cards");
        assert_eq!(g.cards.len(), 3);
        assert_eq!(g.report.made, 3);
        assert_eq!(g.report.dropped_total(), 0);
        assert_eq!(
            g.cards[0].kind,
            CardKind::Cloze {
                text: "{{c1::la cuillère}} — the spoon".into(),
                extra: String::new()
            }
        );
        let source = g.cards[0].source.as_ref().expect("source");
        assert_eq!(source.quote.as_deref(), Some("la cuillère - the spoon"));
        assert_eq!(g.cards[0].tags, ["fr"]);
    }
}
