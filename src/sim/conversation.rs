//! One conversation from the customer's first message until it ends or is
//! handed to an agent queue.
//!
//! This part of a conversation touches no shared resource, so it is played
//! through in one go when the customer arrives; only the agent queues, which
//! conversations share, need the event queue. Times are still exact: every
//! step carries its own virtual timestamp.

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::customer::{self, Decision, Message, Prompt};
use super::rng::{Purpose, stream};
use crate::metrics::{Ending, Metrics};
use crate::model::Millis;
use crate::model::flow::{Choice, NodeId, NodeKind, Question, Resolution, same_text};
use crate::model::persona::{Goal, Persona};
use crate::model::scenario::{PoolId, Scenario};
use crate::outcome::Outcome;

/// A bot that passes through this many nodes without waiting for the
/// customer is looping (say, message nodes pointing at each other); the
/// conversation ends unresolved instead of hanging the run.
pub const MAX_BOT_STEPS_PER_TURN: u32 = 100;

/// How the bot phase ended.
pub(crate) enum BotPhaseEnd {
    /// The conversation is over.
    Ended {
        outcome: Outcome,
        node: NodeId,
        at: Millis,
    },
    /// The customer joins `pool`'s queue at `at`.
    HandedOff {
        node: NodeId,
        pool: PoolId,
        at: Millis,
    },
}

/// What the conversation carries into the agent queue.
pub(crate) struct Progress {
    pub persona: usize,
    pub started: Millis,
    pub turns: u32,
    pub replies: u64,
    pub not_understood: u64,
}

impl Progress {
    /// What the conversation contributes to the metrics when it ends with
    /// `outcome` at `node`, at time `at`.
    pub fn ending(&self, outcome: Outcome, node: NodeId, at: Millis) -> Ending {
        Ending {
            persona: self.persona,
            outcome,
            node,
            turns: self.turns,
            replies: self.replies,
            not_understood: self.not_understood,
            duration: at.saturating_sub(self.started),
        }
    }
}

/// One customer talking to the bot.
pub(crate) struct Conversation<'s> {
    scenario: &'s Scenario,
    persona_index: usize,
    persona: &'s Persona,
    goal: &'s Goal,
    /// The customer's own randomness: persona, goal, patience, timing, text.
    customer: ChaCha8Rng,
    /// The bot's randomness: latencies and backend failures.
    bot: ChaCha8Rng,
    bot_patience: Option<Millis>,
    started: Millis,
    turns: u32,
    replies: u64,
    not_understood: u64,
    /// Nodes this conversation has entered, so the funnel counts each once.
    visited: Vec<bool>,
}

/// A customer's reply, as the bot understood it.
struct Interpretation {
    target: Option<NodeId>,
    understood: bool,
}

impl<'s> Conversation<'s> {
    pub fn new(scenario: &'s Scenario, replication: u32, index: u64, started: Millis) -> Self {
        let mut customer = stream(scenario.seed, replication, index, Purpose::Customer);
        let bot = stream(scenario.seed, replication, index, Purpose::Bot);
        let persona_index = pick(scenario.mix.iter().copied(), customer.random());
        let persona = &scenario.personas[persona_index];
        let goal_index = pick(
            persona.goals.iter().map(|(cumulative, _)| *cumulative),
            customer.random(),
        );
        let goal = &persona.goals[goal_index].1;
        let bot_patience = persona
            .behaviour
            .patience
            .bot
            .as_ref()
            .map(|d| d.sample(&mut customer));
        Conversation {
            scenario,
            persona_index,
            persona,
            goal,
            customer,
            bot,
            bot_patience,
            started,
            turns: 0,
            replies: 0,
            not_understood: 0,
            visited: vec![false; scenario.flow.nodes.len()],
        }
    }

    /// Draws what the queue needs from the customer's stream: patience in
    /// the queue, and the agent's first reply and handle time for this case.
    pub fn queue_draws(&mut self, pool: PoolId) -> (Option<Millis>, Millis, Millis) {
        let pool = &self.scenario.pools[pool];
        let patience = self
            .persona
            .behaviour
            .patience
            .queue
            .as_ref()
            .map(|d| d.sample(&mut self.customer));
        let first_reply = pool.first_reply.sample(&mut self.customer);
        let handle_time = pool.handle_time.sample(&mut self.customer);
        (patience, first_reply, handle_time)
    }

    pub fn progress(&self) -> Progress {
        Progress {
            persona: self.persona_index,
            started: self.started,
            turns: self.turns,
            replies: self.replies,
            not_understood: self.not_understood,
        }
    }

