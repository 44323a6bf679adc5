//! End-to-end tests against real model servers on 127.0.0.1: llama.cpp's `llama-server` (the
//! OpenAI-compatible API) and ollama-proxy-plus in front of it (Ollama's `/api/chat`), both with a
//! small real model. `scripts/model-servers.sh` starts them and `scripts/test.sh` exports where.
//!
//! The model is tiny (Gemma 3 270M), so these tests check the protocol, the schema and the
//! validation, not the wisdom of the cards: every answer must parse, every card the model proposed
//! must be accounted for, and every card kept must really quote the page.

use std::path::{Path, PathBuf};

use llm_client::fold_for_quotes as normalize;
use llm_client::{
    CardGenerator, CardOptions, ChatBackend, Document, Generation, GenerationRequest, KindWanted,
    LlmError, ModelGenerator, ModelSettings, Ollama, OpenAiCompatible, ResponseCache, RetryPolicy,
};

fn env(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!(
            "{var} is not set: these tests talk to real model servers. Run ./scripts/test.sh, or \
             start them with `scripts/model-servers.sh start DIR` and source what it prints."
        )
    })
}

fn openai() -> OpenAiCompatible {
    OpenAiCompatible::new(
        &env("OCR_TO_ANKI_TEST_OPENAI_URL"),
        &env("OCR_TO_ANKI_TEST_OPENAI_MODEL"),
        None,
        RetryPolicy::default(),
    )
    .expect("backend")
}

fn ollama() -> Ollama {
    Ollama::new(
        &env("OCR_TO_ANKI_TEST_OLLAMA_URL"),
        &env("OCR_TO_ANKI_TEST_OLLAMA_MODEL"),
        RetryPolicy::default(),
    )
    .expect("backend")
}

