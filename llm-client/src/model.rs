//! Cards from a language model: chunking, prompting, caching, bounded concurrency, re-splitting
//! cut-off answers, and validation, the same for every chat backend.

use std::sync::Arc;

use async_trait::async_trait;
use futures_util::future::join_all;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use crate::answer::{self, ModelCard};
use crate::backend::{ChatBackend, ChatRequest};
use crate::cache::ResponseCache;
use crate::chunk;
use crate::error::{LlmError, Result};
use crate::generator::{CardGenerator, Generation};
use crate::prompt::Prompts;
use crate::request::{CardOptions, Document, GenerationRequest};
use crate::validate::{DropReason, Report, Validator};

/// How the model is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSettings {
    /// Sampling temperature (low keeps the model close to the page).
    pub temperature: f32,
    /// Context window to ask for, in tokens.
    pub num_ctx: u32,
    /// Most tokens one answer may have.
    pub max_tokens: u32,
    /// Largest piece of text sent in one request, in characters.
    pub chunk_chars: usize,
    /// Smallest piece a cut-off answer is split down to before giving up.
    pub min_chunk_chars: usize,
    /// Requests in flight at once, across all documents.
    pub max_in_flight: usize,
    /// Most cards the model may give for one piece of text.
    pub max_cards_per_chunk: usize,
}

impl Default for ModelSettings {
    fn default() -> Self {
        ModelSettings {
            temperature: 0.2,
            num_ctx: 8192,
            max_tokens: 4096,
            chunk_chars: 6000,
            min_chunk_chars: 200,
            max_in_flight: 2,
            max_cards_per_chunk: 40,
        }
    }
}

/// A [`CardGenerator`] that asks a language model through a [`ChatBackend`].
pub struct ModelGenerator<B> {
    backend: B,
    settings: ModelSettings,
    prompts: Prompts,
    cache: Option<ResponseCache>,
    permits: Arc<Semaphore>,
}

impl<B: ChatBackend> ModelGenerator<B> {
    /// A generator over `backend` with the built-in prompts and no cache.
    pub fn new(backend: B, settings: ModelSettings) -> ModelGenerator<B> {
        let permits = Arc::new(Semaphore::new(settings.max_in_flight.max(1)));
        ModelGenerator {
            backend,
            settings,
            prompts: Prompts::default(),
            cache: None,
            permits,
        }
    }

    /// The same generator with other prompts.
    pub fn with_prompts(mut self, prompts: Prompts) -> Self {
        self.prompts = prompts;
        self
    }

    /// The same generator keeping answers in `cache`.
    pub fn with_cache(mut self, cache: ResponseCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The cards of one document.
    async fn document(&self, doc: &Document, options: &CardOptions) -> Result<Generation> {
        let mut report = Report::default();
        let pieces = chunk::split(&doc.text, self.settings.chunk_chars);
        report.chunks = pieces.len();
        let asks = pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| self.ask(options, piece, label(doc, i, pieces.len())));
        let answers = join_all(asks).await;
        let mut validator = Validator::new(doc, options);
        let mut cards = Vec::new();
        for answer in answers {
            let (model_cards, kept, sub) = answer?;
            report.merge(&sub);
            for _ in 0..kept.malformed {
                report.proposed += 1;
                report.drop(DropReason::Malformed);
            }
            for _ in 0..kept.over {
                report.proposed += 1;
                report.drop(DropReason::OverMaxCards);
            }
            cards.extend(
                model_cards
                    .into_iter()
                    .filter_map(|c| validator.check(c, &mut report)),
            );
        }
        Ok(Generation { cards, report })
    }

