//! The decision of `rehearse compare`, as a library call: build the two
//! versions (the scenario with another flow, the scenario as it is at a
//! git revision, or another scenario), check that they meet the same
//! customers, run them and judge the `fail_if_worse` gates. Writing the
//! comparison is the caller's.
//!
//! ```no_run
//! use std::path::PathBuf;
//! use rehearse::compare::{CompareOptions, VersionB, load_versions};
//!
//! let options = CompareOptions::new(
//!     "scenarios/shop/peak-hour.yaml",
//!     VersionB::Flow(PathBuf::from("scenarios/shop/flow-v2.yaml")),
//! );
//! let outcome = load_versions(&options)
//!     .and_then(|versions| versions.run(&|| {}))
//!     .expect("the versions load and pair");
//! println!("{:?}", outcome.comparison.summary.verdict);
//! ```

use std::path::{Path, PathBuf};

use super::gate::{self, Gate};
use super::judge::Judging;
use super::measure::compare_judged;
use super::primary::{self, Primary};
use super::{ChangeVerdict, Comparison, interval, pairing, signed};
use crate::diagnostic::{Diagnostic, Rule};
use crate::error::{Error, ExitStatus, LoadErrorKind};
use crate::load::{DEFAULT_MAX_FILE_SIZE, Loader};
use crate::model::scenario::Scenario;
use crate::revision::Revision;
use crate::sim::RunOptions;
use crate::source::{KeyPath, printable};

/// What version B is; version A is the scenario as given (or, with
/// [`VersionB::Against`], as it is in git).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionB {
    /// The scenario with this flow instead of its own (`--flow`).
    Flow(PathBuf),
    /// A is the scenario (with its flow and personas) as it is in git at
    /// this commit, branch or tag; B is the working tree (`--against`).
    Against(String),
    /// Another scenario that meets the same customers.
    Scenario(PathBuf),
}

/// What to compare, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareOptions {
    /// The scenario: version A (with [`VersionB::Against`], B).
    pub scenario: PathBuf,
    /// What version B is.
    pub b: VersionB,
    /// Use this seed for both versions instead of the scenario's.
    pub seed: Option<u64>,
    /// Run this many replications of each version instead of the
    /// scenario's number.
    pub replications: Option<u32>,
    /// Metrics (as `--fail-if-worse` names them) that fail the comparison
    /// when confidently worse under B, each with an optional margin
    /// (`abandonment:+1pt`): then only when confidently worse by more.
    /// They join the primary metrics' family.
    pub fail_if_worse: Vec<String>,
    /// The primary metrics (as `--primary` names them), instead of those
    /// the scenario names or the default ones.
    pub primary: Option<Vec<String>>,
    /// Refuse files larger than this many bytes.
    pub max_file_size: u64,
    /// The git repository [`VersionB::Against`] reads version A from;
    /// `None`: the one the working directory is in. The scenario must be
    /// in it.
    pub repository: Option<PathBuf>,
}

impl CompareOptions {
    /// `scenario` against `b`, with the scenario's seed and replications
    /// and no gate.
    pub fn new(scenario: impl Into<PathBuf>, b: VersionB) -> CompareOptions {
        CompareOptions {
            scenario: scenario.into(),
            b,
            seed: None,
            replications: None,
            fail_if_worse: Vec::new(),
            primary: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            repository: None,
        }
    }
}

/// A loaded version: the scenario, its warnings, and the files read.
#[derive(Debug)]
struct Loaded {
    scenario: Scenario,
    warnings: Vec<Diagnostic>,
    /// The files read, the scenario first and its flow second.
    files: Vec<PathBuf>,
}

/// Both versions, loaded and linted, ready to run: [`load_versions`] gives
/// them, [`Versions::run`] compares them. Between the two, a caller can
/// show the warnings and size a progress bar.
#[derive(Debug)]
pub struct Versions {
    a: Loaded,
    b: Loaded,
    /// What to call A and B: file names, or a revision and `working tree`.
    labels: (String, String),
    /// The gates, and `--primary` when given.
    gates: Vec<Gate>,
    primary: Option<Primary>,
    options: RunOptions,
}

/// A comparison, and whether its gates passed.
#[derive(Debug, Clone)]
pub struct CompareOutcome {
    /// B against A.
    pub comparison: Comparison,
    /// Each gate B failed: its name (and margin), with the difference and
    /// the adjusted interval.
    pub worse: Vec<String>,
}

impl CompareOutcome {
    /// Success, or failed when a `fail_if_worse` gate failed.
    pub fn status(&self) -> ExitStatus {
        if self.worse.is_empty() {
            ExitStatus::Success
        } else {
            ExitStatus::Failed
        }
    }

    /// Why the comparison failed, when a gate failed.
    pub fn failure(&self) -> Option<String> {
        (!self.worse.is_empty()).then(|| {
            format!(
                "B is significantly worse than A on {}",
                self.worse.join(", ")
            )
        })
    }
}

