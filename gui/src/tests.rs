//! Widget tests of the whole window with real Tesseract, under a real display (Xvfb in CI).

use std::path::Path;
use std::time::{Duration, Instant};

use adw::prelude::*;
use gtk::{glib, subclass::prelude::ObjectSubclassIsExt};

use test_support::sample;

use crate::settings::Settings;
use crate::window::Window;

/// Runs `test` on GTK's test thread, or skips it with a message when there is no display.
pub(crate) fn with_display(test: impl FnOnce() + Send + std::panic::UnwindSafe + 'static) {
    test_support::require!("DISPLAY", "an X display (scripts/test.sh starts Xvfb)");
    gtk::test_synced(test);
}

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
    window_in(dir, "fra")
}

/// A window with its own settings file: the builtin generator, pages in `language`.
fn window_in(dir: &Path, language: &str) -> Window {
    window_with(
        dir,
        Settings {
            backend: "builtin".into(),
            language: language.into(),
            deck: "Français::Cuisine".into(),
            ..Settings::default()
        },
    )
}

/// A window with its own settings file holding `settings`.
fn window_with(dir: &Path, settings: Settings) -> Window {
    crate::register_resources();
    adw::init().expect("libadwaita starts");
    let path = dir.join("gui.toml");
    settings.save(&path).expect("settings written");
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

/// Adds `files`, waits (at most `read_secs`) until they are read, makes cards and waits until
/// that is over.
fn read_and_make_cards(window: &Window, files: Vec<std::path::PathBuf>, read_secs: u64) {
    window.add_files(files);
    wait_for("the pages to be read", read_secs, || !window.busy());
    activate(window, "generate", None);
    wait_for("the cards", 60, || !window.busy());
}

/// Closes the window, letting go of cards not exported if it asks.
fn close_discarding(window: &Window) {
    window.close();
    if let Some(d) = message_dialog(window) {
        click(&d, "_Discard");
    }
}

#[test]
fn pages_are_read_words_are_found_and_cards_come_from_the_corrected_text() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let broken = dir.path().join("broken.jpg");
        std::fs::write(&broken, b"\xff\xd8\xffnot really a jpeg").expect("write");
        let notes = dir.path().join("notes.docx");
        std::fs::write(&notes, b"PK\x03\x04 a word file").expect("write");
        let w = window(dir.path());
        assert!(!enabled(&w, "generate") && !enabled(&w, "export-to"));

        // A good photo, a broken one and a file of another kind: the batch goes on past the bad ones.
        w.add_files(vec![sample("vocabulaire-photo.jpg"), broken.clone(), notes]);
        wait_for("the pages to be read", 120, || !w.busy());
        let states = w.page_states();
        assert_eq!(states.len(), 2, "the word file is refused: {states:?}");
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
        assert!(
            !imp.prepared_spinner.is_visible(),
            "no spinner once it is there"
        );

        // Cards from the text as read.
        activate(&w, "generate", None);
        wait_for("the cards", 60, || !w.busy());
        let cards = w.cards();
        assert!(cards.len() >= 8, "{cards:?}");
        // Each card shows its words cut from the photo.
        let row = imp
            .card_list
            .row_at_index(0)
            .and_downcast::<crate::card_row::CardRow>()
            .expect("a card row");
        assert!(row.crop().is_visible() && row.crop().has_picture());
        // Under the page's name and its count.
        let header = row
            .header()
            .and_downcast::<gtk::Label>()
            .expect("a header over the page's first card");
        assert_eq!(
            header.label(),
            format!("vocabulaire-photo.jpg · {} cards", cards.len())
        );
        let second = imp.card_list.row_at_index(1).expect("a second card");
        assert!(second.header().is_none(), "one header for the page");
        // The page's row counts its cards.
        let states = w.page_states();
        assert!(
            states[0].ends_with(&format!(" · {} cards", cards.len())),
            "{states:?}"
        );
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
    });
}

#[test]
fn a_card_that_cannot_be_exported_stops_the_export_and_keeps_the_old_file() {
    with_display(|| {
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
    });
}

