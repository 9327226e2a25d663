//! The numbers of the report's other blocks: CSAT, campaigns and
//! follow-ups, compliance, cost, queues and response times.

keyed! {
/// A number of the CSAT block (`csat.<key>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CsatStat {
    /// `sum of scores / surveys answered`, from 1 to 5.
    Mean = "mean",
    /// `scores of 4 or 5 / surveys answered`.
    Satisfied = "satisfied",
    /// `surveys answered / surveys shown`.
    ResponseRate = "response_rate",
}
}

keyed! {
/// A number of a campaign (`campaigns.<name>.<key>`) or of a node's
/// follow-ups (`follow_ups.<node>.<key>`). Counts are of messages, over all
/// replications; a customer is counted once per message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SendStat {
    /// Messages handed to WhatsApp (refusals are not sent).
    Sent = "sent",
    /// Messages that reached the customer's phone.
    Delivered = "delivered",
    /// Messages the business saw read: customers with read receipts off
    /// read without it showing.
    Read = "read",
    /// Customers who answered (typed, or tapped a button other than the
    /// opt-out).
    Replied = "replied",
    /// Of those, the ones who tapped one of the template's buttons.
    Clicked = "clicked",
    /// Customers who opted out of marketing on reading it.
    OptedOut = "opted_out",
    /// Conversations it started (or brought back) that reached a business
    /// goal afterwards.
    Converted = "converted",
    /// Messages WhatsApp would refuse, so never sent: no opt-in, an opt-out
    /// from marketing, or free-form text outside the 24-hour window.
    Refused = "refused",
    /// `read / delivered`: WhatsApp's "open rate", which can only count
    /// customers with read receipts on.
    OpenRate = "open_rate",
    /// `replied / delivered`.
    ResponseRate = "response_rate",
    /// Follow-ups only: conversations that answered it and were then
    /// resolved, by the bot or an agent (the article's recovered carts).
    Recovered = "recovered",
}
}

impl SendStat {
    /// Whether it is a fraction (else a count).
    pub fn is_rate(self) -> bool {
        matches!(self, SendStat::OpenRate | SendStat::ResponseRate)
    }
}

keyed! {
/// A count of the compliance block (`compliance.<key>`): messages WhatsApp
/// would refuse, which rehearse does not deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComplianceStat {
    /// Free-form messages (a follow-up's text, an agent's first reply) 24
    /// hours or more after the customer's last message (error 131047).
    OutsideWindow = "outside_window",
    /// Templates to customers who never opted in, or marketing to customers
    /// who opted out (error 131050).
    NotOptedIn = "not_opted_in",
}
}

keyed! {
/// A number of the cost block (`cost.<key>`), in the pricing's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CostStat {
    /// `Σ delivered templates × their category's price + conversations
    /// customers started × the service price`, over all replications.
    Total = "total",
    /// `total / conversations`.
    PerConversation = "per_conversation",
    /// `total / resolved conversations` (by the bot or an agent).
    PerResolution = "per_resolution",
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
    /// `abandoned / arrived`: the share of those handed to the queue who
    /// left before an agent took them.
    Abandonment,
    /// `chat slots in use / chat slots on shift`, time-averaged over the
    /// counting window (from the end of the warm-up to the end of arrivals).
    Utilisation,
    /// Time in this queue, for everyone who queued (`wait.<stat>`).
    Wait(Stat),
}

keyed! {
/// The response times of a report (`response_time.<key>`), in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    /// Customer message → the first bot message after it, for every customer
    /// message the customer stayed to see answered.
    Bot = "bot",
    /// Handoff → an agent's first message (queue wait plus the agent's first
    /// reply time), for customers an agent picked up.
    AgentFirstResponse = "agent_first_response",
    /// Time in an agent queue, for everyone who queued: until an agent took
    /// them, or until they gave up.
    QueueWait = "queue_wait",
    /// The customer's first message → the outcome, for resolved
    /// conversations (an agent resolves when the handling ends).
    Resolution = "resolution",
}
}

keyed! {
/// A statistic of a timer's durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stat {
    /// The exact mean.
    Mean = "mean",
    /// The nearest-rank median: the smallest duration with at least half of
    /// all durations at or below it (exact below 1.024 s, within 0.2% above).
    P50 = "p50",
    /// The nearest-rank 90th percentile.
    P90 = "p90",
    /// The nearest-rank 95th percentile.
    P95 = "p95",
    /// The nearest-rank 99th percentile.
    P99 = "p99",
    /// The exact maximum.
    Max = "max",
}
}

impl Timer {
    /// The report's block of timers.
    pub const BLOCK: &'static str = "response_time";
}

impl Stat {
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
