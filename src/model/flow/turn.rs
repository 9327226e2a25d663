//! How far the bot goes in one turn: through messages, calls, splits and
//! surveys until it waits for the customer (buttons, a list, a question)
//! or the conversation ends. The engine stops a longer walk as a loop; a
//! run's cost estimate counts the longest walk a flow allows.

use super::{Flow, NodeKind};

/// A bot that passes through this many nodes without waiting for the
/// customer is looping (say, message nodes pointing at each other); the
/// conversation ends unresolved instead of hanging the run.
pub const MAX_BOT_STEPS_PER_TURN: u32 = 100;

impl Flow {
    /// The most nodes the bot can pass through in one turn, the node it
    /// stops at included: the longest walk through nodes that do not wait
    /// for the customer, or [`MAX_BOT_STEPS_PER_TURN`] when such nodes form
    /// a loop (or a walk would be longer). Linear in the flow's size.
    pub(crate) fn longest_turn(&self) -> u32 {
        let passes = |node: usize| {
            !matches!(
                self.nodes[node].kind,
                NodeKind::Choice(_) | NodeKind::Question(_) | NodeKind::End(_)
            )
        };
        const UNSEEN: u32 = 0;
        const ON_PATH: u32 = u32::MAX;
        // The longest walk from each node, once known; iterative, so a
        // chain of 100,000 nodes does not overflow the stack.
        let mut longest = vec![UNSEEN; self.nodes.len()];
        for root in 0..self.nodes.len() {
            if longest[root] != UNSEEN {
                continue;
            }
            let mut stack = vec![(root, self.nodes[root].kind.successors(), 0usize)];
            longest[root] = ON_PATH;
            while let Some((node, next, at)) = stack.last_mut() {
                let node = *node;
                if !passes(node) {
                    longest[node] = 1;
                    stack.pop();
                    continue;
                }
                if let Some(&successor) = next.get(*at) {
                    *at += 1;
                    match longest[successor] {
                        ON_PATH => return MAX_BOT_STEPS_PER_TURN,
                        UNSEEN => {
                            longest[successor] = ON_PATH;
                            let successors = self.nodes[successor].kind.successors();
                            stack.push((successor, successors, 0));
                        }
                        _ => {}
                    }
                    continue;
                }
                let deepest = next.iter().map(|&s| longest[s]).max().unwrap_or(0);
                longest[node] = (deepest + 1).min(MAX_BOT_STEPS_PER_TURN);
                stack.pop();
            }
        }
        longest.into_iter().max().unwrap_or(1).max(1)
    }
}

#[cfg(test)]
mod tests {
    use crate::load::Loader;

    fn flow(text: &str) -> crate::model::flow::Flow {
        Loader::new()
            .with_file("flow.yaml", text)
            .check_flow("flow.yaml".as_ref())
            .unwrap()
            .value
            .unwrap()
    }

    #[test]
    fn a_turn_runs_through_messages_to_the_node_that_waits() {
        let chain = flow(
            "flow: f\nstart: a\nnodes:\n  a: {say: hi, next: b}\n  b: {say: there, next: c}\n  c: {say: ok?, buttons: [Yes], routes: {Yes: a, fallback: c}}\n",
        );
        // a, b, then c waits.
        assert_eq!(chain.longest_turn(), 3);
        let ends = flow("flow: f\nstart: a\nnodes:\n  a: {end: resolved}\n");
        assert_eq!(ends.longest_turn(), 1);
    }

    #[test]
    fn a_loop_of_messages_counts_as_the_engine_stops_it() {
        // F04 refuses a loop with no way out; this one has a way out.
        let looping = flow(
            "flow: f\nstart: a\nnodes:\n  a: {call: {name: api, latency: {fixed: 1s}, fails: 0.5}, routes: {ok: b, error: d}}\n  b: {say: again, next: a}\n  d: {end: resolved}\n",
        );
        assert_eq!(looping.longest_turn(), super::MAX_BOT_STEPS_PER_TURN);
    }
}
