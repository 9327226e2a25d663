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
//!         says: ["where is my order", {text: "order status?", weight: 2}]
//!         answers: {"order number": "A{digits:6}"}
//!         replies: {"No, that's all": ["no thanks", "nope"]}
//!         done_when: ["arrives tomorrow"]   # rehearse live only: text that says it is done
//!     behaviour:
//!       read: {lognormal: {median: 20s, p90: 4m}}
//!       think: {lognormal: {median: 4s, p90: 20s}}
//!       reading_wpm: {latin: 240, arabic: 180, other: 200}   # or one number for every script
//!       typing_wpm: 36
//!       types_instead_of_tapping: 0.15
//!       typo_rate: 0.03
//!       off_script_rate: 0.02
//!       off_script_says: ["can I pay by card?", "hello??"]
//!       patience: {bot: {exponential: {mean: 3m}}, queue: {exponential: {mean: 4m}}}
//!       leaves_after_fallbacks: 2
//!       drop_per_turn: 0.02
//!       sends: {audio: 0.05, image: 0.02}   # media instead of an answer, per prompt
//! ```

use indexmap::IndexMap;
use serde::Deserialize;

pub use super::answer::{MAX_TEMPLATE_CHARS, MAX_TEMPLATE_CHARS_PER_FILE, Template, TemplatePart};
pub use super::bank::Said;
use super::bank::{Bank, BankSpec};
use super::calendar::Schedule;
use super::flow::Title;
use super::media::Sends;
use super::phrases::{MAX_PHRASES, Phrases, phrases_at};
use super::speed::{Speed, SpeedSpec};
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
    /// One phrasing, or a bank of them.
    #[serde(default)]
    pub says: Option<BankSpec>,
    #[serde(default)]
    pub answers: IndexMap<String, Template>,
    /// What the customer types when they mean an option (keyed by its
    /// title) or at a prompt (keyed by a phrase of its text).
    #[serde(default)]
    pub replies: IndexMap<String, BankSpec>,
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
    /// Words per minute, or a map of them by script.
    pub reading_wpm: Option<SpeedSpec>,
    pub typing_wpm: Option<SpeedSpec>,
    #[serde(default)]
    pub types_instead_of_tapping: Probability,
    #[serde(default)]
    pub typo_rate: Probability,
    #[serde(default)]
    pub off_script_rate: Probability,
    #[serde(default)]
    pub off_script_says: Option<BankSpec>,
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
#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    /// Time until the customer looks at a new bot message.
    pub read: Option<Distribution>,
    /// Time to decide what to do once the message is read.
    pub think: Option<Distribution>,
    /// Reading speed for the bot's text, in words per minute, one for every
    /// script or one per script.
    pub reading_wpm: Option<Speed>,
    /// Typing speed for free text, in words per minute (taps take no
    /// typing), one for every script or one per script.
    pub typing_wpm: Option<Speed>,
    /// Chance of typing a title instead of tapping it.
    pub types_instead_of_tapping: Probability,
    /// Chance that a typed message carries one typo.
    pub typo_rate: Probability,
    /// Chance, at each option or question prompt, of typing something
    /// unrelated to it instead of answering.
    pub off_script_rate: Probability,
    /// What they type then; [`default_off_script`] when not given.
    pub off_script_says: Bank,
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

impl Default for Behaviour {
    fn default() -> Behaviour {
        Behaviour {
            read: None,
            think: None,
            reading_wpm: None,
            typing_wpm: None,
            types_instead_of_tapping: Probability::ZERO,
            typo_rate: Probability::ZERO,
            off_script_rate: Probability::ZERO,
            off_script_says: default_off_script(),
            bot_patience: None,
            queue_patience: None,
            leaves_after_fallbacks: None,
            drop_per_turn: Probability::ZERO,
            sends: Sends::default(),
        }
    }
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
    /// What the customer types when no option they want is on offer, or
    /// at a question they have no answer for.
    pub says: Option<Bank>,
    /// Replies to questions: the key (text key) is matched inside the
    /// bot's text key, the first match wins.
    pub answers: Vec<(String, Template)>,
    /// What they type when they mean an option, or at a prompt, in the
    /// order written.
    pub replies: Vec<KeyedBank>,
    /// Deliberately off the flow's script (lint rules P01 and P02 skip it).
    pub off_script: bool,
    /// Live mode: phrases in a bot message that tell the customer this goal
    /// is met. `run` ignores them: there, a flow's `end: resolved` says so.
    pub done_when: Phrases,
}

