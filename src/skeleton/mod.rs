//! `rehearse personas --from FLOW`: a persona file to start from, with one
//! goal per path from the flow's start to an end or a handoff, each with the
//! taps, typed replies and answers that path needs.
//!
//! Paths are walked depth first, never through a node twice, taking every
//! option, every intent with a keyword and every question's valid answer
//! (one its pattern accepts); what the bot decides (backend calls, A/B
//! splits) is followed both ways. A path is kept only if a customer with
//! the goal built from it would walk it, checked with the same lookups the
//! simulated customer uses, and only if lint finds nothing to say about the
//! goal against the flow. Goals that read the same are written once. The
//! walk is bounded ([`MAX_GOALS`], [`WORK_BUDGET`]); the file says when it
//! stopped early.

mod answer;

use std::collections::HashMap;

use crate::lint::personas::PersonaCheck;
use crate::model::Weighted;
use crate::model::bank::Bank;
use crate::model::flow::{Flow, IntentRoutes, NodeId, NodeKind, Text, Title};
use crate::model::persona::{Behaviour, Goal, KeyedBank, Persona, Template};
use crate::model::text_key::text_key;
use crate::source::KeyPath;

/// The most goals written: more is no longer a starting point to edit.
pub const MAX_GOALS: usize = 100;

/// The most steps (nodes entered) of the walk, so that a huge flow with
/// exponentially many paths costs a bounded time.
const WORK_BUDGET: u64 = 200_000;

/// What the customer does at a node of a path.
#[derive(Debug, Clone)]
enum Step {
    /// Taps option `option` of the choice at `node`.
    Tap { node: NodeId, option: usize },
    /// Types `text` at the prompt of `node` (a choice or a question), which
    /// an intent routes to `to`.
    Types {
        node: NodeId,
        text: String,
        to: NodeId,
    },
    /// Answers the question at `node` with `text`, which its pattern accepts.
    Answers { node: NodeId, text: String },
}

/// A path from the start to a node where the conversation leaves the bot.
#[derive(Debug, Clone)]
struct Path {
    steps: Vec<Step>,
    end: NodeId,
    /// How many nodes it enters, the end included.
    nodes: usize,
}

/// A skeleton persona file.
#[derive(Debug)]
pub struct Skeleton {
    /// The file, as YAML.
    pub yaml: String,
    /// How many goals it holds.
    pub goals: usize,
    /// Whether the walk stopped before every path was seen.
    pub stopped_early: bool,
}

/// The skeleton of `flow`, read from `from` (as named in the file's header).
pub fn skeleton(flow: &Flow, from: &str) -> Skeleton {
    let (mut paths, mut stopped_early) = shortest_paths(flow);
    // Shortest first (stable: in the flow's order within a length), so the
    // goals kept under the bound cover the flow's branches evenly.
    paths.sort_by_key(|path| path.nodes);
    let check = PersonaCheck::new(flow);
    // Goals that differ only in where the bot's own decisions take them
    // (a backend call, an A/B split) are one goal with several ends.
    let mut same: HashMap<String, usize> = HashMap::new();
    let mut keys = HashMap::new();
    let mut goals: Vec<(Goal, Vec<NodeId>, String)> = Vec::new();
    for path in &paths {
        let Some((goal, route)) = goal_of(flow, path, &mut keys) else {
            continue;
        };
        if !follows(flow, &goal, path) {
            continue;
        }
        let content = render_goal(&goal);
        if let Some(&index) = same.get(&content) {
            let ends = &mut goals[index].1;
            if !ends.contains(&path.end) {
                ends.push(path.end);
            }
            continue;
        }
        if goals.len() == MAX_GOALS {
            stopped_early = true;
            break;
        }
        if lints_clean(&check, &goal) {
            same.insert(content, goals.len());
            goals.push((goal, vec![path.end], route));
        }
    }
    let goals: Vec<Goal> = goals
        .into_iter()
        .map(|(mut goal, ends, route)| {
            let ends: Vec<String> = ends
                .iter()
                .map(|end| format!("`{}`", flow.nodes[*end].id))
                .collect();
            goal.want = if route.is_empty() {
                format!("reach {}", ends.join(" or "))
            } else {
                format!("reach {}: {route}", ends.join(" or "))
            };
            goal
        })
        .collect();
    Skeleton {
        yaml: render(flow, from, &goals, stopped_early),
        goals: goals.len(),
        stopped_early,
    }
}

