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
//! | [`durations`] | a bucketed duration distribution, log time axis, percentile markers |
//! | [`funnel`] | entered and abandoned per node, in flow order |
//! | [`heat_map`] | a transition table: outcome under A × outcome under B |
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
mod shares;

pub use durations::{Bucket, Marker, durations};
pub use funnel::{FunnelStep, funnel};
pub use heat_map::{Transitions, heat_map};
pub use intervals::{Difference, Verdict, diverging_bars, interval_bars};
pub use shares::{Group, small_multiples, stacked_bar};

use super::format::{duration, percent};
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
}

impl Unit {
    fn show(self, value: f64) -> String {
        match self {
            Unit::Fraction => percent(value),
            Unit::Seconds => duration(value),
        }
    }
}

/// ` (95% CI 60.0%–62.0%)` for a description, or nothing.
fn ci_text(ci95: Option<(f64, f64)>, unit: Unit) -> String {
    match ci95 {
        Some((low, high)) => format!(" (95% CI {}–{})", unit.show(low), unit.show(high)),
        None => String::new(),
    }
}
