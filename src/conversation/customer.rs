//! What a simulated customer does with what they see. Customers react to the
//! text, button and row titles on screen — never to node ids — so the same
//! personas talk to a simulated flow and to a live bot.

use std::borrow::Cow;

use crate::random::Draws;
use rand::{Rng, RngExt};

use rand_distr::{Distribution as _, StandardNormal};

use super::bot::{Prompt, Reply, Typed};
use crate::metric::Reason;
use crate::model::bank::Bank;
use crate::model::flow::{Scale, Survey, Title, text_key};
use crate::model::persona::{Behaviour, Experience, Goal, Persona, TemplatePart};
use crate::model::script::ScriptCounts;
use crate::model::{Distribution, Millis, Weighted};

/// The customer's decision for one turn.
pub(crate) enum Decision<'p> {
    /// Sends `reply` after `delay` (reading, thinking and typing).
    Sends { delay: Millis, reply: Reply<'p> },
    /// Leaves after `delay` without a word: dropped off, saw nothing for
    /// them, or skipped a survey.
    Leaves { delay: Millis, reason: Reason },
}

/// One simulated customer: who they are, what they want, and their own
/// random stream (persona, goal, patience, timing, text).
pub(crate) struct Customer<'p> {
    pub persona_index: usize,
    pub persona: &'p Persona,
    pub goal: &'p Goal,
    rng: Draws,
    /// How long they wait for a silent bot; endless when `None`.
    pub bot_patience: Option<Millis>,
}

impl<'p> Customer<'p> {
    /// Draws a customer from `personas` with their own stream `rng`: the
    /// persona by mix share, the goal by weight, then their patience.
    pub fn draw(personas: &'p Weighted<Persona>, mut rng: Draws) -> Customer<'p> {
        let persona_index = personas.pick(rng.random());
        Customer::of(personas, persona_index, rng)
    }

    /// A customer of persona `persona_index` (one who comes back, or an
    /// audience member) with their own stream `rng`: the goal by weight,
    /// then their patience.
    pub fn of(
        personas: &'p Weighted<Persona>,
        persona_index: usize,
        mut rng: Draws,
    ) -> Customer<'p> {
        let persona = personas.get(persona_index);
        let goal = persona.goals.get(persona.goals.pick(rng.random()));
        let bot_patience = persona
            .behaviour
            .bot_patience
            .as_ref()
            .map(|d| d.sample(&mut rng));
        Customer {
            persona_index,
            persona,
            goal,
            rng,
            bot_patience,
        }
    }

    /// Decides one turn. `unread_words` is how much bot text arrived since
    /// the customer last wrote, per script; `experience` is what they went
    /// through so far, for a survey's score.
    pub fn decide(
        &mut self,
        prompt: Prompt<'_>,
        unread_words: ScriptCounts,
        experience: &Experience,
    ) -> Decision<'p> {
        // A fresh stream per turn keeps later turns aligned even when this
        // one draws more or fewer numbers (a longer answer, a typo).
        let mut turn_rng = crate::random::split(&mut self.rng);
        match prompt {
            Prompt::Survey(survey) => {
                self.answer_survey(survey, unread_words, experience, &mut turn_rng)
            }
            _ => decide(
                &self.persona.behaviour,
                self.goal,
                prompt,
                unread_words,
                &mut turn_rng,
            ),
        }
    }

    /// At a CSAT survey: answers with probability `survey_response`, the
    /// score drawn from the satisfaction model; otherwise leaves.
    fn answer_survey(
        &self,
        survey: &Survey,
        unread_words: ScriptCounts,
        experience: &Experience,
        rng: &mut Draws,
    ) -> Decision<'p> {
        let behaviour = &self.persona.behaviour;
        let noticed = sample(behaviour.read.as_ref(), rng);
        let answers = rng.random::<f64>() < self.persona.survey_response.get();
        let normal: f64 = StandardNormal.sample(rng);
        let score = self
            .persona
            .satisfaction
            .filter(|_| answers)
            .map(|satisfaction| satisfaction.score(experience, normal));
        let Some(score) = score else {
            return Decision::Leaves {
                delay: noticed,
                reason: Reason::SurveySkipped,
            };
        };
        let reading = reading_time(behaviour, unread_words);
        let delay = noticed + reading;
        let reply = match survey.scale {
            Scale::Text => {
                let digit = score.to_string();
                return Decision::Sends {
                    delay: delay + typing_time(behaviour, &digit),
                    reply: Reply::Typed(Typed {
                        key: Cow::Owned(digit.clone()),
                        text: Cow::Owned(digit),
                    }),
                };
            }
            Scale::List | Scale::Buttons => Reply::Tap(nearest(&survey.scores, score)),
        };
        Decision::Sends { delay, reply }
    }
}

