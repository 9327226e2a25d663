//! Sample conversations as the customer saw them: what the bot sent (with
//! its buttons), what the customer tapped or typed, how the bot understood
//! it, and how it ended. A designer reads these to find out why the numbers
//! are what they are ("order" matched the wrong intent).

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

/// `0:07`, `12:30`, `1:02:03`: a time since the conversation started.
pub(crate) fn clock(seconds: f64) -> String {
    let total = seconds.round() as u64;
    let (hours, minutes, seconds) = (total / 3600, (total / 60) % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// A transcript as plain lines of text, for the terminal and markdown.
pub(crate) fn lines(transcript: &Transcript) -> Vec<String> {
    // A simulated customer's first message has no text; a live one's does,
    // and is the first line.
    let opening = transcript
        .lines
        .first()
        .is_some_and(|line| line.speaker == Speaker::Customer && line.at == 0.0);
    let mut out = Vec::with_capacity(transcript.lines.len() + 2);
    if !opening {
        out.push(format!("{:>7}  customer  (writes to the bot)", clock(0.0)));
    }
    for line in &transcript.lines {
        let who = match line.speaker {
            Speaker::Customer => "customer",
            Speaker::Bot => "bot",
        };
        let text = if line.tapped {
            format!("[{}]", line.text)
        } else {
            line.text.replace('\n', " ")
        };
        let understood = line
            .understood_as
            .as_ref()
            .map(|how| format!("  → {how}"))
            .unwrap_or_default();
        out.push(format!(
            "{:>7}  {who:<8}  {text}{understood}",
            clock(line.at)
        ));
        if !line.options.is_empty() {
            let options: Vec<String> = line.options.iter().map(|o| format!("[{o}]")).collect();
            out.push(format!("{:>7}  {:<8}  {}", "", "", options.join(" ")));
        }
    }
    let reason = transcript
        .reason
        .map(|reason| format!(" ({})", reason.phrase()))
        .unwrap_or_default();
    // Live mode does not know the bot's nodes.
    let node = if transcript.node.is_empty() {
        String::new()
    } else {
        format!(" at `{}`", transcript.node)
    };
    out.push(format!(
        "{:>7}  ended: {}{node}{reason}",
        clock(transcript.ended),
        transcript.outcome.key().replace('_', " "),
    ));
    out
}

/// The heading of a transcript.
pub(crate) fn heading(number: usize, transcript: &Transcript) -> String {
    format!(
        "{number}. {}, \"{}\" (replication {}, conversation {})",
        transcript.persona,
        transcript.goal,
        transcript.replication + 1,
        transcript.conversation + 1
    )
}