#[test]
fn preferences_are_saved_when_closed_and_style_is_remembered() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let w = window(dir.path());
        let prefs = w.preferences();
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
    });
}

#[test]
fn an_api_key_typed_in_preferences_goes_to_the_keyring_and_nowhere_else() {
    test_support::require!(
        "OCR_TO_ANKI_TEST_KEYRING",
        "the private keyring that scripts/test.sh starts (never the user's own)"
    );
    with_display(|| {
        const KEY: &str = "sk-widget-test-secret";
        let dir = tempfile::tempdir().expect("tempdir");
        let w = window(dir.path());
        let url = "http://127.0.0.1:9/v1";
        w.set_settings(Settings {
            backend: "openai".into(),
            base_url: url.into(),
            ..w.settings()
        });
        let prefs = w.preferences();
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
    });
}

#[test]
fn files_dropped_on_the_window_are_added() {
    with_display(|| {
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
    });
}

#[test]
fn a_folder_s_pages_come_in_the_order_people_count() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("scans");
        std::fs::create_dir(&folder).expect("folder");
        for name in ["page10.png", "page2.png", "Page1.png", ".hidden.png"] {
            std::fs::copy(sample("vocabulaire.png"), folder.join(name)).expect("copy");
        }
        let w = window(dir.path());
        w.add_files(vec![folder]);
        let names: Vec<String> = w
            .imp()
            .pages
            .borrow()
            .iter()
            .map(|p| {
                p.path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["Page1.png", "page2.png", "page10.png"]);
        wait_for("the pages to be read", 180, || !w.busy());
        close_discarding(&w);
    });
}

/// The message dialog shown over `window` whose heading starts with `heading`, if one is; fails
/// the test on any other dialog.
fn dialog_headed(window: &Window, heading: &str) -> Option<adw::MessageDialog> {
    let shown: Vec<adw::MessageDialog> = gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<adw::MessageDialog>().ok())
        .filter(|d| d.is_visible())
        .filter(|d| d.transient_for().as_ref() == Some(window.upcast_ref::<gtk::Window>()))
        .collect();
    for d in &shown {
        let h = d.heading().unwrap_or_default();
        assert!(h.starts_with(heading), "another dialog: {h}: {}", d.body());
    }
    shown.into_iter().next()
}

/// The dialog over `window` that asks about cards not exported, if it is shown.
fn message_dialog(window: &Window) -> Option<adw::MessageDialog> {
    dialog_headed(window, "Export the Cards")
}

/// Clicks the button labelled `label` in `dialog`, as a user does.
fn click(dialog: &adw::MessageDialog, label: &str) {
    click_in(dialog.upcast_ref(), label);
}

/// Clicks the button labelled `label` somewhere inside `widget`.
fn click_in(widget: &gtk::Widget, label: &str) {
    fn find(w: &gtk::Widget, label: &str) -> Option<gtk::Button> {
        if let Some(b) = w.downcast_ref::<gtk::Button>()
            && b.label().as_deref() == Some(label)
        {
            return Some(b.clone());
        }
        let mut child = w.first_child();
        while let Some(c) = child {
            if let Some(b) = find(&c, label) {
                return Some(b);
            }
            child = c.next_sibling();
        }
        None
    }
    find(widget, label)
        .unwrap_or_else(|| panic!("no {label} button"))
        .emit_clicked();
}

