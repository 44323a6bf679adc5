//! Splitting long text into pieces a model can take, on paragraph boundaries where possible.

/// Splits `text` into pieces of at most `max_chars` characters: whole paragraphs (separated by
/// blank lines) packed together, a paragraph too long for one piece split between lines, and a
/// line too long split between sentences or, failing that, words.
pub fn split(text: &str, max_chars: usize) -> Vec<String> {
    let max = max_chars.max(1);
    let mut pieces = Vec::new();
    for para in paragraphs(text) {
        if chars(&para) <= max {
            pieces.push(para);
        } else {
            pieces.extend(split_units(&para, max, '\n'));
        }
    }
    pack(pieces, max, "\n\n")
}

/// Splits one piece in two halves at the paragraph (or line, or word) boundary nearest its middle;
/// `None` when it cannot be split.
pub fn halve(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    let mid = text.len() / 2;
    for sep in ["\n\n", "\n", ". ", " "] {
        let best = text
            .match_indices(sep)
            .map(|(i, _)| i)
            .filter(|&i| i > 0 && i + sep.len() < text.len())
            .min_by_key(|&i| i.abs_diff(mid));
        if let Some(i) = best {
            let (a, b) = (text[..i].trim(), text[i + sep.len()..].trim());
            let a = if sep == ". " {
                format!("{a}.")
            } else {
                a.to_owned()
            };
            if !a.is_empty() && !b.is_empty() {
                return Some((a, b.to_owned()));
            }
        }
    }
    None
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

/// Splits on `sep`, then packs; units still too long go one level finer.
fn split_units(text: &str, max: usize, sep: char) -> Vec<String> {
    let units: Vec<String> = match sep {
        '\n' => text.lines().map(str::to_owned).collect(),
        '.' => sentences(text),
        _ => text.split_whitespace().map(str::to_owned).collect(),
    };
    let mut fine = Vec::new();
    for u in units {
        if chars(&u) <= max {
            fine.push(u);
        } else {
            match sep {
                '\n' => fine.extend(split_units(&u, max, '.')),
                '.' => fine.extend(split_units(&u, max, ' ')),
                // One word longer than a piece: cut it.
                _ => {
                    let cs: Vec<char> = u.chars().collect();
                    fine.extend(cs.chunks(max).map(|c| c.iter().collect::<String>()));
                }
            }
        }
    }
    let joiner = if sep == '\n' { "\n" } else { " " };
    pack(fine, max, joiner)
}

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (n, &(i, c)) in bytes.iter().enumerate() {
        let next_is_space = bytes.get(n + 1).is_some_and(|&(_, d)| d.is_whitespace());
        if matches!(c, '.' | '!' | '?' | ';') && next_is_space {
            let end = i + c.len_utf8();
            out.push(text[start..end].trim().to_owned());
            start = end;
        }
    }
    let tail = text[start..].trim();
    if !tail.is_empty() {
        out.push(tail.to_owned());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Packs units into pieces of at most `max` characters, joined by `joiner`.
fn pack(units: Vec<String>, max: usize, joiner: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for u in units {
        if current.is_empty() {
            current = u;
        } else if chars(&current) + chars(joiner) + chars(&u) <= max {
            current.push_str(joiner);
            current.push_str(&u);
        } else {
            out.push(std::mem::replace(&mut current, u));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_piece() {
        assert_eq!(split("a\nb\n\nc\n", 100), ["a\nb\n\nc"]);
        assert!(split("  \n\n ", 100).is_empty());
    }

    #[test]
    fn paragraphs_are_kept_whole_when_they_fit() {
        let text = "one one one\none\n\ntwo two\n\nthree three three";
        let pieces = split(text, 22);
        assert_eq!(pieces, ["one one one\none", "two two", "three three three"]);
        let pieces = split(text, 30);
        assert_eq!(pieces, ["one one one\none\n\ntwo two", "three three three"]);
    }

    #[test]
    fn long_paragraphs_split_by_line_then_sentence_then_word() {
        let para = "First sentence here. Second sentence here. Third one.";
        let pieces = split(para, 25);
        assert_eq!(
            pieces,
            [
                "First sentence here.",
                "Second sentence here.",
                "Third one."
            ]
        );
        let pieces = split("abcdefghij klm", 4);
        assert!(pieces.iter().all(|p| p.chars().count() <= 4), "{pieces:?}");
        assert_eq!(pieces.concat().replace(' ', ""), "abcdefghijklm");
    }

    #[test]
    fn every_character_of_text_survives() {
        let text = "Le verre est sur la table. La poêle est chaude!\nUne ligne.\n\nFin é.";
        for max in [5, 12, 30, 1000] {
            let pieces = split(text, max);
            assert!(pieces.iter().all(|p| p.chars().count() <= max));
            let squash = |s: &str| s.split_whitespace().collect::<String>();
            assert_eq!(squash(&pieces.join(" ")), squash(text), "max {max}");
        }
    }

    #[test]
    fn halves_split_near_the_middle() {
        let (a, b) = halve("aaa\n\nbbb\nccc\n\nddd").expect("splits");
        assert_eq!((a.as_str(), b.as_str()), ("aaa\n\nbbb\nccc", "ddd"));
        let (a, b) = halve("one two three four").expect("words");
        assert_eq!((a.as_str(), b.as_str()), ("one two", "three four"));
        assert!(halve("word").is_none());
    }
}
