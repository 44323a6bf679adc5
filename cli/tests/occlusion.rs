//! Image occlusion from the words on the page, end to end: labelled diagrams drawn here (clean,
//! turned, skewed, shaded), `--kinds occlusion` with the builtin reader, the package imported by
//! the official Anki backend and each note checked there: Anki's own Image Occlusion kind, one
//! card per label, masks on the drawn labels, the image in the media, the question rendered.

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use test_support::diagram::{self, Look, Subject};

mod common;
use common::cli;

fn fraction(shape: &Value, key: &str) -> f64 {
    shape[key]
        .as_str()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{key} in {shape}"))
}

#[test]
fn labelled_diagrams_become_anki_image_occlusion_notes() {
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut drawn_labels, mut masks_made, mut matched) = (0usize, 0usize, 0usize);
    let mut problems = Vec::new();
    let mut loose = Vec::new();
    let mut iou_sum = 0.0;
    let mut decks = Vec::new();
    let mut drawn = Vec::new();
    for subject in Subject::ALL {
        let mut pages = Vec::new();
        let mut language = "eng";
        for look in Look::ALL {
            let ext = if look == Look::Shaded { "jpg" } else { "png" };
            let name = format!("{}-{}.{ext}", subject.name(), look.name());
            let d = diagram::draw(subject, look, &dir.path().join(&name));
            language = d.language;
            let size = image::image_dimensions(dir.path().join(&name)).expect("size");
            drawn.push((name.clone(), d, size));
            pages.push(name);
        }
        let deck = format!("{}.apkg", subject.name());
        let out = cli(dir.path())
            .args([
                "--backend",
                "builtin",
                "--kinds",
                "occlusion",
                "--lang",
                language,
            ])
            .args(["--deck", "Diagrams", "-o", &deck])
            .args(&pages)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        decks.push(dir.path().join(deck));
    }
    let files: Vec<&Path> = decks.iter().map(|p| p.as_path()).collect();
    let report = test_support::anki_import(&files);
    let notes = test_support::notes(&report);
    assert_eq!(notes.len(), drawn.len(), "one note per diagram: {report}");
    for (name, d, (w, h)) in &drawn {
        let stem = Path::new(name).file_stem().unwrap().to_string_lossy();
        let note = notes
            .iter()
            .find(|n| {
                n["occlusion"]["image"]
                    .as_str()
                    .is_some_and(|i| i.starts_with(&format!("{stem}-")))
            })
            .unwrap_or_else(|| panic!("no note for {name} in {report}"));
        assert_eq!(note["stock_kind"], 6, "{name}: Anki's image occlusion kind");
        let io = &note["occlusion"];
        assert!(io["error"].is_null(), "{name}: {io}");
        assert!(
            io["image_bytes"].as_u64() > Some(0),
            "{name}: image in media"
        );
        let image = io["image"].as_str().expect("image name");
        assert!(
            report["media"].get(image).is_some(),
            "{name}: {image} in media"
        );
        assert_eq!(io["hide_all"], true, "{name}");
        let occlusions = io["masks"].as_array().expect("masks");
        assert_eq!(
            note["cards"].as_u64(),
            Some(occlusions.len() as u64),
            "{name}: one card per deletion"
        );
        let question = note["question"].as_str().expect("question");
        assert!(
            question.contains("image-occlusion-container")
                && question.contains(r#"data-shape="rect""#)
                && question.contains(image),
            "{name}: {question}"
        );
        // Every mask back in pixels, against the labels as drawn.
        let boxes: Vec<[u32; 4]> = occlusions
            .iter()
            .flat_map(|o| o["shapes"].as_array().expect("shapes").iter())
            .map(|s| {
                let px = |k: &str, of: u32| (fraction(s, k) * f64::from(of)).round() as u32;
                [
                    px("left", *w),
                    px("top", *h),
                    px("width", *w),
                    px("height", *h),
                ]
            })
            .collect();
        masks_made += boxes.len();
        drawn_labels += d.labels.len();
        for (label, want) in &d.labels {
            let (best, mask) = boxes
                .iter()
                .map(|b| (diagram::iou(*want, *b), *b))
                .fold((0.0, [0; 4]), |a, b| if b.0 > a.0 { b } else { a });
            if best >= 0.5 {
                matched += 1;
                iou_sum += best;
                if best < 0.8 {
                    loose.push(format!("{name}: {label:?} {want:?} IoU {best:.2}"));
                }
                // The mask hides the label: it covers nearly all of its ink.
                let covered = diagram::iou(*want, diagram::intersection(*want, mask)).max(0.0);
                if covered < 0.9 {
                    problems.push(format!(
                        "{name}: mask {mask:?} covers {covered:.2} of {label:?} {want:?}"
                    ));
                }
            }
        }
    }
    let recall = matched as f64 / drawn_labels as f64;
    let precision = matched as f64 / masks_made.max(1) as f64;
    println!(
        "occlusion on {} diagrams: {matched} of {drawn_labels} labels masked, {masks_made} masks; \
         recall {recall:.2}, precision {precision:.2}, mean IoU {:.2}; IoU under 0.8: {loose:#?}",
        drawn.len(),
        iou_sum / matched.max(1) as f64
    );
    assert!(problems.is_empty(), "{problems:#?}");
    // Masks of turned or sheared labels are the box of the box Tesseract read straightened,
    // a little larger than the letters: at least nine in ten still meet IoU 0.8.
    assert!(loose.len() * 10 <= matched, "{loose:#?}");
    assert!(
        recall >= 0.9 && precision >= 0.9,
        "recall {recall:.2}, precision {precision:.2}"
    );
}