/// Small answers keep the tiny model quick on two cores.
fn settings() -> ModelSettings {
    ModelSettings {
        max_tokens: 1024,
        max_cards_per_chunk: 4,
        temperature: 0.0,
        ..ModelSettings::default()
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sample() -> Document {
    let text = std::fs::read_to_string(repo().join("samples/vocabulaire.txt")).expect("sample");
    Document::from_text("vocabulaire.txt", text)
}

fn options() -> CardOptions {
    CardOptions {
        kinds: vec![KindWanted::Basic, KindWanted::Reversed],
        material_language: "fra".into(),
        answer_language: "eng".into(),
        deck: "Français::Cuisine".into(),
        tags: vec!["cuisine".into()],
        ..CardOptions::default()
    }
}

/// What every generation must satisfy, whatever the model said.
fn check(generation: &Generation, page: &Document) {
    let r = &generation.report;
    assert_eq!(r.made, generation.cards.len(), "{r:?}");
    assert_eq!(
        r.proposed,
        r.made + r.dropped_total(),
        "every card accounted for: {r:?}"
    );
    assert!(r.proposed > 0, "the model proposed no card at all: {r:?}");
    let text = normalize(&page.text);
    for card in &generation.cards {
        assert!(card.tags.contains(&"cuisine".to_owned()), "{card:?}");
        card.validate(1).expect("exportable");
        let kind = card.kind.name();
        assert!(kind == "basic" || kind == "reversed", "{card:?}");
        // Text documents have no image, so no source; the quote was checked by the validator,
        // which the Builtin and the page tests below see through `source.quote`.
        assert!(card.source.is_none());
    }
    assert!(!text.is_empty());
}

async fn generate<B: ChatBackend>(generator: &ModelGenerator<B>, doc: Document) -> Generation {
    let request = GenerationRequest {
        documents: vec![doc],
        options: options(),
    };
    generator.generate(&request).await.expect("generation")
}

#[tokio::test]
async fn openai_compatible_server_answers_in_the_schema() {
    test_support::require!("OCR_TO_ANKI_TEST_OPENAI_MODEL", "a real model server");
    test_support::require!("OCR_TO_ANKI_TEST_OPENAI_URL", "a real model server");
    let generator = ModelGenerator::new(openai(), settings());
    let g = generate(&generator, sample()).await;
    check(&g, &sample());
    assert_eq!(g.report.requests, 1, "{:?}", g.report);
}

#[tokio::test]
async fn ollama_protocol_answers_in_the_schema() {
    test_support::require!("OCR_TO_ANKI_TEST_OLLAMA_MODEL", "a real model server");
    test_support::require!("OCR_TO_ANKI_TEST_OLLAMA_URL", "a real model server");
    let generator = ModelGenerator::new(ollama(), settings());
    let g = generate(&generator, sample()).await;
    check(&g, &sample());
    assert_eq!(g.report.requests, 1, "{:?}", g.report);
}

#[tokio::test]
async fn a_second_run_asks_the_model_nothing() {
    test_support::require!("OCR_TO_ANKI_TEST_OPENAI_MODEL", "a real model server");
    test_support::require!("OCR_TO_ANKI_TEST_OPENAI_URL", "a real model server");
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = ResponseCache::open(dir.path()).expect("cache");
    let first = ModelGenerator::new(openai(), settings()).with_cache(cache.clone());
    let a = generate(&first, sample()).await;
    assert_eq!((a.report.requests, a.report.cached), (1, 0));
    // A new generator, as after a crash and restart: everything comes from the cache.
    let second = ModelGenerator::new(openai(), settings()).with_cache(cache);
    let b = generate(&second, sample()).await;
    assert_eq!((b.report.requests, b.report.cached), (0, 1));
    assert_eq!(a.cards, b.cards);
}

#[tokio::test]
async fn a_cut_off_answer_is_split_and_then_reported() {
    test_support::require!("OCR_TO_ANKI_TEST_OPENAI_MODEL", "a real model server");
    test_support::require!("OCR_TO_ANKI_TEST_OPENAI_URL", "a real model server");
    // Eight tokens cannot hold a single card: the server stops with finish_reason "length", the
    // piece is halved again and again, and at the smallest size the error says what to raise.
    let tight = ModelSettings {
        max_tokens: 8,
        min_chunk_chars: 120,
        ..settings()
    };
    let generator = ModelGenerator::new(openai(), tight);
    let request = GenerationRequest {
        documents: vec![sample()],
        options: options(),
    };
    let err = generator.generate(&request).await.expect_err("cut off");
    match &err {
        LlmError::Truncated { what, chars } => {
            assert!(what.contains("vocabulaire.txt"), "{err}");
            assert!(*chars <= 120, "{err}");
        }
        other => panic!("expected Truncated, got {other}"),
    }
    assert!(err.to_string().contains("max_tokens"), "{err}");
}

#[tokio::test]
async fn cards_from_a_recognised_page_point_back_at_it() {
    test_support::require!("OCR_TO_ANKI_TEST_OLLAMA_MODEL", "a real model server");
    test_support::require!("OCR_TO_ANKI_TEST_OLLAMA_URL", "a real model server");
    // The whole road: Tesseract reads the shipped page, the model makes cards from its words, and
    // every card kept carries the page as its source and a quote that is on it.
    let image = repo().join("samples/vocabulaire.png");
    let bytes = std::fs::read(&image).expect("image");
    let mut engine = ocr_core::Engine::new("fra", None).expect("Tesseract with fra");
    let page = ocr_core::recognize_bytes(
        &mut engine,
        &bytes,
        &image,
        &ocr_core::OcrOptions {
            lang: "fra".into(),
            ..ocr_core::OcrOptions::default()
        },
    )
    .expect("page");
    let doc = Document::from_page(&page);
    let generator = ModelGenerator::new(ollama(), settings());
    let g = generate(&generator, doc.clone()).await;
    let r = &g.report;
    assert_eq!(r.proposed, r.made + r.dropped_total(), "{r:?}");
    let text = normalize(&doc.text);
    for card in &g.cards {
        let source = card.source.as_ref().expect("source");
        assert_eq!(source.image, image);
        let quote = source.quote.as_deref().expect("quote");
        assert!(
            text.contains(&normalize(quote)),
            "{quote:?} not on the page"
        );
        let [x, y, w, h] = source.region.expect("region");
        assert!(x + w <= page.width && y + h <= page.height && w > 0 && h > 0);
    }
}
