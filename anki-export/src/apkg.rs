//! Writing a deck as an Anki package (`.apkg`) through genanki-rs.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::UNIX_EPOCH;

use genanki_rs::{Field, Model, ModelType, Package, Template};

use crate::error::{ExportError, Result};
use crate::identity::stable_id;
use crate::model::Deck;
use crate::note;
use crate::notetype::{IMAGE_OCCLUSION_STOCK_KIND, NoteType};
use crate::summary::{ExportOptions, ExportSummary, FIXED_TIME, nothing_to_write};

fn model(t: &NoteType) -> Model {
    // Image occlusion's fields carry their role (their index), as in Anki's own note type; all
    // but Comments may not be deleted.
    let fields = t
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| match t.occlusion {
            true => Field::new(f).tag(i as u32, i < 4),
            false => Field::new(f),
        })
        .collect();
    let templates = t
        .templates
        .iter()
        .map(|tpl| Template::new(tpl.name).qfmt(&tpl.front).afmt(&tpl.back))
        .collect();
    let model = Model::new(t.id(), t.name, fields, templates)
        .css(t.css())
        .model_type(if t.cloze {
            ModelType::Cloze
        } else {
            ModelType::FrontBack
        });
    match t.occlusion {
        true => model.original_stock_kind(IMAGE_OCCLUSION_STOCK_KIND),
        false => model,
    }
}

/// Writes `deck` to `path` as an `.apkg`. The file appears only once complete; an existing file
/// is replaced then, and kept if anything fails. Cards that cannot be exported are listed in the
/// summary; if none can, nothing is written.
pub fn write_apkg(deck: &Deck, path: &Path, options: &ExportOptions) -> Result<ExportSummary> {
    // Every temporary file (the media staged for genanki-rs, its database) goes beside the
    // file the package replaces, never in $TMPDIR, and is removed on every path out of here.
    let target = crate::atomic::target(path)?;
    let folder = crate::atomic::folder_of(&target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.media."))
        .tempdir_in(folder)
        .map_err(|e| ExportError::io(path, e))?;
    // genanki-rs takes media as files and names them by file name: each image goes to the
    // staging folder as soon as it is made, so only one is held in memory at a time.
    let mut media_paths = Vec::new();
    let notes = note::prepare_streaming(deck, options.media_base.as_deref(), &mut |m| {
        let p = staging.path().join(&m.name);
        std::fs::write(&p, &m.bytes).map_err(|e| ExportError::io(path, e))?;
        media_paths.push(p.to_string_lossy().into_owned());
        Ok(())
    })?;
    if notes.notes.is_empty() {
        return Err(nothing_to_write(deck, notes));
    }
    let package_error = |e: genanki_rs::Error| ExportError::Package {
        path: path.to_owned(),
        message: e.to_string(),
    };

    let models: BTreeMap<&str, Model> =
        NoteType::all().iter().map(|t| (t.name, model(t))).collect();
    let mut anki_deck = genanki_rs::Deck::new(stable_id("deck", deck.name()), deck.name(), "");
    for n in &notes.notes {
        let model = models[n.note_type.name].clone();
        let fields: Vec<&str> = n.fields.iter().map(String::as_str).collect();
        let tags: Vec<&str> = n.tags.iter().map(String::as_str).collect();
        let note =
            genanki_rs::Note::new_with_options(model, fields, None, Some(tags), Some(&n.guid))
                .map_err(package_error)?;
        anki_deck.add_note(note);
    }

    let media: Vec<&str> = media_paths.iter().map(String::as_str).collect();
    let mut package = Package::new(vec![anki_deck], media)
        .map_err(package_error)?
        .temp_dir(staging.path());
    let stamp = options
        .modified
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(FIXED_TIME, |d| d.as_secs() as f64);
    crate::atomic::write_with(path, |file| {
        package.write_timestamp(file, stamp).map_err(package_error)
    })?;

    Ok(ExportSummary::of(notes))
}
