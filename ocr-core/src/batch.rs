//! Recognising many images in parallel, one Tesseract engine per worker thread.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::cache::Cache;
use crate::engine::Engine;
use crate::error::{OcrError, Result};
use crate::page::Page;
use crate::recognize::{OcrOptions, recognize_bytes};

/// How a batch runs.
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
    /// Where to look up and store finished pages; `None` disables caching.
    pub cache: Option<Cache>,
    /// Set to stop the batch: images not yet started are reported as cancelled.
    pub cancel: Option<Arc<AtomicBool>>,
}

/// What happened to one image of a batch, reported as it happens.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Position of the image in the input list.
    pub index: usize,
    /// The image file.
    pub path: &'a Path,
    /// Whether it was recognised (or found in the cache) without error.
    pub ok: bool,
    /// Whether the page came from the cache.
    pub cached: bool,
    /// How many images are done, this one included.
    pub done: usize,
    /// How many images the batch holds.
    pub total: usize,
    /// The page, when it was read: a frontend can show it before the batch ends.
    pub page: Option<&'a Page>,
}

/// The result for one image of a batch.
#[derive(Debug)]
pub struct BatchItem {
    /// The image file.
    pub path: PathBuf,
    /// Its page, or why it failed.
    pub result: Result<Page>,
    /// Whether the page came from the cache.
    pub cached: bool,
}

/// Recognises every image, in parallel, and returns one result per image in input order.
///
/// A file that cannot be read or decoded fails alone; the rest of the batch goes on. The outer
/// error is for problems that would fail every image, such as missing language data.
pub fn ocr_batch(
    paths: &[PathBuf],
    options: &OcrOptions,
    batch: &BatchOptions,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Result<Vec<BatchItem>> {
    let threads = match batch.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
    .clamp(1, paths.len().max(1));
    // Starting the engines up front turns a bad language into one clear error, not one per file.
    let engines = (0..threads)
        .map(|_| Engine::new(&options.lang, options.tessdata.as_deref()))
        .collect::<Result<Vec<_>>>()?;
    let fingerprint = options.fingerprint();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<BatchItem>>> = paths.iter().map(|_| Mutex::new(None)).collect();

    std::thread::scope(|scope| {
        for mut engine in engines {
            let (next, done, slots, fingerprint) = (&next, &done, &slots, &fingerprint);
            scope.spawn(move || {
                loop {
                    if batch
                        .cancel
                        .as_ref()
                        .is_some_and(|c| c.load(Ordering::Relaxed))
                    {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let (result, cached) = one(
                        &mut engine,
                        path,
                        options,
                        batch.cache.as_ref(),
                        fingerprint,
                    );
                    progress(Progress {
                        index: i,
                        path,
                        ok: result.is_ok(),
                        cached,
                        done: done.fetch_add(1, Ordering::Relaxed) + 1,
                        total: paths.len(),
                        page: result.as_ref().ok(),
                    });
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(BatchItem {
                            path: path.clone(),
                            result,
                            cached,
                        });
                    }
                }
            });
        }
    });

    Ok(slots
        .into_iter()
        .zip(paths)
        .map(|(slot, path)| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| BatchItem {
                    path: path.clone(),
                    result: Err(
                        if batch
                            .cancel
                            .as_ref()
                            .is_some_and(|c| c.load(Ordering::Relaxed))
                        {
                            OcrError::Cancelled { path: path.clone() }
                        } else {
                            OcrError::Recognition {
                                path: path.clone(),
                                detail: "worker thread stopped before this image".into(),
                            }
                        },
                    ),
                    cached: false,
                })
        })
        .collect())
}

fn one(
    engine: &mut Engine,
    path: &Path,
    options: &OcrOptions,
    cache: Option<&Cache>,
    fingerprint: &str,
) -> (Result<Page>, bool) {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(source) => {
            return (
                Err(OcrError::Read {
                    path: path.to_path_buf(),
                    source,
                }),
                false,
            );
        }
    };
    let key = cache.map(|_| Cache::key(&bytes, fingerprint));
    if let (Some(c), Some(k)) = (cache, key.as_deref())
        && let Some(mut page) = c.get(k)
    {
        page.source = Some(path.to_path_buf());
        return (Ok(page), true);
    }
    let result = recognize_bytes(engine, &bytes, path, options);
    if let (Ok(page), Some(c), Some(k)) = (&result, cache, key.as_deref()) {
        // A cache that cannot be written costs speed next time, never this result.
        let _ = c.put(k, page);
    }
    (result, false)
}