/// The session file as JSON, once it can be read.
fn saved(path: &Path) -> serde_json::Value {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

#[test]
fn the_session_is_kept_as_it_changes_and_comes_back_in_the_next_window() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data/session.json");
        let w = window(dir.path());
        w.load_session(Some(path.clone()));
        read_and_make_cards(
            &w,
            vec![sample("vocabulaire-photo.jpg"), sample("vocabulaire.png")],
            180,
        );
        assert!(w.cards().len() >= 8, "{:?}", w.cards());

        // A word corrected where the cursor is, as typing does, and a card edited in its row.
        let imp = w.imp();
        w.select_page(0);
        w.select_word(0).expect("a first word");
        let buffer = imp.text.buffer();
        buffer.insert_at_cursor("corrigé ");
        let row = imp
            .card_list
            .row_at_index(0)
            .and_downcast::<crate::card_row::CardRow>()
            .expect("a card row");
        row.first_entry().set_text("la poêle à frire");
        let cards = w.cards();
        assert_eq!(cards[0].kind.identity_fields()[0], "la poêle à frire");

        // Saved within the save delay, with nothing else happening.
        wait_for("the edits in the session file", 5, || {
            let s = saved(&path);
            s["pages"][0]["corrected"]
                .as_str()
                .is_some_and(|t| t.starts_with("corrigé "))
                && s["cards"][0].to_string().contains("la poêle à frire")
        });
        let session = saved(&path);
        assert_eq!(session["pages"].as_array().map(Vec::len), Some(2));
        assert!(session["pages"][1]["corrected"].is_null(), "{session}");

        // The next window has the same pages (read, not read again), the correction and the cards,
        // with their identities.
        let next = window(dir.path());
        next.load_session(Some(path.clone()));
        assert!(
            next.imp().prepared_spinner.is_visible(),
            "a spinner while the page is prepared"
        );
        let states = next.page_states();
        assert_eq!(states.len(), 2, "{states:?}");
        assert!(
            states.iter().all(|s| s.contains("from the last session")),
            "{states:?}"
        );
        assert!(!next.busy(), "nothing to read again");
        let text = {
            let pages = next.imp().pages.borrow();
            let b = pages[0].buffer.clone().expect("text");
            b.text(&b.start_iter(), &b.end_iter(), false).to_string()
        };
        assert!(text.starts_with("corrigé "), "{text}");
        assert_eq!(next.cards(), cards);
        assert_eq!(next.unexported(), cards.len());

        // Closing with cards not exported asks; Cancel keeps the window and its work.
        next.close();
        let dialog = message_dialog(&next).expect("the window asks before closing");
        assert!(next.is_visible());
        click(&dialog, "_Cancel");
        wait_for("the dialog to go", 5, || message_dialog(&next).is_none());
        assert!(next.is_visible() && path.exists());

        // Exported, nothing is left to ask about; an edit after that is new again.
        let out = dir.path().join("deck.apkg");
        activate(
            &next,
            "export-to",
            Some(&out.display().to_string().to_variant()),
        );
        wait_for("the export", 60, || !next.busy());
        assert_eq!(next.unexported(), 0);
        next.imp()
            .cards
            .item(1)
            .and_downcast::<crate::card_object::CardObject>()
            .expect("a card")
            .set_second("changed after the export");
        assert_eq!(next.unexported(), 1);
        wait_for("the export in the session file", 5, || {
            saved(&path)["exported"].as_array().map(Vec::len) == Some(cards.len())
        });
        let corrected = saved(&path)["pages"][0]["corrected"].clone();
        assert!(
            corrected
                .as_str()
                .is_some_and(|t| t.starts_with("corrigé ")),
            "the restored correction is kept: {corrected}"
        );

        // Discard forgets the session: the window closes and the file is gone.
        next.close();
        click(&message_dialog(&next).expect("asked again"), "_Discard");
        wait_for("the window to close", 5, || !next.is_visible());
        assert!(!path.exists(), "the discarded session is not restored");
        w.close();
        if let Some(d) = message_dialog(&w) {
            click(&d, "_Cancel");
        }
    });
}

#[test]
fn a_session_file_that_cannot_be_read_is_set_aside_not_written_over() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("session.json");
        std::fs::write(&path, b"{\"version\": 1, \"pages\": [{\"pa").expect("write");
        let w = window(dir.path());
        w.load_session(Some(path.clone()));
        w.add_files(vec![sample("vocabulaire.png")]);
        wait_for("the page to be read", 120, || !w.busy());
        wait_for("the new session", 5, || saved(&path)["pages"].is_array());
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("unreadable"))
            .collect();
        assert_eq!(aside.len(), 1, "the old file is kept beside the new one");
        assert_eq!(
            std::fs::read(aside[0].path()).expect("kept"),
            b"{\"version\": 1, \"pages\": [{\"pa"
        );
        w.close();
    });
}

