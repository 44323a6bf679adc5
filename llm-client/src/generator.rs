//! The `CardGenerator` trait every backend implements, and the batch call the frontends use.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use anki_export::Card;
use async_trait::async_trait;
use futures_util::future::join_all;

use crate::error::Result;
use crate::request::{CardOptions, Document, GenerationRequest};
use crate::validate::{DropReason, Report};

/// Cards made from a request, with the count of what was made and left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Generation {
    /// The cards, in the order of the documents and of the model's answers.
    pub cards: Vec<Card>,
    /// What was made, dropped (and why), asked and found in the cache.
    pub report: Report,
}

/// Something that makes flashcards from text.
#[async_trait]
pub trait CardGenerator: Send + Sync {
    /// A short description for messages, such as `ollama gemma3:4b at http://localhost:11434`.
    fn describe(&self) -> String;

    /// Makes cards from every document of the request.
    async fn generate(&self, request: &GenerationRequest) -> Result<Generation>;

    /// Checks that whatever the generator needs (a model server) is there; cheap, and meant to be
    /// called before slow work such as OCR.
    async fn check(&self) -> Result<()> {
        Ok(())
    }

    /// How many requests this generator has sent to a model server, failed ones and retries
    /// included (0 for one that needs no server).
    fn requests_sent(&self) -> usize {
        0
    }
}

/// What happened to one document of a batch, reported as it happens.
#[derive(Debug, Clone, Copy)]
pub struct BatchProgress<'a> {
    /// Position of the document in the input list.
    pub index: usize,
    /// The document's name.
    pub name: &'a str,
    /// Whether cards were made without error.
    pub ok: bool,
    /// How many documents are done, this one included.
    pub done: usize,
    /// How many documents the batch holds.
    pub total: usize,
}

/// The result for one document of a batch.
#[derive(Debug)]
pub struct BatchItem {
    /// The document's name.
    pub name: String,
    /// Its cards, or why none could be made.
    pub result: Result<Generation>,
}

/// Makes cards from each document on its own, all at once (the generator bounds how many
/// requests are in flight), and returns one result per document in input order: one failed
/// request never loses the others.
pub async fn generate_batch(
    generator: &dyn CardGenerator,
    documents: Vec<Document>,
    options: &CardOptions,
    progress: &(dyn Fn(BatchProgress<'_>) + Sync),
) -> Vec<BatchItem> {
    let total = documents.len();
    let done = AtomicUsize::new(0);
    let jobs = documents.into_iter().enumerate().map(|(index, doc)| {
        let done = &done;
        async move {
            let name = doc.name.clone();
            let mut options = options.clone();
            // `auto`: each page's material is in the language it was read in.
            if ocr_core::guess::is_auto(&options.material_language)
                && let Some(language) = &doc.language
            {
                options.material_language = language.clone();
            }
            let request = GenerationRequest {
                documents: vec![doc],
                options,
            };
            let result = generator.generate(&request).await;
            progress(BatchProgress {
                index,
                name: &name,
                ok: result.is_ok(),
                done: done.fetch_add(1, Ordering::Relaxed) + 1,
                total,
            });
            BatchItem { name, result }
        }
    });
    join_all(jobs).await
}

/// Joins the cards of many generations into one list, leaving out (and counting) cards that
/// repeat one from an earlier document.
pub fn merge<'a>(generations: impl IntoIterator<Item = &'a Generation>) -> Generation {
    let mut out = Generation::default();
    let mut seen = HashSet::new();
    for g in generations {
        out.report.merge(&g.report);
        for card in &g.cards {
            if seen.insert(card.guid()) {
                out.cards.push(card.clone());
            } else {
                out.report.made -= 1;
                out.report.drop(DropReason::Duplicate);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generator that makes no card and notes the material language it was asked for.
    struct Languages(std::sync::Mutex<Vec<String>>);

    #[async_trait]
    impl CardGenerator for Languages {
        fn describe(&self) -> String {
            "languages".into()
        }

        async fn generate(&self, request: &GenerationRequest) -> Result<Generation> {
            if let Ok(mut seen) = self.0.lock() {
                seen.push(request.options.material_language.clone());
            }
            Ok(Generation {
                cards: Vec::new(),
                report: Report::default(),
            })
        }
    }

    #[tokio::test]
    async fn with_auto_each_document_is_asked_for_in_its_own_language() {
        let mut fr = Document::from_text("fr.txt", "la maison");
        fr.language = Some("fra".into());
        let untold = Document::from_text("notes.txt", "some notes");
        let generator = Languages(std::sync::Mutex::new(Vec::new()));
        let auto = CardOptions {
            material_language: "auto".into(),
            ..CardOptions::default()
        };
        generate_batch(&generator, vec![fr.clone(), untold.clone()], &auto, &|_| {}).await;
        let given = CardOptions {
            material_language: "deu".into(),
            ..CardOptions::default()
        };
        generate_batch(&generator, vec![fr], &given, &|_| {}).await;
        let seen = generator.0.lock().expect("lock").clone();
        // A document without a language keeps the setting, which prompts render as "the
        // language it is written in"; a language given by hand is never replaced.
        assert_eq!(seen, ["fra", "auto", "deu"]);
    }

    #[test]
    fn merging_drops_cards_repeated_across_documents() {
        let a = Generation {
            cards: vec![Card::basic("q", "a"), Card::basic("q2", "a2")],
            report: Report {
                made: 2,
                ..Report::default()
            },
        };
        let b = Generation {
            cards: vec![Card::basic("q", " a")],
            report: Report {
                made: 1,
                requests: 1,
                ..Report::default()
            },
        };
        let m = merge([&a, &b]);
        assert_eq!(m.cards.len(), 2);
        assert_eq!(m.report.made, 2);
        assert_eq!(m.report.requests, 1);
        assert_eq!(m.report.dropped.get(&DropReason::Duplicate), Some(&1));
    }
}
