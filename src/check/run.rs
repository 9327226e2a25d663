//! The decision of `rehearse check`, as a library call: load every
//! scenario, run them all on one pool of threads, check each one's
//! expectations, compare its report with the approved snapshot (writing
//! what the [`UpdateMode`] allows), and say whether the gate passes.
//! Writing the results (text, JUnit, HTML, a job summary) is the caller's.
//!
//! ```no_run
//! use rehearse::check::{CheckOptions, run};
//!
//! let outcome = run(&CheckOptions::new()).expect("the scenarios load");
//! println!("{}", outcome.report.summary());
//! assert!(outcome.report.passes());
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::snapshot::{
    self, Action, SnapshotFile, SnapshotState, UpdateMode, pending_path, snapshot_path,
};
use super::{CheckReport, Diff, Place, ScenarioCheck, SnapshotCheck, check_expectations};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, ExitStatus};
use crate::file::{Policy, classify, linked_directory};
use crate::load::{DEFAULT_MAX_FILE_SIZE, Loader};
use crate::model::scenario::Scenario;
use crate::report::Report;
use crate::sim::RunOptions;
use crate::simulation::{Simulation, simulate_all};
use crate::source::{KeyPath, printable};

/// What to check, and what may be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOptions {
    /// Scenario files, or directories to search for them; empty means
    /// `scenarios_dir`.
    pub paths: Vec<PathBuf>,
    /// Where scenarios are looked for when no path is given, and what
    /// snapshot names are relative to (`scenarios`).
    pub scenarios_dir: PathBuf,
    /// Where approved reports live (`snapshots`).
    pub snapshots_dir: PathBuf,
    /// Approve the new reports (`--accept`): refused with `ci` or
    /// `replications` set.
    pub accept: bool,
    /// Running in CI: no snapshot file is ever written.
    pub ci: bool,
    /// Run this many replications instead of each scenario's number
    /// (snapshots are then not compared).
    pub replications: Option<u32>,
    /// Refuse files larger than this many bytes.
    pub max_file_size: u64,
    /// Keep each run's report in [`CheckOutcome::reports`] (for the HTML
    /// page); otherwise it is dropped as soon as it is checked.
    pub keep_reports: bool,
}

impl Default for CheckOptions {
    fn default() -> CheckOptions {
        CheckOptions::new()
    }
}

impl CheckOptions {
    /// Every scenario under `scenarios/` against `snapshots/`, locally
    /// (differing reports go to `.snap.new`), with each scenario's own
    /// replications.
    pub fn new() -> CheckOptions {
        CheckOptions {
            paths: Vec::new(),
            scenarios_dir: PathBuf::from("scenarios"),
            snapshots_dir: PathBuf::from("snapshots"),
            accept: false,
            ci: false,
            replications: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            keep_reports: false,
        }
    }

    /// How snapshot files may be changed: never with `ci`; `accept`
    /// approves; otherwise pending files. An error when `accept` cannot
    /// work.
    pub fn update_mode(&self) -> Result<UpdateMode, Error> {
        if !self.accept {
            return Ok(if self.ci {
                UpdateMode::Never
            } else {
                UpdateMode::Pending
            });
        }
        if self.ci {
            return Err(Error::Usage(
                "--accept writes snapshots, and nothing is written when CI is set: accept locally, review, and commit the snapshots".into(),
            ));
        }
        if self.replications.is_some() {
            return Err(Error::Usage(
                "--accept approves the report of each scenario's own replications; drop --replications (or change `replications:` in the scenario)".into(),
            ));
        }
        Ok(UpdateMode::Accept)
    }
}

/// The scenarios of a check, loaded and ready to run: [`load`] gives it,
/// [`Check::run`] runs it. Between the two, a caller can show the
/// warnings and size a progress bar.
#[derive(Debug)]
pub struct Check {
    options: CheckOptions,
    mode: UpdateMode,
    run_options: RunOptions,
    paths: Vec<PathBuf>,
    loader: Loader,
    /// Each scenario with its file and snapshot name, in the order found.
    scenarios: Vec<(PathBuf, String, Scenario)>,
    warnings: Vec<Diagnostic>,
}