/// A window whose generator is `backend` at an address where nothing listens.
fn window_with_no_server(dir: &Path, backend: &str) -> Window {
    let w = window(dir);
    w.set_settings(Settings {
        backend: backend.into(),
        base_url: "http://127.0.0.1:9".into(),
        ..w.settings()
    });
    w
}

#[test]
fn a_generator_that_does_not_answer_offers_the_ways_out_as_buttons() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let w = window_with_no_server(dir.path(), "ollama");
        let imp = w.imp();
        wait_for("the window to say who makes cards", 30, || {
            imp.cards_empty
                .description()
                .is_some_and(|d| d.contains("cannot be made until it answers"))
        });
        w.add_files(vec![sample("vocabulaire.png")]);
        wait_for("the page to be read", 120, || !w.busy());
        activate(&w, "generate", None);
        wait_for("the dialog", 30, || {
            dialog_headed(&w, "Cannot Make Cards").is_some()
        });
        assert!(w.cards().is_empty());
        // One click: the built-in reader is chosen, kept, and makes the cards.
        click(
            &dialog_headed(&w, "Cannot Make Cards").expect("shown"),
            "Use _Built-in Reader",
        );
        wait_for("the cards", 60, || !w.cards().is_empty() && !w.busy());
        let saved = Settings::load(&dir.path().join("gui.toml")).expect("saved");
        assert_eq!(saved.backend, "builtin");
        w.close();
    });
}

#[test]
fn automatic_uses_the_built_in_reader_when_no_model_server_answers_and_says_so() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let w = window_with_no_server(dir.path(), "auto");
        let imp = w.imp();
        wait_for("the window to say who makes cards", 30, || {
            imp.cards_empty
                .description()
                .is_some_and(|d| d.contains("the built-in reader makes the cards"))
        });
        read_and_make_cards(&w, vec![sample("vocabulaire.png")], 120);
        assert!(dialog_headed(&w, "none expected").is_none());
        assert!(w.cards().len() >= 8, "{:?}", w.cards());
        let info = imp.cards_info.text();
        assert!(info.contains("with the built-in reader"), "{info}");
        w.close();
    });
}

#[test]
fn an_export_writes_the_good_cards_and_lists_the_others_with_a_way_to_each() {
    test_support::require!(anki);
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let w = window(dir.path());
        let imp = w.imp();
        for (first, second) in [
            ("la poêle", "the pan"),
            ("", "no front"),
            ("le four", "the oven"),
        ] {
            activate(&w, "add-card", None);
            let card = imp
                .cards
                .item(imp.cards.n_items() - 1)
                .and_downcast::<crate::card_object::CardObject>()
                .expect("a card");
            card.set_first(first);
            card.set_second(second);
        }
        let out = dir.path().join("deck.apkg");
        activate(
            &w,
            "export-to",
            Some(&out.display().to_string().to_variant()),
        );
        wait_for("the export", 60, || !w.busy());
        let dialog = dialog_headed(&w, "1 Card Was Left Out").expect("the left-out card is listed");
        assert!(dialog.body().contains("other 2 cards"), "{}", dialog.body());
        // The deck holds the two good cards.
        let report = test_support::anki_import(&[&out]);
        let mut fronts: Vec<String> = report["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .map(|n| n["fields"]["Front"].as_str().unwrap_or_default().to_owned())
            .collect();
        fronts.sort();
        assert_eq!(fronts, ["la poêle", "le four"]);
        // The bad card is still not exported, and Show takes the user to it.
        assert_eq!(w.unexported(), 1);
        imp.stack.set_visible_child_name("pages");
        click_in(dialog.upcast_ref(), "Show");
        assert_eq!(imp.stack.visible_child_name().as_deref(), Some("cards"));
        let focused = GtkWindowExt::focus(&w).expect("a focused widget");
        let row = focused
            .ancestor(crate::card_row::CardRow::static_type())
            .expect("focus inside a card row");
        assert_eq!(row.downcast::<gtk::ListBoxRow>().expect("a row").index(), 1);
        w.close();
    });
}

