//! The bot under test: its nodes, routes and free-text understanding.
//!
//! ```yaml
//! flow: acme-support
//! version: "2.1"
//! start: welcome
//! latency: {lognormal: {median: 600ms, p90: 1.5s}}
//! intents:
//!   track: ["track", "where is my order"]
//!   order_number: {regex: "[A-Z][0-9]{6}"}
//! nodes:
//!   welcome:
//!     say: "Hi! What can I do for you?"
//!     buttons: ["Track order", "Talk to us"]
//!     routes: {"Track order": lookup, "Talk to us": handoff, intent track: lookup, fallback: welcome}
//!   lookup:
//!     call: {name: orders-api, latency: {fixed: 300ms}, fails: 0.02}
//!     routes: {ok: done, error: handoff}
//!   handoff:
//!     handoff: {queue: support}
//!   done:
//!     end: resolved
//! ```

use indexmap::IndexMap;
use regex::Regex;
use serde::{Deserialize, Deserializer, de};

use super::text::{did_you_mean, list};
use super::{Distribution, Millis, Probability, Problem};
use crate::rule::{Rule, Severity};
use crate::source::KeyPath;

/// Index of a node in [`Flow::nodes`].
pub type NodeId = usize;
/// Index of an intent in [`Flow::intents`].
pub type IntentId = usize;

/// WhatsApp accepts one to three reply buttons on a message.
pub const MAX_REPLY_BUTTONS: usize = 3;

// ---------------------------------------------------------------------------
// The file form

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowSpec {
    pub flow: String,
    #[serde(default, deserialize_with = "version_string")]
    pub version: Option<String>,
    pub start: String,
    /// Bot processing time per reply; no delay when omitted.
    #[serde(default)]
    pub latency: Option<Distribution>,
    #[serde(default)]
    pub intents: IndexMap<String, IntentSpec>,
    pub nodes: IndexMap<String, NodeSpec>,
}

/// One node as written. Its kind follows from which keys are present; the
/// validator checks the combination and says what is missing or extra.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    pub say: Option<String>,
    /// Interactive messages (buttons, lists) may carry a header and a footer.
    pub header: Option<String>,
    pub footer: Option<String>,
    pub buttons: Option<Vec<String>>,
    pub list: Option<ListSpec>,
    pub expect: Option<ExpectSpec>,
    pub call: Option<CallSpec>,
    pub handoff: Option<HandoffSpec>,
    pub csat: Option<String>,
    pub end: Option<Resolution>,
    pub next: Option<String>,
    pub routes: Option<IndexMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListSpec {
    /// The label of the button that opens the list.
    pub button: String,
    pub sections: Vec<SectionSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    #[serde(default)]
    pub title: Option<String>,
    pub rows: Vec<RowSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowSpec {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectSpec {
    pub pattern: Pattern,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallSpec {
    pub name: String,
    pub latency: Distribution,
    #[serde(default)]
    pub fails: Probability,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffSpec {
    pub queue: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Resolved,
    Unresolved,
}

/// A regular expression, compiled when the file is read so that a bad one is
/// reported with its line and column.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct Pattern(pub Regex);

impl TryFrom<String> for Pattern {
    type Error = String;
    fn try_from(source: String) -> Result<Self, String> {
        Regex::new(&source)
            .map(Pattern)
            .map_err(|error| format!("invalid regular expression: {error}"))
    }
}

/// How an intent recognises typed text: a list of keywords, or
/// `{keywords: [...], regex: "..."}`.
#[derive(Debug, Default)]
pub struct IntentSpec {
    pub keywords: Vec<String>,
    pub regex: Option<Pattern>,
}

/// Accepts the short form (a list of keywords) as well as the mapping.
impl<'de> Deserialize<'de> for IntentSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<IntentSpec, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = IntentSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of keywords, or {keywords: [...], regex: \"...\"}")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<IntentSpec, A::Error> {
                let keywords =
                    Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(IntentSpec {
                    keywords,
                    regex: None,
                })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<IntentSpec, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Long {
                    #[serde(default)]
                    keywords: Vec<String>,
                    #[serde(default)]
                    regex: Option<Pattern>,
                }
                let long = Long::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(IntentSpec {
                    keywords: long.keywords,
                    regex: long.regex,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Versions are labels: `2.10` must not become `2.1`, so they are strings.
fn version_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    struct Visitor;
    impl de::Visitor<'_> for Visitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a version in quotes, like \"2.1\"")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Err(E::custom(format!(
                "write the version in quotes, like \"{v}\", so that 2.10 stays 2.10"
            )))
        }
    }
    deserializer.deserialize_any(Visitor)
}

// ---------------------------------------------------------------------------
// The validated form

/// A flow whose routes all lead to existing nodes.
#[derive(Debug, Clone)]
pub struct Flow {
    pub name: String,
    pub version: Option<String>,
    pub start: NodeId,
    pub latency: Distribution,
    pub intents: Vec<Intent>,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone)]
