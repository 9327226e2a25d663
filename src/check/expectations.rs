//! Verdicts on a scenario's `expect:` entries (see docs/src/statistics.md).
//!
//! `abandonment: "<= 0.12"` gates on the point estimate, the number the
//! report prints. `abandonment: "<= 0.12 at 95%"` gates on the 95% interval
//! over replications: it passes when the whole interval satisfies the
//! condition, fails when none of it does, and is inconclusive when the
//! interval straddles the bound; inconclusive fails the gate, and more
//! replications (a narrower interval) settle it.
//!
//! A count (`conversations`, `funnel.NODE.entered`, a campaign's `sent`…)
//! is gated per replication: the report's total divided by its
//! replications, with the interval of that mean
//! ([`Metric::per_replication`]). `conversations: ">= 1000"` means 1,000
//! conversations in one `duration` of traffic, whether `check` runs 20
//! replications or 40.

use crate::metric::Metric;
use crate::model::expectation::{Expectation, Operator};
use crate::model::scenario::MAX_REPLICATIONS;
use crate::stats::Interval;

/// The outcome of one expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectationVerdict {
    /// The condition holds.
    Pass,
    /// The condition does not hold (or the number was not measured).
    Fail,
    /// `at 95%`: the interval straddles the bound, or there is no interval
    /// (a single replication); more replications settle it.
    Inconclusive,
}

impl ExpectationVerdict {
    /// `pass`, `fail` or `inconclusive`.
    pub fn word(self) -> &'static str {
        match self {
            ExpectationVerdict::Pass => "pass",
            ExpectationVerdict::Fail => "fail",
            ExpectationVerdict::Inconclusive => "inconclusive",
        }
    }
}

/// The verdict on `expectation` for a measured `value` (the report's point
/// estimate, `None` when nothing was measured) and its 95% `interval`.
pub fn verdict(
    expectation: &Expectation,
    value: Option<f64>,
    interval: Option<Interval>,
) -> ExpectationVerdict {
    let holds = |v: f64| expectation.operator.holds(v, expectation.threshold);
    let Some(value) = value else {
        return ExpectationVerdict::Fail;
    };
    if !expectation.on_interval {
        return if holds(value) {
            ExpectationVerdict::Pass
        } else {
            ExpectationVerdict::Fail
        };
    }
    let Some(interval) = interval else {
        return ExpectationVerdict::Inconclusive;
    };
    // The end of the interval that is hardest to satisfy, and the easiest.
    let (worst, best) = match expectation.operator {
        Operator::AtMost | Operator::Below => (interval.high, interval.low),
        Operator::AtLeast | Operator::Above => (interval.low, interval.high),
    };
    if holds(worst) {
        ExpectationVerdict::Pass
    } else if holds(best) {
        ExpectationVerdict::Inconclusive
    } else {
        ExpectationVerdict::Fail
    }
}

/// One expectation checked against a run.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectationCheck {
    /// The expectation, as the scenario states it.
    pub expectation: Expectation,
    /// The point estimate the verdict reads: the report's, per replication
    /// for a count; `None` when nothing was measured.
    pub value: Option<f64>,
    /// The 95% interval over replications of `value`, when there are two
    /// or more.
    pub interval: Option<Interval>,
    /// A count's total over all replications, as the report states it;
    /// `None` for any other number.
    pub total: Option<f64>,
    /// How many replications ran.
    pub replications: u32,
    /// The verdict.
    pub verdict: ExpectationVerdict,
}

impl ExpectationCheck {
    /// Checks `expectation` against the report's value and 95% interval of
    /// its metric over `replications` (for a count, those of the total),
    /// read per replication ([`Metric::per_replication`]).
    pub fn new(
        expectation: &Expectation,
        value: Option<f64>,
        interval: Option<Interval>,
        replications: u32,
    ) -> ExpectationCheck {
        let metric = &expectation.metric;
        let total = value.filter(|_| metric.is_count());
        let value = value.map(|value| metric.per_replication(value, replications));
        let interval = interval.map(|interval| interval.per_replication(metric, replications));
        ExpectationCheck {
            expectation: expectation.clone(),
            value,
            interval,
            total,
            replications,
            verdict: verdict(expectation, value, interval),
        }
    }

