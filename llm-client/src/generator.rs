//! The `CardGenerator` trait every backend implements, and the batch call the frontends use.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use anki_export::Card;
use async_trait::async_trait;
use futures_util::future::join_all;

use crate::error::{LlmError, Result};
use crate::occlusion::occlusion_card;
use crate::request::{CardOptions, Document, GenerationRequest, KindWanted};
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
pub(crate) struct BatchItem {
    /// The document's name.
    pub name: String,
    /// Its cards, or why none could be made.
    pub result: Result<Generation>,
}

/// What a batch came to: every document's cards joined into one list, and what each document
/// got, in the order the documents were given.
#[derive(Debug, Default)]
pub struct BatchCards {
    /// The cards of all documents, repeats across documents left out (as by [`merge`]).
    pub generation: Generation,
    /// Each document's name, and its count of cards or the error that cost it them.
    pub documents: Vec<(String, Result<usize>)>,
}

impl BatchCards {
    /// Joins the items of a batch.
    fn new(items: Vec<BatchItem>) -> BatchCards {
        let mut made = Vec::new();
        let mut documents = Vec::new();
        for item in items {
            match item.result {
                Ok(g) => {
                    documents.push((item.name, Ok(g.cards.len())));
                    made.push(g);
                }
                Err(e) => documents.push((item.name, Err(e))),
            }
        }
        BatchCards {
            generation: merge(&made),
            documents,
        }
    }

    /// How many documents got no cards because of an error.
    pub fn failed(&self) -> usize {
        self.documents.iter().filter(|(_, r)| r.is_err()).count()
    }

    /// One line per distinct error, worded by `say`, naming the documents it cost: `a.jpg: …`,
    /// or `a.jpg and 2 more: …` for a server's error that hit several. An error about one
    /// document's answer, which names the document itself, is not named twice.
    pub fn error_lines(&self, say: impl Fn(&LlmError) -> String) -> Vec<String> {
        let mut lines: Vec<(String, Vec<&str>, bool)> = Vec::new();
        for (name, result) in &self.documents {
            let Err(e) = result else { continue };
            let message = say(e);
            match lines.iter_mut().find(|(m, _, _)| *m == message) {
                Some((_, names, _)) => names.push(name),
                None => lines.push((message, vec![name], e.names_document())),
            }
        }
        lines
            .into_iter()
            .map(|(message, names, named)| match names.as_slice() {
                [_] if named => message,
                [one] => format!("{one}: {message}"),
                [first, rest @ ..] => format!("{first} and {} more: {message}", rest.len()),
                [] => message,
            })
            .collect()
    }
}

/// How often a batch looks at its cancel flag while its requests are out.
const CANCEL_POLL: Duration = Duration::from_millis(50);

