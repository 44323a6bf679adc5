//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong asking for cards.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The model server could not be reached at all.
    #[error("cannot reach the {backend} server at {url}: {message}. Is it running? {hint}")]
    Connect {
        /// The backend's name (Ollama, OpenAI-compatible).
        backend: &'static str,
        /// The address asked (with any password removed).
        url: String,
        /// The cause, as the network stack put it.
        message: String,
        /// What to do about it.
        hint: &'static str,
    },
    /// The server did not answer in time, even after retries.
    #[error(
        "the model server at {url} did not answer within {seconds} s (after {attempts} attempts)"
    )]
    Timeout {
        /// The address asked.
        url: String,
        /// The timeout of one request.
        seconds: u64,
        /// How many times it was asked.
        attempts: u32,
    },
    /// The server answered with an HTTP error.
    #[error("the model server at {url} answered HTTP {status}: {detail}")]
    Http {
        /// The address asked.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The server's own message, shortened.
        detail: String,
    },
    /// The server's answer is not the JSON this crate asked for.
    #[error("{what}: the model's answer is not valid JSON in the card schema: {message}")]
    Malformed {
        /// The document (and chunk) the answer was for, or the server address.
        what: String,
        /// What is wrong with it.
        message: String,
        /// Whether `what` is a document (the model's answer for it is off the schema), not the
        /// server (its reply is not what the protocol sends).
        document: bool,
    },
    /// The model ran out of tokens even on the smallest piece of text.
    #[error(
        "{what}: the model's answer was cut off (finish reason \"length\") even for a \
         {chars}-character piece of text; raise max_tokens or num_ctx"
    )]
    Truncated {
        /// The document (and chunk).
        what: String,
        /// Size of the smallest piece tried.
        chars: usize,
    },
    /// A setting that cannot work.
    #[error("{0}")]
    Config(String),
    /// A prompt template file that cannot be used.
    #[error("{}: {message}", path.display())]
    Template {
        /// The template file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The response cache could not be read or written.
    #[error("response cache {}: {source}", path.display())]
    Cache {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// This crate's result type.
pub type Result<T> = std::result::Result<T, LlmError>;

impl LlmError {
    /// Whether the message names the document (and chunk) it is about: an answer cut off or off
    /// the schema. Other errors are the server's, and say nothing of which document asked.
    pub fn names_document(&self) -> bool {
        matches!(
            self,
            LlmError::Truncated { .. } | LlmError::Malformed { document: true, .. }
        )
    }

    /// The same error with `secret` and any bearer token taken out of every text it carries.
    pub fn redact(self, secret: Option<&str>) -> LlmError {
        let clean = |t: String| crate::http::redact_secrets(&t, secret);
        match self {
            LlmError::Connect {
                backend,
                url,
                message,
                hint,
            } => LlmError::Connect {
                backend,
                url: clean(url),
                message: clean(message),
                hint,
            },
            LlmError::Timeout {
                url,
                seconds,
                attempts,
            } => LlmError::Timeout {
                url: clean(url),
                seconds,
                attempts,
            },
            LlmError::Http {
                url,
                status,
                detail,
            } => LlmError::Http {
                url: clean(url),
                status,
                detail: clean(detail),
            },
            LlmError::Malformed {
                what,
                message,
                document,
            } => LlmError::Malformed {
                what: clean(what),
                message: clean(message),
                document,
            },
            LlmError::Truncated { what, chars } => LlmError::Truncated {
                what: clean(what),
                chars,
            },
            LlmError::Config(m) => LlmError::Config(clean(m)),
            other => other,
        }
    }

    /// Whether asking again later may succeed (a server that is down or busy).
    pub fn is_transient(&self) -> bool {
        match self {
            LlmError::Connect { .. } | LlmError::Timeout { .. } => true,
            LlmError::Http { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}