#[test]
fn pages_of_running_text_and_lists_give_no_occlusion_note_and_ask_no_model() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A heading over two paragraphs, wrapped by ImageMagick.
    let prose = "The cell is the basic unit of life. Every living thing is made of one or more \
        cells, and every cell comes from another cell. Most cells are too small to see without \
        a microscope; the first were seen in cork in the year 1665. Inside, a membrane holds \
        the cytoplasm, in which the nucleus keeps the cell's genes and the mitochondria make \
        the energy the cell needs. Plant cells also have a wall and chloroplasts, which turn \
        light into sugar.";
    // Wrapped by hand: ImageMagick's caption refuses long texts.
    let mut draws: Vec<String> = vec!["text 80,80 'Chapter 2: Cells'".into()];
    let mut y = 160;
    for _ in 0..2 {
        let mut line = String::new();
        for word in prose.split_whitespace() {
            if line.len() + word.len() > 80 {
                draws.push(format!("text 80,{y} '{}'", line.replace('\'', "")));
                y += 40;
                line.clear();
            }
            line.push_str(word);
            line.push(' ');
        }
        draws.push(format!("text 80,{y} '{}'", line.replace('\'', "")));
        y += 80;
    }
    let mut cmd = Command::new("convert");
    cmd.args([
        "-size",
        "1400x1000",
        "xc:white",
        "-font",
        "DejaVu-Sans",
        "-pointsize",
        "26",
    ]);
    for d in &draws {
        cmd.args(["-draw", d]);
    }
    let status = cmd
        .arg(dir.path().join("prose.png"))
        .status()
        .expect("convert runs");
    assert!(status.success());
    std::fs::copy(
        test_support::sample("vocabulaire.png"),
        dir.path().join("list.png"),
    )
    .expect("copy");
    let out = cli(dir.path())
        // Occlusion cards need no model: a model server that is not there is never asked.
        .args([
            "cards",
            "--backend",
            "ollama",
            "--base-url",
            "http://127.0.0.1:9",
        ])
        .args(["--kinds", "occlusion", "--lang", "eng+fra"])
        .args(["-o", "out.cards.json", "prose.png", "list.png"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no labelled diagram found on 2 pages"),
        "{stderr}"
    );
    let cards = std::fs::read_to_string(dir.path().join("out.cards.json")).unwrap_or_default();
    assert!(!cards.contains("occlusion"), "{cards}");
}
