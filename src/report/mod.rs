//! The report: one struct with the contract keys of DESIGN.md section 3,
//! serialised as YAML or JSON and rendered as text, markdown or an HTML
//! page for people.
//!
//! Every number is computed here from the engine's tallies, by the formulas
//! in [`crate::metric`]; the renderers ([`Renderer`]) only read it. Fractions
//! are rounded to 4 decimals and seconds to the millisecond, so a report
//! prints identically on every platform. A block whose feature the scenario
//! does not use is absent, not zero.

pub(crate) mod html;
pub mod live;
pub(crate) mod markdown;
pub(crate) mod render;
pub(crate) mod table;
pub(crate) mod text;
pub mod transcript;

use indexmap::IndexMap;
use serde::Serialize;

pub use render::{Format, Renderer, Style, render_to_string};

use crate::metric::{
    fraction, round_to,
    ComplianceStat, CostStat, CsatStat, FunnelCount, Group, GroupMetric, Metric, Outcome,
    QueueStat, Rate, Reason, SendStat, Stat, Timer,
};
use crate::model::flow::NodeKind;
use crate::model::scenario::Scenario;
use crate::stats::Interval;
use crate::tally::{CampaignTally, Histogram, QueueTally, Tallies, Tally};

/// What a run measured (DESIGN.md section 3). Keys are only ever added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The scenario's name.
    pub scenario: String,
    /// The flow's name and version.
    pub flow: FlowLabel,
    /// The seed of every random stream.
    pub seed: u64,
    /// Independent runs of the scenario's `duration`.
    pub replications: u32,
    /// Conversations counted, over all replications.
    pub conversations: u64,
    /// `rehearse live` only: what happened between rehearse and the bot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<live::Live>,
    /// A partition: every conversation has exactly one outcome.
    pub outcomes: Outcomes,
    /// Rates over all conversations.
    pub rates: Rates,
    /// 95% intervals over replications of the outcome shares and rates;
    /// absent with a single replication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95: Option<Ci95>,
    /// Durations, in seconds.
    pub response_time: ResponseTimes,
    /// Customer turns per conversation.
    pub turns: Turns,
    /// CSAT, when the flow or an agent pool asks for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csat: Option<Csat>,
    /// Per business goal (`converts:`): the share of conversations that
    /// reached it; absent when the flow marks none.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub conversion: IndexMap<String, f64>,
    /// Per business goal with a `value:`, what it brings per conversation.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub conversion_value: IndexMap<String, f64>,
    /// Per node, in flow order; absent in live mode, where the bot's nodes
    /// are not known.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub funnel: IndexMap<String, FunnelStep>,
    /// Per agent queue, in scenario order; absent without agents.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub queues: IndexMap<String, QueueReport>,
    /// Per persona, in mix order.
    pub personas: IndexMap<String, Breakdown>,
    /// Per segment (personas grouped by their `segment`), in order of first
    /// appearance; absent when no persona names a segment.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub segments: IndexMap<String, Breakdown>,
    /// Per A/B variant of the flow's splits, for the customers sent to it;
    /// absent without splits.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub variants: IndexMap<String, Breakdown>,
    /// Per campaign, in scenario order; absent without campaigns.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub campaigns: IndexMap<String, Sends>,
    /// Per node that follows up on a silent customer, in flow order; absent
    /// when none does.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub follow_ups: IndexMap<String, Sends>,
    /// Messages WhatsApp would refuse (never delivered); present when the
    /// scenario sends customers messages first or a queue closes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compliance: Option<Compliance>,
    /// Customers who came back; present when a persona `returns`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention: Option<Retention>,
    /// What the messages cost; present with `pricing:`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    /// Sample conversations, when asked for (`run --transcripts N`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transcripts: Vec<transcript::Transcript>,
    /// The distributions behind `response_time` and each queue's `wait`,
    /// for charts. Not serialised: YAML and JSON keep their contract keys,
    /// and approved snapshots do not grow.
    #[serde(skip)]
    pub distributions: Distributions,
}

/// A duration's distribution, bucketed for a chart: two buckets per
/// doubling of the duration (…, 1s, 1.5s, 2s, 3s, 4s, …), from the
/// shortest measured to the longest, with the empty ones between. Counts
/// are exact; only the bounds are coarse.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distribution {
    /// The buckets in order, each starting where the one before ends.
    pub buckets: Vec<TimeBucket>,
}

