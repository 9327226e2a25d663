//! A scenario: which flow, which personas in which mix, how much traffic, how
//! many agents, and what the results must be.
//!
//! ```yaml
//! scenario: peak-hour
//! flow: flow.yaml                 # relative to this file
//! personas: [personas.yaml]
//! mix: {returning-buyer: 0.6, new-lead: 0.4}
//! seed: 42
//! duration: 1h                    # what one replication simulates: an hour of traffic
//! replications: 20                # twenty such hours (default 10)
//! warm_up: 30m                    # traffic before counting starts, to load the queues
//! max_turns: 40
//! arrivals: {poisson: {per_hour: 600}}
//! agents:
//!   support: {count: 6, handle_time: {lognormal: {median: 5m, p90: 12m}}}
//! expect:
//!   self_resolution: ">= 0.55"
//! snapshot: false                 # gate on `expect:` alone, no approved report
//! live:                           # `rehearse live` only; `run` ignores it
//!   handoff_when: ["connecting you to an agent"]
//!   fallback_when: ["sorry, i didn't get that"]
//!   queue: support                # the pool handoffs go to (default: the only one)
//!   quiet: 1s                     # a text with nothing after it this long ends the bot's turn
//! ```

use std::cell::OnceCell;
use std::collections::HashMap;

use indexmap::IndexMap;
use serde::Deserialize;

use super::calendar::{Schedule, WEEK, WeekTime};
use super::expectation::Expectation;
use super::flow::{Flow, NodeKind, QueueId};
use super::persona::Persona;
use super::weighted::Weighted;
use super::{Distribution, Millis};
use crate::diagnostic::{Problem, Rule};
use crate::source::KeyPath;
use crate::text::{Suggestions, did_you_mean, list};

/// A conversation that reaches this many customer turns ends as unresolved,
/// so a flow that loops forever cannot hang a run.
pub const DEFAULT_MAX_TURNS: u32 = 50;

/// The most turns a conversation may take: a customer caught in a loop
/// must not keep a run busy for billions of turns.
pub const MAX_TURNS: u32 = 1_000;

/// Replications run when a scenario does not say: enough for a 95%
/// interval with 9 degrees of freedom, few enough to stay quick.
pub const DEFAULT_REPLICATIONS: u32 = 10;

/// At most this many replications: the random streams give each
/// replication its own 20-bit number (see `sim::rng`).
pub const MAX_REPLICATIONS: u32 = 1 << 20;

/// The longest `duration` and `warm_up`: a year of simulated traffic.
pub const MAX_DURATION: Millis = Millis(366 * 24 * 3_600_000);

/// The highest arrival rate: ten million customers an hour (about 2,800 a
/// second), far beyond any WhatsApp number's throughput limit.
pub const MAX_ARRIVALS_PER_HOUR: f64 = 1e7;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioSpec {
    pub scenario: String,
    pub flow: String,
    pub personas: Vec<String>,
    /// Share of conversations per persona; equal shares when omitted.
    #[serde(default)]
    pub mix: IndexMap<String, f64>,
    #[serde(default)]
    pub seed: u64,
    /// How much traffic one replication simulates.
    #[serde(default)]
    pub duration: Option<Millis>,
    #[serde(default)]
    pub warm_up: Option<Millis>,
    #[serde(default)]
    pub replications: Option<u32>,
    /// When counting starts, in the scenario's week: `Mon 08:00`.
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default = "default_max_turns")]
    pub max_turns: u32,
    pub arrivals: ArrivalsSpec,
    #[serde(default)]
    pub agents: IndexMap<String, AgentSpec>,
    #[serde(default)]
    pub expect: IndexMap<String, String>,
    /// Whether `rehearse check` compares the report with an approved one.
    #[serde(default = "yes")]
    pub snapshot: bool,
    /// Earlier versions took the total number of conversations; it is read
    /// only to say what to write instead.
    #[serde(default)]
    pub conversations: Option<f64>,
    /// How `rehearse live` reads a real bot's messages; `run` ignores it.
    #[serde(default)]
    pub live: Option<LiveSpec>,
    #[serde(default)]
    pub audience: Option<super::outreach::AudienceSpec>,
    #[serde(default)]
    pub campaigns: Vec<super::outreach::CampaignSpec>,
    #[serde(default)]
    pub pricing: Option<super::outreach::PricingSpec>,
}

