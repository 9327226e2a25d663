//! Values with intervals: bars from zero with whiskers, and differences
//! diverging from zero with a verdict.

use super::{Estimate, PAD, Unit, WIDTH, ci_text, nice_max};
use crate::html::format::{duration, percentage_points, signed};
use crate::html::svg::{Anchor, Canvas, Svg, finite_or, fit_note, text_width};

/// What a comparison concluded about one metric, decided by the caller's
/// statistics (see docs/src/statistics.md), not by the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartVerdict {
    /// B is better than A beyond the interval.
    Better,
    /// B is worse than A beyond the interval.
    Worse,
    /// The interval includes no change.
    NoChange,
    /// Changed beyond the interval, for a number with no better direction
    /// (escalation: more handoffs may be fewer customers lost).
    Changed,
    /// Too few replications for an interval: nothing can be judged.
    NoInterval,
}

impl ChartVerdict {
    /// The verdict in words, with an arrow so it reads without colour.
    pub fn text(self) -> &'static str {
        match self {
            ChartVerdict::Better => "▲ better",
            ChartVerdict::Worse => "▼ worse",
            ChartVerdict::NoChange => "● no change",
            ChartVerdict::Changed => "◆ changed",
            ChartVerdict::NoInterval => "○ no interval",
        }
    }

    fn class(self) -> &'static str {
        match self {
            ChartVerdict::Better => "good",
            ChartVerdict::Worse => "bad",
            ChartVerdict::NoChange | ChartVerdict::Changed | ChartVerdict::NoInterval => "neutral",
        }
    }
}

/// One metric's difference B − A in a [`diverging_bars`] chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference<'a> {
    /// The metric (`Self-resolution`, `Bot p95`).
    pub label: &'a str,
    /// B − A.
    pub delta: f64,
    /// The 95% interval of B − A.
    pub ci95: Option<(f64, f64)>,
    /// Whether that difference is better, worse or no change for users.
    pub verdict: ChartVerdict,
}

/// The label column's right edge and the plot's left edge, shared by both
/// charts so they line up when shown one above the other (differences
/// with long labels move both a little to the right).
const LABEL_END: f64 = 120.0;
const PLOT_X: f64 = 130.0;
const BAR_H: f64 = 14.0;