/// One bucket of a [`Distribution`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeBucket {
    /// Where it starts, in seconds (included).
    pub from: f64,
    /// Where it ends, in seconds (excluded).
    pub to: f64,
    /// How many durations fell in it.
    pub count: u64,
}

impl Distribution {
    fn from_histogram(histogram: &Histogram) -> Distribution {
        let seconds = |ms: u64| ms as f64 / 1000.0;
        Distribution {
            buckets: histogram
                .coarse_buckets()
                .into_iter()
                .map(|(from, to, count)| TimeBucket {
                    from: seconds(from),
                    to: seconds(to),
                    count,
                })
                .collect(),
        }
    }

    /// How many durations were measured.
    pub fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.count).sum()
    }
}

/// The [`Distribution`]s of the report's timers and queue waits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distributions {
    /// As `response_time.bot`.
    pub bot: Distribution,
    /// As `response_time.agent_first_response`.
    pub agent_first_response: Distribution,
    /// As `response_time.queue_wait`.
    pub queue_wait: Distribution,
    /// As `response_time.resolution`.
    pub resolution: Distribution,
    /// As `queues.<name>.wait`, in the order of `queues`.
    pub queues: IndexMap<String, Distribution>,
}

impl Distributions {
    /// The distribution of `timer`.
    pub fn get(&self, timer: Timer) -> &Distribution {
        match timer {
            Timer::Bot => &self.bot,
            Timer::AgentFirstResponse => &self.agent_first_response,
            Timer::QueueWait => &self.queue_wait,
            Timer::Resolution => &self.resolution,
        }
    }
}

/// Messages the business sent first: a campaign's, or a node's follow-ups
/// (see [`SendStat`] for each number). Counts are exact, over all
/// replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[allow(missing_docs)] // each is the SendStat of the same name
pub struct Sends {
    pub sent: u64,
    pub delivered: u64,
    pub read: u64,
    pub replied: u64,
    pub clicked: u64,
    pub opted_out: u64,
    pub converted: u64,
    pub refused: u64,
    pub open_rate: f64,
    pub response_rate: f64,
    /// Follow-ups only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovered: Option<u64>,
}

impl Sends {
    fn new(tally: &CampaignTally, recovered: Option<u64>) -> Sends {
        Sends {
            sent: tally.sent,
            delivered: tally.delivered,
            read: tally.read,
            replied: tally.replied,
            clicked: tally.clicked,
            opted_out: tally.opted_out,
            converted: tally.converted,
            refused: tally.refused,
            open_rate: fraction(tally.read, tally.delivered),
            response_rate: fraction(tally.replied, tally.delivered),
            recovered,
        }
    }

    /// The value of `stat`, when it has one.
    pub fn get(&self, stat: SendStat) -> Option<f64> {
        Some(match stat {
            SendStat::Sent => self.sent as f64,
            SendStat::Delivered => self.delivered as f64,
            SendStat::Read => self.read as f64,
            SendStat::Replied => self.replied as f64,
            SendStat::Clicked => self.clicked as f64,
            SendStat::OptedOut => self.opted_out as f64,
            SendStat::Converted => self.converted as f64,
            SendStat::Refused => self.refused as f64,
            SendStat::OpenRate => self.open_rate,
            SendStat::ResponseRate => self.response_rate,
            SendStat::Recovered => self.recovered? as f64,
        })
    }
}

/// Messages WhatsApp would refuse (see [`ComplianceStat`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[allow(missing_docs)] // each is the ComplianceStat of the same name
pub struct Compliance {
    pub outside_window: u64,
    pub not_opted_in: u64,
}

/// Customers who came back (see [`Metric::Retention`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Retention {
    /// Back within 7 days of their first conversation's start.
    pub d7: f64,
    /// Back within 30 days.
    pub d30: f64,
    /// Customers whose first conversation was counted.
    pub customers: u64,
}

/// What the messages cost (see [`CostStat`]), in `currency` at the prices
/// of `as_of`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    /// Over all replications.
    pub total: f64,
    /// Per conversation.
    pub per_conversation: f64,
    /// Per resolved conversation; `null` when none was resolved.
    pub per_resolution: Option<f64>,
    /// The total by template category, and `service` for conversations
    /// customers started.
    pub by_category: IndexMap<&'static str, f64>,
    /// As in `pricing:`.
    pub currency: String,
    /// The date of the prices, as in `pricing:`.
    pub as_of: String,
}

impl Cost {
    /// The value of `stat`, when it has one.
    pub fn get(&self, stat: CostStat) -> Option<f64> {
        match stat {
            CostStat::Total => Some(self.total),
            CostStat::PerConversation => Some(self.per_conversation),
            CostStat::PerResolution => self.per_resolution,
        }
    }
}

