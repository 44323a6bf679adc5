//! The `cards` subcommand: images (or text files) in, a cards.json file out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anki_export::Deck;
use clap::{Args, ValueEnum};
use llm_client::{
    ApiKey, Builtin, CardGenerator, CardOptions, ChatBackend, DEFAULT_API_KEY_ENV, Document,
    Generation, Grounding, KindWanted, ModelGenerator, ModelSettings, Ollama, OpenAiCompatible,
    Prompts, ResponseCache, RetryPolicy, generate_batch, merge, ollama_base_url,
};
use ocr_core::{IMAGE_EXTENSIONS, ocr_batch};

use crate::exit;
use crate::ocr::{OcrFlags, cache_root, progress_bar};

/// Which generator makes the cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// A model served by Ollama (`/api/chat`), local by default.
    Ollama,
    /// Any OpenAI-compatible server: llama.cpp, vLLM, LM Studio, OpenAI.
    Openai,
    /// No model: vocabulary lists, Q/A lines and glossaries read straight off the page.
    Builtin,
}

/// Arguments of `ocr-to-anki cards`.
#[derive(Debug, Args)]
pub struct CardsArgs {
    /// Images, folders of images, or text files (.txt, read as they are).
    #[arg(required = true, value_name = "IMAGE_OR_DIR")]
    inputs: Vec<PathBuf>,
    /// The cards file to write (replaced only once complete).
    #[arg(short, long, default_value = "cards.json", value_name = "FILE")]
    output: PathBuf,
    /// What makes the cards.
    #[arg(
        short,
        long,
        value_enum,
        default_value = "ollama",
        env = "OCR_TO_ANKI_BACKEND"
    )]
    backend: Backend,
    /// The model name [default: gemma3:4b for Ollama, gpt-4o-mini for OpenAI].
    #[arg(short, long, env = "OCR_TO_ANKI_MODEL")]
    model: Option<String>,
    /// The server address [default: $OLLAMA_HOST or http://localhost:11434 for Ollama,
    /// https://api.openai.com/v1 for OpenAI].
    #[arg(long, env = "OCR_TO_ANKI_BASE_URL", value_name = "URL")]
    base_url: Option<String>,
    /// The environment variable holding the API key of an OpenAI-compatible server.
    #[arg(long, default_value = DEFAULT_API_KEY_ENV, value_name = "VAR")]
    api_key_env: String,
    /// Kinds of card to make, comma-separated: basic, reversed, cloze, vocabulary.
    #[arg(
        short,
        long,
        value_delimiter = ',',
        default_value = "basic,reversed,cloze"
    )]
    kinds: Vec<KindWanted>,
    #[command(flatten)]
    ocr: OcrFlags,
    /// Language of the questions and answers [default: that of the material].
    #[arg(long, value_name = "LANG")]
    answer_lang: Option<String>,
    /// Deck name, with `::` between levels.
    #[arg(long, default_value = "ocr-to-anki")]
    deck: String,
    /// Tags for every card, comma-separated.
    #[arg(long, value_delimiter = ',')]
    tags: Vec<String>,
    /// Anything else to ask of the cards ("only the verbs", "at most 10 cards").
    #[arg(long, value_name = "TEXT")]
    instruction: Option<String>,
    /// A prompt template file (TOML with `system` and `user`; see the README).
    #[arg(long, value_name = "FILE")]
    prompt_template: Option<PathBuf>,
    /// Cards whose quote is not on the page: dropped, or kept with the tag `unverified`.
    #[arg(long, value_enum, default_value = "drop")]
    grounding: GroundingArg,
    /// Sampling temperature.
    #[arg(long, default_value_t = 0.2)]
    temperature: f32,
    /// Context window to ask Ollama for, in tokens.
    #[arg(long, default_value_t = 8192)]
    num_ctx: u32,
    /// Most tokens in one answer.
    #[arg(long, default_value_t = 4096)]
    max_tokens: u32,
    /// Largest piece of text per request, in characters (long pages are split on paragraphs).
    #[arg(long, default_value_t = 6000)]
    chunk_chars: usize,
    /// Most cards the model may give for one piece of text.
    #[arg(long, default_value_t = 40, value_name = "N")]
    max_cards: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 2)]
    parallel: usize,
    /// Seconds to wait for one answer.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    quiet: bool,
}

/// `--grounding` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroundingArg {
    /// Leave out cards whose quote is not on the page.
    Drop,
    /// Keep them, tagged `unverified`.
    Flag,
}

