//! Media benchmark: writes a deck of N cards, each showing its own photo-sized image (a 1 MB
//! PNG of noise, which does not compress), as `.apkg`, and prints the seconds and the peak memory.
//! Images are streamed into the package, so the peak should not grow with N.
//!
//! ```text
//! cargo bench -p anki-export --bench media_bench -- 10
//! cargo bench -p anki-export --bench media_bench -- 200
//! ```

use std::time::Instant;

use anki_export::{Card, Deck, ExportOptions, write_apkg};

fn main() {
    let n: usize = std::env::args()
        .filter(|a| a != "--bench")
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut state = 0x2545_f491_u32;
    let mut media_bytes = 0u64;
    let mut cards = Vec::with_capacity(n);
    for i in 0..n {
        // xorshift noise, one image at a time, so making them costs little memory.
        let img = image::RgbImage::from_fn(580, 580, |_, _| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let [a, b, c, _] = state.to_le_bytes();
            image::Rgb([a, b, c])
        });
        let name = format!("photo-{i:04}.png");
        let path = dir.path().join(&name);
        img.save(&path).expect("image written");
        media_bytes += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        cards.push(Card::basic(format!("Photo {i}?"), "noise").with_source(name, None));
    }
    let before = test_support::peak_rss_mb();
    let deck = Deck::new("Bench::Media", cards).expect("valid deck");
    let options = ExportOptions {
        media_base: Some(dir.path().to_owned()),
        modified: None,
    };
    let t = Instant::now();
    let apkg = dir.path().join("media.apkg");
    let summary = write_apkg(&deck, &apkg, &options).expect("apkg written");
    let secs = t.elapsed().as_secs_f64();
    let apkg_bytes = std::fs::metadata(&apkg).map(|m| m.len()).unwrap_or(0);
    println!(
        "{n} images, {:.1} MB of media -> {} notes, {} media, {:.1} MB package in {secs:.2} s",
        media_bytes as f64 / 1e6,
        summary.notes,
        summary.media,
        apkg_bytes as f64 / 1e6
    );
    println!("peak memory (max RSS) before the export: {before:.1} MB");
    println!(
        "peak memory (max RSS) after the export:  {:.1} MB",
        test_support::peak_rss_mb()
    );
}
