//! One conversation between a customer and a bot, from the customer's first
//! message until it ends or is handed to an agent queue.
//!
//! This part of a conversation touches no shared resource, so the engine
//! plays it through in one call when the customer arrives; only the agent
//! queues, which conversations share, need the event queue. Times are still
//! exact: every step carries its own virtual timestamp.
//!
//! The pieces: the [`customer`] decides from what is on screen, and
//! [`customer_side::CustomerSide`] holds every rule of the customer's side
//! of a turn (counting, limits, patience, endings), without a clock of its
//! own: this module drives it on the virtual clock, live mode on the wall
//! clock. A [`bot::Bot`] answers ([`flow_bot::FlowBot`] interprets a flow);
//! the conversation reports to an [`observer::Observer`].

pub(crate) mod bot;
pub(crate) mod customer;
pub(crate) mod customer_side;
pub(crate) mod flow_bot;
pub(crate) mod observer;
#[cfg(test)]
pub(crate) mod scripted;

use bot::{Bot, Channel, Heard, Left, Outgoing, Prompt, Reply, Then};
use customer::Customer;
use customer_side::{CustomerSide, Move, TurnOver};
use observer::Observer;

use crate::metric::{Outcome, Reason};
use crate::model::flow::{GoalId, NodeId, QueueId, Template, Text, Title, VariantId};
use crate::model::persona::Experience;
use crate::model::script::ScriptCounts;
use crate::model::{Millis, SimTime};

/// How a conversation leaves the bot, on either clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending<Queue = QueueId> {
    /// The conversation is over: resolved, or unresolved (a dead end, the
    /// turn limit).
    Ended { outcome: Outcome, at: SimTime },
    /// The customer went silent at `at`, for `reason`; the bot's last
    /// message reached them at `since`. Unless something brings them back
    /// (a follow-up), this is an abandonment in the bot.
    Left {
        at: SimTime,
        since: SimTime,
        reason: Reason,
    },
    /// The customer joins the agent queue `queue` at `at`. A flow names its
    /// queue; a live bot names none (`Ending<()>`): the scenario's
    /// `live.handoff_pool` serves its customers.
    HandedOff { queue: Queue, at: SimTime },
}

/// Where a simulated conversation stands when the customer and the bot are
/// done with each other: how it left the bot, and at which node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exit {
    pub ending: Ending,
    pub node: NodeId,
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
    /// When the customer last wrote: the customer service window runs for
    /// 24 hours from here.
    pub last_message: SimTime,
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

/// A message the business sends first, as a customer who comes back
/// answers it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answer<'s> {
    /// A free-form follow-up: they answer the prompt they left.
    Left(&'s Text),
    /// A template (a campaign, or a follow-up): they answer its buttons.
    Template(&'s Template),
}

impl<'s> Answer<'s> {
    /// Its text, as the customer reads it.
    pub fn text(self) -> &'s Text {
        match self {
            Answer::Left(text) => text,
            Answer::Template(template) => &template.body,
        }
    }

    /// Whether `reply` is a tap on the template's opt-out button.
    pub fn opts_out(self, reply: &Reply<'_>) -> bool {
        matches!((self, reply), (Answer::Template(template), Reply::Tap(index)) if template.opt_out == Some(*index))
    }
}

/// The nodes a conversation entered, so the funnel counts each once per
/// conversation even when it pauses and resumes (a follow-up) in between.
#[derive(Debug, Clone)]
enum Visited {
    /// Flows of up to 128 nodes: no allocation.
    Inline(u128),
    Spilled(Vec<u64>),
}

impl Visited {
    fn new() -> Visited {
        Visited::Inline(0)
    }

    /// Marks `node`; whether it was new.
    fn insert(&mut self, node: NodeId) -> bool {
        if let Visited::Inline(bits) = self
            && node >= 128
        {
            let mut words = vec![*bits as u64, (*bits >> 64) as u64];
            words.resize(node / 64 + 1, 0);
            *self = Visited::Spilled(words);
        }
        match self {
            Visited::Inline(bits) => {
                let bit = 1u128 << node;
                let new = *bits & bit == 0;
                *bits |= bit;
                new
            }
            Visited::Spilled(words) => {
                if words.len() <= node / 64 {
                    words.resize(node / 64 + 1, 0);
                }
                let (word, bit) = (&mut words[node / 64], 1u64 << (node % 64));
                let new = *word & bit == 0;
                *word |= bit;
                new
            }
        }
    }
}

