//! A row of the card list: the card's kind, its two texts, editable, and the words it quotes.

use anki_export::CardKind;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{CompositeTemplate, glib};

use crate::card_object::CardObject;

mod imp {
    use std::cell::RefCell;

    use super::*;

    #[derive(Default, CompositeTemplate)]
    #[template(resource = "/io/github/OcrToAnki/ui/card_row.ui")]
    pub struct CardRow {
        #[template_child]
        pub kind: TemplateChild<gtk::DropDown>,
        #[template_child]
        pub origin: TemplateChild<gtk::Label>,
        #[template_child]
        pub first: TemplateChild<gtk::Entry>,
        #[template_child]
        pub second: TemplateChild<gtk::Entry>,
        #[template_child]
        pub quote: TemplateChild<gtk::Label>,
        #[template_child]
        pub doubt: TemplateChild<gtk::Label>,
        #[template_child]
        pub crop: TemplateChild<crate::photo_view::PhotoView>,
        pub card: RefCell<Option<CardObject>>,
        /// The page the card comes from, for the doubts that need it.
        pub page: RefCell<Option<ocr_core::Page>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for CardRow {
        const NAME: &'static str = "OtaCardRow";
        type Type = super::CardRow;
        type ParentType = gtk::ListBoxRow;

        fn class_init(klass: &mut Self::Class) {
            crate::photo_view::PhotoView::ensure_type();
            klass.bind_template();
            klass.install_action("card.delete", None, |row, _, _| {
                let index = u32::try_from(row.index()).unwrap_or(u32::MAX);
                if let Err(e) = row.activate_action("win.delete-card", Some(&index.to_variant())) {
                    glib::g_warning!("ocr-to-anki", "cannot delete the card: {e}");
                }
            });
        }

        fn instance_init(obj: &glib::subclass::InitializingObject<Self>) {
            obj.init_template();
        }
    }

