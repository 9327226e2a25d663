//! The report: one struct with the contract keys of DESIGN.md section 3,
//! serialised as YAML or JSON and rendered as text or markdown for people.
//!
//! Every number is defined once, here, next to its formula; the renderers
//! only read it. Fractions are rounded to 4 decimals and seconds to the
//! millisecond, so a report prints identically on every platform.

mod markdown;
mod text;

use indexmap::IndexMap;
use serde::Serialize;

use crate::metrics::{Histogram, Metrics, Tally};
use crate::model::expectation::{Metric, Rate, Stat, Timer};
use crate::model::scenario::Scenario;
use crate::outcome::Outcome;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub scenario: String,
    pub flow: FlowLabel,
    pub seed: u64,
    pub conversations: u64,
    /// A partition: every conversation has exactly one outcome.
    pub outcomes: Outcomes,
    pub rates: Rates,
    pub response_time: ResponseTimes,
    pub turns: Turns,
    /// Per node, in flow order.
    pub funnel: IndexMap<String, FunnelStep>,
    /// Per persona, in mix order.
    pub personas: IndexMap<String, Breakdown>,
    /// Per segment (personas grouped by their `segment`), in order of first
    /// appearance; absent when no persona names a segment.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub segments: IndexMap<String, Breakdown>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowLabel {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl FlowLabel {
    /// ` 2.1` to follow the flow's name, or nothing without a version.
    fn version_suffix(&self) -> String {
        self.version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default()
    }
}

/// Shares of all conversations, by outcome (see [`Outcome`] for each definition).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Outcomes {
    pub self_resolved: f64,
    pub agent_resolved: f64,
    pub abandoned_in_bot: f64,
    pub abandoned_in_queue: f64,
    pub unresolved: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rates {
    /// `self_resolved`: solved by the bot alone.
    pub self_resolution: f64,
    /// `agent_resolved + abandoned_in_queue`: every conversation handed to a human.
    pub escalation: f64,
    /// `abandoned_in_bot + abandoned_in_queue`: every customer who left unserved.
    pub abandonment: f64,
    /// Replies the bot did not understand (fallback or invalid answer) /
    /// all customer replies to bot prompts (taps and typed text).
    pub fallback: f64,
}

/// Seconds. `null` when nothing was measured (e.g. no handoffs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TimeStats {
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ResponseTimes {
    /// Customer message → the first bot message after it, for every customer
    /// message the customer stayed to see answered.
    pub bot: TimeStats,
    /// Handoff → an agent's first message: queue wait plus the agent's first
    /// reply time, for customers an agent picked up.
    pub agent_first_response: TimeStats,
    /// Time in an agent queue, for everyone who queued: until an agent took
    /// them, or until they gave up.
    pub queue_wait: TimeStats,
    /// Customer's first message → outcome, for resolved conversations
    /// (self- or agent-resolved; an agent resolves when the handling ends).
    pub resolution: TimeStats,
}

/// Customer turns (replies to bot prompts) per conversation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Turns {
    pub mean: f64,
    pub max: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FunnelStep {
    /// Conversations that reached this node (each counted once).
    pub entered: u64,
    /// Conversations abandoned while at this node (in the bot, or in the
    /// queue of a handoff node).
    pub abandoned: u64,
}

/// Outcomes and rates for a group of conversations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    pub conversations: u64,
    pub outcomes: Outcomes,
    pub rates: Rates,
}

/// Output formats of `rehearse run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Yaml,
    Json,
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

fn fraction(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        round_to(part as f64 / whole as f64, 4)
    }
}

impl Outcomes {
    fn from_tally(tally: &Tally) -> Outcomes {
        let total = tally.outcomes.total();
        let share = |outcome| fraction(tally.outcomes.get(outcome), total);
        Outcomes {
            self_resolved: share(Outcome::SelfResolved),
            agent_resolved: share(Outcome::AgentResolved),
            abandoned_in_bot: share(Outcome::AbandonedInBot),
            abandoned_in_queue: share(Outcome::AbandonedInQueue),
            unresolved: share(Outcome::Unresolved),
        }
    }

    pub fn get(&self, outcome: Outcome) -> f64 {
        match outcome {
            Outcome::SelfResolved => self.self_resolved,
            Outcome::AgentResolved => self.agent_resolved,
            Outcome::AbandonedInBot => self.abandoned_in_bot,
            Outcome::AbandonedInQueue => self.abandoned_in_queue,
            Outcome::Unresolved => self.unresolved,
        }
    }
}

impl Rates {
    fn from_tally(tally: &Tally) -> Rates {
        let total = tally.outcomes.total();
        let count = |outcome| tally.outcomes.get(outcome);
        Rates {
            self_resolution: fraction(count(Outcome::SelfResolved), total),
            escalation: fraction(
                count(Outcome::AgentResolved) + count(Outcome::AbandonedInQueue),
                total,
            ),
            abandonment: fraction(
                count(Outcome::AbandonedInBot) + count(Outcome::AbandonedInQueue),
                total,
            ),
            fallback: fraction(tally.not_understood, tally.replies),
        }
    }

