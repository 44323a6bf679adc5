//! The slow work, done off the main thread: decoding pictures, OCR, card generation, export.
//!
//! Each job runs on a thread of its own (or on the shared Tokio runtime for network work) and
//! reports through an `async_channel` as [`Msg`]s, which the window receives on the main thread.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use anki_export::{AnkiConnect, Card, Deck, ExportOptions, ExportSummary, write_apkg};
use llm_client::{CardOptions, Document, GeneratorChoice, Report, ResponseCache, generate_batch};
use ocr_core::{BatchOptions, Cache, LoadLimits, OcrError, OcrOptions, Page, load_path, ocr_batch};

/// The longest side of the copy of a photo kept for showing; boxes stay in source pixels.
pub const SHOWN_SIDE: u32 = 1600;
/// The longest side of a thumbnail.
pub const THUMB_SIDE: u32 = 96;

/// Pixels to be made into a texture on the main thread: opaque BGRA, 8 bits, rows packed, the
/// layout GTK draws from without converting each pixel at every frame.
#[derive(Debug, Clone)]
pub struct Pixels {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// BGRA bytes, `width * 4` per row, alpha 255 (so premultiplied or not, the same).
    pub bgra: Vec<u8>,
}

impl Pixels {
    /// Pixels from an RGBA image, flattened onto white and put in BGRA order.
    fn from_rgba(rgba: image::RgbaImage) -> Pixels {
        let (width, height) = rgba.dimensions();
        let mut bgra = rgba.into_raw();
        for px in bgra.chunks_exact_mut(4) {
            let a = u16::from(px[3]);
            let over_white = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
            let (r, g, b) = (over_white(px[0]), over_white(px[1]), over_white(px[2]));
            px.copy_from_slice(&[b, g, r, 255]);
        }
        Pixels {
            width,
            height,
            bgra,
        }
    }

    /// A gray image (as Tesseract is given it), made small enough to show.
    fn of_gray(image: &image::GrayImage, side: u32) -> Pixels {
        let (w, h) = image.dimensions();
        let scale = (side as f32 / w.max(h).max(1) as f32).min(1.0);
        let small = if scale < 1.0 {
            // Area averaging: a quarter of a filtered resize's time on a 12 MP page.
            image::imageops::thumbnail(
                image,
                ((w as f32 * scale).round() as u32).max(1),
                ((h as f32 * scale).round() as u32).max(1),
            )
        } else {
            image.clone()
        };
        Pixels::from_rgba(image::DynamicImage::ImageLuma8(small).to_rgba8())
    }

    fn of(image: &image::DynamicImage, side: u32) -> Pixels {
        let small = if image.width().max(image.height()) > side {
            image.thumbnail(side, side)
        } else {
            image.clone()
        };
        Pixels::from_rgba(small.to_rgba8())
    }
}

/// What a job reports.
#[derive(Debug)]
pub enum Msg {
    /// A picture was decoded: a thumbnail, a copy to show, and its full size.
    Picture {
        /// The file.
        path: PathBuf,
        /// For the page list.
        thumb: Pixels,
        /// For the page view.
        shown: Pixels,
        /// The size word boxes are measured in.
        size: (u32, u32),
    },
    /// The image Tesseract is given for a file, for showing beside the photo.
    Prepared {
        /// The file.
        path: PathBuf,
        /// The processed image.
        image: Pixels,
    },
    /// A file could not be decoded or prepared; the message names it.
    PictureFailed {
        /// The file.
        path: PathBuf,
        /// Why.
        error: String,
    },
    /// How far the OCR batch has got.
    ReadProgress {
        /// Pages done.
        done: usize,
        /// Pages in all.
        total: usize,
    },
    /// One page of the OCR batch is done.
    Read {
        /// The file.
        path: PathBuf,
        /// Its page, or why it failed.
        result: Result<Page, String>,
        /// Whether it came from the cache.
        cached: bool,
        /// Whether it was not read because the batch was stopped.
        cancelled: bool,
        /// The image Tesseract was given, when it was read now.
        prepared: Option<Pixels>,
    },
    /// The OCR batch is over (`error` when it could not start at all).
    ReadingDone {
        /// A problem that failed every page, such as missing language data.
        error: Option<String>,
    },
    /// One page's cards are done.
    CardsProgress {
        /// Pages done.
        done: usize,
        /// Pages in all.
        total: usize,
    },
    /// Card generation is over.
    CardsDone(Generated),
    /// Which generator will make cards, found out by asking it: a sentence for the window.
    Generator(String),
    /// A deck was written.
    Exported(Result<(PathBuf, ExportSummary), String>),
    /// Cards were sent to Anki.
    Sent(Result<ExportSummary, String>),
}

/// How a card generation ended.
#[derive(Debug)]
pub enum Generated {
    /// Cards were made (some pages may have failed; they are in the cards' errors).
    Made(Cards),
    /// The user stopped it.
    Stopped,
    /// No card could be made: why, as the window says it.
    Failed(String),
}

