//! The JSON the model must answer in: Rust types, the JSON Schema generated from them, and the
//! strict parser for answers.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::request::KindWanted;

/// One card as the model writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum ModelCard {
    /// A question about the material and its answer.
    Basic {
        /// The sentence or phrase of the material this card is based on, copied exactly.
        #[schemars(length(max = 300))]
        quote: String,
        /// The question.
        #[schemars(length(max = 300))]
        question: String,
        /// The answer, as the material gives it.
        #[schemars(length(max = 400))]
        answer: String,
    },
    /// Two sides asked both ways, such as a word and its translation.
    Reversed {
        /// The sentence or phrase of the material this card is based on, copied exactly.
        #[schemars(length(max = 300))]
        quote: String,
        /// One side (a word or phrase).
        #[schemars(length(max = 200))]
        front: String,
        /// The other side (its translation or meaning).
        #[schemars(length(max = 300))]
        back: String,
    },
    /// A sentence of the material with key words marked {{c1::word}}.
    Cloze {
        /// The sentence or phrase of the material this card is based on, copied exactly.
        #[schemars(length(max = 300))]
        quote: String,
        /// The sentence with one or more deletions written {{c1::word}}.
        #[schemars(length(max = 500))]
        text: String,
    },
    /// A term with its definition and an example of its use.
    Vocabulary {
        /// The sentence or phrase of the material this card is based on, copied exactly.
        #[schemars(length(max = 300))]
        quote: String,
        /// The word or expression.
        #[schemars(length(max = 120))]
        term: String,
        /// What it means.
        #[schemars(length(max = 400))]
        definition: String,
        /// A sentence using it, from the material if it has one.
        #[schemars(length(max = 300))]
        example: String,
    },
}

impl ModelCard {
    /// The kind of card this is.
    pub fn kind(&self) -> KindWanted {
        match self {
            ModelCard::Basic { .. } => KindWanted::Basic,
            ModelCard::Reversed { .. } => KindWanted::Reversed,
            ModelCard::Cloze { .. } => KindWanted::Cloze,
            ModelCard::Vocabulary { .. } => KindWanted::Vocabulary,
        }
    }

    /// The quote the card is based on.
    pub fn quote(&self) -> &str {
        match self {
            ModelCard::Basic { quote, .. }
            | ModelCard::Reversed { quote, .. }
            | ModelCard::Cloze { quote, .. }
            | ModelCard::Vocabulary { quote, .. } => quote,
        }
    }
}

/// The whole answer: a list of cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelAnswer {
    /// The flashcards made from the material.
    pub cards: Vec<ModelCard>,
}

/// The JSON Schema of [`ModelAnswer`], narrowed to the kinds wanted, in the subset of JSON Schema
/// that Ollama, llama.cpp and OpenAI's strict mode all accept (`anyOf` not `oneOf`, `enum` not
/// `const`, every property required, no extra properties, no `$schema`).
///
/// Every string has a `maxLength` and the list a `maxItems` of `max_cards`, so that a model that
/// starts repeating itself is stopped by the grammar instead of running to the token limit.
pub fn schema(kinds: &[KindWanted], max_cards: usize) -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(ModelAnswer)).unwrap_or_default();
    let defs = schema
        .as_object_mut()
        .and_then(|obj| {
            obj.remove("$schema");
            obj.remove("$defs")
        })
        .unwrap_or_default();
    inline_refs(&mut schema, &defs);
    simplify(&mut schema);
    if let Some(variants) = schema
        .pointer_mut("/properties/cards/items/anyOf")
        .and_then(Value::as_array_mut)
    {
        variants.retain(|v| {
            v.pointer("/properties/kind/enum/0")
                .and_then(Value::as_str)
                .is_some_and(|k| kinds.iter().any(|w| w.name() == k))
        });
    }
    if let Some(cards) = schema
        .pointer_mut("/properties/cards")
        .and_then(Value::as_object_mut)
    {
        cards.insert("maxItems".into(), Value::from(max_cards.max(1)));
    }
    schema
}

