//! The builtin reader on text files: how many cards each gives, and which.
//!
//! ```text
//! cargo bench -p llm-client --bench builtin_eval -- PAGE.txt...
//! ```
//! Feed it the text of pages that are not vocabulary lists (say, the OCR of worksheets saved by
//! `ocr-core`'s `eval --save`) to count the cards it should not have made.
//!
//! Relative paths are taken from the workspace root (`cargo bench` runs in the crate's folder).

use llm_client::KindWanted;
use llm_client::answer::ModelCard;
use llm_client::extract;

fn main() {
    let mut total = 0;
    for path in std::env::args().filter(|a| a != "--bench").skip(1) {
        let text = match std::fs::read_to_string(test_support::bench_path(&path)) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let cards = extract(&text, &[KindWanted::Reversed]);
        println!("{path}: {} cards", cards.len());
        for c in &cards {
            if let ModelCard::Reversed { front, back, .. } = c {
                println!("    {front:?} -> {back:?}");
            }
        }
        total += cards.len();
    }
    println!("{total} cards in all");
}
