//! `rehearse check`: what a CI job calls to gate a pull request. Load every
//! scenario first (a typo fails fast, exit 2), run each, check its
//! expectations and compare its report with the approved snapshot, then
//! report to people, to JUnit and to GitHub's step summary. Exit 1 when any
//! check fails.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::output::{Destination, write_atomically, write_stdout};
use super::run::progress_bar;
use super::{Environment, note};
use crate::check::snapshot::{
    self, Action, SnapshotFile, SnapshotState, UpdateMode, pending_path, snapshot_path,
};
use crate::check::{
    CheckReport, Diff, Place, ScenarioCheck, SnapshotCheck, check_expectations, junit, render_html,
    render_text, snapshot_name, summary,
};
use crate::diagnostic::render_text as render_diagnostics;
use crate::error::{Error, ExitStatus};
use crate::load::Loader;
use crate::model::scenario::{MAX_REPLICATIONS, Scenario};
use crate::sim::RunOptions;
use crate::simulation::simulate;
use crate::source::{KeyPath, printable};

/// Where scenarios are looked for when no path is given, and what snapshot
/// names are relative to.
const SCENARIOS_DIR: &str = "scenarios";

/// Where approved reports live.
const SNAPSHOTS_DIR: &str = "snapshots";

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Scenario files, or directories to search for them (default: scenarios/).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Approve the new reports: write snapshots/<bot>-<scenario>.snap and
    /// remove the pending .snap.new (never with CI set).
    #[arg(long)]
    accept: bool,
    /// Also write the results as JUnit XML to this file (`-` is standard output).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also write the results as one HTML page to this file: failures
    /// first, expectations against their bounds, snapshot changes, and each
    /// run's outcomes and funnel (`-` is standard output).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Run this many replications instead of each scenario's number, to
    /// narrow the intervals (snapshots are then not compared: they hold the
    /// report of the scenario's own number).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_REPLICATIONS)))]
    replications: Option<u32>,
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::load::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

/// `step_summary` is the file `GITHUB_STEP_SUMMARY` names, when set.
pub(super) fn check(
    args: &Args,
    environment: Environment,
    step_summary: Option<PathBuf>,
) -> Result<ExitStatus, Error> {
    let mode = update_mode(args, environment)?;
    for (flag, file) in [("--junit", &args.junit), ("--html", &args.html)] {
        if let Some(file) = file {
            super::output::writable_place(flag, file)?;
        }
    }
    let mut options = RunOptions::new();
    if let Some(replications) = args.replications {
        options = options.replications(replications).map_err(Error::Usage)?;
    }
    let scenarios_dir = Path::new(SCENARIOS_DIR);
    let snapshots_dir = Path::new(SNAPSHOTS_DIR);
    let paths = if args.paths.is_empty() {
        if !scenarios_dir.is_dir() {
            return Err(Error::Usage(format!(
                "there is no {SCENARIOS_DIR}/ directory here: run `rehearse check` from the root of your bot's repository, or name the scenarios to check"
            )));
        }
        vec![scenarios_dir.to_path_buf()]
    } else {
        args.paths.clone()
    };

    // Load everything first: a typo in the last file fails before any run.
    let loader = Loader::new().max_file_size(args.max_file_size);
    let discovered = loader.discover_scenarios(&paths)?;
    for (file, reason) in &discovered.skipped {
        note(&format!(
            "note: skipped {}: {reason}\n",
            printable(&file.display().to_string())
        ));
    }
    if discovered.files.is_empty() {
        return Err(Error::Usage(format!(
            "no scenario found in {}: a scenario is a YAML file with a top-level `scenario:` key",
            list(&paths)
        )));
    }
    let mut scenarios: Vec<(PathBuf, String, Scenario)> = Vec::new();
    let mut warnings = Vec::new();
    for (file, _) in &discovered.files {
        let (scenario, found) = loader.scenario(file)?;
        warnings.extend(found);
        let name = snapshot_name(scenarios_dir, file);
        if let Some((other, _, _)) = scenarios.iter().find(|(_, n, _)| *n == name) {
            return Err(Error::Usage(format!(
                "{} and {} would share the snapshot {}: rename one of them",
                printable(&other.display().to_string()),
                printable(&file.display().to_string()),
                snapshot_path(snapshots_dir, &name).display()
            )));
        }
        scenarios.push((file.clone(), name, scenario));
    }
    if !warnings.is_empty() {
        warnings.sort();
        warnings.dedup();
        note(&render_diagnostics(&warnings, environment.stderr_color()));
    }

    let total: u64 = scenarios
        .iter()
        .map(|(_, _, scenario)| u64::from(options.replications_for(scenario)))
        .sum();
    let bar = progress_bar(environment, total);
    let mut report = CheckReport::default();
    // Each run's report, in scenario order, for the HTML page.
    let mut reports = Vec::new();
    for (file, name, scenario) in &scenarios {
        bar.set_message(scenario.name().to_string());
        let started = Instant::now();
        let simulation = simulate(scenario, &options, &|| bar.inc(1));
        let seconds = started.elapsed().as_secs_f64();
        let expectations = check_expectations(scenario, &simulation)
            .into_iter()
            .map(|check| {
                let path = KeyPath::root().key("expect").key(&check.expectation.name);
                let place = loader
                    .locate(file, &path)
                    .map(|(location, source_line)| Place {
                        location,
                        source_line,
                    });
                (check, place)
            })
            .collect();
        let snapshot = compare_snapshot(
            file,
            name,
            scenario,
            &simulation,
            &options,
            snapshots_dir,
            mode,
            environment.ci,
        )?;
        report.scenarios.push(ScenarioCheck {
            file: file.clone(),
            name: name.clone(),
            scenario: scenario.name().to_string(),
            replications: simulation.report().replications,
            expectations,
            snapshot,
            seconds,
        });
        if args.html.is_some() {
            reports.push(simulation.into_report());
        }
    }
    bar.finish_and_clear();
    if covers(&paths, scenarios_dir) {
        report.unreferenced = unreferenced(snapshots_dir, &scenarios);
    }

    write_stdout(render_text(&report, environment.stdout_color()).as_bytes())?;
    if let Some(junit_file) = &args.junit {
        Destination::parse(junit_file).write(junit::render(&report).as_bytes())?;
    }
    if let Some(html_file) = &args.html {
        Destination::parse(html_file).write(render_html(&report, &reports).as_bytes())?;
    }
    if let Some(step_summary) = step_summary {
        append(&step_summary, &summary::render(&report, summary::MAX_BYTES))?;
    }
    Ok(if report.passes() {
        ExitStatus::Success
    } else {
        ExitStatus::Failed
    })
}

