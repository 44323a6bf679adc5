//! AnkiConnect client error paths against local servers that misbehave on purpose (the happy
//! paths run against the real add-on in anki_desktop.rs).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anki_export::{AnkiConnect, ExportError};
use serde_json::{Value, json};

/// Serves AnkiConnect's `version` on a free port; every request must carry `key`.
fn serve_key(key: &'static str) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("server");
    let url = format!("http://{}", server.server_addr());
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let mut body = String::new();
            let _ = request.as_reader().read_to_string(&mut body);
            let req: Value = serde_json::from_str(&body).expect("request is JSON");
            let answer = if req["key"].as_str() == Some(key) {
                json!({"result": 6, "error": null})
            } else {
                json!({"result": null, "error": "valid api key must be provided"})
            };
            let _ = request.respond(tiny_http::Response::from_string(answer.to_string()));
        }
    });
    url
}

/// Reads one HTTP request (head and a Content-Length body) from a connection.
fn read_request(stream: &mut std::net::TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).unwrap_or(0);
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return;
            }
        }
    }
}

/// A server whose first `drops` connections end without a byte of answer; later ones get
/// `answer` (raw HTTP), after which the socket is closed as AnkiConnect does. Counts connections.
fn flaky(drops: usize, answer: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let n = seen.fetch_add(1, Ordering::SeqCst);
            read_request(&mut stream);
            if n >= drops {
                let _ = stream.write_all(answer.as_bytes());
            }
            // Dropped: closed, with or without an answer.
        }
    });
    (url, count)
}

const VERSION_6: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 28\r\n\r\n{\"result\": 6, \"error\": null}";

#[tokio::test]
async fn a_request_that_got_no_answer_is_sent_again() {
    let (url, count) = flaky(2, VERSION_6);
    let client = AnkiConnect::new(url, None);
    assert_eq!(client.check().await.expect("third try answers"), 6);
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn every_request_has_its_own_connection() {
    // AnkiConnect closes the socket after each answer without saying so.
    let (url, count) = flaky(0, VERSION_6);
    let client = AnkiConnect::new(url, None);
    for _ in 0..5 {
        client.check().await.expect("answered");
    }
    assert_eq!(count.load(Ordering::SeqCst), 5);
}

#[tokio::test]
async fn a_request_whose_answer_began_is_never_sent_again() {
    // The head and a part of the body arrive, then the connection ends.
    let (url, count) = flaky(
        0,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 90\r\n\r\n{\"result\": [1",
    );
    let client = AnkiConnect::new(url, None);
    let err = client
        .call::<Value>("addNotes", json!({"notes": []}))
        .await
        .expect_err("cut off");
    assert!(matches!(err, ExportError::AnkiConnect { .. }), "{err:?}");
    assert_eq!(count.load(Ordering::SeqCst), 1, "sent once only");
}

#[tokio::test]
async fn anki_not_running_is_said_plainly() {
    // A port that was free a moment ago and has no listener now.
    let port = TcpListener::bind("127.0.0.1:0")
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
async fn an_address_of_another_scheme_says_what_to_give() {
    let err = AnkiConnect::new("ftp://127.0.0.1:8765", None)
        .check()
        .await
        .expect_err("not http");
    assert!(matches!(err, ExportError::BadUrl { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("http://127.0.0.1:8765") && msg.contains("--anki-connect-url"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_wrong_key_names_the_option_and_no_key_is_shown() {
    let client = AnkiConnect::new(serve_key("right"), Some("wrong-key-123".into()));
    let err = client.check().await.expect_err("refused");
    assert!(matches!(err, ExportError::BadKey { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("valid api key must be provided"), "{msg}");
    assert!(
        msg.contains("--anki-connect-key") && msg.contains("ANKICONNECT_KEY"),
        "{msg}"
    );
    assert!(!msg.contains("wrong-key-123") && !format!("{err:?}").contains("wrong-key-123"));
    assert!(!format!("{client:?}").contains("wrong-key-123"));
}
