//! Pushes through the real AnkiConnect add-on into a real Anki desktop, each checked with
//! AnkiConnect's own `notesInfo`, `cardsInfo`, `deckNames`, `modelFieldNames` and
//! `retrieveMediaFile`. `scripts/test.sh` starts Anki (scripts/anki-desktop.sh) and sets
//! `ANKICONNECT_TEST_URL`, and `ANKICONNECT_TEST_KEY_URL` with `ANKICONNECT_TEST_KEY` for an Anki
//! whose add-on asks for that key. Run alone without them, the tests say so and skip, unless
//! `OCR_TO_ANKI_REQUIRE_ALL=1` makes that a failure.

use std::path::Path;

use anki_export::{AnkiConnect, Card, Deck, ExportError, ExportOptions, ExportSummary};
use base64::Engine as _;
use serde_json::{Value, json};

/// The tests share one Anki and some change its note types: one at a time. It holds whether this
/// run has cleared what earlier runs left.
static ANKI: tokio::sync::Mutex<bool> = tokio::sync::Mutex::const_new(false);

/// Every test's deck name begins with this.
const DECK_PREFIX: &str = "ocr-to-anki tests::";

/// Takes the shared Anki for one test; the first test of a run clears what earlier runs left.
async fn take(a: &AnkiConnect) -> tokio::sync::MutexGuard<'static, bool> {
    let mut cleared = ANKI.lock().await;
    if !*cleared {
        clear_earlier_runs(a).await;
        *cleared = true;
    }
    cleared
}

/// Deletes the decks (with their cards, and so their notes) that earlier runs of these tests left
/// in an Anki, so that the tests can run again against the same Anki: their cards would be
/// "already in Anki" otherwise. Nothing outside the tests' decks is touched.
async fn clear_earlier_runs(a: &AnkiConnect) {
    let decks: Vec<Value> = call(a, "deckNames", json!({}))
        .await
        .as_array()
        .expect("deck names")
        .iter()
        .filter(|d| d.as_str().is_some_and(|d| d.starts_with(DECK_PREFIX)))
        .cloned()
        .collect();
    if !decks.is_empty() {
        call(
            a,
            "deleteDecks",
            json!({ "decks": decks, "cardsToo": true }),
        )
        .await;
    }
}

fn env_url(var: &str) -> Option<String> {
    test_support::needs(var, "a real Anki desktop with AnkiConnect")
}

fn anki() -> Option<AnkiConnect> {
    env_url("ANKICONNECT_TEST_URL").map(|u| AnkiConnect::new(u, None))
}

async fn call(a: &AnkiConnect, action: &str, params: Value) -> Value {
    a.call(action, params)
        .await
        .unwrap_or_else(|e| panic!("{action}: {e}"))
}

/// Every note of a deck, as `notesInfo` gives it, in the order of `cards` (found by the id tag
/// of each card's GUID), notes of no such card last.
async fn notes_in(a: &AnkiConnect, deck: &str, cards: &[Card]) -> Vec<Value> {
    let ids = call(
        a,
        "findNotes",
        json!({ "query": format!("\"deck:{deck}\"") }),
    )
    .await;
    let notes = call(a, "notesInfo", json!({ "notes": ids })).await;
    let mut list = notes.as_array().expect("notes").clone();
    let tags: Vec<String> = cards
        .iter()
        .map(|c| anki_export::id_tag(&c.guid()))
        .collect();
    list.sort_by_key(|n| {
        let has = |t: &String| {
            n["tags"]
                .as_array()
                .is_some_and(|l| l.iter().any(|x| x == t.as_str()))
        };
        tags.iter().position(has).unwrap_or(usize::MAX)
    });
    list
}

fn field<'a>(note: &'a Value, name: &str) -> &'a str {
    note["fields"][name]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no field {name} in {note}"))
}

fn options(dir: &Path) -> ExportOptions {
    ExportOptions {
        media_base: Some(dir.to_owned()),
        modified: None,
    }
}

/// A small image of this run's own (its first row holds a token of the run), so that an image
/// an earlier run sent to the same Anki is not taken for it.
fn png(path: &Path, shade: u8) {
    static RUN: std::sync::OnceLock<[u8; 16]> = std::sync::OnceLock::new();
    let run = RUN.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        nanos.to_le_bytes()
    });
    image::GrayImage::from_fn(60, 40, |x, y| match (y, run.get(x as usize)) {
        (0, Some(&b)) => image::Luma([b]),
        _ => image::Luma([shade ^ ((x * 7 + y) % 256) as u8]),
    })
    .save(path)
    .expect("png");
}

