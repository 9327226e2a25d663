//! Places in the files users write: key paths, lines and columns, and the
//! one safe way to show a piece of a file in a message.
//!
//! Every name, message and path a user's files supply is hostile text once
//! rehearse runs on a pull request: it reaches terminals, CI logs, pull
//! request comments and files other tools read. [`hidden`] is the one rule
//! of which characters of such text no output may write as themselves;
//! [`printable`] applies it for people, and each machine format (JSON, YAML,
//! HTML, XML) writes the same characters with its own escapes.

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

/// `text` with the characters [`hidden`] names written as `\u{..}` escapes:
/// control characters (ANSI escapes, newlines), bidirectional overrides, and
/// the `:` or `#` that would let the text be read as a GitHub Actions
/// workflow command. So a name from a file can neither recolour a terminal,
/// reorder what a reader sees, nor command the CI runner whose log shows it.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !hidden(text).any(|(_, _, hide)| hide) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (_, c, hide) in hidden(text) {
        if hide {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Each character of `text` with its byte offset and whether an output must
/// not write it as itself (an output escapes it in its own way):
///
/// - control characters, bidirectional and other invisible formatting
///   characters, line and paragraph separators, and the noncharacters U+FFFE
///   and U+FFFF ([`is_invisible`]);
/// - a `:` that is the text's first character after whitespace: GitHub's
///   runner executes a log line that starts, after whitespace, with `::`
///   (`::error file=…::`, `::add-mask::`, `::stop-commands::`). A line of
///   output starts with user text only where a fragment of it starts, so a
///   fragment that starts with `:` is enough to escape, however fragments
///   are joined;
/// - a `#` that could complete `##[`, which the runner honours anywhere in
///   a line (`##[error]`): one preceded by `#` or by the fragment's start,
///   and followed by `[` or by the fragment's end. Whatever the fragments
///   around it, the second `#` of a `##[` is never written as itself.
pub fn hidden(text: &str) -> impl Iterator<Item = (usize, char, bool)> + '_ {
    let leading = text.find(|c: char| !c.is_whitespace());
    let mut previous = None;
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (at, c) = chars.next()?;
        let next = chars.peek().map(|&(_, next)| next);
        let hide = is_invisible(c)
            || (c == ':' && Some(at) == leading)
            || (c == '#'
                && matches!(previous, None | Some('#'))
                && matches!(next, None | Some('[')));
        previous = Some(c);
        Some((at, c, hide))
    })
}

/// Characters that change what is shown without being seen: control
/// characters (ANSI escapes, newlines, tabs), the bidirectional marks,
/// embeddings, overrides and isolates (which can show `gnp.exe` for
/// `exe.png`), the byte-order mark, the line and paragraph separators, and
/// the noncharacters U+FFFE and U+FFFF (which XML forbids).
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{61c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
                | '\u{fffe}'
                | '\u{ffff}'
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

    #[test]
    fn no_fragment_can_make_a_workflow_command() {
        // A leading `:`, after whitespace, whatever follows it.
        assert_eq!(printable("::error::x"), r"\u{3a}:error::x");
        assert_eq!(printable(" \u{a0}:x"), " \u{a0}\\u{3a}x");
        assert_eq!(printable("a::b: c"), "a::b: c");
        // The second `#` of `##[`, within the text or at either end.
        assert_eq!(printable("x ##[error]y"), r"x #\u{23}[error]y");
        assert_eq!(printable("x##"), r"x#\u{23}");
        assert_eq!(printable("#[y"), r"\u{23}[y");
        assert_eq!(printable("C# #1 ## a"), "C# #1 ## a");
        // However two fragments are joined, neither comes through.
        for (a, b) in [("x#", "#[y]"), ("x##", "[y]"), (" ", "::y"), (":", ":y")] {
            let line = format!("{}{}", printable(a), printable(b));
            assert!(!line.contains("##["), "{line}");
            assert!(!line.trim_start().starts_with("::"), "{line}");
        }
    }
}
