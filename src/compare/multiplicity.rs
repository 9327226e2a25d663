//! Many tests at once without crying wolf (see docs/src/statistics.md).
//!
//! A comparison tests dozens of numbers. Each at 5% alone, two versions
//! that differ only by chance would show some "significant" change in most
//! comparisons. So the tests are judged as families:
//!
//! - the **primary** metrics (and the gates) with Holm's step-down
//!   procedure, which keeps the chance of *any* wrong claim among them at
//!   most `alpha`, whatever the correlation between the metrics (they are
//!   strongly correlated: abandonment, escalation and self-resolution share
//!   their customers);
//! - the **secondary** metrics with Benjamini and Hochberg's procedure,
//!   which keeps the expected share of wrong claims among those it makes at
//!   most `alpha`: more of them are found, at the price that a few may be
//!   chance.
//!
//! Each procedure also gives every test the confidence level of an
//! interval that agrees with its decision (it excludes the null exactly
//! when the test is rejected), so that a verdict can always be read off
//! the interval printed beside it.

/// One test's fate in a family.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Decision {
    /// Whether the family rejects the test's null hypothesis.
    pub rejected: bool,
    /// The adjusted p-value: the smallest family level at which the test
    /// would be rejected (capped at 1).
    pub adjusted: f64,
    /// The two-sided significance level the test is held to: an interval
    /// at confidence `1 − level` excludes the null exactly when the test
    /// is rejected.
    pub level: f64,
}

/// Indices of `p` from the smallest p-value up; ties keep their order, so
/// the result does not depend on how a sort breaks them.
fn ascending(p: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&i, &j| p[i].total_cmp(&p[j]).then(i.cmp(&j)));
    order
}

/// Holm's step-down procedure at family-wise level `alpha`.
///
/// The p-values are taken from the smallest up; the `j`-th smallest,
/// counting from one, is rejected when it, and every smaller one, is below
/// `alpha / (m − j + 1)`. The first that is not stops the procedure: it and
/// every larger one stand. Its level is the one it was held to; the tests
/// after the stop are held to the stopping level, so their intervals (which
/// their p-values, at least as large, place around the null) agree with
/// their decisions.
pub(crate) fn holm(p: &[f64], alpha: f64) -> Vec<Decision> {
    let m = p.len();
    let mut decisions = vec![
        Decision {
            rejected: false,
            adjusted: 1.0,
            level: alpha,
        };
        m
    ];
    let mut stopped: Option<f64> = None;
    let mut running_max = 0.0f64;
    for (j, &i) in ascending(p).iter().enumerate() {
        let step_level = alpha / (m - j) as f64;
        running_max = running_max.max(((m - j) as f64 * p[i]).min(1.0));
        let level = match stopped {
            Some(level) => level,
            None if p[i] < step_level => step_level,
            None => {
                stopped = Some(step_level);
                step_level
            }
        };
        decisions[i] = Decision {
            rejected: stopped.is_none(),
            adjusted: running_max,
            level,
        };
    }
    decisions
}