/// 95% intervals over replications (DESIGN.md section 6): `[low, high]`
/// under the same keys as the block they belong to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ci95 {
    /// Per outcome, as in `outcomes`.
    pub outcomes: IndexMap<String, [f64; 2]>,
    /// Per rate, as in `rates`.
    pub rates: IndexMap<String, [f64; 2]>,
    /// As in `csat` (the mean score, and its shares), when it is measured.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub csat: IndexMap<String, [f64; 2]>,
    /// Per business goal, as in `conversion`.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub conversion: IndexMap<String, [f64; 2]>,
}

impl Ci95 {
    /// The interval of a top-level outcome share or rate, when the block has it.
    pub fn get(&self, metric: &Metric) -> Option<Interval> {
        let [low, high] = match metric {
            Metric::Outcome(outcome) => self.outcomes.get(outcome.key()),
            Metric::Rate(rate) => self.rates.get(rate.key()),
            Metric::Csat(stat) => self.csat.get(stat.key()),
            Metric::Conversion(goal) => self.conversion.get(goal),
            _ => None,
        }?;
        Some(Interval {
            low: *low,
            high: *high,
        })
    }
}

/// Which flow was run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowLabel {
    /// As in `flow:`.
    pub name: String,
    /// As in `version:`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl FlowLabel {
    /// ` 2.1` to follow the flow's name, or nothing without a version.
    pub fn version_suffix(&self) -> String {
        self.version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default()
    }
}

/// Shares of all conversations, by outcome (see [`Outcome`] for each
/// definition), under their report keys in report order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcomes([f64; Outcome::ALL.len()]);

/// The rates (see [`Rate`] for each formula), under their report keys in
/// report order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates([f64; Rate::ALL.len()]);

/// Writes `values` as a mapping from each key to its value, in order.
fn serialize_keyed<S: serde::Serializer>(
    serializer: S,
    entries: impl ExactSizeIterator<Item = (&'static str, f64)>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(entries.len()))?;
    for (key, value) in entries {
        map.serialize_entry(key, &value)?;
    }
    map.end()
}

impl Serialize for Outcomes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_keyed(serializer, Outcome::ALL.into_iter().map(|o| (o.key(), self.get(o))))
    }
}

impl Serialize for Rates {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_keyed(serializer, Rate::ALL.into_iter().map(|r| (r.key(), self.get(r))))
    }
}

/// Statistics of one timer (see [`Stat`]), in seconds. `null` when nothing
/// was measured (e.g. no handoffs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[allow(missing_docs)] // each is the Stat of the same name
pub struct TimeStats {
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

/// The timers (see [`Timer`] for what each measures).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[allow(missing_docs)] // each is the Timer of the same name
pub struct ResponseTimes {
    pub bot: TimeStats,
    pub agent_first_response: TimeStats,
    pub queue_wait: TimeStats,
    pub resolution: TimeStats,
}

/// Customer turns (replies to bot prompts) per conversation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Turns {
    /// The mean.
    pub mean: f64,
    /// The most in one conversation.
    pub max: u32,
}

/// Customer satisfaction (see [`CsatStat`] for each formula).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Csat {
    /// The mean score, from 1 to 5; `null` when nobody answered.
    pub mean: Option<f64>,
    /// The share of answers scoring 4 or 5; `null` when nobody answered.
    pub satisfied: Option<f64>,
    /// The share of surveys shown that were answered.
    pub response_rate: f64,
    /// How many answers gave each score.
    pub scores: IndexMap<u8, u64>,
}

/// One node of the funnel (see [`FunnelCount`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelStep {
    /// Conversations that reached the node (each counted once).
    pub entered: u64,
    /// Conversations abandoned while at the node.
    pub abandoned: u64,
    /// Those abandonments by reason (see [`Reason`]); reasons with none are
    /// left out.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub reasons: IndexMap<&'static str, u64>,
}

impl FunnelStep {
    /// The commonest reason customers left here, if any left.
    pub fn main_reason(&self) -> Option<Reason> {
        self.reasons
            .iter()
            .max_by_key(|(_, count)| **count)
            .and_then(|(key, _)| Reason::ALL.into_iter().find(|r| r.key() == *key))
    }
}

/// One agent queue (see [`QueueStat`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueReport {
    /// Counted customers handed to the queue.
    pub arrived: u64,
    /// Those an agent took.
    pub served: u64,
    /// Those who left before an agent took them.
    pub abandoned: u64,
    /// Their time in this queue.
    pub wait: TimeStats,
    /// The time-averaged share of chat slots on shift in use.
    pub utilisation: Option<f64>,
}

