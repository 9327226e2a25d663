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
//!         done_when: ["arrives tomorrow"]   # rehearse live only: text that says it is done
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
//!       sends: {audio: 0.05, image: 0.02}   # media instead of an answer, per prompt
//! ```

use indexmap::IndexMap;
use serde::Deserialize;

use super::calendar::Schedule;
use super::flow::{Title, normalize};
use super::media::Sends;
use super::phrases::{MAX_PHRASES, Phrases};
use super::weighted::Weighted;
use super::{Distribution, Probability};
use crate::diagnostic::{Problem, Rule};
use crate::source::KeyPath;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PersonaFileSpec {
    pub personas: Vec<PersonaSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PersonaSpec {
    pub name: String,
    #[serde(default)]
    pub segment: Option<String>,
    pub goals: Vec<GoalSpec>,
    #[serde(default)]
    pub behaviour: BehaviourSpec,
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
    #[serde(default)]
    pub survey_response: Probability,
    /// How they treat messages the business sends first.
    #[serde(default)]
    pub engagement: Option<EngagementSpec>,
    /// Whether and when they come back for another conversation.
    #[serde(default)]
    pub returns: Option<Returns>,
}

/// How a customer treats messages the business sends first, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EngagementSpec {
    #[serde(default)]
    pub read_receipts_off: Probability,
    pub reads: Probability,
    #[serde(default)]
    pub read_delay: Option<Distribution>,
    #[serde(default)]
    pub active_hours: Option<String>,
    #[serde(default)]
    pub replies: Probability,
    #[serde(default)]
    pub comes_back: Probability,
    #[serde(default)]
    pub opts_out: Probability,
}

/// How a customer treats messages the business sends first (a campaign's
/// template, a follow-up): whether and when they read one, answer it or opt
/// out of marketing.
#[derive(Debug, Clone, PartialEq)]
pub struct Engagement {
    /// The share of these customers with read receipts off: their reads
    /// happen, but the business never sees them (no "read" status).
    pub read_receipts_off: Probability,
    /// The chance they read a message at all.
    pub reads: Probability,
    /// From delivery (or from the start of their active hours) until they
    /// read it; at once when omitted.
    pub read_delay: Option<Distribution>,
    /// When they look at WhatsApp; a message that arrives outside these
    /// hours waits until they start. `None`: at any hour.
    pub active_hours: Option<Schedule<bool>>,
    /// Having read a campaign's message, the chance they answer it.
    pub replies: Probability,
    /// Having read a follow-up after going silent, the chance they answer.
    pub comes_back: Probability,
    /// Having read a marketing message, the chance they opt out of marketing.
    pub opts_out: Probability,
}

/// Whether a customer comes back for another conversation, and when:
/// with a chance that depends on how the last one went.
///
/// `chance = (resolved or unresolved) + per_csat_point·(score − 3)`, the
/// last term only when they gave a CSAT score; clamped to [0, 1].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Returns {
    /// From the end of a conversation to the start of the next.
    pub after: Distribution,
    /// The chance after a resolved conversation (by the bot or an agent).
    pub resolved: Probability,
    /// The chance after an abandoned or unresolved one.
    pub unresolved: Probability,
    /// Added per CSAT point above 3 (taken away below), when they gave one.
    #[serde(default)]
    pub per_csat_point: f64,
}

impl Returns {
    /// The chance of another conversation after one that ended with
    /// `outcome`, with CSAT `score` if they gave one.
    pub fn chance(&self, outcome: crate::metric::Outcome, score: Option<u8>) -> f64 {
        let base = if outcome.is_resolved() {
            self.resolved.get()
        } else {
            self.unresolved.get()
        };
        let csat = score.map_or(0.0, |score| self.per_csat_point * (f64::from(score) - 3.0));
        (base + csat).clamp(0.0, 1.0)
    }
}

