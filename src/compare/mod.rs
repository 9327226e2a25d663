//! Two versions on the same customers (see docs/src/compare.md): is version B
//! better than version A, and where?
//!
//! Every customer draws from their own random streams, keyed by seed,
//! replication and arrival order (see `sim::rng`), so replication `r` of A
//! and replication `r` of B meet the same people at the same moments. That
//! makes the comparison *paired*:
//!
//! - each number of the report is measured in every replication of both
//!   versions, and the 95% interval of its change is a paired t interval
//!   over the per-replication differences `B_r − A_r` (mean ±
//!   t(0.975, R−1)·sd/√R). The noise both versions share (who came, when,
//!   how patient they were) cancels in the difference, so the interval is
//!   far narrower than two independent runs would give; [`Change`] says by
//!   how much (`variance_reduction`);
//! - dozens of numbers are tested at once, so they are judged in two
//!   families (`judge`, `multiplicity`): the few primary metrics
//!   (`primary`) and the `--fail-if-worse` gates (`gate`, with their
//!   margins) together under Holm's correction, which the headline reads;
//!   every other number under Benjamini and Hochberg's;
//! - customer `i` under A is customer `i` under B, so [`Transitions`]
//!   counts how many moved from each outcome to each other one, and
//!   McNemar's test asks whether self-resolution changed customer by
//!   customer.
//!
//! [`compare`] runs both versions and returns a [`Comparison`]: a plain
//! value that the text, markdown and HTML renderers ([`render_text`],
//! [`render_markdown`], [`render_html`]) draw and serde writes as YAML or
//! JSON with the documented keys. [`pairing`] says beforehand why two scenarios would not
//! meet the same customers.

#[cfg(test)]
mod calibration;
mod composition;
mod gate;
mod html;
mod judge;
mod markdown;
mod measure;
mod multiplicity;
mod pairing;
mod primary;
mod table;
mod text;
mod versions;

use indexmap::IndexMap;
use serde::Serialize;

pub use composition::{Base, Denominator, Standardised};
pub use html::render_html;
pub use markdown::render_markdown;
pub use measure::compare;
pub use pairing::pairing;
pub(crate) use table::{interval, signed};
pub use text::render_text;
pub use versions::{CompareOptions, CompareOutcome, VersionB, Versions, load_versions};

use crate::metric::{CostStat, CsatStat, Group, GroupMetric, Metric, Outcome};
use crate::report::{FlowLabel, Report};

/// The result of comparing version B with version A on the same customers.
///
/// Serialised (YAML, JSON) with these keys, only ever added to:
///
/// ```yaml
/// a: {label: scenarios/shop/flow.yaml, scenario: peak-hour, flow: {name: harbour-shop, version: "1.2"}}
/// b: {label: scenarios/shop/flow-v2.yaml, scenario: peak-hour, flow: {name: harbour-shop, version: "1.3"}}
/// seed: 20240617
/// replications: 20             # paired: replication r of A and of B met the same customers
/// conversations: 6053          # customers, each met by both versions
/// summary: {verdict: mixed, better: [rates.self_resolution, rates.abandonment],
///           worse: [response_time.bot.p95], within_margin: [], changed: [rates.escalation],
///           primary: [rates.self_resolution, ...], secondary: {better: [...], worse: [...],
///           changed: [...]}, gates: []}
/// metrics: [{metric: rates.abandonment, unit: fraction, higher_is_better: false,
///            a: 0.11554, b: 0.10942, difference: -0.00612, ci95: [-0.008749, -0.003491],
///            verdict: better, role: primary, p_value: 0.0001056,
///            adjusted_p_value: 0.0005279, adjusted_ci: [-0.009713, -0.002527],
///            adjusted_confidence: 0.99, margin: null, replications: 20,
///            variance_reduction: 33.16, independent_ci95: [-0.021257, 0.009017]}, ...,
///           {metric: response_time.queue_wait.p90, ..., denominator: {counts: queued,
///            a: 106.4, b: 102.95, change: -3.45, relative: -0.0324, ci95: [-4.57, -2.33],
///            changed: true}},
///           {metric: csat.mean, ..., denominator: {counts: answered, ...},
///            standardised: {difference: -0.0002, ci95: [-0.0276, 0.0272], replications: 20}}]
/// transitions: {counts: {self_resolved: {self_resolved: 3442, ...}, ...}, changed: 242,
///               mcnemar: {test: exact_binomial, outcome: self_resolved, lost: 30, gained: 102,
///                         p_value: 2.257e-10, significant: true}}
/// funnel: [{node: ask_order, presence: both, a: {entered: 2937, abandoned: 29},
///           b: {entered: 2691, abandoned: 26}, entered_change: -246, abandoned_change: -3}, ...]
/// groups: {personas: {parcel-chaser: {conversations: {a: 2673, b: 2673}, metrics: [...]}},
///          segments: {...}, variants: {...}}
/// pairing: {variance_reduction: 33.16, narrowing: 5.76}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The version compared against (the baseline).
    pub a: Version,
    /// The version under test.
    pub b: Version,
    /// The seed both versions ran with.
    pub seed: u64,
    /// Replications of each version; replication `r` of A and of B met the
    /// same customers, so their differences are paired.
    pub replications: u32,
    /// Customers who wrote in, counted over all replications: the same
    /// people under A and under B, and the customers of [`Transitions`].
    /// (Conversations a campaign or a follow-up starts, and customers
    /// coming back, are not paired: when they happen depends on the flow.
    /// The reports count them.)
    pub conversations: u64,
    /// What changed significantly, in one verdict.
    pub summary: Summary,
    /// Every outcome share, rate, response-time statistic, the mean number
    /// of turns, CSAT and conversion (when either version measures them),
    /// in report order.
    pub metrics: Vec<Change>,
    /// Customer by customer: each one's outcome under A against under B.
    pub transitions: Transitions,
    /// Entered and abandoned per node, the nodes that moved most first.
    pub funnel: Vec<FunnelMove>,
    /// The rates side by side per persona, segment and A/B variant.
    pub groups: Groups,
    /// How much pairing narrowed the intervals.
    pub pairing: Pairing,
}

