//! The built `ocr-to-anki-gui` started on the shipped sample in a real window (on the display in
//! `DISPLAY`: Xvfb in CI), driven through the actions it exports on D-Bus (`org.gtk.Actions`, the
//! interface every GtkApplication exports), with screenshots of each state under `target/`, and
//! the deck it writes imported by the official Anki backend.

#[path = "../../cli/tests/common/mod.rs"]
#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gtk::glib::prelude::*;
use gtk::{gio, glib};
use ocr_core::{Engine, OcrOptions, recognize_bytes};

const APP_ID: &str = "io.github.OcrToAnki";
const APP_PATH: &str = "/io/github/OcrToAnki";
const WINDOW_PATH: &str = "/io/github/OcrToAnki/window/1";

/// A private D-Bus session bus, stopped when dropped.
struct Bus {
    address: String,
    pid: u32,
}

impl Bus {
    fn start() -> Bus {
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--print-address=1", "--print-pid=1"])
            .output()
            .expect("dbus-daemon runs (Debian package dbus; scripts/install-deps.sh)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let address = lines.next().expect("address").trim().to_owned();
        let pid = lines
            .next()
            .expect("pid")
            .trim()
            .parse()
            .expect("pid number");
        Bus { address, pid }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
    }
}

/// The running app, killed if the test fails before it quits.
struct App {
    child: Child,
    conn: gio::DBusConnection,
    _bus: Bus,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn display() -> String {
    std::env::var("DISPLAY").expect(
        "the GUI tests need an X display: run them through scripts/test.sh, which starts Xvfb",
    )
}

impl App {
    /// Starts the app on `images` with this settings file and a cache of its own.
    fn start(settings: &Path, cache: &Path, images: &[PathBuf]) -> App {
        let bus = Bus::start();
        let child = Command::new(env!("CARGO_BIN_EXE_ocr-to-anki-gui"))
            .args(images)
            .env("DISPLAY", display())
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("OCR_TO_ANKI_GUI_SETTINGS", settings)
            .env("XDG_CACHE_HOME", cache)
            .env("GSK_RENDERER", "cairo")
            .env("NO_AT_BRIDGE", "1")
            .stdout(Stdio::null())
            .spawn()
            .expect("the GUI starts");
        let conn = gio::DBusConnection::for_address_sync(
            &bus.address,
            gio::DBusConnectionFlags::AUTHENTICATION_CLIENT
                | gio::DBusConnectionFlags::MESSAGE_BUS_CONNECTION,
            None,
            gio::Cancellable::NONE,
        )
        .expect("the test bus answers");
        let app = App {
            child,
            conn,
            _bus: bus,
        };
        app.wait_for("the window's actions on D-Bus", 60, || {
            app.describe(WINDOW_PATH, "generate").is_some()
        });
        app
    }

    fn call(&self, path: &str, method: &str, args: glib::Variant) -> Option<glib::Variant> {
        self.conn
            .call_sync(
                Some(APP_ID),
                path,
                "org.gtk.Actions",
                method,
                Some(&args),
                None,
                gio::DBusCallFlags::NONE,
                5000,
                gio::Cancellable::NONE,
            )
            .ok()
    }

    /// Whether the action is enabled, or `None` when the app does not answer.
    fn describe(&self, path: &str, action: &str) -> Option<bool> {
        let reply = self.call(path, "Describe", (action,).into())?;
        // (bgav): enabled, parameter type, state.
        reply.child_value(0).child_value(0).get::<bool>()
    }

    fn activate(&self, path: &str, action: &str, param: Option<glib::Variant>) {
        let params: Vec<glib::Variant> = param.iter().map(glib::Variant::from_variant).collect();
        let args = glib::Variant::tuple_from_iter([
            action.to_variant(),
            glib::Variant::array_from_iter_with_type(glib::VariantTy::VARIANT, params),
            glib::VariantDict::new(None).end(),
        ]);
        self.call(path, "Activate", args)
            .unwrap_or_else(|| panic!("{action} could not be activated"));
    }

