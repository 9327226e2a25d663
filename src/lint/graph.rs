//! The flow as a graph: what `start` reaches, where customers get stuck,
//! and loops with no way out.
//!
//! Every analysis here is linear in the flow's nodes and routes: a flow of
//! a hundred thousand nodes is linted in well under a second (`cargo bench
//! --bench lint`). Nothing recurses, so a long chain cannot overflow the stack.

use std::collections::{HashMap, VecDeque};

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

/// The strongly connected component of each node (Tarjan's algorithm, with
/// an explicit stack): nodes that can reach each other share a number.
pub(crate) fn components(edges: &[Vec<NodeId>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    struct State {
        order: Vec<usize>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<NodeId>,
        /// The depth-first path: each node with the position of its next edge.
        path: Vec<(NodeId, usize)>,
        visited: usize,
    }
    impl State {
        fn enter(&mut self, node: NodeId) {
            self.order[node] = self.visited;
            self.low[node] = self.visited;
            self.visited += 1;
            self.stack.push(node);
            self.on_stack[node] = true;
            self.path.push((node, 0));
        }
    }
    let n = edges.len();
    let mut state = State {
        order: vec![UNSEEN; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        path: Vec::new(),
        visited: 0,
    };
    let mut component = vec![UNSEEN; n];
    let mut found = 0;
    for root in 0..n {
        if state.order[root] != UNSEEN {
            continue;
        }
        state.enter(root);
        while let Some(&(node, edge)) = state.path.last() {
            if let Some(&next) = edges[node].get(edge) {
                if let Some(top) = state.path.last_mut() {
                    top.1 += 1;
                }
                if state.order[next] == UNSEEN {
                    state.enter(next);
                } else if state.on_stack[next] {
                    state.low[node] = state.low[node].min(state.order[next]);
                }
                continue;
            }
            state.path.pop();
            if let Some(&(parent, _)) = state.path.last() {
                state.low[parent] = state.low[parent].min(state.low[node]);
            }
            if state.low[node] == state.order[node] {
                while let Some(member) = state.stack.pop() {
                    state.on_stack[member] = false;
                    component[member] = found;
                    if member == node {
                        break;
                    }
                }
                found += 1;
            }
        }
    }
    component
}

/// Loops with no way out: for each such loop reachable from `start`, its
/// first node (where it is reported) and all its nodes, in flow order.
fn loops_without_exit(
    edges: &[Vec<NodeId>],
    from_start: &[bool],
    can_finish: &[bool],
) -> HashMap<NodeId, Vec<NodeId>> {
    let component = components(edges);
    let mut members: HashMap<usize, Vec<NodeId>> = HashMap::new();
    for (id, c) in component.iter().enumerate() {
        if from_start[id] && !can_finish[id] {
            members.entry(*c).or_default().push(id);
        }
    }
    members
        .into_values()
        .filter(|nodes| nodes.len() > 1 || edges[nodes[0]].contains(&nodes[0]))
        .map(|nodes| (nodes[0], nodes))
        .collect()
}

pub(crate) fn check(flow: &Flow, problems: &mut Vec<Problem>) {
    let node_path = |id: NodeId| KeyPath::root().key("nodes").key(&flow.nodes[id].id);
    let edges: Vec<Vec<NodeId>> = flow.nodes.iter().map(|node| node.successors()).collect();
    // A template's answers enter the flow too (a campaign, a follow-up).
    let mut entries = vec![flow.start];
    entries.extend(
        flow.templates
            .iter()
            .flat_map(|template| template.successors()),
    );
    let from_start = reachable(&edges, &entries);

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

    let loops = loops_without_exit(&edges, &from_start, &can_finish);
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
        // A loop with no way out: nodes that can reach each other but no end.
        if let Some(members) = loops.get(&id) {
            problems.push(
                Problem::new(
                    Rule::NoWayOut,
                    path.clone(),
                    format!(
                        "{} form a loop with no way to an end or a handoff",
                        crate::text::list(
                            members.iter().map(|other| flow.nodes[*other].id.as_str())
                        )
                    ),
                )
                .with_help("give customers a way out: a route to an `end:` or a `handoff:`"),
            );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_strongly_connected_components() {
        // 0 -> 1 -> 2 -> 1, 2 -> 3, 3 -> 3, 4 alone.
        let edges = vec![vec![1], vec![2], vec![1, 3], vec![3], vec![]];
        let c = components(&edges);
        assert_eq!(c[1], c[2]);
        assert!(c[0] != c[1] && c[3] != c[1] && c[4] != c[3] && c[0] != c[4]);
        let loops = loops_without_exit(&edges, &[true; 5], &[false; 5]);
        assert_eq!(loops.get(&1), Some(&vec![1, 2]));
        assert_eq!(loops.get(&3), Some(&vec![3]));
        assert_eq!(loops.len(), 2);
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let n = 1_000_000;
        let edges: Vec<Vec<NodeId>> = (0..n).map(|i| vec![(i + 1).min(n - 1)]).collect();
        let c = components(&edges);
        assert_ne!(c[0], c[1]);
        let loops = loops_without_exit(&edges, &vec![true; n], &vec![false; n]);
        assert_eq!(loops.get(&(n - 1)), Some(&vec![n - 1]));
    }
}
