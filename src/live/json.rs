//! JSON as WhatsApp writes webhook bodies: compact, with every non-ASCII
//! character escaped as `\uXXXX` (lowercase hex, UTF-16 surrogate pairs
//! beyond the Basic Multilingual Plane).
//!
//! Why: bots verify the `X-Hub-Signature-256` HMAC in one of two ways. Some
//! hash the raw bytes; others (following what Meta sends) re-escape non-ASCII
//! as `\uXXXX` before hashing. A body that is pure ASCII to begin with gives
//! the same bytes either way, so both kinds verify it.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

/// `value` as compact JSON with all non-ASCII written as `\uXXXX`.
pub fn to_ascii_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, AsciiFormatter);
    value.serialize(&mut serializer)?;
    Ok(out)
}

/// serde_json's compact formatter, except that string fragments are passed
/// through [`escape_non_ascii`]. serde_json itself escapes quotes,
/// backslashes and control characters (as lowercase `\u00XX` or the short
/// forms), which is also what Meta writes.
struct AsciiFormatter;

impl Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        escape_non_ascii(writer, fragment)
    }
}

/// Writes `text`, which needs no JSON escaping otherwise, with each non-ASCII
/// character as `\uXXXX` (two escapes for characters beyond U+FFFF).
fn escape_non_ascii<W: ?Sized + io::Write>(writer: &mut W, text: &str) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut ascii_from = 0;
    for (at, c) in text.char_indices() {
        if c.is_ascii() {
            continue;
        }
        writer.write_all(&text.as_bytes()[ascii_from..at])?;
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            let u = *unit;
            writer.write_all(&[
                b'\\',
                b'u',
                HEX[usize::from(u >> 12)],
                HEX[usize::from((u >> 8) & 0xf)],
                HEX[usize::from((u >> 4) & 0xf)],
                HEX[usize::from(u & 0xf)],
            ])?;
        }
        ascii_from = at + c.len_utf8();
    }
    writer.write_all(&text.as_bytes()[ascii_from..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ascii(value: &serde_json::Value) -> String {
        String::from_utf8(to_ascii_json(value).unwrap()).unwrap()
    }

    #[test]
    fn arabic_and_emoji_become_lowercase_escapes() {
        assert_eq!(
            ascii(&json!("مرحبا")),
            r#""\u0645\u0631\u062d\u0628\u0627""#
        );
        // U+1F600 is beyond the BMP: a surrogate pair.
        assert_eq!(ascii(&json!("hi 😀!")), r#""hi \ud83d\ude00!""#);
        assert_eq!(ascii(&json!("é")), r#""\u00e9""#);
    }

    #[test]
    fn keys_are_escaped_too_and_the_rest_is_compact() {
        assert_eq!(
            ascii(&json!({"ключ": ["a\"b\\c\n", 1]})),
            r#"{"\u043a\u043b\u044e\u0447":["a\"b\\c\n",1]}"#
        );
    }

    #[test]
    fn the_output_is_ascii_and_round_trips() {
        let value = json!({"text": "Ça va? 👍🏽 — مرحبا 𝄞 \u{7f}\u{1}"});
        let bytes = to_ascii_json(&value).unwrap();
        assert!(bytes.is_ascii());
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, value);
    }
}
