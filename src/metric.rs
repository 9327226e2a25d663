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

/// Why a customer left without being served, for the funnel's `reasons`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The bot was silent longer than the customer's patience.
    BotSilence,
    /// The customer silently stopped answering (`drop_per_turn`).
    Dropped,
    /// The bot did not understand them once too often (`leaves_after_fallbacks`).
    Misunderstood,
    /// Nothing on screen was what they came for, and they had nothing to say.
    GaveUp,
    /// They left at a CSAT survey with more still to do.
    SurveySkipped,
    /// They waited in an agent queue longer than their patience.
    QueuePatience,
    /// An agent picked them up after their 24-hour customer service window
    /// closed: WhatsApp refuses the agent's message (131047).
    WindowClosed,
}

impl Reason {
    /// Every reason, in report order.
    pub const ALL: [Reason; 7] = [
        Reason::BotSilence,
        Reason::Dropped,
        Reason::Misunderstood,
        Reason::GaveUp,
        Reason::SurveySkipped,
        Reason::QueuePatience,
        Reason::WindowClosed,
    ];

    /// The report key, as in `funnel.welcome.reasons.dropped`.
    pub fn key(self) -> &'static str {
        match self {
            Reason::BotSilence => "bot_silence",
            Reason::Dropped => "dropped",
            Reason::Misunderstood => "misunderstood",
            Reason::GaveUp => "gave_up",
            Reason::SurveySkipped => "survey_skipped",
            Reason::QueuePatience => "queue_patience",
            Reason::WindowClosed => "window_closed",
        }
    }

    /// Position in [`Reason::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// How a person reads it, for the text report.
    pub fn phrase(self) -> &'static str {
        match self {
            Reason::BotSilence => "bot too slow",
            Reason::Dropped => "dropped off",
            Reason::Misunderstood => "misunderstood",
            Reason::GaveUp => "nothing for them",
            Reason::SurveySkipped => "skipped the survey",
            Reason::QueuePatience => "waited too long",
            Reason::WindowClosed => "24h window closed",
        }
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
    /// `customer replies / bot prompts shown`: the share of the bot's
    /// questions, buttons, lists and surveys the customer answered.
    Response,
}

impl Rate {
    /// Every rate, in report order.
    pub const ALL: [Rate; 5] = [
        Rate::SelfResolution,
        Rate::Escalation,
        Rate::Abandonment,
        Rate::Fallback,
        Rate::Response,
    ];

    /// The report key, as in `rates.self_resolution`.
    pub fn key(self) -> &'static str {
        match self {
            Rate::SelfResolution => "self_resolution",
            Rate::Escalation => "escalation",
            Rate::Abandonment => "abandonment",
            Rate::Fallback => "fallback",
            Rate::Response => "response",
        }
    }
}

/// A number of the CSAT block (`csat.<key>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CsatStat {
    /// `sum of scores / surveys answered`, from 1 to 5.
    Mean,
    /// `scores of 4 or 5 / surveys answered`.
    Satisfied,
    /// `surveys answered / surveys shown`.
    ResponseRate,
}

impl CsatStat {
    /// Every statistic, in report order.
    pub const ALL: [CsatStat; 3] = [CsatStat::Mean, CsatStat::Satisfied, CsatStat::ResponseRate];

    /// The report key.
    pub fn key(self) -> &'static str {
        match self {
            CsatStat::Mean => "mean",
            CsatStat::Satisfied => "satisfied",
            CsatStat::ResponseRate => "response_rate",
        }
    }
}

/// A number of a campaign (`campaigns.<name>.<key>`) or of a node's
/// follow-ups (`follow_ups.<node>.<key>`). Counts are of messages, over all
/// replications; a customer is counted once per message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SendStat {
    /// Messages handed to WhatsApp (refusals are not sent).
    Sent,
    /// Messages that reached the customer's phone.
    Delivered,
    /// Messages the business saw read: customers with read receipts off
    /// read without it showing.
    Read,
    /// Customers who answered (typed, or tapped a button other than the
    /// opt-out).
    Replied,
    /// Of those, the ones who tapped one of the template's buttons.
    Clicked,
    /// Customers who opted out of marketing on reading it.
    OptedOut,
    /// Conversations it started (or brought back) that reached a business
    /// goal afterwards.
    Converted,
    /// Messages WhatsApp would refuse, so never sent: no opt-in, an opt-out
    /// from marketing, or free-form text outside the 24-hour window.
    Refused,
    /// `read / delivered`: WhatsApp's "open rate", which can only count
    /// customers with read receipts on.
    OpenRate,
    /// `replied / delivered`.
    ResponseRate,
    /// Follow-ups only: conversations that answered it and were then
    /// resolved, by the bot or an agent (the article's recovered carts).
    Recovered,
}