#[test]
fn a_deleted_card_comes_back_with_undo_where_it_was() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let w = window(dir.path());
        for front in ["un", "deux", "trois"] {
            activate(&w, "add-card", None);
            let imp = w.imp();
            imp.cards
                .item(imp.cards.n_items() - 1)
                .and_downcast::<crate::card_object::CardObject>()
                .expect("a card")
                .set_first(front);
        }
        let before = w.cards();
        activate(&w, "delete-card", Some(&1u32.to_variant()));
        assert_eq!(w.cards().len(), 2);
        activate(&w, "undo-delete", None);
        assert_eq!(w.cards(), before, "the same card, at the same place");
        close_discarding(&w);
    });
}

#[test]
fn tab_leaves_the_text_and_ctrl_tab_types_a_tab() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let w = window(dir.path());
        let text = w.imp().text.get();
        assert!(!text.accepts_tab(), "Tab moves the focus on");
        text.set_editable(true);
        let keys = text
            .observe_controllers()
            .into_iter()
            .filter_map(|c| c.ok().and_downcast::<gtk::EventControllerKey>())
            .next()
            .expect("the text has a key handler");
        let stop: bool = keys.emit_by_name(
            "key-pressed",
            &[
                &gtk::gdk::Key::Tab,
                &0u32,
                &gtk::gdk::ModifierType::CONTROL_MASK,
            ],
        );
        assert!(stop);
        let buffer = text.buffer();
        assert_eq!(
            buffer.text(&buffer.start_iter(), &buffer.end_iter(), false),
            "\t"
        );
        w.close();
    });
}

#[test]
fn a_page_that_gave_no_card_says_so() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let w = window(dir.path());
        // A page with words but nothing the built-in reader makes cards from.
        let page = dir.path().join("prose.png");
        let status = std::process::Command::new("convert")
            .args([
                "-size",
                "900x200",
                "xc:white",
                "-fill",
                "black",
                "-pointsize",
                "36",
            ])
            .args(["-font", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"])
            .args(["-annotate", "+30+90", "Le chat dort sur le canapé rouge."])
            .arg(&page)
            .status()
            .expect("ImageMagick's convert runs");
        assert!(status.success());
        read_and_make_cards(&w, vec![sample("vocabulaire.png"), page], 120);
        let states = w.page_states();
        assert!(states[0].contains(" cards"), "{states:?}");
        assert!(
            states[1].contains("no cards: nothing on it the generator could make cards from"),
            "{states:?}"
        );
        close_discarding(&w);
    });
}

#[test]
fn languages_are_chosen_by_name_from_those_installed() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let w = window(dir.path());
        let prefs = w.preferences();
        prefs.present();
        let french = prefs.language_check("fra").expect("French is installed");
        let german = prefs.language_check("deu").expect("German is installed");
        assert!(french.is_active() && !german.is_active());
        german.set_active(true);
        assert_eq!(prefs.language_row().text(), "fra+deu");
        french.set_active(false);
        assert_eq!(prefs.language_row().text(), "deu");
        // Typed codes check their languages.
        prefs.language_row().set_text("eng+fra");
        assert!(french.is_active() && !german.is_active());
        // Guessing checks none, and a language checked by hand ends it.
        prefs.language_row().set_text("auto");
        assert!(!french.is_active() && !german.is_active());
        german.set_active(true);
        assert_eq!(prefs.language_row().text(), "deu");
        prefs.language_row().set_text("eng+fra");
        prefs.close();
        let saved = Settings::load(&dir.path().join("gui.toml")).expect("saved");
        assert_eq!(saved.language, "eng+fra");
        w.close();
    });
}

