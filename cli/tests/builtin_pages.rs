//! The builtin reader on vocabulary pages the test renders and "photographs" (turned a little,
//! blurred, on gray paper), read by real Tesseract through the binary: every pair is found and no
//! other card is made. Prints precision and recall over all pages.

use std::path::Path;
use std::process::Command;

use ocr_core::metrics::cer;
use serde_json::Value;

mod common;
use common::cli;

const SANS: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const BOLD: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
const SERIF: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf";

/// One page: its language, heading, the pairs and how a line is written.
struct Sheet {
    name: &'static str,
    lang: &'static str,
    heading: &'static str,
    pairs: &'static [(&'static str, &'static str)],
    line: fn(usize, &str, &str) -> String,
}

const SHEETS: &[Sheet] = &[
    Sheet {
        name: "dash-fra",
        lang: "fra",
        heading: "Vocabulaire : le marché",
        pairs: &[
            ("la pomme", "the apple"),
            ("le fromage", "the cheese"),
            ("la boulangerie", "the bakery"),
            ("le poisson", "the fish"),
            ("les légumes", "the vegetables"),
            ("la fraise", "the strawberry"),
        ],
        line: |_, a, b| format!("{a} - {b}"),
    },
    Sheet {
        name: "colon-eng",
        lang: "eng",
        heading: "Biology glossary",
        pairs: &[
            ("Osmosis", "water moving through a membrane"),
            ("Enzyme", "a protein that speeds up a reaction"),
            ("Nucleus", "the part of the cell that holds its DNA"),
            ("Mitosis", "cell division into two identical cells"),
            ("Chlorophyll", "the green pigment of plants"),
        ],
        line: |_, a, b| format!("{a}: {b}"),
    },
    Sheet {
        name: "numbered-deu",
        lang: "deu",
        heading: "Wortschatz: Tiere",
        pairs: &[
            ("der Hund", "the dog"),
            ("die Katze", "the cat"),
            ("das Pferd", "the horse"),
            ("der Vogel", "the bird"),
            ("die Maus", "the mouse"),
            ("das Schwein", "the pig"),
            ("die Kuh", "the cow"),
        ],
        line: |i, a, b| format!("{}. {a} - {b}", i + 1),
    },
    Sheet {
        name: "equals-spa",
        lang: "spa",
        heading: "Vocabulario: la casa",
        pairs: &[
            ("la ventana", "the window"),
            ("la puerta", "the door"),
            ("el techo", "the roof"),
            ("la cocina", "the kitchen"),
            ("el jardín", "the garden"),
        ],
        line: |_, a, b| format!("{a} = {b}"),
    },
    Sheet {
        name: "emdash-ita",
        lang: "ita",
        heading: "Lessico: i colori",
        pairs: &[
            ("rosso", "red"),
            ("azzurro", "light blue"),
            ("verde", "green"),
            ("giallo", "yellow"),
            ("bianco", "white"),
            ("nero", "black"),
        ],
        line: |_, a, b| format!("{a} — {b}"),
    },
    Sheet {
        name: "bullets-fra",
        lang: "fra",
        heading: "Les verbes du quotidien",
        pairs: &[
            ("manger", "to eat"),
            ("dormir", "to sleep"),
            ("courir", "to run"),
            ("écrire", "to write"),
            ("apprendre", "to learn"),
        ],
        line: |_, a, b| format!("• {a} - {b}"),
    },
];

/// Renders a sheet with ImageMagick: a heading, the lines, a page number; then turned by 1.5
/// degrees, blurred a little and laid on gray-tinted paper, as a phone photo of it would be.
fn render(sheet: &Sheet, path: &Path) {
    let mut args: Vec<String> = vec![
        "-size".into(),
        "1400x1100".into(),
        "xc:white".into(),
        "-fill".into(),
        "black".into(),
    ];
    let mut draw = |font: &str, size: u32, y: u32, s: &str| {
        args.extend([
            "-font".into(),
            font.into(),
            "-pointsize".into(),
            size.to_string(),
            "-draw".into(),
            format!("text 90,{y} \"{s}\""),
        ]);
    };
    draw(BOLD, 44, 110, sheet.heading);
    for (i, (a, b)) in sheet.pairs.iter().enumerate() {
        let font = if i % 2 == 0 { SANS } else { SERIF };
        draw(font, 32, 220 + 95 * i as u32, &(sheet.line)(i, a, b));
    }
    draw(SANS, 26, 1050, "12");
    args.extend(
        [
            "-background",
            "white",
            "-rotate",
            "1.5",
            "-blur",
            "0x0.7",
            "-fill",
            "rgb(225,220,210)",
            "-colorize",
            "12%",
        ]
        .map(String::from),
    );
    args.push(path.display().to_string());
    let out = Command::new("convert")
        .args(&args)
        .output()
        .expect("ImageMagick's convert runs");
    assert!(
        out.status.success(),
        "convert: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether a card side is the expected text, allowing an OCR slip (CER at most 0.1).
fn close(got: &str, want: &str) -> bool {
    cer(want, got.trim()) <= 0.1
}

#[test]
fn every_pair_of_a_photographed_vocabulary_page_and_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut found, mut wanted, mut made) = (0usize, 0usize, 0usize);
    let mut problems = Vec::new();
    for sheet in SHEETS {
        let page = dir.path().join(format!("{}.png", sheet.name));
        render(sheet, &page);
        let out_file = dir.path().join(format!("{}.cards.json", sheet.name));
        let out = cli(dir.path())
            .args(["-q", "cards", "--backend", "builtin", "--kinds", "reversed"])
            .args(["--lang", sheet.lang, "-o"])
            .arg(&out_file)
            .arg(&page)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            sheet.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value =
            serde_json::from_str(&std::fs::read_to_string(&out_file).expect("cards file"))
                .expect("json");
        let cards: Vec<(String, String)> = json["cards"]
            .as_array()
            .expect("cards")
            .iter()
            .map(|c| {
                (
                    c["front"].as_str().unwrap_or_default().to_owned(),
                    c["back"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        made += cards.len();
        wanted += sheet.pairs.len();
        for (a, b) in sheet.pairs {
            if cards.iter().any(|(f, k)| close(f, a) && close(k, b)) {
                found += 1;
            } else {
                problems.push(format!("{}: missed {a} / {b} in {cards:?}", sheet.name));
            }
        }
        for (f, k) in &cards {
            if !sheet.pairs.iter().any(|(a, b)| close(f, a) && close(k, b)) {
                problems.push(format!("{}: extra card {f:?} -> {k:?}", sheet.name));
            }
        }
    }
    let precision = found as f64 / made.max(1) as f64;
    let recall = found as f64 / wanted as f64;
    println!(
        "builtin reader on {} rendered pages: {found} of {wanted} pairs, {made} cards; precision {precision:.2}, recall {recall:.2}",
        SHEETS.len()
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn a_page_that_is_no_list_gives_no_card_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("notes.txt"),
        "Exercice 1 : Souligne le COD dans la phrase.\n\
         Le chat mange la souris. Paul lit un livre - il aime lire.\n\
         Les enfants regardent la télévision.\n\n\
         Exercice 2 : Relie les verbes aux COD qui leur correspondent.\n\
         manger      un livre\nlire      une pomme\n",
    )
    .expect("write");
    let out = cli(dir.path())
        .args([
            "cards",
            "--backend",
            "builtin",
            "-o",
            "out.cards.json",
            "notes.txt",
        ])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("0 cards made"), "{err}");
    assert!(err.contains("no vocabulary list found on 1 page"), "{err}");
}