/// A card id no other test (or earlier run) uses.
fn uid(id: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{id}-{nanos}")
}

/// A deck name no other test (or earlier run) uses.
fn deck_name(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{DECK_PREFIX}{test} {nanos}")
}

/// A push's notes added, updated and already in Anki, and images sent.
fn tally(s: &ExportSummary) -> (usize, usize, usize, usize) {
    (s.notes, s.updated, s.already_in_anki, s.media)
}

async fn push(a: &AnkiConnect, deck: &Deck, dir: &Path) -> ExportSummary {
    a.push(deck, &options(dir), 50)
        .await
        .unwrap_or_else(|e| panic!("push of {}: {e}", deck.name()))
}

#[tokio::test]
async fn every_kind_with_html_accents_japanese_maths_and_an_image() {
    let Some(a) = anki() else { return };
    let _one = take(&a).await;
    let dir = tempfile::tempdir().expect("tempdir");
    png(&dir.path().join("page 1.png"), 40);
    let name = deck_name("kinds");
    let deck = Deck::new(
        &name,
        vec![
            Card::basic(
                "<script>alert(1)</script> & <b>bold</b>?",
                "a < b > c \"q\"",
            )
            .with_tags(["html test"]),
            Card::reversed("l'assiette, déjà, où, ça", "the plate"),
            Card::basic("猫（ねこ）は何ですか？", "cat"),
            Card::cloze(
                "Area: {{c1::$\\pi r^2$}} and {{c2::$$e^{i\\pi}$$}}",
                "maths",
            ),
            Card::basic("Label A?", "Nucleus").with_source("page 1.png", Some([10, 5, 30, 20])),
        ],
    )
    .expect("deck");
    let summary = push(&a, &deck, dir.path()).await;
    assert!(summary.problems.is_empty(), "{:?}", summary.problems);
    assert_eq!(
        (summary.notes, summary.cards, summary.media),
        (5, 1 + 2 + 1 + 2 + 1, 1)
    );

    let decks = call(&a, "deckNames", json!({})).await;
    assert!(
        decks.as_array().expect("names").contains(&json!(name)),
        "{decks}"
    );
    let notes = notes_in(&a, &name, &deck.cards).await;
    assert_eq!(notes.len(), 5, "{notes:?}");
    assert_eq!(
        field(&notes[0], "Front"),
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;?"
    );
    assert_eq!(field(&notes[0], "Back"), "a &lt; b &gt; c \"q\"");
    assert!(
        notes[0]["tags"]
            .as_array()
            .expect("tags")
            .contains(&json!("html_test"))
    );
    assert_eq!(
        notes[1]["modelName"],
        "ocr-to-anki Basic (and reversed card)"
    );
    assert_eq!(field(&notes[1], "Front"), "l'assiette, déjà, où, ça");
    assert_eq!(field(&notes[2], "Front"), "猫（ねこ）は何ですか？");
    assert_eq!(notes[3]["modelName"], "ocr-to-anki Cloze");
    assert_eq!(
        field(&notes[3], "Text"),
        "Area: {{c1::\\(\\pi r^2\\)}} and {{c2::\\[e^{i\\pi}\\]}}"
    );
    // The cards Anki made: one per side or deletion, all in the deck.
    let card_ids: Vec<Value> = notes
        .iter()
        .flat_map(|n| n["cards"].as_array().expect("cards").clone())
        .collect();
    let cards = call(&a, "cardsInfo", json!({ "cards": card_ids })).await;
    let cards = cards.as_array().expect("cards");
    assert_eq!(cards.len(), 7);
    assert!(
        cards.iter().all(|c| c["deckName"] == name.as_str()),
        "{cards:?}"
    );
    // Anki's search finds the apostrophe as typed (it is not stored as &#39;).
    let found = call(
        &a,
        "findNotes",
        json!({ "query": format!("\"deck:{name}\" \"front:l'assiette*\"") }),
    )
    .await;
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    // The note types have the fields the exporter fills.
    for (model, first) in [
        ("ocr-to-anki Basic", "Front"),
        ("ocr-to-anki Cloze", "Text"),
    ] {
        let fields = call(&a, "modelFieldNames", json!({ "modelName": model })).await;
        assert_eq!(fields[0], first);
        assert_eq!(fields[2], "Source");
    }
    // The image is in Anki's media folder, byte for byte the crop the note shows.
    let source = field(&notes[4], "Source");
    let media = source
        .split("src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("img src");
    let data = call(&a, "retrieveMediaFile", json!({ "filename": media })).await;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.as_str().expect("base64"))
        .expect("base64");
    let img = image::load_from_memory(&bytes).expect("an image");
    assert_eq!((img.width(), img.height()), (30, 20));
}