    impl ObjectImpl for CardRow {}
    impl WidgetImpl for CardRow {}
    impl ListBoxRowImpl for CardRow {}
}

glib::wrapper! {
    /// Shows one card and writes every edit back into it.
    pub struct CardRow(ObjectSubclass<imp::CardRow>)
        @extends gtk::ListBoxRow, gtk::Widget,
        @implements gtk::Actionable, gtk::Buildable, gtk::ConstraintTarget;
}

impl CardRow {
    /// A row showing `card`, which comes from `page` when that is known; with the page's
    /// `picture` (a texture and the size its boxes are measured in), the card's words are shown
    /// cut from it.
    pub fn new(
        card: &CardObject,
        page: Option<ocr_core::Page>,
        picture: Option<crate::photo_view::Picture>,
    ) -> Self {
        let row: Self = glib::Object::new();
        let imp = row.imp();
        imp.card.replace(Some(card.clone()));
        imp.page.replace(page);
        if let (Some((texture, size)), Some([x, y, w, h])) = (
            picture.clone(),
            card.card().source.as_ref().and_then(|s| s.region),
        ) {
            // A little of the page around the words (a third of a line height), turned as the
            // page was turned for reading.
            let pad = w.min(h) / 3 + 4;
            let region = ocr_core::BBox::new(
                x.saturating_sub(pad),
                y.saturating_sub(pad),
                w + 2 * pad,
                h + 2 * pad,
            );
            let turn = imp
                .page
                .borrow()
                .as_ref()
                .map_or(0, |p| p.preprocessing.rotation);
            imp.crop.show_region(&texture, size, region, turn);
            imp.crop.set_visible(true);
        }
        if card.is_occlusion() {
            // Masks, not texts: the count and labels here, the masks on the image beside them
            // and on the page's photo, where a click adds or removes one.
            imp.first.set_visible(false);
            imp.second.set_visible(false);
            imp.kind.set_visible(false);
            if let (Some((texture, size)), Some(image)) = (picture, card.occlusion_image()) {
                imp.crop
                    .show_region(&texture, size, ocr_core::BBox::new(0, 0, size.0, size.1), 0);
                imp.crop.set_height_request(160);
                imp.crop.set_visible(true);
                imp.crop.set_tooltip_text(Some("The masks on the image"));
                imp.origin.set_text(&image.file_name().map_or_else(
                    || image.display().to_string(),
                    |n| n.to_string_lossy().into(),
                ));
            }
            row.show_occlusion();
            card.connect_changed(glib::clone!(
                #[weak]
                row,
                move |_| row.show_occlusion()
            ));
            return row;
        }
        let (first, second) = card.sides();
        imp.first.set_text(&first);
        imp.second.set_text(&second);
        imp.kind.set_selected(card.kind_index());
        let c = card.card();
        if let Some(source) = &c.source {
            let name = source.image.file_name().map_or_else(
                || source.image.display().to_string(),
                |n| n.to_string_lossy().into(),
            );
            imp.origin.set_text(&name);
        }
        if let Some(q) = card.quote() {
            imp.quote.set_text(&format!("“{q}”"));
            imp.quote
                .set_tooltip_text(Some("The words on the page this card is based on"));
            imp.quote.set_visible(true);
        }
        row.show_kind();

        imp.first.connect_changed(glib::clone!(
            #[weak]
            row,
            move |e| {
                row.with_card(|c| c.set_first(&e.text()));
                row.show_kind();
                row.show_doubts();
            }
        ));
        imp.second.connect_changed(glib::clone!(
            #[weak]
            row,
            move |e| {
                row.with_card(|c| c.set_second(&e.text()));
                row.show_doubts();
            }
        ));
        row.show_doubts();
        imp.kind.connect_selected_notify(glib::clone!(
            #[weak]
            row,
            move |d| {
                let to_cloze = d.selected() == 2;
                let was_cloze = row.card().is_some_and(|c| c.kind_index() == 2);
                row.with_card(|c| c.set_kind_index(d.selected()));
                if to_cloze && !was_cloze {
                    row.make_cloze();
                }
                row.show_kind();
            }
        ));
        // Ctrl+Shift+C makes the selected words a gap, as in Anki's editor.
        let keys = gtk::EventControllerKey::new();
        keys.set_propagation_phase(gtk::PropagationPhase::Capture);
        keys.connect_key_pressed(glib::clone!(
            #[weak]
            row,
            #[upgrade_or]
            glib::Propagation::Proceed,
            move |_, key, _, modifiers| {
                let wanted =
                    gtk::gdk::ModifierType::CONTROL_MASK | gtk::gdk::ModifierType::SHIFT_MASK;
                if modifiers == wanted && matches!(key, gtk::gdk::Key::C | gtk::gdk::Key::c) {
                    row.gap_selection();
                    return glib::Propagation::Stop;
                }
                glib::Propagation::Proceed
            }
        ));
        imp.first.add_controller(keys);
        row
    }

    /// The card this row shows.
    pub fn card(&self) -> Option<CardObject> {
        self.imp().card.borrow().clone()
    }

    fn with_card(&self, f: impl FnOnce(&CardObject)) {
        if let Some(c) = self.card() {
            f(&c);
        }
    }

    /// Turns the texts of a card just switched to cloze into a cloze: the selected words become
    /// the gap; with none selected, the front becomes the gap and the back its hint.
    fn make_cloze(&self) {
        let imp = self.imp();
        let text = imp.first.text().to_string();
        if text.contains("{{c") {
            return;
        }
        if imp.first.selection_bounds().is_some() {
            self.gap_selection();
            return;
        }
        let back = imp.second.text().trim().to_owned();
        if text.trim().is_empty() {
            return;
        }
        let cloze = if back.is_empty() {
            format!("{{{{c1::{}}}}}", text.trim())
        } else {
            format!("{{{{c1::{}}}}} — {back}", text.trim())
        };
        imp.first.set_text(&cloze);
        if !back.is_empty() {
            imp.second.set_text("");
        }
    }

    /// Makes the words selected in the first text the next gap, `{{cN::…}}`.
    fn gap_selection(&self) {
        let imp = self.imp();
        let Some((start, end)) = imp.first.selection_bounds() else {
            return;
        };
        let text = imp.first.text().to_string();
        let chars: Vec<char> = text.chars().collect();
        let (start, end) = (
            start.max(0) as usize,
            (end.max(0) as usize).min(chars.len()),
        );
        if start >= end {
            return;
        }
        let next = 1
            + (1..=99)
                .rev()
                .find(|n| text.contains(&format!("{{{{c{n}::")))
                .unwrap_or(0);
        let before: String = chars[..start].iter().collect();
        let inside: String = chars[start..end].iter().collect();
        let after: String = chars[end..].iter().collect();
        imp.first
            .set_text(&format!("{before}{{{{c{next}::{inside}}}}}{after}"));
        if imp.kind.selected() != 2 {
            imp.kind.set_selected(2);
        }
    }

