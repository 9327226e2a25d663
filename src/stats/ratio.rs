//! Intervals for numbers that are one count over another: the shares and
//! rates of a report (see docs/src/statistics.md, "Shares and rates").
//!
//! The report states a share pooled over every replication, Σy / Σx (all
//! self-resolved conversations over all conversations). Its interval is
//! built around that same estimator, the *ratio estimator*, with the
//! replications as independent clusters: its variance is estimated from
//! the residuals y_r − R̂·x_r of the R replications, so customers who
//! interact through a shared queue are never counted as independent.
//!
//! A symmetric t interval around the ratio under-covers when the
//! per-replication values are right-skewed and near 0 (a queue that
//! overflows in a few peak hours and not in the others), and says nothing
//! when no replication saw the event at all. A share of customers is
//! therefore given a score (Wilson) interval on its *effective sample
//! size*: the number of independent customers that would give the
//! variance the replications show, n_eff = p(1 − p) / Var(R̂), scaled by
//! (z / t)² so that few replications widen it as Student's t would, and
//! never more than the customers counted (Korn and Graubard's effective
//! sample size for clustered shares). The score interval is asymmetric
//! where the share's distribution is: it reaches further from 0 than
//! towards it. A ratio that is not a share of customers (the mean CSAT
//! score, an agent pool's utilisation) gets the t interval around the
//! ratio estimator.

use super::{Interval, t_quantile_975};

/// The normal 0.975 quantile.
const Z_975: f64 = 1.959_963_984_540_054;

/// Running sums of one ratio's numerator y and denominator x over the
/// replications: their means and co-moments, accumulated as Welford does
/// for one variable, so the residuals' sum of squares does not cancel.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct RatioSummary {
    n: u32,
    mean_x: f64,
    mean_y: f64,
    /// Σ (x − x̄)².
    xx: f64,
    /// Σ (x − x̄)(y − ȳ).
    xy: f64,
    /// Σ (y − ȳ)².
    yy: f64,
}

impl RatioSummary {
    /// Adds one replication's numerator and denominator.
    pub fn add(&mut self, y: f64, x: f64) {
        self.n += 1;
        let n = f64::from(self.n);
        let (dx, dy) = (x - self.mean_x, y - self.mean_y);
        self.mean_x += dx / n;
        self.mean_y += dy / n;
        // The co-moments with the old deviation and the new mean.
        self.xx += dx * (x - self.mean_x);
        self.xy += dx * (y - self.mean_y);
        self.yy += dy * (y - self.mean_y);
    }

    pub fn count(&self) -> u32 {
        self.n
    }

    /// The pooled ratio Σy / Σx (what the report states); `None` when no
    /// replication had a denominator.
    pub fn ratio(&self) -> Option<f64> {
        (self.mean_x > 0.0).then(|| self.mean_y / self.mean_x)
    }

    /// The estimated variance of the pooled ratio: the residuals'
    /// sample variance over n·x̄² (the first-order, delta-method variance
    /// of a ratio estimator). `None` below two replications or without a
    /// denominator.
    pub fn variance(&self) -> Option<f64> {
        let ratio = self.ratio()?;
        if self.n < 2 {
            return None;
        }
        // Σ(y − R̂x)² = Σ((y − ȳ) − R̂(x − x̄))², since ȳ = R̂x̄.
        let residuals = (self.yy - 2.0 * ratio * self.xy + ratio * ratio * self.xx).max(0.0);
        let n = f64::from(self.n);
        Some(residuals / (n - 1.0) / (n * self.mean_x * self.mean_x))
    }

    /// The 95% t interval around the pooled ratio, for a ratio that is not
    /// a share of customers.
    pub fn t_interval(&self) -> Option<Interval> {
        let ratio = self.ratio()?;
        let half = t_quantile_975(self.n - 1) * self.variance()?.sqrt();
        Some(Interval {
            low: ratio - half,
            high: ratio + half,
        })
    }

