//! The one YAML parse behind every file rehearse reads.
//!
//! A file is parsed once, by yaml-rust2's event parser, into a small tree in
//! which every value and every key knows its line and column. The model is
//! deserialised from that tree by our own serde deserializer ([`de`]), and
//! problems found later (a route to a missing node) are located by key path
//! in the same tree. So a location always comes from the parse serde saw, and
//! an error points at the value it is about.
//!
//! The tree is also where hostile input is stopped: duplicate keys are an
//! error naming both places, nesting and alias expansion are bounded, and a
//! file holds exactly one document.

pub(crate) mod de;
mod write;

pub(crate) use write::write;

use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::source::{KeyPath, Location, Segment};

/// Deeper nesting than this is refused: no rehearse file needs more than a
/// dozen levels, and a deeply nested file would otherwise exhaust the stack
/// when the tree is dropped.
pub(crate) const MAX_DEPTH: usize = 64;

/// At most this many values per file, counting every copy an alias makes:
/// a few aliases can otherwise expand a small file into gigabytes.
pub(crate) const MAX_VALUES: usize = 2_000_000;

/// A value of a YAML document with the place it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub at: Location,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A scalar as written. Its type (number, boolean, null, text) is decided
    /// by what the reader asks for, so `version: 2.10` can stay `2.10`.
    Scalar {
        text: String,
        plain: bool,
    },
    Sequence(Vec<Node>),
    Mapping(Mapping),
}

/// The entries of a mapping in file order, found by key in constant time:
/// a flow's `nodes:` may have a hundred thousand, and each finding is
/// located by looking its key path up.
#[derive(Debug, Clone, Default)]
pub(crate) struct Mapping {
    entries: Vec<Entry>,
    /// Each key's position, kept once a linear search would cost more
    /// (boxed: most mappings are small, and a file may hold millions of values).
    #[allow(clippy::box_collection)] // 8 bytes, where a HashMap takes 48 in every node
    index: Option<Box<HashMap<String, usize>>>,
}

/// Mappings with more entries than this are indexed.
/// (A `Node` stays at 56 bytes: checked in the tests.)
const INDEXED: usize = 8;

impl Mapping {
    /// The entry with this key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.index {
            Some(index) => index.get(key).map(|at| &self.entries[*at]),
            None => self.entries.iter().find(|entry| entry.key == key),
        }
    }

    /// Adds `entry`, whose key must not be there yet.
    fn push(&mut self, entry: Entry) {
        debug_assert!(self.get(&entry.key).is_none());
        self.entries.push(entry);
        let len = self.entries.len();
        if let Some(index) = &mut self.index {
            index.insert(self.entries[len - 1].key.clone(), len - 1);
        } else if len > INDEXED {
            let index = self
                .entries
                .iter()
                .enumerate()
                .map(|(at, entry)| (entry.key.clone(), at))
                .collect();
            self.index = Some(Box::new(index));
        }
    }
}

impl Deref for Mapping {
    type Target = [Entry];
    fn deref(&self) -> &[Entry] {
        &self.entries
    }
}

impl PartialEq for Mapping {
    fn eq(&self, other: &Mapping) -> bool {
        self.entries == other.entries
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_at: Location,
    pub value: Node,
}

impl Node {
    /// Whether this is YAML's null: an empty plain scalar, `~` or `null`.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if is_null_text(text))
    }

    /// The value under `key`, when this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Mapping(entries) => entries.get(key).map(|entry| &entry.value),
            _ => None,
        }
    }

    /// What kind of value this is, for messages: "a list", "the text `abc`".
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Sequence(_) => "a list".to_string(),
            Value::Mapping(_) => "a mapping".to_string(),
            Value::Scalar { text, plain } => {
                if *plain && is_null_text(text) {
                    "nothing".to_string()
                } else {
                    format!("`{}`", crate::source::cut(text, 40))
                }
            }
        }
    }
}

fn is_null_text(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// A parsed file: one document.
#[derive(Debug)]
pub(crate) struct Document {
    pub root: Node,
}

/// Why a text is not a usable YAML document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    pub at: Location,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn location(mark: &Marker) -> Location {
    Location {
        line: mark.line(),
        column: mark.col() + 1,
    }
}

/// A collection being built, with the anchor it will be stored under.
enum Open {
    Sequence {
        at: Location,
        anchor: usize,
        items: Vec<Node>,
    },
    Mapping {
        at: Location,
        anchor: usize,
        entries: Mapping,
        /// A key read, waiting for its value.
        key: Option<(String, Location)>,
    },
}

