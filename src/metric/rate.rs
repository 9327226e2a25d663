//! The rates of a report: each one's key, formula, header, label and
//! direction. The formula over the tallies is `Tally::rate`.

keyed! {
/// The rates of a report (`rates.<key>`), each a fraction in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rate {
    /// `self_resolved / conversations`: solved by the bot alone.
    SelfResolution = "self_resolution",
    /// `(agent_resolved + abandoned_in_queue) / conversations`: every
    /// conversation handed to a human.
    Escalation = "escalation",
    /// `(abandoned_in_bot + abandoned_in_queue) / conversations`: every
    /// customer who left unserved.
    Abandonment = "abandonment",
    /// `replies not understood / customer replies`: replies the bot did not
    /// understand (fallback or invalid answer) over all replies to bot
    /// prompts (taps and typed text).
    Fallback = "fallback",
    /// `customer replies / bot prompts shown`: the share of the bot's
    /// questions, buttons, lists and surveys the customer answered.
    Response = "response",
}
}

impl Rate {
    /// How the text and markdown tables head its column.
    pub fn header(self) -> &'static str {
        match self {
            Rate::SelfResolution => "self-resolution",
            Rate::Escalation => "escalation",
            Rate::Abandonment => "abandonment",
            Rate::Fallback => "fallback",
            Rate::Response => "response",
        }
    }

    /// Its name on the HTML page.
    pub fn label(self) -> &'static str {
        match self {
            Rate::SelfResolution => "Self-resolution",
            Rate::Escalation => "Escalation",
            Rate::Abandonment => "Abandonment",
            Rate::Fallback => "Fallback",
            Rate::Response => "Response",
        }
    }

    /// Which direction is better, when there is one: `Some(true)` when
    /// higher is better.
    pub fn higher_is_better(self) -> Option<bool> {
        match self {
            Rate::SelfResolution | Rate::Response => Some(true),
            Rate::Abandonment | Rate::Fallback => Some(false),
            // Escalation is good or bad depending on why: no verdict.
            Rate::Escalation => None,
        }
    }
}
