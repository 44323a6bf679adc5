//! A content-addressed store of recognised pages, so a second run over the same files does no OCR.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{OcrError, Result};
use crate::page::Page;

/// A folder of cached pages, keyed by a hash of the image bytes and the OCR settings.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// Opens (and creates if needed) a cache folder.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Cache> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|source| OcrError::Cache {
            path: dir.clone(),
            source,
        })?;
        Ok(Cache { dir })
    }

    /// The folder ocr-to-anki keeps its caches in, shared by every frontend:
    /// `$XDG_CACHE_HOME/ocr-to-anki`, else `~/.cache/ocr-to-anki`.
    pub fn default_root() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("ocr-to-anki"))
    }

    /// The folder this cache lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key for an image's bytes under the given settings fingerprint.
    pub fn key(bytes: &[u8], fingerprint: &str) -> String {
        let mut h = blake3::Hasher::new();
        h.update(fingerprint.as_bytes());
        h.update(&[0]);
        h.update(bytes);
        h.finalize().to_hex().to_string()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    /// The cached page for `key`, if there is a readable one.
    pub fn get(&self, key: &str) -> Option<Page> {
        let bytes = fs::read(self.path(key)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores a page under `key`, atomically (a crash leaves the old entry or none).
    pub fn put(&self, key: &str, page: &Page) -> Result<()> {
        let path = self.path(key);
        let err = |source| OcrError::Cache {
            path: path.clone(),
            source,
        };
        let dir = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(dir).map_err(err)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
        let json = serde_json::to_vec(page).map_err(|e| err(e.into()))?;
        tmp.write_all(&json).map_err(err)?;
        tmp.persist(&path).map_err(|e| err(e.error))?;
        Ok(())
    }

    /// Removes every cached page; returns how many files were removed.
    pub fn clear(&self) -> Result<usize> {
        let mut n = 0;
        let entries = fs::read_dir(&self.dir).map_err(|source| OcrError::Cache {
            path: self.dir.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() && p.file_name().is_some_and(|n| n.len() == 2) {
                n += fs::read_dir(&p).map(|d| d.count()).unwrap_or(0);
                fs::remove_dir_all(&p).map_err(|source| OcrError::Cache { path: p, source })?;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Preprocessing;

    #[test]
    fn put_get_clear() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::open(dir.path().join("c")).expect("open");
        let page = Page {
            source: None,
            width: 1,
            height: 2,
            language: "fra".into(),
            blocks: vec![],
            preprocessing: Preprocessing::default(),
        };
        let key = Cache::key(b"pixels", "settings");
        assert_ne!(key, Cache::key(b"pixels", "other settings"));
        assert!(cache.get(&key).is_none());
        cache.put(&key, &page).expect("put");
        assert_eq!(cache.get(&key), Some(page));
        assert_eq!(cache.clear().expect("clear"), 1);
        assert!(cache.get(&key).is_none());
    }
}
