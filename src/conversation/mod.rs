//! One conversation between a customer and a bot, from the customer's first
//! message until it ends or is handed to an agent queue.
//!
//! This part of a conversation touches no shared resource, so the engine
//! plays it through in one call when the customer arrives; only the agent
//! queues, which conversations share, need the event queue. Times are still
//! exact: every step carries its own virtual timestamp.
//!
//! The pieces: the [`customer`] decides from what is on screen; a
//! [`bot::Bot`] answers ([`flow_bot::FlowBot`] interprets a flow); the
//! conversation reports to an [`observer::Observer`].

pub(crate) mod bot;
pub(crate) mod customer;
pub(crate) mod flow_bot;
pub(crate) mod observer;
#[cfg(test)]
pub(crate) mod scripted;

use bot::{Bot, Channel, Heard, Left, Outgoing, Prompt, Then};
use customer::{Customer, Decision};
use observer::Observer;

use crate::metric::{Outcome, Reason};
use crate::model::flow::{GoalId, NodeId, QueueId, Resolution, VariantId};
use crate::model::persona::Experience;
use crate::model::{Millis, SimTime};

/// Where a conversation stands when the customer and the bot are done with
/// each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// The conversation is over.
    Ended {
        outcome: Outcome,
        node: NodeId,
        at: SimTime,
    },
    /// The customer went silent at `node` since `at`, for `reason`. Unless
    /// something brings them back, this is an abandonment in the bot.
    Silent {
        node: NodeId,
        at: SimTime,
        reason: Reason,
    },
    /// The customer joins the queue of `queue` at `at`.
    HandedOff {
        queue: QueueId,
        node: NodeId,
        at: SimTime,
    },
}

/// What a conversation carries into the agent queue and into its ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Progress {
    pub persona: usize,
    pub started: SimTime,
    /// Customer turns: replies to bot prompts.
    pub turns: u32,
    /// Bot prompts the customer had the chance to answer.
    pub prompts: u32,
    pub not_understood: u32,
    /// Time spent waiting for the bot's replies.
    pub waited: Millis,
    /// The business goals reached, one bit per goal.
    pub conversions: u64,
    /// The A/B variants taken, one bit per variant.
    pub variants: u64,
    /// CSAT surveys shown.
    pub surveys: u32,
    /// The last CSAT score given.
    pub score: Option<u8>,
}

impl Progress {
    /// Marks `goal` reached.
    pub fn convert(&mut self, goal: GoalId) {
        self.conversions |= 1 << goal;
    }

    /// What the customer went through, for their satisfaction.
    pub fn experience(&self, handed_off: bool, resolved: bool) -> Experience {
        Experience {
            fallbacks: self.not_understood,
            waited: self.waited,
            handed_off,
            resolved,
        }
    }
}

/// Who writes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opening {
    /// The customer writes; the bot answers from its start.
    Customer,
    /// The bot writes first (a campaign, a follow-up): its first messages
    /// answer nobody, so they are not a response time.
    #[cfg_attr(not(test), allow(dead_code))] // campaigns and follow-ups open with it
    Bot,
}

/// One customer talking to one bot.
pub(crate) struct Conversation<'s, B> {
    pub customer: Customer<'s>,
    bot: B,
    max_turns: u32,
    opening: Opening,
    progress: Progress,
}

