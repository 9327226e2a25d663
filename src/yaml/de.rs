//! A serde deserializer over the located tree of [`super`].
//!
//! Owning the deserializer is what lets every message say what to write:
//! it knows what the model asked for (a number, a list, a mapping) and what
//! the file holds, so no Rust type name ever reaches the user, and every
//! error carries the place of the value (or key) it is about and its key path.
//!
//! Scalars take the type the model asks for: `123` is text where text is
//! wanted and a number where a number is; `2.10` stays `2.10` as a version.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::{Entry, Node, Value, is_null_text};
use crate::source::{KeyPath, Location, Segment};
use crate::text::did_you_mean;

/// A value that does not fit the model: what is wrong, where, and at which key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Error {
    pub message: String,
    pub at: Option<Location>,
    /// Innermost segment first while the error travels outwards.
    reversed_path: Vec<Segment>,
}

impl Error {
    fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            at: None,
            reversed_path: Vec::new(),
        }
    }

    /// Sets the place unless an inner value already set a more precise one.
    fn at(mut self, at: Location) -> Error {
        self.at.get_or_insert(at);
        self
    }

    fn within(mut self, segment: Segment) -> Error {
        self.reversed_path.push(segment);
        self
    }

    /// The key path of the value the error is about.
    pub fn path(&self) -> KeyPath {
        let mut path = KeyPath::root();
        for segment in self.reversed_path.iter().rev() {
            path = match segment {
                Segment::Key(key) => path.key(key.clone()),
                Segment::Index(index) => path.index(*index),
            };
        }
        path
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Error {
        Error::new(message.to_string())
    }

    /// Reached only from visitors (our own deserializer checks kinds before
    /// it calls them); their `expecting` text is written for people.
    fn invalid_type(unexpected: de::Unexpected, expected: &dyn de::Expected) -> Error {
        Error::new(format!(
            "expected {}, found {}",
            human_expected(&expected.to_string()),
            human_unexpected(&unexpected)
        ))
    }

    fn invalid_value(unexpected: de::Unexpected, expected: &dyn de::Expected) -> Error {
        Error::new(format!(
            "expected {}, found {}",
            human_expected(&expected.to_string()),
            human_unexpected(&unexpected)
        ))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Error {
        let suggestion = did_you_mean(field, expected.iter().copied());
        Error::new(format!(
            "unknown key `{}`{suggestion}; this place takes {}",
            crate::source::cut(field, 60),
            crate::text::list(expected.iter().copied())
        ))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Error {
        let suggestion = did_you_mean(variant, expected.iter().copied());
        Error::new(format!(
            "`{}` is not one of {}{suggestion}",
            crate::source::cut(variant, 60),
            crate::text::list(expected.iter().copied())
        ))
    }

    fn missing_field(field: &'static str) -> Error {
        Error::new(format!("missing key `{field}`"))
    }
}

/// serde's names for what a visitor wanted, as a user would say them.
fn human_expected(expected: &str) -> String {
    let plain = match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number of 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" | "bool" => "true or false",
        "a string" | "a borrowed string" | "string" => "text",
        "unit" => "nothing",
        "a sequence" => "a list",
        "a map" => "a mapping",
        other if other.starts_with("struct ") => "a mapping of keys and values",
        other if other.starts_with("enum ") => "one of the allowed names",
        other => return other.to_string(),
    };
    plain.to_string()
}

fn human_unexpected(unexpected: &de::Unexpected) -> String {
    match unexpected {
        de::Unexpected::Bool(value) => format!("`{value}`"),
        de::Unexpected::Unsigned(value) => format!("`{value}`"),
        de::Unexpected::Signed(value) => format!("`{value}`"),
        de::Unexpected::Float(value) => format!("`{value}`"),
        de::Unexpected::Str(value) => format!("`{}`", crate::source::cut(value, 40)),
        de::Unexpected::Seq => "a list".into(),
        de::Unexpected::Map => "a mapping".into(),
        de::Unexpected::Unit => "nothing".into(),
        other => other.to_string(),
    }
}

/// Deserialises `T` from a node of a parsed document.
pub(crate) fn from_node<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, Error> {
    T::deserialize(NodeDeserializer(node)).map_err(|error| error.at(node.at))
}

struct NodeDeserializer<'de>(&'de Node);

/// What a plain scalar reads as, by YAML 1.2's core schema.
enum Resolved<'a> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    /// An integer too large for 64 bits.
    Huge,
    Text(&'a str),
}

