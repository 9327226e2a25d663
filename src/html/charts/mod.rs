//! The charts of the HTML report. Each is a function from plain data
//! (labels, numbers, intervals) to an [`Svg`](super::svg::Svg), so it can be
//! tested and reused without a report:
//!
//! | chart | for |
//! | --- | --- |
//! | [`stacked_bar`] | shares of a whole: the outcome partition |
//! | [`small_multiples`] | the same shares per persona, segment or variant |
//! | [`interval_bars`] | rates (or times) with their 95% intervals |
//! | [`diverging_bars`] | differences B − A with intervals and a verdict |
//! | `durations` | a bucketed duration distribution, log time axis, percentile markers |
//! | `funnel` | entered and abandoned per node, in flow order |
//! | `paired_funnel` | the same per node under version A and version B |
//! | `stages` | counts that narrow step by step: a campaign from sent to converted |
//! | `heat_map` | a transition table: outcome under A × outcome under B |
//! | `thresholds` | measured values against the bounds they must keep (a CI gate) |
//!
//! Every chart is 480 units wide and scales with the page (on a phone to
//! about 390 pixels, text staying above 8.5 pixels); its height follows its
//! data. It has `role="img"`, an `aria-label` and `<title>` (the
//! title given) and a `<desc>` that states every number drawn, so a screen
//! reader, a text browser or a search gets the same facts as the picture.
//! Categories differ by colour *and* texture, markers by dash style *and*
//! label, verdicts by colour *and* a word and arrow.
//!
//! Inputs are checked, not trusted: NaN counts as 0, intervals are ordered,
//! shares that add up to more than 1 are scaled down, and mismatched lengths
//! draw what there is. No input makes a chart panic.

mod durations;
mod funnel;
mod heat_map;
mod intervals;
mod moves;
mod shares;
mod stages;
mod thresholds;

pub use durations::{Bucket, Marker, durations};
pub use funnel::{FunnelStep, funnel};
pub use heat_map::{Transitions, heat_map};
pub use intervals::{ChartVerdict, Difference, diverging_bars, interval_bars};
pub use moves::{NodeMove, paired_funnel};
pub use shares::{Group, small_multiples, stacked_bar};
pub use stages::{Stage, stages};
pub use thresholds::{Gate, Threshold, thresholds};

use super::format::{duration, fixed, percent, thousands};
use super::svg::finite_or;

/// Every chart's width in SVG units; the page scales it to the column.
pub const WIDTH: f64 = 480.0;
/// Left and right margin inside a chart.
const PAD: f64 = 12.0;
/// Height of a line of chart text.
const LINE: f64 = 18.0;

/// A value with an optional 95% interval, under a label: a share, a rate or
/// a time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate<'a> {
    /// What the value is, as the reader should see it (`Self-resolved`).
    pub label: &'a str,
    /// The point estimate.
    pub value: f64,
    /// The 95% interval `(low, high)`, when there were enough replications.
    pub ci95: Option<(f64, f64)>,
}

impl<'a> Estimate<'a> {
    /// An estimate without an interval.
    pub fn new(label: &'a str, value: f64) -> Estimate<'a> {
        Estimate {
            label,
            value,
            ci95: None,
        }
    }

    /// The same estimate with a 95% interval.
    pub fn with_ci95(self, low: f64, high: f64) -> Estimate<'a> {
        Estimate {
            ci95: Some((low, high)),
            ..self
        }
    }

    /// The value as a finite number (NaN becomes 0).
    fn finite_value(&self) -> f64 {
        finite_or(self.value, 0.0)
    }

    /// The interval with finite, ordered bounds.
    fn interval(&self) -> Option<(f64, f64)> {
        let (low, high) = self.ci95?;
        let (low, high) = (
            finite_or(low, self.finite_value()),
            finite_or(high, self.finite_value()),
        );
        Some((low.min(high), low.max(high)))
    }
}

/// What the numbers of a chart measure, which decides how they print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Fractions in [0, 1], shown as percentages (differences as
    /// percentage points).
    Fraction,
    /// Durations in seconds, shown as `850ms`, `1.25s`, `4m 05s`.
    Seconds,
    /// Counts and other plain numbers, shown as `1,204` or `4.25`.
    Count,
    /// Numbers read to a fixed number of decimals, with thousands grouped:
    /// a CSAT score or turns (`4.12`, 2 decimals), an amount of money
    /// (`4,757.30`, or `0.0041` per conversation with 4). The caller picks
    /// the decimals, so a page prints a number as its tables do.
    Decimal(u8),
}