/// The results of a whole check.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    /// Every scenario's expectations and snapshot.
    pub report: CheckReport,
    /// Each run's report, in scenario order, when
    /// [`CheckOptions::keep_reports`] asked for them; empty otherwise.
    pub reports: Vec<Report>,
}

impl CheckOutcome {
    /// The exit status: success when the gate passes, failed otherwise.
    pub fn status(&self) -> ExitStatus {
        if self.report.passes() {
            ExitStatus::Success
        } else {
            ExitStatus::Failed
        }
    }
}

/// Loads and runs everything `options` names, and checks it.
pub fn run(options: &CheckOptions) -> Result<CheckOutcome, Error> {
    load(options, &mut |_, _| {})?.run(&|| {})
}

/// Loads everything `options` names, before anything runs: a typo in the
/// last file fails fast. `skipped` hears of each file found in a directory
/// and left out, with why.
pub fn load(options: &CheckOptions, skipped: &mut dyn FnMut(&Path, &str)) -> Result<Check, Error> {
    let mode = options.update_mode()?;
    let mut run_options = RunOptions::new();
    if let Some(replications) = options.replications {
        run_options = run_options
            .replications(replications)
            .map_err(Error::Usage)?;
    }
    let scenarios_dir = &options.scenarios_dir;
    let paths = if options.paths.is_empty() {
        if !scenarios_dir.is_dir() {
            return Err(Error::Usage(format!(
                "there is no {}/ directory here: run `rehearse check` from the root of your bot's repository, or name the scenarios to check",
                printable(&scenarios_dir.display().to_string())
            )));
        }
        vec![scenarios_dir.clone()]
    } else {
        options.paths.clone()
    };
    let loader = Loader::new().max_file_size(options.max_file_size);
    let batch = crate::batch::load(&loader, &paths, skipped)?;
    let mut scenarios: Vec<(PathBuf, String, Scenario)> = Vec::new();
    for (file, scenario) in batch.scenarios {
        let name = super::snapshot_name(scenarios_dir, &file);
        if let Some((other, _, _)) = scenarios.iter().find(|(_, n, _)| *n == name) {
            return Err(Error::Usage(format!(
                "{} and {} would share the snapshot {}: rename one of them",
                printable(&other.display().to_string()),
                printable(&file.display().to_string()),
                snapshot_path(&options.snapshots_dir, &name).display()
            )));
        }
        scenarios.push((file, name, scenario));
    }
    let all: Vec<&Scenario> = scenarios.iter().map(|(_, _, scenario)| scenario).collect();
    crate::batch::within_limits(&all, &run_options)?;
    // Before anything runs: snapshots are read and written only inside the
    // project, never through a link a pull request committed.
    snapshots_inside(&options.snapshots_dir)?;
    for (_, name, scenario) in &scenarios {
        if scenario.snapshot() {
            let path = snapshot_path(&options.snapshots_dir, name);
            approved_exists(options, &path)?;
            snapshot_file(&pending_path(&path))?;
        }
    }
    Ok(Check {
        options: options.clone(),
        mode,
        run_options,
        paths,
        loader,
        scenarios,
        warnings: batch.warnings,
    })
}

impl Check {
    /// The warnings of every file loaded, sorted, each once.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The replications [`Check::run`] will simulate, over all scenarios.
    pub fn replications(&self) -> u64 {
        self.scenarios
            .iter()
            .map(|(_, _, scenario)| u64::from(self.run_options.replications_for(scenario)))
            .sum()
    }

    /// The scenarios' names, in order, for a progress message.
    pub fn scenario_names(&self) -> impl Iterator<Item = &str> {
        self.scenarios
            .iter()
            .map(|(_, _, scenario)| scenario.name())
    }

