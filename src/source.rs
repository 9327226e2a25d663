//! Places in the files users write: key paths, lines and columns, and the
//! one safe way to show a piece of a file in a message.

use std::borrow::Cow;
use std::fmt;

/// A line and column, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

/// One step into a document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// A key of a mapping.
    Key(String),
    /// An item of a list, from 0.
    Index(usize),
}

/// The path of a value in a document, shown as `nodes.welcome.routes` or
/// `personas[0].goals[1].taps`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyPath(Vec<Segment>);

impl KeyPath {
    /// The document itself.
    pub fn root() -> KeyPath {
        KeyPath(Vec::new())
    }

    /// Whether this is the document itself.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// This path followed by a mapping key.
    pub fn key(&self, key: impl Into<String>) -> KeyPath {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.into()));
        KeyPath(segments)
    }

    /// This path followed by a sequence index.
    pub fn index(&self, index: usize) -> KeyPath {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        KeyPath(segments)
    }

    /// The steps from the document down to the value.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if i == 0 => write!(f, "{}", printable(&cut(key, 60)))?,
                Segment::Key(key) => write!(f, ".{}", printable(&cut(key, 60)))?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// `text` cut to at most `max` characters, with `…` where it was cut. A
/// message quotes names and values from the user's files; a 50 MB value
/// must not become a 50 MB message.
pub fn cut(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// `text` with control characters (ANSI escapes, bidirectional overrides,
/// newlines) written as `\u{..}` escapes, so that a name from a file can
/// neither recolour a terminal nor reorder what a reader sees.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if is_unprintable(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A line of a file as a message shows it: at most [`EXCERPT_WIDTH`]
/// characters around the place it is about, made [`printable`], with the
/// place's column within what is shown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Excerpt {
    /// What is shown of the line.
    pub text: String,
    /// The column of the place within `text`, from 1.
    pub column: usize,
}

/// The most characters of a source line a message shows.
pub const EXCERPT_WIDTH: usize = 120;

/// The excerpt of `line` around `column` (from 1). Only the shown part of
/// the line is copied, however long the line is.
pub fn excerpt(line: &str, column: usize) -> Excerpt {
    let length = line.chars().count();
    let column = column.clamp(1, length.max(1));
    let start = if length <= EXCERPT_WIDTH {
        0
    } else {
        (column - 1)
            .saturating_sub(EXCERPT_WIDTH / 4)
            .min(length - EXCERPT_WIDTH)
    };
    let end = (start + EXCERPT_WIDTH).min(length);
    // The byte offsets of the characters at `start`, `column - 1` and `end`.
    let byte_at = |index: usize| {
        line.char_indices()
            .nth(index)
            .map_or(line.len(), |(at, _)| at)
    };
    let (from, place, to) = (byte_at(start), byte_at(column - 1), byte_at(end));
    let mut text = String::new();
    if start > 0 {
        text.push('…');
    }
    let shown_before = printable(&line[from..place]);
    let marker = text.chars().count() + shown_before.chars().count() + 1;
    text.push_str(&shown_before);
    text.push_str(&printable(&line[place..to]));
    if end < length {
        text.push('…');
    }
    Excerpt {
        text,
        column: marker,
    }
}

fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_paths_as_users_write_them() {
        let path = KeyPath::root()
            .key("personas")
            .index(0)
            .key("goals")
            .index(1);
        assert_eq!(path.to_string(), "personas[0].goals[1]");
    }

    #[test]
    fn cuts_long_text_on_character_boundaries() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("ééééé", 3), "ééé…");
    }

    #[test]
    fn an_excerpt_shows_a_readable_window_around_the_place() {
        let short = excerpt("  welcome: hi", 3);
        assert_eq!((short.text.as_str(), short.column), ("  welcome: hi", 3));
        let long = format!("say: \"{}\"", "x".repeat(50_000_000 / 1000));
        let shown = excerpt(&long, 1);
        assert_eq!(shown.text.chars().count(), EXCERPT_WIDTH + 1);
        assert!(shown.text.ends_with('…'));
        let far = excerpt(&long, 40_000);
        assert!(far.text.starts_with('…') && far.text.ends_with('…'));
        assert_eq!(far.text.chars().nth(far.column - 1), Some('x'));
        // A control character shown escaped keeps the marker on its place.
        let escaped = excerpt("a\x1bb: 1", 3);
        assert_eq!(escaped.text, "a\\u{1b}b: 1");
        assert_eq!(escaped.text.chars().nth(escaped.column - 1), Some('b'));
    }

    #[test]
    fn escapes_what_would_act_on_a_terminal() {
        assert_eq!(printable("plain"), "plain");
        assert_eq!(printable("red\x1b[31m"), "red\\u{1b}[31m");
        assert_eq!(printable("abc\u{202e}def"), "abc\\u{202e}def");
    }
}
