//! The one way rehearse writes YAML: reports, comparisons, and anything else
//! a user reads or approves as YAML goes through [`write`], so every YAML
//! output has the same emitter, the same quoting and the same layout.
//!
//! `yaml_serde` chooses each string's style itself: plain where it can, a
//! block scalar (`|-`, one line of output per line of the string) for a
//! string with a newline, and it writes bidirectional overrides as they
//! are. A name from a pull request could then start a line of a snapshot or
//! of a CI log with `::error::…`, put `##[error]` in it, or reorder what a
//! reviewer sees. So every string with a character [`hidden`] names (a
//! control character, an invisible or bidirectional one, a leading `:`, a
//! `#` of `##[`) is written by us instead, double-quoted on one line with
//! YAML's escapes: it reads back as the same string, and the output holds
//! none of those characters. Every other string keeps `yaml_serde`'s
//! choice, so reports without such strings keep their bytes.
//!
//! `yaml_serde` offers no way to choose a style, so such strings are first
//! replaced by placeholders it writes plain, then the placeholders by the
//! quoted strings. A placeholder is as long as its quoted string (so the
//! emitter lays a long mapping key out as it would the string), and any
//! string that contains the placeholders' mark is itself replaced, so no
//! other text of the output can look like one.

use std::io::{self, Write};

use serde::Serialize;
use yaml_serde::Value;

use crate::source::hidden;

/// What every placeholder starts with; its number and padding follow.
const MARK: &str = "rehearse-quoted-";

/// Writes `value` as one YAML document (no leading `---`), ending in a
/// newline. Serialisation errors (a map with non-string keys, say) become
/// I/O errors, because callers are writing output when they meet them.
pub(crate) fn write<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut tree = yaml_serde::to_value(value).map_err(io::Error::other)?;
    let mut quoted = Vec::new();
    set_aside(&mut tree, &mut quoted);
    let text = yaml_serde::to_string(&tree).map_err(io::Error::other)?;
    out.write_all(put_back(&text, &quoted).as_bytes())
}

/// Replaces every string of `value` (keys too) that must be quoted by a
/// placeholder, keeping its quoted form in `quoted` at the placeholder's
/// number.
fn set_aside(value: &mut Value, quoted: &mut Vec<String>) {
    match value {
        Value::String(text) if must_quote(text) => {
            let number = quoted.len();
            let form = double_quoted(text);
            let bare = format!("{MARK}{number}");
            // Padding to the quoted string's length in bytes: the emitter
            // decides on that length how to lay out a mapping key.
            let padding = form.len().saturating_sub(bare.len());
            *text = format!("{bare}{}", "-".repeat(padding));
            quoted.push(form);
        }
        Value::Sequence(items) => {
            for item in items {
                set_aside(item, quoted);
            }
        }
        Value::Mapping(mapping) => {
            let entries = std::mem::take(mapping);
            for (mut key, mut item) in entries {
                set_aside(&mut key, quoted);
                set_aside(&mut item, quoted);
                mapping.insert(key, item);
            }
        }
        Value::Tagged(tagged) => set_aside(&mut tagged.value, quoted),
        _ => {}
    }
}

/// Whether `yaml_serde` must not choose the style of `text`.
fn must_quote(text: &str) -> bool {
    text.contains(MARK) || hidden(text).any(|(_, _, hide)| hide)
}

/// `text` as a YAML double-quoted scalar on one line: `"` and `\` escaped,
/// and each character [`hidden`] names written as a YAML escape (`\n`,
/// `\e`, `\x3A`, `\u202E`), as libyaml writes the escapes it uses.
fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for (_, c, hide) in hidden(text) {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if hide => out.push_str(&escape(c)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The YAML escape of one character.
fn escape(c: char) -> String {
    match c {
        '\0' => "\\0".into(),
        '\u{7}' => "\\a".into(),
        '\u{8}' => "\\b".into(),
        '\t' => "\\t".into(),
        '\n' => "\\n".into(),
        '\u{b}' => "\\v".into(),
        '\u{c}' => "\\f".into(),
        '\r' => "\\r".into(),
        '\u{1b}' => "\\e".into(),
        '\u{85}' => "\\N".into(),
        '\u{2028}' => "\\L".into(),
        '\u{2029}' => "\\P".into(),
        c if u32::from(c) <= 0xff => format!("\\x{:02X}", u32::from(c)),
        c if u32::from(c) <= 0xffff => format!("\\u{:04X}", u32::from(c)),
        c => format!("\\U{:08X}", u32::from(c)),
    }
}

/// `text` with each placeholder replaced by its quoted string.
fn put_back(text: &str, quoted: &[String]) -> String {
    if quoted.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let after = &rest[at + MARK.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let padded = after[digits..].len() - after[digits..].trim_start_matches('-').len();
        // Only placeholders contain the mark (see `must_quote`), and each
        // has a number.
        let form = after[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|number| quoted.get(number))
            .expect("the mark is only in placeholders");
        out.push_str(form);
        rest = &after[digits + padded..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    fn written<T: Serialize>(value: &T) -> String {
        let mut out = Vec::new();
        write(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ordinary_strings_keep_the_emitters_style() {
        let mut map = IndexMap::new();
        map.insert("name", "plain text: yes");
        map.insert("digits", "123");
        map.insert("C#", "##x #");
        map.insert("mention", "@org/team");
        assert_eq!(written(&map), yaml_serde::to_string(&map).unwrap());
    }

    #[test]
    fn hostile_strings_are_quoted_on_one_line_and_read_back_unchanged() {
        let long = format!("::error::{}", "x".repeat(200));
        let mut map = IndexMap::new();
        map.insert(
            "::error file=a,line=1::owned",
            "a\n::warning::b\n##[error]c",
        );
        map.insert("bidi", "exe\u{202e}gnp.txt");
        map.insert("##[group]key", "tab\there");
        map.insert(long.as_str(), "rehearse-quoted-0");
        map.insert("lines", "x\r\ny\u{2028}z\u{85}");
        let text = written(&map);
        for line in text.lines() {
            // `: ` alone opens the value of a long key: YAML's, not ours.
            assert!(!line.trim_start().starts_with("::"), "{line}\n{text}");
            assert!(!line.contains("##["), "{line}\n{text}");
        }
        assert!(!text.contains('\u{202e}') && !text.contains('\t'), "{text}");
        assert!(
            text.contains(r#""\x3A:error file=a,line=1::owned": "a\n::warning::b\n#\x23[error]c""#),
            "{text}"
        );
        let back: IndexMap<String, String> = yaml_serde::from_str(&text).unwrap();
        let expected: IndexMap<String, String> = map
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        assert_eq!(back, expected);
    }
}
