//! What a simulated customer does with what they see. Customers react to the
//! text, button and row titles on screen — never to node ids — so the same
//! personas can later talk to a live bot.

use rand::{Rng, RngExt};
use rand_chacha::ChaCha8Rng;

use crate::model::flow::same_text;
use crate::model::persona::{Behaviour, Goal, TemplatePart};
use crate::model::{Distribution, Millis};

/// A "word" for typing speed is five characters, as in typing tests.
const CHARS_PER_TYPED_WORD: f64 = 5.0;

/// What the customer sends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Message {
    /// Taps the option at this index.
    Tap(usize),
    /// Types this text.
    Text(String),
}

/// What the customer is looking at when they must act.
pub(crate) enum Prompt<'a> {
    /// Reply buttons or list rows.
    Options(&'a [String]),
    /// A free-text question.
    Question(&'a str),
}

/// The customer's decision for one turn.
pub(crate) enum Decision {
    /// Sends `message` after `delay` (reading, thinking and typing).
    Sends { delay: Millis, message: Message },
    /// Leaves after `delay` without a word: dropped off, or saw nothing for them.
    Leaves { delay: Millis },
}

pub(crate) fn sample(distribution: Option<&Distribution>, rng: &mut ChaCha8Rng) -> Millis {
    distribution.map_or(Millis::ZERO, |d| d.sample(rng))
}

/// Decides one turn. `unread_words` is how much bot text arrived since the
/// customer last wrote.
pub(crate) fn decide(
    behaviour: &Behaviour,
    goal: &Goal,
    prompt: Prompt,
    unread_words: usize,
    rng: &mut ChaCha8Rng,
) -> Decision {
    let noticed = sample(behaviour.read.as_ref(), rng);
    if rng.random::<f64>() < behaviour.drop_per_turn.get() {
        return Decision::Leaves { delay: noticed };
    }
    let reading = minutes_at(unread_words as f64, behaviour.reading_wpm);
    let thinking = sample(behaviour.think.as_ref(), rng);
    let before_acting = noticed.saturating_add(reading).saturating_add(thinking);

    let prefers_typing = rng.random::<f64>() < behaviour.types_instead_of_tapping.get();
    let message = match prompt {
        Prompt::Options(options) => {
            let tap = goal
                .taps
                .iter()
                .find_map(|wanted| options.iter().position(|option| same_text(option, wanted)));
            match (tap, &goal.says) {
                (Some(_), Some(says)) if prefers_typing => Some(Message::Text(says.clone())),
                (Some(index), _) => Some(Message::Tap(index)),
                (None, Some(says)) => Some(Message::Text(says.clone())),
                (None, None) => None,
            }
        }
        Prompt::Question(question) => {
            let question = question.to_lowercase();
            goal.answers
                .iter()
                .find(|(key, _)| question.contains(key.as_str()))
                .map(|(_, template)| Message::Text(render(&template.0, rng)))
                .or_else(|| goal.says.clone().map(Message::Text))
        }
    };
    let Some(mut message) = message else {
        return Decision::Leaves {
            delay: before_acting,
        };
    };
    let mut typing = Millis::ZERO;
    if let Message::Text(text) = &mut message {
        if rng.random::<f64>() < behaviour.typo_rate.get() {
            *text = with_typo(text, rng);
        }
        typing = minutes_at(
            text.chars().count() as f64 / CHARS_PER_TYPED_WORD,
            behaviour.typing_wpm,
        );
    }
    Decision::Sends {
        delay: before_acting.saturating_add(typing),
        message,
    }
}

/// How long `words` take at `words_per_minute`; instant when no speed is set.
fn minutes_at(words: f64, words_per_minute: Option<f64>) -> Millis {
    words_per_minute.map_or(Millis::ZERO, |wpm| {
        Millis::from_secs_f64(words / wpm * 60.0)
    })
}

fn render(parts: &[TemplatePart], rng: &mut ChaCha8Rng) -> String {
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
    use crate::model::persona::Template;
    use rand::SeedableRng;

    fn goal(taps: &[&str], says: Option<&str>) -> Goal {
        Goal {
            want: "test".into(),
            taps: taps.iter().map(|t| t.to_string()).collect(),
            says: says.map(String::from),
            answers: vec![(
                "order number".into(),
                Template::try_from("A{digits:6}".to_string()).unwrap(),
            )],
            off_script: false,
        }
    }

    fn sends(decision: Decision) -> Message {
        match decision {
            Decision::Sends { message, .. } => message,
            Decision::Leaves { .. } => panic!("expected a message"),
        }
    }

    #[test]
    fn taps_the_first_wanted_title_on_offer() {
        let options = ["Returns".to_string(), "Track order".to_string()];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let decision = decide(
            &Behaviour::default(),
            &goal(&["Order status", "track ORDER"], None),
            Prompt::Options(&options),
            0,
            &mut rng,
        );
        assert_eq!(sends(decision), Message::Tap(1));
    }

    #[test]
    fn types_when_nothing_matches_and_leaves_with_nothing_to_say() {
        let options = ["Returns".to_string()];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let decision = decide(
            &Behaviour::default(),
            &goal(&["Track order"], Some("where is it")),
            Prompt::Options(&options),
            0,
            &mut rng,
        );
        assert_eq!(sends(decision), Message::Text("where is it".into()));
        let decision = decide(
            &Behaviour::default(),
            &goal(&["Track order"], None),
            Prompt::Options(&options),
            0,
            &mut rng,
        );
        assert!(matches!(decision, Decision::Leaves { .. }));
    }

    #[test]
    fn answers_a_question_it_recognises() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let decision = decide(
            &Behaviour::default(),
            &goal(&[], None),
            Prompt::Question("Please send your Order Number"),
            0,
            &mut rng,
        );
        let Message::Text(answer) = sends(decision) else {
            panic!("expected text")
        };
        assert!(
            regex::Regex::new("^A[0-9]{6}$").unwrap().is_match(&answer),
            "{answer}"
        );
    }

    #[test]
    fn reading_and_typing_take_time_at_the_given_speeds() {
        let behaviour = Behaviour {
            reading_wpm: Some(240.0),
            typing_wpm: Some(36.0),
            ..Behaviour::default()
        };
        let options = ["Returns".to_string()];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        // 40 words at 240 wpm = 10s; "where is my order" is 17 characters =
        // 3.4 typed words at 36 wpm = 5.667s.
        let decision = decide(
            &behaviour,
            &goal(&[], Some("where is my order")),
            Prompt::Options(&options),
            40,
            &mut rng,
        );
        let Decision::Sends { delay, .. } = decision else {
            panic!()
        };
        assert_eq!(delay, Millis(10_000 + 5_667));
    }

    #[test]
    fn a_typo_swaps_neighbours() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let typo = with_typo("agent", &mut rng);
        assert_ne!(typo, "agent");
        let mut sorted: Vec<char> = typo.chars().collect();
        sorted.sort();
        assert_eq!(sorted, vec!['a', 'e', 'g', 'n', 't']);
    }
}
