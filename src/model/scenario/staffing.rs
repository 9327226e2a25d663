//! The agents behind each queue: who is on shift when, how many chats each
//! holds, how long they take; and which pool staffs each queue of the flow.

use std::cell::OnceCell;
use std::collections::HashMap;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::diagnostic::{Problem, Rule};
use crate::limits::MAX_AGENTS;
use crate::model::Distribution;
use crate::model::Millis;
use crate::model::calendar::{Schedule, WeekTime};
use crate::model::flow::{Flow, NodeKind};
use crate::source::KeyPath;
use crate::text::Suggestions;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentSpec {
    /// Agents on shift all the time (or during `hours`).
    #[serde(default)]
    pub count: Option<u32>,
    /// Agents by period of the week, instead of `count`.
    #[serde(default)]
    pub shifts: Option<IndexMap<String, u32>>,
    /// When the `count` agents are on shift: `Mon-Fri 09:00-18:00`.
    #[serde(default)]
    pub hours: Option<String>,
    /// Chats one agent handles at once.
    #[serde(default)]
    pub concurrency: Option<u32>,
    /// How much longer each chat takes per other chat the agent holds.
    #[serde(default)]
    pub stretch: Option<f64>,
    /// Agents ask for a CSAT score after handling.
    #[serde(default)]
    pub survey: bool,
    /// How long an agent is busy with one conversation.
    pub handle_time: Distribution,
    /// From an agent taking the conversation to their first message.
    #[serde(default)]
    pub first_reply: Option<Distribution>,
}

/// The most chats one agent can hold at once.
pub const MAX_CONCURRENCY: u32 = 20;

/// Index of an agent pool in a scenario's pools.
pub(crate) type PoolId = usize;

/// A staffed agent queue.
#[derive(Debug, Clone)]
pub(crate) struct AgentPool {
    /// The queue's name, as flows hand off to it.
    pub name: String,
    /// How many agents are on shift, through the week.
    pub agents: Schedule<u32>,
    /// Chats one agent handles at once.
    pub concurrency: u32,
    /// A chat's handle time is multiplied by `1 + stretch × (k − 1)` when
    /// the agent holds `k` chats as they take it.
    pub stretch: f64,
    /// Agents ask for a CSAT score after handling.
    pub survey: bool,
    /// How long an agent is busy with one conversation.
    pub handle_time: Distribution,
    /// From an agent taking the conversation to their first message.
    pub first_reply: Distribution,
}

impl AgentPool {
    /// Whether any agent is on shift at `at`.
    pub fn open_at(&self, at: WeekTime) -> bool {
        *self.agents.at(at) > 0
    }
}

