//! A flow played as a bot, one customer message at a time: what the
//! simulation's bot does, for a real WhatsApp bot to send.
//!
//! [`FlowSession`] interprets a flow exactly as `rehearse run` does (the same
//! routes, intents, patterns, latencies and backend failures, drawn from its
//! own seed). The example bot `examples/flow_bot.rs` serves any flow this
//! way over real webhooks, which is how `rehearse live` is checked against
//! `rehearse run`: the same flow, once simulated, once as a bot.
//!
//! ```
//! use rehearse::Loader;
//! use rehearse::session::{FlowSession, Input, Options};
//!
//! let flow = r#"
//! flow: tiny
//! start: menu
//! nodes:
//!   menu: {say: "Hi!", buttons: ["Yes", "No"], routes: {"Yes": done, "No": done}}
//!   done: {say: "Bye!", end: resolved}
//! "#;
//! let (flow, _) = Loader::new()
//!     .with_file("flow.yaml", flow)
//!     .flow("flow.yaml".as_ref())
//!     .unwrap();
//! let mut session = FlowSession::new(&flow, 7);
//! let opening = session.reply(Input::Text("hello"));
//! assert_eq!(opening.messages[0].text, "Hi!");
//! assert_eq!(opening.messages[0].options, Options::Buttons(vec!["Yes".into(), "No".into()]));
//! let next = session.reply(Input::Tap("Yes"));
//! assert_eq!(next.messages[0].text, "Bye!");
//! assert!(session.is_over());
//! ```

use std::borrow::Cow;
use std::time::Duration;

use crate::random::Draws;

use crate::conversation::bot::{Bot, Channel, Heard, Hours, Left, Outgoing, Reply, Then, Typed};
use crate::conversation::flow_bot::FlowBot;
use crate::model::SimTime;
use crate::model::flow::{
    ChoiceStyle, Flow, GoalId, NodeId, NodeKind, QueueId, Resolution, Scale, VariantId, text_key,
};
use crate::model::media::Media;

/// What the customer sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input<'a> {
    /// Typed text.
    Text(&'a str),
    /// A tap on the button or list row with this title.
    Tap(&'a str),
    /// An image, a voice note, a location, a sticker or a reaction.
    Media(Media),
}

/// One message of the bot, as WhatsApp shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// When it is due, after the customer's message: the flow's latency,
    /// and its backend calls before it.
    pub after: Duration,
    /// The text.
    pub text: String,
    /// An interactive message's header.
    pub header: Option<String>,
    /// An interactive message's footer.
    pub footer: Option<String>,
    /// What there is to tap.
    pub options: Options,
}

/// What a message offers to tap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Options {
    /// Nothing: a text message.
    None,
    /// Reply buttons, by title.
    Buttons(Vec<String>),
    /// A list behind a button.
    List {
        /// The label of the button that opens it.
        button: String,
        /// Its sections.
        sections: Vec<Section>,
    },
}

/// A list section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Its title, if any.
    pub title: Option<String>,
    /// Its rows: a title and an optional description each.
    pub rows: Vec<(String, Option<String>)>,
}

/// Where the conversation stands after the bot's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// The bot waits for the customer.
    Waits,
    /// The bot hands the customer to this agent queue.
    HandsOff(String),
    /// The conversation is over, resolved or not.
    Ends(bool),
}

/// The bot's answer to one customer message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// What it sends, in order.
    pub messages: Vec<Message>,
    /// Where that leaves the conversation.
    pub after: After,
}

/// Agents are always on shift for a session: handoffs never take a flow's
/// `closed:` route.
struct AlwaysOpen;

impl Hours for AlwaysOpen {
    fn open(&self, _queue: QueueId, _at: SimTime) -> bool {
        true
    }
}

static ALWAYS_OPEN: AlwaysOpen = AlwaysOpen;

/// One customer's conversation with a flow. A message after the
/// conversation ended (or was handed off) starts a new one from the start.
pub struct FlowSession<'f> {
    flow: &'f Flow,
    bot: FlowBot<'f>,
    rng: Draws,
    /// Whether the bot has answered the opening message.
    opened: bool,
    over: bool,
}

impl std::fmt::Debug for FlowSession<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowSession")
            .field("flow", &self.flow.name)
            .field("opened", &self.opened)
            .field("over", &self.over)
            .finish_non_exhaustive()
    }
}

