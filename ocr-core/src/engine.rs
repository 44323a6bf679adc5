//! The Tesseract engine: recognition into words with boxes, and orientation detection.

use std::ffi::{CStr, CString};
use std::path::Path;

use image::GrayImage;
use tesseract::{PageSegMode, Tesseract};

use crate::error::{OcrError, Result};
use crate::geometry::BBox;
use crate::guess::{Auto, LanguageGuess, MAX_BANDS, bands};
use crate::page::ReadScore;

/// How Tesseract splits the page into blocks and lines (its `--psm`); only recognition modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Psm(u8);

impl Psm {
    /// Fully automatic page segmentation, without orientation detection (psm 3).
    pub const AUTO: Psm = Psm(3);
    /// Assume a single uniform block of text (psm 6).
    pub const SINGLE_BLOCK: Psm = Psm(6);

    /// A mode from its Tesseract number; 0 (orientation only) and 2 (no OCR) are not recognition modes.
    pub fn new(n: u8) -> Option<Psm> {
        matches!(n, 1 | 3..=13).then_some(Psm(n))
    }

    /// The Tesseract number of this mode.
    pub fn number(self) -> u8 {
        self.0
    }

    fn to_tesseract(self) -> PageSegMode {
        match self.0 {
            1 => PageSegMode::PsmAutoOsd,
            4 => PageSegMode::PsmSingleColumn,
            5 => PageSegMode::PsmSingleBlockVertText,
            6 => PageSegMode::PsmSingleBlock,
            7 => PageSegMode::PsmSingleLine,
            8 => PageSegMode::PsmSingleWord,
            9 => PageSegMode::PsmCircleWord,
            10 => PageSegMode::PsmSingleChar,
            11 => PageSegMode::PsmSparseText,
            12 => PageSegMode::PsmSparseTextOsd,
            13 => PageSegMode::PsmRawLine,
            _ => PageSegMode::PsmAuto,
        }
    }
}

impl Default for Psm {
    fn default() -> Self {
        Psm::AUTO
    }
}

impl TryFrom<u8> for Psm {
    type Error = String;

    fn try_from(n: u8) -> std::result::Result<Psm, String> {
        Psm::new(n).ok_or_else(|| format!("{n} is not a recognition mode; use 1 or 3 to 13"))
    }
}

impl From<Psm> for u8 {
    fn from(psm: Psm) -> u8 {
        psm.0
    }
}

impl std::str::FromStr for Psm {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Psm, String> {
        let n: u8 = s
            .trim()
            .parse()
            .map_err(|_| format!("'{s}' is not a number"))?;
        Psm::try_from(n)
    }
}

impl std::fmt::Display for Psm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Silences Leptonica's own messages ("Error in boxClipToRectangle: box outside rectangle"),
/// which Tesseract's layout analysis sets off on ordinary pages and which read to a user as a
/// failure: what matters reaches them as this crate's errors. Once per process.
fn quiet_leptonica() {
    static DONE: std::sync::Once = std::sync::Once::new();
    DONE.call_once(|| {
        // SAFETY: sets Leptonica's global message threshold; no pointers are involved.
        unsafe {
            leptonica_sys::setMsgSeverity(leptonica_sys::L_SEVERITY_NONE as i32);
        }
    });
}

/// Makes Tesseract's OpenMP parallel regions run on the calling thread only.
///
/// Debian's libtesseract is built with OpenMP, whose worker threads spin while they wait: on a
/// busy machine that triples the wall time of a page, and a batch already keeps every core busy
/// with one engine per thread. `OMP_THREAD_LIMIT=1` would do the same, but the OpenMP runtime reads
/// it when it is loaded, before `main`; this works at run time. OpenMP keeps this setting per
/// thread, so it is made on every thread that recognises ([`Engine::new`], [`Engine::recognize`]
/// and [`Engine::detect_orientation`] call it); cheap after the first call on a thread. Returns
/// whether an OpenMP runtime was found.
pub fn limit_openmp_threads() -> bool {
    type SetLevels = extern "C" fn(libc::c_int);
    static SET: std::sync::OnceLock<Option<SetLevels>> = std::sync::OnceLock::new();
    thread_local! {
        static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    let set = SET.get_or_init(|| {
        if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
            return None; // the user chose
        }
        // SAFETY: dlsym with RTLD_DEFAULT only looks the symbol up in the loaded objects; the
        // OpenMP API function has the signature `void omp_set_max_active_levels(int)`.
        unsafe {
            let sym = libc::dlsym(libc::RTLD_DEFAULT, c"omp_set_max_active_levels".as_ptr());
            (!sym.is_null()).then(|| std::mem::transmute::<*mut libc::c_void, SetLevels>(sym))
        }
    });
    let Some(set) = set else {
        return false;
    };
    if !DONE.get() {
        set(0);
        DONE.set(true);
    }
    true
}

