//! Who talks to the bot. Personas react only to what a customer sees —
//! message text, button and list titles — never to node ids, so the same file
//! can later be replayed against a live bot.
//!
//! ```yaml
//! personas:
//!   - name: returning-buyer
//!     segment: returning
//!     goals:
//!       - want: track my order
//!         weight: 0.7
//!         taps: ["Track order"]
//!         says: "where is my order"
//!         answers: {"order number": "A{digits:6}"}
//!     behaviour:
//!       read: {lognormal: {median: 20s, p90: 4m}}
//!       think: {lognormal: {median: 4s, p90: 20s}}
//!       reading_wpm: 240
//!       typing_wpm: 36
//!       types_instead_of_tapping: 0.15
//!       typo_rate: 0.03
//!       patience: {bot: {exponential: {mean: 3m}}, queue: {exponential: {mean: 4m}}}
//!       leaves_after_fallbacks: 2
//!       drop_per_turn: 0.02
//! ```

use indexmap::IndexMap;
use serde::Deserialize;

use super::{Distribution, Probability, Problem};
use crate::rule::Rule;
use crate::source::KeyPath;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonaFileSpec {
    pub personas: Vec<PersonaSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonaSpec {
    pub name: String,
    #[serde(default)]
    pub segment: Option<String>,
    pub goals: Vec<GoalSpec>,
    #[serde(default)]
    pub behaviour: Behaviour,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalSpec {
    pub want: String,
    #[serde(default = "one")]
    pub weight: f64,
    #[serde(default)]
    pub taps: Vec<String>,
    #[serde(default)]
    pub says: Option<String>,
    #[serde(default)]
    pub answers: IndexMap<String, Template>,
    /// This customer looks, on purpose, for what the bot does not offer;
    /// lint does not flag the goal's taps or reachability (rules P01, P02).
    #[serde(default)]
    pub off_script: bool,
}

fn one() -> f64 {
    1.0
}

/// How a customer reads, types and gives up. Every field is optional, and an
/// omitted behaviour is simply not simulated: no delay, no typos, endless
/// patience. That keeps small test personas small and explicit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    /// Time until the customer looks at a new bot message.
    pub read: Option<Distribution>,
    /// Time to decide what to do once the message is read.
    pub think: Option<Distribution>,
    /// Reading speed for the bot's text, in words per minute.
    pub reading_wpm: Option<f64>,
    /// Typing speed for free text, in words per minute (taps take no typing).
    pub typing_wpm: Option<f64>,
    #[serde(default)]
    pub types_instead_of_tapping: Probability,
    /// Chance that a typed message carries one typo.
    #[serde(default)]
    pub typo_rate: Probability,
    #[serde(default)]
    pub patience: Patience,
    /// Leave on the n-th message the bot does not understand.
    pub leaves_after_fallbacks: Option<u32>,
    /// Chance of silently leaving at each turn.
    #[serde(default)]
    pub drop_per_turn: Probability,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patience {
    /// The longest wait for a bot reply before leaving; endless when omitted.
    pub bot: Option<Distribution>,
    /// The longest wait in an agent queue before leaving; endless when omitted.
    pub queue: Option<Distribution>,
}

/// A reply pattern such as `A{digits:6}`: literal text with generated parts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub struct Template(pub Vec<TemplatePart>);

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Text(String),
    /// `{digits:N}`: N random digits.
    Digits(usize),
    /// `{letters:N}`: N random capital letters.
    Letters(usize),
}

impl TryFrom<String> for Template {
    type Error = String;
    fn try_from(source: String) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = source.as_str();
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(TemplatePart::Text(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("`{source}` opens `{{` without closing it"))?;
            let inside = &rest[open + 1..open + close];
            let (kind, count) = inside.split_once(':').unwrap_or((inside, ""));
            let count: usize = count
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=64).contains(n))
                .ok_or_else(|| {
                    format!("`{{{inside}}}` needs a count from 1 to 64, like `{{digits:6}}`")
                })?;
            parts.push(match kind.trim() {
                "digits" => TemplatePart::Digits(count),
                "letters" => TemplatePart::Letters(count),
                other => {
                    return Err(format!(
                        "unknown placeholder `{{{other}:...}}`; use `{{digits:N}}` or `{{letters:N}}`"
                    ));
                }
            });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Text(rest.to_string()));
        }
        Ok(Template(parts))
    }
}

// ---------------------------------------------------------------------------
// The validated form