/// Reads one agent pool, reporting what is wrong where it is written.
pub(super) fn pool(
    name: String,
    spec: AgentSpec,
    problems: &mut Vec<Problem>,
) -> Option<AgentPool> {
    let path = KeyPath::root().key("agents").key(&name);
    let before = problems.len();
    let mut report = |key: &str, message: String, help: &str| {
        problems.push(Problem::new(Rule::InvalidScenario, path.key(key), message).with_help(help))
    };
    let agents = match (spec.count, &spec.shifts, &spec.hours) {
        (Some(count), None, None) => Ok(Schedule::constant(count)),
        (Some(count), None, Some(hours)) => Schedule::from_periods(&[(hours.clone(), count)], 0),
        (None, Some(shifts), None) => {
            let periods: Vec<(String, u32)> = shifts.iter().map(|(p, n)| (p.clone(), *n)).collect();
            Schedule::from_periods(&periods, 0)
        }
        (None, None, _) => Err(
            "a pool needs `count` (agents, optionally with `hours`) or `shifts` (agents by period)"
                .to_string(),
        ),
        _ => Err("`shifts` gives agents by period: it replaces `count` and `hours`".to_string()),
    };
    let agents = match agents {
        Ok(agents) => Some(agents),
        Err(message) => {
            let key = if spec.shifts.is_some() {
                "shifts"
            } else if spec.hours.is_some() {
                "hours"
            } else {
                "count"
            };
            report(
                key,
                message,
                "like `count: 6, hours: \"Mon-Fri 09:00-18:00\"`, or `shifts: {\"Mon-Fri 09:00-13:00\": 6}`",
            );
            None
        }
    };
    let most = agents
        .as_ref()
        .and_then(|agents| agents.values().copied().max())
        .unwrap_or(0);
    if most > MAX_AGENTS {
        let key = if spec.shifts.is_some() {
            "shifts"
        } else {
            "count"
        };
        report(
            key,
            format!("a pool has at most {MAX_AGENTS} agents on shift, got {most}"),
            "the agents who answer this queue at once, like `count: 6`",
        );
    }
    let concurrency = spec.concurrency.unwrap_or(1);
    if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
        report(
            "concurrency",
            format!(
                "chats one agent holds at once: from 1 to {MAX_CONCURRENCY}, got {concurrency}"
            ),
            "live-chat agents commonly hold 2 to 4",
        );
    }
    let stretch = spec.stretch.unwrap_or(0.0);
    if !(stretch.is_finite() && (0.0..=10.0).contains(&stretch)) {
        report(
            "stretch",
            format!(
                "the extra share of handle time per other chat held is from 0 to 10, got {stretch}"
            ),
            "0.25 makes each chat take 25% longer per other chat the agent holds",
        );
    }
    if problems.len() > before {
        return None;
    }
    Some(AgentPool {
        name,
        agents: agents?,
        concurrency,
        stretch,
        survey: spec.survey,
        handle_time: spec.handle_time,
        first_reply: spec
            .first_reply
            .unwrap_or_else(|| Distribution::fixed(Millis::ZERO)),
    })
}

/// Finds the pool of every queue the flow hands off to, by name. A queue no
/// pool staffs is a problem, located at the near-miss pool name when there
/// is one (most likely a typo there).
pub(super) fn staff(
    flow: &Flow,
    pools: &[AgentPool],
    problems: &mut Vec<Problem>,
) -> Option<Vec<PoolId>> {
    let root = KeyPath::root();
    let mut pool_of_queue = Vec::with_capacity(flow.queues.len());
    let by_name: HashMap<&str, usize> = pools
        .iter()
        .enumerate()
        .map(|(index, pool)| (pool.name.as_str(), index))
        .collect();
    let suggestions = OnceCell::new();
    // The first node that hands off to each queue, for messages.
    let first_handoff = OnceCell::new();
    for (queue_id, queue) in flow.queues.iter().enumerate() {
        match by_name.get(queue.as_str()).copied() {
            Some(pool) => pool_of_queue.push(pool),
            None => {
                let node = first_handoff.get_or_init(|| {
                    let mut first = vec!["?"; flow.queues.len()];
                    for node in flow.nodes.iter().rev() {
                        if let NodeKind::Handoff(handoff) = &node.kind {
                            first[handoff.queue] = node.id.as_str();
                        }
                    }
                    first
                })[queue_id];
                let near_miss = suggestions
                    .get_or_init(|| Suggestions::new(pools.iter().map(|pool| pool.name.as_str())))
                    .closest(queue);
                problems.push(match near_miss {
                    Some(staffed) => Problem::new(
                        Rule::UnstaffedQueue,
                        root.key("agents").key(staffed),
                        format!("node `{node}` of the flow hands off to queue `{queue}`, but the agents are staffed under `{staffed}`"),
                    )
                    .with_help(format!("rename `{staffed}` to `{queue}` (or fix the name in the flow)")),
                    None => Problem::new(
                        Rule::UnstaffedQueue,
                        root.key("agents"),
                        format!("node `{node}` of the flow hands off to queue `{queue}`, but no agents are staffed for it"),
                    )
                    .with_help(format!("add `{queue}: {{count: N, handle_time: ...}}` under `agents:`")),
                });
            }
        }
    }
    (pool_of_queue.len() == flow.queues.len()).then_some(pool_of_queue)
}
