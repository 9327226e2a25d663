//! The flow file as written: serde types, strict (unknown keys are errors).
//! [`super::validate`] turns them into the validated [`super::Flow`].

use indexmap::IndexMap;
use regex::Regex;
use serde::{Deserialize, Deserializer, de};

use super::vars::{Literal, VarSpec};
use crate::model::{Distribution, Millis, Probability};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FlowSpec {
    pub flow: String,
    /// A label: read as written, so `2.10` stays `2.10`.
    #[serde(default)]
    pub version: Option<String>,
    pub start: String,
    /// Bot processing time per reply; no delay when omitted.
    #[serde(default)]
    pub latency: Option<Distribution>,
    #[serde(default)]
    pub intents: IndexMap<String, IntentSpec>,
    /// The conversation's variables, with their types and defaults.
    #[serde(default)]
    pub vars: IndexMap<String, VarSpec>,
    pub nodes: IndexMap<String, NodeSpec>,
    /// Message templates the business may send first (campaigns and
    /// follow-ups), by name.
    #[serde(default)]
    pub templates: IndexMap<String, TemplateSpec>,
}

/// An approved message template, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TemplateSpec {
    pub category: Category,
    pub body: String,
    #[serde(default)]
    pub footer: Option<String>,
    /// Quick-reply buttons.
    #[serde(default)]
    pub buttons: Vec<String>,
    /// The button that stops marketing messages.
    #[serde(default)]
    pub opt_out: Option<String>,
    /// Where a customer's answer leads: a button title, `intent NAME` or
    /// `fallback` (typed text), to a node.
    #[serde(default)]
    pub routes: IndexMap<String, String>,
}

/// A template's category, which decides its price and the rules it meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Promotions and offers: needs the customer's opt-in, and stops when
    /// they opt out of marketing (error 131050).
    Marketing,
    /// About something the customer is doing: an order, an appointment.
    Utility,
    /// One-time codes.
    Authentication,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 3] = [
        Category::Marketing,
        Category::Utility,
        Category::Authentication,
    ];

    /// As written in a flow and in `pricing:`.
    pub fn key(self) -> &'static str {
        match self {
            Category::Marketing => "marketing",
            Category::Utility => "utility",
            Category::Authentication => "authentication",
        }
    }
}

/// A message the bot sends when the customer goes silent at a node, as
/// written: `{after: 1h, template: cart_reminder}` or `{after: 20m, say:
/// "..."}`, or both (the text inside the service window, the template
/// outside it).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FollowUpSpec {
    pub after: Millis,
    #[serde(default)]
    pub say: Option<String>,
    #[serde(default)]
    pub template: Option<String>,
}

/// One node as written. Its kind follows from which kind key is present
/// ([`NodeSpec::kinds`]); the other keys are checked against what that kind
/// takes ([`Kind::takes`]).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NodeSpec {
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
    /// An A/B split: variant names with their shares of customers.
    pub split: Option<IndexMap<String, f64>>,
    /// A survey's answer format.
    pub scale: Option<Scale>,
    /// A survey's button or row titles, lowest score first.
    pub labels: Option<Vec<String>>,
    /// Reaching this node reaches a business goal (conversion).
    pub converts: Option<String>,
    /// What reaching the goal is worth, per conversation.
    pub value: Option<f64>,
    /// What the bot sends when the customer goes silent here.
    pub follow_up: Option<FollowUpSpec>,
    /// Where media the customer sends here leads, by kind (`image`,
    /// `audio`, `location`, `sticker`, `reaction`, or `any`).
    pub on_media: Option<IndexMap<String, String>>,
    /// Values given to variables when the bot enters the node.
    pub set: Option<IndexMap<String, Literal>>,
    /// The variable a question's valid answer is stored in.
    pub capture: Option<String>,
    /// A condition node's branches: the first that holds is taken.
    pub when: Option<Vec<BranchSpec>>,
}