impl SendStat {
    /// Every statistic, in report order.
    pub const ALL: [SendStat; 11] = [
        SendStat::Sent,
        SendStat::Delivered,
        SendStat::Read,
        SendStat::Replied,
        SendStat::Clicked,
        SendStat::OptedOut,
        SendStat::Converted,
        SendStat::Refused,
        SendStat::OpenRate,
        SendStat::ResponseRate,
        SendStat::Recovered,
    ];

    /// The report key.
    pub fn key(self) -> &'static str {
        match self {
            SendStat::Sent => "sent",
            SendStat::Delivered => "delivered",
            SendStat::Read => "read",
            SendStat::Replied => "replied",
            SendStat::Clicked => "clicked",
            SendStat::OptedOut => "opted_out",
            SendStat::Converted => "converted",
            SendStat::Refused => "refused",
            SendStat::OpenRate => "open_rate",
            SendStat::ResponseRate => "response_rate",
            SendStat::Recovered => "recovered",
        }
    }

    /// Whether it is a fraction (else a count).
    pub fn is_rate(self) -> bool {
        matches!(self, SendStat::OpenRate | SendStat::ResponseRate)
    }
}

/// A count of the compliance block (`compliance.<key>`): messages WhatsApp
/// would refuse, which rehearse does not deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComplianceStat {
    /// Free-form messages (a follow-up's text, an agent's first reply) 24
    /// hours or more after the customer's last message (error 131047).
    OutsideWindow,
    /// Templates to customers who never opted in, or marketing to customers
    /// who opted out (error 131050).
    NotOptedIn,
}

impl ComplianceStat {
    /// Both, in report order.
    pub const ALL: [ComplianceStat; 2] =
        [ComplianceStat::OutsideWindow, ComplianceStat::NotOptedIn];

    /// The report key.
    pub fn key(self) -> &'static str {
        match self {
            ComplianceStat::OutsideWindow => "outside_window",
            ComplianceStat::NotOptedIn => "not_opted_in",
        }
    }
}

/// A number of the cost block (`cost.<key>`), in the pricing's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CostStat {
    /// `Σ delivered templates × their category's price + conversations
    /// customers started × the service price`, over all replications.
    Total,
    /// `total / conversations`.
    PerConversation,
    /// `total / resolved conversations` (by the bot or an agent).
    PerResolution,
}

impl CostStat {
    /// Every statistic, in report order.
    pub const ALL: [CostStat; 3] = [
        CostStat::Total,
        CostStat::PerConversation,
        CostStat::PerResolution,
    ];

    /// The report key.
    pub fn key(self) -> &'static str {
        match self {
            CostStat::Total => "total",
            CostStat::PerConversation => "per_conversation",
            CostStat::PerResolution => "per_resolution",
        }
    }
}

/// A number of one agent queue (`queues.<name>.<key>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueueStat {
    /// Counted customers handed to the queue.
    Arrived,
    /// Those an agent took.
    Served,
    /// Those who left before an agent took them.
    Abandoned,
    /// `chat slots in use / chat slots on shift`, time-averaged over the
    /// counting window (from the end of the warm-up to the end of arrivals).
    Utilisation,
    /// Time in this queue, for everyone who queued (`wait.<stat>`).
    Wait(Stat),
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