    fn wait_for(&self, what: &str, secs: u64, mut done: impl FnMut() -> bool) {
        let end = Instant::now() + Duration::from_secs(secs);
        while !done() {
            assert!(Instant::now() < end, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn enabled(&self, action: &str) -> bool {
        self.describe(WINDOW_PATH, action) == Some(true)
    }

    /// Quits through `app.quit` and checks the process ends well.
    fn quit(mut self) {
        self.activate(APP_PATH, "quit", None);
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "the GUI ended with {status}");
                return;
            }
            assert!(Instant::now() < end, "the GUI did not quit");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Saves a PNG of the whole display under target/.
fn screenshot(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gui-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let path = dir.join(format!("{name}.png"));
    // Let the last frame be drawn.
    std::thread::sleep(Duration::from_millis(700));
    let status = Command::new("import")
        .args(["-display", &display(), "-window", "root"])
        .arg(&path)
        .status()
        .expect("ImageMagick's import runs");
    assert!(status.success());
    let shot = image::open(&path).expect("a PNG");
    // A blank screen would mean the window never drew.
    let gray = shot.to_luma8();
    let distinct: std::collections::BTreeSet<u8> = gray.pixels().map(|p| p.0[0] / 16).collect();
    assert!(distinct.len() > 4, "{} looks blank", path.display());
    path
}

fn sample(name: &str) -> PathBuf {
    common::repo().join("samples").join(name)
}

fn settings_file(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join("gui.toml");
    std::fs::write(
        &path,
        format!("language = \"fra\"\ndeck = \"Français::Cuisine\"\n{extra}"),
    )
    .expect("settings");
    path
}

/// The fronts (as Anki stores them) the builtin generator makes from the sample, read here
/// without the GUI.
fn expected_fronts(name: &str) -> Vec<String> {
    let options = OcrOptions {
        lang: "fra".into(),
        ..OcrOptions::default()
    };
    let mut engine = Engine::new("fra", None).expect("French language data");
    let path = sample(name);
    let bytes = std::fs::read(&path).expect("sample");
    let page = recognize_bytes(&mut engine, &bytes, &path, &options).expect("read");
    let doc = llm_client::Document::from_page(&page);
    let card_options = llm_client::CardOptions {
        material_language: "fra".into(),
        ..llm_client::CardOptions::default()
    };
    let mut fronts: Vec<String> = llm_client::builtin::cards_of(&doc, &card_options)
        .cards
        .iter()
        .map(|c| anki_export::html::field(c.kind.identity_fields()[0]))
        .collect();
    fronts.sort();
    fronts
}

#[test]
fn photo_to_anki_through_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = settings_file(dir.path(), "backend = \"builtin\"\n");
    let app = App::start(
        &settings,
        &dir.path().join("cache"),
        &[sample("vocabulaire-photo.jpg")],
    );

    // The page is read on its own; then cards can be made.
    app.wait_for("the page to be read", 180, || app.enabled("generate"));
    assert!(
        !app.enabled("export-to"),
        "nothing to export before any card"
    );
    screenshot("1-page-read");

    app.activate(WINDOW_PATH, "generate", None);
    app.wait_for("the cards", 120, || app.enabled("export-to"));
    screenshot("2-cards");

    let deck = dir.path().join("deck.apkg");
    app.activate(
        WINDOW_PATH,
        "export-to",
        Some(deck.display().to_string().to_variant()),
    );
    app.wait_for("the deck file", 60, || deck.exists());
    app.wait_for("the export to finish", 60, || app.enabled("export-to"));
    screenshot("3-exported");

    // The dark style, for review.
    app.activate(WINDOW_PATH, "style", Some("dark".to_variant()));
    screenshot("4-dark");
    app.quit();

    let report = common::anki_import(&[&deck]);
    let notes = report["notes"].as_array().expect("notes");
    let mut fronts: Vec<String> = notes
        .iter()
        .map(|n| {
            n["fields"]["Front"]
                .as_str()
                .expect("a Front field")
                .to_owned()
        })
        .collect();
    fronts.sort();
    assert_eq!(fronts, expected_fronts("vocabulaire-photo.jpg"));
    assert_eq!(report["imports"][0]["new"], notes.len());
    for n in notes {
        assert_eq!(n["decks"][0], "Français::Cuisine", "{n}");
    }
    // The settings file now remembers the dark style.
    let saved = std::fs::read_to_string(&settings).expect("settings");
    assert!(saved.contains("style = \"dark\""), "{saved}");
}