fn load(loader: &Loader, file: &Path) -> Result<Loaded, Error> {
    let checked = loader.check_scenario(file)?;
    match checked.value {
        Some(scenario) if !unjudged(loader, file, &scenario).is_empty() => Err(Error::Rejected {
            diagnostics: unjudged(loader, file, &scenario),
        }),
        Some(scenario) => Ok(Loaded {
            scenario,
            warnings: checked
                .diagnostics
                .into_iter()
                .filter(|d| !d.is_error())
                .collect(),
            files: checked.files,
        }),
        None => Err(Error::Rejected {
            diagnostics: checked.diagnostics,
        }),
    }
}

/// The scenario's `compare.primary` entries `compare` cannot judge, found
/// where they are written. (The scenario checks that each is a metric;
/// which metrics `compare` judges is said here.)
fn unjudged(loader: &Loader, file: &Path, scenario: &Scenario) -> Vec<Diagnostic> {
    let listed = scenario.compare_primary.iter().flatten().enumerate();
    listed
        .filter_map(|(i, metric)| {
            let message = primary::judged(metric).err()?;
            let path = KeyPath::root().key("compare").key("primary").index(i);
            let (location, source_line) = match loader.locate(file, &path) {
                Some((location, line)) => (Some(location), line),
                None => (None, None),
            };
            Some(Diagnostic {
                file: file.to_path_buf(),
                location,
                severity: Rule::InvalidScenario.severity(),
                rule: Rule::InvalidScenario,
                message,
                path,
                help: None,
                source_line,
            })
        })
        .collect()
}

fn shown(path: &Path) -> String {
    printable(&path.display().to_string()).into_owned()
}

/// Reads the gates and loads both versions; input with errors is refused.
pub fn load_versions(options: &CompareOptions) -> Result<Versions, Error> {
    let gates = gate::parse(&options.fail_if_worse).map_err(Error::Usage)?;
    let primary = options
        .primary
        .as_ref()
        .map(|names| Primary::parse(names.iter().map(String::as_str), "--primary"))
        .transpose()
        .map_err(Error::Usage)?;
    let mut run_options = RunOptions::new();
    if let Some(seed) = options.seed {
        run_options = run_options.seed(seed);
    }
    if let Some(replications) = options.replications {
        run_options = run_options
            .replications(replications)
            .map_err(Error::Usage)?;
    }
    let scenario = &options.scenario;
    let plain = || Loader::new().max_file_size(options.max_file_size);
    let (a, b, labels) = match &options.b {
        VersionB::Flow(flow) => {
            let a = load(&plain(), scenario)?;
            let b = load(&plain().with_flow_file(flow), scenario)?;
            let own = a
                .files
                .get(1)
                .map_or("its own flow".to_string(), |f| shown(f));
            (a, b, (own, shown(flow)))
        }
        VersionB::Against(name) => {
            // The working tree first: a typo in the path is reported as
            // such, not as a file missing from git.
            let b = load(&plain(), scenario)?;
            let revision = Revision::resolve(scenario, name, options.repository.as_deref())?;
            let at = revision.path_of(scenario)?;
            let a = load(&revision.loader(options.max_file_size), &at)?;
            (a, b, (name.clone(), "working tree".to_string()))
        }
        VersionB::Scenario(other) => {
            let a = load(&plain(), scenario)?;
            let b = load(&plain(), other).map_err(|error| match error {
                // `compare SCENARIO FLOW` is the likely slip for `--flow FLOW`.
                Error::Load(mut error)
                    if matches!(error.kind, LoadErrorKind::NotAScenario("flow")) =>
                {
                    error.help = Some(format!(
                        "to run the scenario with this flow as version B, write `--flow {}`",
                        shown(other)
                    ));
                    Error::Load(error)
                }
                error => error,
            })?;
            (a, b, (shown(scenario), shown(other)))
        }
    };
    crate::batch::within_limits(&[&a.scenario, &b.scenario], &run_options)?;
    Ok(Versions {
        a,
        b,
        labels,
        gates,
        primary,
        options: run_options,
    })
}

