//! The markdown summary GitHub shows on a workflow run's page (the file
//! `GITHUB_STEP_SUMMARY` names): a heading with the verdict, then a table
//! per scenario, failing scenarios first and failing checks first within
//! each, with the largest changes of a differing snapshot.
//!
//! GitHub refuses a step summary over 1 MiB, so the summary stops adding
//! scenarios before [`MAX_BYTES`] and says how many it left out.

use std::fmt::Write;

use super::expectations::ExpectationVerdict;
use super::snapshot::SnapshotState;
use super::{CheckReport, ScenarioCheck};
use crate::report::markdown::{code, escape};

/// The most bytes a summary takes: a quarter of GitHub's limit, leaving
/// room for other steps of the job.
pub const MAX_BYTES: usize = 256 * 1024;

/// How many changed numbers a differing snapshot shows.
const DIFF_ROWS: usize = 15;

/// The summary of a whole check, at most `max_bytes` long (see [`MAX_BYTES`]).
pub fn render(report: &CheckReport, max_bytes: usize) -> String {
    let mut out = format!(
        "## rehearse check: {}\n\n{}\n",
        if report.passes() { "passed" } else { "failed" },
        escape(&report.summary())
    );
    let mut order: Vec<&ScenarioCheck> = report.scenarios.iter().collect();
    // Failing scenarios first; otherwise in the order they ran.
    order.sort_by_key(|scenario| scenario.passes());
    let closing = |left: usize| {
        format!(
            "\n_{left} more scenario{} not shown, to keep this summary within GitHub's size limit; the job's log and JUnit report have them all._\n",
            if left == 1 { "" } else { "s" }
        )
    };
    for (shown, scenario) in order.iter().enumerate() {
        let section = section(scenario);
        let left = order.len() - shown;
        if out.len() + section.len() + closing(left).len() > max_bytes {
            out.push_str(&closing(left));
            return out;
        }
        out.push_str(&section);
    }
    if !report.unreferenced.is_empty() {
        let mut note = String::from("\n**Unreferenced snapshots** (no scenario uses them):\n\n");
        for path in &report.unreferenced {
            let _ = writeln!(note, "- `{}`", code(&path.display().to_string()));
        }
        if out.len() + note.len() <= max_bytes {
            out.push_str(&note);
        }
    }
    out
}

fn section(scenario: &ScenarioCheck) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n### {} {}\n\n`{}` · {} replication{}\n",
        if scenario.passes() { "✅" } else { "❌" },
        escape(&scenario.name),
        code(&scenario.file.display().to_string()),
        scenario.replications,
        if scenario.replications == 1 { "" } else { "s" }
    );
    out.push_str("| check | measured | bound | result |\n|---|---:|---|---|\n");
    let mut rows: Vec<(bool, String)> = scenario
        .expectations
        .iter()
        .map(|(check, _)| {
            let result = match check.verdict {
                ExpectationVerdict::Pass => "pass".to_string(),
                ExpectationVerdict::Fail => "**fail**".to_string(),
                ExpectationVerdict::Inconclusive => {
                    "**inconclusive**: run more replications".to_string()
                }
            };
            let bound = format!(
                "{}{}",
                check.bound(),
                if check.expectation.on_interval {
                    " at 95%"
                } else {
                    ""
                }
            );
            (
                check.verdict == ExpectationVerdict::Pass,
                format!(
                    "| {} | {} | {} | {result} |",
                    escape(&check.expectation.name),
                    escape(&check.measured()),
                    escape(&bound)
                ),
            )
        })
        .collect();
    let snapshot = &scenario.snapshot;
    let path = code(&snapshot.path.display().to_string());
    let (passes, measured, result) = match &snapshot.state {
        SnapshotState::Matches => (true, "matches".to_string(), "pass".to_string()),
        SnapshotState::Differs => (
            false,
            snapshot.diff.as_ref().map_or_else(
                || "text changed".to_string(),
                |diff| escape(&diff.summary()),
            ),
            "**differs**".to_string(),
        ),
        SnapshotState::Missing => (
            false,
            "no approved report".to_string(),
            "**missing**".to_string(),
        ),
        SnapshotState::Accepted { created } => (
            true,
            if *created { "created" } else { "updated" }.to_string(),
            "accepted".to_string(),
        ),
        SnapshotState::OptedOut => (true, "`snapshot: false`".to_string(), "skipped".to_string()),
        SnapshotState::NotCompared(why) => (true, escape(why), "skipped".to_string()),
        SnapshotState::NotWritten(why) => (false, escape(why), "**not written**".to_string()),
    };
    rows.push((
        passes,
        format!("| snapshot | {measured} | `{path}` | {result} |"),
    ));
    // Failing checks first, in file order otherwise.
    rows.sort_by_key(|(passes, _)| *passes);
    for (_, row) in rows {
        let _ = writeln!(out, "{row}");
    }
    let differs = match (&snapshot.state, &snapshot.diff) {
        (SnapshotState::Differs, Some(diff)) if !diff.changes.is_empty() => Some(diff),
        _ => None,
    };
    if let Some(diff) = differs {
        out.push_str(
            "\n<details><summary>Largest changes from the approved report</summary>\n\n| metric | approved → now | 95% interval |\n|---|---:|---|\n",
        );
        for change in diff.changes.iter().take(DIFF_ROWS) {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                code(&change.path),
                escape(&change.old_to_new().replace(" -> ", " → ")),
                escape(&change.verdict())
            );
        }
        if diff.changes.len() > DIFF_ROWS {
            let _ = writeln!(
                out,
                "\n…and {} more changed numbers.",
                diff.changes.len() - DIFF_ROWS
            );
        }
        out.push_str("\n</details>\n");
    }
    out
}