fn resolve(text: &str, plain: bool) -> Resolved<'_> {
    if !plain {
        return Resolved::Text(text);
    }
    if is_null_text(text) {
        return Resolved::Null;
    }
    match text {
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(value) = text.strip_prefix('+').unwrap_or(text).parse::<u64>() {
            return Resolved::Unsigned(value);
        }
        if let Ok(value) = text.parse::<i64>() {
            return Resolved::Signed(value);
        }
        return Resolved::Huge;
    }
    if is_yaml_float(text)
        && let Ok(value) = text.parse::<f64>()
    {
        return Resolved::Float(value);
    }
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        _ => Resolved::Text(text),
    }
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_yaml_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(whole)
        && digits(fraction)
        && (!whole.is_empty() || !fraction.is_empty())
        && (mantissa.contains('.') || exponent.is_some());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

impl<'de> NodeDeserializer<'de> {
    fn scalar(&self) -> Option<(&'de str, bool)> {
        match &self.0.value {
            Value::Scalar { text, plain } => Some((text.as_str(), *plain)),
            _ => None,
        }
    }

    fn expected(&self, what: &str) -> Error {
        Error::new(format!("expected {what}, found {}", self.0.describe())).at(self.0.at)
    }

    fn number(&self, whole: bool) -> Result<Resolved<'de>, Error> {
        let example = if whole {
            "a whole number, like 20"
        } else {
            "a number, like 0.5"
        };
        let Some((text, plain)) = self.scalar() else {
            return Err(self.expected(example));
        };
        let resolved = resolve(text, plain);
        let text = crate::source::cut(text, 40);
        match resolved {
            Resolved::Unsigned(_) | Resolved::Signed(_) => Ok(resolved),
            Resolved::Float(value) if !whole && value.is_finite() => Ok(resolved),
            Resolved::Float(value) if !value.is_finite() => Err(Error::new(format!(
                "`{text}` is not a number rehearse can use; write a plain number like 0.5"
            ))
            .at(self.0.at)),
            Resolved::Float(_) => {
                Err(Error::new(format!("expected a whole number, found `{text}`")).at(self.0.at))
            }
            Resolved::Huge => Err(Error::new(format!("`{text}` is too large")).at(self.0.at)),
            _ => {
                let percent = text
                    .trim()
                    .strip_suffix('%')
                    .and_then(|n| n.trim().parse::<f64>().ok());
                let message = match percent {
                    Some(value) if !whole => format!(
                        "expected {example}, found `{text}`; write {text} as {}",
                        value / 100.0
                    ),
                    _ => format!("expected {example}, found {}", self.0.describe()),
                };
                Err(Error::new(message).at(self.0.at))
            }
        }
    }

    fn unsigned(&self, max: u64) -> Result<u64, Error> {
        let out_of_range = |text: &str| {
            Error::new(format!(
                "`{}` is out of range: expected a whole number from 0 to {max}",
                crate::source::cut(text, 40)
            ))
            .at(self.0.at)
        };
        match self.number(true)? {
            Resolved::Unsigned(value) if value <= max => Ok(value),
            _ => Err(out_of_range(self.scalar().map_or("", |(text, _)| text))),
        }
    }

    fn signed(&self, min: i64, max: i64) -> Result<i64, Error> {
        let value = match self.number(true)? {
            Resolved::Unsigned(value) => i64::try_from(value).ok(),
            Resolved::Signed(value) => Some(value),
            _ => None,
        };
        value.filter(|v| (min..=max).contains(v)).ok_or_else(|| {
            Error::new(format!(
                "`{}` is out of range: expected a whole number from {min} to {max}",
                crate::source::cut(self.scalar().map_or("", |(text, _)| text), 40)
            ))
            .at(self.0.at)
        })
    }

    fn float(&self) -> Result<f64, Error> {
        match self.number(false)? {
            Resolved::Unsigned(value) => Ok(value as f64),
            Resolved::Signed(value) => Ok(value as f64),
            Resolved::Float(value) => Ok(value),
            _ => Err(self.expected("a number, like 0.5")),
        }
    }
}

macro_rules! unsigned {
    ($($method:ident $visit:ident $ty:ty;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let value = self.unsigned(<$ty>::MAX as u64)?;
            visitor.$visit(value as $ty).map_err(|error: Error| error.at(self.0.at))
        }
    )*};
}

macro_rules! signed {
    ($($method:ident $visit:ident $ty:ty;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let value = self.signed(<$ty>::MIN as i64, <$ty>::MAX as i64)?;
            visitor.$visit(value as $ty).map_err(|error: Error| error.at(self.0.at))
        }
    )*};
}

