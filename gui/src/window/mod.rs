//! The main window: pages on the left, the page and its text on the right, cards in a second view.

mod imp;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use adw::prelude::*;
use adw::subclass::prelude::*;
use anki_export::{Card, Deck};
use gtk::{gdk, gio, glib, pango};
use llm_client::{ApiKey, BackendKind, Document, GeneratorChoice};
use ocr_core::{BBox, IMAGE_EXTENSIONS, OcrOptions, Page};

use crate::card_object::CardObject;
use crate::card_row::CardRow;
use crate::keyring;
use crate::page_row::{PageRow, RowState};
use crate::photo_view::Picture;
use crate::preferences::Preferences;
use crate::session::{SavedPage, Session};
use crate::settings::{Settings, Style};
use crate::work::{self, Msg, Pixels, file_name};

/// Words Tesseract is less sure of than this (0 to 100) are marked for checking.
pub const LOW_CONFIDENCE: f32 = 70.0;

/// How long edits wait before the session is saved: a crash loses at most this much typing.
const SAVE_DELAY: Duration = Duration::from_millis(250);

/// What to do once the cards are exported (or let go), when the user was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Close the window.
    Close,
    /// Start a new, empty session.
    New,
}

/// Where the text of a read page came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFrom {
    /// Tesseract read it now.
    Tesseract,
    /// The OCR cache had it.
    Cache,
    /// The last session kept it.
    Session,
}

/// Where a page stands.
#[derive(Debug)]
pub enum PageState {
    /// Not read yet.
    Waiting,
    /// Being read.
    Reading,
    /// Read.
    Read {
        /// What OCR found.
        page: Box<Page>,
        /// Where its text came from.
        from: ReadFrom,
    },
    /// It could not be read; the message names the file and the cause.
    Failed(String),
}

/// One page of the list, with what is shown of it.
#[derive(Debug)]
pub struct PageEntry {
    /// The image file.
    pub path: PathBuf,
    /// Where it stands.
    pub state: PageState,
    /// Its row in the list.
    pub row: PageRow,
    /// A copy of the photo to show, and the size its word boxes are measured in.
    pub photo: Option<Picture>,
    /// The image as given to Tesseract.
    pub prepared: Option<gdk::Texture>,
    /// Whether the prepared image has been asked for.
    pub prepare_asked: bool,
    /// The recognised text, editable, each word tagged with its own tag.
    pub buffer: Option<gtk::TextBuffer>,
    /// How many of the cards in the list come from it.
    pub cards: usize,
    /// Why the last card generation gave it no card.
    pub no_cards: Option<String>,
    /// Each word's tag and its box on the photo.
    pub words: Vec<(gtk::TextTag, BBox)>,
}

impl PageEntry {
    /// Shows where the page stands in its row.
    fn show_status(&self) {
        let (text, state) = self.status();
        self.row.set_status(&text, state);
    }

    fn status(&self) -> (String, RowState) {
        match &self.state {
            PageState::Waiting => ("Waiting to be read".into(), RowState::Idle),
            PageState::Reading => ("Reading…".into(), RowState::Busy),
            PageState::Failed(e) => (e.clone(), RowState::Failed),
            PageState::Read { page, from } => {
                let low = page
                    .words()
                    .filter(|w| w.confidence < LOW_CONFIDENCE)
                    .count();
                let mut s = format!("{} words · {low} to check", page.word_count());
                // With the automatic language, which one the page was read in.
                if let Some(guess) = &page.preprocessing.language_guess {
                    s.push_str(&format!(
                        " · {}{}",
                        llm_client::language_name(&page.language),
                        if guess.sure { "" } else { " (not sure)" }
                    ));
                }
                match from {
                    ReadFrom::Tesseract => {}
                    ReadFrom::Cache => s.push_str(" · from the cache"),
                    ReadFrom::Session => s.push_str(" · from the last session"),
                }
                match (self.cards, &self.no_cards) {
                    (0, Some(why)) => s.push_str(&format!(" · {why}")),
                    (0, None) => {}
                    (1, _) => s.push_str(" · 1 card"),
                    (n, _) => s.push_str(&format!(" · {n} cards")),
                }
                (s, RowState::Idle)
            }
        }
    }
}

glib::wrapper! {
    /// The application's window.
    pub struct Window(ObjectSubclass<imp::Window>)
        @extends adw::ApplicationWindow, gtk::ApplicationWindow, gtk::Window, gtk::Widget,
        @implements gio::ActionGroup, gio::ActionMap, gtk::Buildable,
            gtk::ConstraintTarget, gtk::Native, gtk::Root, gtk::ShortcutManager;
}

impl Window {
    /// A new window for `app`, with the settings kept in the usual place.
    pub fn new(app: &impl IsA<gtk::Application>) -> Self {
        let window: Self = glib::Object::builder().property("application", app).build();
        window.load_settings(Settings::default_path());
        window.load_session(Session::default_path());
        window
    }

