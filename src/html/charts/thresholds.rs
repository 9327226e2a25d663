//! Measured values against the bounds they must keep: the expectations of
//! a CI gate, one row each, so a reader sees how far inside or outside its
//! bound each number is, and whether its interval straddles it.

use super::{Estimate, PAD, Unit, WIDTH, ci_text, nice_max};
use crate::html::svg::{Anchor, Canvas, Svg, finite_or, fit_note};

/// What the gate concluded about one value, decided by the caller's
/// statistics (see docs/src/statistics.md), not by the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The value keeps its bound.
    Pass,
    /// It does not (or was not measured).
    Fail,
    /// Its interval straddles the bound; more replications settle it.
    Inconclusive,
}

impl Gate {
    /// The verdict in words, with a symbol so it reads without colour.
    pub fn text(self) -> &'static str {
        match self {
            Gate::Pass => "✓ pass",
            Gate::Fail => "✗ fail",
            Gate::Inconclusive => "? inconclusive",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Gate::Pass => "good",
            Gate::Fail => "bad",
            Gate::Inconclusive => "warn",
        }
    }
}

/// One row of a [`thresholds`] chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold<'a> {
    /// What is checked, as the user wrote it (`abandonment <= 12%`).
    pub label: &'a str,
    /// The measured value; `None` when nothing was measured.
    pub value: Option<f64>,
    /// Its 95% interval, when there is one.
    pub ci95: Option<(f64, f64)>,
    /// The bound.
    pub bound: f64,
    /// Whether values below the bound pass (`<=`, `<`); otherwise values
    /// above it do (`>=`, `>`).
    pub passes_below: bool,
    /// The unit of the value and the bound.
    pub unit: Unit,
    /// The verdict.
    pub gate: Gate,
}

/// One row per checked value, each on its own axis from zero (the values
/// have different units and sizes): the measured value as a bar in the
/// verdict's colour with its 95% interval as a whisker, the bound as a
/// thick line, and the side of the bound that fails hatched. The condition
/// is written above the bar and the verdict in words at the right.
pub fn thresholds(title: &str, rows: &[Threshold<'_>]) -> Svg {
    const ROW: f64 = 58.0;
    const PLOT_X: f64 = PAD;
    const PLOT_W: f64 = 300.0;
    const BAR_H: f64 = 14.0;
    let text_x = PLOT_X + PLOT_W + 12.0;
    let height = 4.0 + rows.len() as f64 * ROW;

    let interval = |row: &Threshold<'_>| {
        Estimate {
            label: row.label,
            value: row.value.unwrap_or(0.0),
            ci95: row.ci95,
        }
        .interval()
    };
    let desc = rows
        .iter()
        .map(|row| {
            let measured = match row.value {
                Some(value) => format!(
                    "{}{}",
                    row.unit.show(value),
                    ci_text(interval(row), row.unit)
                ),
                None => "not measured".to_string(),
            };
            let verdict = row.gate.text().split_once(' ').map_or("", |(_, w)| w);
            format!("{}: {measured}, {verdict}", row.label)
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut canvas = Canvas::new(WIDTH, height, title, &desc);

    for (i, row) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * ROW;
        let bound = finite_or(row.bound, 0.0);
        let reach = [
            bound,
            row.value.map_or(0.0, |v| finite_or(v, 0.0)),
            interval(row).map_or(0.0, |(_, high)| high),
        ]
        .into_iter()
        .fold(0.0, f64::max);
        let axis_max = nice_max(reach * 1.1, row.unit);
        let x_of =
            |value: f64| PLOT_X + (finite_or(value, 0.0) / axis_max).clamp(0.0, 1.0) * PLOT_W;
        canvas.open_group("row");

        let status = row.gate.text();
        let status_w = crate::html::svg::text_width(status);
        canvas.fitted_text(
            PAD,
            y + 12.0,
            Anchor::Start,
            "label strong",
            row.label,
            WIDTH - 2.0 * PAD - status_w - 12.0,
        );
        canvas.text(
            WIDTH - PAD,
            y + 12.0,
            Anchor::End,
            &format!("verdict {}", row.gate.class()),
            status,
        );

        let bar_y = y + 20.0;
        canvas.rect(PLOT_X, bar_y, PLOT_W, BAR_H, "track");
        let x_bound = x_of(bound);
        let (zone_from, zone_to) = if row.passes_below {
            (x_bound, PLOT_X + PLOT_W)
        } else {
            (PLOT_X, x_bound)
        };
        canvas.rect_with_tip(
            zone_from,
            bar_y,
            zone_to - zone_from,
            BAR_H,
            "zone",
            Some("fails the bound"),
        );
        canvas.texture(zone_from, bar_y, zone_to - zone_from, BAR_H, 1);
        if let Some(value) = row.value {
            let tip = format!(
                "{}: {}{}",
                row.label,
                row.unit.show(value),
                ci_text(interval(row), row.unit)
            );
            let end = x_of(value.max(0.0));
            canvas.rect_with_tip(
                PLOT_X,
                bar_y + 3.0,
                end - PLOT_X,
                BAR_H - 6.0,
                &format!("{} bar", row.gate.class()),
                Some(&tip),
            );
        }
        if let Some((low, high)) = interval(row).filter(|_| row.value.is_some()) {
            canvas.whisker(x_of(low), x_of(high), bar_y + BAR_H / 2.0, 12.0);
        }
        canvas.line(x_bound, bar_y - 4.0, x_bound, bar_y + BAR_H + 4.0, "bound");
        canvas.text(PLOT_X, bar_y + BAR_H + 14.0, Anchor::Start, "tick", "0");
        canvas.text(
            PLOT_X + PLOT_W,
            bar_y + BAR_H + 14.0,
            Anchor::End,
            "tick",
            &row.unit.show(axis_max),
        );

        let value_text = row
            .value
            .map_or("not measured".to_string(), |v| row.unit.show(v));
        canvas.text(text_x, bar_y + 11.0, Anchor::Start, "value", &value_text);
        if let (Some(_), Some((low, high))) = (row.value, interval(row)) {
            let ci = format!("CI {}–{}", row.unit.show(low), row.unit.show(high));
            let (ci, _) = fit_note(&ci, WIDTH - PAD - text_x);
            canvas.text(text_x, bar_y + BAR_H + 14.0, Anchor::Start, "note", &ci);
        }
        canvas.close_group();
    }
    canvas.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failing_side_is_hatched_and_the_verdict_written() {
        let svg = thresholds(
            "Expectations",
            &[
                Threshold {
                    label: "abandonment <= 12%",
                    value: Some(0.14),
                    ci95: Some((0.13, 0.15)),
                    bound: 0.12,
                    passes_below: true,
                    unit: Unit::Fraction,
                    gate: Gate::Fail,
                },
                Threshold {
                    label: "response_time.bot.p95 <= 3s",
                    value: None,
                    ci95: None,
                    bound: 3.0,
                    passes_below: true,
                    unit: Unit::Seconds,
                    gate: Gate::Fail,
                },
            ],
        );
        let text = svg.as_str();
        assert!(text.contains(
            "<desc>abandonment &lt;= 12%: 14.0% (95% CI 13.0%–15.0%), fail; response_time.bot.p95 &lt;= 3s: not measured, fail</desc>"
        ));
        // Axis 0–20% over 300 units: the bound at 12% is at 12 + 180.
        assert!(text.contains(r#"<line class="bound" x1="192""#), "{text}");
        assert!(text.contains(r#"<rect class="zone" x="192" y="24" width="120""#));
        assert!(text.contains("✗ fail</text>"));
    }
}
