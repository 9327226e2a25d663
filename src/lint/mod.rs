//! `rehearse lint`: what is wrong with a flow, its personas and scenarios
//! before any customer meets them.
//!
//! The validators in [`crate::model`] find what makes a file unusable (a
//! route to a missing node, a persona nobody defined); this module adds the
//! analyses that need the whole, validated picture: the flow as a graph,
//! WhatsApp's limits, and personas against the flow. Both kinds of finding
//! become diagnostics with a rule, a file, a line and column, and help.

mod graph;
mod personas;
mod whatsapp;

pub(crate) use personas::PersonaCheck;

use crate::diagnostic::{Problem, Rule};
use crate::model::flow::{Flow, NodeKind};
use crate::model::scenario::Scenario;
use crate::source::KeyPath;

/// Graph and WhatsApp findings for a valid flow.
pub(crate) fn check_flow(flow: &Flow) -> Vec<Problem> {
    let mut problems = Vec::new();
    graph::check(flow, &mut problems);
    whatsapp::check(flow, &mut problems);
    problems
}

/// Findings about a scenario's staffing, located in the scenario file.
pub(crate) fn check_scenario(scenario: &Scenario) -> Vec<Problem> {
    let mut problems = Vec::new();
    // The nodes that hand off to each pool, gathered in one pass.
    let mut used_by: Vec<Vec<&str>> = vec![Vec::new(); scenario.pools.len()];
    for node in &scenario.flow.nodes {
        if let NodeKind::Handoff(handoff) = &node.kind
            && let Some(users) = used_by.get_mut(scenario.pool_of(handoff.queue))
        {
            users.push(node.id.as_str());
        }
    }
    for (pool, used_by) in scenario.pools.iter().zip(used_by) {
        if pool.count == 0 && !used_by.is_empty() {
            problems.push(
                Problem::new(
                    Rule::ZeroAgents,
                    KeyPath::root().key("agents").key(&pool.name).key("count"),
                    format!(
                        "queue `{}` has no agents, but {} hand{} off to it: everyone there will give up",
                        pool.name,
                        crate::model::text::list(used_by.iter().copied()),
                        if used_by.len() == 1 { "s" } else { "" }
                    ),
                )
                .with_help("staff the queue, or route those customers elsewhere"),
            );
        }
    }
    problems
}
