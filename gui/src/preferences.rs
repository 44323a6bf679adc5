//! The Preferences window: which generator, which languages and kinds, which deck, where Anki is.

use adw::prelude::*;
use adw::subclass::prelude::*;
use gtk::{CompositeTemplate, glib};
use llm_client::BackendKind;

use crate::keyring;
use crate::settings::{AUTOMATIC, Settings};

/// The position of "Automatic" in the generator menu, after the backends in their own order.
const AUTOMATIC_INDEX: u32 = BackendKind::ALL.len() as u32;

mod imp {
    use super::*;

    #[derive(Default, CompositeTemplate)]
    #[template(resource = "/io/github/OcrToAnki/ui/preferences.ui")]
    pub struct Preferences {
        /// The settings it was opened with (it edits some of them, keeps the others).
        pub shown: std::cell::RefCell<Settings>,
        #[template_child]
        pub backend: TemplateChild<adw::ComboRow>,
        #[template_child]
        pub base_url: TemplateChild<adw::EntryRow>,
        #[template_child]
        pub model: TemplateChild<adw::EntryRow>,
        #[template_child]
        pub api_key: TemplateChild<adw::PasswordEntryRow>,
        #[template_child]
        pub forget_key: TemplateChild<gtk::Button>,
        #[template_child]
        pub api_key_env: TemplateChild<adw::EntryRow>,
        #[template_child]
        pub languages: TemplateChild<adw::ExpanderRow>,
        #[template_child]
        pub language: TemplateChild<adw::EntryRow>,
        /// One check per installed language, by code.
        pub language_checks: std::cell::RefCell<Vec<(String, gtk::CheckButton)>>,
        #[template_child]
        pub kind_basic: TemplateChild<gtk::Switch>,
        #[template_child]
        pub kind_reversed: TemplateChild<gtk::Switch>,
        #[template_child]
        pub kind_cloze: TemplateChild<gtk::Switch>,
        #[template_child]
        pub kind_vocabulary: TemplateChild<gtk::Switch>,
        #[template_child]
        pub kind_occlusion: TemplateChild<gtk::Switch>,
        #[template_child]
        pub keep_unverified: TemplateChild<gtk::Switch>,
        #[template_child]
        pub max_cards: TemplateChild<gtk::SpinButton>,
        #[template_child]
        pub deck: TemplateChild<adw::EntryRow>,
        #[template_child]
        pub anki_connect_url: TemplateChild<adw::EntryRow>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for Preferences {
        const NAME: &'static str = "OtaPreferences";
        type Type = super::Preferences;
        type ParentType = adw::PreferencesWindow;

        fn class_init(klass: &mut Self::Class) {
            klass.bind_template();
        }

        fn instance_init(obj: &glib::subclass::InitializingObject<Self>) {
            obj.init_template();
        }
    }

    impl ObjectImpl for Preferences {
        fn signals() -> &'static [glib::subclass::Signal] {
            static SIGNALS: std::sync::OnceLock<Vec<glib::subclass::Signal>> =
                std::sync::OnceLock::new();
            SIGNALS.get_or_init(|| {
                vec![
                    // The settings as edited, when the window closes.
                    glib::subclass::Signal::builder("settings-changed")
                        .param_types([Settings::static_type()])
                        .build(),
                    // An API key typed for a server: (server, key), for the keyring only.
                    glib::subclass::Signal::builder("api-key-entered")
                        .param_types([String::static_type(), String::static_type()])
                        .build(),
                ]
            })
        }
    }
    impl WidgetImpl for Preferences {}
    impl WindowImpl for Preferences {
        fn close_request(&self) -> glib::Propagation {
            let obj = self.obj();
            let settings = obj.read(&self.shown.borrow());
            let key = self.api_key.text();
            if settings.backend_kind() == BackendKind::OpenAi && !key.trim().is_empty() {
                let server = keyring::server_for(&settings.base_url);
                obj.emit_by_name::<()>("api-key-entered", &[&server, &key.to_string()]);
            }
            obj.emit_by_name::<()>("settings-changed", &[&settings]);
            self.parent_close_request()
        }
    }
    impl AdwWindowImpl for Preferences {}
    impl PreferencesWindowImpl for Preferences {}
}

glib::wrapper! {
    /// Edits the window's settings; they are applied and saved when it closes.
    pub struct Preferences(ObjectSubclass<imp::Preferences>)
        @extends adw::PreferencesWindow, adw::Window, gtk::Window, gtk::Widget,
        @implements gtk::Buildable, gtk::ConstraintTarget, gtk::Native,
            gtk::Root, gtk::ShortcutManager;
}

impl Preferences {
    /// A Preferences window over `parent`, showing `settings`; what is edited comes back by
    /// the `settings-changed` signal when it closes.
    pub fn new(parent: &impl IsA<gtk::Window>, settings: &Settings) -> Self {
        let prefs: Self = glib::Object::builder()
            .property("transient-for", parent)
            .build();
        prefs.imp().shown.replace(settings.clone());
        prefs.show(settings);
        prefs
    }