#[tokio::test]
async fn a_second_push_adds_nothing_and_uploads_nothing() {
    let Some(a) = anki() else { return };
    let _one = take(&a).await;
    let dir = tempfile::tempdir().expect("tempdir");
    png(&dir.path().join("p.png"), 7);
    let name = deck_name("again");
    let deck = Deck::new(
        &name,
        vec![
            Card::basic("q1", "a1").with_source("p.png", None),
            Card::reversed("la cellule", "the cell").with_source("p.png", Some([0, 0, 10, 10])),
            Card::cloze("The {{c1::mitochondrion}} makes {{c2::ATP}}.", ""),
        ],
    )
    .expect("deck");
    let first = push(&a, &deck, dir.path()).await;
    assert_eq!((first.notes, first.media), (3, 2));
    let second = push(&a, &deck, dir.path()).await;
    assert_eq!(tally(&second), (0, 0, 3, 0));
    assert!(second.problems.is_empty(), "{:?}", second.problems);
    assert_eq!(notes_in(&a, &name, &deck.cards).await.len(), 3);

    // A corrected back on a card with an image: the note is updated, and its image, which
    // Anki has (same name, same content), is not sent again.
    let mut cards = deck.cards.clone();
    cards[0] = Card::basic("q1", "a1, corrected").with_source("p.png", None);
    let fixed = Deck::new(&name, cards).expect("deck");
    let third = push(&a, &fixed, dir.path()).await;
    assert_eq!(tally(&third), (0, 1, 2, 0));
    assert!(third.problems.is_empty(), "{:?}", third.problems);
}

#[tokio::test]
async fn a_duplicate_front_is_reported_per_card_and_the_rest_lands() {
    let Some(a) = anki() else { return };
    let _one = take(&a).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let name = deck_name("dupes");
    let deck = Deck::new(
        &name,
        vec![
            Card::basic("Capital of France?", "Paris"),
            Card::basic("Capital of France?", "Paris, on the Seine"),
            Card::basic("Capital of Italy?", "Rome"),
        ],
    )
    .expect("deck");
    for run in 0..2 {
        let s = push(&a, &deck, dir.path()).await;
        assert_eq!(s.problems.len(), 1, "run {run}: {:?}", s.problems);
        let msg = s.problems[0].to_string();
        assert!(
            msg.starts_with("card 2:") && msg.contains("same Front"),
            "{msg}"
        );
        assert_eq!(s.notes + s.already_in_anki, 2, "run {run}");
    }
    let notes = notes_in(&a, &name, &deck.cards).await;
    assert_eq!(notes.len(), 2);
    assert_eq!(field(&notes[1], "Front"), "Capital of Italy?");
}

/// The first card of a note, answered once ("good") through Anki's scheduler, with the number
/// of reviews it then has.
async fn answer_first_card(a: &AnkiConnect, note: &Value) -> (u64, usize) {
    let card = note["cards"][0].as_u64().expect("card id");
    let ok = call(
        &a.clone(),
        "answerCards",
        json!({"answers": [{"cardId": card, "ease": 3}]}),
    )
    .await;
    assert_eq!(ok, json!([true]));
    // Anki keeps the reviews of deleted cards, and an earlier run's card had this id too.
    let answered = reviews(a, card).await;
    assert!(answered >= 1, "the answer is in the history");
    (card, answered)
}

