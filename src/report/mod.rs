//! The report: one struct with the contract keys of docs/src/report.md,
//! serialised as YAML or JSON and rendered as text, markdown or an HTML
//! page for people.
//!
//! Every number is filled from the engine's tallies by the formulas in
//! `crate::tally` (`build.rs`), under the names of [`crate::metric`]; the
//! renderers ([`Renderer`]) only read it. Fractions are rounded to 4
//! decimals and seconds to the millisecond, so a report prints identically
//! on every platform. A block whose feature the scenario does not use is
//! absent, not zero.

mod blocks;
mod build;
mod distribution;
mod format;
pub(crate) mod html;
pub mod live;
pub(crate) mod markdown;
pub(crate) mod render;
pub(crate) mod table;
pub(crate) mod text;
pub mod transcript;

use indexmap::IndexMap;
use serde::Serialize;

pub use blocks::{
    Breakdown, Ci95, Compliance, Cost, Csat, FunnelMedia, FunnelStep, Outcomes, QueueCi95,
    QueueReport, Rates, ResponseTimes, Retention, Sends, TimeStats, Turns,
};
pub use distribution::{Distribution, Distributions, TimeBucket};
pub use format::{Format, render_to_string};
pub use render::{Renderer, Style};

use crate::metric::{
    ComplianceStat, CsatStat, FunnelCount, Group, Metric, Outcome, QueueStat, Rate, Shape, Stat,
    round_to,
};
use crate::stats::Interval;

/// What a run measured (see docs/src/report.md). Keys are only ever added.
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

impl Report {
    /// The same report with its `ci95` block filled from `interval`, the
    /// 95% interval of a metric over replications (as
    /// [`crate::Simulation::interval`] gives it). Nothing changes with fewer
    /// than two replications, where there is no interval.
    pub fn with_intervals(
        mut self,
        interval: impl Fn(&Metric, Option<f64>) -> Option<Interval>,
    ) -> Report {
        if self.replications < 2 {
            return self;
        }
        let interval = |metric: &Metric| interval(metric, self.value(metric));
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
        let queues = self
            .queues
            .keys()
            .map(|queue| {
                let of = |stat| bounds(Metric::Queue(queue.clone(), stat));
                let wait = Stat::ALL
                    .into_iter()
                    .filter(|stat| *stat != Stat::Max)
                    .filter_map(|stat| {
                        let [low, high] = of(QueueStat::Wait(stat))?;
                        // Seconds, to the millisecond, as in `wait`.
                        Some((
                            stat.key().to_string(),
                            [round_to(low, 3), round_to(high, 3)],
                        ))
                    })
                    .collect();
                let ci95 = QueueCi95 {
                    abandonment: of(QueueStat::Abandonment),
                    utilisation: of(QueueStat::Utilisation),
                    wait,
                };
                (queue.clone(), ci95)
            })
            .collect();
        self.ci95 = Some(Ci95 {
            outcomes,
            rates,
            csat,
            conversion,
            queues,
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

    /// The value a metric names, per replication: a count's total divided
    /// by the report's replications ([`Metric::per_replication`]), any other
    /// number as [`Report::value`] gives it. What expectations gate on.
    pub fn per_replication(&self, metric: &Metric) -> Option<f64> {
        self.value(metric)
            .map(|value| metric.per_replication(value, self.replications))
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
        Metric::every(&self.shape(), |metric| self.value(metric))
    }

    /// Which numbers the report has.
    fn shape(&self) -> Shape {
        fn keys<T>(map: &IndexMap<String, T>) -> Vec<String> {
            map.keys().cloned().collect()
        }
        Shape {
            csat: self.csat.is_some(),
            goals: self.conversion.keys().cloned().collect(),
            valued_goals: self.conversion_value.keys().cloned().collect(),
            funnel: keys(&self.funnel),
            queues: keys(&self.queues),
            campaigns: keys(&self.campaigns),
            follow_ups: keys(&self.follow_ups),
            groups: [Group::Persona, Group::Segment, Group::Variant]
                .into_iter()
                .flat_map(|group| {
                    self.groups(group)
                        .keys()
                        .map(move |name| (group, name.clone()))
                })
                .collect(),
        }
    }
}