/// The `live:` block as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LiveSpec {
    /// Text in a bot message that hands the customer to a person.
    #[serde(default)]
    pub handoff_when: Vec<String>,
    /// The agent pool handoffs go to.
    #[serde(default)]
    pub queue: Option<String>,
    /// Text in a bot message that shows it did not understand the customer.
    #[serde(default)]
    pub fallback_when: Vec<String>,
    /// How long a text message with nothing after it ends the bot's turn.
    #[serde(default)]
    pub quiet: Option<Millis>,
}

/// How long a bot's text message must stand alone, in real time, before the
/// customer takes it as the bot's whole turn (a question to answer), unless
/// a scenario's `live.quiet` says otherwise.
pub const DEFAULT_QUIET: Millis = Millis(1_000);

/// The longest `live.quiet`.
pub const MAX_QUIET: Millis = Millis(60_000);

/// How `rehearse live` reads a real bot: which messages hand the customer
/// over, which show a misunderstanding, and when the bot's turn is over.
/// `run` ignores all of it: there the flow says so.
#[derive(Debug, Clone, Default)]
pub(crate) struct LiveSettings {
    /// A bot message with one of these phrases hands the customer over.
    pub handoff_when: crate::model::phrases::Phrases,
    /// The pool such a handoff joins; `None` without `handoff_when`.
    pub handoff_pool: Option<PoolId>,
    /// A bot message with one of these phrases did not understand the
    /// customer's last message.
    pub fallback_when: crate::model::phrases::Phrases,
    /// Real time after a lone text message that ends the bot's turn.
    pub quiet: Millis,
}

fn yes() -> bool {
    true
}

fn default_max_turns() -> u32 {
    DEFAULT_MAX_TURNS
}

/// How customers arrive: exactly one of a constant rate or a profile over
/// the week.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArrivalsSpec {
    /// Customers arrive independently at a constant average rate.
    #[serde(default)]
    pub poisson: Option<Poisson>,
    /// Customers arrive independently at a rate that varies through the day
    /// or the week.
    #[serde(default)]
    pub profile: Option<ProfileSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Poisson {
    pub per_hour: f64,
}

/// `{per_hour: [24 values]}` (hour by hour, every day) or
/// `{periods: {"Mon-Fri 09:00-18:00": 120, ...}, otherwise: 10}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfileSpec {
    #[serde(default)]
    pub per_hour: Option<Vec<f64>>,
    #[serde(default)]
    pub periods: Option<IndexMap<String, f64>>,
    #[serde(default)]
    pub otherwise: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentSpec {
    /// Agents on shift all the time (or during `hours`).
    #[serde(default)]
    pub count: Option<u32>,
    /// Agents by period of the week, instead of `count`.
    #[serde(default)]
    pub shifts: Option<IndexMap<String, u32>>,
    /// When the `count` agents are on shift: `Mon-Fri 09:00-18:00`.
    #[serde(default)]
    pub hours: Option<String>,
    /// Chats one agent handles at once.
    #[serde(default)]
    pub concurrency: Option<u32>,
    /// How much longer each chat takes per other chat the agent holds.
    #[serde(default)]
    pub stretch: Option<f64>,
    /// Agents ask for a CSAT score after handling.
    #[serde(default)]
    pub survey: bool,
    /// How long an agent is busy with one conversation.
    pub handle_time: Distribution,
    /// From an agent taking the conversation to their first message.
    #[serde(default)]
    pub first_reply: Option<Distribution>,
}

/// How customers arrive.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arrivals {
    /// At a constant rate per hour.
    Constant(f64),
    /// At a rate per hour that varies through the week.
    Profile(Schedule<f64>),
}

/// The most chats one agent can hold at once.
pub const MAX_CONCURRENCY: u32 = 20;

/// Index of an agent pool in a scenario's pools.
pub(crate) type PoolId = usize;

/// A staffed agent queue.
#[derive(Debug, Clone)]
pub(crate) struct AgentPool {
    /// The queue's name, as flows hand off to it.
    pub name: String,
    /// How many agents are on shift, through the week.
    pub agents: Schedule<u32>,
    /// Chats one agent handles at once.
    pub concurrency: u32,
    /// A chat's handle time is multiplied by `1 + stretch × (k − 1)` when
    /// the agent holds `k` chats as they take it.
    pub stretch: f64,
    /// Agents ask for a CSAT score after handling.
    pub survey: bool,
    /// How long an agent is busy with one conversation.
    pub handle_time: Distribution,
    /// From an agent taking the conversation to their first message.
    pub first_reply: Distribution,
}

