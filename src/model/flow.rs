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
    pub fn from_spec(spec: FlowSpec) -> Result<Flow, Problem> {
        let root = KeyPath::root();
        if spec.nodes.is_empty() {
            return Err(Problem::new(root.key("nodes"), "the flow has no nodes"));
        }
        let ids: Vec<&str> = spec.nodes.keys().map(String::as_str).collect();
        let resolve = |target: &str, path: KeyPath| -> Result<NodeId, Problem> {
            spec.nodes.get_index_of(target).ok_or_else(|| {
                Problem::new(
                    path,
                    format!(
                        "no node is called `{target}`{}",
                        did_you_mean(target, ids.iter().copied())
                    ),
                )
                .with_help("a route names a node defined under `nodes:`")
            })
        };
        let start = resolve(&spec.start, root.key("start"))?;

        let mut intents = Vec::with_capacity(spec.intents.len());
        for (name, intent) in &spec.intents {
            if intent.keywords.is_empty() && intent.regex.is_none() {
                return Err(Problem::new(
                    root.key("intents").key(name),
                    format!(
                        "intent `{name}` has neither keywords nor a regex, so it can never match"
                    ),
                ));
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

        let mut nodes = Vec::with_capacity(spec.nodes.len());
        for (id, node) in &spec.nodes {
            let path = root.key("nodes").key(id);
            let kind = NodeBuilder {
                spec: &spec,
                path: &path,
                node,
                resolve: &resolve,
            }
            .build()?;
            nodes.push(Node {
                id: id.clone(),
                kind,
            });
        }
        Ok(Flow {
            name: spec.flow,
            version: spec.version,
            start,
            latency: spec
                .latency
                .unwrap_or_else(|| Distribution::fixed(Millis::ZERO)),
            intents,
            nodes,
        })
    }

    pub fn node_index(&self, id: &str) -> Option<NodeId> {
        self.nodes.iter().position(|node| node.id == id)
    }
}

/// The keys that decide a node's kind, in the order messages name them.
const KIND_KEYS: [&str; 7] = [
    "buttons", "list", "expect", "call", "handoff", "csat", "end",
];

struct NodeBuilder<'a, F> {
    spec: &'a FlowSpec,
    path: &'a KeyPath,
    node: &'a NodeSpec,
    resolve: &'a F,
}

