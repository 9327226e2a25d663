//! The names of the numbers in a report, each with its formula.
//!
//! A [`Metric`] is the typed name of one number: what an expectation gates
//! on (`abandonment: "<= 0.12"`), what `check` diffs and `compare` pairs,
//! what a report lists. The report computes every number from the engine's
//! tallies by the formulas written here; renderers only read them.

use std::fmt;

use serde::Serialize;

/// How a conversation ends. Every conversation has exactly one outcome, so
/// the outcome shares of a report add up to 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Reached `end: resolved` without a handoff.
    SelfResolved,
    /// Handed off and served by an agent.
    AgentResolved,
    /// Left before any handoff or end: out of patience, silently, or after
    /// too many misunderstandings.
    AbandonedInBot,
    /// Handed off, then left before an agent picked up.
    AbandonedInQueue,
    /// Reached `end: unresolved`, a dead end (the bot had nowhere to go), or
    /// the turn limit.
    Unresolved,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 5] = [
        Outcome::SelfResolved,
        Outcome::AgentResolved,
        Outcome::AbandonedInBot,
        Outcome::AbandonedInQueue,
        Outcome::Unresolved,
    ];

    /// The report key, as in `outcomes.self_resolved`.
    pub fn key(self) -> &'static str {
        match self {
            Outcome::SelfResolved => "self_resolved",
            Outcome::AgentResolved => "agent_resolved",
            Outcome::AbandonedInBot => "abandoned_in_bot",
            Outcome::AbandonedInQueue => "abandoned_in_queue",
            Outcome::Unresolved => "unresolved",
        }
    }

    /// Position in [`Outcome::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the customer left unserved.
    pub fn is_abandonment(self) -> bool {
        matches!(self, Outcome::AbandonedInBot | Outcome::AbandonedInQueue)
    }

    /// Whether the customer's problem was solved, by the bot or an agent.
    pub fn is_resolved(self) -> bool {
        matches!(self, Outcome::SelfResolved | Outcome::AgentResolved)
    }
}

/// The rates of a report (`rates.<key>`), each a fraction in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rate {
    /// `self_resolved / conversations`: solved by the bot alone.
    SelfResolution,
    /// `(agent_resolved + abandoned_in_queue) / conversations`: every
    /// conversation handed to a human.
    Escalation,
    /// `(abandoned_in_bot + abandoned_in_queue) / conversations`: every
    /// customer who left unserved.
    Abandonment,
    /// `replies not understood / customer replies`: replies the bot did not
    /// understand (fallback or invalid answer) over all replies to bot
    /// prompts (taps and typed text).
    Fallback,
}

impl Rate {
    /// Every rate, in report order.
    pub const ALL: [Rate; 4] = [
        Rate::SelfResolution,
        Rate::Escalation,
        Rate::Abandonment,
        Rate::Fallback,
    ];

    /// The report key, as in `rates.self_resolution`.
    pub fn key(self) -> &'static str {
        match self {
            Rate::SelfResolution => "self_resolution",
            Rate::Escalation => "escalation",
            Rate::Abandonment => "abandonment",
            Rate::Fallback => "fallback",
        }
    }

    /// Which direction is better, for verdicts.
    pub fn higher_is_better(self) -> bool {
        matches!(self, Rate::SelfResolution)
    }
}

/// The response times of a report (`response_time.<key>`), in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    /// Customer message → the first bot message after it, for every customer
    /// message the customer stayed to see answered.
    Bot,
    /// Handoff → an agent's first message (queue wait plus the agent's first
    /// reply time), for customers an agent picked up.
    AgentFirstResponse,
    /// Time in an agent queue, for everyone who queued: until an agent took
    /// them, or until they gave up.
    QueueWait,
    /// The customer's first message → the outcome, for resolved
    /// conversations (an agent resolves when the handling ends).
    Resolution,
}

impl Timer {
    /// Every timer, in report order.
    pub const ALL: [Timer; 4] = [
        Timer::Bot,
        Timer::AgentFirstResponse,
        Timer::QueueWait,
        Timer::Resolution,
    ];

    /// The report key, as in `response_time.queue_wait`.
    pub fn key(self) -> &'static str {
        match self {
            Timer::Bot => "bot",
            Timer::AgentFirstResponse => "agent_first_response",
            Timer::QueueWait => "queue_wait",
            Timer::Resolution => "resolution",
        }
    }
}

/// A statistic of a timer's durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stat {
    /// The exact mean.
    Mean,
    /// The nearest-rank median: the smallest duration with at least half of
    /// all durations at or below it (exact below 1.024 s, within 0.2% above).
    P50,
    /// The nearest-rank 90th percentile.
    P90,
    /// The nearest-rank 95th percentile.
    P95,
    /// The nearest-rank 99th percentile.
    P99,
    /// The exact maximum.
    Max,
}

impl Stat {
    /// Every statistic, in report order.
    pub const ALL: [Stat; 6] = [
        Stat::Mean,
        Stat::P50,
        Stat::P90,
        Stat::P95,
        Stat::P99,
        Stat::Max,
    ];

