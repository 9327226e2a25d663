//! The results of `rehearse check` as one HTML page (`check --html FILE`):
//! what a CI job keeps as an artefact and a reviewer opens from the pull
//! request.
//!
//! Failures come first: a summary box lists every check, failed ones at the
//! top; then one part per scenario, failing scenarios first, with its
//! expectations drawn against their bounds (measured value, 95% interval,
//! verdict), what changed from the approved snapshot (number by number,
//! against the interval), and the run's outcomes and funnel, drawn by the
//! same functions as the `run` page.

use std::path::Path;

use super::diff::{Diff, Significance};
use super::expectations::{ExpectationCheck, ExpectationVerdict};
use super::snapshot::SnapshotState;
use super::{CheckReport, ScenarioCheck};
use crate::html::charts::{Gate, Threshold, Unit, thresholds};
use crate::html::format::capitalised;
use crate::html::page::{Check, Page, Part, Section, Status, Summary, Table};
use crate::metric::Metric;
use crate::model::expectation::Operator;
use crate::report::Report;
use crate::report::html::{funnel_chart, outcomes_chart, run_line};

/// How many changed numbers the page lists for a differing snapshot.
const DIFF_ROWS: usize = 25;

/// The page of a whole check. `reports` are the runs' reports in the order
/// of `check.scenarios` (the page draws each run's outcomes and funnel from
/// them); with fewer reports than scenarios, the rest are drawn without.
pub fn render_html(check: &CheckReport, reports: &[Report]) -> String {
    let mut checks = Vec::new();
    for scenario in &check.scenarios {
        for (expectation, _) in &scenario.expectations {
            checks.push((
                status(expectation.verdict),
                format!("{}: {}", scenario.name, expectation.condition()),
                if expectation.verdict == ExpectationVerdict::Pass {
                    format!("measured {}", expectation.measured())
                } else {
                    expectation.details()
                },
            ));
        }
        let (status, detail) = snapshot_line(scenario);
        checks.push((status, format!("{}: snapshot", scenario.name), detail));
    }
    for path in &check.unreferenced {
        checks.push((
            Status::Warn,
            format!("snapshot {}", shown(path)),
            "belongs to no scenario: delete it if its scenario is gone for good".to_string(),
        ));
    }
    let checks: Vec<Check<'_>> = checks
        .iter()
        .map(|(status, name, detail)| Check {
            status: *status,
            name,
            detail,
        })
        .collect();
    let verdict = if check.passes() { "passed" } else { "failed" };
    let mut page = Page::new(&format!("rehearse check {verdict}"))
        .lead(&check.summary())
        .lead("Expectations gate on the point estimate, or with “at 95%” on the 95% interval over replications; a snapshot is the approved report in snapshots/.")
        .summary(&Summary {
            title: &format!("rehearse check: {verdict}"),
            checks: &checks,
        });
    // Failing scenarios first; otherwise in the order they ran.
    let mut order: Vec<usize> = (0..check.scenarios.len()).collect();
    order.sort_by_key(|&i| check.scenarios[i].passes());
    for i in order {
        page = page.part(scenario_part(&check.scenarios[i], reports.get(i)));
    }
    page.render()
}

fn status(verdict: ExpectationVerdict) -> Status {
    match verdict {
        ExpectationVerdict::Pass => Status::Pass,
        // An inconclusive expectation fails the gate.
        ExpectationVerdict::Fail | ExpectationVerdict::Inconclusive => Status::Fail,
    }
}