/// Text files are read as they are, not recognised.
const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md"];

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Expands folders into the images and text files they hold, sorted by name.
fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let entries = std::fs::read_dir(input)
                .map_err(|e| format!("{}: cannot list the folder: {e}", input.display()))?;
            let mut files: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .filter(|p| {
                    let ext = extension(p);
                    IMAGE_EXTENSIONS.contains(&ext.as_str())
                        || TEXT_EXTENSIONS.contains(&ext.as_str())
                })
                .collect();
            files.sort();
            if files.is_empty() {
                eprintln!(
                    "warning: {}: no images or text files in it",
                    input.display()
                );
            }
            out.extend(files);
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

/// The generator the flags ask for.
fn generator(args: &CardsArgs) -> Result<Box<dyn CardGenerator>, String> {
    let policy = RetryPolicy {
        timeout: std::time::Duration::from_secs(args.timeout.max(1)),
        ..RetryPolicy::default()
    };
    let settings = ModelSettings {
        temperature: args.temperature,
        num_ctx: args.num_ctx,
        max_tokens: args.max_tokens,
        chunk_chars: args.chunk_chars.max(200),
        max_in_flight: args.parallel.max(1),
        max_cards_per_chunk: args.max_cards.max(1),
        ..ModelSettings::default()
    };
    let prompts = match &args.prompt_template {
        Some(path) => Prompts::load(path).map_err(|e| e.to_string())?,
        None => Prompts::default(),
    };
    let cache = if args.ocr.no_cache {
        None
    } else {
        let dir = std::env::var_os("OCR_TO_ANKI_LLM_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(|| cache_root().map(|r| r.join("llm")));
        dir.and_then(|d| match ResponseCache::open(d) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("warning: {e}; going on without a cache of model answers");
                None
            }
        })
    };
    let err = |e: llm_client::LlmError| e.to_string();
    Ok(match args.backend {
        Backend::Builtin => Box::new(Builtin),
        Backend::Ollama => {
            let url = ollama_base_url(args.base_url.as_deref());
            let model = args.model.as_deref().unwrap_or("gemma3:4b");
            let backend = Ollama::new(&url, model, policy).map_err(err)?;
            boxed(ModelGenerator::new(backend, settings), prompts, cache)
        }
        Backend::Openai => {
            let url = args
                .base_url
                .as_deref()
                .unwrap_or("https://api.openai.com/v1");
            let model = args.model.as_deref().unwrap_or("gpt-4o-mini");
            let key = ApiKey::from_env(&args.api_key_env);
            let backend = OpenAiCompatible::new(url, model, key, policy).map_err(err)?;
            boxed(ModelGenerator::new(backend, settings), prompts, cache)
        }
    })
}

fn boxed<B: ChatBackend + 'static>(
    generator: ModelGenerator<B>,
    prompts: Prompts,
    cache: Option<ResponseCache>,
) -> Box<dyn CardGenerator> {
    let generator = generator.with_prompts(prompts);
    match cache {
        Some(c) => Box::new(generator.with_cache(c)),
        None => Box::new(generator),
    }
}

/// An image path as the cards file should name it: relative to the file's folder when inside it.
fn relative_to(image: &Path, base: &Path) -> PathBuf {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    let (image, base) = (abs(image), abs(base));
    image
        .strip_prefix(&base)
        .map_or_else(|_| image.clone(), Path::to_owned)
}