/// The option whose score is nearest `score`; between two, the one further
/// from the middle (a 2 taps "bad" rather than "OK" on a three-point scale).
fn nearest(scores: &[u8], score: u8) -> usize {
    let distance = |option: u8| (i16::from(option) - i16::from(score)).abs();
    let mut best = 0;
    for (index, option) in scores.iter().enumerate() {
        let (d, best_d) = (distance(*option), distance(scores[best]));
        let further_out = (i16::from(*option) - 3).abs() > (i16::from(scores[best]) - 3).abs();
        if d < best_d || (d == best_d && further_out) {
            best = index;
        }
    }
    best
}

fn sample(distribution: Option<&Distribution>, rng: &mut Draws) -> Millis {
    distribution.map_or(Millis::ZERO, |d| d.sample(rng))
}

/// Decides one turn. Its draws, in this order: noticing, dropping out,
/// thinking, typing instead of tapping, going off script (only for personas
/// with an `off_script_rate`), the phrasing of a bank (only when it has more
/// than one), an answer's generated parts, a typo and where it falls.
fn decide<'p>(
    behaviour: &'p Behaviour,
    goal: &'p Goal,
    prompt: Prompt<'_>,
    unread_words: ScriptCounts,
    rng: &mut Draws,
) -> Decision<'p> {
    let noticed = sample(behaviour.read.as_ref(), rng);
    if rng.random::<f64>() < behaviour.drop_per_turn.get() {
        return Decision::Leaves {
            delay: noticed,
            reason: Reason::Dropped,
        };
    }
    let reading = reading_time(behaviour, unread_words);
    let thinking = sample(behaviour.think.as_ref(), rng);
    let before_acting = noticed + reading + thinking;
    // Some customers send media instead of answering (`behaviour.sends`);
    // a persona without `sends` draws nothing here.
    if let Some(media) = behaviour.sends.draw(rng) {
        return Decision::Sends {
            delay: before_acting + media.making(),
            reply: Reply::Media(media),
        };
    }

    let prefers_typing = rng.random::<f64>() < behaviour.types_instead_of_tapping.get();
    // Drawn only by personas that can go off script, so that personas
    // without it draw what they drew before the rate existed.
    let off_script = behaviour.off_script_rate.get() > 0.0
        && rng.random::<f64>() < behaviour.off_script_rate.get();
    let phrasing = |bank: &'p Bank, rng: &mut Draws| {
        let said = bank.pick(|| rng.random::<f64>());
        Reply::Typed(Typed {
            text: Cow::Borrowed(said.text.as_str()),
            key: Cow::Borrowed(said.key.as_str()),
        })
    };
    let reply = match prompt {
        _ if off_script => Some(phrasing(&behaviour.off_script_says, rng)),
        Prompt::Options { text, options } => {
            let tap = goal
                .taps
                .iter()
                .find_map(|wanted| options.iter().position(|option| option.key == wanted.key));
            match tap {
                Some(index) if !prefers_typing => Some(Reply::Tap(index)),
                // Typing what they would have tapped: in their own words
                // when the persona gives them, else the title itself.
                Some(index) => Some(
                    match goal
                        .reply_for_option(&options[index].key)
                        .or_else(|| goal.reply_at_prompt(&text.lower, options))
                    {
                        Some(reply) => phrasing(&reply.bank, rng),
                        None => typed_title(&options[index]),
                    },
                ),
                // Nothing they want on offer: what they type at this
                // prompt, else what they came to say, else they leave.
                None => goal
                    .reply_at_prompt(&text.lower, options)
                    .map(|reply| &reply.bank)
                    .or(goal.says.as_ref())
                    .map(|bank| phrasing(bank, rng)),
            }
        }
        Prompt::Question(question) => goal
            .answers
            .iter()
            .find(|(key, _)| question.lower.contains(key.as_str()))
            .map(|(_, template)| {
                let text = render(&template.0, rng);
                Reply::Typed(Typed {
                    key: Cow::Owned(text_key(&text)),
                    text: Cow::Owned(text),
                })
            })
            .or_else(|| {
                goal.reply_at_prompt(&question.lower, &[])
                    .map(|reply| &reply.bank)
                    .or(goal.says.as_ref())
                    .map(|bank| phrasing(bank, rng))
            }),
        // Surveys are answered by `Customer::answer_survey`, never here.
        Prompt::Survey(_) => None,
    };
    let Some(mut reply) = reply else {
        return Decision::Leaves {
            delay: before_acting,
            reason: Reason::GaveUp,
        };
    };
    let mut typing = Millis::ZERO;
    if let Reply::Typed(typed) = &mut reply {
        if rng.random::<f64>() < behaviour.typo_rate.get() {
            let text = with_typo(&typed.text, rng);
            typed.key = Cow::Owned(text_key(&text));
            typed.text = Cow::Owned(text);
        }
        typing = typing_time(behaviour, &typed.text);
    }
    Decision::Sends {
        delay: before_acting + typing,
        reply,
    }
}

