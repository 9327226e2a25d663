//! Personas against the flow: do they look for titles the bot offers, answer
//! questions it asks, and can their goals be reached at all?
//!
//! A scenario may hold tens of thousands of personas and a flow tens of
//! thousands of nodes, so nothing here is done once per persona per node:
//! titles are looked up in a set, answer keys are searched for once per
//! distinct key, and a goal's reachability is computed once per distinct
//! *signature* (what the goal can make the bot understand), which thousands
//! of personas share. What a hostile file can still vary is bounded by a
//! work budget: when it runs out, the remaining goals are not checked
//! against the flow, and one warning says so.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};

use crate::diagnostic::{Problem, Rule};
use crate::model::flow::{Flow, IntentId, NodeId, NodeKind, text_key};
use crate::model::media::MediaKind;
use crate::model::persona::{Goal, Persona, Said, TemplatePart};
use crate::source::KeyPath;
use crate::text::Suggestions;

/// How many steps (nodes visited, routes followed, characters searched,
/// intents matched) the checks of one scenario's personas may take: about
/// a second. Realistic scenarios use a small fraction of it, however many
/// personas they have, because goals written alike are checked once.
const WORK_BUDGET: u64 = 30_000_000;

/// What personas are checked against: the flow, with the titles it offers
/// and the questions it asks gathered once for all personas.
pub(crate) struct PersonaCheck<'f> {
    flow: &'f Flow,
    /// Each distinct option key the flow offers, with a number.
    offered: HashMap<&'f str, usize>,
    /// The titles as written, each once, for "did you mean".
    titles: Vec<&'f str>,
    suggestions: OnceCell<Suggestions<'f>>,
    /// Question texts, lowercased: answer keys match inside them.
    questions: Vec<&'f str>,
    /// Where a customer types at a prompt, named for messages.
    places: Vec<(String, Place<'f>)>,
    /// The intents some route listens for, each once.
    routed_intents: Vec<IntentId>,
    /// Whether some node routes each kind of media (`on_media`), by kind.
    media_routed: [bool; MediaKind::COUNT],
    /// Whether some question contains an answer key, by key.
    answered: RefCell<HashMap<String, bool>>,
    /// Whether a goal can finish, by its signature.
    finishes: RefCell<HashMap<Signature, bool>>,
    budget: Cell<u64>,
    /// Set once the budget ran out and the warning was given.
    gave_up: Cell<bool>,
}

/// All that decides whether a goal can finish: the options it taps or
/// types, the intents its phrase matches, and what it replies to questions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Signature {
    /// Numbers of the offered option keys it taps or types, sorted.
    options: Vec<usize>,
    /// The routed intents its phrase matches, sorted.
    intents: Vec<IntentId>,
    /// Only when the flow asks questions: what it replies to them.
    replies: Option<Replies>,
}

/// What a goal can type in reply to a question.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Replies {
    /// The phrasings of its `says`.
    says: Vec<String>,
    /// Its answers by key, each with the text it produces.
    answers: Vec<(String, String)>,
    /// Its `replies` phrasings, each with its key (lower-cased).
    replies: Vec<(String, String)>,
}

