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
//!
//! Three files: `spec` is the file as written, `validate` checks it, and
//! this module is the validated form the engine runs. The validated form is
//! compiled for the engine's hot path: texts know their word counts, titles
//! and keywords are lower-cased once, routes are node indices.

pub mod expr;
mod fill;
mod media_routes;
mod routes;
pub(crate) mod spec;
mod turn;
mod validate;
pub mod vars;

use regex::Regex;

use crate::model::script::ScriptCounts;
use crate::model::text_key::pattern_form;
/// How titles, keywords and typed text are compared (the rules are in
/// that module); here because every user of a flow compares text.
pub use crate::model::text_key::text_key;

pub use fill::Fill;
pub use media_routes::{ANY, MediaRoutes};
pub use routes::IntentRoutes;
pub use spec::{Category, Resolution, Scale};
pub use turn::MAX_BOT_STEPS_PER_TURN;
pub use vars::{Value, Var, VarId, VarType, Vars};

use crate::model::{Distribution, Millis, Probability};
use crate::source::KeyPath;

/// Index of a node in `Flow::nodes`.
pub type NodeId = usize;
/// Index of an intent in `Flow::intents`.
pub type IntentId = usize;
/// Index of a queue name in `Flow::queues`.
pub type QueueId = usize;
/// Index of a business goal in `Flow::goals`.
pub type GoalId = usize;
/// Index of an A/B variant in `Flow::variants`.
pub type VariantId = usize;
/// Index of a message template in [`Flow::templates`].
pub type TemplateId = usize;

/// A flow whose routes all lead to existing nodes. Built only by the
/// loader, so every index in it is valid.
#[derive(Debug, Clone)]
pub struct Flow {
    /// The flow's name, as in `flow:`.
    pub(crate) name: String,
    /// Its version label, if any.
    pub(crate) version: Option<String>,
    /// Where the bot answers a customer's first message.
    pub(crate) start: NodeId,
    /// The bot's processing time per reply.
    pub(crate) latency: Distribution,
    /// Free-text understanding.
    pub(crate) intents: Vec<Intent>,
    /// Every node, in file order.
    pub(crate) nodes: Vec<Node>,
    /// The agent queues the flow hands off to, in order of first mention.
    pub(crate) queues: Vec<String>,
    /// The business goals its nodes mark as reached, in order of first
    /// mention, with what each is worth when the flow says.
    pub(crate) goals: Vec<Goal>,
    /// The A/B variants of its splits, in file order; names are unique.
    pub(crate) variants: Vec<String>,
    /// The message templates the business may send first, in file order.
    pub(crate) templates: Vec<Template>,
    /// The variables a conversation keeps, in file order (`vars:`).
    pub(crate) vars: Vec<Var>,
}

/// An approved message template: what the business may send outside the
/// customer service window (a campaign, a follow-up), and where the
/// customer's answer leads.
#[derive(Debug, Clone)]
pub struct Template {
    /// Its name under `templates:`.
    pub name: String,
    /// Decides its price and the rules it meets.
    pub category: Category,
    /// The message body.
    pub body: Text,
    /// An optional footer.
    pub footer: Option<String>,
    /// Quick-reply buttons, as the customer sees them.
    pub buttons: Vec<Title>,
    /// The button that stops marketing messages, if any.
    pub opt_out: Option<usize>,
    /// Where each button leads (`None` for the opt-out button).
    pub button_routes: Vec<Option<NodeId>>,
    /// Typed text matching an intent, in route order.
    pub intent_routes: IntentRoutes,
    /// Where other typed text leads: the `fallback` route, or the flow's
    /// start (the customer wrote in, as they would unprompted).
    pub fallback: NodeId,
}

impl Template {
    /// Where the template's answers lead, as written.
    pub fn successors(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.button_routes
            .iter()
            .flatten()
            .copied()
            .chain(self.intent_routes.iter().map(|(_, target)| *target))
            .chain(std::iter::once(self.fallback))
    }
}

/// What the bot sends when a customer goes silent at a node.
#[derive(Debug, Clone)]
pub struct FollowUp {
    /// How long after the bot's last message.
    pub after: Millis,
    /// A free-form message, sent while the service window is open.
    pub text: Option<Text>,
    /// A template, sent when there is no text or the window has closed.
    pub template: Option<TemplateId>,
}