pub struct Intent {
    pub name: String,
    /// Lowercased; matched as whole words, case-insensitively.
    keywords: Vec<String>,
    regex: Option<Regex>,
}

impl Intent {
    /// Whether the bot understands `text` as this intent.
    pub fn matches(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        self.keywords
            .iter()
            .any(|keyword| contains_words(&lower, keyword))
            || self
                .regex
                .as_ref()
                .is_some_and(|regex| regex.is_match(text))
    }
}

/// Whether `phrase` occurs in `text` on word boundaries ("agent" is not in "agenda").
fn contains_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    /// Says something and moves on; without `next` the conversation is stuck.
    Message { text: String, next: Option<NodeId> },
    /// Offers reply buttons or a list and waits for the customer.
    Choice(Choice),
    /// Asks for free text and checks it against a pattern.
    Question(Question),
    /// Calls a backend; the bot is silent while it waits.
    Call(Call),
    /// Hands the conversation to a human agent queue.
    Handoff { text: Option<String>, queue: String },
    /// Asks for a rating. It never holds the conversation: the bot moves on at once.
    Survey {
        question: String,
        next: Option<NodeId>,
    },
    /// Ends the conversation.
    End {
        text: Option<String>,
        resolution: Resolution,
    },
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub text: String,
    pub header: Option<String>,
    pub footer: Option<String>,
    pub style: ChoiceStyle,
    /// Button titles or list row titles, as the customer sees them.
    pub options: Vec<String>,
    /// Where each option leads, in the order of `options`.
    pub option_routes: Vec<Option<NodeId>>,
    pub intent_routes: Vec<(IntentId, NodeId)>,
    pub fallback: Option<NodeId>,
}

#[derive(Debug, Clone)]
pub enum ChoiceStyle {
    Buttons,
    List {
        button: String,
        sections: Vec<SectionSpec>,
    },
}