    /// Plays the conversation until it ends or is handed off.
    pub fn run(&mut self, metrics: &mut Metrics) -> BotPhaseEnd {
        let flow = &self.scenario.flow;
        // The customer opens the chat; the bot answers from `start`.
        let mut node = flow.start;
        let mut message_at = self.started;
        let mut fallbacks = 0u32;
        loop {
            let (waiting_at, delivered_at, unread_words) =
                match self.bot_turn(node, message_at, metrics) {
                    Ok(waiting) => waiting,
                    Err(end) => return end,
                };
            node = waiting_at;
            if self.turns >= self.scenario.max_turns {
                return BotPhaseEnd::Ended {
                    outcome: Outcome::Unresolved,
                    node,
                    at: delivered_at,
                };
            }
            let prompt = match &flow.nodes[node].kind {
                NodeKind::Choice(choice) => Prompt::Options(&choice.options),
                NodeKind::Question(question) => Prompt::Question(&question.text),
                _ => unreachable!("bot_turn waits only at choices and questions"),
            };
            // A fresh stream per turn keeps later turns aligned even when this
            // one draws more or fewer numbers (a longer answer, a typo).
            let mut turn_rng = ChaCha8Rng::seed_from_u64(self.customer.next_u64());
            let decision = customer::decide(
                &self.persona.behaviour,
                self.goal,
                prompt,
                unread_words,
                &mut turn_rng,
            );
            let (delay, message) = match decision {
                Decision::Leaves { delay } => {
                    return BotPhaseEnd::Ended {
                        outcome: Outcome::AbandonedInBot,
                        node,
                        at: delivered_at.saturating_add(delay),
                    };
                }
                Decision::Sends { delay, message } => (delay, message),
            };
            let sent_at = delivered_at.saturating_add(delay);
            self.turns += 1;
            self.replies += 1;
            let reply = self.interpret(node, &message);
            if !reply.understood {
                self.not_understood += 1;
                fallbacks += 1;
                if self
                    .persona
                    .behaviour
                    .leaves_after_fallbacks
                    .is_some_and(|limit| fallbacks >= limit)
                {
                    // They leave once the bot's answer shows it did not understand.
                    let answer = flow.latency.sample(&mut self.bot);
                    return BotPhaseEnd::Ended {
                        outcome: Outcome::AbandonedInBot,
                        node,
                        at: sent_at.saturating_add(answer),
                    };
                }
            }
            match reply.target {
                Some(target) => {
                    node = target;
                    message_at = sent_at;
                }
                // The bot has nowhere to go: a dead end.
                None => {
                    return BotPhaseEnd::Ended {
                        outcome: Outcome::Unresolved,
                        node,
                        at: sent_at,
                    };
                }
            }
        }
    }

    /// The bot's work after a customer message sent at `message_at`, from
    /// `node` on, until it waits for the customer (returns the node, when its
    /// last message arrived, and how many words the customer has to read) or
    /// the conversation leaves the bot.
    fn bot_turn(
        &mut self,
        mut node: NodeId,
        message_at: Millis,
        metrics: &mut Metrics,
    ) -> Result<(NodeId, Millis, usize), BotPhaseEnd> {
        let flow = &self.scenario.flow;
        let mut now = message_at.saturating_add(flow.latency.sample(&mut self.bot));
        let mut turn = BotTurn {
            message_at,
            waiting_since: message_at,
            replied: false,
            unread_words: 0,
        };
        let dead_end = |node, at| BotPhaseEnd::Ended {
            outcome: Outcome::Unresolved,
            node,
            at,
        };
        for _ in 0..MAX_BOT_STEPS_PER_TURN {
            self.visit(node, metrics);
            self.out_of_patience(node, turn.waiting_since, now)?;
            match &flow.nodes[node].kind {
                NodeKind::Message { text, next } => {
                    turn.deliver(text, now, metrics);
                    node = next.ok_or(dead_end(node, now))?;
                }
                NodeKind::Choice(Choice { text, .. })
                | NodeKind::Question(Question { text, .. }) => {
                    turn.deliver(text, now, metrics);
                    return Ok((node, now, turn.unread_words));
                }
                NodeKind::Call(call) => {
                    now = now.saturating_add(call.latency.sample(&mut self.bot));
                    let failed = self.bot.random::<f64>() < call.fails.get();
                    self.out_of_patience(node, turn.waiting_since, now)?;
                    let target = if failed { call.error } else { call.ok };
                    node = target.ok_or(dead_end(node, now))?;
                }
                NodeKind::Handoff { text, .. } => {
                    if let Some(text) = text {
                        turn.deliver(text, now, metrics);
                    }
                    let pool = self.scenario.pool_of_node[node]
                        .expect("the loader staffs every handoff queue");
                    return Err(BotPhaseEnd::HandedOff {
                        node,
                        pool,
                        at: now,
                    });
                }
                NodeKind::Survey { question, next } => {
                    // A survey never holds the conversation: the bot moves on.
                    turn.deliver(question, now, metrics);
                    node = next.ok_or(dead_end(node, now))?;
                }
                NodeKind::End { text, resolution } => {
                    if let Some(text) = text {
                        turn.deliver(text, now, metrics);
                    }
                    let outcome = match resolution {
                        Resolution::Resolved => Outcome::SelfResolved,
                        Resolution::Unresolved => Outcome::Unresolved,
                    };
                    return Err(BotPhaseEnd::Ended {
                        outcome,
                        node,
                        at: now,
                    });
                }
            }
        }
        Err(dead_end(node, now))
    }