/// Checks a Tesseract language string such as `eng`, `fra` or `eng+deu`.
pub fn validate_language(lang: &str) -> Result<()> {
    let ok = !lang.is_empty()
        && lang.split('+').all(|code| {
            !code.is_empty()
                && code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if ok {
        Ok(())
    } else {
        Err(OcrError::InvalidLanguage(lang.to_owned()))
    }
}

/// Tesseract language codes written in the Latin alphabet, whose lowercase letters have ascenders
/// and descenders.
const LATIN_LANGUAGES: &[&str] = &[
    "afr", "cat", "ces", "cym", "dan", "deu", "eng", "enm", "epo", "est", "eus", "fin", "fra",
    "frk", "frm", "gle", "glg", "hrv", "hun", "ind", "isl", "ita", "lat", "lav", "lit", "ltz",
    "msa", "mlt", "nld", "nor", "oci", "pol", "por", "ron", "slk", "slv", "spa", "sqi", "swa",
    "swe", "tgl", "tur",
];

/// Whether every language in a Tesseract language string is written in the Latin alphabet.
pub fn latin_script(lang: &str) -> bool {
    lang.split('+').all(|code| LATIN_LANGUAGES.contains(&code))
}

/// A word as Tesseract reports it, in the pixels of the image it was given.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawWord {
    /// Tesseract's block number.
    pub block: u32,
    /// Tesseract's paragraph number within the block.
    pub paragraph: u32,
    /// Tesseract's line number within the paragraph.
    pub line: u32,
    /// The word's text.
    pub text: String,
    /// The word's box in the recognised image.
    pub bbox: BBox,
    /// Confidence, 0 to 100.
    pub confidence: f32,
}

/// One Tesseract instance for one language set; `Send`, so each worker thread can own one.
pub struct Engine {
    /// The language setting it was started with (`fra`, `eng+deu`, `auto`).
    setting: String,
    /// The handles of the language it reads in now: the setting, or with `auto` the page's guess.
    current: Handles,
    datapath: Option<String>,
    osd: Option<Osd>,
    osd_tried: bool,
    /// With `--lang auto`: the languages to choose among, and the handles already started for
    /// other languages than the current one.
    auto: Option<Auto>,
    others: Vec<Handles>,
}

/// The Tesseract handles of one language: the reader, and the sampler started when first needed.
struct Handles {
    lang: String,
    tess: Option<Tesseract>,
    sampler: Option<Sampler>,
    sampler_tried: bool,
}

impl Handles {
    fn new(lang: String, tess: Tesseract) -> Handles {
        Handles {
            lang,
            tess: Some(tess),
            sampler: None,
            sampler_tried: false,
        }
    }

    /// The sampler, started on the first call; `None` when it cannot start.
    fn sampler(&mut self, datapath: Option<&str>) -> Option<&mut Sampler> {
        if !self.sampler_tried {
            self.sampler_tried = true;
            self.sampler = Sampler::new(&self.lang, datapath);
        }
        self.sampler.as_mut()
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("lang", &self.current.lang)
            .finish()
    }
}

impl Engine {
    /// Starts Tesseract for `lang` (e.g. `fra` or `eng+deu`), with tessdata from `datapath`
    /// or Tesseract's default location.
    ///
    /// `auto` (or `auto:fra+eng`) guesses each page's language (see [`crate::Auto`]).
    pub fn new(lang: &str, datapath: Option<&Path>) -> Result<Engine> {
        let auto = crate::language::check_setting(lang, datapath)?;
        let first = auto
            .as_ref()
            .map_or(lang, |a| a.fallback.as_str())
            .to_owned();
        limit_openmp_threads();
        quiet_leptonica();
        let datapath = datapath.map(|p| p.to_string_lossy().into_owned());
        let tess = Self::start(&first, datapath.as_deref())?;
        Ok(Engine {
            setting: lang.to_owned(),
            current: Handles::new(first, tess),
            datapath,
            osd: None,
            osd_tried: false,
            auto,
            others: Vec::new(),
        })
    }

    /// The language setting this engine was started with: [`Engine::language`] unless `auto`.
    pub fn setting(&self) -> &str {
        &self.setting
    }

    /// Whether this engine chooses each page's language (`--lang auto`).
    pub fn is_auto(&self) -> bool {
        self.auto.is_some()
    }

    /// Makes `lang` the language recognition runs in, keeping the current one's handles for
    /// later; the handles of a language are started the first time it is needed.
    fn switch_to(&mut self, lang: &str) -> Result<()> {
        if lang == self.current.lang {
            return Ok(());
        }
        let next = match self.others.iter().position(|h| h.lang == lang) {
            Some(i) => self.others.swap_remove(i),
            None => Handles::new(
                lang.to_owned(),
                Self::start(lang, self.datapath.as_deref())?,
            ),
        };
        let old = std::mem::replace(&mut self.current, next);
        self.others.push(old);
        Ok(())
    }

    /// With `--lang auto`, goes back to the fallback language, in which a page is prepared
    /// and first read; otherwise does nothing.
    pub fn start_page(&mut self) -> Result<()> {
        match self.auto.as_ref().map(|a| a.fallback.clone()) {
            Some(fallback) => self.switch_to(&fallback),
            None => Ok(()),
        }
    }

    /// With `--lang auto`, guesses the language of a prepared page from a first read of its
    /// inkiest bands and switches to it; `None` (and no change) otherwise.
    pub fn choose_language(&mut self, image: &GrayImage, name: &Path) -> Option<LanguageGuess> {
        let auto = self.auto.clone()?;
        self.start_page().ok()?;
        let mut text = String::new();
        let mut guess = auto.guess(&text);
        for (top, height) in bands(image, MAX_BANDS) {
            let band = image::imageops::crop_imm(image, 0, top, image.width(), height).to_image();
            for w in self.recognize(&band, Psm::AUTO, name).unwrap_or_default() {
                text.push_str(&w.text);
                text.push(' ');
            }
            guess = auto.guess(&text);
            if guess.sure {
                break;
            }
        }
        Some(self.apply(guess, &auto.fallback))
    }

    /// With `--lang auto`, guesses the language of `text` (a page's text layer) and switches to
    /// it; `None` (and no change) otherwise.
    pub fn choose_language_of_text(&mut self, text: &str) -> Option<LanguageGuess> {
        let auto = self.auto.clone()?;
        self.start_page().ok()?;
        Some(self.apply(auto.guess(text), &auto.fallback))
    }

    /// Switches to the guessed language; if its engine cannot start, stays with the fallback
    /// and says the guess was not kept.
    fn apply(&mut self, mut guess: LanguageGuess, fallback: &str) -> LanguageGuess {
        if self.switch_to(&guess.language).is_err() {
            guess.language = fallback.to_owned();
            guess.sure = false;
        }
        guess
    }

    fn start(lang: &str, datapath: Option<&str>) -> Result<Tesseract> {
        let init_err = || OcrError::EngineInit {
            lang: lang.to_owned(),
            first: lang.split('+').next().unwrap_or(lang).to_owned(),
        };
        let tess =
            Tesseract::new_with_oem(datapath, Some(lang), tesseract::OcrEngineMode::LstmOnly)
                .map_err(|_| init_err())?;
        // Tesseract's own diagnostics go to stderr by default; our errors say what matters.
        tess.set_variable("debug_file", "/dev/null")
            .map_err(|_| init_err())
    }

    /// The language string this engine reads in (with `auto`, the current page's).
    pub fn language(&self) -> &str {
        &self.current.lang
    }

    /// Recognises a grayscale image; `name` labels errors.
    pub(crate) fn recognize(
        &mut self,
        image: &GrayImage,
        psm: Psm,
        name: &Path,
    ) -> Result<Vec<RawWord>> {
        limit_openmp_threads();
        let fail = |detail: String| OcrError::Recognition {
            path: name.to_path_buf(),
            detail,
        };
        let (w, h) = image.dimensions();
        let (wi, hi) = (
            i32::try_from(w).map_err(|_| fail("image too wide".into()))?,
            i32::try_from(h).map_err(|_| fail("image too tall".into()))?,
        );
        let tess = match self.current.tess.take() {
            Some(t) => t,
            None => Self::start(&self.current.lang, self.datapath.as_deref())?,
        };
        // The crate's builder methods consume the engine; on failure it is rebuilt next time.
        let mut tess = tess
            .set_frame(image.as_raw(), wi, hi, 1, wi)
            .map_err(|e| fail(e.to_string()))?
            .set_source_resolution(300);
        tess.set_page_seg_mode(psm.to_tesseract());
        let mut tess = tess.recognize().map_err(|e| fail(e.to_string()))?;
        let tsv = tess.get_tsv_text(0).map_err(|e| fail(e.to_string()))?;
        self.current.tess = Some(tess);
        Ok(parse_tsv(&tsv))
    }

    /// Detects how far the text is turned: the clockwise rotation (0, 90, 180, 270) that makes it
    /// upright, with Tesseract's confidence; `None` when OSD data is missing or finds no text.
    pub fn detect_orientation(&mut self, image: &GrayImage) -> Option<(u16, f32)> {
        limit_openmp_threads();
        if !self.osd_tried {
            self.osd_tried = true;
            self.osd = Osd::new(self.datapath.as_deref());
        }
        self.osd.as_mut()?.detect(image)
    }

    /// Reads a small image (a sample of a page) as one block and scores the read: words, their
    /// mean confidence and how many of them the language's dictionary knows. `None` when the
    /// reader cannot start or the read fails.
    pub fn score_read(&mut self, image: &GrayImage) -> Option<ReadScore> {
        limit_openmp_threads();
        self.current.sampler(self.datapath.as_deref())?.score(image)
    }

    /// Of these words, how many have three letters or more (and nothing but letters), and how
    /// many of those the language's dictionary knows. `None` when the reader cannot start.
    pub fn dictionary_words<'w>(
        &mut self,
        words: impl IntoIterator<Item = &'w str>,
    ) -> Option<(u32, u32)> {
        let sampler = self.current.sampler(self.datapath.as_deref())?;
        let (mut long, mut known) = (0, 0);
        for w in words {
            let core = w.trim_matches(|c: char| !c.is_alphanumeric());
            if core.chars().count() >= 3 && core.chars().all(char::is_alphabetic) {
                long += 1;
                if sampler.is_dictionary_word(core) {
                    known += 1;
                }
            }
        }
        Some((long, known))
    }
}