impl<'s, B: Bot<'s>> Conversation<'s, B> {
    pub fn new(
        customer: Customer<'s>,
        bot: B,
        max_turns: u32,
        started: SimTime,
        opening: Opening,
    ) -> Self {
        let progress = Progress {
            persona: customer.persona_index,
            started,
            ..Progress::default()
        };
        Conversation {
            customer,
            bot,
            max_turns,
            opening,
            progress,
        }
    }

    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// Plays the conversation until it ends, the customer goes silent, or it
    /// is handed off.
    pub fn play<O: Observer>(&mut self, observer: &mut O) -> Exit {
        let mut message_at = self.progress.started;
        let mut fallbacks = 0u32;
        let mut understood = true;
        let mut answering = self.opening == Opening::Customer;
        loop {
            let mut screen = Screen {
                patience: self.customer.bot_patience,
                message_at,
                waiting_since: message_at,
                first_reply_at: None,
                answering,
                unread_words: 0,
                progress: &mut self.progress,
                observer: &mut *observer,
            };
            answering = true;
            let then = self.bot.respond(message_at, &mut screen);
            let (first_reply_at, delivered_at, unread_words) = (
                screen.first_reply_at,
                screen.waiting_since,
                screen.unread_words,
            );
            let then = match then {
                Ok(then) => then,
                Err(Left { at }) => return self.silent(at, Reason::BotSilence),
            };
            let prompt = match then {
                Then::Waits(prompt) => prompt,
                Then::HandsOff { queue, at } => {
                    return Exit::HandedOff {
                        queue,
                        node: self.bot.node(),
                        at,
                    };
                }
                Then::Ends { resolution, at } => return self.ended(resolution, at),
            };
            // The customer leaves once the bot's answer shows, once too
            // often, that it did not understand.
            if !understood
                && self
                    .customer
                    .persona
                    .behaviour
                    .leaves_after_fallbacks
                    .is_some_and(|limit| fallbacks >= limit)
            {
                return self.silent(
                    first_reply_at.unwrap_or(delivered_at),
                    Reason::Misunderstood,
                );
            }
            if self.progress.turns >= self.max_turns {
                return self.ended(Resolution::Unresolved, delivered_at);
            }
            self.progress.prompts += 1;
            let resolved_if_skipped = match prompt {
                Prompt::Survey(survey) => {
                    self.progress.surveys += 1;
                    survey.skipped
                }
                _ => None,
            };
            let experience = self
                .progress
                .experience(false, resolved_if_skipped == Some(Resolution::Resolved));
            let (delay, reply) = match self.customer.decide(prompt, unread_words, &experience) {
                Decision::Leaves { delay, reason } => {
                    let at = delivered_at + delay;
                    // Leaving a survey after the goal was met is not an
                    // abandonment: the conversation ends as the bot would.
                    return match resolved_if_skipped {
                        Some(resolution) if reason == Reason::SurveySkipped => {
                            self.ended(resolution, at)
                        }
                        _ => self.silent(at, reason),
                    };
                }
                Decision::Sends { delay, reply } => (delay, reply),
            };
            message_at = delivered_at + delay;
            self.progress.turns += 1;
            let heard = self.bot.read(&reply);
            let options = match prompt {
                Prompt::Options(options) => options,
                Prompt::Survey(survey) => &survey.options,
                Prompt::Question(_) => &[],
            };
            observer.replied(message_at, &reply, options, heard);
            if let Heard::Score(score) = heard {
                self.progress.score = Some(score);
            }
            understood = heard.understood();
            if !understood {
                self.progress.not_understood += 1;
                fallbacks += 1;
            }
        }
    }

    fn ended(&self, resolution: Resolution, at: SimTime) -> Exit {
        Exit::Ended {
            outcome: match resolution {
                Resolution::Resolved => Outcome::SelfResolved,
                Resolution::Unresolved => Outcome::Unresolved,
            },
            node: self.bot.node(),
            at,
        }
    }

    fn silent(&self, at: SimTime, reason: Reason) -> Exit {
        Exit::Silent {
            node: self.bot.node(),
            at,
            reason,
        }
    }
}

/// The customer's screen during one bot turn: it holds the customer's
/// patience with a silent bot and what arrived since they last wrote.
struct Screen<'o, O> {
    patience: Option<Millis>,
    /// When the customer's message (or the opening message) was sent.
    message_at: SimTime,
    /// The customer has been waiting for the bot since this moment.
    waiting_since: SimTime,
    first_reply_at: Option<SimTime>,
    /// Whether the bot answers the customer (and so has a response time).
    answering: bool,
    unread_words: u32,
    progress: &'o mut Progress,
    observer: &'o mut O,
}

impl<O> Screen<'_, O> {
    /// The customer leaves if the bot has been silent longer than their patience.
    fn patient_until(&self, now: SimTime) -> Result<(), Left> {
        match self.patience {
            Some(patience) if now.since(self.waiting_since) > patience => Err(Left {
                at: self.waiting_since + patience,
            }),
            _ => Ok(()),
        }
    }
}