/// A prompt a reply may be typed at, as lint reads it.
enum Place<'f> {
    Choice(&'f crate::model::flow::Choice),
    Question(&'f crate::model::flow::Question),
    Template(&'f crate::model::flow::Template),
}

impl<'f> PersonaCheck<'f> {
    pub fn new(flow: &'f Flow) -> Self {
        Self::with_budget(flow, WORK_BUDGET)
    }

    fn with_budget(flow: &'f Flow, budget: u64) -> Self {
        let mut offered = HashMap::new();
        let mut titles = Vec::new();
        let mut written = HashSet::new();
        let mut routed = HashSet::new();
        let mut questions = Vec::new();
        let mut media_routed = [false; MediaKind::COUNT];
        for node in &flow.nodes {
            for kind in MediaKind::ALL {
                media_routed[kind.index()] |= node.media.route(kind).is_some();
            }
            match &node.kind {
                NodeKind::Choice(choice) => {
                    for title in &choice.options {
                        let next = offered.len();
                        offered.entry(title.key.as_str()).or_insert(next);
                        if written.insert(title.text.as_str()) {
                            titles.push(title.text.as_str());
                        }
                    }
                    routed.extend(choice.intent_routes.iter().map(|(intent, _)| *intent));
                }
                NodeKind::Question(question) => {
                    questions.push(question.text.lower.as_str());
                    routed.extend(question.intent_routes.iter().map(|(intent, _)| *intent));
                }
                _ => {}
            }
        }
        // A template's buttons are titles customers can tap too.
        for title in flow.templates.iter().flat_map(|t| t.buttons.iter()) {
            let next = offered.len();
            offered.entry(title.key.as_str()).or_insert(next);
            if written.insert(title.text.as_str()) {
                titles.push(title.text.as_str());
            }
        }
        let mut places = Vec::new();
        for node in &flow.nodes {
            match &node.kind {
                NodeKind::Choice(choice) => {
                    places.push((format!("node `{}`", node.id), Place::Choice(choice)))
                }
                NodeKind::Question(question) => {
                    places.push((format!("node `{}`", node.id), Place::Question(question)))
                }
                _ => {}
            }
        }
        for template in &flow.templates {
            places.push((
                format!("template `{}`", template.name),
                Place::Template(template),
            ));
        }
        let mut routed_intents: Vec<IntentId> = routed.into_iter().collect();
        routed_intents.sort_unstable();
        PersonaCheck {
            flow,
            offered,
            titles,
            suggestions: OnceCell::new(),
            questions,
            places,
            routed_intents,
            media_routed,
            answered: RefCell::new(HashMap::new()),
            finishes: RefCell::new(HashMap::new()),
            budget: Cell::new(budget),
            gave_up: Cell::new(false),
        }
    }

    /// Findings for one persona, written at `path` (`personas[i]`) of its file.
    pub fn check(&self, persona: &Persona, path: &KeyPath) -> Vec<Problem> {
        let mut problems = Vec::new();
        self.unrouted_media(persona, path, &mut problems);
        for (g, goal) in persona.goals.items().iter().enumerate() {
            let goal_path = path.key("goals").index(g);
            for (t, tap) in goal.taps.iter().enumerate() {
                if !goal.off_script && !self.offered.contains_key(tap.key.as_str()) {
                    let suggestion = self
                        .suggestions
                        .get_or_init(|| Suggestions::new(self.titles.iter().copied()))
                        .did_you_mean(&tap.text);
                    problems.push(
                        Problem::new(
                            Rule::UnknownTap,
                            goal_path.key("taps").index(t),
                            format!("persona `{}` taps `{}`, which no node offers{suggestion}", persona.name, tap.text),
                        )
                        .with_help("personas tap titles as the flow shows them (case, accents and Arabic letter variants do not matter); mark a goal `off_script: true` if this is on purpose"),
                    );
                }
            }
            if self.gave_up.get() {
                continue;
            }
            self.check_against_flow(persona, goal, &goal_path, &mut problems);
            if self.gave_up.get() {
                problems.push(
                    Problem::new(
                        Rule::UnreachableGoal,
                        goal_path,
                        "lint stopped checking personas against the flow here: this many differently written goals against a flow this large would take too long; the goals from here on are not checked for unused answers or reachability",
                    )
                    .with_help("lint the personas against a smaller flow, or write goals that share taps, phrases and answers"),
                );
            }
        }
        problems
    }

    /// Rules P03 and P02 for one goal, until the budget runs out.
    fn check_against_flow(
        &self,
        persona: &Persona,
        goal: &Goal,
        goal_path: &KeyPath,
        problems: &mut Vec<Problem>,
    ) {
        for (key, _) in &goal.answers {
            match self.is_asked(key) {
                Some(true) => {}
                Some(false) => problems.push(
                    Problem::new(
                        Rule::UnusedAnswer,
                        goal_path.key("answers").key(key),
                        format!("persona `{}` has an answer for `{key}`, but no question's text contains it", persona.name),
                    )
                    .with_help("the key is matched inside the text of a question node's `say:`"),
                ),
                None => return,
            }
        }
        if self
            .check_replies(persona, goal, goal_path, problems)
            .is_none()
        {
            return;
        }
        if goal.off_script {
            return;
        }
        match self.signature(goal).and_then(|signature| self.finishes(signature)) {
            Some(true) => {}
            Some(false) => problems.push(
                Problem::new(
                    Rule::UnreachableGoal,
                    goal_path.clone(),
                    format!(
                        "with goal `{}`, persona `{}` cannot reach an end or a handoff using replies the bot understands",
                        goal.want, persona.name
                    ),
                )
                .with_help("check the goal's `taps`, `says` and `answers` against the flow's titles, intents and patterns; mark it `off_script: true` if this is on purpose"),
            ),
            None => {}
        }
    }

    /// Rules P08 and P07 for a goal's `replies`, and P07 for the phrasings
    /// of a `says` with several; `None` when the budget ran out.
    fn check_replies(
        &self,
        persona: &Persona,
        goal: &Goal,
        goal_path: &KeyPath,
        problems: &mut Vec<Problem>,
    ) -> Option<()> {
        let per_place: u64 = self
            .places
            .iter()
            .map(|(_, place)| 1 + place.text().len() as u64)
            .sum();
        for reply in &goal.replies {
            let path = goal_path.key("replies").key(&reply.written);
            let phrasings = reply.bank.phrasings();
            if !self.spend(per_place * (1 + phrasings.len() as u64)) {
                return None;
            }
            let typed_at: Vec<&(String, Place)> = self
                .places
                .iter()
                .filter(|(_, place)| match place {
                    // Answers come first at a question.
                    Place::Question(question) => {
                        question.text.lower.contains(&reply.title)
                            && !goal
                                .answers
                                .iter()
                                .any(|(key, _)| question.text.lower.contains(key.as_str()))
                    }
                    _ => place.offers(&reply.title) || place.text().contains(&reply.title),
                })
                .collect();
            if typed_at.is_empty() {
                problems.push(
                    Problem::new(
                        Rule::UnusedReply,
                        path,
                        format!(
                            "persona `{}` has replies for `{}`, but no option has that title and no prompt's text contains it",
                            persona.name, reply.written
                        ),
                    )
                    .with_help("a `replies` key is an option's title (typed when the customer means it) or a phrase of a prompt's `say:` (typed at that prompt)"),
                );
                continue;
            }
            if goal.off_script {
                continue;
            }
            for (i, said) in phrasings.iter().enumerate() {
                let Some((name, _)) = typed_at
                    .iter()
                    .find(|(_, place)| !self.understands(place, said))
                else {
                    continue;
                };
                let at = if phrasings.len() > 1 {
                    path.index(i)
                } else {
                    path.clone()
                };
                problems.push(
                    Problem::new(
                        Rule::UnheardReply,
                        at,
                        format!(
                            "persona `{}` types `{}` at {name}, where no route understands it: the bot's fallback",
                            persona.name, said.text
                        ),
                    )
                    .with_help("type an option's title, or words an intent routed there matches (case does not matter); mark the goal `off_script: true` if this is on purpose"),
                );
            }
        }
        let says = goal.says.as_ref().map_or(&[][..], |says| says.phrasings());
        if goal.off_script || says.len() < 2 {
            return Some(());
        }
        for (i, said) in says.iter().enumerate() {
            if !self.spend(per_place) {
                return None;
            }
            if !self
                .places
                .iter()
                .any(|(_, place)| self.understands(place, said))
            {
                problems.push(
                    Problem::new(
                        Rule::UnheardReply,
                        goal_path.key("says").index(i),
                        format!(
                            "persona `{}` says `{}`, which no route of the flow understands: the bot's fallback wherever it is typed",
                            persona.name, said.text
                        ),
                    )
                    .with_help("a phrasing is understood when it is an option's title, matches an intent a node routes, or matches a question's pattern"),
                );
            }
        }
        Some(())
    }

    /// Whether the bot understands `said` typed at `place`, without a typo.
    fn understands(&self, place: &Place, said: &Said) -> bool {
        let intents = &self.flow.intents;
        match place {
            Place::Choice(choice) => {
                choice.option_typed(&said.key).is_some()
                    || choice
                        .intent_routes
                        .first_match(intents, &said.key, &said.text)
                        .is_some()
            }
            Place::Question(question) => {
                question
                    .intent_routes
                    .first_match(intents, &said.key, &said.text)
                    .is_some()
                    || question.pattern.is_match(said.text.trim())
            }
            Place::Template(template) => {
                template.buttons.iter().any(|button| button.key == said.key)
                    || template
                        .intent_routes
                        .first_match(intents, &said.key, &said.text)
                        .is_some()
            }
        }
    }

    /// Takes `cost` steps from the budget; `false` (once, setting
    /// `gave_up`) when they are not there.
    fn spend(&self, cost: u64) -> bool {
        match self.budget.get().checked_sub(cost) {
            Some(left) if !self.gave_up.get() => {
                self.budget.set(left);
                true
            }
            _ => {
                self.gave_up.set(true);
                false
            }
        }
    }

    /// Whether some question's text contains `key`; `None` when the budget
    /// ran out.
    fn is_asked(&self, key: &str) -> Option<bool> {
        if let Some(known) = self.answered.borrow().get(key) {
            return Some(*known);
        }
        let cost = self.questions.iter().map(|q| q.len() as u64 + 1).sum();
        if !self.spend(cost) {
            return None;
        }
        let asked = self.questions.iter().any(|question| question.contains(key));
        self.answered.borrow_mut().insert(key.to_string(), asked);
        Some(asked)
    }

    /// What decides whether `goal` can finish; `None` when the budget ran out.
    fn signature(&self, goal: &Goal) -> Option<Signature> {
        let cost = ((goal.taps.len() + goal.answers.len() + typed(goal).count())
            * (self.routed_intents.len() + 1)) as u64;
        if !self.spend(cost) {
            return None;
        }
        let mut options: Vec<usize> = goal
            .taps
            .iter()
            .map(|tap| tap.key.as_str())
            .chain(typed(goal).map(|said| said.key.as_str()))
            .filter_map(|key| self.offered.get(key).copied())
            .collect();
        options.sort_unstable();
        options.dedup();
        let mut intents: Vec<IntentId> = typed(goal)
            .flat_map(|said| {
                let lower = text_key(&said.text);
                self.routed_intents
                    .iter()
                    .copied()
                    .filter(move |intent| self.flow.intents[*intent].matches(&lower, &said.text))
            })
            .collect();
        intents.sort_unstable();
        intents.dedup();
        let replies = (!self.questions.is_empty()).then(|| Replies {
            says: goal
                .says
                .iter()
                .flat_map(|says| says.phrasings())
                .map(|said| said.text.clone())
                .collect(),
            answers: goal
                .answers
                .iter()
                .map(|(key, template)| (key.clone(), sample_answer(&template.0)))
                .collect(),
            replies: goal
                .replies
                .iter()
                .flat_map(|reply| {
                    reply
                        .bank
                        .phrasings()
                        .iter()
                        .map(|said| (reply.title.clone(), said.text.clone()))
                })
                .collect(),
        });
        Some(Signature {
            options,
            intents,
            replies,
        })
    }

    /// Whether some path from `start` (or from a template the goal answers
    /// with a tap: a campaign, a follow-up) reaches an end or a handoff, moving
    /// only on replies the bot understands from a goal with `signature`
    /// (taps on offered titles, phrases matching an intent, answers
    /// matching a question); `None` when the budget ran out.
    fn finishes(&self, signature: Signature) -> Option<bool> {
        if let Some(known) = self.finishes.borrow().get(&signature) {
            return Some(*known);
        }
        let flow = self.flow;
        let mut seen = vec![false; flow.nodes.len()];
        let mut queue = VecDeque::from([flow.start]);
        seen[flow.start] = true;
        for template in &flow.templates {
            for (button, route) in template.buttons.iter().zip(&template.button_routes) {
                let tapped = self
                    .offered
                    .get(button.key.as_str())
                    .is_some_and(|id| signature.options.binary_search(id).is_ok());
                if let Some(route) = route.filter(|route| tapped && !seen[*route]) {
                    seen[route] = true;
                    queue.push_back(route);
                }
            }
        }
        let mut finishes = false;
        let mut moves = Vec::new();
        while let Some(node) = queue.pop_front() {
            if flow.nodes[node].kind.is_final() {
                finishes = true;
                break;
            }
            moves.clear();
            let cost = self.understood_moves(&flow.nodes[node].kind, &signature, &mut moves);
            if !self.spend(cost) {
                return None;
            }
            for next in &moves {
                if !seen[*next] {
                    seen[*next] = true;
                    queue.push_back(*next);
                }
            }
        }
        self.finishes.borrow_mut().insert(signature, finishes);
        Some(finishes)
    }

    /// Adds to `moves` where a goal with `signature` can go from a node of
    /// this kind; returns the steps it took.
    fn understood_moves(
        &self,
        kind: &NodeKind,
        signature: &Signature,
        moves: &mut Vec<NodeId>,
    ) -> u64 {
        let flow = self.flow;
        let by_intent = |routes: &[(IntentId, NodeId)], text: &str, moves: &mut Vec<NodeId>| {
            let lower = text_key(text);
            moves.extend(
                routes
                    .iter()
                    .filter(|(intent, _)| flow.intents[*intent].matches(&lower, text))
                    .map(|(_, target)| *target),
            );
        };
        match kind {
            NodeKind::Choice(choice) => {
                for (option, route) in choice.options.iter().zip(&choice.option_routes) {
                    let understood = self
                        .offered
                        .get(option.key.as_str())
                        .is_some_and(|id| signature.options.binary_search(id).is_ok());
                    if understood {
                        moves.extend(*route);
                    }
                }
                moves.extend(
                    choice
                        .intent_routes
                        .iter()
                        .filter(|(intent, _)| signature.intents.binary_search(intent).is_ok())
                        .map(|(_, target)| *target),
                );
                (1 + choice.options.len() + choice.intent_routes.len()) as u64
            }
            NodeKind::Question(question) => {
                let Some(Replies {
                    says,
                    answers,
                    replies,
                }) = &signature.replies
                else {
                    return 1;
                };
                let text = &question.text.lower;
                let keyed = answers.iter().chain(replies);
                let replies = keyed
                    .filter(|(key, _)| text.contains(key.as_str()))
                    .map(|(_, reply)| reply.as_str())
                    .chain(says.iter().map(String::as_str));
                let mut cost = 1 + ((answers.len() + replies_len(signature)) * text.len()) as u64;
                for reply in replies {
                    by_intent(&question.intent_routes, reply, moves);
                    if question.accepts(reply) {
                        moves.extend(question.valid);
                    }
                    cost += ((1 + question.intent_routes.len()) * (1 + reply.len())) as u64;
                }
                cost
            }
            other => {
                let successors = other.successors();
                let cost = 1 + successors.len() as u64;
                moves.extend(successors);
                cost
            }
        }
    }
}

impl Place<'_> {
    /// The prompt's text, lower-cased.
    fn text(&self) -> &str {
        match self {
            Place::Choice(choice) => &choice.text.lower,
            Place::Question(question) => &question.text.lower,
            Place::Template(template) => &template.body.lower,
        }
    }

    /// Whether it offers an option titled `key` (normalised).
    fn offers(&self, key: &str) -> bool {
        let options = match self {
            Place::Choice(choice) => &choice.options,
            Place::Question(_) => return false,
            Place::Template(template) => &template.buttons,
        };
        options.iter().any(|option| option.key == key)
    }
}

/// Every phrasing a goal can type from its banks: `says` and `replies`.
fn typed(goal: &Goal) -> impl Iterator<Item = &Said> {
    goal.says
        .iter()
        .map(|says| says.phrasings())
        .chain(goal.replies.iter().map(|reply| reply.bank.phrasings()))
        .flatten()
}

/// How many keyed replies a signature holds.
fn replies_len(signature: &Signature) -> usize {
    signature
        .replies
        .as_ref()
        .map_or(0, |replies| replies.replies.len())
}

impl PersonaCheck<'_> {
    /// Kinds of media the persona sends that no node routes (rule P09):
    /// every one falls to the fallback of the node it was sent at. A
    /// reaction no node routes is ignored, which is what bots do, so it is
    /// not flagged.
    fn unrouted_media(&self, persona: &Persona, path: &KeyPath, problems: &mut Vec<Problem>) {
        let sends = &persona.behaviour.sends;
        for kind in MediaKind::ALL {
            let chance = sends.chance(kind);
            if chance == 0.0 || !kind.in_any() || self.media_routed[kind.index()] {
                continue;
            }
            problems.push(
                Problem::new(
                    Rule::UnroutedMedia,
                    path.key("behaviour").key("sends").key(kind.key()),
                    format!(
                        "persona `{}` sends `{}` at {} of prompts, but no node routes it: every one falls to the node's fallback, as text the bot does not understand",
                        persona.name,
                        kind.key(),
                        crate::report::table::percent(chance),
                    ),
                )
                .with_help(format!(
                    "route it where the bot handles it, with `on_media: {{{}: NODE}}` (or `any: NODE`) on the nodes that wait for the customer",
                    kind.key()
                )),
            );
        }
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::load::Loader;

    const FLOW: &str = "flow: f\nstart: ask\nintents: {agent: [agent]}\nnodes:\n  ask:\n    say: Your order number?\n    expect: {pattern: '^A[0-9]{3}$'}\n    routes: {valid: done, invalid: ask, intent agent: human}\n  human:\n    handoff: {queue: q}\n  done:\n    end: resolved\n";

    fn personas(count: usize) -> String {
        let mut text = String::from("personas:\n");
        for i in 0..count {
            text.push_str(&format!(
                "  - name: p{i}\n    goals: [{{want: w, says: \"hello {i}\"}}]\n"
            ));
        }
        text
    }

    fn check(count: usize, budget: u64) -> Vec<Problem> {
        let loader = Loader::new()
            .with_file("flow.yaml", FLOW)
            .with_file("personas.yaml", personas(count));
        let flow = loader
            .check_flow(Path::new("flow.yaml"))
            .unwrap()
            .value
            .unwrap();
        let personas = loader
            .check_personas(Path::new("personas.yaml"))
            .unwrap()
            .value
            .unwrap();
        let check = PersonaCheck::with_budget(&flow, budget);
        personas
            .iter()
            .enumerate()
            .flat_map(|(i, persona)| check.check(persona, &KeyPath::root().index(i)))
            .collect()
    }

    #[test]
    fn every_goal_is_checked_within_the_budget() {
        // Every goal only says hello: none reaches an end.
        let problems = check(200, WORK_BUDGET);
        assert_eq!(problems.len(), 200);
        assert!(problems.iter().all(|p| p.rule == Rule::UnreachableGoal));
    }

    #[test]
    fn lint_says_where_it_stopped_when_the_budget_runs_out() {
        let problems = check(200, 300);
        let stopped: Vec<&Problem> = problems
            .iter()
            .filter(|p| p.message.starts_with("lint stopped"))
            .collect();
        assert_eq!(stopped.len(), 1, "{problems:#?}");
        let checked = problems.len() - 1;
        assert!(checked > 0 && checked < 200, "{checked} goals checked");
    }
}
