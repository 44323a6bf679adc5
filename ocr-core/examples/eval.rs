//! OCR accuracy benchmark: runs the pipeline over a ground-truth manifest and prints CER, WER and
//! seconds per page, per image and per kind.
//!
//! ```text
//! cargo run --release -p ocr-core --example eval -- [GT_DIR] [--baseline] [--only SUBSTR] [--save DIR]
//!     [--letters MIN-MAX] [--no-orient]
//! ```
//! `GT_DIR` defaults to `../shared/ocr-gt` and holds `manifest.tsv`. `--baseline` also runs plain
//! Tesseract (the file as it is, automatic segmentation, no preprocessing) on each image, for the
//! time ratio. Everything runs on one thread, one page at a time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use ocr_core::metrics::{cer, wer};
use ocr_core::{Engine, OcrOptions, Pipeline, Psm, recognize_bytes};

/// CER, WER, seconds, and the time ratio to plain Tesseract when measured.
type Score = (f64, f64, f64, Option<f64>);

struct Row {
    id: String,
    image: PathBuf,
    gt: PathBuf,
    lang: String,
    kind: String,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("../shared/ocr-gt");
    let (mut baseline, mut only, mut save) = (false, None::<String>, None::<PathBuf>);
    let mut pipeline = Pipeline::photo();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--baseline" => baseline = true,
            "--only" => only = args.next(),
            "--save" => save = args.next().map(PathBuf::from),
            "--letters" => {
                let spec = args.next().unwrap_or_default();
                let (min, max) = spec.split_once('-').unwrap_or((&spec, &spec));
                match (min.parse(), max.parse()) {
                    (Ok(min), Ok(max)) => {
                        pipeline.letter_size = Some(ocr_core::preprocess::LetterRange { min, max })
                    }
                    _ => {
                        eprintln!("eval: --letters wants MIN-MAX pixels, got {spec:?}");
                        std::process::exit(2);
                    }
                }
            }
            "--no-orient" => pipeline.orient = false,
            _ => dir = PathBuf::from(a),
        }
    }
    let rows = match read_manifest(&dir) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("eval: {}: {e}", dir.join("manifest.tsv").display());
            std::process::exit(2);
        }
    };
    let options = |lang: &str| OcrOptions {
        lang: lang.to_owned(),
        pipeline: pipeline.clone(),
        ..OcrOptions::default()
    };
    let mut engines: BTreeMap<String, Engine> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, Vec<Score>> = BTreeMap::new();
    println!(
        "{:<24} {:<15} {:>6} {:>6} {:>7} {:>7} {:>6}  steps",
        "id", "kind", "CER", "WER", "s/page", "plain s", "ratio"
    );
    for row in rows
        .iter()
        .filter(|r| only.as_deref().is_none_or(|o| r.id.contains(o)))
    {
        let engine = match engines.entry(row.lang.clone()) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => match Engine::new(&row.lang, None) {
                Ok(e) => v.insert(e),
                Err(e) => {
                    eprintln!("eval: {}: {e}", row.id);
                    std::process::exit(2);
                }
            },
        };
        let truth = std::fs::read_to_string(&row.gt).unwrap_or_default();
        let t0 = Instant::now();
        let bytes = std::fs::read(&row.image).unwrap_or_default();
        let page = match recognize_bytes(engine, &bytes, &row.image, &options(&row.lang)) {
            Ok(p) => p,
            Err(e) => {
                println!("{:<24} {:<15} error: {e}", row.id, row.kind);
                continue;
            }
        };
        let secs = t0.elapsed().as_secs_f64();
        let text = page.text();
        if let Some(dir) = &save {
            let _ = std::fs::create_dir_all(dir);
            let _ = std::fs::write(dir.join(format!("{}.txt", row.id)), &text);
            if let Ok(loaded) = ocr_core::load_bytes(&bytes, &row.image, Default::default()) {
                let prepared = options(&row.lang).pipeline.run(&loaded, Some(engine));
                let _ = prepared.image.save(dir.join(format!("{}.png", row.id)));
            }
        }
        let plain = baseline.then(|| plain_seconds(engine, &row.image));
        let (c, w) = (cer(&truth, &text), wer(&truth, &text));
        let ratio = plain.map(|p| secs / p);
        println!(
            "{:<24} {:<15} {:>6.3} {:>6.3} {:>7.2} {:>7} {:>6}  {}",
            row.id,
            row.kind,
            c,
            w,
            secs,
            plain.map_or("-".into(), |p| format!("{p:.2}")),
            ratio.map_or("-".into(), |r| format!("{r:.2}")),
            page.preprocessing.steps.join(" ")
        );
        by_kind
            .entry(row.kind.clone())
            .or_default()
            .push((c, w, secs, ratio));
    }
    println!();
    println!(
        "{:<15} {:>3} {:>9} {:>8} {:>9} {:>7} {:>10}",
        "kind", "n", "mean CER", "max CER", "mean WER", "s/page", "time ratio"
    );
    for (kind, v) in &by_kind {
        let n = v.len() as f64;
        let ratios: Vec<f64> = v.iter().filter_map(|r| r.3).collect();
        println!(
            "{:<15} {:>3} {:>9.3} {:>8.3} {:>9.3} {:>7.2} {:>10}",
            kind,
            v.len(),
            v.iter().map(|r| r.0).sum::<f64>() / n,
            v.iter().map(|r| r.0).fold(0.0, f64::max),
            v.iter().map(|r| r.1).sum::<f64>() / n,
            v.iter().map(|r| r.2).sum::<f64>() / n,
            if ratios.is_empty() {
                "-".into()
            } else {
                format!("{:.2}", ratios.iter().sum::<f64>() / ratios.len() as f64)
            }
        );
    }
}

/// Seconds plain Tesseract takes on the file as it is: decode, automatic segmentation, text.
fn plain_seconds(engine: &mut Engine, image: &Path) -> f64 {
    let t0 = Instant::now();
    let options = OcrOptions {
        lang: engine.language().to_owned(),
        psm: Psm::AUTO.number(),
        pipeline: Pipeline::none(),
        tessdata: None,
    };
    let bytes = std::fs::read(image).unwrap_or_default();
    let _ = recognize_bytes(engine, &bytes, image, &options);
    t0.elapsed().as_secs_f64()
}

fn read_manifest(dir: &Path) -> std::io::Result<Vec<Row>> {
    let text = std::fs::read_to_string(dir.join("manifest.tsv"))?;
    Ok(text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 5).then(|| Row {
                id: c[0].into(),
                image: dir.join(c[1]),
                gt: dir.join(c[2]),
                lang: c[3].into(),
                kind: c[4].into(),
            })
        })
        .collect())
}
