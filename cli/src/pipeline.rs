//! The road from input files to a deck, shared by the one-line run and the `cards` subcommand:
//! OCR (with its cache), card generation (with its cache), and a summary of both.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anki_export::Deck;
use llm_client::{Document, LlmError, generate_batch};
use ocr_core::{OcrError, ocr_batch};

use crate::flags::{CardFlags, OcrFlags};
use crate::inputs::Inputs;
use crate::progress::progress_bar;
use crate::summary::Summary;

/// An image path as the cards file should name it: relative to the file's folder when inside it.
pub fn relative_to(image: &Path, base: &Path) -> PathBuf {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    let (image, base) = (abs(image), abs(base));
    image
        .strip_prefix(&base)
        .map_or_else(|_| image.clone(), Path::to_owned)
}

/// What a run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The deck, when at least one card was made.
    pub deck: Option<Deck>,
    /// Counts and times for the summary.
    pub summary: Summary,
    /// Inputs that failed (each already reported on stderr).
    pub failed: usize,
    /// Whether Ctrl-C stopped the run.
    pub interrupted: bool,
}

/// Reads the inputs and makes their cards. Errors are usage or configuration errors that stop
/// the run before anything is read; a file or request that fails is reported and counted.
pub fn make_deck(
    inputs: &Inputs,
    ocr: &OcrFlags,
    flags: &CardFlags,
    card_base: &Path,
    quiet: bool,
    cancel: &Arc<AtomicBool>,
) -> Result<Outcome, String> {
    let ocr_options = ocr.options()?;
    anki_export::validate_deck_name(&flags.deck).map_err(|e| format!("--deck: {e}"))?;
    let generator = flags.generator(!ocr.no_cache)?;
    let runtime = llm_client::network_runtime().map_err(|e| e.to_string())?;
    // A model server that is not running is said at once, not after all the OCR (unless the
    // kinds wanted need none).
    if flags.options("auto").asks_the_generator() {
        runtime
            .block_on(generator.check())
            .map_err(|e| e.to_string())?;
    }
    let mut summary = Summary {
        generator: generator.describe(),
        ..Summary::default()
    };
    let mut failed = 0usize;
    let interrupted = || cancel.load(Ordering::Relaxed);

    // Images through OCR, text files as they are, all in input order.
    let started = Instant::now();
    // The bar counts pages: a multi-page TIFF is as many steps as it has pages.
    let pages = ocr_core::pages_of(&inputs.images);
    let bar = progress_bar("OCR", pages.len(), quiet);
    let report = |p: ocr_core::Progress<'_>| {
        tracing::info!(
            "{}: {}{}",
            p.path.display(),
            if p.ok { "read" } else { "failed" },
            if p.cached { " (from the cache)" } else { "" }
        );
        bar.set_message(p.path.display().to_string());
        bar.inc(1);
    };
    let mut batch = ocr.batch();
    batch.cancel = Some(Arc::clone(cancel));
    let items = ocr_batch(&pages, &ocr_options, &batch, &report).map_err(|e| {
        bar.finish_and_clear();
        e.to_string()
    })?;
    bar.finish_and_clear();
    let mut documents: Vec<Document> = Vec::new();
    let mut confidence = (0.0f64, 0usize);
    for item in items {
        match item.result {
            Ok(page) => {
                summary.pages += 1;
                summary.words += page.word_count();
                summary.pages_from_cache += usize::from(item.cached);
                for w in page.words() {
                    confidence.0 += f64::from(w.confidence);
                    confidence.1 += 1;
                }
                if let Some(guess) = &page.preprocessing.language_guess {
                    summary.languages.push(crate::summary::PageLanguage {
                        page: item.path.display().to_string(),
                        guess: guess.clone(),
                    });
                }
                documents.push(Document::from_page(&page));
            }
            Err(OcrError::Cancelled { .. }) => {}
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    summary.mean_confidence = (confidence.1 > 0).then(|| confidence.0 / confidence.1 as f64);
    for path in &inputs.texts {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                summary.pages += 1;
                summary.words += text.split_whitespace().count();
                documents.push(Document::from_text(path.display().to_string(), text));
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {}: cannot read: {e}", path.display());
            }
        }
    }
    summary.seconds.ocr = started.elapsed().as_secs_f64();
    summary.pages_failed = failed;
    let stop = |summary: Summary, failed| Outcome {
        deck: None,
        summary,
        failed,
        interrupted: interrupted(),
    };
    if interrupted() || documents.is_empty() {
        return Ok(stop(summary, failed));
    }

    // Cards, one request batch per page, raced against Ctrl-C.
    let options = flags.options(&ocr_options.lang);
    let bar = progress_bar("Cards", documents.len(), quiet);
    let started = Instant::now();
    let progress = |p: llm_client::BatchProgress<'_>| {
        tracing::info!("{}: cards {}", p.name, if p.ok { "made" } else { "failed" });
        bar.set_message(p.name.to_owned());
        bar.inc(1);
    };
    let batch = runtime.block_on(generate_batch(
        generator.as_ref(),
        documents,
        &options,
        &progress,
        Some(cancel),
    ));
    bar.finish_and_clear();
    summary.seconds.cards = started.elapsed().as_secs_f64();
    let Some(batch) = batch else {
        return Ok(stop(summary, failed));
    };

    // One line per distinct error, naming the pages it hit.
    for line in batch.error_lines(LlmError::to_string) {
        eprintln!("error: {line}");
    }
    failed += batch.failed();
    let merged = batch.generation;
    summary.report = merged.report.clone();
    // Every request sent counts, those of pages that failed and retries too.
    summary.report.requests = summary.report.requests.max(generator.requests_sent());
    summary.pages_failed = failed;
    let cards: Vec<_> = merged
        .cards
        .into_iter()
        .map(|mut c| {
            if let Some(s) = &mut c.source {
                s.image = relative_to(&s.image, card_base);
            }
            c
        })
        .collect();
    let deck = if cards.is_empty() {
        None
    } else {
        Some(Deck::new(flags.deck.clone(), cards).map_err(|e| format!("--deck: {e}"))?)
    };
    Ok(Outcome {
        deck,
        summary,
        failed,
        interrupted: false,
    })
}
