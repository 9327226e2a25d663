//! The bot side of a conversation, as the customer meets it.
//!
//! A [`Bot`] reads each customer reply, then works and sends messages until
//! it needs the customer again or the conversation leaves it. It talks
//! through a [`Channel`], which stands for the customer's screen: the channel
//! knows the customer's patience and may answer that they left while the bot
//! was silent. [`super::flow_bot::FlowBot`] interprets a flow file; live mode
//! drives a real bot over HTTP with the same customer model.

use crate::model::SimTime;
use crate::model::flow::{
    GoalId, NodeId, QueueId, Resolution, Survey, Template, Text, Title, VariantId,
};
use crate::model::media::{Media, MediaKind};

/// A customer's message to the bot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply<'p> {
    /// Taps the option at this index of what is on screen.
    Tap(usize),
    /// Types text.
    Typed(Typed<'p>),
    /// Sends an image, a voice note, a location, a sticker or a reaction.
    Media(Media),
}

/// Typed text, with the key titles and intents are matched by.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Typed<'p> {
    /// As typed.
    pub text: std::borrow::Cow<'p, str>,
    /// Its text key ([`crate::model::flow::text_key`]: case, accents, letter variants, digits and white space folded).
    pub key: std::borrow::Cow<'p, str>,
}

/// What the customer must answer when the bot waits.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Prompt<'b> {
    /// Reply buttons or list rows, under the message's text.
    Options {
        text: &'b Text,
        options: &'b [Title],
    },
    /// A free-text question.
    Question(&'b Text),
    /// A CSAT survey.
    Survey(&'b Survey),
}

/// A message as it reaches the customer: its text and anything to tap.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outgoing<'b> {
    pub text: &'b Text,
    pub options: &'b [Title],
}

/// How the bot understood a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Heard<'b> {
    /// A tap, or the title of an option typed.
    Option(&'b str),
    /// Typed text matching an intent.
    Intent(&'b str),
    /// An answer matching a question's pattern.
    Valid,
    /// A CSAT score.
    Score(u8),
    /// Typed text the bot did not understand at a choice.
    Fallback,
    /// An answer not matching the question's pattern, or no score.
    Invalid,
    /// Media of a kind the node routes (`on_media`).
    Media(MediaKind),
    /// A reaction the node does not route: the bot takes no notice, the
    /// prompt stays on screen and the customer is still to answer it.
    Ignored,
}

impl Heard<'_> {
    /// Whether the bot understood: anything but a fallback or an invalid
    /// answer. (An ignored reaction is no misunderstanding: nothing was
    /// asked of it.)
    pub fn understood(self) -> bool {
        !matches!(self, Heard::Fallback | Heard::Invalid)
    }
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
    fn deliver(&mut self, message: Outgoing<'_>, at: SimTime);
    /// The conversation reached a business goal.
    fn converted(&mut self, goal: GoalId);
    /// An A/B split sent the customer to a variant.
    fn assigned(&mut self, variant: VariantId);
}

/// When a queue has an agent on shift, for a bot that routes a handoff
/// elsewhere while a queue is closed.
pub(crate) trait Hours: Sync {
    fn open(&self, queue: QueueId, at: SimTime) -> bool;
}

/// A bot under test.
pub(crate) trait Bot<'b> {
    /// Reads the customer's reply: how the bot understood it.
    fn read(&mut self, reply: &Reply<'_>) -> Heard<'b>;
    /// Reads the customer's answer to a template the business sent them
    /// (a campaign, a follow-up): how the bot understood it, and where it
    /// goes on from.
    fn read_template(&mut self, template: &'b Template, reply: &Reply<'_>) -> Heard<'b>;
    /// Works from the last reply (or from the customer's opening message)
    /// received at `at`, until it waits for the customer or the conversation
    /// leaves the bot.
    fn respond<C: Channel>(&mut self, at: SimTime, channel: &mut C) -> Result<Then<'b>, Left>;
    /// Where the bot is, for the funnel: the node it waits at, works at or
    /// ended at.
    fn node(&self) -> NodeId;
}
