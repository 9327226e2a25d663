//! How a conversation ends. Every simulated conversation has exactly one
//! outcome, so the outcome shares of a report always add up to 1.

use serde::Serialize;

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

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn is_abandonment(self) -> bool {
        matches!(self, Outcome::AbandonedInBot | Outcome::AbandonedInQueue)
    }
}
