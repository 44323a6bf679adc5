//! OCR accuracy benchmark: the pipeline and plain Tesseract on the same pages, interleaved page by
//! page, with CER, order-free word F1 and seconds per page, per page and per kind.
//!
//! ```text
//! cargo bench -p ocr-core --bench eval -- [GT_DIR ...] [--only KIND] [--ids a,b]
//!     [--save DIR (text, steps and prepared image per page)] [--tsv FILE] [--letters MIN-MAX]
//!     [--no-orient] [--no-invert] [--no-normalize] [--no-crop]
//! ```
//! Each `GT_DIR` (default `../shared/ocr-gt`) holds a `manifest.tsv` (`id`, `image`, `gt`, `lang`,
//! `kind`, `gt_kind`, ...). Plain Tesseract is the image as shown (EXIF orientation applied) in
//! luma gray, automatic segmentation, no preprocessing: what `tesseract IMAGE - -l LANG` reads.
//! Each language's engines start before any page is timed.
//! Pages whose truth has an exact reading order (`gt_kind` `plain`) are compared by CER, the others
//! by word F1; a page is flagged `WORSE` when the pipeline loses more than 0.02 on that measure,
//! and `SLOW` when it takes more than 1.5 times plain Tesseract. Everything runs on one thread,
//! one page at a time; which engine goes first alternates from page to page.
//!
//! Relative paths are taken from the workspace root (`cargo bench` runs in the crate's folder).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use ocr_core::metrics::{cer, normalize, wer};
use ocr_core::{Engine, OcrOptions, Page, Pipeline, Psm, prepare_path, recognize_bytes};

struct Row {
    set: String,
    id: String,
    image: PathBuf,
    gt: PathBuf,
    lang: String,
    kind: String,
    by_f1: bool,
}

/// One engine's result on one page.
#[derive(Clone, Copy, Default)]
struct Score {
    cer: f64,
    wer: f64,
    f1: f64,
    secs: f64,
}

struct Result {
    set: String,
    id: String,
    kind: String,
    by_f1: bool,
    pipe: Score,
    plain: Score,
    steps: String,
}

impl Result {
    /// How much worse the pipeline is than plain Tesseract on the page's measure.
    fn loss(&self) -> f64 {
        if self.by_f1 {
            self.plain.f1 - self.pipe.f1
        } else {
            self.pipe.cer - self.plain.cer
        }
    }

    fn ratio(&self) -> f64 {
        self.pipe.secs / self.plain.secs.max(1e-6)
    }
}