impl<'de> Deserializer<'de> for NodeDeserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.0;
        let result = match &node.value {
            Value::Sequence(items) => visitor.visit_seq(Items::new(items)),
            Value::Mapping(entries) => visitor.visit_map(Entries::new(entries)),
            Value::Scalar { text, plain } => match resolve(text, *plain) {
                Resolved::Null => visitor.visit_unit(),
                Resolved::Bool(value) => visitor.visit_bool(value),
                Resolved::Unsigned(value) => visitor.visit_u64(value),
                Resolved::Signed(value) => visitor.visit_i64(value),
                Resolved::Float(value) => visitor.visit_f64(value),
                Resolved::Huge => {
                    return Err(Error::new(format!(
                        "`{}` is too large",
                        crate::source::cut(text, 40)
                    ))
                    .at(node.at));
                }
                Resolved::Text(text) => visitor.visit_borrowed_str(text),
            },
        };
        result.map_err(|error| error.at(node.at))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.scalar().map(|(text, plain)| resolve(text, plain)) {
            Some(Resolved::Bool(value)) => visitor.visit_bool(value),
            _ => Err(self.expected("`true` or `false`")),
        }
    }

    unsigned! {
        deserialize_u8 visit_u8 u8;
        deserialize_u16 visit_u16 u16;
        deserialize_u32 visit_u32 u32;
        deserialize_u64 visit_u64 u64;
    }

    signed! {
        deserialize_i8 visit_i8 i8;
        deserialize_i16 visit_i16 i16;
        deserialize_i32 visit_i32 i32;
        deserialize_i64 visit_i64 i64;
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.float()?;
        visitor
            .visit_f64(value)
            .map_err(|error: Error| error.at(self.0.at))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.scalar() {
            Some((text, plain)) if !(plain && is_null_text(text)) => visitor
                .visit_borrowed_str(text)
                .map_err(|error: Error| error.at(self.0.at)),
            _ => Err(self.expected("text")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null() {
            visitor.visit_unit()
        } else {
            Err(self.expected("nothing"))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Sequence(items) => visitor
                .visit_seq(Items::new(items))
                .map_err(|error: Error| error.at(self.0.at)),
            _ => Err(self.expected("a list, like `[a, b]`")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        const EMPTY: &[Entry] = &[];
        let entries = match &self.0.value {
            Value::Mapping(entries) => entries,
            // `agents:` with nothing after it is an empty mapping.
            _ if self.0.is_null() => EMPTY,
            _ => return Err(self.expected("a mapping of keys and values, like `{key: value}`")),
        };
        visitor
            .visit_map(Entries::new(entries))
            .map_err(|error: Error| error.at(self.0.at))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let node = self.0;
        let result = match &node.value {
            Value::Scalar { text, .. } => visitor.visit_enum(text.as_str().into_deserializer()),
            Value::Mapping(entries) if entries.len() == 1 => {
                visitor.visit_enum(Variant(&entries[0]))
            }
            _ => return Err(self.expected("one name, or a mapping with one key")),
        };
        result.map_err(|error| error.at(node.at))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// The items of a list, each error marked with its index.
struct Items<'de> {
    items: &'de [Node],
    next: usize,
}

impl<'de> Items<'de> {
    fn new(items: &'de [Node]) -> Self {
        Items { items, next: 0 }
    }
}

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.get(self.next) else {
            return Ok(None);
        };
        let index = self.next;
        self.next += 1;
        seed.deserialize(NodeDeserializer(item))
            .map(Some)
            .map_err(|error| error.at(item.at).within(Segment::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

/// The entries of a mapping, each error marked with its key.
struct Entries<'de> {
    entries: &'de [Entry],
    next: usize,
}

impl<'de> Entries<'de> {
    fn new(entries: &'de [Entry]) -> Self {
        Entries { entries, next: 0 }
    }
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize(entry.key.as_str().into_deserializer())
            .map(Some)
            .map_err(|error: Error| {
                error
                    .at(entry.key_at)
                    .within(Segment::Key(entry.key.clone()))
            })
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let entry = &self.entries[self.next];
        self.next += 1;
        seed.deserialize(NodeDeserializer(&entry.value))
            .map_err(|error| {
                error
                    .at(entry.value.at)
                    .within(Segment::Key(entry.key.clone()))
            })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.next)
    }
}

/// `{variant: content}`.
struct Variant<'de>(&'de Entry);

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = Error;
    type Variant = NodeDeserializer<'de>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), Error> {
        let entry = self.0;
        let variant = seed
            .deserialize(entry.key.as_str().into_deserializer())
            .map_err(|error: Error| error.at(entry.key_at))?;
        Ok((variant, NodeDeserializer(&entry.value)))
    }
}

