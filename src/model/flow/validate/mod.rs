//! Checks a flow as written and builds the validated [`Flow`]: node kinds,
//! route keys and targets, intents. Every problem is collected, not just the
//! first, so `lint` can show them all.

mod choices;
mod conditions;
mod messages;

use std::cell::OnceCell;
use std::collections::HashMap;

use super::spec::{Extra, FlowSpec, Kind, NodeSpec};
use super::{
    Call, ChoiceStyle, End, Flow, Goal, GoalId, Handoff, Intent, IntentRoutes, List,
    MAX_BOT_STEPS_PER_TURN, Node, NodeId, NodeKind, Question, Resolution, Row, Section, Survey,
    Template, Text, Title, text_key,
};
use crate::diagnostic::{Problem, Rule, Severity};
use crate::limits::MAX_KEYWORD_LENGTH;
use crate::model::flow::{ANY, MediaRoutes};
use crate::model::media::{self, MediaKind};
use crate::model::{Distribution, Millis};
use crate::source::KeyPath;
use crate::text::{Suggestions, did_you_mean, list};

/// A conversation keeps the goals it reached and the variants it took in
/// one bit each: a flow has at most this many of each.
const MAX_MARKS: usize = 64;

impl Flow {
    /// Validates a parsed flow. Every problem found is added to `problems`;
    /// the flow is built only when none of them is an error.
    pub(crate) fn validate(spec: FlowSpec, problems: &mut Vec<Problem>) -> Option<Flow> {
        let mut checker = Checker {
            spec: &spec,
            problems: Vec::new(),
            queues: Vec::new(),
            goals: Vec::new(),
            variants: Vec::new(),
            queue_ids: HashMap::new(),
            node_names: OnceCell::new(),
            intent_names: OnceCell::new(),
            vars: Vec::new(),
        };
        let root = KeyPath::root();
        if spec.nodes.is_empty() {
            checker.report(
                Rule::InvalidNode,
                root.key("nodes"),
                "the flow has no nodes",
            );
        }
        let start = checker.resolve(&spec.start, root.key("start"));
        let intents = checker.intents();
        checker.vars = checker.vars();
        let templates: Vec<Option<Template>> = spec
            .templates
            .iter()
            .map(|(name, template)| {
                checker.template(&root.key("templates").key(name), name, template, start)
            })
            .collect();
        let nodes: Vec<Option<Node>> = spec
            .nodes
            .iter()
            .map(|(id, node)| {
                let path = root.key("nodes").key(id);
                let kind = checker.node(&path, node);
                let converts = checker.goal(&path, node);
                let follow_up = match &node.follow_up {
                    Some(follow_up) => checker
                        .follow_up(&path.key("follow_up"), follow_up)
                        .map(Some),
                    None => Some(None),
                };
                let media = match &node.on_media {
                    Some(routes) => checker.media_routes(&path.key("on_media"), routes),
                    None => Some(MediaRoutes::default()),
                };
                let set = checker.set(&path, node);
                let fill = checker.fill(&path, node);
                let (kind, (converts, follow_up)) = kind.zip(converts.zip(follow_up))?;
                Some(Node {
                    id: id.clone(),
                    kind,
                    converts,
                    follow_up,
                    media: media?,
                    set: set?,
                    fill: fill?,
                })
            })
            .collect();
        let has_errors = checker
            .problems
            .iter()
            .any(|problem| problem.rule.severity() == Severity::Error);
        let queues = std::mem::take(&mut checker.queues);
        let goals = std::mem::take(&mut checker.goals);
        let variants = std::mem::take(&mut checker.variants);
        let vars = std::mem::take(&mut checker.vars);
        problems.append(&mut checker.problems);
        if has_errors {
            return None;
        }
        let mut nodes = nodes.into_iter().collect::<Option<Vec<_>>>()?;
        let mut templates = templates.into_iter().collect::<Option<Vec<_>>>()?;
        settle_skipped_surveys(&mut nodes);
        compile_intent_routes(&mut nodes, &mut templates, &intents);
        Some(Flow {
            name: spec.flow,
            version: spec.version,
            start: start?,
            latency: spec
                .latency
                .unwrap_or_else(|| Distribution::fixed(Millis::ZERO)),
            intents,
            nodes,
            queues,
            goals,
            variants,
            templates,
            vars,
        })
    }
}

/// Compiles the intent routes of every node and template for the engine:
/// each gets one matcher over all its intents' keywords.
fn compile_intent_routes(nodes: &mut [Node], templates: &mut [Template], intents: &[Intent]) {
    for node in nodes {
        match &mut node.kind {
            NodeKind::Choice(choice) => choice.intent_routes.compile(intents),
            NodeKind::Question(question) => question.intent_routes.compile(intents),
            _ => {}
        }
    }
    for template in templates {
        template.intent_routes.compile(intents);
    }
}

