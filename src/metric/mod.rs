//! The names of the numbers in a report, each with its formula: the one
//! registry every layer derives from.
//!
//! A [`Metric`] is the typed name of one number: what an expectation gates
//! on (`abandonment: "<= 0.12"`), what `check` diffs and `compare` pairs,
//! what a report lists. Where each kind of number is defined:
//!
//! | Numbers | Defined in | Computed from the tallies in |
//! |---|---|---|
//! | `outcomes.*`, funnel `reasons.*` | [`Outcome`], [`Reason`] (`outcome.rs`) | `Tally::share`, `NodeCounts` |
//! | `rates.*` (abandonment, fallback, …) | [`Rate`] (`rate.rs`) | `Tally::rate` |
//! | `response_time.*`, `queues.*` | [`Timer`], [`Stat`], [`QueueStat`] (`block.rs`) | `Histogram::stats`, `QueueTally::stat` |
//! | `csat.*`, `campaigns.*`, `follow_ups.*` | [`CsatStat`], [`SendStat`] (`block.rs`) | `Tally::csat`, `CampaignTally::stat` |
//! | `compliance.*`, `retention.*`, `cost.*`, `conversion_value.*` | `block.rs`, [`RETENTION_DAYS`] | `crate::measure` (they need the scenario) |
//! | the paths themselves (`personas.NAME.abandonment`) | [`Metric`] (here) and `parse.rs` | |
//! | which numbers a report lists, in order | [`Metric::every`] (`list.rs`) | |
//!
//! Adding a rate: a line in `rate.rs` (its key, formula in a comment,
//! header, label, direction: the compiler asks for each) and its formula in
//! `Tally::rate`; plus, when it needs a new count, the engine code that
//! counts it. Every output, `check`, `compare` and `expect:` pick it up.
//!
//! Each set of keys is declared once with `keyed!`: the enum, its report
//! keys and its `ALL` list in report order come from one list, and every
//! other property (a header, a label, which direction is better) is an
//! exhaustive `match` next to it, so a new key without them does not
//! compile. The report, the renderers, `check` and `compare` iterate `ALL`.

use std::fmt;

/// Declares a set of report keys from one list: the enum, `ALL` (every
/// value, in report order), `key()` and `index()`. A value cannot lack its
/// key or be missing from `ALL`.
macro_rules! keyed {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $key:literal, )+
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// Every one, in report order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The report key.
            pub fn key(self) -> &'static str {
                match self {
                    $( $name::$variant => $key, )+
                }
            }

            /// Position in `ALL`.
            pub fn index(self) -> usize {
                self as usize
            }

            /// The one whose report key is `key`.
            pub fn from_key(key: &str) -> Option<$name> {
                $name::ALL.into_iter().find(|each| each.key() == key)
            }
        }
    };
}

mod block;
mod list;
mod outcome;
mod parse;
mod rate;

pub use block::{ComplianceStat, CostStat, CsatStat, QueueStat, SendStat, Stat, Timer};
pub(crate) use list::Candidates;
pub use list::Shape;
pub use outcome::{Outcome, Reason};
pub use rate::Rate;

/// Seven and thirty days: retention is measured over both
/// (`retention.d7`, `retention.d30`).
pub const RETENTION_DAYS: [u64; 2] = [7, 30];

/// `part / whole` as the report shows a share: rounded to 4 decimals, and
/// 0 when there is no whole.
pub(crate) fn fraction(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        round_to(part as f64 / whole as f64, 4)
    }
}

/// `value` rounded to `decimals` decimals, so a report prints identically
/// on every platform.
pub(crate) fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// A number of the same block for one group of conversations (all of them,
/// a persona, a segment).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupMetric {
    /// How many conversations the group had.
    Conversations,
    /// `outcomes.<outcome>`: the group's share with this outcome.
    Outcome(Outcome),
    /// `rates.<rate>` for the group.
    Rate(Rate),
    /// `csat.<stat>` for the group.
    Csat(CsatStat),
    /// `conversion.<goal>` for the group.
    Conversion(String),
}

/// The two counts of a funnel node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FunnelCount {
    /// Conversations that reached the node (each counted once).
    Entered,
    /// Conversations abandoned while at the node (in the bot, or in the queue
    /// of a handoff node).
    Abandoned,
    /// Those abandonments for one reason (`reasons.<reason>`).
    Reason(Reason),
}

/// Which conversations a per-group number is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// `personas.<name>`
    Persona,
    /// `segments.<name>`
    Segment,
    /// `variants.<name>`: customers an A/B split sent to the variant.
    Variant,
}

