//! The generator a frontend's settings name: which backend, where, which model, which key.
//!
//! Both frontends build their generator through [`GeneratorChoice::build`], so the defaults and
//! the wiring of prompts and the answer cache live in one place.

use std::fmt;
use std::str::FromStr;

use crate::backend::ApiKey;
#[cfg(any(feature = "ollama", feature = "openai"))]
use crate::backend::ChatBackend;
#[cfg(feature = "openai")]
use crate::backend::OpenAiCompatible;
#[cfg(feature = "ollama")]
use crate::backend::{Ollama, ollama_base_url};
use crate::builtin::Builtin;
use crate::cache::ResponseCache;
use crate::error::{LlmError, Result};
use crate::generator::CardGenerator;
use crate::http::RetryPolicy;
#[cfg(any(feature = "ollama", feature = "openai"))]
use crate::model::ModelGenerator;
use crate::model::ModelSettings;
use crate::prompt::Prompts;

/// The model Ollama is asked for when none is named.
pub const DEFAULT_OLLAMA_MODEL: &str = "gemma3:4b";
/// The server an OpenAI-compatible backend talks to when none is named.
pub const DEFAULT_OPENAI_URL: &str = "https://api.openai.com/v1";
/// The model an OpenAI-compatible server is asked for when none is named.
pub const DEFAULT_OPENAI_MODEL: &str = "gpt-4o-mini";

/// Which generator makes the cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackendKind {
    /// A model served by Ollama (`/api/chat`), local by default.
    #[default]
    Ollama,
    /// Any OpenAI-compatible server: llama.cpp, vLLM, LM Studio, OpenAI.
    OpenAi,
    /// No model: vocabulary lists, Q/A lines and glossaries read straight off the page.
    Builtin,
}

impl BackendKind {
    /// Every kind, in the order frontends list them.
    pub const ALL: [BackendKind; 3] = [
        BackendKind::Ollama,
        BackendKind::OpenAi,
        BackendKind::Builtin,
    ];

    /// The kind's name in settings files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Ollama => "ollama",
            BackendKind::OpenAi => "openai",
            BackendKind::Builtin => "builtin",
        }
    }

    /// What the kind is, in a line for help texts.
    pub fn summary(self) -> &'static str {
        match self {
            BackendKind::Ollama => "A model served by Ollama (`/api/chat`), local by default",
            BackendKind::OpenAi => {
                "Any OpenAI-compatible server: llama.cpp, vLLM, LM Studio, OpenAI"
            }
            BackendKind::Builtin => {
                "No model: vocabulary lists, Q/A lines and glossaries read straight off the page"
            }
        }
    }

    /// The model used when none is named, if the kind uses one.
    pub fn default_model(self) -> Option<&'static str> {
        match self {
            BackendKind::Ollama => Some(DEFAULT_OLLAMA_MODEL),
            BackendKind::OpenAi => Some(DEFAULT_OPENAI_MODEL),
            BackendKind::Builtin => None,
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BackendKind {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        BackendKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown backend {s:?}: use ollama, openai or builtin"))
    }
}

/// Everything needed to make a generator; `None` fields take the kind's defaults.
#[derive(Debug, Clone, Default)]
pub struct GeneratorChoice {
    /// Which generator.
    pub kind: BackendKind,
    /// The server address (Ollama: `$OLLAMA_HOST` or localhost when `None`).
    pub base_url: Option<String>,
    /// The model name.
    pub model: Option<String>,
    /// The key for an OpenAI-compatible server.
    pub api_key: Option<ApiKey>,
    /// Sampling, context, chunking and concurrency.
    pub settings: ModelSettings,
    /// Timeouts and retries of the HTTP requests.
    pub policy: RetryPolicy,
    /// The prompts sent with every request.
    pub prompts: Prompts,
    /// Where answers are cached; `None` asks the model every time.
    pub cache: Option<ResponseCache>,
}

impl GeneratorChoice {
    /// Builds the generator; fails on an address that cannot be used.
    pub fn build(self) -> Result<Box<dyn CardGenerator>> {
        Ok(match self.kind {
            BackendKind::Builtin => Box::new(Builtin),
            #[cfg(feature = "ollama")]
            BackendKind::Ollama => {
                let url = ollama_base_url(given(&self.base_url));
                let model = given(&self.model).unwrap_or(DEFAULT_OLLAMA_MODEL);
                let backend = Ollama::new(&url, model, self.policy)?;
                wrap(backend, self.settings, self.prompts, self.cache)
            }
            #[cfg(feature = "openai")]
            BackendKind::OpenAi => {
                let url = given(&self.base_url).unwrap_or(DEFAULT_OPENAI_URL);
                let model = given(&self.model).unwrap_or(DEFAULT_OPENAI_MODEL);
                let backend = OpenAiCompatible::new(url, model, self.api_key, self.policy)?;
                wrap(backend, self.settings, self.prompts, self.cache)
            }
            #[allow(unreachable_patterns)]
            kind => {
                return Err(LlmError::Config(format!(
                    "this build of llm-client has no {kind} backend (its cargo feature `{kind}` is off)"
                )));
            }
        })
    }
}

/// The value, trimmed, unless it is missing or blank.
#[cfg(any(feature = "ollama", feature = "openai"))]
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(any(feature = "ollama", feature = "openai"))]
fn wrap<B: ChatBackend + 'static>(
    backend: B,
    settings: ModelSettings,
    prompts: Prompts,
    cache: Option<ResponseCache>,
) -> Box<dyn CardGenerator> {
    let generator = ModelGenerator::new(backend, settings).with_prompts(prompts);
    match cache {
        Some(c) => Box::new(generator.with_cache(c)),
        None => Box::new(generator),
    }
}

#[cfg(all(test, feature = "openai"))]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_by_name_and_defaults_fill_in() {
        assert_eq!("OpenAI".parse::<BackendKind>(), Ok(BackendKind::OpenAi));
        assert!("gpt".parse::<BackendKind>().is_err());
        let g = GeneratorChoice {
            kind: BackendKind::OpenAi,
            base_url: Some("  ".into()),
            model: Some(String::new()),
            ..GeneratorChoice::default()
        }
        .build()
        .expect("builds");
        let d = g.describe();
        assert!(
            d.contains(DEFAULT_OPENAI_MODEL) && d.contains("api.openai.com"),
            "{d}"
        );
        let b = GeneratorChoice {
            kind: BackendKind::Builtin,
            ..GeneratorChoice::default()
        };
        assert!(b.build().expect("builds").describe().contains("builtin"));
    }
}