/// A business goal a flow can reach (`converts: purchase`).
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// Its name.
    pub name: String,
    /// What reaching it is worth, per conversation, when given.
    pub value: Option<f64>,
}

impl Flow {
    /// The business goals the flow can reach.
    pub fn goals(&self) -> &[Goal] {
        &self.goals
    }

    /// The flow's name, as in `flow:`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its version label, if any.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The names of its nodes, in file order.
    pub fn node_names(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|node| node.id.as_str())
    }

    /// Its message templates, in file order.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// The declared variables, in file order.
    pub fn vars(&self) -> &[Var] {
        &self.vars
    }

    /// Whether the bot ever writes first: a node follows up on silence.
    pub fn follows_up(&self) -> bool {
        self.nodes.iter().any(|node| node.follow_up.is_some())
    }
}

/// Text the bot shows, compiled for the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// As written.
    pub text: String,
    /// Its [`text_key`], for the customer to find what a question asks about.
    pub lower: String,
    /// Words to read, per script, for reading time: counted once here so
    /// the engine never scans the text again.
    pub words: ScriptCounts,
}

impl Text {
    /// Compiles `text`.
    pub fn new(text: &str) -> Text {
        Text {
            text: text.to_string(),
            lower: text_key(text),
            words: ScriptCounts::words(text),
        }
    }
}

/// A title the customer can tap (a reply button or a list row), with the key
/// it is matched by.
#[derive(Debug, Clone, PartialEq)]
pub struct Title {
    /// As written.
    pub text: String,
    /// Its [`text_key`]: titles are told apart as people read them.
    pub key: String,
}

impl Title {
    /// Compiles a title.
    pub fn new(text: &str) -> Title {
        Title {
            text: text.to_string(),
            key: text_key(text),
        }
    }
}

/// A named piece of free-text understanding.
#[derive(Debug, Clone)]
pub struct Intent {
    /// As in `intent NAME`, for transcripts.
    pub name: String,
    /// Each keyword's [`text_key`]; matched as whole words in typed text's key.
    pub keywords: Vec<String>,
    /// Matched against the text as typed, digits and full-width forms
    /// folded ([`pattern_form`]).
    pub regex: Option<Regex>,
}

impl Intent {
    /// Whether the bot understands typed text as this intent; `lower` is the
    /// text's [`text_key`], `typed` as typed.
    pub fn matches(&self, lower: &str, typed: &str) -> bool {
        self.keywords
            .iter()
            .any(|keyword| contains_words(lower, keyword))
            || self
                .regex
                .as_ref()
                .is_some_and(|regex| regex.is_match(&pattern_form(typed)))
    }
}

