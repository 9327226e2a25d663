//! The results of `rehearse check` for people: a line per check under each
//! scenario, then every failure in detail, located like a lint finding, then
//! one closing line.

use std::fmt::Write;

use super::expectations::ExpectationVerdict;
use super::snapshot::SnapshotState;
use super::{CheckReport, ScenarioCheck};
use crate::diagnostic::token_width;
use crate::source::printable;

/// How many changed numbers a snapshot failure lists.
const DIFF_LINES: usize = 25;

struct Paint(bool);

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The whole report: scenarios with a line per check, failures in detail,
/// unreferenced snapshots, and a closing line.
pub fn render_text(report: &CheckReport, color: bool) -> String {
    let paint = Paint(color);
    let mut out = String::new();
    for scenario in &report.scenarios {
        overview(scenario, &paint, &mut out);
    }
    for scenario in &report.scenarios {
        failures(scenario, &paint, &mut out);
    }
    for path in &report.unreferenced {
        let path = printable(&path.display().to_string()).into_owned();
        let _ = writeln!(
            out,
            "{}{} {}",
            paint.paint("1;33", "warning[snapshot]"),
            paint.paint("1", ":"),
            paint.paint("1", &format!("{path} belongs to no scenario"))
        );
        let _ = writeln!(
            out,
            "  {} help: delete it (`git rm {path}`) if its scenario is gone for good\n",
            paint.paint("1;34", "=")
        );
    }
    let (word, code) = if report.passes() {
        ("check passed", "1;32")
    } else {
        ("check failed", "1;31")
    };
    let _ = writeln!(out, "{}: {}", paint.paint(code, word), report.summary());
    out
}