/// One customer talking to one bot, on the virtual clock.
pub(crate) struct Conversation<'s, B> {
    side: CustomerSide<'s>,
    bot: B,
    visited: Visited,
    /// The prompt the customer last had on screen, for a follow-up.
    prompt: Option<Prompt<'s>>,
    /// Nodes that already followed up on this customer's silence (each
    /// follows up once per conversation).
    followed_up: Vec<NodeId>,
}

impl<'s, B: Bot<'s>> Conversation<'s, B> {
    /// A conversation that starts at `started`: the customer writes first
    /// ([`Conversation::play`]), or answers a template
    /// ([`Conversation::answers`]).
    pub fn new(customer: Customer<'s>, bot: B, max_turns: u32, started: SimTime) -> Self {
        Conversation {
            side: CustomerSide::new(customer, max_turns, started),
            bot,
            visited: Visited::new(),
            prompt: None,
            followed_up: Vec::new(),
        }
    }

    pub fn customer(&self) -> &Customer<'s> {
        self.side.customer()
    }

    pub fn progress(&self) -> Progress {
        self.side.progress()
    }

    /// How many follow-ups this conversation was sent.
    pub fn follow_ups_sent(&self) -> u32 {
        self.followed_up.len() as u32
    }

    /// Marks that `node` followed up on the customer's silence; whether it
    /// had not yet.
    pub fn follow_up_once(&mut self, node: NodeId) -> bool {
        let first = !self.followed_up.contains(&node);
        if first {
            self.followed_up.push(node);
        }
        first
    }

    /// Plays the conversation from the customer's first message until it
    /// ends, the customer goes silent, or it is handed off.
    pub fn play<O: Observer>(&mut self, observer: &mut O) -> Exit {
        self.run(self.side.progress().started, observer)
    }

    /// The customer, having read `message` the business sent, decides
    /// whether to answer it: `Some((delay, reply))` if they do.
    pub fn considers(&mut self, message: Answer<'s>) -> Option<(Millis, Reply<'s>)> {
        let prompt = match message {
            Answer::Template(template) => Prompt::Options {
                text: &template.body,
                options: &template.buttons,
            },
            Answer::Left(_) => self.prompt?,
        };
        self.side.considers(prompt, message.text().words)
    }

    /// The customer answers `message` (sent at `sent`, read at `read`) with
    /// `reply` after `delay`, and the conversation goes on as in
    /// [`Conversation::play`].
    pub fn answers<O: Observer>(
        &mut self,
        message: Answer<'s>,
        (sent, read): (SimTime, SimTime),
        (delay, reply): (Millis, Reply<'s>),
        observer: &mut O,
    ) -> Exit {
        let options: &[Title] = match message {
            Answer::Template(template) => &template.buttons,
            Answer::Left(_) => match self.prompt {
                Some(Prompt::Options { options, .. }) => options,
                Some(Prompt::Survey(survey)) => &survey.options,
                _ => &[],
            },
        };
        observer.delivered(
            sent,
            Outgoing {
                text: message.text(),
                options,
            },
        );
        let message_at = read + delay;
        let heard = match message {
            Answer::Template(template) => self.bot.read_template(template, &reply),
            Answer::Left(_) => self.bot.read(&reply),
        };
        self.side
            .answers(message_at, matches!(message, Answer::Template(_)));
        observer.replied(message_at, &reply, options, heard);
        if let (Answer::Left(_), Reply::Media(media)) = (message, &reply) {
            observer.media(self.bot.node(), media.kind(), heard);
        }
        self.heard(heard);
        self.run(message_at, observer)
    }

    /// Tells the customer's side how the bot understood a reply.
    fn heard(&mut self, heard: Heard<'_>) {
        let score = match heard {
            Heard::Score(score) => Some(score),
            _ => None,
        };
        self.side.heard(heard.understood(), score);
    }

    /// The bot answers the customer's message of `message_at`, and they go
    /// back and forth until the conversation ends, the customer goes
    /// silent, or it is handed off.
    fn run<O: Observer>(&mut self, mut message_at: SimTime, observer: &mut O) -> Exit {
        loop {
            let mut screen = Screen {
                message_at,
                waiting_since: message_at,
                first_reply_at: None,
                unread_words: ScriptCounts::NONE,
                side: &mut self.side,
                visited: &mut self.visited,
                observer: &mut *observer,
            };
            let then = self.bot.respond(message_at, &mut screen);
            let (first_reply_at, delivered_at, unread_words) = (
                screen.first_reply_at,
                screen.waiting_since,
                screen.unread_words,
            );
            let then = match then {
                Ok(then) => then,
                Err(Left { at }) => return self.exit(self.side.gave_up_waiting(at, delivered_at)),
            };
            let prompt = match then {
                Then::Waits(prompt) => prompt,
                Then::HandsOff { queue, at } => {
                    return self.exit(Ending::HandedOff { queue, at });
                }
                Then::Ends { resolution, at } => {
                    return self.exit(customer_side::ended(resolution, at));
                }
            };
            self.prompt = Some(prompt);
            let mut turn = TurnOver {
                prompt,
                unread_words,
                first_message_at: first_reply_at,
                last_message_at: delivered_at,
            };
            loop {
                let reply = match self.side.turn_over(turn) {
                    Move::Stops(ending) => return self.exit(ending),
                    Move::Sends { at, reply } => {
                        message_at = at;
                        reply
                    }
                };
                let heard = self.bot.read(&reply);
                let options = match prompt {
                    Prompt::Options { options, .. } => options,
                    Prompt::Survey(survey) => &survey.options,
                    Prompt::Question(_) => &[],
                };
                observer.replied(message_at, &reply, options, heard);
                if let Reply::Media(media) = &reply {
                    observer.media(self.bot.node(), media.kind(), heard);
                }
                if heard != Heard::Ignored {
                    self.heard(heard);
                    break;
                }
                // The bot took no notice (a reaction): nothing new arrives,
                // the same prompt is still on screen, and the customer acts
                // on it again. Each such message is a turn, so the turn
                // limit bounds this.
                turn = TurnOver {
                    prompt,
                    unread_words: ScriptCounts::NONE,
                    first_message_at: None,
                    last_message_at: message_at,
                };
            }
        }
    }

    /// The conversation leaves the bot where the bot is.
    fn exit(&self, ending: Ending) -> Exit {
        Exit {
            ending,
            node: self.bot.node(),
        }
    }
}