/// The paths of the flow, shortest first, and whether the walk stopped
/// before it saw them all. Walked depth first with a growing limit on the
/// number of nodes (iterative deepening), so that when the budget runs out
/// every branch of the flow has had its short paths found, rather than one
/// branch all of its long ones.
fn shortest_paths(flow: &Flow) -> (Vec<Path>, bool) {
    let mut walk = Walk {
        flow,
        on_path: vec![false; flow.nodes.len()],
        steps: Vec::new(),
        paths: Vec::new(),
        budget: WORK_BUDGET,
        limit: 0,
        cut: false,
        stopped_early: false,
    };
    let mut complete: Vec<Path> = Vec::new();
    for limit in 1..=flow.nodes.len() {
        walk.limit = limit;
        walk.cut = false;
        walk.paths.clear();
        walk.visit(flow.start, 1);
        if walk.stopped_early {
            // The paths one node longer than the last complete walk's.
            complete.extend(walk.paths.drain(..).filter(|path| path.nodes == limit));
            return (complete, true);
        }
        complete = std::mem::take(&mut walk.paths);
        if !walk.cut {
            break;
        }
    }
    (complete, false)
}

/// The depth-first walk over customer moves, to at most `limit` nodes.
struct Walk<'f> {
    flow: &'f Flow,
    on_path: Vec<bool>,
    steps: Vec<Step>,
    paths: Vec<Path>,
    budget: u64,
    limit: usize,
    /// Whether a path was cut at the limit: a longer walk finds more.
    cut: bool,
    stopped_early: bool,
}

impl Walk<'_> {
    /// Enters `node`, the `depth`-th node of the path.
    fn visit(&mut self, node: NodeId, depth: usize) {
        if self.on_path[node] || self.stopped_early {
            return;
        }
        if depth > self.limit {
            self.cut = true;
            return;
        }
        // More paths than goals are gathered, as some are dropped later.
        if self.budget == 0 || self.paths.len() >= 4 * MAX_GOALS {
            self.stopped_early = true;
            return;
        }
        self.budget -= 1;
        let flow = self.flow;
        let kind = &flow.nodes[node].kind;
        if kind.is_final() {
            self.paths.push(Path {
                steps: self.steps.clone(),
                end: node,
                nodes: depth,
            });
            return;
        }
        self.on_path[node] = true;
        match kind {
            NodeKind::Choice(choice) => {
                for (option, route) in choice.option_routes.iter().enumerate() {
                    if let Some(next) = route {
                        self.step(Step::Tap { node, option }, *next, depth);
                    }
                }
                self.type_intents(flow, node, &choice.intent_routes, depth);
            }
            NodeKind::Question(question) => {
                if let (Some(next), Some(text)) =
                    (question.valid, answer::sample(&question.pattern))
                {
                    self.step(Step::Answers { node, text }, next, depth);
                }
                self.type_intents(flow, node, &question.intent_routes, depth);
            }
            other => {
                for next in other.successors() {
                    self.visit(next, depth + 1);
                }
            }
        }
        self.on_path[node] = false;
    }

    /// Steps that type each intent `node` routes: the intent's first
    /// keyword.
    fn type_intents(&mut self, flow: &Flow, node: NodeId, routes: &IntentRoutes, depth: usize) {
        for (intent, next) in routes.iter() {
            if let Some(keyword) = flow.intents[*intent].keywords.first() {
                let text = keyword.clone();
                self.step(
                    Step::Types {
                        node,
                        text,
                        to: *next,
                    },
                    *next,
                    depth,
                );
            }
        }
    }

    fn step(&mut self, step: Step, next: NodeId, depth: usize) {
        self.steps.push(step);
        self.visit(next, depth + 1);
        self.steps.pop();
    }
}