impl<O: Observer> Channel for Screen<'_, O> {
    fn enter(&mut self, node: NodeId, at: SimTime) -> Result<(), Left> {
        self.observer.entered(node);
        self.patient_until(at)
    }

    fn still_working(&mut self, at: SimTime) -> Result<(), Left> {
        self.patient_until(at)
    }

    fn deliver(&mut self, message: Outgoing<'_>, at: SimTime) {
        if self.first_reply_at.is_none() {
            if self.answering {
                let waited = at.since(self.message_at);
                self.observer.bot_responded(waited);
                self.progress.waited = self.progress.waited + waited;
            }
            self.first_reply_at = Some(at);
        }
        self.observer.delivered(at, message);
        self.waiting_since = at;
        self.unread_words = self.unread_words.saturating_add(message.text.words);
    }

    fn converted(&mut self, goal: GoalId) {
        self.progress.convert(goal);
    }

    fn assigned(&mut self, variant: VariantId) {
        self.progress.variants |= 1 << variant;
    }
}

#[cfg(test)]
mod tests {
    //! The driver against scripted bots: patience, the turn limit,
    //! misunderstandings and handoffs, with exact timelines.
    use super::scripted::{Scripted, ScriptedBot, Step};
    use super::*;
    use crate::model::Weighted;
    use crate::model::flow::{Text, Title};
    use crate::model::persona::{Behaviour, Goal, Persona, Said};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn personas(behaviour: Behaviour) -> Weighted<Persona> {
        let goal = Goal {
            want: "test".into(),
            taps: vec![Title::new("Yes")],
            says: Some(Said {
                text: "hmm".into(),
                key: "hmm".into(),
            }),
            answers: Vec::new(),
            off_script: false,
            done_when: Default::default(),
        };
        Weighted::equal(vec![Persona {
            name: "p".into(),
            segment: None,
            goals: Weighted::equal(vec![goal]).unwrap(),
            behaviour,
            satisfaction: None,
            survey_response: crate::model::Probability::ZERO,
        }])
        .unwrap()
    }

    fn ask(delay: u64, understands: bool) -> Step {
        Step {
            delay: Millis(delay),
            texts: vec![Text::new("Yes or no?")],
            then: Scripted::Options(vec![Title::new("Yes"), Title::new("No")]),
            understands,
        }
    }

    fn play(behaviour: Behaviour, steps: &[Step], max_turns: u32) -> (Exit, Progress, Vec<String>) {
        let personas = personas(behaviour);
        let customer = Customer::draw(&personas, ChaCha8Rng::seed_from_u64(1));
        let mut bot = ScriptedBot::new(steps);
        let (exit, progress) = {
            let mut conversation = Conversation::new(
                customer,
                &mut bot,
                max_turns,
                SimTime(1_000),
                Opening::Customer,
            );
            let exit = conversation.play(&mut ());
            (exit, conversation.progress())
        };
        (exit, progress, bot.replies)
    }

