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
//! compare:                        # `rehearse compare` only: what its headline judges
//!   primary: [self_resolution, abandonment, response_time.bot.p95]
//! live:                           # `rehearse live` only; `run` ignores it
//!   handoff_when: ["connecting you to an agent"]
//!   fallback_when: ["sorry, i didn't get that"]
//!   queue: support                # the pool handoffs go to (default: the only one)
//!   quiet: 1s                     # a text with nothing after it this long ends the bot's turn
//! ```

mod arrivals;
mod compare;
pub(crate) mod cost;
pub mod expectation;
mod live;
mod mix;
mod staffing;

use indexmap::IndexMap;
use serde::Deserialize;

use super::Millis;
use super::calendar::{WEEK, WeekTime};
use super::flow::{Flow, QueueId};
use super::persona::Persona;
use super::weighted::Weighted;
use crate::diagnostic::{Problem, Rule};
use crate::source::KeyPath;
use arrivals::arrivals;
pub(crate) use arrivals::{Arrivals, ArrivalsSpec};
use cost::Cost;
use expectation::Expectation;
use live::live_settings;
pub(crate) use live::{LiveSettings, LiveSpec};
use mix::mix;
#[cfg(test)]
pub(crate) use staffing::MAX_CONCURRENCY;
pub(crate) use staffing::{AgentPool, AgentSpec, PoolId};
use staffing::{pool, staff};

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
/// replication its own 20-bit number (see `random`).
pub const MAX_REPLICATIONS: u32 = 1 << 20;

/// The longest `duration` and `warm_up`: a year of simulated traffic.
pub const MAX_DURATION: Millis = Millis(366 * 24 * 3_600_000);

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
    /// What `rehearse compare` judges; `run` and `check` ignore it.
    #[serde(default)]
    pub compare: Option<compare::CompareSpec>,
    #[serde(default)]
    pub audience: Option<super::outreach::AudienceSpec>,
    #[serde(default)]
    pub campaigns: Vec<super::outreach::CampaignSpec>,
    #[serde(default)]
    pub pricing: Option<super::outreach::PricingSpec>,
}

fn yes() -> bool {
    true
}

fn default_max_turns() -> u32 {
    DEFAULT_MAX_TURNS
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
    #[cfg_attr(
        not(feature = "live"),
        expect(dead_code, reason = "validated always, read by `rehearse live` only")
    )]
    pub(crate) live: LiveSettings,
    /// What the business sends customers first: audience, campaigns, prices.
    pub(crate) outreach: super::outreach::Outreach,
    /// What a replication costs, estimated when the scenario is loaded.
    pub(crate) cost: Cost,
    /// The primary metrics of `rehearse compare` (`compare.primary`);
    /// `None` for the default ones.
    pub(crate) compare_primary: Option<Vec<crate::metric::Metric>>,
}

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
        let compare_primary = compare::primary(spec.compare, problems);

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
        let mut scenario = Scenario {
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
            cost: Cost::default(),
            compare_primary,
        };
        scenario.cost = Cost::of(&scenario);
        scenario.cost.check(&scenario, problems);
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
            Some(pool_of_queue) if problems.is_empty() => {
                let mut scenario = Scenario {
                    flow,
                    pool_of_queue,
                    ..self.clone()
                };
                scenario.cost = Cost::of(&scenario);
                Ok(scenario)
            }
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

/// `1h`, `90m`, `2.5h`: a duration for a help message.
fn readable_hours(hours: f64) -> String {
    if hours >= 1.0 && (hours - hours.round()).abs() < 0.05 {
        format!("{}h", hours.round())
    } else {
        format!("{}m", (hours * 60.0).round().max(1.0))
    }
}