impl AgentPool {
    /// Whether any agent is on shift at `at`.
    pub fn open_at(&self, at: WeekTime) -> bool {
        *self.agents.at(at) > 0
    }
}

/// A scenario whose files are loaded and whose names all resolve.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Its name, as in `scenario:`.
    pub(crate) name: String,
    /// The seed of every random stream.
    pub(crate) seed: u64,
    /// How many replications run (see `RunOptions` to change it).
    pub(crate) replications: u32,
    /// The stretch of traffic one replication counts.
    pub(crate) duration: Millis,
    /// Traffic before counting starts.
    pub(crate) warm_up: Millis,
    /// Customer turns before a conversation ends unresolved.
    pub(crate) max_turns: u32,
    /// How customers arrive.
    pub(crate) arrivals: Arrivals,
    /// The moment of the week when a replication's clock starts (the
    /// warm-up before `starts_at`).
    pub(crate) clock_start: WeekTime,
    /// The bot.
    pub(crate) flow: Flow,
    /// Who talks to it, by mix share.
    pub(crate) personas: Weighted<Persona>,
    /// The staffed queues, in file order.
    pub(crate) pools: Vec<AgentPool>,
    /// For each queue of the flow, the pool that staffs it.
    pool_of_queue: Vec<PoolId>,
    /// What the results must be.
    pub(crate) expectations: Vec<Expectation>,
    /// Whether `rehearse check` compares the report with an approved one.
    pub(crate) snapshot: bool,
    /// How `rehearse live` reads a real bot (`live:`).
    pub(crate) live: LiveSettings,
    /// What the business sends customers first: audience, campaigns, prices.
    pub(crate) outreach: super::outreach::Outreach,
}

/// Shares may be written as 0.6/0.4 or as 0.333 three times; this much slack
/// covers rounding written by hand without hiding a forgotten persona.
const MIX_TOLERANCE: f64 = 0.005;

