//! A content-addressed store of recognised pages, so a second run over the same files does no OCR;
//! and [`Store`], the size-capped folder of files that both the page and answer caches sit on.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::error::{OcrError, Result};
use crate::page::Page;

/// The size cap of the page cache unless told otherwise: 256 MiB (about 35,000 pages).
pub const DEFAULT_MAX_BYTES: u64 = 256 << 20;

/// How much a cache holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Stored entries.
    pub entries: usize,
    /// Their size in bytes.
    pub bytes: u64,
}

/// A folder of files named by hex keys (`ab/abcd….json`), written whole or not at all, kept
/// under a size cap: when a write takes it over, the least recently used entries are removed
/// (a hit marks an entry used by touching its modification time).
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    max_bytes: u64,
    /// The folder's size as last measured plus what was written since (`None`: not yet measured).
    size: Arc<Mutex<Option<u64>>>,
}

impl Store {
    /// Opens (and creates if needed) a store folder capped at `max_bytes`.
    pub fn open(dir: impl Into<PathBuf>, max_bytes: u64) -> Result<Store> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|source| OcrError::Cache {
            path: dir.clone(),
            source,
        })?;
        Ok(Store {
            dir,
            max_bytes,
            size: Arc::new(Mutex::new(None)),
        })
    }

    /// The folder this store lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The size cap in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The file of `key`; `None` for a key that is not a hash (so no key leaves the folder).
    fn path(&self, key: &str) -> Option<PathBuf> {
        (key.len() >= 2 && key.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| self.dir.join(&key[..2]).join(format!("{key}.json")))
    }

    /// The bytes stored under `key`, if any; a hit marks the entry as recently used.
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        let path = self.path(key)?;
        let bytes = fs::read(&path).ok()?;
        // Best effort: an entry that cannot be touched is only evicted a little early.
        let _ = fs::File::open(&path).and_then(|f| f.set_modified(SystemTime::now()));
        Some(bytes)
    }

    /// Stores `bytes` under `key` (a crash leaves the old entry or none), then evicts the least
    /// recently used entries if the store is over its cap.
    pub fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let Some(path) = self.path(key) else {
            return Err(OcrError::Cache {
                path: self.dir.join(key),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a hash key"),
            });
        };
        let err = |source| OcrError::Cache {
            path: path.clone(),
            source,
        };
        let dir = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(dir).map_err(err)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
        tmp.write_all(bytes).map_err(err)?;
        tmp.persist(&path).map_err(|e| err(e.error))?;
        let over = {
            let mut size = self.size.lock().unwrap_or_else(|p| p.into_inner());
            let now = match *size {
                Some(s) => s + bytes.len() as u64,
                None => self.entries().iter().map(|e| e.1).sum(),
            };
            *size = Some(now);
            now > self.max_bytes
        };
        if over {
            self.evict();
        }
        Ok(())
    }

    /// Every entry: its file, size and last use.
    fn entries(&self) -> Vec<(PathBuf, u64, SystemTime)> {
        let mut out = Vec::new();
        let Ok(shards) = fs::read_dir(&self.dir) else {
            return out;
        };
        for shard in shards.flatten() {
            let name = shard.file_name();
            if name.len() != 2 || !shard.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            for entry in fs::read_dir(shard.path()).into_iter().flatten().flatten() {
                let hidden = entry.file_name().to_string_lossy().starts_with('.');
                if let Ok(meta) = entry.metadata()
                    && meta.is_file()
                    && !hidden
                {
                    let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                    out.push((entry.path(), meta.len(), used));
                }
            }
        }
        out
    }

    /// Removes the least recently used entries until the store is at 90% of its cap.
    fn evict(&self) {
        let mut entries = self.entries();
        entries.sort_by_key(|e| e.2);
        let mut total: u64 = entries.iter().map(|e| e.1).sum();
        let goal = self.max_bytes / 10 * 9;
        for (path, len, _) in entries {
            if total <= goal {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
        *self.size.lock().unwrap_or_else(|p| p.into_inner()) = Some(total);
    }

    /// How many entries the store holds and their size.
    pub fn stats(&self) -> CacheStats {
        let entries = self.entries();
        CacheStats {
            entries: entries.len(),
            bytes: entries.iter().map(|e| e.1).sum(),
        }
    }

    /// Removes every entry; returns how many files were removed.
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
        *self.size.lock().unwrap_or_else(|p| p.into_inner()) = Some(0);
        Ok(n)
    }
}