    impl<'b> Bot<'b> for &mut ScriptedBot<'b> {
        fn read(&mut self, reply: &bot::Reply<'_>) -> Heard<'b> {
            (**self).read(reply)
        }
        fn respond<C: Channel>(&mut self, at: SimTime, channel: &mut C) -> Result<Then<'b>, Left> {
            (**self).respond(at, channel)
        }
        fn node(&self) -> NodeId {
            (**self).node()
        }
    }

    #[test]
    fn a_customer_taps_until_the_bot_ends_the_conversation() {
        let steps = [
            ask(2_000, true),
            Step {
                delay: Millis(2_000),
                texts: vec![Text::new("Done.")],
                then: Scripted::End(Resolution::Resolved),
                understands: true,
            },
        ];
        let (exit, progress, replies) = play(Behaviour::default(), &steps, 10);
        // Opened at 1s; the bot answers at 3s; the tap is instant; done at 5s.
        assert_eq!(
            exit,
            Exit::Ended {
                outcome: Outcome::SelfResolved,
                node: 2,
                at: SimTime(5_000)
            }
        );
        assert_eq!(replies, ["tap 0"]);
        assert_eq!(progress.turns, 1);
    }

    #[test]
    fn a_silent_bot_loses_a_customer_when_their_patience_runs_out() {
        let behaviour = Behaviour {
            bot_patience: Some(crate::model::Distribution::fixed(Millis(1_500))),
            ..Behaviour::default()
        };
        let (exit, ..) = play(behaviour, &[ask(2_000, true)], 10);
        assert_eq!(
            exit,
            Exit::Silent {
                node: 1,
                at: SimTime(2_500),
                reason: Reason::BotSilence,
            }
        );
    }

    #[test]
    fn the_turn_limit_ends_a_conversation_unresolved() {
        let steps: Vec<Step> = (0..10).map(|_| ask(1_000, true)).collect();
        let (exit, progress, _) = play(Behaviour::default(), &steps, 3);
        assert!(matches!(
            exit,
            Exit::Ended {
                outcome: Outcome::Unresolved,
                ..
            }
        ));
        assert_eq!(progress.turns, 3);
    }

    #[test]
    fn a_customer_leaves_where_the_bot_shows_it_did_not_understand_once_too_often() {
        let behaviour = Behaviour {
            types_instead_of_tapping: crate::model::Probability::new(1.0).unwrap(),
            leaves_after_fallbacks: Some(2),
            ..Behaviour::default()
        };
        let steps: Vec<Step> = (0..10).map(|_| ask(1_000, false)).collect();
        let (exit, progress, replies) = play(behaviour, &steps, 10);
        // Two "hmm"s the bot did not understand; the customer leaves when the
        // third prompt (node 3) arrives at 1s + 3 x 1s.
        assert_eq!(replies, ["hmm", "hmm"]);
        assert_eq!(progress.not_understood, 2);
        assert_eq!(
            exit,
            Exit::Silent {
                node: 3,
                at: SimTime(4_000),
                reason: Reason::Misunderstood,
            }
        );
    }

    #[test]
    fn a_question_is_answered_with_what_the_goal_says() {
        let steps = [Step {
            delay: Millis(1_000),
            texts: vec![Text::new("What happened?")],
            then: Scripted::Question(Text::new("What happened?")),
            understands: true,
        }];
        let (exit, progress, replies) = play(Behaviour::default(), &steps, 10);
        assert_eq!(replies, ["hmm"]);
        assert_eq!(progress.turns, 1);
        // After the script, the bot has nowhere to go: a dead end.
        assert!(matches!(
            exit,
            Exit::Ended {
                outcome: Outcome::Unresolved,
                ..
            }
        ));
    }

    /// Counts response times.
    #[derive(Default)]
    struct Responses(Vec<Millis>);

    impl Observer for Responses {
        fn entered(&mut self, _node: NodeId) {}
        fn bot_responded(&mut self, after: Millis) {
            self.0.push(after);
        }
    }

    #[test]
    fn a_conversation_the_bot_opens_has_no_response_time_for_its_first_message() {
        let steps = [ask(0, true), ask(2_000, true)];
        let personas = personas(Behaviour::default());
        let customer = Customer::draw(&personas, ChaCha8Rng::seed_from_u64(1));
        let mut bot = ScriptedBot::new(&steps);
        let mut responses = Responses::default();
        let mut conversation =
            Conversation::new(customer, &mut bot, 10, SimTime::ZERO, Opening::Bot);
        conversation.play(&mut responses);
        // Only the answer to the customer's tap is a response: 2s.
        assert_eq!(responses.0, [Millis(2_000)]);
    }

    #[test]
    fn a_handoff_leaves_the_bot_for_the_queue() {
        let steps = [Step {
            delay: Millis(500),
            texts: vec![],
            then: Scripted::HandOff(0),
            understands: true,
        }];
        let (exit, ..) = play(Behaviour::default(), &steps, 10);
        assert_eq!(
            exit,
            Exit::HandedOff {
                queue: 0,
                node: 0,
                at: SimTime(1_500)
            }
        );
    }
}