/// Rates (or times) as bars from zero, each with its 95% interval as a
/// whisker and the value and interval printed at the right. Fractions are
/// drawn on a fixed 0–100% axis, so two charts compare; seconds on an axis
/// that reaches the largest upper bound.
pub fn interval_bars(title: &str, unit: Unit, estimates: &[Estimate<'_>]) -> Svg {
    let with_ci = estimates.iter().any(|e| e.ci95.is_some());
    let row = if with_ci { 34.0 } else { 24.0 };
    let top = 8.0;
    let height = top + estimates.len() as f64 * row + 22.0;

    let axis_max = match unit {
        Unit::Fraction => 1.0,
        Unit::Seconds | Unit::Count | Unit::Decimal(_) => nice_max(
            estimates
                .iter()
                .map(|e| e.interval().map_or(e.finite_value(), |(_, high)| high))
                .fold(0.0, f64::max),
            unit,
        ),
    };
    const PLOT_W: f64 = 200.0;
    let x_of = |value: f64| PLOT_X + (finite_or(value, 0.0) / axis_max).clamp(0.0, 1.0) * PLOT_W;

    let desc = estimates
        .iter()
        .map(|e| {
            format!(
                "{} {}{}",
                e.label,
                unit.show(e.value),
                ci_text(e.interval(), unit)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut canvas = Canvas::new(WIDTH, height, title, &desc);

    let axis_y = top + estimates.len() as f64 * row;
    for tick in 0..=4 {
        let value = axis_max * f64::from(tick) / 4.0;
        let x = x_of(value);
        canvas.line(
            x,
            top - 4.0,
            x,
            axis_y,
            if tick == 0 { "axis" } else { "grid" },
        );
        if unit == Unit::Fraction || tick % 2 == 0 {
            canvas.text(x, axis_y + 14.0, Anchor::Middle, "tick", &unit.show(value));
        }
    }

    for (i, estimate) in estimates.iter().enumerate() {
        let y = top + i as f64 * row + 4.0;
        canvas.open_group("row");
        canvas.fitted_text(
            LABEL_END,
            y + 11.0,
            Anchor::End,
            "label",
            estimate.label,
            LABEL_END - PAD,
        );
        let tip = format!(
            "{}: {}{}",
            estimate.label,
            unit.show(estimate.value),
            ci_text(estimate.interval(), unit)
        );
        let end = x_of(estimate.value.max(0.0));
        canvas.rect_with_tip(PLOT_X, y, end - PLOT_X, BAR_H, "k1 bar", Some(&tip));
        if let Some((low, high)) = estimate.interval() {
            canvas.whisker(x_of(low), x_of(high), y + BAR_H / 2.0, 10.0);
        }
        let text_x = PLOT_X + PLOT_W + 12.0;
        canvas.text(
            text_x,
            y + 11.0,
            Anchor::Start,
            "value",
            &unit.show(estimate.value),
        );
        if let Some((low, high)) = estimate.interval() {
            let interval = format!("95% CI {}–{}", unit.show(low), unit.show(high));
            let (interval, _) = fit_note(&interval, WIDTH - PAD - text_x);
            canvas.text(text_x, y + 11.0 + 15.0, Anchor::Start, "note", &interval);
        }
        canvas.close_group();
    }
    canvas.finish()
}

/// A signed difference in `unit`: `+2.1 pp`, `−1.25s`.
fn signed_difference(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Fraction => percentage_points(value),
        Unit::Seconds => {
            let value = finite_or(value, 0.0);
            let sign = if value < -0.0005 {
                "−"
            } else if value > 0.0005 {
                "+"
            } else {
                "±"
            };
            format!("{sign}{}", duration(value.abs()))
        }
        Unit::Count => {
            let value = finite_or(value, 0.0);
            signed(value, if value.fract() == 0.0 { 0 } else { 1 })
        }
        Unit::Decimal(decimals) => signed(finite_or(value, 0.0), usize::from(decimals)),
    }
}

/// Differences B − A diverging from a zero line, each with its 95% interval
/// and the caller's [`ChartVerdict`] in colour, arrow and word. The axis is
/// symmetric, so the longer side is always the larger change.
pub fn diverging_bars(title: &str, unit: Unit, differences: &[Difference<'_>]) -> Svg {
    const ROW: f64 = 36.0;
    let top = 24.0;
    let height = top + differences.len() as f64 * ROW + 22.0;
    let interval = |d: &Difference<'_>| {
        Estimate {
            label: d.label,
            value: d.delta,
            ci95: d.ci95,
        }
        .interval()
    };
    let reach = differences
        .iter()
        .flat_map(|d| {
            let (low, high) = interval(d).unwrap_or((d.delta, d.delta));
            [finite_or(d.delta, 0.0).abs(), low.abs(), high.abs()]
        })
        .fold(0.0, f64::max);
    let half = nice_max(reach, unit);
    // A long label (`Abandoned in queue`) may take up to 30 units from the
    // plot rather than be cut.
    let widest = differences
        .iter()
        .map(|d| text_width(d.label))
        .fold(0.0, f64::max);
    let label_end = (widest + PAD).clamp(LABEL_END, LABEL_END + 30.0);
    let plot_x = label_end + (PLOT_X - LABEL_END);
    let plot_w = 180.0 - (label_end - LABEL_END);
    let zero = plot_x + plot_w / 2.0;
    let x_of = |value: f64| zero + (finite_or(value, 0.0) / half).clamp(-1.0, 1.0) * plot_w / 2.0;

    let desc = differences
        .iter()
        .map(|d| {
            let ci = match interval(d) {
                Some((low, high)) => format!(
                    " (95% CI {} to {})",
                    signed_difference(low, unit),
                    signed_difference(high, unit)
                ),
                None => String::new(),
            };
            let verdict = d
                .verdict
                .text()
                .split_once(' ')
                .map_or("", |(_, word)| word);
            format!(
                "{} {}{ci}, {verdict}",
                d.label,
                signed_difference(d.delta, unit)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut canvas = Canvas::new(WIDTH, height, title, &desc);

    canvas.text(zero - 8.0, 12.0, Anchor::End, "note", "← B lower");
    canvas.text(zero + 8.0, 12.0, Anchor::Start, "note", "B higher →");
    let axis_y = top + differences.len() as f64 * ROW;
    for (value, class) in [(-half, "grid"), (0.0, "axis"), (half, "grid")] {
        let x = x_of(value);
        canvas.line(x, top - 4.0, x, axis_y, class);
        let label = if value == 0.0 {
            "0".to_string()
        } else {
            signed_difference(value, unit)
        };
        canvas.text(x, axis_y + 14.0, Anchor::Middle, "tick", &label);
    }

    for (i, difference) in differences.iter().enumerate() {
        let y = top + i as f64 * ROW + 2.0;
        canvas.open_group("row");
        canvas.fitted_text(
            label_end,
            y + 11.0,
            Anchor::End,
            "label",
            difference.label,
            label_end - PAD,
        );
        let end = x_of(difference.delta);
        let tip = format!(
            "{}: {} ({})",
            difference.label,
            signed_difference(difference.delta, unit),
            difference.verdict.text()
        );
        let class = format!("{} bar", difference.verdict.class());
        canvas.rect_with_tip(
            zero.min(end),
            y,
            (end - zero).abs(),
            BAR_H,
            &class,
            Some(&tip),
        );
        let interval = interval(difference);
        if let Some((low, high)) = interval {
            canvas.whisker(x_of(low), x_of(high), y + BAR_H / 2.0, 10.0);
        }
        let text_x = plot_x + plot_w + 12.0;
        canvas.text(
            text_x,
            y + 11.0,
            Anchor::Start,
            "value",
            &signed_difference(difference.delta, unit),
        );
        canvas.text(
            WIDTH - PAD,
            y + 11.0,
            Anchor::End,
            &format!("verdict {}", difference.verdict.class()),
            difference.verdict.text(),
        );
        if let Some((low, high)) = interval {
            // "CI", not "95% CI": the caption and the description say 95%,
            // and the line must fit beside the plot.
            let text = match unit {
                Unit::Fraction => format!(
                    "CI {} to {} pp",
                    signed(low * 100.0, 1),
                    signed(high * 100.0, 1)
                ),
                Unit::Seconds | Unit::Count | Unit::Decimal(_) => format!(
                    "CI {} to {}",
                    signed_difference(low, unit),
                    signed_difference(high, unit)
                ),
            };
            let (text, _) = fit_note(&text, WIDTH - PAD - text_x);
            canvas.text(text_x, y + 11.0 + 15.0, Anchor::Start, "note", &text);
        }
        canvas.close_group();
    }
    canvas.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_signed_in_their_unit() {
        assert_eq!(signed_difference(0.021, Unit::Fraction), "+2.1 pp");
        assert_eq!(signed_difference(-1.25, Unit::Seconds), "−1.25s");
        assert_eq!(signed_difference(0.0, Unit::Seconds), "±0ms");
        assert_eq!(signed_difference(-12.0, Unit::Count), "−12");
        assert_eq!(signed_difference(-0.0012, Unit::Decimal(4)), "−0.0012");
        assert_eq!(signed_difference(0.0, Unit::Decimal(2)), "±0.00");
    }
}
