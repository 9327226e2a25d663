//! The terminal summary: what a bot designer reads after each run.

use std::fmt::Write;

use super::{Breakdown, Rates, Report, Style, TimeStats};
use crate::model::Millis;
use crate::model::expectation::{Stat, Timer};
use crate::outcome::Outcome;

const BAR_WIDTH: f64 = 30.0;

struct Painter(Style);

impl Painter {
    fn heading(&self, text: &str) -> String {
        if self.0.color {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn dim(&self, text: &str) -> String {
        if self.0.color {
            format!("\x1b[2m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

pub(super) fn render(report: &Report, style: Style) -> String {
    let paint = Painter(style);
    let mut out = String::new();
    let version = report.flow.version_suffix();
    let _ = writeln!(
        out,
        "{}",
        paint.heading(&format!(
            "{} — flow {}{} — seed {} — {} conversations",
            report.scenario,
            report.flow.name,
            version,
            report.seed,
            thousands(report.conversations)
        ))
    );

    let _ = writeln!(out, "\n{}", paint.heading("Outcomes"));
    for outcome in Outcome::ALL {
        let share = report.outcomes.get(outcome);
        let bar = "█".repeat((share * BAR_WIDTH).round() as usize);
        let _ = writeln!(
            out,
            "  {:<20} {:>6}  {bar}",
            outcome.key().replace('_', " "),
            percent(share)
        );
    }

    let [self_resolution, escalation, abandonment, fallback] = rate_cells(&report.rates);
    let _ = writeln!(out, "\n{}", paint.heading("Rates"));
    let _ = writeln!(
        out,
        "  self-resolution {self_resolution:>6}   escalation {escalation:>6}   abandonment {abandonment:>6}   fallback {fallback:>6}"
    );

    let _ = write!(
        out,
        "\n{}",
        paint.heading(&format!("{:<22}", "Response times"))
    );
    for stat in Stat::ALL {
        let _ = write!(out, "{:>9}", stat.key());
    }
    out.push('\n');
    for timer in Timer::ALL {
        let _ = writeln!(
            out,
            "  {:<20}{}",
            timer.key().replace('_', " "),
            time_row(report.response_time.get(timer), &paint)
        );
    }

    let _ = writeln!(
        out,
        "\n{}  mean {}   max {}",
        paint.heading("Turns"),
        report.turns.mean,
        report.turns.max
    );

    let width = name_width(report.funnel.keys());
    let _ = writeln!(
        out,
        "\n{}",
        paint.heading(&format!(
            "{:<w$}  {:>9}  {:>9}",
            "Funnel",
            "entered",
            "abandoned",
            w = width + 2
        ))
    );
    for (node, step) in &report.funnel {
        let abandoned = if step.abandoned == 0 {
            paint.dim(&format!("{:>9}", "-"))
        } else {
            format!(
                "{:>9}  {}",
                thousands(step.abandoned),
                paint.dim(&percent(step.abandoned as f64 / step.entered.max(1) as f64))
            )
        };
        let _ = writeln!(
            out,
            "  {node:<width$}  {:>9}  {abandoned}",
            thousands(step.entered)
        );
    }

    breakdowns(&mut out, "Personas", &report.personas, &paint);
    breakdowns(&mut out, "Segments", &report.segments, &paint);
    out
}

fn breakdowns(
    out: &mut String,
    title: &str,
    groups: &indexmap::IndexMap<String, Breakdown>,
    paint: &Painter,
) {
    if groups.is_empty() {
        return;
    }
    let width = name_width(groups.keys());
    let _ = writeln!(
        out,
        "\n{}",
        paint.heading(&format!(
            "{:<w$}  {:>13}  {:>9}  {:>10}  {:>11}  {:>8}",
            title,
            "conversations",
            "self-res.",
            "escalation",
            "abandonment",
            "fallback",
            w = width + 2
        ))
    );
    for (name, group) in groups {
        let conversations = thousands(group.conversations);
        let [self_resolution, escalation, abandonment, fallback] = rate_cells(&group.rates);
        let _ = writeln!(
            out,
            "  {name:<width$}  {conversations:>13}  {self_resolution:>9}  {escalation:>10}  {abandonment:>11}  {fallback:>8}"
        );
    }
}

fn time_row(stats: &TimeStats, paint: &Painter) -> String {
    Stat::ALL
        .iter()
        .map(|stat| match stats.get(*stat) {
            Some(seconds) => format!("{:>9}", Millis::from_secs_f64(seconds).to_string()),
            None => paint.dim(&format!("{:>9}", "-")),
        })
        .collect()
}

/// The four rates as percentages, in report order.
pub(super) fn rate_cells(rates: &Rates) -> [String; 4] {
    [
        rates.self_resolution,
        rates.escalation,
        rates.abandonment,
        rates.fallback,
    ]
    .map(percent)
}

/// Width of a name column: the longest name, and at least 20.
fn name_width<'a>(names: impl Iterator<Item = &'a String>) -> usize {
    names
        .map(|name| name.chars().count())
        .max()
        .unwrap_or(0)
        .max(20)
}

pub(super) fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// `12,000`: counts are easier to read grouped.
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(12_000), "12,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
