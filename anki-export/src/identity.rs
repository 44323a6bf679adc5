//! Stable identities: note GUIDs from card content, note type and deck ids from names.
//!
//! Anki matches imported notes by GUID and note types by id. Deriving both from content and names
//! (never from time or chance) is what makes a second export of the same cards update nothing and
//! duplicate nothing, and land in the same deck and note types.

use unicode_normalization::UnicodeNormalization;

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Text as it counts for identity: Unicode NFC, whitespace runs collapsed to one space, trimmed.
pub fn normalize(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A GUID for a note of `kind` with these content fields: 64 bits of a BLAKE3 hash of the
/// normalised fields, in 11 letters and digits (safe in CSV, HTML and file names).
pub fn guid(kind: &str, fields: &[&str]) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"ocr-to-anki note v1\0");
    hasher.update(kind.as_bytes());
    for f in fields {
        hasher.update(b"\0");
        hasher.update(normalize(f).as_bytes());
    }
    let bytes = hasher.finalize();
    let mut n = u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap_or([0; 8]));
    let mut out = [b'0'; 11];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `id` can be a card's id: 1 to 64 ASCII letters, digits, `-`, `_` or `.` (safe as a
/// GUID, in a tag and in a search).
pub fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// A short hash of a page's text (normalised), that card ids made from the page start from.
pub fn page_digest(text: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"ocr-to-anki page v1\0");
    hasher.update(normalize(text).as_bytes());
    hasher.finalize().to_hex()[..32].to_owned()
}

/// The id a card gets when it is made from a page: from the page's digest, the words of the page
/// it quotes (or the line it came from), its kind and its content as first made. Stored with the
/// card, it stays the same however the card is edited later.
pub fn card_id(page: &str, quote: &str, kind: &str, fields: &[&str]) -> String {
    let mut parts = vec![page, quote];
    parts.extend_from_slice(fields);
    guid(&format!("card id v1\0{kind}"), &parts)
}

/// The tag every exported note carries, whose last level is a hash of the note's GUID.
pub const ID_TAG_PREFIX: &str = "ocr-to-anki-id::";

/// The tag that finds a note by its GUID in Anki's search (AnkiConnect cannot search GUIDs):
/// lower-case hex, as Anki compares tags without case and `_` is a wildcard in its searches.
pub fn id_tag(guid: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"ocr-to-anki id tag v1\0");
    hasher.update(guid.as_bytes());
    format!("{ID_TAG_PREFIX}{}", &hasher.finalize().to_hex()[..16])
}

/// Tags with the note's id tag added at the end (and any stale id tag dropped).
#[cfg(feature = "anki-connect")]
pub fn with_id_tag(mut tags: Vec<String>, guid: &str) -> Vec<String> {
    tags.retain(|t| !t.to_lowercase().starts_with(ID_TAG_PREFIX));
    tags.push(id_tag(guid));
    tags
}

/// A positive id below 2^53 (exact in JavaScript and JSON) derived from a name, for note types
/// and decks.
pub fn stable_id(namespace: &str, name: &str) -> i64 {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"ocr-to-anki id v1\0");
    hasher.update(namespace.as_bytes());
    hasher.update(b"\0");
    hasher.update(name.as_bytes());
    let bytes = hasher.finalize();
    let n = u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap_or([0; 8]));
    // Keep clear of small ids (Anki's default deck is 1) and of timestamps Anki hands out.
    ((n >> 12) | (1 << 51)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_ignores_spacing_and_unicode_form() {
        let a = guid("basic", &["la  cellule\n", "the cell"]);
        let b = guid("basic", &[" la cellule", "the\tcell "]);
        assert_eq!(a, b);
        // "é" composed and decomposed.
        assert_eq!(
            guid("basic", &["\u{e9}t\u{e9}"]),
            guid("basic", &["e\u{301}te\u{301}"])
        );
        assert_eq!(a.len(), 11);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()), "{a}");
    }

    #[test]
    fn guid_tells_kinds_and_contents_apart() {
        let basic = guid("basic", &["front", "back"]);
        assert_ne!(basic, guid("reversed", &["front", "back"]));
        assert_ne!(basic, guid("basic", &["front", "Back"]));
        // The field boundary counts: "ab" + "c" is not "a" + "bc".
        assert_ne!(guid("basic", &["ab", "c"]), guid("basic", &["a", "bc"]));
    }

    #[test]
    fn card_ids_depend_on_page_quote_and_first_content() {
        let page = page_digest("la cuillère - the spoon\nle four - the oven");
        assert_eq!(
            page,
            page_digest("la cuillère -  the spoon le four - the oven")
        );
        let a = card_id(
            &page,
            "la cuillère - the spoon",
            "reversed",
            &["la cuillère", "the spoon"],
        );
        assert!(valid_id(&a), "{a}");
        assert_ne!(a, guid("reversed", &["la cuillère", "the spoon"]));
        assert_ne!(
            a,
            card_id(
                &page_digest("other page"),
                "la cuillère - the spoon",
                "reversed",
                &["la cuillère", "the spoon"]
            )
        );
        assert_ne!(
            a,
            card_id(
                &page,
                "le four - the oven",
                "reversed",
                &["la cuillère", "the spoon"]
            )
        );
        assert!(!valid_id("") && !valid_id("a b") && !valid_id(&"x".repeat(65)));
        assert!(valid_id("card-1.v2_x"));
        // Ids that differ only in case get different tags.
        assert_ne!(id_tag("Abc"), id_tag("abc"));
        assert!(id_tag("Abc").starts_with(ID_TAG_PREFIX));
        assert!(
            id_tag("Abc")[ID_TAG_PREFIX.len()..]
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }

    #[test]
    fn ids_are_stable_and_in_range() {
        let a = stable_id("deck", "Biology::Cells");
        assert_eq!(a, stable_id("deck", "Biology::Cells"));
        assert_ne!(a, stable_id("deck", "Biology"));
        assert_ne!(a, stable_id("notetype", "Biology::Cells"));
        assert!(a > 1 << 50 && a < 1 << 53, "{a}");
    }
}
