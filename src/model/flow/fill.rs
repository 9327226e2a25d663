//! Variables in what the bot says: `"Your order of {items} items"`. In a
//! flow that declares `vars:`, `{VAR}` in a node's `say:` is replaced by the
//! variable's value when the bot sends the message (nothing while unset),
//! and `{{` and `}}` write `{` and `}`. A flow without `vars:` sends its
//! texts exactly as written, braces and all.

use super::vars::{Value, Var, VarId, VarType, Vars};

/// A `say:` text with variables in it, cut at each `{VAR}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fill(Vec<Piece>);

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Literal(String),
    Var(VarId),
}

impl Fill {
    /// Reads `text`: `Ok(None)` when it names no variable (the text is sent
    /// as compiled once), or what is wrong with it.
    pub(crate) fn parse(text: &str, vars: &[Var]) -> Result<Option<Fill>, String> {
        if !text.contains(['{', '}']) {
            return Ok(None);
        }
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if let Some(after) = rest.strip_prefix("{{") {
                literal.push('{');
                rest = after;
            } else if let Some(after) = rest.strip_prefix("}}") {
                literal.push('}');
                rest = after;
            } else if c == '{' {
                let close = rest.find('}').ok_or_else(|| {
                    "a `{` is never closed: write `{VAR}` for a variable's value, or `{{` for a `{`"
                        .to_string()
                })?;
                let name = &rest[1..close];
                let var = vars
                    .iter()
                    .position(|var| var.name == name)
                    .ok_or_else(|| {
                        let suggestion =
                            crate::text::did_you_mean(name, vars.iter().map(|v| v.name.as_str()));
                        format!(
                            "`{{{}}}` names no variable{suggestion}; write `{{{{` for a `{{`",
                            crate::source::cut(name, 40)
                        )
                    })?;
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Var(var));
                rest = &rest[close + 1..];
            } else {
                literal.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        Ok(pieces
            .iter()
            .any(|piece| matches!(piece, Piece::Var(_)))
            .then_some(Fill(pieces)))
    }

    /// The most bytes filling in can add to the text as written, when a
    /// text variable holds at most `longest_text` bytes: for the cost
    /// estimate of transcripts.
    pub(crate) fn most_added(&self, declared: &[Var], longest_text: f64) -> f64 {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Literal(_) => 0.0,
                Piece::Var(var) => match &declared[*var].ty {
                    VarType::Text => longest_text,
                    // f64's longest form, and `false`.
                    VarType::Number => 24.0,
                    VarType::Boolean => 5.0,
                    VarType::OneOf(words) => {
                        words.iter().map(String::len).max().unwrap_or(0) as f64
                    }
                },
            })
            .sum()
    }

    /// The text as sent with these values.
    pub fn render(&self, declared: &[Var], values: &Vars) -> String {
        let mut text = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Literal(literal) => text.push_str(literal),
                Piece::Var(var) => match (values.get(*var), &declared[*var].ty) {
                    (None, _) => {}
                    (Some(Value::Text(value)), _) => text.push_str(value),
                    (Some(Value::Number(n)), _) if n.fract() == 0.0 && n.abs() < 1e15 => {
                        text.push_str(&format!("{}", *n as i64))
                    }
                    (Some(Value::Number(n)), _) => text.push_str(&n.to_string()),
                    (Some(Value::Bool(value)), _) => text.push_str(&value.to_string()),
                    (Some(Value::Choice(index)), VarType::OneOf(words)) => {
                        text.push_str(&words[*index])
                    }
                    (Some(Value::Choice(_)), _) => {}
                },
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vec<Var> {
        vec![
            Var {
                name: "items".into(),
                ty: VarType::Number,
                default: None,
            },
            Var {
                name: "tier".into(),
                ty: VarType::OneOf(vec!["gold".into(), "silver".into()]),
                default: Some(Value::Choice(0)),
            },
        ]
    }

    #[test]
    fn variables_are_replaced_and_doubled_braces_are_literal() {
        let declared = vars();
        let fill = Fill::parse("{{ok}} {items} items, {tier} tier}}", &declared)
            .unwrap()
            .unwrap();
        let mut values = Vars::new(&declared);
        assert_eq!(fill.render(&declared, &values), "{ok}  items, gold tier}");
        values.set(0, Value::Number(12.0));
        assert_eq!(fill.render(&declared, &values), "{ok} 12 items, gold tier}");
        values.set(0, Value::Number(2.5));
        assert_eq!(
            fill.render(&declared, &values),
            "{ok} 2.5 items, gold tier}"
        );
    }

    #[test]
    fn text_without_variables_is_not_filled_and_unknown_names_are_errors() {
        let declared = vars();
        assert_eq!(Fill::parse("Hello {{there}}", &declared), Ok(None));
        assert_eq!(Fill::parse("Hello", &declared), Ok(None));
        let error = Fill::parse("You have {iterms}", &declared).unwrap_err();
        assert!(error.contains("did you mean `items`"), "{error}");
        assert!(
            Fill::parse("a { b", &declared)
                .unwrap_err()
                .contains("never closed")
        );
    }

    #[test]
    fn the_cost_estimate_counts_the_longest_value_each_variable_can_hold() {
        let mut declared = vars();
        declared.push(Var {
            name: "name".into(),
            ty: VarType::Text,
            default: None,
        });
        let fill = Fill::parse("{items} {tier} {name}", &declared)
            .unwrap()
            .unwrap();
        // A number's longest form, `silver`, and the longest text.
        assert_eq!(fill.most_added(&declared, 100.0), 24.0 + 6.0 + 100.0);
    }
}