/// Seven and thirty days: retention is measured over both
/// (`retention.d7`, `retention.d30`).
pub const RETENTION_DAYS: [u64; 2] = [7, 30];

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
            Metric::Queue(_, QueueStat::Utilisation) => true,
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
        let rate = |rate: &Rate| match rate {
            Rate::SelfResolution | Rate::Response => Some(true),
            Rate::Abandonment | Rate::Fallback => Some(false),
            // Escalation is good or bad depending on why: no verdict.
            Rate::Escalation => None,
        };
        match self {
            Metric::Outcome(o) | Metric::Group(_, _, GroupMetric::Outcome(o)) => outcome(o),
            Metric::Rate(r) | Metric::Group(_, _, GroupMetric::Rate(r)) => rate(r),
            Metric::Csat(_) | Metric::Group(_, _, GroupMetric::Csat(_)) => Some(true),
            Metric::Conversion(_)
            | Metric::ConversionValue(_)
            | Metric::Group(_, _, GroupMetric::Conversion(_)) => Some(true),
            Metric::Time(..) | Metric::TurnsMean | Metric::TurnsMax => Some(false),
            Metric::Funnel(_, FunnelCount::Abandoned | FunnelCount::Reason(_)) => Some(false),
            Metric::Queue(_, QueueStat::Abandoned | QueueStat::Wait(_)) => Some(false),
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
                crate::text::did_you_mean(
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
                GroupMetric::Csat(s) => Metric::Csat(s),
                GroupMetric::Conversion(goal) => Metric::Conversion(goal),
            });
        }
        let parts: Vec<&str> = name.split('.').collect();
        match parts.as_slice() {
            ["csat", stat] => CsatStat::ALL
                .into_iter()
                .find(|s| s.key() == *stat)
                .map(Metric::Csat)
                .ok_or_else(unknown),
            ["conversion", ..] if parts.len() >= 2 => {
                Ok(Metric::Conversion(name["conversion.".len()..].to_string()))
            }
            ["conversion_value", ..] if parts.len() >= 2 => Ok(Metric::ConversionValue(
                name["conversion_value.".len()..].to_string(),
            )),
            ["queues", ..] if parts.len() >= 3 => {
                let rest = &name["queues.".len()..];
                for split in rest.match_indices('.').map(|(at, _)| at) {
                    if let Some(stat) = queue_stat(&rest[split + 1..]) {
                        return Ok(Metric::Queue(rest[..split].to_string(), stat));
                    }
                }
                Err(format!(
                    "`{}` names no metric of a queue; write it like `queues.NAME.abandoned` or `queues.NAME.wait.p90`",
                    crate::source::cut(name, 80)
                ))
            }
            ["response_time", timer, stat] => {
                let timer = Timer::ALL.into_iter().find(|t| t.key() == *timer);
                let stat = Stat::ALL.into_iter().find(|s| s.key() == *stat);
                match (timer, stat) {
                    (Some(timer), Some(stat)) => Ok(Metric::Time(timer, stat)),
                    _ => Err(unknown()),
                }
            }
            [block @ ("campaigns" | "follow_ups"), ..] if parts.len() >= 3 => {
                let rest = &name[block.len() + 1..];
                let Some((owner, stat)) = rest.rsplit_once('.') else {
                    return Err(unknown());
                };
                let found = SendStat::ALL
                    .into_iter()
                    .filter(|s| *block == "follow_ups" || *s != SendStat::Recovered)
                    .find(|s| s.key() == stat);
                match (found, *block) {
                    (Some(stat), "campaigns") => Ok(Metric::Campaign(owner.to_string(), stat)),
                    (Some(stat), _) => Ok(Metric::FollowUp(owner.to_string(), stat)),
                    (None, _) => {
                        Err(format!(
                        "`{}`: a {} has {}",
                        crate::source::cut(name, 80),
                        if *block == "campaigns" { "campaign" } else { "node's follow-ups" },
                        crate::text::list(
                            SendStat::ALL
                                .iter()
                                .filter(|s| *block == "follow_ups" || **s != SendStat::Recovered)
                                .map(|s| s.key())
                        )
                    ))
                    }
                }
            }
            ["compliance", stat] => ComplianceStat::ALL
                .into_iter()
                .find(|s| s.key() == *stat)
                .map(Metric::Compliance)
                .ok_or_else(unknown),
            ["retention", days] => RETENTION_DAYS
                .into_iter()
                .find(|d| format!("d{d}") == *days)
                .map(Metric::Retention)
                .ok_or_else(unknown),
            ["cost", stat] => CostStat::ALL
                .into_iter()
                .find(|s| s.key() == *stat)
                .map(Metric::Cost)
                .ok_or_else(unknown),
            ["turns", "mean"] => Ok(Metric::TurnsMean),
            ["turns", "max"] => Ok(Metric::TurnsMax),
            [block @ ("personas" | "segments" | "variants"), ..] => {
                let group = match *block {
                    "personas" => Group::Persona,
                    "segments" => Group::Segment,
                    _ => Group::Variant,
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
            ["funnel", .., "reasons", reason] if parts.len() >= 4 => {
                let node = &name["funnel.".len()..name.len() - reason.len() - ".reasons.".len()];
                Reason::ALL
                    .into_iter()
                    .find(|r| r.key() == *reason)
                    .map(|r| Metric::Funnel(node.to_string(), FunnelCount::Reason(r)))
                    .ok_or_else(|| {
                        format!(
                            "`{reason}` is not a reason; a funnel node's reasons are {}",
                            crate::text::list(Reason::ALL.iter().map(|r| r.key()))
                        )
                    })
            }
            ["funnel", .., count] if parts.len() >= 3 => {
                let node = &name["funnel.".len()..name.len() - count.len() - 1];
                match *count {
                    "entered" => Ok(Metric::Funnel(node.to_string(), FunnelCount::Entered)),
                    "abandoned" => Ok(Metric::Funnel(node.to_string(), FunnelCount::Abandoned)),
                    _ => Err(format!(
                        "`{}`: a funnel node has `entered`, `abandoned` and `reasons.REASON`",
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
        names.extend(CsatStat::ALL.iter().map(|s| format!("csat.{}", s.key())));
        names.extend(
            ComplianceStat::ALL
                .iter()
                .map(|s| format!("compliance.{}", s.key())),
        );
        names.extend(RETENTION_DAYS.map(|days| Metric::Retention(days).to_string()));
        names.extend(CostStat::ALL.iter().map(|s| format!("cost.{}", s.key())));
        names
    }
}

/// `arrived`, `served`, `abandoned`, `utilisation` or `wait.<stat>`.
fn queue_stat(name: &str) -> Option<QueueStat> {
    match name {
        "arrived" => Some(QueueStat::Arrived),
        "served" => Some(QueueStat::Served),
        "abandoned" => Some(QueueStat::Abandoned),
        "utilisation" => Some(QueueStat::Utilisation),
        _ => {
            let stat = name.strip_prefix("wait.")?;
            Stat::ALL
                .into_iter()
                .find(|s| s.key() == stat)
                .map(QueueStat::Wait)
        }
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
    if let Some(stat) = name.strip_prefix("csat.") {
        return CsatStat::ALL
            .into_iter()
            .find(|s| s.key() == stat)
            .map(GroupMetric::Csat);
    }
    if let Some(goal) = name.strip_prefix("conversion.") {
        return Some(GroupMetric::Conversion(goal.to_string()));
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
            (
                "funnel.welcome.reasons.dropped",
                Metric::Funnel("welcome".into(), FunnelCount::Reason(Reason::Dropped)),
            ),
            ("response", Metric::Rate(Rate::Response)),
            ("csat.satisfied", Metric::Csat(CsatStat::Satisfied)),
            ("conversion.purchase", Metric::Conversion("purchase".into())),
            (
                "queues.support.wait.p90",
                Metric::Queue("support".into(), QueueStat::Wait(Stat::P90)),
            ),
            (
                "campaigns.weekend.sale.open_rate",
                Metric::Campaign("weekend.sale".into(), SendStat::OpenRate),
            ),
            (
                "follow_ups.ask_address.recovered",
                Metric::FollowUp("ask_address".into(), SendStat::Recovered),
            ),
            (
                "compliance.not_opted_in",
                Metric::Compliance(ComplianceStat::NotOptedIn),
            ),
            ("retention.d30", Metric::Retention(30)),
            ("cost.per_resolution", Metric::Cost(CostStat::PerResolution)),
            (
                "personas.lead.conversion.purchase",
                Metric::Group(
                    Group::Persona,
                    "lead".into(),
                    GroupMetric::Conversion("purchase".into()),
                ),
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
        assert!(Metric::parse("campaigns.sale.recovered").is_err());
        assert!(Metric::parse("retention.d14").is_err());
    }
}