/// One branch of a `when:` node as written: `{if: "total > 10", goto:
/// NODE}`, or the last, `{else: NODE}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BranchSpec {
    #[serde(default, rename = "if")]
    pub condition: Option<String>,
    #[serde(default)]
    pub goto: Option<String>,
    #[serde(default, rename = "else")]
    pub otherwise: Option<String>,
}

/// How a CSAT survey is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// The customer types a digit from 1 to 5.
    #[default]
    Text,
    /// A list of five rows, scores 1 to 5.
    List,
    /// Three reply buttons, scores 1, 3 and 5.
    Buttons,
}

/// The kind of a node, with its kind key's value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind<'a> {
    /// No kind key: says something and moves on.
    Message,
    Buttons(&'a [String]),
    List(&'a ListSpec),
    Question(&'a ExpectSpec),
    Call(&'a CallSpec),
    Handoff(&'a HandoffSpec),
    Survey(&'a str),
    End(Resolution),
    Split(&'a IndexMap<String, f64>),
    When(&'a [BranchSpec]),
}

/// The keys a node may have beside its kind key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extra {
    Say,
    Header,
    Footer,
    Next,
    Routes,
    Scale,
    Labels,
    FollowUp,
    OnMedia,
    Capture,
}

impl Extra {
    pub const ALL: [Extra; 10] = [
        Extra::Say,
        Extra::Header,
        Extra::Footer,
        Extra::Next,
        Extra::Routes,
        Extra::Scale,
        Extra::Labels,
        Extra::FollowUp,
        Extra::OnMedia,
        Extra::Capture,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Extra::Say => "say",
            Extra::Header => "header",
            Extra::Footer => "footer",
            Extra::Next => "next",
            Extra::Routes => "routes",
            Extra::Scale => "scale",
            Extra::Labels => "labels",
            Extra::FollowUp => "follow_up",
            Extra::OnMedia => "on_media",
            Extra::Capture => "capture",
        }
    }
}

impl Kind<'_> {
    /// The key that decides the kind, for messages.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Message => "say",
            Kind::Buttons(_) => "buttons",
            Kind::List(_) => "list",
            Kind::Question(_) => "expect",
            Kind::Call(_) => "call",
            Kind::Handoff(_) => "handoff",
            Kind::Survey(_) => "csat",
            Kind::End(_) => "end",
            Kind::Split(_) => "split",
            Kind::When(_) => "when",
        }
    }

    /// Whether this kind of node takes `extra`.
    pub fn takes(self, extra: Extra) -> bool {
        let interactive = matches!(self, Kind::Buttons(_) | Kind::List(_));
        match extra {
            Extra::Say => !matches!(
                self,
                Kind::Call(_) | Kind::Survey(_) | Kind::Split(_) | Kind::When(_)
            ),
            Extra::Header | Extra::Footer => interactive,
            Extra::Next => matches!(self, Kind::Message | Kind::Survey(_)),
            Extra::Routes => {
                interactive || matches!(self, Kind::Question(_) | Kind::Call(_) | Kind::Split(_))
            }
            Extra::Scale | Extra::Labels => matches!(self, Kind::Survey(_)),
            // Only nodes that wait for the customer can find them silent,
            // or receive what they send.
            Extra::FollowUp | Extra::OnMedia => interactive || matches!(self, Kind::Question(_)),
            Extra::Capture => matches!(self, Kind::Question(_)),
        }
    }

    /// Why this kind does not take `extra`, as help for the user.
    pub fn why_not(self, extra: Extra) -> &'static str {
        match (self, extra) {
            (Kind::Survey(_), Extra::Say) => "the survey question is the value of `csat:`",
            (Kind::Split(_), Extra::Say) => {
                "a split is silent: it only sends each customer on to a variant"
            }
            (Kind::When(_), Extra::Say) => {
                "a `when` node is silent: it only sends the customer on by its conditions"
            }
            (_, Extra::Say) => "a call is silent; put the text in the node before or after it",
            (_, Extra::Header | Extra::Footer) => {
                "only reply buttons and lists carry a header and a footer"
            }
            (Kind::When(_), Extra::Routes | Extra::Next) => {
                "a `when` node moves on by its branches: `{if: CONDITION, goto: NODE}`, then `{else: NODE}`"
            }
            (_, Extra::Next) => "this node moves on through `routes`, or ends the conversation",
            (_, Extra::Routes) => "a message moves on with `next`; handoff and end nodes are final",
            (_, Extra::Scale | Extra::Labels) => "only a `csat` survey has a scale and labels",
            (_, Extra::FollowUp) => {
                "only nodes that wait for the customer (buttons, lists, questions) can follow up on their silence"
            }
            (_, Extra::OnMedia) => {
                "only nodes that wait for the customer (buttons, lists, questions) receive what they send"
            }
            (_, Extra::Capture) => {
                "only a question (`expect:`) captures the customer's answer; use `set:` to give a variable a value here"
            }
        }
    }
}

impl NodeSpec {
    /// Every kind key present: exactly one is a valid node (none is a message).
    pub fn kinds(&self) -> Vec<Kind<'_>> {
        let mut kinds = Vec::new();
        kinds.extend(self.buttons.as_deref().map(Kind::Buttons));
        kinds.extend(self.list.as_ref().map(Kind::List));
        kinds.extend(self.expect.as_ref().map(Kind::Question));
        kinds.extend(self.call.as_ref().map(Kind::Call));
        kinds.extend(self.handoff.as_ref().map(Kind::Handoff));
        kinds.extend(self.csat.as_deref().map(Kind::Survey));
        kinds.extend(self.end.map(Kind::End));
        kinds.extend(self.split.as_ref().map(Kind::Split));
        kinds.extend(self.when.as_deref().map(Kind::When));
        kinds
    }

    /// Whether `extra` is written on this node.
    pub fn has(&self, extra: Extra) -> bool {
        match extra {
            Extra::Say => self.say.is_some(),
            Extra::Header => self.header.is_some(),
            Extra::Footer => self.footer.is_some(),
            Extra::Next => self.next.is_some(),
            Extra::Routes => self.routes.is_some(),
            Extra::Scale => self.scale.is_some(),
            Extra::Labels => self.labels.is_some(),
            Extra::FollowUp => self.follow_up.is_some(),
            Extra::OnMedia => self.on_media.is_some(),
            Extra::Capture => self.capture.is_some(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListSpec {
    /// The label of the button that opens the list.
    pub button: String,
    pub sections: Vec<SectionSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SectionSpec {
    #[serde(default)]
    pub title: Option<String>,
    pub rows: Vec<RowSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RowSpec {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExpectSpec {
    pub pattern: Pattern,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CallSpec {
    pub name: String,
    pub latency: Distribution,
    #[serde(default)]
    pub fails: Probability,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HandoffSpec {
    pub queue: String,
    /// Where the bot goes when the queue has no agent on shift.
    #[serde(default)]
    pub closed: Option<String>,
}

/// How an `end` node ends the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The customer's problem was solved.
    Resolved,
    /// The bot could not help.
    Unresolved,
}

/// A regular expression, compiled while the file is read so that a bad one
/// is reported at its place. Its size is bounded, so a pathological pattern
/// cannot exhaust memory.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub(crate) struct Pattern(pub Regex);

/// Compiled regular expressions may use at most this many bytes.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

impl TryFrom<String> for Pattern {
    type Error = String;
    fn try_from(source: String) -> Result<Self, String> {
        regex::RegexBuilder::new(&source)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map(Pattern)
            .map_err(|error| match error {
                regex::Error::CompiledTooBig(_) => {
                    "the regular expression is too large; simplify it".to_string()
                }
                other => format!("invalid regular expression: {other}"),
            })
    }
}

/// How an intent recognises typed text: a list of keywords, or
/// `{keywords: [...], regex: "..."}`.
#[derive(Debug, Default)]
pub(crate) struct IntentSpec {
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