    /// The 95% score interval around the pooled share, on its effective
    /// sample size (see the module's documentation).
    pub fn share_interval(&self) -> Option<Interval> {
        let p = self.ratio()?.clamp(0.0, 1.0);
        let variance = self.variance()?;
        let customers = f64::from(self.n) * self.mean_x;
        // With no spread between replications (every one 0%, say), the
        // customers themselves are the only evidence: n_eff is all of them.
        let effective = if variance > 0.0 {
            let t = t_quantile_975(self.n - 1);
            p * (1.0 - p) / variance * (Z_975 / t).powi(2)
        } else {
            customers
        };
        Some(wilson(p, effective))
    }
}

/// Wilson's 95% score interval for a share `p` of `n` (not necessarily
/// whole) independent customers: the shares whose z-test would not reject
/// `p`.
pub(crate) fn wilson(p: f64, n: f64) -> Interval {
    if n <= 0.0 {
        return Interval {
            low: 0.0,
            high: 1.0,
        };
    }
    let z2 = Z_975 * Z_975;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z_975 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At p = 0 (or 1) the bound on that side is exactly 0 (or 1);
    // rounding would leave it a hair inside.
    Interval {
        low: if p <= 0.0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        high: if p >= 1.0 {
            1.0
        } else {
            (centre + half).min(1.0)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ratio_and_its_variance_match_the_textbook_formulas() {
        // Three replications: 2/10, 3/20, 9/30; pooled 14/60.
        let pairs = [(2.0, 10.0), (3.0, 20.0), (9.0, 30.0)];
        let mut summary = RatioSummary::default();
        pairs.iter().for_each(|(y, x)| summary.add(*y, *x));
        let ratio = 14.0 / 60.0;
        assert!((summary.ratio().unwrap() - ratio).abs() < 1e-15);
        let residuals: f64 = pairs.iter().map(|(y, x)| (y - ratio * x).powi(2)).sum();
        let expected = residuals / 2.0 / (3.0 * 20.0 * 20.0);
        assert!((summary.variance().unwrap() - expected).abs() < 1e-15);
        let half = t_quantile_975(2) * expected.sqrt();
        let t = summary.t_interval().unwrap();
        assert!((t.low - (ratio - half)).abs() < 1e-12 && (t.high - (ratio + half)).abs() < 1e-12);
    }

    #[test]
    fn wilson_matches_a_published_value() {
        // 1 success in 10: Wilson's 95% interval is [0.0179, 0.4042]
        // (Newcombe 1998, table I).
        let interval = wilson(0.1, 10.0);
        assert!((interval.low - 0.0179).abs() < 5e-5, "{interval:?}");
        assert!((interval.high - 0.4042).abs() < 5e-5, "{interval:?}");
    }

    #[test]
    fn a_share_no_replication_saw_still_has_an_upper_bound() {
        // 10 replications of 100 customers, nobody abandoned: the bound
        // comes from the 1,000 customers, z² / (n + z²) ≈ 0.38%, widened
        // by (t₉ / z)².
        let mut summary = RatioSummary::default();
        (0..10).for_each(|_| summary.add(0.0, 100.0));
        let interval = summary.share_interval().unwrap();
        assert_eq!(interval.low, 0.0);
        assert!(
            interval.high > 0.0038 && interval.high < 0.01,
            "{interval:?}"
        );
    }

    #[test]
    fn a_skewed_share_reaches_further_up_than_down() {
        // Most replications see little, one sees a lot: the interval is
        // asymmetric around the pooled share, and wider above it.
        let mut summary = RatioSummary::default();
        for y in [1.0, 0.0, 2.0, 1.0, 0.0, 1.0, 14.0, 0.0, 2.0, 1.0] {
            summary.add(y, 100.0);
        }
        let p = summary.ratio().unwrap();
        let interval = summary.share_interval().unwrap();
        assert!(interval.high - p > p - interval.low, "{p} {interval:?}");
        assert!(interval.low >= 0.0);
    }
}