/// The same schema without the length limits, for servers whose strict mode refuses them.
pub fn without_length_limits(schema: &Value) -> Value {
    let mut out = schema.clone();
    strip_limits(&mut out);
    out
}

fn strip_limits(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("maxLength");
            map.remove("maxItems");
            map.values_mut().for_each(strip_limits);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_limits),
        _ => {}
    }
}

/// Replaces each `{"$ref": "#/$defs/Name"}` with the definition itself (the types are not
/// recursive), since not every server resolves references.
fn inline_refs(value: &mut Value, defs: &Value) {
    if let Some(name) = value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        && let Some(def) = defs.get(name)
    {
        *value = def.clone();
    }
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| inline_refs(v, defs)),
        Value::Array(items) => items.iter_mut().for_each(|v| inline_refs(v, defs)),
        _ => {}
    }
}

fn simplify(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(one_of) = map.remove("oneOf") {
                map.insert("anyOf".into(), one_of);
            }
            if let Some(c) = map.remove("const") {
                map.insert("enum".into(), Value::Array(vec![c]));
            }
            map.values_mut().for_each(simplify);
        }
        Value::Array(items) => items.iter_mut().for_each(simplify),
        _ => {}
    }
}

/// An answer read strictly at the top (an object with a `cards` array and nothing else) and card
/// by card below it, so one bad card does not cost the others.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedAnswer {
    /// The cards that fit the schema, each with its position in the answer.
    pub cards: Vec<ModelCard>,
    /// What was wrong with each card that did not fit.
    pub malformed: Vec<String>,
}

/// Whether an answer stops in the middle of its JSON: cut off, even if the server (or a proxy in
/// front of it) did not say so.
pub fn is_incomplete(content: &str) -> bool {
    serde_json::from_str::<Value>(strip_fence(content)).is_err_and(|e| e.is_eof())
}

/// Parses a model's answer; the error says why the answer as a whole is unusable.
pub fn parse(content: &str) -> Result<ParsedAnswer, String> {
    let text = strip_fence(content);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let preview: String = text.chars().take(80).collect();
        format!("{e} (answer begins {preview:?})")
    })?;
    let Value::Object(mut map) = value else {
        return Err("the answer is not a JSON object".into());
    };
    let Some(cards) = map.remove("cards") else {
        return Err("the answer has no \"cards\" list".into());
    };
    if let Some(extra) = map.keys().next() {
        return Err(format!("the answer has an unexpected field {extra:?}"));
    }
    let Value::Array(cards) = cards else {
        return Err("\"cards\" is not a list".into());
    };
    let mut out = ParsedAnswer {
        cards: Vec::new(),
        malformed: Vec::new(),
    };
    for (i, card) in cards.into_iter().enumerate() {
        match serde_json::from_value::<ModelCard>(card).map_err(|e| e.to_string()) {
            Ok(c) => match over_length(&c) {
                None => out.cards.push(c),
                Some(why) => out.malformed.push(format!("card {}: {why}", i + 1)),
            },
            Err(e) => out.malformed.push(format!("card {}: {e}", i + 1)),
        }
    }
    Ok(out)
}

/// The `maxLength` of each field of each kind, as the schema gives them.
fn length_limits() -> &'static BTreeMap<(String, String), usize> {
    static LIMITS: OnceLock<BTreeMap<(String, String), usize>> = OnceLock::new();
    LIMITS.get_or_init(|| {
        let mut out = BTreeMap::new();
        let s = schema(&KindWanted::ALL, 1);
        let variants = s
            .pointer("/properties/cards/items/anyOf")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for v in variants {
            let kind = v
                .pointer("/properties/kind/enum/0")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            for (field, def) in v
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if let Some(max) = def.get("maxLength").and_then(Value::as_u64) {
                    out.insert((kind.clone(), field.clone()), max as usize);
                }
            }
        }
        out
    })
}

