//! Hostile inputs, run as a careless or hostile user would: the tests build the bad files
//! themselves (link loops, FIFOs, outputs that are inputs, corrupt cache entries, a model server
//! that ignores the schema or echoes the key) and run the binary on each with a time limit,
//! checking the exit code, that no input changed, and that the message names the file. Each
//! test is one case of issue 14; the mock server stands in for a model only on error paths.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use serde_json::{Value, json};

/// Seconds a case may take before it counts as a hang.
const LIMIT: u64 = 60;

const WORDS: &str = "la cuillère - the spoon\nle four - the oven\nla poêle - the pan\n";

/// What one run did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "summary JSON: {e}\nstdout: {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

/// A fresh folder with its own caches and config home.
fn workdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// Runs the binary in `dir` with `args` and extra `envs`, killed (and the test failed) after
/// `LIMIT` seconds.
fn run_env(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Run {
    let out_path = dir.join(".stdout");
    let err_path = dir.join(".stderr");
    let mut cmd = Command::new(cargo_bin("ocr-to-anki"));
    cmd.current_dir(dir)
        .args(args)
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env("XDG_CONFIG_HOME", dir.join(".config"))
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).expect("stdout file"))
        .stderr(fs::File::create(&err_path).expect("stderr file"));
    for k in [
        "OCR_TO_ANKI_CACHE_DIR",
        "OCR_TO_ANKI_LLM_CACHE_DIR",
        "OCR_TO_ANKI_BACKEND",
        "OCR_TO_ANKI_MODEL",
        "OCR_TO_ANKI_BASE_URL",
        "OCR_TO_ANKI_LANG",
        "OCR_TO_ANKI_DECK",
        "OCR_TO_ANKI_CONFIG",
        "OCR_TO_ANKI_OUTPUT",
        "OLLAMA_HOST",
        "OPENAI_API_KEY",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(LIMIT) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "ocr-to-anki {} hung: killed after {LIMIT} s\nstderr: {}",
                args.join(" "),
                fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_env(dir, args, &[])
}

/// The bytes of every regular file under `dir` (caches and captured output aside), to check
/// that a run changed no input.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("list").flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let t = e.file_type().expect("type");
            if name.starts_with('.') {
                continue;
            }
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.insert(e.path(), fs::read(e.path()).expect("read"));
            }
        }
    }
    out
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
}

fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

/// A hand-edited cards file.
const HAND_EDITED: &str = r#"{"version": 1, "deck": "Mine", "cards": [
  {"kind": "basic", "front": "edited by hand", "back": "keep me"}
]}"#;

// ---- case 1: global flags before a subcommand; subcommand words are never inputs ----

