//! Escaping text for HTML and SVG.
//!
//! Names and messages in a report come from files users write, so every text
//! that reaches the page goes through [`Escaped`]. Besides the five markup
//! characters it neutralises characters that would make the page lie about
//! what a file says: C0 control characters (an ANSI colour code such as
//! `ESC[31m` shows as `␛[31m`), C1 controls, and the bidirectional overrides
//! and isolates (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) that
//! can display `gnp.exe` for `exe.png`. Those become U+FFFD `�`, visibly.

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
/// assert_eq!(Escaped("\u{1b}[31mred").to_string(), "\u{241b}[31mred");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        let mut plain_from = 0;
        for (at, c) in text.char_indices() {
            let replacement: &str = match c {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\t' | '\n' => continue,
                // C0 controls show as their Unicode "control picture" (␛, ␍, ␀).
                '\0'..='\u{1f}' => {
                    f.write_str(&text[plain_from..at])?;
                    let picture = char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}');
                    write!(f, "{picture}")?;
                    plain_from = at + c.len_utf8();
                    continue;
                }
                '\u{7f}' => "\u{2421}",
                c if is_hidden_control(c) => "\u{fffd}",
                _ => continue,
            };
            f.write_str(&text[plain_from..at])?;
            f.write_str(replacement)?;
            plain_from = at + c.len_utf8();
        }
        f.write_str(&text[plain_from..])
    }
}

/// C1 controls, bidirectional formatting characters and the two
/// noncharacters XML forbids: invisible in a browser, yet they change what is
/// shown or break an SVG file.
fn is_hidden_control(c: char) -> bool {
    matches!(
        c,
        '\u{80}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{fffe}'
            | '\u{ffff}'
    )
}

/// [`Escaped`] as a `String`.
pub fn escape(text: &str) -> String {
    Escaped(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::escape;

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
        let text = "Hi Zoë! Café — 你好 👋\tline\nnext";
        assert_eq!(escape(text), text);
    }

    #[test]
    fn ansi_escapes_and_control_characters_are_visible() {
        assert_eq!(escape("\u{1b}[31mred\u{1b}[0m"), "␛[31mred␛[0m");
        assert_eq!(escape("a\rb\0c\u{7f}"), "a␍b␀c␡");
        assert_eq!(escape("\u{85}\u{9b}31m"), "\u{fffd}\u{fffd}31m");
    }

    #[test]
    fn bidirectional_overrides_are_neutralised() {
        assert_eq!(escape("invoice\u{202e}fdp.exe"), "invoice\u{fffd}fdp.exe");
        for c in [
            '\u{202a}', '\u{202d}', '\u{2066}', '\u{2069}', '\u{200f}', '\u{61c}',
        ] {
            assert_eq!(escape(&format!("a{c}b")), "a\u{fffd}b", "{:?}", c);
        }
    }
}