/// The customer's screen during one bot turn: it holds the customer's
/// patience with a silent bot and what arrived since they last wrote.
struct Screen<'o, 's, O> {
    /// When the customer's message (or the opening message) was sent.
    message_at: SimTime,
    /// The customer has been waiting for the bot since this moment.
    waiting_since: SimTime,
    first_reply_at: Option<SimTime>,
    unread_words: ScriptCounts,
    side: &'o mut CustomerSide<'s>,
    visited: &'o mut Visited,
    observer: &'o mut O,
}

impl<O> Screen<'_, '_, O> {
    /// The customer leaves if the bot has been silent longer than their patience.
    fn patient_until(&self, now: SimTime) -> Result<(), Left> {
        match self.side.gives_up_at(self.waiting_since) {
            Some(at) if now > at => Err(Left { at }),
            _ => Ok(()),
        }
    }
}

impl<O: Observer> Channel for Screen<'_, '_, O> {
    fn enter(&mut self, node: NodeId, at: SimTime) -> Result<(), Left> {
        if self.visited.insert(node) {
            self.observer.entered(node);
        }
        self.patient_until(at)
    }

    fn still_working(&mut self, at: SimTime) -> Result<(), Left> {
        self.patient_until(at)
    }

    fn deliver(&mut self, message: Outgoing<'_>, at: SimTime) {
        if self.first_reply_at.is_none() {
            let waited = at.since(self.message_at);
            self.observer.bot_responded(waited);
            self.side.bot_answered_after(waited);
            self.first_reply_at = Some(at);
        }
        self.observer.delivered(at, message);
        self.waiting_since = at;
        self.unread_words = self.unread_words.plus(message.text.words);
    }

    fn converted(&mut self, goal: GoalId) {
        self.side.progress_mut().convert(goal);
    }

    fn assigned(&mut self, variant: VariantId) {
        self.side.progress_mut().variants |= 1 << variant;
    }
}

#[cfg(test)]
mod typed_measure;

#[cfg(test)]
mod tests {
    //! The driver against scripted bots: patience, the turn limit,
    //! misunderstandings and handoffs, with exact timelines.
    use super::scripted::{Scripted, ScriptedBot, Step};
    use super::*;
    use crate::model::Weighted;
    use crate::model::bank::Bank;
    use crate::model::flow::{Resolution, Text, Title};
    use crate::model::persona::{Behaviour, Goal, Persona};

