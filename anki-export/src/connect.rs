//! Pushing a deck into a running Anki through the AnkiConnect add-on (API version 6).
//!
//! Every note carries a tag made from its GUID (AnkiConnect cannot search GUIDs), and a push
//! first looks, without changing anything, for the notes Anki already has: by that tag, or for
//! notes without it (pushed by older versions, or imported from an .apkg) by the note type's first
//! field in the deck, as Anki's own duplicate check does. Then notes Anki has and that were edited
//! are updated in place (their cards and review history stay), notes that are unchanged are left
//! alone, and only new notes are added, with the media they show, by importing a package of
//! them: so they get the same GUIDs and note type ids as an `.apkg` export, and both routes end in
//! one set of note types. A note Anki has in another deck stays there (updated if edited), as an
//! `.apkg` import does too.
//!
//! AnkiConnect answers HTTP/1.1 and then closes the connection: every request opens its own, and
//! one that fails before any byte of the answer arrived is sent again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

use crate::error::{ExportError, Result};
use crate::identity;
use crate::model::Deck;
use crate::note::{self, Note};
use crate::summary::{ExportOptions, ExportSummary, nothing_to_write};

/// The address AnkiConnect listens on by default.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8765";

/// The AnkiConnect API version this client speaks.
pub const API_VERSION: u64 = 6;

/// How many times a request that got no answer at all is sent again.
const RETRIES: u32 = 3;

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

/// What `notesInfo` says about one note.
#[derive(Debug, Deserialize)]
struct NoteInfo {
    #[serde(rename = "noteId")]
    id: u64,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    fields: BTreeMap<String, FieldInfo>,
    #[serde(rename = "modelName", default)]
    model: String,
    #[serde(default)]
    cards: Vec<u64>,
}

#[derive(Debug, Deserialize)]
struct FieldInfo {
    value: String,
}