/// Whether `phrase` occurs in `text` on word boundaries ("agent" is not in
/// "agenda"). Every occurrence counts, overlapping ones too: in "xa a a",
/// "a a" is found at the end.
pub(crate) fn contains_words(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(found) = text[from..].find(phrase) {
        let start = from + found;
        if on_word_boundaries(text, start, start + phrase.len()) {
            return true;
        }
        // On to the next character boundary after this occurrence's start.
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Whether `text[start..end]` is a whole word or phrase: no letter or digit
/// right before or right after it.
pub(crate) fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// One step of the flow.
#[derive(Debug, Clone)]
pub struct Node {
    /// Its name in the file.
    pub id: String,
    /// What it does.
    pub kind: NodeKind,
    /// The business goal reaching it reaches, if any.
    pub converts: Option<GoalId>,
    /// What the bot sends if the customer goes silent here.
    pub follow_up: Option<FollowUp>,
    /// Where media a customer sends here leads (`on_media`); empty for
    /// nodes that do not wait for the customer.
    pub media: MediaRoutes,
    /// The values given to variables when the bot enters the node
    /// (`set:`), in file order; empty for most nodes, which never allocate.
    pub set: Vec<(VarId, Value)>,
    /// Its `say:` text with the variables it names, when it names any.
    pub fill: Option<Fill>,
}

impl Node {
    /// Where this node can lead, as written: its kind's routes, then its
    /// media routes.
    pub fn successors(&self) -> Vec<NodeId> {
        let mut successors = self.kind.successors();
        successors.extend(self.media.targets());
        successors
    }
}

/// What a node does.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// Says something and moves on; without `next` the conversation is stuck.
    Message {
        /// What the customer reads.
        text: Text,
        /// Where the bot goes next.
        next: Option<NodeId>,
    },
    /// Offers reply buttons or a list and waits for the customer.
    Choice(Choice),
    /// Asks for free text and checks it against a pattern.
    Question(Question),
    /// Calls a backend; the bot is silent while it waits.
    Call(Call),
    /// Hands the conversation to a human agent queue.
    Handoff(Handoff),
    /// Asks for a rating. It never holds the conversation: the bot moves on at once.
    Survey(Survey),
    /// Ends the conversation.
    End(End),
    /// Sends each customer on to one variant, by share (an A/B test).
    Split(Split),
    /// Sends the customer on by conditions over the variables: silent and
    /// instant, like a split.
    When(When),
}

/// A condition node: the first branch whose condition holds is taken, else
/// `otherwise`.
#[derive(Debug, Clone)]
pub struct When {
    /// Conditions with where each leads, in file order.
    pub branches: Vec<(expr::Condition, NodeId)>,
    /// Where the bot goes when no condition holds (`else`).
    pub otherwise: NodeId,
}

impl When {
    /// Where the bot goes with these values.
    pub fn route(&self, vars: &Vars) -> NodeId {
        self.branches
            .iter()
            .find(|(condition, _)| condition.holds(vars))
            .map_or(self.otherwise, |(_, to)| *to)
    }
}

/// An A/B split: the variant is drawn from the bot's stream, so a customer
/// takes the same variant in every run of the scenario.
#[derive(Debug, Clone)]
pub struct Split {
    /// The variants (ids into `Flow::variants`) with their routes, by share.
    pub variants: crate::model::Weighted<(VariantId, NodeId)>,
    /// A hash of the split's node name: with the conversation's split seed,
    /// it gives the draw, so a customer takes the same variant in two
    /// versions of a flow as long as the split keeps its name.
    pub key: u64,
}

/// FNV-1a: a stable 64-bit hash (Rust's `Hash` is not stable across builds).
pub(crate) fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl NodeKind {
    /// Where this node can lead, as written.
    pub fn successors(&self) -> Vec<NodeId> {
        match self {
            NodeKind::Message { next, .. } | NodeKind::Survey(Survey { next, .. }) => {
                next.iter().copied().collect()
            }
            NodeKind::Handoff(handoff) => handoff.closed.into_iter().collect(),
            NodeKind::Choice(choice) => choice
                .option_routes
                .iter()
                .flatten()
                .copied()
                .chain(choice.intent_routes.iter().map(|(_, target)| *target))
                .chain(choice.fallback)
                .collect(),
            NodeKind::Question(question) => question
                .valid
                .into_iter()
                .chain(question.invalid)
                .chain(question.intent_routes.iter().map(|(_, target)| *target))
                .collect(),
            NodeKind::Call(call) => call.ok.into_iter().chain(call.error).collect(),
            NodeKind::Split(split) => split.variants.items().iter().map(|(_, to)| *to).collect(),
            NodeKind::When(when) => when
                .branches
                .iter()
                .map(|(_, to)| *to)
                .chain(std::iter::once(when.otherwise))
                .collect(),
            NodeKind::End(_) => Vec::new(),
        }
    }

    /// Ends and handoffs: where a conversation leaves the bot.
    pub fn is_final(&self) -> bool {
        matches!(self, NodeKind::Handoff(_) | NodeKind::End(_))
    }
}

/// Reply buttons or a list.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The message body.
    pub text: Text,
    /// An optional header.
    pub header: Option<String>,
    /// An optional footer.
    pub footer: Option<String>,
    /// Buttons or a list.
    pub style: ChoiceStyle,
    /// Button titles or list row titles, as the customer sees them.
    pub options: Vec<Title>,
    /// Where each option leads, in the order of `options`.
    pub option_routes: Vec<Option<NodeId>>,
    /// Typed text matching an intent, in route order.
    pub intent_routes: IntentRoutes,
    /// Typed text the bot does not understand.
    pub fallback: Option<NodeId>,
}

impl Choice {
    /// The option whose title is typed text, already as its [`text_key`].
    pub fn option_typed(&self, key: &str) -> Option<usize> {
        self.options.iter().position(|option| option.key == key)
    }
}

