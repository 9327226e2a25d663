//! Phrase banks: what a customer types, in one or several phrasings with
//! weights. A goal's `says`, its `replies` and a persona's off-script
//! messages are banks.
//!
//! ```yaml
//! says: "where is my order"                        # one phrasing, as always
//! says: ["where is my order", {text: "order status?", weight: 2}]
//! ```
//!
//! A phrasing written as a plain string has weight 1. Which phrasing a
//! customer types is drawn from their own stream, and only when there is a
//! choice: a bank of one phrasing draws nothing, so files written before
//! banks existed draw exactly what they drew then.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, de::value::MapAccessDeserializer};

use super::answer::MAX_TEMPLATE_CHARS;
use super::flow::text_key;
use super::phrases::MAX_PHRASES;
use super::weighted::Weighted;
use crate::diagnostic::{Problem, Rule};
use crate::source::KeyPath;

/// A bank as written: one string, or a list of strings and `{text, weight}`.
#[derive(Debug, Clone)]
pub(crate) struct BankSpec {
    /// Whether it was written as one string (kept exactly as before banks).
    pub single: bool,
    pub phrasings: Vec<PhrasingSpec>,
}

/// One phrasing as written.
#[derive(Debug, Clone)]
pub(crate) struct PhrasingSpec {
    pub text: String,
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

/// Scalars a YAML file may hold where text is meant (`says: 42`), read as
/// the text they are.
macro_rules! scalar_as_text {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method<E: de::Error>(self, value: $ty) -> Result<Self::Value, E> {
            self.visit_str(&value.to_string())
        }
    )*};
}

struct PhrasingVisitor;

impl<'de> Visitor<'de> for PhrasingVisitor {
    type Value = PhrasingSpec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a phrasing: text, or `{text: ..., weight: ...}`")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<PhrasingSpec, E> {
        Ok(PhrasingSpec {
            text: text.to_string(),
            weight: 1.0,
        })
    }

    scalar_as_text!(visit_u64: u64, visit_i64: i64, visit_f64: f64, visit_bool: bool);

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<PhrasingSpec, M::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Written {
            text: String,
            #[serde(default = "one")]
            weight: f64,
        }
        let written = Written::deserialize(MapAccessDeserializer::new(map))?;
        Ok(PhrasingSpec {
            text: written.text,
            weight: written.weight,
        })
    }
}

impl<'de> Deserialize<'de> for PhrasingSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PhrasingVisitor)
    }
}

struct BankVisitor;

impl<'de> Visitor<'de> for BankVisitor {
    type Value = BankSpec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "text, or a list of phrasings like `[\"no thanks\", {text: \"nope\", weight: 2}]`",
        )
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<BankSpec, E> {
        Ok(BankSpec {
            single: true,
            phrasings: vec![PhrasingVisitor.visit_str(text)?],
        })
    }

    scalar_as_text!(visit_u64: u64, visit_i64: i64, visit_f64: f64, visit_bool: bool);

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<BankSpec, S::Error> {
        let mut phrasings = Vec::new();
        while let Some(phrasing) = seq.next_element::<PhrasingSpec>()? {
            // Bounded as read, so a runaway list stops early; the located
            // message comes from validation.
            if phrasings.len() > MAX_PHRASES {
                return Err(de::Error::custom(format!(
                    "more than {MAX_PHRASES} phrasings; a bank holds at most {MAX_PHRASES}"
                )));
            }
            phrasings.push(phrasing);
        }
        Ok(BankSpec {
            single: false,
            phrasings,
        })
    }
}

impl<'de> Deserialize<'de> for BankSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BankVisitor)
    }
}

/// A phrase a customer types, with the key the bot matches it by.
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    /// As typed.
    pub text: String,
    /// Its [`text_key`].
    pub key: String,
}

impl Said {
    /// `text`, with its key.
    pub fn new(text: &str) -> Said {
        Said {
            text: text.to_string(),
            key: text_key(text),
        }
    }
}

/// A validated phrase bank: phrasings by weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Bank(Weighted<Said>);

impl Bank {
    /// A bank of one phrasing.
    pub fn one(text: &str) -> Bank {
        Bank(Weighted::equal(vec![Said::new(text)]).expect("one phrasing of weight 1"))
    }

    /// A bank of equally likely phrasings; `None` when there are none.
    pub fn equal(texts: &[&str]) -> Option<Bank> {
        Weighted::equal(texts.iter().map(|text| Said::new(text)).collect())
            .ok()
            .map(Bank)
    }

