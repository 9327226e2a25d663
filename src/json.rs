//! The one way rehearse writes JSON: reports, comparisons, lint findings and
//! SARIF logs all go through [`write`] (or [`to_string`]), so every JSON
//! output has the same layout and the same escapes.
//!
//! JSON is often printed to a CI log, where a string's characters are shown
//! as written. So the characters [`crate::source::hidden`] names (invisible
//! and bidirectional characters, and the `:` or `#` of a GitHub workflow
//! command) are written as `\uXXXX` escapes: a reader of the document gets
//! every value exactly as it was, and the log shows plain ASCII.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// Writes `value` as pretty-printed JSON (two-space indents), ending in a
/// newline. Serialisation errors become I/O errors, because callers are
/// writing output when they meet them.
pub(crate) fn write<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut *out, Guarded(PrettyFormatter::new()));
    value.serialize(&mut serializer).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// [`write`] into a `String`.
pub(crate) fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut bytes = Vec::new();
    // Writing to memory fails only on a value that cannot be JSON (a map
    // with non-string keys), which none of rehearse's types is.
    write(&mut bytes, value).expect("rehearse's values serialise to JSON");
    String::from_utf8(bytes).expect("serde_json writes UTF-8")
}

/// A JSON string on one line, as a YAML header value is written (no
/// trailing newline), with the same escapes as [`write`].
pub(crate) fn string(text: &str) -> String {
    let mut bytes = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, Guarded(Compact));
    text.serialize(&mut serializer)
        .expect("a string always serialises");
    String::from_utf8(bytes).expect("serde_json writes UTF-8")
}

/// serde_json's compact layout.
struct Compact;

impl Formatter for Compact {}

/// A formatter that lays out as `F` does and escapes what
/// [`crate::source::hidden`] names inside strings.
struct Guarded<F>(F);

impl<F: Formatter> Formatter for Guarded<F> {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }

    /// A run of a string that serde_json writes as it is (it escapes quotes,
    /// backslashes and C0 controls itself, between runs).
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut plain_from = 0;
        for (at, c, hide) in crate::source::hidden(fragment) {
            if hide {
                writer.write_all(&fragment.as_bytes()[plain_from..at])?;
                // Every character `hidden` names is in the Basic
                // Multilingual Plane: one `\uXXXX` escape.
                write!(writer, "\\u{:04x}", u32::from(c))?;
                plain_from = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[plain_from..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_unchanged_and_the_text_holds_no_command() {
        let value = serde_json::json!({
            "::error::key": "a\u{202e}b ##[error]x\n::warning::y \u{85}",
            "plain": ["C# and: colons", 1.5],
        });
        let text = to_string(&value);
        assert!(!text.contains("##["), "{text}");
        assert!(
            !text.contains('\u{202e}') && !text.contains('\u{85}'),
            "{text}"
        );
        assert!(
            text.lines()
                .all(|line| !line.trim_start().starts_with("::")),
            "{text}"
        );
        assert!(
            text.contains("\"plain\": [\n    \"C# and: colons\""),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        assert_eq!(string("::x"), "\"\\u003a:x\"");
    }

    #[test]
    fn the_layout_is_serde_jsons_pretty_one() {
        let value = serde_json::json!({"a": [1, {"b": null}], "c": {}, "d": []});
        assert_eq!(
            to_string(&value),
            serde_json::to_string_pretty(&value).unwrap() + "\n"
        );
    }
}
