//! Turning the model's cards into Anki cards: every card checked, every one left out counted.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use anki_export::{Card, Source};
use serde::{Deserialize, Serialize};

use crate::answer::ModelCard;
use crate::grounding::QuoteIndex;
use crate::request::{CardOptions, Document, Grounding};

/// The tag put on cards kept although their quote is not on the page.
pub const UNVERIFIED_TAG: &str = "unverified";

/// Why a card was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// It does not fit the schema (missing or unknown fields, an unknown kind, a field too long).
    Malformed,
    /// The answer held more cards than the most asked for; those after it are left out.
    OverMaxCards,
    /// Its kind was not asked for.
    KindNotWanted,
    /// A side (or the cloze text) is empty.
    Empty,
    /// A cloze card without a `{{c1::…}}` deletion.
    NoClozeDeletion,
    /// The same card as one made before.
    Duplicate,
    /// Its quote is not on the page, or a cloze deletion is not in the material.
    Unsupported,
}

impl DropReason {
    /// A short phrase for summaries.
    pub fn describe(self) -> &'static str {
        match self {
            DropReason::Malformed => "off the schema",
            DropReason::OverMaxCards => "over the card limit",
            DropReason::KindNotWanted => "kind not asked for",
            DropReason::Empty => "empty side",
            DropReason::NoClozeDeletion => "cloze without a deletion",
            DropReason::Duplicate => "duplicate",
            DropReason::Unsupported => "quote not on the page",
        }
    }
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// What a generation did: cards made, cards left out and why, requests and cache hits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Cards the generator proposed, before any check.
    pub proposed: usize,
    /// Cards kept.
    pub made: usize,
    /// Cards left out, by reason.
    pub dropped: BTreeMap<DropReason, usize>,
    /// Cards kept although their quote was not found (with [`Grounding::Flag`]).
    pub flagged: usize,
    /// Pieces of text the documents were split into.
    pub chunks: usize,
    /// Answers taken from the response cache instead of the model.
    pub cached: usize,
    /// Requests sent to the model server.
    pub requests: usize,
    /// Pieces split again because the model's answer was cut off.
    pub resplits: usize,
    /// Pages where the builtin reader found no list, question-and-answer lines or glossary.
    #[serde(default)]
    pub no_list: usize,
    /// Pages where occlusion cards were wanted but no labelled diagram was found.
    #[serde(default)]
    pub no_labels: usize,
}

impl Report {
    /// Counts one card left out.
    pub fn drop(&mut self, reason: DropReason) {
        *self.dropped.entry(reason).or_default() += 1;
    }

    /// How many cards were left out in all.
    pub fn dropped_total(&self) -> usize {
        self.dropped.values().sum()
    }

    /// Adds another report's counts to this one.
    pub fn merge(&mut self, other: &Report) {
        self.proposed += other.proposed;
        self.made += other.made;
        for (reason, n) in &other.dropped {
            *self.dropped.entry(*reason).or_default() += n;
        }
        self.flagged += other.flagged;
        self.chunks += other.chunks;
        self.cached += other.cached;
        self.requests += other.requests;
        self.resplits += other.resplits;
        self.no_list += other.no_list;
        self.no_labels += other.no_labels;
    }
}

/// Checks the model's cards for one document and turns the good ones into Anki cards.
#[derive(Debug)]
pub struct Validator<'a> {
    doc: &'a Document,
    options: &'a CardOptions,
    index: QuoteIndex,
    seen: HashSet<String>,
    page: String,
}

