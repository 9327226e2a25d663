//! The measure of typed replies at option prompts: a persona that taps
//! nothing (it types every option it means) is misunderstood only as often
//! as its typo and off-script rates say.

use std::path::Path;

use super::Conversation;
use super::bot::{Heard, Hours, Reply};
use super::customer::Customer;
use super::flow_bot::FlowBot;
use super::observer::Observer;
use crate::load::Loader;
use crate::model::flow::{NodeId, QueueId, Title};
use crate::model::{Millis, SimTime, Weighted};

/// A loop of option prompts without intents: whatever the bot does not
/// take for a title is its fallback. No title has two equal neighbouring
/// characters, so every typo (a swap of neighbours) changes the text.
const FLOW: &str = r#"
flow: measure
start: menu
nodes:
  menu:
    say: "What do you need?"
    buttons: ["Billing", "Outage", "Upgrade"]
    routes: {"Billing": more, "Outage": more, "Upgrade": more, fallback: menu}
  more:
    say: "Anything else?"
    buttons: ["No, thanks", "Main menu"]
    routes: {"No, thanks": done, "Main menu": menu, fallback: more}
  done:
    end: resolved
"#;

/// Always types; goes round the loop until the turn limit.
const PERSONAS: &str = r#"
personas:
  - name: typist
    goals:
      - want: report an outage
        taps: ["Outage", "Main menu"]
        says: "my internet is not working"
    behaviour:
      types_instead_of_tapping: 1
      typo_rate: 0.1
      off_script_rate: 0.05
"#;

struct AlwaysOpen;

impl Hours for AlwaysOpen {
    fn open(&self, _queue: QueueId, _at: SimTime) -> bool {
        true
    }
}

/// Counts replies at option prompts after a conversation's first prompt,
/// and those the bot did not understand.
#[derive(Default)]
struct Count {
    first_done: bool,
    replies: u64,
    not_understood: u64,
    taps: u64,
}

impl Observer for Count {
    fn entered(&mut self, _node: NodeId) {}
    fn bot_responded(&mut self, _after: Millis) {}
    fn replied(&mut self, _at: SimTime, reply: &Reply<'_>, options: &[Title], heard: Heard<'_>) {
        if options.is_empty() {
            return;
        }
        if !std::mem::replace(&mut self.first_done, true) {
            return;
        }
        self.replies += 1;
        self.not_understood += u64::from(!heard.understood());
        self.taps += u64::from(matches!(reply, Reply::Tap(_)));
    }
}

/// Each reply is misunderstood when the customer goes off script (0.05:
/// the default off-script phrasings are no title), or else makes a typo
/// (0.1), which always changes a title here: expected share 0.05 + 0.95 ×
/// 0.1 = 0.145. Every turn draws from its own stream, so the replies are
/// independent trials: over 2,000 conversations of 20 turns (38,000 counted
/// replies) the standard error of the share is sqrt(0.145 × 0.855 / 38,000)
/// = 0.0018, and the tolerance, 0.009, is 5 of them (a false alarm about
/// once in 1.7 million runs). Typing the goal's phrase, as customers did
/// before they typed the option they mean, gives a share of 1.
#[test]
fn typists_are_misunderstood_as_often_as_their_typos_and_off_script_rate_say() {
    let loader = Loader::new()
        .with_file("flow.yaml", FLOW)
        .with_file("personas.yaml", PERSONAS);
    let (flow, _) = loader.flow(Path::new("flow.yaml")).unwrap();
    let personas = loader
        .check_personas(Path::new("personas.yaml"))
        .unwrap()
        .value
        .unwrap();
    let personas = Weighted::equal(personas).unwrap();
    let mut count = Count::default();
    for index in 0..2_000 {
        let streams = crate::random::Streams::walk_in(index);
        let customer = Customer::draw(
            &personas,
            streams.stream(7, 0, crate::random::Purpose::Customer),
        );
        let bot = FlowBot::new(
            &flow,
            &AlwaysOpen,
            streams.stream(7, 0, crate::random::Purpose::Bot),
        );
        let mut conversation = Conversation::new(customer, bot, 20, SimTime(0));
        count.first_done = false;
        conversation.play(&mut count);
    }
    assert_eq!(count.taps, 0, "this persona taps nothing");
    assert_eq!(
        count.replies,
        2_000 * 19,
        "every conversation runs 20 turns"
    );
    let share = count.not_understood as f64 / count.replies as f64;
    let expected = 0.05 + 0.95 * 0.1;
    assert!(
        (share - expected).abs() < 0.009,
        "not understood {share:.4}, expected {expected} ± 0.009"
    );
}