    /// The customer leaves if the bot has been silent longer than their patience.
    fn out_of_patience(
        &self,
        node: NodeId,
        waiting_since: Millis,
        now: Millis,
    ) -> Result<(), BotPhaseEnd> {
        match self.bot_patience {
            Some(patience) if now.saturating_sub(waiting_since) > patience => {
                Err(BotPhaseEnd::Ended {
                    outcome: Outcome::AbandonedInBot,
                    node,
                    at: waiting_since.saturating_add(patience),
                })
            }
            _ => Ok(()),
        }
    }

    fn visit(&mut self, node: NodeId, metrics: &mut Metrics) {
        if !self.visited[node] {
            self.visited[node] = true;
            metrics.entered(node);
        }
    }

    /// Routes a customer message the way the bot would.
    fn interpret(&self, node: NodeId, message: &Message) -> Interpretation {
        let flow = &self.scenario.flow;
        let by_intent = |routes: &[(usize, NodeId)], text: &str| {
            routes
                .iter()
                .find(|(intent, _)| flow.intents[*intent].matches(text))
                .map(|(_, target)| *target)
        };
        match (&flow.nodes[node].kind, message) {
            (NodeKind::Choice(choice), Message::Tap(index)) => Interpretation {
                target: choice.option_routes[*index],
                understood: true,
            },
            (NodeKind::Choice(choice), Message::Text(text)) => {
                // People also type a button's title; the bot accepts that as a tap.
                let typed_option = choice
                    .options
                    .iter()
                    .position(|option| same_text(option, text));
                match typed_option
                    .map(|index| choice.option_routes[index])
                    .or_else(|| by_intent(&choice.intent_routes, text).map(Some))
                {
                    Some(target) => Interpretation {
                        target,
                        understood: true,
                    },
                    None => Interpretation {
                        target: choice.fallback,
                        understood: false,
                    },
                }
            }
            (NodeKind::Question(question), Message::Text(text)) => {
                // Intents first, so "agent" escapes a question whatever its pattern.
                if let Some(target) = by_intent(&question.intent_routes, text) {
                    Interpretation {
                        target: Some(target),
                        understood: true,
                    }
                } else if question.pattern.is_match(text.trim()) {
                    Interpretation {
                        target: question.valid,
                        understood: true,
                    }
                } else {
                    Interpretation {
                        target: question.invalid,
                        understood: false,
                    }
                }
            }
            // The customer module only acts at choices and questions, and
            // only taps at choices; anything else has nowhere to go.
            _ => Interpretation {
                target: None,
                understood: false,
            },
        }
    }
}

/// The bot's side of one turn: what the customer has seen so far.
struct BotTurn {
    /// When the customer's message (or the opening message) was sent.
    message_at: Millis,
    /// The customer has been waiting for the bot since this moment.
    waiting_since: Millis,
    replied: bool,
    unread_words: usize,
}

impl BotTurn {
    /// A bot message reaches the customer at `now`.
    fn deliver(&mut self, text: &str, now: Millis, metrics: &mut Metrics) {
        if !self.replied {
            metrics
                .bot_response
                .record(now.saturating_sub(self.message_at));
            self.replied = true;
        }
        self.waiting_since = now;
        self.unread_words += text.split_whitespace().count();
    }
}

/// The index of the first cumulative share above `u` (the last one if none).
/// Takes an iterator so the engine's hot path allocates nothing to choose.
pub(crate) fn pick(cumulative: impl IntoIterator<Item = f64>, u: f64) -> usize {
    let mut last = 0;
    for (index, share) in cumulative.into_iter().enumerate() {
        if u < share {
            return index;
        }
        last = index;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::pick;

    #[test]
    fn picks_by_cumulative_share() {
        let shares = [0.6, 1.0];
        assert_eq!(pick(shares, 0.0), 0);
        assert_eq!(pick(shares, 0.59), 0);
        assert_eq!(pick(shares, 0.6), 1);
        assert_eq!(pick(shares, 0.999), 1);
    }
}