/// How a choice is shown.
#[derive(Debug, Clone)]
pub enum ChoiceStyle {
    /// Up to three reply buttons.
    Buttons,
    /// A list behind a button.
    List(List),
}

/// A list message's layout.
#[derive(Debug, Clone)]
pub struct List {
    /// The label of the button that opens the list.
    pub button: String,
    /// Its sections.
    pub sections: Vec<Section>,
}

/// A section of a list.
#[derive(Debug, Clone)]
pub struct Section {
    /// Required when the list has more than one section.
    pub title: Option<String>,
    /// Its rows.
    pub rows: Vec<Row>,
}

/// A row of a list.
#[derive(Debug, Clone)]
pub struct Row {
    /// What the customer taps.
    pub title: String,
    /// A line under the title.
    pub description: Option<String>,
}

impl ChoiceStyle {
    /// Where each of the `count` options of the node at `node_path` is
    /// written: `buttons[i]`, or `list.sections[s].rows[r].title`.
    pub fn option_paths(&self, node_path: &KeyPath, count: usize) -> Vec<KeyPath> {
        match self {
            ChoiceStyle::Buttons => (0..count)
                .map(|i| node_path.key("buttons").index(i))
                .collect(),
            ChoiceStyle::List(list) => list
                .sections
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

/// A free-text question.
#[derive(Debug, Clone)]
pub struct Question {
    /// What the bot asks.
    pub text: Text,
    /// What a valid answer looks like.
    pub pattern: Regex,
    /// Where a valid answer leads.
    pub valid: Option<NodeId>,
    /// Where anything else leads.
    pub invalid: Option<NodeId>,
    /// Typed text matching an intent, tried before the pattern.
    pub intent_routes: IntentRoutes,
    /// The variable a valid answer is stored in (`capture:`).
    pub capture: Option<VarId>,
}

impl Question {
    /// Whether typed text is a valid answer: the pattern matches it trimmed,
    /// with its digits and full-width forms folded ([`pattern_form`]), so
    /// `[0-9]{4}` accepts `١٢٣٤`.
    pub fn accepts(&self, typed: &str) -> bool {
        self.pattern.is_match(&pattern_form(typed.trim()))
    }
}

/// A backend call.
#[derive(Debug, Clone)]
pub struct Call {
    /// The backend, for messages.
    pub name: String,
    /// How long it takes.
    pub latency: Distribution,
    /// The chance that it fails.
    pub fails: Probability,
    /// Where success leads.
    pub ok: Option<NodeId>,
    /// Where failure leads.
    pub error: Option<NodeId>,
}

/// A handoff to human agents.
#[derive(Debug, Clone)]
pub struct Handoff {
    /// An optional message before the handoff.
    pub text: Option<Text>,
    /// The queue, looked up by name in the scenario's staffing.
    pub queue: QueueId,
    /// Where the bot goes instead when no agent of the queue is on shift;
    /// without it, the customer waits in the queue until opening.
    pub closed: Option<NodeId>,
}

/// A satisfaction survey. It holds the conversation until the customer
/// answers (a tap, or a typed digit) or leaves.
#[derive(Debug, Clone)]
pub struct Survey {
    /// The question.
    pub question: Text,
    /// How it is answered.
    pub scale: Scale,
    /// The titles to tap (list rows or buttons); empty for a typed answer.
    pub options: Vec<Title>,
    /// The score of each option, in the order of `options`.
    pub scores: Vec<u8>,
    /// Where the bot goes next.
    pub next: Option<NodeId>,
    /// How the conversation ends if the customer leaves here without
    /// answering: the end the bot would reach through messages and surveys
    /// from `next`. `None` when the customer would still have more to do.
    pub skipped: Option<Resolution>,
}

impl Survey {
    /// The score of a typed answer: its first digit from 1 to 5, in any
    /// script [`pattern_form`] folds (`٥` is 5).
    pub fn typed_score(typed: &str) -> Option<u8> {
        pattern_form(typed.trim())
            .chars()
            .next()
            .and_then(|c| c.to_digit(10))
            .filter(|digit| (1..=5).contains(digit))
            .map(|digit| digit as u8)
    }
}

/// The end of a conversation.
#[derive(Debug, Clone)]
pub struct End {
    /// An optional closing message.
    pub text: Option<Text>,
    /// Resolved or not.
    pub resolution: Resolution,
}
