//! `--lang auto` measured: every page of the ground-truth sets read through the pipeline once
//! in its manifest language and once with `auto` (the manifest's language hidden), interleaved,
//! with the guess, how sure it was, CER and seconds of both reads.
//!
//! ```text
//! cargo bench -p ocr-core --bench lang_eval -- [GT_DIR ...]
//! ```
//! Each `GT_DIR` (default `../shared/ocr-gt`) holds a `manifest.tsv` (`id`, `image`, `gt`,
//! `lang`, ...). A guess is right when it is one of the manifest's languages. The engines start
//! before any page is timed, except that `auto` starts a language's the first time it reads in
//! it, as in a batch; one thread, one page at a time.
//!
//! Relative paths are taken from the workspace root (`cargo bench` runs in the crate's folder).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use ocr_core::metrics::cer;
use ocr_core::{Engine, OcrOptions, recognize_bytes};

struct Row {
    id: String,
    image: PathBuf,
    gt: PathBuf,
    lang: String,
}

fn main() {
    let mut dirs: Vec<PathBuf> = std::env::args()
        .filter(|a| a != "--bench")
        .skip(1)
        .map(test_support::bench_path)
        .collect();
    if dirs.is_empty() {
        dirs.push(test_support::bench_path("../shared/ocr-gt"));
    }
    let rows: Vec<Row> = dirs.iter().flat_map(|d| manifest(d)).collect();
    let mut given: BTreeMap<String, Engine> = BTreeMap::new();
    let mut auto = Engine::new("auto", None).unwrap_or_else(|e| {
        eprintln!("lang_eval: {e}");
        std::process::exit(2)
    });
    // Warm every engine up: the given languages' and each language auto may switch to.
    let blank = image::GrayImage::from_pixel(64, 32, image::Luma([255]));
    for row in &rows {
        if !given.contains_key(&row.lang) {
            match Engine::new(&row.lang, None) {
                Ok(mut e) => {
                    let _ = e.score_read(&blank);
                    given.insert(row.lang.clone(), e);
                }
                Err(e) => {
                    eprintln!("lang_eval: {}: {e}", row.id);
                    std::process::exit(2);
                }
            }
        }
    }
    let _ = auto.score_read(&blank);

    println!(
        "{:<24} {:<24} {:<6} {:>5} {:>5} {:>7} {:>7} {:>6} {:>6} {:>6}",
        "id", "language", "guess", "conf", "sure", "CER", "auto", "s", "auto", "ratio"
    );
    let (mut right, mut n) = (0, 0);
    let (mut cer_given, mut cer_auto, mut secs_given, mut secs_auto) = (0.0, 0.0, 0.0, 0.0);
    for (i, row) in rows.iter().enumerate() {
        let truth = std::fs::read_to_string(&row.gt).unwrap_or_default();
        let bytes = std::fs::read(&row.image).unwrap_or_default();
        let opts = |lang: &str| OcrOptions {
            lang: lang.to_owned(),
            ..OcrOptions::default()
        };
        let Some(engine) = given.get_mut(&row.lang) else {
            continue;
        };
        let run = |engine: &mut Engine, lang: &str| {
            let t0 = Instant::now();
            let page = recognize_bytes(engine, &bytes, &row.image, &opts(lang));
            (page, t0.elapsed().as_secs_f64())
        };
        let (a, b) = if i % 2 == 0 {
            let a = run(engine, &row.lang);
            (a, run(&mut auto, "auto"))
        } else {
            let b = run(&mut auto, "auto");
            (run(engine, &row.lang), b)
        };
        let (Ok(page_given), Ok(page_auto)) = (a.0, b.0) else {
            println!("{:<24} error", row.id);
            continue;
        };
        let guess = page_auto.preprocessing.language_guess.clone();
        let used = page_auto.language.clone();
        let ok = row.lang.split('+').any(|l| l == used);
        n += 1;
        right += usize::from(ok);
        let (cg, ca) = (
            cer(&truth, &page_given.text()),
            cer(&truth, &page_auto.text()),
        );
        cer_given += cg;
        cer_auto += ca;
        secs_given += a.1;
        secs_auto += b.1;
        println!(
            "{:<24} {:<24} {:<6} {:>5.2} {:>5} {:>7.3} {:>7.3} {:>6.2} {:>6.2} {:>6.2}{}",
            row.id,
            row.lang,
            used,
            guess.as_ref().map_or(0.0, |g| g.confidence),
            guess.as_ref().is_some_and(|g| g.sure),
            cg,
            ca,
            a.1,
            b.1,
            b.1 / a.1.max(1e-6),
            if ok { "" } else { "  WRONG" }
        );
    }
    let n_f = n.max(1) as f64;
    println!(
        "\n{right} of {n} guesses right; mean CER {:.4} given, {:.4} auto ({:+.4}); time {:.1} s given, {:.1} s auto ({:.2}x)",
        cer_given / n_f,
        cer_auto / n_f,
        (cer_auto - cer_given) / n_f,
        secs_given,
        secs_auto,
        secs_auto / secs_given.max(1e-6)
    );
}

fn manifest(dir: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap_or_else(|e| {
        eprintln!("lang_eval: {}: {e}", dir.join("manifest.tsv").display());
        std::process::exit(2)
    });
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 4).then(|| Row {
                id: c[0].into(),
                image: dir.join(c[1]),
                gt: dir.join(c[2]),
                lang: c[3].into(),
            })
        })
        .collect()
}
