//! AnkiConnect client against a local HTTP server that implements the actions it uses and checks
//! every payload the way AnkiConnect would.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anki_export::{AnkiConnect, Card, Deck, ExportError, ExportOptions};
use base64::Engine as _;
use serde_json::{Value, json};

/// What the fake Anki holds and was asked.
#[derive(Default)]
struct Anki {
    models: Vec<String>,
    first_fields: Vec<String>,
    media: BTreeMap<String, Vec<u8>>,
    calls: Vec<String>,
    batches: Vec<usize>,
}

/// Serves AnkiConnect on a free port; every request must carry `key` when one is given.
fn serve(key: Option<&'static str>, anki: Arc<Mutex<Anki>>) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("server");
    let url = format!("http://{}", server.server_addr());
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let mut body = String::new();
            let _ = request.as_reader().read_to_string(&mut body);
            let answer = answer(&body, key, &mut anki.lock().expect("lock"));
            let _ = request.respond(tiny_http::Response::from_string(answer.to_string()));
        }
    });
    url
}

fn answer(body: &str, key: Option<&str>, anki: &mut Anki) -> Value {
    let req: Value = serde_json::from_str(body).expect("request is JSON");
    assert_eq!(req["version"], 6, "{req}");
    if key.is_some() && req["key"].as_str() != key {
        return json!({"result": null, "error": "valid api key must be provided"});
    }
    let action = req["action"].as_str().expect("action").to_owned();
    let p = &req["params"];
    anki.calls.push(action.clone());
    let result = match action.as_str() {
        "version" => json!(6),
        "createDeck" => {
            assert_eq!(p["deck"], "Biology::Cells");
            json!(1_700_000_000_000u64)
        }
        "modelNames" => json!(anki.models),
        "createModel" => {
            let name = p["modelName"].as_str().expect("name").to_owned();
            let fields = p["inOrderFields"].as_array().expect("fields");
            assert_eq!(fields.len(), 3, "{p}");
            assert_eq!(fields[2], "Source");
            assert_eq!(p["isCloze"], name.contains("Cloze"));
            let templates = p["cardTemplates"].as_array().expect("templates");
            assert!(
                templates
                    .iter()
                    .all(|t| t["Front"].is_string() && t["Back"].is_string())
            );
            assert!(p["css"].as_str().is_some_and(|c| c.contains(".card")));
            anki.models.push(name);
            json!({"id": 1})
        }
        "storeMediaFile" => {
            let data = base64::engine::general_purpose::STANDARD
                .decode(p["data"].as_str().expect("data"))
                .expect("base64");
            anki.media
                .insert(p["filename"].as_str().expect("filename").to_owned(), data);
            json!(p["filename"])
        }
        "canAddNotes" => {
            let notes = p["notes"].as_array().expect("notes");
            json!(
                notes
                    .iter()
                    .map(|n| {
                        let first = first_field(n);
                        !anki.first_fields.contains(&first)
                    })
                    .collect::<Vec<_>>()
            )
        }
        "addNotes" => {
            let notes = p["notes"].as_array().expect("notes");
            anki.batches.push(notes.len());
            let ids: Vec<Value> = notes
                .iter()
                .map(|n| {
                    assert_eq!(n["deckName"], "Biology::Cells");
                    assert_eq!(n["options"]["allowDuplicate"], false);
                    let model = n["modelName"].as_str().expect("model");
                    assert!(
                        anki.models.iter().any(|m| m == model),
                        "{model} not created"
                    );
                    let first = first_field(n);
                    if anki.first_fields.contains(&first) {
                        Value::Null
                    } else {
                        anki.first_fields.push(first);
                        json!(anki.first_fields.len())
                    }
                })
                .collect();
            json!(ids)
        }
        other => panic!("unexpected action {other}"),
    };
    json!({"result": result, "error": null})
}

