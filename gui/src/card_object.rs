//! One card of the list as a GObject, so a `gio::ListStore` can hold it and rows can show it.

use std::cell::RefCell;

use anki_export::{Card, CardKind};
use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct CardObject {
        pub card: RefCell<Option<Card>>,
        pub watched: std::cell::Cell<bool>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for CardObject {
        const NAME: &'static str = "OtaCardObject";
        type Type = super::CardObject;
    }

    impl ObjectImpl for CardObject {
        fn signals() -> &'static [glib::subclass::Signal] {
            static SIGNALS: std::sync::OnceLock<Vec<glib::subclass::Signal>> =
                std::sync::OnceLock::new();
            SIGNALS.get_or_init(|| vec![glib::subclass::Signal::builder("changed").build()])
        }
    }
}

glib::wrapper! {
    /// A card being reviewed.
    pub struct CardObject(ObjectSubclass<imp::CardObject>);
}

impl CardObject {
    /// Wraps a card.
    pub fn new(card: Card) -> Self {
        let obj: Self = glib::Object::new();
        obj.imp().card.replace(Some(card));
        obj
    }

    /// A copy of the card as it is now.
    pub fn card(&self) -> Card {
        self.imp()
            .card
            .borrow()
            .clone()
            .unwrap_or_else(|| Card::basic("", ""))
    }

    /// Changes the card in place and emits `changed` when it is different.
    pub fn update(&self, f: impl FnOnce(&mut Card)) {
        let changed = match self.imp().card.borrow_mut().as_mut() {
            Some(card) => {
                let before = card.clone();
                f(card);
                *card != before
            }
            None => false,
        };
        if changed {
            self.emit_by_name::<()>("changed", &[]);
        }
    }

    /// Whether the window watches it already for changes; the first call says no and marks it.
    pub fn watched(&self) -> bool {
        self.imp().watched.replace(true)
    }

    /// Calls `f` after every change of the card.
    pub fn connect_changed(&self, f: impl Fn(&Self) + 'static) -> glib::SignalHandlerId {
        self.connect_local("changed", false, move |values| {
            if let Some(obj) = values.first().and_then(|v| v.get::<Self>().ok()) {
                f(&obj);
            }
            None
        })
    }

    /// The position of the card's kind in the kind menu (basic, basic and reversed, cloze).
    pub fn kind_index(&self) -> u32 {
        match self.card().kind {
            CardKind::Reversed { .. } => 1,
            CardKind::Cloze { .. } => 2,
            _ => 0,
        }
    }

    /// The card's two texts: front and back, or cloze text and extra.
    pub fn sides(&self) -> (String, String) {
        match self.card().kind {
            CardKind::Basic { front, back } | CardKind::Reversed { front, back } => (front, back),
            CardKind::Cloze { text, extra } => (text, extra),
            _ => (String::new(), String::new()),
        }
    }

    /// Sets the first text (front, or cloze text).
    pub fn set_first(&self, value: &str) {
        self.update(|c| match &mut c.kind {
            CardKind::Basic { front, .. } | CardKind::Reversed { front, .. } => {
                value.clone_into(front);
            }
            CardKind::Cloze { text, .. } => value.clone_into(text),
            _ => {}
        });
    }

    /// Sets the second text (back, or cloze extra).
    pub fn set_second(&self, value: &str) {
        self.update(|c| match &mut c.kind {
            CardKind::Basic { back, .. } | CardKind::Reversed { back, .. } => {
                value.clone_into(back);
            }
            CardKind::Cloze { extra, .. } => value.clone_into(extra),
            _ => {}
        });
    }

    /// Whether the card is an image occlusion (which has masks, not texts).
    pub fn is_occlusion(&self) -> bool {
        matches!(self.card().kind, CardKind::Occlusion { .. })
    }

    /// The masks of an occlusion card (none for other kinds).
    pub fn masks(&self) -> Vec<anki_export::Mask> {
        match self.card().kind {
            CardKind::Occlusion { masks, .. } => masks,
            _ => Vec::new(),
        }
    }

    /// The image an occlusion card hides parts of.
    pub fn occlusion_image(&self) -> Option<std::path::PathBuf> {
        match self.card().kind {
            CardKind::Occlusion { image, .. } => Some(image),
            _ => None,
        }
    }

