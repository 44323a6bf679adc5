//! `ocr-to-anki`: turn photos and scans of study material into Anki flashcards.

mod argv;
mod cards;
mod config;
mod export;
mod flags;
mod inputs;
mod ocr;
mod output;
mod pipeline;
mod progress;
mod report;
mod run;
mod summary;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use clap_complete::Shell;

use crate::flags::Global;

/// Turn photos and scans of study material into Anki flashcards.
///
/// `ocr-to-anki PHOTOS... -o deck.apkg` reads the pages, makes cards and writes the deck in one
/// go; the subcommands do one step each, so cards can be reviewed and edited in between.
#[derive(Debug, Parser)]
#[command(
    name = "ocr-to-anki",
    version,
    about,
    propagate_version = true,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: run::RunArgs,
    /// The config file [default: $XDG_CONFIG_HOME/ocr-to-anki/config.toml].
    #[arg(long, global = true, env = "OCR_TO_ANKI_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// No progress bars, no summary: errors and warnings only.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// More detail on stderr: -v for each request and cache hit, -vv for everything.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read the text of images and print it (or the page structure as JSON).
    Ocr(ocr::OcrArgs),
    /// Make flashcards from images (OCR, then a model or the builtin reader) into a cards.json file.
    Cards(Box<cards::CardsArgs>),
    /// Export a cards.json file as an Anki package (.apkg), CSV, or into Anki via AnkiConnect.
    Export(export::ExportArgs),
    /// Show or create the config file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Show or empty the caches of recognised pages and model answers.
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: Shell,
    },
    /// Print the manual page (roff).
    Man,
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print every setting with its value and where it came from (keys are never shown).
    Show,
    /// Write a commented config file with the defaults.
    Init {
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
enum CacheCommand {
    /// Remove every cached page and answer.
    Clear,
    /// Print where each cache is, how many entries it holds, its size and its cap.
    Show,
}

/// Exit codes: 0 all good, 1 some inputs failed, 2 usage or configuration errors.
pub(crate) mod exit {
    /// Every input worked.
    pub const OK: u8 = 0;
    /// Some inputs failed; the others were processed.
    pub const PARTIAL: u8 = 1;
    /// Bad usage or configuration: nothing was processed.
    pub const USAGE: u8 = 2;
    /// Stopped by Ctrl-C; nothing was written.
    pub const INTERRUPTED: u8 = 130;
}

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let (config_path, named) = config::locate(&argv);
    let from_file = match &config_path {
        Some(p) if named || p.exists() => match config::load(p) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(exit::USAGE);
            }
        },
        _ => Default::default(),
    };
    let command = match config::apply(
        Cli::command(),
        &from_file,
        config_path.as_deref().unwrap_or_else(|| "".as_ref()),
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let argv = match argv::arrange(&command, argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let matches = command.clone().get_matches_from(&argv);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    init_logging(cli.verbose, cli.quiet);
    let global = Global {
        quiet: cli.quiet,
        json: cli.run.json,
        cancel: Default::default(),
    };
    let cancel = global.cancel.clone();
    // First Ctrl-C: stop cleanly (nothing half-written); a second one: stop at once.
    let _ = ctrlc::set_handler(move || {
        if cancel.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(exit::INTERRUPTED));
        }
        eprintln!("\nstopping… (press Ctrl-C again to stop at once)");
    });
    let code = match cli.command {
        None => run::run(cli.run, &global),
        Some(Command::Ocr(args)) => ocr::run(args, &global),
        Some(Command::Cards(args)) => cards::run(*args, &global),
        Some(Command::Export(args)) => export::run(args, &global),
        Some(Command::Config(ConfigCommand::Show)) => {
            print!(
                "{}",
                config::show(&command, &matches, &from_file, config_path.as_deref())
            );
            exit::OK
        }
        Some(Command::Config(ConfigCommand::Init { force })) => {
            config_init(&command, config_path, force)
        }
        Some(Command::Cache(CacheCommand::Clear)) => cache_clear(&global),
        Some(Command::Cache(CacheCommand::Show)) => cache_show(),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "ocr-to-anki",
                &mut std::io::stdout(),
            );
            exit::OK
        }
        Some(Command::Man) => {
            let man = clap_mangen::Man::new(Cli::command());
            let mut out = std::io::stdout().lock();
            match man.render(&mut out).and_then(|()| out.flush()) {
                Ok(()) => exit::OK,
                Err(e) => {
                    eprintln!("error: cannot write the manual page: {e}");
                    exit::PARTIAL
                }
            }
        }
    };
    ExitCode::from(code)
}