/// One of the two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Version {
    /// What the user compared: a file, a git revision ("A" and "B" unless
    /// the caller names them, see [`Comparison::labelled`]).
    pub label: String,
    /// The scenario's name.
    pub scenario: String,
    /// The flow's name and version.
    pub flow: FlowLabel,
    /// The report of all replications of this version, as `rehearse run`
    /// gives it (not serialised: the comparison carries what differs; a
    /// page that draws both versions in full reads it here).
    #[serde(skip)]
    pub report: Report,
}

/// The overall verdict: which primary metrics changed, judged together
/// with family-wise error control, and which secondary ones, with false
/// discovery control (see docs/src/statistics.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Over the primary metrics: `better`, `worse`, `mixed` (some of
    /// each), `no_significant_change`, or `no_interval` (one replication:
    /// nothing can be judged).
    pub verdict: Overall,
    /// The primary metrics better under B, in report order.
    pub better: Vec<String>,
    /// The primary metrics worse under B (beyond their margin, for a gate
    /// with one), in report order.
    pub worse: Vec<String>,
    /// The gated metrics worse under B, but not shown to be worse by more
    /// than their margin: no gate fails for them.
    pub within_margin: Vec<String>,
    /// The primary metrics with no better direction (escalation) that
    /// changed.
    pub changed: Vec<String>,
    /// The primary family, in report order: the primary metrics either
    /// version measures, and every gate's metric.
    pub primary: Vec<String>,
    /// What changed among the other metrics, at a 5% false discovery rate.
    pub secondary: Secondary,
    /// Each `--fail-if-worse` gate and whether B failed it.
    pub gates: Vec<GateOutcome>,
}

/// The secondary metrics that changed: at most 5% of such claims are
/// expected to be chance (Benjamini–Hochberg).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Secondary {
    /// Better under B, in report order.
    pub better: Vec<String>,
    /// Worse under B, in report order.
    pub worse: Vec<String>,
    /// Changed, for metrics with no better direction.
    pub changed: Vec<String>,
}

/// One `--fail-if-worse` gate, judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateOutcome {
    /// The metric's report path (`rates.abandonment`).
    pub metric: String,
    /// How much worse B may be without failing, in the metric's unit,
    /// signed the way that is worse (`0.01` for `abandonment:+1pt`, `-0.1`
    /// for `csat.mean:-0.1`); `null` without a margin.
    pub margin: Option<f64>,
    /// Whether B failed it: its adjusted interval lies wholly beyond the
    /// margin (beyond 0 without one), on the worse side.
    pub failed: bool,
}

/// The overall verdict over the primary metrics that have a better
/// direction (`outcomes.self_resolved` is `rates.self_resolution`, judged
/// once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    /// Some primary metrics better, none worse.
    Better,
    /// Some primary metrics worse, none better.
    Worse,
    /// Some better and some worse: read where.
    Mixed,
    /// No primary metric changed beyond its adjusted interval.
    NoSignificantChange,
    /// Fewer than two replications: no intervals, no verdict.
    NoInterval,
}