impl Document {
    /// Parses `text`, which must hold exactly one YAML document. A leading
    /// byte-order mark is ignored (editors on Windows write one).
    pub fn parse(text: &str) -> Result<Document, SyntaxError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut parser = Parser::new_from_str(text);
        let mut builder = Builder::default();
        loop {
            let (event, mark) = parser
                .next_token()
                .map_err(|error| explain_scan_error(text, &error))?;
            if builder.on_event(event, &mark)? {
                break;
            }
        }
        let root = builder.root.unwrap_or(Node {
            at: Location { line: 1, column: 1 },
            value: Value::Scalar {
                text: String::new(),
                plain: true,
            },
        });
        Ok(Document { root })
    }

    /// The node at `path`, if the document has it.
    pub fn node(&self, path: &KeyPath) -> Option<&Node> {
        let mut node = &self.root;
        for segment in path.segments() {
            node = child(node, segment)?.1;
        }
        Some(node)
    }

    /// Where the key at `path` is written (for a sequence item, the item);
    /// falls back to the nearest ancestor that is written, so a missing key
    /// points at the mapping that lacks it.
    pub fn key_location(&self, path: &KeyPath) -> Location {
        let mut node = &self.root;
        let mut at = self.root.at;
        for segment in path.segments() {
            match child(node, segment) {
                Some((key_at, next)) => {
                    at = key_at;
                    node = next;
                }
                None => break,
            }
        }
        at
    }
}

/// A child of `node` and where its key (or, for an item, the item) is written.
fn child<'a>(node: &'a Node, segment: &Segment) -> Option<(Location, &'a Node)> {
    match (&node.value, segment) {
        (Value::Mapping(entries), Segment::Key(key)) => {
            entries.get(key).map(|entry| (entry.key_at, &entry.value))
        }
        (Value::Sequence(items), Segment::Index(index)) => {
            items.get(*index).map(|item| (item.at, item))
        }
        _ => None,
    }
}

#[derive(Default)]
struct Builder {
    open: Vec<Open>,
    root: Option<Node>,
    /// Anchored values, by the parser's anchor id, with how many values
    /// each holds, for aliases to copy.
    anchors: HashMap<usize, (usize, Node)>,
    values: usize,
    documents: usize,
}

impl Builder {
    /// Takes one event; `Ok(true)` at the end of the stream.
    fn on_event(&mut self, event: Event, mark: &Marker) -> Result<bool, SyntaxError> {
        let at = location(mark);
        match event {
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(SyntaxError {
                        at,
                        message: "the file holds more than one YAML document".into(),
                        help: Some(
                            "rehearse reads one document per file: remove the second `---`, or split the file".into(),
                        ),
                    });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if let Some(tag) = tag
                    && !(tag.handle == "!!" && tag.suffix == "str")
                    && !(tag.handle == "tag:yaml.org,2002:" && tag.suffix == "str")
                {
                    return Err(SyntaxError {
                        at,
                        message: format!(
                            "the tag `{}{}` is not used in rehearse files",
                            tag.handle, tag.suffix
                        ),
                        help: Some("write the value without a `!` tag".into()),
                    });
                }
                let plain = style == TScalarStyle::Plain;
                if let Some(Open::Mapping {
                    key: key @ None, ..
                }) = self.open.last_mut()
                {
                    // A scalar where a key is expected is the key.
                    *key = Some((text, at));
                    return Ok(false);
                }
                self.count(at)?;
                self.add(
                    anchor,
                    Node {
                        at,
                        value: Value::Scalar { text, plain },
                    },
                )?;
            }
            Event::Alias(id) => {
                let (size, anchored) = self
                    .anchors
                    .get(&id)
                    .map(|(size, node)| (*size, node))
                    .ok_or_else(|| SyntaxError {
                        at,
                        message: "this alias names no anchor defined before it".into(),
                        help: None,
                    })?;
                // Counted before copying, so a bomb is refused before it grows.
                self.values += size - 1;
                let node = anchored.clone();
                self.count(at)?;
                if let Some(Open::Mapping {
                    key: key @ None, ..
                }) = self.open.last_mut()
                {
                    let Value::Scalar { text, .. } = node.value else {
                        return Err(not_a_plain_key(at));
                    };
                    *key = Some((text, at));
                    return Ok(false);
                }
                self.add(0, Node { at, ..node })?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if let Some(Open::Mapping { key: None, .. }) = self.open.last() {
                    return Err(not_a_plain_key(at));
                }
                if self.open.len() >= MAX_DEPTH {
                    return Err(SyntaxError {
                        at,
                        message: format!("values are nested more than {MAX_DEPTH} levels deep"),
                        help: Some("rehearse files need a dozen levels at most".into()),
                    });
                }
                self.count(at)?;
                self.open
                    .push(if matches!(event, Event::SequenceStart(..)) {
                        Open::Sequence {
                            at,
                            anchor,
                            items: Vec::new(),
                        }
                    } else {
                        Open::Mapping {
                            at,
                            anchor,
                            entries: Mapping::default(),
                            key: None,
                        }
                    });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, node) = match self.open.pop() {
                    Some(Open::Sequence { at, anchor, items }) => (
                        anchor,
                        Node {
                            at,
                            value: Value::Sequence(items),
                        },
                    ),
                    Some(Open::Mapping {
                        at,
                        anchor,
                        entries,
                        ..
                    }) => {
                        // A block mapping's start is reported where the parser
                        // recognised it, at its first `:`; its first key is
                        // where a reader sees it start.
                        let at = entries.first().map_or(at, |first| first.key_at.min(at));
                        (
                            anchor,
                            Node {
                                at,
                                value: Value::Mapping(entries),
                            },
                        )
                    }
                    None => return Ok(false),
                };
                self.add(anchor, node)?;
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(false)
    }