    /// A value the verdict reads, in the metric's unit, with ` per
    /// replication` after a count: `12.5%`, `1203.4 per replication`.
    fn shown(&self, value: f64) -> String {
        let metric = &self.expectation.metric;
        format!("{}{}", show(metric, value), per(metric))
    }

    /// A count's total as the report states it, grouped in thousands
    /// (`48,120`); `None` for any other number.
    fn total_shown(&self) -> Option<String> {
        let total = self.total?;
        Some(if total >= 0.0 && total.fract() == 0.0 && total < 1e15 {
            crate::report::table::thousands(total as u64)
        } else {
            show(&self.expectation.metric, total)
        })
    }

    /// ` (48,120 in total over 40 replications)` after a count's value;
    /// nothing after any other number.
    fn in_total(&self) -> String {
        self.total_shown().map_or(String::new(), |total| {
            format!(
                " ({total} in total over {} replication{})",
                self.replications,
                if self.replications == 1 { "" } else { "s" }
            )
        })
    }

    /// The condition as users read it: `abandonment <= 12%`, with ` at 95%`
    /// when it gates on the interval.
    pub fn condition(&self) -> String {
        format!(
            "{} {}",
            self.expectation.name,
            self.bound()
                + if self.expectation.on_interval {
                    " at 95%"
                } else {
                    ""
                }
        )
    }

    /// The bound in the metric's unit: `<= 12%`, `<= 3s`.
    pub fn bound(&self) -> String {
        format!(
            "{} {}",
            self.expectation.operator,
            show(&self.expectation.metric, self.expectation.threshold)
        )
    }

    /// The measured value with its interval: `15.3% ±0.9`, `2.332s ±0.05s`,
    /// `1203.4 ±12.1 per replication (48,136 in total over 40
    /// replications)`, or `not measured`.
    pub fn measured(&self) -> String {
        match self.value {
            Some(_) => format!("{}{}", self.estimate(), self.in_total()),
            None => "not measured".to_string(),
        }
    }

    /// The value the verdict reads with its `±`, and ` per replication`
    /// after a count: `15.3% ±0.9`, `1203.4 ±12.1 per replication`.
    fn estimate(&self) -> String {
        let Some(value) = self.value else {
            return "not measured".to_string();
        };
        let metric = &self.expectation.metric;
        let value = match self.interval {
            Some(interval) => format!("{} {}", show(metric, value), plus_minus(metric, interval)),
            None => show(metric, value),
        };
        format!("{value}{}", per(metric))
    }

    /// One line on what went wrong, for a failure's title; `None` on a pass.
    pub fn problem(&self) -> Option<String> {
        let name = &self.expectation.name;
        let metric = &self.expectation.metric;
        match (self.verdict, self.value, self.interval) {
            (ExpectationVerdict::Pass, ..) => None,
            (_, None, _) => Some(format!(
                "`{name}` was not measured (no conversation reached it), so `{}` cannot hold",
                self.bound()
            )),
            (ExpectationVerdict::Inconclusive, Some(_), Some(interval)) => Some(format!(
                "`{name}` is inconclusive: its 95% interval {}{} straddles the bound {}",
                range(metric, interval),
                per(metric),
                self.bound()
            )),
            (ExpectationVerdict::Inconclusive, Some(value), None) => Some(format!(
                "`{name}` is inconclusive: {} from {} replication has no interval to hold to {} at 95%",
                self.shown(value),
                self.replications,
                self.bound()
            )),
            (ExpectationVerdict::Fail, Some(value), Some(interval))
                if self.expectation.on_interval =>
            {
                Some(format!(
                    "`{name}` is {}, and its whole 95% interval {}{} misses {}",
                    self.shown(value),
                    range(metric, interval),
                    per(metric),
                    self.bound()
                ))
            }
            (_, Some(value), _) => Some(format!(
                "`{name}` is {}, which is not {}",
                self.shown(value),
                self.bound()
            )),
        }
    }