impl Unit {
    /// `value` as this unit prints it.
    pub fn show(self, value: f64) -> String {
        match self {
            Unit::Fraction => percent(value),
            Unit::Seconds => duration(value),
            Unit::Count if !value.is_finite() => "–".to_string(),
            Unit::Count if value.fract() == 0.0 && (0.0..1e15).contains(&value) => {
                thousands(value as u64)
            }
            Unit::Count => {
                let text = fixed(value, 2);
                text.trim_end_matches('0').trim_end_matches('.').to_string()
            }
            Unit::Decimal(_) if !value.is_finite() => "–".to_string(),
            Unit::Decimal(decimals) => {
                let text = grouped(&fixed(value.abs(), usize::from(decimals)));
                if value < 0.0 && text.chars().any(|c| ('1'..='9').contains(&c)) {
                    format!("−{text}")
                } else {
                    text
                }
            }
        }
    }

    /// The smallest step this unit prints, for an axis that must not
    /// shrink to nothing: a hundredth for `Decimal(2)`.
    fn resolution(self) -> f64 {
        match self {
            Unit::Decimal(decimals) => 10f64.powi(-i32::from(decimals)),
            _ => 1.0,
        }
    }
}

/// `1234567.50` → `1,234,567.50`: thousands grouped in the whole part of a
/// number printed without a sign.
fn grouped(number: &str) -> String {
    let (whole, rest) = number.split_at(number.find('.').unwrap_or(number.len()));
    match whole.parse::<u64>() {
        Ok(whole) => format!("{}{rest}", thousands(whole)),
        Err(_) => number.to_string(),
    }
}

/// A round upper end for an axis that must reach `max`, in `unit`: 1, 2 or
/// 5 times a power of ten for fractions and counts, a whole clock unit for
/// seconds.
fn nice_max(max: f64, unit: Unit) -> f64 {
    let steps: &[f64] = match unit {
        Unit::Fraction => &[0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0],
        Unit::Seconds => &[
            0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0,
            1800.0, 3600.0, 7200.0, 21_600.0, 43_200.0, 86_400.0,
        ],
        Unit::Count | Unit::Decimal(_) => {
            let max = finite_or(max, 0.0).max(unit.resolution());
            let decade = 10f64.powi(max.log10().floor() as i32);
            return [1.0, 2.0, 5.0, 10.0]
                .into_iter()
                .map(|step| step * decade)
                .find(|&end| max <= end * (1.0 + 1e-9))
                .unwrap_or(10.0 * decade);
        }
    };
    let max = finite_or(max, 0.0);
    for &step in steps {
        if max <= step {
            return step;
        }
    }
    // Beyond the table: whole multiples of the last step.
    let last = steps[steps.len() - 1];
    (max / last).ceil() * last
}

/// ` (95% CI 60.0%–62.0%)` for a description, or nothing.
fn ci_text(ci95: Option<(f64, f64)>, unit: Unit) -> String {
    match ci95 {
        Some((low, high)) => format!(" (95% CI {}–{})", unit.show(low), unit.show(high)),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_max(0.034, Unit::Fraction), 0.05);
        assert_eq!(nice_max(0.0, Unit::Fraction), 0.01);
        assert_eq!(nice_max(0.7, Unit::Fraction), 1.0);
        assert_eq!(nice_max(1.3, Unit::Fraction), 2.0);
        assert_eq!(nice_max(42.0, Unit::Seconds), 60.0);
        assert_eq!(nice_max(f64::NAN, Unit::Seconds), 0.1);
        assert_eq!(nice_max(100_000.0, Unit::Seconds), 172_800.0);
        assert_eq!(nice_max(0.0, Unit::Count), 1.0);
        assert_eq!(nice_max(37.0, Unit::Count), 50.0);
        assert_eq!(nice_max(200.0, Unit::Count), 200.0);
        assert_eq!(nice_max(1201.0, Unit::Count), 2000.0);
        assert_eq!(nice_max(0.0031, Unit::Decimal(4)), 0.005);
        assert_eq!(nice_max(0.0, Unit::Decimal(2)), 0.01);
        assert_eq!(nice_max(0.07, Unit::Decimal(2)), 0.1);
    }

    #[test]
    fn counts_print_whole_or_with_two_decimals() {
        assert_eq!(Unit::Count.show(1204.0), "1,204");
        assert_eq!(Unit::Count.show(4.25), "4.25");
        assert_eq!(Unit::Count.show(4.5), "4.5");
        assert_eq!(Unit::Count.show(f64::NAN), "–");
    }

    #[test]
    fn decimals_are_fixed_and_grouped() {
        assert_eq!(Unit::Decimal(2).show(4757.3), "4,757.30");
        assert_eq!(Unit::Decimal(4).show(0.0041), "0.0041");
        assert_eq!(Unit::Decimal(2).show(-0.04), "−0.04");
        assert_eq!(Unit::Decimal(2).show(-0.001), "0.00");
        assert_eq!(Unit::Decimal(2).show(f64::INFINITY), "–");
    }
}