/// Outcomes and rates for a group of conversations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    /// For a persona, its segment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Conversations in the group.
    pub conversations: u64,
    /// The group's outcome shares.
    pub outcomes: Outcomes,
    /// The group's rates.
    pub rates: Rates,
    /// The group's CSAT, when the report has CSAT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csat: Option<Csat>,
    /// The group's conversion, when the flow has business goals.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub conversion: IndexMap<String, f64>,
}

impl Outcomes {
    fn from_tally(tally: &Tally) -> Outcomes {
        Outcomes(Outcome::ALL.map(|outcome| tally.share(outcome)))
    }

    /// The share of `outcome`.
    pub fn get(&self, outcome: Outcome) -> f64 {
        self.0[outcome.index()]
    }
}

impl Rates {
    fn from_tally(tally: &Tally) -> Rates {
        Rates(Rate::ALL.map(|rate| tally.rate(rate)))
    }

    /// The value of `rate`.
    pub fn get(&self, rate: Rate) -> f64 {
        self.0[rate.index()]
    }
}

impl TimeStats {
    fn from_histogram(histogram: &Histogram) -> TimeStats {
        let seconds = |ms: f64| round_to(ms / 1000.0, 3);
        let quantile = |stat: Stat| stat.quantile().expect("a percentile");
        let [p50, p90, p95, p99] = histogram
            .quantiles([Stat::P50, Stat::P90, Stat::P95, Stat::P99].map(quantile))
            .map(|ms| ms.map(|ms| seconds(ms.0 as f64)));
        TimeStats {
            mean: histogram.mean().map(seconds),
            p50,
            p90,
            p95,
            p99,
            max: histogram.max().map(|ms| seconds(ms.0 as f64)),
        }
    }

    /// The value of `stat`, when measured.
    pub fn get(&self, stat: Stat) -> Option<f64> {
        match stat {
            Stat::Mean => self.mean,
            Stat::P50 => self.p50,
            Stat::P90 => self.p90,
            Stat::P95 => self.p95,
            Stat::P99 => self.p99,
            Stat::Max => self.max,
        }
    }
}

impl ResponseTimes {
    /// The statistics of `timer`.
    pub fn get(&self, timer: Timer) -> &TimeStats {
        match timer {
            Timer::Bot => &self.bot,
            Timer::AgentFirstResponse => &self.agent_first_response,
            Timer::QueueWait => &self.queue_wait,
            Timer::Resolution => &self.resolution,
        }
    }
}

impl Csat {
    fn from_tally(tally: &Tally) -> Csat {
        let answered: u64 = tally.scores.iter().sum();
        let weighted: u64 = (1..=5u64)
            .zip(tally.scores)
            .map(|(score, n)| score * n)
            .sum();
        Csat {
            mean: (answered > 0).then(|| round_to(weighted as f64 / answered as f64, 2)),
            satisfied: (answered > 0)
                .then(|| fraction(tally.scores[3] + tally.scores[4], answered)),
            response_rate: fraction(answered, tally.surveys),
            scores: (1..=5u8).zip(tally.scores).collect(),
        }
    }

    /// The value of `stat`, when measured.
    pub fn get(&self, stat: CsatStat) -> Option<f64> {
        match stat {
            CsatStat::Mean => self.mean,
            CsatStat::Satisfied => self.satisfied,
            CsatStat::ResponseRate => Some(self.response_rate),
        }
    }
}

impl QueueReport {
    fn from_tally(tally: &QueueTally) -> QueueReport {
        QueueReport {
            arrived: tally.arrived,
            served: tally.served,
            abandoned: tally.abandoned,
            wait: TimeStats::from_histogram(&tally.wait),
            utilisation: (tally.staffed > 0)
                .then(|| round_to(tally.busy as f64 / tally.staffed as f64, 4)),
        }
    }

    /// The value of `stat`, when measured.
    pub fn get(&self, stat: QueueStat) -> Option<f64> {
        match stat {
            QueueStat::Arrived => Some(self.arrived as f64),
            QueueStat::Served => Some(self.served as f64),
            QueueStat::Abandoned => Some(self.abandoned as f64),
            QueueStat::Utilisation => self.utilisation,
            QueueStat::Wait(stat) => self.wait.get(stat),
        }
    }
}