impl Scenario {
    /// Checks the scenario against its loaded flow and personas, adding its
    /// problems (located in the scenario file) to `problems`; `None` if any
    /// of them is an error.
    pub(crate) fn validate(
        spec: ScenarioSpec,
        flow: Flow,
        personas: Vec<Persona>,
        problems: &mut Vec<Problem>,
    ) -> Option<Scenario> {
        let before = problems.len();
        let root = KeyPath::root();
        let replications = spec.replications.unwrap_or(DEFAULT_REPLICATIONS);
        let arrivals = arrivals(&spec.arrivals, problems);
        let mut setting = |key: &str, message: String, help: String| {
            problems.push(
                Problem::new(
                    Rule::InvalidScenario,
                    root.key(key),
                    format!("`{key}` {message}"),
                )
                .with_help(help),
            )
        };
        let per_hour = match &arrivals {
            Some(Arrivals::Constant(per_hour)) => *per_hour,
            Some(Arrivals::Profile(profile)) => profile.values().copied().fold(0.0, f64::max),
            None => 1.0,
        };
        if let Some(total) = spec.conversations {
            let hours = total / f64::from(replications.max(1)) / per_hour.max(1e-9);
            setting(
                "conversations",
                "is no longer used: a replication is now a stretch of time, so that running more replications never changes what one simulates".into(),
                format!(
                    "write the length of one replication instead: at {per_hour} arrivals an hour, `duration: {}` gives about {} conversations in each of {replications} replications",
                    readable_hours(hours),
                    (total / f64::from(replications.max(1))).round()
                ),
            );
        } else if spec.duration.is_none() {
            setting(
                "duration",
                "is missing: how much traffic one replication simulates".into(),
                "write it like `duration: 1h` (one peak hour) or `duration: 1d`".into(),
            );
        }
        if spec.duration == Some(Millis::ZERO) {
            setting(
                "duration",
                "must be longer than 0".into(),
                "write it like `duration: 1h`".into(),
            );
        }
        for (key, value) in [("duration", spec.duration), ("warm_up", spec.warm_up)] {
            if value.is_some_and(|value| value > MAX_DURATION) {
                setting(
                    key,
                    "is longer than a year".into(),
                    "simulate shorter stretches, and more replications of them".into(),
                );
            }
        }
        if !(1..=MAX_REPLICATIONS).contains(&replications) {
            setting(
                "replications",
                format!("must be between 1 and {MAX_REPLICATIONS}"),
                "each replication is an independent run of `duration`; 10 to 50 give good intervals".into(),
            );
        }
        if !(1..=MAX_TURNS).contains(&spec.max_turns) {
            setting(
                "max_turns",
                format!("must be between 1 and {MAX_TURNS}"),
                "how many customer turns a conversation may take; a loop ends there".into(),
            );
        }
        let starts_at = match spec.starts_at.as_deref().map(WeekTime::parse) {
            None => Some(WeekTime::default()),
            Some(Ok(at)) => Some(at),
            Some(Err(message)) => {
                problems.push(
                    Problem::new(Rule::InvalidScenario, root.key("starts_at"), message)
                        .with_help("when counting starts, like `starts_at: \"Mon 08:00\"`"),
                );
                None
            }
        };

        // Personas only the audience has are kept too, with no share of the
        // customers who write in.
        let audience_only: Vec<&str> = spec
            .audience
            .iter()
            .flat_map(|audience| audience.mix.keys().map(String::as_str))
            .collect();
        let mixed = mix(&spec.mix, personas, &audience_only, &root, problems);
        let pools: Vec<Option<AgentPool>> = spec
            .agents
            .into_iter()
            .map(|(name, agent)| pool(name, agent, problems))
            .collect();
        let pools: Option<Vec<AgentPool>> = pools.into_iter().collect();
        let pool_of_queue = pools
            .as_ref()
            .and_then(|pools| staff(&flow, pools, problems));
        let live = live_settings(spec.live.unwrap_or_default(), pools.as_deref(), problems);

        let mut expectations = Vec::with_capacity(spec.expect.len());
        for (name, condition) in &spec.expect {
            match Expectation::parse(name, condition) {
                Ok(expectation) => expectations.push(expectation),
                Err(message) => problems.push(
                    Problem::new(Rule::InvalidExpectation, root.key("expect").key(name), message)
                        .with_help("write it like `self_resolution: \">= 0.55\"` or `response_time.bot.p95: \"<= 3s\"`"),
                ),
            }
        }

        let outreach = match (&mixed, &starts_at, spec.duration) {
            (Some(personas), Some(starts_at), Some(duration)) => super::outreach::OutreachSpec {
                audience: spec.audience.as_ref(),
                campaigns: &spec.campaigns,
                pricing: spec.pricing.as_ref(),
                starts_at: *starts_at,
                duration,
            }
            .validate(personas, &flow, problems),
            _ => None,
        };

        if problems.len() > before {
            return None;
        }
        let warm_up = spec.warm_up.unwrap_or(Millis::ZERO);
        let scenario = Scenario {
            name: spec.scenario,
            seed: spec.seed,
            replications,
            duration: spec.duration?,
            warm_up,
            max_turns: spec.max_turns,
            arrivals: arrivals?,
            clock_start: WeekTime((starts_at?.0 + WEEK - warm_up.0 % WEEK) % WEEK),
            flow,
            personas: mixed?,
            pools: pools?,
            pool_of_queue: pool_of_queue?,
            expectations,
            snapshot: spec.snapshot,
            live: live?,
            outreach: outreach?,
        };
        for (expectation, name) in scenario.expectations.iter().zip(spec.expect.keys()) {
            if let Err(message) = expectation.names_what_exists(&scenario) {
                problems.push(Problem::new(
                    Rule::InvalidExpectation,
                    root.key("expect").key(name),
                    message,
                ));
            }
        }
        (problems.len() == before).then_some(scenario)
    }

    /// The same scenario with another flow, for comparing two versions on
    /// the same customers. Fails when the flow hands off to a queue the
    /// scenario does not staff; the problems are located in the scenario.
    pub fn with_flow(&self, flow: Flow) -> Result<Scenario, Vec<Problem>> {
        let mut problems = Vec::new();
        let pool_of_queue = staff(&flow, &self.pools, &mut problems);
        match pool_of_queue {
            Some(pool_of_queue) if problems.is_empty() => Ok(Scenario {
                flow,
                pool_of_queue,
                ..self.clone()
            }),
            _ => Err(problems),
        }
    }

    /// The pool that staffs queue `queue` of the flow.
    pub(crate) fn pool_of(&self, queue: QueueId) -> PoolId {
        self.pool_of_queue[queue]
    }

