//! The model servers cards can be asked of, behind one small chat interface.

mod address;
#[cfg(feature = "ollama")]
mod ollama;
#[cfg(feature = "openai")]
mod openai;

pub use address::{ApiKey, DEFAULT_API_KEY_ENV, DEFAULT_OLLAMA_URL, ollama_base_url};
#[cfg(feature = "ollama")]
pub use ollama::Ollama;
#[cfg(feature = "openai")]
pub use openai::OpenAiCompatible;

use async_trait::async_trait;
use serde_json::Value;

use crate::error::Result;

/// One chat exchange: a system and a user message, and the schema the answer must follow.
#[derive(Debug, Clone, Copy)]
pub struct ChatRequest<'a> {
    /// The system message.
    pub system: &'a str,
    /// The user message, with the material.
    pub user: &'a str,
    /// The JSON Schema of the answer.
    pub schema: &'a Value,
    /// Sampling temperature.
    pub temperature: f32,
    /// Context window to ask for, in tokens (where the server takes one).
    pub num_ctx: u32,
    /// Most tokens the answer may have.
    pub max_tokens: u32,
}

impl ChatRequest<'_> {
    /// The system and user messages in the chat format both APIs share.
    pub fn messages(&self) -> Value {
        serde_json::json!([
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.user},
        ])
    }
}

/// The model's answer to one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatReply {
    /// The answer text (JSON, if the server kept to the schema).
    pub content: String,
    /// Whether the answer was cut off at the token limit.
    pub truncated: bool,
}

/// A server that answers chat requests in a JSON schema.
#[async_trait]
pub trait ChatBackend: Send + Sync {
    /// What this backend is, for messages and cache keys: kind, address and model.
    fn identity(&self) -> BackendIdentity;

    /// Sends one exchange and returns the answer.
    async fn chat(&self, request: &ChatRequest<'_>) -> Result<ChatReply>;

    /// Checks that the server is there, before any work is sent to it.
    async fn probe(&self) -> Result<()>;

    /// How many chat requests were sent so far, failed ones and retries included.
    fn requests_sent(&self) -> usize {
        0
    }
}

/// The parts of a backend that shape its answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendIdentity {
    /// `ollama` or `openai`.
    pub kind: &'static str,
    /// The server address, without secrets.
    pub url: String,
    /// The model name.
    pub model: String,
}
