//! Sample conversations as the customer saw them: what the bot sent (with
//! its buttons), what the customer tapped or typed, how the bot understood
//! it, and how it ended. The engine records them; the report
//! ([`crate::report::transcript`]) shows them.

use serde::Serialize;

use crate::metric::{Outcome, Reason};

/// One conversation, line by line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transcript {
    /// The persona.
    pub persona: String,
    /// What the customer came for.
    pub goal: String,
    /// Which replication it comes from (from 0).
    pub replication: u32,
    /// Its number among the counted conversations of the replication (from 0).
    pub conversation: u64,
    /// What was said, in order.
    pub lines: Vec<Line>,
    /// How it ended.
    pub outcome: Outcome,
    /// Where it ended (the flow's node; empty in live mode, where the
    /// bot's nodes are not known).
    pub node: String,
    /// Why an abandoned conversation was abandoned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// When it ended, in seconds from the customer's first message.
    pub ended: f64,
}

/// Who speaks a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    /// The simulated customer.
    Customer,
    /// The bot under test.
    Bot,
}

/// One message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// Seconds from the customer's first message.
    pub at: f64,
    /// Who sent it.
    pub speaker: Speaker,
    /// The text; for a tap, the title tapped.
    pub text: String,
    /// Buttons or list rows offered with a bot message.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// For a customer's tap: true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tapped: bool,
    /// How the bot understood a customer message: `option "Track order"`,
    /// `intent track`, `valid answer`, `score 4`, `not understood`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub understood_as: Option<String>,
}

/// Which conversations to show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Filter {
    /// Any conversation.
    #[default]
    Any,
    /// Those with this outcome.
    Outcome(Outcome),
    /// Those that ended at this node.
    Node(String),
}

impl Filter {
    /// `abandoned_in_bot` (an outcome) or a node's name.
    pub fn parse(text: &str) -> Filter {
        match Outcome::ALL
            .into_iter()
            .find(|outcome| outcome.key() == text)
        {
            Some(outcome) => Filter::Outcome(outcome),
            None => Filter::Node(text.to_string()),
        }
    }

    /// Whether `transcript` is one to show.
    pub fn admits(&self, transcript: &Transcript) -> bool {
        match self {
            Filter::Any => true,
            Filter::Outcome(outcome) => transcript.outcome == *outcome,
            Filter::Node(node) => &transcript.node == node,
        }
    }
}
