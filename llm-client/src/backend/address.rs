//! Where the model servers are: Ollama's address completed the way its own clients do, and the
//! key an OpenAI-compatible server asks for.

use std::fmt;

/// Where Ollama listens unless told otherwise.
pub const DEFAULT_OLLAMA_URL: &str = "http://localhost:11434";

/// The Ollama address: the one configured, else `OLLAMA_HOST`, else the default. Like Ollama's own
/// clients, it takes `host`, `host:port` or a full URL, and reads `0.0.0.0` as this machine.
pub fn ollama_base_url(configured: Option<&str>) -> String {
    let env = std::env::var("OLLAMA_HOST").ok();
    let raw = configured
        .or(env.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_OLLAMA_URL);
    let (scheme, rest) = match raw.split_once("://") {
        Some((s, r)) => (s.to_owned(), r),
        None => ("http".to_owned(), raw),
    };
    let (host_port, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host_port = if host_port.is_empty() {
        "localhost:11434".to_owned()
    } else if host_port.starts_with('[') {
        if host_port.contains("]:") {
            host_port.to_owned()
        } else {
            format!("{host_port}:11434")
        }
    } else if host_port.contains(':') {
        host_port.to_owned()
    } else {
        let port = if scheme == "https" { 443 } else { 11434 };
        format!("{host_port}:{port}")
    };
    let host_port = host_port.replacen("0.0.0.0", "127.0.0.1", 1);
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        format!("{scheme}://{host_port}")
    } else {
        format!("{scheme}://{host_port}/{path}")
    }
}

/// The environment variable the API key is read from unless another is named.
pub const DEFAULT_API_KEY_ENV: &str = "OPENAI_API_KEY";

/// An API key: sent as a bearer token, never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key; empty strings are no key.
    pub fn new(key: impl Into<String>) -> Option<ApiKey> {
        let key = key.into().trim().to_owned();
        (!key.is_empty()).then_some(ApiKey(key))
    }

    /// The key from an environment variable, if it is set and not empty.
    pub fn from_env(var: &str) -> Option<ApiKey> {
        std::env::var(var).ok().and_then(ApiKey::new)
    }

    #[cfg(feature = "openai")]
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_completed_like_ollama_does() {
        let cases = [
            ("localhost", "http://localhost:11434"),
            ("0.0.0.0", "http://127.0.0.1:11434"),
            ("0.0.0.0:8080", "http://127.0.0.1:8080"),
            ("http://gpu-box:11434/", "http://gpu-box:11434"),
            (
                "https://ollama.example.com",
                "https://ollama.example.com:443",
            ),
            ("[::1]", "http://[::1]:11434"),
            ("http://proxy:80/ollama", "http://proxy:80/ollama"),
        ];
        for (given, want) in cases {
            assert_eq!(ollama_base_url(Some(given)), want, "{given}");
        }
    }

    #[test]
    fn keys_never_show() {
        let key = ApiKey::new("sk-very-secret").expect("key");
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        assert!(ApiKey::new("  ").is_none());
    }
}
