//! PDF benchmark: writes a PDF of N pages (text pages set in Helvetica, or scans of the shipped
//! image, which OCR reads), reads it with `ocr_batch` on every core, and prints the seconds, the
//! pages per second and the peak memory. Pages are read one per worker, so the peak should not
//! grow with N beyond the file's own size.
//!
//! ```text
//! cargo bench -p ocr-core --bench pdf_bench -- text 500
//! cargo bench -p ocr-core --bench pdf_bench -- scan 40
//! cargo bench -p ocr-core --bench pdf_bench -- render FILE.pdf
//! ```
//! `render FILE.pdf` only draws every page of a PDF as the OCR would (300 dpi for text and
//! drawings), one after another on one thread, and prints the pages per second, for comparing
//! the renderer with others (`pdftoppm -r 300`, `mutool draw -r 300`).
//!
//! Relative paths are taken from the workspace root (`cargo bench` runs in the crate's folder).

use std::time::Instant;

use ocr_core::{BatchOptions, OcrOptions, ocr_batch, pages_of};
use test_support::pdf::{PdfPage, pdf};

fn main() {
    let mut args = std::env::args().filter(|a| a != "--bench").skip(1);
    let kind = args.next().unwrap_or_else(|| "text".into());
    if kind == "render" {
        let path = test_support::bench_path(args.next().expect("render FILE.pdf"));
        let bytes = std::fs::read(&path).expect("read the PDF");
        let limits = page_image::Limits::default();
        let count = page_image::pdf::page_count(&bytes).expect("a PDF");
        let start = Instant::now();
        let mut pixels = 0u64;
        for page in 1..=count {
            match page_image::pdf::render(&bytes, page, &limits) {
                Ok(img) => pixels += u64::from(img.width()) * u64::from(img.height()),
                Err(e) => eprintln!("{}#{page}: {e}", path.display()),
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{count} pages drawn in {secs:.2} s ({:.1} pages/s, {:.1} Mpx per page), peak RSS {:.1} MB",
            f64::from(count) / secs,
            pixels as f64 / f64::from(count.max(1)) / 1e6,
            test_support::peak_rss_mb()
        );
        return;
    }
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let dir = tempfile::tempdir().expect("temporary folder");
    let scan = PdfPage::scan(&test_support::sample("vocabulaire.png"), 150.0);
    let pages: Vec<PdfPage> = (0..n)
        .map(|i| match kind.as_str() {
            "scan" => scan.clone(),
            _ => PdfPage::text(&[
                &format!("Chapitre {i} : la maison"),
                "la cuisine - the kitchen",
                "la chambre - the bedroom",
                "le jardin - the garden",
            ]),
        })
        .collect();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf(&pages)).expect("write the PDF");
    drop(pages);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let before = test_support::peak_rss_mb();
    let start = Instant::now();
    let names = pages_of(std::slice::from_ref(&path));
    let options = OcrOptions {
        lang: "fra".into(),
        ..OcrOptions::default()
    };
    let items = ocr_batch(&names, &options, &BatchOptions::default(), &|_| {}).expect("batch");
    let secs = start.elapsed().as_secs_f64();
    let ok = items.iter().filter(|i| i.result.is_ok()).count();
    let words: usize = items
        .iter()
        .filter_map(|i| i.result.as_ref().ok())
        .map(|p| p.word_count())
        .sum();
    println!(
        "{kind} PDF, {n} pages, {:.1} MB: {ok} pages read, {words} words, {secs:.1} s ({:.1} pages/s) on {} threads; peak RSS {:.1} MB before reading, {:.1} MB after",
        size as f64 / 1e6,
        n as f64 / secs,
        std::thread::available_parallelism().map_or(1, usize::from),
        before,
        test_support::peak_rss_mb(),
    );
}