/// Parses Tesseract's TSV output into words.
fn parse_tsv(tsv: &str) -> Vec<RawWord> {
    tsv.lines()
        .filter_map(|row| {
            let cols: Vec<&str> = row.splitn(12, '\t').collect();
            if cols.len() != 12 || cols[0] != "5" {
                return None;
            }
            let num = |i: usize| cols[i].trim().parse::<u32>().ok();
            let text = cols[11].trim();
            if text.is_empty() {
                return None;
            }
            Some(RawWord {
                block: num(2)?,
                paragraph: num(3)?,
                line: num(4)?,
                text: text.to_owned(),
                bbox: BBox::new(num(6)?, num(7)?, num(8)?, num(9)?),
                confidence: cols[10].trim().parse::<f32>().ok()?.clamp(0.0, 100.0),
            })
        })
        .collect()
}

/// A second Tesseract handle loaded with the `osd` model, for orientation detection.
///
/// The high-level `tesseract` crate does not wrap `DetectOrientationScript`, so this talks to the
/// C API through `tesseract-sys` directly.
struct Osd(*mut tesseract_sys::TessBaseAPI);

// SAFETY: a TessBaseAPI handle may move between threads; it is only used through `&mut self`.
unsafe impl Send for Osd {}

impl Osd {
    fn new(datapath: Option<&str>) -> Option<Osd> {
        let datapath = datapath.map(CString::new).transpose().ok()?;
        let lang = c"osd";
        // SAFETY: create returns a fresh handle, owned by `Osd` and freed in Drop.
        let handle = unsafe { tesseract_sys::TessBaseAPICreate() };
        if handle.is_null() {
            return None;
        }
        let osd = Osd(handle);
        let dp = datapath.as_deref().map_or(std::ptr::null(), CStr::as_ptr);
        // SAFETY: handle is valid; the strings outlive the call.
        let rc = unsafe { tesseract_sys::TessBaseAPIInit3(osd.0, dp, lang.as_ptr()) };
        if rc != 0 {
            return None;
        }
        // SAFETY: handle is valid and initialised; both strings are NUL-terminated literals.
        unsafe {
            tesseract_sys::TessBaseAPISetVariable(
                osd.0,
                c"debug_file".as_ptr(),
                c"/dev/null".as_ptr(),
            );
        }
        Some(osd)
    }