    /// Marks the card when it may be wrong, saying why.
    fn show_doubts(&self) {
        let Some(card) = self.card() else { return };
        let imp = self.imp();
        let doubts = llm_client::doubts(&card.card(), imp.page.borrow().as_ref());
        if let Some(first) = doubts.first() {
            imp.doubt.set_text(&format!("Check: {first}"));
            let all: Vec<&str> = doubts.iter().map(|d| d.describe()).collect();
            imp.doubt
                .set_tooltip_text(Some(&format!("Check this card: {}", all.join("; "))));
            imp.doubt.set_visible(true);
            self.add_css_class("doubtful");
        } else {
            imp.doubt.set_visible(false);
            self.remove_css_class("doubtful");
        }
    }

    /// The doubt shown, if any (for tests).
    #[cfg(test)]
    pub fn doubt_shown(&self) -> Option<String> {
        let label = &self.imp().doubt;
        label.is_visible().then(|| label.text().into())
    }

    /// Shows an occlusion card's masks: their count and labels, and the masks on its image.
    fn show_occlusion(&self) {
        let Some(card) = self.card() else { return };
        let imp = self.imp();
        let masks = card.masks();
        let cards = card.card().kind.card_count();
        let labels: Vec<&str> = masks
            .iter()
            .map(|m| m.label.as_str())
            .filter(|l| !l.is_empty())
            .collect();
        let count = match (masks.len(), cards) {
            (0, _) => "Image occlusion with no mask: click words on the photo to hide them".into(),
            (1, _) => "Image occlusion · 1 mask".to_owned(),
            (m, n) if m == n => format!("Image occlusion · {m} masks, {n} cards"),
            (m, n) => format!("Image occlusion · {m} masks in {n} cards"),
        };
        imp.quote.set_text(&if labels.is_empty() {
            count
        } else {
            format!("{count}: {}", labels.join(", "))
        });
        imp.quote.set_visible(true);
        imp.crop.set_masks(
            masks
                .iter()
                .map(|m| {
                    let [x, y, w, h] = m.region;
                    ocr_core::BBox::new(x, y, w, h)
                })
                .collect(),
        );
        if masks.is_empty() {
            self.add_css_class("doubtful");
        } else {
            self.remove_css_class("doubtful");
        }
    }

    /// The summary line of the card (for tests).
    #[cfg(test)]
    pub fn summary_shown(&self) -> Option<String> {
        let label = &self.imp().quote;
        label.is_visible().then(|| label.text().into())
    }

    /// Labels the two texts for the card's kind, and marks what would stop the export.
    fn show_kind(&self) {
        let Some(card) = self.card() else { return };
        let imp = self.imp();
        let cloze = matches!(card.card().kind, CardKind::Cloze { .. });
        let (a, b) = if cloze {
            ("Text with {{c1::gaps}}", "Extra (optional)")
        } else {
            ("Front", "Back")
        };
        imp.first.set_placeholder_text(Some(a));
        imp.second.set_placeholder_text(Some(b));

        let text = imp.first.text();
        let problem = if text.trim().is_empty() {
            Some("This side is empty: the card cannot be exported")
        } else if cloze && !text.contains("{{c") {
            Some("A cloze card needs a gap such as {{c1::word}}")
        } else {
            None
        };
        if problem.is_some() {
            imp.first.add_css_class("error");
        } else {
            imp.first.remove_css_class("error");
        }
        imp.first.set_tooltip_text(problem);
    }

    /// The entry of the first text (for tests).
    #[cfg(test)]
    pub fn first_entry(&self) -> gtk::Entry {
        self.imp().first.get()
    }

    /// The kind menu (for tests).
    #[cfg(test)]
    pub fn kind_menu(&self) -> gtk::DropDown {
        self.imp().kind.get()
    }