impl<'a> Validator<'a> {
    /// A validator for cards made from `doc`.
    pub fn new(doc: &'a Document, options: &'a CardOptions) -> Validator<'a> {
        Validator {
            doc,
            options,
            index: QuoteIndex::new(doc),
            seen: HashSet::new(),
            page: anki_export::page_digest(&doc.text),
        }
    }

    /// Checks one card; the good card, or why it is left out. `report` counts either way.
    pub fn check(&mut self, card: ModelCard, report: &mut Report) -> Option<Card> {
        report.proposed += 1;
        match self.convert(card) {
            Ok((card, verified)) => {
                report.made += 1;
                if !verified {
                    report.flagged += 1;
                }
                Some(card)
            }
            Err(reason) => {
                report.drop(reason);
                None
            }
        }
    }

    fn convert(&mut self, model: ModelCard) -> Result<(Card, bool), DropReason> {
        if !self.options.kinds.contains(&model.kind()) {
            return Err(DropReason::KindNotWanted);
        }
        let blank = |s: &str| s.trim().is_empty();
        let quote = model.quote().trim().to_owned();
        let mut card = match &model {
            ModelCard::Basic {
                question, answer, ..
            } => {
                if blank(question) || blank(answer) {
                    return Err(DropReason::Empty);
                }
                Card::basic(question.trim(), answer.trim())
            }
            ModelCard::Reversed { front, back, .. } => {
                if blank(front) || blank(back) {
                    return Err(DropReason::Empty);
                }
                Card::reversed(front.trim(), back.trim())
            }
            ModelCard::Cloze { text, .. } => {
                if blank(text) {
                    return Err(DropReason::Empty);
                }
                let answers = cloze_answers(text);
                if answers.is_empty() {
                    return Err(DropReason::NoClozeDeletion);
                }
                // A blanked-out word the page never says would teach an invented fact.
                if answers.iter().any(|a| !self.index.contains(a)) {
                    return self.unsupported(Card::cloze(text.trim(), ""), &quote);
                }
                Card::cloze(text.trim(), "")
            }
            ModelCard::Vocabulary {
                term,
                definition,
                example,
                ..
            } => {
                if blank(term) || blank(definition) {
                    return Err(DropReason::Empty);
                }
                let back = if blank(example) {
                    definition.trim().to_owned()
                } else {
                    format!("{}\n\n{}", definition.trim(), example.trim())
                };
                Card::basic(term.trim(), back)
            }
        };
        if !self.seen.insert(card.guid()) {
            return Err(DropReason::Duplicate);
        }
        card.tags = self.options.tags.clone();
        match self.index.find(&quote) {
            Some(found) => {
                self.attach_source(&mut card, &quote, found.region);
                self.identify(&mut card, &quote);
                Ok((card, true))
            }
            None => {
                self.seen.remove(&card.guid());
                self.unsupported(card, &quote)
            }
        }
    }

    fn unsupported(&mut self, mut card: Card, quote: &str) -> Result<(Card, bool), DropReason> {
        match self.options.grounding {
            Grounding::Drop => Err(DropReason::Unsupported),
            Grounding::Flag => {
                if !self.seen.insert(card.guid()) {
                    return Err(DropReason::Duplicate);
                }
                card.tags = self.options.tags.clone();
                card.tags.push(UNVERIFIED_TAG.into());
                self.attach_source(&mut card, quote, None);
                self.identify(&mut card, quote);
                Ok((card, false))
            }
        }
    }

    /// Gives a card made from this page its id, kept through every later edit.
    fn identify(&self, card: &mut Card, quote: &str) {
        let id = anki_export::card_id(
            &self.page,
            quote,
            card.kind.name(),
            &card.kind.identity_fields(),
        );
        card.id = Some(id);
    }

    fn attach_source(&self, card: &mut Card, quote: &str, region: Option<[u32; 4]>) {
        if let Some(image) = &self.doc.image {
            card.source = Some(Source {
                image: image.clone(),
                region,
                quote: (!quote.is_empty()).then(|| quote.to_owned()),
            });
        }
    }
}