impl ChoiceStyle {
    /// Where each of the `count` options of the node at `node_path` is
    /// written: `buttons[i]`, or `list.sections[s].rows[r].title`.
    pub fn option_paths(&self, node_path: &KeyPath, count: usize) -> Vec<KeyPath> {
        match self {
            ChoiceStyle::Buttons => (0..count)
                .map(|i| node_path.key("buttons").index(i))
                .collect(),
            ChoiceStyle::List { sections, .. } => sections
                .iter()
                .enumerate()
                .flat_map(|(s, section)| {
                    (0..section.rows.len()).map(move |r| {
                        node_path
                            .key("list")
                            .key("sections")
                            .index(s)
                            .key("rows")
                            .index(r)
                            .key("title")
                    })
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Question {
    pub text: String,
    pub pattern: Regex,
    pub valid: Option<NodeId>,
    pub invalid: Option<NodeId>,
    pub intent_routes: Vec<(IntentId, NodeId)>,
}

#[derive(Debug, Clone)]
pub struct Call {
    pub name: String,
    pub latency: Distribution,
    pub fails: Probability,
    pub ok: Option<NodeId>,
    pub error: Option<NodeId>,
}

impl Flow {
    /// Validates a parsed flow: node kinds, route keys and targets, intents.
    /// Every problem found is added to `problems`; the flow is built only
    /// when none of them is an error.
    pub fn check(spec: FlowSpec, problems: &mut Vec<Problem>) -> Option<Flow> {
        let mut checker = Checker {
            spec: &spec,
            problems: Vec::new(),
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
        let mut intents = Vec::with_capacity(spec.intents.len());
        for (name, intent) in &spec.intents {
            if intent.keywords.is_empty() && intent.regex.is_none() {
                checker.report(
                    Rule::UnknownIntent,
                    root.key("intents").key(name),
                    format!(
                        "intent `{name}` has neither keywords nor a regex, so it can never match"
                    ),
                );
            }
            intents.push(Intent {
                name: name.clone(),
                keywords: intent
                    .keywords
                    .iter()
                    .map(|k| k.trim().to_lowercase())
                    .collect(),
                regex: intent.regex.as_ref().map(|pattern| pattern.0.clone()),
            });
        }
        let nodes: Vec<Option<Node>> = spec
            .nodes
            .iter()
            .map(|(id, node)| {
                let kind = checker.node(&root.key("nodes").key(id), node);
                kind.map(|kind| Node {
                    id: id.clone(),
                    kind,
                })
            })
            .collect();
        let has_errors = checker
            .problems
            .iter()
            .any(|problem| problem.rule.severity() == Severity::Error);
        problems.append(&mut checker.problems);
        if has_errors {
            return None;
        }
        Some(Flow {
            name: spec.flow,
            version: spec.version,
            start: start?,
            latency: spec
                .latency
                .unwrap_or_else(|| Distribution::fixed(Millis::ZERO)),
            intents,
            nodes: nodes.into_iter().collect::<Option<Vec<_>>>()?,
        })
    }
}

/// The keys that decide a node's kind, in the order messages name them.
const KIND_KEYS: [&str; 7] = [
    "buttons", "list", "expect", "call", "handoff", "csat", "end",
];

/// Collects the problems of one flow while building its nodes.
struct Checker<'a> {
    spec: &'a FlowSpec,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn report(&mut self, rule: Rule, path: KeyPath, message: impl Into<String>) -> &mut Problem {
        self.problems.push(Problem::new(rule, path, message));
        self.problems.last_mut().expect("just pushed")
    }

    /// The index of the node called `target`, or a problem at `path`.
    fn resolve(&mut self, target: &str, path: KeyPath) -> Option<NodeId> {
        let found = self.spec.nodes.get_index_of(target);
        if found.is_none() {
            let suggestion = did_you_mean(target, self.spec.nodes.keys().map(String::as_str));
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
        let present: Vec<&str> = KIND_KEYS
            .iter()
            .zip([
                node.buttons.is_some(),
                node.list.is_some(),
                node.expect.is_some(),
                node.call.is_some(),
                node.handoff.is_some(),
                node.csat.is_some(),
                node.end.is_some(),
            ])
            .filter_map(|(key, is_present)| is_present.then_some(*key))
            .collect();
        if present.len() > 1 {
            self.report(
                Rule::InvalidNode,
                path.clone(),
                format!(
                    "this node has {}, but a node is one kind of step",
                    list(present.iter().copied())
                ),
            )
            .help = Some(
                "split it into one node per step and link them with `next` or `routes`".into(),
            );
            return None;
        }
        let kind = present.first().copied().unwrap_or("say");
        let interactive = matches!(kind, "buttons" | "list");
        let allowed = [
            (
                "say",
                node.say.is_some(),
                matches!(
                    kind,
                    "say" | "buttons" | "list" | "expect" | "handoff" | "end"
                ),
            ),
            ("header", node.header.is_some(), interactive),
            ("footer", node.footer.is_some(), interactive),
            ("next", node.next.is_some(), matches!(kind, "say" | "csat")),
            (
                "routes",
                node.routes.is_some(),
                matches!(kind, "buttons" | "list" | "expect" | "call"),
            ),
        ];
        let mut well_formed = true;
        for (key, is_present, is_allowed) in allowed {
            if is_present && !is_allowed {
                well_formed = false;
                self.disallowed(path, key, kind);
            }
        }
        let kind = match kind {
            "say" => {
                let text = self.required_say(path, node, "a message");
                let next = self.next(path, node);
                NodeKind::Message {
                    text: text?,
                    next: next?,
                }
            }
            "buttons" => {
                let buttons = node.buttons.clone().unwrap_or_default();
                self.choice(path, node, ChoiceStyle::Buttons, buttons)?
            }
            "list" => {
                let spec = node.list.as_ref().expect("kind says list is present");
                let titles = spec
                    .sections
                    .iter()
                    .flat_map(|section| section.rows.iter().map(|row| row.title.clone()))
                    .collect();
                let style = ChoiceStyle::List {
                    button: spec.button.clone(),
                    sections: spec.sections.clone(),
                };
                self.choice(path, node, style, titles)?
            }
            "expect" => self.question(path, node)?,
            "call" => {
                let spec = node.call.as_ref().expect("kind says call is present");
                let routes = self.routes(path, node, &["ok", "error"]);
                NodeKind::Call(Call {
                    name: spec.name.clone(),
                    latency: spec.latency.clone(),
                    fails: spec.fails,
                    ok: routes.get("ok").copied(),
                    error: routes.get("error").copied(),
                })
            }
            "handoff" => NodeKind::Handoff {
                text: node.say.clone(),
                queue: node
                    .handoff
                    .as_ref()
                    .expect("kind says handoff is present")
                    .queue
                    .clone(),
            },
            "csat" => NodeKind::Survey {
                question: node.csat.clone().expect("kind says csat is present"),
                next: self.next(path, node)?,
            },
            _ => NodeKind::End {
                text: node.say.clone(),
                resolution: node.end.expect("kind says end is present"),
            },
        };
        well_formed.then_some(kind)
    }

    /// A key this kind of node does not use is reported, never ignored.
    fn disallowed(&mut self, path: &KeyPath, key: &str, kind: &str) {
        let what = match kind {
            "say" => "a message node".to_string(),
            other => format!("a `{other}` node"),
        };
        let help = match key {
            "say" if kind == "csat" => "the survey question is the value of `csat:`",
            "say" => "a call is silent; put the text in the node before or after it",
            "header" | "footer" => "only reply buttons and lists carry a header and a footer",
            "next" => "this node moves on through `routes`, or ends the conversation",
            _ => "a message moves on with `next`; handoff and end nodes are final",
        };
        self.report(
            Rule::InvalidNode,
            path.key(key),
            format!("{what} does not take `{key}`"),
        )
        .help = Some(help.into());
    }

    fn required_say(&mut self, path: &KeyPath, node: &NodeSpec, what: &str) -> Option<String> {
        if node.say.is_none() {
            self.report(
                Rule::InvalidNode,
                path.clone(),
                format!("{what} needs `say:`, the text the customer reads"),
            );
        }
        node.say.clone()
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
        options: Vec<String>,
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
                    "WhatsApp allows 1 to 3 reply buttons, this node has {}",
                    options.len()
                ),
            )
            .help = Some("with more than 3 options, use a `list:` (up to 10 rows)".into());
            ok = false;
        }
        for (i, title) in options.iter().enumerate() {
            if options[..i].iter().any(|earlier| same_text(earlier, title)) {
                self.report(
                    Rule::DuplicateOption,
                    option_paths[i].clone(),
                    format!("`{title}` is offered twice; the bot could not tell the taps apart"),
                )
                .help = Some(
                    "give each option a title of its own (case does not tell them apart)".into(),
                );
                ok = false;
            }
        }
        let mut option_routes = vec![None; options.len()];
        let mut intent_routes = Vec::new();
        let mut fallback = None;
        let routes_path = path.key("routes");
        for (key, target) in node.routes.iter().flatten() {
            let key_path = routes_path.key(key);
            let target = self.resolve(target, key_path.clone());
            ok &= target.is_some();
            if key == "fallback" {
                fallback = target;
            } else if let Some(intent) = self.intent_key(key, &key_path) {
                match (intent, target) {
                    (Some(intent), Some(target)) => intent_routes.push((intent, target)),
                    _ => ok = false,
                }
            } else if let Some(index) = options.iter().position(|option| same_text(option, key)) {
                option_routes[index] = target;
            } else {
                let suggestion = did_you_mean(key, options.iter().map(String::as_str));
                let offered = list(options.iter().map(String::as_str));
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
        }
        ok.then(|| {
            NodeKind::Choice(Choice {
                text: text.unwrap_or_default(),
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

    fn question(&mut self, path: &KeyPath, node: &NodeSpec) -> Option<NodeKind> {
        let text = self.required_say(path, node, "a question");
        let pattern = node
            .expect
            .as_ref()
            .expect("kind says expect is present")
            .pattern
            .0
            .clone();
        let (mut valid, mut invalid, mut intent_routes, mut ok) =
            (None, None, Vec::new(), text.is_some());
        for (key, target) in node.routes.iter().flatten() {
            let key_path = path.key("routes").key(key);
            let target = self.resolve(target, key_path.clone());
            ok &= target.is_some();
            match key.as_str() {
                "valid" => valid = target,
                "invalid" => invalid = target,
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
        ok.then(|| {
            NodeKind::Question(Question {
                text: text.unwrap_or_default(),
                pattern,
                valid,
                invalid,
                intent_routes,
            })
        })
    }

    /// Routes keyed by a fixed set of outcomes, like a call's `ok` and `error`.
    fn routes(
        &mut self,
        path: &KeyPath,
        node: &NodeSpec,
        allowed: &[&str],
    ) -> IndexMap<String, NodeId> {
        let mut out = IndexMap::new();
        for (key, target) in node.routes.iter().flatten() {
            let key_path = path.key("routes").key(key);
            if !allowed.contains(&key.as_str()) {
                let suggestion = did_you_mean(key, allowed.iter().copied());
                self.report(
                    Rule::UnofferedRoute,
                    key_path,
                    format!(
                        "this node routes on {}, not `{key}`{suggestion}",
                        list(allowed.iter().copied())
                    ),
                );
            } else if let Some(target) = self.resolve(target, key_path) {
                out.insert(key.clone(), target);
            }
        }
        out
    }

    /// For a key of the form `intent NAME`: `Some(Some(index))`, or
    /// `Some(None)` with a problem when no such intent exists. `None` for
    /// keys of any other form.
    fn intent_key(&mut self, key: &str, path: &KeyPath) -> Option<Option<IntentId>> {
        let name = key.strip_prefix("intent ")?.trim();
        let found = self.spec.intents.get_index_of(name);
        if found.is_none() {
            let suggestion = did_you_mean(name, self.spec.intents.keys().map(String::as_str));
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

/// Titles are told apart as people read them: ignoring case and surrounding spaces.
pub fn same_text(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_whole_words_case_insensitively() {
        let intent = Intent {
            name: "agent".into(),
            keywords: vec!["agent".into(), "real person".into()],
            regex: None,
        };
        assert!(intent.matches("I want an Agent please"));
        assert!(intent.matches("a REAL person!"));
        assert!(!intent.matches("what is on the agenda"));
    }
}