    /// Its name, as in `scenario:`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The seed of every random stream.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How many replications a run has unless told otherwise.
    pub fn replications(&self) -> u32 {
        self.replications
    }

    /// The stretch of traffic one replication counts.
    pub fn duration(&self) -> Millis {
        self.duration
    }

    /// Customers expected in one replication (after the warm-up): the
    /// arrival rate integrated over `duration`.
    pub fn expected_arrivals(&self) -> f64 {
        self.arrivals_over(self.clock_start.plus(self.warm_up), self.duration)
    }

    /// Customers one replication simulates, warm-up included.
    pub fn simulated_arrivals(&self) -> f64 {
        self.arrivals_over(self.clock_start, self.warm_up + self.duration)
    }

    /// The arrival rate integrated over `length` from `from`.
    fn arrivals_over(&self, from: WeekTime, length: Millis) -> f64 {
        let hours = |ms: u64| ms as f64 / 3_600_000.0;
        match &self.arrivals {
            Arrivals::Constant(per_hour) => per_hour * hours(length.0),
            Arrivals::Profile(profile) => {
                let mut at = from;
                let mut left = length;
                let mut total = 0.0;
                while left > Millis::ZERO {
                    let step = profile.until_change(at).unwrap_or(left).min(left);
                    total += profile.at(at) * hours(step.0);
                    at = at.plus(step);
                    left = Millis(left.0 - step.0);
                }
                total
            }
        }
    }

    /// The traffic before `duration` that loads the queues but is not counted.
    pub fn warm_up(&self) -> Millis {
        self.warm_up
    }

    /// The bot.
    pub fn flow(&self) -> &Flow {
        &self.flow
    }

    /// What the results must be.
    pub fn expectations(&self) -> &[Expectation] {
        &self.expectations
    }

    /// Whether `rehearse check` compares the report with an approved
    /// snapshot; `snapshot: false` gates on the expectations alone.
    pub fn snapshot(&self) -> bool {
        self.snapshot
    }
}

/// Reads the arrival process, reporting what is wrong where it is written.
fn arrivals(spec: &ArrivalsSpec, problems: &mut Vec<Problem>) -> Option<Arrivals> {
    let root = KeyPath::root().key("arrivals");
    let before = problems.len();
    let mut rate = |path: KeyPath, per_hour: f64| {
        if !(per_hour.is_finite() && (0.0..=MAX_ARRIVALS_PER_HOUR).contains(&per_hour)) {
            problems.push(
                Problem::new(
                    Rule::InvalidScenario,
                    path,
                    format!("an arrival rate is from 0 to {MAX_ARRIVALS_PER_HOUR:e} an hour, got {per_hour}"),
                )
                .with_help("customers arriving per hour, like `per_hour: 600`"),
            );
        }
        per_hour
    };
    let arrivals = match (&spec.poisson, &spec.profile) {
        (Some(poisson), None) => {
            let per_hour = rate(root.key("poisson").key("per_hour"), poisson.per_hour);
            if per_hour == 0.0 {
                problems.push(Problem::new(
                    Rule::InvalidScenario,
                    root.key("poisson").key("per_hour"),
                    "the arrival rate must be above 0",
                ));
            }
            Arrivals::Constant(per_hour)
        }
        (None, Some(profile)) => {
            let path = root.key("profile");
            let schedule = match (&profile.per_hour, &profile.periods) {
                (Some(hourly), None) => {
                    if hourly.len() != 24 || profile.otherwise.is_some() {
                        problems.push(
                            Problem::new(
                                Rule::InvalidScenario,
                                path.key("per_hour"),
                                format!("`per_hour` gives 24 rates, one per hour of the day from 00:00; got {}", hourly.len()),
                            )
                            .with_help("for other shapes, use `periods:` with `otherwise:`"),
                        );
                        return None;
                    }
                    let periods: Vec<(String, f64)> = hourly
                        .iter()
                        .enumerate()
                        .map(|(hour, per_hour)| {
                            (
                                format!("{hour:02}:00-{:02}:00", hour + 1),
                                rate(path.key("per_hour").index(hour), *per_hour),
                            )
                        })
                        .collect();
                    Schedule::from_periods(&periods, 0.0)
                }
                (None, Some(periods)) => {
                    let periods: Vec<(String, f64)> = periods
                        .iter()
                        .map(|(period, per_hour)| {
                            (
                                period.clone(),
                                rate(path.key("periods").key(period), *per_hour),
                            )
                        })
                        .collect();
                    let otherwise = rate(path.key("otherwise"), profile.otherwise.unwrap_or(0.0));
                    Schedule::from_periods(&periods, otherwise)
                }
                _ => {
                    problems.push(Problem::new(
                        Rule::InvalidScenario,
                        path,
                        "a profile has `per_hour` (24 hourly rates) or `periods` (with `otherwise`), not both",
                    ));
                    return None;
                }
            };
            match schedule {
                Ok(schedule) if schedule.values().any(|rate| *rate > 0.0) => {
                    Arrivals::Profile(schedule)
                }
                Ok(_) => {
                    problems.push(Problem::new(
                        Rule::InvalidScenario,
                        path,
                        "every rate of the profile is 0: nobody would arrive",
                    ));
                    return None;
                }
                Err(message) => {
                    problems.push(Problem::new(Rule::InvalidScenario, path, message));
                    return None;
                }
            }
        }
        _ => {
            problems.push(
                Problem::new(
                    Rule::InvalidScenario,
                    root,
                    "arrivals are `poisson` (a constant rate) or `profile` (a rate through the week): one of them",
                )
                .with_help("like `arrivals: {poisson: {per_hour: 600}}`"),
            );
            return None;
        }
    };
    (problems.len() == before).then_some(arrivals)
}

