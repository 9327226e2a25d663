//! Records transcripts: a [`Watcher`] per conversation, in a second pass over
//! the same replications (each is deterministic, so it replays exactly).

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
pub(crate) struct Recorder {
    replication: u32,
    conversation: u64,
    started: SimTime,
    transcript: Option<Transcript>,
    node_names: Vec<String>,
}

impl Recorder {
    fn seconds(&self, at: SimTime) -> f64 {
        at.since(self.started).as_secs_f64()
    }

    fn push(&mut self, line: Line) {
        if let Some(transcript) = &mut self.transcript {
            transcript.lines.push(line);
        }
    }
}

impl Observer for Recorder {
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
        };
        let understood_as = match heard {
            Heard::Option(title) => format!("option \"{title}\""),
            Heard::Intent(intent) => format!("intent {intent}"),
            Heard::Valid => "valid answer".into(),
            Heard::Score(score) => format!("score {score}"),
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

impl Watcher for Recorder {
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
        if found.len() >= count {
            break;
        }
        let (_, recorders) = replicate_observed(scenario, seed, replication, &mut |conversation| {
            Some(Recorder {
                replication,
                conversation,
                started: SimTime::ZERO,
                transcript: None,
                node_names: node_names.clone(),
            })
        });
        let mut matching: Vec<Transcript> = recorders
            .into_iter()
            .filter_map(|recorder| recorder.transcript)
            .filter(|transcript| filter.admits(transcript))
            .collect();
        matching.sort_by_key(|transcript| transcript.conversation);
        found.extend(matching.into_iter().take(count - found.len()));
    }
    found
}
