//! A scenario in a URL fragment: compact JSON, base64url without padding,
//! a version tag in front and a checksum behind, so a link that was cut or
//! edited by hand is refused with a message instead of half-loading.
//! Format: `s1.<base64url(json)>.<fnv1a-32 of the json, 8 hex digits>`.

use super::scenario::Scenario;
use super::SimError;

const VERSION: &str = "s1";
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The UTF-8 byte-order mark some editors put in front of a file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl Scenario {
    /// Reads a scenario saved as JSON. A UTF-8 byte-order mark in front is
    /// skipped; a file in UTF-16 is refused with a message that says so.
    pub fn from_json(bytes: &[u8]) -> Result<Scenario, SimError> {
        let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            return Err(SimError::Invalid(
                "the file is in UTF-16; save it as UTF-8 (plain JSON) and open it again".into(),
            ));
        }
        serde_json::from_slice(bytes).map_err(|e| SimError::Invalid(e.to_string()))
    }

    /// The scenario as a URL fragment (without the leading `#`).
    pub fn to_url_fragment(&self) -> String {
        // A Scenario always serialises (plain data, string keys).
        let json = serde_json::to_string(self).unwrap_or_default();
        format!(
            "{VERSION}.{}.{:08x}",
            encode(json.as_bytes()),
            fnv1a(json.as_bytes())
        )
    }

    /// Reads a fragment made by `to_url_fragment` (a leading `#` is fine).
    pub fn from_url_fragment(fragment: &str) -> Result<Scenario, SimError> {
        let err = |m: &str| SimError::Fragment(m.to_string());
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let mut parts = fragment.split('.');
        let (Some(version), Some(body), Some(sum), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(err(
                "it is not in the form s1.<data>.<checksum>; copy the whole link again",
            ));
        };
        if version != VERSION {
            return Err(SimError::Fragment(format!(
                "it was made by another version (\"{version}\", this page reads \"{VERSION}\"); \
                 open it with the page that made it"
            )));
        }
        let bytes = decode(body).ok_or_else(|| {
            err("its data has characters a link of this kind never holds; copy the whole link again")
        })?;
        let want = u32::from_str_radix(sum, 16).map_err(|_| {
            err("its checksum is not a hexadecimal number; copy the whole link again")
        })?;
        if sum.len() != 8 || fnv1a(&bytes) != want {
            return Err(err(
                "its checksum does not match, so it was cut short or edited; copy the whole link again",
            ));
        }
        serde_json::from_slice(&bytes).map_err(|e| {
            SimError::Fragment(format!(
                "its scenario cannot be read ({e}); copy the whole link again"
            ))
        })
    }
}

fn fnv1a(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Base64url, no padding.
fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let idx = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[idx as usize]));
        }
    }
    out
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c).map(|p| p as u32);
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        let full = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(full.get(..chunk.len() - 1)?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn encodes_like_rfc_4648_base64url() {
        for (raw, want) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
            ("\u{fb}\u{ff}", "w7vDvw"),
        ] {
            assert_eq!(encode(raw.as_bytes()), want, "{raw:?}");
            assert_eq!(decode(want).unwrap(), raw.as_bytes());
        }
    }

    proptest! {
        #[test]
        fn decode_inverts_encode(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(decode(&encode(&bytes)), Some(bytes));
        }

        #[test]
        fn decode_never_panics(text in ".{0,200}") {
            let _ = decode(&text);
            let _ = Scenario::from_url_fragment(&text);
        }
    }
}