/// Reads one agent pool, reporting what is wrong where it is written.
fn pool(name: String, spec: AgentSpec, problems: &mut Vec<Problem>) -> Option<AgentPool> {
    let path = KeyPath::root().key("agents").key(&name);
    let before = problems.len();
    let mut report = |key: &str, message: String, help: &str| {
        problems.push(Problem::new(Rule::InvalidScenario, path.key(key), message).with_help(help))
    };
    let agents = match (spec.count, &spec.shifts, &spec.hours) {
        (Some(count), None, None) => Ok(Schedule::constant(count)),
        (Some(count), None, Some(hours)) => Schedule::from_periods(&[(hours.clone(), count)], 0),
        (None, Some(shifts), None) => {
            let periods: Vec<(String, u32)> = shifts.iter().map(|(p, n)| (p.clone(), *n)).collect();
            Schedule::from_periods(&periods, 0)
        }
        (None, None, _) => Err(
            "a pool needs `count` (agents, optionally with `hours`) or `shifts` (agents by period)"
                .to_string(),
        ),
        _ => Err("`shifts` gives agents by period: it replaces `count` and `hours`".to_string()),
    };
    let agents = match agents {
        Ok(agents) => Some(agents),
        Err(message) => {
            let key = if spec.shifts.is_some() {
                "shifts"
            } else if spec.hours.is_some() {
                "hours"
            } else {
                "count"
            };
            report(
                key,
                message,
                "like `count: 6, hours: \"Mon-Fri 09:00-18:00\"`, or `shifts: {\"Mon-Fri 09:00-13:00\": 6}`",
            );
            None
        }
    };
    let concurrency = spec.concurrency.unwrap_or(1);
    if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
        report(
            "concurrency",
            format!(
                "chats one agent holds at once: from 1 to {MAX_CONCURRENCY}, got {concurrency}"
            ),
            "live-chat agents commonly hold 2 to 4",
        );
    }
    let stretch = spec.stretch.unwrap_or(0.0);
    if !(stretch.is_finite() && (0.0..=10.0).contains(&stretch)) {
        report(
            "stretch",
            format!(
                "the extra share of handle time per other chat held is from 0 to 10, got {stretch}"
            ),
            "0.25 makes each chat take 25% longer per other chat the agent holds",
        );
    }
    if problems.len() > before {
        return None;
    }
    Some(AgentPool {
        name,
        agents: agents?,
        concurrency,
        stretch,
        survey: spec.survey,
        handle_time: spec.handle_time,
        first_reply: spec
            .first_reply
            .unwrap_or_else(|| Distribution::fixed(Millis::ZERO)),
    })
}