fn main() {
    let mut args = std::env::args().filter(|a| a != "--bench").skip(1);
    let mut dirs = Vec::new();
    let (mut only, mut ids, mut save, mut tsv) = (
        None::<String>,
        None::<Vec<String>>,
        None::<PathBuf>,
        None::<PathBuf>,
    );
    let mut pipeline = Pipeline::photo();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--only" => only = args.next(),
            "--ids" => {
                ids = args
                    .next()
                    .map(|s| s.split(',').map(str::to_owned).collect())
            }
            "--save" => save = args.next().map(test_support::bench_path),
            "--tsv" => tsv = args.next().map(test_support::bench_path),
            "--letters" => {
                let spec = args.next().unwrap_or_default();
                let (min, max) = spec.split_once('-').unwrap_or((&spec, &spec));
                match (min.parse(), max.parse()) {
                    (Ok(min), Ok(max)) => {
                        pipeline.letter_size = Some(ocr_core::LetterRange { min, max })
                    }
                    _ => {
                        eprintln!("eval: --letters wants MIN-MAX pixels, got {spec:?}");
                        std::process::exit(2);
                    }
                }
            }
            "--no-orient" => pipeline.orient = false,
            "--no-invert" => pipeline.invert = false,
            "--no-normalize" => pipeline.normalize = false,
            "--no-crop" => pipeline.crop = false,
            _ => dirs.push(test_support::bench_path(a)),
        }
    }
    if dirs.is_empty() {
        dirs.push(test_support::bench_path("../shared/ocr-gt"));
    }
    let mut rows = Vec::new();
    for dir in &dirs {
        match read_manifest(dir) {
            Ok(r) => rows.extend(r),
            Err(e) => {
                eprintln!("eval: {}: {e}", dir.join("manifest.tsv").display());
                std::process::exit(2);
            }
        }
    }
    rows.retain(|r| {
        only.as_deref().is_none_or(|k| r.kind == k)
            && ids.as_ref().is_none_or(|ids| ids.contains(&r.id))
    });
    let mut engines: BTreeMap<String, Engine> = BTreeMap::new();
    let mut results = Vec::new();
    println!(
        "{:<24} {:<15} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}  flags / steps",
        "id", "kind", "CER", "plain", "F1", "plain", "s", "plain", "ratio"
    );
    for (i, row) in rows.iter().enumerate() {
        let engine = match engines.entry(row.lang.clone()) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => match Engine::new(&row.lang, None) {
                Ok(mut e) => {
                    // The sample reader starts once per engine, as in a batch where each worker
                    // starts it once; it is started here so no page pays for it.
                    let _ = e.score_read(&image::GrayImage::from_pixel(64, 32, image::Luma([255])));
                    v.insert(e)
                }
                Err(e) => {
                    eprintln!("eval: {}: {e}", row.id);
                    std::process::exit(2);
                }
            },
        };
        let truth = std::fs::read_to_string(&row.gt).unwrap_or_default();
        let bytes = std::fs::read(&row.image).unwrap_or_default();
        let pipe_opts = OcrOptions {
            lang: row.lang.clone(),
            pipeline: pipeline.clone(),
            ..OcrOptions::default()
        };
        let plain_opts = OcrOptions {
            lang: row.lang.clone(),
            psm: Psm::AUTO,
            pipeline: Pipeline::none(),
            tessdata: None,
        };
        let mut run = |opts: &OcrOptions| {
            let t0 = Instant::now();
            let page = recognize_bytes(engine, &bytes, &row.image, opts);
            (page, t0.elapsed().as_secs_f64())
        };
        let (pipe, plain) = if i % 2 == 0 {
            let p = run(&pipe_opts);
            (p, run(&plain_opts))
        } else {
            let t = run(&plain_opts);
            (run(&pipe_opts), t)
        };
        let (pipe_page, pipe_secs) = match pipe {
            (Ok(p), s) => (p, s),
            (Err(e), _) => {
                println!("{:<24} {:<15} error: {e}", row.id, row.kind);
                continue;
            }
        };
        let plain_page = plain.0.ok();
        let score = |page: Option<&Page>, secs: f64| {
            let text = page.map(Page::text).unwrap_or_default();
            Score {
                cer: cer(&truth, &text),
                wer: wer(&truth, &text),
                f1: bow_f1(&truth, &text),
                secs,
            }
        };
        let result = Result {
            set: row.set.clone(),
            id: row.id.clone(),
            kind: row.kind.clone(),
            by_f1: row.by_f1,
            pipe: score(Some(&pipe_page), pipe_secs),
            plain: score(plain_page.as_ref(), plain.1),
            steps: pipe_page
                .preprocessing
                .steps
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        };
        if let Some(dir) = &save {
            let _ = std::fs::create_dir_all(dir);
            let _ = std::fs::write(dir.join(format!("{}.txt", row.id)), pipe_page.text());
            if let Some(p) = &plain_page {
                let _ = std::fs::write(dir.join(format!("{}.plain.txt", row.id)), p.text());
            }
            let json = serde_json::to_string_pretty(&pipe_page.preprocessing).unwrap_or_default();
            let _ = std::fs::write(dir.join(format!("{}.json", row.id)), json);
            // The image as Tesseract was given it, prepared again outside the timed runs.
            if let Ok((_, prepared)) = prepare_path(&row.image, &pipe_opts) {
                let _ = prepared.image.save(dir.join(format!("{}.png", row.id)));
            }
        }
        let mut flags = Vec::new();
        if result.loss() > 0.02 {
            flags.push("WORSE");
        }
        if result.ratio() > 1.5 {
            flags.push("SLOW");
        }
        println!(
            "{:<24} {:<15} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.2} {:>6.2} {:>6.2}  {} | {}",
            row.id,
            row.kind,
            result.pipe.cer,
            result.plain.cer,
            result.pipe.f1,
            result.plain.f1,
            result.pipe.secs,
            result.plain.secs,
            result.ratio(),
            flags.join(","),
            result.steps
        );
        results.push(result);
    }
    summary(&results);
    if let Some(path) = tsv {
        let mut out = String::from(
            "set\tid\tkind\tcer\tplain_cer\tf1\tplain_f1\twer\tplain_wer\tsecs\tplain_secs\tsteps\n",
        );
        for r in &results {
            out.push_str(&format!(
                "{}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}\t{:.4}\t{:.4}\t{:.4}\t{:.2}\t{:.2}\t{}\n",
                r.set,
                r.id,
                r.kind,
                r.pipe.cer,
                r.plain.cer,
                r.pipe.f1,
                r.plain.f1,
                r.pipe.wer,
                r.plain.wer,
                r.pipe.secs,
                r.plain.secs,
                r.steps
            ));
        }
        if let Err(e) = std::fs::write(&path, out) {
            eprintln!("eval: {}: {e}", path.display());
        }
    }
}