    /// Validates `spec`, written at `path`; problems are located at the
    /// phrasing at fault, or at the bank.
    pub(crate) fn validate(spec: BankSpec, path: &KeyPath) -> Result<Bank, Problem> {
        let invalid = |path: KeyPath, message: String| {
            Problem::new(Rule::InvalidPersona, path, message).with_help(
                "a phrase bank is text, or a list like `[\"no thanks\", {text: \"nope\", weight: 2}]`",
            )
        };
        if spec.phrasings.is_empty() {
            return Err(invalid(
                path.clone(),
                "an empty list of phrasings: give at least one".to_string(),
            ));
        }
        if spec.phrasings.len() > MAX_PHRASES {
            return Err(invalid(
                path.clone(),
                format!(
                    "{} phrasings; a bank holds at most {MAX_PHRASES}",
                    spec.phrasings.len()
                ),
            ));
        }
        let mut weighted = Vec::with_capacity(spec.phrasings.len());
        for (i, phrasing) in spec.phrasings.into_iter().enumerate() {
            let at = if spec.single {
                path.clone()
            } else {
                path.index(i)
            };
            if !(phrasing.weight.is_finite() && phrasing.weight >= 0.0) {
                return Err(invalid(
                    at.key("weight"),
                    format!(
                        "a phrasing's weight must be 0 or more, got {}",
                        phrasing.weight
                    ),
                ));
            }
            let chars = phrasing.text.chars().count();
            if chars > MAX_TEMPLATE_CHARS {
                return Err(invalid(
                    at,
                    format!(
                        "a phrasing of {chars} characters; a WhatsApp text message holds at most {MAX_TEMPLATE_CHARS}"
                    ),
                ));
            }
            // One string keeps its old meaning, even empty; in a list, an
            // empty phrasing is a slip.
            if !spec.single && text_key(&phrasing.text).is_empty() {
                return Err(invalid(at, "an empty phrasing".to_string()));
            }
            weighted.push((phrasing.weight, Said::new(&phrasing.text)));
        }
        Weighted::new(weighted)
            .map(Bank)
            .map_err(|error| invalid(path.clone(), format!("phrasing weights: {error}")))
    }

    /// Draws a phrasing: from `u()` when there is a choice, with no draw
    /// when there is only one.
    pub fn pick(&self, u: impl FnOnce() -> f64) -> &Said {
        if self.0.len() == 1 {
            self.0.get(0)
        } else {
            self.0.get(self.0.pick(u()))
        }
    }

    /// The first phrasing that can be drawn: what a customer says when no
    /// draw is made (the opening message of a live conversation).
    pub fn first(&self) -> &Said {
        let index = (0..self.0.len())
            .find(|index| self.0.share(*index) > 0.0)
            .unwrap_or(0);
        self.0.get(index)
    }

    /// The longest phrasing, in bytes.
    pub fn longest(&self) -> usize {
        self.phrasings()
            .iter()
            .map(|said| said.text.len())
            .max()
            .unwrap_or(0)
    }

    /// Every phrasing, in the order written.
    pub fn phrasings(&self) -> &[Said] {
        self.0.items()
    }

    /// The share of phrasing `index`.
    pub fn share(&self, index: usize) -> f64 {
        self.0.share(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> Result<BankSpec, String> {
        let document = crate::yaml::Document::parse(yaml).unwrap();
        crate::yaml::de::from_node::<BankSpec>(&document.root).map_err(|error| error.to_string())
    }

    #[test]
    fn one_string_or_a_list_with_weights() {
        let one = spec("where is my order").unwrap();
        assert!(one.single);
        let bank = Bank::validate(one, &KeyPath::root()).unwrap();
        assert_eq!(bank.phrasings(), &[Said::new("where is my order")]);
        let list = spec("[\"no thanks\", {text: nope, weight: 3}]").unwrap();
        let bank = Bank::validate(list, &KeyPath::root()).unwrap();
        assert_eq!(bank.phrasings().len(), 2);
        assert_eq!(bank.share(1), 0.75);
        assert_eq!(bank.pick(|| 0.3).text, "nope");
        assert_eq!(bank.pick(|| 0.2).text, "no thanks");
    }

    #[test]
    fn bad_banks_are_refused_where_they_are_wrong() {
        let message = |yaml: &str| {
            let problem =
                Bank::validate(spec(yaml).unwrap(), &KeyPath::root().key("says")).unwrap_err();
            format!("{}: {}", problem.path, problem.message)
        };
        assert!(message("[]").contains("empty list"), "{}", message("[]"));
        let negative = message("[a, {text: b, weight: -1}]");
        assert!(negative.contains("says[1].weight"), "{negative}");
        assert!(message("[a, \"  \"]").contains("empty phrasing"));
        assert!(message("[{text: a, weight: 0}]").contains("all 0"));
        assert!(
            spec("[{text: a, wieght: 2}]")
                .unwrap_err()
                .contains("wieght")
        );
        assert!(spec("{text: a}").is_err());
        let huge = format!("[{}]", vec!["a"; MAX_PHRASES + 2].join(", "));
        assert!(spec(&huge).unwrap_err().contains("at most"));
    }

    #[test]
    fn a_single_phrasing_draws_nothing() {
        let bank = Bank::one("hi");
        assert_eq!(bank.pick(|| panic!("no draw for one phrasing")).text, "hi");
    }
}
