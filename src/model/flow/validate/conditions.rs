//! Variables and conditions: `vars:` declarations, a node's `set:`, a
//! question's `capture:` and a `when:` node's branches. Every problem is an
//! F15 error located at the key that holds it.

use super::Checker;
use crate::diagnostic::Rule;
use crate::model::flow::expr::{self, MAX_CONDITION_DEPTH, MAX_CONDITION_LENGTH};
use crate::model::flow::spec::{BranchSpec, NodeSpec};
use crate::model::flow::vars::{Value, Var, VarId, VarType};
use crate::model::flow::{Fill, NodeKind, When};
use crate::source::KeyPath;
use crate::text::did_you_mean;

/// The most variables a flow declares: a conversation keeps one slot each.
pub(crate) const MAX_VARS: usize = 1_000;

impl Checker<'_> {
    /// The declared variables, each with a type and a default of that type.
    pub(super) fn vars(&mut self) -> Vec<Var> {
        let spec = self.spec;
        let mut vars = Vec::with_capacity(spec.vars.len());
        let root = KeyPath::root().key("vars");
        if spec.vars.len() > MAX_VARS {
            self.report(
                Rule::InvalidCondition,
                root.clone(),
                format!("a flow declares at most {MAX_VARS} variables"),
            );
            return vars;
        }
        for (name, var) in &spec.vars {
            let path = root.key(name);
            let word = |c: char| c.is_alphanumeric() || c == '_';
            let starts_well = name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_');
            if !starts_well
                || !name.chars().all(word)
                || matches!(
                    name.as_str(),
                    "and" | "or" | "not" | "is" | "set" | "true" | "false"
                )
            {
                self.report(
                    Rule::InvalidCondition,
                    path.clone(),
                    format!("`{name}` cannot name a variable: conditions could not tell it apart"),
                )
                .help = Some("a variable's name is letters, digits and `_`, starts with a letter, and is not `and`, `or`, `not`, `is`, `set`, `true` or `false`".into());
                continue;
            }
            let ty = match (var.ty.as_deref(), &var.one_of) {
                (None, Some(words)) if !words.is_empty() => {
                    if let Some(i) = (1..words.len()).find(|&i| words[..i].contains(&words[i])) {
                        self.report(
                            Rule::InvalidCondition,
                            path.key("one_of").index(i),
                            format!("`{}` is listed twice", words[i]),
                        );
                        continue;
                    }
                    VarType::OneOf(words.clone())
                }
                (Some("text"), None) => VarType::Text,
                (Some("number"), None) => VarType::Number,
                (Some("boolean"), None) => VarType::Boolean,
                (Some(other), None) => {
                    let suggestion = did_you_mean(other, ["text", "number", "boolean"]);
                    self.report(
                        Rule::InvalidCondition,
                        path.clone(),
                        format!("`{other}` is no type of variable{suggestion}"),
                    )
                    .help = Some(
                        "a variable is `text`, `number`, `boolean` or `{one_of: [a, b, c]}`".into(),
                    );
                    continue;
                }
                _ => {
                    self.report(
                        Rule::InvalidCondition,
                        path.clone(),
                        format!("variable `{name}` needs a type: `type:` or a non-empty `one_of:`, not both"),
                    )
                    .help = Some("like `tier: {one_of: [gold, silver, none], default: none}` or `total: number`".into());
                    continue;
                }
            };
            let default = match &var.default {
                None => None,
                Some(literal) => match Value::from_literal(&ty, literal) {
                    Ok(value) => Some(value),
                    Err(why) => {
                        self.report(
                            Rule::InvalidCondition,
                            path.key("default"),
                            format!("the default of `{name}` is wrong: {why}"),
                        );
                        continue;
                    }
                },
            };
            vars.push(Var {
                name: name.clone(),
                ty,
                default,
            });
        }
        vars
    }

    /// The variable called `name`, or a problem at `path`.
    fn var(&mut self, name: &str, path: KeyPath) -> Option<VarId> {
        let found = self.vars.iter().position(|var| var.name == name);
        if found.is_none() {
            let suggestion = did_you_mean(name, self.vars.iter().map(|var| var.name.as_str()));
            self.report(
                Rule::InvalidCondition,
                path,
                format!("no variable is called `{name}`{suggestion}"),
            )
            .help = Some("declare it under `vars:` at the top of the flow, with its type".into());
        }
        found
    }

    /// A node's `set:`: each value of its variable's type.
    pub(super) fn set(&mut self, path: &KeyPath, node: &NodeSpec) -> Option<Vec<(VarId, Value)>> {
        let Some(set) = &node.set else {
            return Some(Vec::new());
        };
        let mut values = Vec::with_capacity(set.len());
        let mut ok = true;
        for (name, literal) in set {
            let key_path = path.key("set").key(name);
            let Some(var) = self.var(name, key_path.clone()) else {
                ok = false;
                continue;
            };
            match Value::from_literal(&self.vars[var].ty, literal) {
                Ok(value) => values.push((var, value)),
                Err(why) => {
                    self.report(
                        Rule::InvalidCondition,
                        key_path,
                        format!("`{name}` is set to {why}"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(values)
    }

    /// A node's `say:` with the variables it names: only in a flow that
    /// declares variables, so older texts keep their braces as written.
    /// `Some(None)` when there is nothing to fill, `None` on error.
    pub(super) fn fill(&mut self, path: &KeyPath, node: &NodeSpec) -> Option<Option<Fill>> {
        let Some(text) = node.say.as_deref().filter(|_| !self.spec.vars.is_empty()) else {
            return Some(None);
        };
        match Fill::parse(text, &self.vars) {
            Ok(fill) => Some(fill),
            Err(why) => {
                self.report(Rule::InvalidCondition, path.key("say"), why).help = Some(
                    "in a flow with `vars:`, `{VAR}` in `say:` is the variable's value; `{{` and `}}` write `{` and `}`"
                        .into(),
                );
                None
            }
        }
    }

    /// A question's `capture:`: `Some(None)` without one, `None` on error.
    pub(super) fn capture(&mut self, path: &KeyPath, node: &NodeSpec) -> Option<Option<VarId>> {
        match &node.capture {
            None => Some(None),
            Some(name) => self.var(name, path.key("capture")).map(Some),
        }
    }

    /// A `when:` node: branches `{if: CONDITION, goto: NODE}` and a last
    /// `{else: NODE}`.
    pub(super) fn when(&mut self, path: &KeyPath, branches: &[BranchSpec]) -> Option<NodeKind> {
        let when_path = path.key("when");
        let mut built = Vec::with_capacity(branches.len());
        let mut otherwise = None;
        let mut ok = true;
        let shape_help =
            "write each branch as `{if: \"total > 10\", goto: NODE}`, and end with `{else: NODE}`";
        for (i, branch) in branches.iter().enumerate() {
            let branch_path = when_path.index(i);
            let last = i + 1 == branches.len();
            match (&branch.condition, &branch.goto, &branch.otherwise) {
                (Some(condition), Some(goto), None) => {
                    let target = self.resolve(goto, branch_path.key("goto"));
                    let condition = match expr::parse(condition, &self.vars) {
                        Ok(condition) => Some(condition),
                        Err(error) => {
                            self.report(
                                Rule::InvalidCondition,
                                branch_path.key("if"),
                                format!(
                                    "at character {} of the condition: {}",
                                    error.at, error.message
                                ),
                            )
                            .help = Some(format!(
                                "a condition compares a variable with a value (`total >= 100`, `tier == gold`, `name is set`), joined by `and`, `or`, `not` and parentheses; at most {MAX_CONDITION_LENGTH} characters and {MAX_CONDITION_DEPTH} levels deep"
                            ));
                            None
                        }
                    };
                    match condition.zip(target) {
                        Some(branch) => built.push(branch),
                        None => ok = false,
                    }
                }
                (None, None, Some(to)) if last => {
                    otherwise = self.resolve(to, branch_path.key("else"));
                    ok &= otherwise.is_some();
                }
                (None, None, Some(_)) => {
                    self.report(
                        Rule::InvalidCondition,
                        branch_path.key("else"),
                        "`else` is the last branch: branches after it would never be taken",
                    )
                    .help = Some("move it to the end of `when:`".into());
                    ok = false;
                }
                _ => {
                    self.report(
                        Rule::InvalidCondition,
                        branch_path,
                        "a branch is `{if: CONDITION, goto: NODE}` or, last, `{else: NODE}`",
                    )
                    .help = Some(shape_help.into());
                    ok = false;
                }
            }
        }
        let has_else = branches
            .last()
            .is_some_and(|branch| branch.otherwise.is_some());
        if !has_else {
            self.report(
                Rule::InvalidCondition,
                when_path,
                "a `when` node needs a last branch `{else: NODE}`: where the bot goes when no condition holds",
            )
            .help = Some(shape_help.into());
            return None;
        }
        if !ok {
            return None;
        }
        Some(NodeKind::When(When {
            branches: built,
            otherwise: otherwise?,
        }))
    }
}
