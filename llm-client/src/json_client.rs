//! Sending JSON to a model server: timeouts, retries with backoff and jitter, readable errors that
//! never carry a secret.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;

use crate::error::{LlmError, Result};
use crate::http::{RetryPolicy, redact_url};

/// Most bytes of one answer read from a model server: 4 MiB, far above what `max_tokens` allows;
/// a longer answer is an error and is not read to its end.
pub const MAX_REPLY_BYTES: usize = 4 << 20;

/// Most bytes of an error answer read for its message.
const MAX_ERROR_BYTES: usize = 64 << 10;

/// A JSON POST client for one model server.
#[derive(Debug, Clone)]
pub struct JsonClient {
    client: reqwest::Client,
    policy: RetryPolicy,
    backend: &'static str,
    hint: &'static str,
    sent: Arc<AtomicUsize>,
}

impl JsonClient {
    /// A client; `backend` names the server kind in messages and `hint` says how to start one.
    pub fn new(policy: RetryPolicy, backend: &'static str, hint: &'static str) -> Result<Self> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10).min(policy.timeout))
            .timeout(policy.timeout)
            .user_agent(concat!("ocr-to-anki/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LlmError::Config(format!("cannot set up the HTTP client: {e}")))?;
        Ok(JsonClient {
            client,
            policy,
            backend,
            hint,
            sent: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// How many requests [`JsonClient::post`] has sent, failed ones and retries included.
    pub fn requests_sent(&self) -> usize {
        self.sent.load(Ordering::Relaxed)
    }

    /// Posts `body` to `url` (with a bearer token if given) and returns the JSON answer, retrying
    /// on refused connections, timeouts, 429 and 5xx. No error carries the token.
    pub async fn post(&self, url: &str, bearer: Option<&str>, body: &Value) -> Result<Value> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.sent.fetch_add(1, Ordering::Relaxed);
            let (err, retry_after) = match self.post_once(url, bearer, body, attempt).await {
                Ok(v) => return Ok(v),
                Err((e, wait)) => (e.redact(bearer), wait),
            };
            if attempt >= self.policy.attempts || !err.is_transient() {
                return Err(err);
            }
            let wait = retry_after.map_or_else(
                || self.policy.delay(attempt),
                |d| d.min(self.policy.max_delay),
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// Checks that a server answers at `url` at all (any HTTP status will do): one try, so a
    /// server that is not running is found in a moment, before any work is done.
    #[cfg(feature = "openai")]
    pub async fn reachable(&self, url: &str) -> Result<()> {
        let shown = redact_url(url);
        match self
            .client
            .get(url)
            .timeout(Duration::from_secs(10).min(self.policy.timeout))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(self.transport(e, &shown, 1)),
        }
    }

    /// Posts `body` once, with no retry: for quick checks before the real work.
    #[cfg(feature = "ollama")]
    pub async fn post_once_only(&self, url: &str, body: &Value) -> Result<Value> {
        self.post_once(url, None, body, 1).await.map_err(|(e, _)| e)
    }

    async fn post_once(
        &self,
        url: &str,
        bearer: Option<&str>,
        body: &Value,
        attempt: u32,
    ) -> std::result::Result<Value, (LlmError, Option<Duration>)> {
        let shown = redact_url(url);
        let mut request = self.client.post(url).json(body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .map_err(|e| (self.transport(e, &shown, attempt), None))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let limit = if status.is_success() {
            MAX_REPLY_BYTES
        } else {
            MAX_ERROR_BYTES
        };
        let (bytes, whole) = read_capped(response, limit)
            .await
            .map_err(|e| (self.transport(e, &shown, attempt), None))?;
        if !status.is_success() {
            return Err((
                LlmError::Http {
                    url: shown,
                    status: status.as_u16(),
                    detail: detail(&String::from_utf8_lossy(&bytes)),
                },
                retry_after,
            ));
        }
        if !whole {
            return Err((
                LlmError::Malformed {
                    what: shown,
                    message: format!(
                        "the server's reply is over {} MiB; it was not read to its end",
                        MAX_REPLY_BYTES >> 20
                    ),
                    document: false,
                },
                None,
            ));
        }
        serde_json::from_slice(&bytes).map_err(|e| {
            (
                LlmError::Malformed {
                    what: shown,
                    message: format!("the server's reply is not JSON: {e}"),
                    document: false,
                },
                None,
            )
        })
    }

    fn transport(&self, e: reqwest::Error, url: &str, attempts: u32) -> LlmError {
        if e.is_timeout() {
            LlmError::Timeout {
                url: url.to_owned(),
                seconds: self.policy.timeout.as_secs(),
                attempts,
            }
        } else {
            // reqwest's message names the URL we gave it; ours has no password in it.
            let mut message = String::new();
            let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(&e);
            while let Some(c) = cause {
                message = c.to_string();
                cause = c.source();
            }
            if message.is_empty() {
                message = "connection failed".into();
            }
            LlmError::Connect {
                backend: self.backend,
                url: url.to_owned(),
                message,
                hint: self.hint,
            }
        }
    }
}

/// Reads at most `limit` bytes of a body; the flag says whether that was all of it.
async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> reqwest::Result<(Vec<u8>, bool)> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Ok((Vec::new(), false));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, false));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, true))
}

/// The useful part of an error body: an `error` message if the body is JSON, else its start.
fn detail(body: &str) -> String {
    let from_json = serde_json::from_str::<Value>(body).ok().and_then(|v| {
        let e = v.get("error")?;
        e.get("message")
            .and_then(Value::as_str)
            .or_else(|| e.as_str())
            .map(str::to_owned)
    });
    let text = from_json.unwrap_or_else(|| body.trim().to_owned());
    let short: String = text.chars().take(300).collect();
    if short.is_empty() {
        "(no message)".into()
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_shortened() {
        assert_eq!(
            detail(r#"{"error": {"message": "model not found"}}"#),
            "model not found"
        );
        assert_eq!(detail(r#"{"error": "busy"}"#), "busy");
        assert_eq!(detail(""), "(no message)");
        assert_eq!(detail(&"x".repeat(1000)).len(), 300);
    }
}