    fn detect(&mut self, image: &GrayImage) -> Option<(u16, f32)> {
        let (w, h) = image.dimensions();
        let (w, h) = (i32::try_from(w).ok()?, i32::try_from(h).ok()?);
        let mut deg: i32 = 0;
        let mut conf: f32 = 0.0;
        let mut script: *const std::os::raw::c_char = std::ptr::null();
        let mut script_conf: f32 = 0.0;
        // SAFETY: the buffer holds h rows of w bytes and lives until after the call; the
        // out-pointers point to live locals.
        let ok = unsafe {
            tesseract_sys::TessBaseAPISetImage(self.0, image.as_raw().as_ptr(), w, h, 1, w);
            tesseract_sys::TessBaseAPISetSourceResolution(self.0, 300);
            let ok = tesseract_sys::TessBaseAPIDetectOrientationScript(
                self.0,
                &mut deg,
                &mut conf,
                &mut script,
                &mut script_conf,
            );
            tesseract_sys::TessBaseAPIClear(self.0);
            ok
        };
        if ok == 0 {
            return None;
        }
        // Tesseract reports the clockwise turn the page has undergone (a page turned a quarter
        // to the left reads 270); undoing it is the rest of the circle.
        let rotation = u16::try_from((360 - deg.rem_euclid(360)) % 360).ok()?;
        Some((rotation, conf))
    }
}