/// The prompt of a choice or question.
fn prompt(flow: &Flow, node: NodeId) -> Option<&Text> {
    match &flow.nodes[node].kind {
        NodeKind::Choice(choice) => Some(&choice.text),
        NodeKind::Question(question) => Some(&question.text),
        _ => None,
    }
}

/// The prompt text of a choice or question, as its text key.
fn prompt_text(flow: &Flow, node: NodeId) -> Option<&str> {
    prompt(flow, node).map(|text| text.lower.as_str())
}

/// Where a prompt's sentence ends: Latin and Arabic stops, question and
/// exclamation marks, the Devanagari danda, and a line break (a bilingual
/// greeting writes each language on its own line, often without a stop).
const SENTENCE_ENDS: [char; 7] = ['.', '!', '?', '\u{061f}', '\u{06d4}', '\u{0964}', '\n'];

/// What a reply or an answer at `node` is keyed by: the shortest sentence
/// or line of two words or more of its text that no other prompt's text
/// contains ("what do you need?" rather than the whole greeting), else the
/// whole text; `None` when it has none. Keys are worked out once per node,
/// in `keys`.
fn prompt_key(
    flow: &Flow,
    node: NodeId,
    keys: &mut HashMap<NodeId, Option<String>>,
) -> Option<String> {
    keys.entry(node)
        .or_insert_with(|| {
            let written = prompt(flow, node)?;
            let text = written.lower.trim();
            if text.is_empty() {
                return None;
            }
            let others: Vec<&str> = flow
                .nodes
                .iter()
                .enumerate()
                .filter(|(other, _)| *other != node)
                .filter_map(|(other, _)| prompt_text(flow, other))
                .chain(
                    flow.templates
                        .iter()
                        .map(|template| template.body.lower.as_str()),
                )
                .collect();
            // Split as written (the text key folds line breaks into
            // spaces), then keyed as the whole text is.
            let mut sentences: Vec<String> = written
                .text
                .split_inclusive(SENTENCE_ENDS)
                .map(text_key)
                .map(|sentence| sentence.trim().to_string())
                .filter(|sentence| sentence.split_whitespace().count() >= 2)
                .filter(|sentence| text.contains(sentence.as_str()))
                .collect();
            sentences.sort_by_key(|sentence| sentence.len());
            let distinct = sentences
                .into_iter()
                .find(|sentence| !others.iter().any(|other| other.contains(sentence.as_str())));
            Some(distinct.unwrap_or_else(|| text.to_string()))
        })
        .clone()
}

/// The goal that walks `path`, with the path's moves as the customer makes
/// them (for its `want`), or `None` when a prompt it types at has no
/// text to key the reply by.
fn goal_of(
    flow: &Flow,
    path: &Path,
    keys: &mut HashMap<NodeId, Option<String>>,
) -> Option<(Goal, String)> {
    let mut taps: Vec<Title> = Vec::new();
    let mut replies: Vec<KeyedBank> = Vec::new();
    let mut answers: Vec<(String, Template)> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    for step in &path.steps {
        match step {
            Step::Tap { node, option } => {
                let NodeKind::Choice(choice) = &flow.nodes[*node].kind else {
                    return None;
                };
                let title = &choice.options[*option];
                labels.push(title.text.clone());
                if !taps.iter().any(|tap| tap.key == title.key) {
                    taps.push(title.clone());
                }
            }
            Step::Types { node, text, .. } => {
                let key = prompt_key(flow, *node, keys)?;
                labels.push(format!("\"{text}\""));
                replies.push(KeyedBank {
                    title: crate::model::flow::text_key(&key),
                    written: key,
                    bank: Bank::one(text),
                });
            }
            Step::Answers { node, text } => {
                let key = prompt_key(flow, *node, keys)?;
                labels.push(text.clone());
                answers.push((key, Template::try_from(text.clone()).ok()?));
            }
        }
    }
    let goal = Goal {
        // Written once the goal's ends are known.
        want: String::new(),
        taps,
        says: None,
        answers,
        replies,
        off_script: false,
        done_when: Default::default(),
    };
    Some((goal, labels.join(" > ")))
}

