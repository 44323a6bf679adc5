//! The built `ocr-to-anki-gui` started on the shipped sample in a real window (on the display in
//! `DISPLAY`: Xvfb in CI), driven through the actions it exports on D-Bus (`org.gtk.Actions`, the
//! interface every GtkApplication exports), with screenshots of each state under `target/`, and
//! the deck it writes imported by the official Anki backend.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gtk::glib::prelude::*;
use gtk::{gio, glib};
use ocr_core::{Engine, OcrOptions, recognize_bytes};
use test_support::sample;

const APP_ID: &str = "io.github.OcrToAnki";
const APP_PATH: &str = "/io/github/OcrToAnki";
const WINDOW_PATH: &str = "/io/github/OcrToAnki/window/1";

/// A private D-Bus session bus, stopped when dropped.
struct Bus {
    address: String,
    pid: u32,
}

impl Bus {
    /// A client connection to the bus.
    fn connect(&self) -> gio::DBusConnection {
        gio::DBusConnection::for_address_sync(
            &self.address,
            gio::DBusConnectionFlags::AUTHENTICATION_CLIENT
                | gio::DBusConnectionFlags::MESSAGE_BUS_CONNECTION,
            None,
            gio::Cancellable::NONE,
        )
        .expect("the test bus answers")
    }

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

/// GNOME Keyring's Secret Service on `bus`, unlocked, storing in `dir`; stopped when dropped.
struct Keyring {
    child: Child,
}

impl Keyring {
    /// Starts the daemon and waits until it owns the Secret Service name: a client that came
    /// earlier would have D-Bus start a second, locked daemon that asks for a password.
    fn start(bus: &Bus, dir: &Path) -> Keyring {
        std::fs::create_dir_all(dir.join("run")).expect("runtime dir");
        let mut child = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--foreground"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("XDG_DATA_HOME", dir)
            .env("XDG_RUNTIME_DIR", dir.join("run"))
            // No display: a password prompt, should one come, fails instead of waiting.
            .env_remove("DISPLAY")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon runs (Debian package gnome-keyring)");
        // The password of the test's own login keyring, then end of input.
        std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), b"test").expect("password");
        drop(child.stdin.take());
        let keyring = Keyring { child };
        let conn = bus.connect();
        let owned = || {
            conn.call_sync(
                Some("org.freedesktop.DBus"),
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus",
                "NameHasOwner",
                Some(&("org.freedesktop.secrets",).into()),
                None,
                gio::DBusCallFlags::NONE,
                2000,
                gio::Cancellable::NONE,
            )
            .ok()
            .and_then(|r| r.child_value(0).get::<bool>())
                == Some(true)
        };
        wait_for("gnome-keyring-daemon to take the bus name", 30, owned);
        keyring
    }

    /// Files `key` for `server` the way the app files keys, with libsecret's own tool.
    fn store(&self, bus: &Bus, server: &str, key: &str) {
        let mut tool = Command::new("secret-tool")
            .args(["store", "--label=test key", "server", server])
            .args(["xdg:schema", "io.github.OcrToAnki.ApiKey"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env_remove("DISPLAY")
            .stdin(Stdio::piped())
            .spawn()
            .expect("secret-tool runs (Debian package libsecret-tools)");
        std::io::Write::write_all(tool.stdin.as_mut().expect("stdin"), key.as_bytes())
            .expect("key");
        drop(tool.stdin.take());
        let end = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = tool.try_wait().expect("secret-tool") {
                assert!(
                    status.success(),
                    "the keyring did not take the key: {status}"
                );
                return;
            }
            if Instant::now() > end {
                let _ = tool.kill();
                panic!("secret-tool did not finish in 30 seconds");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `done` until it holds; fails the test after `secs` seconds.
fn wait_for(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
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
        App::start_on(Bus::start(), settings, cache, images, Stdio::null(), &[])
    }

    /// Starts the app on a bus made beforehand, with `envs` set too; its stderr goes to `stderr`.
    fn start_on(
        bus: Bus,
        settings: &Path,
        cache: &Path,
        images: &[PathBuf],
        stderr: Stdio,
        envs: &[(&str, &Path)],
    ) -> App {
        let child = Command::new(env!("CARGO_BIN_EXE_ocr-to-anki-gui"))
            .args(images)
            .envs(envs.iter().copied())
            .env("DISPLAY", display())
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("OCR_TO_ANKI_GUI_SETTINGS", settings)
            .env("XDG_CACHE_HOME", cache)
            // The session is kept beside the settings, never in the user's own data folder.
            .env("XDG_DATA_HOME", settings.with_file_name("data"))
            // No test reaches an Ollama this machine may run: nothing listens at the discard port.
            .env("OLLAMA_HOST", "http://127.0.0.1:9")
            .env("GSK_RENDERER", "cairo")
            .env("GTK_A11Y", "none")
            .env("G_MESSAGES_DEBUG", "all")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("the GUI starts");
        let conn = bus.connect();
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

    fn wait_for(&self, what: &str, secs: u64, done: impl FnMut() -> bool) {
        wait_for(what, secs, done);
    }

    fn enabled(&self, action: &str) -> bool {
        self.describe(WINDOW_PATH, action) == Some(true)
    }

    /// Exports the cards through `win.export-to` into `dir`; returns the deck file.
    fn export_to(&self, dir: &Path) -> PathBuf {
        let deck = dir.join("deck.apkg");
        let target = deck.display().to_string().to_variant();
        self.activate(WINDOW_PATH, "export-to", Some(target));
        self.wait_for("the deck file", 60, || deck.exists());
        self.wait_for("the export to finish", 60, || self.enabled("export-to"));
        deck
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

/// Saves a PNG of the whole display under target/, once the display has settled, so that the
/// last frame is drawn.
fn screenshot(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gui-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let path = dir.join(format!("{name}.png"));
    let capture = || {
        let status = Command::new("import")
            .args(["-display", &display(), "-window", "root"])
            .arg(&path)
            .status()
            .expect("ImageMagick's import runs");
        assert!(status.success());
        image::open(&path).expect("a PNG").to_rgb8()
    };
    // Settled means unchanged for 700 ms, so that a repaint the last action asked for has had
    // time to start; an animation (a spinner) never settles, and after 5 seconds the last
    // capture is kept.
    let end = Instant::now() + Duration::from_secs(5);
    let mut shot = capture();
    let mut same_since = Instant::now();
    loop {
        let next = capture();
        if next != shot {
            same_since = Instant::now();
        }
        shot = next;
        if same_since.elapsed() >= Duration::from_millis(700) || Instant::now() > end {
            break;
        }
    }
    // A blank screen would mean the window never drew.
    let distinct: std::collections::BTreeSet<u8> = image::DynamicImage::ImageRgb8(shot)
        .to_luma8()
        .pixels()
        .map(|p| p.0[0] / 16)
        .collect();
    assert!(distinct.len() > 4, "{} looks blank", path.display());
    path
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
    let mut fronts: Vec<String> = llm_client::cards_of(&doc, &card_options)
        .cards
        .iter()
        .map(|c| anki_export::field_html(c.kind.identity_fields()[0]))
        .collect();
    fronts.sort();
    fronts
}

/// What a mock server was asked, shared with the test.
type Log<T> = std::sync::Arc<std::sync::Mutex<Vec<T>>>;

/// The notes of `deck` in the real Anki desktop that `scripts/test.sh` starts with the
/// AnkiConnect add-on, as (deck, Front).
fn notes_in_anki(url: &str, deck: &str) -> Vec<(String, String)> {
    let call = |action: &str, params: serde_json::Value| -> serde_json::Value {
        use std::io::{Read, Write};
        let body =
            serde_json::json!({"action": action, "version": 6, "params": params}).to_string();
        let host = url.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = std::net::TcpStream::connect(host).expect("AnkiConnect");
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("request");
        let mut reply = String::new();
        stream.read_to_string(&mut reply).expect("reply");
        let json = reply
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or_default();
        serde_json::from_str::<serde_json::Value>(json).expect("JSON")["result"].clone()
    };
    let ids = call(
        "findNotes",
        serde_json::json!({"query": format!("\"deck:{deck}\"")}),
    );
    let infos = call("notesInfo", serde_json::json!({"notes": ids}));
    let cards = call(
        "cardsInfo",
        serde_json::json!({"cards": infos.as_array().into_iter().flatten().flat_map(|n| n["cards"].as_array().cloned().unwrap_or_default()).collect::<Vec<_>>()}),
    );
    let deck_of = |card: &serde_json::Value| {
        cards
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["cardId"] == *card)
            .and_then(|c| c["deckName"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    infos
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| {
            (
                deck_of(&n["cards"][0]),
                n["fields"]["Front"]["value"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
fn photo_to_anki_through_the_window() {
    test_support::require!("DISPLAY", "an X display (scripts/test.sh starts Xvfb)");
    test_support::require!(anki);
    let anki_url = test_support::require!(
        "ANKICONNECT_TEST_URL",
        "a real Anki desktop with AnkiConnect"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = settings_file(
        dir.path(),
        &format!("backend = \"builtin\"\nanki_connect_url = \"{anki_url}\"\n"),
    );
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

    let deck = app.export_to(dir.path());
    screenshot("3-exported");

    // The same cards sent to a running Anki through AnkiConnect.
    app.activate(WINDOW_PATH, "send-to-anki", None);
    app.wait_for("the notes in Anki", 60, || {
        notes_in_anki(&anki_url, "Français::Cuisine").len() >= 9
    });

    // The dark style, for review.
    app.activate(WINDOW_PATH, "style", Some("dark".to_variant()));
    screenshot("4-dark");
    app.quit();

    let report = test_support::anki_import(&[&deck]);
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
    let sent = notes_in_anki(&anki_url, "Français::Cuisine");
    let mut sent_fronts: Vec<String> = sent.iter().map(|(_, f)| f.clone()).collect();
    sent_fronts.sort();
    assert_eq!(
        sent_fronts, fronts,
        "AnkiConnect got the same notes as the package"
    );
    assert!(
        sent.iter().all(|(deck, _)| deck == "Français::Cuisine"),
        "{sent:?}"
    );
    // The settings file now remembers the dark style.
    let saved = std::fs::read_to_string(&settings).expect("settings");
    assert!(saved.contains("style = \"dark\""), "{saved}");
}

#[test]
fn a_fresh_profile_without_ollama_makes_cards_with_one_click() {
    test_support::require!("DISPLAY", "an X display (scripts/test.sh starts Xvfb)");
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    // No settings file: the defaults of a first start.
    let settings = dir.path().join("gui.toml");
    let app = App::start(
        &settings,
        &dir.path().join("cache"),
        &[sample("vocabulaire.png")],
    );
    app.wait_for("the page to be read", 180, || app.enabled("generate"));
    app.activate(WINDOW_PATH, "generate", None);
    app.wait_for("the cards", 120, || app.enabled("export-to"));
    screenshot("6-first-run-cards");
    let deck = app.export_to(dir.path());
    app.quit();
    let report = test_support::anki_import(&[&deck]);
    let notes = report["notes"].as_array().expect("notes");
    assert!(notes.len() >= 8, "{report}");
    assert_eq!(report["imports"][0]["new"], notes.len());
}

#[test]
fn screenshots_of_each_view_wide_and_narrow() {
    test_support::require!("DISPLAY", "an X display (scripts/test.sh starts Xvfb)");
    for width in [1400, 360] {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = settings_file(
            dir.path(),
            &format!("backend = \"builtin\"\nwidth = {width}\nheight = 760\n"),
        );
        let app = App::start(
            &settings,
            &dir.path().join("cache"),
            &[sample("vocabulaire-photo.jpg")],
        );
        app.wait_for("the page to be read", 180, || app.enabled("generate"));
        screenshot(&format!("{width}px-1-pages"));
        app.activate(WINDOW_PATH, "generate", None);
        app.wait_for("the cards", 120, || app.enabled("export-to"));
        screenshot(&format!("{width}px-2-cards"));
        app.export_to(dir.path());
        app.quit();
    }
}

/// The session file the app keeps in the data folder `start_on` gives it, as JSON.
fn session_of(settings: &Path) -> serde_json::Value {
    std::fs::read_to_string(
        settings
            .with_file_name("data")
            .join("ocr-to-anki/session.json"),
    )
    .ok()
    .and_then(|t| serde_json::from_str(&t).ok())
    .unwrap_or_default()
}

#[test]
fn a_killed_app_comes_back_with_its_pages_and_cards() {
    test_support::require!("DISPLAY", "an X display (scripts/test.sh starts Xvfb)");
    test_support::require!(anki);
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = settings_file(dir.path(), "backend = \"builtin\"\n");
    let cache = dir.path().join("cache");
    let pages = [sample("vocabulaire-photo.jpg"), sample("vocabulaire.png")];
    let mut app = App::start(&settings, &cache, &pages);
    app.wait_for("both pages read and kept", 180, || {
        let s = session_of(&settings);
        s["pages"]
            .as_array()
            .is_some_and(|p| p.len() == 2 && p.iter().all(|p| p["page"]["blocks"].is_array()))
    });
    app.activate(WINDOW_PATH, "generate", None);
    app.wait_for("the cards", 120, || app.enabled("export-to"));
    app.wait_for("the cards kept", 10, || {
        session_of(&settings)["cards"]
            .as_array()
            .is_some_and(|c| c.len() >= 8)
    });
    let before = session_of(&settings);
    let kept: Vec<anki_export::Card> =
        serde_json::from_value(before["cards"].clone()).expect("cards in the session");

    // No chance to save anything more: SIGKILL.
    app.child.kill().expect("killed");
    app.child.wait().expect("gone");
    drop(app);

    // Started with no files, it has the pages and cards again, read already.
    let app = App::start(&settings, &cache, &[]);
    app.wait_for("the cards restored", 30, || app.enabled("export-to"));
    assert!(app.enabled("generate"), "the pages come back read");
    let after = session_of(&settings);
    assert_eq!(after["pages"], before["pages"]);
    screenshot("5-restored");
    let deck = app.export_to(dir.path());
    // Exported, quitting asks nothing.
    app.quit();

    let report = test_support::anki_import(&[&deck]);
    let notes = report["notes"].as_array().expect("notes");
    let mut guids: Vec<String> = notes
        .iter()
        .map(|n| n["guid"].as_str().unwrap_or_default().to_owned())
        .collect();
    guids.sort();
    let mut expected: Vec<String> = kept.iter().map(anki_export::Card::guid).collect();
    expected.sort();
    assert_eq!(guids, expected, "the same notes, by identity: {report}");
}

/// An OpenAI-compatible server that answers one card quoting the sample, and keeps the path and
/// `Authorization` header of every request it gets.
fn mock_openai() -> (String, Log<String>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("mock server");
    let url = format!("http://{}/v1", server.server_addr());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&seen);
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let auth = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Authorization"))
                .map(|h| h.value.to_string())
                .unwrap_or_default();
            log.lock()
                .expect("log")
                .push(format!("{} {}", request.url(), auth));
            let body = if request.url().ends_with("/models") {
                serde_json::json!({"object": "list", "data": [{"id": "test-model"}]})
            } else {
                let cards = serde_json::json!({"cards": [{
                    "kind": "basic",
                    "quote": "la cuillère - the spoon",
                    "question": "Que veut dire « la cuillère » ?",
                    "answer": "the spoon"
                }]});
                serde_json::json!({"choices": [{"index": 0, "finish_reason": "stop",
                    "message": {"role": "assistant", "content": cards.to_string()}}]})
            };
            let _ = request.respond(tiny_http::Response::from_string(body.to_string()));
        }
    });
    (url, seen)
}

#[test]
fn the_api_key_comes_from_the_keyring_and_goes_nowhere_else() {
    test_support::require!("DISPLAY", "an X display (scripts/test.sh starts Xvfb)");
    test_support::require!(anki);
    const KEY: &str = "sk-test-0123456789abcdef";
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, seen) = mock_openai();
    let settings = settings_file(
        dir.path(),
        &format!(
            "backend = \"openai\"\nbase_url = \"{url}\"\nmodel = \"test-model\"\n\
             api_key_env = \"OCR_TO_ANKI_TEST_NO_SUCH_VARIABLE\"\n"
        ),
    );
    let bus = Bus::start();
    let keyring = Keyring::start(&bus, &dir.path().join("keyring"));
    keyring.store(&bus, &url, KEY);
    let log = dir.path().join("stderr.log");
    let app = App::start_on(
        bus,
        &settings,
        &dir.path().join("cache"),
        &[sample("vocabulaire-photo.jpg")],
        Stdio::from(std::fs::File::create(&log).expect("log file")),
        &[],
    );
    app.wait_for("the page to be read", 180, || app.enabled("generate"));
    app.activate(WINDOW_PATH, "generate", None);
    app.wait_for("the card", 120, || app.enabled("export-to"));
    let deck = app.export_to(dir.path());
    app.quit();
    drop(keyring);

    // The card request carries the key from the keyring; the reachability probe carries none.
    let requests = seen.lock().expect("log").clone();
    let chats: Vec<&String> = requests
        .iter()
        .filter(|r| r.starts_with("/v1/chat/completions"))
        .collect();
    assert!(!chats.is_empty(), "{requests:?}");
    for r in &requests {
        let auth = r.split_once(' ').map_or("", |(_, a)| a);
        let chat = r.starts_with("/v1/chat/completions");
        assert!(
            (chat && auth == format!("Bearer {KEY}")) || (!chat && auth.is_empty()),
            "{requests:?}"
        );
    }
    let report = test_support::anki_import(&[&deck]);
    let notes = report["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{report}");
    assert_eq!(
        notes[0]["fields"]["Front"],
        anki_export::field_html("Que veut dire « la cuillère » ?")
    );
    // The key is in no file the app wrote and in nothing it printed.
    for file in [settings, log] {
        let text = std::fs::read_to_string(&file).expect("readable");
        assert!(!text.contains(KEY), "{} holds the key", file.display());
    }
}

/// The files below `dir`, at any depth; none when it does not exist.
fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_page_cache_goes_where_the_cli_s_variable_says() {
    test_support::require!("DISPLAY", "an X display (scripts/test.sh starts Xvfb)");
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = settings_file(dir.path(), "backend = \"builtin\"\n");
    let cache = dir.path().join("cache");
    let moved = dir.path().join("pages-elsewhere");
    let files_in = |d: &Path| walk_files(d).len();
    let app = App::start_on(
        Bus::start(),
        &settings,
        &cache,
        &[sample("vocabulaire.png")],
        Stdio::null(),
        &[("OCR_TO_ANKI_CACHE_DIR", &moved)],
    );
    app.wait_for("the page read and cached", 180, || files_in(&moved) > 0);
    app.quit();
    let default = cache.join("ocr-to-anki").join("ocr");
    assert_eq!(
        files_in(&default),
        0,
        "nothing goes to the default page cache when the variable moves it"
    );
}

#[test]
fn cards_from_a_real_model_server_reach_anki() {
    test_support::require!("DISPLAY", "an X display (scripts/test.sh starts Xvfb)");
    test_support::require!(anki);
    let url = test_support::require!("OCR_TO_ANKI_TEST_OPENAI_URL", "a real model server");
    let model = test_support::require!("OCR_TO_ANKI_TEST_OPENAI_MODEL", "a real model server");
    let dir = tempfile::tempdir().expect("tempdir");
    // The small test model rarely quotes the page exactly: keep its cards, tagged unverified; and
    // few of them keep it quick on two cores.
    let settings = settings_file(
        dir.path(),
        &format!(
            "backend = \"openai\"\nbase_url = \"{url}\"\nmodel = \"{model}\"\n\
             kinds = [\"basic\", \"reversed\"]\nkeep_unverified = true\nmax_cards = 4\n"
        ),
    );
    let app = App::start(
        &settings,
        &dir.path().join("cache"),
        &[sample("vocabulaire-photo.jpg")],
    );
    app.wait_for("the page to be read", 180, || app.enabled("generate"));
    app.activate(WINDOW_PATH, "generate", None);
    // Generation is over when there is nothing left to stop: once it was seen running, or once
    // its cards are there (a quick answer may end between two looks).
    let mut started = false;
    app.wait_for("the model's answer", 600, || {
        let running = app.enabled("cancel");
        started |= running;
        !running && (started || app.enabled("export-to"))
    });
    assert!(app.enabled("export-to"), "the model's answer gave no card");
    let deck = app.export_to(dir.path());
    app.quit();

    let report = test_support::anki_import(&[&deck]);
    let notes = report["notes"].as_array().expect("notes");
    assert!(!notes.is_empty(), "{report}");
    assert_eq!(report["imports"][0]["new"], notes.len());
    for n in notes {
        assert_eq!(n["decks"][0], "Français::Cuisine", "{n}");
        let front = n["fields"]["Front"].as_str().unwrap_or_default();
        assert!(!front.trim().is_empty(), "{n}");
        let kind = n["notetype"].as_str().unwrap_or_default();
        assert!(!kind.contains("Cloze"), "only the kinds asked for: {n}");
    }
}
