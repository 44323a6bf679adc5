//! Reads one page and prints its text and what the preprocessing did to it.
//!
//! ```text
//! cargo run -p ocr-core --example read_page -- [IMAGE] [LANG]
//! ```
//! With no arguments it reads the shipped photo `samples/vocabulaire-photo.jpg` (a French page
//! taken sideways, at a slant, in uneven light) with the language guessed.

use std::path::PathBuf;

use ocr_core::{Engine, LoadLimits, OcrOptions, load_path, recognize_image};

fn main() -> Result<(), ocr_core::OcrError> {
    let mut args = std::env::args().skip(1);
    let path = args.next().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../samples/vocabulaire-photo.jpg"),
        PathBuf::from,
    );
    let lang = args.next().unwrap_or_else(|| "auto".into());
    let options = OcrOptions {
        lang: lang.clone(),
        ..OcrOptions::default()
    };
    let mut engine = Engine::new(&lang, None)?;
    let loaded = load_path(&path, LoadLimits::default())?;
    let page = recognize_image(&mut engine, &loaded, &path, &options)?;
    let p = &page.preprocessing;
    println!("{}", page.text());
    println!(
        "--- {} words in {}; turned {}°, steps: {}",
        page.words().count(),
        page.language,
        p.rotation,
        p.steps
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok(())
}
