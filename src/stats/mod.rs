//! Statistics over replications (a contract: see docs/src/statistics.md).
//!
//! Replications are independent runs, so the spread of a number between
//! them gives an honest interval even when conversations within one run
//! interact through a shared queue: mean ± t(0.975, R−1) · sd / √R over the R
//! replications' values. Values are accumulated as they come (Welford), so
//! memory does not grow with the number of replications.

use indexmap::IndexMap;
use serde::Serialize;

use crate::metric::{Metric, QueueStat, Stat};

#[cfg(test)]
mod coverage;
mod ratio;

use ratio::RatioSummary;

/// A 95% interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// The lower bound.
    pub low: f64,
    /// The upper bound.
    pub high: f64,
}

impl Interval {
    /// Half the width: the `±` of `58.3% ±1.2`.
    pub fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }

    /// Whether `value` lies inside.
    pub fn contains(&self, value: f64) -> bool {
        (self.low..=self.high).contains(&value)
    }

    /// The interval of `metric` per replication, from the interval the
    /// report states (a count's is that of its total): both bounds through
    /// [`Metric::per_replication`], so the value and its interval are read
    /// on one scale.
    pub fn per_replication(self, metric: &Metric, replications: u32) -> Interval {
        Interval {
            low: metric.per_replication(self.low, replications),
            high: metric.per_replication(self.high, replications),
        }
    }
}

/// Running count, mean and sum of squared deviations (Welford's method,
/// stable where the naive sum of squares cancels).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Summary {
    n: u32,
    mean: f64,
    m2: f64,
}

impl Summary {
    pub fn add(&mut self, value: f64) {
        self.n += 1;
        let delta = value - self.mean;
        self.mean += delta / f64::from(self.n);
        self.m2 += delta * (value - self.mean);
    }

    pub fn count(&self) -> u32 {
        self.n
    }

    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The sample variance (n − 1 in the denominator); 0 below two values.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            self.m2 / f64::from(self.n - 1)
        }
    }

    /// The 95% interval of the mean; `None` below two values.
    pub fn interval(&self) -> Option<Interval> {
        if self.n < 2 {
            return None;
        }
        let half = t_quantile_975(self.n - 1) * (self.variance() / f64::from(self.n)).sqrt();
        Some(Interval {
            low: self.mean - half,
            high: self.mean + half,
        })
    }
}

/// One replication's value of a metric and, when it is one count over
/// another, the two counts: the report pools those over replications, and
/// the interval is built around the pooled ratio (see [`ratio`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Measured {
    pub value: f64,
    pub ratio: Option<Ratio>,
}

/// A ratio's numerator and denominator in one replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ratio {
    pub numerator: f64,
    pub denominator: f64,
    /// Whether it is a share of customers (each counted in the numerator
    /// or not), which gets the score interval; otherwise the t interval.
    pub share: bool,
}

/// A metric's sums over replications.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    summary: Summary,
    ratio: Option<(RatioSummary, bool)>,
}

/// Per-metric summaries over replications, in the order metrics first appeared.
#[derive(Debug, Clone, Default)]
pub(crate) struct Intervals {
    entries: IndexMap<Metric, Entry>,
}

impl Intervals {
    /// Adds one replication's values.
    pub fn add(&mut self, values: Vec<(&Metric, Measured)>) {
        for (position, (metric, measured)) in values.into_iter().enumerate() {
            // Replications of a run name their metrics in the same order, so
            // the summary is usually at the same position: no hashing, and
            // a metric's name is copied only the first time it appears.
            let at = if self
                .entries
                .get_index(position)
                .is_some_and(|(known, _)| known == metric)
            {
                position
            } else if let Some(at) = self.entries.get_index_of(metric) {
                at
            } else {
                self.entries.insert_full(metric.clone(), Entry::default()).0
            };
            let entry = &mut self.entries[at];
            entry.summary.add(measured.value);
            if let Some(ratio) = measured.ratio {
                entry
                    .ratio
                    .get_or_insert((RatioSummary::default(), ratio.share))
                    .0
                    .add(ratio.numerator, ratio.denominator);
            }
        }
    }

