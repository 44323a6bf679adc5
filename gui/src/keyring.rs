//! API keys in the desktop keyring (the Secret Service: GNOME Keyring, KeePassXC, KWallet), one per
//! server address. A key is never written to the settings file, a log line or a message.

use std::collections::HashMap;
use std::time::Duration;

use gtk::glib;
use llm_client::DEFAULT_OPENAI_URL;
use secret::{Schema, SchemaAttributeType, SchemaFlags};

/// The schema keys are filed under, as other keyring tools see it.
pub const SCHEMA_NAME: &str = "io.github.OcrToAnki.ApiKey";
/// The attribute holding the server address a key belongs to.
pub const SERVER_ATTRIBUTE: &str = "server";

/// How long to wait for the keyring before going on without it.
const PATIENCE: Duration = Duration::from_secs(10);

fn schema() -> Schema {
    Schema::new(
        SCHEMA_NAME,
        SchemaFlags::NONE,
        HashMap::from([(SERVER_ATTRIBUTE, SchemaAttributeType::String)]),
    )
}

/// The address a key is filed under: the OpenAI-compatible server as configured, or OpenAI's.
pub fn server_for(base_url: &str) -> String {
    let url = base_url.trim().trim_end_matches('/');
    if url.is_empty() {
        DEFAULT_OPENAI_URL.to_owned()
    } else {
        url.to_owned()
    }
}

fn failed(what: &str, e: impl std::fmt::Display) -> String {
    format!("the keyring could not {what}: {e}")
}

/// The key saved for `server`, if any.
pub async fn lookup(server: &str) -> Result<Option<String>, String> {
    let attributes = HashMap::from([(SERVER_ATTRIBUTE, server)]);
    let schema = schema();
    let found = glib::future_with_timeout(
        PATIENCE,
        secret::password_lookup_future(Some(&schema), attributes),
    )
    .await
    .map_err(|_| failed("be reached", "no answer in 10 seconds"))?
    .map_err(|e| failed("look up the API key", e.message()))?;
    Ok(found
        .map(|k| k.to_string())
        .filter(|k| !k.trim().is_empty()))
}

/// Saves `key` for `server`, replacing any key saved before.
pub async fn store(server: &str, key: &str) -> Result<(), String> {
    let attributes = HashMap::from([(SERVER_ATTRIBUTE, server)]);
    let schema = schema();
    let label = format!("ocr-to-anki API key for {server}");
    glib::future_with_timeout(
        PATIENCE,
        secret::password_store_future(
            Some(&schema),
            attributes,
            Some(secret::COLLECTION_DEFAULT.as_str()),
            &label,
            key.trim(),
        ),
    )
    .await
    .map_err(|_| failed("be reached", "no answer in 10 seconds"))?
    .map_err(|e| failed("save the API key", e.message()))
}

/// Removes the key saved for `server`.
pub async fn clear(server: &str) -> Result<(), String> {
    let attributes = HashMap::from([(SERVER_ATTRIBUTE, server)]);
    let schema = schema();
    glib::future_with_timeout(
        PATIENCE,
        secret::password_clear_future(Some(&schema), attributes),
    )
    .await
    .map_err(|_| failed("be reached", "no answer in 10 seconds"))?
    .map_err(|e| failed("remove the API key", e.message()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_filed_under_the_server_address() {
        assert_eq!(server_for("  "), DEFAULT_OPENAI_URL);
        assert_eq!(
            server_for(" http://localhost:8080/v1/ "),
            "http://localhost:8080/v1"
        );
    }
}