impl Group {
    /// The report key of the block.
    pub fn key(self) -> &'static str {
        match self {
            Group::Persona => "personas",
            Group::Segment => "segments",
            Group::Variant => "variants",
        }
    }
}

/// The typed name of one number in a report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// `conversations`: conversations counted, over all replications.
    Conversations,
    /// `outcomes.<outcome>`: the share of conversations with this outcome.
    Outcome(Outcome),
    /// `rates.<rate>` (or just `<rate>` in an expectation).
    Rate(Rate),
    /// `response_time.<timer>.<stat>`, in seconds.
    Time(Timer, Stat),
    /// `turns.mean`: customer turns (replies to bot prompts) per conversation.
    TurnsMean,
    /// `turns.max`: the most customer turns in one conversation.
    TurnsMax,
    /// `csat.<stat>`.
    Csat(CsatStat),
    /// `conversion.<goal>`: `conversations that reached the goal /
    /// conversations`, each conversation counted once per goal.
    Conversion(String),
    /// `conversion_value.<goal>`: `conversations that reached the goal ×
    /// its value / conversations`: what the goal brings per conversation.
    ConversionValue(String),
    /// `personas.<name>.<...>` or `segments.<name>.<...>`.
    Group(Group, String, GroupMetric),
    /// `funnel.<node>.entered`, `funnel.<node>.abandoned` or
    /// `funnel.<node>.reasons.<reason>`.
    Funnel(String, FunnelCount),
    /// `queues.<name>.<stat>`.
    Queue(String, QueueStat),
    /// `campaigns.<name>.<stat>`.
    Campaign(String, SendStat),
    /// `follow_ups.<node>.<stat>`.
    FollowUp(String, SendStat),
    /// `compliance.<stat>`.
    Compliance(ComplianceStat),
    /// `retention.d7` or `retention.d30`: `customers with another
    /// conversation within that many days of the start of their first /
    /// customers whose first conversation was counted`.
    Retention(u64),
    /// `cost.<stat>`.
    Cost(CostStat),
}

impl Metric {
    /// Whether the number is a fraction in [0, 1].
    pub fn is_fraction(&self) -> bool {
        let csat_fraction = |stat: &CsatStat| !matches!(stat, CsatStat::Mean);
        match self {
            Metric::Outcome(_) | Metric::Rate(_) | Metric::Conversion(_) => true,
            Metric::Csat(stat) => csat_fraction(stat),
            Metric::Queue(_, QueueStat::Utilisation | QueueStat::Abandonment) => true,
            Metric::Campaign(_, stat) | Metric::FollowUp(_, stat) => stat.is_rate(),
            Metric::Retention(_) => true,
            Metric::Group(_, _, metric) => match metric {
                GroupMetric::Outcome(_) | GroupMetric::Rate(_) | GroupMetric::Conversion(_) => true,
                GroupMetric::Csat(stat) => csat_fraction(stat),
                GroupMetric::Conversations => false,
            },
            _ => false,
        }
    }

    /// Whether the number is a duration in seconds.
    pub fn is_time(&self) -> bool {
        matches!(
            self,
            Metric::Time(..) | Metric::Queue(_, QueueStat::Wait(_))
        )
    }

    /// Whether the number is a count that adds up over replications (so
    /// its interval is that of a total, not of a mean).
    pub fn is_count(&self) -> bool {
        matches!(
            self,
            Metric::Conversations
                | Metric::Funnel(..)
                | Metric::Group(_, _, GroupMetric::Conversations)
                | Metric::Queue(
                    _,
                    QueueStat::Arrived | QueueStat::Served | QueueStat::Abandoned
                )
                | Metric::Compliance(_)
                | Metric::Cost(CostStat::Total)
        ) || matches!(self, Metric::Campaign(_, stat) | Metric::FollowUp(_, stat) if !stat.is_rate())
    }

    /// The number as expectations, `check`'s snapshot diff and `compare`
    /// read it: a count ([`Metric::is_count`]) per replication, `total /
    /// replications`; any other number as it is. A report states counts as
    /// totals over its replications, so a total would double with
    /// `--replications` doubled while the flow stayed the same; the mean per
    /// replication (one `duration` of traffic) does not. With no
    /// replication there is nothing to divide by, and the value is returned
    /// as it is.
    pub fn per_replication(&self, value: f64, replications: u32) -> f64 {
        if self.is_count() && replications > 0 {
            value / f64::from(replications)
        } else {
            value
        }
    }

