//! How well the labels of a diagram are found: draws every test diagram (each subject in each
//! look, see `test_support::diagram`), reads it with the default pipeline and prints, per
//! diagram and in all, the labels found (recall) and the labels found that are labels
//! (precision). A found label matches a drawn one when their boxes overlap with an
//! intersection over union of at least 0.5; the mean IoU of the matches is printed too.
//!
//! `cargo bench -p ocr-core --bench labels_eval`

use std::path::Path;

use ocr_core::{Engine, OcrOptions, recognize_bytes};
use test_support::diagram::{self, Look, Subject};

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut truth_all, mut found_all, mut hit_all, mut iou_sum) = (0usize, 0usize, 0usize, 0.0);
    println!("diagram\tlabels\tfound\tmatched\trecall\tprecision\tmean IoU\tmissed / not labels");
    for subject in Subject::ALL {
        for look in Look::ALL {
            let ext = if look == Look::Shaded { "jpg" } else { "png" };
            let name = format!("{}-{}.{ext}", subject.name(), look.name());
            let path = dir.path().join(&name);
            let drawn = diagram::draw(subject, look, &path);
            let mut engine = Engine::new(drawn.language, None).expect("engine");
            let options = OcrOptions {
                lang: drawn.language.into(),
                ..OcrOptions::default()
            };
            let bytes = std::fs::read(&path).expect("drawn");
            let page = recognize_bytes(&mut engine, &bytes, Path::new(&name), &options)
                .expect("recognised");
            let labels = page.labels();
            if std::env::var_os("LABELS_DEBUG").is_some() {
                for (t, b) in &drawn.labels {
                    eprintln!("{name} drawn {t:?} {b:?}");
                }
                for l in &labels {
                    eprintln!("{name} found {:?} {:?}", l.text, l.bbox);
                }
                for w in page.words() {
                    eprintln!("{name} word {:?} {:?} {:.0}", w.text, w.bbox, w.confidence);
                }
                eprintln!("{name} steps {:?}", page.preprocessing.steps);
            }
            let mut matched = vec![false; labels.len()];
            let mut hits = 0;
            let mut missed = Vec::new();
            for (text, want) in &drawn.labels {
                let best = labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let b = l.bbox;
                        (i, diagram::iou(*want, [b.x, b.y, b.width, b.height]))
                    })
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                match best {
                    Some((i, iou)) if iou >= 0.5 => {
                        matched[i] = true;
                        hits += 1;
                        iou_sum += iou;
                    }
                    _ => missed.push(text.clone()),
                }
            }
            let extra: Vec<String> = labels
                .iter()
                .zip(&matched)
                .filter(|(_, m)| !**m)
                .map(|(l, _)| format!("+{:?}", l.text))
                .collect();
            let n = drawn.labels.len();
            println!(
                "{name}\t{n}\t{}\t{hits}\t{:.2}\t{:.2}\t\t{} {}",
                labels.len(),
                hits as f64 / n as f64,
                if labels.is_empty() {
                    0.0
                } else {
                    matched.iter().filter(|m| **m).count() as f64 / labels.len() as f64
                },
                missed.join(", "),
                extra.join(", ")
            );
            truth_all += n;
            found_all += labels.len();
            hit_all += hits;
        }
    }
    println!(
        "all\t{truth_all}\t{found_all}\t{hit_all}\t{:.3}\t{:.3}\t{:.3}",
        hit_all as f64 / truth_all.max(1) as f64,
        hit_all as f64 / found_all.max(1) as f64,
        iou_sum / hit_all.max(1) as f64
    );
}