/// Whether the scenario can send something WhatsApp would refuse: it
/// writes to customers first (campaigns, follow-ups), or an agent queue
/// closes (an agent may pick a customer up after their window closed).
fn compliance(scenario: &Scenario) -> bool {
    !scenario.outreach.campaigns.is_empty()
        || scenario.flow.follows_up()
        || scenario
            .pools
            .iter()
            .any(|pool| pool.agents.values().any(|agents| *agents == 0))
}

/// The cost of a run: delivered templates by category and conversations
/// customers started, at `pricing`'s prices.
fn cost(pricing: &crate::model::outreach::Pricing, tallies: &Tallies) -> Cost {
    use crate::model::flow::Category;
    let mut by_category: IndexMap<&'static str, f64> = IndexMap::new();
    let mut total = 0.0;
    for category in Category::ALL {
        let count = tallies.cost.templates[category as usize];
        if pricing.templates[category as usize].is_some() {
            let amount = count as f64 * pricing.of(category);
            by_category.insert(category.key(), round_to(amount, 4));
            total += amount;
        }
    }
    let service = tallies.cost.service as f64 * pricing.service;
    by_category.insert("service", round_to(service, 4));
    total += service;
    let conversations = tallies.conversations();
    let resolved = tallies.all.outcomes.get(Outcome::SelfResolved)
        + tallies.all.outcomes.get(Outcome::AgentResolved);
    Cost {
        total: round_to(total, 4),
        per_conversation: if conversations == 0 {
            0.0
        } else {
            round_to(total / conversations as f64, 6)
        },
        per_resolution: (resolved > 0).then(|| round_to(total / resolved as f64, 6)),
        by_category,
        currency: pricing.currency.clone(),
        as_of: pricing.as_of.clone(),
    }
}

/// Which of the report's optional blocks a scenario uses.
struct Features<'s> {
    csat: bool,
    goals: &'s [crate::model::flow::Goal],
    /// Whether the funnel (per flow node) is known.
    funnel: bool,
    /// Whether to keep the timers' distributions for charts: not for one
    /// replication's report, which only feeds the intervals.
    charts: bool,
}

impl Breakdown {
    fn new(segment: Option<String>, tally: &Tally, features: &Features) -> Breakdown {
        Breakdown {
            segment,
            conversations: tally.outcomes.total(),
            outcomes: Outcomes::from_tally(tally),
            rates: Rates::from_tally(tally),
            csat: features.csat.then(|| Csat::from_tally(tally)),
            conversion: conversion(tally, features),
        }
    }

    fn value(&self, metric: &GroupMetric) -> Option<f64> {
        match metric {
            GroupMetric::Conversations => Some(self.conversations as f64),
            GroupMetric::Outcome(outcome) => Some(self.outcomes.get(*outcome)),
            GroupMetric::Rate(rate) => Some(self.rates.get(*rate)),
            GroupMetric::Csat(stat) => self.csat.as_ref()?.get(*stat),
            GroupMetric::Conversion(goal) => self.conversion.get(goal).copied(),
        }
    }
}

fn conversion(tally: &Tally, features: &Features) -> IndexMap<String, f64> {
    let total = tally.outcomes.total();
    features
        .goals
        .iter()
        .zip(&tally.conversions)
        .map(|(goal, reached)| (goal.name.clone(), fraction(*reached, total)))
        .collect()
}

impl Report {
    /// The report of `replications` replications of `scenario` with `seed`,
    /// whose tallies are `tallies`.
    pub(crate) fn new(
        scenario: &Scenario,
        seed: u64,
        replications: u32,
        tallies: &Tallies,
    ) -> Report {
        Report::build(
            scenario,
            seed,
            replications,
            tallies,
            &Features::of(scenario, true),
        )
    }

    /// The report of one replication, whose numbers feed the intervals over
    /// replications: as [`Report::new`], without the distributions for
    /// charts (a run makes thousands of these).
    pub(crate) fn of_replication(scenario: &Scenario, seed: u64, tallies: &Tallies) -> Report {
        Report::build(scenario, seed, 1, tallies, &Features::of(scenario, false))
    }
}