/// Never write with `CI` set; `--accept` approves; otherwise pending files.
fn update_mode(args: &Args, environment: Environment) -> Result<UpdateMode, Error> {
    if !args.accept {
        return Ok(if environment.ci {
            UpdateMode::Never
        } else {
            UpdateMode::Pending
        });
    }
    if environment.ci {
        return Err(Error::Usage(
            "--accept writes snapshots, and nothing is written when CI is set: accept locally, review, and commit the snapshots".into(),
        ));
    }
    if args.replications.is_some() {
        return Err(Error::Usage(
            "--accept approves the report of each scenario's own replications; drop --replications (or change `replications:` in the scenario)".into(),
        ));
    }
    Ok(UpdateMode::Accept)
}

/// Compares the run's report with the approved one and writes what `mode`
/// allows.
#[allow(clippy::too_many_arguments)]
fn compare_snapshot(
    file: &Path,
    name: &str,
    scenario: &Scenario,
    simulation: &crate::Simulation,
    options: &RunOptions,
    snapshots_dir: &Path,
    mode: UpdateMode,
    ci: bool,
) -> Result<SnapshotCheck, Error> {
    let path = snapshot_path(snapshots_dir, name);
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
    let replications = options.replications_for(scenario);
    if replications != scenario.replications() {
        return Ok(unchanged(SnapshotState::NotCompared(format!(
            "not compared: --replications {replications} gives another report than the scenario's {}",
            scenario.replications()
        ))));
    }
    let approved = match std::fs::read_to_string(&path) {
        Ok(text) => Some(SnapshotFile::parse(&text).map_err(|reason| {
            Error::Usage(format!(
                "{} is not an approved report in insta's snapshot format: {reason}",
                printable(&path.display().to_string())
            ))
        })?),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(Error::Usage(format!(
                "cannot read {}: {error}",
                printable(&path.display().to_string())
            )));
        }
    };
    let contents = snapshot::contents(simulation.report());
    let source = file.display().to_string().replace('\\', "/");
    let (state, actions) = snapshot::decide(
        &path,
        approved.as_ref(),
        pending_path(&path).exists(),
        source.trim_start_matches("./"),
        &contents,
        mode,
    );
    let diff = approved
        .as_ref()
        .filter(|_| state != SnapshotState::Matches)
        .map(|approved| {
            Diff::new(&approved.contents, &contents, &|metric| {
                simulation.interval(metric)
            })
        });
    let mut written = None;
    for action in actions {
        match action {
            Action::Write(target, text) => {
                if let Some(dir) = target.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                        path: dir.to_path_buf(),
                        source,
                    })?;
                }
                write_atomically(&target, text.as_bytes()).map_err(|source| Error::Write {
                    path: target.clone(),
                    source,
                })?;
                written = Some(target);
            }
            Action::Remove(target) => match std::fs::remove_file(&target) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::Write {
                        path: target,
                        source: error,
                    });
                }
                _ => {}
            },
        }
    }
    Ok(SnapshotCheck {
        path,
        state,
        diff,
        written,
        ci,
    })
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

/// Appends to the step summary file, which other steps share.
fn append(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| printable(&path.display().to_string()).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}
