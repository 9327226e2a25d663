//! Judging a comparison's changes (see docs/src/statistics.md): each
//! number's paired t test, the primary family under Holm's procedure and
//! the secondary one under Benjamini and Hochberg's, each change's verdict
//! and the interval it is read from, and the summary.
//!
//! A primary metric's test asks whether B's change lies outside what is
//! acceptable without a verdict: exactly 0 for most, anywhere from 0 to the
//! margin on the worse side for a gate with a margin. So a gate is failed
//! (verdict `worse`) only when the whole adjusted interval lies beyond the
//! margin, and `better` needs the whole interval on the good side of 0. A
//! gated change whose interval lies on the bad side of 0 without clearing
//! the margin is `within_margin`.

use super::gate::Gate;
use super::multiplicity::{Decision, benjamini_hochberg, holm};
use super::primary::{Primary, canonical};
use super::{Change, ChangeVerdict, GateOutcome, Overall, Role, Secondary, Summary};
use crate::stats::{self, t_quantile, t_upper};

/// The primary family's family-wise error rate, and the secondary
/// family's false discovery rate: 5%, the level of every interval rehearse
/// prints.
pub(crate) const ALPHA: f64 = 0.05;

/// How a comparison is judged: which metrics are primary, and the gates
/// (whose metrics join the primary family).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Judging {
    /// The primary metrics.
    pub primary: Primary,
    /// The `--fail-if-worse` gates.
    pub gates: Vec<Gate>,
}

impl Judging {
    fn gate(&self, change: &Change) -> Option<&Gate> {
        let metric = canonical(&change.name);
        self.gates.iter().find(|gate| gate.metric == metric)
    }
}

/// A change's paired differences B − A over replications: the mean, its
/// standard error and the degrees of freedom (R − 1) of their t test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Paired {
    mean: f64,
    standard_error: f64,
    degrees_of_freedom: u32,
}

impl Paired {
    /// The test of these differences; `None` below two of them.
    pub(crate) fn of(differences: &stats::Summary) -> Option<Paired> {
        let n = differences.count();
        (n >= 2).then(|| Paired {
            mean: differences.mean(),
            standard_error: (differences.variance() / f64::from(n)).sqrt(),
            degrees_of_freedom: n - 1,
        })
    }

    /// The chance of a mean at least this far beyond `from` in the
    /// direction of `sign` (+1 or −1), were the true change `from`: a
    /// one-sided p-value. Differences that never vary (pairing removed all
    /// the noise) are conclusive either way, or no evidence when they sit
    /// exactly at `from`.
    fn tail(&self, sign: f64, from: f64) -> f64 {
        let excess = sign * (self.mean - from);
        if self.standard_error > 0.0 {
            t_upper(excess / self.standard_error, self.degrees_of_freedom)
        } else if excess > 0.0 {
            0.0
        } else if excess < 0.0 {
            1.0
        } else {
            0.5
        }
    }

    /// Whether every difference was exactly 0: the change did not touch
    /// this number in any replication (pairing shows it), so there is
    /// nothing to test.
    fn untouched(&self) -> bool {
        self.mean == 0.0 && self.standard_error == 0.0
    }

    /// The two-sided p-value of no change.
    pub(crate) fn p_value(&self) -> f64 {
        (2.0 * self.tail(1.0, 0.0).min(self.tail(-1.0, 0.0))).min(1.0)
    }

    /// The test that the change lies outside `[0, margin]` on the worse
    /// side (`worse` is +1 when higher is worse, −1 when lower is): its
    /// two-sided p-value, and whether the evidence is for the worse side.
    /// Doubling the smaller one-sided p-value makes "p below the level"
    /// the same as "the two-sided interval at that level lies wholly
    /// outside", as everywhere in rehearse; with no margin it is the usual
    /// two-sided test of no change.
    fn against(&self, worse: f64, margin: f64) -> (f64, bool) {
        let beyond = self.tail(worse, worse * margin);
        let better = self.tail(-worse, 0.0);
        ((2.0 * beyond.min(better)).min(1.0), beyond <= better)
    }

    /// The two-sided interval at confidence `1 − level`.
    fn interval(&self, level: f64) -> [f64; 2] {
        let half = t_quantile(level / 2.0, self.degrees_of_freedom) * self.standard_error;
        [self.mean - half, self.mean + half]
    }
}

/// `value` to `digits` significant digits, so tiny p-values keep their
/// magnitude and output is the same on every platform.
pub(crate) fn significant_digits(value: f64, digits: i32) -> f64 {
    // Through decimal text: the nearest double to the rounded decimal, which
    // prints back as that decimal (scaling by 10^k is inexact for large k).
    format!("{:.*e}", (digits - 1).max(0) as usize, value)
        .parse()
        .unwrap_or(value)
}

/// Whether a change is the twin of another in `changes` (see
/// [`canonical`]): it takes that one's judgement and is not tested again.
fn twin_of(changes: &[Change], i: usize) -> Option<usize> {
    let metric = canonical(&changes[i].name);
    if metric == changes[i].name {
        return None;
    }
    changes.iter().position(|change| change.name == metric)
}