/// Gives every survey the end a customer who skips it reaches: the bot
/// carries on without them through messages, surveys and calls (taken as
/// succeeding) to an end, or the customer had more to do.
fn settle_skipped_surveys(nodes: &mut [Node]) {
    let ends: Vec<Option<Resolution>> = (0..nodes.len())
        .map(|id| {
            let NodeKind::Survey(survey) = &nodes[id].kind else {
                return None;
            };
            let mut next = survey.next;
            // As the bot does, a chain of more steps is a loop.
            for _ in 0..MAX_BOT_STEPS_PER_TURN {
                let node = next?;
                next = match &nodes[node].kind {
                    NodeKind::End(end) => return Some(end.resolution),
                    NodeKind::Message { next, .. } => *next,
                    NodeKind::Survey(survey) => survey.next,
                    NodeKind::Call(call) => call.ok,
                    _ => return None,
                };
            }
            None
        })
        .collect();
    for (node, end) in nodes.iter_mut().zip(ends) {
        if let NodeKind::Survey(survey) = &mut node.kind {
            survey.skipped = end;
        }
    }
}

/// Collects the problems of one flow while building its nodes.
struct Checker<'a> {
    spec: &'a FlowSpec,
    problems: Vec<Problem>,
    queues: Vec<String>,
    goals: Vec<Goal>,
    variants: Vec<String>,
    /// The index of each queue name in `queues`.
    queue_ids: HashMap<String, usize>,
    /// Node ids for "did you mean", prepared on the first unknown target.
    node_names: OnceCell<Suggestions<'a>>,
    /// Intent names likewise.
    intent_names: OnceCell<Suggestions<'a>>,
    /// The declared variables, checked before the nodes that use them.
    vars: Vec<crate::model::flow::Var>,
}

