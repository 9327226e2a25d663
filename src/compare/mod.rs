//! Two versions on the same customers (DESIGN.md section 6): is version B
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

mod html;
mod markdown;
mod table;
mod text;

use indexmap::IndexMap;
use serde::Serialize;

pub use html::render_html;
pub use markdown::render_markdown;
pub(crate) use table::{interval, signed};
pub use text::render_text;

use crate::measure::Measure;
use crate::metric::{CostStat, CsatStat, Group, GroupMetric, Metric, Outcome};
use crate::model::scenario::Scenario;
use crate::report::{FlowLabel, Report};
use crate::sim::{RunOptions, parallel, replicate_with_outcomes};
use crate::stats::{self, mcnemar_exact, t_quantile_975};
use crate::tally::Tallies;

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
/// summary: {verdict: mixed, better: [...], worse: [...]}
/// metrics: [{metric: rates.abandonment, unit: fraction, higher_is_better: false,
///            a: 0.11554, b: 0.10942, difference: -0.00612, ci95: [-0.008749, -0.003491],
///            verdict: better, replications: 20, variance_reduction: 33.16,
///            independent_ci95: [-0.021257, 0.009017]}, ...]
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

/// The overall verdict: which numbers changed significantly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// `better`, `worse`, `mixed` (some of each), `no_significant_change`,
    /// or `no_interval` (one replication: nothing can be judged).
    pub verdict: Overall,
    /// The metrics significantly better under B, in report order.
    pub better: Vec<String>,
    /// The metrics significantly worse under B, in report order.
    pub worse: Vec<String>,
}

/// The overall verdict over the top-level metrics that have a better
/// direction (`outcomes.self_resolved` is left out: it is
/// `rates.self_resolution`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    /// Some metrics better, none worse.
    Better,
    /// Some metrics worse, none better.
    Worse,
    /// Some better and some worse: read where.
    Mixed,
    /// No metric changed beyond its interval.
    NoSignificantChange,
    /// Fewer than two replications: no intervals, no verdict.
    NoInterval,
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
    /// What the interval says, knowing which direction is good.
    pub verdict: Verdict,
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

/// What a change's interval says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The interval lies wholly on the good side of 0.
    Better,
    /// The interval lies wholly on the bad side of 0.
    Worse,
    /// The interval lies on one side of 0, for a number with no better
    /// direction (escalation).
    Changed,
    /// The interval contains 0.
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

/// Checks that `a` and `b`, run with `options`, meet the same customers:
/// the same seed and number of replications, the same personas in the same
/// mix, the same traffic and the same clock. Flows, staffing, the turn
/// limit and expectations may differ: they are what a comparison is for.
pub fn pairing(a: &Scenario, b: &Scenario, options: &RunOptions) -> Result<(), Unpaired> {
    let mut reasons = Vec::new();
    let (seed_a, seed_b) = (options.seed_for(a), options.seed_for(b));
    if seed_a != seed_b {
        reasons.push(format!(
            "their seeds differ ({seed_a} and {seed_b}), so every customer would be drawn differently (give both the same `seed:`, or pass --seed N)"
        ));
    }
    let (reps_a, reps_b) = (options.replications_for(a), options.replications_for(b));
    if reps_a != reps_b {
        reasons.push(format!(
            "they run {reps_a} and {reps_b} replications (pass --replications N to run the same number)"
        ));
    }
    reasons.extend(personas_differ(a, b));
    if a.arrivals != b.arrivals {
        reasons.push("their `arrivals` differ, so customers would come at other moments".into());
    }
    if a.duration != b.duration {
        reasons.push(format!(
            "their `duration`s differ ({} and {}), so a replication would hold other customers",
            a.duration, b.duration
        ));
    }
    if a.warm_up != b.warm_up {
        reasons.push(format!(
            "their `warm_up`s differ ({} and {}), so counting would start with other customers",
            a.warm_up, b.warm_up
        ));
    }
    if a.clock_start != b.clock_start {
        reasons.push(
            "their `starts_at` differ, so the same arrivals would fall at other times of the week"
                .into(),
        );
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Unpaired { reasons })
    }
}

