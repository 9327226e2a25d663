//! Conditions over a flow's variables, as a `when:` node's branches write
//! them: `total >= 100 and tier == gold`, `not (name is set)`.
//!
//! Grammar, loosest binding first (`or` < `and` < `not`):
//!
//! ```text
//! condition  := and ("or" and)*
//! and        := unary ("and" unary)*
//! unary      := "not" unary | "(" condition ")" | test
//! test       := VAR ("==" | "!=" | "<" | "<=" | ">" | ">=") literal
//!             | VAR "is" ["not"] "set" | VAR "not" "set"
//! literal    := number | true | false | 'text' | "text" | word
//! ```
//!
//! The parser is hand-written: conditions are short, and a small recursive
//! descent gives errors that say where and what to write. It checks names
//! and types as it goes, against the declared variables, so a condition
//! that loads is one the bot can always evaluate.

use super::vars::{Literal, Value, Var, VarId, VarType, Vars};
use crate::model::text_key::text_key;
use crate::text::did_you_mean;

/// The longest condition, in characters: enough for any rule a person
/// writes and reads, and it bounds the parse.
pub const MAX_CONDITION_LENGTH: usize = 500;

/// The deepest nesting of parentheses and `not`s in a condition; it bounds
/// the parser's recursion.
pub const MAX_CONDITION_DEPTH: usize = 16;

/// How a test compares a variable with a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Op::Eq => ordering == Equal,
            Op::Ne => ordering != Equal,
            Op::Lt => ordering == Less,
            Op::Le => ordering != Greater,
            Op::Gt => ordering == Greater,
            Op::Ge => ordering != Less,
        }
    }
}

/// A checked condition, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A variable compared with a value of its type. False while the
    /// variable is unset, whatever the operator.
    Compare {
        /// The variable.
        var: VarId,
        /// How.
        op: Op,
        /// With what (text is kept as its [`text_key`]).
        value: Value,
    },
    /// Whether the variable has a value.
    IsSet(VarId),
    /// The opposite.
    Not(Box<Condition>),
    /// Both.
    And(Box<Condition>, Box<Condition>),
    /// Either.
    Or(Box<Condition>, Box<Condition>),
}

impl Condition {
    /// Whether the condition holds for these values.
    pub fn holds(&self, vars: &Vars) -> bool {
        match self {
            Condition::Compare { var, op, value } => match (vars.get(*var), value) {
                (Some(Value::Number(have)), Value::Number(want)) => have
                    .partial_cmp(want)
                    .is_some_and(|ordering| op.holds(ordering)),
                // Text is compared as typed text is everywhere: normalised.
                (Some(Value::Text(have)), Value::Text(want)) => {
                    op.holds(text_key(have).as_str().cmp(want.as_str()))
                }
                (Some(have), want) => op.holds(if have == want {
                    std::cmp::Ordering::Equal
                } else {
                    std::cmp::Ordering::Less
                }),
                (None, _) => false,
            },
            Condition::IsSet(var) => vars.get(*var).is_some(),
            Condition::Not(inner) => !inner.holds(vars),
            Condition::And(a, b) => a.holds(vars) && b.holds(vars),
            Condition::Or(a, b) => a.holds(vars) || b.holds(vars),
        }
    }

    /// Whether the condition holds whatever happens: it only asks whether
    /// variables with a default are set (nothing ever unsets one).
    pub fn always_true(&self, vars: &[Var]) -> bool {
        match self {
            Condition::IsSet(var) => vars[*var].default.is_some(),
            Condition::Compare { .. } => false,
            Condition::Not(inner) => inner.never_true(vars),
            Condition::And(a, b) => a.always_true(vars) && b.always_true(vars),
            Condition::Or(a, b) => a.always_true(vars) || b.always_true(vars),
        }
    }

    fn never_true(&self, vars: &[Var]) -> bool {
        match self {
            Condition::Not(inner) => inner.always_true(vars),
            Condition::And(a, b) => a.never_true(vars) || b.never_true(vars),
            Condition::Or(a, b) => a.never_true(vars) && b.never_true(vars),
            Condition::IsSet(_) | Condition::Compare { .. } => false,
        }
    }

    /// Adds the variables the condition reads to `out`.
    pub fn reads(&self, out: &mut Vec<VarId>) {
        match self {
            Condition::Compare { var, .. } | Condition::IsSet(var) => out.push(*var),
            Condition::Not(inner) => inner.reads(out),
            Condition::And(a, b) | Condition::Or(a, b) => {
                a.reads(out);
                b.reads(out);
            }
        }
    }
}

/// Why a condition does not load: where (a character position in the
/// condition, from 1) and what to write instead.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionError {
    /// The character position, from 1.
    pub at: usize,
    /// What is wrong, and what to write.
    pub message: String,
}