/// A folder of cached pages, keyed by a hash of the image bytes and the OCR settings.
#[derive(Debug, Clone)]
pub struct Cache {
    store: Store,
}

impl Cache {
    /// Opens (and creates if needed) a cache folder, capped at [`DEFAULT_MAX_BYTES`].
    pub fn open(dir: impl Into<PathBuf>) -> Result<Cache> {
        Cache::open_capped(dir, DEFAULT_MAX_BYTES)
    }

    /// Opens (and creates if needed) a cache folder capped at `max_bytes`.
    pub fn open_capped(dir: impl Into<PathBuf>, max_bytes: u64) -> Result<Cache> {
        Ok(Cache {
            store: Store::open(dir, max_bytes)?,
        })
    }

    /// The folder one of the caches lives in: its environment variable when set, else its own
    /// folder under `root`, the app's cache folder (see [`crate::UserFolder`]). Every frontend
    /// finds its caches here.
    pub fn folder(kind: CacheKind, root: Option<&Path>) -> Option<PathBuf> {
        std::env::var_os(kind.env_var())
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| root.map(|r| r.join(kind.name())))
    }

    /// The folder this cache lives in.
    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    /// The store underneath, for its size and cap.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The key for an image's bytes under the given settings fingerprint.
    pub fn key(bytes: &[u8], fingerprint: &str) -> String {
        let mut h = blake3::Hasher::new();
        h.update(fingerprint.as_bytes());
        h.update(&[0]);
        h.update(bytes);
        h.finalize().to_hex().to_string()
    }

    /// The cached page for `key`, if there is a readable one (a bad entry is a miss).
    pub fn get(&self, key: &str) -> Option<Page> {
        let bytes = self.store.get(key)?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores a page under `key`, atomically (a crash leaves the old entry or none).
    pub fn put(&self, key: &str, page: &Page) -> Result<()> {
        let json = serde_json::to_vec(page).map_err(|e| OcrError::Cache {
            path: self.dir().to_owned(),
            source: e.into(),
        })?;
        self.store.put(key, &json)
    }

    /// Removes every cached page; returns how many files were removed.
    pub fn clear(&self) -> Result<usize> {
        self.store.clear()
    }
}

/// The caches ocr-to-anki keeps, each in a folder of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheKind {
    /// Recognised pages.
    Pages,
    /// Model answers.
    Answers,
}

impl CacheKind {
    /// The environment variable that moves this cache's folder.
    pub fn env_var(self) -> &'static str {
        match self {
            Self::Pages => "OCR_TO_ANKI_CACHE_DIR",
            Self::Answers => "OCR_TO_ANKI_LLM_CACHE_DIR",
        }
    }

    /// Its folder's name under the cache root.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pages => "ocr",
            Self::Answers => "llm",
        }
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

    #[test]
    fn the_store_keeps_under_its_cap_dropping_the_least_recently_used() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path(), 10_000).expect("open");
        let key = |i: u32| Cache::key(&i.to_le_bytes(), "");
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        for i in 0..9 {
            store.put(&key(i), &[b'x'; 1000]).expect("put");
            // Older entries look older, as they would after days of use.
            let path = store.path(&key(i)).expect("path");
            let f = fs::File::open(path).expect("open");
            f.set_modified(old + std::time::Duration::from_secs(u64::from(i)))
                .expect("touch");
        }
        assert_eq!(store.stats().entries, 9);
        // Entry 0 is used again, so entry 1 is now the least recently used.
        assert!(store.get(&key(0)).is_some());
        store.put(&key(9), &[b'x'; 1000]).expect("put");
        store.put(&key(10), &[b'x'; 1000]).expect("put");
        let stats = store.stats();
        assert!(stats.bytes <= 10_000, "{stats:?}");
        assert!(store.get(&key(0)).is_some(), "a recent hit stays");
        assert!(store.get(&key(1)).is_none(), "the least recently used goes");
        assert!(store.get(&key(10)).is_some(), "the newest stays");
        assert!(store.get("../../etc/passwd").is_none());
        assert!(store.put("../x", b"x").is_err());
    }
}
