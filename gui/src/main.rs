//! `ocr-to-anki-gui`: review every card before it reaches Anki.
//!
//! A thin GTK 4 and libadwaita frontend over the same crates the CLI uses: `ocr_core` reads the
//! pages, `llm_client` makes the cards, `anki_export` writes them.

mod application;
mod card_object;
mod card_row;
mod files;
mod keyring;
mod page_row;
mod photo_view;
mod preferences;
mod session;
mod settings;
mod window;
mod work;

use gtk::{gio, glib, prelude::*};

/// Makes the bundled layouts and styles available; safe to call more than once.
pub fn register_resources() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        gio::resources_register_include!("ocr-to-anki-gui.gresource")
            .expect("the bundled resources are valid")
    });
}

fn main() -> glib::ExitCode {
    register_resources();
    application::Application::default().run()
}

#[cfg(test)]
mod tests;
