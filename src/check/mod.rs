//! `rehearse check`: gate a pull request on each scenario's expectations
//! and approved report.
//!
//! For each scenario, the run's [`Report`](crate::Report) is checked
//! against the scenario's `expect:` entries ([`expectations`]) and compared
//! with its approved snapshot `snapshots/<bot>-<scenario>.snap`
//! ([`snapshot`], in insta's file format, so the project's own tests and
//! `check` share one file). A difference is explained number by number
//! ([`diff`]). The results go to people ([`render_text`], and as a page of
//! charts, [`render_html`]), to CI servers as JUnit XML ([`junit`]) and to
//! GitHub's job summary as markdown ([`summary`]).
//!
//! [`run`] is the whole decision of `rehearse check` (load, run, check,
//! compare, write snapshot files as the [`snapshot::UpdateMode`] allows);
//! nothing here reads the environment: the caller says whether it runs in
//! CI, and writes the results where it wants them.

pub mod diff;
pub mod expectations;
mod html;
pub mod junit;
mod run;
pub mod snapshot;
pub mod summary;
mod text;

use std::path::PathBuf;

pub use diff::Diff;
pub use expectations::{ExpectationCheck, ExpectationVerdict};
pub use html::render_html;
pub use run::{Check, CheckOptions, CheckOutcome, load, run};
pub use snapshot::{SnapshotState, snapshot_name};
pub use text::render_text;

use crate::Simulation;
use crate::model::scenario::Scenario;
use crate::source::{Excerpt, Location};

/// Every expectation of `scenario` checked against a run of it. The
/// report's numbers go in as it states them (a count as its total);
/// [`ExpectationCheck::new`] reads them per replication.
pub fn check_expectations(scenario: &Scenario, simulation: &Simulation) -> Vec<ExpectationCheck> {
    let report = simulation.report();
    scenario
        .expectations()
        .iter()
        .map(|expectation| {
            ExpectationCheck::new(
                expectation,
                report.value(&expectation.metric),
                simulation.interval(&expectation.metric),
                report.replications,
            )
        })
        .collect()
}

/// Where an `expect:` entry is written, for a failure to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Its line and column.
    pub location: Location,
    /// The line, as a message shows it.
    pub source_line: Option<Excerpt>,
}

/// What became of a scenario's snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotCheck {
    /// The approved report's file, `snapshots/<bot>-<scenario>.snap`.
    pub path: PathBuf,
    /// Matches, differs, missing, accepted, opted out or not compared.
    pub state: SnapshotState,
    /// What differs from the approved report, when there was one to compare.
    pub diff: Option<Diff>,
    /// The file written (`.snap.new` locally, `.snap` on `--accept`).
    pub written: Option<PathBuf>,
    /// Whether `CI` kept anything from being written.
    pub ci: bool,
}

/// One scenario's results.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioCheck {
    /// The scenario file, as named.
    pub file: PathBuf,
    /// `<bot>-<scenario>`: the snapshot's name, unique within a run.
    pub name: String,
    /// The scenario's own name (`scenario:`).
    pub scenario: String,
    /// How many replications ran.
    pub replications: u32,
    /// Each `expect:` entry, in file order, with where it is written.
    pub expectations: Vec<(ExpectationCheck, Option<Place>)>,
    /// The snapshot.
    pub snapshot: SnapshotCheck,
    /// Wall-clock seconds the run took (for JUnit; never in a report).
    pub seconds: f64,
}

impl ScenarioCheck {
    /// Whether every expectation passes and the snapshot matches (or was
    /// accepted, or is not used).
    pub fn passes(&self) -> bool {
        self.failed_expectations() == 0 && self.snapshot.state.passes()
    }

    /// Expectations that fail or are inconclusive.
    pub fn failed_expectations(&self) -> usize {
        self.expectations
            .iter()
            .filter(|(check, _)| check.verdict != ExpectationVerdict::Pass)
            .count()
    }
}

/// A whole `rehearse check`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckReport {
    /// Each scenario, in the order they were found.
    pub scenarios: Vec<ScenarioCheck>,
    /// Snapshots that belong to no scenario that was checked.
    pub unreferenced: Vec<PathBuf>,
}

impl CheckReport {
    /// Whether the gate passes: every scenario passes. Unreferenced
    /// snapshots are reported, not failed on.
    pub fn passes(&self) -> bool {
        self.scenarios.iter().all(ScenarioCheck::passes)
    }

    /// `1 of 3 scenarios failed: 1 expectation failed, 1 snapshot differs`,
    /// or `3 scenarios, 16 expectations passed, 3 snapshots match`.
    pub fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let count = |verdict| {
            self.scenarios
                .iter()
                .flat_map(|s| &s.expectations)
                .filter(|(check, _)| check.verdict == verdict)
                .count()
        };
        let snapshots = |wanted: fn(&SnapshotState) -> bool| {
            self.scenarios
                .iter()
                .filter(|s| wanted(&s.snapshot.state))
                .count()
        };
        let failing = self.scenarios.iter().filter(|s| !s.passes()).count();
        let mut parts = Vec::new();
        let (passed, failed, inconclusive) = (
            count(ExpectationVerdict::Pass),
            count(ExpectationVerdict::Fail),
            count(ExpectationVerdict::Inconclusive),
        );
        let compared = snapshots(|s| {
            matches!(
                s,
                SnapshotState::Matches | SnapshotState::Differs | SnapshotState::Missing
            )
        });
        if failing == 0 {
            parts.push(format!(
                "{} passed",
                plural(passed, "expectation", "expectations")
            ));
            parts.push(format!(
                "{} {}",
                plural(compared, "snapshot", "snapshots"),
                if compared == 1 { "matches" } else { "match" }
            ));
        } else {
            if failed > 0 {
                parts.push(format!(
                    "{} failed",
                    plural(failed, "expectation", "expectations")
                ));
            }
            if inconclusive > 0 {
                parts.push(format!("{inconclusive} inconclusive"));
            }
            let differ = snapshots(|s| *s == SnapshotState::Differs);
            if differ > 0 {
                parts.push(format!(
                    "{} {}",
                    plural(differ, "snapshot", "snapshots"),
                    if differ == 1 { "differs" } else { "differ" }
                ));
            }
            let missing = snapshots(|s| *s == SnapshotState::Missing);
            if missing > 0 {
                parts.push(format!(
                    "{} missing",
                    plural(missing, "snapshot", "snapshots")
                ));
            }
            let unwritten = snapshots(|s| matches!(s, SnapshotState::NotWritten(_)));
            if unwritten > 0 {
                parts.push(format!(
                    "{} not written",
                    plural(unwritten, "snapshot", "snapshots")
                ));
            }
        }
        let accepted = snapshots(|s| matches!(s, SnapshotState::Accepted { .. }));
        if accepted > 0 {
            parts.push(format!("{accepted} accepted"));
        }
        if !self.unreferenced.is_empty() {
            parts.push(format!(
                "{} unreferenced",
                plural(self.unreferenced.len(), "snapshot", "snapshots")
            ));
        }
        let scenarios = plural(self.scenarios.len(), "scenario", "scenarios");
        if failing == 0 {
            format!("{scenarios}, {}", parts.join(", "))
        } else {
            format!("{failing} of {scenarios} failed: {}", parts.join(", "))
        }
    }
}
