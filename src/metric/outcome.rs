//! How conversations end, and why customers left.

use serde::Serialize;

keyed! {
/// How a conversation ends. Every conversation has exactly one outcome, so
/// the outcome shares of a report add up to 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Reached `end: resolved` without a handoff.
    SelfResolved = "self_resolved",
    /// Handed off and served by an agent.
    AgentResolved = "agent_resolved",
    /// Left before any handoff or end: out of patience, silently, or after
    /// too many misunderstandings.
    AbandonedInBot = "abandoned_in_bot",
    /// Handed off, then left before an agent picked up.
    AbandonedInQueue = "abandoned_in_queue",
    /// Reached `end: unresolved`, a dead end (the bot had nowhere to go), or
    /// the turn limit.
    Unresolved = "unresolved",
}
}

impl Outcome {
    /// Whether the customer left unserved.
    pub fn is_abandonment(self) -> bool {
        matches!(self, Outcome::AbandonedInBot | Outcome::AbandonedInQueue)
    }

    /// Whether the customer's problem was solved, by the bot or an agent.
    pub fn is_resolved(self) -> bool {
        matches!(self, Outcome::SelfResolved | Outcome::AgentResolved)
    }
}

keyed! {
/// Why a customer left without being served, for the funnel's `reasons`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The bot was silent longer than the customer's patience.
    BotSilence = "bot_silence",
    /// The customer silently stopped answering (`drop_per_turn`).
    Dropped = "dropped",
    /// The bot did not understand them once too often (`leaves_after_fallbacks`).
    Misunderstood = "misunderstood",
    /// Nothing on screen was what they came for, and they had nothing to say.
    GaveUp = "gave_up",
    /// They left at a CSAT survey with more still to do.
    SurveySkipped = "survey_skipped",
    /// They waited in an agent queue longer than their patience.
    QueuePatience = "queue_patience",
    /// They were handed to an agent queue that was full (see
    /// `limits::MAX_WAITING`), and turned away at once.
    QueueFull = "queue_full",
    /// An agent picked them up after their 24-hour customer service window
    /// closed: WhatsApp refuses the agent's message (131047).
    WindowClosed = "window_closed",
}
}

impl Reason {
    /// How a person reads it, for the text report.
    pub fn phrase(self) -> &'static str {
        match self {
            Reason::BotSilence => "bot too slow",
            Reason::Dropped => "dropped off",
            Reason::Misunderstood => "misunderstood",
            Reason::GaveUp => "nothing for them",
            Reason::SurveySkipped => "skipped the survey",
            Reason::QueuePatience => "waited too long",
            Reason::QueueFull => "queue full",
            Reason::WindowClosed => "24h window closed",
        }
    }
}
