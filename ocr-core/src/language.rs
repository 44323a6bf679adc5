//! Tesseract languages: which are installed, and the right code for a language given another way
//! (`fr`, `fre`, `french`), so a missing one is named with what to type and what to install.

use std::path::{Path, PathBuf};

use crate::error::{OcrError, Result};

/// Tesseract codes by ISO 639-1 code, ISO 639-2/B code and English name, with the name.
const ALIASES: &[(&str, &[&str], &str)] = &[
    ("afr", &["af", "afrikaans"], "Afrikaans"),
    ("ara", &["ar", "arabic"], "Arabic"),
    ("bul", &["bg", "bulgarian"], "Bulgarian"),
    ("cat", &["ca", "catalan"], "Catalan"),
    ("ces", &["cs", "cze", "czech"], "Czech"),
    (
        "chi_sim",
        &["zh", "chi", "chinese", "zh-cn", "zh_cn"],
        "Chinese (simplified)",
    ),
    ("chi_tra", &["zh-tw", "zh_tw"], "Chinese (traditional)"),
    ("cym", &["cy", "wel", "welsh"], "Welsh"),
    ("dan", &["da", "danish"], "Danish"),
    ("deu", &["de", "ger", "german"], "German"),
    ("ell", &["el", "gre", "greek"], "Greek"),
    ("eng", &["en", "english"], "English"),
    ("epo", &["eo", "esperanto"], "Esperanto"),
    ("est", &["et", "estonian"], "Estonian"),
    ("eus", &["eu", "baq", "basque"], "Basque"),
    ("fas", &["fa", "per", "persian"], "Persian"),
    ("fin", &["fi", "finnish"], "Finnish"),
    ("fra", &["fr", "fre", "french"], "French"),
    ("gle", &["ga", "irish"], "Irish"),
    ("glg", &["gl", "galician"], "Galician"),
    ("heb", &["he", "hebrew"], "Hebrew"),
    ("hin", &["hi", "hindi"], "Hindi"),
    ("hrv", &["hr", "croatian"], "Croatian"),
    ("hun", &["hu", "hungarian"], "Hungarian"),
    ("ind", &["id", "indonesian"], "Indonesian"),
    ("isl", &["is", "ice", "icelandic"], "Icelandic"),
    ("ita", &["it", "italian"], "Italian"),
    ("jpn", &["ja", "japanese"], "Japanese"),
    ("kor", &["ko", "korean"], "Korean"),
    ("lat", &["la", "latin"], "Latin"),
    ("lav", &["lv", "latvian"], "Latvian"),
    ("lit", &["lt", "lithuanian"], "Lithuanian"),
    ("nld", &["nl", "dut", "dutch"], "Dutch"),
    ("nor", &["no", "nb", "nn", "norwegian"], "Norwegian"),
    ("pol", &["pl", "polish"], "Polish"),
    ("por", &["pt", "portuguese"], "Portuguese"),
    ("ron", &["ro", "rum", "romanian"], "Romanian"),
    ("rus", &["ru", "russian"], "Russian"),
    ("slk", &["sk", "slo", "slovak"], "Slovak"),
    ("slv", &["sl", "slovenian"], "Slovenian"),
    ("spa", &["es", "spanish"], "Spanish"),
    ("sqi", &["sq", "alb", "albanian"], "Albanian"),
    ("srp", &["sr", "serbian"], "Serbian"),
    ("swe", &["sv", "swedish"], "Swedish"),
    ("tha", &["th", "thai"], "Thai"),
    ("tur", &["tr", "turkish"], "Turkish"),
    ("ukr", &["uk", "ukrainian"], "Ukrainian"),
    ("vie", &["vi", "vietnamese"], "Vietnamese"),
];

/// The Tesseract code meant by `code` when it is another common way of naming a language (`fr`,
/// `fre`, `French`), with the language's name; `None` when it is already a Tesseract code or
/// unknown.
fn suggestion(code: &str) -> Option<(&'static str, &'static str)> {
    let lower = code.to_ascii_lowercase();
    ALIASES
        .iter()
        .find(|(tess, aliases, _)| *tess != lower && aliases.contains(&lower.as_str()))
        .map(|(tess, _, name)| (*tess, *name))
}