async fn reviews(a: &AnkiConnect, card: u64) -> usize {
    let r = call(a, "getReviewsOfCards", json!({ "cards": [card] })).await;
    r[card.to_string()].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_corrected_back_updates_the_note_in_place() {
    let Some(a) = anki() else { return };
    let _one = take(&a).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let name = deck_name("corrected");
    // A file without ids: cards are known by their content, and by their front in the deck.
    let mut deck = Deck::new(
        &name,
        vec![
            Card::basic("le four", "the over"),
            Card::basic("la poêle", "the pan"),
        ],
    )
    .expect("deck");
    push(&a, &deck, dir.path()).await;
    let before = notes_in(&a, &name, &deck.cards).await;
    let (card, answered) = answer_first_card(&a, &before[0]).await;
    deck.cards[0] = Card::basic("le four", "the oven");
    let s = push(&a, &deck, dir.path()).await;
    assert_eq!(
        (s.notes, s.updated, s.already_in_anki),
        (0, 1, 1),
        "{:?}",
        s.problems
    );
    let after = notes_in(&a, &name, &deck.cards).await;
    assert_eq!(after.len(), 2);
    assert_eq!(after[0]["noteId"], before[0]["noteId"]);
    assert_eq!(field(&after[0], "Back"), "the oven");
    assert_eq!(
        reviews(&a, card).await,
        answered,
        "the review history stays"
    );
}

#[tokio::test]
async fn an_edited_card_with_an_id_keeps_its_note_and_history() {
    let Some(a) = anki() else { return };
    let _one = take(&a).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let name = deck_name("identity");
    let made = Card::reversed("la cuillère", "the spoon")
        .with_tags(["cuisine"])
        .with_id(uid("spoon-card-1"));
    let mut deck = Deck::new(
        &name,
        vec![made.clone(), Card::basic("q", "a").with_id(uid("q-card-1"))],
    )
    .expect("deck");
    assert_eq!(push(&a, &deck, dir.path()).await.notes, 2);
    let before = notes_in(&a, &name, &deck.cards).await;
    let (card, answered) = answer_first_card(&a, &before[0]).await;

    // Front, back and a tag edited: the id stays, so does the note.
    let mut edited = made;
    edited.kind = anki_export::CardKind::Reversed {
        front: "la petite cuillère".into(),
        back: "the teaspoon".into(),
    };
    edited.tags = vec!["cuisine".into(), "checked".into()];
    deck.cards[0] = edited;
    let s = push(&a, &deck, dir.path()).await;
    assert_eq!(
        (s.notes, s.updated, s.already_in_anki),
        (0, 1, 1),
        "{:?}",
        s.problems
    );
    let after = notes_in(&a, &name, &deck.cards).await;
    assert_eq!(after.len(), 2, "no second note");
    assert_eq!(after[0]["noteId"], before[0]["noteId"]);
    assert_eq!(field(&after[0], "Front"), "la petite cuillère");
    assert_eq!(field(&after[0], "Back"), "the teaspoon");
    assert!(
        after[0]["tags"]
            .as_array()
            .expect("tags")
            .contains(&json!("checked"))
    );
    assert_eq!(
        reviews(&a, card).await,
        answered,
        "the review history stays"
    );
    // And once more: nothing to do.
    let s = push(&a, &deck, dir.path()).await;
    assert_eq!((s.notes, s.updated, s.already_in_anki), (0, 0, 2));
}

#[tokio::test]
async fn the_same_cards_in_a_second_deck_stay_in_the_first() {
    let Some(a) = anki() else { return };
    let _one = take(&a).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let first = deck_name("first");
    let id2 = uid("deck-move-2");
    let cards = vec![
        Card::basic("un", "one").with_id(uid("deck-move-1")),
        Card::basic("deux", "two").with_id(&id2),
    ];
    push(
        &a,
        &Deck::new(&first, cards.clone()).expect("deck"),
        dir.path(),
    )
    .await;
    let second = deck_name("second");
    let mut moved = cards;
    moved[1] = Card::basic("deux", "two (2)").with_id(id2);
    let s = push(
        &a,
        &Deck::new(&second, moved.clone()).expect("deck"),
        dir.path(),
    )
    .await;
    assert_eq!((s.notes, s.updated), (0, 1));
    assert_eq!(
        s.in_other_decks.get(&first),
        Some(&2),
        "{:?}",
        s.in_other_decks
    );
    let notes = notes_in(&a, &first, &moved).await;
    assert_eq!(notes.len(), 2);
    assert_eq!(field(&notes[1], "Back"), "two (2)");
    assert!(notes_in(&a, &second, &moved).await.is_empty());
}

#[tokio::test]
async fn a_renamed_field_stops_the_push_before_anything_changes() {
    let Some(a) = anki() else { return };
    let _one = take(&a).await;
    let dir = tempfile::tempdir().expect("tempdir");
    // The note type must exist first.
    push(
        &a,
        &Deck::new(deck_name("types"), vec![Card::basic("x", "y")]).expect("deck"),
        dir.path(),
    )
    .await;
    let rename = |from: &str, to: &str| json!({"modelName": "ocr-to-anki Basic", "oldFieldName": from, "newFieldName": to});
    call(&a, "modelFieldRename", rename("Back", "Answer")).await;
    png(&dir.path().join("renamed.png"), 99);
    let name = deck_name("renamed");
    let deck = Deck::new(
        &name,
        vec![Card::basic("q", "a").with_source("renamed.png", None)],
    )
    .expect("deck");
    let result = a.push(&deck, &options(dir.path()), 50).await;
    let media_before = call(&a, "getMediaFilesNames", json!({ "pattern": "renamed-*" })).await;
    call(&a, "modelFieldRename", rename("Answer", "Back")).await;
    let err = result.expect_err("a field is missing");
    assert!(matches!(err, ExportError::NoteTypeFields { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("\"Back\" is missing") && msg.contains("Manage Note Types"),
        "{msg}"
    );
    let decks = call(&a, "deckNames", json!({})).await;
    assert!(
        !decks.as_array().expect("names").contains(&json!(name)),
        "no deck left behind"
    );
    assert_eq!(media_before, json!([]), "no media left behind");
}

#[tokio::test]
async fn an_apkg_of_the_same_cards_uses_the_same_note_types_and_notes() {
    let Some(a) = anki() else { return };
    let _one = take(&a).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let name = deck_name("apkg after push");
    let deck = Deck::new(
        &name,
        vec![
            Card::basic("one", "1").with_id(uid("apkg-1")),
            Card::reversed("two", "2").with_id(uid("apkg-2")),
            Card::cloze("{{c1::three}}", "").with_id(uid("apkg-3")),
        ],
    )
    .expect("deck");
    push(&a, &deck, dir.path()).await;
    let path = dir.path().join("same.apkg");
    anki_export::write_apkg(&deck, &path, &options(dir.path())).expect("apkg");
    call(&a, "importPackage", json!({ "path": path })).await;
    let models = call(&a, "modelNames", json!({})).await;
    let ours: Vec<&Value> = models
        .as_array()
        .expect("names")
        .iter()
        .filter(|m| m.as_str().is_some_and(|m| m.starts_with("ocr-to-anki")))
        .collect();
    assert_eq!(ours.len(), 3, "one set of note types: {models}");
    assert_eq!(
        notes_in(&a, &name, &deck.cards).await.len(),
        3,
        "the import matched the pushed notes"
    );
}

#[tokio::test]
async fn an_address_without_http_works() {
    let Some(url) = env_url("ANKICONNECT_TEST_URL") else {
        return;
    };
    let bare = url.trim_start_matches("http://");
    let v = AnkiConnect::new(bare, None).check().await.expect("version");
    assert!(v >= 6);
}

#[tokio::test]
async fn the_api_key_right_wrong_and_missing() {
    let Some(url) = env_url("ANKICONNECT_TEST_KEY_URL") else {
        return;
    };
    let key = std::env::var("ANKICONNECT_TEST_KEY").expect("ANKICONNECT_TEST_KEY with its URL");
    let right = AnkiConnect::new(&url, Some(key.clone()));
    clear_earlier_runs(&right).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let name = deck_name("key");
    let s = right
        .push(
            &Deck::new(&name, vec![Card::basic("k", "v")]).expect("deck"),
            &options(dir.path()),
            50,
        )
        .await
        .expect("right key");
    assert_eq!(s.notes, 1);
    assert_eq!(notes_in(&right, &name, &[]).await.len(), 1);
    for wrong in [Some("wrong-key-123".to_owned()), None] {
        let err = AnkiConnect::new(&url, wrong.clone())
            .check()
            .await
            .expect_err("refused");
        assert!(matches!(err, ExportError::BadKey { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("--anki-connect-key") && msg.contains("ANKICONNECT_KEY"),
            "{msg}"
        );
        assert!(
            !msg.contains("wrong-key-123") && !msg.contains(&key),
            "{msg}"
        );
    }
}

/// How many pixels of the screen (the X display in `DISPLAY`, captured with ImageMagick's
/// `import`) have each of Anki's two mask colours: the asked mask and the others (its
/// Image Occlusion CSS), saving the capture as `name` beside the desktop app's screenshots.
fn mask_pixels(name: &str) -> (usize, usize) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gui-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let path = dir.join(format!("{name}.png"));
    let status = std::process::Command::new("import")
        .args(["-window", "root"])
        .arg(&path)
        .status()
        .expect("ImageMagick's import runs");
    assert!(status.success(), "screen capture failed");
    let shot = image::open(&path).expect("a PNG").to_rgb8();
    let near = |p: &image::Rgb<u8>, c: [u8; 3]| p.0.iter().zip(c).all(|(a, b)| a.abs_diff(b) <= 12);
    let active = shot
        .pixels()
        .filter(|p| near(p, [0xff, 0x8e, 0x8e]))
        .count();
    let inactive = shot
        .pixels()
        .filter(|p| near(p, [0xff, 0xeb, 0xa2]))
        .count();
    (active, inactive)
}

#[tokio::test]
async fn occlusion_notes_open_in_anki_s_reviewer_with_their_masks() {
    let Some(a) = anki() else { return };
    if test_support::needs("DISPLAY", "the X display Anki runs on").is_none() {
        return;
    }
    let _one = take(&a).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let photo = dir.path().join("cell.png");
    test_support::diagram::draw(
        test_support::diagram::Subject::Cell,
        test_support::diagram::Look::Clean,
        &photo,
    );
    let masks = [[60, 85, 100, 28], [1130, 170, 200, 30], [60, 250, 185, 30]]
        .iter()
        .enumerate()
        .map(|(i, r)| anki_export::Mask {
            region: *r,
            label: format!("label {}", i + 1),
            cloze: i as u32 + 1,
        })
        .collect();
    let name = deck_name("occlusion");
    let card = Card::occlusion("cell.png", masks).with_id(uid("occlusion"));
    let deck = Deck::new(&name, vec![card.clone()]).expect("deck");
    let summary = push(&a, &deck, dir.path()).await;
    assert_eq!(
        (summary.notes, summary.cards),
        (1, 3),
        "{:?}",
        summary.problems
    );
    let notes = notes_in(&a, &name, &[card]).await;
    assert_eq!(notes[0]["modelName"], "ocr-to-anki Image Occlusion");
    assert!(field(&notes[0], "Occlusion").contains("{{c3::image-occlusion:rect:"));

    // The first card in Anki's reviewer: the asked mask and the two others drawn over the image.
    // AnkiConnect's guiDeckReview races the overview it loads first (the page left on screen
    // is the overview's): open the overview, let it settle, and press Study Now's key, `s`, as
    // a learner would, with the pointer over Anki's window (no window manager: focus follows it).
    let overview = call(&a, "guiDeckOverview", json!({ "name": name })).await;
    assert_eq!(overview, true, "the deck opens");
    tokio::time::sleep(std::time::Duration::from_millis(2000)).await;
    let xdotool = |args: &[&str]| {
        let out = std::process::Command::new("xdotool")
            .args(args)
            .output()
            .expect("xdotool runs");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    // The tests run two Anki on one display: this one's window is found by its process
    // (scripts/test.sh sets ANKICONNECT_TEST_PID), and raised over the other.
    let windows = match std::env::var("ANKICONNECT_TEST_PID") {
        Ok(pid) => xdotool(&["search", "--onlyvisible", "--pid", &pid]),
        Err(_) => xdotool(&["search", "--onlyvisible", "--class", "anki"]),
    };
    let window = windows.lines().last().expect("Anki's window").to_owned();
    xdotool(&["windowraise", &window]);
    xdotool(&["windowfocus", "--sync", &window]);
    xdotool(&["mousemove", "--window", &window, "200", "200"]);
    xdotool(&["key", "s"]);
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let current = call(&a, "guiCurrentCard", json!({})).await;
    assert_eq!(
        current["modelName"], "ocr-to-anki Image Occlusion",
        "{current}"
    );
    let question = current["question"].as_str().expect("question");
    assert_eq!(
        question.matches(r#"data-shape="rect""#).count(),
        3,
        "{question}"
    );
    let mut seen = (0, 0);
    for _ in 0..30 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        seen = mask_pixels("anki-reviewer-occlusion");
        if seen.0 > 100 && seen.1 > 200 {
            break;
        }
    }
    assert!(
        seen.0 > 100 && seen.1 > 200,
        "masks on screen (asked, others): {seen:?}; see target/tmp/gui-screenshots/anki-reviewer-occlusion.png"
    );
    call(&a, "guiDeckBrowser", json!({})).await;
}