/// Which family a metric is judged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A primary metric or a gate: judged with the headline, with
    /// family-wise error control (Holm).
    Primary,
    /// Every other metric: false discovery rate control
    /// (Benjamini–Hochberg).
    Secondary,
}

/// How one number changed from A to B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The report's path of the number, like `rates.abandonment` or
    /// `personas.new-lead.rates.abandonment` (what `--fail-if-worse` takes).
    pub metric: String,
    /// The typed name.
    #[serde(skip)]
    pub name: Metric,
    /// What the values are: `fraction` (0 to 1), `seconds`, `score` (CSAT
    /// 1 to 5), `number` (turns, a goal's value per conversation) or
    /// `money` (a cost).
    pub unit: Unit,
    /// `true` when higher is better, `false` when lower is, `null` when
    /// neither (escalation).
    pub higher_is_better: Option<bool>,
    /// A's value: the mean over the replications that measured it in both
    /// versions (over A's own replications when B never measured it);
    /// `null` when A never measured it. `rehearse run` pools all
    /// conversations instead, so its figure may differ in the last digits.
    pub a: Option<f64>,
    /// B's value, likewise.
    pub b: Option<f64>,
    /// `b − a`: the mean of the paired differences; `null` when no
    /// replication measured it in both versions.
    pub difference: Option<f64>,
    /// The 95% interval of the difference, a paired t over replications;
    /// `null` below two paired replications.
    pub ci95: Option<[f64; 2]>,
    /// What the adjusted interval says, knowing which direction is good
    /// and, for a gate, its margin.
    pub verdict: ChangeVerdict,
    /// The family it is judged in: `primary` or `secondary`.
    pub role: Role,
    /// The two-sided p-value of the paired t test of no change (to 4
    /// significant digits); `null` below two paired replications.
    pub p_value: Option<f64>,
    /// The p-value of the verdict's test, adjusted for its family: Holm's
    /// for a primary metric (for a gate with a margin, the test of a
    /// change beyond the margin or for the better), Benjamini–Hochberg's
    /// for a secondary one. The verdict is a change when it is below 0.05.
    pub adjusted_p_value: Option<f64>,
    /// The interval the verdict reads: the paired t interval at
    /// `adjusted_confidence`, which lies beyond 0 (beyond the margin, for
    /// a gate) exactly when the family judges it changed.
    pub adjusted_ci: Option<[f64; 2]>,
    /// The confidence of `adjusted_ci` (0.95 or more): each primary
    /// metric's Holm level, one level for all secondary metrics.
    pub adjusted_confidence: Option<f64>,
    /// A gate's margin, signed the way that is worse; `null` for a metric
    /// no gate names with a margin.
    pub margin: Option<f64>,
    /// Replications that measured it in both versions.
    pub replications: u32,
    /// `(var(A) + var(B)) / var(B − A)` over the paired replications: how
    /// many times smaller the variance of the difference is than two
    /// independent runs would give (the interval is √ of it narrower).
    /// `null` when the differences do not vary at all (pairing removed all
    /// the noise, as for an unchanged part of the flow) or below two
    /// replications.
    pub variance_reduction: Option<f64>,
    /// The interval two independent runs of the same length would give:
    /// the difference ± t(0.975, R−1)·√((var(A) + var(B)) / R).
    pub independent_ci95: Option<[f64; 2]>,
    /// What the number is measured over (conversations, replies, the
    /// customers who answered a survey, who queued...): how many under
    /// each version, per replication, and the change. Absent for the bot's
    /// response times and retention, and in groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<Denominator>,
    /// For a number the tallies count per persona (outcome shares, rates,
    /// CSAT): the change had B measured A's mix of personas (see
    /// [`Standardised`]). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standardised: Option<Standardised>,
    /// The paired differences behind the change, for the family's tests;
    /// `None` below two paired replications.
    #[serde(skip)]
    pub(crate) paired: Option<judge::Paired>,
}

/// What a metric's values are, for renderers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A share from 0 to 1; differences are in percentage points.
    Fraction,
    /// A duration in seconds.
    Seconds,
    /// A CSAT score from 1 to 5.
    Score,
    /// A plain number (turns, a goal's value per conversation).
    Number,
    /// An amount of money (cost per conversation, per resolution), in the
    /// scenario's currency.
    Money,
}