/// Reads the `live:` block, reporting what is wrong where it is written.
/// `pools` is `None` when the agent pools have errors of their own.
fn live_settings(
    spec: LiveSpec,
    pools: Option<&[AgentPool]>,
    problems: &mut Vec<Problem>,
) -> Option<LiveSettings> {
    let root = KeyPath::root().key("live");
    let before = problems.len();
    let mut phrases =
        |key: &str, written: &[String], help: &str| match crate::model::persona::phrases_at(
            written,
            root.key(key),
            Rule::InvalidScenario,
            help,
        ) {
            Ok(phrases) => phrases,
            Err(problem) => {
                problems.push(problem);
                Default::default()
            }
        };
    let handoff_when = phrases(
        "handoff_when",
        &spec.handoff_when,
        "like `handoff_when: [\"connecting you to an agent\"]`: text in a bot message that hands the customer to a person",
    );
    let fallback_when = phrases(
        "fallback_when",
        &spec.fallback_when,
        "like `fallback_when: [\"sorry, i didn't get that\"]`: text in a bot message that shows it did not understand",
    );
    let quiet = spec.quiet.unwrap_or(DEFAULT_QUIET);
    if quiet == Millis::ZERO || quiet > MAX_QUIET {
        problems.push(
            Problem::new(
                Rule::InvalidScenario,
                root.key("quiet"),
                format!("`quiet` is from 1ms to {MAX_QUIET}, got {quiet}"),
            )
            .with_help("how long a text message with nothing after it ends the bot's turn, like `quiet: 1s`"),
        );
    }
    fn names(pools: &[AgentPool]) -> Vec<&str> {
        pools.iter().map(|pool| pool.name.as_str()).collect()
    }
    let handoff_pool = match (pools, &spec.queue) {
        // The pools' own problems are reported where they are written.
        (None, _) => None,
        (Some(pools), Some(queue)) => match pools.iter().position(|pool| &pool.name == queue) {
            Some(pool) => Some(pool),
            None => {
                let known = names(pools);
                problems.push(
                    Problem::new(
                        Rule::InvalidScenario,
                        root.key("queue"),
                        format!(
                            "no agent pool is called `{queue}`{}",
                            did_you_mean(queue, known.iter().copied())
                        ),
                    )
                    .with_help(if known.is_empty() {
                        "add the pool under `agents:`".to_string()
                    } else {
                        format!("the scenario staffs {}", list(known.iter().copied()))
                    }),
                );
                None
            }
        },
        (Some(_), None) if handoff_when.is_empty() => None,
        (Some([_]), None) => Some(0),
        (Some([]), None) => {
            problems.push(
                Problem::new(
                    Rule::InvalidScenario,
                    root.key("handoff_when"),
                    "a handoff needs agents to hand off to, and the scenario staffs none",
                )
                .with_help("add a pool under `agents:`, like `support: {count: 4, handle_time: {exponential: {mean: 6m}}}`"),
            );
            None
        }
        (Some(pools), None) => {
            let known = names(pools);
            problems.push(
                Problem::new(
                    Rule::InvalidScenario,
                    root.clone(),
                    format!(
                        "the scenario staffs {} pools: say which one handoffs join",
                        pools.len()
                    ),
                )
                .with_help(format!(
                    "add `queue: {}` (the scenario staffs {})",
                    known[0],
                    list(known.iter().copied())
                )),
            );
            None
        }
    };
    (problems.len() == before).then_some(LiveSettings {
        handoff_when,
        handoff_pool,
        fallback_when,
        quiet,
    })
}

/// `1h`, `90m`, `2.5h`: a duration for a help message.
fn readable_hours(hours: f64) -> String {
    if hours >= 1.0 && (hours - hours.round()).abs() < 0.05 {
        format!("{}h", hours.round())
    } else {
        format!("{}m", (hours * 60.0).round().max(1.0))
    }
}

