//! AnkiConnect benchmark against a real Anki: prints the seconds to push 500 text notes, 500 notes
//! showing 40 images, and a re-push of the 500 unchanged text notes (target: under 1 s).
//!
//! ```text
//! S=$(mktemp -d); Xvfb -displayfd 3 -nolisten tcp 3>$S/display & export DISPLAY=:$(head -n1 $S/display)
//! URL=$(bash scripts/anki-desktop.sh start $S)
//! ANKICONNECT_TEST_URL=$URL cargo bench -p anki-export --bench anki_connect_bench -- [N]
//! bash scripts/anki-desktop.sh stop $S
//! ```

use std::time::Instant;

use anki_export::{AnkiConnect, Card, Deck, ExportOptions};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::var("ANKICONNECT_TEST_URL")
        .expect("ANKICONNECT_TEST_URL: the address of a running Anki with AnkiConnect");
    let n: usize = std::env::args()
        .filter(|a| a != "--bench")
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500);
    let client = AnkiConnect::new(url, None);
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let dir = tempfile::tempdir().expect("temporary folder");
    for i in 0..40u32 {
        image::RgbImage::from_fn(800, 600, |x, y| {
            image::Rgb([
                (x * 3 + i) as u8,
                (y * 5 + i * 7) as u8,
                ((x ^ y) + i) as u8,
            ])
        })
        .save(dir.path().join(format!("page{i}.png")))
        .expect("png");
    }
    let options = ExportOptions {
        media_base: Some(dir.path().to_owned()),
        modified: None,
    };
    let text = |deck: &str| {
        let cards = (0..n)
            .map(|i| match i % 3 {
                0 => Card::basic(
                    format!("Que veut dire « {i} » ? {run}"),
                    format!("数字の{i}"),
                ),
                1 => Card::reversed(format!("le mot {i} {run}"), format!("the word {i}")),
                _ => Card::cloze(format!("L'aire {i} {run} vaut {{{{c1::$\\pi r^2$}}}}."), ""),
            })
            .collect();
        Deck::new(deck, cards).expect("deck")
    };
    let images = {
        let cards = (0..n)
            .map(|i| {
                Card::basic(format!("Image card {i} {run}"), format!("answer {i}"))
                    .with_source(format!("page{}.png", i % 40), None)
            })
            .collect();
        Deck::new(format!("Bench::Images {run}"), cards).expect("deck")
    };
    let deck = text(&format!("Bench::Text {run}"));

    let t = Instant::now();
    let s = client.push(&deck, &options, 100).await.expect("push");
    println!(
        "push {n} text notes: {:.2} s ({} notes added)",
        t.elapsed().as_secs_f64(),
        s.notes
    );
    let t = Instant::now();
    let s = client.push(&images, &options, 100).await.expect("push");
    println!(
        "push {n} notes with 40 images: {:.2} s ({} notes, {} images)",
        t.elapsed().as_secs_f64(),
        s.notes,
        s.media
    );
    let t = Instant::now();
    let s = client.push(&deck, &options, 100).await.expect("push");
    println!(
        "re-push {n} unchanged text notes: {:.2} s ({} added, {} updated, {} already in Anki)",
        t.elapsed().as_secs_f64(),
        s.notes,
        s.updated,
        s.already_in_anki
    );
}
