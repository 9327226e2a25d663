//! [`FlowBot`]: a bot that interprets a flow file, as the simulation runs it.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::bot::{Bot, Channel, Left, Prompt, Reply, Then};
use crate::model::SimTime;
use crate::model::flow::{Flow, IntentId, NodeId, NodeKind, Resolution};

/// A bot that passes through this many nodes without waiting for the
/// customer is looping (say, message nodes pointing at each other); the
/// conversation ends unresolved instead of hanging the run.
pub const MAX_BOT_STEPS_PER_TURN: u32 = 100;

/// A flow, played as a bot. Latencies and backend failures come from the
/// bot's own random stream, so a change to the bot never reshuffles the
/// customers.
pub(crate) struct FlowBot<'f> {
    flow: &'f Flow,
    rng: ChaCha8Rng,
    /// Where the bot is.
    node: NodeId,
    /// Where the last reply leads; `None` is a dead end.
    next: Option<NodeId>,
}

impl<'f> FlowBot<'f> {
    /// A bot that answers a customer's first message from the flow's start.
    pub fn new(flow: &'f Flow, rng: ChaCha8Rng) -> Self {
        FlowBot::opening_at(flow, rng, flow.start)
    }

    /// A bot that opens the conversation itself at `node` (a campaign's or a
    /// follow-up's entry point).
    pub fn opening_at(flow: &'f Flow, rng: ChaCha8Rng, node: NodeId) -> Self {
        FlowBot {
            flow,
            rng,
            node,
            next: Some(node),
        }
    }

    /// The first intent route whose intent matches the typed text.
    fn by_intent(&self, routes: &[(IntentId, NodeId)], key: &str, text: &str) -> Option<NodeId> {
        routes
            .iter()
            .find(|(intent, _)| self.flow.intents[*intent].matches(key, text))
            .map(|(_, target)| *target)
    }
}

impl<'f> Bot<'f> for FlowBot<'f> {
    fn read(&mut self, reply: &Reply<'_>) -> bool {
        let (target, understood) = match (&self.flow.nodes[self.node].kind, reply) {
            (NodeKind::Choice(choice), Reply::Tap(index)) => (choice.option_routes[*index], true),
            (NodeKind::Choice(choice), Reply::Typed(typed)) => {
                // People also type a button's title; the bot accepts that as a tap.
                match choice
                    .option_typed(&typed.key)
                    .map(|index| choice.option_routes[index])
                    .or_else(|| {
                        self.by_intent(&choice.intent_routes, &typed.key, &typed.text)
                            .map(Some)
                    }) {
                    Some(target) => (target, true),
                    None => (choice.fallback, false),
                }
            }
            (NodeKind::Question(question), Reply::Typed(typed)) => {
                // Intents first, so "agent" escapes a question whatever its pattern.
                if let Some(target) =
                    self.by_intent(&question.intent_routes, &typed.key, &typed.text)
                {
                    (Some(target), true)
                } else if question.pattern.is_match(typed.text.trim()) {
                    (question.valid, true)
                } else {
                    (question.invalid, false)
                }
            }
            // Customers act only at choices and questions, and tap only at
            // choices; anything else has nowhere to go.
            _ => (None, false),
        };
        self.next = target;
        understood
    }

    fn respond<C: Channel>(&mut self, at: SimTime, channel: &mut C) -> Result<Then<'f>, Left> {
        let flow = self.flow;
        let dead_end = |at| Then::Ends {
            resolution: Resolution::Unresolved,
            at,
        };
        let Some(mut node) = self.next else {
            return Ok(dead_end(at));
        };
        let mut now = at + flow.latency.sample(&mut self.rng);
        for _ in 0..MAX_BOT_STEPS_PER_TURN {
            self.node = node;
            channel.enter(node, now)?;
            let next = match &flow.nodes[node].kind {
                NodeKind::Message { text, next } => {
                    channel.deliver(text, now);
                    *next
                }
                NodeKind::Choice(choice) => {
                    channel.deliver(&choice.text, now);
                    return Ok(Then::Waits(Prompt::Options(&choice.options)));
                }
                NodeKind::Question(question) => {
                    channel.deliver(&question.text, now);
                    return Ok(Then::Waits(Prompt::Question(&question.text)));
                }
                NodeKind::Call(call) => {
                    now = now + call.latency.sample(&mut self.rng);
                    let failed = self.rng.random::<f64>() < call.fails.get();
                    channel.still_working(now)?;
                    if failed { call.error } else { call.ok }
                }
                NodeKind::Handoff(handoff) => {
                    if let Some(text) = &handoff.text {
                        channel.deliver(text, now);
                    }
                    return Ok(Then::HandsOff {
                        queue: handoff.queue,
                        at: now,
                    });
                }
                NodeKind::Survey(survey) => {
                    // A survey never holds the conversation: the bot moves on.
                    channel.deliver(&survey.question, now);
                    survey.next
                }
                NodeKind::End(end) => {
                    if let Some(text) = &end.text {
                        channel.deliver(text, now);
                    }
                    return Ok(Then::Ends {
                        resolution: end.resolution,
                        at: now,
                    });
                }
            };
            match next {
                Some(next) => node = next,
                None => return Ok(dead_end(now)),
            }
        }
        Ok(dead_end(now))
    }

    fn node(&self) -> NodeId {
        self.node
    }
}