    fn count(&mut self, at: Location) -> Result<(), SyntaxError> {
        self.values += 1;
        if self.values > MAX_VALUES {
            return Err(SyntaxError {
                at,
                message: format!(
                    "the file expands to more than {MAX_VALUES} values (counting every copy an alias makes)"
                ),
                help: Some("write the values out, or use fewer aliases".into()),
            });
        }
        Ok(())
    }

    /// Puts a complete value where it belongs: the root, a list item, or the
    /// value of the pending key.
    fn add(&mut self, anchor: usize, node: Node) -> Result<(), SyntaxError> {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (count_values(&node), node.clone()));
        }
        match self.open.last_mut() {
            None => self.root = Some(node),
            Some(Open::Sequence { items, .. }) => items.push(node),
            Some(Open::Mapping { entries, key, .. }) => {
                let (key, key_at) = key.take().ok_or_else(|| not_a_plain_key(node.at))?;
                if let Some(first) = entries.get(&key) {
                    return Err(SyntaxError {
                        at: key_at,
                        message: format!(
                            "`{}` is written twice in this mapping: first at line {}, again here",
                            crate::source::cut(&key, 60),
                            first.key_at.line
                        ),
                        help: Some(
                            "a key can appear once per mapping: merge the two, or rename one"
                                .into(),
                        ),
                    });
                }
                entries.push(Entry {
                    key,
                    key_at,
                    value: node,
                });
            }
        }
        Ok(())
    }
}

fn not_a_plain_key(at: Location) -> SyntaxError {
    SyntaxError {
        at,
        message: "a key must be a plain name, not a list or a mapping".into(),
        help: None,
    }
}

fn count_values(node: &Node) -> usize {
    match &node.value {
        Value::Scalar { .. } => 1,
        Value::Sequence(items) => 1 + items.iter().map(count_values).sum::<usize>(),
        Value::Mapping(entries) => {
            1 + entries
                .iter()
                .map(|entry| count_values(&entry.value))
                .sum::<usize>()
        }
    }
}