/// Whether a customer with `goal` (tapping, without typos) walks `path`:
/// at each prompt, the lookups of the simulated customer give the path's
/// move, and the bot takes it where the path goes.
fn follows(flow: &Flow, goal: &Goal, path: &Path) -> bool {
    path.steps.iter().all(|step| match step {
        Step::Tap { node, option } => {
            let NodeKind::Choice(choice) = &flow.nodes[*node].kind else {
                return false;
            };
            first_tap(goal, &choice.options) == Some(*option)
        }
        Step::Types { node, text, to } => match &flow.nodes[*node].kind {
            NodeKind::Choice(choice) => {
                let typed = goal
                    .reply_at_prompt(&choice.text.lower, &choice.options)
                    .map(|reply| reply.bank.first());
                first_tap(goal, &choice.options).is_none()
                    && typed.is_some_and(|said| {
                        said.text == *text
                            && choice.option_typed(&said.key).is_none()
                            && choice
                                .intent_routes
                                .first_match(&flow.intents, &said.key, &said.text)
                                .map(|(_, target)| target)
                                == Some(*to)
                    })
            }
            NodeKind::Question(question) => {
                let answered = goal
                    .answers
                    .iter()
                    .any(|(key, _)| question.text.lower.contains(key.as_str()));
                let typed = goal
                    .reply_at_prompt(&question.text.lower, &[])
                    .map(|reply| reply.bank.first());
                !answered
                    && typed.is_some_and(|said| {
                        said.text == *text
                            && question
                                .intent_routes
                                .first_match(&flow.intents, &said.key, &said.text)
                                .map(|(_, target)| target)
                                == Some(*to)
                    })
            }
            _ => false,
        },
        Step::Answers { node, text } => {
            let NodeKind::Question(question) = &flow.nodes[*node].kind else {
                return false;
            };
            let first = goal
                .answers
                .iter()
                .find(|(key, _)| question.text.lower.contains(key.as_str()));
            let key = crate::model::flow::text_key(text);
            first.is_some_and(|(_, template)| {
                template.0
                    == Template::try_from(text.clone())
                        .map(|t| t.0)
                        .unwrap_or_default()
            }) && question
                .intent_routes
                .first_match(&flow.intents, &key, text)
                .is_none()
                && question.pattern.is_match(text.trim())
        }
    })
}

/// The option a tapping customer with `goal` taps among `options`.
fn first_tap(goal: &Goal, options: &[Title]) -> Option<usize> {
    goal.taps
        .iter()
        .find_map(|wanted| options.iter().position(|option| option.key == wanted.key))
}

/// Whether lint has nothing to say about `goal` against the flow.
fn lints_clean(check: &PersonaCheck, goal: &Goal) -> bool {
    let Ok(goals) = Weighted::equal(vec![goal.clone()]) else {
        return false;
    };
    let persona = Persona {
        name: "customer".into(),
        segment: None,
        goals,
        behaviour: Behaviour::default(),
        satisfaction: None,
        survey_response: crate::model::Probability::ZERO,
        engagement: None,
        returns: None,
    };
    check.check(&persona, &KeyPath::root()).is_empty()
}

/// A string as YAML reads it back: JSON's double-quoted form, which YAML
/// shares.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// One goal's entry, without its indentation.
fn render_goal(goal: &Goal) -> String {
    let mut out = format!("- want: {}\n", quoted(&goal.want));
    if !goal.taps.is_empty() {
        let taps: Vec<String> = goal.taps.iter().map(|tap| quoted(&tap.text)).collect();
        out.push_str(&format!("  taps: [{}]\n", taps.join(", ")));
    }
    if !goal.replies.is_empty() {
        out.push_str("  replies:\n");
        for reply in &goal.replies {
            out.push_str(&format!(
                "    {}: {}\n",
                quoted(&reply.written),
                quoted(&reply.bank.first().text)
            ));
        }
    }
    if !goal.answers.is_empty() {
        out.push_str("  answers:\n");
        for (key, template) in &goal.answers {
            let text: String = template
                .0
                .iter()
                .map(|part| match part {
                    crate::model::persona::TemplatePart::Text(text) => text.as_str(),
                    _ => "",
                })
                .collect();
            out.push_str(&format!("    {}: {}\n", quoted(key), quoted(&text)));
        }
    }
    out
}

