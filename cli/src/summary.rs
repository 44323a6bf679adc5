//! The closing summary of a run, for people (stderr) or machines (`--json`, stdout).

use serde::Serialize;

/// Seconds spent in each stage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Seconds {
    /// Reading the pages.
    pub ocr: f64,
    /// Making the cards.
    pub cards: f64,
    /// Writing the deck or cards file.
    pub export: f64,
}

/// The language a page was read in, when `--lang auto` chose it.
#[derive(Debug, Clone, Serialize)]
pub struct PageLanguage {
    /// The page.
    pub page: String,
    /// What it was read in, and how sure the guess was.
    #[serde(flatten)]
    pub guess: ocr_core::LanguageGuess,
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Pages read (images recognised or taken from the cache, and text files).
    pub pages: usize,
    /// Inputs that could not be read or got no cards because of an error.
    pub pages_failed: usize,
    /// Pages taken from the OCR cache.
    pub pages_from_cache: usize,
    /// Inputs passed over (not images or text files).
    pub skipped: usize,
    /// Words recognised or read.
    pub words: usize,
    /// Mean Tesseract confidence of the recognised words (0 to 100).
    pub mean_confidence: Option<f64>,
    /// With `--lang auto`, the language of each page read (not those from the cache).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<PageLanguage>,
    /// What made the cards.
    pub generator: String,
    /// Cards proposed, made and left out, requests and cache hits.
    pub report: llm_client::Report,
    /// Time per stage.
    pub seconds: Seconds,
    /// Where the result went.
    pub output: Option<String>,
    /// The deck's name.
    pub deck: Option<String>,
    /// Notes in the written deck.
    pub notes: Option<usize>,
    /// Whether Ctrl-C stopped the run.
    pub interrupted: bool,
    /// The exit code.
    pub exit_code: u8,
}

impl Summary {
    /// "duplicate: 3, empty side: 1", or "none".
    pub fn drops(&self) -> String {
        let parts: Vec<String> = self
            .report
            .dropped
            .iter()
            .map(|(reason, n)| format!("{reason}: {n}"))
            .collect();
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(", ")
        }
    }

    /// "languages: fra 3 pages, eng 1; too unsure, read in eng: b.jpg", or nothing.
    fn languages_line(&self) -> String {
        if self.languages.is_empty() {
            return String::new();
        }
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for l in &self.languages {
            match counts.iter_mut().find(|(c, _)| *c == l.guess.language) {
                Some((_, n)) => *n += 1,
                None => counts.push((&l.guess.language, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let parts: Vec<String> = counts
            .iter()
            .map(|(c, n)| format!("{c} {n} page{}", if *n == 1 { "" } else { "s" }))
            .collect();
        let unsure: Vec<&str> = self
            .languages
            .iter()
            .filter(|l| !l.guess.sure)
            .map(|l| l.page.as_str())
            .collect();
        let mut line = format!("languages guessed: {}", parts.join(", "));
        if !unsure.is_empty() {
            line += &format!("; too unsure, read in the fallback: {}", unsure.join(", "));
        }
        line + "\n"
    }

    /// The summary as lines for people.
    pub fn human(&self) -> String {
        let r = &self.report;
        let confidence = self
            .mean_confidence
            .map_or_else(String::new, |c| format!(", mean OCR confidence {c:.0}"));
        let mut out = format!(
            "{} read ({} words{confidence}; {} from the OCR cache) in {:.1} s\n",
            plural(self.pages, "page", "pages"),
            self.words,
            self.pages_from_cache,
            self.seconds.ocr
        );
        out += &self.languages_line();
        // Only when the run got as far as making cards.
        if self.seconds.cards > 0.0 || r.proposed > 0 {
            out += &format!(
                "{}: {} made, left out: {}{}; {}, {} from the cache, {:.1} s\n",
                self.generator,
                plural(r.made, "card", "cards"),
                self.drops(),
                if r.flagged > 0 {
                    format!(" ({} kept unverified)", r.flagged)
                } else {
                    String::new()
                },
                plural(r.requests, "request", "requests"),
                plural(r.cached, "answer", "answers"),
                self.seconds.cards
            );
        }
        if r.no_list > 0 {
            out += &format!(
                "no vocabulary list found on {} page{}\n",
                r.no_list,
                if r.no_list == 1 { "" } else { "s" }
            );
        }
        if r.no_labels > 0 {
            out += &format!(
                "no labelled diagram found on {} page{}\n",
                r.no_labels,
                if r.no_labels == 1 { "" } else { "s" }
            );
        }
        if let Some(output) = &self.output {
            let notes = self
                .notes
                .map_or_else(String::new, |n| format!("{}, ", plural(n, "note", "notes")));
            out += &format!(
                "wrote {output} ({notes}deck {:?}) in {:.1} s\n",
                self.deck.as_deref().unwrap_or_default(),
                self.seconds.export
            );
        }
        if self.pages_failed > 0 {
            out += &format!(
                "{} failed; the cards of the others were kept\n",
                plural(self.pages_failed, "input", "inputs")
            );
        }
        out
    }
}

/// A count and the noun it counts, singular for one: `1 page`, `3 pages`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
