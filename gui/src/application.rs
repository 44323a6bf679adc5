//! The application: one window, app-wide actions and shortcuts, and files from the command line.

use std::path::PathBuf;

use adw::prelude::*;
use adw::subclass::prelude::*;
use gtk::{gio, glib};

use crate::window::Window;

/// The application ID, also its D-Bus name and resource path.
pub const APP_ID: &str = "io.github.OcrToAnki";

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct Application;

    #[glib::object_subclass]
    impl ObjectSubclass for Application {
        const NAME: &'static str = "OtaApplication";
        type Type = super::Application;
        type ParentType = adw::Application;
    }

    impl ObjectImpl for Application {}

    impl ApplicationImpl for Application {
        fn startup(&self) {
            self.parent_startup();
            let app = self.obj();
            app.add_actions();
            for (action, accels) in [
                ("app.quit", &["<Control>q"][..]),
                ("win.new-session", &["<Control>n"]),
                ("win.open", &["<Control>o"]),
                ("win.export", &["<Control>e"]),
                ("win.generate", &["<Control>g"]),
                ("win.cancel", &["Escape"]),
                ("win.preferences", &["<Control>comma"]),
                ("win.show-help-overlay", &["<Control>question"]),
            ] {
                app.set_accels_for_action(action, accels);
            }
        }

        fn activate(&self) {
            self.obj().window().present();
        }

        fn open(&self, files: &[gio::File], _hint: &str) {
            let window = self.obj().window();
            let paths: Vec<PathBuf> = files.iter().filter_map(gio::File::path).collect();
            window.present();
            window.add_files(paths);
        }
    }

    impl GtkApplicationImpl for Application {}
    impl AdwApplicationImpl for Application {}
}

glib::wrapper! {
    /// The ocr-to-anki desktop application.
    pub struct Application(ObjectSubclass<imp::Application>)
        @extends adw::Application, gtk::Application, gio::Application,
        @implements gio::ActionGroup, gio::ActionMap;
}

impl Default for Application {
    fn default() -> Self {
        glib::Object::builder()
            .property("application-id", APP_ID)
            .property("flags", gio::ApplicationFlags::HANDLES_OPEN)
            .property("resource-base-path", "/io/github/OcrToAnki")
            .build()
    }
}

impl Application {
    /// The window, made on first use.
    fn window(&self) -> Window {
        self.active_window()
            .and_downcast::<Window>()
            .unwrap_or_else(|| Window::new(self))
    }

    fn add_actions(&self) {
        let quit = gio::ActionEntry::builder("quit")
            // Each window is asked to close, so one with work not exported can ask first; the
            // application ends with its last window.
            .activate(|app: &Self, _, _| {
                for w in app.windows() {
                    w.close();
                }
            })
            .build();
        let about = gio::ActionEntry::builder("about")
            .activate(|app: &Self, _, _| app.show_about())
            .build();
        self.add_action_entries([quit, about]);
    }

    fn show_about(&self) {
        let about = adw::AboutWindow::builder()
            .application_name("ocr-to-anki")
            .application_icon("accessories-dictionary-symbolic")
            .developer_name("The ocr-to-anki developers")
            .version(env!("CARGO_PKG_VERSION"))
            .comments(
                "Turns photos and scans of study material into Anki flashcards: every word read, \
                 every card checked against the page.",
            )
            .website(env!("CARGO_PKG_REPOSITORY"))
            .issue_url(format!("{}/issues", env!("CARGO_PKG_REPOSITORY")))
            .license_type(gtk::License::MitX11)
            .build();
        about.add_legal_section(
            "Licence",
            None,
            gtk::License::Custom,
            Some("ocr-to-anki is available under the MIT licence or the Apache License 2.0, at your option."),
        );
        if let Some(w) = self.active_window() {
            about.set_transient_for(Some(&w));
        }
        about.present();
    }
}