/// Prints the per-kind table and the worst pages.
fn summary(results: &[Result]) {
    let mut groups: BTreeMap<(String, String), Vec<&Result>> = BTreeMap::new();
    for r in results {
        groups
            .entry((r.set.clone(), r.kind.clone()))
            .or_default()
            .push(r);
    }
    println!();
    println!(
        "{:<9} {:<15} {:>3} | {:>8} {:>8} {:>6} {:>6} | {:>8} {:>8} {:>6} {:>6} | {:>6} {:>6}",
        "set",
        "kind",
        "n",
        "mean CER",
        "max CER",
        "F1",
        "s",
        "plain",
        "max",
        "F1",
        "s",
        "ratio",
        "worst"
    );
    let mean = |v: &[&Result], f: &dyn Fn(&Result) -> f64| {
        v.iter().map(|r| f(r)).sum::<f64>() / v.len().max(1) as f64
    };
    let max =
        |v: &[&Result], f: &dyn Fn(&Result) -> f64| v.iter().map(|r| f(r)).fold(0.0, f64::max);
    for ((set, kind), v) in &groups {
        let total = |f: &dyn Fn(&Result) -> f64| v.iter().map(|r| f(r)).sum::<f64>();
        println!(
            "{:<9} {:<15} {:>3} | {:>8.3} {:>8.3} {:>6.3} {:>6.2} | {:>8.3} {:>8.3} {:>6.3} {:>6.2} | {:>6.2} {:>6.2}",
            set,
            kind,
            v.len(),
            mean(v, &|r| r.pipe.cer),
            max(v, &|r| r.pipe.cer),
            mean(v, &|r| r.pipe.f1),
            mean(v, &|r| r.pipe.secs),
            mean(v, &|r| r.plain.cer),
            max(v, &|r| r.plain.cer),
            mean(v, &|r| r.plain.f1),
            mean(v, &|r| r.plain.secs),
            total(&|r| r.pipe.secs) / total(&|r| r.plain.secs).max(1e-6),
            max(v, &|r| r.ratio()),
        );
    }
    let mut worst: Vec<&Result> = results.iter().collect();
    worst.sort_by(|a, b| b.loss().total_cmp(&a.loss()));
    println!();
    println!("worst pages against plain tesseract (loss in CER, or in F1 where marked F1):");
    for r in worst.iter().take(8) {
        println!(
            "  {:<24} {:<15} loss {:+.3}{}  ratio {:.2}  {}",
            r.id,
            r.kind,
            r.loss(),
            if r.by_f1 { " F1" } else { "" },
            r.ratio(),
            r.steps
        );
    }
    let worse = results.iter().filter(|r| r.loss() > 0.02).count();
    let slow = results.iter().filter(|r| r.ratio() > 1.5).count();
    let slowest = results
        .iter()
        .max_by(|a, b| a.ratio().total_cmp(&b.ratio()));
    println!(
        "{} pages, {worse} worse than plain by more than 0.02, {slow} slower than 1.5x{}",
        results.len(),
        slowest.map_or(String::new(), |r| format!(
            " (slowest {} at {:.2}x)",
            r.id,
            r.ratio()
        ))
    );
}

/// Order-free word F1: the words of both texts (after [`normalize`]) as multisets, their overlap
/// over the hypothesis (precision) and over the reference (recall).
fn bow_f1(reference: &str, hypothesis: &str) -> f64 {
    let count = |text: &str| {
        let mut m: HashMap<String, usize> = HashMap::new();
        for w in normalize(text).split(' ').filter(|w| !w.is_empty()) {
            *m.entry(w.to_owned()).or_default() += 1;
        }
        m
    };
    let (r, h) = (count(reference), count(hypothesis));
    let (nr, nh) = (r.values().sum::<usize>(), h.values().sum::<usize>());
    if nr == 0 || nh == 0 {
        return if nr == nh { 1.0 } else { 0.0 };
    }
    let common: usize = h
        .iter()
        .map(|(w, &n)| n.min(r.get(w).copied().unwrap_or(0)))
        .sum();
    let (p, rc) = (common as f64 / nh as f64, common as f64 / nr as f64);
    if p + rc == 0.0 {
        0.0
    } else {
        2.0 * p * rc / (p + rc)
    }
}

fn read_manifest(dir: &Path) -> std::io::Result<Vec<Row>> {
    let text = std::fs::read_to_string(dir.join("manifest.tsv"))?;
    let set = dir
        .file_name()
        .map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into());
    Ok(text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 5).then(|| Row {
                set: set.clone(),
                id: c[0].into(),
                image: dir.join(c[1]),
                gt: dir.join(c[2]),
                lang: c[3].into(),
                kind: c[4].into(),
                by_f1: c.get(5).is_some_and(|k| *k != "plain"),
            })
        })
        .collect())
}