    /// The crop of the page (for tests).
    #[cfg(test)]
    pub fn crop(&self) -> crate::photo_view::PhotoView {
        self.imp().crop.get()
    }

    /// The quote label (for tests).
    #[cfg(test)]
    pub fn quote_label(&self) -> gtk::Label {
        self.imp().quote.get()
    }
}

#[cfg(test)]
mod tests {
    use anki_export::Card;

    use super::*;

    #[test]
    fn edits_reach_the_card_and_cloze_without_gap_is_marked() {
        crate::tests::with_display(|| {
            crate::register_resources();
            let mut card =
                Card::basic("le four", "the oven").with_source("page.jpg", Some([1, 2, 3, 4]));
            if let Some(s) = card.source.as_mut() {
                s.quote = Some("le four - the oven".into());
            }
            let obj = CardObject::new(card);
            let row = CardRow::new(&obj, None, None);
            assert!(row.quote_label().is_visible());
            assert_eq!(row.quote_label().text(), "“le four - the oven”");
            row.first_entry().set_text("la cuillère");
            assert_eq!(obj.sides().0, "la cuillère");
            row.kind_menu().set_selected(2);
            assert_eq!(obj.card().kind.name(), "cloze");
            // The switch made a gap of the front; a cloze text without one is marked.
            assert_eq!(obj.sides().0, "{{c1::la cuillère}} — the oven");
            row.first_entry().set_text("la cuillère");
            assert!(row.first_entry().has_css_class("error"));
            row.first_entry().set_text("la {{c1::cuillère}}");
            assert!(!row.first_entry().has_css_class("error"));
            assert_eq!(obj.card().source.and_then(|s| s.region), Some([1, 2, 3, 4]));
        });
    }

    #[test]
    fn a_card_that_looks_like_junk_is_marked_until_it_is_corrected() {
        crate::tests::with_display(|| {
            crate::register_resources();
            let obj = CardObject::new(Card::basic("Eee)", "Organisation d'un amphithéâtre"));
            let row = CardRow::new(&obj, None, None);
            let shown = row.doubt_shown().expect("marked");
            assert!(shown.contains("stray marks"), "{shown}");
            assert!(row.has_css_class("doubtful"));
            row.first_entry().set_text("l'amphithéâtre");
            assert_eq!(row.doubt_shown(), None);
            assert!(!row.has_css_class("doubtful"));
            let good = CardRow::new(
                &CardObject::new(Card::basic("le four", "the oven")),
                None,
                None,
            );
            assert_eq!(good.doubt_shown(), None);
        });
    }

    #[test]
    fn switching_to_cloze_makes_a_gap_and_the_shortcut_gaps_the_selection() {
        crate::tests::with_display(|| {
            crate::register_resources();
            // Front and back: the front becomes the gap, the back its hint.
            let obj = CardObject::new(Card::basic("la poêle", "the pan"));
            let row = CardRow::new(&obj, None, None);
            row.kind_menu().set_selected(2);
            assert_eq!(obj.card(), Card::cloze("{{c1::la poêle}} — the pan", ""));
            assert!(!row.first_entry().has_css_class("error"));
            // A selected word becomes the gap.
            let obj = CardObject::new(Card::basic("le four chauffe", ""));
            let row = CardRow::new(&obj, None, None);
            row.first_entry().select_region(3, 7);
            row.kind_menu().set_selected(2);
            assert_eq!(obj.sides().0, "le {{c1::four}} chauffe");
            // Ctrl+Shift+C gaps the next selection as the next deletion.
            row.first_entry().select_region(16, 23);
            let keys = row
                .first_entry()
                .observe_controllers()
                .into_iter()
                .filter_map(|c| c.ok().and_downcast::<gtk::EventControllerKey>())
                .last()
                .expect("keys");
            let stop: bool = keys.emit_by_name(
                "key-pressed",
                &[
                    &gtk::gdk::Key::C,
                    &0u32,
                    &(gtk::gdk::ModifierType::CONTROL_MASK | gtk::gdk::ModifierType::SHIFT_MASK),
                ],
            );
            assert!(stop);
            assert_eq!(obj.sides().0, "le {{c1::four}} {{c2::chauffe}}");
        });
    }
}