/// How satisfied a customer is, on the 1-to-5 CSAT scale, from what
/// happened in the conversation:
///
/// `score = base + per_fallback·fallbacks + per_minute_waiting·minutes
///  + handoff·[handed off] + unresolved·[not resolved] + noise·N(0, 1)`,
///
/// rounded to the nearest whole score and clamped to 1–5, as a customer
/// taps one. Minutes waiting count the waits for bot replies and in the
/// agent queue.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Satisfaction {
    /// The score of a conversation where nothing went wrong.
    pub base: f64,
    /// Added per message the bot did not understand.
    #[serde(default)]
    pub per_fallback: f64,
    /// Added per minute spent waiting for a reply.
    #[serde(default)]
    pub per_minute_waiting: f64,
    /// Added when the conversation was handed to an agent.
    #[serde(default)]
    pub handoff: f64,
    /// Added when the customer's problem was not resolved.
    #[serde(default)]
    pub unresolved: f64,
    /// The standard deviation of the customer-to-customer spread.
    #[serde(default)]
    pub noise: f64,
}

/// What a customer went through, for their satisfaction.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Experience {
    /// Messages the bot did not understand.
    pub fallbacks: u32,
    /// Time spent waiting for replies (bot and queue).
    pub waited: super::Millis,
    /// Whether an agent took over.
    pub handed_off: bool,
    /// Whether the problem was resolved.
    pub resolved: bool,
}

impl Satisfaction {
    /// The score of `experience`, with `normal` a standard normal draw.
    pub fn score(&self, experience: &Experience, normal: f64) -> u8 {
        let raw = self.base
            + self.per_fallback * f64::from(experience.fallbacks)
            + self.per_minute_waiting * experience.waited.as_secs_f64() / 60.0
            + if experience.handed_off {
                self.handoff
            } else {
                0.0
            }
            + if experience.resolved {
                0.0
            } else {
                self.unresolved
            }
            + self.noise * normal;
        raw.round().clamp(1.0, 5.0) as u8
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GoalSpec {
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
    /// Live mode: text in a bot message that tells the customer their goal
    /// is met (the conversation is resolved). Ignored by `run`.
    #[serde(default)]
    pub done_when: Vec<String>,
}

fn one() -> f64 {
    1.0
}

/// How a customer reads, types and gives up, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BehaviourSpec {
    pub read: Option<Distribution>,
    pub think: Option<Distribution>,
    pub reading_wpm: Option<f64>,
    pub typing_wpm: Option<f64>,
    #[serde(default)]
    pub types_instead_of_tapping: Probability,
    #[serde(default)]
    pub typo_rate: Probability,
    #[serde(default)]
    pub patience: PatienceSpec,
    pub leaves_after_fallbacks: Option<u32>,
    #[serde(default)]
    pub drop_per_turn: Probability,
    /// Chances per prompt of sending media instead of answering, by kind.
    #[serde(default)]
    pub sends: IndexMap<String, Probability>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatienceSpec {
    pub bot: Option<Distribution>,
    pub queue: Option<Distribution>,
}

/// How a customer reads, types and gives up. An omitted behaviour is simply
/// not simulated: no delay, no typos, endless patience. That keeps small
/// test personas small and explicit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Behaviour {
    /// Time until the customer looks at a new bot message.
    pub read: Option<Distribution>,
    /// Time to decide what to do once the message is read.
    pub think: Option<Distribution>,
    /// Reading speed for the bot's text, in words per minute.
    pub reading_wpm: Option<f64>,
    /// Typing speed for free text, in words per minute (taps take no typing).
    pub typing_wpm: Option<f64>,
    /// Chance of typing a title instead of tapping it.
    pub types_instead_of_tapping: Probability,
    /// Chance that a typed message carries one typo.
    pub typo_rate: Probability,
    /// The longest wait for a bot reply before leaving; endless when omitted.
    pub bot_patience: Option<Distribution>,
    /// The longest wait in an agent queue before leaving; endless when omitted.
    pub queue_patience: Option<Distribution>,
    /// Leave on the n-th message the bot does not understand.
    pub leaves_after_fallbacks: Option<u32>,
    /// Chance of silently leaving at each turn.
    pub drop_per_turn: Probability,
    /// Chances per prompt of sending an image, a voice note, a location, a
    /// sticker or a reaction instead of answering.
    pub sends: Sends,
}

/// The slowest reading or typing speed, in words per minute.
pub const MIN_WPM: f64 = 1.0;
/// The fastest reading or typing speed, in words per minute.
pub const MAX_WPM: f64 = 10_000.0;

/// The longest text a template may expand to, in characters: WhatsApp's
/// limit on a text message, so no customer could send a longer one. It
/// bounds the work of every answer a simulated customer types.
pub const MAX_TEMPLATE_CHARS: usize = 4096;

/// The most characters all the templates of one persona file may expand to
/// together: far more than any real file needs, and a bound on what lint
/// keeps in memory for them.
pub const MAX_TEMPLATE_CHARS_PER_FILE: usize = 1_000_000;

/// A reply pattern such as `A{digits:6}`: literal text with generated parts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub struct Template(pub Vec<TemplatePart>);

/// A piece of a [`Template`].
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// `{digits:N}`: N random digits.
    Digits(usize),
    /// `{letters:N}`: N random capital letters.
    Letters(usize),
}