impl<'f> FlowSession<'f> {
    /// A conversation with `flow`, whose latencies, backend failures and A/B
    /// variants are drawn from `seed`.
    pub fn new(flow: &'f Flow, seed: u64) -> FlowSession<'f> {
        let mut rng = crate::random::seeded(seed);
        let bot = FlowBot::new(flow, &ALWAYS_OPEN, crate::random::split(&mut rng));
        FlowSession {
            flow,
            bot,
            rng,
            opened: false,
            over: false,
        }
    }

    /// Whether the last turn ended the conversation or handed it off.
    pub fn is_over(&self) -> bool {
        self.over
    }

    /// The bot's answer to `input`. The first message of a conversation is
    /// answered from the flow's start, whatever it says, as in the
    /// simulation.
    pub fn reply(&mut self, input: Input<'_>) -> Turn {
        if self.over {
            self.bot = FlowBot::new(self.flow, &ALWAYS_OPEN, crate::random::split(&mut self.rng));
            self.opened = false;
            self.over = false;
        }
        if self.opened {
            let reply = self.reply_to(input);
            // A reaction the flow does not route: the bot takes no notice,
            // sends nothing and still waits where it was.
            if self.bot.read(&reply) == Heard::Ignored {
                return Turn {
                    messages: Vec::new(),
                    after: After::Waits,
                };
            }
        }
        self.opened = true;
        let mut channel = Recording {
            flow: self.flow,
            node: self.bot.node(),
            messages: Vec::new(),
        };
        let then = self
            .bot
            .respond(SimTime::ZERO, &mut channel)
            // The recording channel never reports a customer leaving.
            .unwrap_or(Then::Ends {
                resolution: Resolution::Unresolved,
                at: SimTime::ZERO,
            });
        let after = match then {
            Then::Waits(_) => After::Waits,
            Then::HandsOff { queue, .. } => {
                self.over = true;
                After::HandsOff(self.flow.queues[queue].clone())
            }
            Then::Ends { resolution, .. } => {
                self.over = true;
                After::Ends(resolution == Resolution::Resolved)
            }
        };
        Turn {
            messages: channel.messages,
            after,
        }
    }

    /// A tap names the option it taps by title; one that is not on offer
    /// where the bot waits reads as that title typed (people also type a
    /// button's title, and a stale tap of an older message reads the same).
    fn reply_to(&self, input: Input<'_>) -> Reply<'static> {
        let typed = |text: &str| {
            Reply::Typed(Typed {
                text: Cow::Owned(text.to_owned()),
                key: Cow::Owned(text_key(text)),
            })
        };
        match input {
            Input::Text(text) => typed(text),
            Input::Media(media) => Reply::Media(media),
            Input::Tap(title) => {
                let key = text_key(title);
                let options = match &self.flow.nodes[self.bot.node()].kind {
                    NodeKind::Choice(choice) => &choice.options[..],
                    NodeKind::Survey(survey) => &survey.options[..],
                    _ => &[],
                };
                match options.iter().position(|option| option.key == key) {
                    Some(index) => Reply::Tap(index),
                    None => typed(title),
                }
            }
        }
    }
}

/// Writes down what the bot delivers, with the layout of the node it is at.
struct Recording<'f> {
    flow: &'f Flow,
    node: NodeId,
    messages: Vec<Message>,
}

impl Channel for Recording<'_> {
    fn enter(&mut self, node: NodeId, _at: SimTime) -> Result<(), Left> {
        self.node = node;
        Ok(())
    }

    fn still_working(&mut self, _at: SimTime) -> Result<(), Left> {
        Ok(())
    }

    fn deliver(&mut self, message: Outgoing<'_>, at: SimTime) {
        let titles = || {
            message
                .options
                .iter()
                .map(|option| option.text.clone())
                .collect::<Vec<_>>()
        };
        let (header, footer, options) = match &self.flow.nodes[self.node].kind {
            NodeKind::Choice(choice) => {
                let options = match &choice.style {
                    ChoiceStyle::Buttons => Options::Buttons(titles()),
                    ChoiceStyle::List(list) => Options::List {
                        button: list.button.clone(),
                        sections: list
                            .sections
                            .iter()
                            .map(|section| Section {
                                title: section.title.clone(),
                                rows: section
                                    .rows
                                    .iter()
                                    .map(|row| (row.title.clone(), row.description.clone()))
                                    .collect(),
                            })
                            .collect(),
                    },
                };
                (choice.header.clone(), choice.footer.clone(), options)
            }
            NodeKind::Survey(survey) => {
                let options = match survey.scale {
                    Scale::Text => Options::None,
                    Scale::Buttons => Options::Buttons(titles()),
                    Scale::List => Options::List {
                        button: "Choose a score".to_owned(),
                        sections: vec![Section {
                            title: None,
                            rows: titles().into_iter().map(|title| (title, None)).collect(),
                        }],
                    },
                };
                (None, None, options)
            }
            _ => (None, None, Options::None),
        };
        self.messages.push(Message {
            after: Duration::from_millis(at.0),
            text: message.text.text.clone(),
            header,
            footer,
            options,
        });
    }

    fn converted(&mut self, _goal: GoalId) {}

    fn assigned(&mut self, _variant: VariantId) {}
}