/// Parses and checks `source` against the declared variables.
pub fn parse(source: &str, vars: &[Var]) -> Result<Condition, ConditionError> {
    let length = source.chars().count();
    if length > MAX_CONDITION_LENGTH {
        return Err(ConditionError {
            at: MAX_CONDITION_LENGTH + 1,
            message: format!(
                "a condition has at most {MAX_CONDITION_LENGTH} characters, this one {length}; split it over several branches"
            ),
        });
    }
    let tokens = tokenize(source)?;
    let mut parser = Parser {
        tokens,
        next: 0,
        vars,
        end: length + 1,
    };
    let condition = parser.or(0)?;
    match parser.peek() {
        None => Ok(condition),
        Some(token) => Err(parser.error_at(
            token.at,
            format!(
                "expected `and`, `or` or the end of the condition, found {}",
                token.kind.describe()
            ),
        )),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Word(String),
    Number(f64),
    Quoted(String),
    Op(Op),
    Open,
    Close,
}

impl TokenKind {
    fn describe(&self) -> String {
        match self {
            TokenKind::Word(word) => format!("`{}`", crate::source::cut(word, 40)),
            TokenKind::Number(number) => format!("the number {number}"),
            TokenKind::Quoted(text) => format!("the text '{}'", crate::source::cut(text, 40)),
            TokenKind::Op(op) => format!("`{}`", op.symbol()),
            TokenKind::Open => "`(`".into(),
            TokenKind::Close => "`)`".into(),
        }
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self, TokenKind::Word(w) if w == word)
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    /// Character position, from 1.
    at: usize,
}

fn tokenize(source: &str) -> Result<Vec<Token>, ConditionError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let word_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.';
    while i < chars.len() {
        let c = chars[i];
        let at = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two = chars.get(i + 1).copied();
        let (kind, width) = match (c, two) {
            ('(', _) => (TokenKind::Open, 1),
            (')', _) => (TokenKind::Close, 1),
            ('=', Some('=')) => (TokenKind::Op(Op::Eq), 2),
            ('!', Some('=')) => (TokenKind::Op(Op::Ne), 2),
            ('<', Some('=')) => (TokenKind::Op(Op::Le), 2),
            ('>', Some('=')) => (TokenKind::Op(Op::Ge), 2),
            ('<', _) => (TokenKind::Op(Op::Lt), 1),
            ('>', _) => (TokenKind::Op(Op::Gt), 1),
            ('=', _) => {
                return Err(ConditionError {
                    at,
                    message: "`=` alone is not a comparison; write `==`".into(),
                });
            }
            ('\'' | '"', _) => {
                let close =
                    chars[i + 1..]
                        .iter()
                        .position(|&q| q == c)
                        .ok_or_else(|| ConditionError {
                            at,
                            message: format!("this quote is never closed; end the text with {c}"),
                        })?;
                let text: String = chars[i + 1..i + 1 + close].iter().collect();
                (TokenKind::Quoted(text), close + 2)
            }
            (c, _) if word_char(c) => {
                let len = chars[i..].iter().take_while(|&&c| word_char(c)).count();
                let word: String = chars[i..i + len].iter().collect();
                let starts_number = c.is_ascii_digit() || (c == '-' && len > 1);
                match word.parse::<f64>() {
                    Ok(number) if starts_number && number.is_finite() => {
                        (TokenKind::Number(number), len)
                    }
                    _ => (TokenKind::Word(word), len),
                }
            }
            (other, _) => {
                return Err(ConditionError {
                    at,
                    message: format!(
                        "`{other}` has no meaning in a condition; compare a variable with `==`, `!=`, `<`, `<=`, `>` or `>=`, and combine with `and`, `or`, `not`"
                    ),
                });
            }
        };
        tokens.push(Token { kind, at });
        i += width;
    }
    Ok(tokens)
}

