//! Plain card text to Anki field HTML: escaped, line breaks kept, `$…$` maths for MathJax, cloze
//! markers left working.

use std::collections::BTreeSet;

/// Escapes what HTML text gives meaning to (`&`, `<`, `>`), so text shows as text and never as
/// markup. Quotes stay as they are, so Anki's searches (`front:l'assiette`) find them.
pub fn escape(text: &str) -> String {
    escape_with(text, false)
}

/// Escapes text for a double-quoted HTML attribute value: as [`escape`], and `"` too.
pub fn attr(text: &str) -> String {
    escape_with(text, true)
}

fn escape_with(text: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A piece of card text: prose, or maths in line or on its own line.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(String),
    Inline(&'a str),
    Display(&'a str),
}

/// Splits text at `$$…$$` and `$…$` maths. As in Pandoc, an inline opening `$` must be followed
/// by a non-space and the closing one preceded by a non-space and not followed by a digit, so
/// prices such as "$5 and $10" stay text; `\$` is a literal dollar sign.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'$') {
            plain.push('$');
            i += 2;
            continue;
        }
        if bytes[i] == b'$' {
            if bytes.get(i + 1) == Some(&b'$') {
                if let Some(end) = text[i + 2..].find("$$") {
                    let inner = &text[i + 2..i + 2 + end];
                    if !inner.trim().is_empty() {
                        out.push(Piece::Text(std::mem::take(&mut plain)));
                        out.push(Piece::Display(inner));
                        i += 2 + end + 2;
                        continue;
                    }
                }
            } else if let Some(end) = inline_end(bytes, i) {
                out.push(Piece::Text(std::mem::take(&mut plain)));
                out.push(Piece::Inline(&text[i + 1..end]));
                i = end + 1;
                continue;
            }
        }
        // Copy one whole character.
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        plain.push_str(&text[i..i + len]);
        i += len;
    }
    out.push(Piece::Text(plain));
    out.retain(|p| !matches!(p, Piece::Text(t) if t.is_empty()));
    out
}

/// Where the inline maths opened at `start` closes, if it does on the same line.
fn inline_end(bytes: &[u8], start: usize) -> Option<usize> {
    let first = *bytes.get(start + 1)?;
    if first.is_ascii_whitespace() || first == b'$' {
        return None;
    }
    let mut j = start + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\n' => return None,
            b'\\' => j += 1,
            b'$' => {
                let closes = !bytes[j - 1].is_ascii_whitespace()
                    && !bytes.get(j + 1).is_some_and(u8::is_ascii_digit);
                return closes.then_some(j);
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// Turns plain card text into field HTML: escaped, newlines as `<br>`, maths as `\(…\)` and
/// `\[…\]`. Cloze markers (`{{c1::…}}`) contain nothing that needs escaping and pass through.
pub fn field(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len() + 16);
    for piece in pieces(&text) {
        match piece {
            Piece::Text(t) => out.push_str(&escape(&t).replace('\n', "<br>")),
            Piece::Inline(m) => {
                out.push_str("\\(");
                out.push_str(&escape(m));
                out.push_str("\\)");
            }
            Piece::Display(m) => {
                out.push_str("\\[");
                out.push_str(&escape(m.trim()));
                out.push_str("\\]");
            }
        }
    }
    out
}

/// The cloze numbers used in a text (`{{c1::…}}` gives 1), each once, in order; a number past
/// `u32::MAX` counts as `u32::MAX`, so it is never lost to an overflow.
pub fn cloze_numbers(text: &str) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("{{c") {
        rest = &rest[at + 3..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && rest[digits.len()..].starts_with("::") {
            let closed = rest[digits.len() + 2..].contains("}}");
            let n = digits.parse::<u32>().unwrap_or(u32::MAX);
            if closed && n >= 1 {
                out.insert(n);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_shows_as_text() {
        assert_eq!(
            field("<script>alert('x')</script> & <b>"),
            "&lt;script&gt;alert('x')&lt;/script&gt; &amp; &lt;b&gt;"
        );
        assert_eq!(field("a \"quote\"\nnext line"), "a \"quote\"<br>next line");
        assert_eq!(field("l'assiette"), "l'assiette");
        assert_eq!(
            attr("a \"b\" <c> & d'e"),
            "a &quot;b&quot; &lt;c&gt; &amp; d'e"
        );
        assert_eq!(field("déjà vu — 日本語"), "déjà vu — 日本語");
    }

    #[test]
    fn maths_becomes_mathjax() {
        assert_eq!(field("Area: $\\pi r^2$."), "Area: \\(\\pi r^2\\).");
        assert_eq!(field("$$\\int_0^1 x\\,dx$$"), "\\[\\int_0^1 x\\,dx\\]");
        assert_eq!(field("$a<b$"), "\\(a&lt;b\\)");
        assert_eq!(
            field("$$ x $$ and $y$"),
            "\\[x\\] and \\(y\\)",
            "display then inline"
        );
    }

    #[test]
    fn prices_and_escaped_dollars_stay_text() {
        assert_eq!(field("It costs $5 and $10."), "It costs $5 and $10.");
        assert_eq!(field("\\$x\\$"), "$x$");
        assert_eq!(field("a $ b $ c"), "a $ b $ c");
        assert_eq!(field("one $ alone"), "one $ alone");
    }

    #[test]
    fn cloze_markers_survive_escaping() {
        let html = field("The {{c1::<mitochondrion>}} makes {{c2::ATP::energy}} & $x$.");
        assert_eq!(
            html,
            "The {{c1::&lt;mitochondrion&gt;}} makes {{c2::ATP::energy}} &amp; \\(x\\)."
        );
        assert_eq!(cloze_numbers(&html).into_iter().collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn cloze_numbers_need_a_whole_marker() {
        assert!(cloze_numbers("{{c1:: open").is_empty());
        assert!(cloze_numbers("{{c::x}}").is_empty());
        assert!(cloze_numbers("{{c0::x}}").is_empty());
        assert_eq!(cloze_numbers("{{c3::a}} {{c3::b}} {{c12::c}}").len(), 2);
    }
}