#[derive(Debug, Clone)]
pub struct Persona {
    pub name: String,
    pub segment: Option<String>,
    /// Goals with their cumulative share of the total weight (the last is 1).
    pub goals: Vec<(f64, Goal)>,
    pub behaviour: Behaviour,
}

#[derive(Debug, Clone)]
pub struct Goal {
    pub want: String,
    /// Titles the customer looks for, in order of preference.
    pub taps: Vec<String>,
    /// What the customer types when typing instead of tapping.
    pub says: Option<String>,
    /// Replies to questions: the key is matched (case-insensitively) inside
    /// the bot's text, the first match wins.
    pub answers: Vec<(String, Template)>,
    /// Deliberately off the flow's script (see [`GoalSpec::off_script`]).
    pub off_script: bool,
}

impl Persona {
    /// Validates one persona found at `path` (such as `personas[0]`), adding
    /// its problems to `problems`; `None` if any of them is an error.
    pub fn check(
        spec: PersonaSpec,
        path: &KeyPath,
        problems: &mut Vec<Problem>,
    ) -> Option<Persona> {
        let before = problems.len();
        let mut report =
            |path: KeyPath, message: String| {
                problems.push(Problem::new(Rule::InvalidPersona, path, message).with_help(
                    "see the persona format in the README: goals, weights and behaviour",
                ))
            };
        if spec.goals.is_empty() {
            report(
                path.key("goals"),
                format!(
                    "persona `{}` has no goals; give it at least one: what the customer came for",
                    spec.name
                ),
            );
        }
        for (i, goal) in spec.goals.iter().enumerate() {
            if !(goal.weight.is_finite() && goal.weight >= 0.0) {
                report(
                    path.key("goals").index(i).key("weight"),
                    format!("a goal weight must be 0 or more, got {}", goal.weight),
                );
            }
            if goal.taps.is_empty() && goal.says.is_none() && goal.answers.is_empty() {
                report(
                    path.key("goals").index(i),
                    format!(
                        "goal `{}` gives the customer nothing to tap, say or answer",
                        goal.want
                    ),
                );
            }
        }
        let total: f64 = spec.goals.iter().map(|goal| goal.weight).sum();
        if !spec.goals.is_empty() && total <= 0.0 {
            report(path.key("goals"), "goal weights are all 0".to_string());
        }
        for (key, speed) in [
            ("reading_wpm", spec.behaviour.reading_wpm),
            ("typing_wpm", spec.behaviour.typing_wpm),
        ] {
            if let Some(wpm) = speed.filter(|wpm| !(wpm.is_finite() && *wpm > 0.0)) {
                report(
                    path.key("behaviour").key(key),
                    format!("a speed in words per minute must be above 0, got {wpm}"),
                );
            }
        }
        if spec.behaviour.leaves_after_fallbacks == Some(0) {
            report(
                path.key("behaviour").key("leaves_after_fallbacks"),
                "must be 1 or more: the customer leaves on the n-th message the bot does not understand".to_string(),
            );
        }
        if problems.len() > before {
            return None;
        }
        let mut cumulative = 0.0;
        let mut goals: Vec<(f64, Goal)> = spec
            .goals
            .into_iter()
            .map(|goal| {
                cumulative += goal.weight / total;
                let answers = goal
                    .answers
                    .into_iter()
                    .map(|(key, template)| (key.to_lowercase(), template))
                    .collect();
                let goal = Goal {
                    want: goal.want,
                    taps: goal.taps,
                    says: goal.says,
                    answers,
                    off_script: goal.off_script,
                };
                (cumulative, goal)
            })
            .collect();
        if let Some(last) = goals.last_mut() {
            last.0 = 1.0;
        }
        Some(Persona {
            name: spec.name,
            segment: spec.segment,
            goals,
            behaviour: spec.behaviour,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_text_and_placeholders() {
        let template = Template::try_from("A{digits:6}-{letters:2}".to_string()).unwrap();
        assert_eq!(
            template.0,
            vec![
                TemplatePart::Text("A".into()),
                TemplatePart::Digits(6),
                TemplatePart::Text("-".into()),
                TemplatePart::Letters(2),
            ]
        );
        assert!(Template::try_from("{digits}".to_string()).is_err());
        assert!(Template::try_from("{emoji:2}".to_string()).is_err());
        assert!(Template::try_from("A{digits:6".to_string()).is_err());
    }
}
