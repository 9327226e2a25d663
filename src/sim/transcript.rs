//! Records transcripts: a [`Watcher`] per conversation, in a second pass over
//! the same replications (each is deterministic, so it replays exactly).

use std::collections::BTreeSet;

use super::people::Origin;
use super::replication::{Watcher, replicate_observed};
use crate::conversation::bot::{Heard, Outgoing, Reply};
use crate::conversation::observer::Observer;
use crate::metric::{Outcome, Reason};
use crate::model::flow::{NodeId, Title};
use crate::model::persona::{Goal, Persona};
use crate::model::scenario::Scenario;
use crate::model::{Millis, SimTime};
use crate::transcript::{Filter, Line, Speaker, Transcript};

/// Writes down one conversation.
pub(crate) struct Recorder<'n> {
    replication: u32,
    conversation: u64,
    started: SimTime,
    transcript: Option<Transcript>,
    node_names: &'n [String],
}

impl Recorder<'_> {
    fn seconds(&self, at: SimTime) -> f64 {
        at.since(self.started).as_secs_f64()
    }

    fn push(&mut self, line: Line) {
        if let Some(transcript) = &mut self.transcript {
            transcript.lines.push(line);
        }
    }
}

impl Observer for Recorder<'_> {
    fn entered(&mut self, _node: NodeId) {}
    fn bot_responded(&mut self, _after: Millis) {}

    fn delivered(&mut self, at: SimTime, message: Outgoing<'_>) {
        let line = Line {
            at: self.seconds(at),
            speaker: Speaker::Bot,
            text: message.text.text.clone(),
            options: message
                .options
                .iter()
                .map(|option| option.text.clone())
                .collect(),
            tapped: false,
            understood_as: None,
        };
        self.push(line);
    }

    fn replied(&mut self, at: SimTime, reply: &Reply<'_>, options: &[Title], heard: Heard<'_>) {
        let (text, tapped) = match reply {
            Reply::Tap(index) => (
                options
                    .get(*index)
                    .map_or_else(String::new, |o| o.text.clone()),
                true,
            ),
            Reply::Typed(typed) => (typed.text.to_string(), false),
            Reply::Media(media) => (media.shown(), false),
        };
        let understood_as = match heard {
            Heard::Option(title) => format!("option \"{title}\""),
            Heard::Intent(intent) => format!("intent {intent}"),
            Heard::Valid => "valid answer".into(),
            Heard::Score(score) => format!("score {score}"),
            Heard::Media(kind) => format!("{} route", kind.key()),
            Heard::Ignored => "ignored".into(),
            Heard::Fallback | Heard::Invalid => "not understood".into(),
        };
        let line = Line {
            at: self.seconds(at),
            speaker: Speaker::Customer,
            text,
            options: Vec::new(),
            tapped,
            understood_as: Some(understood_as),
        };
        self.push(line);
    }
}

impl Watcher for Recorder<'_> {
    fn begin(&mut self, persona: &Persona, goal: &Goal, at: SimTime, _origin: Origin) {
        self.started = at;
        self.transcript = Some(Transcript {
            persona: persona.name.clone(),
            goal: goal.want.clone(),
            replication: self.replication,
            conversation: self.conversation,
            lines: Vec::new(),
            outcome: Outcome::Unresolved,
            node: String::new(),
            reason: None,
            ended: 0.0,
        });
    }

    fn ended(&mut self, outcome: Outcome, node: NodeId, at: SimTime, reason: Option<Reason>) {
        let ended = self.seconds(at);
        let name = self.node_names[node].clone();
        if let Some(transcript) = &mut self.transcript {
            transcript.outcome = outcome;
            transcript.node = name;
            transcript.reason = reason;
            transcript.ended = ended;
        }
    }
}