    /// The 95% interval of `metric`, as the report states the number:
    /// - a share or rate: around the share pooled over replications (see
    ///   [`ratio`]);
    /// - a count: that of the total over replications;
    /// - anything else: that of the mean over replications.
    ///
    /// A fraction's interval is kept within [0, 1], where the true value
    /// lies. `None` when the metric was measured in fewer than two
    /// replications.
    pub fn interval(&self, metric: &Metric) -> Option<Interval> {
        let entry = self.entries.get(metric)?;
        let mut interval = match &entry.ratio {
            // Only replications that measured it count, as for the mean.
            Some((ratio, _)) if ratio.count() < 2 => return None,
            Some((ratio, true)) => ratio.share_interval()?,
            Some((ratio, false)) => ratio.t_interval()?,
            None => entry.summary.interval()?,
        };
        if metric.is_count() {
            let n = f64::from(entry.summary.count());
            interval = Interval {
                low: interval.low * n,
                high: interval.high * n,
            };
        }
        if metric.is_fraction() {
            interval.low = interval.low.clamp(0.0, 1.0);
            interval.high = interval.high.clamp(0.0, 1.0);
        }
        Some(interval)
    }

    /// The 95% interval of `metric` around `stated`, the value the report
    /// states. A share or rate's interval is built around the pooled share
    /// the report states already. A time statistic other than the maximum
    /// is stated from every replication's times pooled (the p90 of all
    /// waits), while its spread is measured between the replications' own
    /// statistics: the interval is that spread, moved to lie around the
    /// stated value. Anything else as [`Intervals::interval`].
    pub fn interval_around(&self, metric: &Metric, stated: Option<f64>) -> Option<Interval> {
        let interval = self.interval(metric)?;
        let pooled_time = match metric {
            Metric::Time(_, stat) | Metric::Queue(_, QueueStat::Wait(stat)) => *stat != Stat::Max,
            _ => false,
        };
        match stated {
            Some(stated) if pooled_time => {
                let shift = stated - self.entries.get(metric)?.summary.mean();
                Some(Interval {
                    low: (interval.low + shift).max(0.0),
                    high: interval.high + shift,
                })
            }
            _ => Some(interval),
        }
    }

    pub fn summary(&self, metric: &Metric) -> Option<&Summary> {
        self.entries.get(metric).map(|entry| &entry.summary)
    }

    /// A ratio's value pooled over replications, or another number's mean.
    #[cfg(test)]
    fn pooled(&self, metric: &Metric) -> Option<f64> {
        let entry = self.entries.get(metric)?;
        match &entry.ratio {
            Some((ratio, _)) => ratio.ratio(),
            None => Some(entry.summary.mean()),
        }
    }

