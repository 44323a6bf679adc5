//! The OpenAI chat completions API, as served by OpenAI, llama.cpp's server, vLLM, LM Studio and
//! others: `POST {base}/v1/chat/completions` with `response_format: json_schema`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use serde_json::{Value, json};

use super::{ApiKey, BackendIdentity, ChatBackend, ChatReply, ChatRequest};
use crate::answer;
use crate::error::{LlmError, Result};
use crate::http::{RetryPolicy, redact_url};
use crate::json_client::JsonClient;

const HINT: &str = "Check --base-url (llama.cpp's server listens on http://localhost:8080, \
                    LM Studio on http://localhost:1234, vLLM on http://localhost:8000), or run \
                    without a model with `--backend builtin`.";

/// A model behind an OpenAI-compatible chat completions endpoint.
#[derive(Debug, Clone)]
pub struct OpenAiCompatible {
    endpoint: String,
    model: String,
    key: Option<ApiKey>,
    client: JsonClient,
    /// Set once the server refused the schema's length limits; they are left out from then on.
    no_limits: Arc<AtomicBool>,
}

impl OpenAiCompatible {
    /// A backend for `model` at `base_url` (with or without a trailing `/v1`).
    pub fn new(
        base_url: &str,
        model: &str,
        key: Option<ApiKey>,
        policy: RetryPolicy,
    ) -> Result<OpenAiCompatible> {
        if model.trim().is_empty() {
            return Err(LlmError::Config(
                "no model name given for the OpenAI-compatible server".into(),
            ));
        }
        let base = base_url.trim().trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(LlmError::Config(format!(
                "base URL {:?} must start with http:// or https://",
                redact_url(base)
            )));
        }
        let endpoint = if base.ends_with("/v1") {
            format!("{base}/chat/completions")
        } else {
            format!("{base}/v1/chat/completions")
        };
        Ok(OpenAiCompatible {
            endpoint,
            model: model.trim().to_owned(),
            key,
            client: JsonClient::new(policy, "OpenAI-compatible", HINT)?,
            no_limits: Arc::new(AtomicBool::new(false)),
        })
    }

    fn body(&self, request: &ChatRequest<'_>, schema: &Value) -> Value {
        json!({
            "model": self.model,
            "messages": request.messages(),
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "flashcards", "strict": true, "schema": schema},
            },
        })
    }
}

/// Whether an HTTP 400 is the server refusing `maxLength`/`maxItems` in a strict schema (as
/// OpenAI's strict mode may); the request is then sent again without them.
fn refuses_limits(err: &LlmError) -> bool {
    matches!(err, LlmError::Http { status: 400, detail, .. }
        if ["maxLength", "maxItems", "not permitted", "not supported"]
            .iter()
            .any(|w| detail.contains(w)))
}

#[async_trait]
impl ChatBackend for OpenAiCompatible {
    fn identity(&self) -> BackendIdentity {
        BackendIdentity {
            kind: "openai",
            url: redact_url(&self.endpoint),
            model: self.model.clone(),
        }
    }

    fn requests_sent(&self) -> usize {
        self.client.requests_sent()
    }

    async fn probe(&self) -> Result<()> {
        let models = self.endpoint.replace("/chat/completions", "/models");
        self.client.reachable(&models).await
    }

    /// Sends the exchange; no error (nor answer) carries the key, even if the server echoes it.
    async fn chat(&self, request: &ChatRequest<'_>) -> Result<ChatReply> {
        let key = self.key.as_ref().map(ApiKey::expose);
        self.chat_with(request, key)
            .await
            .map(|mut reply| {
                if let Some(k) = key {
                    reply.content = reply.content.replace(k, "***");
                }
                reply
            })
            .map_err(|e| e.redact(key))
    }
}

impl OpenAiCompatible {
    async fn chat_with(&self, request: &ChatRequest<'_>, key: Option<&str>) -> Result<ChatReply> {
        let plain;
        let mut schema = request.schema;
        if self.no_limits.load(Ordering::Relaxed) {
            plain = answer::without_length_limits(request.schema);
            schema = &plain;
        }
        let answer = match self
            .client
            .post(&self.endpoint, key, &self.body(request, schema))
            .await
        {
            Err(e) if refuses_limits(&e) && !self.no_limits.swap(true, Ordering::Relaxed) => {
                let plain = answer::without_length_limits(request.schema);
                self.client
                    .post(&self.endpoint, key, &self.body(request, &plain))
                    .await?
            }
            other => other?,
        };
        let malformed = |message: String| LlmError::Malformed {
            what: redact_url(&self.endpoint),
            message,
            document: false,
        };
        let choice = answer
            .pointer("/choices/0")
            .ok_or_else(|| malformed("the reply has no choices".into()))?;
        if let Some(refusal) = choice.pointer("/message/refusal").and_then(Value::as_str) {
            return Err(malformed(format!("the model refused: {refusal}")));
        }
        let content = choice
            .pointer("/message/content")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("the reply has no choices[0].message.content".into()))?;
        let truncated = choice.get("finish_reason").and_then(Value::as_str) == Some("length");
        Ok(ChatReply {
            content: content.to_owned(),
            truncated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_takes_base_with_or_without_v1() {
        let p = RetryPolicy::default();
        let a = OpenAiCompatible::new("http://127.0.0.1:8080/", "m", None, p.clone()).expect("a");
        let b =
            OpenAiCompatible::new("https://api.openai.com/v1", "m", None, p.clone()).expect("b");
        assert_eq!(
            a.identity().url,
            "http://127.0.0.1:8080/v1/chat/completions"
        );
        assert_eq!(
            b.identity().url,
            "https://api.openai.com/v1/chat/completions"
        );
        assert!(OpenAiCompatible::new("localhost:8080", "m", None, p.clone()).is_err());
        assert!(OpenAiCompatible::new("http://x", " ", None, p).is_err());
    }
}
