//! Conditions that cannot do what they say (rules F16 and F17): a `when`
//! branch an earlier branch always takes first, and a condition on a
//! variable that nothing ever gives a value (so every comparison with it is
//! false).

use crate::diagnostic::{Problem, Rule};
use crate::model::flow::{Flow, NodeKind};
use crate::source::KeyPath;

pub(super) fn check(flow: &Flow, problems: &mut Vec<Problem>) {
    if flow.vars.is_empty() {
        return;
    }
    // Which variables ever get a value: a default, a `set`, a `capture`.
    let mut given: Vec<bool> = flow.vars.iter().map(|var| var.default.is_some()).collect();
    for node in &flow.nodes {
        for (var, _) in &node.set {
            given[*var] = true;
        }
        if let NodeKind::Question(question) = &node.kind
            && let Some(var) = question.capture
        {
            given[var] = true;
        }
    }
    for node in &flow.nodes {
        let NodeKind::When(when) = &node.kind else {
            continue;
        };
        let path = KeyPath::root().key("nodes").key(&node.id).key("when");
        let mut read = Vec::new();
        for (i, (condition, _)) in when.branches.iter().enumerate() {
            let earlier = &when.branches[..i];
            if let Some(j) = earlier.iter().position(|(other, _)| other == condition) {
                problems.push(
                    Problem::new(
                        Rule::UnreachableBranch,
                        path.index(i).key("if"),
                        format!(
                            "branch {} of `{}` has the same condition as branch {}, which is always taken first",
                            i + 1,
                            node.id,
                            j + 1
                        ),
                    )
                    .with_help("remove this branch, or change its condition"),
                );
            } else if let Some(j) = earlier
                .iter()
                .position(|(other, _)| other.always_true(&flow.vars))
            {
                problems.push(unreachable_after(&path.index(i).key("if"), &node.id, i, j));
            }
            read.clear();
            condition.reads(&mut read);
            read.sort_unstable();
            read.dedup();
            for &var in read.iter().filter(|&&var| !given[var]) {
                let name = &flow.vars[var].name;
                problems.push(
                    Problem::new(
                        Rule::UnsetVariable,
                        path.index(i).key("if"),
                        format!(
                            "`{name}` never gets a value: no `default`, `set` or `capture` gives it one, so every comparison with it is false"
                        ),
                    )
                    .with_help(format!(
                        "give it a `default` under `vars:`, `set: {{{name}: ...}}` on a node before, or `capture: {name}` on a question"
                    )),
                );
            }
        }
        let last = when.branches.len();
        if let Some(j) = when
            .branches
            .iter()
            .position(|(condition, _)| condition.always_true(&flow.vars))
        {
            problems.push(unreachable_after(
                &path.index(last).key("else"),
                &node.id,
                last,
                j,
            ));
        }
    }
}

fn unreachable_after(path: &KeyPath, node: &str, branch: usize, always: usize) -> Problem {
    Problem::new(
        Rule::UnreachableBranch,
        path.clone(),
        format!(
            "branch {} of `{node}` is never taken: branch {} always holds (it asks whether a variable with a default is set)",
            branch + 1,
            always + 1
        ),
    )
    .with_help("remove the branches after the one that always holds, or change its condition")
}