/// Benjamini and Hochberg's step-up procedure at false discovery rate
/// `alpha`.
///
/// With the p-values from the smallest up, the largest `R` whose `R`-th
/// smallest is below `R · alpha / m` is found, and the `R` smallest are
/// rejected. Every test is held to the level `max(R, 1) · alpha / m`: the
/// false-coverage-rate adjusted intervals of Benjamini and Yekutieli
/// (2005), which exclude the null exactly for the rejected tests.
pub(crate) fn benjamini_hochberg(p: &[f64], alpha: f64) -> Vec<Decision> {
    let m = p.len();
    let order = ascending(p);
    let mut rejected_count = 0;
    for (j, &i) in order.iter().enumerate() {
        if p[i] < (j + 1) as f64 * alpha / m as f64 {
            rejected_count = j + 1;
        }
    }
    let level = rejected_count.max(1) as f64 * alpha / m.max(1) as f64;
    let mut decisions = vec![
        Decision {
            rejected: false,
            adjusted: 1.0,
            level,
        };
        m
    ];
    // Adjusted p-values: the running minimum of m·p/rank from the largest
    // p-value down.
    let mut running_min = 1.0f64;
    for (j, &i) in order.iter().enumerate().rev() {
        running_min = running_min.min(m as f64 * p[i] / (j + 1) as f64);
        decisions[i] = Decision {
            rejected: j < rejected_count,
            adjusted: running_min,
            level,
        };
    }
    decisions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(decisions: &[Decision]) -> Vec<bool> {
        decisions.iter().map(|d| d.rejected).collect()
    }

    #[test]
    fn holm_steps_down_and_stops_at_the_first_survivor() {
        // m = 4 at 5%: thresholds 0.0125, 0.01667, 0.025, 0.05.
        // 0.01 < 0.0125 rejected; 0.015 < 0.01667 rejected; 0.03 ≥ 0.025
        // stops; 0.04 would pass its own 0.05 but the procedure stopped.
        let p = [0.04, 0.01, 0.03, 0.015];
        let decisions = holm(&p, 0.05);
        assert_eq!(rejected(&decisions), [false, true, false, true]);
        // Adjusted: 4·0.01 = 0.04, max(0.04, 3·0.015) = 0.045,
        // max(0.045, 2·0.03) = 0.06, max(0.06, 0.04) = 0.06.
        let adjusted: Vec<f64> = decisions.iter().map(|d| d.adjusted).collect();
        for (got, want) in adjusted.iter().zip([0.06, 0.04, 0.06, 0.045]) {
            assert!((got - want).abs() < 1e-12, "{adjusted:?}");
        }
        // Levels: each rejected test at its own step, the rest at the stop.
        let levels: Vec<f64> = decisions.iter().map(|d| d.level).collect();
        for (got, want) in levels.iter().zip([0.025, 0.0125, 0.025, 0.05 / 3.0]) {
            assert!((got - want).abs() < 1e-12, "{levels:?}");
        }
        // Every decision agrees with its level and with its adjusted p.
        for (d, p) in decisions.iter().zip(p) {
            assert_eq!(d.rejected, p < d.level);
            assert_eq!(d.rejected, d.adjusted < 0.05);
        }
    }

    #[test]
    fn holm_is_bonferroni_at_its_first_step() {
        // 0.013 is below 0.05 alone but not below 0.05/4: nothing is
        // rejected, every test is held to 0.0125.
        let decisions = holm(&[0.013, 0.3, 0.5, 0.9], 0.05);
        assert!(decisions.iter().all(|d| !d.rejected && d.level == 0.0125));
        assert!(holm(&[], 0.05).is_empty());
    }

    #[test]
    fn benjamini_hochberg_steps_up() {
        // m = 5 at 5%: thresholds 0.01, 0.02, 0.03, 0.04, 0.05. The 4th
        // smallest (0.035 < 0.04) is the largest below its threshold, so
        // the 4 smallest are rejected though the 3rd (0.032 ≥ 0.03) is not
        // below its own.
        let p = [0.035, 0.005, 0.6, 0.032, 0.011];
        let bh = benjamini_hochberg(&p, 0.05);
        assert_eq!(rejected(&bh), [true, true, false, true, true]);
        // Adjusted, from the largest down: 5·0.6/5 = 0.6; 5·0.035/4 =
        // 0.04375; min(0.04375, 5·0.032/3); 5·0.011/2 = 0.0275; 5·0.005/1.
        for (d, want) in bh.iter().zip([0.04375, 0.025, 0.6, 0.04375, 0.0275]) {
            assert!((d.adjusted - want).abs() < 1e-12, "{bh:?}");
        }
        // One level for all: 4 · 0.05 / 5, which every rejected p-value is
        // below and every other above.
        for (d, p) in bh.iter().zip(p) {
            assert!((d.level - 0.04).abs() < 1e-12);
            assert_eq!(d.rejected, p < d.level);
        }
    }

    #[test]
    fn benjamini_hochberg_with_nothing_found_holds_to_the_first_threshold() {
        let bh = benjamini_hochberg(&[0.2, 0.5, 0.02], 0.05);
        assert!(bh.iter().all(|d| !d.rejected));
        assert!((bh[0].level - 0.05 / 3.0).abs() < 1e-12);
        assert!(benjamini_hochberg(&[], 0.05).is_empty());
    }
}
