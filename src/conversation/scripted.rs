//! A bot that follows a script, for testing the conversation driver and the
//! customer model without a flow file.

use super::bot::{Bot, Channel, Heard, Left, Outgoing, Prompt, Reply, Then};
use crate::model::flow::{NodeId, QueueId, Resolution, Template, Text, Title};
use crate::model::script::ScriptCounts;
use crate::model::{Millis, SimTime};

/// One answer of the script: after `delay`, send `texts` (each from a node
/// of its own, numbered from 1), then do `then`.
pub(crate) struct Step {
    pub delay: Millis,
    pub texts: Vec<Text>,
    pub then: Scripted,
    /// Whether the bot understands the reply it gets after this step.
    pub understands: bool,
}

pub(crate) enum Scripted {
    Options(Vec<Title>),
    Question(Text),
    HandOff(QueueId),
    End(Resolution),
}

/// The prompt text of options shown after no message.
static NO_TEXT: Text = Text {
    text: String::new(),
    lower: String::new(),
    words: ScriptCounts::NONE,
};

/// Plays its steps in order, whatever the customer says; after the last
/// step the conversation is a dead end.
pub(crate) struct ScriptedBot<'b> {
    steps: &'b [Step],
    next: usize,
    node: NodeId,
    /// What the customer sent, as text (`tap N` for a tap).
    pub replies: Vec<String>,
}

impl<'b> ScriptedBot<'b> {
    pub fn new(steps: &'b [Step]) -> ScriptedBot<'b> {
        ScriptedBot {
            steps,
            next: 0,
            node: 0,
            replies: Vec::new(),
        }
    }
}

impl<'b> Bot<'b> for ScriptedBot<'b> {
    fn read(&mut self, reply: &Reply<'_>) -> Heard<'b> {
        self.replies.push(match reply {
            Reply::Tap(index) => format!("tap {index}"),
            Reply::Typed(typed) => typed.text.to_string(),
            Reply::Media(media) => media.shown(),
        });
        let understands = self
            .next
            .checked_sub(1)
            .and_then(|last| self.steps.get(last))
            .is_none_or(|step| step.understands);
        if understands {
            Heard::Valid
        } else {
            Heard::Fallback
        }
    }

    /// A template's answer is read like any reply: the script goes on.
    fn read_template(&mut self, _template: &'b Template, reply: &Reply<'_>) -> Heard<'b> {
        self.read(reply)
    }

    fn respond<C: Channel>(&mut self, at: SimTime, channel: &mut C) -> Result<Then<'b>, Left> {
        let steps = self.steps;
        let Some(step) = steps.get(self.next) else {
            return Ok(Then::Ends {
                resolution: Resolution::Unresolved,
                at,
            });
        };
        self.next += 1;
        let now = at + step.delay;
        for text in &step.texts {
            self.node += 1;
            channel.enter(self.node, now)?;
            channel.deliver(Outgoing { text, options: &[] }, now);
        }
        Ok(match &step.then {
            Scripted::Options(options) => Then::Waits(Prompt::Options {
                text: step.texts.last().unwrap_or(&NO_TEXT),
                options,
            }),
            Scripted::Question(text) => Then::Waits(Prompt::Question(text)),
            Scripted::HandOff(queue) => Then::HandsOff {
                queue: *queue,
                at: now,
            },
            Scripted::End(resolution) => Then::Ends {
                resolution: *resolution,
                at: now,
            },
        })
    }

    fn node(&self) -> NodeId {
        self.node
    }
}