/// Judges every change of a comparison (top level and groups together):
/// its role, p-values, adjusted interval, margin and verdict.
pub(crate) fn judge(changes: &mut [Change], judging: &Judging) {
    let mut primary = Vec::new();
    let mut secondary = Vec::new();
    for i in 0..changes.len() {
        let twin = twin_of(changes, i);
        let change = &mut changes[i];
        let in_family = judging.primary.contains(&change.name) || judging.gate(change).is_some();
        change.role = if in_family {
            Role::Primary
        } else {
            Role::Secondary
        };
        change.margin = judging.gate(change).and_then(|gate| gate.margin);
        change.p_value = change
            .paired
            .map(|paired| significant_digits(paired.p_value(), 4));
        change.verdict = ChangeVerdict::NoInterval;
        let Some(paired) = change.paired else {
            continue;
        };
        if twin.is_some() {
            continue;
        }
        // A number the change never touched is no test: counting it would
        // only make the families stricter for the numbers that moved.
        if paired.untouched() {
            change.verdict = ChangeVerdict::NoSignificantChange;
            change.adjusted_ci = change.ci95;
            change.adjusted_p_value = Some(1.0);
            continue;
        }
        if in_family {
            &mut primary
        } else {
            &mut secondary
        }
        .push(i);
    }

    // The primary family: each test against its margin (0 without one).
    let tests: Vec<(f64, bool)> = primary
        .iter()
        .map(|&i| {
            let change = &changes[i];
            let worse = worse_sign(change);
            let margin = judging.gate(change).map_or(0.0, Gate::tolerance);
            change
                .paired
                .map_or((1.0, false), |paired| paired.against(worse, margin))
        })
        .collect();
    let p: Vec<f64> = tests.iter().map(|(p, _)| *p).collect();
    for ((&i, decision), (_, worse_side)) in primary.iter().zip(holm(&p, ALPHA)).zip(&tests) {
        let margin = judging.gate(&changes[i]).map_or(0.0, Gate::tolerance);
        apply(&mut changes[i], decision, *worse_side, margin);
    }

    // The secondary family: each test of no change.
    let p: Vec<f64> = secondary
        .iter()
        .map(|&i| changes[i].paired.map_or(1.0, |paired| paired.p_value()))
        .collect();
    for (&i, decision) in secondary.iter().zip(benjamini_hochberg(&p, ALPHA)) {
        let worse_side = worse_sign(&changes[i]) * changes[i].paired.map_or(0.0, |p| p.mean) > 0.0;
        apply(&mut changes[i], decision, worse_side, 0.0);
    }

    for i in 0..changes.len() {
        if let Some(twin) = twin_of(changes, i) {
            let judged = changes[twin].clone();
            let change = &mut changes[i];
            change.role = judged.role;
            change.verdict = judged.verdict;
            change.adjusted_p_value = judged.adjusted_p_value;
            change.adjusted_ci = judged.adjusted_ci;
            change.adjusted_confidence = judged.adjusted_confidence;
            change.margin = judged.margin;
        }
    }
}

/// +1 when a higher value is worse, −1 when lower is; +1 for a metric
/// with no better direction (its tests have no margin, so either sign
/// gives the same two-sided test).
fn worse_sign(change: &Change) -> f64 {
    if change.higher_is_better == Some(true) {
        -1.0
    } else {
        1.0
    }
}

/// Sets a tested change's verdict and adjusted interval from its family's
/// decision.
fn apply(change: &mut Change, decision: Decision, worse_side: bool, margin: f64) {
    let Some(paired) = change.paired else {
        return;
    };
    let [low, high] = paired.interval(decision.level);
    let round = |value: f64| change.unit.round(value);
    change.adjusted_ci = Some([round(low), round(high)]);
    change.adjusted_confidence = Some(((1.0 - decision.level) * 1e6).round() / 1e6);
    change.adjusted_p_value = Some(significant_digits(decision.adjusted, 4));
    // The interval's end nearest the good side, in the worse direction.
    let least_worse = if worse_sign(change) > 0.0 { low } else { -high };
    change.verdict = match (decision.rejected, change.higher_is_better) {
        (true, None) => ChangeVerdict::Changed,
        (true, Some(_)) if worse_side => ChangeVerdict::Worse,
        (true, Some(_)) => ChangeVerdict::Better,
        (false, Some(_)) if margin > 0.0 && least_worse > 0.0 => ChangeVerdict::WithinMargin,
        (false, _) => ChangeVerdict::NoSignificantChange,
    };
}

/// The overall verdict and what changed, from judged changes.
pub(crate) fn summary(changes: &[Change], judging: &Judging, replications: u32) -> Summary {
    let judged: Vec<&Change> = (0..changes.len())
        .filter(|&i| twin_of(changes, i).is_none())
        .map(|i| &changes[i])
        .collect();
    let named = |role: Role, verdict: ChangeVerdict| -> Vec<String> {
        judged
            .iter()
            .filter(|change| change.role == role && change.verdict == verdict)
            .map(|change| change.metric.clone())
            .collect()
    };
    let (better, worse) = (
        named(Role::Primary, ChangeVerdict::Better),
        named(Role::Primary, ChangeVerdict::Worse),
    );
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
    let gates = judging
        .gates
        .iter()
        .filter_map(|gate| {
            let change = changes.iter().find(|change| change.name == gate.metric)?;
            Some(GateOutcome {
                metric: change.metric.clone(),
                margin: gate.margin,
                failed: change.verdict == ChangeVerdict::Worse,
            })
        })
        .collect();
    Summary {
        verdict,
        better,
        worse,
        within_margin: named(Role::Primary, ChangeVerdict::WithinMargin),
        changed: named(Role::Primary, ChangeVerdict::Changed),
        primary: judged
            .iter()
            .filter(|change| change.role == Role::Primary)
            .map(|change| change.metric.clone())
            .collect(),
        secondary: Secondary {
            better: named(Role::Secondary, ChangeVerdict::Better),
            worse: named(Role::Secondary, ChangeVerdict::Worse),
            changed: named(Role::Secondary, ChangeVerdict::Changed),
        },
        gates,
    }
}