    /// Runs every scenario (all on one pool of threads), checks each one's
    /// expectations and compares its report with the approved snapshot,
    /// writing snapshot files as the update mode allows. `progress` is
    /// called once per finished replication.
    pub fn run(self, progress: &(dyn Fn() + Sync)) -> Result<CheckOutcome, Error> {
        let started = Instant::now();
        let scenarios: Vec<Scenario> = self
            .scenarios
            .iter()
            .map(|(_, _, scenario)| scenario.clone())
            .collect();
        let simulations = simulate_all(&scenarios, &self.run_options, progress);
        // The scenarios ran together, so none has a wall-clock time of its
        // own: each is given the run's time in proportion to its
        // replications (JUnit wants a time per test case).
        let seconds = started.elapsed().as_secs_f64();
        let total = self.replications().max(1) as f64;
        let mut report = CheckReport::default();
        let mut reports = Vec::new();
        for ((file, name, scenario), simulation) in self.scenarios.iter().zip(simulations) {
            let expectations = check_expectations(scenario, &simulation)
                .into_iter()
                .map(|check| {
                    let path = KeyPath::root().key("expect").key(&check.expectation.name);
                    let place = self
                        .loader
                        .locate(file, &path)
                        .map(|(location, source_line)| Place {
                            location,
                            source_line,
                        });
                    (check, place)
                })
                .collect();
            let snapshot = self.compare_snapshot(file, name, scenario, &simulation)?;
            let share = f64::from(self.run_options.replications_for(scenario)) / total;
            report.scenarios.push(ScenarioCheck {
                file: file.clone(),
                name: name.clone(),
                scenario: scenario.name().to_string(),
                replications: simulation.report().replications,
                expectations,
                snapshot,
                seconds: seconds * share,
            });
            if self.options.keep_reports {
                reports.push(simulation.into_report());
            }
        }
        if covers(&self.paths, &self.options.scenarios_dir) {
            report.unreferenced = unreferenced(&self.options.snapshots_dir, &self.scenarios);
        }
        Ok(CheckOutcome { report, reports })
    }

    /// Compares the run's report with the approved one and writes what the
    /// update mode allows.
    fn compare_snapshot(
        &self,
        file: &Path,
        name: &str,
        scenario: &Scenario,
        simulation: &Simulation,
    ) -> Result<SnapshotCheck, Error> {
        let ci = self.options.ci;
        let path = snapshot_path(&self.options.snapshots_dir, name);
        let unchanged = |state| SnapshotCheck {
            path: path.clone(),
            state,
            diff: None,
            written: None,
            ci,
        };
        if !scenario.snapshot() {
            return Ok(unchanged(SnapshotState::OptedOut));
        }
        let replications = self.run_options.replications_for(scenario);
        if replications != scenario.replications() {
            return Ok(unchanged(SnapshotState::NotCompared(format!(
                "not compared: --replications {replications} gives another report than the scenario's {}",
                scenario.replications()
            ))));
        }
        let approved = match read_snapshot(&self.options, &path)? {
            Some(text) => Some(SnapshotFile::parse(&text).map_err(|reason| {
                Error::Usage(format!(
                    "{} is not an approved report in insta's snapshot format: {reason}",
                    printable(&path.display().to_string())
                ))
            })?),
            None => None,
        };
        let contents = snapshot::contents(simulation.report());
        let source = file.display().to_string().replace('\\', "/");
        let (state, actions) = snapshot::decide(
            &path,
            approved.as_ref(),
            pending_path(&path).exists(),
            source.trim_start_matches("./"),
            &contents,
            self.mode,
        );
        let diff = approved
            .as_ref()
            .filter(|_| state != SnapshotState::Matches)
            .map(|approved| {
                Diff::new(&approved.contents, &contents, &|metric| {
                    simulation.interval(metric)
                })
            });
        // A write that fails is reported with this scenario, and the
        // others are still written.
        let (written, state) = match apply(&self.options.snapshots_dir, actions) {
            Ok(written) => (written, state),
            Err(error) => (None, SnapshotState::NotWritten(error.to_string())),
        };
        Ok(SnapshotCheck {
            path,
            state,
            diff,
            written,
            ci,
        })
    }
}