/// An option's title typed instead of tapped, with no slip: the title as the
/// bot normalises what it reads ([`text_key`]: case, accents, letter variants and white space folded).
/// The bot takes a typed title only when it equals an option's title once
/// both are normalised, so this is the one rewording every bot understands;
/// shorter forms ("no" for "No, that's all") belong in a persona's
/// `replies`, where lint checks them against the flow.
///
/// The title's key is already its text key, and a key is its own key (a
/// property test in `text_key`), so it serves as both the text and
/// the key: it is copied, not normalised again.
fn typed_title(title: &Title) -> Reply<'static> {
    Reply::Typed(Typed {
        key: Cow::Owned(title.key.clone()),
        text: Cow::Owned(title.key.clone()),
    })
}

/// How long reading `words` takes; instant when the persona sets no speed.
fn reading_time(behaviour: &Behaviour, words: ScriptCounts) -> Millis {
    behaviour
        .reading_wpm
        .as_ref()
        .map_or(Millis::ZERO, |speed| speed.time_to_read(words))
}

/// How long typing `text` takes; instant when the persona sets no speed.
fn typing_time(behaviour: &Behaviour, text: &str) -> Millis {
    behaviour
        .typing_wpm
        .as_ref()
        .map_or(Millis::ZERO, |speed| speed.time_to_type(text))
}

fn render(parts: &[TemplatePart], rng: &mut Draws) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            TemplatePart::Text(text) => out.push_str(text),
            TemplatePart::Digits(n) => {
                out.extend((0..*n).map(|_| char::from(b'0' + rng.random_range(0..10u8))))
            }
            TemplatePart::Letters(n) => {
                out.extend((0..*n).map(|_| char::from(b'A' + rng.random_range(0..26u8))))
            }
        }
    }
    out
}

