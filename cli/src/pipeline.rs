//! The road from input files to a deck, shared by the one-line run and the `cards` subcommand:
//! OCR (with its cache), card generation (with its cache), and a summary of both.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anki_export::Deck;
use std::str::FromStr;

use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use llm_client::{
    ApiKey, BackendKind, CardGenerator, CardOptions, DEFAULT_API_KEY_ENV, Document,
    GeneratorChoice, Grounding, KindWanted, LlmError, ModelSettings, Prompts, ResponseCache,
    RetryPolicy, generate_batch,
};
use ocr_core::{OcrError, ocr_batch};

use crate::inputs::Inputs;
use crate::ocr::{OcrFlags, progress_bar};
use crate::summary::Summary;

/// A flag's parser for one of the libraries' choices: its names listed with their help, and
/// parsed by the library's own `FromStr`, so that no list of them is kept here.
fn choices<T>(
    all: impl IntoIterator<Item = T>,
    name: fn(T) -> &'static str,
    summary: fn(T) -> &'static str,
) -> impl TypedValueParser<Value = T>
where
    T: Copy + FromStr<Err = String> + Send + Sync + 'static,
{
    let values = all
        .into_iter()
        .map(|k| PossibleValue::new(name(k)).help(summary(k)));
    PossibleValuesParser::new(values).try_map(|s| s.parse::<T>())
}

/// How cards are made: shared by the one-line run and `cards`.
#[derive(Debug, Args)]
pub struct CardFlags {
    /// What makes the cards.
    #[arg(
        short,
        long,
        value_parser = choices(BackendKind::ALL, BackendKind::name, BackendKind::summary),
        default_value = "ollama",
        env = "OCR_TO_ANKI_BACKEND"
    )]
    pub backend: BackendKind,
    /// The model name [default: gemma3:4b for Ollama, gpt-4o-mini for OpenAI].
    #[arg(short, long, env = "OCR_TO_ANKI_MODEL")]
    pub model: Option<String>,
    /// The server address [default: $OLLAMA_HOST or http://localhost:11434 for Ollama,
    /// https://api.openai.com/v1 for OpenAI].
    #[arg(
        long,
        env = "OCR_TO_ANKI_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub base_url: Option<String>,
    /// The environment variable holding the API key of an OpenAI-compatible server.
    #[arg(long, default_value = DEFAULT_API_KEY_ENV, value_name = "VAR")]
    pub api_key_env: String,
    /// Kinds of card to make, comma-separated: basic, reversed, cloze, vocabulary.
    #[arg(
        short,
        long,
        value_delimiter = ',',
        default_value = "basic,reversed,cloze"
    )]
    pub kinds: Vec<KindWanted>,
    /// Language of the questions and answers [default: that of the material].
    #[arg(long, value_name = "LANG", env = "OCR_TO_ANKI_ANSWER_LANG")]
    pub answer_lang: Option<String>,
    /// Deck name, with `::` between levels.
    #[arg(long, default_value = "ocr-to-anki", env = "OCR_TO_ANKI_DECK")]
    pub deck: String,
    /// Tags for every card, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub tags: Vec<String>,
    /// Anything else to ask of the cards ("only the verbs", "at most 10 cards").
    #[arg(long, value_name = "TEXT")]
    pub instruction: Option<String>,
    /// A prompt template file (TOML with `system` and `user`; see the README).
    #[arg(long, value_name = "FILE")]
    pub prompt_template: Option<PathBuf>,
    /// Cards whose quote is not on the page: dropped, or kept with the tag `unverified`.
    #[arg(
        long,
        value_parser = choices(Grounding::ALL, Grounding::name, Grounding::summary),
        default_value = "drop"
    )]
    pub grounding: Grounding,
    /// Sampling temperature.
    #[arg(long, default_value_t = 0.2)]
    pub temperature: f32,
    /// Context window to ask Ollama for, in tokens.
    #[arg(long, default_value_t = 8192)]
    pub num_ctx: u32,
    /// Most tokens in one answer.
    #[arg(long, default_value_t = 4096)]
    pub max_tokens: u32,
    /// Largest piece of text per request, in characters (long pages are split on paragraphs).
    #[arg(long, default_value_t = 6000)]
    pub chunk_chars: usize,
    /// Most cards the model may give for one piece of text.
    #[arg(long, default_value_t = 40, value_name = "N")]
    pub max_cards: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 2)]
    pub parallel: usize,
    /// Seconds to wait for one answer.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
}

