//! What a conversation reports as it goes, to whoever listens: the engine's
//! tallies, a transcript recorder, or nobody (warm-up traffic).

use super::bot::{Heard, Outgoing, Reply};
use crate::model::flow::{NodeId, Title};
use crate::model::media::MediaKind;
use crate::model::{Millis, SimTime};

/// Receives a conversation's events as they happen. Only `entered`,
/// `bot_responded` and `media` feed the report; the rest is for transcripts.
pub(crate) trait Observer {
    /// The bot entered `node` (possibly not for the first time).
    fn entered(&mut self, node: NodeId);
    /// The bot's first message after a customer message reached the customer
    /// `after` it was sent.
    fn bot_responded(&mut self, after: Millis);
    /// A bot message reached the customer.
    fn delivered(&mut self, _at: SimTime, _message: Outgoing<'_>) {}
    /// The customer sent `reply` (a tap on one of `options`, or text) and
    /// the bot understood it as `heard`.
    fn replied(&mut self, _at: SimTime, _reply: &Reply<'_>, _options: &[Title], _heard: Heard<'_>) {
    }
    /// The customer sent media of `kind` at `node`, and the bot took it as
    /// `heard` (routed, its fallback, or ignored). Feeds the funnel.
    fn media(&mut self, _node: NodeId, _kind: MediaKind, _heard: Heard<'_>) {}
}

/// Listens to nothing: for conversations that are simulated but not counted.
impl Observer for () {
    fn entered(&mut self, _node: NodeId) {}
    fn bot_responded(&mut self, _after: Millis) {}
}
