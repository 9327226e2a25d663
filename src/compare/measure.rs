//! Running both versions replication by replication and measuring what
//! changed: paired differences with intervals, customers' transitions
//! between outcomes, the funnel and the groups.

use indexmap::IndexMap;

use super::composition::Composition;
use super::judge::{self, Judging, Paired, significant_digits};
use super::primary::Primary;
use super::{
    Change, ChangeVerdict, Comparison, FunnelMove, GroupChange, Groups, McNemar, NodeCounts,
    Pairing, Presence, Role, Sides, Summary, Transitions, Unit, Unpaired, Version, judges, pairing,
};
use crate::measure::Measure;
use crate::metric::{Group, Metric, Outcome};
use crate::model::scenario::Scenario;
use crate::report::Report;
use crate::sim::{RunOptions, parallel, replicate_with_outcomes};
use crate::stats::{self, mcnemar_exact, t_quantile_975};
use crate::tally::Tallies;

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

/// Every number `compare` judges, of both versions, replication by
/// replication, in the order each first appeared.
#[derive(Default)]
pub(super) struct Values(IndexMap<Metric, Accumulated>);

impl Values {
    /// A replication's judged numbers under one version.
    pub(super) fn of(measure: &Measure, tallies: &Tallies) -> IndexMap<Metric, f64> {
        measure
            .values(tallies)
            .into_iter()
            .filter(|(metric, _)| judges(metric))
            .collect()
    }

    /// Adds replication `r` of A and of B: a number both measured adds a
    /// paired difference.
    pub(super) fn add(&mut self, in_a: &IndexMap<Metric, f64>, in_b: &IndexMap<Metric, f64>) {
        for metric in in_a.keys().chain(in_b.keys()) {
            if !self.0.contains_key(metric) {
                self.0.insert(metric.clone(), Accumulated::default());
            }
        }
        for (metric, accumulated) in self.0.iter_mut() {
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
    }

    /// The change of each metric of `order` that was measured, judged
    /// (see `judge`), and the summary of the verdicts.
    pub(super) fn judged(
        &self,
        order: impl IntoIterator<Item = Metric>,
        judging: &Judging,
        replications: u32,
    ) -> (Vec<Change>, Summary) {
        let mut changes: Vec<Change> = order
            .into_iter()
            .filter_map(|metric| {
                let accumulated = self.0.get(&metric)?;
                Some(change(metric, accumulated))
            })
            .collect();
        judge::judge(&mut changes, judging);
        let summary = judge::summary(&changes, judging, replications);
        (changes, summary)
    }

    /// Every metric measured, in the order each first appeared.
    #[cfg(test)]
    pub(super) fn metrics(&self) -> Vec<Metric> {
        self.0.keys().cloned().collect()
    }
}

/// Runs every replication of `a` and of `b` and compares them, customer by
/// customer and number by number. Replications run in parallel (on
/// `options`' threads) and are folded in order, so the result is the same
/// whatever the number of threads. `progress` is called once per
/// replication of both versions. The primary metrics are those `a`'s
/// scenario names (`compare: {primary: [...]}`), or the default ones.
pub fn compare(
    a: &Scenario,
    b: &Scenario,
    options: &RunOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<Comparison, Unpaired> {
    let judging = Judging {
        primary: Primary::of(a),
        gates: Vec::new(),
    };
    compare_judged(a, b, options, &judging, progress)
}

/// [`compare`], with the primary metrics and gates of `judging`.
pub(crate) fn compare_judged(
    a: &Scenario,
    b: &Scenario,
    options: &RunOptions,
    judging: &Judging,
    progress: &(dyn Fn() + Sync),
) -> Result<Comparison, Unpaired> {
    pairing(a, b, options)?;
    let seed = options.seed_for(a);
    let replications = options.replications_for(a);
    let mut merged = (Tallies::for_scenario(a), Tallies::for_scenario(b));
    let mut values = Values::default();
    let mut composition = Composition::default();
    let mut counts = [[0u64; 5]; 5];
    let mut customers = 0u64;
    let mut misaligned = None;
    let (measure_a, measure_b) = (Measure::of(a), Measure::of(b));
    // One job runs a replication of A, then of B, keeping both versions'
    // outcomes.
    let thread_bytes = a.cost.thread_bytes(true).max(b.cost.thread_bytes(true));
    parallel::in_order_on(
        options.threads_for(replications, thread_bytes),
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
            values.add(
                &Values::of(&measure_a, tallies_a),
                &Values::of(&measure_b, tallies_b),
            );
            composition.add(tallies_a, tallies_b);
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
    let (changes, summary) = values.judged(order, judging, replications);
    let (group_changes, mut changes): (Vec<Change>, Vec<Change>) = changes
        .into_iter()
        .partition(|change| matches!(change.name, Metric::Group(..)));

    composition.attach(&mut changes);
    let transitions = transitions(counts);
    let groups = groups(&report_a, &report_b, &group_changes);
    let funnel = funnel(&report_a, &report_b);
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

/// A metric's change as measured: the values, the difference and its 95%
/// interval. Its verdict, and the interval the verdict reads, come from
/// its family ([`judge::judge`]).
fn change(metric: Metric, values: &Accumulated) -> Change {
    let unit = Unit::of(&metric);
    let round = |value: f64| unit.round(value);
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
        higher_is_better: metric.higher_is_better(),
        name: metric,
        unit,
        a: mean_of(&values.a, &values.a_alone),
        b: mean_of(&values.b, &values.b_alone),
        difference,
        ci95,
        verdict: ChangeVerdict::NoInterval,
        role: Role::Secondary,
        p_value: None,
        adjusted_p_value: None,
        adjusted_ci: None,
        adjusted_confidence: None,
        margin: None,
        replications: pairs,
        variance_reduction,
        independent_ci95,
        denominator: None,
        standardised: None,
        paired: Paired::of(&values.difference),
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
#[path = "tests.rs"]
mod tests;