impl<F: Fn(&str, KeyPath) -> Result<NodeId, Problem>> NodeBuilder<'_, F> {
    fn build(&self) -> Result<NodeKind, Problem> {
        let node = self.node;
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
            return Err(Problem::new(
                self.path.clone(),
                format!(
                    "this node has {}, but a node is one kind of step",
                    list(present.iter().copied())
                ),
            )
            .with_help("split it into one node per step and link them with `next` or `routes`"));
        }
        let kind = present.first().copied().unwrap_or("say");
        self.allow(
            "say",
            node.say.is_some(),
            matches!(
                kind,
                "say" | "buttons" | "list" | "expect" | "handoff" | "end"
            ),
            kind,
        )?;
        self.allow(
            "next",
            node.next.is_some(),
            matches!(kind, "say" | "csat"),
            kind,
        )?;
        self.allow(
            "routes",
            node.routes.is_some(),
            matches!(kind, "buttons" | "list" | "expect" | "call"),
            kind,
        )?;

        Ok(match kind {
            "say" => NodeKind::Message {
                text: self.required_say("a message")?,
                next: self.next()?,
            },
            "buttons" => self.choice(ChoiceStyle::Buttons, self.buttons()?)?,
            "list" => {
                let spec = node.list.as_ref().expect("kind says list is present");
                let options = self.list_rows(spec)?;
                self.choice(
                    ChoiceStyle::List {
                        button: spec.button.clone(),
                        sections: spec.sections.clone(),
                    },
                    options,
                )?
            }
            "expect" => self.question()?,
            "call" => {
                let spec = node.call.as_ref().expect("kind says call is present");
                let routes = self.routes(&["ok", "error"])?;
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
                next: self.next()?,
            },
            _ => NodeKind::End {
                text: node.say.clone(),
                resolution: node.end.expect("kind says end is present"),
            },
        })
    }

    /// Rejects a key this kind of node does not use, instead of ignoring it.
    fn allow(
        &self,
        key: &str,
        is_present: bool,
        is_allowed: bool,
        kind: &str,
    ) -> Result<(), Problem> {
        if is_present && !is_allowed {
            let what = match kind {
                "say" => "a message node".to_string(),
                other => format!("a `{other}` node"),
            };
            let help = match key {
                "say" if kind == "csat" => "the survey question is the value of `csat:`",
                "say" => "a call is silent; put the text in the node before or after it",
                "next" => "this node moves on through `routes`, or ends the conversation",
                _ => "a message moves on with `next`; handoff and end nodes are final",
            };
            return Err(
                Problem::new(self.path.key(key), format!("{what} does not take `{key}`"))
                    .with_help(help),
            );
        }
        Ok(())
    }

    fn required_say(&self, what: &str) -> Result<String, Problem> {
        self.node.say.clone().ok_or_else(|| {
            Problem::new(
                self.path.clone(),
                format!("{what} needs `say:`, the text the customer reads"),
            )
        })
    }

    fn next(&self) -> Result<Option<NodeId>, Problem> {
        self.node
            .next
            .as_deref()
            .map(|target| (self.resolve)(target, self.path.key("next")))
            .transpose()
    }

    fn buttons(&self) -> Result<Vec<String>, Problem> {
        let buttons = self.node.buttons.clone().unwrap_or_default();
        let path = self.path.key("buttons");
        if buttons.is_empty() || buttons.len() > MAX_REPLY_BUTTONS {
            return Err(Problem::new(
                path,
                format!(
                    "WhatsApp allows 1 to 3 reply buttons, this node has {}",
                    buttons.len()
                ),
            )
            .with_help("with more than 3 options, use a `list:` (up to 10 rows)"));
        }
        unique_titles(&buttons, &path)?;
        Ok(buttons)
    }

    fn list_rows(&self, spec: &ListSpec) -> Result<Vec<String>, Problem> {
        let titles: Vec<String> = spec
            .sections
            .iter()
            .flat_map(|section| section.rows.iter().map(|row| row.title.clone()))
            .collect();
        let path = self.path.key("list").key("sections");
        if titles.is_empty() {
            return Err(Problem::new(path, "a list needs at least one row"));
        }
        unique_titles(&titles, &path)?;
        Ok(titles)
    }

    fn choice(&self, style: ChoiceStyle, options: Vec<String>) -> Result<NodeKind, Problem> {
        let text = self.required_say("a node with buttons or a list")?;
        let mut option_routes = vec![None; options.len()];
        let mut intent_routes = Vec::new();
        let mut fallback = None;
        let routes_path = self.path.key("routes");
        for (key, target) in self.node.routes.iter().flatten() {
            let path = routes_path.key(key);
            let target = (self.resolve)(target, path.clone())?;
            if key == "fallback" {
                fallback = Some(target);
            } else if let Some(intent) = self.intent_key(key, &path)? {
                intent_routes.push((intent, target));
            } else if let Some(index) = options.iter().position(|option| option == key) {
                option_routes[index] = Some(target);
            } else {
                return Err(Problem::new(
                    path,
                    format!(
                        "route `{key}` matches no option of this node{}",
                        did_you_mean(key, options.iter().map(String::as_str))
                    ),
                )
                .with_help(format!(
                    "route keys are an option ({}), `intent NAME` or `fallback`",
                    list(options.iter().map(String::as_str))
                )));
            }
        }
        Ok(NodeKind::Choice(Choice {
            text,
            style,
            options,
            option_routes,
            intent_routes,
            fallback,
        }))
    }

    fn question(&self) -> Result<NodeKind, Problem> {
        let text = self.required_say("a question")?;
        let pattern = self
            .node
            .expect
            .as_ref()
            .expect("kind says expect is present")
            .pattern
            .0
            .clone();
        let mut valid = None;
        let mut invalid = None;
        let mut intent_routes = Vec::new();
        for (key, target) in self.node.routes.iter().flatten() {
            let path = self.path.key("routes").key(key);
            let target = (self.resolve)(target, path.clone())?;
            match key.as_str() {
                "valid" => valid = Some(target),
                "invalid" => invalid = Some(target),
                _ => match self.intent_key(key, &path)? {
                    Some(intent) => intent_routes.push((intent, target)),
                    None => {
                        return Err(Problem::new(
                            path,
                            format!(
                                "a question routes on `valid`, `invalid` or `intent NAME`, not `{key}`"
                            ),
                        ));
                    }
                },
            }
        }
        Ok(NodeKind::Question(Question {
            text,
            pattern,
            valid,
            invalid,
            intent_routes,
        }))
    }

    /// Routes keyed by a fixed set of outcomes, like a call's `ok` and `error`.
    fn routes(&self, allowed: &[&str]) -> Result<IndexMap<String, NodeId>, Problem> {
        let mut out = IndexMap::new();
        for (key, target) in self.node.routes.iter().flatten() {
            let path = self.path.key("routes").key(key);
            if !allowed.contains(&key.as_str()) {
                return Err(Problem::new(
                    path,
                    format!(
                        "this node routes on {}, not `{key}`{}",
                        list(allowed.iter().copied()),
                        did_you_mean(key, allowed.iter().copied())
                    ),
                ));
            }
            out.insert(key.clone(), (self.resolve)(target, path)?);
        }
        Ok(out)
    }

    /// `intent NAME` resolved to the intent's index; `None` if the key is not of that form.
    fn intent_key(&self, key: &str, path: &KeyPath) -> Result<Option<IntentId>, Problem> {
        let Some(name) = key.strip_prefix("intent ") else {
            return Ok(None);
        };
        let name = name.trim();
        self.spec
            .intents
            .get_index_of(name)
            .map(Some)
            .ok_or_else(|| {
                Problem::new(
                    path.clone(),
                    format!(
                        "no intent is called `{name}`{}",
                        did_you_mean(name, self.spec.intents.keys().map(String::as_str))
                    ),
                )
                .with_help("define it under `intents:` at the top of the flow")
            })
    }
}

fn unique_titles(titles: &[String], path: &KeyPath) -> Result<(), Problem> {
    for (i, title) in titles.iter().enumerate() {
        if titles[..i].contains(title) {
            return Err(Problem::new(
                path.clone(),
                format!("`{title}` is offered twice; the bot could not tell the taps apart"),
            ));
        }
    }
    Ok(())
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
