//! `rehearse lint`: what is wrong with a flow, its personas and scenarios
//! before any customer meets them.
//!
//! The validators in [`crate::model`] find what makes a file unusable (a
//! route to a missing node, a persona nobody defined); this module adds the
//! analyses that need the whole, validated picture: the flow as a graph,
//! WhatsApp's limits, and personas against the flow. Both kinds of finding
//! become [`Diagnostic`]s with a rule, a file, a line and column, and help.

mod graph;
mod personas;
mod render;
mod whatsapp;

use std::path::PathBuf;

pub use personas::PersonaCheck;
pub use render::{render_json, render_text, summary};

use crate::model::Problem;
use crate::model::flow::{Flow, NodeKind};
use crate::model::scenario::Scenario;
use crate::rule::{Rule, Severity};
use crate::source::{KeyPath, Location};

/// A finding located in a file, ready to show. Sorting orders by file,
/// then by place in the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub location: Option<Location>,
    pub severity: Severity,
    pub rule: Rule,
    pub message: String,
    /// The key the finding is about, like `nodes.welcome.routes`.
    pub path: KeyPath,
    pub help: Option<String>,
    /// The source line at `location`, for the marker under it.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Turns warnings into errors (`--deny warnings`).
pub fn deny_warnings(diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics {
        diagnostic.severity = Severity::Error;
    }
}

/// Graph and WhatsApp findings for a valid flow.
pub fn check_flow(flow: &Flow) -> Vec<Problem> {
    let mut problems = Vec::new();
    graph::check(flow, &mut problems);
    whatsapp::check(flow, &mut problems);
    problems
}

/// Findings about a scenario's staffing, located in the scenario file.
pub fn check_scenario(scenario: &Scenario) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (pool_id, pool) in scenario.pools.iter().enumerate() {
        let used_by: Vec<&str> = scenario
            .flow
            .nodes
            .iter()
            .zip(&scenario.pool_of_node)
            .filter(|(node, pool)| {
                matches!(node.kind, NodeKind::Handoff { .. }) && **pool == Some(pool_id)
            })
            .map(|(node, _)| node.id.as_str())
            .collect();
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
