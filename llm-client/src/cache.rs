//! A store of model answers, so a run repeated after a crash asks the model nothing it already
//! answered; kept under a size cap, the least recently used answers going first.

use std::path::{Path, PathBuf};

use ocr_core::{CacheStats, OcrError, Store};

use crate::error::{LlmError, Result};

/// The size cap of the answer cache unless told otherwise: 64 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 64 << 20;

/// A folder of model answers keyed by a hash of everything that shaped them.
#[derive(Debug, Clone)]
pub struct ResponseCache {
    store: Store,
}

fn from_store(e: OcrError) -> LlmError {
    match e {
        OcrError::Cache { path, source } => LlmError::Cache { path, source },
        other => LlmError::Config(other.to_string()),
    }
}

impl ResponseCache {
    /// Opens (and creates if needed) a cache folder, capped at 64 MiB.
    pub fn open(dir: impl Into<PathBuf>) -> Result<ResponseCache> {
        ResponseCache::open_capped(dir, DEFAULT_MAX_BYTES)
    }

    /// Opens (and creates if needed) a cache folder capped at `max_bytes`.
    pub fn open_capped(dir: impl Into<PathBuf>, max_bytes: u64) -> Result<ResponseCache> {
        Ok(ResponseCache {
            store: Store::open(dir, max_bytes).map_err(from_store)?,
        })
    }

    /// The folder this cache lives in.
    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    /// The key for a request: a hash of each part, each part length-prefixed so that no two
    /// different lists of parts hash alike.
    pub fn key(parts: &[&str]) -> String {
        let mut h = blake3::Hasher::new();
        for p in parts {
            h.update(&(p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
        }
        h.finalize().to_hex().to_string()
    }

    /// The stored answer for `key`, if any (one that is not text is a miss).
    pub fn get(&self, key: &str) -> Option<String> {
        String::from_utf8(self.store.get(key)?).ok()
    }

    /// Stores an answer; the file appears whole or not at all.
    pub fn put(&self, key: &str, answer: &str) -> Result<()> {
        self.store.put(key, answer.as_bytes()).map_err(from_store)
    }

    /// How many answers are stored and their size.
    pub fn stats(&self) -> CacheStats {
        self.store.stats()
    }

    /// The size cap in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.store.max_bytes()
    }

    /// Removes every stored answer; returns how many there were.
    pub fn clear(&self) -> Result<usize> {
        self.store.clear().map_err(from_store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_and_keys_separate_parts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ResponseCache::open(dir.path().join("llm")).expect("open");
        let k = ResponseCache::key(&["ollama", "gemma3", "prompt"]);
        assert_ne!(k, ResponseCache::key(&["ollama", "gemma3prompt", ""]));
        assert_eq!(cache.get(&k), None);
        cache.put(&k, "{\"cards\": []}").expect("put");
        assert_eq!(cache.get(&k).as_deref(), Some("{\"cards\": []}"));
        assert_eq!(cache.clear().expect("clear"), 1);
        assert_eq!(cache.get(&k), None);
    }
}