impl CardFlags {
    /// The generator these flags ask for; the error is a usage error.
    pub fn generator(&self, use_cache: bool) -> Result<Box<dyn CardGenerator>, String> {
        let policy = RetryPolicy {
            timeout: Duration::from_secs(self.timeout.max(1)),
            ..RetryPolicy::default()
        };
        let settings = ModelSettings {
            temperature: self.temperature,
            num_ctx: self.num_ctx,
            max_tokens: self.max_tokens,
            chunk_chars: self.chunk_chars.max(200),
            max_in_flight: self.parallel.max(1),
            max_cards_per_chunk: self.max_cards.max(1),
            ..ModelSettings::default()
        };
        let prompts = match &self.prompt_template {
            Some(path) => Prompts::load(path).map_err(|e| e.to_string())?,
            None => Prompts::default(),
        };
        let cache = if use_cache { answer_cache() } else { None };
        let choice = GeneratorChoice {
            kind: self.backend,
            base_url: self.base_url.clone(),
            model: self.model.clone(),
            api_key: ApiKey::from_env(&self.api_key_env),
            settings,
            policy,
            prompts,
            cache,
        };
        choice.build().map_err(|e: LlmError| e.to_string())
    }

    /// The card options these flags ask for, for material in `lang`.
    pub fn options(&self, lang: &str) -> CardOptions {
        let mut kinds: Vec<KindWanted> = Vec::new();
        for k in &self.kinds {
            if !kinds.contains(k) {
                kinds.push(*k);
            }
        }
        CardOptions {
            kinds,
            material_language: lang.to_owned(),
            answer_language: self.answer_lang.clone().unwrap_or_default(),
            deck: self.deck.clone(),
            tags: self
                .tags
                .iter()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect(),
            instruction: self.instruction.clone(),
            grounding: self.grounding,
        }
    }
}

/// The folder of cached model answers, unless it cannot be opened.
pub fn answer_cache_dir() -> Option<PathBuf> {
    crate::config::cache_folder(ocr_core::CacheKind::Answers)
}

fn answer_cache() -> Option<ResponseCache> {
    answer_cache_dir().and_then(|d| match ResponseCache::open(d) {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("warning: {e}; going on without a cache of model answers");
            None
        }
    })
}

/// An image path as the cards file should name it: relative to the file's folder when inside it.
pub fn relative_to(image: &Path, base: &Path) -> PathBuf {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    let (image, base) = (abs(image), abs(base));
    image
        .strip_prefix(&base)
        .map_or_else(|_| image.clone(), Path::to_owned)
}

/// What a run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The deck, when at least one card was made.
    pub deck: Option<Deck>,
    /// Counts and times for the summary.
    pub summary: Summary,
    /// Inputs that failed (each already reported on stderr).
    pub failed: usize,
    /// Whether Ctrl-C stopped the run.
    pub interrupted: bool,
}

