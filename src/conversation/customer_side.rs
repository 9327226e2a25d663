//! The customer's side of a conversation, as a state machine that does no
//! input or output and keeps no clock: every rule about what a customer
//! does between two bot turns, once, for both clocks.
//!
//! A driver plays the bot and owns the clock. The simulation drives
//! [`CustomerSide`] on the virtual clock with the in-process flow bot
//! ([`super::Conversation`]); live mode drives it on the wall clock with a
//! real bot over HTTP. Either way the driver tells it, in customer time:
//!
//! - how the bot understood the customer's last message ([`CustomerSide::heard`]);
//! - how long the bot's first message took ([`CustomerSide::bot_answered_after`]),
//!   and, for a real bot, what each message says, which may show that the
//!   customer's goal is met (`CustomerSide::reads`, live mode only);
//! - that the bot's turn is over, and what is on screen (options, a
//!   question or a survey: [`CustomerSide::turn_over`]), to which it answers
//!   with the customer's next move: a reply at a moment, or the end of the
//!   conversation;
//! - or that the bot stayed silent: [`CustomerSide::gives_up_at`] says until
//!   when the customer waits;
//! - or that the business wrote first (a template, a follow-up:
//!   [`CustomerSide::considers`] and [`CustomerSide::answers`]).
//!
//! It counts what a conversation carries into the agent queue and into the
//! report ([`Progress`]), and applies the turn limit, the
//! leave-after-misunderstandings rule, the customer's patience and what
//! leaving at a survey means.

use super::bot::{Prompt, Reply};
use super::customer::{Customer, Decision};
use super::flow_bot::score;
use super::{Ending, Progress};
use crate::metric::{Outcome, Reason};
use crate::model::flow::Resolution;
use crate::model::media::Media;
use crate::model::script::ScriptCounts;
use crate::model::{Millis, SimTime};

/// One customer's side of one conversation.
pub(crate) struct CustomerSide<'s> {
    customer: Customer<'s>,
    /// The scenario's turn limit: the conversation ends unresolved when the
    /// bot prompts once more after this many customer replies.
    max_turns: u32,
    progress: Progress,
    /// Whether the bot understood the customer's last message.
    understood: bool,
    /// The CSAT score the customer's last message gave, if it answered a
    /// survey: for a bot that shows only whether it understood.
    score_given: Option<u8>,
    /// How the conversation ends without the customer, while a survey whose
    /// `next` leads straight to an end is on screen or being answered:
    /// that end's resolution (the survey's `skipped`). Set when a survey is
    /// shown, cleared when anything else is. Until then, however the
    /// customer leaves (skipping, going silent, a misunderstood answer, the
    /// bot's silence afterwards) the conversation ends as the bot would:
    /// a survey never turns the outcome decided before it into an
    /// abandonment.
    settled: Option<Resolution>,
}

/// The bot's turn is over: what the customer has on screen, and when it
/// arrived (customer time).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TurnOver<'p> {
    /// What the customer must answer.
    pub prompt: Prompt<'p>,
    /// Words of bot text that arrived since the customer last wrote, per
    /// script.
    pub unread_words: ScriptCounts,
    /// When the turn's first bot message arrived; `None` if it sent none.
    pub first_message_at: Option<SimTime>,
    /// When its last message arrived (when the customer's own message went
    /// out, if the bot sent none).
    pub last_message_at: SimTime,
}

/// The customer's next move.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Move<'s, Queue> {
    /// Sends `reply` at `at`.
    Sends { at: SimTime, reply: Reply<'s> },
    /// The conversation leaves the bot.
    Stops(Ending<Queue>),
}

impl<'s> CustomerSide<'s> {
    /// `customer` writes first (or answers a template) at `started`.
    pub fn new(customer: Customer<'s>, max_turns: u32, started: SimTime) -> CustomerSide<'s> {
        let progress = Progress {
            persona: customer.persona_index,
            started,
            last_message: started,
            ..Progress::default()
        };
        CustomerSide {
            customer,
            max_turns,
            progress,
            understood: true,
            score_given: None,
            settled: None,
        }
    }

    pub fn customer(&self) -> &Customer<'s> {
        &self.customer
    }

    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// For what the bot records along the way (goals reached, variants).
    pub fn progress_mut(&mut self) -> &mut Progress {
        &mut self.progress
    }

    /// When a customer waiting for the bot since `since` gives up on its
    /// silence; `None` if they wait forever.
    pub fn gives_up_at(&self, since: SimTime) -> Option<SimTime> {
        self.customer.bot_patience.map(|patience| since + patience)
    }

