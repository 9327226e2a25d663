//! The bot side of a conversation, as the customer meets it.
//!
//! A [`Bot`] reads each customer reply, then works and sends messages until
//! it needs the customer again or the conversation leaves it. It talks
//! through a [`Channel`], which stands for the customer's screen: the channel
//! knows the customer's patience and may answer that they left while the bot
//! was silent. [`super::flow_bot::FlowBot`] interprets a flow file; live mode
//! drives a real bot over HTTP with the same customer model.

use crate::model::SimTime;
use crate::model::flow::{NodeId, QueueId, Resolution, Text, Title};

/// A customer's message to the bot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply<'p> {
    /// Taps the option at this index of what is on screen.
    Tap(usize),
    /// Types text.
    Typed(Typed<'p>),
}

/// Typed text, with the key titles and intents are matched by.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Typed<'p> {
    /// As typed.
    pub text: std::borrow::Cow<'p, str>,
    /// Trimmed and lower-cased ([`crate::model::flow::normalize`]).
    pub key: std::borrow::Cow<'p, str>,
}

/// What the customer must answer when the bot waits.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Prompt<'b> {
    /// Reply buttons or list rows.
    Options(&'b [Title]),
    /// A free-text question.
    Question(&'b Text),
}

/// What the bot does once it has worked through a reply.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Then<'b> {
    /// Waits for the customer's answer to `prompt`.
    Waits(Prompt<'b>),
    /// Hands the conversation to a human agent queue at `at`.
    HandsOff { queue: QueueId, at: SimTime },
    /// Ends the conversation at `at`: a resolution, or (`Unresolved`) a dead
    /// end where the bot had nowhere to go.
    Ends { resolution: Resolution, at: SimTime },
}

/// The customer left while the bot was silent, at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Left {
    pub at: SimTime,
}

/// The customer's side of the bot's work: the screen messages arrive on.
pub(crate) trait Channel {
    /// The bot enters `node` at `at` (for the funnel). Fails if the customer
    /// ran out of patience before `at`.
    fn enter(&mut self, node: NodeId, at: SimTime) -> Result<(), Left>;
    /// The bot is still working at `at` (a backend call returned). Fails if
    /// the customer ran out of patience before.
    fn still_working(&mut self, at: SimTime) -> Result<(), Left>;
    /// A message reaches the customer at `at`.
    fn deliver(&mut self, text: &Text, at: SimTime);
}

/// A bot under test.
pub(crate) trait Bot<'b> {
    /// Reads the customer's reply; whether the bot understood it (a tap, a
    /// recognised phrase or a valid answer, rather than a fallback).
    fn read(&mut self, reply: &Reply<'_>) -> bool;
    /// Works from the last reply (or from the customer's opening message)
    /// received at `at`, until it waits for the customer or the conversation
    /// leaves the bot.
    fn respond<C: Channel>(&mut self, at: SimTime, channel: &mut C) -> Result<Then<'b>, Left>;
    /// Where the bot is, for the funnel: the node it waits at, works at or
    /// ended at.
    fn node(&self) -> NodeId;
}