/// Logs through `tracing` on stderr: warnings by default, more with -v and -vv, none with -q.
fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => tracing::Level::ERROR,
        (false, 0) => tracing::Level::WARN,
        (false, 1) => tracing::Level::INFO,
        (false, 2) => tracing::Level::DEBUG,
        _ => tracing::Level::TRACE,
    };
    // Only this tool's own crates log: a dependency's trace output (HTTP internals) could carry
    // request headers, and so an API key.
    use tracing_subscriber::prelude::*;
    let targets = tracing_subscriber::filter::Targets::new()
        .with_target("ocr_to_anki", level)
        .with_target("llm_client", level)
        .with_target("ocr_core", level)
        .with_target("anki_export", level);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .without_time();
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(targets))
        .try_init();
}

fn config_init(command: &clap::Command, path: Option<PathBuf>, force: bool) -> u8 {
    let Some(path) = path else {
        eprintln!("error: no config path: set XDG_CONFIG_HOME or HOME, or pass --config FILE");
        return exit::USAGE;
    };
    if path.exists() && !force {
        eprintln!(
            "error: {} exists; pass --force to replace it",
            path.display()
        );
        return exit::USAGE;
    }
    let dir = output::parent(&path);
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| tempfile::NamedTempFile::new_in(&dir))
        .and_then(|mut tmp| {
            tmp.write_all(config::template(command).as_bytes())?;
            tmp.persist(&path).map_err(|e| e.error)
        });
    match written {
        Ok(_) => {
            eprintln!("wrote {}", path.display());
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            exit::PARTIAL
        }
    }
}

/// The folder of cached pages: `OCR_TO_ANKI_CACHE_DIR`, else `ocr` in the cache root.
fn ocr_cache_dir() -> Option<PathBuf> {
    config::cache_folder(ocr_core::CacheKind::Pages)
}

/// "12.3 MiB" and the like.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / f64::from(1 << 10)),
        b => format!("{b} bytes"),
    }
}

/// Opens a cache folder and says what it holds and its cap.
type Stats = dyn Fn(&std::path::Path) -> Result<(ocr_core::CacheStats, u64), String>;

fn cache_show() -> u8 {
    let mut code = exit::OK;
    let mut line = |what: &str, dir: Option<PathBuf>, stats: &Stats| match dir {
        None => println!("{what}: no folder (set XDG_CACHE_HOME or HOME)"),
        Some(d) if !d.exists() => println!("{what}: {}: empty (not created yet)", d.display()),
        Some(d) => match stats(&d) {
            Ok((s, cap)) => println!(
                "{what}: {}: {}, {} (cap {}; the least recently used go first)",
                d.display(),
                summary::plural(s.entries, "entry", "entries"),
                size(s.bytes),
                size(cap)
            ),
            Err(e) => {
                eprintln!("error: {e}");
                code = exit::PARTIAL;
            }
        },
    };
    line("pages read", ocr_cache_dir(), &|d| {
        ocr_core::Cache::open(d)
            .map(|c| (c.store().stats(), c.store().max_bytes()))
            .map_err(|e| e.to_string())
    });
    line("model answers", flags::answer_cache_dir(), &|d| {
        llm_client::ResponseCache::open(d)
            .map(|c| (c.stats(), c.max_bytes()))
            .map_err(|e| e.to_string())
    });
    code
}

fn cache_clear(global: &Global) -> u8 {
    let mut code = exit::OK;
    if let Some(dir) = ocr_cache_dir().filter(|d| d.exists()) {
        match ocr_core::Cache::open(&dir).and_then(|c| c.clear()) {
            Ok(n) if !global.quiet => eprintln!(
                "removed {} from {}",
                summary::plural(n, "page", "pages"),
                dir.display()
            ),
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: {e}");
                code = exit::PARTIAL;
            }
        }
    }
    if let Some(dir) = flags::answer_cache_dir().filter(|d| d.exists()) {
        match llm_client::ResponseCache::open(&dir).and_then(|c| c.clear()) {
            Ok(n) if !global.quiet => eprintln!(
                "removed {} from {}",
                summary::plural(n, "answer", "answers"),
                dir.display()
            ),
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: {e}");
                code = exit::PARTIAL;
            }
        }
    }
    code
}
