//! How requests to a model server are retried, and how addresses and secrets are kept out of
//! messages; the client that sends them is in `json_client` (with a backend feature).

use std::time::Duration;

/// How often and how patiently a request is retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Wait before the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// Longest wait between attempts (also the cap on a server's `Retry-After`).
    pub max_delay: Duration,
    /// Time allowed for one request, from connecting to the end of the answer.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            timeout: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 for the first): exponential, with half of it
    /// random so that many clients do not come back at once.
    pub fn delay(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
            .min(self.max_delay);
        exp / 2 + exp.mul_f64(fastrand::f64() / 2.0)
    }
}

/// A text with every copy of `secret` and every bearer token (`Bearer …`) replaced by `***`.
pub fn redact_secrets(text: &str, secret: Option<&str>) -> String {
    let mut out = match secret.filter(|s| !s.is_empty()) {
        Some(s) => text.replace(s, "***"),
        None => text.to_owned(),
    };
    let lower = out.to_ascii_lowercase();
    let mut cuts = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("bearer") {
        let start = from + at + "bearer".len();
        let token_start = start + (lower.len() - start - lower[start..].trim_start().len());
        let token_len = lower[token_start..]
            .find(|c: char| c.is_whitespace() || "\"',;}]".contains(c))
            .unwrap_or(lower.len() - token_start);
        if token_start > start && token_len > 0 && !lower[token_start..].starts_with("***") {
            cuts.push((token_start, token_start + token_len));
        }
        from = token_start.max(start);
    }
    for (a, b) in cuts.into_iter().rev() {
        out.replace_range(a..b, "***");
    }
    out
}

/// An address with any `user:password@` removed, for messages.
pub fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (host_part, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
            let host = host_part.rsplit_once('@').map_or(host_part, |(_, h)| h);
            let path = path.split_once('?').map_or(path, |(p, _)| p);
            if path.is_empty() {
                format!("{scheme}://{host}")
            } else {
                format!("{scheme}://{host}/{path}")
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_passwords_and_queries() {
        assert_eq!(
            redact_url("https://user:secret@api.example.com/v1/chat?key=abc"),
            "https://api.example.com/v1/chat"
        );
        assert_eq!(
            redact_url("http://localhost:11434"),
            "http://localhost:11434"
        );
    }

    #[test]
    fn secrets_and_bearer_tokens_are_redacted() {
        let text = r#"{"error": "bad key sk-abc123 (header was Bearer sk-abc123, or bearer xyz)"}"#;
        let shown = redact_secrets(text, Some("sk-abc123"));
        assert!(
            !shown.contains("sk-abc123") && !shown.contains("xyz"),
            "{shown}"
        );
        assert!(shown.contains("Bearer ***"), "{shown}");
        assert_eq!(
            redact_secrets("Authorization: Bearer t0k", None),
            "Authorization: Bearer ***"
        );
        assert_eq!(redact_secrets("no secret here", None), "no secret here");
    }

    #[test]
    fn delays_grow_with_jitter_and_a_cap() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let d1 = p.delay(1);
            assert!(
                d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100),
                "{d1:?}"
            );
            let d3 = p.delay(3);
            assert!(
                d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400),
                "{d3:?}"
            );
            assert!(p.delay(30) <= Duration::from_millis(1000));
        }
    }
}