/// A third Tesseract handle in the page's languages, for scoring sample reads: the high-level crate
/// hides its handle, and the dictionary check (`IsValidWord`) needs one.
struct Sampler(*mut tesseract_sys::TessBaseAPI);

// SAFETY: a TessBaseAPI handle may move between threads; it is only used through `&mut self`.
unsafe impl Send for Sampler {}

impl Sampler {
    fn new(lang: &str, datapath: Option<&str>) -> Option<Sampler> {
        let datapath = datapath.map(CString::new).transpose().ok()?;
        let lang = CString::new(lang).ok()?;
        // SAFETY: create returns a fresh handle, owned by `Sampler` and freed in Drop.
        let handle = unsafe { tesseract_sys::TessBaseAPICreate() };
        if handle.is_null() {
            return None;
        }
        let sampler = Sampler(handle);
        let dp = datapath.as_deref().map_or(std::ptr::null(), CStr::as_ptr);
        // SAFETY: handle is valid; the strings outlive the call.
        let rc = unsafe {
            tesseract_sys::TessBaseAPIInit2(
                sampler.0,
                dp,
                lang.as_ptr(),
                tesseract_sys::TessOcrEngineMode_OEM_LSTM_ONLY,
            )
        };
        if rc != 0 {
            return None;
        }
        // SAFETY: handle is valid and initialised; both strings are NUL-terminated literals.
        unsafe {
            tesseract_sys::TessBaseAPISetVariable(
                sampler.0,
                c"debug_file".as_ptr(),
                c"/dev/null".as_ptr(),
            );
        }
        Some(sampler)
    }