/// The answers of a cloze text's deletions: `{{c1::answer}}` or `{{c1::answer::hint}}`.
pub fn cloze_answers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("{{c") {
        rest = &rest[at + 3..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || !rest[digits..].starts_with("::") {
            continue;
        }
        let body = &rest[digits + 2..];
        let Some(end) = body.find("}}") else { break };
        let answer = body[..end].split("::").next().unwrap_or_default().trim();
        if !answer.is_empty() {
            out.push(answer.to_owned());
        }
        rest = &body[end + 2..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::KindWanted;
    use anki_export::CardKind;
    use ocr_core::BBox;

    fn doc() -> Document {
        let mut d = Document::from_text(
            "p.png",
            "La poêle est chaude.\nLe four chauffe.\nla cuillère - the spoon",
        );
        d.image = Some("p.png".into());
        for (i, w) in d.words.iter_mut().enumerate() {
            w.bbox = Some(BBox::new(i as u32 * 10, 0, 8, 12));
        }
        d
    }

    fn options(grounding: Grounding) -> CardOptions {
        CardOptions {
            kinds: vec![KindWanted::Basic, KindWanted::Cloze, KindWanted::Vocabulary],
            tags: vec!["cuisine".into()],
            grounding,
            ..CardOptions::default()
        }
    }

    fn basic(q: &str, a: &str, quote: &str) -> ModelCard {
        ModelCard::Basic {
            question: q.into(),
            answer: a.into(),
            quote: quote.into(),
        }
    }

    #[test]
    fn good_cards_keep_tags_quote_and_region() {
        let (d, o) = (doc(), options(Grounding::Drop));
        let mut v = Validator::new(&d, &o);
        let mut r = Report::default();
        let card = v
            .check(
                basic("Is the pan hot?", "Yes", "La poêle est chaude."),
                &mut r,
            )
            .expect("kept");
        assert_eq!(card.tags, ["cuisine"]);
        let source = card.source.expect("source");
        assert_eq!(source.image.to_str(), Some("p.png"));
        assert_eq!(source.region, Some([0, 0, 38, 12]));
        assert_eq!(source.quote.as_deref(), Some("La poêle est chaude."));
        let vocab = ModelCard::Vocabulary {
            term: "la cuillère".into(),
            definition: "the spoon".into(),
            example: String::new(),
            quote: "la cuillère - the spoon".into(),
        };
        let card = v.check(vocab, &mut r).expect("kept");
        assert_eq!(
            card.kind,
            CardKind::Basic {
                front: "la cuillère".into(),
                back: "the spoon".into()
            }
        );
        assert_eq!(r.made, 2);
        assert_eq!(r.dropped_total(), 0);
    }

    #[test]
    fn cards_get_an_id_from_their_page_and_quote() {
        let (d, o) = (doc(), options(Grounding::Flag));
        let make = |d: &Document, quote: &str| {
            Validator::new(d, &o)
                .check(
                    basic("Is the pan hot?", "Yes", quote),
                    &mut Report::default(),
                )
                .expect("kept")
        };
        let card = make(&d, "La poêle est chaude.");
        let id = card.id.clone().expect("an id");
        assert!(anki_export::valid_id(&id), "{id}");
        assert_eq!(card.guid(), id, "the id is the note's GUID");
        // Made again from the same page: the same id; from another page: another.
        assert_eq!(make(&d, "La poêle est chaude.").id, Some(id.clone()));
        let mut other = d.clone();
        other.text.push_str("\nLe four chauffe.");
        assert_ne!(make(&other, "La poêle est chaude.").id, Some(id.clone()));
        // An unverified card (its quote is not on the page) gets one too.
        assert!(make(&d, "not on the page").id.is_some_and(|i| i != id));
    }

    #[test]
    fn every_bad_card_is_dropped_with_its_reason() {
        let (d, o) = (doc(), options(Grounding::Drop));
        let mut v = Validator::new(&d, &o);
        let mut r = Report::default();
        let cards = [
            basic("Q?", " ", "La poêle est chaude"),
            ModelCard::Reversed {
                front: "a".into(),
                back: "b".into(),
                quote: "La poêle".into(),
            },
            ModelCard::Cloze {
                text: "La poêle est chaude.".into(),
                quote: "La poêle est chaude.".into(),
            },
            ModelCard::Cloze {
                text: "La poêle est {{c1::froide}}.".into(),
                quote: "La poêle est chaude.".into(),
            },
            basic("What is hot?", "The pan", "The pan is very hot"),
            basic("What heats?", "The oven", "Le four chauffe"),
            basic("What heats?", "The  oven", "Le four chauffe."),
        ];
        let kept: Vec<Card> = cards
            .into_iter()
            .filter_map(|c| v.check(c, &mut r))
            .collect();
        assert_eq!(kept.len(), 1);
        let want = [
            (DropReason::KindNotWanted, 1),
            (DropReason::Empty, 1),
            (DropReason::NoClozeDeletion, 1),
            (DropReason::Duplicate, 1),
            (DropReason::Unsupported, 2),
        ];
        assert_eq!(r.dropped, want.into_iter().collect());
        assert_eq!(r.made, 1);
    }

    #[test]
    fn flagging_keeps_unsupported_cards_with_a_tag() {
        let (d, o) = (doc(), options(Grounding::Flag));
        let mut v = Validator::new(&d, &o);
        let mut r = Report::default();
        let card = v
            .check(basic("What is hot?", "The pan", "The pan is hot"), &mut r)
            .expect("flagged");
        assert_eq!(card.tags, ["cuisine", UNVERIFIED_TAG]);
        assert_eq!(card.source.expect("source").region, None);
        assert_eq!((r.made, r.flagged), (1, 1));
    }

    #[test]
    fn cloze_answers_are_read() {
        assert_eq!(
            cloze_answers("The {{c1::mitochondrion}} makes {{c2::ATP::energy}}; {{c}} {{c3::}}"),
            ["mitochondrion", "ATP"]
        );
    }
}