    /// The customer gave up at `at` on a bot silent since `since`.
    pub fn gave_up_waiting<Queue>(&self, at: SimTime, since: SimTime) -> Ending<Queue> {
        self.leaves(at, since, Reason::BotSilence)
    }

    /// The customer leaves at `at`, for `reason`, the bot's last message
    /// having reached them at `since`: an abandonment, unless the
    /// conversation's end was settled at a survey.
    fn leaves<Queue>(&self, at: SimTime, since: SimTime, reason: Reason) -> Ending<Queue> {
        match self.settled {
            Some(resolution) => ended(resolution, at),
            None => Ending::Left { at, since, reason },
        }
    }

    /// The bot's first message after the customer's reached them `after`
    /// it was sent.
    pub fn bot_answered_after(&mut self, after: Millis) {
        self.progress.waited = self.progress.waited + after;
    }

    /// The customer reads `words`, a bot message that reached them at
    /// `at`: the conversation ends resolved if it says their goal is met (one
    /// of the goal's `done_when` phrases). For a real bot, which says in
    /// words what a flow's end node tells the simulation.
    #[cfg(feature = "live")]
    pub fn reads<Queue>(&self, words: &str, at: SimTime) -> Option<Ending<Queue>> {
        self.customer
            .goal
            .done_when
            .find(words)
            .map(|_| Ending::Ended {
                outcome: Outcome::SelfResolved,
                at,
            })
    }

    /// How the bot took the customer's last message: whether it understood
    /// it, and the CSAT score it read from it, if any.
    pub fn heard(&mut self, understood: bool, score: Option<u8>) {
        if score.is_some() {
            self.progress.score = score;
        }
        self.understood = understood;
        if !understood {
            self.progress.not_understood += 1;
        }
    }

    /// How a bot that shows only whether it understood (a live bot) took
    /// the customer's last message: when it understood a survey's answer,
    /// it took the score the customer gave.
    #[cfg(feature = "live")]
    pub fn heard_as_given(&mut self, understood: bool) {
        let score = self.score_given.filter(|_| understood);
        self.heard(understood, score);
    }

    /// What the customer writes to open the conversation: what their goal
    /// says (its first phrasing), or a greeting. (A simulated flow starts without reading it.)
    #[cfg(feature = "live")]
    pub fn opening(&self) -> &'s str {
        self.customer
            .goal
            .says
            .as_ref()
            .map_or("Hi", |says| says.first().text.as_str())
    }

    /// The bot's turn is over with `turn` on screen: the customer's move.
    pub fn turn_over<Queue>(&mut self, turn: TurnOver<'_>) -> Move<'s, Queue> {
        let last = turn.last_message_at;
        self.settled = match turn.prompt {
            Prompt::Survey(survey) => survey.skipped,
            _ => None,
        };
        // The customer leaves once the bot's answer shows, once too often,
        // that it did not understand.
        if !self.understood
            && self
                .customer
                .persona
                .behaviour
                .leaves_after_fallbacks
                .is_some_and(|limit| self.progress.not_understood >= limit)
        {
            let at = turn.first_message_at.unwrap_or(last);
            return Move::Stops(self.leaves(at, last, Reason::Misunderstood));
        }
        if self.progress.turns >= self.max_turns {
            let resolution = self.settled.unwrap_or(Resolution::Unresolved);
            return Move::Stops(ended(resolution, last));
        }
        self.progress.prompts += 1;
        if let Prompt::Survey(_) = turn.prompt {
            self.progress.surveys += 1;
        }
        let experience = self
            .progress
            .experience(false, self.settled == Some(Resolution::Resolved));
        match self
            .customer
            .decide(turn.prompt, turn.unread_words, &experience)
        {
            // Leaving a survey after the goal was met is not an
            // abandonment: the conversation ends as the bot would.
            Decision::Leaves { delay, reason } => {
                Move::Stops(self.leaves(last + delay, last, reason))
            }
            Decision::Sends { delay, reply } => {
                let at = last + delay;
                self.score_given = match turn.prompt {
                    Prompt::Survey(survey) => score(survey, &reply),
                    _ => None,
                };
                self.sends(at);
                Move::Sends { at, reply }
            }
        }
    }

    /// The customer, having read a message the business sent first
    /// (`words` long, answering `prompt`), decides whether to answer it:
    /// `Some((delay, reply))` if they do.
    pub fn considers(
        &mut self,
        prompt: Prompt<'_>,
        words: ScriptCounts,
    ) -> Option<(Millis, Reply<'s>)> {
        let experience = self.progress.experience(false, false);
        match self.customer.decide(prompt, words, &experience) {
            Decision::Leaves { .. } => None,
            // A reaction to a message the business sent first does not
            // write back: bots take no notice of it, and it opens no
            // conversation. The customer did not answer.
            Decision::Sends {
                reply: Reply::Media(Media::Reaction { .. }),
                ..
            } => None,
            Decision::Sends { delay, reply } => Some((delay, reply)),
        }
    }

    /// The customer answers at `at` a message the business sent first; a
    /// template is a prompt of its own (`new_prompt`), while after a
    /// free-form follow-up they answer the prompt already counted.
    pub fn answers(&mut self, at: SimTime, new_prompt: bool) {
        if new_prompt {
            self.progress.prompts += 1;
        }
        self.sends(at);
    }

    /// The customer writes at `at`: a turn, and the customer service
    /// window runs for 24 hours from here.
    fn sends(&mut self, at: SimTime) {
        self.progress.turns += 1;
        self.progress.last_message = at;
    }
}