/// What a push does with one note.
enum Plan<'a> {
    Add(&'a Note),
    Update(&'a Note, u64),
    Unchanged(u64),
    Skip,
}

impl AnkiConnect {
    /// A client for `url` (`http://` is assumed when no scheme is given), sending `key` with
    /// every request when AnkiConnect asks for one.
    pub fn new(url: impl Into<String>, key: Option<String>) -> AnkiConnect {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(300))
            .connect_timeout(Duration::from_secs(5))
            // AnkiConnect closes the socket after each answer: never reuse one.
            .pool_max_idle_per_host(0)
            .build()
            .unwrap_or_default();
        let url = url.into();
        let url = if url.contains("://") {
            url
        } else {
            format!("http://{url}")
        };
        AnkiConnect {
            url,
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
        let fail = |message: String| ExportError::AnkiConnect {
            action: action.to_owned(),
            message,
        };
        let scheme = self.url.split("://").next().unwrap_or_default();
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(ExportError::BadUrl {
                url: self.url.clone(),
            });
        }
        let body =
            serde_json::to_vec(&self.request(action, params)).map_err(|e| fail(e.to_string()))?;
        let mut attempt = 0;
        let response = loop {
            let sent = self
                .http
                .post(&self.url)
                .header(reqwest::header::CONNECTION, "close")
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(r) => break r,
                // No byte of an answer came (refused, or reset before it): safe to send again.
                Err(e) if attempt < RETRIES && !e.is_timeout() && !e.is_builder() => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
                }
                Err(e) if e.is_builder() => {
                    return Err(ExportError::BadUrl {
                        url: self.url.clone(),
                    });
                }
                Err(e) if e.is_connect() || e.is_timeout() => {
                    return Err(ExportError::AnkiNotRunning {
                        url: self.url.clone(),
                        cause: root_cause(&e),
                    });
                }
                Err(e) => return Err(fail(root_cause(&e))),
            }
        };
        let status = response.status();
        // Once an answer began, it is never sent again: the action may have been done.
        let text = response.text().await.map_err(|e| fail(root_cause(&e)))?;
        let value: Value = serde_json::from_str(&text).map_err(|_| {
            fail(format!(
                "answer is not AnkiConnect JSON (HTTP {status}): {:?}",
                text.chars().take(120).collect::<String>()
            ))
        })?;
        let result = answer_of(&value).map_err(|e| match e {
            Answer::Error(m) if m.contains("api key") => ExportError::BadKey { message: m },
            Answer::Error(m) => fail(m),
            Answer::Missing => fail("answer has no \"result\"".into()),
        })?;
        serde_json::from_value(result).map_err(|e| fail(format!("unexpected result: {e}")))
    }

    fn request(&self, action: &str, params: Value) -> Value {
        let mut body = json!({"action": action, "version": API_VERSION, "params": params});
        if let Some(k) = &self.key {
            body["key"] = json!(k);
        }
        body
    }

    /// Calls several actions of one kind in one request; each result or its error, in order.
    async fn multi<T: DeserializeOwned>(
        &self,
        action: &str,
        params: Vec<Value>,
    ) -> Result<Vec<Result<T, String>>> {
        if params.is_empty() {
            return Ok(Vec::new());
        }
        let actions: Vec<Value> = params
            .into_iter()
            .map(|p| self.request(action, p))
            .collect();
        let answers: Vec<Value> = self.call("multi", json!({ "actions": actions })).await?;
        Ok(answers
            .iter()
            .map(|a| match answer_of(a) {
                Ok(v) => serde_json::from_value(v).map_err(|e| format!("unexpected result: {e}")),
                Err(Answer::Error(m)) => Err(m),
                Err(Answer::Missing) => Err("answer has no \"result\"".into()),
            })
            .collect())
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

    /// Brings the deck's cards into Anki, `batch` notes per request: new notes are added, notes
    /// Anki has are updated in place when the cards were edited and left alone when not. Nothing
    /// is changed in Anki before every check passed (note types, which notes exist).
    pub async fn push(
        &self,
        deck: &Deck,
        options: &ExportOptions,
        batch: usize,
    ) -> Result<ExportSummary> {
        let batch = batch.max(1);
        let mut notes = note::prepare(deck, options.media_base.as_deref(), true);
        if notes.notes.is_empty() {
            return Err(nothing_to_write(deck, notes));
        }
        for n in &mut notes.notes {
            n.tags = identity::with_id_tag(std::mem::take(&mut n.tags), &n.guid);
        }
        self.check().await?;
        self.check_note_types(&notes.notes).await?;

        // Which notes Anki has, found by their tag: first all of this tool's notes in the deck,
        // in one search (a re-push of an unchanged deck needs no other), then the rest anywhere
        // in the collection, a batch of tags at a time (each tag term is a scan of its own).
        let mut found: HashMap<String, NoteInfo> = HashMap::new();
        let remember = |found: &mut HashMap<String, NoteInfo>, infos: Vec<NoteInfo>| {
            for info in infos {
                if let Some(tag) = info
                    .tags
                    .iter()
                    .find(|t| t.to_lowercase().starts_with(identity::ID_TAG_PREFIX))
                {
                    found.insert(tag.to_lowercase(), info);
                }
            }
        };
        let decks: Vec<String> = self.call("deckNames", json!({})).await?;
        let deck_in_anki = decks.iter().any(|d| d == deck.name());
        if deck_in_anki {
            let query = format!(
                "\"deck:{}\" tag:{}*",
                search_escape(deck.name()),
                identity::ID_TAG_PREFIX
            );
            let infos: Vec<NoteInfo> = self.call("notesInfo", json!({ "query": query })).await?;
            remember(&mut found, infos);
        }
        let elsewhere_wanted: Vec<&Note> = notes
            .notes
            .iter()
            .filter(|n| !found.contains_key(&identity::id_tag(&n.guid)))
            .collect();
        for chunk in elsewhere_wanted.chunks(batch) {
            let query = chunk
                .iter()
                .map(|n| format!("tag:{}", identity::id_tag(&n.guid)))
                .collect::<Vec<_>>()
                .join(" OR ");
            let infos: Vec<NoteInfo> = self.call("notesInfo", json!({ "query": query })).await?;
            remember(&mut found, infos);
        }

        // The rest: Anki may have them without the tag, by their first field in this deck.
        let mut problems = Vec::new();
        let mut claimed: HashSet<u64> = HashSet::new();
        let mut plans: Vec<(usize, Plan)> = Vec::new();
        let mut fresh: Vec<&Note> = Vec::new();
        for n in &notes.notes {
            match found.remove(&identity::id_tag(&n.guid)) {
                Some(info) => {
                    claimed.insert(info.id);
                    plans.push((n.index, self.compare(n, info, &mut problems)));
                }
                None => fresh.push(n),
            }
        }
        let mut adopted = claimed;
        if !deck_in_anki {
            // A deck Anki does not have holds none of these notes.
            plans.extend(fresh.drain(..).map(|n| (n.index, Plan::Add(n))));
        }
        for chunk in fresh.chunks(batch) {
            let payload: Vec<Value> = chunk.iter().map(|n| note_json(deck.name(), n)).collect();
            let can: Vec<CanAdd> = self
                .call("canAddNotesWithErrorDetail", json!({ "notes": payload }))
                .await?;
            let mut queries = Vec::new();
            let mut waiting = Vec::new();
            for (n, c) in chunk
                .iter()
                .zip(can.iter().chain(std::iter::repeat(&CanAdd::NO)))
            {
                let error = c.error.as_deref().unwrap_or_default();
                if c.can_add || error.contains("was not found") {
                    plans.push((n.index, Plan::Add(n)));
                } else if c.error.as_deref().is_some_and(|e| e.contains("duplicate")) {
                    queries.push(json!({ "query": first_field_query(deck.name(), n) }));
                    waiting.push(*n);
                } else {
                    problems.push(ExportError::InvalidCard {
                        index: n.index,
                        reason: format!(
                            "Anki cannot add it: {}",
                            c.error.as_deref().unwrap_or("no reason given")
                        ),
                    });
                }
            }
            let answers: Vec<Result<Vec<NoteInfo>, String>> =
                self.multi("notesInfo", queries).await?;
            for (n, answer) in waiting.into_iter().zip(answers) {
                // The note with the same first field, unless another card has it: a card with an
                // id takes only a note without one; one without is known by its content, and an
                // edit of it (a corrected back) is the note with its first field.
                let has_id = deck.cards.get(n.index - 1).is_some_and(|c| c.id.is_some());
                let same = answer.ok().into_iter().flatten().find(|i| {
                    !adopted.contains(&i.id)
                        && (!has_id
                            || !i
                                .tags
                                .iter()
                                .any(|t| t.to_lowercase().starts_with(identity::ID_TAG_PREFIX)))
                });
                match same {
                    Some(info) => {
                        adopted.insert(info.id);
                        plans.push((n.index, self.compare(n, info, &mut problems)));
                    }
                    None => problems.push(ExportError::InvalidCard {
                        index: n.index,
                        reason: format!(
                            "deck \"{}\" already has another note with the same {} (Anki keeps one per deck); \
                             change one of the two",
                            deck.name(), n.note_type.fields[0]
                        ),
                    }),
                }
            }
        }
        plans.sort_by_key(|(i, _)| *i);

        // Two cards of this file with the same first field: Anki takes the first only.
        let mut firsts: HashMap<(&str, String), usize> = HashMap::new();
        let mut adds: Vec<&Note> = Vec::new();
        let mut updates: Vec<(&Note, u64)> = Vec::new();
        let mut unchanged: usize = 0;
        for (_, plan) in &plans {
            match plan {
                Plan::Add(n) => {
                    let key = (n.note_type.name, nfc(&n.fields[0]));
                    match firsts.get(&key) {
                        Some(&first) => problems.push(ExportError::InvalidCard {
                            index: n.index,
                            reason: format!(
                                "same {} as card {first}: a duplicate in deck \"{}\", not added",
                                n.note_type.fields[0],
                                deck.name()
                            ),
                        }),
                        None => {
                            firsts.insert(key, n.index);
                            adds.push(*n);
                        }
                    }
                }
                Plan::Update(n, id) => updates.push((*n, *id)),
                Plan::Unchanged(_) => unchanged += 1,
                Plan::Skip => {}
            }
        }

        let found_ids: Vec<u64> = plans
            .iter()
            .filter_map(|(_, p)| match p {
                Plan::Update(_, id) | Plan::Unchanged(id) => Some(*id),
                _ => None,
            })
            .collect();
        let elsewhere = self.decks_elsewhere(deck.name(), &found_ids).await?;
        let unchanged = unchanged.saturating_sub(
            plans
                .iter()
                .filter(|(_, p)| matches!(p, Plan::Unchanged(id) if elsewhere.1.contains(id)))
                .count(),
        );

        // Now change Anki: media of the notes that change (only those Anki lacks), the updates,
        // then the new notes, whose package carries their media.
        let touched: Vec<&Note> = updates
            .iter()
            .map(|(n, _)| *n)
            .chain(adds.iter().copied())
            .collect();
        let missing = self.missing_media(&notes.media, &touched).await?;
        let media_count = missing.len();
        let update_media: HashSet<&str> = updates
            .iter()
            .filter_map(|(n, _)| n.media.as_deref())
            .collect();
        for m in missing
            .iter()
            .filter(|m| update_media.contains(m.name.as_str()))
        {
            let data = base64::engine::general_purpose::STANDARD.encode(&m.bytes);
            let _: Value = self
                .call(
                    "storeMediaFile",
                    json!({ "filename": m.name, "data": data }),
                )
                .await?;
        }
        let mut updated = 0;
        for chunk in updates.chunks(batch) {
            let params: Vec<Value> = chunk
                .iter()
                .map(
                    |(n, id)| json!({"note": {"id": id, "fields": fields_json(n), "tags": n.tags}}),
                )
                .collect();
            let answers: Vec<Result<Value, String>> = self.multi("updateNote", params).await?;
            for ((n, _), answer) in chunk.iter().zip(answers) {
                match answer {
                    Ok(_) => updated += 1,
                    Err(e) => problems.push(ExportError::InvalidCard {
                        index: n.index,
                        reason: format!("updating its note in Anki failed: {e}"),
                    }),
                }
            }
        }
        let (mut added, mut cards) = (0, 0);
        for chunk in adds.chunks(batch) {
            self.import_notes(deck, chunk, options).await?;
            // What the import made, found again by tag: those are the notes added.
            let query = chunk
                .iter()
                .map(|n| format!("tag:{}", identity::id_tag(&n.guid)))
                .collect::<Vec<_>>()
                .join(" OR ");
            let ids: Vec<u64> = self.call("findNotes", json!({ "query": query })).await?;
            if ids.len() < chunk.len() {
                problems.push(ExportError::AnkiConnect {
                    action: "importPackage".into(),
                    message: format!(
                        "{} of {} notes did not arrive",
                        chunk.len() - ids.len(),
                        chunk.len()
                    ),
                });
            }
            added += ids.len().min(chunk.len());
            cards += chunk.iter().map(|n| n.cards).sum::<usize>();
        }
        problems.sort_by_key(problem_index);
        let mut summary = ExportSummary::of(notes);
        summary.notes = added;
        summary.cards = cards;
        summary.media = media_count;
        summary.updated = updated;
        summary.already_in_anki = unchanged;
        summary.in_other_decks = elsewhere.0;
        summary.problems.extend(problems);
        summary.problems.sort_by_key(problem_index);
        Ok(summary)
    }

    /// Stops with a message that says what to fix when a note type this deck needs exists in
    /// Anki with other fields.
    async fn check_note_types(&self, notes: &[Note]) -> Result<()> {
        let have: HashMap<String, i64> = self.call("modelNamesAndIds", json!({})).await?;
        let mut seen = HashSet::new();
        for t in notes.iter().map(|n| &n.note_type) {
            if !seen.insert(t.name) || !have.contains_key(t.name) {
                continue;
            }
            let fields: Vec<String> = self
                .call("modelFieldNames", json!({ "modelName": t.name }))
                .await?;
            if let Some(missing) = t.fields.iter().find(|f| !fields.iter().any(|g| g == *f)) {
                return Err(ExportError::NoteTypeFields {
                    name: t.name.to_owned(),
                    missing: (*missing).to_owned(),
                    found: fields.join(", "),
                });
            }
        }
        Ok(())
    }

    /// Whether a note Anki has needs an update.
    fn compare<'a>(
        &self,
        n: &'a Note,
        info: NoteInfo,
        problems: &mut Vec<ExportError>,
    ) -> Plan<'a> {
        if info.model != n.note_type.name {
            problems.push(ExportError::InvalidCard {
                index: n.index,
                reason: format!(
                    "its note in Anki is of type \"{}\", not \"{}\"; Anki cannot change a note's type \
                     on export: change it in Anki (Browse → Notes → Change Note Type)",
                    info.model, n.note_type.name
                ),
            });
            return Plan::Skip;
        }
        let same_fields = n
            .note_type
            .fields
            .iter()
            .zip(&n.fields)
            .all(|(name, value)| info.fields.get(*name).map(|f| nfc(&f.value)) == Some(nfc(value)));
        let lower = |tags: &[String]| -> HashSet<String> {
            tags.iter().map(|t| t.to_lowercase()).collect()
        };
        if same_fields && lower(&info.tags) == lower(&n.tags) {
            Plan::Unchanged(info.id)
        } else {
            Plan::Update(n, info.id)
        }
    }

    /// Of the notes `found`, those not in `deck`: how many per deck they are in, and their ids.
    async fn decks_elsewhere(
        &self,
        deck: &str,
        found: &[u64],
    ) -> Result<(BTreeMap<String, usize>, HashSet<u64>)> {
        let mut out = BTreeMap::new();
        if found.is_empty() {
            return Ok((out, HashSet::new()));
        }
        let mut here: HashSet<u64> = HashSet::new();
        for chunk in found.chunks(500) {
            let ids = chunk
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let query = format!("\"deck:{}\" nid:{ids}", search_escape(deck));
            let in_deck: Vec<u64> = self.call("findNotes", json!({ "query": query })).await?;
            here.extend(in_deck);
        }
        let away: Vec<u64> = found
            .iter()
            .copied()
            .filter(|i| !here.contains(i))
            .collect();
        for chunk in away.chunks(500) {
            let infos: Vec<NoteInfo> = self.call("notesInfo", json!({ "notes": chunk })).await?;
            let first_cards: Vec<u64> = infos
                .iter()
                .filter_map(|i| i.cards.first().copied())
                .collect();
            let cards: Vec<CardInfo> = self
                .call("cardsInfo", json!({ "cards": first_cards }))
                .await?;
            for c in cards {
                *out.entry(c.deck).or_default() += 1;
            }
        }
        Ok((out, away.into_iter().collect()))
    }

    /// The images `notes` show that Anki does not have yet.
    async fn missing_media<'m>(
        &self,
        media: &'m [crate::media::Media],
        notes: &[&Note],
    ) -> Result<Vec<&'m crate::media::Media>> {
        let wanted: HashSet<&str> = notes.iter().filter_map(|n| n.media.as_deref()).collect();
        let wanted: Vec<&crate::media::Media> = media
            .iter()
            .filter(|m| wanted.contains(m.name.as_str()))
            .collect();
        // Media names carry a hash of their content: the same name is the same image.
        let have: Vec<Result<Vec<String>, String>> = self
            .multi(
                "getMediaFilesNames",
                wanted
                    .iter()
                    .map(|m| json!({ "pattern": m.name }))
                    .collect(),
            )
            .await?;
        Ok(wanted
            .into_iter()
            .zip(have)
            .filter(|(m, have)| !have.as_ref().is_ok_and(|names| names.contains(&m.name)))
            .map(|(m, _)| m)
            .collect())
    }

    /// Adds new notes (with their media) by having Anki import a package of them.
    async fn import_notes(
        &self,
        deck: &Deck,
        notes: &[&Note],
        options: &ExportOptions,
    ) -> Result<()> {
        let cards = notes
            .iter()
            .filter_map(|n| deck.cards.get(n.index - 1))
            .map(|c| {
                let mut c = c.clone();
                c.tags.push(identity::id_tag(&c.guid()));
                c
            })
            .collect();
        let part = Deck::new(deck.name(), cards)?;
        let dir = tempfile::tempdir().map_err(|e| ExportError::io(std::env::temp_dir(), e))?;
        let path = dir.path().join("notes.apkg");
        crate::apkg::write_apkg(&part, &path, options)?;
        let bytes = std::fs::read(&path).map_err(|e| ExportError::io(&path, e))?;
        // The package goes to Anki's media folder (Anki may run on another machine), is imported
        // from there, and is removed again.
        let name = format!(
            "_ocr-to-anki-import-{}.apkg",
            &blake3::hash(&bytes).to_hex()[..16]
        );
        let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let stored: String = self
            .call("storeMediaFile", json!({ "filename": name, "data": data }))
            .await?;
        let media_dir: String = self.call("getMediaDirPath", json!({})).await?;
        let sep = if media_dir.contains('\\') && !media_dir.contains('/') {
            "\\"
        } else {
            "/"
        };
        let imported: Result<Value> = self
            .call(
                "importPackage",
                json!({ "path": format!("{media_dir}{sep}{stored}") }),
            )
            .await;
        let removed: Result<Value> = self
            .call("deleteMediaFile", json!({ "filename": stored }))
            .await;
        imported?;
        removed?;
        Ok(())
    }
}