/// One slip of the thumb: two neighbouring characters swapped, or one
/// dropped when the text is a single character.
fn with_typo(text: &str, rng: &mut impl Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    match chars.len() {
        0 => {}
        1 => {
            chars.clear();
        }
        n => {
            let at = rng.random_range(0..n - 1);
            chars.swap(at, at + 1);
        }
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::flow::{Text, Title};
    use crate::model::media::Media;
    use crate::model::persona::{KeyedBank, Template};
    use crate::model::script::Script;
    use crate::model::speed::Speed;

    static DEFAULT: std::sync::LazyLock<Behaviour> = std::sync::LazyLock::new(Behaviour::default);

    fn goal(taps: &[&str], says: Option<&str>) -> Goal {
        Goal {
            want: "test".into(),
            taps: taps.iter().map(|t| Title::new(t)).collect(),
            says: says.map(Bank::one),
            replies: Vec::new(),
            answers: vec![(
                "order number".into(),
                Template::try_from("A{digits:6}".to_string()).unwrap(),
            )],
            off_script: false,
            done_when: Default::default(),
        }
    }

    fn sends(decision: Decision) -> Reply {
        match decision {
            Decision::Sends { reply, .. } => reply,
            Decision::Leaves { .. } => panic!("expected a message"),
        }
    }

    fn titles(texts: &[&str]) -> Vec<Title> {
        texts.iter().map(|t| Title::new(t)).collect()
    }

    fn typed(text: &str) -> Reply<'static> {
        Reply::Typed(Typed {
            text: Cow::Owned(text.to_string()),
            key: Cow::Owned(text_key(text)),
        })
    }

    #[test]
    fn taps_the_first_wanted_title_on_offer() {
        let options = titles(&["Returns", "Track order"]);
        let mut rng = crate::random::seeded(1);
        let goal = goal(&["Order status", "track ORDER"], None);
        let decision = decide(
            &DEFAULT,
            &goal,
            Prompt::Options {
                text: &Text::new("Anything else?"),
                options: &options,
            },
            ScriptCounts::NONE,
            &mut rng,
        );
        assert_eq!(sends(decision), Reply::Tap(1));
    }

    #[test]
    fn types_when_nothing_matches_and_leaves_with_nothing_to_say() {
        let options = titles(&["Returns"]);
        let mut rng = crate::random::seeded(1);
        let talker = goal(&["Track order"], Some("where is it"));
        let decision = decide(
            &DEFAULT,
            &talker,
            Prompt::Options {
                text: &Text::new("Anything else?"),
                options: &options,
            },
            ScriptCounts::NONE,
            &mut rng,
        );
        assert_eq!(sends(decision), typed("where is it"));
        let silent = goal(&["Track order"], None);
        let decision = decide(
            &DEFAULT,
            &silent,
            Prompt::Options {
                text: &Text::new("Anything else?"),
                options: &options,
            },
            ScriptCounts::NONE,
            &mut rng,
        );
        assert!(matches!(decision, Decision::Leaves { .. }));
    }

    #[test]
    fn answers_a_question_it_recognises() {
        let mut rng = crate::random::seeded(1);
        let question = Text::new("Please send your Order Number");
        let answerer = goal(&[], None);
        let decision = decide(
            &DEFAULT,
            &answerer,
            Prompt::Question(&question),
            ScriptCounts::NONE,
            &mut rng,
        );
        let Reply::Typed(answer) = sends(decision) else {
            panic!("expected text")
        };
        assert!(
            regex::Regex::new("^A[0-9]{6}$")
                .unwrap()
                .is_match(&answer.text),
            "{answer:?}"
        );
    }

    #[test]
    fn reading_and_typing_take_time_at_the_given_speeds() {
        let behaviour = Behaviour {
            reading_wpm: Some(Speed::Every(240.0)),
            typing_wpm: Some(Speed::Every(36.0)),
            ..Behaviour::default()
        };
        let options = titles(&["Returns"]);
        let mut rng = crate::random::seeded(1);
        // 40 words at 240 wpm = 10s; "where is my order" is 17 characters =
        // 3.4 typed words at 36 wpm = 5.667s.
        let typist = goal(&[], Some("where is my order"));
        let prompt = Prompt::Options {
            text: &Text::new("Anything else?"),
            options: &options,
        };
        let decision = decide(
            &behaviour,
            &typist,
            prompt,
            ScriptCounts::only(Script::Latin, 40),
            &mut rng,
        );
        let Decision::Sends { delay, .. } = decision else {
            panic!()
        };
        assert_eq!(delay, Millis(10_000 + 5_667));
    }

    #[test]
    fn a_bilingual_customer_reads_and_types_each_script_at_its_speed() {
        // Arabic at 120 words a minute, everything else at 240; typing
        // Arabic at 24, everything else at 36.
        let speeds = |arabic: f64, other: f64| {
            let mut by_script = [other; Script::COUNT];
            by_script[Script::Arabic.index()] = arabic;
            Some(Speed::ByScript(by_script))
        };
        let behaviour = Behaviour {
            reading_wpm: speeds(120.0, 240.0),
            typing_wpm: speeds(24.0, 36.0),
            ..Behaviour::default()
        };
        let options = titles(&["Returns"]);
        let prompt = Prompt::Options {
            text: &Text::new("Anything else?"),
            options: &options,
        };
        // 10 Arabic and 10 Latin words: 10/120 + 10/240 minutes = 7.5s.
        // "je veux أريد" types "je veux " (8 Latin characters) and "أريد"
        // (4 Arabic ones): 8/5/36 + 4/5/24 minutes = 2.667s + 2s.
        let unread =
            ScriptCounts::only(Script::Arabic, 10).plus(ScriptCounts::only(Script::Latin, 10));
        let says = goal(&[], Some("je veux أريد"));
        let decision = decide(
            &behaviour,
            &says,
            prompt,
            unread,
            &mut crate::random::seeded(1),
        );
        let Decision::Sends { delay, .. } = decision else {
            panic!("expected a message")
        };
        assert_eq!(delay, Millis(7_500 + 4_667));
    }

    fn typist() -> Behaviour {
        Behaviour {
            types_instead_of_tapping: crate::model::Probability::ONE,
            ..Behaviour::default()
        }
    }

    fn reply(key: &str, phrasings: &[&str]) -> KeyedBank {
        KeyedBank {
            written: key.to_string(),
            title: text_key(key),
            bank: Bank::equal(phrasings).unwrap(),
        }
    }

    fn at_anything_else<'p>(behaviour: &'p Behaviour, goal: &'p Goal) -> Reply<'p> {
        let options = titles(&["🙅 No, that's all", "Main menu"]);
        let text = Text::new("Anything else?");
        let prompt = Prompt::Options {
            text: &text,
            options: &options,
        };
        sends(decide(
            behaviour,
            goal,
            prompt,
            ScriptCounts::NONE,
            &mut crate::random::seeded(1),
        ))
    }

    #[test]
    fn a_typist_types_the_option_it_means_not_its_goal() {
        let behaviour = typist();
        let done = goal(
            &["No, that's all", "🙅 No, that's all"],
            Some("my internet is down"),
        );
        assert_eq!(
            at_anything_else(&behaviour, &done),
            typed("🙅 no, that's all")
        );
        // As written, the goal's phrase is typed only when nothing it wants
        // is on offer.
        let lost = goal(&["Track order"], Some("my internet is down"));
        assert_eq!(
            at_anything_else(&behaviour, &lost),
            typed("my internet is down")
        );
    }

    #[test]
    fn the_typed_title_is_what_the_bot_takes_for_a_tap() {
        // Leading emoji, capitals and spaces: the bot still hears the option.
        let title = Title::new("  🙅 No, THAT's all ");
        let Reply::Typed(typed) = typed_title(&title) else {
            panic!("a typed title")
        };
        assert_eq!(typed.key, title.key);
        assert_eq!(text_key(&typed.text), title.key);
    }

    #[test]
    fn replies_per_option_then_per_prompt_then_the_title() {
        let behaviour = typist();
        let mut done = goal(&["🙅 No, that's all"], Some("my internet is down"));
        done.replies = vec![
            reply("anything else", &["nope"]),
            reply("🙅 No, that's all", &["no thanks"]),
        ];
        assert_eq!(at_anything_else(&behaviour, &done), typed("no thanks"));
        done.replies.remove(1);
        assert_eq!(at_anything_else(&behaviour, &done), typed("nope"));
        // A prompt reply is typed where nothing wanted is on offer, too,
        // and a tapper taps.
        let mut lost = goal(&["Track order"], Some("my internet is down"));
        lost.replies = vec![reply("ANYTHING else", &["nope"])];
        assert_eq!(at_anything_else(&DEFAULT, &lost), typed("nope"));
        let tapper = goal(&["Main menu"], None);
        assert_eq!(at_anything_else(&DEFAULT, &tapper), Reply::Tap(1));
    }

    #[test]
    fn a_reply_keyed_by_an_option_on_screen_is_not_a_prompt_phrase() {
        // "main menu" is in the text, but names an option they do not mean.
        let options = titles(&["Yes", "Main menu"]);
        let text = Text::new("Back to the main menu?");
        let mut yes = goal(&["Yes"], None);
        yes.replies = vec![reply("Main menu", &["menu pls"])];
        let prompt = Prompt::Options {
            text: &text,
            options: &options,
        };
        let behaviour = typist();
        let reply = sends(decide(
            &behaviour,
            &yes,
            prompt,
            ScriptCounts::NONE,
            &mut crate::random::seeded(1),
        ));
        assert_eq!(reply, typed("yes"));
    }

    #[test]
    fn off_script_customers_type_from_their_bank() {
        let behaviour = Behaviour {
            off_script_rate: crate::model::Probability::ONE,
            off_script_says: Bank::one("can I pay by card?"),
            ..Behaviour::default()
        };
        let tapper = goal(&["Main menu"], None);
        assert_eq!(
            at_anything_else(&behaviour, &tapper),
            typed("can I pay by card?")
        );
    }

    #[test]
    fn a_customer_who_sends_media_sends_it_instead_of_answering() {
        let always = crate::model::media::Sends::new(
            &[("audio".to_string(), crate::model::Probability::ONE)]
                .into_iter()
                .collect(),
        )
        .unwrap();
        let behaviour = Behaviour {
            sends: always,
            ..Behaviour::default()
        };
        let options = titles(&["Returns"]);
        let goal = goal(&["Returns"], None);
        let mut rng = crate::random::seeded(1);
        let prompt = Prompt::Options {
            text: &Text::new("What can we do for you?"),
            options: &options,
        };
        let decision = decide(&behaviour, &goal, prompt, ScriptCounts::NONE, &mut rng);
        let Decision::Sends {
            delay,
            reply: Reply::Media(Media::Audio { seconds }),
        } = decision
        else {
            panic!("expected a voice note")
        };
        // Recording it takes as long as it lasts.
        assert_eq!(delay, Millis(u64::from(seconds) * 1_000));
    }

    #[test]
    fn a_score_taps_the_nearest_option_and_ties_go_outwards() {
        let three = [1, 3, 5];
        assert_eq!(
            [1, 2, 3, 4, 5].map(|score| nearest(&three, score)),
            [0, 0, 1, 2, 2]
        );
        let five = [1, 2, 3, 4, 5];
        assert_eq!([1, 5].map(|score| nearest(&five, score)), [0, 4]);
    }

    #[test]
    fn a_typo_swaps_neighbours() {
        let mut rng = crate::random::seeded(3);
        let typo = with_typo("agent", &mut rng);
        assert_ne!(typo, "agent");
        let mut sorted: Vec<char> = typo.chars().collect();
        sorted.sort();
        assert_eq!(sorted, vec!['a', 'e', 'g', 'n', 't']);
    }
}