/// The conversation ends as `resolution` says at `at`.
pub(crate) fn ended<Queue>(resolution: Resolution, at: SimTime) -> Ending<Queue> {
    Ending::Ended {
        outcome: match resolution {
            Resolution::Resolved => Outcome::SelfResolved,
            Resolution::Unresolved => Outcome::Unresolved,
        },
        at,
    }
}

#[cfg(test)]
mod tests {
    //! The customer's side on its own, with no bot and no clock: the
    //! driver's inputs, and the moves and endings they lead to.
    use super::*;
    use crate::conversation::tests::personas;
    use crate::model::flow::{Scale, Survey, Text, Title};
    use crate::model::persona::Behaviour;

    /// The text above the options of these tests.
    static TEXT: Text = Text {
        text: String::new(),
        lower: String::new(),
        words: ScriptCounts::NONE,
    };

    fn options() -> Vec<Title> {
        vec![Title::new("Yes"), Title::new("No")]
    }

    /// The bot's turn ended at `at` with `prompt`, its one message of 4 words.
    fn turn(prompt: Prompt<'_>, at: u64) -> TurnOver<'_> {
        TurnOver {
            prompt,
            unread_words: ScriptCounts::only(crate::model::script::Script::Latin, 4),
            first_message_at: Some(SimTime(at)),
            last_message_at: SimTime(at),
        }
    }

    #[test]
    fn a_reply_is_a_turn_at_the_moment_the_customer_sends_it() {
        let personas = personas(Behaviour::default());
        let customer = Customer::draw(&personas, crate::random::seeded(1));
        let mut side = CustomerSide::new(customer, 10, SimTime(1_000));
        let options = options();
        // The persona taps "Yes" at once (no reading or typing time).
        let next: Move<'_, ()> = side.turn_over(turn(
            Prompt::Options {
                text: &TEXT,
                options: &options,
            },
            3_000,
        ));
        assert_eq!(
            next,
            Move::Sends {
                at: SimTime(3_000),
                reply: Reply::Tap(0)
            }
        );
        let progress = side.progress();
        assert_eq!((progress.turns, progress.prompts), (1, 1));
        assert_eq!(progress.last_message, SimTime(3_000));
    }

    #[test]
    fn the_turn_limit_ends_the_conversation_where_the_bot_prompts_once_more() {
        let personas = personas(Behaviour::default());
        let customer = Customer::draw(&personas, crate::random::seeded(1));
        let mut side = CustomerSide::new(customer, 1, SimTime::ZERO);
        let options = options();
        let first: Move<'_, ()> = side.turn_over(turn(
            Prompt::Options {
                text: &TEXT,
                options: &options,
            },
            1_000,
        ));
        assert!(matches!(first, Move::Sends { .. }));
        side.heard(true, None);
        let second: Move<'_, ()> = side.turn_over(turn(
            Prompt::Options {
                text: &TEXT,
                options: &options,
            },
            2_000,
        ));
        assert_eq!(
            second,
            Move::Stops(Ending::Ended {
                outcome: Outcome::Unresolved,
                at: SimTime(2_000)
            })
        );
        assert_eq!(side.progress().prompts, 1);
    }

    #[test]
    fn a_customer_leaves_when_the_bot_s_answer_shows_one_misunderstanding_too_many() {
        let behaviour = Behaviour {
            leaves_after_fallbacks: Some(2),
            ..Behaviour::default()
        };
        let personas = personas(behaviour);
        let customer = Customer::draw(&personas, crate::random::seeded(1));
        let mut side = CustomerSide::new(customer, 10, SimTime::ZERO);
        let question = Text::new("What happened?");
        side.heard(false, None);
        let once: Move<'_, ()> = side.turn_over(turn(Prompt::Question(&question), 1_000));
        assert!(matches!(once, Move::Sends { .. }), "{once:?}");
        side.heard(false, None);
        let twice: Move<'_, ()> = side.turn_over(TurnOver {
            first_message_at: Some(SimTime(2_000)),
            ..turn(Prompt::Question(&question), 2_500)
        });
        assert_eq!(
            twice,
            Move::Stops(Ending::Left {
                at: SimTime(2_000),
                since: SimTime(2_500),
                reason: Reason::Misunderstood
            })
        );
        assert_eq!(side.progress().not_understood, 2);
    }

    #[test]
    fn patience_with_a_silent_bot_runs_from_the_last_thing_on_screen() {
        let patient = Behaviour {
            bot_patience: Some(crate::model::Distribution::fixed(Millis(1_500))),
            ..Behaviour::default()
        };
        let patient = personas(patient);
        let customer = Customer::draw(&patient, crate::random::seeded(1));
        let side = CustomerSide::new(customer, 10, SimTime::ZERO);
        assert_eq!(side.gives_up_at(SimTime(4_000)), Some(SimTime(5_500)));
        let endless = personas(Behaviour::default());
        let customer = Customer::draw(&endless, crate::random::seeded(1));
        let side = CustomerSide::new(customer, 10, SimTime::ZERO);
        assert_eq!(side.gives_up_at(SimTime(4_000)), None);
    }

    /// A three-point survey answered with buttons, with nothing after it.
    fn survey(skipped: Option<Resolution>) -> Survey {
        Survey {
            question: Text::new("How did we do?"),
            scale: Scale::Buttons,
            options: vec![Title::new("Poor"), Title::new("OK"), Title::new("Great")],
            scores: vec![1, 3, 5],
            next: None,
            skipped,
        }
    }

    #[cfg(feature = "live")]
    #[test]
    fn a_live_bot_that_understood_a_survey_s_answer_took_the_score_given() {
        use crate::model::Probability;
        use crate::model::persona::Satisfaction;
        let mut persona = personas(Behaviour::default()).items()[0].clone();
        persona.survey_response = Probability::new(1.0).unwrap();
        persona.satisfaction = Some(Satisfaction {
            base: 5.0,
            per_fallback: 0.0,
            per_minute_waiting: 0.0,
            handoff: 0.0,
            unresolved: 0.0,
            noise: 0.0,
        });
        let answering = crate::model::Weighted::equal(vec![persona]).unwrap();
        let survey = survey(None);
        for understood in [true, false] {
            let customer = Customer::draw(&answering, crate::random::seeded(1));
            let mut side = CustomerSide::new(customer, 10, SimTime::ZERO);
            let next: Move<'_, ()> = side.turn_over(turn(Prompt::Survey(&survey), 1_000));
            // A 5 taps "Great".
            assert!(
                matches!(
                    next,
                    Move::Sends {
                        reply: Reply::Tap(2),
                        ..
                    }
                ),
                "{next:?}"
            );
            side.heard_as_given(understood);
            let progress = side.progress();
            assert_eq!(progress.score, understood.then_some(5));
            assert_eq!(progress.not_understood, u32::from(!understood));
        }
    }

    #[test]
    fn skipping_a_survey_after_the_goal_was_met_ends_the_conversation_resolved() {
        // These personas never answer surveys.
        let personas = personas(Behaviour::default());
        let (resolved, open) = (survey(Some(Resolution::Resolved)), survey(None));
        let customer = Customer::draw(&personas, crate::random::seeded(1));
        let mut side = CustomerSide::new(customer, 10, SimTime::ZERO);
        let next: Move<'_, ()> = side.turn_over(turn(Prompt::Survey(&resolved), 1_000));
        assert_eq!(
            next,
            Move::Stops(Ending::Ended {
                outcome: Outcome::SelfResolved,
                at: SimTime(1_000)
            })
        );
        assert_eq!(side.progress().surveys, 1);
        // With more to do after the survey, skipping it is leaving.
        let customer = Customer::draw(&personas, crate::random::seeded(1));
        let mut side = CustomerSide::new(customer, 10, SimTime::ZERO);
        let next: Move<'_, ()> = side.turn_over(turn(Prompt::Survey(&open), 1_000));
        assert!(
            matches!(
                next,
                Move::Stops(Ending::Left {
                    reason: Reason::SurveySkipped,
                    ..
                })
            ),
            "{next:?}"
        );
    }

    /// A customer who answers every survey with a 5.
    fn rater(behaviour: Behaviour) -> crate::model::Weighted<crate::model::persona::Persona> {
        use crate::model::Probability;
        use crate::model::persona::Satisfaction;
        let mut persona = personas(behaviour).items()[0].clone();
        persona.survey_response = Probability::new(1.0).unwrap();
        persona.satisfaction = Some(Satisfaction {
            base: 5.0,
            per_fallback: 0.0,
            per_minute_waiting: 0.0,
            handoff: 0.0,
            unresolved: 0.0,
            noise: 0.0,
        });
        crate::model::Weighted::equal(vec![persona]).unwrap()
    }

    #[test]
    fn leaving_after_answering_a_survey_ends_as_the_bot_would() {
        let behaviour = Behaviour {
            leaves_after_fallbacks: Some(1),
            ..Behaviour::default()
        };
        let raters = rater(behaviour);
        let (resolved, open) = (survey(Some(Resolution::Resolved)), survey(None));
        // Answered at 1s; the bot is silent, and the customer gives up at
        // 3s: the end the survey led to, not an abandonment.
        let customer = Customer::draw(&raters, crate::random::seeded(1));
        let mut side = CustomerSide::new(customer, 10, SimTime::ZERO);
        let next: Move<'_, ()> = side.turn_over(turn(Prompt::Survey(&resolved), 1_000));
        assert!(matches!(next, Move::Sends { .. }), "{next:?}");
        side.heard(true, Some(5));
        let silent: Ending<()> = side.gave_up_waiting(SimTime(3_000), SimTime(1_000));
        assert_eq!(
            silent,
            Ending::Ended {
                outcome: Outcome::SelfResolved,
                at: SimTime(3_000)
            }
        );
        // A bot that did not understand the answer and asks again, at 2s:
        // one misunderstanding is all this customer takes, and they leave
        // as the question shows, still with the survey's end.
        side.heard(false, None);
        let again: Move<'_, ()> = side.turn_over(turn(Prompt::Survey(&resolved), 2_000));
        assert_eq!(
            again,
            Move::Stops(Ending::Ended {
                outcome: Outcome::SelfResolved,
                at: SimTime(2_000)
            })
        );
        // With more to do after the survey, the same is leaving.
        let customer = Customer::draw(&raters, crate::random::seeded(1));
        let mut side = CustomerSide::new(customer, 10, SimTime::ZERO);
        let next: Move<'_, ()> = side.turn_over(turn(Prompt::Survey(&open), 1_000));
        assert!(matches!(next, Move::Sends { .. }), "{next:?}");
        side.heard(false, None);
        let silent: Ending<()> = side.gave_up_waiting(SimTime(3_000), SimTime(1_000));
        assert_eq!(
            silent,
            Ending::Left {
                at: SimTime(3_000),
                since: SimTime(1_000),
                reason: Reason::BotSilence
            }
        );
        let again: Move<'_, ()> = side.turn_over(turn(Prompt::Survey(&open), 2_000));
        assert_eq!(
            again,
            Move::Stops(Ending::Left {
                at: SimTime(2_000),
                since: SimTime(2_000),
                reason: Reason::Misunderstood
            })
        );
    }

    #[test]
    fn anything_but_a_survey_on_screen_unsettles_the_end() {
        // The bot answered a survey's answer with buttons (a failed call
        // can lead anywhere): leaving from there is leaving again.
        let behaviour = Behaviour {
            leaves_after_fallbacks: Some(1),
            ..Behaviour::default()
        };
        let raters = rater(behaviour);
        let resolved = survey(Some(Resolution::Resolved));
        let options = options();
        let customer = Customer::draw(&raters, crate::random::seeded(1));
        let mut side = CustomerSide::new(customer, 10, SimTime::ZERO);
        let next: Move<'_, ()> = side.turn_over(turn(Prompt::Survey(&resolved), 1_000));
        assert!(matches!(next, Move::Sends { .. }), "{next:?}");
        side.heard(false, None);
        let then: Move<'_, ()> = side.turn_over(turn(
            Prompt::Options {
                text: &TEXT,
                options: &options,
            },
            2_000,
        ));
        assert!(
            matches!(
                then,
                Move::Stops(Ending::Left {
                    reason: Reason::Misunderstood,
                    ..
                })
            ),
            "{then:?}"
        );
    }
}