/// What `cardsInfo` says about a card, as far as a push needs it.
#[derive(Debug, Deserialize)]
struct CardInfo {
    #[serde(rename = "deckName")]
    deck: String,
}

#[derive(Debug, Deserialize)]
struct CanAdd {
    #[serde(rename = "canAdd")]
    can_add: bool,
    #[serde(default)]
    error: Option<String>,
}

impl CanAdd {
    const NO: CanAdd = CanAdd {
        can_add: false,
        error: None,
    };
}

enum Answer {
    Error(String),
    Missing,
}

fn answer_of(value: &Value) -> std::result::Result<Value, Answer> {
    if let Some(err) = value.get("error").and_then(Value::as_str) {
        return Err(Answer::Error(err.to_owned()));
    }
    value.get("result").cloned().ok_or(Answer::Missing)
}

fn problem_index(e: &ExportError) -> usize {
    match e {
        ExportError::InvalidCard { index, .. } | ExportError::Media { index, .. } => *index,
        _ => usize::MAX,
    }
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Escapes text for inside a double-quoted Anki search term.
fn search_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '"' | '*' | '_' | ':' | '(' | ')' | '-') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The search for notes of `n`'s type in `deck` whose first field is `n`'s.
fn first_field_query(deck: &str, n: &Note) -> String {
    format!(
        "\"deck:{}\" \"note:{}\" \"{}:{}\"",
        search_escape(deck),
        search_escape(n.note_type.name),
        search_escape(n.note_type.fields[0]),
        search_escape(&n.fields[0])
    )
}

fn fields_json(n: &Note) -> serde_json::Map<String, Value> {
    n.note_type
        .fields
        .iter()
        .zip(&n.fields)
        .map(|(name, value)| ((*name).to_owned(), json!(value)))
        .collect()
}

fn note_json(deck: &str, n: &Note) -> Value {
    json!({
        "deckName": deck,
        "modelName": n.note_type.name,
        "fields": fields_json(n),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_without_a_scheme_get_http() {
        assert_eq!(
            AnkiConnect::new("127.0.0.1:8765", None).url(),
            "http://127.0.0.1:8765"
        );
        assert_eq!(
            AnkiConnect::new("https://anki.example:443", None).url(),
            "https://anki.example:443"
        );
    }

    #[test]
    fn search_terms_are_escaped() {
        assert_eq!(search_escape(r#"a "b" c_d*e:f"#), r#"a \"b\" c\_d\*e\:f"#);
        let n = &note::prepare(
            &Deck::new("D", vec![crate::Card::basic("l'assiette", "the plate")]).expect("deck"),
            None,
            false,
        )
        .notes[0];
        assert_eq!(
            first_field_query("D", n),
            r#""deck:D" "note:ocr\-to\-anki Basic" "Front:l'assiette""#
        );
    }
}