    /// Restores the session kept at `path` and keeps the session there from now on (none: not
    /// kept). A file that cannot be read is set aside, never written over.
    pub fn load_session(&self, path: Option<PathBuf>) {
        let imp = self.imp();
        let session = match path.as_deref().map(Session::load) {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                let path = path.clone().unwrap_or_default();
                let aside = path.with_extension(format!(
                    "unreadable-{}.json",
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs())
                ));
                match std::fs::rename(&path, &aside) {
                    Ok(()) => self.toast(&format!("{e}; it is kept as {}", aside.display())),
                    Err(r) => {
                        // Saving would write over it: keep no session this time.
                        self.toast(&format!("{e}; this session will not be kept ({r})"));
                        return;
                    }
                }
                Session::default()
            }
            None => Session::default(),
        };
        imp.session_path.replace(path);
        self.restore(session);
    }

    /// Puts the pages and cards of a saved session in the window.
    fn restore(&self, session: Session) {
        let imp = self.imp();
        let mut paths = Vec::new();
        for saved in session.pages {
            let (state, text) = match saved.page {
                Some(page) => {
                    let (buffer, words) = self.text_of(&page);
                    if let Some(corrected) = &saved.corrected {
                        buffer.set_text(corrected);
                        buffer.set_modified(true);
                    }
                    let state = PageState::Read {
                        page: Box::new(page),
                        from: ReadFrom::Session,
                    };
                    (state, Some((buffer, words)))
                }
                None => (PageState::Waiting, None),
            };
            self.push_page(saved.path.clone(), state, text);
            paths.push(saved.path);
        }
        for card in session.cards {
            imp.cards.append(&CardObject::new(card));
        }
        imp.exported.replace(session.exported);
        if !paths.is_empty() {
            work::pictures(paths, imp.tx.clone());
            self.update_pages_view();
            self.select_page(0);
            self.start_reading();
        }
        self.update_actions();
    }

    /// The session as it stands now.
    fn session(&self) -> Session {
        let imp = self.imp();
        let pages = imp
            .pages
            .borrow()
            .iter()
            .map(|p| {
                let (page, corrected) = match (&p.state, &p.buffer) {
                    (PageState::Read { page, .. }, Some(b)) if b.is_modified() => (
                        Some((**page).clone()),
                        Some(b.text(&b.start_iter(), &b.end_iter(), false).into()),
                    ),
                    (PageState::Read { page, .. }, _) => (Some((**page).clone()), None),
                    _ => (None, None),
                };
                SavedPage {
                    path: p.path.clone(),
                    page,
                    corrected,
                }
            })
            .collect();
        Session {
            version: crate::session::VERSION,
            pages,
            cards: self.cards(),
            exported: imp.exported.borrow().clone(),
        }
    }

    /// Saves the session soon, once for a burst of changes.
    fn queue_save(&self) {
        let imp = self.imp();
        if imp.session_path.borrow().is_none() || imp.save_due.replace(true) {
            return;
        }
        glib::timeout_add_local_once(
            SAVE_DELAY,
            glib::clone!(
                #[weak(rename_to = window)]
                self,
                move || window.save_session()
            ),
        );
    }

    /// Saves the session now; says so once when it cannot, not at every keystroke.
    fn save_session(&self) {
        let imp = self.imp();
        imp.save_due.set(false);
        let Some(path) = imp.session_path.borrow().clone() else {
            return;
        };
        match self.session().save(&path) {
            Ok(()) => imp.save_failing.set(false),
            Err(e) => {
                if !imp.save_failing.replace(true) {
                    self.alert(
                        "The Session Cannot Be Saved",
                        &format!(
                            "{e}.\n\nUntil it can, quitting or a crash loses this session's \
                             work: export the cards to keep them."
                        ),
                    );
                }
            }
        }
    }

    /// The cards that changed or came since they were last exported or sent to Anki.
    pub fn unexported(&self) -> usize {
        crate::session::unexported(&self.cards(), &self.imp().exported.borrow())
    }

    /// Whether the window may close now; when cards are not exported, asks instead.
    fn may_close(&self) -> bool {
        let n = self.unexported();
        if self.imp().close_confirmed.get() || n == 0 {
            return true;
        }
        self.ask_unexported(After::Close, n);
        false
    }

    /// Asks whether to export the `n` cards not exported before `after`, let them go, or stay.
    fn ask_unexported(&self, after: After, n: usize) {
        let heading = match after {
            After::Close => "Export the Cards Before Quitting?",
            After::New => "Export the Cards Before Starting Anew?",
        };
        let body = format!(
            "{} not been exported or sent to Anki. Discarding forgets this session's pages and \
             cards.",
            match n {
                1 => "1 card has".to_owned(),
                n => format!("{n} cards have"),
            }
        );
        let dialog = self.ask(
            heading,
            &body,
            &[
                ("cancel", "_Cancel"),
                ("discard", "_Discard"),
                ("export", "_Export…"),
            ],
            move |window, response| match response {
                "export" => {
                    window.imp().after_export.set(Some(after));
                    window.export_dialog();
                }
                "discard" => {
                    window.clear_session();
                    if after == After::Close {
                        window.imp().close_confirmed.set(true);
                        window.close();
                    }
                }
                _ => {}
            },
        );
        dialog.set_response_appearance("discard", adw::ResponseAppearance::Destructive);
        dialog.set_close_response("cancel");
        dialog.present();
    }

    /// A question over the window: `responses` are (id, label) in the order shown, the last
    /// one suggested and the default; `answered` gets the id chosen (`close` for Escape).
    /// The caller presents it.
    fn ask(
        &self,
        heading: &str,
        body: &str,
        responses: &[(&str, &str)],
        answered: impl Fn(&Window, &str) + 'static,
    ) -> adw::MessageDialog {
        let dialog = adw::MessageDialog::new(Some(self), Some(heading), Some(body));
        dialog.add_responses(responses);
        if let Some((suggested, _)) = responses.last() {
            dialog.set_response_appearance(suggested, adw::ResponseAppearance::Suggested);
            dialog.set_default_response(Some(suggested));
        }
        dialog.connect_response(
            None,
            glib::clone!(
                #[weak(rename_to = window)]
                self,
                move |_, response| answered(&window, response)
            ),
        );
        dialog
    }

    /// Starts a new session, asking first when cards are not exported.
    fn new_session(&self) {
        match self.unexported() {
            0 => self.clear_session(),
            n => self.ask_unexported(After::New, n),
        }
    }

    /// Empties the window and the saved session.
    fn clear_session(&self) {
        let imp = self.imp();
        self.cancel();
        let entries: Vec<PageEntry> = imp.pages.borrow_mut().drain(..).collect();
        for e in entries {
            imp.page_list.remove(&e.row);
        }
        imp.current.set(None);
        imp.cards.remove_all();
        imp.exported.borrow_mut().clear();
        imp.cards_info.set_text("");
        self.clear_page_view();
        self.update_pages_view();
        imp.stack.set_visible_child_name("pages");
        self.save_session();
        self.update_actions();
    }

    /// What happens after an export or a send to Anki of `cards` succeeded.
    fn cards_exported(&self, cards: Vec<Card>, from_dialog: bool) {
        let imp = self.imp();
        let now = self.cards();
        {
            let mut exported = imp.exported.borrow_mut();
            exported.retain(|c| now.contains(c) && !cards.contains(c));
            exported.extend(cards);
        }
        self.save_session();
        match imp.after_export.take().filter(|_| from_dialog) {
            Some(After::Close) => self.close(),
            Some(After::New) => self.clear_session(),
            None => {}
        }
    }

    /// Reads the settings from `path` (none: the defaults, never saved) and applies them.
    pub fn load_settings(&self, path: Option<PathBuf>) {
        let imp = self.imp();
        let (settings, problem) = match path.as_deref().map(Settings::load) {
            Some(Ok(s)) => (s, None),
            Some(Err(e)) => (
                Settings::default(),
                Some(format!("{e}; using the defaults")),
            ),
            None => (Settings::default(), None),
        };
        imp.settings_path.replace(path);
        self.set_default_size(settings.width.max(360), settings.height.max(300));
        if settings.maximized {
            self.maximize();
        }
        apply_style(settings.style);
        if let Some(a) = self
            .lookup_action("style")
            .and_downcast::<gio::SimpleAction>()
        {
            a.set_state(&settings.style.name().to_variant());
        }
        imp.settings.replace(settings);
        if let Some(p) = problem {
            self.toast(&p);
        }
        self.find_generator();
    }

    /// The generator the settings choose, without its API key.
    fn generator_choice(settings: &Settings) -> GeneratorChoice {
        GeneratorChoice {
            kind: settings.backend_kind(),
            base_url: Some(settings.base_url.clone()),
            model: Some(settings.model.clone()),
            settings: settings.model_settings(),
            cache: work::answer_cache(),
            ..GeneratorChoice::default()
        }
    }

    /// Asks the chosen generator whether it answers, to say in the window who makes the cards.
    fn find_generator(&self) {
        let settings = self.settings();
        work::find_generator(
            Self::generator_choice(&settings),
            settings.automatic(),
            self.imp().tx.clone(),
        );
    }

    fn setup(&self) {
        let imp = self.imp();
        let weak = self.downgrade();
        imp.card_list.bind_model(Some(&imp.cards), move |obj| {
            let card = obj
                .downcast_ref::<CardObject>()
                .cloned()
                .unwrap_or_else(|| CardObject::new(Card::basic("", "")));
            let (page, picture) = weak
                .upgrade()
                .map(|w| w.source_of(&card.card()))
                .unwrap_or_default();
            CardRow::new(&card, page, picture).upcast()
        });
        // The cards of each page under its name and count.
        imp.card_list.set_header_func(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |row, before| window.card_header(row, before)
        ));
        imp.cards.connect_items_changed(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |store, position, _, added| {
                for i in position..position + added {
                    if let Some(card) = store.item(i).and_downcast::<CardObject>()
                        && !card.watched()
                    {
                        card.connect_changed(glib::clone!(
                            #[weak]
                            window,
                            move |_| window.queue_save()
                        ));
                    }
                }
                window.update_cards_view();
                window.count_cards();
                window.imp().card_list.invalidate_headers();
                window.queue_save();
            }
        ));
        imp.page_list.connect_row_selected(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |_, row| {
                if let Some(i) = row.and_then(|r| usize::try_from(r.index()).ok()) {
                    window.show_page(i);
                }
            }
        ));
        // Narrow, the list and the page are one view each: a row opens its page, Back returns.
        imp.page_list.connect_row_activated(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |_, _| {
                let leaflet = &window.imp().pages_leaflet;
                if leaflet.is_folded() {
                    leaflet.set_visible_child_name("page");
                }
            }
        ));
        imp.back_to_pages.connect_clicked(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |_| window.imp().pages_leaflet.set_visible_child_name("list")
        ));

        // Clicking a word on the photo puts the cursor on it in the text.
        let click = gtk::GestureClick::new();
        click.connect_released(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |_, _, x, y| {
                // On a page with an occlusion card, a click also adds or removes a mask.
                window.toggle_mask_at(x, y);
                window.select_word_at(x, y);
            }
        ));
        imp.photo.add_controller(click);
        imp.cards.connect_items_changed(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |_, _, _, _| window.show_masks()
        ));

        // Tab leaves the text (it does not accept tabs); Ctrl+Tab types one.
        let keys = gtk::EventControllerKey::new();
        keys.set_propagation_phase(gtk::PropagationPhase::Capture);
        keys.connect_key_pressed(glib::clone!(
            #[weak(rename_to = window)]
            self,
            #[upgrade_or]
            glib::Propagation::Proceed,
            move |_, key, _, modifiers| {
                if key == gdk::Key::Tab && modifiers == gdk::ModifierType::CONTROL_MASK {
                    let text = &window.imp().text;
                    if text.is_editable() {
                        text.buffer().insert_interactive_at_cursor("\t", true);
                    }
                    return glib::Propagation::Stop;
                }
                glib::Propagation::Proceed
            }
        ));
        imp.text.add_controller(keys);

        let drop = gtk::DropTarget::new(gdk::FileList::static_type(), gdk::DragAction::COPY);
        drop.connect_drop(glib::clone!(
            #[weak(rename_to = window)]
            self,
            #[upgrade_or]
            false,
            move |_, value, _, _| {
                let Ok(files) = value.get::<gdk::FileList>() else {
                    return false;
                };
                let paths: Vec<PathBuf> = files.files().iter().filter_map(|f| f.path()).collect();
                window.add_files(paths);
                true
            }
        ));
        self.add_controller(drop);

        self.add_actions();
        let rx = imp.rx.clone();
        let weak = self.downgrade();
        glib::spawn_future_local(async move {
            while let Ok(msg) = rx.recv().await {
                let Some(window) = weak.upgrade() else { break };
                window.handle(msg);
            }
        });
        self.update_pages_view();
        self.update_cards_view();
        self.update_actions();
    }

    /// Adds the window's actions to its action map, where `GtkApplication` also exports them on
    /// D-Bus (`org.gtk.Actions` at the window's object path), so scripts and tests can drive it.
    fn add_actions(&self) {
        let style = self.imp().settings.borrow().style;
        let style_action = gio::SimpleAction::new_stateful(
            "style",
            Some(glib::VariantTy::STRING),
            &style.name().to_variant(),
        );
        style_action.connect_activate(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |action, param| {
                let Some(name) = param.and_then(glib::Variant::get::<String>) else {
                    return;
                };
                if let Some(style) = Style::from_name(&name) {
                    action.set_state(&name.to_variant());
                    apply_style(style);
                    window.imp().settings.borrow_mut().style = style;
                    window.save_settings();
                }
            }
        ));
        self.add_action(&style_action);

        let simple = |name: &str, f: fn(&Window)| {
            gio::ActionEntry::builder(name)
                .activate(move |w: &Window, _, _| f(w))
                .build()
        };
        let with_string = |name: &str, f: fn(&Window, String)| {
            gio::ActionEntry::builder(name)
                .parameter_type(Some(glib::VariantTy::STRING))
                .activate(move |w: &Window, _, p| {
                    if let Some(s) = p.and_then(glib::Variant::get::<String>) {
                        f(w, s);
                    }
                })
                .build()
        };
        let delete_card = gio::ActionEntry::builder("delete-card")
            .parameter_type(Some(glib::VariantTy::UINT32))
            .activate(|w: &Window, _, p| {
                if let Some(i) = p.and_then(glib::Variant::get::<u32>) {
                    w.delete_card(i);
                }
            })
            .build();
        self.add_action_entries([
            simple("new-session", Window::new_session),
            simple("open", Window::open_dialog),
            simple("export", Window::export_dialog),
            with_string("export-to", |w, p| w.export_to(Path::new(&p))),
            with_string("add-file", |w, p| w.add_files(vec![PathBuf::from(p)])),
            with_string("open-folder", |w, p| w.open_folder(Path::new(&p))),
            simple("send-to-anki", Window::send_to_anki),
            simple("generate", Window::generate),
            simple("add-card", Window::add_card),
            simple("undo-delete", Window::undo_delete),
            delete_card,
            simple("remove-page", Window::remove_page),
            simple("read-again", Window::read_again),
            simple("cancel", Window::cancel),
            simple("preferences", |w| w.preferences().present()),
        ]);
    }

    fn set_enabled(&self, name: &str, enabled: bool) {
        if let Some(a) = self.lookup_action(name).and_downcast::<gio::SimpleAction>() {
            a.set_enabled(enabled);
        }
    }

    /// Enables the actions that make sense now.
    fn update_actions(&self) {
        let imp = self.imp();
        let pages = imp.pages.borrow();
        let any_read = pages
            .iter()
            .any(|p| matches!(p.state, PageState::Read { .. }));
        let has_cards = imp.cards.n_items() > 0;
        let busy = imp.reading.get() || imp.generating.get();
        self.set_enabled("generate", any_read && !imp.generating.get());
        self.set_enabled("export", has_cards && !imp.exporting.get());
        self.set_enabled("export-to", has_cards && !imp.exporting.get());
        self.set_enabled("send-to-anki", has_cards && !imp.exporting.get());
        self.set_enabled("read-again", !pages.is_empty() && !imp.reading.get());
        self.set_enabled(
            "remove-page",
            imp.current.get().is_some() && !imp.reading.get(),
        );
        self.set_enabled("cancel", busy);
        imp.progress_revealer.set_reveal_child(busy);
    }

    /// A Preferences window over this one, showing its settings; they are applied and saved
    /// when it closes.
    pub fn preferences(&self) -> Preferences {
        let prefs = Preferences::new(self, &self.settings());
        prefs.connect_settings_changed(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |settings| window.set_settings(settings)
        ));
        prefs.connect_api_key_entered(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |server, key| window.save_api_key(server, key)
        ));
        prefs
    }

    /// The settings in use.
    pub fn settings(&self) -> Settings {
        self.imp().settings.borrow().clone()
    }

    /// Replaces the settings and saves them.
    pub fn set_settings(&self, settings: Settings) {
        apply_style(settings.style);
        self.imp().settings.replace(settings);
        self.save_settings();
        self.find_generator();
    }

    fn save_settings(&self) {
        let imp = self.imp();
        let Some(path) = imp.settings_path.borrow().clone() else {
            return;
        };
        if let Err(e) = imp.settings.borrow().save(&path) {
            self.toast(&e.to_string());
        }
    }

    fn on_close(&self) {
        self.cancel();
        let (w, h) = self.default_size();
        {
            let mut s = self.imp().settings.borrow_mut();
            s.maximized = self.is_maximized();
            if !s.maximized && w > 0 && h > 0 {
                s.width = w;
                s.height = h;
            }
        }
        self.save_settings();
        self.save_session();
    }

    /// Shows a short message at the bottom of the window.
    pub fn toast(&self, text: &str) {
        let toast = adw::Toast::new(&glib::markup_escape_text(text));
        toast.set_timeout(6);
        self.imp().toasts.add_toast(toast);
    }

    /// Shows a problem that needs the user to do something.
    pub fn alert(&self, heading: &str, body: &str) {
        let dialog = adw::MessageDialog::new(Some(self), Some(heading), Some(body));
        dialog.add_response("close", "_Close");
        dialog.set_default_response(Some("close"));
        dialog.present();
    }

    /// The OCR settings from the window's settings.
    fn ocr_options(&self) -> OcrOptions {
        OcrOptions {
            lang: self.imp().settings.borrow().language.clone(),
            ..OcrOptions::default()
        }
    }

    // ---- pages ----

    /// Adds image files (or the images in folders) to the list and starts reading them.
    pub fn add_files(&self, paths: Vec<PathBuf>) {
        let imp = self.imp();
        let mut added = Vec::new();
        let inputs = ocr_core::collect_inputs(&paths, &ocr_core::InputOptions::default());
        let mut passed: Vec<String> = inputs
            .skipped
            .iter()
            .map(|s| format!("{}: skipped, {}", s.path.display(), s.reason))
            .collect();
        passed.extend(
            inputs
                .texts
                .iter()
                .map(|t| format!("{}: skipped, a text file (add images)", t.display())),
        );
        if let Some(first) = passed.first() {
            match passed.len() {
                1 => self.toast(first),
                n => self.toast(&format!("{first} (and {} more)", n - 1)),
            }
        }
        if inputs.images.is_empty() && paths.iter().any(|p| p.is_dir()) {
            self.toast("no images in the folder");
        }
        for path in inputs.images {
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            if !is_image(&path) {
                self.toast(&format!(
                    "{}: not an image this app reads ({})",
                    path.display(),
                    IMAGE_EXTENSIONS.join(", ")
                ));
                continue;
            }
            // A multi-page TIFF is one entry per page (`scan.tif#2`), as ocr_batch reads it.
            for path in ocr_core::pages_of(std::slice::from_ref(&path)) {
                if imp.pages.borrow().iter().any(|p| p.path == path) {
                    self.toast(&format!("{} is already in the list", file_name(&path)));
                    continue;
                }
                self.push_page(path.clone(), PageState::Waiting, None);
                added.push(path);
            }
        }
        if added.is_empty() {
            return;
        }
        if let Some(folder) = added[0].parent() {
            imp.settings.borrow_mut().last_folder = Some(folder.to_owned());
        }
        work::pictures(added, imp.tx.clone());
        self.update_pages_view();
        if imp.current.get().is_none() {
            self.select_page(0);
        }
        self.start_reading();
        self.queue_save();
    }

    /// Adds a page at the end of the list, with its text when it has been read.
    fn push_page(
        &self,
        path: PathBuf,
        state: PageState,
        text: Option<(gtk::TextBuffer, Vec<(gtk::TextTag, BBox)>)>,
    ) {
        let imp = self.imp();
        let row = PageRow::new(&file_name(&path));
        let (buffer, words) = text.map_or((None, Vec::new()), |(b, w)| (Some(b), w));
        let entry = PageEntry {
            path,
            state,
            row: row.clone(),
            photo: None,
            prepared: None,
            prepare_asked: false,
            buffer,
            words,
            cards: 0,
            no_cards: None,
        };
        entry.show_status();
        imp.page_list.append(&row);
        imp.pages.borrow_mut().push(entry);
    }

    /// Selects the page at `index` in the list.
    pub fn select_page(&self, index: usize) {
        let imp = self.imp();
        if let Some(row) = imp
            .page_list
            .row_at_index(i32::try_from(index).unwrap_or(i32::MAX))
        {
            imp.page_list.select_row(Some(&row));
        }
    }

    fn start_reading(&self) {
        let imp = self.imp();
        if imp.reading.get() {
            return;
        }
        let paths: Vec<PathBuf> = {
            let mut pages = imp.pages.borrow_mut();
            pages
                .iter_mut()
                .filter(|p| matches!(p.state, PageState::Waiting))
                .map(|p| {
                    p.state = PageState::Reading;
                    p.show_status();
                    p.path.clone()
                })
                .collect()
        };
        if paths.is_empty() {
            return;
        }
        let cancel = Arc::new(AtomicBool::new(false));
        imp.read_cancel.replace(Arc::clone(&cancel));
        imp.reading.set(true);
        imp.progress.set_fraction(0.0);
        imp.progress.set_text(Some(&match paths.len() {
            1 => "Reading 1 page…".to_owned(),
            n => format!("Reading {n} pages…"),
        }));
        work::read(paths, self.ocr_options(), cancel, imp.tx.clone());
        self.update_actions();
    }

    fn read_again(&self) {
        let imp = self.imp();
        for p in imp.pages.borrow_mut().iter_mut() {
            p.state = PageState::Waiting;
            p.buffer = None;
            p.words.clear();
            p.prepared = None;
            p.prepare_asked = false;
            p.show_status();
        }
        if let Some(i) = imp.current.get() {
            self.show_page(i);
        }
        self.start_reading();
        self.queue_save();
    }

    fn remove_page(&self) {
        let imp = self.imp();
        let Some(i) = imp.current.get() else { return };
        let entry = {
            let mut pages = imp.pages.borrow_mut();
            if i >= pages.len() {
                return;
            }
            pages.remove(i)
        };
        imp.current.set(None);
        imp.page_list.remove(&entry.row);
        self.update_pages_view();
        let left = imp.pages.borrow().len();
        if left > 0 {
            self.select_page(i.min(left - 1));
        } else {
            self.clear_page_view();
        }
        self.update_actions();
        self.queue_save();
    }

    fn update_pages_view(&self) {
        let imp = self.imp();
        let empty = imp.pages.borrow().is_empty();
        imp.pages_stack
            .set_visible_child_name(if empty { "empty" } else { "content" });
    }

    fn clear_page_view(&self) {
        let imp = self.imp();
        imp.photo.set_picture(None, (0, 0));
        imp.prepared.set_picture(None, (0, 0));
        imp.text.set_buffer(Some(&gtk::TextBuffer::new(None)));
        imp.page_info.set_text("");
    }

    /// Shows the page at `index`: photo, prepared image, text.
    fn show_page(&self, index: usize) {
        let imp = self.imp();
        imp.current.set(Some(index));
        self.show_masks();
        let mut ask_prepare = None;
        {
            let mut pages = imp.pages.borrow_mut();
            let Some(entry) = pages.get_mut(index) else {
                return;
            };
            match &entry.photo {
                Some((t, size)) => imp.photo.set_picture(Some(t), *size),
                None => imp.photo.set_picture(None, (0, 0)),
            }
            imp.prepared
                .set_picture(entry.prepared.as_ref(), prepared_size(entry));
            // A page read now comes with its prepared image; one read earlier is prepared here.
            if entry.prepared.is_none()
                && !entry.prepare_asked
                && matches!(entry.state, PageState::Read { .. })
            {
                entry.prepare_asked = true;
                ask_prepare = Some(entry.path.clone());
            }
            let preparing = entry.prepared.is_none()
                && (entry.prepare_asked
                    || matches!(entry.state, PageState::Waiting | PageState::Reading));
            imp.prepared_spinner.set_visible(preparing);
            imp.prepared_spinner.set_spinning(preparing);
            let (status, _) = entry.status();
            match (&entry.state, &entry.buffer) {
                (PageState::Read { page, .. }, Some(buffer)) => {
                    imp.text.set_buffer(Some(buffer));
                    imp.text.set_editable(true);
                    let low: Vec<BBox> = page
                        .words()
                        .filter(|w| w.confidence < LOW_CONFIDENCE)
                        .map(|w| w.bbox)
                        .collect();
                    imp.photo.set_marked(low.clone());
                    let mean = page.mean_confidence().unwrap_or(0.0);
                    let unsure = match low.len() {
                        0 => "Tesseract was sure of every word.".to_owned(),
                        1 => "The 1 word Tesseract was unsure of is underlined and shaded on the \
                              photo: click a word to see where it is."
                            .to_owned(),
                        n => format!(
                            "The {n} words Tesseract was unsure of are underlined and shaded on \
                             the photo: click a word to see where it is."
                        ),
                    };
                    imp.page_info.set_text(&format!(
                        "{} words, mean confidence {mean:.0}%. {unsure} The text can be corrected \
                         before making cards.",
                        page.word_count(),
                    ));
                }
                _ => {
                    imp.text.set_buffer(Some(&gtk::TextBuffer::new(None)));
                    imp.text.set_editable(false);
                    imp.page_info.set_text(&status);
                }
            }
        }
        if let Some(path) = ask_prepare {
            work::prepare(path, self.ocr_options(), imp.tx.clone());
        }
        self.update_actions();
    }

    /// Builds the editable text of a page, each word tagged so a click can find its box.
    fn text_of(&self, page: &Page) -> (gtk::TextBuffer, Vec<(gtk::TextTag, BBox)>) {
        let buffer = gtk::TextBuffer::new(None);
        let table = buffer.tag_table();
        let low = gtk::TextTag::builder()
            .name("low-confidence")
            .underline(pango::Underline::Error)
            .background_rgba(&gdk::RGBA::new(0.96, 0.65, 0.14, 0.25))
            .build();
        table.add(&low);
        let (text, spans) = page.text_with_spans(true);
        buffer.set_text(&text);
        let mut chars = 0usize;
        let mut byte = 0usize;
        let mut offset = |to: usize| {
            chars += text[byte..to].chars().count();
            byte = to;
            i32::try_from(chars).unwrap_or(i32::MAX)
        };
        let mut words = Vec::new();
        for (w, span) in page.words().zip(spans) {
            let start = offset(span.start);
            let end = offset(span.end);
            let tag = gtk::TextTag::new(None);
            table.add(&tag);
            let (a, b) = (buffer.iter_at_offset(start), buffer.iter_at_offset(end));
            buffer.apply_tag(&tag, &a, &b);
            if w.confidence < LOW_CONFIDENCE {
                buffer.apply_tag(&low, &a, &b);
            }
            words.push((tag, w.bbox));
        }
        buffer.set_modified(false);
        buffer.connect_changed(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |_| window.queue_save()
        ));
        buffer.connect_mark_set(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |_, iter, mark| {
                if mark.name().as_deref() == Some("insert") {
                    window.show_word_at(iter);
                }
            }
        ));
        (buffer, words)
    }

    fn show_word_at(&self, iter: &gtk::TextIter) {
        let imp = self.imp();
        let Some(i) = imp.current.get() else { return };
        let pages = imp.pages.borrow();
        let Some(entry) = pages.get(i) else { return };
        let tags = iter.tags();
        let found = entry
            .words
            .iter()
            .find(|(t, _)| tags.contains(t))
            .map(|(_, b)| *b);
        imp.photo.set_highlight(found);
    }

    /// The occlusion card of the page shown, if it has one.
    fn occlusion_card(&self) -> Option<CardObject> {
        let imp = self.imp();
        let path = {
            let pages = imp.pages.borrow();
            pages.get(imp.current.get()?)?.path.clone()
        };
        imp.cards
            .iter::<CardObject>()
            .flatten()
            .find(|c| c.occlusion_image().as_deref() == Some(path.as_path()))
    }

    /// Draws the masks of the page's occlusion card over its photo (none without one).
    pub fn show_masks(&self) {
        let masks = self.occlusion_card().map_or_else(Vec::new, |c| {
            c.masks()
                .iter()
                .map(|m| {
                    let [x, y, w, h] = m.region;
                    BBox::new(x, y, w, h)
                })
                .collect()
        });
        self.imp().photo.set_masks(masks);
    }

    /// On a page with an occlusion card, removes the mask under point (`x`, `y`) of the photo,
    /// or hides the word there under a new one; returns whether a mask changed.
    pub fn toggle_mask_at(&self, x: f64, y: f64) -> bool {
        let imp = self.imp();
        let Some(card) = self.occlusion_card() else {
            return false;
        };
        let Some((px, py)) = imp.photo.to_source(x, y) else {
            return false;
        };
        let word = {
            let pages = imp.pages.borrow();
            imp.current
                .get()
                .and_then(|i| pages.get(i))
                .and_then(|entry| match &entry.state {
                    PageState::Read { page, .. } => page
                        .words()
                        .filter(|w| w.bbox.contains(px, py) && !w.text.trim().is_empty())
                        .min_by_key(|w| u64::from(w.bbox.width) * u64::from(w.bbox.height))
                        .map(|w| (w.text.clone(), w.bbox)),
                    _ => None,
                })
        };
        let changed = card.toggle_mask(px, py, word);
        if changed {
            self.show_masks();
        }
        changed
    }

    /// Puts the cursor on the word under point (`x`, `y`) of the photo; returns its index.
    pub fn select_word_at(&self, x: f64, y: f64) -> Option<usize> {
        let imp = self.imp();
        let (px, py) = imp.photo.to_source(x, y)?;
        let index = {
            let pages = imp.pages.borrow();
            let entry = pages.get(imp.current.get()?)?;
            // The smallest box holding the point, so a word wins over a line drawn around it.
            entry
                .words
                .iter()
                .enumerate()
                .filter(|(_, (_, b))| b.contains(px, py))
                .min_by_key(|(_, (_, b))| u64::from(b.width) * u64::from(b.height))
                .map(|(i, _)| i)?
        };
        self.select_word(index)?;
        imp.text.grab_focus();
        Some(index)
    }

    /// Puts the cursor on the `index`th word of the page shown; returns the word's box.
    pub fn select_word(&self, index: usize) -> Option<BBox> {
        let imp = self.imp();
        let (buffer, tag) = {
            let pages = imp.pages.borrow();
            let entry = pages.get(imp.current.get()?)?;
            (entry.buffer.clone()?, entry.words.get(index)?.0.clone())
        };
        let mut iter = buffer.start_iter();
        if !iter.starts_tag(Some(&tag)) && !iter.forward_to_tag_toggle(Some(&tag)) {
            return None;
        }
        buffer.place_cursor(&iter);
        imp.text.scroll_to_iter(&mut iter, 0.1, false, 0.0, 0.0);
        imp.photo.highlight()
    }

    // ---- jobs reporting back ----

    fn entry_index(&self, path: &Path) -> Option<usize> {
        self.imp()
            .pages
            .borrow()
            .iter()
            .position(|p| p.path == path)
    }

    fn handle(&self, msg: Msg) {
        let imp = self.imp();
        match msg {
            Msg::Picture {
                path,
                thumb,
                shown,
                size,
            } => {
                let Some(i) = self.entry_index(&path) else {
                    return;
                };
                let shown = texture(shown);
                {
                    let mut pages = imp.pages.borrow_mut();
                    pages[i].row.set_thumb(&texture(thumb));
                    pages[i].photo = Some((shown, size));
                }
                if imp.current.get() == Some(i) {
                    self.show_page(i);
                }
                self.refresh_cards_of(&path);
            }
            Msg::Prepared { path, image } => {
                let Some(i) = self.entry_index(&path) else {
                    return;
                };
                imp.pages.borrow_mut()[i].prepared = Some(texture(image));
                if imp.current.get() == Some(i) {
                    self.show_page(i);
                }
            }
            Msg::PictureFailed { path, error } => {
                if let Some(i) = self.entry_index(&path) {
                    let mut pages = imp.pages.borrow_mut();
                    let entry = &mut pages[i];
                    if !matches!(entry.state, PageState::Read { .. }) {
                        entry.state = PageState::Failed(error.clone());
                        entry.show_status();
                    }
                }
                self.toast(&error);
            }
            Msg::ReadProgress { done, total } => {
                imp.progress.set_fraction(done as f64 / total.max(1) as f64);
                imp.progress
                    .set_text(Some(&format!("Reading pages: {done} of {total}")));
            }
            Msg::Read {
                path,
                result,
                cached,
                cancelled,
                prepared,
            } => {
                if let (Some(image), Some(i)) = (prepared, self.entry_index(&path)) {
                    let mut pages = imp.pages.borrow_mut();
                    pages[i].prepared = Some(texture(image));
                    pages[i].prepare_asked = true;
                }
                self.page_read(&path, result, cached, cancelled);
            }
            Msg::ReadingDone { error } => {
                imp.reading.set(false);
                if let Some(e) = error {
                    for p in imp.pages.borrow_mut().iter_mut() {
                        if matches!(p.state, PageState::Reading) {
                            p.state = PageState::Failed(e.clone());
                            p.show_status();
                        }
                    }
                    self.alert(
                        "Cannot Read the Pages",
                        &format!(
                            "{e}\n\nCheck the page language in Preferences: it takes Tesseract \
                             codes such as eng, fra or eng+deu, and each needs its language data \
                             installed (Debian: tesseract-ocr-fra and so on)."
                        ),
                    );
                }
                if let Some(i) = imp.current.get() {
                    self.show_page(i);
                }
                if imp.read_cancel.borrow().load(Ordering::Relaxed) {
                    self.update_actions();
                } else {
                    self.start_reading();
                    self.update_actions();
                }
            }
            Msg::CardsProgress { done, total } => {
                imp.progress.set_fraction(done as f64 / total.max(1) as f64);
                imp.progress
                    .set_text(Some(&format!("Making cards: {done} of {total} pages")));
            }
            Msg::CardsDone(result) => self.cards_made(result),
            Msg::Generator(line) => {
                imp.cards_empty.set_description(Some(&format!(
                    "Open some pages, then make cards from them. {line}"
                )));
                imp.generate_button
                    .set_tooltip_text(Some(&format!("Make Cards from the Pages (Ctrl+G). {line}")));
            }
            Msg::Exported(result) => {
                imp.exporting.set(false);
                let cards = imp.exporting_cards.take();
                self.update_actions();
                match result {
                    Ok((path, s)) => {
                        let toast = adw::Toast::new(&glib::markup_escape_text(&format!(
                            "Saved {} notes ({} cards) to {}",
                            s.notes,
                            s.cards,
                            file_name(&path)
                        )));
                        toast.set_timeout(8);
                        if let Some(folder) = path.parent() {
                            toast.set_button_label(Some("_Open Folder"));
                            toast.set_action_name(Some("win.open-folder"));
                            toast.set_action_target_value(Some(
                                &folder.display().to_string().to_variant(),
                            ));
                        }
                        imp.toasts.add_toast(toast);
                        let written = self.report_problems(cards, &s.problems);
                        if written.len() < imp.cards.n_items() as usize {
                            imp.after_export.set(None);
                        }
                        self.cards_exported(written, true);
                    }
                    Err(e) => {
                        imp.after_export.set(None);
                        self.alert("Cannot Export the Deck", &e);
                    }
                }
            }
            Msg::Sent(result) => {
                imp.exporting.set(false);
                let cards = imp.exporting_cards.take();
                match result {
                    Ok(s) => {
                        self.toast(&format!(
                            "Added {} notes to Anki; {} were there already",
                            s.notes, s.duplicates
                        ));
                        let written = self.report_problems(cards, &s.problems);
                        self.cards_exported(written, false);
                    }
                    Err(e) => self.alert(
                        "Cannot Send the Cards to Anki",
                        &format!(
                            "{e}\n\nOpen Anki with the AnkiConnect add-on installed (code \
                             2055492159), check its address in Preferences, or export an Anki \
                             package instead."
                        ),
                    ),
                }
                self.update_actions();
            }
        }
    }

    fn page_read(&self, path: &Path, result: Result<Page, String>, cached: bool, cancelled: bool) {
        let imp = self.imp();
        let Some(i) = self.entry_index(path) else {
            return;
        };
        let mut error = None;
        let built = match &result {
            Ok(page) => Some(self.text_of(page)),
            Err(_) => None,
        };
        {
            let mut pages = imp.pages.borrow_mut();
            let entry = &mut pages[i];
            entry.state = match result {
                Ok(page) => {
                    if let Some((buffer, words)) = built {
                        entry.buffer = Some(buffer);
                        entry.words = words;
                    }
                    PageState::Read {
                        page: Box::new(page),
                        from: if cached {
                            ReadFrom::Cache
                        } else {
                            ReadFrom::Tesseract
                        },
                    }
                }
                Err(_) if cancelled => PageState::Waiting,
                Err(e) => {
                    error = Some(e.clone());
                    PageState::Failed(e)
                }
            };
            entry.show_status();
        }
        if let Some(e) = error {
            self.toast(&e);
        }
        if imp.current.get() == Some(i) {
            self.show_page(i);
        }
        self.update_actions();
        self.queue_save();
    }

    // ---- cards ----

    fn generate(&self) {
        let imp = self.imp();
        if imp.generating.get() {
            return;
        }
        let settings = self.settings();
        if let Err(e) = anki_export::validate_deck_name(&settings.deck) {
            self.alert(
                "The Deck Name Cannot Be Used",
                &format!("{e}\n\nChange it in Preferences."),
            );
            return;
        }
        let (paths, documents): (Vec<PathBuf>, Vec<Document>) = imp
            .pages
            .borrow()
            .iter()
            .filter_map(|p| match (&p.state, &p.buffer) {
                (PageState::Read { page, .. }, Some(buffer)) if buffer.is_modified() => {
                    let text = buffer.text(&buffer.start_iter(), &buffer.end_iter(), false);
                    Some((p.path.clone(), Document::from_corrected(page, &text)))
                }
                (PageState::Read { page, .. }, _) => {
                    Some((p.path.clone(), Document::from_page(page)))
                }
                _ => None,
            })
            .unzip();
        imp.generating_pages.replace(paths);
        if documents.is_empty() {
            self.toast("No page has been read yet");
            return;
        }
        let choice = Self::generator_choice(&settings);
        imp.generating.set(true);
        imp.progress.set_fraction(0.0);
        imp.progress.set_text(Some(&format!(
            "Making cards from {}…",
            match documents.len() {
                1 => "1 page".to_owned(),
                n => format!("{n} pages"),
            }
        )));
        self.update_actions();
        if choice.kind != BackendKind::OpenAi {
            self.start_generating(documents, choice, &settings);
            return;
        }
        // The key: the one saved in the keyring for this server, else the environment variable.
        glib::spawn_future_local(glib::clone!(
            #[weak(rename_to = window)]
            self,
            async move {
                let server = keyring::server_for(&settings.base_url);
                let env = ApiKey::from_env(&settings.api_key_env);
                let api_key = match keyring::lookup(&server).await {
                    Ok(Some(key)) => ApiKey::new(key),
                    Ok(None) => env,
                    Err(e) => {
                        window.toast(&format!("{e}; using ${} instead", settings.api_key_env));
                        env
                    }
                };
                let choice = GeneratorChoice { api_key, ..choice };
                window.start_generating(documents, choice, &settings);
            }
        ));
    }

    fn start_generating(
        &self,
        documents: Vec<Document>,
        choice: GeneratorChoice,
        settings: &Settings,
    ) {
        let imp = self.imp();
        let cancel = Arc::new(AtomicBool::new(false));
        imp.generate_cancel.replace(Arc::clone(&cancel));
        work::generate(
            documents,
            (choice, settings.automatic()),
            settings.card_options(),
            cancel,
            imp.tx.clone(),
        );
    }

    /// Saves an API key in the keyring for `server`, saying so or why not.
    pub fn save_api_key(&self, server: String, key: String) {
        glib::spawn_future_local(glib::clone!(
            #[weak(rename_to = window)]
            self,
            async move {
                match keyring::store(&server, &key).await {
                    Ok(()) => {
                        window.toast(&format!("The API key for {server} is saved in the keyring"))
                    }
                    Err(e) => window.alert(
                        "The API Key Was Not Saved",
                        &format!(
                            "{e}.\n\nThe key is not kept anywhere else. Start a keyring (such as \
                             GNOME Keyring), or set the environment variable named in Preferences \
                             before starting the app."
                        ),
                    ),
                }
            }
        ));
    }

    fn cards_made(&self, outcome: work::Generated) {
        let imp = self.imp();
        imp.generating.set(false);
        self.update_actions();
        let made = match outcome {
            work::Generated::Made(m) => m,
            work::Generated::Stopped => {
                self.toast("Stopped making cards");
                return;
            }
            work::Generated::Failed(e) => {
                self.cannot_make_cards(&e);
                return;
            }
        };
        // Each page says how it went: a count in its row, or why it gave no card.
        let paths = imp.generating_pages.take();
        {
            let mut pages = imp.pages.borrow_mut();
            for (path, result) in paths.iter().zip(&made.per_document) {
                if let Some(entry) = pages.iter_mut().find(|p| &p.path == path) {
                    entry.no_cards = match result {
                        Ok(0) => Some(
                            "no cards: nothing on it the generator could make cards from".into(),
                        ),
                        Ok(_) => None,
                        Err(e) => Some(format!("no cards: {e}")),
                    };
                    entry.show_status();
                }
            }
        }
        // A card is known by its id or by its content: made again from corrected text, the same
        // card gets another id (the page changed) but keeps its content.
        let cards = self.cards();
        let known: HashSet<String> = cards
            .iter()
            .map(Card::guid)
            .chain(cards.iter().map(Card::content_guid))
            .collect();
        let mut added = 0;
        for card in made.cards {
            if !known.contains(&card.guid()) && !known.contains(&card.content_guid()) {
                imp.cards.append(&CardObject::new(card));
                added += 1;
            }
        }
        let report = &made.report;
        let mut line = format!("Made {added} new cards");
        let dropped = report.dropped_total();
        if dropped > 0 {
            let reasons: Vec<String> = report
                .dropped
                .iter()
                .map(|(r, n)| format!("{n} {r}"))
                .collect();
            line.push_str(&format!("; left out {dropped}: {}", reasons.join(", ")));
        }
        if let Some(why) = &made.stood_in {
            line.push_str(&format!(
                " with the built-in reader, as no model server answered ({why})"
            ));
        }
        if report.flagged > 0 {
            line.push_str(&format!(
                "; {} kept but tagged unverified (quote not found on the page)",
                report.flagged
            ));
        }
        imp.cards_info.set_text(&line);
        self.toast(&line);
        if !made.errors.is_empty() {
            self.alert("Some Pages Got No Cards", &made.errors.join("\n"));
        }
        if added > 0 {
            imp.stack.set_visible_child_name("cards");
        }
    }

    /// Says why no card could be made, with the ways out as buttons.
    fn cannot_make_cards(&self, error: &str) {
        let body = format!(
            "{error}\n\nStart the model server and try again, check its address and model in \
             Preferences, or make the cards with the built-in reader, which needs no model and \
             reads vocabulary lists, Q/A lines and glossaries."
        );
        let responses = [
            ("preferences", "Open _Preferences"),
            ("retry", "_Try Again"),
            ("builtin", "Use _Built-in Reader"),
        ];
        self.ask(
            "Cannot Make Cards",
            &body,
            &responses,
            |window, response| match response {
                "builtin" => {
                    window.set_settings(Settings {
                        backend: BackendKind::Builtin.name().into(),
                        ..window.settings()
                    });
                    window.generate();
                }
                "retry" => window.generate(),
                "preferences" => window.preferences().present(),
                _ => {}
            },
        )
        .present();
    }

    /// Puts the page's name and card count over the first card of each page in the list.
    fn card_header(&self, row: &gtk::ListBoxRow, before: Option<&gtk::ListBoxRow>) {
        let image_of = |r: &gtk::ListBoxRow| {
            r.downcast_ref::<CardRow>()
                .and_then(CardRow::card)
                .and_then(|c| c.card().source.map(|s| s.image))
        };
        let image = image_of(row);
        if before.is_some_and(|b| image_of(b) == image) {
            row.set_header(None::<&gtk::Widget>);
            return;
        }
        let n = self
            .cards()
            .iter()
            .filter(|c| c.source.as_ref().map(|s| &s.image) == image.as_ref())
            .count();
        let name = image
            .as_deref()
            .map_or_else(|| "Added by hand".to_owned(), file_name);
        let label = gtk::Label::builder()
            .label(match n {
                1 => format!("{name} · 1 card"),
                n => format!("{name} · {n} cards"),
            })
            .xalign(0.0)
            .margin_start(12)
            .margin_top(12)
            .margin_bottom(6)
            .css_classes(["heading"])
            .build();
        row.set_header(Some(&label));
    }

    /// Counts each page's cards and shows the count in its row.
    fn count_cards(&self) {
        let cards = self.cards();
        for entry in self.imp().pages.borrow_mut().iter_mut() {
            let n = cards
                .iter()
                .filter(|c| c.source.as_ref().is_some_and(|s| s.image == entry.path))
                .count();
            if n != entry.cards {
                entry.cards = n;
                entry.show_status();
            }
        }
    }

    /// The page a card comes from, when it is in the list and read, and its picture when it is
    /// decoded.
    fn source_of(&self, card: &Card) -> (Option<Page>, Option<Picture>) {
        let Some(image) = card.source.as_ref().map(|s| &s.image) else {
            return (None, None);
        };
        let pages = self.imp().pages.borrow();
        let Some(entry) = pages.iter().find(|p| &p.path == image) else {
            return (None, None);
        };
        let page = match &entry.state {
            PageState::Read { page, .. } => Some((**page).clone()),
            _ => None,
        };
        (page, entry.photo.clone())
    }

    /// Makes the rows of the cards from `path` again, once its picture is there to cut from.
    fn refresh_cards_of(&self, path: &Path) {
        let store = &self.imp().cards;
        for i in 0..store.n_items() {
            let from_here = store
                .item(i)
                .and_downcast::<CardObject>()
                .and_then(|c| c.card().source.map(|s| s.image == path))
                .unwrap_or(false);
            if from_here {
                store.items_changed(i, 1, 1);
            }
        }
    }

    /// The cards in the list, as they are now.
    pub fn cards(&self) -> Vec<Card> {
        let store = &self.imp().cards;
        (0..store.n_items())
            .filter_map(|i| store.item(i).and_downcast::<CardObject>())
            .map(|c| c.card())
            .collect()
    }

    fn add_card(&self) {
        let imp = self.imp();
        let mut card = Card::basic("", "").with_new_id();
        if let Some(i) = imp.current.get()
            && let Some(p) = imp.pages.borrow().get(i)
        {
            card = card.with_source(p.path.clone(), None);
        }
        imp.cards.append(&CardObject::new(card));
        imp.stack.set_visible_child_name("cards");
        if let Some(row) = imp
            .card_list
            .row_at_index(i32::try_from(imp.cards.n_items()).unwrap_or(1) - 1)
        {
            row.child_focus(gtk::DirectionType::TabForward);
        }
    }

    /// Deletes the card at `index`, with a toast that can bring it back; the next card takes
    /// the focus, so the list stays where it was.
    fn delete_card(&self, index: u32) {
        let imp = self.imp();
        let Some(card) = imp.cards.item(index).and_downcast::<CardObject>() else {
            return;
        };
        imp.cards.remove(index);
        imp.deleted.replace(Some((index, card)));
        let toast = adw::Toast::new("Card deleted");
        toast.set_button_label(Some("_Undo"));
        toast.set_action_name(Some("win.undo-delete"));
        toast.set_timeout(8);
        imp.toasts.add_toast(toast);
        let n = imp.cards.n_items();
        if n > 0
            && let Some(row) = imp
                .card_list
                .row_at_index(i32::try_from(index.min(n - 1)).unwrap_or(0))
        {
            row.grab_focus();
        }
    }

    /// Puts the card deleted last back where it was.
    fn undo_delete(&self) {
        let imp = self.imp();
        let Some((index, card)) = imp.deleted.take() else {
            return;
        };
        let index = index.min(imp.cards.n_items());
        imp.cards.insert(index, &card);
        if let Some(row) = imp
            .card_list
            .row_at_index(i32::try_from(index).unwrap_or(0))
        {
            row.grab_focus();
        }
    }

    fn update_cards_view(&self) {
        let imp = self.imp();
        let n = imp.cards.n_items();
        imp.cards_stack
            .set_visible_child_name(if n == 0 { "empty" } else { "content" });
        if imp.cards_info.text().is_empty() && n > 0 {
            imp.cards_info.set_text(&format!("{n} cards"));
        }
        self.update_actions();
    }

    /// The deck to export, or why it cannot be exported.
    /// Every card goes: the exporter writes those that can become notes and names the others.
    fn deck(&self) -> Result<Deck, String> {
        let name = self.imp().settings.borrow().deck.clone();
        let cards = self.cards();
        if cards.is_empty() {
            return Err("There are no cards to export.".into());
        }
        Deck::new(name, cards).map_err(|e| e.to_string())
    }

    /// After an export of `cards` that left some out or wrote some without their image: lists
    /// each with its page and why, with a button that shows the card. Returns the cards written.
    fn report_problems(
        &self,
        cards: Vec<Card>,
        problems: &[anki_export::ExportError],
    ) -> Vec<Card> {
        use anki_export::ExportError;
        let mut left_out = HashSet::new();
        let list = gtk::ListBox::new();
        list.add_css_class("boxed-list");
        list.set_selection_mode(gtk::SelectionMode::None);
        for problem in problems {
            let (index, reason) = match problem {
                ExportError::InvalidCard { index, reason } => {
                    left_out.insert(*index);
                    (*index, format!("left out: {reason}"))
                }
                ExportError::Media { index, reason, .. } => {
                    (*index, format!("written without its image: {reason}"))
                }
                other => (0, other.to_string()),
            };
            let card = index.checked_sub(1).and_then(|i| cards.get(i));
            let first = card.map_or_else(String::new, |c| {
                c.kind
                    .identity_fields()
                    .first()
                    .map_or_else(String::new, |f| (*f).to_owned())
            });
            let page = card
                .and_then(|c| c.source.as_ref())
                .map(|s| file_name(&s.image));
            let row = adw::ActionRow::builder()
                .title(glib::markup_escape_text(if first.trim().is_empty() {
                    "(empty card)"
                } else {
                    first.as_str()
                }))
                .subtitle(glib::markup_escape_text(&match page {
                    Some(p) => format!("{p} · {reason}"),
                    None => reason,
                }))
                .build();
            if let Some(card) = card.cloned() {
                let show = gtk::Button::builder()
                    .label("Show")
                    .valign(gtk::Align::Center)
                    .tooltip_text("Show this card in the list")
                    .build();
                show.connect_clicked(glib::clone!(
                    #[weak(rename_to = window)]
                    self,
                    move |_| window.show_card(&card)
                ));
                row.add_suffix(&show);
            }
            list.append(&row);
        }
        let written: Vec<Card> = cards
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !left_out.contains(&(i + 1)))
            .map(|(_, c)| c)
            .collect();
        if !problems.is_empty() {
            let heading = match left_out.len() {
                0 => "Some Cards Have No Image".to_owned(),
                1 => "1 Card Was Left Out".to_owned(),
                n => format!("{n} Cards Were Left Out"),
            };
            let dialog = adw::MessageDialog::new(
                Some(self),
                Some(&heading),
                Some(&format!(
                    "The other {} cards were written. Correct these and export again: the cards \
                     already in Anki are updated, not added twice.",
                    written.len()
                )),
            );
            let scroll = gtk::ScrolledWindow::builder()
                .child(&list)
                .propagate_natural_height(true)
                .max_content_height(320)
                .hscrollbar_policy(gtk::PolicyType::Never)
                .build();
            dialog.set_extra_child(Some(&scroll));
            dialog.add_response("close", "_Close");
            dialog.present();
        }
        written
    }

    /// Shows the card equal to `card` in the card list, its first text focused.
    fn show_card(&self, card: &Card) {
        let imp = self.imp();
        let Some(i) = self.cards().iter().position(|c| c == card) else {
            return;
        };
        imp.stack.set_visible_child_name("cards");
        if let Some(row) = imp
            .card_list
            .row_at_index(i32::try_from(i).unwrap_or(i32::MAX))
        {
            row.child_focus(gtk::DirectionType::TabForward);
        }
    }

    fn export_dialog(&self) {
        let filter = gtk::FileFilter::new();
        filter.set_name(Some("Anki packages"));
        filter.add_pattern("*.apkg");
        let deck = self.imp().settings.borrow().deck.replace("::", " - ");
        let dialog = self.file_dialog(
            "Export Deck",
            gtk::FileChooserAction::Save,
            "_Export",
            &filter,
            |window, d| {
                if let Some(mut path) = d.file().and_then(|f| f.path()) {
                    if path.extension().is_none() {
                        path.set_extension("apkg");
                    }
                    window.export_to(&path);
                }
            },
        );
        dialog.set_current_name(&format!("{deck}.apkg"));
    }

    /// Writes the cards to an `.apkg` file.
    pub fn export_to(&self, path: &Path) {
        let imp = self.imp();
        let deck = match self.deck() {
            Ok(d) => d,
            Err(e) => {
                imp.after_export.set(None);
                imp.stack.set_visible_child_name("cards");
                self.alert("Cannot Export the Deck", &e);
                return;
            }
        };
        imp.exporting.set(true);
        imp.exporting_cards.replace(deck.cards.clone());
        self.update_actions();
        work::export(deck, path.to_owned(), imp.tx.clone());
    }

    fn send_to_anki(&self) {
        let imp = self.imp();
        let deck = match self.deck() {
            Ok(d) => d,
            Err(e) => {
                self.alert("Cannot Send the Cards to Anki", &e);
                return;
            }
        };
        imp.exporting.set(true);
        imp.exporting_cards.replace(deck.cards.clone());
        self.update_actions();
        let url = imp.settings.borrow().anki_connect_url.clone();
        work::send_to_anki(deck, url, imp.tx.clone());
    }

    /// Opens a folder in the file manager (through the desktop portal when sandboxed).
    fn open_folder(&self, folder: &Path) {
        let uri = gio::File::for_path(folder).uri();
        gtk::show_uri(Some(self), &uri, gdk::CURRENT_TIME);
    }

    fn cancel(&self) {
        let imp = self.imp();
        imp.read_cancel.borrow().store(true, Ordering::Relaxed);
        imp.generate_cancel.borrow().store(true, Ordering::Relaxed);
    }

    fn open_dialog(&self) {
        let filter = gtk::FileFilter::new();
        filter.set_name(Some("Images"));
        for ext in IMAGE_EXTENSIONS {
            filter.add_suffix(ext);
        }
        let dialog = self.file_dialog(
            "Open Images",
            gtk::FileChooserAction::Open,
            "_Open",
            &filter,
            |window, d| {
                let files = d.files();
                let paths: Vec<PathBuf> = (0..files.n_items())
                    .filter_map(|i| files.item(i).and_downcast::<gio::File>())
                    .filter_map(|f| f.path())
                    .collect();
                window.add_files(paths);
            },
        );
        dialog.set_select_multiple(true);
    }

    /// Shows a file dialog that starts in the last folder used and calls `accepted` if the
    /// user accepts; the window keeps it alive until it answers.
    fn file_dialog(
        &self,
        title: &str,
        action: gtk::FileChooserAction,
        accept: &str,
        filter: &gtk::FileFilter,
        accepted: impl Fn(&Window, &gtk::FileChooserNative) + 'static,
    ) -> gtk::FileChooserNative {
        let dialog = gtk::FileChooserNative::new(
            Some(title),
            Some(self),
            action,
            Some(accept),
            Some("_Cancel"),
        );
        dialog.add_filter(filter);
        if let Some(folder) = self.imp().settings.borrow().last_folder.clone() {
            // A folder that is gone leaves the dialog where it would start anyway.
            let _ = dialog.set_current_folder(Some(&gio::File::for_path(folder)));
        }
        dialog.connect_response(glib::clone!(
            #[weak(rename_to = window)]
            self,
            move |d, response| {
                if response == gtk::ResponseType::Accept {
                    accepted(&window, d);
                } else {
                    window.imp().after_export.set(None);
                }
                d.destroy();
                window.imp().dialog.take();
            }
        ));
        dialog.show();
        self.imp().dialog.replace(Some(dialog.clone()));
        dialog
    }

    /// The page entries' states, for tests.
    #[cfg(test)]
    pub fn page_states(&self) -> Vec<String> {
        self.imp()
            .pages
            .borrow()
            .iter()
            .map(|p| p.row.status())
            .collect()
    }

    /// Whether any work is under way.
    pub fn busy(&self) -> bool {
        let imp = self.imp();
        imp.reading.get() || imp.generating.get() || imp.exporting.get()
    }
}

fn is_image(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn prepared_size(entry: &PageEntry) -> (u32, u32) {
    entry.prepared.as_ref().map_or((0, 0), |t| {
        (
            u32::try_from(t.width()).unwrap_or(0),
            u32::try_from(t.height()).unwrap_or(0),
        )
    })
}

/// A texture of the pixels, in the memory layout GTK's renderers draw from as it is.
fn texture(p: Pixels) -> gdk::Texture {
    gdk::MemoryTexture::new(
        i32::try_from(p.width).unwrap_or(1),
        i32::try_from(p.height).unwrap_or(1),
        gdk::MemoryFormat::B8g8r8a8Premultiplied,
        &glib::Bytes::from_owned(p.bgra),
        p.width as usize * 4,
    )
    .upcast()
}

fn apply_style(style: Style) {
    let scheme = match style {
        Style::System => adw::ColorScheme::Default,
        Style::Light => adw::ColorScheme::ForceLight,
        Style::Dark => adw::ColorScheme::ForceDark,
    };
    adw::StyleManager::default().set_color_scheme(scheme);
}