/// What differs between the two scenarios' personas and mix, if anything.
fn personas_differ(a: &Scenario, b: &Scenario) -> Option<String> {
    let names = |s: &Scenario| -> Vec<String> {
        s.personas
            .items()
            .iter()
            .map(|persona| persona.name.clone())
            .collect()
    };
    let (names_a, names_b) = (names(a), names(b));
    if names_a != names_b {
        let list = |names: &[String]| crate::text::list(names.iter().map(String::as_str));
        return Some(format!(
            "their personas differ: {} against {} (the same personas, in the same order, draw the same customers)",
            list(&names_a),
            list(&names_b)
        ));
    }
    for (index, (pa, pb)) in a
        .personas
        .items()
        .iter()
        .zip(b.personas.items())
        .enumerate()
    {
        let (share_a, share_b) = (a.personas.share(index), b.personas.share(index));
        if share_a != share_b {
            return Some(format!(
                "persona `{}` has a different share of the mix ({:.4} and {:.4})",
                pa.name, share_a, share_b
            ));
        }
        if pa != pb {
            let what = if pa.goals != pb.goals {
                "its goals differ"
            } else if pa.behaviour != pb.behaviour {
                "its behaviour differs"
            } else if pa.satisfaction != pb.satisfaction {
                "its satisfaction differs"
            } else if pa.survey_response != pb.survey_response {
                "its survey_response differs"
            } else if pa.engagement != pb.engagement {
                "its engagement differs"
            } else if pa.returns != pb.returns {
                "its returns differ"
            } else {
                "its segment differs"
            };
            return Some(format!(
                "persona `{}` is defined differently ({what}), so its customers would act differently",
                pa.name
            ));
        }
    }
    None
}

/// One replication of both versions: their tallies and each counted
/// customer's outcome, in arrival order.
struct Pair {
    a: (Tallies, Vec<Outcome>),
    b: (Tallies, Vec<Outcome>),
}

/// A metric's values over the replications.
#[derive(Default)]
struct Accumulated {
    /// Over replications that measured it in both versions.
    a: stats::Summary,
    b: stats::Summary,
    difference: stats::Summary,
    /// Over every replication that measured it in A (in B).
    a_alone: stats::Summary,
    b_alone: stats::Summary,
}