/// Refuses a snapshots directory reached through a symbolic link: what
/// is written there would land outside the project.
fn snapshots_inside(snapshots_dir: &Path) -> Result<(), Error> {
    match linked_directory(snapshots_dir) {
        Some((link, target)) => Err(Error::Usage(format!(
            "{} is a symbolic link (to {}): snapshots are read and written only inside the project; replace the link with a directory",
            printable(&link.display().to_string()),
            printable(&target.display().to_string())
        ))),
        None => Ok(()),
    }
}

/// Refuses a snapshot file (`.snap` or `.snap.new`) that is there but is
/// not a regular file of its own: a link, a pipe, a device or a directory.
fn snapshot_file(path: &Path) -> Result<(), Error> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    match classify(path, Policy::ProjectFile) {
        Ok(_) => Ok(()),
        Err(refused) => Err(Error::Usage(
            refused.message(&printable(&path.display().to_string()), path),
        )),
    }
}

/// The approved snapshot at `path`, if there is one: checked again where
/// it lies, and refused over the size limit.
fn read_snapshot(options: &CheckOptions, path: &Path) -> Result<Option<String>, Error> {
    if !approved_exists(options, path)? {
        return Ok(None);
    }
    std::fs::read_to_string(path)
        .map(Some)
        .map_err(|error| cannot_read(path, error))
}

/// Whether there is an approved snapshot at `path`; an error when it is
/// not a regular file of its own inside the project, or over the size
/// limit.
fn approved_exists(options: &CheckOptions, path: &Path) -> Result<bool, Error> {
    snapshots_inside(&options.snapshots_dir)?;
    snapshot_file(path)?;
    let size = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata.len(),
        // A name longer than the file system allows names no file: the
        // write that follows reports it for this scenario alone.
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidFilename
            ) =>
        {
            return Ok(false);
        }
        Err(error) => return Err(cannot_read(path, error)),
    };
    if size > options.max_file_size {
        return Err(Error::Usage(format!(
            "{} is {size} bytes, over the limit of {} (--max-file-size)",
            printable(&path.display().to_string()),
            options.max_file_size
        )));
    }
    Ok(true)
}

fn cannot_read(path: &Path, error: std::io::Error) -> Error {
    Error::Usage(format!(
        "cannot read {}: {error}",
        printable(&path.display().to_string())
    ))
}

/// Makes the changes on disk, each snapshot file written whole and only as
/// a regular file of its own inside `snapshots_dir`; the file written.
fn apply(snapshots_dir: &Path, actions: Vec<Action>) -> Result<Option<PathBuf>, Error> {
    let mut written = None;
    for action in actions {
        match action {
            Action::Write(target, text) => {
                snapshots_inside(snapshots_dir)?;
                if let Some(dir) = target.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                        path: dir.to_path_buf(),
                        source,
                    })?;
                }
                crate::file::write(&target, text.as_bytes(), Policy::ProjectFile).map_err(
                    |source| Error::Write {
                        path: target.clone(),
                        source,
                    },
                )?;
                written = Some(target);
            }
            Action::Remove(target) => {
                // Only a file of its own is removed, never a link.
                snapshot_file(&target)?;
                match std::fs::remove_file(&target) {
                    Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                        return Err(Error::Write {
                            path: target,
                            source: error,
                        });
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(written)
}

/// Whether the paths cover the whole scenarios directory, so that a
/// snapshot no scenario claimed belongs to a scenario that is gone.
fn covers(paths: &[PathBuf], scenarios_dir: &Path) -> bool {
    let Ok(dir) = std::fs::canonicalize(scenarios_dir) else {
        return false;
    };
    paths
        .iter()
        .any(|path| std::fs::canonicalize(path).is_ok_and(|path| path == dir))
}

/// The `.snap` files in `snapshots_dir` that no checked scenario names, in
/// sorted order.
fn unreferenced(snapshots_dir: &Path, scenarios: &[(PathBuf, String, Scenario)]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(snapshots_dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == snapshot::EXTENSION)
        })
        .filter(|path| {
            let stem = path
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned());
            !scenarios
                .iter()
                .any(|(_, name, scenario)| scenario.snapshot() && Some(name) == stem.as_ref())
        })
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOW: &str = r#"flow: demo
start: welcome
nodes:
  welcome:
    say: "Hi! How can we help?"
    buttons: ["Returns", "Talk to us"]
    routes:
      "Returns": returns_info
      "Talk to us": handoff
      fallback: welcome
  returns_info:
    say: "Returns are free for 30 days."
    next: done
  handoff:
    handoff: {queue: support}
  done:
    end: resolved