impl Template {
    /// How many characters every expansion of this template has.
    pub fn expanded_chars(&self) -> usize {
        self.0
            .iter()
            .map(|part| match part {
                TemplatePart::Text(text) => text.chars().count(),
                TemplatePart::Digits(n) | TemplatePart::Letters(n) => *n,
            })
            .sum()
    }
}

impl TryFrom<String> for Template {
    type Error = String;
    fn try_from(source: String) -> Result<Self, String> {
        let shown = crate::source::cut(&source, 40);
        let mut parts = Vec::new();
        let mut expanded = 0usize;
        let mut rest = source.as_str();
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(TemplatePart::Text(rest[..open].to_string()));
                expanded += rest[..open].chars().count();
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("`{shown}` opens `{{` without closing it"))?;
            let inside = crate::source::cut(&rest[open + 1..open + close], 40);
            let (kind, count) = inside.split_once(':').unwrap_or((&inside, ""));
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
            expanded += count;
            // Checked as it grows, so a huge template stops early.
            if expanded > MAX_TEMPLATE_CHARS {
                break;
            }
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() && expanded <= MAX_TEMPLATE_CHARS {
            parts.push(TemplatePart::Text(rest.to_string()));
            expanded += rest.chars().count();
        }
        if expanded > MAX_TEMPLATE_CHARS {
            return Err(format!(
                "this answer expands to more than {MAX_TEMPLATE_CHARS} characters, the most a WhatsApp text message holds"
            ));
        }
        Ok(Template(parts))
    }
}

/// Checks a list of phrases (`done_when`, `handoff_when`, ...) written at
/// `path`: not too many, none empty or overlong. The problem is located at
/// the phrase at fault, or at the list.
pub(crate) fn phrases_at(
    phrases: &[String],
    path: KeyPath,
    rule: Rule,
    help: &str,
) -> Result<Phrases, Problem> {
    if phrases.len() > MAX_PHRASES {
        return Err(Problem::new(
            rule,
            path,
            format!(
                "{} phrases; at most {MAX_PHRASES} are matched",
                phrases.len()
            ),
        )
        .with_help(help.to_string()));
    }
    Phrases::new(phrases).map_err(|(index, error)| {
        Problem::new(rule, path.index(index), error.to_string()).with_help(help.to_string())
    })
}

// ---------------------------------------------------------------------------
// The validated form

/// One customer segment: what they come for and how they behave. Two
/// personas are equal when they would draw the same customers (what
/// `compare` checks before pairing two scenarios).
#[derive(Debug, Clone, PartialEq)]
pub struct Persona {
    /// Its name, as in the mix and the report.
    pub name: String,
    /// The segment the report groups it under, if any.
    pub segment: Option<String>,
    /// What they come for, by weight.
    pub goals: Weighted<Goal>,
    /// How they read, type and give up.
    pub behaviour: Behaviour,
    /// How satisfied they are, for CSAT surveys; without it they never
    /// answer one.
    pub satisfaction: Option<Satisfaction>,
    /// The chance they answer a CSAT survey.
    pub survey_response: Probability,
    /// How they treat messages the business sends first; without it they
    /// never read one.
    pub engagement: Option<Engagement>,
    /// Whether they come back for another conversation; without it, never.
    pub returns: Option<Returns>,
}

/// What one customer came for.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// A description, for messages.
    pub want: String,
    /// Titles the customer looks for, in order of preference.
    pub taps: Vec<Title>,
    /// What the customer types when typing instead of tapping.
    pub says: Option<Said>,
    /// Replies to questions: the key (lower-cased) is matched inside the
    /// bot's text, the first match wins.
    pub answers: Vec<(String, Template)>,
    /// Deliberately off the flow's script (lint rules P01 and P02 skip it).
    pub off_script: bool,
    /// Live mode: phrases in a bot message that tell the customer this goal
    /// is met. `run` ignores them: there, a flow's `end: resolved` says so.
    pub done_when: Phrases,
}