/// Runs every replication of `a` and of `b` and compares them, customer by
/// customer and number by number. Replications run in parallel (on
/// `options`' threads) and are folded in order, so the result is the same
/// whatever the number of threads. `progress` is called once per
/// replication of both versions.
pub fn compare(
    a: &Scenario,
    b: &Scenario,
    options: &RunOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<Comparison, Unpaired> {
    pairing(a, b, options)?;
    let seed = options.seed_for(a);
    let replications = options.replications_for(a);
    let mut merged = (Tallies::for_scenario(a), Tallies::for_scenario(b));
    let mut values: IndexMap<Metric, Accumulated> = IndexMap::new();
    let mut counts = [[0u64; 5]; 5];
    let mut customers = 0u64;
    let mut misaligned = None;
    let (measure_a, measure_b) = (Measure::of(a), Measure::of(b));
    parallel::in_order_on(
        options.threads_for(replications),
        replications,
        |r| Pair {
            a: replicate_with_outcomes(a, seed, r),
            b: replicate_with_outcomes(b, seed, r),
        },
        |r, pair| {
            let (tallies_a, outcomes_a) = &pair.a;
            let (tallies_b, outcomes_b) = &pair.b;
            if outcomes_a.len() != outcomes_b.len() && misaligned.is_none() {
                misaligned = Some((r, outcomes_a.len(), outcomes_b.len()));
            }
            for (from, to) in outcomes_a.iter().zip(outcomes_b) {
                counts[from.index()][to.index()] += 1;
            }
            customers += outcomes_a.len() as u64;
            let one = |measure: &Measure, tallies| -> IndexMap<Metric, f64> {
                measure
                    .values(tallies)
                    .into_iter()
                    .filter(|(metric, _)| judges(metric))
                    .collect()
            };
            let (in_a, in_b) = (one(&measure_a, tallies_a), one(&measure_b, tallies_b));
            for metric in in_a.keys().chain(in_b.keys()) {
                if !values.contains_key(metric) {
                    values.insert(metric.clone(), Accumulated::default());
                }
            }
            for (metric, accumulated) in values.iter_mut() {
                let (va, vb) = (in_a.get(metric), in_b.get(metric));
                if let Some(va) = va {
                    accumulated.a_alone.add(*va);
                }
                if let Some(vb) = vb {
                    accumulated.b_alone.add(*vb);
                }
                if let (Some(va), Some(vb)) = (va, vb) {
                    accumulated.a.add(*va);
                    accumulated.b.add(*vb);
                    accumulated.difference.add(vb - va);
                }
            }
            merged.0.merge(tallies_a);
            merged.1.merge(tallies_b);
            progress();
        },
    );
    if let Some((r, in_a, in_b)) = misaligned {
        // `pairing` rules this out; say so rather than compare strangers.
        return Err(Unpaired {
            reasons: vec![format!(
                "replication {} counted {in_a} customers under A and {in_b} under B",
                r + 1
            )],
        });
    }
    let report_a = Report::new(a, seed, replications, &merged.0);
    let report_b = Report::new(b, seed, replications, &merged.1);

    // Report order: A's numbers, then those only B measures.
    let mut order: Vec<Metric> = Vec::new();
    for (metric, _) in report_a.metrics().into_iter().chain(report_b.metrics()) {
        if judges(&metric) && !order.contains(&metric) {
            order.push(metric);
        }
    }
    let (group_changes, changes): (Vec<Change>, Vec<Change>) = order
        .into_iter()
        .filter_map(|metric| {
            let accumulated = values.get(&metric)?;
            Some(change(metric, accumulated))
        })
        .partition(|change| matches!(change.name, Metric::Group(..)));

    let transitions = transitions(counts);
    let groups = groups(&report_a, &report_b, &group_changes);
    let funnel = funnel(&report_a, &report_b);
    let summary = summary(&changes, replications);
    let pairing = pairing_gain(&changes);
    Ok(Comparison {
        a: Version {
            label: "A".into(),
            scenario: report_a.scenario.clone(),
            flow: report_a.flow.clone(),
            report: report_a,
        },
        b: Version {
            label: "B".into(),
            scenario: report_b.scenario.clone(),
            flow: report_b.flow.clone(),
            report: report_b,
        },
        seed,
        replications,
        conversations: customers,
        summary,
        metrics: changes,
        transitions,
        funnel,
        groups,
        pairing,
    })
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
        let in_groups = self
            .groups
            .personas
            .values()
            .chain(self.groups.segments.values())
            .chain(self.groups.variants.values())
            .flat_map(|group| &group.metrics);
        self.metrics
            .iter()
            .chain(in_groups)
            .find(|change| change.name == *metric)
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

fn unit(metric: &Metric) -> Unit {
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

/// Values are rounded so that output is the same on every platform: a
/// fraction or an amount of money to 6 decimals (a fraction's
/// per-replication values have 4; a cost per conversation is a fraction of
/// a cent), anything else to 4.
fn rounded(unit: Unit, value: f64) -> f64 {
    let decimals = match unit {
        Unit::Fraction | Unit::Money => 6,
        _ => 4,
    };
    let scale = 10f64.powi(decimals);
    let value = (value * scale).round() / scale;
    // -0.0 reads as a change in JSON; it is none.
    if value == 0.0 { 0.0 } else { value }
}

fn change(metric: Metric, values: &Accumulated) -> Change {
    let unit = unit(&metric);
    let round = |value: f64| rounded(unit, value);
    let pairs = values.difference.count();
    let mean_of = |paired: &stats::Summary, alone: &stats::Summary| {
        if pairs > 0 {
            Some(round(paired.mean()))
        } else if alone.count() > 0 {
            Some(round(alone.mean()))
        } else {
            None
        }
    };
    let difference = (pairs > 0).then(|| round(values.difference.mean()));
    let ci95 = values
        .difference
        .interval()
        .map(|interval| [round(interval.low), round(interval.high)]);
    let higher_is_better = metric.higher_is_better();
    let verdict = match (ci95, higher_is_better) {
        (None, _) => Verdict::NoInterval,
        (Some([low, high]), _) if low <= 0.0 && high >= 0.0 => Verdict::NoSignificantChange,
        (Some(_), None) => Verdict::Changed,
        (Some([low, _]), Some(higher)) => {
            if (low > 0.0) == higher {
                Verdict::Better
            } else {
                Verdict::Worse
            }
        }
    };
    let independent = values.a.variance() + values.b.variance();
    let variance_reduction = (pairs >= 2 && values.difference.variance() > 0.0)
        .then(|| (independent / values.difference.variance() * 100.0).round() / 100.0);
    let independent_ci95 = (pairs >= 2).then(|| {
        let half = t_quantile_975(pairs - 1) * (independent / f64::from(pairs)).sqrt();
        let mean = values.difference.mean();
        [round(mean - half), round(mean + half)]
    });
    Change {
        metric: metric.to_string(),
        name: metric,
        unit,
        higher_is_better,
        a: mean_of(&values.a, &values.a_alone),
        b: mean_of(&values.b, &values.b_alone),
        difference,
        ci95,
        verdict,
        replications: pairs,
        variance_reduction,
        independent_ci95,
    }
}

fn transitions(counts: [[u64; 5]; 5]) -> Transitions {
    let table = Outcome::ALL
        .into_iter()
        .map(|from| {
            let row = Outcome::ALL
                .into_iter()
                .map(|to| (to.key(), counts[from.index()][to.index()]))
                .collect();
            (from.key(), row)
        })
        .collect();
    let changed = (0..5)
        .flat_map(|i| (0..5).map(move |j| (i, j)))
        .filter(|(i, j)| i != j)
        .map(|(i, j)| counts[i][j])
        .sum();
    let resolved = Outcome::SelfResolved.index();
    let lost: u64 = (0..5)
        .filter(|j| *j != resolved)
        .map(|j| counts[resolved][j])
        .sum();
    let gained: u64 = (0..5)
        .filter(|i| *i != resolved)
        .map(|i| counts[i][resolved])
        .sum();
    let p_value = mcnemar_exact(lost, gained);
    Transitions {
        counts: table,
        changed,
        mcnemar: McNemar {
            test: "exact_binomial",
            outcome: Outcome::SelfResolved.key(),
            lost,
            gained,
            p_value: significant_digits(p_value, 4),
            significant: p_value < 0.05,
        },
    }
}

/// `value` to `digits` significant digits, so tiny p-values keep their
/// magnitude and output is the same on every platform.
fn significant_digits(value: f64, digits: i32) -> f64 {
    // Through decimal text: the nearest double to the rounded decimal, which
    // prints back as that decimal (scaling by 10^k is inexact for large k).
    format!("{:.*e}", (digits - 1).max(0) as usize, value)
        .parse()
        .unwrap_or(value)
}

fn funnel(a: &Report, b: &Report) -> Vec<FunnelMove> {
    let counts = |step: &crate::report::FunnelStep| NodeCounts {
        entered: step.entered,
        abandoned: step.abandoned,
    };
    let mut moves: Vec<FunnelMove> = Vec::new();
    let nodes = a
        .funnel
        .keys()
        .chain(b.funnel.keys().filter(|node| !a.funnel.contains_key(*node)));
    for node in nodes {
        let (in_a, in_b) = (
            a.funnel.get(node).map(counts),
            b.funnel.get(node).map(counts),
        );
        let presence = match (in_a, in_b) {
            (Some(_), Some(_)) => Presence::Both,
            (Some(_), None) => Presence::Vanished,
            _ => Presence::Appeared,
        };
        let count =
            |side: Option<NodeCounts>, pick: fn(NodeCounts) -> u64| side.map_or(0, pick) as i64;
        moves.push(FunnelMove {
            node: node.clone(),
            presence,
            a: in_a,
            b: in_b,
            entered_change: count(in_b, |c| c.entered) - count(in_a, |c| c.entered),
            abandoned_change: count(in_b, |c| c.abandoned) - count(in_a, |c| c.abandoned),
        });
    }
    // Stable: nodes that moved as much keep flow order (A's, then B's new ones).
    moves.sort_by_key(|node| std::cmp::Reverse(node.moved()));
    moves
}

fn groups(a: &Report, b: &Report, changes: &[Change]) -> Groups {
    let of_kind = |group: Group| -> IndexMap<String, GroupChange> {
        let (in_a, in_b) = (a.groups(group), b.groups(group));
        in_a.keys()
            .chain(in_b.keys().filter(|name| !in_a.contains_key(*name)))
            .map(|name| {
                let metrics = changes
                    .iter()
                    .filter(|change| {
                        matches!(&change.name, Metric::Group(kind, of, _) if *kind == group && of == name)
                    })
                    .cloned()
                    .collect();
                let conversations = Sides {
                    a: in_a.get(name).map(|breakdown| breakdown.conversations),
                    b: in_b.get(name).map(|breakdown| breakdown.conversations),
                };
                (
                    name.clone(),
                    GroupChange {
                        conversations,
                        metrics,
                    },
                )
            })
            .collect()
    };
    Groups {
        personas: of_kind(Group::Persona),
        segments: of_kind(Group::Segment),
        variants: of_kind(Group::Variant),
    }
}

fn summary(changes: &[Change], replications: u32) -> Summary {
    let judged = changes
        .iter()
        .filter(|change| change.name != Metric::Outcome(Outcome::SelfResolved));
    let named = |verdict: Verdict| -> Vec<String> {
        judged
            .clone()
            .filter(|change| change.verdict == verdict)
            .map(|change| change.metric.clone())
            .collect()
    };
    let (better, worse) = (named(Verdict::Better), named(Verdict::Worse));
    let verdict = if replications < 2 {
        Overall::NoInterval
    } else {
        match (better.is_empty(), worse.is_empty()) {
            (true, true) => Overall::NoSignificantChange,
            (false, true) => Overall::Better,
            (true, false) => Overall::Worse,
            (false, false) => Overall::Mixed,
        }
    };
    Summary {
        verdict,
        better,
        worse,
    }
}

fn pairing_gain(changes: &[Change]) -> Pairing {
    let mut factors: Vec<f64> = changes
        .iter()
        .filter(|change| matches!(change.name, Metric::Outcome(_) | Metric::Rate(_)))
        .filter_map(|change| change.variance_reduction)
        .collect();
    factors.sort_by(f64::total_cmp);
    let median = match factors.len() {
        0 => None,
        n if n % 2 == 1 => Some(factors[n / 2]),
        n => Some((factors[n / 2 - 1] + factors[n / 2]) / 2.0),
    };
    Pairing {
        variance_reduction: median.map(|m| (m * 100.0).round() / 100.0),
        narrowing: median.map(|m| (m.sqrt() * 100.0).round() / 100.0),
    }
}

#[cfg(test)]
mod tests;

/// `count` and `noun`, plural unless one: "1 paired replication",
/// "20 paired replications".
pub(crate) fn counted(count: impl Into<u64>, noun: &str) -> String {
    let count = count.into();
    let s = if count == 1 { "" } else { "s" };
    format!("{count} {noun}{s}")
}