    pub fn get(&self, rate: Rate) -> f64 {
        match rate {
            Rate::SelfResolution => self.self_resolution,
            Rate::Escalation => self.escalation,
            Rate::Abandonment => self.abandonment,
            Rate::Fallback => self.fallback,
        }
    }
}

impl TimeStats {
    fn from_histogram(histogram: &Histogram) -> TimeStats {
        let seconds = |ms: f64| round_to(ms / 1000.0, 3);
        let quantile = |q| histogram.quantile(q).map(|ms| seconds(ms.0 as f64));
        TimeStats {
            mean: histogram.mean().map(seconds),
            p50: quantile(0.50),
            p90: quantile(0.90),
            p95: quantile(0.95),
            p99: quantile(0.99),
            max: histogram.max().map(|ms| seconds(ms.0 as f64)),
        }
    }

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
    pub fn get(&self, timer: Timer) -> &TimeStats {
        match timer {
            Timer::Bot => &self.bot,
            Timer::AgentFirstResponse => &self.agent_first_response,
            Timer::QueueWait => &self.queue_wait,
            Timer::Resolution => &self.resolution,
        }
    }
}

impl Breakdown {
    fn new(segment: Option<String>, tally: &Tally) -> Breakdown {
        Breakdown {
            segment,
            conversations: tally.outcomes.total(),
            outcomes: Outcomes::from_tally(tally),
            rates: Rates::from_tally(tally),
        }
    }
}

impl Report {
    pub fn new(scenario: &Scenario, metrics: &Metrics) -> Report {
        let conversations = metrics.conversations();
        let funnel = scenario
            .flow
            .nodes
            .iter()
            .zip(&metrics.funnel)
            .map(|(node, counts)| {
                (
                    node.id.clone(),
                    FunnelStep {
                        entered: counts.entered,
                        abandoned: counts.abandoned,
                    },
                )
            })
            .collect();
        let personas = scenario
            .personas
            .iter()
            .zip(&metrics.personas)
            .map(|(persona, tally)| {
                (
                    persona.name.clone(),
                    Breakdown::new(persona.segment.clone(), tally),
                )
            })
            .collect();
        let mut segment_tallies: IndexMap<String, Tally> = IndexMap::new();
        for (persona, tally) in scenario.personas.iter().zip(&metrics.personas) {
            if let Some(segment) = &persona.segment {
                segment_tallies
                    .entry(segment.clone())
                    .or_default()
                    .merge(tally);
            }
        }
        Report {
            scenario: scenario.name.clone(),
            flow: FlowLabel {
                name: scenario.flow.name.clone(),
                version: scenario.flow.version.clone(),
            },
            seed: scenario.seed,
            conversations,
            outcomes: Outcomes::from_tally(&metrics.all),
            rates: Rates::from_tally(&metrics.all),
            response_time: ResponseTimes {
                bot: TimeStats::from_histogram(&metrics.bot_response),
                agent_first_response: TimeStats::from_histogram(&metrics.agent_first_response),
                queue_wait: TimeStats::from_histogram(&metrics.queue_wait),
                resolution: TimeStats::from_histogram(&metrics.resolution),
            },
            turns: Turns {
                mean: if conversations == 0 {
                    0.0
                } else {
                    round_to(metrics.turns_sum as f64 / conversations as f64, 2)
                },
                max: metrics.turns_max,
            },
            funnel,
            personas,
            segments: segment_tallies
                .into_iter()
                .map(|(segment, tally)| (segment, Breakdown::new(None, &tally)))
                .collect(),
        }
    }

    /// The value an expectation names; `None` when it was not measured.
    pub fn value(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::Outcome(outcome) => Some(self.outcomes.get(outcome)),
            Metric::Rate(rate) => Some(self.rates.get(rate)),
            Metric::Time(timer, stat) => self.response_time.get(timer).get(stat),
            Metric::TurnsMean => Some(self.turns.mean),
            Metric::TurnsMax => Some(f64::from(self.turns.max)),
        }
    }
}

/// How text output may be decorated; decided once by the caller.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
}

/// Renders reports in `format`. Several YAML reports become a multi-document
/// stream and several JSON reports an array; one is a plain document.
pub fn render(reports: &[Report], format: Format, style: Style) -> String {
    match format {
        Format::Text => reports
            .iter()
            .map(|report| text::render(report, style))
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Markdown => reports
            .iter()
            .map(markdown::render)
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Yaml => reports
            .iter()
            .map(|report| serde_yaml::to_string(report).expect("a report always serialises"))
            .collect::<Vec<_>>()
            .join("---\n"),
        Format::Json => {
            let json = match reports {
                [one] => serde_json::to_string_pretty(one),
                many => serde_json::to_string_pretty(many),
            };
            json.expect("a report always serialises") + "\n"
        }
    }
}