/// A bank of `replies:`, with the key it was written under. The key names
/// an option when it is an option's title (compared as the bot compares
/// typed titles) and the customer means that option; otherwise it is a
/// phrase looked for in the prompt's text, as `answers` keys are.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedBank {
    /// As written.
    pub written: String,
    /// Its [`crate::model::flow::text_key`]: compared with option titles,
    /// and looked for in a prompt's text key.
    pub title: String,
    /// What they type.
    pub bank: Bank,
}

impl Goal {
    /// The reply bank for the option titled `key` (normalised), if any.
    pub fn reply_for_option(&self, key: &str) -> Option<&KeyedBank> {
        self.replies.iter().find(|reply| reply.title == key)
    }

    /// The first reply bank whose key is a phrase of `lower` (a prompt's
    /// text key), skipping keys that name an option on screen: those
    /// are typed only by a customer who means that option.
    pub fn reply_at_prompt(&self, lower: &str, options: &[Title]) -> Option<&KeyedBank> {
        self.replies.iter().find(|reply| {
            lower.contains(reply.title.as_str())
                && !options.iter().any(|option| option.key == reply.title)
        })
    }
}

/// What customers who go off script type when a persona does not say:
/// short messages that answer no prompt.
pub fn default_off_script() -> Bank {
    Bank::equal(&["?", "sorry, wrong chat", "hmm"]).expect("three phrasings")
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
            if goal.taps.is_empty()
                && goal.says.is_none()
                && goal.answers.is_empty()
                && goal.replies.is_empty()
            {
                found.push(invalid(
                    path.key("goals").index(i),
                    format!(
                        "goal `{}` gives the customer nothing to tap, say or answer",
                        goal.want
                    ),
                ));
            }
        }
        let mut speed = |key: &str, written: Option<&SpeedSpec>| {
            let written = written?;
            Speed::validate(written, &path.key("behaviour"), key)
                .map_err(|mut problems| found.append(&mut problems))
                .ok()
        };
        let reading_wpm = speed("reading_wpm", spec.behaviour.reading_wpm.as_ref());
        let typing_wpm = speed("typing_wpm", spec.behaviour.typing_wpm.as_ref());
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
        let bank = |spec: BankSpec, path: KeyPath, found: &mut Vec<Problem>| {
            Bank::validate(spec, &path)
                .map_err(|problem| found.push(problem))
                .ok()
        };
        let mut goals = Vec::with_capacity(spec.goals.len());
        for (i, goal) in spec.goals.into_iter().enumerate() {
            let goal_path = path.key("goals").index(i);
            let answers = goal
                .answers
                .into_iter()
                .map(|(key, template)| (crate::model::flow::text_key(&key), template))
                .collect();
            let done_when = Phrases::new(&goal.done_when).unwrap_or_default();
            let says = goal
                .says
                .and_then(|says| bank(says, goal_path.key("says"), &mut found));
            let mut replies = Vec::with_capacity(goal.replies.len().min(MAX_PHRASES));
            if goal.replies.len() > MAX_PHRASES {
                found.push(invalid(
                    goal_path.key("replies"),
                    format!(
                        "{} replies; a goal holds at most {MAX_PHRASES}",
                        goal.replies.len()
                    ),
                ));
            }
            for (key, spec) in goal.replies.into_iter().take(MAX_PHRASES) {
                let at = goal_path.key("replies").key(&key);
                let title = crate::model::flow::text_key(&key);
                if title.is_empty() {
                    found.push(invalid(
                        at,
                        "an empty key: name an option's title or a phrase of a prompt".to_string(),
                    ));
                    continue;
                }
                if let Some(bank) = bank(spec, at, &mut found) {
                    replies.push(KeyedBank {
                        written: key,
                        title,
                        bank,
                    });
                }
            }
            let goal_value = Goal {
                done_when,
                want: goal.want,
                taps: goal.taps.iter().map(|tap| Title::new(tap)).collect(),
                says,
                answers,
                replies,
                off_script: goal.off_script,
            };
            goals.push((goal.weight, goal_value));
        }
        let behaviour = spec.behaviour;
        let off_script_says = match behaviour.off_script_says {
            Some(says) => bank(
                says,
                path.key("behaviour").key("off_script_says"),
                &mut found,
            ),
            None => Some(default_off_script()),
        };
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
                reading_wpm,
                typing_wpm,
                types_instead_of_tapping: behaviour.types_instead_of_tapping,
                typo_rate: behaviour.typo_rate,
                off_script_rate: behaviour.off_script_rate,
                off_script_says: off_script_says?,
                bot_patience: behaviour.patience.bot,
                queue_patience: behaviour.patience.queue,
                leaves_after_fallbacks: behaviour.leaves_after_fallbacks,
                drop_per_turn: behaviour.drop_per_turn,
                sends,
            },
        })
    }
}
