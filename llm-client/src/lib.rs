//! Flashcards from recognised pages.
//!
//! A [`CardGenerator`] turns [`Document`]s (the text of [`ocr_core::Page`]s, or plain text) into
//! [`anki_export::Card`]s. Three generators ship:
//!
//! - [`Ollama`] and [`OpenAiCompatible`], wrapped in a [`ModelGenerator`]: the page text is split
//!   into chunks on paragraph boundaries, sent between delimiters with [`Prompts`] that can be
//!   replaced, and the model must answer in a JSON Schema generated from [`answer::ModelAnswer`].
//!   Answers are cached ([`ResponseCache`]), retried with backoff on connection errors, 429 and
//!   5xx, and split smaller when cut off.
//! - [`Builtin`]: no model at all; vocabulary lists, tables, `Q:`/`A:` lines and glossaries.
//!
//! Every card must quote the page: the quote is checked against the text (folding case and
//! whitespace), the cards it cannot find are dropped or flagged ([`Grounding`]), and every card
//! left out is counted by reason in a [`Report`].
//!
//! The built-in reader needs no server:
//!
//! ```
//! use llm_client::{Builtin, CardGenerator, CardOptions, Document, GenerationRequest};
//! let text = "la cuillère - the spoon\nle four - the oven\nla poêle - the frying pan";
//! let request = GenerationRequest {
//!     documents: vec![Document::from_text("notes", text)],
//!     options: CardOptions::default(),
//! };
//! let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
//! let generation = runtime.block_on(Builtin.generate(&request))?;
//! assert_eq!(generation.cards.len(), 3);
//! # Ok::<(), llm_client::LlmError>(())
//! ```
//!
//! A model behind Ollama:
//!
//! ```no_run
//! # #[cfg(feature = "ollama")]
//! # mod example {
//! use llm_client::{CardGenerator, CardOptions, Document, GenerationRequest, ModelGenerator,
//!                  ModelSettings, Ollama, RetryPolicy, ollama_base_url};
//! # async fn run() -> llm_client::Result<()> {
//! let backend = Ollama::new(&ollama_base_url(None), "gemma3:4b", RetryPolicy::default())?;
//! let generator = ModelGenerator::new(backend, ModelSettings::default());
//! let request = GenerationRequest {
//!     documents: vec![Document::from_text("notes", "la cuillère - the spoon\nle four - the oven")],
//!     options: CardOptions::default(),
//! };
//! let generation = generator.generate(&request).await?;
//! println!("{} cards, {} dropped", generation.cards.len(), generation.report.dropped_total());
//! # Ok(()) }
//! # }
//! # fn main() {}
//! ```

pub mod answer;
mod backend;
mod builtin;
mod cache;
mod choice;
mod chunk;
mod doubt;
mod error;
mod generator;
mod grounding;
mod http;
#[cfg(any(feature = "ollama", feature = "openai"))]
mod json_client;
mod model;
mod occlusion;
mod prompt;
mod request;
mod validate;

#[cfg(feature = "ollama")]
pub use backend::Ollama;
#[cfg(feature = "openai")]
pub use backend::OpenAiCompatible;
pub use backend::{
    ApiKey, BackendIdentity, ChatBackend, ChatReply, ChatRequest, DEFAULT_API_KEY_ENV,
    DEFAULT_OLLAMA_URL, ollama_base_url,
};
pub use builtin::{Builtin, cards_of, extract};
pub use cache::ResponseCache;
pub use choice::{
    BackendKind, DEFAULT_OLLAMA_MODEL, DEFAULT_OPENAI_MODEL, DEFAULT_OPENAI_URL, GeneratorChoice,
};
pub use doubt::{Doubt, doubts};
pub use error::{LlmError, Result};
#[cfg(any(feature = "ollama", feature = "openai"))]
pub use generator::network_runtime;
pub use generator::{BatchCards, BatchProgress, CardGenerator, Generation, generate_batch, merge};
pub use grounding::normalize as fold_for_quotes;
pub use http::{RetryPolicy, redact_url};
pub use model::{ModelGenerator, ModelSettings};
pub use occlusion::occlusion_card;
pub use prompt::Prompts;
pub use request::{
    CardOptions, Document, GenerationRequest, Grounding, KindWanted, SourceWord, language_name,
    parse_kinds,
};
pub use validate::{DropReason, Report, UNVERIFIED_TAG};
