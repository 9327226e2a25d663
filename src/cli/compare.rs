//! `rehearse compare`: two versions on the same simulated customers.
//!
//! Version A is the baseline and B the version under test:
//! - `compare S.yaml --flow OTHER.yaml`: A is the scenario, B the same
//!   scenario with the other flow;
//! - `compare S.yaml --against REF`: A is the scenario as it is in git at
//!   REF (its flow and personas too), B the working tree;
//! - `compare A.yaml B.yaml`: two scenarios that must meet the same
//!   customers (seed, personas, traffic).
//!
//! Both are loaded and linted first (input with errors is refused), then
//! run pair by pair; the comparison is written in every format asked for,
//! and `--fail-if-worse` turns it into a CI gate.

use std::path::{Path, PathBuf};

use super::git::Revision;
use super::output::Outputs;
use super::run::progress_bar;
use super::{Environment, note};
use crate::compare::{
    Comparison, Verdict, compare as compare_versions, render_html, render_markdown, render_text,
};
use crate::diagnostic::{Diagnostic, render_text as render_diagnostics};
use crate::error::{Error, ExitStatus, LoadErrorKind};
use crate::load::Loader;
use crate::metric::Metric;
use crate::model::scenario::{MAX_REPLICATIONS, Scenario};
use crate::report::{Format, Style};
use crate::sim::RunOptions;
use crate::source::printable;

