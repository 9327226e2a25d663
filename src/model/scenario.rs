//! A scenario: which flow, which personas in which mix, how much traffic, how
//! many agents, and what the results must be.
//!
//! ```yaml
//! scenario: peak-hour
//! flow: flow.yaml                 # relative to this file
//! personas: [personas.yaml]
//! mix: {returning-buyer: 0.6, new-lead: 0.4}
//! seed: 42
//! conversations: 12000
//! replications: 20                # independent runs, here 20 peak hours of 600
//! max_turns: 40
//! arrivals: {poisson: {per_hour: 600}}
//! agents:
//!   support: {count: 6, handle_time: {lognormal: {median: 5m, p90: 12m}}}
//! expect:
//!   self_resolution: ">= 0.55"
//! ```

use indexmap::IndexMap;
use serde::Deserialize;

use super::expectation::Expectation;
use super::flow::{Flow, NodeKind};
use super::persona::Persona;
use super::text::{closest, did_you_mean, list};
use super::{Distribution, Millis, Problem};
use crate::rule::Rule;
use crate::source::KeyPath;

/// A conversation that reaches this many customer turns ends as unresolved,
/// so a flow that loops forever cannot hang a run.
pub const DEFAULT_MAX_TURNS: u32 = 50;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    pub scenario: String,
    pub flow: String,
    pub personas: Vec<String>,
    /// Share of conversations per persona; equal shares when omitted.
    #[serde(default)]
    pub mix: IndexMap<String, f64>,
    #[serde(default)]
    pub seed: u64,
    pub conversations: u64,
    #[serde(default = "one")]
    pub replications: u32,
    #[serde(default = "default_max_turns")]
    pub max_turns: u32,
    pub arrivals: Arrivals,
    #[serde(default)]
    pub agents: IndexMap<String, AgentSpec>,
    #[serde(default)]
    pub expect: IndexMap<String, String>,
}

fn one() -> u32 {
    1
}

fn default_max_turns() -> u32 {
    DEFAULT_MAX_TURNS
}

/// How customers arrive. Poisson is the only process for now; it is a key of
/// its own so that others (a daily profile, bursts) can join it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arrivals {
    /// Customers arrive independently at a constant average rate.
    pub poisson: Poisson,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Poisson {
    pub per_hour: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentSpec {
    pub count: u32,
    /// How long an agent is busy with one conversation.
    pub handle_time: Distribution,
    /// From an agent taking the conversation to their first message.
    #[serde(default)]
    pub first_reply: Option<Distribution>,
}

/// Index of an agent pool in [`Scenario::pools`].
pub type PoolId = usize;

/// A staffed agent queue.
#[derive(Debug, Clone)]
pub struct AgentPool {
    pub name: String,
    pub count: u32,
    pub handle_time: Distribution,
    pub first_reply: Distribution,
}

/// A scenario whose files are loaded and whose names all resolve.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub seed: u64,
    pub conversations: u64,
    pub replications: u32,
    pub max_turns: u32,
    pub arrivals_per_hour: f64,
    pub flow: Flow,
    /// The personas in the mix, in mix order.
    pub personas: Vec<Persona>,
    /// Cumulative mix shares, parallel to `personas` (the last is 1).
    pub mix: Vec<f64>,
    pub pools: Vec<AgentPool>,
    /// For each flow node, the pool its handoff goes to.
    pub pool_of_node: Vec<Option<PoolId>>,
    pub expectations: Vec<Expectation>,
}

/// Shares may be written as 0.6/0.4 or as 0.333 three times; this much slack
/// covers rounding written by hand without hiding a forgotten persona.
const MIX_TOLERANCE: f64 = 0.005;

