//! A flow's variables: what `vars:` declares (a type and an optional
//! default), the values they hold, and the store a conversation keeps them
//! in.
//!
//! ```yaml
//! vars:
//!   order_total: number
//!   tier: {one_of: [gold, silver, none], default: none}
//!   is_member: {type: boolean, default: false}
//!   name: text
//! ```
//!
//! A variable gets a value from its `default`, from a node's `set:`, or
//! from a question's `capture:`. The store is indexed by [`VarId`] and
//! written through [`Vars::set`], so anything that learns a value later (a
//! backend call's result, say) sets it the same way.

use serde::{Deserialize, Deserializer, de};

/// Index of a variable in `Flow::vars`.
pub type VarId = usize;

/// The type of a variable.
#[derive(Debug, Clone, PartialEq)]
pub enum VarType {
    /// Any text.
    Text,
    /// A number (an integer or a decimal).
    Number,
    /// `true` or `false`.
    Boolean,
    /// One of a fixed list of words.
    OneOf(Vec<String>),
}

impl VarType {
    /// How the type is written, for messages.
    pub fn describe(&self) -> String {
        match self {
            VarType::Text => "text".into(),
            VarType::Number => "a number".into(),
            VarType::Boolean => "a boolean".into(),
            VarType::OneOf(values) => format!(
                "one of {}",
                crate::text::list(values.iter().map(String::as_str))
            ),
        }
    }
}

/// A declared variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    /// Its name under `vars:`.
    pub name: String,
    /// What values it takes.
    pub ty: VarType,
    /// Its value when a conversation starts, if any.
    pub default: Option<Value>,
}

/// A variable's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// The index of a one-of variable's word in its list.
    Choice(usize),
}

impl Value {
    /// A literal written in a flow (`set:`, `default:`) as a value of `ty`,
    /// or what is wrong with it.
    pub(crate) fn from_literal(ty: &VarType, literal: &Literal) -> Result<Value, String> {
        match (ty, literal) {
            (VarType::Text, Literal::Text(text)) => Ok(Value::Text(text.clone())),
            (VarType::Number, Literal::Number(number)) => Ok(Value::Number(*number)),
            (VarType::Boolean, Literal::Bool(value)) => Ok(Value::Bool(*value)),
            (VarType::OneOf(words), Literal::Text(text)) => words
                .iter()
                .position(|word| word == text)
                .map(Value::Choice)
                .ok_or_else(|| format!("`{text}` is not {}", ty.describe())),
            (ty, literal) => Err(format!("{} is not {}", literal.describe(), ty.describe())),
        }
    }

    /// What a customer's valid answer stores in a variable of `ty`: the
    /// text as typed (trimmed), or for a number the number it reads as
    /// (digits in any script, a `.` or `,` decimal point). `None` when the
    /// answer is no value of the type: the variable keeps what it had.
    pub(crate) fn captured(ty: &VarType, typed: &str) -> Option<Value> {
        let typed = typed.trim();
        match ty {
            VarType::Text => Some(Value::Text(typed.to_string())),
            VarType::Number => {
                let folded = crate::model::text_key::pattern_form(typed).replace(',', ".");
                folded
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .map(Value::Number)
            }
            VarType::Boolean => match crate::model::flow::text_key(typed).as_str() {
                "true" | "yes" => Some(Value::Bool(true)),
                "false" | "no" => Some(Value::Bool(false)),
                _ => None,
            },
            VarType::OneOf(words) => {
                let key = crate::model::flow::text_key(typed);
                words
                    .iter()
                    .position(|word| crate::model::flow::text_key(word) == key)
                    .map(Value::Choice)
            }
        }
    }
}

/// A literal value as written in a flow: a YAML scalar.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Text(String),
    Number(f64),
    Bool(bool),
}

impl Literal {
    /// For messages: `text "gold"`, `the number 3`, `true`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Literal::Text(text) => format!("the text `{text}`"),
            Literal::Number(number) => format!("the number {number}"),
            Literal::Bool(value) => format!("`{value}`"),
        }
    }
}

