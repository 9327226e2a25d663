//! What a conversation reports as it goes, to whoever listens: the engine's
//! tallies, a transcript recorder, or nobody (warm-up traffic).

use crate::model::Millis;
use crate::model::flow::NodeId;

/// Receives a conversation's events as they happen.
pub(crate) trait Observer {
    /// The bot entered `node` (possibly not for the first time).
    fn entered(&mut self, node: NodeId);
    /// The bot's first message after a customer message reached the customer
    /// `after` it was sent.
    fn bot_responded(&mut self, after: Millis);
}

/// Listens to nothing: for conversations that are simulated but not counted.
impl Observer for () {
    fn entered(&mut self, _node: NodeId) {}
    fn bot_responded(&mut self, _after: Millis) {}
}