/// A phrase a customer types, with the key the bot matches it by.
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    /// As typed.
    pub text: String,
    /// [`normalize`]d.
    pub key: String,
}

impl Persona {
    /// Validates one persona found at `path` (such as `personas[0]`), adding
    /// its problems to `problems`; `None` if any of them is an error.
    pub(crate) fn validate(
        spec: PersonaSpec,
        path: &KeyPath,
        problems: &mut Vec<Problem>,
    ) -> Option<Persona> {
        let mut found = Vec::new();
        let invalid = |path: KeyPath, message: String| {
            Problem::new(Rule::InvalidPersona, path, message).with_help(
                "see the personas format in docs/src/personas.md: goals, weights and behaviour",
            )
        };
        if spec.goals.is_empty() {
            found.push(invalid(
                path.key("goals"),
                format!(
                    "persona `{}` has no goals; give it at least one: what the customer came for",
                    spec.name
                ),
            ));
        }
        for (i, goal) in spec.goals.iter().enumerate() {
            if !(goal.weight.is_finite() && goal.weight >= 0.0) {
                found.push(invalid(
                    path.key("goals").index(i).key("weight"),
                    format!("a goal weight must be 0 or more, got {}", goal.weight),
                ));
            }
            if let Err(problem) = phrases_at(
                &goal.done_when,
                path.key("goals").index(i).key("done_when"),
                Rule::InvalidPersona,
                "like `done_when: [\"arrives tomorrow\"]`: text in a bot message that tells the customer their goal is met",
            ) {
                found.push(problem);
            }
            if goal.taps.is_empty() && goal.says.is_none() && goal.answers.is_empty() {
                found.push(invalid(
                    path.key("goals").index(i),
                    format!(
                        "goal `{}` gives the customer nothing to tap, say or answer",
                        goal.want
                    ),
                ));
            }
        }
        for (key, speed) in [
            ("reading_wpm", spec.behaviour.reading_wpm),
            ("typing_wpm", spec.behaviour.typing_wpm),
        ] {
            // Below one word a minute, a message would take days to read or
            // type: a typo for a real speed, and a way to push clocks to
            // their limit.
            if let Some(wpm) = speed.filter(|wpm| !(MIN_WPM..=MAX_WPM).contains(wpm)) {
                found.push(invalid(
                    path.key("behaviour").key(key),
                    format!(
                        "a speed in words per minute must be between {MIN_WPM} and {MAX_WPM}, got {wpm}"
                    ),
                ));
            }
        }
        if let Some(satisfaction) = &spec.satisfaction {
            let parts = [
                ("base", satisfaction.base),
                ("per_fallback", satisfaction.per_fallback),
                ("per_minute_waiting", satisfaction.per_minute_waiting),
                ("handoff", satisfaction.handoff),
                ("unresolved", satisfaction.unresolved),
                ("noise", satisfaction.noise),
            ];
            for (key, value) in parts {
                if !value.is_finite() || value.abs() > 100.0 || (key == "noise" && value < 0.0) {
                    found.push(invalid(
                        path.key("satisfaction").key(key),
                        format!("`{key}` is a number of CSAT points, at most 100 either way (noise: 0 or more), got {value}"),
                    ));
                }
            }
        } else if spec.survey_response.get() > 0.0 {
            found.push(invalid(
                path.key("survey_response"),
                "a persona that answers surveys needs `satisfaction:`, which decides the score"
                    .to_string(),
            ));
        }
        if let Some(returns) = &spec.returns
            && !(returns.per_csat_point.is_finite() && returns.per_csat_point.abs() <= 1.0)
        {
            found.push(invalid(
                path.key("returns").key("per_csat_point"),
                format!(
                    "`per_csat_point` is a change of chance per CSAT point, between -1 and 1, got {}",
                    returns.per_csat_point
                ),
            ));
        }
        let active_hours = match spec
            .engagement
            .as_ref()
            .and_then(|engagement| engagement.active_hours.as_ref())
        {
            None => None,
            Some(hours) => match Schedule::from_periods(&[(hours.clone(), true)], false) {
                Ok(schedule) if schedule.values().any(|active| *active) => Some(schedule),
                Ok(_) => {
                    found.push(invalid(
                        path.key("engagement").key("active_hours"),
                        format!("`{hours}` covers no time at all: these customers would never read a message"),
                    ));
                    None
                }
                Err(message) => {
                    found.push(
                        Problem::new(
                            Rule::InvalidPersona,
                            path.key("engagement").key("active_hours"),
                            message,
                        )
                        .with_help("when they look at WhatsApp, like `active_hours: \"08:00-23:00\"` or `\"Mon-Fri 18:00-23:00\"`"),
                    );
                    None
                }
            },
        };
        let sends = match Sends::new(&spec.behaviour.sends) {
            Ok(sends) => sends,
            Err((key, message)) => {
                let at = path.key("behaviour").key("sends");
                found.push(
                    Problem::new(
                        Rule::InvalidPersona,
                        key.map_or(at.clone(), |key| at.key(&key)),
                        message,
                    )
                    .with_help("like `sends: {audio: 0.05, image: 0.02}`: the chance per prompt of sending each kind instead of answering (see docs/src/personas.md)"),
                );
                Sends::default()
            }
        };
        if spec.behaviour.leaves_after_fallbacks == Some(0) {
            found.push(invalid(
                path.key("behaviour").key("leaves_after_fallbacks"),
                "must be 1 or more: the customer leaves on the n-th message the bot does not understand".to_string(),
            ));
        }
        let goals = spec
            .goals
            .into_iter()
            .map(|goal| {
                let answers = goal
                    .answers
                    .into_iter()
                    .map(|(key, template)| (key.to_lowercase(), template))
                    .collect();
                let done_when = Phrases::new(&goal.done_when).unwrap_or_default();
                let goal_value = Goal {
                    done_when,
                    want: goal.want,
                    taps: goal.taps.iter().map(|tap| Title::new(tap)).collect(),
                    says: goal.says.map(|text| Said {
                        key: normalize(&text),
                        text,
                    }),
                    answers,
                    off_script: goal.off_script,
                };
                (goal.weight, goal_value)
            })
            .collect();
        let goals = Weighted::new(goals);
        if let Err(error) = &goals {
            // Empty goals and negative weights are reported above already.
            if found.is_empty() {
                found.push(invalid(path.key("goals"), format!("goal weights: {error}")));
            }
        }
        let valid = found.is_empty();
        problems.append(&mut found);
        if !valid {
            return None;
        }
        let behaviour = spec.behaviour;
        Some(Persona {
            name: spec.name,
            segment: spec.segment,
            goals: goals.ok()?,
            satisfaction: spec.satisfaction,
            survey_response: spec.survey_response,
            engagement: spec.engagement.map(|engagement| Engagement {
                read_receipts_off: engagement.read_receipts_off,
                reads: engagement.reads,
                read_delay: engagement.read_delay,
                active_hours,
                replies: engagement.replies,
                comes_back: engagement.comes_back,
                opts_out: engagement.opts_out,
            }),
            returns: spec.returns,
            behaviour: Behaviour {
                read: behaviour.read,
                think: behaviour.think,
                reading_wpm: behaviour.reading_wpm,
                typing_wpm: behaviour.typing_wpm,
                types_instead_of_tapping: behaviour.types_instead_of_tapping,
                typo_rate: behaviour.typo_rate,
                bot_patience: behaviour.patience.bot,
                queue_patience: behaviour.patience.queue,
                leaves_after_fallbacks: behaviour.leaves_after_fallbacks,
                drop_per_turn: behaviour.drop_per_turn,
                sends,
            },
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

    #[test]
    fn templates_expand_to_at_most_one_whatsapp_message() {
        let most = "{digits:64}".repeat(MAX_TEMPLATE_CHARS / 64);
        let template = Template::try_from(most.clone()).unwrap();
        assert_eq!(template.expanded_chars(), MAX_TEMPLATE_CHARS);
        let error = Template::try_from(format!("{most}x")).unwrap_err();
        assert!(error.contains("more than 4096 characters"), "{error}");
        let error = Template::try_from("{digits:64}".repeat(20_000)).unwrap_err();
        assert!(error.len() < 200, "{error}");
        assert!(Template::try_from("x".repeat(MAX_TEMPLATE_CHARS + 1)).is_err());
    }
}