    pub(super) fn personas(behaviour: Behaviour) -> Weighted<Persona> {
        let goal = Goal {
            want: "test".into(),
            taps: vec![Title::new("Yes")],
            says: Some(Bank::one("hmm")),
            answers: Vec::new(),
            replies: Vec::new(),
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
            engagement: None,
            returns: None,
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
        let customer = Customer::draw(&personas, crate::random::seeded(1));
        let mut bot = ScriptedBot::new(steps);
        let (exit, progress) = {
            let mut conversation = Conversation::new(customer, &mut bot, max_turns, SimTime(1_000));
            let exit = conversation.play(&mut ());
            (exit, conversation.progress())
        };
        (exit, progress, bot.replies)
    }

    impl<'b> Bot<'b> for &mut ScriptedBot<'b> {
        fn read(&mut self, reply: &bot::Reply<'_>) -> Heard<'b> {
            (**self).read(reply)
        }
        fn read_template(&mut self, template: &'b Template, reply: &bot::Reply<'_>) -> Heard<'b> {
            (**self).read_template(template, reply)
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
            Exit {
                ending: Ending::Ended {
                    outcome: Outcome::SelfResolved,
                    at: SimTime(5_000)
                },
                node: 2
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
            Exit {
                ending: Ending::Left {
                    at: SimTime(2_500),
                    since: SimTime(1_000),
                    reason: Reason::BotSilence
                },
                node: 1
            }
        );
    }

    #[test]
    fn the_turn_limit_ends_a_conversation_unresolved() {
        let steps: Vec<Step> = (0..10).map(|_| ask(1_000, true)).collect();
        let (exit, progress, _) = play(Behaviour::default(), &steps, 3);
        assert!(matches!(
            exit.ending,
            Ending::Ended {
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
        // The typist types the option it means, "yes", twice, and this bot
        // does not understand it; the customer leaves when the third prompt
        // (node 3) arrives at 1s + 3 x 1s.
        assert_eq!(replies, ["yes", "yes"]);
        assert_eq!(progress.not_understood, 2);
        assert_eq!(
            exit,
            Exit {
                ending: Ending::Left {
                    at: SimTime(4_000),
                    since: SimTime(4_000),
                    reason: Reason::Misunderstood
                },
                node: 3
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
            exit.ending,
            Ending::Ended {
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
    fn an_answer_to_a_template_is_a_turn_and_the_bot_s_reply_to_it_a_response_time() {
        let template = Template {
            name: "nudge".into(),
            category: crate::model::flow::Category::Utility,
            body: Text::new("Still there?"),
            footer: None,
            buttons: vec![Title::new("Yes"), Title::new("Stop")],
            opt_out: Some(1),
            button_routes: vec![Some(0), None],
            intent_routes: Default::default(),
            fallback: 0,
        };
        let steps = [Step {
            delay: Millis(2_000),
            texts: vec![Text::new("Done.")],
            then: Scripted::End(Resolution::Resolved),
            understands: true,
        }];
        let personas = personas(Behaviour::default());
        let customer = Customer::draw(&personas, crate::random::seeded(1));
        let mut bot = ScriptedBot::new(&steps);
        let mut responses = Responses::default();
        // Sent at 1s, read at 5s: the customer taps "Yes" at once.
        let mut conversation = Conversation::new(customer, &mut bot, 10, SimTime(5_000));
        let message = Answer::Template(&template);
        let answer = conversation.considers(message).expect("they want \"Yes\"");
        assert_eq!(answer.1, Reply::Tap(0));
        assert!(!message.opts_out(&answer.1));
        assert!(message.opts_out(&Reply::Tap(1)));
        let exit = conversation.answers(
            message,
            (SimTime(1_000), SimTime(5_000)),
            answer,
            &mut responses,
        );
        assert_eq!(
            exit,
            Exit {
                ending: Ending::Ended {
                    outcome: Outcome::SelfResolved,
                    at: SimTime(7_000)
                },
                node: 1
            }
        );
        // The bot's answer to the tap is a response; the template is not.
        assert_eq!(responses.0, [Millis(2_000)]);
        let progress = conversation.progress();
        assert_eq!((progress.turns, progress.prompts), (1, 1));
        assert_eq!(progress.last_message, SimTime(5_000));
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
            Exit {
                ending: Ending::HandedOff {
                    queue: 0,
                    at: SimTime(1_500)
                },
                node: 0
            }
        );
    }
}