struct Parser<'v> {
    tokens: Vec<Token>,
    next: usize,
    vars: &'v [Var],
    /// The position just past the end, for "expected ... at the end".
    end: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn at(&self) -> usize {
        self.peek().map_or(self.end, |token| token.at)
    }

    fn error_at(&self, at: usize, message: String) -> ConditionError {
        ConditionError { at, message }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.peek().is_some_and(|token| token.kind.is_word(word));
        if found {
            self.next += 1;
        }
        found
    }

    fn found(&self) -> String {
        self.peek()
            .map_or("the end of the condition".into(), |token| {
                token.kind.describe()
            })
    }

    fn or(&mut self, depth: usize) -> Result<Condition, ConditionError> {
        let mut left = self.and(depth)?;
        while self.eat_word("or") {
            let right = self.and(depth)?;
            left = Condition::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Condition, ConditionError> {
        let mut left = self.unary(depth)?;
        while self.eat_word("and") {
            let right = self.unary(depth)?;
            left = Condition::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, depth: usize) -> Result<Condition, ConditionError> {
        if depth >= MAX_CONDITION_DEPTH {
            return Err(self.error_at(
                self.at(),
                format!(
                    "a condition nests at most {MAX_CONDITION_DEPTH} parentheses and `not`s; split it over several branches"
                ),
            ));
        }
        if self.eat_word("not") {
            return Ok(Condition::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self
            .peek()
            .is_some_and(|token| token.kind == TokenKind::Open)
        {
            self.next += 1;
            let inner = self.or(depth + 1)?;
            if self
                .peek()
                .is_some_and(|token| token.kind == TokenKind::Close)
            {
                self.next += 1;
                return Ok(inner);
            }
            return Err(self.error_at(
                self.at(),
                format!(
                    "expected `)` to close the parenthesis, found {}",
                    self.found()
                ),
            ));
        }
        self.test()
    }

    /// `VAR op literal`, `VAR is [not] set` or `VAR not set`.
    fn test(&mut self) -> Result<Condition, ConditionError> {
        let at = self.at();
        let name = match self.peek().map(|token| &token.kind) {
            Some(TokenKind::Word(word)) if !is_keyword(word) => word.clone(),
            _ => {
                return Err(self.error_at(
                    at,
                    format!(
                        "expected a variable, like `total > 10` or `tier is set`, found {}",
                        self.found()
                    ),
                ));
            }
        };
        let Some(var) = self.vars.iter().position(|var| var.name == name) else {
            let suggestion = did_you_mean(&name, self.vars.iter().map(|v| v.name.as_str()));
            return Err(self.error_at(
                at,
                format!("no variable is called `{name}`{suggestion}; declare it under `vars:`"),
            ));
        };
        self.next += 1;
        if self.eat_word("is") {
            let negated = self.eat_word("not");
            return self.set_test(var, negated);
        }
        if self.eat_word("not") {
            return self.set_test(var, true);
        }
        let op_at = self.at();
        let op = match self.peek().map(|token| &token.kind) {
            Some(TokenKind::Op(op)) => *op,
            _ => {
                return Err(self.error_at(
                    self.at(),
                    format!(
                        "expected `==`, `!=`, `<`, `<=`, `>`, `>=`, `is set` or `not set` after `{name}`, found {}",
                        self.found()
                    ),
                ));
            }
        };
        self.next += 1;
        let literal_at = self.at();
        let literal = match self.peek().map(|token| token.kind.clone()) {
            Some(TokenKind::Number(number)) => Literal::Number(number),
            Some(TokenKind::Quoted(text)) => Literal::Text(text),
            Some(TokenKind::Word(word)) if word == "true" || word == "false" => {
                Literal::Bool(word == "true")
            }
            Some(TokenKind::Word(word)) if !is_keyword(&word) => Literal::Text(word),
            _ => {
                return Err(self.error_at(
                    literal_at,
                    format!(
                        "expected a value after `{}`: a number, `true`, `false`, a word or 'quoted text', found {}",
                        op.symbol(),
                        self.found()
                    ),
                ));
            }
        };
        self.next += 1;
        let declared = &self.vars[var];
        let ordered = matches!(op, Op::Eq | Op::Ne);
        if !ordered && declared.ty != VarType::Number {
            return Err(self.error_at(
                op_at,
                format!(
                    "`{}` compares numbers, but `{name}` is {}; use `==` or `!=`",
                    op.symbol(),
                    declared.ty.describe()
                ),
            ));
        }
        let value = match (&declared.ty, literal) {
            // Kept as its key, so the bot compares it as it reads typed text.
            (VarType::Text, Literal::Text(text)) => Value::Text(text_key(&text)),
            (ty, literal) => Value::from_literal(ty, &literal).map_err(|why| {
                self.error_at(literal_at, format!("`{name}` is compared with {why}"))
            })?,
        };
        Ok(Condition::Compare { var, op, value })
    }

    fn set_test(&mut self, var: VarId, negated: bool) -> Result<Condition, ConditionError> {
        if !self.eat_word("set") {
            return Err(self.error_at(self.at(), format!("expected `set`, found {}", self.found())));
        }
        let test = Condition::IsSet(var);
        Ok(if negated {
            Condition::Not(Box::new(test))
        } else {
            test
        })
    }
}

fn is_keyword(word: &str) -> bool {
    matches!(word, "and" | "or" | "not" | "is" | "set")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vec<Var> {
        vec![
            Var {
                name: "total".into(),
                ty: VarType::Number,
                default: None,
            },
            Var {
                name: "tier".into(),
                ty: VarType::OneOf(vec!["gold".into(), "silver".into()]),
                default: Some(Value::Choice(1)),
            },
            Var {
                name: "member".into(),
                ty: VarType::Boolean,
                default: None,
            },
            Var {
                name: "name".into(),
                ty: VarType::Text,
                default: None,
            },
        ]
    }

    fn check(source: &str) -> Condition {
        parse(source, &vars()).unwrap_or_else(|error| panic!("{source}: {error:?}"))
    }

    fn error(source: &str) -> (usize, String) {
        let error = parse(source, &vars()).unwrap_err();
        (error.at, error.message)
    }

    fn compare(var: VarId, op: Op, value: Value) -> Box<Condition> {
        Box::new(Condition::Compare { var, op, value })
    }

    #[test]
    fn and_binds_tighter_than_or_and_not_tighter_than_and() {
        assert_eq!(
            check("total > 1 or tier == gold and not member == true"),
            Condition::Or(
                compare(0, Op::Gt, Value::Number(1.0)),
                Box::new(Condition::And(
                    compare(1, Op::Eq, Value::Choice(0)),
                    Box::new(Condition::Not(compare(2, Op::Eq, Value::Bool(true))))
                ))
            )
        );
        assert_eq!(
            check("(total > 1 or tier == gold) and member is not set"),
            Condition::And(
                Box::new(Condition::Or(
                    compare(0, Op::Gt, Value::Number(1.0)),
                    compare(1, Op::Eq, Value::Choice(0))
                )),
                Box::new(Condition::Not(Box::new(Condition::IsSet(2))))
            )
        );
        assert_eq!(
            check("member not set"),
            Condition::Not(Box::new(Condition::IsSet(2)))
        );
        assert_eq!(
            check("name == 'Ada Lovelace'"),
            *compare(3, Op::Eq, Value::Text("ada lovelace".into()))
        );
        assert_eq!(
            check("total >= -2.5"),
            *compare(0, Op::Ge, Value::Number(-2.5))
        );
    }

    #[test]
    fn errors_say_where_and_what_to_write() {
        assert_eq!(error("totl > 3").0, 1);
        assert!(error("totl > 3").1.contains("did you mean `total`"));
        assert_eq!(
            error("total = 3"),
            (7, "`=` alone is not a comparison; write `==`".into())
        );
        let (at, message) = error("tier == bronze");
        assert_eq!(at, 9);
        assert!(
            message.contains("`bronze` is not one of `gold`"),
            "{message}"
        );
        let (at, message) = error("total == gold");
        assert_eq!(at, 10);
        assert!(message.contains("is not a number"), "{message}");
        let (at, message) = error("tier > gold");
        assert_eq!(at, 6);
        assert!(message.contains("use `==` or `!=`"), "{message}");
        assert_eq!(error("(total > 3").0, 11);
        assert!(error("(total > 3").1.contains("expected `)`"));
        assert_eq!(error("total > 3 member").0, 11);
        assert_eq!(error("total >").0, 8);
        assert_eq!(error("name == 'open").0, 9);
        assert_eq!(error("total > 3 & tier").0, 11);
    }

    #[test]
    fn length_and_nesting_are_bounded() {
        let deep = format!("{}total > 1{}", "(".repeat(40), ")".repeat(40));
        assert!(error(&deep).1.contains("nests at most 16"));
        let nots = format!("{}total > 1", "not ".repeat(16));
        assert!(error(&nots).1.contains("nests at most"));
        assert!(parse(&format!("{}total > 1", "not ".repeat(15)), &vars()).is_ok());
        let long = format!("total > 1{}", " or total > 1".repeat(50));
        assert!(error(&long).1.contains("at most 500 characters"));
    }

    #[test]
    fn unset_variables_fail_every_comparison() {
        let vars_declared = vars();
        let mut values = Vars::new(&vars_declared);
        assert!(!check("total < 10").holds(&values));
        assert!(!check("total != 10").holds(&values));
        assert!(check("total is not set").holds(&values));
        assert!(check("tier == silver").holds(&values));
        values.set(0, Value::Number(5.0));
        values.set(3, Value::Text("Ada".into()));
        assert!(check("total < 10 and total >= 5").holds(&values));
        assert!(!check("total > 5").holds(&values));
        assert!(check("total != 6").holds(&values));
        assert!(check("name == ADA").holds(&values));
        assert!(check("not (tier == gold)").holds(&values));
    }

    #[test]
    fn conditions_on_defaults_being_set_always_hold() {
        let declared = vars();
        assert!(check("tier is set").always_true(&declared));
        assert!(check("total > 3 or tier is set").always_true(&declared));
        assert!(check("not (tier is not set)").always_true(&declared));
        assert!(!check("total is set").always_true(&declared));
        assert!(!check("tier == gold").always_true(&declared));
    }
}