/// Reads the inputs and makes their cards. Errors are usage or configuration errors that stop
/// the run before anything is read; a file or request that fails is reported and counted.
pub fn make_deck(
    inputs: &Inputs,
    ocr: &OcrFlags,
    flags: &CardFlags,
    card_base: &Path,
    quiet: bool,
    cancel: &Arc<AtomicBool>,
) -> Result<Outcome, String> {
    let ocr_options = ocr.options()?;
    anki_export::validate_deck_name(&flags.deck).map_err(|e| format!("--deck: {e}"))?;
    let generator = flags.generator(!ocr.no_cache)?;
    let runtime = llm_client::network_runtime().map_err(|e| e.to_string())?;
    // A model server that is not running is said at once, not after all the OCR.
    runtime
        .block_on(generator.check())
        .map_err(|e| e.to_string())?;
    let mut summary = Summary {
        generator: generator.describe(),
        ..Summary::default()
    };
    let mut failed = 0usize;
    let interrupted = || cancel.load(Ordering::Relaxed);

    // Images through OCR, text files as they are, all in input order.
    let started = Instant::now();
    // The bar counts pages: a multi-page TIFF is as many steps as it has pages.
    let pages = ocr_core::pages_of(&inputs.images);
    let bar = progress_bar("OCR", pages.len(), quiet);
    let report = |p: ocr_core::Progress<'_>| {
        tracing::info!(
            "{}: {}{}",
            p.path.display(),
            if p.ok { "read" } else { "failed" },
            if p.cached { " (from the cache)" } else { "" }
        );
        bar.set_message(p.path.display().to_string());
        bar.inc(1);
    };
    let mut batch = ocr.batch();
    batch.cancel = Some(Arc::clone(cancel));
    let items = ocr_batch(&pages, &ocr_options, &batch, &report).map_err(|e| {
        bar.finish_and_clear();
        e.to_string()
    })?;
    bar.finish_and_clear();
    let mut documents: Vec<Document> = Vec::new();
    let mut confidence = (0.0f64, 0usize);
    for item in items {
        match item.result {
            Ok(page) => {
                summary.pages += 1;
                summary.words += page.word_count();
                summary.pages_from_cache += usize::from(item.cached);
                for w in page.words() {
                    confidence.0 += f64::from(w.confidence);
                    confidence.1 += 1;
                }
                if let Some(guess) = &page.preprocessing.language_guess {
                    summary.languages.push(crate::summary::PageLanguage {
                        page: item.path.display().to_string(),
                        guess: guess.clone(),
                    });
                }
                documents.push(Document::from_page(&page));
            }
            Err(OcrError::Cancelled { .. }) => {}
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    summary.mean_confidence = (confidence.1 > 0).then(|| confidence.0 / confidence.1 as f64);
    for path in &inputs.texts {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                summary.pages += 1;
                summary.words += text.split_whitespace().count();
                documents.push(Document::from_text(path.display().to_string(), text));
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {}: cannot read: {e}", path.display());
            }
        }
    }
    summary.seconds.ocr = started.elapsed().as_secs_f64();
    summary.pages_failed = failed;
    let stop = |summary: Summary, failed| Outcome {
        deck: None,
        summary,
        failed,
        interrupted: interrupted(),
    };
    if interrupted() || documents.is_empty() {
        return Ok(stop(summary, failed));
    }

    // Cards, one request batch per page, raced against Ctrl-C.
    let options = flags.options(&ocr_options.lang);
    let bar = progress_bar("Cards", documents.len(), quiet);
    let started = Instant::now();
    let progress = |p: llm_client::BatchProgress<'_>| {
        tracing::info!("{}: cards {}", p.name, if p.ok { "made" } else { "failed" });
        bar.set_message(p.name.to_owned());
        bar.inc(1);
    };
    let batch = runtime.block_on(generate_batch(
        generator.as_ref(),
        documents,
        &options,
        &progress,
        Some(cancel),
    ));
    bar.finish_and_clear();
    summary.seconds.cards = started.elapsed().as_secs_f64();
    let Some(batch) = batch else {
        return Ok(stop(summary, failed));
    };

    // One line per distinct error, naming the pages it hit.
    for line in batch.error_lines(LlmError::to_string) {
        eprintln!("error: {line}");
    }
    failed += batch.failed();
    let merged = batch.generation;
    summary.report = merged.report.clone();
    // Every request sent counts, those of pages that failed and retries too.
    summary.report.requests = summary.report.requests.max(generator.requests_sent());
    summary.pages_failed = failed;
    let cards: Vec<_> = merged
        .cards
        .into_iter()
        .map(|mut c| {
            if let Some(s) = &mut c.source {
                s.image = relative_to(&s.image, card_base);
            }
            c
        })
        .collect();
    let deck = if cards.is_empty() {
        None
    } else {
        Some(Deck::new(flags.deck.clone(), cards).map_err(|e| format!("--deck: {e}"))?)
    };
    Ok(Outcome {
        deck,
        summary,
        failed,
        interrupted: false,
    })
}
