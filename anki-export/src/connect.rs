//! Pushing a deck into a running Anki through the AnkiConnect add-on (API version 6).
//!
//! The note types are created when the collection lacks them, media are stored first, then notes
//! go in batches: AnkiConnect is asked which notes it can add, adds those, and the rest are
//! reported as already in Anki (its duplicate check looks at the first field within the deck).

use std::time::Duration;

use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::apkg::{ExportOptions, ExportSummary, nothing_to_write};
use crate::error::{ExportError, Result};
use crate::model::Deck;
use crate::note::{self, Note};
use crate::notetype::{CSS, NoteType};

/// The address AnkiConnect listens on by default.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8765";

/// The AnkiConnect API version this client speaks.
pub const API_VERSION: u64 = 6;

/// A client for one AnkiConnect endpoint.
#[derive(Clone)]
pub struct AnkiConnect {
    url: String,
    key: Option<String>,
    http: reqwest::Client,
}

impl std::fmt::Debug for AnkiConnect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is a secret: it never reaches a log line.
        f.debug_struct("AnkiConnect")
            .field("url", &self.url)
            .field("key", &self.key.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl AnkiConnect {
    /// A client for `url`, sending `key` with every request when AnkiConnect asks for one.
    pub fn new(url: impl Into<String>, key: Option<String>) -> AnkiConnect {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        AnkiConnect {
            url: url.into(),
            key: key.filter(|k| !k.is_empty()),
            http,
        }
    }

    /// The endpoint address.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Calls one action and returns its result.
    pub async fn call<T: DeserializeOwned>(&self, action: &str, params: Value) -> Result<T> {
        let mut body = json!({"action": action, "version": API_VERSION, "params": params});
        if let Some(k) = &self.key {
            body["key"] = json!(k);
        }
        let fail = |message: String| ExportError::AnkiConnect {
            action: action.to_owned(),
            message,
        };
        let response = self
            .http
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                if e.is_connect() || e.is_timeout() {
                    ExportError::AnkiNotRunning {
                        url: self.url.clone(),
                        cause: root_cause(&e),
                    }
                } else {
                    fail(root_cause(&e))
                }
            })?;
        let status = response.status();
        let text = response.text().await.map_err(|e| fail(root_cause(&e)))?;
        let value: Value = serde_json::from_str(&text).map_err(|_| {
            fail(format!(
                "answer is not AnkiConnect JSON (HTTP {status}): {:?}",
                text.chars().take(120).collect::<String>()
            ))
        })?;
        if let Some(err) = value.get("error").and_then(Value::as_str) {
            return Err(fail(err.to_owned()));
        }
        let result = value
            .get("result")
            .cloned()
            .ok_or_else(|| fail("answer has no \"result\"".into()))?;
        serde_json::from_value(result).map_err(|e| fail(format!("unexpected result: {e}")))
    }

    /// Checks that AnkiConnect runs and speaks API version 6 or later; returns its version.
    pub async fn check(&self) -> Result<u64> {
        let v: u64 = self.call("version", json!({})).await?;
        if v < API_VERSION {
            return Err(ExportError::AnkiConnect {
                action: "version".into(),
                message: format!(
                    "AnkiConnect speaks API version {v}; version {API_VERSION} or later is needed"
                ),
            });
        }
        Ok(v)
    }

    /// Adds the deck's cards to Anki in batches of `batch` notes. Notes Anki already has are
    /// counted in `already_in_anki`, not added again.
    pub async fn push(
        &self,
        deck: &Deck,
        options: &ExportOptions,
        batch: usize,
    ) -> Result<ExportSummary> {
        crate::model::validate_deck_name(&deck.name)?;
        let notes = note::prepare(deck, options.media_base.as_deref(), true);
        if notes.notes.is_empty() {
            return Err(nothing_to_write(deck, notes));
        }
        self.check().await?;
        let _: Value = self
            .call("createDeck", json!({ "deck": deck.name }))
            .await?;
        self.ensure_note_types(&notes.notes).await?;

        for m in &notes.media {
            let data = base64::engine::general_purpose::STANDARD.encode(&m.bytes);
            let _: Value = self
                .call(
                    "storeMediaFile",
                    json!({ "filename": m.name, "data": data }),
                )
                .await?;
        }

        let (mut added, mut cards, mut already) = (0, 0, 0);
        for chunk in notes.notes.chunks(batch.max(1)) {
            let payload: Vec<Value> = chunk.iter().map(|n| note_json(&deck.name, n)).collect();
            let can: Vec<bool> = self
                .call("canAddNotes", json!({ "notes": payload }))
                .await?;
            let (fresh, known): (Vec<_>, Vec<_>) = chunk
                .iter()
                .zip(payload)
                .zip(can.iter().copied().chain(std::iter::repeat(false)))
                .partition(|(_, ok)| *ok);
            already += known.len();
            if fresh.is_empty() {
                continue;
            }
            let (fresh_notes, fresh_payload): (Vec<&Note>, Vec<Value>) =
                fresh.into_iter().map(|(pair, _)| pair).unzip();
            let ids: Vec<Option<u64>> = self
                .call("addNotes", json!({ "notes": fresh_payload }))
                .await?;
            for (n, id) in fresh_notes.iter().zip(ids) {
                if id.is_some() {
                    added += 1;
                    cards += n.cards;
                } else {
                    already += 1;
                }
            }
        }
        let mut summary = ExportSummary::of(notes);
        summary.notes = added;
        summary.cards = cards;
        summary.already_in_anki = already;
        Ok(summary)
    }

    async fn ensure_note_types(&self, notes: &[Note]) -> Result<()> {
        let have: Vec<String> = self.call("modelNames", json!({})).await?;
        let mut needed: Vec<&NoteType> = Vec::new();
        for n in notes {
            if !needed.iter().any(|t| t.name == n.note_type.name) {
                needed.push(&n.note_type);
            }
        }
        for t in needed
            .into_iter()
            .filter(|t| !have.iter().any(|h| h == t.name))
        {
            let templates: Vec<Value> = t
                .templates
                .iter()
                .map(|tpl| json!({"Name": tpl.name, "Front": tpl.front, "Back": tpl.back}))
                .collect();
            let _: Value = self
                .call(
                    "createModel",
                    json!({
                        "modelName": t.name,
                        "inOrderFields": t.fields,
                        "css": CSS,
                        "isCloze": t.cloze,
                        "cardTemplates": templates,
                    }),
                )
                .await?;
        }
        Ok(())
    }
}

fn note_json(deck: &str, n: &Note) -> Value {
    let fields: serde_json::Map<String, Value> = n
        .note_type
        .fields
        .iter()
        .zip(&n.fields)
        .map(|(name, value)| ((*name).to_owned(), json!(value)))
        .collect();
    json!({
        "deckName": deck,
        "modelName": n.note_type.name,
        "fields": fields,
        "tags": n.tags,
        "options": {"allowDuplicate": false, "duplicateScope": "deck"},
    })
}

/// The innermost cause of an HTTP error, which says what actually happened.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
