//! Writing a deck as a tab-separated file for Anki's own text importer (File → Import).
//!
//! The file header tells Anki everything (separator, HTML, which column holds the note type,
//! deck, GUID and tags), so the import needs no choices. Rows use the stock note types every
//! collection has (`Basic`, `Basic (and reversed card)`, `Cloze`), and the GUID column makes a
//! second import update rather than duplicate. A text file carries no media: source images are
//! left out (use `.apkg` for those).

use std::io::Write;
use std::path::Path;

use crate::error::{ExportError, Result};
use crate::model::Deck;
use crate::note;
use crate::summary::{ExportSummary, nothing_to_write};

/// Writes `deck` to `path` as Anki-importable TSV, replacing an existing file only once the new
/// one is complete.
pub fn write_csv(deck: &Deck, path: &Path) -> Result<ExportSummary> {
    let notes = note::prepare(deck, None, false);
    if notes.notes.is_empty() {
        return Err(nothing_to_write(deck, notes));
    }
    crate::atomic::write_with(path, |file| {
        let io = |e: std::io::Error| ExportError::io(path, e);
        let mut out = std::io::BufWriter::new(file);
        out.write_all(
            b"#separator:tab\n#html:true\n#notetype column:1\n#deck column:2\n#guid column:3\n#tags column:6\n",
        )
        .map_err(io)?;
        {
            let mut rows = ::csv::WriterBuilder::new()
                .delimiter(b'\t')
                .has_headers(false)
                .from_writer(&mut out);
            for n in &notes.notes {
                let tags = n.tags.join(" ");
                rows.write_record([
                    n.note_type.stock,
                    deck.name(),
                    n.guid.as_str(),
                    n.fields[0].as_str(),
                    n.fields[1].as_str(),
                    tags.as_str(),
                ])
                .map_err(|e| io(e.into()))?;
            }
            rows.flush().map_err(io)?;
        }
        out.flush().map_err(io)
    })?;
    Ok(ExportSummary::of(notes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Card;

    #[test]
    fn header_then_one_row_per_note() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("deck.txt");
        let deck = Deck::new(
            "Langues::Français",
            vec![
                Card::reversed("la cellule", "the cell").with_tags(["fr vocab"]),
                Card::cloze("a\t{{c1::b}}", "x"),
            ],
        )
        .expect("deck");
        let summary = write_csv(&deck, &path).expect("written");
        assert_eq!((summary.notes, summary.cards), (2, 3));
        let text = std::fs::read_to_string(&path).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "#separator:tab");
        assert_eq!(lines.len(), 8, "{text}");
        let guid = deck.cards[0].guid();
        assert_eq!(
            lines[6],
            format!(
                "Basic (and reversed card)\tLangues::Français\t{guid}\tla cellule\tthe cell\tfr_vocab"
            )
        );
        // A tab inside a field is quoted, not a column break.
        assert!(lines[7].contains("\"a\t{{c1::b}}\""), "{}", lines[7]);
    }
}
