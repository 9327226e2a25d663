//! Personas against the flow: do they look for titles the bot offers, answer
//! questions it asks, and can their goals be reached at all?

use crate::diagnostic::{Problem, Rule};
use crate::model::flow::{Flow, NodeId, NodeKind, Title};
use crate::model::persona::{Goal, Persona, TemplatePart};
use crate::model::text::did_you_mean;
use crate::source::KeyPath;

use super::graph::reachable;

/// What personas are checked against: the flow, with the titles it offers
/// and the questions it asks gathered once for all personas.
pub(crate) struct PersonaCheck<'f> {
    flow: &'f Flow,
    titles: Vec<&'f Title>,
    /// Question texts, lowercased: answer keys match inside them.
    questions: Vec<String>,
}

impl<'f> PersonaCheck<'f> {
    pub fn new(flow: &'f Flow) -> Self {
        let titles = flow
            .nodes
            .iter()
            .filter_map(|node| match &node.kind {
                NodeKind::Choice(choice) => Some(choice.options.iter()),
                _ => None,
            })
            .flatten()
            .collect();
        let questions = flow
            .nodes
            .iter()
            .filter_map(|node| match &node.kind {
                NodeKind::Question(question) => Some(question.text.lower.clone()),
                _ => None,
            })
            .collect();
        PersonaCheck {
            flow,
            titles,
            questions,
        }
    }

    /// Findings for one persona, written at `path` (`personas[i]`) of its file.
    pub fn check(&self, persona: &Persona, path: &KeyPath) -> Vec<Problem> {
        let mut problems = Vec::new();
        check(
            self.flow,
            &self.titles,
            &self.questions,
            persona,
            path,
            &mut problems,
        );
        problems
    }
}

fn check(
    flow: &Flow,
    titles: &[&Title],
    questions: &[String],
    persona: &Persona,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) {
    for (g, goal) in persona.goals.items().iter().enumerate() {
        let goal_path = path.key("goals").index(g);
        for (t, tap) in goal.taps.iter().enumerate() {
            if !goal.off_script && !titles.iter().any(|title| title.key == tap.key) {
                problems.push(
                    Problem::new(
                        Rule::UnknownTap,
                        goal_path.key("taps").index(t),
                        format!("persona `{}` taps `{}`, which no node offers{}", persona.name, tap.text, did_you_mean(&tap.text, titles.iter().map(|title| title.text.as_str()))),
                    )
                    .with_help("personas tap titles exactly as the flow shows them (case does not matter); mark a goal `off_script: true` if this is on purpose"),
                );
            }
        }
        for (key, _) in &goal.answers {
            if !questions
                .iter()
                .any(|question| question.contains(key.as_str()))
            {
                problems.push(
                    Problem::new(
                        Rule::UnusedAnswer,
                        goal_path.key("answers").key(key),
                        format!("persona `{}` has an answer for `{key}`, but no question's text contains it", persona.name),
                    )
                    .with_help("the key is matched inside the text of a question node's `say:`"),
                );
            }
        }
        if !goal.off_script && !can_finish(flow, goal) {
            problems.push(
                Problem::new(
                    Rule::UnreachableGoal,
                    goal_path,
                    format!(
                        "with goal `{}`, persona `{}` cannot reach an end or a handoff using replies the bot understands",
                        goal.want, persona.name
                    ),
                )
                .with_help("check the goal's `taps`, `says` and `answers` against the flow's titles, intents and patterns; mark it `off_script: true` if this is on purpose"),
            );
        }
    }
}

/// Whether some path from `start` reaches an end or a handoff, moving only
/// on replies from this goal that the bot understands (taps on offered
/// titles, phrases matching an intent, answers matching a question).
fn can_finish(flow: &Flow, goal: &Goal) -> bool {
    let edges: Vec<Vec<NodeId>> = flow
        .nodes
        .iter()
        .map(|node| understood_moves(flow, &node.kind, goal))
        .collect();
    let seen = reachable(&edges, &[flow.start]);
    flow.nodes
        .iter()
        .zip(seen)
        .any(|(node, seen)| seen && node.kind.is_final())
}

fn understood_moves(flow: &Flow, kind: &NodeKind, goal: &Goal) -> Vec<NodeId> {
    let by_intent = |routes: &[(usize, NodeId)], text: &str| -> Vec<NodeId> {
        let lower = crate::model::flow::normalize(text);
        routes
            .iter()
            .filter(|(intent, _)| flow.intents[*intent].matches(&lower, text))
            .map(|(_, target)| *target)
            .collect()
    };
    match kind {
        NodeKind::Choice(choice) => {
            let mut moves = Vec::new();
            for (option, route) in choice.options.iter().zip(&choice.option_routes) {
                let tapped = goal.taps.iter().any(|tap| tap.key == option.key);
                let typed = goal
                    .says
                    .as_ref()
                    .is_some_and(|says| says.key == option.key);
                if tapped || typed {
                    moves.extend(*route);
                }
            }
            if let Some(says) = &goal.says {
                moves.extend(by_intent(&choice.intent_routes, &says.text));
            }
            moves
        }
        NodeKind::Question(question) => {
            let text = &question.text.lower;
            let typed: Vec<String> = goal
                .answers
                .iter()
                .filter(|(key, _)| text.contains(key.as_str()))
                .map(|(_, template)| sample_answer(&template.0))
                .chain(goal.says.as_ref().map(|says| says.text.clone()))
                .collect();
            let mut moves = Vec::new();
            for reply in typed {
                moves.extend(by_intent(&question.intent_routes, &reply));
                if question.pattern.is_match(reply.trim()) {
                    moves.extend(question.valid);
                }
            }
            moves
        }
        other => other.successors(),
    }
}

/// One answer a template can produce: `A{digits:6}` gives `A111111`.
fn sample_answer(parts: &[TemplatePart]) -> String {
    parts
        .iter()
        .map(|part| match part {
            TemplatePart::Text(text) => text.clone(),
            TemplatePart::Digits(n) => "1".repeat(*n),
            TemplatePart::Letters(n) => "A".repeat(*n),
        })
        .collect()
}