#[test]
fn the_window_works_down_to_360_pixels_wide() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let w = window(dir.path());
        read_and_make_cards(&w, vec![sample("vocabulaire.png")], 120);
        let imp = w.imp();
        // The window's content, without the frame and shadow the window manager or GTK draws.
        for view in ["pages", "cards"] {
            imp.stack.set_visible_child_name(view);
            let (min, _, _, _) = imp.toasts.measure(gtk::Orientation::Horizontal, -1);
            assert!(min <= 360, "the {view} view needs {min} px");
        }
        imp.stack.set_visible_child_name("pages");
        w.set_default_size(360, 720);
        wait_for("the narrow layout", 10, || {
            w.width() <= 360 && imp.pages_leaflet.is_folded()
        });
        assert!(imp.back_to_pages.is_visible());
        assert!(
            !imp.prepared.is_drawable(),
            "narrow, the photo has the width alone"
        );
        // A page opened from the list, and back.
        imp.page_list
            .row_at_index(0)
            .expect("a row")
            .emit_by_name::<()>("activate", &[]);
        wait_for("the page view", 5, || {
            imp.pages_leaflet.visible_child_name().as_deref() == Some("page")
        });
        imp.back_to_pages.emit_clicked();
        assert_eq!(
            imp.pages_leaflet.visible_child_name().as_deref(),
            Some("list")
        );
        // Wide again, both views side by side.
        w.set_default_size(1400, 800);
        wait_for("the wide layout", 10, || !imp.pages_leaflet.is_folded());
        assert!(!imp.back_to_pages.is_visible());
        close_discarding(&w);
    });
}

#[test]
fn with_the_automatic_language_each_page_shows_the_one_it_was_read_in() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(Settings::default().language, "auto");
        let w = window_in(dir.path(), "auto");
        w.add_files(vec![sample("vocabulaire.png")]);
        wait_for("the page to be read", 120, || !w.busy());
        let states = w.page_states();
        assert!(states[0].contains(" · French"), "{states:?}");
        assert!(!states[0].contains("not sure"), "{states:?}");
        close_discarding(&w);
    });
}

#[test]
fn a_diagram_gives_an_occlusion_card_whose_masks_a_click_takes_off_and_puts_back() {
    with_display(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let diagram = dir.path().join("cell.png");
        let drawn = test_support::diagram::draw(
            test_support::diagram::Subject::Cell,
            test_support::diagram::Look::Clean,
            &diagram,
        );
        let w = window_with(
            dir.path(),
            Settings {
                backend: "builtin".into(),
                language: "eng".into(),
                kinds: vec!["occlusion".into()],
                ..Settings::default()
            },
        );
        read_and_make_cards(&w, vec![diagram], 120);

        let imp = w.imp();
        let cards = w.cards();
        assert_eq!(cards.len(), 1, "one note for the diagram: {cards:?}");
        let masks = match &cards[0].kind {
            anki_export::CardKind::Occlusion { masks, .. } => masks.clone(),
            other => panic!("{other:?}"),
        };
        assert!(masks.len() + 1 >= drawn.labels.len(), "{masks:?}");
        // The masks are drawn over the photo, and the card's row counts them.
        assert_eq!(imp.photo.masks().len(), masks.len());
        let row = imp
            .card_list
            .row_at_index(0)
            .and_downcast::<crate::card_row::CardRow>()
            .expect("the card's row");
        let summary = row.summary_shown().expect("a summary");
        assert!(
            summary.starts_with(&format!("Image occlusion · {} masks", masks.len())),
            "{summary}"
        );
        assert!(!row.kind_menu().is_visible(), "no kind to switch to");

        // A click on a mask takes it off; a click on the word under it puts one back.
        wait_for("the photo to be laid out", 10, || imp.photo.width() > 10);
        let [x, y, mw, mh] = masks[0].region;
        let (cx, cy) = imp.photo.to_widget(x + mw / 2, y + mh / 2);
        assert!(w.toggle_mask_at(cx, cy));
        assert_eq!(imp.photo.masks().len(), masks.len() - 1);
        assert!(
            row.summary_shown()
                .is_some_and(|s| s.contains(&format!("{} masks", masks.len() - 1))),
            "{:?}",
            row.summary_shown()
        );
        assert!(w.toggle_mask_at(cx, cy));
        let again = match &w.cards()[0].kind {
            anki_export::CardKind::Occlusion { masks, .. } => masks.clone(),
            _ => unreachable!(),
        };
        assert_eq!(again.len(), masks.len());
        assert_eq!(
            again.last().map(|m| m.label.as_str()),
            masks[0].label.split(' ').next()
        );
        close_discarding(&w);
    });
}