impl<'s> Features<'s> {
    /// What a simulated run of `scenario` reports.
    fn of(scenario: &'s Scenario, charts: bool) -> Features<'s> {
        let flow = &scenario.flow;
        Features {
            csat: flow
                .nodes
                .iter()
                .any(|node| matches!(node.kind, NodeKind::Survey(_)))
                || scenario.pools.iter().any(|pool| pool.survey),
            goals: &flow.goals,
            funnel: true,
            charts,
        }
    }
}

impl Report {
    /// The report of a `rehearse live` run of `scenario`: one stretch of
    /// traffic against a real bot. What only the flow could tell (the
    /// funnel, conversions, A/B variants, the bot's own surveys) is absent;
    /// the agents' surveys and queues are simulated, so they are there.
    pub(crate) fn live(
        scenario: &Scenario,
        seed: u64,
        tallies: &Tallies,
        live: live::Live,
    ) -> Report {
        let features = Features {
            csat: scenario.pools.iter().any(|pool| pool.survey),
            goals: &[],
            funnel: false,
            charts: true,
        };
        let mut report = Report::build(scenario, seed, 1, tallies, &features);
        report.live = Some(live);
        report
    }

    fn build(
        scenario: &Scenario,
        seed: u64,
        replications: u32,
        tallies: &Tallies,
        features: &Features,
    ) -> Report {
        let flow = &scenario.flow;
        let conversations = tallies.conversations();
        let funnel = flow
            .nodes
            .iter()
            .filter(|_| features.funnel)
            .zip(&tallies.funnel)
            .map(|(node, counts)| {
                let reasons = Reason::ALL
                    .into_iter()
                    .zip(counts.reasons)
                    .filter(|(_, count)| *count > 0)
                    .map(|(reason, count)| (reason.key(), count))
                    .collect();
                let step = FunnelStep {
                    entered: counts.entered,
                    abandoned: counts.abandoned,
                    reasons,
                };
                (node.id.clone(), step)
            })
            .collect();
        let personas = scenario
            .personas
            .items()
            .iter()
            .zip(&tallies.personas)
            .map(|(persona, tally)| {
                let breakdown = Breakdown::new(persona.segment.clone(), tally, features);
                (persona.name.clone(), breakdown)
            })
            .collect();
        let mut segment_tallies: IndexMap<String, Tally> = IndexMap::new();
        for (persona, tally) in scenario.personas.items().iter().zip(&tallies.personas) {
            if let Some(segment) = &persona.segment {
                segment_tallies
                    .entry(segment.clone())
                    .or_insert_with(|| Tally::new(flow.goals.len()))
                    .merge(tally);
            }
        }
        let conversion_value = flow
            .goals
            .iter()
            .zip(&tallies.all.conversions)
            .filter_map(|(goal, reached)| {
                let value = goal.value?;
                let per_conversation = if conversations == 0 {
                    0.0
                } else {
                    *reached as f64 * value / conversations as f64
                };
                Some((goal.name.clone(), round_to(per_conversation, 4)))
            })
            .collect();
        Report {
            scenario: scenario.name.clone(),
            flow: FlowLabel {
                name: flow.name.clone(),
                version: flow.version.clone(),
            },
            seed,
            replications,
            conversations,
            live: None,
            outcomes: Outcomes::from_tally(&tallies.all),
            rates: Rates::from_tally(&tallies.all),
            ci95: None,
            response_time: ResponseTimes {
                bot: TimeStats::from_histogram(&tallies.bot_response),
                agent_first_response: TimeStats::from_histogram(&tallies.agent_first_response),
                queue_wait: TimeStats::from_histogram(&tallies.queue_wait),
                resolution: TimeStats::from_histogram(&tallies.resolution),
            },
            turns: Turns {
                mean: if conversations == 0 {
                    0.0
                } else {
                    round_to(tallies.turns_sum as f64 / conversations as f64, 2)
                },
                max: tallies.turns_max,
            },
            csat: features.csat.then(|| Csat::from_tally(&tallies.all)),
            conversion: conversion(&tallies.all, features),
            conversion_value,
            funnel,
            queues: scenario
                .pools
                .iter()
                .zip(&tallies.queues)
                .map(|(pool, tally)| (pool.name.clone(), QueueReport::from_tally(tally)))
                .collect(),
            personas,
            segments: segment_tallies
                .into_iter()
                .map(|(segment, tally)| (segment, Breakdown::new(None, &tally, features)))
                .collect(),
            variants: flow
                .variants
                .iter()
                .zip(&tallies.variants)
                .map(|(name, tally)| (name.clone(), Breakdown::new(None, tally, features)))
                .collect(),
            campaigns: scenario
                .outreach
                .campaigns
                .iter()
                .zip(&tallies.campaigns)
                .map(|(campaign, tally)| (campaign.name.clone(), Sends::new(tally, None)))
                .collect(),
            follow_ups: flow
                .nodes
                .iter()
                .zip(&tallies.follow_ups)
                .filter(|(node, _)| node.follow_up.is_some())
                .map(|(node, tally)| {
                    (
                        node.id.clone(),
                        Sends::new(&tally.sends, Some(tally.recovered)),
                    )
                })
                .collect(),
            compliance: compliance(scenario).then_some(Compliance {
                outside_window: tallies.compliance.outside_window,
                not_opted_in: tallies.compliance.not_opted_in,
            }),
            retention: scenario
                .personas
                .items()
                .iter()
                .any(|persona| persona.returns.is_some())
                .then(|| {
                    let retention = &tallies.retention;
                    Retention {
                        d7: fraction(retention.within[0], retention.customers),
                        d30: fraction(retention.within[1], retention.customers),
                        customers: retention.customers,
                    }
                }),
            cost: scenario
                .outreach
                .pricing
                .as_ref()
                .map(|pricing| cost(pricing, tallies)),
            transcripts: Vec::new(),
            distributions: if !features.charts {
                Distributions::default()
            } else {
                Distributions {
                    bot: Distribution::from_histogram(&tallies.bot_response),
                    agent_first_response: Distribution::from_histogram(
                        &tallies.agent_first_response,
                    ),
                    queue_wait: Distribution::from_histogram(&tallies.queue_wait),
                    resolution: Distribution::from_histogram(&tallies.resolution),
                    queues: scenario
                        .pools
                        .iter()
                        .zip(&tallies.queues)
                        .map(|(pool, tally)| {
                            (pool.name.clone(), Distribution::from_histogram(&tally.wait))
                        })
                        .collect(),
                }
            },
        }
    }