    /// The numbers behind the verdict: `15.3% ±0.9 (95% interval
    /// 14.4%–16.2%, 20 replications); bound <= 12%`.
    pub fn details(&self) -> String {
        let metric = &self.expectation.metric;
        // A count's total, after the replications it adds up over.
        let total = self
            .total_shown()
            .map_or(String::new(), |total| format!("; {total} in total"));
        let spread = match (self.value, self.interval) {
            (Some(_), Some(interval)) => format!(
                " (95% interval {}, {} replications{total})",
                range(metric, interval),
                self.replications
            ),
            (Some(_), None) => format!(
                " ({} replication{}, no interval{total})",
                self.replications,
                if self.replications == 1 { "" } else { "s" }
            ),
            (None, _) => String::new(),
        };
        format!(
            "measured {}{spread}; bound {}{}",
            self.estimate(),
            self.bound(),
            if self.expectation.on_interval {
                " at 95%"
            } else {
                ""
            }
        )
    }

    /// What to do about an inconclusive verdict: how many replications
    /// would, at the current estimate, narrow the interval enough to settle
    /// it (the half-width shrinks with the square root of their number).
    pub fn advice(&self) -> Option<String> {
        if self.verdict != ExpectationVerdict::Inconclusive {
            return None;
        }
        let generic = "run more replications (`--replications N`, or `replications:` in the scenario) to narrow the interval";
        let (Some(value), Some(interval)) = (self.value, self.interval) else {
            return Some(format!(
                "{generic}: an interval needs at least 2, and 10 or more give useful ones"
            ));
        };
        let distance = (value - self.expectation.threshold).abs();
        let half = interval.half_width();
        if distance <= 0.0 || half <= 0.0 {
            return Some(generic.to_string());
        }
        let needed = (f64::from(self.replications) * (half / distance).powi(2) * 1.1).round();
        if needed > f64::from(MAX_REPLICATIONS) || needed <= f64::from(self.replications) {
            return Some(format!(
                "{generic}; the estimate is very close to the bound, so consider whether the bound is the one you mean"
            ));
        }
        Some(format!(
            "{generic}: at this estimate, about {} replications would settle it",
            needed as u64
        ))
    }
}

/// ` per replication` after a count's interval; nothing after any other.
fn per(metric: &Metric) -> &'static str {
    if metric.is_count() {
        " per replication"
    } else {
        ""
    }
}

/// A number in its metric's unit: fractions as percentages (`12.5%`),
/// times as durations (`2.332s`, `3m 05s`), counts as they are.
pub fn show(metric: &Metric, value: f64) -> String {
    if metric.is_fraction() {
        format!("{}%", trimmed(value * 100.0, 2))
    } else if metric.is_time() {
        seconds(value)
    } else {
        trimmed(value, 2)
    }
}

/// The half-width of an interval in the metric's unit, after `±`:
/// percentage points for fractions (`±1.2`), seconds for times.
pub fn plus_minus(metric: &Metric, interval: Interval) -> String {
    let half = interval.half_width();
    if metric.is_fraction() {
        format!("±{:.1}", half * 100.0)
    } else if metric.is_time() && half.abs() >= 1.0 {
        format!("±{}s", trimmed(half, 1))
    } else if metric.is_time() {
        format!("±{}", seconds(half))
    } else {
        format!("±{}", trimmed(half, 1))
    }
}

/// `14.4%–16.2%`
pub fn range(metric: &Metric, interval: Interval) -> String {
    format!(
        "{}–{}",
        show(metric, interval.low),
        show(metric, interval.high)
    )
}

/// `2.332s` below a minute; `3m`, `3m 05s`, `1h 02m` above.
fn seconds(value: f64) -> String {
    if value.abs() < 60.0 {
        return format!("{}s", trimmed(value, 3));
    }
    let total = value.round() as u64;
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60);
    match (hours, minutes, secs) {
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, 0) => format!("{h}h {m:02}m"),
        (h, m, s) => format!("{h}h {m:02}m {s:02}s"),
    }
}