fn first_field(note: &Value) -> String {
    let fields = &note["fields"];
    fields
        .get("Front")
        .or_else(|| fields.get("Text"))
        .and_then(Value::as_str)
        .expect("first field")
        .to_owned()
}

fn deck(dir: &Path) -> Deck {
    image::GrayImage::from_pixel(50, 40, image::Luma([90]))
        .save(dir.join("page.png"))
        .expect("png");
    Deck::new(
        "Biology::Cells",
        vec![
            Card::basic("What does the mitochondrion make?", "ATP"),
            Card::reversed("la cellule", "the cell"),
            Card::cloze("The {{c1::mitochondrion}} makes {{c2::ATP}}.", ""),
            Card::basic("Label A?", "Nucleus").with_source("page.png", None),
        ],
    )
    .expect("deck")
}

#[tokio::test]
async fn push_creates_types_stores_media_and_reports_duplicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let anki = Arc::new(Mutex::new(Anki {
        models: vec!["Basic".into()],
        first_fields: vec!["la cellule".into()],
        ..Anki::default()
    }));
    let url = serve(Some("s3cret"), anki.clone());
    let client = AnkiConnect::new(url, Some("s3cret".into()));
    let options = ExportOptions {
        media_base: Some(dir.path().to_owned()),
        modified: None,
    };
    let summary = client
        .push(&deck(dir.path()), &options, 2)
        .await
        .expect("pushed");
    assert_eq!((summary.notes, summary.already_in_anki), (3, 1));
    assert_eq!(summary.cards, 1 + 2 + 1);
    assert_eq!(summary.media, 1);

    let anki = anki.lock().expect("lock");
    assert_eq!(
        anki.models.len(),
        4,
        "three note types created: {:?}",
        anki.models
    );
    assert_eq!(anki.calls[..3], ["version", "createDeck", "modelNames"]);
    assert!(anki.batches.iter().all(|&n| n <= 2), "{:?}", anki.batches);
    let (name, bytes) = anki.media.iter().next().expect("one media file");
    assert!(
        name.starts_with("page-") && name.ends_with(".png"),
        "{name}"
    );
    assert_eq!(
        bytes,
        &std::fs::read(dir.path().join("page.png")).expect("read")
    );
}

#[tokio::test]
async fn a_second_push_adds_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let anki = Arc::new(Mutex::new(Anki::default()));
    let client = AnkiConnect::new(serve(None, anki.clone()), None);
    let options = ExportOptions {
        media_base: Some(dir.path().to_owned()),
        modified: None,
    };
    let deck = deck(dir.path());
    let first = client.push(&deck, &options, 50).await.expect("first");
    assert_eq!(first.notes, 4);
    let second = client.push(&deck, &options, 50).await.expect("second");
    assert_eq!((second.notes, second.already_in_anki), (0, 4));
    assert_eq!(
        anki.lock().expect("lock").models.len(),
        3,
        "types created once"
    );
}

#[tokio::test]
async fn anki_not_running_is_said_plainly() {
    // A port that was free a moment ago and has no listener now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let client = AnkiConnect::new(format!("http://127.0.0.1:{port}"), None);
    let err = client.check().await.expect_err("nothing listens");
    assert!(matches!(err, ExportError::AnkiNotRunning { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("is Anki running") && msg.contains(&port.to_string()),
        "{msg}"
    );
}

#[tokio::test]
async fn a_wrong_key_is_ankiconnects_error_and_no_key_is_shown() {
    let anki = Arc::new(Mutex::new(Anki::default()));
    let client = AnkiConnect::new(serve(Some("right"), anki), Some("wrong-key-123".into()));
    let err = client.check().await.expect_err("refused");
    let msg = err.to_string();
    assert!(msg.contains("valid api key must be provided"), "{msg}");
    assert!(!msg.contains("wrong-key-123") && !format!("{err:?}").contains("wrong-key-123"));
    assert!(!format!("{client:?}").contains("wrong-key-123"));
}
