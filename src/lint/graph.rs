//! The flow as a graph: what `start` reaches, where customers get stuck,
//! and loops with no way out.

use std::collections::VecDeque;

use crate::diagnostic::{Problem, Rule};
use crate::model::flow::{Flow, NodeId, NodeKind};
use crate::source::KeyPath;

/// Nodes reachable from `from` following `edges`.
pub(crate) fn reachable(edges: &[Vec<NodeId>], from: &[NodeId]) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut queue: VecDeque<NodeId> = from.iter().copied().collect();
    for node in from {
        seen[*node] = true;
    }
    while let Some(node) = queue.pop_front() {
        for next in &edges[node] {
            if !seen[*next] {
                seen[*next] = true;
                queue.push_back(*next);
            }
        }
    }
    seen
}

pub(crate) fn check(flow: &Flow, problems: &mut Vec<Problem>) {
    let node_path = |id: NodeId| KeyPath::root().key("nodes").key(&flow.nodes[id].id);
    let edges: Vec<Vec<NodeId>> = flow
        .nodes
        .iter()
        .map(|node| node.kind.successors())
        .collect();
    let from_start = reachable(&edges, &[flow.start]);

    // Which nodes can still reach an end or a handoff: search backwards.
    let mut reverse = vec![Vec::new(); flow.nodes.len()];
    for (from, targets) in edges.iter().enumerate() {
        for to in targets {
            reverse[*to].push(from);
        }
    }
    let finals: Vec<NodeId> = (0..flow.nodes.len())
        .filter(|id| flow.nodes[*id].kind.is_final())
        .collect();
    let can_finish = reachable(&reverse, &finals);

    let mut in_reported_loop = vec![false; flow.nodes.len()];
    for (id, node) in flow.nodes.iter().enumerate() {
        let path = node_path(id);
        if !from_start[id] {
            problems.push(
                Problem::new(
                    Rule::UnreachableNode,
                    path.clone(),
                    format!("no path from `start` reaches node `{}`", node.id),
                )
                .with_help("route to it from another node, or remove it"),
            );
        }
        if !node.kind.is_final() && edges[id].is_empty() {
            problems.push(
                Problem::new(
                    Rule::DeadEnd,
                    path.clone(),
                    format!(
                        "node `{}` has no way forward: customers get stuck here",
                        node.id
                    ),
                )
                .with_help("add `next:` or `routes:`, or make it an `end:`"),
            );
        }
        if let NodeKind::Call(call) = &node.kind {
            for (outcome, route) in [("ok", call.ok), ("error", call.error)] {
                if route.is_none()
                    && !edges[id].is_empty()
                    && (outcome == "ok" || call.fails.get() > 0.0)
                {
                    problems.push(
                        Problem::new(
                            Rule::DeadEnd,
                            path.key("routes"),
                            format!("call `{}` has no `{outcome}` route: the conversation is stuck when it returns {outcome}", call.name),
                        )
                        .with_help(format!("add `{outcome}: NODE` under `routes:`")),
                    );
                }
            }
        }
        // A loop with no way out: nodes that can reach themselves but no end.
        if from_start[id] && !can_finish[id] && !in_reported_loop[id] && !edges[id].is_empty() {
            let downstream = reachable(&edges, &edges[id]);
            if downstream[id] {
                let upstream = reachable(&reverse, &[id]);
                let members: Vec<&str> = (0..flow.nodes.len())
                    .filter(|other| downstream[*other] && upstream[*other])
                    .inspect(|other| in_reported_loop[*other] = true)
                    .map(|other| flow.nodes[other].id.as_str())
                    .collect();
                problems.push(
                    Problem::new(
                        Rule::NoWayOut,
                        path.clone(),
                        format!(
                            "{} form a loop with no way to an end or a handoff",
                            crate::model::text::list(members)
                        ),
                    )
                    .with_help("give customers a way out: a route to an `end:` or a `handoff:`"),
                );
            }
        }
        match &node.kind {
            NodeKind::Choice(choice) => {
                let option_paths = choice.style.option_paths(&path, choice.options.len());
                for ((option, route), option_path) in choice.options.iter().zip(&choice.option_routes).zip(option_paths) {
                    if route.is_none() {
                        problems.push(
                            Problem::new(Rule::UnroutedOption, option_path, format!("`{}` has no route: a tap on it leads nowhere", option.text))
                                .with_help(format!("add `\"{}\": NODE` under `routes:`", option.text)),
                        );
                    }
                }
                if choice.fallback.is_none() {
                    problems.push(
                        Problem::new(
                            Rule::MissingFallback,
                            path.clone(),
                            format!("node `{}` has no `fallback` route: typed text it does not understand gets no answer", node.id),
                        )
                        .with_help("add `fallback: NODE` under `routes:`, usually a node that offers the options again"),
                    );
                }
            }
            NodeKind::Question(question) if question.invalid.is_none() => problems.push(
                Problem::new(
                    Rule::MissingFallback,
                    path.clone(),
                    format!("question `{}` has no `invalid` route: an answer that does not match gets no reply", node.id),
                )
                .with_help("add `invalid: NODE` under `routes:`, usually the question asked again more clearly"),
            ),
            _ => {}
        }
    }
}
