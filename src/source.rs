//! Where things are in the files users write.
//!
//! serde_yaml reports line and column for syntax and type errors only. Problems
//! found after parsing (a route to a missing node, a persona nobody defined)
//! are found by key path, and [`SourceMap`] turns that path into a line and
//! column. It is built from the YAML parser's own event stream — the same
//! document structure serde saw — so a location is never guessed by searching
//! the text, and it is only built when a message needs it.

use std::collections::HashMap;
use std::fmt;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A line and column, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One step into a document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// The path of a value in a document, shown as `nodes.welcome.routes` or
/// `personas[0].goals[1].taps`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyPath(Vec<Segment>);

impl KeyPath {
    pub fn root() -> KeyPath {
        KeyPath(Vec::new())
    }

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

    /// The path serde_path_to_error recorded for a deserialisation error.
    pub fn from_serde(path: &serde_path_to_error::Path) -> KeyPath {
        use serde_path_to_error::Segment as S;
        KeyPath(
            path.iter()
                .filter_map(|segment| match segment {
                    S::Seq { index } => Some(Segment::Index(*index)),
                    S::Map { key } => Some(Segment::Key(key.clone())),
                    S::Enum { variant } => Some(Segment::Key(variant.clone())),
                    S::Unknown => None,
                })
                .collect(),
        )
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if i == 0 => write!(f, "{key}")?,
                Segment::Key(key) => write!(f, ".{key}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// The place of each key (and each sequence item) of one YAML document.
#[derive(Debug, Default)]
pub struct SourceMap {
    places: HashMap<KeyPath, Place>,
}

/// Where a key and its value start. For a sequence item both are the item.
#[derive(Debug, Clone, Copy)]
struct Place {
    key: Location,
    value: Location,
}

impl SourceMap {
    /// Indexes `text`. Text the YAML parser rejects yields a partial (possibly
    /// empty) map: locations are a help for messages, never a reason to fail.
    pub fn parse(text: &str) -> SourceMap {
        let mut builder = Builder::default();
        // An error here was already reported by serde_yaml with its location.
        let _ = Parser::new_from_str(text).load(&mut builder, false);
        SourceMap {
            places: builder.places,
        }
    }

    /// Where the key at `path` is written; falls back to the nearest ancestor
    /// that is written, so a missing key points at its parent.
    pub fn key(&self, path: &KeyPath) -> Option<Location> {
        self.nearest(path).map(|place| place.key)
    }

    /// Where the value at `path` starts; falls back like [`SourceMap::key`].
    pub fn value(&self, path: &KeyPath) -> Option<Location> {
        self.nearest(path).map(|place| place.value)
    }

    fn nearest(&self, path: &KeyPath) -> Option<Place> {
        let mut segments = path.0.clone();
        loop {
            if let Some(place) = self.places.get(&KeyPath(segments.clone())) {
                return Some(*place);
            }
            segments.pop()?;
        }
    }
}

enum Frame {
    Mapping {
        pending_key: Option<(String, Location)>,
        /// Whether a key has been seen yet: a block mapping's start event is
        /// marked where the parser recognised it (at the first `:`), so the
        /// mapping is re-anchored at its first key.
        keyed: bool,
    },
    Sequence {
        next_index: usize,
    },
}

#[derive(Default)]
struct Builder {
    places: HashMap<KeyPath, Place>,
    frames: Vec<Frame>,
    path: Vec<Segment>,
}

impl Builder {
    /// A value (scalar, alias or the start of a collection) begins here.
    fn value_starts(&mut self, at: Location) {
        let (segment, key_at) = match self.frames.last_mut() {
            None => {
                // The document itself: where a missing top-level key points.
                self.places
                    .entry(KeyPath::root())
                    .or_insert(Place { key: at, value: at });
                return;
            }
            Some(Frame::Mapping { pending_key, .. }) => match pending_key.take() {
                Some((key, key_at)) => (Segment::Key(key), key_at),
                // A complex (non-scalar) key: YAML allows it, our files never use it.
                None => (Segment::Key(String::from("?")), at),
            },
            Some(Frame::Sequence { next_index }) => {
                let index = *next_index;
                *next_index += 1;
                (Segment::Index(index), at)
            }
        };
        self.path.push(segment);
        self.places
            .entry(KeyPath(self.path.clone()))
            .or_insert(Place {
                key: key_at,
                value: at,
            });
    }

    /// The value that began last is complete.
    fn value_ends(&mut self) {
        if !self.frames.is_empty() {
            self.path.pop();
        }
    }

    fn awaiting_key(&self) -> bool {
        matches!(
            self.frames.last(),
            Some(Frame::Mapping {
                pending_key: None,
                ..
            })
        )
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let at = Location {
            line: mark.line(),
            column: mark.col() + 1,
        };
        match event {
            Event::Scalar(text, ..) if self.awaiting_key() => {
                if let Some(Frame::Mapping { pending_key, keyed }) = self.frames.last_mut() {
                    *pending_key = Some((text, at));
                    if !std::mem::replace(keyed, true)
                        && let Some(place) = self.places.get_mut(&KeyPath(self.path.clone()))
                        && at < place.value
                    {
                        // A sequence item's key is the item itself.
                        if place.key == place.value {
                            place.key = at;
                        }
                        place.value = at;
                    }
                }
            }
            Event::Scalar(..) | Event::Alias(_) => {
                self.value_starts(at);
                self.value_ends();
            }
            Event::MappingStart(..) => {
                self.value_starts(at);
                self.frames.push(Frame::Mapping {
                    pending_key: None,
                    keyed: false,
                });
            }
            Event::SequenceStart(..) => {
                self.value_starts(at);
                self.frames.push(Frame::Sequence { next_index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
                self.value_ends();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
flow: demo
nodes:
  welcome:
    say: Hi
    routes:
      \"Track order\": ask
      fallback: welcome
  list:
    items: [a, {b: 1}]
";

    #[test]
    fn finds_keys_values_and_items() {
        let map = SourceMap::parse(TEXT);
        let routes = KeyPath::root().key("nodes").key("welcome").key("routes");
        assert_eq!(map.key(&routes), Some(Location { line: 5, column: 5 }));
        let track = routes.key("Track order");
        assert_eq!(map.key(&track), Some(Location { line: 6, column: 7 }));
        assert_eq!(
            map.value(&track),
            Some(Location {
                line: 6,
                column: 22
            })
        );
        let item = KeyPath::root()
            .key("nodes")
            .key("list")
            .key("items")
            .index(1)
            .key("b");
        assert_eq!(
            map.key(&item),
            Some(Location {
                line: 9,
                column: 17
            })
        );
    }

    #[test]
    fn falls_back_to_the_nearest_written_ancestor() {
        let map = SourceMap::parse(TEXT);
        let missing = KeyPath::root().key("nodes").key("welcome").key("next");
        assert_eq!(map.key(&missing), Some(Location { line: 3, column: 3 }));
    }

    #[test]
    fn anchors_a_block_mapping_in_a_sequence_at_its_first_key() {
        let map = SourceMap::parse("goals:\n  - want: news\n    taps: [Yes]\n");
        let item = KeyPath::root().key("goals").index(0);
        assert_eq!(map.key(&item), Some(Location { line: 2, column: 5 }));
    }

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
    fn keeps_what_parsed_before_a_syntax_error() {
        let map = SourceMap::parse("a: 1\nb: [1, 2\nc: {");
        assert_eq!(
            map.key(&KeyPath::root().key("a")),
            Some(Location { line: 1, column: 1 })
        );
        assert_eq!(
            map.key(&KeyPath::root().key("b")),
            Some(Location { line: 2, column: 1 })
        );
    }
}
