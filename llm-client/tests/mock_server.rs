//! Error paths against a mock HTTP server on 127.0.0.1: refused connections, timeouts, 5xx and 429
//! with retries, malformed and cut-off answers, schema-breaking cards, and what goes over the wire.

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use llm_client::{
    ApiKey, CardGenerator, CardOptions, Document, DropReason, GenerationRequest, KindWanted,
    LlmError, ModelGenerator, ModelSettings, Ollama, OpenAiCompatible, ResponseCache, RetryPolicy,
};
use serde_json::{Value, json};

/// One request as the mock saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    auth: Option<String>,
    body: Value,
}

/// A reply: status, extra headers, body, and how long to wait before sending it.
type Reply = (u16, Vec<(&'static str, String)>, String, Duration);

struct Mock {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// Serves `replies(n)` for the n-th request (from 0) until the test ends.
fn mock(replies: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Mock {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", server.server_addr().to_ip().expect("ip"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let replies = Arc::new(replies);
    thread::spawn(move || {
        for (n, mut request) in server.incoming_requests().enumerate() {
            let (log, replies) = (Arc::clone(&log), Arc::clone(&replies));
            // One thread per request, so a slow reply never holds up the next request.
            thread::spawn(move || {
                let mut body = String::new();
                let _ = request.as_reader().read_to_string(&mut body);
                let auth = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Authorization"))
                    .map(|h| h.value.to_string());
                log.lock().expect("log").push(Seen {
                    path: request.url().to_owned(),
                    auth,
                    body: serde_json::from_str(&body).unwrap_or(Value::Null),
                });
                let (status, headers, text, delay) = replies(n);
                thread::sleep(delay);
                let chunked = headers.iter().any(|(k, _)| *k == "X-Chunked");
                let length = (!chunked).then_some(text.len());
                let mut response = tiny_http::Response::new(
                    tiny_http::StatusCode(status),
                    vec![],
                    std::io::Cursor::new(text.into_bytes()),
                    length,
                    None,
                );
                for (k, v) in headers {
                    response.add_header(
                        tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("header"),
                    );
                }
                let _ = request.respond(response);
            });
        }
    });
    Mock { url, seen }
}

fn ok(body: Value) -> Reply {
    (200, vec![], body.to_string(), Duration::ZERO)
}

fn status(code: u16, text: &str) -> Reply {
    (code, vec![], text.to_owned(), Duration::ZERO)
}

/// An OpenAI chat completion carrying `content`.
fn completion(content: &str, finish: &str) -> Value {
    json!({"choices": [{"index": 0, "finish_reason": finish,
        "message": {"role": "assistant", "content": content}}]})
}

/// An Ollama chat answer carrying `content`.
fn ollama_answer(content: &str, done_reason: &str) -> Value {
    json!({"model": "m", "message": {"role": "assistant", "content": content},
        "done": true, "done_reason": done_reason})
}

const PAGE: &str = "La poêle est chaude.\n\nLe four chauffe la cuisine.\n";

fn good_cards() -> String {
    json!({"cards": [
        {"kind": "basic", "quote": "La poêle est chaude.", "question": "Is the pan hot?",
         "answer": "Yes"},
        {"kind": "cloze", "quote": "Le four chauffe la cuisine.",
         "text": "Le {{c1::four}} chauffe la cuisine."}
    ]})
    .to_string()
}

fn fast() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        timeout: Duration::from_millis(800),
    }
}

fn request() -> GenerationRequest {
    GenerationRequest {
        documents: vec![Document::from_text("page.txt", PAGE)],
        options: CardOptions {
            kinds: vec![KindWanted::Basic, KindWanted::Cloze],
            ..CardOptions::default()
        },
    }
}

/// Small pieces may be split again, so the test page can be halved.
fn settings() -> ModelSettings {
    ModelSettings {
        min_chunk_chars: 10,
        ..ModelSettings::default()
    }
}

fn openai(url: &str, key: Option<&str>) -> ModelGenerator<OpenAiCompatible> {
    let backend =
        OpenAiCompatible::new(url, "test-model", key.and_then(ApiKey::new), fast()).expect("b");
    ModelGenerator::new(backend, settings())
}

fn ollama(url: &str) -> ModelGenerator<Ollama> {
    ModelGenerator::new(Ollama::new(url, "gemma3", fast()).expect("b"), settings())
}

#[tokio::test]
async fn openai_request_has_schema_key_and_options() {
    let m = mock(|_| ok(completion(&good_cards(), "stop")));
    let g = openai(&m.url, Some("sk-test-123"))
        .generate(&request())
        .await
        .expect("cards");
    assert_eq!(g.cards.len(), 2);
    let seen = m.seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1/chat/completions");
    assert_eq!(seen[0].auth.as_deref(), Some("Bearer sk-test-123"));
    let body = &seen[0].body;
    assert_eq!(body["model"], "test-model");
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    let kinds = body
        .pointer("/response_format/json_schema/schema/properties/cards/items/anyOf")
        .and_then(Value::as_array)
        .expect("schema variants");
    assert_eq!(kinds.len(), 2, "only the kinds asked for");
    let user = body["messages"][1]["content"].as_str().expect("user");
    assert!(user.contains("<<<MATERIAL\nLa poêle est chaude."), "{user}");
}

#[tokio::test]
async fn ollama_request_has_format_and_options() {
    let m = mock(|_| ok(ollama_answer(&good_cards(), "stop")));
    let g = ollama(&m.url).generate(&request()).await.expect("cards");
    assert_eq!(g.cards.len(), 2);
    let seen = m.seen.lock().expect("seen").clone();
    assert_eq!(seen[0].path, "/api/chat");
    assert_eq!(seen[0].auth, None);
    let body = &seen[0].body;
    assert_eq!(body["stream"], false);
    assert_eq!(body["format"]["type"], "object");
    assert_eq!(body["options"]["num_ctx"], 8192);
    assert!(body["options"]["temperature"].is_number());
}

#[tokio::test]
async fn the_check_finds_a_model_ollama_does_not_have() {
    let m = mock(|_| status(404, "{\"error\": \"model 'gemma3' not found\"}"));
    let err = ollama(&m.url).check().await.expect_err("no model");
    assert!(matches!(err, LlmError::Config(_)), "{err:?}");
    assert!(err.to_string().contains("ollama pull gemma3"), "{err}");
    let seen = m.seen.lock().expect("seen").clone();
    assert_eq!((seen.len(), seen[0].path.as_str()), (1, "/api/show"));
    assert_eq!(seen[0].body["model"], "gemma3");
    // A server that answers anything else is there; the requests will say the rest.
    let m = mock(|_| status(400, "{}"));
    ollama(&m.url).check().await.expect("reachable");
}

#[tokio::test]
async fn a_refused_connection_says_what_to_do() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let err = ollama(&url)
        .generate(&request())
        .await
        .expect_err("refused");
    assert!(matches!(err, LlmError::Connect { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains(&url) && msg.contains("--backend builtin"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_server_that_hangs_times_out_after_retries() {
    let m = mock(|_| (200, vec![], "{}".into(), Duration::from_secs(3)));
    let started = Instant::now();
    let err = openai(&m.url, None)
        .generate(&request())
        .await
        .expect_err("timeout");
    assert!(
        matches!(err, LlmError::Timeout { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(6));
    assert_eq!(m.seen.lock().expect("seen").len(), 3);
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried() {
    let m = mock(|n| match n {
        0 => status(500, "{\"error\": {\"message\": \"overloaded\"}}"),
        1 => (
            429,
            vec![("Retry-After", "0".into())],
            "slow down".into(),
            Duration::ZERO,
        ),
        _ => ok(completion(&good_cards(), "stop")),
    });
    let g = openai(&m.url, None)
        .generate(&request())
        .await
        .expect("third time");
    assert_eq!(g.cards.len(), 2);
    assert_eq!(m.seen.lock().expect("seen").len(), 3);
}

#[tokio::test]
async fn a_lasting_500_is_an_error_with_the_servers_message() {
    let m = mock(|_| status(503, "{\"error\": \"model is loading\"}"));
    let err = ollama(&m.url).generate(&request()).await.expect_err("503");
    assert!(matches!(err, LlmError::Http { status: 503, .. }), "{err:?}");
    assert!(err.to_string().contains("model is loading"), "{err}");
    assert_eq!(m.seen.lock().expect("seen").len(), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_never_show_the_key() {
    let m = mock(|_| {
        status(
            401,
            "{\"error\": {\"message\": \"Incorrect API key provided\"}}",
        )
    });
    let err = openai(&m.url, Some("sk-secret-999"))
        .generate(&request())
        .await
        .expect_err("401");
    assert!(matches!(err, LlmError::Http { status: 401, .. }), "{err:?}");
    assert_eq!(m.seen.lock().expect("seen").len(), 1);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("sk-secret-999"), "{shown}");
}

#[tokio::test]
async fn malformed_json_is_an_error_naming_the_document() {
    let m = mock(|_| ok(completion("{\"cards\": [ {\"kind\": 3} ]] ", "stop")));
    let err = openai(&m.url, None)
        .generate(&request())
        .await
        .expect_err("malformed");
    assert!(matches!(err, LlmError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().starts_with("page.txt:"), "{err}");
    // And a reply that is not even JSON.
    let m = mock(|_| status(200, "<html>proxy error</html>"));
    let err = ollama(&m.url).generate(&request()).await.expect_err("html");
    assert!(err.to_string().contains("not JSON"), "{err}");
}

#[tokio::test]
async fn a_cut_off_answer_is_asked_again_in_halves() {
    let m = mock(|n| {
        if n == 0 {
            ok(completion(
                "{\"cards\": [{\"kind\": \"basic\", \"quo",
                "length",
            ))
        } else {
            ok(completion(&good_cards(), "stop"))
        }
    });
    let g = openai(&m.url, None)
        .generate(&request())
        .await
        .expect("halves");
    assert_eq!(g.report.resplits, 1);
    assert_eq!(g.report.requests, 3);
    let seen = m.seen.lock().expect("seen").clone();
    let material = |s: &Seen| {
        s.body["messages"][1]["content"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    assert!(material(&seen[1]).contains("La poêle") && !material(&seen[1]).contains("four"));
    assert!(material(&seen[2]).contains("Le four") && !material(&seen[2]).contains("poêle"));
    // Both halves gave the same two cards; the second copies are duplicates.
    assert_eq!(g.cards.len(), 2);
    assert_eq!(g.report.dropped.get(&DropReason::Duplicate), Some(&2));
}

#[tokio::test]
async fn json_that_stops_midway_counts_as_cut_off_whatever_the_server_says() {
    let m = mock(|_| ok(ollama_answer("{\"cards\": [{\"kind\": \"basic\"", "stop")));
    let err = ollama(&m.url)
        .generate(&request())
        .await
        .expect_err("cut off");
    assert!(matches!(err, LlmError::Truncated { .. }), "{err:?}");
    // Halved until the pieces were too small to split: 1 + 2 + 4... requests, not one.
    assert!(m.seen.lock().expect("seen").len() > 1);
}

#[tokio::test]
async fn ollama_length_is_detected_too() {
    let m = mock(|_| ok(ollama_answer("{\"cards\": [", "length")));
    let err = ollama(&m.url)
        .generate(&request())
        .await
        .expect_err("cut off");
    assert!(matches!(err, LlmError::Truncated { .. }), "{err:?}");
}

#[tokio::test]
async fn schema_breaking_cards_are_dropped_and_counted() {
    let answer = json!({"cards": [
        {"kind": "basic", "quote": "La poêle est chaude.", "question": "Hot?", "answer": "Yes"},
        {"kind": "basic", "question": "No quote?", "answer": "x"},
        {"kind": "reversed", "quote": "La poêle", "front": "la poêle", "back": "the pan"},
        {"kind": "cloze", "quote": "Le four chauffe", "text": "Le four chauffe."},
        {"kind": "basic", "quote": "The moon is cheese.", "question": "Moon?", "answer": "Cheese"},
        {"kind": "basic", "quote": "LA POÊLE  EST CHAUDE", "question": "Hot?", "answer": "Yes"}
    ]});
    let m = mock(move |_| ok(completion(&answer.to_string(), "stop")));
    let g = openai(&m.url, None)
        .generate(&request())
        .await
        .expect("cards");
    let r = &g.report;
    assert_eq!(r.proposed, 6);
    assert_eq!(r.made, 1);
    let count = |reason| r.dropped.get(&reason).copied().unwrap_or(0);
    assert_eq!(count(DropReason::Malformed), 1);
    assert_eq!(count(DropReason::KindNotWanted), 1);
    assert_eq!(count(DropReason::NoClozeDeletion), 1);
    assert_eq!(count(DropReason::Unsupported), 1);
    assert_eq!(count(DropReason::Duplicate), 1);
}

#[tokio::test]
async fn strict_servers_that_refuse_length_limits_get_the_schema_without() {
    let m = mock(|n| {
        if n == 0 {
            status(
                400,
                "{\"error\": {\"message\": \"'maxLength' is not permitted in strict mode\"}}",
            )
        } else {
            ok(completion(&good_cards(), "stop"))
        }
    });
    let generator = openai(&m.url, None);
    generator.generate(&request()).await.expect("second try");
    generator.generate(&request()).await.expect("and after");
    let seen = m.seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 3, "one refusal, then no limits at all");
    let schema = |s: &Seen| s.body["response_format"]["json_schema"]["schema"].to_string();
    assert!(schema(&seen[0]).contains("maxLength"));
    assert!(!schema(&seen[1]).contains("maxLength") && !schema(&seen[2]).contains("maxItems"));
}

#[tokio::test]
async fn a_server_that_ignores_the_schema_is_held_to_it_before_the_cache() {
    // 10,000 cards where at most 5 were asked for, and one far over the schema's lengths.
    let mut cards: Vec<Value> = (0..10_000)
        .map(|i| {
            json!({"kind": "basic", "quote": "La poêle est chaude.",
                   "question": format!("Question {i}?"), "answer": "Yes"})
        })
        .collect();
    cards.insert(
        0,
        json!({"kind": "basic", "quote": "La poêle est chaude.", "question": "Long?",
               "answer": "x".repeat(1_000_000)}),
    );
    let answer = json!({ "cards": cards }).to_string();
    let m = mock(move |_| ok(completion(&answer, "stop")));
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = ResponseCache::open(dir.path()).expect("cache");
    let backend = OpenAiCompatible::new(&m.url, "m", None, fast()).expect("backend");
    let settings = ModelSettings {
        max_cards_per_chunk: 5,
        ..settings()
    };
    let generator = ModelGenerator::new(backend, settings.clone()).with_cache(cache.clone());
    let g = generator.generate(&request()).await.expect("cards");
    assert_eq!(g.cards.len(), 5);
    assert_eq!(g.report.dropped.get(&DropReason::OverMaxCards), Some(&9995));
    assert_eq!(g.report.dropped.get(&DropReason::Malformed), Some(&1));
    // The cache holds what was kept, so a rerun cannot replay the rest.
    assert!(cache.stats().bytes < 5_000, "{:?}", cache.stats());
    let backend = OpenAiCompatible::new(&m.url, "m", None, fast()).expect("backend");
    let again = ModelGenerator::new(backend, settings)
        .with_cache(cache)
        .generate(&request())
        .await
        .expect("cached");
    assert_eq!(again.report.cached, 1);
    assert_eq!(again.cards, g.cards);
    assert_eq!(again.report.dropped, g.report.dropped);
    assert_eq!(m.seen.lock().expect("seen").len(), 1);
}

#[tokio::test]
async fn a_body_over_the_cap_is_an_error_not_read_whole() {
    let huge = format!(
        "{{\"pad\": \"{}\", {}",
        "x".repeat(6 << 20),
        &completion(&good_cards(), "stop").to_string()[1..]
    );
    // Sent in chunks with no length, so the cap must hold while reading.
    let m = mock(move |_| ok_chunked(huge.clone()));
    let err = openai(&m.url, None)
        .generate(&request())
        .await
        .expect_err("too large");
    assert!(matches!(err, LlmError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("over 4 MiB"), "{err}");
}

/// A 200 reply that the mock sends chunked (no Content-Length).
fn ok_chunked(body: String) -> Reply {
    (200, vec![("X-Chunked", "1".into())], body, Duration::ZERO)
}

#[tokio::test]
async fn a_key_echoed_by_the_server_is_redacted() {
    let m = mock(|_| {
        status(
            401,
            "{\"error\": {\"message\": \"Incorrect API key provided: sk-echo-777. \
             Header: Bearer sk-echo-777\"}}",
        )
    });
    let err = openai(&m.url, Some("sk-echo-777"))
        .generate(&request())
        .await
        .expect_err("401");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("sk-echo-777"), "{shown}");
    assert!(shown.contains("Incorrect API key provided"), "{shown}");
}

#[tokio::test]
async fn every_request_sent_is_counted_even_when_all_fail() {
    let m = mock(|_| status(500, "{\"error\": \"overloaded\"}"));
    let generator = openai(&m.url, None);
    generator.generate(&request()).await.expect_err("500");
    assert_eq!(m.seen.lock().expect("seen").len(), 3);
    assert_eq!(generator.requests_sent(), 3);
}

#[tokio::test]
async fn a_corrupt_cache_entry_is_a_miss_and_is_replaced() {
    let m = mock(|_| ok(completion(&good_cards(), "stop")));
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = ResponseCache::open(dir.path()).expect("cache");
    let first = openai(&m.url, None).with_cache(cache.clone());
    first.generate(&request()).await.expect("cards");
    let entry = walk_files(dir.path());
    assert_eq!(entry.len(), 1);
    for bad in ["", "{\"cards\": [", "not json at all"] {
        std::fs::write(&entry[0], bad).expect("spoil");
        let g = openai(&m.url, None)
            .with_cache(cache.clone())
            .generate(&request())
            .await
            .expect("asked again");
        assert_eq!(
            (g.cards.len(), g.report.requests, g.report.cached),
            (2, 1, 0)
        );
        assert!(std::fs::read(&entry[0]).expect("entry").len() > bad.len());
    }
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("list").flatten() {
        if e.path().is_dir() {
            out.extend(walk_files(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[tokio::test]
async fn a_host_that_does_not_resolve_names_both_ways_out() {
    // `.invalid` never resolves (RFC 6761), like the images' default `ollama` outside compose.
    let err = ollama("http://ollama.invalid:11434")
        .check()
        .await
        .expect_err("no such host");
    let msg = err.to_string();
    assert!(
        msg.contains("\"ollama.invalid\"")
            && msg.contains("does not resolve")
            && msg.contains("-e OLLAMA_HOST=")
            && msg.contains("OCR_TO_ANKI_BACKEND=builtin")
            && !msg.contains('\n'),
        "{msg}"
    );
}