    /// Calls `f` with the settings as edited when the window closes.
    pub fn connect_settings_changed(&self, f: impl Fn(Settings) + 'static) {
        self.connect_local("settings-changed", false, move |values| {
            if let Some(s) = values.get(1).and_then(|v| v.get::<Settings>().ok()) {
                f(s);
            }
            None
        });
    }

    /// Calls `f` with (server, key) when an API key was typed, for the keyring.
    pub fn connect_api_key_entered(&self, f: impl Fn(String, String) + 'static) {
        self.connect_local("api-key-entered", false, move |values| {
            let text = |i: usize| values.get(i).and_then(|v| v.get::<String>().ok());
            if let (Some(server), Some(key)) = (text(1), text(2)) {
                f(server, key);
            }
            None
        });
    }

    fn show(&self, s: &Settings) {
        let imp = self.imp();
        let index = if s.automatic() {
            AUTOMATIC_INDEX
        } else {
            let i = BackendKind::ALL.iter().position(|k| *k == s.backend_kind());
            u32::try_from(i.unwrap_or(0)).unwrap_or(0)
        };
        imp.backend.set_selected(index);
        imp.base_url.set_text(&s.base_url);
        imp.model.set_text(&s.model);
        imp.api_key_env.set_text(&s.api_key_env);
        imp.language.set_text(&s.language);
        self.add_language_rows();
        let has = |k: &str| s.kinds.iter().any(|x| x == k);
        imp.kind_basic.set_active(has("basic"));
        imp.kind_reversed.set_active(has("reversed"));
        imp.kind_cloze.set_active(has("cloze"));
        imp.kind_vocabulary.set_active(has("vocabulary"));
        imp.kind_occlusion.set_active(has("occlusion"));
        imp.keep_unverified.set_active(s.keep_unverified);
        imp.max_cards.set_value(s.max_cards as f64);
        imp.deck.set_text(&s.deck);
        imp.anki_connect_url.set_text(&s.anki_connect_url);
        self.update_rows();
        imp.backend.connect_selected_notify(glib::clone!(
            #[weak(rename_to = prefs)]
            self,
            move |_| prefs.update_rows()
        ));
        imp.base_url.connect_changed(glib::clone!(
            #[weak(rename_to = prefs)]
            self,
            move |_| prefs.show_saved_key()
        ));
        imp.forget_key.connect_clicked(glib::clone!(
            #[weak(rename_to = prefs)]
            self,
            move |_| {
                let server = keyring::server_for(&prefs.imp().base_url.text());
                glib::spawn_future_local(async move {
                    let _ = keyring::clear(&server).await;
                    prefs.show_saved_key();
                });
            }
        ));
        self.show_saved_key();
    }

    /// A row with a check for each language whose Tesseract data is installed, by name; the
    /// checks and the codes row follow each other.
    fn add_language_rows(&self) {
        let imp = self.imp();
        let installed = ocr_core::language::data_folder(None)
            .map(|f| ocr_core::language::installed(&f))
            .unwrap_or_default();
        let mut rows: Vec<(String, String)> = installed
            .into_iter()
            .filter(|c| c != "equ")
            .map(|c| (llm_client::language_name(&c), c))
            .collect();
        rows.sort();
        for (name, code) in rows {
            let check = gtk::CheckButton::new();
            let row = adw::ActionRow::builder()
                .title(glib::markup_escape_text(&name))
                .subtitle(&code)
                .activatable_widget(&check)
                .build();
            row.add_prefix(&check);
            check.connect_toggled(glib::clone!(
                #[weak(rename_to = prefs)]
                self,
                #[strong]
                code,
                move |c| prefs.language_toggled(&code, c.is_active())
            ));
            imp.languages.add_row(&row);
            imp.language_checks.borrow_mut().push((code, check));
        }
        imp.language.connect_changed(glib::clone!(
            #[weak(rename_to = prefs)]
            self,
            move |_| prefs.show_languages()
        ));
        self.show_languages();
    }