impl Checker<'_> {
    fn report(&mut self, rule: Rule, path: KeyPath, message: impl Into<String>) -> &mut Problem {
        self.problems.push(Problem::new(rule, path, message));
        self.problems.last_mut().expect("just pushed")
    }

    fn intents(&mut self) -> Vec<Intent> {
        let spec = self.spec;
        let mut intents = Vec::with_capacity(spec.intents.len());
        for (name, intent) in &spec.intents {
            if intent.keywords.is_empty() && intent.regex.is_none() {
                self.report(
                    Rule::UnknownIntent,
                    KeyPath::root().key("intents").key(name),
                    format!(
                        "intent `{name}` has neither keywords nor a regex, so it can never match"
                    ),
                );
            }
            let long = intent
                .keywords
                .iter()
                .enumerate()
                .find_map(|(index, keyword)| {
                    let length = keyword.chars().count();
                    (length > MAX_KEYWORD_LENGTH).then_some((index, length))
                });
            if let Some((index, length)) = long {
                self.report(
                    Rule::UnknownIntent,
                    KeyPath::root().key("intents").key(name),
                    format!(
                        "keyword {} of intent `{name}` has {length} characters; a keyword has at most {MAX_KEYWORD_LENGTH}",
                        index + 1
                    ),
                )
                .help = Some("a keyword is a word or a short phrase customers type, like `track my order`".into());
            }
            intents.push(Intent {
                name: name.clone(),
                keywords: intent.keywords.iter().map(|k| text_key(k)).collect(),
                regex: intent.regex.as_ref().map(|pattern| pattern.0.clone()),
            });
        }
        intents
    }

    /// The index of the node called `target`, or a problem at `path`.
    fn resolve(&mut self, target: &str, path: KeyPath) -> Option<NodeId> {
        let found = self.spec.nodes.get_index_of(target);
        if found.is_none() {
            let spec = self.spec;
            let suggestion = self
                .node_names
                .get_or_init(|| Suggestions::new(spec.nodes.keys().map(String::as_str)))
                .did_you_mean(target);
            self.report(
                Rule::UnknownNode,
                path,
                format!("no node is called `{target}`{suggestion}"),
            )
            .help = Some("a route names a node defined under `nodes:`".into());
        }
        found
    }

    fn node(&mut self, path: &KeyPath, node: &NodeSpec) -> Option<NodeKind> {
        let kinds = node.kinds();
        if kinds.len() > 1 {
            self.report(
                Rule::InvalidNode,
                path.clone(),
                format!(
                    "this node has {}, but a node is one kind of step",
                    list(kinds.iter().map(|kind| kind.key()))
                ),
            )
            .help = Some(
                "split it into one node per step and link them with `next` or `routes`".into(),
            );
            return None;
        }
        let kind = kinds.first().copied().unwrap_or(Kind::Message);
        let mut well_formed = true;
        for extra in Extra::ALL {
            if node.has(extra) && !kind.takes(extra) {
                well_formed = false;
                let what = match kind {
                    Kind::Message => "a message node".to_string(),
                    other => format!("a `{}` node", other.key()),
                };
                self.report(
                    Rule::InvalidNode,
                    path.key(extra.key()),
                    format!("{what} does not take `{}`", extra.key()),
                )
                .help = Some(kind.why_not(extra).into());
            }
        }
        let built = match kind {
            Kind::Message => {
                let text = self.required_say(path, node, "a message");
                let next = self.next(path, node);
                NodeKind::Message {
                    text: text?,
                    next: next?,
                }
            }
            Kind::Buttons(buttons) => {
                let options = buttons.iter().map(|title| Title::new(title)).collect();
                self.choice(path, node, ChoiceStyle::Buttons, options)?
            }
            Kind::List(spec) => {
                let sections: Vec<Section> = spec
                    .sections
                    .iter()
                    .map(|section| Section {
                        title: section.title.clone(),
                        rows: section
                            .rows
                            .iter()
                            .map(|row| Row {
                                title: row.title.clone(),
                                description: row.description.clone(),
                            })
                            .collect(),
                    })
                    .collect();
                let options = sections
                    .iter()
                    .flat_map(|section| section.rows.iter().map(|row| Title::new(&row.title)))
                    .collect();
                let style = ChoiceStyle::List(List {
                    button: spec.button.clone(),
                    sections,
                });
                self.choice(path, node, style, options)?
            }
            Kind::Question(expect) => {
                let text = self.required_say(path, node, "a question");
                let capture = self.capture(path, node);
                let mut question = Question {
                    text: text.unwrap_or_else(|| Text::new("")),
                    pattern: expect.pattern.0.clone(),
                    valid: None,
                    invalid: None,
                    intent_routes: IntentRoutes::default(),
                    capture: capture.flatten(),
                };
                let mut intent_routes = Vec::new();
                let mut ok = node.say.is_some() && capture.is_some();
                for (key, target) in node.routes.iter().flatten() {
                    let key_path = path.key("routes").key(key);
                    let target = self.resolve(target, key_path.clone());
                    ok &= target.is_some();
                    match key.as_str() {
                        "valid" => question.valid = target,
                        "invalid" => question.invalid = target,
                        _ => match self.intent_key(key, &key_path) {
                            Some(Some(intent)) => {
                                intent_routes.extend(target.map(|target| (intent, target)))
                            }
                            Some(None) => ok = false,
                            None => {
                                self.report(
                                    Rule::UnofferedRoute,
                                    key_path,
                                    format!("a question routes on `valid`, `invalid` or `intent NAME`, not `{key}`"),
                                );
                                ok = false;
                            }
                        },
                    }
                }
                question.intent_routes = IntentRoutes::new(intent_routes);
                ok.then_some(NodeKind::Question(question))?
            }
            Kind::Call(call) => {
                let mut built = Call {
                    name: call.name.clone(),
                    latency: call.latency.clone(),
                    fails: call.fails,
                    ok: None,
                    error: None,
                };
                for (key, target) in node.routes.iter().flatten() {
                    let key_path = path.key("routes").key(key);
                    let slot = match key.as_str() {
                        "ok" => &mut built.ok,
                        "error" => &mut built.error,
                        _ => {
                            let suggestion = did_you_mean(key, ["ok", "error"]);
                            self.report(
                                Rule::UnofferedRoute,
                                key_path,
                                format!(
                                    "this node routes on `ok` and `error`, not `{key}`{suggestion}"
                                ),
                            );
                            continue;
                        }
                    };
                    *slot = self.resolve(target, key_path);
                }
                NodeKind::Call(built)
            }
            Kind::Handoff(handoff) => {
                let next = self.queues.len();
                let queue = *self.queue_ids.entry(handoff.queue.clone()).or_insert(next);
                if queue == next {
                    self.queues.push(handoff.queue.clone());
                }
                let closed = match &handoff.closed {
                    Some(target) => Some(self.resolve(target, path.key("handoff").key("closed"))?),
                    None => None,
                };
                NodeKind::Handoff(Handoff {
                    text: node.say.as_deref().map(Text::new),
                    queue,
                    closed,
                })
            }
            Kind::Survey(question) => {
                let next = self.next(path, node);
                let survey = self.survey(path, node, question);
                NodeKind::Survey(Survey {
                    next: next?,
                    ..survey?
                })
            }
            Kind::Split(shares) => self.split(path, node, shares)?,
            Kind::When(branches) => self.when(path, branches)?,
            Kind::End(resolution) => NodeKind::End(End {
                text: node.say.as_deref().map(Text::new),
                resolution,
            }),
        };
        well_formed.then_some(built)
    }

    /// The goal a node marks as reached (`converts:` with an optional
    /// `value:`): `Some(None)` for a node that marks none, `None` on error.
    fn goal(&mut self, path: &KeyPath, node: &NodeSpec) -> Option<Option<GoalId>> {
        let Some(name) = &node.converts else {
            if node.value.is_some() {
                self.report(
                    Rule::InvalidNode,
                    path.key("value"),
                    "`value` without `converts`: what goal is it the value of?",
                )
                .help = Some("write `converts: purchase` beside it".into());
                return None;
            }
            return Some(None);
        };
        if let Some(value) = node
            .value
            .filter(|value| !(value.is_finite() && *value >= 0.0))
        {
            self.report(
                Rule::InvalidNode,
                path.key("value"),
                format!("a goal's value is an amount of 0 or more, got {value}"),
            );
            return None;
        }
        match self.goals.iter().position(|goal| &goal.name == name) {
            Some(id) => {
                let known = &mut self.goals[id];
                match (known.value, node.value) {
                    (Some(a), Some(b)) if a != b => {
                        self.report(
                            Rule::InvalidNode,
                            path.key("value"),
                            format!("goal `{name}` is worth {a} at another node and {b} here"),
                        )
                        .help = Some(
                            "a goal has one value per conversation: give it once, or use two goals"
                                .into(),
                        );
                        return None;
                    }
                    (None, Some(value)) => known.value = Some(value),
                    _ => {}
                }
                Some(Some(id))
            }
            None if self.goals.len() == MAX_MARKS => {
                self.report(
                    Rule::InvalidNode,
                    path.key("converts"),
                    format!("a flow has at most {MAX_MARKS} goals"),
                );
                None
            }
            None => {
                self.goals.push(Goal {
                    name: name.clone(),
                    value: node.value,
                });
                Some(Some(self.goals.len() - 1))
            }
        }
    }

    /// A node's `on_media`: a route per kind a customer sends (or `any`),
    /// each to a node; `None` when a kind or a target is unknown.
    fn media_routes(
        &mut self,
        path: &KeyPath,
        routes: &indexmap::IndexMap<String, String>,
    ) -> Option<MediaRoutes> {
        let mut kinds = Vec::with_capacity(routes.len());
        let mut any = None;
        let mut ok = true;
        for (key, target) in routes {
            let key_path = path.key(key);
            let keys = MediaKind::ALL.map(MediaKind::key);
            let kind = MediaKind::from_key(key);
            if kind.is_none() && key != ANY {
                let suggestion = media::did_you_mean(key, &[ANY]);
                self.report(
                    Rule::UnofferedRoute,
                    key_path,
                    format!("`{key}` is no kind of message a customer sends{suggestion}"),
                )
                .help = Some(format!(
                    "`on_media` routes a kind ({}) or `any` (every kind but reactions) to a node",
                    list(keys)
                ));
                ok = false;
                continue;
            }
            let Some(target) = self.resolve(target, key_path) else {
                ok = false;
                continue;
            };
            match kind {
                Some(kind) => kinds.push((kind, target)),
                None => any = Some(target),
            }
        }
        ok.then(|| MediaRoutes::new(&kinds, any))
    }

    fn required_say(&mut self, path: &KeyPath, node: &NodeSpec, what: &str) -> Option<Text> {
        if node.say.is_none() {
            self.report(
                Rule::InvalidNode,
                path.clone(),
                format!("{what} needs `say:`, the text the customer reads"),
            );
        }
        node.say.as_deref().map(Text::new)
    }

    /// `Some(None)` without `next`, `None` when `next` does not resolve.
    fn next(&mut self, path: &KeyPath, node: &NodeSpec) -> Option<Option<NodeId>> {
        match node.next.as_deref() {
            None => Some(None),
            Some(target) => self.resolve(target, path.key("next")).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Intent;

    #[test]
    fn keywords_match_whole_words_case_insensitively() {
        let intent = Intent {
            name: "agent".into(),
            keywords: vec!["agent".into(), "real person".into()],
            regex: None,
        };
        let matches = |text: &str| intent.matches(&text.to_lowercase(), text);
        assert!(matches("I want an Agent please"));
        assert!(matches("a REAL person!"));
        assert!(!matches("what is on the agenda"));
    }
}
