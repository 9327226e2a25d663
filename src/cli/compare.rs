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
//!
//! Building, pairing, running and judging the versions is the library's
//! ([`crate::compare::load_versions`]); this module reads the flags, shows
//! warnings and a progress bar, and writes the comparison.

use std::path::PathBuf;

use super::output::Outputs;
use super::run::progress_bar;
use super::{Environment, note};
use crate::compare::{
    CompareOptions, Comparison, VersionB, load_versions, render_html, render_markdown, render_text,
};
use crate::diagnostic::render_text as render_diagnostics;
use crate::error::{Error, ExitStatus};
use crate::model::scenario::MAX_REPLICATIONS;
use crate::report::{Format, Style};

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
    /// The git repository --against reads version A from (default: the
    /// one the working directory is in); the scenario must belong to it.
    #[arg(long, value_name = "DIR", requires = "against")]
    repository: Option<PathBuf>,
    /// Use this seed for both versions instead of the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    /// Run this many replications of each version instead of the
    /// scenario's number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_REPLICATIONS)))]
    replications: Option<u32>,
    #[command(flatten)]
    outputs: Outputs,
    /// Exit 1 when any of these metrics is confidently worse under B, or
    /// with a margin confidently worse by more than it (comma-separated
    /// or repeated: `abandonment:+1pt,response_time.bot.p95:+200ms`).
    /// They join the primary metrics' family.
    #[arg(long, value_name = "METRIC[:MARGIN]", value_delimiter = ',')]
    fail_if_worse: Vec<String>,
    /// The primary metrics the headline judges, instead of the scenario's
    /// `compare.primary` or the default ones (comma-separated or
    /// repeated: `self_resolution,abandonment`).
    #[arg(long, value_name = "METRIC", value_delimiter = ',')]
    primary: Option<Vec<String>>,
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::load::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

pub(super) fn compare(args: &Args, environment: Environment) -> Result<ExitStatus, Error> {
    let destinations = args.outputs.destinations()?;
    let b = match (&args.flow, &args.against, &args.other) {
        (Some(flow), _, _) => VersionB::Flow(flow.clone()),
        (None, Some(name), _) => VersionB::Against(name.clone()),
        (None, None, Some(other)) => VersionB::Scenario(other.clone()),
        // clap's `version_b` group requires one of the three.
        (None, None, None) => {
            return Err(Error::Usage(
                "name version B: --flow FLOW, --against REF or a second scenario".into(),
            ));
        }
    };
    let options = CompareOptions {
        seed: args.seed,
        replications: args.replications,
        fail_if_worse: args.fail_if_worse.clone(),
        primary: args.primary.clone(),
        max_file_size: args.max_file_size,
        repository: args.repository.clone(),
        ..CompareOptions::new(args.scenario.clone(), b)
    };
    let versions = load_versions(&options)?;
    let warnings = versions.warnings();
    if !warnings.is_empty() {
        note(&render_diagnostics(&warnings, environment.stderr_color()));
    }
    let bar = progress_bar(environment, u64::from(versions.replications()));
    bar.set_message(versions.name().to_string());
    let outcome = versions.run(&|| bar.inc(1));
    bar.finish_and_clear();
    let outcome = outcome?;

    for (destination, format) in &destinations {
        let color =
            *destination == super::output::Destination::Stdout && environment.stdout_color();
        destination.write(&render(&outcome.comparison, *format, Style { color })?)?;
    }
    if let Some(failure) = outcome.failure() {
        note(&format!("error: {failure}\n"));
    }
    Ok(outcome.status())
}

fn render(comparison: &Comparison, format: Format, style: Style) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    let written = match format {
        Format::Text => render_text(comparison, style, &mut bytes),
        Format::Markdown => render_markdown(comparison, &mut bytes),
        Format::Yaml => crate::yaml::write(&mut bytes, comparison),
        Format::Json => crate::json::write(&mut bytes, comparison),
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
