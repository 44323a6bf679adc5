//! Export benchmark: builds a deck of N cards (default 10,000; a mix of basic, reversed and cloze
//! with French and Japanese text) and prints the seconds and peak memory to write it as `.apkg`
//! and as CSV.
//!
//! ```text
//! cargo bench -p anki-export --bench export_bench -- [N]
//! ```

use std::time::Instant;

use anki_export::{Card, Deck, ExportOptions, write_apkg, write_csv};

fn main() {
    let n: usize = std::env::args()
        .filter(|a| a != "--bench")
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let cards = (0..n)
        .map(|i| match i % 3 {
            0 => Card::basic(
                format!("Que veut dire « {i} » en japonais ? <écrit> & lu"),
                format!("数字の{i} — réponse n° {i}"),
            )
            .with_tags(["bench", "fr"]),
            1 => Card::reversed(format!("le mot {i}"), format!("the word {i}")),
            _ => Card::cloze(
                format!("L'aire du disque {i} vaut {{{{c1::$\\pi r^2$}}}} ({{{{c2::{i}}}}})."),
                "p. 12",
            ),
        })
        .collect();
    let deck = Deck::new("Bench::Export", cards).expect("valid deck");
    let dir = tempfile::tempdir().expect("temporary folder");

    let t = Instant::now();
    let apkg = dir.path().join("bench.apkg");
    let summary = write_apkg(&deck, &apkg, &ExportOptions::default()).expect("apkg written");
    let apkg_secs = t.elapsed().as_secs_f64();
    let apkg_bytes = std::fs::metadata(&apkg).map(|m| m.len()).unwrap_or(0);

    let t = Instant::now();
    write_csv(&deck, &dir.path().join("bench.txt")).expect("csv written");
    let csv_secs = t.elapsed().as_secs_f64();

    println!(
        "{n} cards -> {} notes, {} Anki cards",
        summary.notes, summary.cards
    );
    println!(
        "apkg: {apkg_secs:.3} s, {:.1} MB file",
        apkg_bytes as f64 / 1e6
    );
    println!("csv:  {csv_secs:.3} s");
    println!(
        "peak memory (max RSS): {:.1} MB",
        test_support::peak_rss_mb()
    );
}