    /// The report key, as in `response_time.bot.p95`.
    pub fn key(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::P50 => "p50",
            Stat::P90 => "p90",
            Stat::P95 => "p95",
            Stat::P99 => "p99",
            Stat::Max => "max",
        }
    }

    /// The quantile this statistic reads, if it is one.
    pub fn quantile(self) -> Option<f64> {
        match self {
            Stat::P50 => Some(0.50),
            Stat::P90 => Some(0.90),
            Stat::P95 => Some(0.95),
            Stat::P99 => Some(0.99),
            Stat::Mean | Stat::Max => None,
        }
    }
}

/// A number of the same block for one group of conversations (all of them,
/// a persona, a segment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupMetric {
    /// How many conversations the group had.
    Conversations,
    /// `outcomes.<outcome>`: the group's share with this outcome.
    Outcome(Outcome),
    /// `rates.<rate>` for the group.
    Rate(Rate),
}

/// The two counts of a funnel node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FunnelCount {
    /// Conversations that reached the node (each counted once).
    Entered,
    /// Conversations abandoned while at the node (in the bot, or in the queue
    /// of a handoff node).
    Abandoned,
}

impl FunnelCount {
    /// The report key.
    pub fn key(self) -> &'static str {
        match self {
            FunnelCount::Entered => "entered",
            FunnelCount::Abandoned => "abandoned",
        }
    }
}

/// Which conversations a per-group number is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// `personas.<name>`
    Persona,
    /// `segments.<name>`
    Segment,
}

impl Group {
    /// The report key of the block.
    pub fn key(self) -> &'static str {
        match self {
            Group::Persona => "personas",
            Group::Segment => "segments",
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
    /// `personas.<name>.<...>` or `segments.<name>.<...>`.
    Group(Group, String, GroupMetric),
    /// `funnel.<node>.entered` or `funnel.<node>.abandoned`.
    Funnel(String, FunnelCount),
}

impl Metric {
    /// Whether the number is a fraction in [0, 1].
    pub fn is_fraction(&self) -> bool {
        matches!(
            self,
            Metric::Outcome(_)
                | Metric::Rate(_)
                | Metric::Group(_, _, GroupMetric::Outcome(_) | GroupMetric::Rate(_))
        )
    }

    /// Whether the number is a duration in seconds.
    pub fn is_time(&self) -> bool {
        matches!(self, Metric::Time(..))
    }

    /// Whether the number is a count that adds up over replications (so
    /// its interval is that of a total, not of a mean).
    pub fn is_count(&self) -> bool {
        matches!(
            self,
            Metric::Conversations
                | Metric::Funnel(..)
                | Metric::Group(_, _, GroupMetric::Conversations)
        )
    }

    /// Which direction is better, when there is one: `Some(true)` when
    /// higher is better.
    pub fn higher_is_better(&self) -> Option<bool> {
        let outcome = |outcome: &Outcome| match outcome {
            Outcome::SelfResolved | Outcome::AgentResolved => Some(true),
            Outcome::AbandonedInBot | Outcome::AbandonedInQueue | Outcome::Unresolved => {
                Some(false)
            }
        };
        let rate = |rate: &Rate| match rate {
            Rate::SelfResolution => Some(true),
            Rate::Abandonment | Rate::Fallback => Some(false),
            // Escalation is good or bad depending on why: no verdict.
            Rate::Escalation => None,
        };
        match self {
            Metric::Outcome(o) | Metric::Group(_, _, GroupMetric::Outcome(o)) => outcome(o),
            Metric::Rate(r) | Metric::Group(_, _, GroupMetric::Rate(r)) => rate(r),
            Metric::Time(..) | Metric::TurnsMean | Metric::TurnsMax => Some(false),
            Metric::Funnel(_, FunnelCount::Abandoned) => Some(false),
            _ => None,
        }
    }