/// Runs `cards`; returns the exit code.
pub fn run(args: CardsArgs) -> u8 {
    let ocr_options = match args.ocr.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    if let Err(e) = anki_export::model::validate_deck_name(&args.deck) {
        eprintln!("error: --deck: {e}");
        return exit::USAGE;
    }
    let generator = match generator(&args) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let files = match expand(&args.inputs) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let mut failed = 0usize;
    let started = Instant::now();

    // Text files as they are; images through OCR.
    let (texts, images): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|p| TEXT_EXTENSIONS.contains(&extension(p).as_str()));
    let mut documents: Vec<(usize, Document)> = Vec::new();
    let bar = progress_bar("OCR", images.len(), args.quiet);
    let report = |p: ocr_core::Progress<'_>| {
        bar.set_message(p.path.display().to_string());
        bar.inc(1);
    };
    let batch = args.ocr.batch();
    let items = match ocr_batch(&images, &ocr_options, &batch, &report) {
        Ok(items) => items,
        Err(e) => {
            bar.finish_and_clear();
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    bar.finish_and_clear();
    let (mut words, mut ocr_cached) = (0usize, 0usize);
    for (i, item) in items.into_iter().enumerate() {
        match item.result {
            Ok(page) => {
                words += page.word_count();
                ocr_cached += usize::from(item.cached);
                documents.push((i, Document::from_page(&page)));
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let ocr_time = started.elapsed();
    for (i, path) in texts.iter().enumerate() {
        match std::fs::read_to_string(path) {
            Ok(text) => documents.push((
                images.len() + i,
                Document::from_text(path.display().to_string(), text),
            )),
            Err(e) => {
                failed += 1;
                eprintln!("error: {}: {e}", path.display());
            }
        }
    }
    documents.sort_by_key(|(i, _)| *i);
    let documents: Vec<Document> = documents.into_iter().map(|(_, d)| d).collect();
    if documents.is_empty() {
        eprintln!(
            "error: no page could be read; {} not written",
            args.output.display()
        );
        return exit::PARTIAL;
    }

    let options = CardOptions {
        kinds: args.kinds.iter().fold(Vec::new(), |mut kinds, k| {
            if !kinds.contains(k) {
                kinds.push(*k);
            }
            kinds
        }),
        material_language: args.ocr.lang.clone(),
        answer_language: args.answer_lang.clone().unwrap_or_default(),
        deck: args.deck.clone(),
        tags: args
            .tags
            .iter()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect(),
        instruction: args.instruction.clone(),
        grounding: match args.grounding {
            GroundingArg::Drop => Grounding::Drop,
            GroundingArg::Flag => Grounding::Flag,
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the network runtime: {e}");
            return exit::USAGE;
        }
    };
    let bar = progress_bar("Cards", documents.len(), args.quiet);
    let gen_started = Instant::now();
    let progress = |p: llm_client::BatchProgress<'_>| {
        bar.set_message(p.name.to_owned());
        bar.inc(1);
    };
    let results = runtime.block_on(generate_batch(
        generator.as_ref(),
        documents,
        &options,
        &progress,
    ));
    bar.finish_and_clear();
    let gen_time = gen_started.elapsed();

    // One line per distinct error, naming the documents it hit.
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut done: Vec<Generation> = Vec::new();
    for item in results {
        match item.result {
            Ok(g) => done.push(g),
            Err(e) => {
                failed += 1;
                errors.entry(e.to_string()).or_default().push(item.name);
            }
        }
    }
    for (message, names) in &errors {
        // Errors about one document's answer name it already; server errors do not.
        if names.len() == 1 && message.starts_with(names[0].as_str()) {
            eprintln!("error: {message}");
        } else {
            eprintln!("error: {}: {message}", list(names));
        }
    }
    if done.is_empty() {
        eprintln!(
            "error: no cards were made; {} not written",
            args.output.display()
        );
        return exit::PARTIAL;
    }
    let merged = merge(&done);
    if merged.cards.is_empty() {
        let r = &merged.report;
        let why = if r.dropped_total() > 0 {
            format!(
                "all {} cards proposed were left out ({}); try --grounding flag to keep \
                 unverified ones, or a larger model",
                r.proposed,
                summary_of_drops(r)
            )
        } else {
            "nothing on the pages fit the kinds asked for".to_owned()
        };
        eprintln!(
            "error: no card was made: {why}; {} not written",
            args.output.display()
        );
        return exit::PARTIAL;
    }
    let base = args
        .output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_owned);
    let cards = merged
        .cards
        .into_iter()
        .map(|mut c| {
            if let Some(s) = &mut c.source {
                s.image = relative_to(&s.image, &base);
            }
            c
        })
        .collect();
    let deck = Deck {
        name: args.deck.clone(),
        cards,
    };
    if let Err(e) = deck.save(&args.output) {
        eprintln!("error: {e}");
        return exit::PARTIAL;
    }
    if !args.quiet {
        let r = &merged.report;
        eprintln!(
            "{} pages ({} words, {} from the OCR cache) in {:.1} s; {} in {:.1} s \
             ({} requests, {} answers from the cache)",
            images.len() + texts.len(),
            words,
            ocr_cached,
            ocr_time.as_secs_f64(),
            generator.describe(),
            gen_time.as_secs_f64(),
            r.requests,
            r.cached,
        );
        eprintln!(
            "{} cards made, {} left out: {}{}",
            r.made,
            r.dropped_total(),
            summary_of_drops(r),
            if r.flagged > 0 {
                format!("; {} kept unverified", r.flagged)
            } else {
                String::new()
            }
        );
        eprintln!("wrote {} (deck {:?})", args.output.display(), deck.name);
    }
    if failed > 0 {
        eprintln!("{failed} inputs failed; the cards of the others were written");
        exit::PARTIAL
    } else {
        exit::OK
    }
}

/// "duplicate: 3, empty side: 1", or "none".
fn summary_of_drops(report: &llm_client::Report) -> String {
    let parts: Vec<String> = report
        .dropped
        .iter()
        .map(|(reason, n)| format!("{reason}: {n}"))
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

fn list(names: &[String]) -> String {
    match names {
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
        [] => String::new(),
    }
}