/// Finds the pool of every queue the flow hands off to, by name. A queue no
/// pool staffs is a problem, located at the near-miss pool name when there
/// is one (most likely a typo there).
fn staff(flow: &Flow, pools: &[AgentPool], problems: &mut Vec<Problem>) -> Option<Vec<PoolId>> {
    let root = KeyPath::root();
    let mut pool_of_queue = Vec::with_capacity(flow.queues.len());
    let by_name: HashMap<&str, usize> = pools
        .iter()
        .enumerate()
        .map(|(index, pool)| (pool.name.as_str(), index))
        .collect();
    let suggestions = OnceCell::new();
    // The first node that hands off to each queue, for messages.
    let first_handoff = OnceCell::new();
    for (queue_id, queue) in flow.queues.iter().enumerate() {
        match by_name.get(queue.as_str()).copied() {
            Some(pool) => pool_of_queue.push(pool),
            None => {
                let node = first_handoff.get_or_init(|| {
                    let mut first = vec!["?"; flow.queues.len()];
                    for node in flow.nodes.iter().rev() {
                        if let NodeKind::Handoff(handoff) = &node.kind {
                            first[handoff.queue] = node.id.as_str();
                        }
                    }
                    first
                })[queue_id];
                let near_miss = suggestions
                    .get_or_init(|| Suggestions::new(pools.iter().map(|pool| pool.name.as_str())))
                    .closest(queue);
                problems.push(match near_miss {
                    Some(staffed) => Problem::new(
                        Rule::UnstaffedQueue,
                        root.key("agents").key(staffed),
                        format!("node `{node}` of the flow hands off to queue `{queue}`, but the agents are staffed under `{staffed}`"),
                    )
                    .with_help(format!("rename `{staffed}` to `{queue}` (or fix the name in the flow)")),
                    None => Problem::new(
                        Rule::UnstaffedQueue,
                        root.key("agents"),
                        format!("node `{node}` of the flow hands off to queue `{queue}`, but no agents are staffed for it"),
                    )
                    .with_help(format!("add `{queue}: {{count: N, handle_time: ...}}` under `agents:`")),
                });
            }
        }
    }
    (pool_of_queue.len() == flow.queues.len()).then_some(pool_of_queue)
}

/// Orders the personas as the mix names them, weighted by their shares.
/// Without a mix, every persona gets an equal share.
fn mix(
    shares: &IndexMap<String, f64>,
    personas: Vec<Persona>,
    audience_only: &[&str],
    root: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Option<Weighted<Persona>> {
    if shares.is_empty() {
        if personas.is_empty() {
            problems.push(Problem::new(
                Rule::InvalidScenario,
                root.key("personas"),
                "the persona files define no personas, so there is nobody to simulate",
            ));
            return None;
        }
        return Weighted::equal(personas).ok();
    }
    let names: Vec<String> = personas
        .iter()
        .map(|persona| persona.name.clone())
        .collect();
    // Looked up by name, and suggested from, once for every mix entry: a
    // mix of thousands of personas must not be quadratic.
    let by_name: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(index, name)| (name.as_str(), index))
        .collect();
    let suggestions = OnceCell::new();
    let defined = OnceCell::new();
    let mut personas: Vec<Option<Persona>> = personas.into_iter().map(Some).collect();
    let before = problems.len();
    let mut chosen = Vec::with_capacity(shares.len());
    let mut total = 0.0;
    for (name, share) in shares {
        let path = root.key("mix").key(name);
        if !(0.0..=1.0).contains(share) {
            problems.push(
                Problem::new(
                    Rule::ShareRange,
                    path.clone(),
                    format!("a share is a probability between 0 and 1, got {share}"),
                )
                .with_help("write each share as the fraction of conversations, like 0.25"),
            );
        }
        total += share;
        match by_name
            .get(name.as_str())
            .and_then(|index| personas[*index].take())
        {
            Some(persona) => chosen.push((*share, persona)),
            None => problems.push(
                Problem::new(
                    Rule::UnknownPersona,
                    path,
                    format!(
                        "no persona is called `{name}`{}",
                        suggestions
                            .get_or_init(|| Suggestions::new(names.iter().map(String::as_str)))
                            .did_you_mean(name)
                    ),
                )
                .with_help(format!(
                    "the persona files define {}",
                    defined.get_or_init(|| list(names.iter().map(String::as_str)))
                )),
            ),
        }
    }
    if (total - 1.0).abs() > MIX_TOLERANCE {
        problems.push(
            Problem::new(
                Rule::MixSum,
                root.key("mix"),
                format!("the shares add up to {total}, not 1"),
            )
            .with_help("each share is the fraction of conversations from that persona"),
        );
    }
    if problems.len() > before {
        return None;
    }
    for name in audience_only {
        if let Some(persona) = by_name.get(name).and_then(|index| personas[*index].take()) {
            chosen.push((0.0, persona));
        }
    }
    match Weighted::new(chosen) {
        Ok(weighted) => Some(weighted),
        Err(error) => {
            problems.push(Problem::new(Rule::MixSum, root.key("mix"), error));
            None
        }
    }
}
