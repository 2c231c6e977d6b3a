//! The checked envelope of every file Signpost writes for itself (workspace
//! and model files): `{format, version, checksum, <key>: payload}`.
//!
//! The checksum is SHA-256 over the canonical JSON of the payload (keys
//! sorted, as `serde_json::Value` writes them), so a file that was edited by
//! hand, truncated or damaged is refused before anything is used. It detects
//! damage, not a determined forger: the file is the user's own, and what it
//! holds is checked again for sense by its reader.

use sha2::{Digest, Sha256};

/// Why an envelope could not be opened.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Not JSON at all (with serde's detail).
    NotJson(String),
    /// JSON, but not this `format`.
    WrongFormat,
    /// The right format, another version (0 when it has none).
    UnknownVersion(u64),
    /// The payload was changed after it was written.
    ChecksumMismatch,
    /// The envelope's fields are malformed (with serde's detail).
    BadContents(String),
}

/// The SHA-256 of a value's canonical JSON, in lowercase hex.
pub fn checksum(value: &serde_json::Value) -> String {
    let canonical = value.to_string();
    let digest = Sha256::digest(canonical.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Writes `payload` sealed in an envelope under `key`.
pub fn seal(
    format: &str,
    version: u32,
    key: &str,
    payload: serde_json::Value,
) -> Result<String, String> {
    let mut envelope = serde_json::Map::new();
    envelope.insert("format".into(), format.into());
    envelope.insert("version".into(), u64::from(version).into());
    envelope.insert("checksum".into(), checksum(&payload).into());
    envelope.insert(key.into(), payload);
    serde_json::to_string(&serde_json::Value::Object(envelope)).map_err(|err| err.to_string())
}

/// Opens an envelope written by [`seal`] and returns its payload. A UTF-8
/// byte-order mark before the JSON (added by some editors) is skipped.
pub fn open(
    text: &str,
    format: &str,
    version: u32,
    key: &str,
) -> Result<serde_json::Value, Refusal> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut raw: serde_json::Value =
        serde_json::from_str(text).map_err(|err| Refusal::NotJson(err.to_string()))?;
    if raw.get("format").and_then(|f| f.as_str()) != Some(format) {
        return Err(Refusal::WrongFormat);
    }
    let found = raw.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if found != u64::from(version) {
        return Err(Refusal::UnknownVersion(found));
    }
    let Some(stated) = raw
        .get("checksum")
        .and_then(|c| c.as_str())
        .map(String::from)
    else {
        return Err(Refusal::BadContents("it has no checksum".into()));
    };
    let Some(payload) = raw.get_mut(key).map(serde_json::Value::take) else {
        return Err(Refusal::BadContents(format!("it has no \"{key}\"")));
    };
    if checksum(&payload) != stated {
        return Err(Refusal::ChecksumMismatch);
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_payloads_open_and_edits_are_refused() {
        let payload = serde_json::json!({"b": [1, 2.5], "a": "x"});
        let text = seal("f", 3, "thing", payload.clone()).unwrap();
        assert_eq!(open(&text, "f", 3, "thing").unwrap(), payload);
        let with_bom = format!("\u{feff}{text}");
        assert_eq!(open(&with_bom, "f", 3, "thing").unwrap(), payload);
        assert_eq!(
            open(&text.replace("2.5", "2.6"), "f", 3, "thing"),
            Err(Refusal::ChecksumMismatch)
        );
        assert_eq!(open(&text, "g", 3, "thing"), Err(Refusal::WrongFormat));
        assert_eq!(
            open(&text, "f", 4, "thing"),
            Err(Refusal::UnknownVersion(3))
        );
        assert!(matches!(
            open(&text, "f", 3, "other"),
            Err(Refusal::BadContents(_))
        ));
        assert!(matches!(
            open(&text[..10], "f", 3, "thing"),
            Err(Refusal::NotJson(_))
        ));
    }
}
