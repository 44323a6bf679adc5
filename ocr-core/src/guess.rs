//! `--lang auto`: each page's language guessed from a first read of a band of its text, then
//! the page read in that language.
//!
//! The band (the sixth of the prepared page with the most ink, across its whole width) is read
//! in the fallback language; `whatlang`'s trigram model, limited to the candidate languages,
//! names the language of that text. The guess is kept when the reads gave at least
//! [`MIN_WORDS`] words and the model is sure ([`MIN_CONFIDENCE`]); until it is, up to
//! [`MAX_BANDS`] bands are read, the next-inkiest first; then the page is read in the fallback
//! languages. A text layer's language is guessed from the layer's own text.

use image::GrayImage;
use serde::{Deserialize, Serialize};

/// Words the first read must give before its language is believed.
pub const MIN_WORDS: usize = 8;
/// How sure the language model must be (0 to 1) for its guess to be kept.
pub const MIN_CONFIDENCE: f64 = 0.5;
/// Bands of the page read at most before the guess is given up.
pub const MAX_BANDS: usize = 3;

/// Whether a language setting asks for the guess (`auto`, `auto:fra+eng`), well formed or not.
pub fn is_auto(setting: &str) -> bool {
    setting.starts_with("auto")
}

/// What `--lang auto` chose for one page, and on what evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageGuess {
    /// The language the page was read in (a Tesseract language string).
    pub language: String,
    /// The language the text looked like, when the model named one.
    pub guessed: Option<String>,
    /// How sure the model was, 0 to 1.
    pub confidence: f32,
    /// Words the guess was made from.
    pub words: u32,
    /// Whether the guess was kept; when not, `language` is the fallback.
    pub sure: bool,
}

/// The languages `--lang auto` chooses among and the one it falls back to.
#[derive(Debug, Clone, PartialEq)]
pub struct Auto {
    /// The candidate Tesseract codes that the language model knows.
    pub candidates: Vec<String>,
    /// What a page whose guess is weak is read in.
    pub fallback: String,
}

impl Auto {
    /// Parses `auto` (every installed language the model knows, falling back to English when
    /// installed) or `auto:fra+eng` (these languages, falling back to all of them at once);
    /// `None` when `lang` is not an auto setting.
    pub fn parse(lang: &str, installed: &[String]) -> Option<Auto> {
        let rest = lang.strip_prefix("auto")?;
        let known = |code: &str| whatlang::Lang::from_code(code).is_some();
        if rest.is_empty() {
            let candidates: Vec<String> = installed.iter().filter(|c| known(c)).cloned().collect();
            let fallback = if installed.iter().any(|c| c == "eng") || installed.is_empty() {
                "eng".to_owned()
            } else {
                candidates.first().unwrap_or(&installed[0]).clone()
            };
            return Some(Auto {
                candidates,
                fallback,
            });
        }
        let list = rest.strip_prefix(':')?;
        Some(Auto {
            candidates: list
                .split('+')
                .filter(|c| known(c))
                .map(str::to_owned)
                .collect(),
            fallback: list.to_owned(),
        })
    }

    /// Guesses the language of `text` (a first read, or a text layer) among the candidates.
    pub fn guess(&self, text: &str) -> LanguageGuess {
        let words = text
            .split_whitespace()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .count();
        let allow: Vec<whatlang::Lang> = self
            .candidates
            .iter()
            .filter_map(whatlang::Lang::from_code)
            .collect();
        let info = (allow.len() > 1)
            .then(|| whatlang::Detector::with_allowlist(allow).detect(text))
            .flatten();
        let guessed = info.as_ref().map(|i| i.lang().code().to_owned());
        let confidence = info.as_ref().map_or(0.0, whatlang::Info::confidence);
        let sure = words >= MIN_WORDS && confidence >= MIN_CONFIDENCE && guessed.is_some();
        // With a single candidate there is nothing to choose: it is the language.
        let single = (self.candidates.len() == 1).then(|| self.candidates[0].clone());
        LanguageGuess {
            language: match (&guessed, sure, &single) {
                (Some(g), true, _) => g.clone(),
                (_, _, Some(s)) => s.clone(),
                _ => self.fallback.clone(),
            },
            guessed,
            confidence: confidence as f32,
            words: words as u32,
            sure: sure || single.is_some(),
        }
    }
}

