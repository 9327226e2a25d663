//! Markdown, for pull-request comments and CI summaries.

use std::fmt::Write;

use indexmap::IndexMap;

use super::text::{percent, rate_cells, thousands};
use super::{Breakdown, Report};
use crate::model::Millis;
use crate::model::expectation::{Stat, Timer};
use crate::outcome::Outcome;

pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    let version = report.flow.version_suffix();
    let _ = writeln!(out, "## {}\n", report.scenario);
    let _ = writeln!(
        out,
        "Flow **{}**{} · seed {} · {} conversations\n",
        report.flow.name,
        version,
        report.seed,
        thousands(report.conversations)
    );

    let _ = writeln!(out, "| outcome | share |\n|---|---:|");
    for outcome in Outcome::ALL {
        let _ = writeln!(
            out,
            "| {} | {} |",
            outcome.key().replace('_', " "),
            percent(report.outcomes.get(outcome))
        );
    }
    let [self_resolution, escalation, abandonment, fallback] = rate_cells(&report.rates);
    let _ = writeln!(
        out,
        "\n| self-resolution | escalation | abandonment | fallback |\n|---:|---:|---:|---:|\n\
         | {self_resolution} | {escalation} | {abandonment} | {fallback} |",
    );

    let header: Vec<&str> = Stat::ALL.iter().map(|stat| stat.key()).collect();
    let _ = writeln!(
        out,
        "\n| response time | {} |\n|---|{}",
        header.join(" | "),
        "---:|".repeat(header.len())
    );
    for timer in Timer::ALL {
        let stats = report.response_time.get(timer);
        let cells: Vec<String> = Stat::ALL
            .iter()
            .map(|stat| {
                stats
                    .get(*stat)
                    .map_or("–".to_string(), |s| Millis::from_secs_f64(s).to_string())
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} |",
            timer.key().replace('_', " "),
            cells.join(" | ")
        );
    }
    let _ = writeln!(
        out,
        "\nTurns: mean {}, max {}.",
        report.turns.mean, report.turns.max
    );

    let _ = writeln!(out, "\n| node | entered | abandoned |\n|---|---:|---:|");
    for (node, step) in &report.funnel {
        let _ = writeln!(
            out,
            "| `{node}` | {} | {} |",
            thousands(step.entered),
            thousands(step.abandoned)
        );
    }
    breakdowns(&mut out, "persona", &report.personas);
    breakdowns(&mut out, "segment", &report.segments);
    out
}

fn breakdowns(out: &mut String, title: &str, groups: &IndexMap<String, Breakdown>) {
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n| {title} | conversations | self-resolution | escalation | abandonment | fallback |\n|---|---:|---:|---:|---:|---:|"
    );
    for (name, group) in groups {
        let conversations = thousands(group.conversations);
        let [self_resolution, escalation, abandonment, fallback] = rate_cells(&group.rates);
        let _ = writeln!(
            out,
            "| {name} | {conversations} | {self_resolution} | {escalation} | {abandonment} | {fallback} |"
        );
    }
}