#[test]
fn case_1_flags_before_a_subcommand_belong_to_it() {
    let dir = workdir();
    let d = dir.path();
    fs::create_dir(d.join("pages")).expect("mkdir");
    fs::write(d.join("pages/words.txt"), WORDS).expect("write");
    fs::write(d.join("x.cards.json"), HAND_EDITED).expect("write");
    // Once read as the one-line run with an input called "cards", which put an .apkg here.
    let r = run(
        d,
        &[
            "-q",
            "--backend",
            "builtin",
            "cards",
            "pages",
            "-o",
            "x.cards.json",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let written: Value =
        serde_json::from_slice(&fs::read(d.join("x.cards.json")).expect("read")).expect("json");
    assert_eq!(written["version"], 1, "a cards file, not a package");
    assert!(written["cards"].as_array().is_some_and(|c| c.len() >= 3));

    // `-v export` exports (to CSV here) instead of asking Ollama for cards.
    let r = run(d, &["-v", "export", "x.cards.json", "-o", "x.txt"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        fs::read_to_string(d.join("x.txt"))
            .expect("csv")
            .contains("cuillère")
    );

    // `--config FILE config show` shows the config instead of reading two images.
    fs::write(d.join("f.toml"), "deck = \"FromF\"\n").expect("write");
    let r = run(d, &["--config", "f.toml", "config", "show"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains("f.toml") && r.stdout.contains("FromF"),
        "{}",
        r.stdout
    );
}

#[test]
fn case_1_a_subcommand_word_is_never_an_input_path() {
    let dir = workdir();
    let d = dir.path();
    fs::create_dir(d.join("cards")).expect("mkdir");
    fs::write(d.join("cards/words.txt"), WORDS).expect("write");
    let before = snapshot(d);
    let r = run(d, &["cards/words.txt", "--backend", "builtin", "cards"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("./cards"), "{}", r.stderr);
    assert_eq!(snapshot(d), before, "nothing written");
    // `./cards` is the folder of that name.
    let r = run(
        d,
        &[
            "cards",
            "./cards",
            "--backend",
            "builtin",
            "-o",
            "out.json",
            "--json",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.json()["pages"], 1);
}

// ---- case 2: an output that is an input, or of another kind than the writer's ----

#[test]
fn case_2_an_output_that_is_an_input_is_refused_before_any_work() {
    let dir = workdir();
    let d = dir.path();
    fs::write(d.join("words.txt"), WORDS).expect("write");
    fs::write(d.join("c.cards.json"), HAND_EDITED).expect("write");
    fs::hard_link(d.join("words.txt"), d.join("hard.apkg")).expect("hard link");
    symlink("c.cards.json", d.join("link.txt"));
    let before = snapshot(d);
    let cases: [&[&str]; 5] = [
        // A deck over the photo it was made from.
        &["words.txt", "--backend", "builtin", "-o", "words.txt"],
        &["export", "c.cards.json", "-o", "c.cards.json"],
        // The same file under another name, through a hard link or a symbolic one.
        &["words.txt", "--backend", "builtin", "-o", "hard.apkg"],
        &["export", "c.cards.json", "--to", "csv", "-o", "link.txt"],
        &[
            "export",
            "c.cards.json",
            "--to",
            "apkg",
            "-o",
            "c.cards.json",
        ],
    ];
    for args in cases {
        let r = run(d, args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        let output = args[args.len() - 1];
        assert!(r.stderr.contains(output), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains(" read ("), "no work done: {}", r.stderr);
        assert_eq!(snapshot(d), before, "{args:?} changed a file");
    }
    // Named outright, the writer may write any name that is not an input.
    let r = run(
        d,
        &["export", "c.cards.json", "--to", "csv", "-o", "cards.list"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

// ---- case 14: an output folder that is missing or not a folder ----

#[test]
fn case_14_an_output_folder_that_cannot_be_written_is_found_before_any_work() {
    let dir = workdir();
    let d = dir.path();
    fs::write(d.join("words.txt"), WORDS).expect("write");
    let before = snapshot(d);
    for out in ["missing/deck.apkg", "words.txt/deck.apkg"] {
        let r = run(d, &["words.txt", "--backend", "builtin", "-o", out]);
        assert_eq!(r.code, Some(2), "{out}: {}", r.stderr);
        assert!(r.stderr.contains(out), "{}", r.stderr);
        assert!(!r.stderr.contains(" read ("), "no work done: {}", r.stderr);
    }
    let r = run(
        d,
        &[
            "cards",
            "words.txt",
            "--backend",
            "builtin",
            "-o",
            "missing/c.json",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(snapshot(d), before);
}

// ---- cases 6, 7, 17: the input walk ----

#[test]
fn case_6_link_loops_are_walked_once() {
    let dir = workdir();
    let d = dir.path();
    let pages = d.join("pages");
    fs::create_dir(&pages).expect("mkdir");
    fs::write(pages.join("words.txt"), WORDS).expect("write");
    symlink(".", pages.join("loop1"));
    symlink(&pages, pages.join("loop2"));
    symlink("words.txt", pages.join("again.txt"));
    let r = run(
        d,
        &[
            "cards",
            "-r",
            "pages",
            "--backend",
            "builtin",
            "-o",
            "out.json",
            "--json",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.json()["pages"], 1, "{}", r.stderr);
    assert!(r.stderr.contains("loop1: skipped"), "{}", r.stderr);
}

#[test]
fn case_7_special_files_are_skipped_with_a_note() {
    let dir = workdir();
    let d = dir.path();
    let pages = d.join("pages");
    fs::create_dir(&pages).expect("mkdir");
    fs::write(pages.join("words.txt"), WORDS).expect("write");
    mkfifo(&pages.join("pipe.txt"));
    mkfifo(&pages.join("pipe.png"));
    let r = run(
        d,
        &[
            "cards",
            "pages",
            "--backend",
            "builtin",
            "-o",
            "out.json",
            "--json",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.json()["pages"], 1);
    assert_eq!(r.json()["skipped"], 2);
    for name in ["pipe.txt: skipped", "pipe.png: skipped"] {
        assert!(r.stderr.contains(name), "{}", r.stderr);
    }
}

#[test]
fn case_7_ocr_walks_its_inputs_like_every_command() {
    // `ocr` named a pipe outright and waited on it forever; it took no folders either.
    let dir = workdir();
    let d = dir.path();
    mkfifo(&d.join("pipe.png"));
    let r = run(d, &["ocr", "pipe.png"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("pipe.png: skipped"), "{}", r.stderr);
    assert!(r.stderr.contains("no images to read"), "{}", r.stderr);

    let pages = d.join("pages");
    fs::create_dir(&pages).expect("mkdir");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/vocabulaire.png");
    fs::copy(sample, pages.join("page.png")).expect("copy the sample");
    mkfifo(&pages.join("pipe.jpg"));
    fs::write(pages.join("notes.txt"), WORDS).expect("write");
    let r = run(d, &["ocr", "pages", "--lang", "fra"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("fourchette"), "{}", r.stdout);
    for name in ["pipe.jpg: skipped", "notes.txt: skipped"] {
        assert!(r.stderr.contains(name), "{}", r.stderr);
    }
}

#[test]
fn case_17_only_images_and_txt_files_are_inputs() {
    let dir = workdir();
    let d = dir.path();
    let pages = d.join("pages");
    fs::create_dir(&pages).expect("mkdir");
    fs::write(pages.join("words.txt"), WORDS).expect("write");
    fs::write(pages.join("readme.md"), "# notes\n\nrot = red\n").expect("write");
    let r = run(
        d,
        &[
            "cards",
            "pages",
            "--backend",
            "builtin",
            "-o",
            "out.json",
            "--json",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.json()["pages"], 1);
    assert!(r.stderr.contains("readme.md: skipped"), "{}", r.stderr);
}

// ---- the model server cases: 9, 11, 12, 13 ----

/// A mock OpenAI-compatible server answering every chat request with `reply(n)` (n from 0);
/// `/v1/models` answers 200. Returns its address and the count of chat requests.
fn server(
    reply: impl Fn(usize) -> (u16, String) + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", server.server_addr().to_ip().expect("ip"));
    let chats = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&chats);
    let reply = Arc::new(Mutex::new(reply));
    thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let mut body = String::new();
            let _ = request.as_reader().read_to_string(&mut body);
            let (status, text) = if request.url().ends_with("/chat/completions") {
                let n = count.fetch_add(1, Ordering::SeqCst);
                (reply.lock().expect("reply"))(n)
            } else {
                (200, "{\"data\": []}".to_owned())
            };
            let _ =
                request.respond(tiny_http::Response::from_string(text).with_status_code(status));
        }
    });
    (url, chats)
}

fn completion(content: &str) -> String {
    json!({"choices": [{"index": 0, "finish_reason": "stop",
        "message": {"role": "assistant", "content": content}}]})
    .to_string()
}

fn openai_args<'a>(url: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "cards",
        "words.txt",
        "--backend",
        "openai",
        "--base-url",
        url,
        "--model",
        "m",
        "-o",
        out,
        "--json",
    ]
}

#[test]
fn case_9_answers_that_ignore_the_schema_are_cut_to_it() {
    let dir = workdir();
    let d = dir.path();
    fs::write(d.join("words.txt"), WORDS).expect("write");
    // 10,000 cards for a 9-word page, and one with an answer far over the schema's length.
    let mut cards: Vec<Value> = (0..10_000)
        .map(|i| {
            json!({"kind": "basic", "quote": "la cuillère - the spoon",
                   "question": format!("Question {i}?"), "answer": "the spoon"})
        })
        .collect();
    cards.insert(
        0,
        json!({"kind": "basic", "quote": "le four - the oven", "question": "Long?",
               "answer": "x".repeat(100_000)}),
    );
    let content = json!({ "cards": cards }).to_string();
    let (url, chats) = server(move |_| (200, completion(&content)));
    let mut args = openai_args(&url, "out.json");
    args.extend(["--max-cards", "5"]);
    let r = run(d, &args);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let written: Value =
        serde_json::from_slice(&fs::read(d.join("out.json")).expect("read")).expect("json");
    assert_eq!(written["cards"].as_array().expect("cards").len(), 5);
    let s = r.json();
    assert_eq!(s["report"]["dropped"]["over_max_cards"], 9995, "{s}");
    assert_eq!(s["report"]["dropped"]["malformed"], 1, "{s}");
    // What was cut is not in the cache: a rerun replays five cards only.
    let r = run(d, &args);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        chats.load(Ordering::SeqCst),
        1,
        "the rerun came from the cache"
    );
    let cached: u64 = fs::read_dir(d.join(".cache/ocr-to-anki/llm"))
        .expect("cache")
        .flatten()
        .flat_map(|shard| fs::read_dir(shard.path()).into_iter().flatten().flatten())
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum();
    assert!(
        cached < 10_000,
        "the cache holds the cut answer only: {cached} bytes"
    );
}

#[test]
fn case_9_a_huge_body_is_not_read_whole() {
    let dir = workdir();
    let d = dir.path();
    fs::write(d.join("words.txt"), WORDS).expect("write");
    // 50 MB of valid JSON: it would parse, if it were read.
    let body = format!(
        "{{\"pad\": \"{}\", {}",
        "x".repeat(50 << 20),
        &completion("{\"cards\": []}")[1..]
    );
    let (url, _) = server(move |_| (200, body.clone()));
    let r = run(d, &openai_args(&url, "out.json"));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("over 4 MiB"), "{}", r.stderr);
    assert!(r.stderr.contains("words.txt"), "{}", r.stderr);
}

#[test]
fn case_11_keys_and_passwords_are_never_shown() {
    let dir = workdir();
    let d = dir.path();
    fs::write(d.join("words.txt"), WORDS).expect("write");
    let key = "sk-hostile-0123456789";
    let echo = format!(
        "{{\"error\": {{\"message\": \"Incorrect API key provided: {key}. You sent \
         'Authorization: Bearer {key}' and Bearer other-token-42\"}}}}"
    );
    let (url, _) = server(move |_| (401, echo.clone()));
    let r = run_env(
        d,
        &openai_args(&url, "out.json"),
        &[("OPENAI_API_KEY", key)],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("401"), "{}", r.stderr);
    for secret in [key, "other-token-42"] {
        assert!(
            !r.stderr.contains(secret) && !r.stdout.contains(secret),
            "{}",
            r.stderr
        );
    }
    // A password in a base URL: not in `config show`, `--help` or an error.
    let with_password = "http://user:hunter2@127.0.0.1:9";
    let env = [("OCR_TO_ANKI_BASE_URL", with_password)];
    for args in [
        &["config", "show"][..],
        &["--help"][..],
        &["cards", "--help"][..],
        &["cards", "words.txt", "--backend", "openai", "-o", "o.json"][..],
        &["cards", "words.txt", "--backend", "ollama", "-o", "o.json"][..],
    ] {
        let r = run_env(d, args, &env);
        let shown = format!("{}{}", r.stdout, r.stderr);
        assert!(!shown.contains("hunter2"), "{args:?}: {shown}");
    }
    fs::write(
        d.join("f.toml"),
        format!("base-url = \"{with_password}\"\n"),
    )
    .expect("write");
    for args in [
        &["--config", "f.toml", "config", "show"][..],
        &["--config", "f.toml", "--help"][..],
    ] {
        let r = run(d, args);
        assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
        let shown = format!("{}{}", r.stdout, r.stderr);
        assert!(!shown.contains("hunter2"), "{args:?}: {shown}");
    }
}

fn good_answer() -> String {
    completion(
        &json!({"cards": [{"kind": "basic", "quote": "la cuillère - the spoon",
                           "question": "What is la cuillère?", "answer": "the spoon"}]})
        .to_string(),
    )
}

#[test]
fn case_12_a_corrupt_or_empty_cache_entry_is_a_miss_and_is_replaced() {
    let dir = workdir();
    let d = dir.path();
    fs::write(d.join("words.txt"), WORDS).expect("write");
    let (url, chats) = server(|_| (200, good_answer()));
    let args = openai_args(&url, "out.json");
    assert_eq!(run(d, &args).code, Some(0));
    let entries: Vec<PathBuf> = fs::read_dir(d.join(".cache/ocr-to-anki/llm"))
        .expect("cache")
        .flatten()
        .flat_map(|shard| fs::read_dir(shard.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .collect();
    assert_eq!(entries.len(), 1);
    for (round, bad) in [&b""[..], &b"{\"cards\": [{\"kind\""[..]]
        .into_iter()
        .enumerate()
    {
        fs::write(&entries[0], bad).expect("spoil");
        let r = run(d, &args);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert_eq!(chats.load(Ordering::SeqCst), round + 2, "asked again");
        assert_eq!(r.json()["report"]["requests"], 1);
        assert!(
            fs::read(&entries[0]).expect("entry").len() > bad.len(),
            "replaced"
        );
    }
    // And now it is a hit again.
    let r = run(d, &args);
    assert_eq!(r.json()["report"]["cached"], 1, "{}", r.stderr);
}

#[test]
fn case_13_failed_requests_are_counted() {
    let dir = workdir();
    let d = dir.path();
    fs::write(d.join("words.txt"), WORDS).expect("write");
    let (url, chats) = server(|_| (500, "{\"error\": \"overloaded\"}".to_owned()));
    let r = run(d, &openai_args(&url, "out.json"));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(chats.load(Ordering::SeqCst), 4, "one try and three retries");
    assert_eq!(r.json()["report"]["requests"], 4, "{}", r.stdout);
    assert!(r.stderr.contains("words.txt"), "{}", r.stderr);
}

// ---- case 18: capped caches, shown and cleared ----

#[test]
fn case_18_caches_are_shown_and_cleared() {
    let dir = workdir();
    let d = dir.path();
    fs::write(d.join("words.txt"), WORDS).expect("write");
    let (url, _) = server(|_| (200, good_answer()));
    assert_eq!(run(d, &openai_args(&url, "out.json")).code, Some(0));
    let r = run(d, &["cache", "show"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let answers = r
        .stdout
        .lines()
        .find(|l| l.starts_with("model answers"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        answers.contains(": 1 entry,") && answers.contains("cap 64.0 MiB"),
        "{answers}"
    );
    assert!(r.stdout.contains("pages read"), "{}", r.stdout);
    let r = run(d, &["-q", "cache", "clear"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run(d, &["cache", "show"]);
    let answers = r
        .stdout
        .lines()
        .find(|l| l.starts_with("model answers"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(answers.contains(" 0 entries"), "{answers}");
}