fn overview(scenario: &ScenarioCheck, paint: &Paint, out: &mut String) {
    let _ = writeln!(
        out,
        "{} {}",
        paint.paint("1", &printable(&scenario.name)),
        paint.paint(
            "2",
            &format!(
                "({}, {} replication{})",
                printable(&scenario.file.display().to_string()),
                scenario.replications,
                if scenario.replications == 1 { "" } else { "s" }
            )
        )
    );
    let rows: Vec<(String, &str, String, String)> = scenario
        .expectations
        .iter()
        .map(|(check, _)| {
            let (word, code) = verdict_word(check.verdict);
            (word.to_string(), code, check.condition(), check.measured())
        })
        .chain(std::iter::once(snapshot_row(scenario)))
        .collect();
    let width = rows
        .iter()
        .map(|(_, _, what, _)| what.chars().count())
        .max()
        .unwrap_or(0);
    for (word, code, what, value) in rows {
        let line = format!(
            "  {}  {:width$}  {value}",
            paint.paint(code, &format!("{word:<12}")),
            printable(&what)
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
}

fn verdict_word(verdict: ExpectationVerdict) -> (&'static str, &'static str) {
    match verdict {
        ExpectationVerdict::Pass => ("pass", "32"),
        ExpectationVerdict::Fail => ("FAIL", "1;31"),
        ExpectationVerdict::Inconclusive => ("INCONCLUSIVE", "1;31"),
    }
}

fn snapshot_row(scenario: &ScenarioCheck) -> (String, &'static str, String, String) {
    let snapshot = &scenario.snapshot;
    let path = printable(&snapshot.path.display().to_string()).into_owned();
    let (word, code, detail) = match &snapshot.state {
        SnapshotState::Matches => ("pass", "32", format!("matches {path}")),
        SnapshotState::Differs => ("FAIL", "1;31", format!("differs from {path}")),
        SnapshotState::Missing => ("FAIL", "1;31", format!("{path} does not exist")),
        SnapshotState::Accepted { created: true } => {
            ("accepted", "1;33", format!("created {path}"))
        }
        SnapshotState::Accepted { created: false } => {
            ("accepted", "1;33", format!("updated {path}"))
        }
        SnapshotState::OptedOut => ("skipped", "2", "`snapshot: false`".to_string()),
        SnapshotState::NotCompared(why) => ("skipped", "2", why.clone()),
    };
    (word.to_string(), code, "snapshot".to_string(), detail)
}

fn failures(scenario: &ScenarioCheck, paint: &Paint, out: &mut String) {
    let file = printable(&scenario.file.display().to_string()).into_owned();
    for (check, place) in &scenario.expectations {
        let Some(problem) = check.problem() else {
            continue;
        };
        let label = match check.verdict {
            ExpectationVerdict::Inconclusive => "error[inconclusive]",
            _ => "error[expectation]",
        };
        let _ = writeln!(
            out,
            "{}{} {}",
            paint.paint("1;31", label),
            paint.paint("1", ":"),
            paint.paint("1", &printable(&problem))
        );
        let gutter = place
            .as_ref()
            .map_or(1, |place| place.location.line.to_string().len());
        let at = match place {
            Some(place) => format!("{file}:{}:{}", place.location.line, place.location.column),
            None => file.clone(),
        };
        let bar = paint.paint("1;34", "|");
        let _ = writeln!(
            out,
            "{:gutter$}{} {at} (at `expect.{}`)",
            "",
            paint.paint("1;34", "-->"),
            printable(&check.expectation.name)
        );
        if let Some(Some(line)) = place.as_ref().map(|place| &place.source_line) {
            let line_number = place.as_ref().map_or(0, |place| place.location.line);
            let marker = "^".repeat(token_width(&line.text, line.column));
            let _ = writeln!(out, "{:gutter$} {bar}", "");
            let _ = writeln!(
                out,
                "{} {bar} {}",
                paint.paint("1;34", &line_number.to_string()),
                line.text
            );
            let _ = writeln!(
                out,
                "{:gutter$} {bar} {:pad$}{}",
                "",
                "",
                paint.paint("1;31", &marker),
                pad = line.column - 1
            );
        }
        let equals = paint.paint("1;34", "=");
        let _ = writeln!(out, "{:gutter$} {equals} {}", "", check.details());
        if let Some(advice) = check.advice() {
            let _ = writeln!(out, "{:gutter$} {equals} help: {advice}", "");
        }
        out.push('\n');
    }
    let snapshot = &scenario.snapshot;
    let path = printable(&snapshot.path.display().to_string()).into_owned();
    let name = printable(&scenario.name).into_owned();
    let title = match snapshot.state {
        SnapshotState::Differs => format!(
            "the report of {name} differs from {path}: {}",
            snapshot
                .diff
                .as_ref()
                .map_or_else(|| "its text changed".to_string(), |diff| diff.summary())
        ),
        SnapshotState::Missing => format!("{name} has no approved report: {path} does not exist"),
        _ => {
            if let (SnapshotState::Accepted { created: false }, Some(diff)) =
                (&snapshot.state, &snapshot.diff)
            {
                let _ = writeln!(
                    out,
                    "{}{} {}",
                    paint.paint("1;33", "accepted[snapshot]"),
                    paint.paint("1", ":"),
                    paint.paint("1", &format!("{path} updated: {}", diff.summary()))
                );
                diff_lines(diff, out);
                out.push('\n');
            }
            return;
        }
    };
    let _ = writeln!(
        out,
        "{}{} {}",
        paint.paint("1;31", "error[snapshot]"),
        paint.paint("1", ":"),
        paint.paint("1", &title)
    );
    let equals = paint.paint("1;34", "=");
    let next = match (&snapshot.written, snapshot.ci) {
        (Some(written), _) => format!(
            "wrote {}: review it, then approve it with `rehearse check --accept` and commit {path}",
            printable(&written.display().to_string())
        ),
        (None, true) => format!(
            "nothing is written when CI is set: run `rehearse check` locally, review the report, approve it with `rehearse check --accept` and commit {path}"
        ),
        (None, false) => format!("approve it with `rehearse check --accept` and commit {path}"),
    };
    let _ = writeln!(out, "  {equals} help: {next}");
    if let Some(diff) = &snapshot.diff {
        diff_lines(diff, out);
    }
    out.push('\n');
}

fn diff_lines(diff: &super::Diff, out: &mut String) {
    for line in diff.lines(DIFF_LINES) {
        let _ = writeln!(out, "      {}", printable(&line));
    }
}
