//! Widget tests of the whole window with real Tesseract, under a real display (Xvfb in CI).

use std::path::Path;
use std::time::{Duration, Instant};

use adw::prelude::*;
use gtk::{glib, subclass::prelude::ObjectSubclassIsExt};

use test_support::sample;

use crate::preferences::Preferences;
use crate::settings::Settings;
use crate::window::Window;

/// Runs the main loop until `done` holds; fails the test after `secs` seconds.
fn wait_for(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let ctx = glib::MainContext::default();
    let end = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        while ctx.iteration(false) {}
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A window with its own settings file: the builtin generator, French pages.
fn window(dir: &Path) -> Window {
    crate::register_resources();
    adw::init().expect("libadwaita starts");
    let path = dir.join("gui.toml");
    Settings {
        backend: "builtin".into(),
        language: "fra".into(),
        deck: "Français::Cuisine".into(),
        ..Settings::default()
    }
    .save(&path)
    .expect("settings written");
    let window: Window = glib::Object::new();
    window.load_settings(Some(path));
    window.present();
    window
}

fn activate(window: &Window, action: &str, param: Option<&glib::Variant>) {
    let a = window.lookup_action(action).expect("the action exists");
    assert!(a.is_enabled(), "{action} is enabled");
    a.activate(param);
}

fn enabled(window: &Window, action: &str) -> bool {
    window.lookup_action(action).is_some_and(|a| a.is_enabled())
}

#[gtk::test]
fn pages_are_read_words_are_found_and_cards_come_from_the_corrected_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken.jpg");
    std::fs::write(&broken, b"\xff\xd8\xffnot really a jpeg").expect("write");
    let notes = dir.path().join("notes.pdf");
    std::fs::write(&notes, b"%PDF-1.4").expect("write");
    let w = window(dir.path());
    assert!(!enabled(&w, "generate") && !enabled(&w, "export-to"));

    // A good photo, a broken one and a file of another kind: the batch goes on past the bad ones.
    w.add_files(vec![sample("vocabulaire-photo.jpg"), broken.clone(), notes]);
    wait_for("the pages to be read", 120, || !w.busy());
    let states = w.page_states();
    assert_eq!(states.len(), 2, "the PDF is refused: {states:?}");
    assert!(states[0].contains("words"), "{states:?}");
    assert!(
        states[1].contains("broken.jpg"),
        "the error names the file: {states:?}"
    );
    assert!(enabled(&w, "generate"));

    // Putting the cursor on a word outlines that word on the photo.
    let imp = w.imp();
    wait_for("the photo", 30, || imp.photo.has_picture());
    let (first, second) = {
        let pages = imp.pages.borrow();
        let crate::window::PageState::Read { page, .. } = &pages[0].state else {
            panic!("read")
        };
        let words: Vec<_> = page.words().map(|w| w.bbox).collect();
        (words[0], words[3])
    };
    assert_eq!(w.select_word(3), Some(second));
    assert_eq!(w.select_word(0), Some(first));
    // And clicking a word on the photo finds it in the text.
    wait_for("the photo to be laid out", 10, || imp.photo.width() > 10);
    let (x, y) = imp
        .photo
        .to_widget(second.x + second.width / 2, second.y + second.height / 2);
    assert_eq!(w.select_word_at(x, y), Some(3));
    assert_eq!(imp.photo.highlight(), Some(second));
    wait_for("the prepared image", 60, || imp.prepared.has_picture());

    // Cards from the text as read.
    activate(&w, "generate", None);
    wait_for("the cards", 60, || !w.busy());
    let cards = w.cards();
    assert!(cards.len() >= 8, "{cards:?}");
    assert!(enabled(&w, "export-to"));
    let fronts = |cards: &[anki_export::Card]| -> Vec<String> {
        cards
            .iter()
            .map(|c| c.kind.identity_fields()[0].to_owned())
            .collect()
    };
    assert!(
        fronts(&cards).contains(&"la cuillère".to_owned()),
        "{cards:?}"
    );

    // A line typed into the text becomes a card too; the earlier cards are not made twice.
    let buffer = imp.text.buffer();
    let mut end = buffer.end_iter();
    buffer.insert(&mut end, "\nle sel - the salt\n");
    activate(&w, "generate", None);
    wait_for("more cards", 60, || !w.busy());
    let after = w.cards();
    assert_eq!(after.len(), cards.len() + 1, "{:?}", fronts(&after));
    let salt = after.last().expect("a card");
    assert_eq!(salt.kind.identity_fields(), ["le sel", "the salt"]);
    // The typed line has no box on the photo, so the card names the page but no region.
    let source = salt.source.as_ref().expect("source");
    assert!(source.image.ends_with("vocabulaire-photo.jpg") && source.region.is_none());

    // Deleting a card.
    activate(&w, "delete-card", Some(&0u32.to_variant()));
    assert_eq!(w.cards().len(), after.len() - 1);

    // Export: an old deck survives a failed export, a good one writes the file.
    let out = dir.path().join("deck.apkg");
    activate(
        &w,
        "export-to",
        Some(&out.display().to_string().to_variant()),
    );
    wait_for("the export", 60, || !w.busy());
    assert!(std::fs::metadata(&out).expect("written").len() > 1000);

    // Removing the broken page leaves the good one.
    w.select_page(1);
    activate(&w, "remove-page", None);
    assert_eq!(w.page_states().len(), 1);
    w.close();
}