/// The whole file.
fn render(flow: &Flow, from: &str, goals: &[Goal], stopped_early: bool) -> String {
    let mut out = String::new();
    let line = |out: &mut String, text: &str| {
        // A name from the command line or the flow may hold a line break.
        out.push_str("# ");
        out.push_str(&text.replace(['\n', '\r'], " "));
        out.push('\n');
    };
    line(
        &mut out,
        &format!(
            "Personas for flow `{}`, written by `rehearse personas --from {from}`.",
            flow.name
        ),
    );
    line(
        &mut out,
        "One goal per path from the start to an end or a handoff, with the taps, replies",
    );
    line(
        &mut out,
        "and answers it needs. Edit the wants, weights and behaviour, add phrasings to the",
    );
    line(
        &mut out,
        "replies, and lint the file with a scenario that names it.",
    );
    if stopped_early {
        line(
            &mut out,
            &format!(
                "The flow has more paths than this: the walk stopped at {MAX_GOALS} goals or {WORK_BUDGET} steps."
            ),
        );
    }
    if goals.is_empty() {
        line(
            &mut out,
            "No path was found that a customer can walk with taps, intent keywords and answers.",
        );
    }
    out.push_str("personas:\n  - name: customer\n    goals:\n");
    if goals.is_empty() {
        out.push_str("      - want: \"describe what the customer came for\"\n        says: \"hello\"\n        off_script: true\n");
    }
    for goal in goals {
        for goal_line in render_goal(goal).lines() {
            out.push_str("      ");
            out.push_str(goal_line);
            out.push('\n');
        }
    }
    // What lint asks of personas in a flow that surveys or writes first.
    if flow
        .nodes
        .iter()
        .any(|node| matches!(node.kind, NodeKind::Survey(_)))
    {
        out.push_str("    satisfaction: {base: 4.2, per_fallback: -0.5, per_minute_waiting: -0.05}\n    survey_response: 0.3\n");
    }
    if flow.follows_up() || !flow.templates.is_empty() {
        out.push_str("    engagement: {reads: 0.7, read_delay: {lognormal: {median: 30m, p90: 8h}}, replies: 0.2, comes_back: 0.3}\n");
    }
    out.push_str(
        "    behaviour:\n      read: {lognormal: {median: 20s, p90: 2m}}\n      think: {lognormal: {median: 4s, p90: 20s}}\n      typing_wpm: 36\n      types_instead_of_tapping: 0.1\n      typo_rate: 0.03\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Loader;

    const FLOW: &str = r#"
flow: shop
start: menu
intents: {agent: [agent, human]}
nodes:
  menu:
    say: "Hi! What do you need?"
    buttons: ["Track order", "Returns"]
    routes: {"Track order": ask, "Returns": returns, intent agent: human, fallback: menu}
  ask:
    say: "Your order number?"
    expect: {pattern: '^A[0-9]{6}$'}
    routes: {valid: found, invalid: ask, intent agent: human}
  found:
    say: "It arrives tomorrow."
    end: resolved
  returns:
    say: "Returns are free."
    next: more
  more:
    say: "Anything else?"
    buttons: ["No, that's all", "Main menu"]
    routes: {"No, that's all": done, "Main menu": menu, fallback: more}
  done:
    end: resolved
  human:
    handoff: {queue: support}
"#;

    fn flow() -> Flow {
        Loader::new()
            .with_file("flow.yaml", FLOW)
            .flow(std::path::Path::new("flow.yaml"))
            .unwrap()
            .0
    }

    #[test]
    fn a_goal_per_path_with_what_it_needs() {
        let skeleton = skeleton(&flow(), "flow.yaml");
        let yaml = &skeleton.yaml;
        assert!(!skeleton.stopped_early);
        assert!(yaml.contains("taps: [\"Track order\"]\n"), "{yaml}");
        assert!(
            yaml.contains("\"your order number?\": \"A111111\""),
            "{yaml}"
        );
        assert!(
            yaml.contains("taps: [\"Returns\", \"No, that's all\"]"),
            "{yaml}"
        );
        // The agent intent, typed at the menu and at the question.
        assert!(yaml.contains("\"what do you need?\": \"agent\""), "{yaml}");
        assert!(yaml.contains("\"your order number?\": \"agent\""), "{yaml}");
        // menu > found, menu > ask > human, menu > human, menu > returns > done,
        // and the paths through "Main menu" back to the menu are cycles.
        assert_eq!(skeleton.goals, 4, "{yaml}");
    }

    #[test]
    fn replies_are_keyed_by_a_line_or_an_arabic_question() {
        let text = r#"flow: bilingual
start: language
nodes:
  language:
    say: "Bienvenue chez Atlas 👋\nمرحبا بكم في أطلس\n\nChoisissez votre langue / اختر لغتك"
    buttons: ["Français", "العربية"]
    routes: {"Français": done, "العربية": menu_ar, intent agent: human, fallback: language}
  menu_ar:
    say: "ماذا تريد أن تفعل؟ اختر من القائمة"
    buttons: ["خطتي"]
    routes: {"خطتي": done, intent agent: human, fallback: menu_ar}
  done:
    end: resolved
  human:
    handoff: {queue: support}
intents:
  agent: ["conseiller"]
"#;
        let flow = Loader::new()
            .with_file("flow.yaml", text)
            .flow(std::path::Path::new("flow.yaml"))
            .unwrap()
            .0;
        let yaml = skeleton(&flow, "flow.yaml").yaml;
        // A line of the greeting, not the whole four-line message.
        assert!(
            yaml.contains("\"bienvenue chez atlas 👋\": \"conseiller\""),
            "{yaml}"
        );
        // The shorter of the menu's two sentences: the first ends with the
        // Arabic question mark.
        assert!(
            yaml.contains("\"اختر من القايمه\": \"conseiller\""),
            "{yaml}"
        );
    }

    #[test]
    fn the_skeleton_loads_and_lints_clean() {
        let flow = flow();
        let skeleton = skeleton(&flow, "flow.yaml");
        let loader = Loader::new().with_file("personas.yaml", skeleton.yaml.clone());
        let personas = loader
            .check_personas(std::path::Path::new("personas.yaml"))
            .unwrap();
        assert!(
            personas.diagnostics.is_empty(),
            "{:?}",
            personas.diagnostics
        );
        let check = PersonaCheck::new(&flow);
        for persona in personas.value.unwrap() {
            let problems = check.check(&persona, &KeyPath::root());
            assert!(problems.is_empty(), "{problems:?}");
        }
    }

    #[test]
    fn a_huge_flow_is_walked_within_bounds_and_says_so() {
        // 30 choices in a row, each with 3 buttons to the next: 3^30 paths.
        let mut text = String::from("flow: huge\nstart: n0\nnodes:\n");
        for i in 0..30 {
            text.push_str(&format!(
                "  n{i}:\n    say: \"Step {i}?\"\n    buttons: [\"A\", \"B\", \"C\"]\n    routes: {{\"A\": n{n}, \"B\": n{n}, \"C\": n{n}, fallback: n{i}}}\n",
                n = i + 1
            ));
        }
        text.push_str("  n30:\n    end: resolved\n");
        let flow = Loader::new()
            .with_file("flow.yaml", text)
            .flow(std::path::Path::new("flow.yaml"))
            .unwrap()
            .0;
        let started = std::time::Instant::now();
        let skeleton = skeleton(&flow, "flow.yaml");
        assert!(skeleton.stopped_early);
        assert!(
            skeleton.yaml.contains("the walk stopped"),
            "{}",
            skeleton.yaml
        );
        assert!(skeleton.goals <= MAX_GOALS);
        assert!(started.elapsed().as_secs() < 10);
    }
}
