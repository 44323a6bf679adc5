//! The four note types the exporter writes, with their fields, templates and CSS.
//!
//! Their names carry the tool's name so that they never clash with the stock note types of a
//! user's collection (which may have other fields), and their ids derive from those names, so every
//! export lands in the same note types.

use crate::identity::stable_id;
use crate::model::CardKind;

/// Styling that reads well on desktop and on phones, in light and night mode.
#[cfg(feature = "apkg")]
pub const CSS: &str = r#".card {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK JP", "Helvetica Neue", Arial, sans-serif;
  font-size: 22px;
  line-height: 1.45;
  text-align: center;
  color: #1d1d1f;
  background-color: #fbfbfd;
  margin: 0;
  padding: 1em 0.75em;
}
.content { max-width: 38em; margin: 0 auto; overflow-wrap: anywhere; }
hr#answer { border: 0; border-top: 1px solid #c7c7cc; margin: 1em auto; max-width: 38em; }
.cloze { font-weight: 600; color: #0b57d0; }
.extra { font-size: 0.85em; color: #4a4a4f; margin-top: 0.9em; }
.source { font-size: 0.7em; color: #6e6e73; margin-top: 1.4em; }
.source .quote { margin: 0 auto 0.6em; padding: 0.2em 0.8em; border-left: 3px solid #c7c7cc; text-align: left; font-style: italic; max-width: 32em; }
.source img { display: block; margin: 0 auto 0.3em; max-width: 100%; max-height: 45vh; height: auto; border-radius: 6px; }
.nightMode.card, .night_mode .card { color: #e8e8ed; background-color: #1c1c1e; }
.nightMode .cloze, .night_mode .cloze { color: #8ab4f8; }
.nightMode .extra, .night_mode .extra { color: #c7c7cc; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #48484a; }
@media (max-width: 480px) {
  .card { font-size: 19px; padding: 0.6em 0.5em; }
}
"#;

/// Anki's own styling of its Image Occlusion note type (the mask colours its reviewer reads).
#[cfg(feature = "apkg")]
pub const OCCLUSION_CSS: &str = r#"#image-occlusion-canvas {
    --inactive-shape-color: #ffeba2;
    --active-shape-color: #ff8e8e;
    --inactive-shape-border: 1px #212121;
    --active-shape-border: 1px #212121;
    --highlight-shape-color: #ff8e8e00;
    --highlight-shape-border: 1px #ff8e8e;
}

.card {
    font-family: arial;
    font-size: 20px;
    text-align: center;
    color: black;
    background-color: white;
}
"#;

/// The stock kind Anki records for its Image Occlusion note type (`originalStockKind`).
#[cfg(feature = "apkg")]
pub const IMAGE_OCCLUSION_STOCK_KIND: i64 = 6;

/// The fields of Anki's Image Occlusion note type, in its order (their tags are their indexes).
pub const OCCLUSION_FIELDS: [&str; 5] = ["Occlusion", "Image", "Header", "Back Extra", "Comments"];

const SOURCE: &str = r#"{{#Source}}<div class="source">{{Source}}</div>{{/Source}}"#;

/// One card template: its name and the HTML of its two sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Shown in Anki's card list.
    pub name: &'static str,
    /// The question side.
    pub front: String,
    /// The answer side.
    pub back: String,
}

/// A note type: name, fields, templates, and whether it is a cloze or an image occlusion type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteType {
    /// Its name in Anki.
    pub name: &'static str,
    /// The stock note type of every collection with the same fields but Source (English names),
    /// which Anki's text importer fills.
    pub stock: &'static str,
    /// Field names, in order.
    pub fields: &'static [&'static str],
    /// One template per card a note makes (a cloze type has one for all its deletions).
    pub templates: Vec<Template>,
    /// Whether cards come from `{{cN::…}}` deletions.
    pub cloze: bool,
    /// Whether it is Anki's Image Occlusion (a cloze type whose deletions are masks).
    pub occlusion: bool,
}

impl NoteType {
    /// Front and back, one card.
    pub fn basic() -> NoteType {
        NoteType {
            name: "ocr-to-anki Basic",
            stock: "Basic",
            fields: &["Front", "Back", "Source"],
            templates: vec![side("Card 1", "Front", "Back")],
            cloze: false,
            occlusion: false,
        }
    }

    /// Front and back, one card each way.
    pub fn reversed() -> NoteType {
        NoteType {
            name: "ocr-to-anki Basic (and reversed card)",
            stock: "Basic (and reversed card)",
            fields: &["Front", "Back", "Source"],
            templates: vec![
                side("Card 1", "Front", "Back"),
                side("Card 2", "Back", "Front"),
            ],
            cloze: false,
            occlusion: false,
        }
    }

    /// A text with deletions, and an extra note under the answer.
    pub fn cloze() -> NoteType {
        NoteType {
            name: "ocr-to-anki Cloze",
            stock: "Cloze",
            fields: &["Text", "Back Extra", "Source"],
            templates: vec![Template {
                name: "Cloze",
                front: r#"<div class="content">{{cloze:Text}}</div>"#.into(),
                back: format!(
                    r#"<div class="content">{{{{cloze:Text}}}}{{{{#Back Extra}}}}<div class="extra">{{{{Back Extra}}}}</div>{{{{/Back Extra}}}}{SOURCE}</div>"#
                ),
            }],
            cloze: true,
            occlusion: false,
        }
    }

    /// Anki's own Image Occlusion: the same fields and templates, marked as its stock kind so
    /// that Anki's reviewer draws the masks and its occlusion editor opens the notes.
    pub fn occlusion() -> NoteType {
        let [occlusion, image, header, back_extra, _] = OCCLUSION_FIELDS;
        let front = format!(
            r#"{{{{#{header}}}}}<div>{{{{{header}}}}}</div>{{{{/{header}}}}}
<div style="display: none">{{{{cloze:{occlusion}}}}}</div>
<div id="err"></div>
<div id="image-occlusion-container">
    {{{{{image}}}}}
    <canvas id="image-occlusion-canvas"></canvas>
</div>
<script>
try {{
    anki.imageOcclusion.setup();
}} catch (exc) {{
    document.getElementById("err").innerHTML = `Error loading image occlusion. Is your Anki version up to date?<br><br>${{exc}}`;
}}
</script>
"#
        );
        let back = format!(
            r#"{front}
<div><button id="toggle">Toggle Masks</button></div>
{{{{#{back_extra}}}}}<div>{{{{{back_extra}}}}}</div>{{{{/{back_extra}}}}}
"#
        );
        NoteType {
            name: "ocr-to-anki Image Occlusion",
            stock: "Image Occlusion",
            fields: &OCCLUSION_FIELDS,
            templates: vec![Template {
                name: "Image Occlusion",
                front,
                back,
            }],
            cloze: true,
            occlusion: true,
        }
    }

    /// Every note type the exporter writes.
    pub fn all() -> [NoteType; 4] {
        [
            NoteType::basic(),
            NoteType::reversed(),
            NoteType::cloze(),
            NoteType::occlusion(),
        ]
    }

    /// The styling of its cards.
    #[cfg(feature = "apkg")]
    pub fn css(&self) -> &'static str {
        if self.occlusion { OCCLUSION_CSS } else { CSS }
    }

    /// The note type a card of this kind becomes.
    pub fn for_kind(kind: &CardKind) -> NoteType {
        match kind {
            CardKind::Basic { .. } => NoteType::basic(),
            CardKind::Reversed { .. } => NoteType::reversed(),
            CardKind::Cloze { .. } => NoteType::cloze(),
            CardKind::Occlusion { .. } => NoteType::occlusion(),
        }
    }

    /// Its id, the same in every export.
    pub fn id(&self) -> i64 {
        stable_id("notetype", self.name)
    }
}

fn side(name: &'static str, ask: &str, answer: &str) -> Template {
    Template {
        name,
        front: format!(r#"<div class="content">{{{{{ask}}}}}</div>"#),
        back: format!(
            r#"<div class="content">{{{{{ask}}}}}<hr id="answer">{{{{{answer}}}}}{SOURCE}</div>"#
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_name_their_fields() {
        let b = NoteType::basic();
        assert_eq!(
            b.templates[0].front,
            r#"<div class="content">{{Front}}</div>"#
        );
        assert!(b.templates[0].back.contains("{{Back}}"));
        assert!(b.templates[0].back.contains("{{#Source}}"));
        let r = NoteType::reversed();
        assert!(r.templates[1].front.contains("{{Back}}"));
        let c = NoteType::cloze();
        assert!(c.templates[0].back.contains("{{#Back Extra}}"));
        assert!(c.templates[0].front.contains("{{cloze:Text}}"));
        let o = NoteType::occlusion();
        assert!(o.templates[0].front.contains("{{cloze:Occlusion}}"));
        assert!(o.templates[0].front.contains("{{Image}}"));
        assert!(o.templates[0].back.contains("{{#Back Extra}}"));
        assert!(o.templates[0].front.contains("anki.imageOcclusion.setup()"));
    }

    #[test]
    fn ids_differ_per_type_and_stay_put() {
        let ids = NoteType::all().map(|t| t.id());
        for (i, a) in ids.iter().enumerate() {
            assert!(!ids[i + 1..].contains(a), "{ids:?}");
        }
        assert_eq!(ids[0], NoteType::basic().id());
    }
}