/// Bands of a prepared page to read for its language, best first: the full width, a sixth of
/// the height (at least 64 pixels) each, not overlapping, where the most dark pixels are; at
/// most `most` of them.
pub fn bands(image: &GrayImage, most: usize) -> Vec<(u32, u32)> {
    let (w, h) = image.dimensions();
    if w == 0 || h == 0 {
        return Vec::new();
    }
    let band = (h / 6).max(64).min(h);
    let rows: Vec<u64> = image
        .rows()
        .map(|r| r.filter(|p| p.0[0] < 110).count() as u64)
        .collect();
    let mut taken: Vec<(u32, u32)> = Vec::new();
    while taken.len() < most {
        let free = |top: u32| taken.iter().all(|&(t, b)| top + band <= t || top >= t + b);
        let mut best: Option<(u64, u32)> = None;
        let mut sum: u64 = rows[..band as usize].iter().sum();
        for top in 0..=(h - band) {
            if top > 0 {
                sum += rows[(top + band - 1) as usize];
                sum -= rows[(top - 1) as usize];
            }
            if sum > 0 && free(top) && best.is_none_or(|(s, _)| sum > s) {
                best = Some((sum, top));
            }
        }
        match best {
            Some((_, top)) => taken.push((top, band)),
            None => break,
        }
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installed() -> Vec<String> {
        ["deu", "eng", "fra", "ita", "por", "spa"]
            .map(str::to_owned)
            .to_vec()
    }

    #[test]
    fn settings_parse_into_candidates_and_a_fallback() {
        let all = Auto::parse("auto", &installed()).expect("auto");
        assert_eq!(all.candidates, installed());
        assert_eq!(all.fallback, "eng");
        let some = Auto::parse("auto:fra+deu", &installed()).expect("list");
        assert_eq!(some.candidates, ["fra", "deu"]);
        assert_eq!(some.fallback, "fra+deu");
        assert_eq!(Auto::parse("fra", &installed()), None);
        assert_eq!(Auto::parse("autox", &installed()), None);
    }

    #[test]
    fn clear_text_is_guessed_and_scraps_fall_back() {
        let auto = Auto::parse("auto", &installed()).expect("auto");
        let fr = auto.guess(
            "Le petit chaperon rouge traversait la forêt pour porter une galette et un petit pot de beurre à sa grand-mère",
        );
        assert_eq!((fr.language.as_str(), fr.sure), ("fra", true), "{fr:?}");
        let de = auto.guess(
            "Die Zellen der Pflanzen haben eine feste Wand, und in ihrem Inneren liegen die Chloroplasten",
        );
        assert_eq!(de.language, "deu", "{de:?}");
        let scraps = auto.guess("ee | 12 —— a,");
        assert!(!scraps.sure, "{scraps:?}");
        assert_eq!(scraps.language, "eng");
    }

    #[test]
    fn the_band_lies_on_the_ink() {
        let mut img = GrayImage::from_pixel(100, 600, image::Luma([255]));
        for y in 400..450 {
            for x in 10..90 {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
        for y in 100..110 {
            for x in 10..90 {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
        let found = bands(&img, 3);
        assert_eq!(found.len(), 2, "{found:?}");
        let (top, height) = found[0];
        assert_eq!(height, 100);
        assert!(top <= 400 && top + height >= 450, "{top}+{height}");
        let (top, _) = found[1];
        assert!(top <= 100 && top + height >= 110, "{top}+{height}");
        assert!(bands(&GrayImage::from_pixel(50, 50, image::Luma([255])), 3).is_empty());
    }
}