impl Unit {
    /// The unit of `metric`'s values.
    pub(crate) fn of(metric: &Metric) -> Unit {
        if metric.is_fraction() {
            Unit::Fraction
        } else if metric.is_time() {
            Unit::Seconds
        } else if matches!(
            metric,
            Metric::Csat(CsatStat::Mean) | Metric::Group(_, _, GroupMetric::Csat(CsatStat::Mean))
        ) {
            Unit::Score
        } else if matches!(metric, Metric::Cost(_)) {
            Unit::Money
        } else {
            Unit::Number
        }
    }

    /// `value` rounded so that output is the same on every platform: a
    /// fraction or an amount of money to 6 decimals (a fraction's
    /// per-replication values have 4; a cost per conversation is a
    /// fraction of a cent), anything else to 4.
    pub(crate) fn round(self, value: f64) -> f64 {
        let decimals = match self {
            Unit::Fraction | Unit::Money => 6,
            _ => 4,
        };
        let scale = 10f64.powi(decimals);
        let value = (value * scale).round() / scale;
        // -0.0 reads as a change in JSON; it is none.
        if value == 0.0 { 0.0 } else { value }
    }
}

/// What a change's adjusted interval (`adjusted_ci`) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeVerdict {
    /// The interval lies wholly on the good side of 0.
    Better,
    /// The interval lies wholly on the bad side of 0 (for a gate with a
    /// margin, wholly beyond the margin): a gate on it fails.
    Worse,
    /// The interval lies on one side of 0, for a number with no better
    /// direction (escalation).
    Changed,
    /// For a gate with a margin: the interval lies on the bad side of 0
    /// but not wholly beyond the margin. A change, but not one the gate
    /// fails for.
    WithinMargin,
    /// The interval contains 0 (or no replication moved the number at
    /// all).
    NoSignificantChange,
    /// Fewer than two replications measured it in both versions.
    NoInterval,
}

/// Each customer's outcome under A against under B, over all replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transitions {
    /// `counts[from][to]`: customers whose outcome was `from` under A and
    /// `to` under B, keyed by outcome (`self_resolved`, `agent_resolved`,
    /// `abandoned_in_bot`, `abandoned_in_queue`, `unresolved`), all 25
    /// present.
    pub counts: IndexMap<&'static str, IndexMap<&'static str, u64>>,
    /// Customers whose outcome changed (off the diagonal).
    pub changed: u64,
    /// McNemar's test for self-resolution.
    pub mcnemar: McNemar,
}

impl Transitions {
    /// Customers whose outcome was `from` under A and `to` under B.
    pub fn count(&self, from: Outcome, to: Outcome) -> u64 {
        self.counts[from.key()][to.key()]
    }

    /// Customers whose outcome was `outcome` under A.
    pub fn from(&self, outcome: Outcome) -> u64 {
        self.counts[outcome.key()].values().sum()
    }

    /// Customers whose outcome was `outcome` under B.
    pub fn to(&self, outcome: Outcome) -> u64 {
        self.counts.values().map(|row| row[outcome.key()]).sum()
    }
}

/// McNemar's test on self-resolution: of the customers the two versions
/// treated differently, did more lose self-resolution than gain it?
/// Conversations in the bot do not interact (only agent queues are
/// shared), so each customer's self-resolution under A and under B is an
/// independent pair, as the test needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct McNemar {
    /// `exact_binomial`: the discordant count is Binomial(n, 1/2) under no
    /// change; exact because a small flow change gives few discordant
    /// customers, where the chi-square approximation is poor.
    pub test: &'static str,
    /// `self_resolved`.
    pub outcome: &'static str,
    /// Self-resolved under A, not under B.
    pub lost: u64,
    /// Self-resolved under B, not under A.
    pub gained: u64,
    /// The two-sided p-value.
    pub p_value: f64,
    /// `p_value < 0.05`.
    pub significant: bool,
}

/// One node of the funnel under A and under B (counts over all
/// replications, exact).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelMove {
    /// The node's id.
    pub node: String,
    /// Whether both flows have the node.
    pub presence: Presence,
    /// Under A; absent when A's flow has no such node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<NodeCounts>,
    /// Under B; absent when B's flow has no such node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<NodeCounts>,
    /// B's `entered` minus A's (a missing node counts 0).
    pub entered_change: i64,
    /// B's `abandoned` minus A's.
    pub abandoned_change: i64,
}

impl FunnelMove {
    /// How much the node moved: the sort key of the funnel.
    pub fn moved(&self) -> u64 {
        self.entered_change.unsigned_abs() + self.abandoned_change.unsigned_abs()
    }
}

/// Whether a node is in both flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// In both flows.
    Both,
    /// Only in A's flow: B removed it.
    Vanished,
    /// Only in B's flow: B added it.
    Appeared,
}