fn shown(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

/// The snapshot's status and a line on it.
fn snapshot_line(scenario: &ScenarioCheck) -> (Status, String) {
    let snapshot = &scenario.snapshot;
    let path = shown(&snapshot.path);
    match &snapshot.state {
        SnapshotState::Matches => (Status::Pass, format!("matches {path}")),
        SnapshotState::Differs => (
            Status::Fail,
            format!(
                "differs from {path}: {}",
                snapshot
                    .diff
                    .as_ref()
                    .map_or_else(|| "its text changed".to_string(), Diff::summary)
            ),
        ),
        SnapshotState::Missing => (Status::Fail, format!("{path} does not exist")),
        SnapshotState::Accepted { created } => (
            Status::Warn,
            format!(
                "{} {path}: review and commit it",
                if *created { "created" } else { "updated" }
            ),
        ),
        SnapshotState::OptedOut => (
            Status::Skip,
            "not compared: the scenario says `snapshot: false`".to_string(),
        ),
        SnapshotState::NotCompared(why) => (Status::Skip, why.clone()),
        SnapshotState::NotWritten(why) => (Status::Fail, why.clone()),
    }
}

fn scenario_part(scenario: &ScenarioCheck, report: Option<&Report>) -> Part {
    let count = |verdict| {
        scenario
            .expectations
            .iter()
            .filter(|(check, _)| check.verdict == verdict)
            .count()
    };
    let (failed, inconclusive) = (
        count(ExpectationVerdict::Fail),
        count(ExpectationVerdict::Inconclusive),
    );
    let index = if scenario.passes() {
        "passed".to_string()
    } else {
        let mut problems = Vec::new();
        if failed > 0 {
            problems.push(format!(
                "{failed} expectation{} failed",
                if failed == 1 { "" } else { "s" }
            ));
        }
        if inconclusive > 0 {
            problems.push(format!("{inconclusive} inconclusive"));
        }
        match scenario.snapshot.state {
            SnapshotState::Differs => problems.push("snapshot differs".to_string()),
            SnapshotState::Missing => problems.push("snapshot missing".to_string()),
            SnapshotState::NotWritten(_) => problems.push("snapshot not written".to_string()),
            _ => {}
        }
        format!("failed: {}", problems.join(", "))
    };
    let badge = if scenario.passes() {
        Status::Pass
    } else {
        Status::Fail
    };
    let mut part = Part::new(&format!("{} {}", badge.badge(), scenario.name))
        .index_line(&index)
        .lead(&format!(
            "{} · {} replication{}",
            shown(&scenario.file),
            scenario.replications,
            if scenario.replications == 1 { "" } else { "s" }
        ));
    if let Some(report) = report {
        part = part.lead(&run_line(report));
    }
    if let Some(section) = expectations(scenario) {
        part = part.section(section);
    }
    part = part.section(snapshot_section(scenario));
    if let Some(report) = report {
        part = part.section(
            Section::new("This run")
                .chart(
                    &outcomes_chart(report),
                    "Every conversation ends in exactly one outcome; whiskers show 95% intervals.",
                )
                .chart(
                    &funnel_chart(report),
                    "Nodes in flow order; the hatched end of a bar is the customers who left there. `rehearse run FILE --format html` draws the whole report.",
                ),
        );
    }
    part
}

/// The unit a metric's values are drawn in.
fn unit(metric: &Metric) -> Unit {
    if metric.is_fraction() {
        Unit::Fraction
    } else if metric.is_time() {
        Unit::Seconds
    } else {
        Unit::Count
    }
}

fn gate(verdict: ExpectationVerdict) -> Gate {
    match verdict {
        ExpectationVerdict::Pass => Gate::Pass,
        ExpectationVerdict::Fail => Gate::Fail,
        ExpectationVerdict::Inconclusive => Gate::Inconclusive,
    }
}

fn expectations(scenario: &ScenarioCheck) -> Option<Section> {
    if scenario.expectations.is_empty() {
        return None;
    }
    // Failing expectations first, in file order otherwise.
    let mut checks: Vec<&ExpectationCheck> = scenario
        .expectations
        .iter()
        .map(|(check, _)| check)
        .collect();
    checks.sort_by_key(|check| check.verdict == ExpectationVerdict::Pass);
    let labels: Vec<String> = checks.iter().map(|check| check.condition()).collect();
    let rows: Vec<Threshold<'_>> = checks
        .iter()
        .zip(&labels)
        .map(|(check, label)| Threshold {
            label,
            value: check.value,
            ci95: check.interval.map(|i| (i.low, i.high)),
            bound: check.expectation.threshold,
            passes_below: matches!(
                check.expectation.operator,
                Operator::AtMost | Operator::Below
            ),
            unit: unit(&check.expectation.metric),
            gate: gate(check.verdict),
        })
        .collect();
    let mut table = Table::new("Expectations, failures first")
        .column("Expectation")
        .number_column("Measured")
        .column("95% interval")
        .column("Verdict");
    for check in &checks {
        let interval = check.interval.map_or("–".to_string(), |interval| {
            super::expectations::range(&check.expectation.metric, interval)
        });
        let verdict = match check.verdict {
            ExpectationVerdict::Pass => "✓ pass",
            ExpectationVerdict::Fail => "✗ fail",
            ExpectationVerdict::Inconclusive => "? inconclusive (fails)",
        };
        table = table.status_row(
            status(check.verdict),
            &[
                check.condition(),
                check.measured(),
                interval,
                verdict.to_string(),
            ],
        );
    }
    let mut section = Section::new("Expectations")
        .chart(
            &thresholds("Expectations against their bounds", &rows),
            "Each row on its own scale from zero: the bar is the measured value, the whisker its 95% interval, the thick line the bound, and the hatched side of the bound fails.",
        )
        .table(&table);
    for check in checks
        .iter()
        .filter(|check| check.verdict != ExpectationVerdict::Pass)
    {
        if let Some(problem) = check.problem() {
            section = section.prose(&format!("{problem}: {}.", check.details()));
        }
        if let Some(advice) = check.advice() {
            section = section.prose(&format!("What to do: {advice}."));
        }
    }
    Some(section)
}

fn snapshot_section(scenario: &ScenarioCheck) -> Section {
    let snapshot = &scenario.snapshot;
    let path = shown(&snapshot.path);
    let summary = match &snapshot.state {
        SnapshotState::Matches => format!("The report matches the approved one, {path}."),
        SnapshotState::Differs => format!(
            "The report differs from the approved one, {path}: {}.",
            snapshot
                .diff
                .as_ref()
                .map_or_else(|| "its text changed".to_string(), Diff::summary)
        ),
        SnapshotState::Missing => {
            format!("There is no approved report yet: {path} does not exist.")
        }
        SnapshotState::Accepted { created } => format!(
            "`--accept` {} {path}: review the change and commit it.",
            if *created { "created" } else { "updated" }
        ),
        SnapshotState::OptedOut => "Not compared: the scenario says `snapshot: false`.".to_string(),
        SnapshotState::NotCompared(why) if why.is_empty() => String::new(),
        SnapshotState::NotCompared(why) => format!("{}.", capitalised(why)),
        SnapshotState::NotWritten(why) => format!("{}.", capitalised(why)),
    };
    let mut section = Section::new("Snapshot").prose(&summary);
    if matches!(
        snapshot.state,
        SnapshotState::Differs | SnapshotState::Missing
    ) {
        let next = match (&snapshot.written, snapshot.ci) {
            (Some(written), _) => format!(
                "Wrote {}: review it, then approve it with `rehearse check --accept` and commit {path}.",
                shown(written)
            ),
            (None, true) => format!(
                "Nothing is written when CI is set: run `rehearse check` locally, review the report, approve it with `rehearse check --accept` and commit {path}."
            ),
            (None, false) => {
                format!("Approve it with `rehearse check --accept` and commit {path}.")
            }
        };
        section = section.prose(&next);
    }
    let Some(diff) = &snapshot.diff else {
        return section;
    };
    if diff.is_empty() {
        return section;
    }
    if !diff.changes.is_empty() {
        let mut table = Table::new("Changed numbers, the largest moves first")
            .column("Number")
            .number_column("Approved → now")
            .column("Against the new 95% interval");
        for change in diff.changes.iter().take(DIFF_ROWS) {
            let cells = [
                change.path.clone(),
                change.old_to_new().replace(" -> ", " → "),
                match change.significance {
                    Significance::Beyond(_) => format!("real change: {}", change.verdict()),
                    Significance::Within(_) => format!("noise: {}", change.verdict()),
                    Significance::Unknown => change.verdict(),
                },
            ];
            table = if change.is_real() {
                table.status_row(Status::Warn, &cells)
            } else {
                table.row(&cells)
            };
        }
        section = section.table(&table);
        if diff.changes.len() > DIFF_ROWS {
            section = section.paragraph(&format!(
                "…and {} more changed numbers (the job's log lists them).",
                diff.changes.len() - DIFF_ROWS
            ));
        }
    }
    if !diff.text.is_empty() || !diff.added.is_empty() || !diff.removed.is_empty() {
        let mut table = Table::new("Other changes").column("Key").column("Change");
        for (key, old, new) in &diff.text {
            table = table.row(&[key.as_str(), &format!("{old} → {new}")]);
        }
        for key in &diff.added {
            table = table.row(&[key.as_str(), "added"]);
        }
        for key in &diff.removed {
            table = table.row(&[key.as_str(), "removed"]);
        }
        section = section.table(&table);
    }
    section
}
