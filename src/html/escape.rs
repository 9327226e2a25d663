//! Escaping text for HTML and SVG.
//!
//! Names and messages in a report come from files users write, so every text
//! that reaches the page goes through [`Escaped`]. Besides the five markup
//! characters it neutralises characters that would make the page lie about
//! what a file says, or break an SVG file: control characters (an ANSI
//! colour code), and the bidirectional overrides and isolates (U+202A–U+202E,
//! U+2066–U+2069, U+200E, U+200F, U+061C) that can display `gnp.exe` for
//! `exe.png` (the characters [`crate::source::hidden`] names). Those are
//! written as Rust escapes, `\u{1b}` or `\u{202e}`: plain ASCII that every
//! font draws and that says exactly what the file holds. Newlines and tabs,
//! and the `:` or `#` that would make a workflow command of a line, are
//! written as character references: the page shows them as they are.

use std::fmt;

/// Text made safe for HTML or SVG, in element content and in quoted
/// attribute values alike; write it with `{}`.
///
/// ```
/// use rehearse::html::escape::Escaped;
/// assert_eq!(
///     Escaped("<b>\"Tom\" & 'Jerry'</b>").to_string(),
///     "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
/// );
/// assert_eq!(Escaped("\u{1b}[31mred").to_string(), r"\u{1b}[31mred");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        let mut plain_from = 0;
        for (at, c, hide) in crate::source::hidden(text) {
            let replacement: &str = match c {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '"' => "&quot;",
                '\'' => "&#39;",
                // Kept as what they are on the page, as references: a page
                // written to standard output (a CI log) then has no line
                // that user text starts, nor a `##[` it makes.
                '\n' => "&#10;",
                '\t' => "&#9;",
                ':' if hide => "&#58;",
                '#' if hide => "&#35;",
                c if hide => {
                    f.write_str(&text[plain_from..at])?;
                    write!(f, "{}", c.escape_unicode())?;
                    plain_from = at + c.len_utf8();
                    continue;
                }
                _ => continue,
            };
            f.write_str(&text[plain_from..at])?;
            f.write_str(replacement)?;
            plain_from = at + c.len_utf8();
        }
        f.write_str(&text[plain_from..])
    }
}

/// [`Escaped`] element content that keeps its own direction: text holding a
/// right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko and their
/// presentation forms) is wrapped in `<bdi>`, so an Arabic persona name or
/// button title reads right to left and neither it nor the digits and
/// punctuation around it reorder the rest of the line. Text without one is
/// written as [`Escaped`] writes it, byte for byte. Bidi control characters
/// are neutralised by [`Escaped`] first, so they cannot reach the page.
/// Only for element content: an attribute or SVG takes [`Escaped`].
#[derive(Debug, Clone, Copy)]
pub struct Isolated<'a>(pub &'a str);

impl fmt::Display for Isolated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if has_right_to_left(self.0) {
            write!(f, "<bdi>{}</bdi>", Escaped(self.0))
        } else {
            Escaped(self.0).fmt(f)
        }
    }
}

/// ` dir="auto"` when `text` holds a right-to-left letter, for an element
/// whose whole content it is (a chat bubble): the browser then lays the
/// element out in the direction of its first strong letter.
pub fn dir_auto(text: &str) -> &'static str {
    if has_right_to_left(text) {
        " dir=\"auto\""
    } else {
        ""
    }
}

/// Whether `text` has a letter of a right-to-left script: the blocks of
/// Hebrew to Arabic Extended-A (U+0590-U+08FF), the Hebrew and Arabic
/// presentation forms, and the historic right-to-left blocks of the
/// supplementary planes.
pub fn has_right_to_left(text: &str) -> bool {
    !text.is_ascii()
        && text.chars().any(|c| {
            matches!(c,
                '\u{0590}'..='\u{08FF}'
                | '\u{FB1D}'..='\u{FDFF}'
                | '\u{FE70}'..='\u{FEFE}'
                | '\u{10800}'..='\u{10FFF}'
                | '\u{1E800}'..='\u{1EFFF}')
                // The Arabic letter mark is a control, not a letter.
                && c != '\u{061C}'
        })
}

/// How many characters `c` takes once escaped and shown: 1, or the length
/// of its `\u{…}` escape for a character [`crate::source::is_invisible`]
/// names (a newline or tab is drawn as itself).
pub(crate) fn shown_width(c: char) -> usize {
    if crate::source::is_invisible(c) && !matches!(c, '\n' | '\t') {
        c.escape_unicode().len()
    } else {
        1
    }
}

/// [`Escaped`] as a `String`.
pub fn escape(text: &str) -> String {
    Escaped(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::{Isolated, dir_auto, escape};

    #[test]
    fn right_to_left_text_is_isolated_and_other_text_unchanged() {
        assert_eq!(Isolated("أحمد").to_string(), "<bdi>أحمد</bdi>");
        assert_eq!(
            Isolated("Rendez-vous / موعد <1>").to_string(),
            "<bdi>Rendez-vous / موعد &lt;1&gt;</bdi>"
        );
        assert_eq!(Isolated("Zoë <3").to_string(), "Zoë &lt;3");
        assert_eq!(dir_auto("مرحبا"), " dir=\"auto\"");
        assert_eq!(dir_auto("hello"), "");
    }

    #[test]
    fn bidi_controls_in_right_to_left_text_are_neutralised_inside_the_isolate() {
        // A right-to-left override would flip everything after it; the
        // isolate holds the Arabic, and the override is shown as an escape.
        assert_eq!(
            Isolated("سارة\u{202e}gnp.exe\u{2066}").to_string(),
            r"<bdi>سارة\u{202e}gnp.exe\u{2066}</bdi>"
        );
        // The Arabic letter mark alone does not make text right to left.
        assert_eq!(Isolated("a\u{61c}b").to_string(), r"a\u{61c}b");
    }

    #[test]
    fn markup_characters_are_entities() {
        assert_eq!(
            escape(r#"<script>alert("x")</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
        );
        assert_eq!(escape("it's a&b"), "it&#39;s a&amp;b");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn plain_text_is_unchanged() {
        let text = "Hi Zoë! Café — 你好 👋 C# a: b";
        assert_eq!(escape(text), text);
        assert_eq!(escape("a\tb\nc"), "a&#9;b&#10;c");
    }

    #[test]
    fn ansi_escapes_and_control_characters_are_visible() {
        assert_eq!(escape("\u{1b}[31mred\u{1b}[0m"), r"\u{1b}[31mred\u{1b}[0m");
        assert_eq!(escape("a\rb\0c\u{7f}"), r"a\u{d}b\u{0}c\u{7f}");
        assert_eq!(escape("\u{85}\u{9b}31m"), r"\u{85}\u{9b}31m");
        assert_eq!(escape("\u{ffff}"), r"\u{ffff}");
    }

    #[test]
    fn bidirectional_overrides_are_neutralised() {
        assert_eq!(escape("invoice\u{202e}fdp.exe"), r"invoice\u{202e}fdp.exe");
        for c in [
            '\u{202a}', '\u{202d}', '\u{2066}', '\u{2069}', '\u{200f}', '\u{61c}',
        ] {
            let escaped = escape(&format!("a{c}b"));
            assert_eq!(escaped, format!("a{}b", c.escape_unicode()));
        }
    }
}