/// The outcome of generating cards.
#[derive(Debug, Default)]
pub struct Cards {
    /// The cards, in page order.
    pub cards: Vec<Card>,
    /// What was made and left out.
    pub report: Report,
    /// One line per page whose cards could not be made.
    pub errors: Vec<String>,
    /// For each document, in the order given: how many cards it gave, or why none.
    pub per_document: Vec<Result<usize, String>>,
    /// Set when the built-in reader stood in for a model server that did not answer: why.
    pub stood_in: Option<String>,
}

/// The generator to use: the one chosen, or (when `automatic`) the built-in reader if the
/// chosen one does not answer, with why it stood in.
async fn usable(
    choice: GeneratorChoice,
    automatic: bool,
) -> Result<(Box<dyn llm_client::CardGenerator>, Option<String>), String> {
    let generator = choice.build().map_err(|e| e.to_string())?;
    match generator.check().await {
        Ok(()) => Ok((generator, None)),
        Err(e) if automatic => {
            let builtin = GeneratorChoice {
                kind: llm_client::BackendKind::Builtin,
                ..GeneratorChoice::default()
            };
            Ok((builtin.build().map_err(|e| e.to_string())?, Some(said(&e))))
        }
        Err(e) => Err(said(&e)),
    }
}

/// The error as the window says it: the command-line advice some errors carry left out, since
/// the window offers its own ways out.
fn said(e: &llm_client::LlmError) -> String {
    match e {
        llm_client::LlmError::Connect {
            backend,
            url,
            message,
            ..
        } => format!("The {backend} server at {url} does not answer ({message})"),
        e => e.to_string(),
    }
}

/// Finds out which generator will make cards, and says it in one sentence.
pub fn find_generator(choice: GeneratorChoice, automatic: bool, tx: Sender) {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return send(&tx, Msg::Generator(e)),
    };
    rt.spawn(async move {
        let builtin = choice.kind == llm_client::BackendKind::Builtin;
        let line = match usable(choice, automatic).await {
            Ok(_) if builtin => "Cards are made by the built-in reader, which needs no model: \
                                 it reads vocabulary lists, Q/A lines and glossaries."
                .to_owned(),
            Ok((_, Some(why))) => {
                format!("No model server answered ({why}): the built-in reader makes the cards.")
            }
            Ok((g, None)) => format!("Cards are made by {}.", g.describe()),
            Err(e) => format!("{e}: cards cannot be made until it answers."),
        };
        let _ = tx.send(Msg::Generator(line)).await;
    });
}

/// The sending end of the window's message channel.
pub type Sender = async_channel::Sender<Msg>;

fn send(tx: &Sender, msg: Msg) {
    // The window is gone: nobody is left to tell.
    let _ = tx.send_blocking(msg);
}

fn runtime() -> Result<&'static tokio::runtime::Runtime, String> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| llm_client::network_runtime().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

/// The folder of one of the caches: its environment variable, else its folder in the app's cache
/// folder, as the CLI finds it.
fn cache_folder(kind: ocr_core::CacheKind) -> Option<PathBuf> {
    Cache::folder(
        kind,
        ocr_core::UserFolder::Cache
            .of_app(crate::files::APP)
            .as_deref(),
    )
}

/// The cache of OCR pages, shared with the CLI (and moved by the same environment variable).
pub fn ocr_cache() -> Option<Cache> {
    Cache::open(cache_folder(ocr_core::CacheKind::Pages)?).ok()
}

/// The cache of model answers, shared with the CLI (and moved by the same environment variable).
pub fn answer_cache() -> Option<ResponseCache> {
    ResponseCache::open(cache_folder(ocr_core::CacheKind::Answers)?).ok()
}

/// Decodes each file for showing, one after another.
pub fn pictures(paths: Vec<PathBuf>, tx: Sender) {
    std::thread::spawn(move || {
        for path in paths {
            match load_path(&path, LoadLimits::default()) {
                Ok(loaded) => {
                    // The thumbnail from the copy shown, not from the whole photo again.
                    let shown = if loaded.image.width().max(loaded.image.height()) > SHOWN_SIDE {
                        loaded.image.thumbnail(SHOWN_SIDE, SHOWN_SIDE)
                    } else {
                        loaded.image.clone()
                    };
                    send(
                        &tx,
                        Msg::Picture {
                            thumb: Pixels::of(&shown, THUMB_SIDE),
                            size: (loaded.image.width(), loaded.image.height()),
                            shown: Pixels::of(&shown, SHOWN_SIDE),
                            path,
                        },
                    );
                }
                Err(e) => send(
                    &tx,
                    Msg::PictureFailed {
                        path,
                        error: e.to_string(),
                    },
                ),
            }
        }
    });
}