/// Which field of a card is longer than the schema allows, if any: the server may not have
/// kept to the schema, so its limits are checked here too.
pub fn over_length(card: &ModelCard) -> Option<String> {
    let value = serde_json::to_value(card).ok()?;
    let kind = card.kind().name();
    for (field, text) in value.as_object()? {
        let Some(max) = length_limits().get(&(kind.to_owned(), field.clone())) else {
            continue;
        };
        let n = text.as_str().map_or(0, |t| t.chars().count());
        if n > *max {
            return Some(format!(
                "{field} is {n} characters long, over the schema's {max}"
            ));
        }
    }
    None
}

/// Some servers wrap JSON in a Markdown code fence even when asked for a schema.
fn strip_fence(content: &str) -> &str {
    let t = content.trim();
    t.strip_prefix("```json")
        .or_else(|| t.strip_prefix("```"))
        .and_then(|rest| rest.strip_suffix("```"))
        .map_or(t, str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_narrowed_to_the_kinds_wanted() {
        let s = schema(&[KindWanted::Basic, KindWanted::Cloze], 7);
        let text = s.to_string();
        assert!(
            !text.contains("oneOf") && !text.contains("\"const\""),
            "{text}"
        );
        assert!(s.get("$schema").is_none());
        let variants = s
            .pointer("/properties/cards/items/anyOf")
            .and_then(Value::as_array)
            .expect("anyOf");
        let kinds: Vec<&str> = variants
            .iter()
            .filter_map(|v| v.pointer("/properties/kind/enum/0").and_then(Value::as_str))
            .collect();
        assert_eq!(kinds, ["basic", "cloze"]);
        for v in variants {
            assert_eq!(v["additionalProperties"], Value::Bool(false), "{v}");
            let required = v["required"].as_array().expect("required");
            assert_eq!(
                required.len(),
                v["properties"].as_object().expect("props").len()
            );
        }
        assert_eq!(s["additionalProperties"], Value::Bool(false));
        assert_eq!(
            s.pointer("/properties/cards/maxItems"),
            Some(&Value::from(7))
        );
        assert_eq!(
            variants[0].pointer("/properties/quote/maxLength"),
            Some(&Value::from(300))
        );
        let plain = without_length_limits(&s).to_string();
        assert!(
            !plain.contains("maxLength") && !plain.contains("maxItems"),
            "{plain}"
        );
        assert_eq!(s["required"], serde_json::json!(["cards"]));
    }

    #[test]
    fn answers_are_read_strictly_at_the_top_and_per_card_below() {
        let ok = r#"{"cards": [
            {"kind": "basic", "question": "Q?", "answer": "A", "quote": "A is so"},
            {"kind": "basic", "question": "Q?"},
            {"kind": "flip", "front": "x"},
            {"kind": "cloze", "text": "{{c1::x}}", "quote": "x", "extra": 1}
        ]}"#;
        let parsed = parse(ok).expect("parsed");
        assert_eq!(parsed.cards.len(), 1);
        assert_eq!(parsed.malformed.len(), 3, "{:?}", parsed.malformed);
        assert!(parsed.malformed[0].starts_with("card 2:"));

        assert!(parse("not json").is_err());
        assert!(
            parse("[]")
                .expect_err("array")
                .contains("not a JSON object")
        );
        assert!(parse("{}").expect_err("no cards").contains("no \"cards\""));
        assert!(parse(r#"{"cards": [], "note": 1}"#).is_err());
        assert!(parse(r#"{"cards": {}}"#).is_err());
        assert!(parse("{\"cards\": [{\"kind\": \"basic\", ").is_err());
        assert!(is_incomplete("{\"cards\": [{\"kind\": \"basic\", "));
        assert!(!is_incomplete("{\"cards\": []} trailing"));
        assert!(!is_incomplete("{\"cards\": []}"));
        let long = format!(
            r#"{{"cards": [{{"kind": "basic", "question": "Q?", "answer": "{}", "quote": "A"}}]}}"#,
            "a".repeat(401)
        );
        let parsed = parse(&long).expect("parsed");
        assert!(parsed.cards.is_empty());
        assert!(
            parsed.malformed[0].contains("answer is 401 characters"),
            "{parsed:?}"
        );
        let fenced = "```json\n{\"cards\": []}\n```";
        assert_eq!(parse(fenced).expect("fenced").cards.len(), 0);
    }
}