"#;

    const PERSONAS: &str = r#"personas:
  - name: returner
    goals:
      - want: return a parcel
        taps: ["Returns"]
"#;

    const SCENARIO: &str = r#"scenario: demo
flow: flow.yaml
personas: [personas.yaml]
mix: {returner: 1.0}
duration: 30m
replications: 2
arrivals: {poisson: {per_hour: 30}}
agents:
  support: {count: 1, handle_time: {fixed: 5m}}
expect:
  self_resolution: ">= 0.5"
  abandonment: "<= 0.0001"
"#;

    /// A fresh directory with `scenarios/demo/` holding the three files.
    fn project(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("rehearse-check-run-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let scenarios = dir.join("scenarios").join("demo");
        std::fs::create_dir_all(&scenarios).expect("a temporary directory");
        for (file, text) in [
            ("flow.yaml", FLOW),
            ("personas.yaml", PERSONAS),
            ("scenario.yaml", SCENARIO),
        ] {
            std::fs::write(scenarios.join(file), text).expect("a temporary file");
        }
        dir
    }

    fn options(dir: &Path) -> CheckOptions {
        CheckOptions {
            scenarios_dir: dir.join("scenarios"),
            snapshots_dir: dir.join("snapshots"),
            ..CheckOptions::new()
        }
    }

    #[test]
    fn a_library_check_gates_on_expectations_and_snapshots() {
        let dir = project("gates");
        // In CI nothing is written, and a missing snapshot fails the gate.
        let in_ci = run(&CheckOptions {
            ci: true,
            ..options(&dir)
        })
        .expect("the scenario loads");
        let scenario = &in_ci.report.scenarios[0];
        assert_eq!(scenario.name, "demo-scenario");
        assert_eq!(scenario.snapshot.state, SnapshotState::Missing);
        assert_eq!(scenario.expectations.len(), 2);
        // Every customer taps "Returns" and is answered: resolved, none
        // abandoned, so both expectations hold.
        assert_eq!(scenario.failed_expectations(), 0, "{scenario:?}");
        assert_eq!(in_ci.status(), ExitStatus::Failed);
        assert!(!dir.join("snapshots").exists());

        // Accepted locally, the snapshot is written; the next check matches.
        let accepted = run(&CheckOptions {
            accept: true,
            ..options(&dir)
        })
        .expect("the scenario loads");
        assert!(matches!(
            accepted.report.scenarios[0].snapshot.state,
            SnapshotState::Accepted { .. }
        ));
        let again = run(&options(&dir)).expect("the scenario loads");
        assert_eq!(
            again.report.scenarios[0].snapshot.state,
            SnapshotState::Matches
        );
        assert_eq!(again.status(), ExitStatus::Success);
        assert!(again.reports.is_empty(), "reports are kept only on request");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn accept_is_refused_in_ci_and_with_other_replications() {
        for options in [
            CheckOptions {
                accept: true,
                ci: true,
                ..CheckOptions::new()
            },
            CheckOptions {
                accept: true,
                replications: Some(3),
                ..CheckOptions::new()
            },
        ] {
            assert!(matches!(options.update_mode(), Err(Error::Usage(_))));
        }
    }
}
