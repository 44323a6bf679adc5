//! Scoring recognised text against ground truth: character and word error rates.

use unicode_normalization::UnicodeNormalization;

/// Normalises text for scoring: Unicode NFKC, typographic quotes to ASCII, dashes to `-`, every
/// run of whitespace to one space, trimmed.
pub fn normalize(text: &str) -> String {
    let mapped: String = text
        .nfkc()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => c,
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Levenshtein distance between two sequences.
fn edit_distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(x != y);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Character error rate: edit distance over the reference length, after [`normalize`].
pub fn cer(reference: &str, hypothesis: &str) -> f64 {
    let r: Vec<char> = normalize(reference).chars().collect();
    let h: Vec<char> = normalize(hypothesis).chars().collect();
    edit_distance(&r, &h) as f64 / r.len().max(1) as f64
}

/// Word error rate: word-level edit distance over the reference word count, after [`normalize`].
pub fn wer(reference: &str, hypothesis: &str) -> f64 {
    let r = normalize(reference);
    let h = normalize(hypothesis);
    let r: Vec<&str> = r.split(' ').filter(|w| !w.is_empty()).collect();
    let h: Vec<&str> = h.split(' ').filter(|w| !w.is_empty()).collect();
    edit_distance(&r, &h) as f64 / r.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_folds_quotes_dashes_space() {
        assert_eq!(
            normalize("l\u{2019}eau\u{00A0} \n – «x»\t"),
            "l'eau - \"x\""
        );
        assert_eq!(normalize("ﬁn"), "fin");
    }

    #[test]
    fn error_rates() {
        assert_eq!(cer("abcd", "abcd"), 0.0);
        assert_eq!(cer("abcd", "abxd"), 0.25);
        assert_eq!(cer("abcd", ""), 1.0);
        assert_eq!(wer("le chat noir", "le chat"), 1.0 / 3.0);
        assert_eq!(wer("a b", "a  b\n"), 0.0);
        assert_eq!(cer("Case", "case"), 0.25);
    }
}
