//! The blocks of a report (outcomes, rates, timers, CSAT, queues, sends,
//! compliance, retention, cost, intervals) and how each reads its numbers
//! from the tallies.

use indexmap::IndexMap;
use serde::Serialize;

use crate::metric::{
    CostStat, CsatStat, Metric, Outcome, QueueStat, Rate, Reason, SendStat, Stat, Timer,
};
use crate::model::media::MediaKind;
use crate::stats::Interval;
use crate::tally::{CampaignTally, Histogram, QueueTally, Tally};

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
    pub(super) fn new(tally: &CampaignTally, recovered: Option<u64>) -> Sends {
        Sends {
            sent: tally.sent,
            delivered: tally.delivered,
            read: tally.read,
            replied: tally.replied,
            clicked: tally.clicked,
            opted_out: tally.opted_out,
            converted: tally.converted,
            refused: tally.refused,
            open_rate: tally.open_rate(),
            response_rate: tally.response_rate(),
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

/// Messages WhatsApp would refuse (see [`crate::metric::ComplianceStat`]).
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

/// 95% intervals over replications (see `crate::stats`): `[low, high]`
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
    /// Per agent queue, as in `queues`.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub queues: IndexMap<String, QueueCi95>,
}

/// The intervals of one agent queue's shares and waits (`ci95.queues.<name>`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueCi95 {
    /// As `abandonment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abandonment: Option<[f64; 2]>,
    /// As `utilisation`, when agents were on shift.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utilisation: Option<[f64; 2]>,
    /// As `wait`, in seconds; the maximum has none.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub wait: IndexMap<String, [f64; 2]>,
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
        serialize_keyed(
            serializer,
            Outcome::ALL.into_iter().map(|o| (o.key(), self.get(o))),
        )
    }
}

impl Serialize for Rates {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_keyed(
            serializer,
            Rate::ALL.into_iter().map(|r| (r.key(), self.get(r))),
        )
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
    /// How many answers gave each score. Written with the scores as
    /// strings (`'1': 7` in YAML, `"1": 7` in JSON): JSON keys are strings,
    /// so both formats give a reader the same keys.
    #[serde(serialize_with = "scores_by_name")]
    pub scores: IndexMap<u8, u64>,
}

/// The scores of [`Csat::scores`] as string keys, in order.
fn scores_by_name<S: serde::Serializer>(
    scores: &IndexMap<u8, u64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(
        scores
            .iter()
            .map(|(score, count)| (score.to_string(), count)),
    )
}

/// One node of the funnel (see [`crate::metric::FunnelCount`]).
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
    /// Media customers sent here; only in the report of a scenario whose
    /// personas send media, and only at nodes that received some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media: Option<FunnelMedia>,
}

/// Media customers sent at one node, and what the bot did with them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelMedia {
    /// Received, by kind (`image`, `audio`, `location`, `sticker`,
    /// `reaction`); kinds with none are left out.
    pub received: IndexMap<&'static str, u64>,
    /// Those the node has no `on_media` route for, which fell to its
    /// fallback (counted as not understood).
    pub fallback: u64,
    /// Reactions the node does not route, which the bot ignored.
    pub ignored: u64,
}

impl FunnelMedia {
    /// From a node's counts; `None` when it received no media.
    pub(crate) fn from_counts(counts: &crate::tally::NodeCounts) -> Option<FunnelMedia> {
        let received: IndexMap<&'static str, u64> = MediaKind::ALL
            .into_iter()
            .zip(counts.media)
            .filter(|(_, count)| *count > 0)
            .map(|(kind, count)| (kind.key(), count))
            .collect();
        (!received.is_empty()).then_some(FunnelMedia {
            received,
            fallback: counts.media_fallback,
            ignored: counts.media_ignored,
        })
    }

    /// Everything received, of every kind.
    pub fn total(&self) -> u64 {
        self.received.values().sum()
    }
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
    /// `abandoned / arrived`.
    pub abandonment: f64,
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
    pub(super) fn from_tally(tally: &Tally) -> Outcomes {
        Outcomes(Outcome::ALL.map(|outcome| tally.share(outcome)))
    }

    /// The share of `outcome`.
    pub fn get(&self, outcome: Outcome) -> f64 {
        self.0[outcome.index()]
    }
}

impl Rates {
    pub(super) fn from_tally(tally: &Tally) -> Rates {
        Rates(Rate::ALL.map(|rate| tally.rate(rate)))
    }

    /// The value of `rate`.
    pub fn get(&self, rate: Rate) -> f64 {
        self.0[rate.index()]
    }
}

impl TimeStats {
    pub(super) fn from_histogram(histogram: &Histogram) -> TimeStats {
        let [mean, p50, p90, p95, p99, max] = histogram.stats();
        TimeStats {
            mean,
            p50,
            p90,
            p95,
            p99,
            max,
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
    pub(super) fn from_tally(tally: &Tally) -> Csat {
        Csat {
            mean: tally.csat(CsatStat::Mean),
            satisfied: tally.csat(CsatStat::Satisfied),
            response_rate: tally.csat(CsatStat::ResponseRate).unwrap_or_default(),
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
    pub(super) fn from_tally(tally: &QueueTally) -> QueueReport {
        QueueReport {
            arrived: tally.arrived,
            served: tally.served,
            abandoned: tally.abandoned,
            abandonment: tally.stat(QueueStat::Abandonment).unwrap_or(0.0),
            wait: TimeStats::from_histogram(&tally.wait),
            utilisation: tally.stat(QueueStat::Utilisation),
        }
    }

    /// The value of `stat`, when measured.
    pub fn get(&self, stat: QueueStat) -> Option<f64> {
        match stat {
            QueueStat::Arrived => Some(self.arrived as f64),
            QueueStat::Served => Some(self.served as f64),
            QueueStat::Abandoned => Some(self.abandoned as f64),
            QueueStat::Abandonment => Some(self.abandonment),
            QueueStat::Utilisation => self.utilisation,
            QueueStat::Wait(stat) => self.wait.get(stat),
        }
    }
}
