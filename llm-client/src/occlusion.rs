//! Image occlusion cards from a page's labels: one note per labelled diagram, one deletion per
//! label, made from the page's layout (no model), so every mask lies on words of the page.

use anki_export::{Card, Mask};

use crate::request::{CardOptions, Document};

/// The occlusion card of a document that is a labelled diagram with an image, else `None`.
pub fn occlusion_card(doc: &Document, options: &CardOptions) -> Option<Card> {
    let image = doc.image.as_ref()?;
    if doc.labels.is_empty() {
        return None;
    }
    let masks: Vec<Mask> = doc
        .labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            // Tesseract's word boxes hold the letters with a pixel or two to spare: the mask is
            // their union as it is.
            let b = label.bbox;
            Mask {
                region: [b.x, b.y, b.width, b.height],
                label: label.text.clone(),
                cloze: i as u32 + 1,
            }
        })
        .collect();
    let labels: Vec<&str> = doc.labels.iter().map(|l| l.text.as_str()).collect();
    let mut card = Card::occlusion(image.clone(), masks).with_tags(options.tags.iter().cloned());
    let id = anki_export::card_id(
        &anki_export::page_digest(&doc.text),
        &labels.join("\n"),
        card.kind.name(),
        &card.kind.identity_fields(),
    );
    card.id = Some(id);
    Some(card)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anki_export::CardKind;
    use ocr_core::{BBox, Label};

    #[test]
    fn one_mask_per_label_numbered_in_order() {
        let mut doc = Document::from_text("cell.png", "Nucleus\nVacuole\nCell wall");
        assert!(
            occlusion_card(&doc, &CardOptions::default()).is_none(),
            "no image"
        );
        doc.image = Some("cell.png".into());
        assert!(
            occlusion_card(&doc, &CardOptions::default()).is_none(),
            "no labels"
        );
        doc.labels = ["Nucleus", "Vacuole", "Cell wall"]
            .iter()
            .enumerate()
            .map(|(i, t)| Label {
                text: (*t).into(),
                bbox: BBox::new(100 * i as u32, 50, 80, 32),
                confidence: 90.0,
            })
            .collect();
        let card = occlusion_card(&doc, &CardOptions::default()).expect("a card");
        let CardKind::Occlusion { masks, image, .. } = &card.kind else {
            panic!("{card:?}")
        };
        assert_eq!(image.to_str(), Some("cell.png"));
        assert_eq!(masks.len(), 3);
        assert_eq!(masks[2].label, "Cell wall");
        assert_eq!(masks[2].cloze, 3);
        assert_eq!(masks[1].region, [100, 50, 80, 32]);
        card.validate(1).expect("valid");
        // The same page gives the same card, with the same id.
        assert_eq!(occlusion_card(&doc, &CardOptions::default()), Some(card));
    }
}