#[derive(Debug, clap::Args)]
// clap would put the required group before SCENARIO, as if B came first.
#[command(
    override_usage = "rehearse compare [OPTIONS] <SCENARIO> (--flow <FLOW> | --against <REF> | <OTHER_SCENARIO>)"
)]
#[command(group(
    clap::ArgGroup::new("version_b")
        .required(true)
        .args(["other", "flow", "against"])
))]
pub(super) struct Args {
    /// The scenario: version A (with --against, the working tree's B).
    #[arg(value_name = "SCENARIO")]
    scenario: PathBuf,
    /// A second scenario, version B: it must have the same seed, personas
    /// and traffic, so that both meet the same customers.
    #[arg(value_name = "OTHER_SCENARIO")]
    other: Option<PathBuf>,
    /// Version B is the scenario with this flow instead of its own.
    #[arg(long, value_name = "FLOW")]
    flow: Option<PathBuf>,
    /// Version A is the scenario (with its flow and personas) as it is in
    /// git at this commit, branch or tag; B is the working tree.
    #[arg(long, value_name = "REF")]
    against: Option<String>,
    /// Use this seed for both versions instead of the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    /// Run this many replications of each version instead of the
    /// scenario's number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_REPLICATIONS)))]
    replications: Option<u32>,
    #[command(flatten)]
    outputs: Outputs,
    /// Exit 1 when any of these metrics is significantly worse under B
    /// (comma-separated or repeated: `abandonment,self_resolution`).
    #[arg(long, value_name = "METRIC", value_delimiter = ',')]
    fail_if_worse: Vec<String>,
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::load::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

/// A loaded version: the scenario, its warnings, and what to call it.
struct Loaded {
    scenario: Scenario,
    warnings: Vec<Diagnostic>,
    /// The files read, the scenario first and its flow second.
    files: Vec<PathBuf>,
}

fn load(loader: &Loader, file: &Path) -> Result<Loaded, Error> {
    let checked = loader.check_scenario(file)?;
    match checked.value {
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

fn shown(path: &Path) -> String {
    printable(&path.display().to_string()).into_owned()
}

pub(super) fn compare(args: &Args, environment: Environment) -> Result<ExitStatus, Error> {
    let destinations = args.outputs.destinations()?;
    let gates = gates(&args.fail_if_worse)?;
    let mut options = RunOptions::new();
    if let Some(seed) = args.seed {
        options = options.seed(seed);
    }
    if let Some(replications) = args.replications {
        options = options.replications(replications).map_err(Error::Usage)?;
    }

    let plain = || Loader::new().max_file_size(args.max_file_size);
    let (a, b, labels) = if let Some(flow) = &args.flow {
        let a = load(&plain(), &args.scenario)?;
        let b = load(&plain().with_flow_file(flow), &args.scenario)?;
        let own = a
            .files
            .get(1)
            .map_or("its own flow".to_string(), |f| shown(f));
        (a, b, (own, shown(flow)))
    } else if let Some(name) = &args.against {
        // The working tree first: a typo in the path is reported as such,
        // not as a file missing from git.
        let b = load(&plain(), &args.scenario)?;
        let revision = Revision::resolve(&args.scenario, name)?;
        let at = revision.path_of(&args.scenario)?;
        let a = load(&revision.loader(args.max_file_size), &at)?;
        (a, b, (name.clone(), "working tree".to_string()))
    } else {
        let other = args.other.as_ref().expect("clap requires a version B");
        let a = load(&plain(), &args.scenario)?;
        let b = load(&plain(), other).map_err(|error| match error {
            // `compare SCENARIO FLOW` is the likely slip for `--flow FLOW`.
            Error::Load(mut error) if matches!(error.kind, LoadErrorKind::NotAScenario("flow")) => {
                error.help = Some(format!(
                    "to run the scenario with this flow as version B, write `--flow {}`",
                    shown(other)
                ));
                Error::Load(error)
            }
            error => error,
        })?;
        (a, b, (shown(&args.scenario), shown(other)))
    };
    let mut warnings: Vec<Diagnostic> = a.warnings.into_iter().chain(b.warnings).collect();
    if !warnings.is_empty() {
        warnings.sort();
        warnings.dedup();
        note(&render_diagnostics(&warnings, environment.stderr_color()));
    }
    if let Err(unpaired) = crate::compare::pairing(&a.scenario, &b.scenario, &options) {
        return Err(Error::Usage(format!(
            "{} (A) and {} (B) would not meet the same customers, so they cannot be compared pair by pair: {unpaired}",
            labels.0, labels.1
        )));
    }
    let replications = options.replications_for(&a.scenario);
    if !gates.is_empty() && replications < 2 {
        return Err(Error::Usage(
            "--fail-if-worse needs at least 2 replications: one gives no interval to judge by"
                .into(),
        ));
    }

    let bar = progress_bar(environment, u64::from(replications));
    bar.set_message(a.scenario.name().to_string());
    let comparison = compare_versions(&a.scenario, &b.scenario, &options, &|| bar.inc(1))
        .map_err(|unpaired| Error::Usage(format!("cannot pair the two versions: {unpaired}")))?
        .labelled(labels.0, labels.1);
    bar.finish_and_clear();

    // A gate on a number neither version measures is a mistake in the
    // command, found before anything is written.
    let mut judged = Vec::new();
    for (name, metric) in &gates {
        match comparison.change(metric) {
            Some(change) => judged.push((name, change)),
            None => {
                return Err(Error::Usage(format!(
                    "--fail-if-worse {name}: neither version measures `{metric}`{}",
                    crate::text::did_you_mean(name, comparison.metric_names())
                )));
            }
        }
    }

    for (destination, format) in &destinations {
        let color =
            *destination == super::output::Destination::Stdout && environment.stdout_color();
        destination.write(&render(&comparison, *format, Style { color })?)?;
    }

    let worse: Vec<String> = judged
        .iter()
        .filter(|(_, change)| change.verdict == Verdict::Worse)
        .map(|(name, change)| {
            let (Some(difference), Some(bounds)) = (change.difference, change.ci95) else {
                return name.to_string();
            };
            format!(
                "{name} ({} {})",
                crate::compare::signed(change.unit, difference),
                crate::compare::interval(change.unit, bounds)
            )
        })
        .collect();
    if worse.is_empty() {
        Ok(ExitStatus::Success)
    } else {
        note(&format!(
            "error: B is significantly worse than A on {}\n",
            worse.join(", ")
        ));
        Ok(ExitStatus::Failed)
    }
}

/// Reads `--fail-if-worse` names: each must be a metric compare judges, with
/// a better direction.
fn gates(names: &[String]) -> Result<Vec<(String, Metric)>, Error> {
    let mut gates = Vec::new();
    for name in names
        .iter()
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
    {
        let metric = Metric::parse(name)
            .map_err(|message| Error::Usage(format!("--fail-if-worse: {message}")))?;
        if !crate::compare::judges(&metric) {
            return Err(Error::Usage(format!(
                "--fail-if-worse: compare does not judge `{metric}`; name an outcome, a rate, a response time, `turns.mean`, CSAT, a conversion, or a rate, CSAT or conversion of a persona, segment or variant"
            )));
        }
        if metric.higher_is_better().is_none() {
            return Err(Error::Usage(format!(
                "--fail-if-worse: `{name}` has no better direction (more escalation is good or bad depending on why), so it is never worse; gate on `abandonment` or `self_resolution` instead"
            )));
        }
        gates.push((name.to_string(), metric));
    }
    Ok(gates)
}

fn render(comparison: &Comparison, format: Format, style: Style) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    let written = match format {
        Format::Text => render_text(comparison, style, &mut bytes),
        Format::Markdown => render_markdown(comparison, &mut bytes),
        Format::Yaml => {
            serde_yaml::to_writer(&mut bytes, comparison).map_err(std::io::Error::other)
        }
        Format::Json => serde_json::to_writer_pretty(&mut bytes, comparison)
            .map_err(std::io::Error::other)
            .map(|()| bytes.push(b'\n')),
        Format::Html => {
            bytes = render_html(comparison).into_bytes();
            Ok(())
        }
    };
    written.map_err(|source| Error::Write {
        path: PathBuf::from("memory"),
        source,
    })?;
    Ok(bytes)
}