    /// The same report with its `ci95` block filled from `interval`, the
    /// 95% interval of a metric over replications (as
    /// [`crate::Simulation::interval`] gives it). Nothing changes with fewer
    /// than two replications, where there is no interval.
    pub fn with_intervals(mut self, interval: impl Fn(&Metric) -> Option<Interval>) -> Report {
        if self.replications < 2 {
            return self;
        }
        let bounds =
            |metric: Metric| interval(&metric).map(|i| [round_to(i.low, 4), round_to(i.high, 4)]);
        let outcomes = Outcome::ALL
            .into_iter()
            .filter_map(|o| Some((o.key().to_string(), bounds(Metric::Outcome(o))?)))
            .collect();
        let rates = Rate::ALL
            .into_iter()
            .filter_map(|r| Some((r.key().to_string(), bounds(Metric::Rate(r))?)))
            .collect();
        let csat = CsatStat::ALL
            .into_iter()
            .filter_map(|stat| {
                let [low, high] = bounds(Metric::Csat(stat))?;
                // The mean score is on the 1-to-5 scale: 2 decimals, as in `csat`.
                let [low, high] = if stat == CsatStat::Mean {
                    [round_to(low, 2), round_to(high, 2)]
                } else {
                    [low, high]
                };
                Some((stat.key().to_string(), [low, high]))
            })
            .collect();
        let conversion = self
            .conversion
            .keys()
            .filter_map(|goal| Some((goal.clone(), bounds(Metric::Conversion(goal.clone()))?)))
            .collect();
        self.ci95 = Some(Ci95 {
            outcomes,
            rates,
            csat,
            conversion,
        });
        self
    }

    /// The value a metric names; `None` when it was not measured or the
    /// report has no such persona, segment, node, goal or queue.
    pub fn value(&self, metric: &Metric) -> Option<f64> {
        match metric {
            Metric::Conversations => Some(self.conversations as f64),
            Metric::Outcome(outcome) => Some(self.outcomes.get(*outcome)),
            Metric::Rate(rate) => Some(self.rates.get(*rate)),
            Metric::Time(timer, stat) => self.response_time.get(*timer).get(*stat),
            Metric::TurnsMean => Some(self.turns.mean),
            Metric::TurnsMax => Some(f64::from(self.turns.max)),
            Metric::Csat(stat) => self.csat.as_ref()?.get(*stat),
            Metric::Conversion(goal) => self.conversion.get(goal).copied(),
            Metric::ConversionValue(goal) => self.conversion_value.get(goal).copied(),
            Metric::Group(group, name, metric) => self.groups(*group).get(name)?.value(metric),
            Metric::Funnel(node, count) => {
                let step = self.funnel.get(node)?;
                Some(match count {
                    FunnelCount::Entered => step.entered as f64,
                    FunnelCount::Abandoned => step.abandoned as f64,
                    FunnelCount::Reason(reason) => {
                        step.reasons.get(reason.key()).copied().unwrap_or(0) as f64
                    }
                })
            }
            Metric::Queue(queue, stat) => self.queues.get(queue)?.get(*stat),
            Metric::Campaign(name, stat) => self.campaigns.get(name)?.get(*stat),
            Metric::FollowUp(node, stat) => self.follow_ups.get(node)?.get(*stat),
            Metric::Compliance(stat) => {
                let compliance = self.compliance.as_ref()?;
                Some(match stat {
                    ComplianceStat::OutsideWindow => compliance.outside_window,
                    ComplianceStat::NotOptedIn => compliance.not_opted_in,
                } as f64)
            }
            Metric::Retention(days) => {
                let retention = self.retention.as_ref()?;
                match days {
                    7 => Some(retention.d7),
                    30 => Some(retention.d30),
                    _ => None,
                }
            }
            Metric::Cost(stat) => self.cost.as_ref()?.get(*stat),
        }
    }

