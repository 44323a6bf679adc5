//! The flags the commands share, and what they turn into: the OCR, batch and card settings and
//! the generator, as the libraries take them.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use llm_client::{
    ApiKey, BackendKind, CardGenerator, CardOptions, DEFAULT_API_KEY_ENV, GeneratorChoice,
    Grounding, KindWanted, LlmError, ModelSettings, Prompts, ResponseCache, RetryPolicy,
};
use ocr_core::{BatchOptions, Cache, OcrOptions, Pipeline, Psm};

/// Settings every subcommand shares.
#[derive(Debug, Clone, Default)]
pub struct Global {
    /// No progress bars and no summary on stderr.
    pub quiet: bool,
    /// The summary as JSON on stdout.
    pub json: bool,
    /// Set by Ctrl-C.
    pub cancel: Arc<AtomicBool>,
}

/// How images are read: shared by `ocr` and `cards`.
#[derive(Debug, Args)]
pub struct OcrFlags {
    /// Tesseract languages of the material, joined by '+': eng, fra, eng+deu...; `auto` guesses
    /// each page's among those installed (`auto:fra+eng` among these)
    #[arg(short, long, default_value = "auto", env = "OCR_TO_ANKI_LANG")]
    pub lang: String,
    /// Tesseract page segmentation mode: 3 automatic, 4 one column, 6 one block, 11 sparse text...
    #[arg(long, default_value_t = Psm::AUTO)]
    psm: Psm,
    /// Hand the image to Tesseract as it is: no rotation, deskew, crop, scaling or lighting fix.
    #[arg(long)]
    no_preprocess: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, default_value_t = 0)]
    threads: usize,
    /// Do not read or write the caches (recognised pages, model answers).
    #[arg(long)]
    pub no_cache: bool,
    /// Where cached pages are kept [default: $XDG_CACHE_HOME/ocr-to-anki/ocr].
    #[arg(long, env = "OCR_TO_ANKI_CACHE_DIR", value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Folder holding the *.traineddata files (default: Tesseract's own).
    #[arg(long, env = "TESSDATA_PREFIX", value_name = "DIR")]
    tessdata: Option<PathBuf>,
}

impl OcrFlags {
    /// The OCR settings, or a usage error (a language without its traineddata).
    pub fn options(&self) -> Result<OcrOptions, String> {
        ocr_core::language::check_setting(&self.lang, self.tessdata.as_deref())
            .map_err(|e| e.to_string())?;
        Ok(OcrOptions {
            lang: self.lang.clone(),
            psm: self.psm,
            pipeline: if self.no_preprocess {
                Pipeline::none()
            } else {
                Pipeline::photo()
            },
            tessdata: self.tessdata.clone(),
        })
    }

    /// The batch settings, with the page cache unless switched off (a cache that cannot be
    /// opened is a warning, not an error).
    pub fn batch(&self) -> BatchOptions {
        let cache = if self.no_cache {
            None
        } else {
            self.cache_dir
                .clone()
                .or_else(|| crate::config::cache_folder(ocr_core::CacheKind::Pages))
                .and_then(|dir| match Cache::open(&dir) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        eprintln!("warning: {e}; going on without a cache");
                        None
                    }
                })
        };
        BatchOptions {
            threads: self.threads,
            cache,
            cancel: None,
        }
    }
}

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
    /// Kinds of card to make, comma-separated: basic, reversed, cloze, vocabulary, occlusion
    /// (labelled diagrams, from the page's layout).
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