    /// Asks for the cards of one piece of text; a cut-off answer splits the piece in two and asks
    /// again for each half. Returns the cards, how many were left out of the answers (malformed,
    /// over the card limit), and the request counts.
    async fn ask(
        &self,
        options: &CardOptions,
        piece: &str,
        what: String,
    ) -> Result<(Vec<ModelCard>, Kept, Report)> {
        let mut report = Report::default();
        let mut stack = vec![piece.to_owned()];
        let mut cards = Vec::new();
        let mut left_out = Kept::default();
        let schema = answer::schema(&options.kinds, self.settings.max_cards_per_chunk);
        let id = self.backend.identity();
        while let Some(text) = stack.pop() {
            let (system, user) = self.prompts.render(options, &text);
            let request = ChatRequest {
                system: &system,
                user: &user,
                schema: &schema,
                temperature: self.settings.temperature,
                num_ctx: self.settings.num_ctx,
                max_tokens: self.settings.max_tokens,
            };
            let settings = format!(
                "t={} ctx={} max={}",
                request.temperature, request.num_ctx, request.max_tokens
            );
            let key = ResponseCache::key(&[
                id.kind,
                &id.url,
                &id.model,
                &settings,
                &schema.to_string(),
                &system,
                &user,
            ]);
            // An entry that does not read back (empty, cut, from an older version) is a miss,
            // and the new answer replaces it.
            let cached = self
                .cache
                .as_ref()
                .and_then(|c| c.get(&key))
                .and_then(|text| {
                    let kept = serde_json::from_str::<Kept>(&text).ok();
                    if kept.is_none() {
                        tracing::info!("{what}: unreadable cached answer; asking again");
                    }
                    kept
                });
            let kept = match cached {
                Some(kept) => {
                    tracing::debug!("{what}: answer from the cache");
                    report.cached += 1;
                    kept
                }
                None => {
                    let reply = {
                        let _permit =
                            self.permits.acquire().await.map_err(|_| {
                                LlmError::Config("the generator was shut down".into())
                            })?;
                        report.requests += 1;
                        self.backend.chat(&request).await?
                    };
                    if reply.truncated || answer::is_incomplete(&reply.content) {
                        let halves = (text.chars().count() > self.settings.min_chunk_chars)
                            .then(|| chunk::halve(&text))
                            .flatten();
                        let Some((a, b)) = halves else {
                            return Err(LlmError::Truncated {
                                what,
                                chars: text.chars().count(),
                            });
                        };
                        tracing::info!(
                            "{what}: answer cut off at {} tokens; asking again in two halves",
                            self.settings.max_tokens
                        );
                        report.resplits += 1;
                        // Second half pushed first so the first half is asked first.
                        stack.push(b);
                        stack.push(a);
                        continue;
                    }
                    let parsed =
                        answer::parse(&reply.content).map_err(|message| LlmError::Malformed {
                            what: what.clone(),
                            message,
                            document: true,
                        })?;
                    let kept = Kept::from_answer(parsed, self.settings.max_cards_per_chunk);
                    if let Some(cache) = &self.cache {
                        // Only what the checks kept is stored, so a rerun replays no card the
                        // schema forbids; an answer that did not parse is asked again next time.
                        let json = serde_json::to_string(&kept).map_err(|e| {
                            LlmError::Config(format!("cannot store the answer: {e}"))
                        })?;
                        cache.put(&key, &json)?;
                    }
                    kept
                }
            };
            // Checked again, so a cache entry edited by hand cannot bring back what was cut.
            let kept = kept.limited(self.settings.max_cards_per_chunk);
            left_out.malformed += kept.malformed;
            left_out.over += kept.over;
            cards.extend(kept.cards);
        }
        Ok((cards, left_out, report))
    }
}

/// An answer as the checks left it, as the answer cache stores it: the cards that fit the
/// schema (at most the card limit), and how many were left out for not fitting or being over it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kept {
    cards: Vec<ModelCard>,
    malformed: usize,
    over: usize,
}

impl Kept {
    fn from_answer(parsed: answer::ParsedAnswer, max_cards: usize) -> Kept {
        Kept {
            cards: parsed.cards,
            malformed: parsed.malformed.len(),
            over: 0,
        }
        .limited(max_cards)
    }

    /// At most `max_cards` cards, each within the schema's lengths; the rest counted.
    fn limited(mut self, max_cards: usize) -> Kept {
        let before = self.cards.len();
        self.cards.retain(|c| answer::over_length(c).is_none());
        self.malformed += before - self.cards.len();
        let max = max_cards.max(1);
        if self.cards.len() > max {
            self.over += self.cards.len() - max;
            self.cards.truncate(max);
        }
        self
    }
}

fn label(doc: &Document, i: usize, n: usize) -> String {
    if n > 1 {
        format!("{} (part {} of {n})", doc.name, i + 1)
    } else {
        doc.name.clone()
    }
}

#[async_trait]
impl<B: ChatBackend> CardGenerator for ModelGenerator<B> {
    fn describe(&self) -> String {
        let id = self.backend.identity();
        format!("{} model {} at {}", id.kind, id.model, id.url)
    }

    async fn check(&self) -> Result<()> {
        self.backend.probe().await
    }

    fn requests_sent(&self) -> usize {
        self.backend.requests_sent()
    }

    async fn generate(&self, request: &GenerationRequest) -> Result<Generation> {
        let docs = join_all(
            request
                .documents
                .iter()
                .map(|d| self.document(d, &request.options)),
        )
        .await;
        let docs = docs.into_iter().collect::<Result<Vec<_>>>()?;
        Ok(crate::generator::merge(&docs))
    }
}