/// Runs the preprocessing on one file read earlier (from the cache or the last session), for
/// showing what Tesseract is given; pages read now come with it. One worker does this for the
/// whole app and keeps its Tesseract engine between pages.
pub fn prepare(path: PathBuf, options: OcrOptions, tx: Sender) {
    type Job = (PathBuf, OcrOptions, Sender);
    static WORKER: OnceLock<std::sync::mpsc::Sender<Job>> = OnceLock::new();
    let worker = WORKER.get_or_init(|| {
        let (jobs, inbox) = std::sync::mpsc::channel::<Job>();
        std::thread::spawn(move || {
            let mut engine: Option<ocr_core::Engine> = None;
            for (path, options, tx) in inbox {
                let result = load_path(&path, LoadLimits::default()).and_then(|loaded| {
                    if engine.as_ref().is_none_or(|e| e.setting() != options.lang) {
                        engine = Some(ocr_core::Engine::new(
                            &options.lang,
                            options.tessdata.as_deref(),
                        )?);
                    }
                    let engine = engine.as_mut().expect("made just above");
                    Ok(ocr_core::prepare_image(engine, &loaded, &options))
                });
                let msg = match result {
                    Ok(prepared) => Msg::Prepared {
                        path,
                        image: Pixels::of_gray(&prepared.image, SHOWN_SIDE),
                    },
                    Err(e) => Msg::PictureFailed {
                        path,
                        error: e.to_string(),
                    },
                };
                send(&tx, msg);
            }
        });
        jobs
    });
    // The worker ends only with the process.
    let _ = worker.send((path, options, tx));
}

/// Recognises the files, in parallel, reporting each page as it is done.
pub fn read(paths: Vec<PathBuf>, options: OcrOptions, cancel: Arc<AtomicBool>, tx: Sender) {
    std::thread::spawn(move || {
        let batch = BatchOptions {
            threads: 0,
            cache: ocr_cache(),
            cancel: Some(cancel),
        };
        // Each page goes to the window as soon as it is read, not when the batch ends.
        let progress_tx = tx.clone();
        let progress = move |p: ocr_core::Progress<'_>| {
            if let Some(page) = p.page {
                send(
                    &progress_tx,
                    Msg::Read {
                        path: p.path.to_owned(),
                        result: Ok(page.clone()),
                        cached: p.cached,
                        cancelled: false,
                        prepared: p.prepared.map(|g| Pixels::of_gray(g, SHOWN_SIDE)),
                    },
                );
            }
            send(
                &progress_tx,
                Msg::ReadProgress {
                    done: p.done,
                    total: p.total,
                },
            );
        };
        let result = ocr_batch(&paths, &options, &batch, &progress);
        let error = match result {
            Ok(items) => {
                // The pages read went out already; what is left are the failures.
                for item in items {
                    if let Err(e) = item.result {
                        let cancelled = matches!(e, OcrError::Cancelled { .. });
                        send(
                            &tx,
                            Msg::Read {
                                path: item.path,
                                result: Err(e.to_string()),
                                cached: item.cached,
                                cancelled,
                                prepared: None,
                            },
                        );
                    }
                }
                None
            }
            Err(e) => Some(e.to_string()),
        };
        send(&tx, Msg::ReadingDone { error });
    });
}

/// Makes cards from the documents with the chosen generator.
pub fn generate(
    documents: Vec<Document>,
    (choice, automatic): (GeneratorChoice, bool),
    options: CardOptions,
    cancel: Arc<AtomicBool>,
    tx: Sender,
) {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return send(&tx, Msg::CardsDone(Generated::Failed(e))),
    };
    rt.spawn(async move {
        let result = async {
            let (generator, stood_in) =
                usable(choice, automatic).await.map_err(Generated::Failed)?;
            let total = documents.len();
            let progress_tx = tx.clone();
            let progress = move |p: llm_client::BatchProgress<'_>| {
                let _ = progress_tx.try_send(Msg::CardsProgress {
                    done: p.done,
                    total,
                });
            };
            let batch = generate_batch(
                generator.as_ref(),
                documents,
                &options,
                &progress,
                Some(&cancel),
            )
            .await
            .ok_or(Generated::Stopped)?;
            let errors = batch.error_lines(said);
            let per_document = batch
                .documents
                .iter()
                .map(|(_, r)| r.as_ref().copied().map_err(said))
                .collect();
            let merged = batch.generation;
            Ok(Cards {
                cards: merged.cards,
                report: merged.report,
                errors,
                per_document,
                stood_in,
            })
        }
        .await;
        let outcome = match result {
            Ok(cards) => Generated::Made(cards),
            Err(stopped_or_failed) => stopped_or_failed,
        };
        let _ = tx.send(Msg::CardsDone(outcome)).await;
    });
}

/// Writes the deck to an `.apkg` file (through a temporary file, so an old deck survives a failure).
pub fn export(deck: Deck, path: PathBuf, tx: Sender) {
    std::thread::spawn(move || {
        let result = write_apkg(&deck, &path, &ExportOptions::default())
            .map(|s| (path.clone(), s))
            .map_err(|e| e.to_string());
        send(&tx, Msg::Exported(result));
    });
}

/// Sends the deck to a running Anki through AnkiConnect.
pub fn send_to_anki(deck: Deck, url: String, tx: Sender) {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return send(&tx, Msg::Sent(Err(e))),
    };
    rt.spawn(async move {
        let client = AnkiConnect::new(url, None);
        let result = client
            .push(&deck, &ExportOptions::default(), 50)
            .await
            .map_err(|e| e.to_string());
        let _ = tx.send(Msg::Sent(result)).await;
    });
}

/// The file name shown for a path.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