    /// Which direction is better, when there is one: `Some(true)` when
    /// higher is better.
    pub fn higher_is_better(&self) -> Option<bool> {
        let outcome = |outcome: &Outcome| match outcome {
            Outcome::SelfResolved => Some(true),
            // More conversations resolved by agents is good when they would
            // otherwise be abandoned, bad when the bot could have resolved
            // them: like escalation, no direction.
            Outcome::AgentResolved => None,
            Outcome::AbandonedInBot | Outcome::AbandonedInQueue | Outcome::Unresolved => {
                Some(false)
            }
        };
        match self {
            Metric::Outcome(o) | Metric::Group(_, _, GroupMetric::Outcome(o)) => outcome(o),
            Metric::Rate(r) | Metric::Group(_, _, GroupMetric::Rate(r)) => r.higher_is_better(),
            Metric::Csat(_) | Metric::Group(_, _, GroupMetric::Csat(_)) => Some(true),
            Metric::Conversion(_)
            | Metric::ConversionValue(_)
            | Metric::Group(_, _, GroupMetric::Conversion(_)) => Some(true),
            Metric::Time(..) | Metric::TurnsMean | Metric::TurnsMax => Some(false),
            Metric::Funnel(_, FunnelCount::Abandoned | FunnelCount::Reason(_)) => Some(false),
            Metric::Queue(
                _,
                QueueStat::Abandoned | QueueStat::Abandonment | QueueStat::Wait(_),
            ) => Some(false),
            Metric::Queue(_, QueueStat::Served) => Some(true),
            Metric::Campaign(_, stat) | Metric::FollowUp(_, stat) => match stat {
                SendStat::Sent | SendStat::Delivered => None,
                SendStat::OptedOut | SendStat::Refused => Some(false),
                _ => Some(true),
            },
            Metric::Compliance(_) | Metric::Cost(_) => Some(false),
            Metric::Retention(_) => Some(true),
            _ => None,
        }
    }
}

impl fmt::Display for GroupMetric {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            GroupMetric::Conversations => f.write_str("conversations"),
            GroupMetric::Outcome(o) => write!(f, "outcomes.{}", o.key()),
            GroupMetric::Rate(r) => write!(f, "rates.{}", r.key()),
            GroupMetric::Csat(s) => write!(f, "csat.{}", s.key()),
            GroupMetric::Conversion(goal) => write!(f, "conversion.{goal}"),
        }
    }
}

/// The report's path of the number, like `rates.abandonment`.
impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Metric::Conversations => f.write_str("conversations"),
            Metric::Outcome(o) => write!(f, "outcomes.{}", o.key()),
            Metric::Rate(r) => write!(f, "rates.{}", r.key()),
            Metric::Time(t, s) => write!(f, "response_time.{}.{}", t.key(), s.key()),
            Metric::TurnsMean => f.write_str("turns.mean"),
            Metric::TurnsMax => f.write_str("turns.max"),
            Metric::Csat(s) => write!(f, "csat.{}", s.key()),
            Metric::Conversion(goal) => write!(f, "conversion.{goal}"),
            Metric::ConversionValue(goal) => write!(f, "conversion_value.{goal}"),
            Metric::Group(group, name, metric) => write!(f, "{}.{name}.{metric}", group.key()),
            Metric::Funnel(node, FunnelCount::Entered) => write!(f, "funnel.{node}.entered"),
            Metric::Funnel(node, FunnelCount::Abandoned) => write!(f, "funnel.{node}.abandoned"),
            Metric::Funnel(node, FunnelCount::Reason(r)) => {
                write!(f, "funnel.{node}.reasons.{}", r.key())
            }
            Metric::Queue(queue, stat) => match stat {
                QueueStat::Arrived => write!(f, "queues.{queue}.arrived"),
                QueueStat::Served => write!(f, "queues.{queue}.served"),
                QueueStat::Abandoned => write!(f, "queues.{queue}.abandoned"),
                QueueStat::Abandonment => write!(f, "queues.{queue}.abandonment"),
                QueueStat::Utilisation => write!(f, "queues.{queue}.utilisation"),
                QueueStat::Wait(s) => write!(f, "queues.{queue}.wait.{}", s.key()),
            },
            Metric::Campaign(name, stat) => write!(f, "campaigns.{name}.{}", stat.key()),
            Metric::FollowUp(node, stat) => write!(f, "follow_ups.{node}.{}", stat.key()),
            Metric::Compliance(stat) => write!(f, "compliance.{}", stat.key()),
            Metric::Retention(days) => write!(f, "retention.d{days}"),
            Metric::Cost(stat) => write!(f, "cost.{}", stat.key()),
        }
    }
}