impl<'de> Deserialize<'de> for Literal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Literal, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Literal;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text, a number or `true`/`false`")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Literal, E> {
                Ok(Literal::Text(text.to_string()))
            }
            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Literal, E> {
                Ok(Literal::Bool(value))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Literal, E> {
                Ok(Literal::Number(value as f64))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Literal, E> {
                Ok(Literal::Number(value as f64))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Literal, E> {
                Ok(Literal::Number(value))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A variable as written under `vars:`: its type alone (`number`), or
/// `{type: number, default: 0}`, or `{one_of: [a, b], default: a}`.
#[derive(Debug)]
pub(crate) struct VarSpec {
    /// `text`, `number` or `boolean`; `None` with `one_of`.
    pub ty: Option<String>,
    pub one_of: Option<Vec<String>>,
    pub default: Option<Literal>,
}

impl<'de> Deserialize<'de> for VarSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<VarSpec, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = VarSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a type (text, number, boolean), {type: ..., default: ...} or {one_of: [...], default: ...}")
            }
            fn visit_str<E: de::Error>(self, ty: &str) -> Result<VarSpec, E> {
                Ok(VarSpec {
                    ty: Some(ty.to_string()),
                    one_of: None,
                    default: None,
                })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<VarSpec, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Long {
                    #[serde(default, rename = "type")]
                    ty: Option<String>,
                    #[serde(default)]
                    one_of: Option<Vec<String>>,
                    #[serde(default)]
                    default: Option<Literal>,
                }
                let long = Long::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(VarSpec {
                    ty: long.ty,
                    one_of: long.one_of,
                    default: long.default,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The variables of one conversation, by [`VarId`]: `None` while unset.
/// A flow without variables keeps an empty store, which never allocates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vars(Vec<Option<Value>>);

impl Vars {
    /// Every variable of `vars` at its default (or unset). Inlined, with
    /// a plain empty store for a flow without variables: every
    /// conversation makes one.
    #[inline]
    pub fn new(vars: &[Var]) -> Vars {
        if vars.is_empty() {
            return Vars(Vec::new());
        }
        Vars(vars.iter().map(|var| var.default.clone()).collect())
    }

    /// The value of `var`, if set.
    pub fn get(&self, var: VarId) -> Option<&Value> {
        self.0.get(var).and_then(Option::as_ref)
    }

    /// Gives `var` a value.
    pub fn set(&mut self, var: VarId, value: Value) {
        self.0[var] = Some(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_captured_as_values_of_the_variable_s_type() {
        assert_eq!(
            Value::captured(&VarType::Number, " 12,5 "),
            Some(Value::Number(12.5))
        );
        assert_eq!(
            Value::captured(&VarType::Number, "٥٠"),
            Some(Value::Number(50.0))
        );
        assert_eq!(Value::captured(&VarType::Number, "fifty"), None);
        let tiers = VarType::OneOf(vec!["gold".into(), "silver".into()]);
        assert_eq!(Value::captured(&tiers, "Silver"), Some(Value::Choice(1)));
        assert_eq!(Value::captured(&tiers, "bronze"), None);
        assert_eq!(
            Value::captured(&VarType::Text, " Ada "),
            Some(Value::Text("Ada".into()))
        );
    }

    #[test]
    fn literals_must_be_values_of_the_type() {
        let tiers = VarType::OneOf(vec!["gold".into()]);
        assert_eq!(
            Value::from_literal(&tiers, &Literal::Text("gold".into())),
            Ok(Value::Choice(0))
        );
        assert!(Value::from_literal(&tiers, &Literal::Text("tin".into())).is_err());
        assert!(Value::from_literal(&VarType::Number, &Literal::Text("3".into())).is_err());
        assert_eq!(
            Value::from_literal(&VarType::Boolean, &Literal::Bool(true)),
            Ok(Value::Bool(true))
        );
    }
}