#[gtk::test]
fn a_card_that_cannot_be_exported_stops_the_export_and_keeps_the_old_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = window(dir.path());
    activate(&w, "add-card", None);
    assert_eq!(w.cards().len(), 1);
    let out = dir.path().join("deck.apkg");
    std::fs::write(&out, b"old deck").expect("write");
    activate(
        &w,
        "export-to",
        Some(&out.display().to_string().to_variant()),
    );
    wait_for("the export", 10, || !w.busy());
    assert_eq!(std::fs::read(&out).expect("kept"), b"old deck");
    w.close();
}

#[gtk::test]
fn preferences_are_saved_when_closed_and_style_is_remembered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = window(dir.path());
    let prefs = Preferences::new(&w);
    prefs.present();
    prefs.backend_row().set_selected(1);
    prefs.language_row().set_text("eng+deu");
    assert_eq!(prefs.max_cards_button().value_as_int(), 40);
    prefs.max_cards_button().set_value(12.0);
    prefs.close();
    activate(&w, "style", Some(&"dark".to_variant()));
    let saved = Settings::load(&dir.path().join("gui.toml")).expect("saved");
    assert_eq!(saved.backend, "openai");
    assert_eq!(saved.language, "eng+deu");
    assert_eq!(saved.max_cards, 12);
    assert_eq!(saved.style, crate::settings::Style::Dark);
    assert_eq!(saved.deck, "Français::Cuisine");
    assert!(adw::StyleManager::default().is_dark());
    activate(&w, "style", Some(&"system".to_variant()));
    w.close();
}

#[gtk::test]
fn an_api_key_typed_in_preferences_goes_to_the_keyring_and_nowhere_else() {
    const KEY: &str = "sk-widget-test-secret";
    assert!(
        std::env::var_os("OCR_TO_ANKI_TEST_KEYRING").is_some(),
        "this test needs the private keyring that scripts/test.sh starts (never the user's own)"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let w = window(dir.path());
    let url = "http://127.0.0.1:9/v1";
    w.set_settings(Settings {
        backend: "openai".into(),
        base_url: url.into(),
        ..w.settings()
    });
    let prefs = Preferences::new(&w);
    prefs.present();
    prefs.api_key_row().set_text(KEY);
    prefs.close();
    let server = crate::keyring::server_for(url);
    let ctx = glib::MainContext::default();
    wait_for("the key in the keyring", 30, || {
        ctx.block_on(crate::keyring::lookup(&server)) == Ok(Some(KEY.to_owned()))
    });
    let saved = std::fs::read_to_string(dir.path().join("gui.toml")).expect("settings");
    assert!(saved.contains(url) && !saved.contains(KEY), "{saved}");
    ctx.block_on(crate::keyring::clear(&server))
        .expect("cleared");
    assert_eq!(ctx.block_on(crate::keyring::lookup(&server)), Ok(None));
    w.close();
}

#[gtk::test]
fn files_dropped_on_the_window_are_added() {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = window(dir.path());
    let drop = w
        .observe_controllers()
        .into_iter()
        .filter_map(|c| c.ok().and_downcast::<gtk::DropTarget>())
        .next()
        .expect("the window takes drops");
    let files =
        gtk::gdk::FileList::from_array(&[gtk::gio::File::for_path(sample("vocabulaire.png"))]);
    let accepted: bool = drop.emit_by_name(
        "drop",
        &[&glib::BoxedValue(files.to_value()), &1.0f64, &1.0f64],
    );
    assert!(accepted);
    assert_eq!(w.page_states().len(), 1);
    wait_for("the dropped page to be read", 120, || !w.busy());
    assert!(
        w.page_states()[0].contains("words"),
        "{:?}",
        w.page_states()
    );
    w.close();
}