    /// The per-persona or per-segment block.
    pub fn groups(&self, group: Group) -> &IndexMap<String, Breakdown> {
        match group {
            Group::Persona => &self.personas,
            Group::Segment => &self.segments,
            Group::Variant => &self.variants,
        }
    }

    /// Every number of the report with its name, in report order: what
    /// intervals, expectations, snapshot diffs and comparisons read.
    pub fn metrics(&self) -> Vec<(Metric, f64)> {
        let mut names = vec![Metric::Conversations];
        names.extend(Outcome::ALL.map(Metric::Outcome));
        names.extend(Rate::ALL.map(Metric::Rate));
        for timer in Timer::ALL {
            names.extend(Stat::ALL.map(|stat| Metric::Time(timer, stat)));
        }
        names.extend([Metric::TurnsMean, Metric::TurnsMax]);
        if self.csat.is_some() {
            names.extend(CsatStat::ALL.map(Metric::Csat));
        }
        names.extend(
            self.conversion
                .keys()
                .map(|goal| Metric::Conversion(goal.clone())),
        );
        names.extend(
            self.conversion_value
                .keys()
                .map(|goal| Metric::ConversionValue(goal.clone())),
        );
        for node in self.funnel.keys() {
            names.push(Metric::Funnel(node.clone(), FunnelCount::Entered));
            names.push(Metric::Funnel(node.clone(), FunnelCount::Abandoned));
            names.extend(
                Reason::ALL.map(|reason| Metric::Funnel(node.clone(), FunnelCount::Reason(reason))),
            );
        }
        for queue in self.queues.keys() {
            let stat = |stat| Metric::Queue(queue.clone(), stat);
            names.extend(
                [
                    QueueStat::Arrived,
                    QueueStat::Served,
                    QueueStat::Abandoned,
                    QueueStat::Utilisation,
                ]
                .map(stat),
            );
            names.extend(Stat::ALL.map(|s| stat(QueueStat::Wait(s))));
        }
        for (name, _) in &self.campaigns {
            names.extend(
                SendStat::ALL
                    .into_iter()
                    .filter(|stat| *stat != SendStat::Recovered)
                    .map(|stat| Metric::Campaign(name.clone(), stat)),
            );
        }
        for (node, _) in &self.follow_ups {
            names.extend(SendStat::ALL.map(|stat| Metric::FollowUp(node.clone(), stat)));
        }
        names.extend(ComplianceStat::ALL.map(Metric::Compliance));
        names.extend(crate::metric::RETENTION_DAYS.map(Metric::Retention));
        names.extend(CostStat::ALL.map(Metric::Cost));
        for group in [Group::Persona, Group::Segment, Group::Variant] {
            for (name, breakdown) in self.groups(group) {
                let metric = |m| Metric::Group(group, name.clone(), m);
                names.push(metric(GroupMetric::Conversations));
                // A group nobody reached measured nothing: its shares and
                // rates (0 of 0) are not numbers to compare or check.
                if breakdown.conversations == 0 {
                    continue;
                }
                names.extend(Outcome::ALL.map(|o| metric(GroupMetric::Outcome(o))));
                names.extend(Rate::ALL.map(|r| metric(GroupMetric::Rate(r))));
                if breakdown.csat.is_some() {
                    names.extend(CsatStat::ALL.map(|s| metric(GroupMetric::Csat(s))));
                }
                names.extend(
                    breakdown
                        .conversion
                        .keys()
                        .map(|goal| metric(GroupMetric::Conversion(goal.clone()))),
                );
            }
        }
        names
            .into_iter()
            .filter_map(|metric| self.value(&metric).map(|value| (metric, value)))
            .collect()
    }
}