/// `value` with at most `decimals` decimals, trailing zeros removed.
fn trimmed(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(low: f64, high: f64) -> Option<Interval> {
        Some(Interval { low, high })
    }

    fn expect(name: &str, condition: &str) -> Expectation {
        Expectation::parse(name, condition).unwrap()
    }

    #[test]
    fn point_estimates_follow_each_operator() {
        let cases = [
            ("<= 0.12", 0.12, ExpectationVerdict::Pass),
            ("<= 0.12", 0.1201, ExpectationVerdict::Fail),
            ("< 0.12", 0.12, ExpectationVerdict::Fail),
            ("< 0.12", 0.1199, ExpectationVerdict::Pass),
            (">= 0.12", 0.12, ExpectationVerdict::Pass),
            (">= 0.12", 0.1199, ExpectationVerdict::Fail),
            ("> 0.12", 0.12, ExpectationVerdict::Fail),
            ("> 0.12", 0.1201, ExpectationVerdict::Pass),
        ];
        for (condition, value, expected) in cases {
            // The interval does not matter without `at 95%`.
            let e = expect("abandonment", condition);
            assert_eq!(
                verdict(&e, Some(value), interval(0.0, 1.0)),
                expected,
                "{condition} on {value}"
            );
        }
    }

    #[test]
    fn intervals_pass_fail_or_straddle() {
        let cases = [
            // <=: the upper end decides a pass, the lower end a failure.
            ("<= 0.12 at 95%", (0.08, 0.12), ExpectationVerdict::Pass),
            (
                "<= 0.12 at 95%",
                (0.10, 0.13),
                ExpectationVerdict::Inconclusive,
            ),
            (
                "<= 0.12 at 95%",
                (0.12, 0.14),
                ExpectationVerdict::Inconclusive,
            ),
            ("<= 0.12 at 95%", (0.1201, 0.14), ExpectationVerdict::Fail),
            (
                "< 0.12 at 95%",
                (0.08, 0.12),
                ExpectationVerdict::Inconclusive,
            ),
            ("< 0.12 at 95%", (0.12, 0.14), ExpectationVerdict::Fail),
            (">= 0.5 at 95%", (0.5, 0.6), ExpectationVerdict::Pass),
            (
                ">= 0.5 at 95%",
                (0.45, 0.55),
                ExpectationVerdict::Inconclusive,
            ),
            (">= 0.5 at 95%", (0.40, 0.4999), ExpectationVerdict::Fail),
            ("> 0.5 at 95%", (0.5, 0.6), ExpectationVerdict::Inconclusive),
            ("> 0.5 at 95%", (0.5001, 0.6), ExpectationVerdict::Pass),
            ("> 0.5 at 95%", (0.4, 0.5), ExpectationVerdict::Fail),
        ];
        for (condition, (low, high), expected) in cases {
            let e = expect("self_resolution", condition);
            let middle = (low + high) / 2.0;
            assert_eq!(
                verdict(&e, Some(middle), interval(low, high)),
                expected,
                "{condition} on [{low}, {high}]"
            );
        }
    }

    #[test]
    fn no_interval_or_no_value() {
        let on_interval = expect("abandonment", "<= 0.12 at 95%");
        assert_eq!(
            verdict(&on_interval, Some(0.01), None),
            ExpectationVerdict::Inconclusive
        );
        let point = expect("response_time.queue_wait.p90", "<= 3m");
        assert_eq!(verdict(&point, None, None), ExpectationVerdict::Fail);
        assert_eq!(verdict(&on_interval, None, None), ExpectationVerdict::Fail);
    }

    #[test]
    fn units_are_read_and_shown_in_the_metric_s_terms() {
        // Times: the threshold is in seconds, whatever unit it was written in.
        let time = expect("response_time.bot.p95", "<= 3s");
        assert_eq!(verdict(&time, Some(2.999), None), ExpectationVerdict::Pass);
        assert_eq!(verdict(&time, Some(3.001), None), ExpectationVerdict::Fail);
        let minutes = expect("response_time.queue_wait.p90", "< 2m");
        assert_eq!(
            verdict(&minutes, Some(119.9), None),
            ExpectationVerdict::Pass
        );
        assert_eq!(
            verdict(&minutes, Some(120.0), None),
            ExpectationVerdict::Fail
        );
        // Percentages are fractions.
        let percent = expect("abandonment", "<= 15%");
        assert_eq!(
            verdict(&percent, Some(0.15), None),
            ExpectationVerdict::Pass
        );
        assert_eq!(
            verdict(&percent, Some(0.1501), None),
            ExpectationVerdict::Fail
        );
        // Counts are plain numbers.
        let count = expect("funnel.ask_order.abandoned", "<= 40");
        assert_eq!(verdict(&count, Some(40.0), None), ExpectationVerdict::Pass);
        assert_eq!(verdict(&count, Some(41.0), None), ExpectationVerdict::Fail);

        let check = ExpectationCheck::new(&percent, Some(0.153), interval(0.144, 0.162), 20);
        assert_eq!(check.condition(), "abandonment <= 15%");
        assert_eq!(check.measured(), "15.3% ±0.9");
        assert_eq!(
            check.details(),
            "measured 15.3% ±0.9 (95% interval 14.4%–16.2%, 20 replications); bound <= 15%"
        );
        assert_eq!(
            check.problem().unwrap(),
            "`abandonment` is 15.3%, which is not <= 15%"
        );
        let check = ExpectationCheck::new(&time, Some(3.25), interval(3.2, 3.3), 10);
        assert_eq!(check.measured(), "3.25s ±0.05s");
        assert_eq!(check.bound(), "<= 3s");
        let check = ExpectationCheck::new(&minutes, Some(150.0), None, 1);
        assert_eq!(check.measured(), "2m 30s");
        assert_eq!(check.bound(), "< 2m");
        // A count is read per replication: 410 abandonments over 10
        // replications are 41 per replication.
        let check = ExpectationCheck::new(&count, Some(410.0), interval(355.0, 465.0), 10);
        assert_eq!(
            check.measured(),
            "41 ±5.5 per replication (410 in total over 10 replications)"
        );
    }

    #[test]
    fn counts_are_gated_per_replication_whatever_the_replications() {
        // The same flow at 20 and at 40 replications: about 1,203
        // conversations a replication, so a total about twice as large, and
        // an interval of the total about √2 · 2 times as wide. The
        // per-replication mean and its interval are what the bound reads,
        // so the verdict does not depend on how many replications ran.
        let e = expect("conversations", ">= 1200 at 95%");
        let twenty = ExpectationCheck::new(&e, Some(24_060.0), interval(24_030.0, 24_090.0), 20);
        let forty = ExpectationCheck::new(&e, Some(48_120.0), interval(48_077.6, 48_162.4), 40);
        for check in [&twenty, &forty] {
            assert_eq!(check.value, Some(1203.0));
            assert_eq!(check.verdict, ExpectationVerdict::Pass, "{check:?}");
        }
        assert_eq!(forty.interval.unwrap().low, 48_077.6 / 40.0);
        assert_eq!(forty.total, Some(48_120.0));
        assert_eq!(
            forty.measured(),
            "1203 ±1.1 per replication (48,120 in total over 40 replications)"
        );
        assert_eq!(
            forty.details(),
            "measured 1203 ±1.1 per replication (95% interval 1201.94–1204.06, 40 replications; 48,120 in total); bound >= 1200 at 95%"
        );
        // A failure names the per-replication value.
        let strict = expect("conversations", ">= 1300");
        let failed = ExpectationCheck::new(&strict, Some(48_120.0), None, 40);
        assert_eq!(
            failed.problem().unwrap(),
            "`conversations` is 1203 per replication, which is not >= 1300"
        );
        // Anything but a count is as the report states it.
        let rate = expect("abandonment", "<= 0.12");
        let check = ExpectationCheck::new(&rate, Some(0.1), interval(0.09, 0.11), 40);
        assert_eq!((check.value, check.total), (Some(0.1), None));
        assert_eq!(check.interval, interval(0.09, 0.11));
    }

    #[test]
    fn inconclusive_says_how_many_replications_would_settle_it() {
        let e = expect("abandonment", "<= 0.12 at 95%");
        // Estimate 0.11, half-width 0.02: the interval must shrink to 0.01,
        // so about four times the replications (with 10% to spare).
        let check = ExpectationCheck::new(&e, Some(0.11), interval(0.09, 0.13), 10);
        assert_eq!(check.verdict, ExpectationVerdict::Inconclusive);
        let advice = check.advice().unwrap();
        assert!(advice.contains("about 44 replications"), "{advice}");
        assert!(
            check
                .problem()
                .unwrap()
                .contains("straddles the bound <= 12%")
        );
        let single = ExpectationCheck::new(&e, Some(0.11), None, 1);
        assert!(single.advice().unwrap().contains("at least 2"));
        assert!(
            ExpectationCheck::new(&e, Some(0.05), interval(0.04, 0.06), 10)
                .advice()
                .is_none()
        );
    }
}