/// Makes cards from each document on its own, all at once (the generator bounds how many
/// requests are in flight): one failed request never loses the others. Setting `cancel` stops
/// the batch: the requests still out are dropped and `None` is returned.
pub async fn generate_batch(
    generator: &dyn CardGenerator,
    documents: Vec<Document>,
    options: &CardOptions,
    progress: &(dyn Fn(BatchProgress<'_>) + Sync),
    cancel: Option<&AtomicBool>,
) -> Option<BatchCards> {
    let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    if cancelled() {
        return None;
    }
    let work = generate_each(generator, documents, options, progress);
    let watch = async {
        while !cancelled() {
            tokio::time::sleep(CANCEL_POLL).await;
        }
    };
    tokio::select! {
        items = work => Some(BatchCards::new(items)),
        () = watch => None,
    }
}

/// Each document's cards, one result per document in input order.
async fn generate_each(
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
            if ocr_core::is_auto(&options.material_language)
                && let Some(language) = &doc.language
            {
                options.material_language = language.clone();
            }
            // Occlusion cards come from the page's layout; the generator makes the rest.
            let occlusion = options
                .kinds
                .contains(&KindWanted::Occlusion)
                .then(|| occlusion_card(&doc, &options));
            options.kinds.retain(|k| *k != KindWanted::Occlusion);
            let request = GenerationRequest {
                documents: vec![doc],
                options,
            };
            let mut result = match request.options.kinds.is_empty() {
                true => Ok(Generation::default()),
                false => generator.generate(&request).await,
            };
            if let (Some(card), Ok(generation)) = (occlusion, result.as_mut()) {
                match card {
                    Some(card) => {
                        generation.report.proposed += 1;
                        generation.report.made += 1;
                        generation.cards.insert(0, card);
                    }
                    None => generation.report.no_labels += 1,
                }
            }
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

/// The runtime both frontends ask model servers on: two worker threads, with IO and timers.
#[cfg(any(feature = "ollama", feature = "openai"))]
pub fn network_runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| LlmError::Config(format!("cannot start the network runtime: {e}")))
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
        generate_batch(
            &generator,
            vec![fr.clone(), untold.clone()],
            &auto,
            &|_| {},
            None,
        )
        .await;
        let given = CardOptions {
            material_language: "deu".into(),
            ..CardOptions::default()
        };
        generate_batch(&generator, vec![fr], &given, &|_| {}, None).await;
        let seen = generator.0.lock().expect("lock").clone();
        // A document without a language keeps the setting, which prompts render as "the
        // language it is written in"; a language given by hand is never replaced.
        assert_eq!(seen, ["fra", "auto", "deu"]);
    }

    /// A generator that fails every document whose name holds "bad" with the server's error,
    /// those that hold "off" with an answer off the schema, and waits for ever on "slow".
    struct Failing;

    #[async_trait]
    impl CardGenerator for Failing {
        fn describe(&self) -> String {
            "failing".into()
        }

        async fn generate(&self, request: &GenerationRequest) -> Result<Generation> {
            let name = request.documents[0].name.clone();
            if name.contains("slow") {
                std::future::pending::<()>().await;
            }
            if name.contains("bad") {
                return Err(LlmError::Http {
                    url: "http://model".into(),
                    status: 500,
                    detail: "down".into(),
                });
            }
            if name.contains("off") {
                return Err(LlmError::Malformed {
                    what: format!("{name} (chunk 1 of 1)"),
                    message: "no cards".into(),
                    document: true,
                });
            }
            Ok(Generation {
                cards: vec![Card::basic(&name, "a")],
                report: Report::default(),
            })
        }
    }

    #[tokio::test]
    async fn a_batch_names_each_error_once_and_keeps_the_rest() {
        let docs = [
            "a.txt", "bad1.txt", "off.txt", "bad2.txt", "bad3.txt", "b.txt",
        ]
        .map(|n| Document::from_text(n, "text"))
        .to_vec();
        let batch = generate_batch(&Failing, docs, &CardOptions::default(), &|_| {}, None)
            .await
            .expect("not cancelled");
        assert_eq!(batch.generation.cards.len(), 2);
        assert_eq!(batch.failed(), 4);
        let counts: Vec<_> = batch
            .documents
            .iter()
            .map(|(n, r)| (n.as_str(), r.as_ref().ok().copied()))
            .collect();
        assert_eq!(
            counts,
            [
                ("a.txt", Some(1)),
                ("bad1.txt", None),
                ("off.txt", None),
                ("bad2.txt", None),
                ("bad3.txt", None),
                ("b.txt", Some(1))
            ]
        );
        let lines = batch.error_lines(LlmError::to_string);
        assert_eq!(
            lines,
            [
                "bad1.txt and 2 more: the model server at http://model answered HTTP 500: down",
                "off.txt (chunk 1 of 1): the model's answer is not valid JSON in the card schema: no cards",
            ]
        );
    }

    #[tokio::test]
    async fn a_cancelled_batch_stops_with_its_requests_out() {
        let cancel = std::sync::Arc::new(AtomicBool::new(false));
        let setter = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            setter.store(true, Ordering::Relaxed);
        });
        let options = CardOptions::default();
        let docs = vec![Document::from_text("slow.txt", "text")];
        let batch = generate_batch(&Failing, docs, &options, &|_| {}, Some(&cancel));
        // Without the flag this batch never ends; the bound is only there to fail, not hang.
        let result = tokio::time::timeout(Duration::from_secs(30), batch).await;
        assert!(matches!(result, Ok(None)), "{result:?}");
        // A flag set before the batch starts sends nothing.
        let docs = vec![Document::from_text("a.txt", "text")];
        assert!(
            generate_batch(&Failing, docs, &options, &|_| {}, Some(&cancel))
                .await
                .is_none()
        );
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
