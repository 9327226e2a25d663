//! The results of `rehearse check` for people: a line per check under each
//! scenario, then every failure in detail, located like a lint finding, then
//! one closing line.

use std::fmt::Write;

use super::expectations::ExpectationVerdict;
use super::snapshot::SnapshotState;
use super::{CheckReport, ScenarioCheck};
use crate::diagnostic::{Snippet, write_headline, write_note, write_snippet};
use crate::paint::Painter;
use crate::source::printable;

/// How many changed numbers a snapshot failure lists.
const DIFF_LINES: usize = 25;

/// The whole report: scenarios with a line per check, failures in detail,
/// unreferenced snapshots, and a closing line.
pub fn render_text(report: &CheckReport, color: bool) -> String {
    let paint = Painter::new(color);
    let mut out = String::new();
    for scenario in &report.scenarios {
        overview(scenario, &paint, &mut out);
    }
    for scenario in &report.scenarios {
        failures(scenario, &paint, &mut out);
    }
    for path in &report.unreferenced {
        let path = printable(&path.display().to_string()).into_owned();
        write_headline(
            &mut out,
            &paint,
            ("warning[snapshot]", "1;33"),
            &format!("{path} belongs to no scenario"),
        );
        write_note(
            &mut out,
            &paint,
            1,
            &format!("help: delete it (`git rm {path}`) if its scenario is gone for good"),
        );
        out.push('\n');
    }
    let (word, code) = if report.passes() {
        ("check passed", "1;32")
    } else {
        ("check failed", "1;31")
    };
    let _ = writeln!(out, "{}: {}", paint.paint(code, word), report.summary());
    out
}

fn overview(scenario: &ScenarioCheck, paint: &Painter, out: &mut String) {
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
        SnapshotState::NotWritten(_) => ("FAIL", "1;31", format!("{path} not written")),
    };
    (word.to_string(), code, "snapshot".to_string(), detail)
}

fn failures(scenario: &ScenarioCheck, paint: &Painter, out: &mut String) {
    let file = printable(&scenario.file.display().to_string()).into_owned();
    for (check, place) in &scenario.expectations {
        let Some(problem) = check.problem() else {
            continue;
        };
        let label = match check.verdict {
            ExpectationVerdict::Inconclusive => "error[inconclusive]",
            _ => "error[expectation]",
        };
        write_headline(out, paint, (label, "1;31"), &printable(&problem));
        let gutter = write_snippet(
            out,
            paint,
            Snippet {
                file: &file,
                key_path: Some(&format!("expect.{}", printable(&check.expectation.name))),
                location: place.as_ref().map(|place| place.location),
                source_line: place.as_ref().and_then(|place| place.source_line.as_ref()),
                colour: "1;31",
            },
        );
        write_note(out, paint, gutter, &check.details());
        if let Some(advice) = check.advice() {
            write_note(out, paint, gutter, &format!("help: {advice}"));
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
        SnapshotState::NotWritten(ref why) => {
            write_headline(out, paint, ("error[snapshot]", "1;31"), &printable(why));
            write_note(
                out,
                paint,
                1,
                "help: the report of this scenario was not saved; fix the cause and run `rehearse check` again",
            );
            out.push('\n');
            return;
        }
        _ => {
            if let (SnapshotState::Accepted { created: false }, Some(diff)) =
                (&snapshot.state, &snapshot.diff)
            {
                write_headline(
                    out,
                    paint,
                    ("accepted[snapshot]", "1;33"),
                    &format!("{path} updated: {}", diff.summary()),
                );
                diff_lines(diff, out);
                out.push('\n');
            }
            return;
        }
    };
    write_headline(out, paint, ("error[snapshot]", "1;31"), &title);
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
    write_note(out, paint, 1, &format!("help: {next}"));
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
