//! Checks a flow as written and builds the validated [`Flow`]: node kinds,
//! route keys and targets, intents. Every problem is collected, not just the
//! first, so `lint` can show them all.

use std::cell::OnceCell;
use std::collections::HashMap;

use indexmap::IndexMap;

use super::spec::{Extra, FlowSpec, FollowUpSpec, Kind, NodeSpec, Scale, TemplateSpec};
use super::{
    Call, Choice, ChoiceStyle, End, Flow, FollowUp, Goal, GoalId, Handoff, Intent, IntentId,
    IntentRoutes, List, Node, NodeId, NodeKind, Question, Resolution, Row, Section, Survey,
    Template, Text, Title, normalize,
};
use crate::diagnostic::{Problem, Rule, Severity};
use crate::model::{Distribution, Millis};
use crate::source::KeyPath;
use crate::text::{Suggestions, did_you_mean, list};
use crate::whatsapp::MAX_REPLY_BUTTONS;

/// A conversation keeps the goals it reached and the variants it took in
/// one bit each: a flow has at most this many of each.
const MAX_MARKS: usize = 64;

/// The longest a bot waits before following up: beyond this, the customer
/// has long forgotten the conversation.
const MAX_FOLLOW_UP: Millis = Millis(30 * 24 * 3_600_000);

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
                let (kind, (converts, follow_up)) = kind.zip(converts.zip(follow_up))?;
                Some(Node {
                    id: id.clone(),
                    kind,
                    converts,
                    follow_up,
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
            for _ in 0..100 {
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

/// What [`Checker::option_routes`] read.
struct OptionRoutes {
    /// Where each option leads.
    options: Vec<Option<NodeId>>,
    /// Where each option's route is written.
    written: Vec<Option<KeyPath>>,
    intents: Vec<(IntentId, NodeId)>,
    /// `Some` when `fallback` is written (`Some(None)`: to no node).
    fallback: Option<Option<NodeId>>,
    /// Keys that name no option, intent or fallback.
    unknown: Vec<(String, KeyPath)>,
    /// Whether every target and intent resolved.
    ok: bool,
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
            intents.push(Intent {
                name: name.clone(),
                keywords: intent.keywords.iter().map(|k| normalize(k)).collect(),
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
                let mut question = Question {
                    text: text.unwrap_or_else(|| Text::new("")),
                    pattern: expect.pattern.0.clone(),
                    valid: None,
                    invalid: None,
                    intent_routes: IntentRoutes::default(),
                };
                let mut intent_routes = Vec::new();
                let mut ok = node.say.is_some();
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
            Kind::End(resolution) => NodeKind::End(End {
                text: node.say.as_deref().map(Text::new),
                resolution,
            }),
        };
        well_formed.then_some(built)
    }

    /// A message template: its buttons, the opt-out button, and where each
    /// answer leads (a typed answer without a `fallback` route leads to the
    /// flow's start). `start` is `None` when it did not resolve.
    fn template(
        &mut self,
        path: &KeyPath,
        name: &str,
        spec: &TemplateSpec,
        start: Option<NodeId>,
    ) -> Option<Template> {
        let buttons: Vec<Title> = spec.buttons.iter().map(|title| Title::new(title)).collect();
        let mut ok = true;
        for (i, button) in buttons.iter().enumerate() {
            if buttons[..i].iter().any(|earlier| earlier.key == button.key) {
                self.report(
                    Rule::DuplicateOption,
                    path.key("buttons").index(i),
                    format!(
                        "`{}` is offered twice; the bot could not tell the taps apart",
                        button.text
                    ),
                );
                ok = false;
            }
        }
        let opt_out = match &spec.opt_out {
            None => None,
            Some(title) => {
                let found = buttons.iter().position(|b| b.key == normalize(title));
                if found.is_none() {
                    let suggestion = did_you_mean(title, spec.buttons.iter().map(String::as_str));
                    self.report(
                        Rule::UnofferedRoute,
                        path.key("opt_out"),
                        format!("`{title}` is not one of the template's buttons{suggestion}"),
                    )
                    .help = Some(
                        "`opt_out` names the button that stops marketing messages, like `opt_out: \"Stop promotions\"`".into(),
                    );
                    ok = false;
                }
                found
            }
        };
        let index: HashMap<&str, usize> = buttons
            .iter()
            .enumerate()
            .map(|(i, button)| (button.key.as_str(), i))
            .collect();
        let routes = self.option_routes(&spec.routes, &path.key("routes"), &index, buttons.len());
        ok &= routes.ok;
        for (key, key_path) in routes.unknown {
            let suggestion = did_you_mean(&key, spec.buttons.iter().map(String::as_str));
            self.report(
                Rule::UnofferedRoute,
                key_path,
                format!("route `{key}` matches no button of template `{name}`{suggestion}"),
            )
            .help = Some("route keys are a button title, `intent NAME` or `fallback`".into());
            ok = false;
        }
        if let Some(opt_out) = opt_out
            && let Some(key_path) = routes.written[opt_out].clone()
        {
            self.report(
                Rule::UnofferedRoute,
                key_path,
                format!(
                    "`{}` is the opt-out button: a tap on it stops marketing messages and leads nowhere",
                    buttons[opt_out].text
                ),
            )
            .help = Some("remove this route".into());
            ok = false;
        }
        let button_routes = routes.options;
        let intent_routes = IntentRoutes::new(routes.intents);
        let fallback = routes.fallback.unwrap_or(start);
        for (index, button) in buttons.iter().enumerate() {
            if button_routes[index].is_none() && Some(index) != opt_out {
                self.report(
                    Rule::UnroutedOption,
                    path.key("buttons").index(index),
                    format!("`{}` has no route: a tap on it leads nowhere", button.text),
                )
                .help = Some(format!(
                    "add `\"{}\": NODE` under the template's `routes:`, or name it `opt_out`",
                    button.text
                ));
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        Some(Template {
            name: name.to_string(),
            category: spec.category,
            body: Text::new(&spec.body),
            footer: spec.footer.clone(),
            buttons,
            opt_out,
            button_routes,
            intent_routes,
            fallback: fallback?,
        })
    }

    /// A node's follow-up: a delay, and a text, a template or both.
    fn follow_up(&mut self, path: &KeyPath, spec: &FollowUpSpec) -> Option<FollowUp> {
        let mut ok = true;
        if spec.after == Millis::ZERO || spec.after > MAX_FOLLOW_UP {
            self.report(
                Rule::InvalidFollowUp,
                path.key("after"),
                format!(
                    "`after` is {}; a follow-up waits longer than 0 and at most 30 days",
                    spec.after
                ),
            )
            .help = Some("write it like `after: 1h`".into());
            ok = false;
        }
        if spec.say.is_none() && spec.template.is_none() {
            self.report(
                Rule::InvalidFollowUp,
                path.clone(),
                "a follow-up needs `say:` (a free-form message, inside the 24-hour window) or `template:` (an approved template, at any time)",
            );
            ok = false;
        }
        let template = match &spec.template {
            None => None,
            Some(name) => {
                let found = self.spec.templates.get_index_of(name.as_str());
                if found.is_none() {
                    let suggestion =
                        did_you_mean(name, self.spec.templates.keys().map(String::as_str));
                    self.report(
                        Rule::InvalidFollowUp,
                        path.key("template"),
                        format!("no template is called `{name}`{suggestion}"),
                    )
                    .help = Some("define it under `templates:` at the top of the flow".into());
                    ok = false;
                }
                found
            }
        };
        ok.then(|| FollowUp {
            after: spec.after,
            text: spec.say.as_deref().map(Text::new),
            template,
        })
    }

    /// An A/B split: shares that add up to 1, a route per variant, and
    /// variant names unique in the flow (the report groups by them).
    fn split(
        &mut self,
        path: &KeyPath,
        node: &NodeSpec,
        shares: &IndexMap<String, f64>,
    ) -> Option<NodeKind> {
        let split_path = path.key("split");
        let mut ok = true;
        let total: f64 = shares.values().sum();
        if shares.len() < 2 {
            self.report(
                Rule::SplitShares,
                split_path.clone(),
                "a split needs at least two variants",
            );
            ok = false;
        }
        for (name, share) in shares {
            if !(share.is_finite() && (0.0..=1.0).contains(share)) {
                self.report(
                    Rule::SplitShares,
                    split_path.key(name),
                    format!("a variant's share is between 0 and 1, got {share}"),
                );
                ok = false;
            }
            if self.variants.contains(name) {
                self.report(
                    Rule::SplitShares,
                    split_path.key(name),
                    format!("variant `{name}` is named by another split too; the report tells variants apart by name"),
                )
                .help = Some("give each variant of the flow a name of its own".into());
                ok = false;
            }
        }
        if ok && (total - 1.0).abs() > 0.005 {
            self.report(
                Rule::SplitShares,
                split_path.clone(),
                format!("the variants' shares add up to {total}, not 1"),
            )
            .help = Some("each share is the fraction of customers sent to that variant".into());
            ok = false;
        }
        let mut routed = vec![None; shares.len()];
        for (key, target) in node.routes.iter().flatten() {
            let key_path = path.key("routes").key(key);
            match shares.get_index_of(key) {
                Some(index) => routed[index] = self.resolve(target, key_path),
                None => {
                    let suggestion = did_you_mean(key, shares.keys().map(String::as_str));
                    self.report(
                        Rule::UnofferedRoute,
                        key_path,
                        format!("route `{key}` names no variant of this split{suggestion}"),
                    );
                    ok = false;
                }
            }
        }
        for ((name, _), route) in shares.iter().zip(&routed) {
            if route.is_none() {
                self.report(
                    Rule::UnroutedOption,
                    split_path.key(name),
                    format!("variant `{name}` has no route: customers sent to it would go nowhere"),
                )
                .help = Some(format!("add `{name}: NODE` under `routes:`"));
                ok = false;
            }
        }
        if ok && self.variants.len() + shares.len() > MAX_MARKS {
            self.report(
                Rule::SplitShares,
                split_path.clone(),
                format!("a flow has at most {MAX_MARKS} variants over all its splits"),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        let mut weighted = Vec::with_capacity(shares.len());
        for ((name, share), route) in shares.iter().zip(routed) {
            self.variants.push(name.clone());
            weighted.push((*share, (self.variants.len() - 1, route?)));
        }
        let variants = crate::model::Weighted::new(weighted).ok()?;
        let name = match path.segments().last() {
            Some(crate::source::Segment::Key(name)) => name.as_str(),
            _ => "",
        };
        Some(NodeKind::Split(super::Split {
            variants,
            key: super::stable_hash(name),
        }))
    }

    /// A survey's scale and what the customer taps.
    fn survey(&mut self, path: &KeyPath, node: &NodeSpec, question: &str) -> Option<Survey> {
        let scale = node.scale.unwrap_or_default();
        let (defaults, scores): (&[&str], Vec<u8>) = match scale {
            Scale::Text => (&[], Vec::new()),
            Scale::List => (&["1", "2", "3", "4", "5"], vec![1, 2, 3, 4, 5]),
            Scale::Buttons => (&["Bad", "OK", "Good"], vec![1, 3, 5]),
        };
        let labels: Vec<String> = match &node.labels {
            Some(labels) => labels.clone(),
            None => defaults.iter().map(|label| label.to_string()).collect(),
        };
        if labels.len() != scores.len() {
            let wanted = match scale {
                Scale::Text => "a typed survey takes no labels".to_string(),
                _ => format!(
                    "a `{}` survey needs {} labels, lowest score first, got {}",
                    if scale == Scale::List {
                        "list"
                    } else {
                        "buttons"
                    },
                    scores.len(),
                    labels.len()
                ),
            };
            self.report(Rule::InvalidNode, path.key("labels"), wanted).help = Some(
                "`scale: list` has five rows (scores 1 to 5), `scale: buttons` three buttons (scores 1, 3 and 5), `scale: text` (the default) a typed digit".into(),
            );
            return None;
        }
        let options: Vec<Title> = labels.iter().map(|label| Title::new(label)).collect();
        for (i, option) in options.iter().enumerate() {
            if options[..i].iter().any(|earlier| earlier.key == option.key) {
                self.report(
                    Rule::DuplicateOption,
                    path.key("labels").index(i),
                    format!(
                        "`{}` is offered twice; the bot could not tell the scores apart",
                        option.text
                    ),
                );
                return None;
            }
        }
        Some(Survey {
            question: Text::new(question),
            scale,
            options,
            scores,
            next: None,
            skipped: None,
        })
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

    fn choice(
        &mut self,
        path: &KeyPath,
        node: &NodeSpec,
        style: ChoiceStyle,
        options: Vec<Title>,
    ) -> Option<NodeKind> {
        let option_paths = style.option_paths(path, options.len());
        let text = self.required_say(path, node, "a node with buttons or a list");
        let mut ok = text.is_some();
        if matches!(style, ChoiceStyle::Buttons)
            && (options.is_empty() || options.len() > MAX_REPLY_BUTTONS)
        {
            self.report(
                Rule::ButtonCount,
                path.key("buttons"),
                format!(
                    "WhatsApp allows 1 to {MAX_REPLY_BUTTONS} reply buttons, this node has {}",
                    options.len()
                ),
            )
            .help = Some("with more than 3 options, use a `list:` (up to 10 rows)".into());
            ok = false;
        }
        // Option keys to their first index: duplicates, and routes to options.
        let mut option_index: HashMap<&str, usize> = HashMap::with_capacity(options.len());
        for (i, title) in options.iter().enumerate() {
            let first = *option_index.entry(title.key.as_str()).or_insert(i);
            if first != i {
                self.report(
                    Rule::DuplicateOption,
                    option_paths[i].clone(),
                    format!(
                        "`{}` is offered twice; the bot could not tell the taps apart",
                        title.text
                    ),
                )
                .help = Some(
                    "give each option a title of its own (case does not tell them apart)".into(),
                );
                ok = false;
            }
        }
        let routes = self.option_routes(
            node.routes.as_ref().unwrap_or(&IndexMap::new()),
            &path.key("routes"),
            &option_index,
            options.len(),
        );
        ok &= routes.ok;
        for (key, key_path) in routes.unknown {
            let suggestion = did_you_mean(&key, options.iter().map(|option| option.text.as_str()));
            let offered = list(options.iter().map(|option| option.text.as_str()));
            self.report(
                Rule::UnofferedRoute,
                key_path,
                format!("route `{key}` matches no option of this node{suggestion}"),
            )
            .help = Some(format!(
                "route keys are an option ({offered}), `intent NAME` or `fallback`"
            ));
            ok = false;
        }
        let (option_routes, intent_routes, fallback) = (
            routes.options,
            IntentRoutes::new(routes.intents),
            routes.fallback.flatten(),
        );
        ok.then(|| {
            NodeKind::Choice(Choice {
                text: text.unwrap_or_else(|| Text::new("")),
                header: node.header.clone(),
                footer: node.footer.clone(),
                style,
                options,
                option_routes,
                intent_routes,
                fallback,
            })
        })
    }

    /// Reads the `routes:` of something with options to tap (a node's
    /// buttons or list, a template's buttons): an option's title (any case,
    /// looked up in `index`), `intent NAME` or `fallback`, each to a node.
    /// Keys of no such form are given back for the caller to report.
    fn option_routes(
        &mut self,
        routes: &IndexMap<String, String>,
        routes_path: &KeyPath,
        index: &HashMap<&str, usize>,
        options: usize,
    ) -> OptionRoutes {
        let mut read = OptionRoutes {
            options: vec![None; options],
            written: vec![None; options],
            intents: Vec::new(),
            fallback: None,
            unknown: Vec::new(),
            ok: true,
        };
        for (key, target) in routes {
            let key_path = routes_path.key(key);
            let target = self.resolve(target, key_path.clone());
            read.ok &= target.is_some();
            if key == "fallback" {
                read.fallback = Some(target);
            } else if let Some(intent) = self.intent_key(key, &key_path) {
                match (intent, target) {
                    (Some(intent), Some(target)) => read.intents.push((intent, target)),
                    _ => read.ok = false,
                }
            } else if let Some(&option) = index.get(normalize(key).as_str()) {
                read.options[option] = target;
                read.written[option] = Some(key_path);
            } else {
                read.unknown.push((key.to_string(), key_path));
            }
        }
        read
    }

    /// For a key of the form `intent NAME`: `Some(Some(index))`, or
    /// `Some(None)` with a problem when no such intent exists. `None` for
    /// keys of any other form.
    fn intent_key(&mut self, key: &str, path: &KeyPath) -> Option<Option<IntentId>> {
        let name = key.strip_prefix("intent ")?.trim();
        let found = self.spec.intents.get_index_of(name);
        if found.is_none() {
            let spec = self.spec;
            let suggestion = self
                .intent_names
                .get_or_init(|| Suggestions::new(spec.intents.keys().map(String::as_str)))
                .did_you_mean(name);
            self.report(
                Rule::UnknownIntent,
                path.clone(),
                format!("no intent is called `{name}`{suggestion}"),
            )
            .help = Some("define it under `intents:` at the top of the flow".into());
        }
        Some(found)
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
