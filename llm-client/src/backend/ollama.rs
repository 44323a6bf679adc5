//! Ollama's native chat API: `POST /api/chat` with a JSON Schema as `format`.

use async_trait::async_trait;
use serde_json::{Value, json};

use super::{BackendIdentity, ChatBackend, ChatReply, ChatRequest};
use crate::error::{LlmError, Result};
use crate::http::{RetryPolicy, redact_url};
use crate::json_client::JsonClient;

const HINT: &str = "Start Ollama with `ollama serve` (and `ollama pull MODEL`), point --base-url or \
                    OLLAMA_HOST at it, or run without a model with `--backend builtin`.";

/// The error for an address whose host name does not resolve (as the images' default
/// `http://ollama:11434` outside docker compose), naming both ways out; `None` if it resolves.
async fn unresolved_host(base_url: &str) -> Option<LlmError> {
    let url = reqwest::Url::parse(base_url).ok()?;
    let host = url.domain()?;
    let target = (host.to_owned(), url.port_or_known_default()?);
    let resolves = tokio::task::spawn_blocking(move || {
        std::net::ToSocketAddrs::to_socket_addrs(&target).is_ok_and(|mut a| a.next().is_some())
    })
    .await
    .unwrap_or(true);
    (!resolves).then(|| {
        LlmError::Config(format!(
            "the Ollama host {host:?} in {} does not resolve: point OLLAMA_HOST at a running \
             Ollama (in a container: -e OLLAMA_HOST=http://HOST:11434), or read cards without a \
             model with OCR_TO_ANKI_BACKEND=builtin (-e OCR_TO_ANKI_BACKEND=builtin)",
            redact_url(base_url)
        ))
    })
}

/// A model served by Ollama.
#[derive(Debug, Clone)]
pub struct Ollama {
    base_url: String,
    model: String,
    client: JsonClient,
}

impl Ollama {
    /// A backend for `model` at `base_url` (see [`crate::ollama_base_url`]).
    pub fn new(base_url: &str, model: &str, policy: RetryPolicy) -> Result<Ollama> {
        if model.trim().is_empty() {
            return Err(LlmError::Config("no model name given for Ollama".into()));
        }
        Ok(Ollama {
            base_url: base_url.trim_end_matches('/').to_owned(),
            model: model.trim().to_owned(),
            client: JsonClient::new(policy, "Ollama", HINT)?,
        })
    }
}

#[async_trait]
impl ChatBackend for Ollama {
    fn identity(&self) -> BackendIdentity {
        BackendIdentity {
            kind: "ollama",
            url: redact_url(&self.base_url),
            model: self.model.clone(),
        }
    }

    fn requests_sent(&self) -> usize {
        self.client.requests_sent()
    }

    /// Checks that the server answers and has the model (`/api/show` answers 404 for a model
    /// that is not pulled); other answers are left for the real requests to report.
    async fn probe(&self) -> Result<()> {
        let url = format!("{}/api/show", self.base_url);
        let body = json!({"model": self.model, "name": self.model});
        match self.client.post_once_only(&url, &body).await {
            Err(LlmError::Http { status: 404, .. }) => Err(LlmError::Config(format!(
                "the Ollama server at {} has no model {:?}: run `ollama pull {}`, or name one \
                 that `ollama list` shows with --model",
                redact_url(&self.base_url),
                self.model,
                self.model
            ))),
            Err(e @ LlmError::Connect { .. }) => {
                Err(unresolved_host(&self.base_url).await.unwrap_or(e))
            }
            Err(e @ LlmError::Timeout { .. }) => Err(e),
            _ => Ok(()),
        }
    }

    async fn chat(&self, request: &ChatRequest<'_>) -> Result<ChatReply> {
        let url = format!("{}/api/chat", self.base_url);
        let body = json!({
            "model": self.model,
            "messages": request.messages(),
            "format": request.schema,
            "stream": false,
            "options": {
                "temperature": request.temperature,
                "num_ctx": request.num_ctx,
                "num_predict": request.max_tokens,
            },
        });
        let answer = self.client.post(&url, None, &body).await?;
        let malformed = |message: &str| LlmError::Malformed {
            what: redact_url(&url),
            message: message.to_owned(),
            document: false,
        };
        if let Some(e) = answer.get("error").and_then(Value::as_str) {
            return Err(malformed(e));
        }
        let content = answer
            .pointer("/message/content")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("the reply has no message.content"))?;
        let truncated = answer.get("done_reason").and_then(Value::as_str) == Some("length");
        Ok(ChatReply {
            content: content.to_owned(),
            truncated,
        })
    }
}