impl<'de> VariantAccess<'de> for NodeDeserializer<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Document;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        count: u32,
        #[serde(default)]
        share: Option<f64>,
        name: Option<String>,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Item {
        title: String,
    }

    fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, Error> {
        let document = Document::parse(text).unwrap();
        from_node(&document.root)
    }

    #[test]
    fn reads_scalars_as_the_model_asks() {
        let sample: Sample =
            parse("count: 3\nshare: 1\nname: 123\nitems: [{title: 36}]\n").unwrap();
        assert_eq!(
            sample,
            Sample {
                count: 3,
                share: Some(1.0),
                name: Some("123".into()),
                items: vec![Item { title: "36".into() }],
            }
        );
    }

    #[test]
    fn says_what_to_write_without_rust_type_names() {
        let error = parse::<Sample>("count: many\n").unwrap_err();
        assert_eq!(
            error.message,
            "expected a whole number, like 20, found `many`"
        );
        assert_eq!(error.at, Some(Location { line: 1, column: 8 }));
        assert_eq!(error.path().to_string(), "count");

        let error = parse::<Sample>("count: 1\nshare: 50%\n").unwrap_err();
        assert!(
            error.message.contains("write 50% as 0.5"),
            "{}",
            error.message
        );

        let error = parse::<Sample>("count: 1\nshare: .nan\n").unwrap_err();
        assert!(
            error.message.contains("not a number rehearse can use"),
            "{}",
            error.message
        );

        let error = parse::<Sample>("count: 18446744073709551616\n").unwrap_err();
        assert!(error.message.contains("too large"), "{}", error.message);

        let error = parse::<Sample>("count: -1\n").unwrap_err();
        assert!(error.message.contains("out of range"), "{}", error.message);
    }

    #[test]
    fn quotes_at_most_a_few_words_of_a_value() {
        let long = "1".repeat(100_000);
        for text in [
            format!("count: 1.{long}\n"),
            format!("count: 1\nshare: 0.{long}%\n"),
            format!("count: {long}\n"),
            format!("count: -{long}\n"),
            format!("count: 1\nshare: {}\n", "x".repeat(100_000)),
        ] {
            let error = parse::<Sample>(&text).unwrap_err();
            assert!(error.message.len() < 200, "{}", error.message);
        }
    }

    #[test]
    fn locates_unknown_and_missing_keys() {
        let error = parse::<Sample>("count: 1\nitems:\n  - titel: x\n").unwrap_err();
        assert_eq!(error.at, Some(Location { line: 3, column: 5 }));
        assert_eq!(error.path().to_string(), "items[0].titel");
        assert!(
            error
                .message
                .starts_with("unknown key `titel` (did you mean `title`?)"),
            "{}",
            error.message
        );

        let error = parse::<Sample>("share: 1\n").unwrap_err();
        assert_eq!(error.message, "missing key `count`");
        assert_eq!(error.at, Some(Location { line: 1, column: 1 }));
    }

    #[test]
    fn locates_a_conversion_error_at_its_value() {
        #[derive(Debug, Deserialize)]
        #[serde(try_from = "f64")]
        struct Half(#[allow(dead_code)] f64);
        impl TryFrom<f64> for Half {
            type Error = String;
            fn try_from(value: f64) -> Result<Self, String> {
                (value <= 0.5)
                    .then_some(Half(value))
                    .ok_or_else(|| "too big".to_string())
            }
        }
        #[derive(Debug, Deserialize)]
        struct Outer {
            #[allow(dead_code)]
            inner: Inner,
        }
        #[derive(Debug, Deserialize)]
        struct Inner {
            #[allow(dead_code)]
            half: Half,
        }
        let error = parse::<Outer>("inner:\n  half: 0.75\n").unwrap_err();
        assert_eq!(error.at, Some(Location { line: 2, column: 9 }));
        assert_eq!(error.path().to_string(), "inner.half");
    }

    #[test]
    fn recognises_yaml_floats() {
        for text in ["1.5", "-0.5", ".5", "1e3", "1.0E-2", "+2."] {
            assert!(is_yaml_float(text), "{text}");
        }
        for text in ["1", "abc", "1.2.3", "e3", "1e", "."] {
            assert!(!is_yaml_float(text), "{text}");
        }
    }
}