    /// On an occlusion card, removes the mask holding source point (`x`, `y`), or else adds a
    /// mask over `word` (its text and box), asked on its own; returns whether a mask changed.
    pub fn toggle_mask(&self, x: u32, y: u32, word: Option<(String, ocr_core::BBox)>) -> bool {
        let mut changed = false;
        self.update(|c| {
            let CardKind::Occlusion { masks, .. } = &mut c.kind else {
                return;
            };
            let inside = |m: &anki_export::Mask| {
                let [mx, my, mw, mh] = m.region;
                ocr_core::BBox::new(mx, my, mw, mh).contains(x, y)
            };
            // The last mask drawn is the one on top.
            if let Some(i) = masks.iter().rposition(inside) {
                masks.remove(i);
                changed = true;
            } else if let Some((label, b)) = word {
                let cloze = masks.iter().map(|m| m.cloze).max().unwrap_or(0) + 1;
                masks.push(anki_export::Mask {
                    region: [b.x, b.y, b.width, b.height],
                    label,
                    cloze,
                });
                changed = true;
            }
        });
        changed
    }

    /// Switches the card to the kind at `index` in the kind menu, keeping both texts; an
    /// occlusion card keeps its kind (the menu does not list it).
    pub fn set_kind_index(&self, index: u32) {
        if self.is_occlusion() {
            return;
        }
        let (first, second) = self.sides();
        self.update(|c| {
            c.kind = match index {
                1 => CardKind::Reversed {
                    front: first,
                    back: second,
                },
                2 => CardKind::Cloze {
                    text: first,
                    extra: second,
                },
                _ => CardKind::Basic {
                    front: first,
                    back: second,
                },
            };
        });
    }

    /// The words of the page the card quotes, if it has any.
    pub fn quote(&self) -> Option<String> {
        self.card().source.and_then(|s| s.quote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occlusion_masks_come_and_go_under_a_click_and_the_kind_stays() {
        let mask = |x, label: &str, cloze| anki_export::Mask {
            region: [x, 10, 50, 20],
            label: label.into(),
            cloze,
        };
        let obj = CardObject::new(Card::occlusion(
            "cell.png",
            vec![mask(0, "Nucleus", 1), mask(100, "Vacuole", 2)],
        ));
        obj.set_kind_index(0);
        assert!(obj.is_occlusion(), "the kind menu cannot turn it into text");
        // A click on a mask removes it; one on a word outside every mask adds it, numbered next.
        assert!(obj.toggle_mask(120, 15, None));
        assert_eq!(obj.masks().len(), 1);
        let word = ("Ribosome".to_owned(), ocr_core::BBox::new(200, 40, 60, 18));
        assert!(obj.toggle_mask(210, 45, Some(word)));
        let masks = obj.masks();
        assert_eq!((masks[1].label.as_str(), masks[1].cloze), ("Ribosome", 2));
        assert_eq!(masks[1].region, [200, 40, 60, 18]);
        assert!(!obj.toggle_mask(500, 500, None), "nothing there");
    }

    #[test]
    fn kind_changes_keep_the_texts() {
        let obj = CardObject::new(Card::basic("le four", "the oven"));
        obj.set_kind_index(2);
        assert_eq!(obj.card().kind.name(), "cloze");
        assert_eq!(obj.sides(), ("le four".into(), "the oven".into()));
        obj.set_first("le {{c1::four}}");
        obj.set_kind_index(1);
        assert_eq!(obj.card(), Card::reversed("le {{c1::four}}", "the oven"));
        assert_eq!(obj.kind_index(), 1);
        obj.set_second("oven");
        assert_eq!(obj.sides().1, "oven");
    }

    #[test]
    fn edits_keep_the_card_id() {
        let obj = CardObject::new(Card::basic("le four", "the over").with_id("four-1"));
        obj.set_second("the oven");
        obj.set_first("le {{c1::four}}");
        obj.set_kind_index(2);
        obj.set_kind_index(1);
        let card = obj.card();
        assert_eq!(card.id.as_deref(), Some("four-1"));
        assert_eq!(card.guid(), "four-1", "its note in Anki stays the same");
        // A card made from nothing gets an id of its own, kept as it is filled in.
        let blank = CardObject::new(Card::basic("", "").with_new_id());
        let id = blank.card().id.expect("an id");
        assert_ne!(
            Some(id.clone()),
            CardObject::new(Card::basic("", "").with_new_id()).card().id
        );
        blank.set_first("la poêle");
        assert_eq!(blank.card().id, Some(id));
    }
}