impl Scenario {
    /// Checks the scenario against its loaded flow and personas, adding its
    /// problems (located in the scenario file) to `problems`; `None` if any
    /// of them is an error.
    pub fn assemble(
        spec: ScenarioSpec,
        flow: Flow,
        personas: Vec<Persona>,
        problems: &mut Vec<Problem>,
    ) -> Option<Scenario> {
        let before = problems.len();
        let root = KeyPath::root();
        let mut setting = |key: &str, message: String, help: &str| {
            problems.push(
                Problem::new(
                    Rule::InvalidScenario,
                    root.key(key),
                    format!("`{key}` {message}"),
                )
                .with_help(help),
            )
        };
        if spec.conversations == 0 {
            setting(
                "conversations",
                "must be at least 1".into(),
                "how many customers to simulate, in total",
            );
        }
        if spec.replications == 0 || u64::from(spec.replications) > spec.conversations.max(1) {
            setting(
                "replications",
                format!(
                    "must be between 1 and the number of conversations ({})",
                    spec.conversations
                ),
                "each replication simulates an equal part of the conversations",
            );
        }
        if spec.max_turns == 0 {
            setting(
                "max_turns",
                "must be at least 1".into(),
                "how many customer turns a conversation may take",
            );
        }
        let per_hour = spec.arrivals.poisson.per_hour;
        if !(per_hour.is_finite() && per_hour > 0.0) {
            problems.push(
                Problem::new(
                    Rule::InvalidScenario,
                    root.key("arrivals").key("poisson").key("per_hour"),
                    format!("the arrival rate must be above 0, got {per_hour}"),
                )
                .with_help("customers arriving per hour, like `per_hour: 600`"),
            );
        }

        let mixed = mix(&spec.mix, personas, &root, problems);
        let pools: Vec<AgentPool> = spec
            .agents
            .into_iter()
            .map(|(name, agent)| AgentPool {
                name,
                count: agent.count,
                handle_time: agent.handle_time,
                first_reply: agent
                    .first_reply
                    .unwrap_or_else(|| Distribution::fixed(Millis::ZERO)),
            })
            .collect();
        let mut pool_of_node = Vec::with_capacity(flow.nodes.len());
        for node in &flow.nodes {
            let NodeKind::Handoff { queue, .. } = &node.kind else {
                pool_of_node.push(None);
                continue;
            };
            let pool = pools.iter().position(|pool| &pool.name == queue);
            if pool.is_none() {
                // A staffed queue whose name is a near miss is most likely a typo there.
                let near_miss = closest(queue, pools.iter().map(|pool| pool.name.as_str()));
                let problem = match near_miss {
                    Some(staffed) => Problem::new(
                        Rule::UnstaffedQueue,
                        root.key("agents").key(staffed),
                        format!("node `{}` of the flow hands off to queue `{queue}`, but the agents are staffed under `{staffed}`", node.id),
                    )
                    .with_help(format!("rename `{staffed}` to `{queue}` (or fix the name in the flow)")),
                    None => Problem::new(
                        Rule::UnstaffedQueue,
                        root.key("agents"),
                        format!("node `{}` of the flow hands off to queue `{queue}`, but no agents are staffed for it", node.id),
                    )
                    .with_help(format!("add `{queue}: {{count: N, handle_time: ...}}` under `agents:`")),
                };
                problems.push(problem);
            }
            pool_of_node.push(pool);
        }

        let mut expectations = Vec::with_capacity(spec.expect.len());
        for (name, condition) in &spec.expect {
            match Expectation::parse(name, condition) {
                Ok(expectation) => expectations.push(expectation),
                Err(message) => problems.push(
                    Problem::new(Rule::InvalidExpectation, root.key("expect").key(name), message)
                        .with_help("write it like `self_resolution: \">= 0.55\"` or `response_time.bot.p95: \"<= 3s\"`"),
                ),
            }
        }

        if problems.len() > before {
            return None;
        }
        let (personas, mix) = mixed?;
        Some(Scenario {
            name: spec.scenario,
            seed: spec.seed,
            conversations: spec.conversations,
            replications: spec.replications,
            max_turns: spec.max_turns,
            arrivals_per_hour: per_hour,
            flow,
            personas,
            mix,
            pools,
            pool_of_node,
            expectations,
        })
    }
}

/// Orders the personas as the mix names them and turns shares into
/// cumulative weights. Without a mix, every persona gets an equal share.
fn mix(
    shares: &IndexMap<String, f64>,
    mut personas: Vec<Persona>,
    root: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Option<(Vec<Persona>, Vec<f64>)> {
    if shares.is_empty() {
        if personas.is_empty() {
            problems.push(Problem::new(
                Rule::InvalidScenario,
                root.key("personas"),
                "the persona files define no personas, so there is nobody to simulate",
            ));
            return None;
        }
        let n = personas.len() as f64;
        let cumulative = (1..=personas.len()).map(|i| i as f64 / n).collect();
        return Some((personas, cumulative));
    }
    let names: Vec<String> = personas
        .iter()
        .map(|persona| persona.name.clone())
        .collect();
    let before = problems.len();
    let mut chosen = Vec::with_capacity(shares.len());
    let mut cumulative = Vec::with_capacity(shares.len());
    let mut total = 0.0;
    for (name, share) in shares {
        let path = root.key("mix").key(name);
        if !(0.0..=1.0).contains(share) {
            problems.push(
                Problem::new(
                    Rule::ShareRange,
                    path.clone(),
                    format!("a share is a probability between 0 and 1, got {share}"),
                )
                .with_help("write each share as the fraction of conversations, like 0.25"),
            );
        }
        total += share;
        match personas.iter().position(|persona| &persona.name == name) {
            Some(index) => {
                chosen.push(personas.swap_remove(index));
                cumulative.push(total);
            }
            None => problems.push(
                Problem::new(
                    Rule::UnknownPersona,
                    path,
                    format!(
                        "no persona is called `{name}`{}",
                        did_you_mean(name, names.iter().map(String::as_str))
                    ),
                )
                .with_help(format!(
                    "the persona files define {}",
                    list(names.iter().map(String::as_str))
                )),
            ),
        }
    }
    if (total - 1.0).abs() > MIX_TOLERANCE {
        problems.push(
            Problem::new(
                Rule::MixSum,
                root.key("mix"),
                format!("the shares add up to {total}, not 1"),
            )
            .with_help("each share is the fraction of conversations from that persona"),
        );
    }
    if problems.len() > before {
        return None;
    }
    let mut cumulative: Vec<f64> = cumulative.into_iter().map(|c| c / total).collect();
    if let Some(last) = cumulative.last_mut() {
        *last = 1.0;
    }
    Some((chosen, cumulative))
}
