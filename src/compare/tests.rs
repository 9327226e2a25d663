//! The arithmetic of a comparison on numbers worked out by hand; whole
//! comparisons are tested in `tests/compare.rs`.

use super::*;
use crate::compare::judge::{Judging, judge, summary};
use crate::compare::primary::Primary;
use crate::compare::{Overall, table};
use crate::metric::{CsatStat, Rate, Stat, Timer};

fn accumulated(pairs: &[(f64, f64)]) -> Accumulated {
    let mut values = Accumulated::default();
    for (a, b) in pairs {
        values.a.add(*a);
        values.b.add(*b);
        values.a_alone.add(*a);
        values.b_alone.add(*b);
        values.difference.add(b - a);
    }
    values
}

/// The change of `metric` over `pairs`, judged as the only primary metric:
/// a family of one is held to 5%, so its verdict reads the 95% interval.
fn judged(metric: Metric, pairs: &[(f64, f64)]) -> Change {
    let mut changes = [change(metric.clone(), &accumulated(pairs))];
    let judging = Judging {
        primary: Primary::Listed(vec![metric]),
        gates: Vec::new(),
    };
    judge(&mut changes, &judging);
    let [change] = changes;
    change
}

#[test]
fn a_paired_change_is_the_mean_difference_with_a_t_interval() {
    // Differences 0.02, 0.04, 0.03, 0.03: mean 0.03, sd √(0.0002/3).
    let pairs = [(0.50, 0.52), (0.60, 0.64), (0.55, 0.58), (0.45, 0.48)];
    let change = judged(Metric::Rate(Rate::SelfResolution), &pairs);
    assert_eq!(change.unit, Unit::Fraction);
    assert_eq!(change.a, Some(0.525));
    assert_eq!(change.b, Some(0.555));
    assert_eq!(change.difference, Some(0.03));
    let half = t_quantile_975(3) * (0.0002f64 / 3.0 / 4.0).sqrt();
    let [low, high] = change.ci95.unwrap();
    assert!((low - (0.03 - half)).abs() < 1e-6 && (high - (0.03 + half)).abs() < 1e-6);
    // Self-resolution went up beyond the interval: better.
    assert_eq!(change.verdict, ChangeVerdict::Better);
    assert_eq!(change.replications, 4);
    // Alone in its family, it is judged on the 95% interval itself.
    assert_eq!(change.adjusted_ci, change.ci95);
    assert_eq!(change.adjusted_confidence, Some(0.95));
    // t = 0.03 / √(0.0002/3/4) = 7.3485 on 3 degrees of freedom, whose
    // upper tail is 1/2 − (atan(t/√3) + √3·t/(3 + t²))/π: p = 0.005208.
    assert_eq!(change.p_value, Some(0.005208));
}

#[test]
fn pairing_gain_is_the_variance_of_independent_runs_over_that_of_the_pairs() {
    // A and B move together (var 0.00416667 each); their difference barely
    // varies (var 0.0002/3).
    let pairs = [(0.50, 0.52), (0.60, 0.64), (0.55, 0.58), (0.45, 0.48)];
    let values = accumulated(&pairs);
    let expected = (values.a.variance() + values.b.variance()) / values.difference.variance();
    let change = change(Metric::Rate(Rate::SelfResolution), &values);
    let factor = change.variance_reduction.unwrap();
    assert!((factor - expected).abs() < 0.01, "{factor} vs {expected}");
    assert!(factor > 100.0);
    // The independent interval is the same difference, √factor wider.
    let [low, high] = change.independent_ci95.unwrap();
    let [paired_low, paired_high] = change.ci95.unwrap();
    let ratio = (high - low) / (paired_high - paired_low);
    assert!((ratio - factor.sqrt()).abs() < 0.05, "{ratio}");
}

#[test]
fn verdicts_know_which_direction_is_good() {
    let up = [(0.10, 0.20), (0.12, 0.21), (0.11, 0.22)];
    let judge = |metric: Metric, pairs: &[(f64, f64)]| judged(metric, pairs).verdict;
    assert_eq!(
        judge(Metric::Rate(Rate::Abandonment), &up),
        ChangeVerdict::Worse
    );
    assert_eq!(
        judge(Metric::Rate(Rate::SelfResolution), &up),
        ChangeVerdict::Better
    );
    // Escalation has no good direction: it only changed.
    assert_eq!(
        judge(Metric::Rate(Rate::Escalation), &up),
        ChangeVerdict::Changed
    );
    // A slower bot is worse.
    assert_eq!(
        judge(
            Metric::Time(Timer::Bot, Stat::P95),
            &[(1.0, 1.5), (1.2, 1.6), (0.9, 1.5)]
        ),
        ChangeVerdict::Worse
    );
    // Differences that straddle 0 are no evidence.
    let noisy = [(0.10, 0.12), (0.12, 0.10), (0.11, 0.12)];
    assert_eq!(
        judge(Metric::Rate(Rate::Abandonment), &noisy),
        ChangeVerdict::NoSignificantChange
    );
    // One replication has no interval.
    assert_eq!(
        judge(Metric::Rate(Rate::Abandonment), &[(0.1, 0.2)]),
        ChangeVerdict::NoInterval
    );
}

#[test]
fn identical_values_give_an_exact_zero_and_no_pairing_factor() {
    let pairs = [(0.50, 0.50), (0.60, 0.60), (0.55, 0.55)];
    let change = judged(Metric::Rate(Rate::Abandonment), &pairs);
    assert_eq!(change.difference, Some(0.0));
    assert_eq!(change.ci95, Some([0.0, 0.0]));
    assert_eq!(change.verdict, ChangeVerdict::NoSignificantChange);
    assert_eq!(change.p_value, Some(1.0));
    // The difference does not vary at all: no finite factor.
    assert_eq!(change.variance_reduction, None);
}