    /// The codes in the codes row, in order.
    fn language_codes(&self) -> Vec<String> {
        self.imp()
            .language
            .text()
            .split('+')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Adds or removes a language from the codes row, keeping the order of the others.
    fn language_toggled(&self, code: &str, on: bool) {
        let mut codes = self.language_codes();
        // Choosing a language by hand ends guessing it.
        if on {
            codes.retain(|c| !ocr_core::is_auto(c));
        }
        let has = codes.iter().any(|c| c == code);
        if on && !has {
            codes.push(code.to_owned());
        } else if !on && has {
            codes.retain(|c| c != code);
        } else {
            return;
        }
        self.imp().language.set_text(&codes.join("+"));
    }

    /// Checks the languages the codes row names, and names them in the expander's subtitle.
    fn show_languages(&self) {
        let imp = self.imp();
        let codes = self.language_codes();
        for (code, check) in imp.language_checks.borrow().iter() {
            let on = codes.contains(code);
            if check.is_active() != on {
                check.set_active(on);
            }
        }
        let text = imp.language.text();
        imp.languages.set_subtitle(&if codes.is_empty() {
            "None chosen: English is read".to_owned()
        } else if ocr_core::is_auto(&text) {
            "Guessed for each page".to_owned()
        } else {
            glib::markup_escape_text(&llm_client::language_name(&text)).to_string()
        });
    }

    /// The check of a language (for tests).
    #[cfg(test)]
    pub fn language_check(&self, code: &str) -> Option<gtk::CheckButton> {
        self.imp()
            .language_checks
            .borrow()
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, b)| b.clone())
    }

    /// Says in the key row whether a key is saved for the server named now (never showing it).
    fn show_saved_key(&self) {
        if self.kind() != BackendKind::OpenAi {
            return;
        }
        let server = keyring::server_for(&self.imp().base_url.text());
        glib::spawn_future_local(glib::clone!(
            #[weak(rename_to = prefs)]
            self,
            async move {
                let saved = keyring::lookup(&server).await;
                let imp = prefs.imp();
                let (title, can_forget) = match saved {
                    Ok(Some(_)) => (
                        "API Key (one is saved in the keyring; type a new one to replace it)"
                            .to_owned(),
                        true,
                    ),
                    Ok(None) => ("API Key (saved in the keyring)".to_owned(), false),
                    Err(e) => (format!("API Key ({e})"), false),
                };
                imp.api_key.set_title(&title);
                imp.forget_key.set_visible(can_forget);
            }
        ));
    }

    /// Shows only the rows the chosen generator uses, with its defaults as hints.
    fn update_rows(&self) {
        let imp = self.imp();
        let kind = self.kind();
        imp.base_url.set_visible(kind != BackendKind::Builtin);
        imp.model.set_visible(kind != BackendKind::Builtin);
        imp.api_key_env.set_visible(kind == BackendKind::OpenAi);
        imp.api_key.set_visible(kind == BackendKind::OpenAi);
        self.show_saved_key();
        let url_hint = match kind {
            BackendKind::OpenAi => "Server Address (empty: https://api.openai.com/v1)",
            _ => "Server Address (empty: $OLLAMA_HOST or http://localhost:11434)",
        };
        imp.base_url.set_title(url_hint);
        let model_hint = kind
            .default_model()
            .map_or_else(|| "Model".to_owned(), |m| format!("Model (empty: {m})"));
        imp.model.set_title(&model_hint);
    }

    /// The backend whose rows are shown (automatic: Ollama's).
    fn kind(&self) -> BackendKind {
        let i = self.imp().backend.selected() as usize;
        BackendKind::ALL.get(i).copied().unwrap_or_default()
    }

    /// The generator setting chosen.
    fn backend_name(&self) -> &'static str {
        if self.imp().backend.selected() == AUTOMATIC_INDEX {
            AUTOMATIC
        } else {
            self.kind().name()
        }
    }

    /// The settings as edited, on top of `base` (which holds what this window does not show).
    pub fn read(&self, base: &Settings) -> Settings {
        let imp = self.imp();
        let mut kinds = Vec::new();
        for (on, name) in [
            (&imp.kind_basic, "basic"),
            (&imp.kind_reversed, "reversed"),
            (&imp.kind_cloze, "cloze"),
            (&imp.kind_vocabulary, "vocabulary"),
            (&imp.kind_occlusion, "occlusion"),
        ] {
            if on.is_active() {
                kinds.push(name.to_owned());
            }
        }
        let text = |e: &adw::EntryRow| e.text().trim().to_owned();
        let or = |value: String, fallback: &str| {
            if value.is_empty() {
                fallback.to_owned()
            } else {
                value
            }
        };
        let defaults = Settings::default();
        Settings {
            backend: self.backend_name().to_owned(),
            base_url: text(&imp.base_url),
            model: text(&imp.model),
            api_key_env: or(text(&imp.api_key_env), &defaults.api_key_env),
            language: or(text(&imp.language), &defaults.language),
            kinds,
            keep_unverified: imp.keep_unverified.is_active(),
            max_cards: usize::try_from(imp.max_cards.value_as_int())
                .unwrap_or(1)
                .max(1),
            deck: or(text(&imp.deck), &defaults.deck),
            anki_connect_url: or(text(&imp.anki_connect_url), &defaults.anki_connect_url),
            ..base.clone()
        }
    }

    /// The generator menu (for tests).
    #[cfg(test)]
    pub fn backend_row(&self) -> adw::ComboRow {
        self.imp().backend.get()
    }

    /// The API key entry (for tests).
    #[cfg(test)]
    pub fn api_key_row(&self) -> adw::PasswordEntryRow {
        self.imp().api_key.get()
    }

    /// The most-cards spin button (for tests).
    #[cfg(test)]
    pub fn max_cards_button(&self) -> gtk::SpinButton {
        self.imp().max_cards.get()
    }

    /// The language entry (for tests).
    #[cfg(test)]
    pub fn language_row(&self) -> adw::EntryRow {
        self.imp().language.get()
    }
}