impl Versions {
    /// The warnings of both versions' files, sorted, each once.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let mut warnings: Vec<Diagnostic> = self
            .a
            .warnings
            .iter()
            .chain(&self.b.warnings)
            .cloned()
            .collect();
        warnings.sort();
        warnings.dedup();
        warnings
    }

    /// Replications of each version ([`Versions::run`]'s `progress` is
    /// called once for each pair).
    pub fn replications(&self) -> u32 {
        self.options.replications_for(&self.a.scenario)
    }

    /// Version A's scenario name, for a progress message.
    pub fn name(&self) -> &str {
        self.a.scenario.name()
    }

    /// Checks that the versions meet the same customers, runs them and
    /// judges the gates. `progress` is called once per replication.
    pub fn run(self, progress: &(dyn Fn() + Sync)) -> Result<CompareOutcome, Error> {
        let (label_a, label_b) = self.labels;
        if let Err(unpaired) = pairing(&self.a.scenario, &self.b.scenario, &self.options) {
            return Err(Error::Usage(format!(
                "{label_a} (A) and {label_b} (B) would not meet the same customers, so they cannot be compared pair by pair: {unpaired}"
            )));
        }
        let replications = self.options.replications_for(&self.a.scenario);
        if !self.gates.is_empty() && replications < 2 {
            return Err(Error::Usage(
                "--fail-if-worse needs at least 2 replications: one gives no interval to judge by"
                    .into(),
            ));
        }
        // The baseline's primary metrics: a change under review does not
        // choose what judges it.
        let primary_given = self.primary.is_some();
        let judging = Judging {
            primary: self
                .primary
                .unwrap_or_else(|| Primary::of(&self.a.scenario)),
            gates: self.gates,
        };
        let comparison = compare_judged(
            &self.a.scenario,
            &self.b.scenario,
            &self.options,
            &judging,
            progress,
        )
        .map_err(|unpaired| Error::Usage(format!("cannot pair the two versions: {unpaired}")))?
        .labelled(label_a, label_b);

        // A gate or a primary metric on a number neither version measures
        // is a mistake in the command, found before anything is written.
        let named = judging
            .gates
            .iter()
            .map(|gate| ("--fail-if-worse", gate.written.as_str(), &gate.metric));
        let listed = match &judging.primary {
            Primary::Listed(metrics) => metrics.as_slice(),
            Primary::Default => &[],
        };
        let flag = if primary_given {
            "--primary"
        } else {
            "compare.primary"
        };
        for (what, name, metric) in named.chain(listed.iter().map(|m| (flag, "", m))) {
            if comparison.change(metric).is_none() {
                let name = if name.is_empty() {
                    metric.to_string()
                } else {
                    name.to_string()
                };
                return Err(Error::Usage(format!(
                    "{what} {name}: neither version measures `{metric}`{}",
                    crate::text::did_you_mean(&metric.to_string(), comparison.metric_names())
                )));
            }
        }
        let mut worse = Vec::new();
        for gate in &judging.gates {
            let Some(change) = comparison.change(&gate.metric) else {
                continue;
            };
            if change.verdict != ChangeVerdict::Worse {
                continue;
            }
            worse.push(match (change.difference, change.adjusted_ci) {
                (Some(difference), Some(bounds)) => format!(
                    "{} ({} {}{})",
                    gate.written,
                    signed(change.unit, difference),
                    interval(change.unit, bounds),
                    match gate.margin {
                        Some(margin) => format!(", beyond {}", signed(change.unit, margin)),
                        None => String::new(),
                    }
                ),
                _ => gate.written.clone(),
            });
        }
        Ok(CompareOutcome { comparison, worse })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shop(gates: &[&str]) -> CompareOptions {
        CompareOptions {
            replications: Some(2),
            fail_if_worse: gates.iter().map(|gate| gate.to_string()).collect(),
            ..CompareOptions::new(
                "scenarios/shop/peak-hour.yaml",
                VersionB::Flow(PathBuf::from("scenarios/shop/flow-v2.yaml")),
            )
        }
    }

    #[test]
    fn another_flow_is_version_b_and_names_both_versions() {
        let versions = load_versions(&shop(&["self_resolution"])).expect("the shop loads");
        assert_eq!(versions.replications(), 2);
        let outcome = versions.run(&|| {}).expect("the versions pair");
        assert_eq!(outcome.comparison.a.label, "scenarios/shop/flow.yaml");
        assert_eq!(outcome.comparison.b.label, "scenarios/shop/flow-v2.yaml");
        assert_eq!(outcome.comparison.replications, 2);
        // B really is the other flow, on the same scenario.
        assert_eq!(outcome.comparison.a.flow.version.as_deref(), Some("1.2"));
        assert_eq!(outcome.comparison.b.flow.version.as_deref(), Some("1.3"));
        assert_eq!(outcome.comparison.b.scenario, "peak-hour");
    }

    #[test]
    fn a_gate_compare_does_not_judge_is_refused_before_loading() {
        let error = load_versions(&shop(&["escalation"])).expect_err("escalation has no direction");
        assert!(
            error.to_string().contains("has no better direction"),
            "{error}"
        );
        let error = load_versions(&CompareOptions {
            replications: Some(1),
            ..shop(&["abandonment"])
        })
        .and_then(|versions| versions.run(&|| {}))
        .expect_err("one replication gives no interval");
        assert!(
            error.to_string().contains("at least 2 replications"),
            "{error}"
        );
    }
}