/// A funnel node's two counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NodeCounts {
    /// Conversations that reached the node (each once).
    pub entered: u64,
    /// Conversations abandoned there.
    pub abandoned: u64,
}

/// The rates side by side per group of customers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Groups {
    /// Per persona, in mix order (the same customers under A and B).
    pub personas: IndexMap<String, GroupChange>,
    /// Per segment; absent when no persona names one.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub segments: IndexMap<String, GroupChange>,
    /// Per A/B variant of either flow's splits (A's first); absent without
    /// splits. A variant only one flow has is measured on one side only.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub variants: IndexMap<String, GroupChange>,
}

impl Groups {
    /// The groups of one kind.
    pub fn get(&self, group: Group) -> &IndexMap<String, GroupChange> {
        match group {
            Group::Persona => &self.personas,
            Group::Segment => &self.segments,
            Group::Variant => &self.variants,
        }
    }
}

/// One persona, segment or variant under A and under B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupChange {
    /// Conversations in the group under each version.
    pub conversations: Sides<Option<u64>>,
    /// Its rates, CSAT mean and conversion, each as a [`Change`].
    pub metrics: Vec<Change>,
}

/// A value under A and under B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sides<T> {
    /// Under A.
    pub a: T,
    /// Under B.
    pub b: T,
}

/// How much pairing narrowed the intervals, over the outcome shares and
/// rates whose differences vary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Pairing {
    /// The median of their `variance_reduction`s; `null` when no
    /// difference varies (identical versions).
    pub variance_reduction: Option<f64>,
    /// Its square root: how many times narrower the intervals are than
    /// two independent runs would give.
    pub narrowing: Option<f64>,
}

/// Why two scenarios would not meet the same customers, so that pairing
/// them would be meaningless.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .reasons.join("; "))]
pub struct Unpaired {
    /// Each difference that matters, as a sentence fragment.
    pub reasons: Vec<String>,
}

impl Comparison {
    /// The same comparison with the two versions named, as the user knows
    /// them (file names, `main` and `working tree`).
    pub fn labelled(mut self, a: impl Into<String>, b: impl Into<String>) -> Comparison {
        self.a.label = a.into();
        self.b.label = b.into();
        self
    }

    /// The change of `metric`, wherever it is (top level or a group);
    /// `None` when neither version measured it or it is not compared.
    pub fn change(&self, metric: &Metric) -> Option<&Change> {
        self.every_change().find(|change| change.name == *metric)
    }

    /// The change whose report path is `metric`, wherever it is.
    pub(crate) fn find(&self, metric: &str) -> Option<&Change> {
        self.every_change().find(|change| change.metric == metric)
    }

    /// Every change, top level first, then each group's.
    pub(crate) fn every_change(&self) -> impl Iterator<Item = &Change> {
        let in_groups = self
            .groups
            .personas
            .values()
            .chain(self.groups.segments.values())
            .chain(self.groups.variants.values())
            .flat_map(|group| &group.metrics);
        self.metrics.iter().chain(in_groups)
    }

    /// Every metric name a comparison judges, for messages.
    pub fn metric_names(&self) -> impl Iterator<Item = &str> {
        self.metrics.iter().map(|change| change.metric.as_str())
    }
}

/// Whether `compare` judges a number: the outcome shares, rates, response
/// times, mean turns, CSAT, conversion, retention and the cost per
/// conversation and per resolution, and per group its rates, CSAT mean and
/// conversion. Counts (funnel, queues, conversations) are compared
/// exactly elsewhere; `turns.max` and queue statistics are left out.
pub(crate) fn judges(metric: &Metric) -> bool {
    match metric {
        Metric::Outcome(_)
        | Metric::Rate(_)
        | Metric::Time(..)
        | Metric::TurnsMean
        | Metric::Csat(_)
        | Metric::Conversion(_)
        | Metric::ConversionValue(_)
        | Metric::Retention(_)
        | Metric::Cost(CostStat::PerConversation | CostStat::PerResolution) => true,
        Metric::Group(_, _, metric) => matches!(
            metric,
            GroupMetric::Rate(_) | GroupMetric::Csat(CsatStat::Mean) | GroupMetric::Conversion(_)
        ),
        _ => false,
    }
}

/// `count` and `noun`, plural unless one: "1 paired replication",
/// "20 paired replications".
pub(crate) fn counted(count: impl Into<u64>, noun: &str) -> String {
    let count = count.into();
    let s = if count == 1 { "" } else { "s" };
    format!("{count} {noun}{s}")
}
