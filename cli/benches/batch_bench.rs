//! Batch throughput and peak memory: pages per minute and peak RSS for a batch of 12-megapixel
//! phone photos (the ground-truth photos of `../shared/ocr-gt`, repeated), OCR only and OCR plus
//! the builtin card generator, with 1 and 2 worker threads. Each configuration runs in a child
//! process of its own, so its peak memory is its own.
//!
//! ```sh
//! cargo bench -p ocr-to-anki --bench batch_bench -- [GT_DIR] [--pages 50]
//! ```
//!
//! Targets: 2 threads at least 1.8x the pages per minute of 1, and peak memory under 500 MB.
//!
//! Relative paths are taken from the workspace root (`cargo bench` runs in the crate's folder).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use llm_client::{CardOptions, Document, KindWanted, cards_of};
use ocr_core::{BatchOptions, OcrOptions, ocr_batch};

fn main() {
    let args: Vec<String> = std::env::args()
        .filter(|a| a != "--bench")
        .skip(1)
        .collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
        return;
    }
    let mut gt = test_support::bench_path("../shared/ocr-gt");
    let mut pages = 50usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--pages" {
            pages = it.next().and_then(|n| n.parse().ok()).unwrap_or(pages);
        } else {
            gt = test_support::bench_path(a);
        }
    }
    let photos = photos(&gt);
    assert!(
        !photos.is_empty(),
        "no photos listed in {}/manifest.tsv",
        gt.display()
    );
    let list = std::env::temp_dir().join(format!("batch-bench-{}.txt", std::process::id()));
    let batch: Vec<String> = photos
        .iter()
        .cycle()
        .take(pages)
        .map(|p| p.display().to_string())
        .collect();
    std::fs::write(&list, batch.join("\n")).expect("write the list");
    println!(
        "{pages} pages: {} distinct 12 MP phone photos from {}, no cache\n",
        photos.len(),
        gt.display()
    );
    println!("| threads | stage | seconds | pages/min | CPU s | CPU use | peak RSS (MB) | cards |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut per_minute = Vec::new();
    for (threads, mode) in [(1, "ocr"), (2, "ocr"), (2, "builtin")] {
        let run = run_child(threads, mode, &list);
        let ppm = pages as f64 / run.secs * 60.0;
        per_minute.push(ppm);
        // CPU use: CPU seconds over wall seconds times threads; below 100% on an idle machine
        // means waiting (locks, I/O), on a shared one also time the host gave to others.
        println!(
            "| {threads} | {} | {:.1} | {ppm:.1} | {:.1} | {:.0}% | {:.0} | {} |",
            if mode == "ocr" {
                "OCR"
            } else {
                "OCR + builtin cards"
            },
            run.secs,
            run.cpu,
            run.cpu / (run.secs * threads as f64) * 100.0,
            run.rss_mb,
            run.cards
        );
    }
    println!(
        "\n2 threads vs 1: {:.2}x (target at least 1.8x)",
        per_minute[1] / per_minute[0]
    );
    let _ = std::fs::remove_file(&list);
}

/// The photos of a ground-truth folder's manifest.
fn photos(gt: &Path) -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(gt.join("manifest.tsv")).expect("manifest.tsv");
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (image, kind) = (col("image"), col("kind"));
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f.get(kind) == Some(&"photo"))
        .filter_map(|f| f.get(image).map(|i| gt.join(i)))
        .collect()
}

/// What one configuration took.
struct Run {
    /// Wall-clock seconds.
    secs: f64,
    /// CPU seconds, user and system.
    cpu: f64,
    /// Peak resident memory in MB.
    rss_mb: f64,
    /// Cards made, or "-".
    cards: String,
}

/// Runs one configuration in a child process.
// The child is reaped with wait4, which also gives its resource usage, not with Child::wait.
#[allow(clippy::zombie_processes)]
fn run_child(threads: usize, mode: &str, list: &Path) -> Run {
    let exe = std::env::current_exe().expect("own path");
    let started = Instant::now();
    let child = Command::new(exe)
        .args(["--child", &threads.to_string(), mode])
        .arg(list)
        .stdout(Stdio::piped())
        .spawn()
        .expect("child");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child; status and usage are valid for writes.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(waited, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child failed"
    );
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout {
        use std::io::Read;
        let _ = stdout.read_to_string(&mut out);
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Run {
        secs,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        rss_mb: usage.ru_maxrss as f64 / 1024.0,
        cards: out.trim().to_owned(),
    }
}

/// One configuration: OCR every listed photo with `threads` workers, then (for `builtin`) make
/// the builtin cards of every page. Prints the card count.
fn child(args: &[String]) {
    let threads: usize = args[0].parse().expect("threads");
    let mode = args[1].as_str();
    let paths: Vec<PathBuf> = std::fs::read_to_string(&args[2])
        .expect("list")
        .lines()
        .map(PathBuf::from)
        .collect();
    let options = OcrOptions {
        lang: "fra".into(),
        ..OcrOptions::default()
    };
    let batch = BatchOptions {
        threads,
        ..BatchOptions::default()
    };
    let items = ocr_batch(&paths, &options, &batch, &|_| {}).expect("batch");
    let failed = items.iter().filter(|i| i.result.is_err()).count();
    assert_eq!(failed, 0, "pages failed");
    if mode == "builtin" {
        let options = CardOptions {
            kinds: vec![KindWanted::Reversed, KindWanted::Basic],
            material_language: "fra".into(),
            ..CardOptions::default()
        };
        let cards: usize = items
            .iter()
            .filter_map(|i| i.result.as_ref().ok())
            .map(|page| cards_of(&Document::from_page(page), &options).cards.len())
            .sum();
        println!("{cards}");
    } else {
        println!("-");
    }
}