#[test]
fn a_number_only_one_version_measures_has_no_difference() {
    let mut values = Accumulated::default();
    for a in [4.1, 4.3] {
        values.a_alone.add(a);
    }
    let change = change(Metric::Csat(CsatStat::Mean), &values);
    assert_eq!(change.unit, Unit::Score);
    assert_eq!(change.a, Some(4.2));
    assert_eq!(change.b, None);
    assert_eq!(change.difference, None);
    assert_eq!(change.verdict, ChangeVerdict::NoInterval);
}

#[test]
fn the_transition_table_feeds_mcnemar() {
    let mut counts = [[0u64; 5]; 5];
    let (resolved, in_bot, unresolved) = (
        Outcome::SelfResolved.index(),
        Outcome::AbandonedInBot.index(),
        Outcome::Unresolved.index(),
    );
    counts[resolved][resolved] = 100;
    counts[resolved][in_bot] = 10; // lost
    counts[unresolved][resolved] = 0; // nobody gained
    counts[in_bot][in_bot] = 5;
    let transitions = transitions(counts);
    assert_eq!(transitions.changed, 10);
    assert_eq!(
        transitions.count(Outcome::SelfResolved, Outcome::AbandonedInBot),
        10
    );
    assert_eq!(transitions.from(Outcome::SelfResolved), 110);
    assert_eq!(transitions.to(Outcome::AbandonedInBot), 15);
    let test = &transitions.mcnemar;
    assert_eq!((test.lost, test.gained), (10, 0));
    // 2 · (1/2)^10, to 4 significant digits.
    assert_eq!(test.p_value, 0.001953);
    assert!(test.significant);
    assert_eq!(test.test, "exact_binomial");
}

#[test]
fn p_values_keep_four_significant_digits() {
    use crate::compare::judge::significant_digits;
    assert_eq!(significant_digits(0.001953125, 4), 0.001953);
    assert_eq!(significant_digits(1.23456e-20, 4), 1.235e-20);
    assert_eq!(significant_digits(1.0, 4), 1.0);
    assert_eq!(significant_digits(0.0, 4), 0.0);
}

#[test]
fn the_overall_verdict_weighs_better_against_worse() {
    let with = |verdicts: &[(Metric, ChangeVerdict)]| {
        let changes: Vec<Change> = verdicts
            .iter()
            .map(|(metric, verdict)| Change {
                verdict: *verdict,
                role: Role::Primary,
                ..change(metric.clone(), &accumulated(&[(0.1, 0.1), (0.2, 0.2)]))
            })
            .collect();
        summary(&changes, &Judging::default(), 10)
    };
    let worse = with(&[
        (Metric::Rate(Rate::Abandonment), ChangeVerdict::Worse),
        (Metric::Rate(Rate::Escalation), ChangeVerdict::Changed),
    ]);
    assert_eq!(worse.verdict, Overall::Worse);
    assert_eq!(worse.worse, ["rates.abandonment"]);
    assert_eq!(worse.changed, ["rates.escalation"]);
    assert_eq!(worse.primary, ["rates.abandonment", "rates.escalation"]);
    let mixed = with(&[
        (Metric::Rate(Rate::Abandonment), ChangeVerdict::Worse),
        (Metric::Rate(Rate::SelfResolution), ChangeVerdict::Better),
    ]);
    assert_eq!(mixed.verdict, Overall::Mixed);
    // Worse within a gate's margin is no worse for the verdict.
    let within = with(&[
        (Metric::Rate(Rate::Abandonment), ChangeVerdict::WithinMargin),
        (Metric::Rate(Rate::SelfResolution), ChangeVerdict::Better),
    ]);
    assert_eq!(within.verdict, Overall::Better);
    assert_eq!(within.within_margin, ["rates.abandonment"]);
    // outcomes.self_resolved is rates.self_resolution: not counted twice.
    let same = with(&[
        (
            Metric::Rate(Rate::SelfResolution),
            ChangeVerdict::NoSignificantChange,
        ),
        (
            Metric::Outcome(Outcome::SelfResolved),
            ChangeVerdict::Better,
        ),
    ]);
    assert_eq!(same.verdict, Overall::NoSignificantChange);
    assert_eq!(same.primary, ["rates.self_resolution"]);
    assert_eq!(
        summary(&[], &Judging::default(), 1).verdict,
        Overall::NoInterval
    );
}

#[test]
fn changes_read_in_their_units() {
    assert_eq!(table::signed(Unit::Fraction, 0.0214), "+2.14 pts");
    assert_eq!(table::signed(Unit::Fraction, -0.003), "-0.30 pts");
    assert_eq!(table::signed(Unit::Fraction, 0.0), "0.00 pts");
    assert_eq!(table::signed(Unit::Fraction, -0.00003), "-0.003 pts");
    assert_eq!(table::signed(Unit::Seconds, 0.3), "+300ms");
    assert_eq!(table::signed(Unit::Seconds, -1.5), "-1.5s");
    assert_eq!(table::signed(Unit::Score, 0.05), "+0.05");
    assert_eq!(
        table::interval(Unit::Fraction, [0.008, 0.02]),
        "[+0.80, +2.00]"
    );
    assert_eq!(
        table::interval(Unit::Seconds, [-0.41, -0.19]),
        "[-410ms, -190ms]"
    );
}