    /// Reads a metric name as users write it: the report's path
    /// (`rates.abandonment`, `personas.new-lead.rates.abandonment`), with
    /// the `rates.` step optional (`abandonment`,
    /// `personas.new-lead.abandonment`). The error says what was wrong.
    pub fn parse(name: &str) -> Result<Metric, String> {
        let name = name.trim();
        let unknown = || {
            format!(
                "`{}` is not a report metric{}",
                crate::source::cut(name, 80),
                crate::model::text::did_you_mean(
                    name,
                    Metric::examples().iter().map(String::as_str)
                )
            )
        };
        if name == "conversations" {
            return Ok(Metric::Conversations);
        }
        if let Some(metric) = group_metric(name) {
            return Ok(match metric {
                GroupMetric::Outcome(o) => Metric::Outcome(o),
                GroupMetric::Rate(r) => Metric::Rate(r),
                GroupMetric::Conversations => Metric::Conversations,
            });
        }
        let parts: Vec<&str> = name.split('.').collect();
        match parts.as_slice() {
            ["response_time", timer, stat] => {
                let timer = Timer::ALL.into_iter().find(|t| t.key() == *timer);
                let stat = Stat::ALL.into_iter().find(|s| s.key() == *stat);
                match (timer, stat) {
                    (Some(timer), Some(stat)) => Ok(Metric::Time(timer, stat)),
                    _ => Err(unknown()),
                }
            }
            ["turns", "mean"] => Ok(Metric::TurnsMean),
            ["turns", "max"] => Ok(Metric::TurnsMax),
            [block @ ("personas" | "segments"), ..] => {
                let group = if *block == "personas" {
                    Group::Persona
                } else {
                    Group::Segment
                };
                let rest = &name[block.len() + 1..];
                // Names may hold dots: read the metric from the end.
                for split in rest.match_indices('.').map(|(at, _)| at) {
                    let (group_name, metric) = (&rest[..split], &rest[split + 1..]);
                    if let Some(metric) = group_metric(metric) {
                        return Ok(Metric::Group(group, group_name.to_string(), metric));
                    }
                }
                Err(format!(
                    "`{}` names no metric of a group; write it like `{block}.NAME.abandonment` or `{block}.NAME.outcomes.self_resolved`",
                    crate::source::cut(name, 80)
                ))
            }
            ["funnel", .., count] if parts.len() >= 3 => {
                let node = &name["funnel.".len()..name.len() - count.len() - 1];
                match *count {
                    "entered" => Ok(Metric::Funnel(node.to_string(), FunnelCount::Entered)),
                    "abandoned" => Ok(Metric::Funnel(node.to_string(), FunnelCount::Abandoned)),
                    _ => Err(format!(
                        "`{}`: a funnel node has `entered` and `abandoned`",
                        crate::source::cut(name, 80)
                    )),
                }
            }
            _ => Err(unknown()),
        }
    }

    /// Names users commonly write, for "did you mean" suggestions.
    pub fn examples() -> Vec<String> {
        let mut names: Vec<String> = Rate::ALL.iter().map(|r| r.key().to_string()).collect();
        names.extend(Outcome::ALL.iter().map(|o| format!("outcomes.{}", o.key())));
        for timer in Timer::ALL {
            names.extend(
                Stat::ALL
                    .iter()
                    .map(|stat| format!("response_time.{}.{}", timer.key(), stat.key())),
            );
        }
        names.extend(["turns.mean", "turns.max", "conversations"].map(String::from));
        names
    }
}

/// `conversations`, `<rate>`, `rates.<rate>` or `outcomes.<outcome>`.
fn group_metric(name: &str) -> Option<GroupMetric> {
    if name == "conversations" {
        return Some(GroupMetric::Conversations);
    }
    let rate = name.strip_prefix("rates.").unwrap_or(name);
    if let Some(rate) = Rate::ALL.into_iter().find(|r| r.key() == rate) {
        return Some(GroupMetric::Rate(rate));
    }
    let outcome = name.strip_prefix("outcomes.")?;
    Outcome::ALL
        .into_iter()
        .find(|o| o.key() == outcome)
        .map(GroupMetric::Outcome)
}

impl fmt::Display for GroupMetric {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            GroupMetric::Conversations => f.write_str("conversations"),
            GroupMetric::Outcome(o) => write!(f, "outcomes.{}", o.key()),
            GroupMetric::Rate(r) => write!(f, "rates.{}", r.key()),
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
            Metric::Group(group, name, metric) => write!(f, "{}.{name}.{metric}", group.key()),
            Metric::Funnel(node, count) => write!(f, "funnel.{node}.{}", count.key()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_names_users_write() {
        let cases = [
            ("self_resolution", Metric::Rate(Rate::SelfResolution)),
            ("rates.fallback", Metric::Rate(Rate::Fallback)),
            ("outcomes.unresolved", Metric::Outcome(Outcome::Unresolved)),
            ("response_time.bot.p95", Metric::Time(Timer::Bot, Stat::P95)),
            ("turns.max", Metric::TurnsMax),
            (
                "personas.new-lead.abandonment",
                Metric::Group(
                    Group::Persona,
                    "new-lead".into(),
                    GroupMetric::Rate(Rate::Abandonment),
                ),
            ),
            (
                "segments.v1.2.outcomes.self_resolved",
                Metric::Group(
                    Group::Segment,
                    "v1.2".into(),
                    GroupMetric::Outcome(Outcome::SelfResolved),
                ),
            ),
            (
                "funnel.ask.order.abandoned",
                Metric::Funnel("ask.order".into(), FunnelCount::Abandoned),
            ),
        ];
        for (name, metric) in cases {
            assert_eq!(Metric::parse(name), Ok(metric.clone()), "{name}");
            // Display gives the report's path, which reads back the same.
            assert_eq!(Metric::parse(&metric.to_string()), Ok(metric));
        }
    }

    #[test]
    fn suggests_near_misses() {
        let error = Metric::parse("self_resolutoin").unwrap_err();
        assert!(error.contains("did you mean `self_resolution`"), "{error}");
        assert!(Metric::parse("funnel.welcome.left").is_err());
        assert!(Metric::parse("personas.x").is_err());
    }
}