    /// The standard error of [`Intervals::pooled`].
    #[cfg(test)]
    fn standard_error(&self, metric: &Metric) -> Option<f64> {
        let entry = self.entries.get(metric)?;
        match &entry.ratio {
            Some((ratio, _)) => ratio.variance().map(f64::sqrt),
            None => {
                let n = f64::from(entry.summary.count());
                Some((entry.summary.variance() / n).sqrt())
            }
        }
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom: the
/// multiplier of a two-sided 95% interval. Solved from the distribution
/// function by bisection, to full double precision.
pub(crate) fn t_quantile_975(df: u32) -> f64 {
    t_quantile(0.025, df)
}

/// The quantile of Student's t with `df` degrees of freedom that leaves
/// `upper` in the upper tail (`upper` in (0, 0.5]): the multiplier of a
/// two-sided interval at confidence 1 − 2·`upper`. Solved by bisection, to
/// full double precision. The bracket starts at [0, 1000] and doubles while
/// the quantile lies beyond it: a multiplicity-adjusted level on one degree
/// of freedom reaches far out (t ≈ 3,183 leaves 0.0001).
pub(crate) fn t_quantile(upper: f64, df: u32) -> f64 {
    let df = f64::from(df.max(1));
    let (mut low, mut high) = (0.0f64, 1000.0f64);
    while t_upper_tail(high, df) > upper && high < 1e12 {
        low = high;
        high *= 2.0;
    }
    for _ in 0..200 {
        let mid = (low + high) / 2.0;
        // The bracket is as narrow as doubles allow: no step would move it.
        if mid == low || mid == high {
            break;
        }
        if t_upper_tail(mid, df) > upper {
            low = mid;
        } else {
            high = mid;
        }
    }
    (low + high) / 2.0
}

/// P(T > t) for t ≥ 0: half the regularized incomplete beta
/// I_{df/(df+t²)}(df/2, 1/2).
fn t_upper_tail(t: f64, df: f64) -> f64 {
    0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
}

/// P(T ≥ t) for Student's t with `df` degrees of freedom, for any t
/// (infinite `t` included): a one-sided p-value.
pub(crate) fn t_upper(t: f64, df: u32) -> f64 {
    let df = f64::from(df.max(1));
    if t.is_nan() {
        return 0.5;
    }
    if t >= 0.0 {
        if t.is_infinite() {
            0.0
        } else {
            t_upper_tail(t, df)
        }
    } else if t.is_infinite() {
        1.0
    } else {
        1.0 - t_upper_tail(-t, df)
    }
}

/// McNemar's test, exact form: the two-sided p-value that `lost` and
/// `gained` customers (the discordant pairs: a success under one version
/// only) differ by no more than chance, when each discordant customer was
/// equally likely to go either way. Under that hypothesis the smaller count
/// is Binomial(lost + gained, 1/2), so p = min(1, 2·P(X ≤ min)), with
/// P(X ≤ k) = I_{1/2}(n − k, k + 1). Exact rather than the chi-square
/// approximation, which is poor for the few discordant pairs a small flow
/// change gives, and no dearer to compute here.
pub(crate) fn mcnemar_exact(lost: u64, gained: u64) -> f64 {
    let n = lost + gained;
    let k = lost.min(gained);
    if 2 * k >= n {
        // Includes n = 0: nothing changed, nothing to test.
        return 1.0;
    }
    let tail = incomplete_beta((n - k) as f64, (k + 1) as f64, 0.5);
    (2.0 * tail).min(1.0)
}

/// The regularized incomplete beta function I_x(a, b), by its continued
/// fraction (Lentz's method), using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a)
/// where the fraction converges slowly.
pub(crate) fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let away_from_zero = |v: f64| if v.abs() < TINY { TINY } else { v };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / away_from_zero(1.0 - qab * x / qap);
    let mut h = d;
    // One step of the modified Lentz recurrence with coefficient `aa`.
    let step = |aa: f64, c: &mut f64, d: &mut f64| {
        *d = 1.0 / away_from_zero(1.0 + aa * *d);
        *c = away_from_zero(1.0 + aa / *c);
        *d * *c
    };
    for m in 1..500 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        h *= step(m * (b - m) * x / ((qam + m2) * (a + m2)), &mut c, &mut d);
        let delta = step(
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
            &mut c,
            &mut d,
        );
        h *= delta;
        if (delta - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let series = COEFFICIENTS[1..]
        .iter()
        .enumerate()
        .fold(COEFFICIENTS[0], |sum, (i, c)| {
            sum + c / (x + i as f64 + 1.0)
        });
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + series.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_published_tables() {
        // Values from any t table, to the 4 decimals tables print.
        for (df, expected) in [
            (1, 12.7062),
            (2, 4.3027),
            (5, 2.5706),
            (9, 2.2622),
            (19, 2.0930),
            (30, 2.0423),
            (120, 1.9799),
        ] {
            let t = t_quantile_975(df);
            assert!((t - expected).abs() < 5e-5, "df {df}: {t} vs {expected}");
        }
        // And it tends to the normal quantile.
        assert!((t_quantile_975(1_000_000) - 1.959_964).abs() < 1e-5);
    }

    #[test]
    fn t_tails_and_quantiles_match_published_tables() {
        // Two-sided 99% and 99.9% multipliers, from any t table.
        for (upper, df, expected) in [
            (0.005, 9, 3.2498),
            (0.005, 19, 2.8609),
            (0.0005, 19, 3.8834),
            (0.0005, 1, 636.6192),
        ] {
            let t = t_quantile(upper, df);
            assert!(
                (t - expected).abs() < 5e-4 * expected.max(1.0),
                "{upper} at df {df}: {t} vs {expected}"
            );
            // And the tail at the quantile is the level asked for.
            assert!((t_upper(t, df) - upper).abs() < 1e-12);
        }
        // Beyond the first bracket: 0.0001 on one degree of freedom.
        let far = t_quantile(0.0001, 1);
        assert!((far - 3_183.1).abs() < 0.1, "{far}");
        // The tail on either side, and at the ends.
        assert!((t_upper(0.0, 5) - 0.5).abs() < 1e-15);
        assert!((t_upper(-2.5706, 5) - 0.975).abs() < 1e-5);
        assert_eq!(t_upper(f64::INFINITY, 5), 0.0);
        assert_eq!(t_upper(f64::NEG_INFINITY, 5), 1.0);
    }

    #[test]
    fn welford_matches_the_textbook_formulas() {
        let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let mut summary = Summary::default();
        values.iter().for_each(|v| summary.add(*v));
        assert_eq!(summary.mean(), 5.0);
        // Sum of squared deviations is 32; sample variance 32/7.
        assert!((summary.variance() - 32.0 / 7.0).abs() < 1e-12);
        let interval = summary.interval().unwrap();
        let half = t_quantile_975(7) * (32.0f64 / 7.0 / 8.0).sqrt();
        assert!((interval.low - (5.0 - half)).abs() < 1e-12);
        assert!((interval.high - (5.0 + half)).abs() < 1e-12);
    }

    #[test]
    fn one_replication_has_no_interval() {
        let mut summary = Summary::default();
        summary.add(1.0);
        assert_eq!(summary.interval(), None);
    }

    #[test]
    fn mcnemar_matches_the_binomial_tail() {
        // 0 against 10: 2 · (1/2)^10.
        assert!((mcnemar_exact(0, 10) - 2.0 / 1024.0).abs() < 1e-15);
        assert!((mcnemar_exact(10, 0) - 2.0 / 1024.0).abs() < 1e-15);
        // 5 against 15: P(X <= 5) for Binomial(20, 1/2) is 21700 / 2^20.
        let expected = 2.0 * 21_700.0 / 1_048_576.0;
        assert!((mcnemar_exact(5, 15) - expected).abs() < 1e-12);
        // Even splits and nothing at all are no evidence.
        assert_eq!(mcnemar_exact(7, 7), 1.0);
        assert_eq!(mcnemar_exact(0, 0), 1.0);
        assert!((mcnemar_exact(1, 0) - 1.0).abs() < 1e-12);
        // Large counts stay in [0, 1].
        let p = mcnemar_exact(4_000, 4_400);
        assert!(p > 0.0 && p < 0.01, "{p}");
    }

    #[test]
    fn incomplete_beta_matches_closed_forms() {
        // I_x(1, 1) = x; I_x(a, 1) = x^a.
        assert!((incomplete_beta(1.0, 1.0, 0.3) - 0.3).abs() < 1e-12);
        assert!((incomplete_beta(2.5, 1.0, 0.4) - 0.4f64.powf(2.5)).abs() < 1e-12);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
    }
}