/// The folder Tesseract reads its traineddata from: `tessdata`, else `TESSDATA_PREFIX`, else the
/// first of Debian's folders that exists. `None` when none can be found (Tesseract may still
/// know one built in).
pub fn data_folder(tessdata: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = tessdata {
        return Some(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("TESSDATA_PREFIX").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    [
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|d| d.is_dir())
}

/// The languages installed in a traineddata folder (`osd` aside), sorted.
pub fn installed(folder: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".traineddata")
                .filter(|n| *n != "osd")
                .map(str::to_owned)
        })
        .collect();
    found.sort();
    found
}

/// Checks a language setting: `auto` or `auto:LIST` (see [`crate::Auto`]) by its candidates
/// and fallback, anything else by whether each of its languages is installed. Gives the `auto` setting when it is one.
pub fn check_setting(lang: &str, tessdata: Option<&Path>) -> Result<Option<crate::guess::Auto>> {
    if !crate::guess::is_auto(lang) {
        return check_installed(lang, tessdata).map(|()| None);
    }
    let have = data_folder(tessdata)
        .map(|f| installed(&f))
        .unwrap_or_default();
    let auto = crate::guess::Auto::parse(lang, &have)
        .ok_or_else(|| OcrError::InvalidLanguage(lang.to_owned()))?;
    check_installed(&auto.fallback, tessdata)?;
    for code in &auto.candidates {
        check_installed(code, tessdata)?;
    }
    Ok(Some(auto))
}

/// Checks that every language of a `+`-joined Tesseract language string is installed, when the
/// traineddata folder can be found; a missing one is an error that names the code to use and the
/// Debian package to install.
fn check_installed(lang: &str, tessdata: Option<&Path>) -> Result<()> {
    crate::engine::validate_language(lang)?;
    let Some(folder) = data_folder(tessdata).filter(|f| f.is_dir()) else {
        return Ok(());
    };
    let have = installed(&folder);
    for code in lang.split('+') {
        if have.iter().any(|h| h == code) {
            continue;
        }
        let hint = match suggestion(code) {
            Some((right, name)) if have.iter().any(|h| h == right) => {
                format!("did you mean '{right}' ({name})? It is installed")
            }
            Some((right, name)) => format!(
                "did you mean '{right}' ({name})? Debian: apt-get install tesseract-ocr-{}",
                right.replace('_', "-")
            ),
            None => format!(
                "Debian: apt-get install tesseract-ocr-{} if Tesseract has it",
                code.replace('_', "-")
            ),
        };
        return Err(OcrError::MissingLanguage {
            code: code.to_owned(),
            folder,
            hint,
            installed: have.join(", "),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_names_point_to_tesseract_codes() {
        assert_eq!(suggestion("fr"), Some(("fra", "French")));
        assert_eq!(suggestion("GER"), Some(("deu", "German")));
        assert_eq!(suggestion("english"), Some(("eng", "English")));
        assert_eq!(suggestion("zh"), Some(("chi_sim", "Chinese (simplified)")));
        assert_eq!(suggestion("fra"), None);
        assert_eq!(suggestion("xx"), None);
    }

    #[test]
    fn a_missing_language_names_the_code_and_the_package() {
        let dir = tempfile::tempdir().expect("tempdir");
        for l in ["eng", "fra", "osd"] {
            std::fs::write(dir.path().join(format!("{l}.traineddata")), b"x").expect("write");
        }
        assert_eq!(installed(dir.path()), ["eng", "fra"]);
        assert!(check_installed("eng+fra", Some(dir.path())).is_ok());
        let e = check_installed("eng+fr", Some(dir.path())).expect_err("fr is not a code");
        let msg = e.to_string();
        assert!(
            msg.contains("'fr'") && msg.contains("did you mean 'fra' (French)? It is installed"),
            "{msg}"
        );
        let e = check_installed("de", Some(dir.path())).expect_err("deu is missing");
        assert!(
            e.to_string().contains("apt-get install tesseract-ocr-deu"),
            "{e}"
        );
        let e = check_installed("klingon", Some(dir.path())).expect_err("unknown");
        assert!(e.to_string().contains("installed: eng, fra"), "{e}");
        assert!(!e.to_string().contains('\n'), "one line: {e}");
    }
}
