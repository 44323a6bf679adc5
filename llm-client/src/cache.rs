//! A store of model answers, so a run repeated after a crash asks the model nothing it already
//! answered.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{LlmError, Result};

/// A folder of model answers keyed by a hash of everything that shaped them.
#[derive(Debug, Clone)]
pub struct ResponseCache {
    dir: PathBuf,
}

impl ResponseCache {
    /// Opens (and creates if needed) a cache folder.
    pub fn open(dir: impl Into<PathBuf>) -> Result<ResponseCache> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|source| LlmError::Cache {
            path: dir.clone(),
            source,
        })?;
        Ok(ResponseCache { dir })
    }

    /// The folder this cache lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
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

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    /// The stored answer for `key`, if any.
    pub fn get(&self, key: &str) -> Option<String> {
        fs::read_to_string(self.path(key)).ok()
    }

    /// Stores an answer; the file appears whole or not at all.
    pub fn put(&self, key: &str, answer: &str) -> Result<()> {
        let path = self.path(key);
        let err = |source| LlmError::Cache {
            path: path.clone(),
            source,
        };
        let dir = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(dir).map_err(err)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
        tmp.write_all(answer.as_bytes()).map_err(err)?;
        tmp.persist(&path).map_err(|e| err(e.error))?;
        Ok(())
    }

    /// Removes every stored answer; returns how many there were.
    pub fn clear(&self) -> Result<usize> {
        let mut n = 0;
        let entries = fs::read_dir(&self.dir).map_err(|source| LlmError::Cache {
            path: self.dir.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                n += fs::read_dir(&p).map(|d| d.count()).unwrap_or(0);
                fs::remove_dir_all(&p).map_err(|source| LlmError::Cache { path: p, source })?;
            }
        }
        Ok(n)
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