/// The first `count` counted conversations that `filter` admits, in
/// replication order, then conversation order.
///
/// Only the conversations shown are written down: without a filter they
/// are the first ones of each replication; with one, a first pass over the
/// replication notes which conversations it admits (keeping the numbers of
/// the first few only), and a second records those. Either way memory
/// holds `count` transcripts, however long the replication.
pub(crate) fn transcripts(
    scenario: &Scenario,
    seed: u64,
    replications: u32,
    count: usize,
    filter: &Filter,
) -> Vec<Transcript> {
    let node_names: Vec<String> = scenario
        .flow
        .nodes
        .iter()
        .map(|node| node.id.clone())
        .collect();
    let mut found = Vec::new();
    for replication in 0..replications {
        let need = count.saturating_sub(found.len());
        if need == 0 {
            break;
        }
        // Without a filter, the first `need` conversations; with one, those
        // a first pass found it admits.
        let admitted = match filter {
            Filter::Any => None,
            _ => Some(admitted(
                scenario,
                seed,
                replication,
                need,
                filter,
                &node_names,
            )),
        };
        if admitted.as_ref().is_some_and(BTreeSet::is_empty) {
            continue;
        }
        let wanted = |conversation: u64| match &admitted {
            None => conversation < need as u64,
            Some(admitted) => admitted.contains(&conversation),
        };
        let mut recorded = Vec::new();
        replicate_observed(
            scenario,
            seed,
            replication,
            &mut |conversation| {
                wanted(conversation).then(|| Recorder {
                    replication,
                    conversation,
                    started: SimTime::ZERO,
                    transcript: None,
                    node_names: &node_names,
                })
            },
            &mut |recorder| recorded.extend(recorder.transcript),
        );
        recorded.sort_by_key(|transcript| transcript.conversation);
        found.extend(recorded.into_iter().take(need));
    }
    found
}

/// Notes whether a conversation's ending is one the filter admits.
struct Admits<'f> {
    number: u64,
    filter: &'f Filter,
    node_names: &'f [String],
    admitted: bool,
}

impl Observer for Admits<'_> {
    fn entered(&mut self, _node: NodeId) {}
    fn bot_responded(&mut self, _after: Millis) {}
}

impl Watcher for Admits<'_> {
    fn begin(&mut self, _: &Persona, _: &Goal, _: SimTime, _: Origin) {}
    fn ended(&mut self, outcome: Outcome, node: NodeId, _: SimTime, _: Option<Reason>) {
        self.admitted = match self.filter {
            Filter::Any => true,
            Filter::Outcome(wanted) => outcome == *wanted,
            Filter::Node(name) => self.node_names[node] == *name,
        };
    }
}

/// The numbers of the first `need` counted conversations of a replication
/// that `filter` admits, found without writing any down.
fn admitted(
    scenario: &Scenario,
    seed: u64,
    replication: u32,
    need: usize,
    filter: &Filter,
    node_names: &[String],
) -> BTreeSet<u64> {
    // Read when a conversation starts, written when one ends.
    let first = std::cell::RefCell::new(BTreeSet::new());
    replicate_observed(
        scenario,
        seed,
        replication,
        &mut |number| {
            // Conversations are numbered as they start: once `need` are
            // admitted, a later one cannot be among the first.
            let first = first.borrow();
            let beaten = first.len() == need && first.last().is_some_and(|last| number > *last);
            (!beaten).then_some(Admits {
                number,
                filter,
                node_names,
                admitted: false,
            })
        },
        &mut |watcher: Admits| {
            let mut first = first.borrow_mut();
            if watcher.admitted {
                first.insert(watcher.number);
                if first.len() > need {
                    first.pop_last();
                }
            }
        },
    );
    first.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Loader;

    #[test]
    fn a_filter_finds_the_first_conversations_it_admits_as_writing_all_down_would() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (scenario, _) = Loader::new()
            .scenario(&root.join("scenarios/bank/lunchtime-peak.yaml"))
            .unwrap();
        // Every conversation of three replications, written down.
        let all = transcripts(&scenario, 7, 3, usize::MAX, &Filter::Any);
        assert!(all.len() > 800, "{}", all.len());
        for filter in [
            Filter::Outcome(Outcome::AbandonedInQueue),
            Filter::Outcome(Outcome::SelfResolved),
            Filter::Node(scenario.flow.nodes[scenario.flow.start].id.clone()),
        ] {
            for count in [1, 5, 400] {
                let expected: Vec<&Transcript> = all
                    .iter()
                    .filter(|transcript| filter.admits(transcript))
                    .take(count)
                    .collect();
                let found = transcripts(&scenario, 7, 3, count, &filter);
                assert_eq!(
                    found.iter().collect::<Vec<_>>(),
                    expected,
                    "{filter:?}, {count}"
                );
            }
        }
    }
}