    fn score(&mut self, image: &GrayImage) -> Option<ReadScore> {
        let (w, h) = image.dimensions();
        let (w, h) = (i32::try_from(w).ok()?, i32::try_from(h).ok()?);
        // SAFETY: the buffer holds h rows of w bytes and lives until after the call; the text
        // Tesseract returns is copied and then freed with its own deleter.
        let tsv = unsafe {
            tesseract_sys::TessBaseAPISetImage(self.0, image.as_raw().as_ptr(), w, h, 1, w);
            tesseract_sys::TessBaseAPISetSourceResolution(self.0, 300);
            tesseract_sys::TessBaseAPISetPageSegMode(
                self.0,
                tesseract_sys::TessPageSegMode_PSM_SINGLE_BLOCK,
            );
            if tesseract_sys::TessBaseAPIRecognize(self.0, std::ptr::null_mut()) == 0 {
                let text = tesseract_sys::TessBaseAPIGetTsvText(self.0, 0);
                let owned =
                    (!text.is_null()).then(|| CStr::from_ptr(text).to_string_lossy().into_owned());
                if !text.is_null() {
                    tesseract_sys::TessDeleteText(text);
                }
                owned
            } else {
                None
            }
        };
        let words = parse_tsv(&tsv?);
        let mut score = ReadScore::default();
        let mut sum = 0.0;
        for word in &words {
            score.words += 1;
            sum += word.confidence;
            if self.is_dictionary_word(&word.text) {
                score.dictionary += 1;
            }
        }
        // SAFETY: handle is valid; clearing drops the image and the results.
        unsafe { tesseract_sys::TessBaseAPIClear(self.0) };
        if score.words > 0 {
            score.confidence = sum / score.words as f32;
        }
        Some(score)
    }

    /// Whether a word, without the punctuation around it, has three letters or more and is in
    /// the language's dictionary.
    fn is_dictionary_word(&self, text: &str) -> bool {
        let core = text.trim_matches(|c: char| !c.is_alphanumeric());
        if core.chars().count() < 3 || !core.chars().all(char::is_alphabetic) {
            return false;
        }
        let Ok(c) = CString::new(core) else {
            return false;
        };
        // SAFETY: handle is valid and initialised; the string is NUL-terminated and outlives the call.
        unsafe { tesseract_sys::TessBaseAPIIsValidWord(self.0, c.as_ptr()) != 0 }
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        // SAFETY: the handle came from TessBaseAPICreate and is freed exactly once.
        unsafe {
            tesseract_sys::TessBaseAPIEnd(self.0);
            tesseract_sys::TessBaseAPIDelete(self.0);
        }
    }
}

impl Drop for Osd {
    fn drop(&mut self) {
        // SAFETY: the handle came from TessBaseAPICreate and is freed exactly once.
        unsafe {
            tesseract_sys::TessBaseAPIEnd(self.0);
            tesseract_sys::TessBaseAPIDelete(self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_validated() {
        for ok in ["eng", "fra", "eng+deu", "chi_sim", "eng+chi_tra"] {
            assert!(validate_language(ok).is_ok(), "{ok}");
        }
        for bad in ["", "+", "eng+", "../etc", "en g", "fra;rm"] {
            assert!(validate_language(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn psm_rejects_non_recognition_modes() {
        assert!(Psm::new(0).is_none() && Psm::new(2).is_none() && Psm::new(14).is_none());
        assert_eq!(Psm::new(6), Some(Psm::SINGLE_BLOCK));
        assert_eq!("11".parse::<Psm>().map(u8::from), Ok(11));
        assert!("2".parse::<Psm>().is_err() && "x".parse::<Psm>().is_err());
        assert_eq!(
            serde_json::to_string(&Psm::SINGLE_BLOCK).ok().as_deref(),
            Some("6")
        );
        assert!(serde_json::from_str::<Psm>("0").is_err());
    }

    #[test]
    fn tsv_rows_become_words() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t10\t5\t30\t12\t96.5\tBonjour\n\
                   5\t1\t1\t1\t1\t2\t45\t5\t20\t12\t88\t \n\
                   5\t1\t2\t1\t1\t1\t10\t30\t25\t12\t71.25\tà tous\n";
        let words = parse_tsv(tsv);
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].text, "Bonjour");
        assert_eq!(words[0].bbox, BBox::new(10, 5, 30, 12));
        assert_eq!(words[1].block, 2);
        assert_eq!(words[1].text, "à tous");
        assert!((words[1].confidence - 71.25).abs() < 1e-6);
    }
}