/// Turns the parser's wording into what to do about it.
fn explain_scan_error(text: &str, error: &yaml_rust2::ScanError) -> SyntaxError {
    let at = location(error.marker());
    let info = error.info();
    let line_text = text.lines().nth(at.line.saturating_sub(1)).unwrap_or("");
    let first_content = text
        .lines()
        .find(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'));
    if let Some((open, opened_at)) = unclosed_bracket(text, at) {
        let close = if open == '[' { ']' } else { '}' };
        return SyntaxError {
            at: opened_at,
            message: format!("this `{open}` is never closed"),
            help: Some(format!(
                "close it with `{close}` (the parser noticed at line {}, column {})",
                at.line, at.column
            )),
        };
    }
    let (message, help) = if line_text.starts_with('\t')
        || line_text.chars().nth(at.column.saturating_sub(1)) == Some('\t')
    {
        (
            "a tab character is used for indentation".to_string(),
            Some("YAML indents with spaces only: replace the tab with spaces".to_string()),
        )
    } else if first_content.is_some_and(|line| line.starts_with([' ', '\t'])) {
        (
            format!("the YAML does not parse here ({info})"),
            Some("the first line is indented: top-level keys start at the first column, and every key of one mapping at the same column".to_string()),
        )
    } else if info.contains("cannot start any token") || info.starts_with("unexpected character") {
        let found = match line_text.chars().nth(at.column.saturating_sub(1)) {
            Some('`') => "a backquote (`)".to_string(),
            Some(c) => format!("the character `{}`", c.escape_default()),
            None => "this character".to_string(),
        };
        (
            format!("a value cannot start with {found}"),
            Some("put the value in double quotes".to_string()),
        )
    } else if let Some((message, help)) = in_plain_words(info) {
        (message.to_string(), Some(help.to_string()))
    } else {
        (format!("the YAML does not parse here: {info}"), None)
    };
    SyntaxError { at, message, help }
}

/// What the parser's commonest complaints mean, and what to do.
fn in_plain_words(info: &str) -> Option<(&'static str, &'static str)> {
    const MEANINGS: &[(&str, &str, &str)] = &[
        (
            "mapping values are not allowed",
            "a `:` here starts a key where no key can be",
            "put a value that contains `: ` in double quotes, or indent the line like its neighbours",
        ),
        (
            "did not find expected key",
            "this line is not indented like the keys around it",
            "every key of one mapping starts at the same column; put text that contains quotes or `#` in double quotes",
        ),
        (
            "found unexpected end of stream",
            "a quote opened here is never closed",
            "close the quote, or remove it",
        ),
        (
            "found unknown escape character",
            "a backslash in double quotes starts an escape that YAML does not know",
            "write `\\\\` for a backslash, or put the value in single quotes",
        ),
        (
            "did not find expected node content",
            "a value is missing here",
            "write a value after the `:` or `-`, or put it in double quotes",
        ),
        (
            "simple key expect ':'",
            "a key needs a `:` after it",
            "write `key: value`",
        ),
        (
            "found unknown anchor",
            "this alias names no anchor defined before it",
            "define `&name` before using `*name`, or write the value out",
        ),
        (
            "block sequence entries are not allowed",
            "a list item `-` where a value was expected",
            "start the list on the next line, indented under its key",
        ),
        (
            "invalid indentation",
            "this line is not indented like the lines around it",
            "indent with spaces so that the keys of one mapping line up",
        ),
    ];
    MEANINGS
        .iter()
        .find(|(words, ..)| info.contains(words))
        .map(|(_, message, help)| (*message, *help))
}

/// The flow bracket (`[` or `{`) still open where the parser failed, if
/// any: an unclosed bracket is the commonest cause of a confusing parse
/// error several lines later. Quoted text and comments are skipped.
fn unclosed_bracket(text: &str, failed_at: Location) -> Option<(char, Location)> {
    let mut open: Vec<(char, Location)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line_number > failed_at.line {
            break;
        }
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        for (column, c) in line.chars().enumerate() {
            let here = Location {
                line: line_number,
                column: column + 1,
            };
            if line_number == failed_at.line && here.column >= failed_at.column {
                break;
            }
            match (quote, c) {
                (Some('"'), '\\') if previous == '\\' => {
                    previous = ' ';
                    continue;
                }
                (Some(q), c) if c == q && !(q == '"' && previous == '\\') => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if matches!(previous, ' ' | '[' | '{' | ',' | ':') => {
                    quote = Some(c)
                }
                (None, '#') if previous == ' ' || column == 0 => break,
                (None, '[' | '{') => open.push((c, here)),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
            previous = c;
        }
    }
    // A bracket closed on a later line is not the problem: only one still
    // open at a line that ended before the failure counts.
    open.into_iter()
        .rev()
        .find(|(_, at)| at.line < failed_at.line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_a_bracket_that_is_never_closed() {
        let error = Document::parse("a:\n  b: [\"x\", \"y\"\n  c: 1\n").unwrap_err();
        assert_eq!(error.at, Location { line: 2, column: 6 });
        assert_eq!(error.message, "this `[` is never closed");
        // Brackets inside quotes and closed brackets do not count.
        assert!(Document::parse("a: \"[\"\nb: [1, 2]\nc: {d: 1}\n").is_ok());
    }

    fn parse(text: &str) -> Node {
        Document::parse(text).unwrap().root
    }

    #[test]
    fn records_where_keys_and_values_start() {
        let doc = Document::parse(
            "flow: demo\nnodes:\n  welcome:\n    say: Hi\n    buttons: [A, \"B\"]\n",
        )
        .unwrap();
        let say = KeyPath::root().key("nodes").key("welcome").key("say");
        assert_eq!(doc.key_location(&say), Location { line: 4, column: 5 });
        assert_eq!(
            doc.node(&say).unwrap().at,
            Location {
                line: 4,
                column: 10
            }
        );
        let b = KeyPath::root()
            .key("nodes")
            .key("welcome")
            .key("buttons")
            .index(1);
        assert_eq!(
            doc.key_location(&b),
            Location {
                line: 5,
                column: 18
            }
        );
        // A block mapping starts at its first key.
        let welcome = KeyPath::root().key("nodes").key("welcome");
        assert_eq!(
            doc.node(&welcome).unwrap().at,
            Location { line: 4, column: 5 }
        );
        // A missing key falls back to the nearest written ancestor.
        assert_eq!(
            doc.key_location(&welcome.key("next")),
            Location { line: 3, column: 3 }
        );
    }

    #[test]
    fn keeps_scalars_as_written() {
        let root = parse("version: 2.10\nname: 'x'\n");
        assert_eq!(
            root.get("version").unwrap().value,
            Value::Scalar {
                text: "2.10".into(),
                plain: true
            }
        );
        assert!(matches!(
            root.get("name").unwrap().value,
            Value::Scalar { plain: false, .. }
        ));
    }

    #[test]
    fn refuses_a_duplicate_key_naming_both_places() {
        let error = Document::parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(error.at, Location { line: 3, column: 1 });
        assert!(
            error.message.contains("first at line 1"),
            "{}",
            error.message
        );
    }

    #[test]
    fn accepts_a_byte_order_mark_and_refuses_a_second_document() {
        assert!(parse("\u{feff}a: 1\n").get("a").is_some());
        let error = Document::parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(error.at.line, 2);
        assert!(error.message.contains("more than one YAML document"));
    }

    #[test]
    fn explains_tabs_and_an_indented_first_line() {
        let error = Document::parse("a:\n\tb: 1\n").unwrap_err();
        assert!(error.message.contains("tab"), "{error:?}");
        let error = Document::parse("  a: 1\nb: 2\n").unwrap_err();
        assert!(
            error.help.unwrap().contains("first line is indented"),
            "{}",
            error.message
        );
    }

    #[test]
    fn says_what_the_parsers_complaints_mean() {
        for (text, expected) in [
            ("a: `x`\n", "cannot start with a backquote (`)"),
            ("a: @x\n", "cannot start with the character `@`"),
            ("a: b: c\n", "starts a key where no key can be"),
            ("a: \"x\n", "never closed"),
            ("a: \"\\q\"\n", "escape that YAML does not know"),
        ] {
            let error = Document::parse(text).unwrap_err();
            assert!(error.message.contains(expected), "{text:?}: {error:?}");
            assert!(!error.message.contains("while "), "{text:?}: {error:?}");
        }
    }

    #[test]
    fn a_node_stays_small() {
        // A file may hold 2,000,000 values: each byte here is 2 MB there.
        assert!(
            std::mem::size_of::<Node>() <= 56,
            "{}",
            std::mem::size_of::<Node>()
        );
    }

    #[test]
    fn finds_keys_of_large_mappings_and_their_duplicates() {
        let mut text = String::from("nodes:\n");
        for i in 0..50_000 {
            text.push_str(&format!("  n{i}: {i}\n"));
        }
        let doc = Document::parse(&text).unwrap();
        let path = KeyPath::root().key("nodes").key("n49999");
        assert_eq!(
            doc.key_location(&path),
            Location {
                line: 50_001,
                column: 3
            }
        );
        assert_eq!(
            doc.root.get("nodes").unwrap().get("n7").unwrap().value,
            Value::Scalar {
                text: "7".into(),
                plain: true
            }
        );
        text.push_str("  n3: again\n");
        let error = Document::parse(&text).unwrap_err();
        assert!(error.message.contains("first at line 5"), "{error:?}");
    }

    #[test]
    fn bounds_nesting_and_alias_expansion() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(
            Document::parse(&deep)
                .unwrap_err()
                .message
                .contains("nested")
        );
        // Each level doubles the previous: 2^30 values if expanded.
        let mut bomb = String::from("a0: &a0 [x, x]\n");
        for i in 1..30 {
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}]\n", p = i - 1));
        }
        let error = Document::parse(&bomb).unwrap_err();
        assert!(error.message.contains("expands to more than"), "{error:?}");
    }

    #[test]
    fn copies_aliases() {
        let root = parse("base: &b {x: 1}\ncopy: *b\n");
        assert_eq!(
            root.get("copy").unwrap().get("x").unwrap().value,
            root.get("base").unwrap().get("x").unwrap().value
        );
    }
}
