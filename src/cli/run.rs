//! `rehearse run`: load every scenario first (so a typo in the last file
//! fails fast), then simulate them and write the reports.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use super::output::{Destination, Outputs};
use super::{Environment, note};
use crate::diagnostic::render_text;
use crate::error::{Error, ExitStatus};
use crate::limits::MAX_TRANSCRIPTS;
use crate::load::Loader;
use crate::model::scenario::{MAX_REPLICATIONS, Scenario};
use crate::report::transcript::Filter;
use crate::report::{Format, Report, Style};
use crate::sim::RunOptions;
use crate::simulation::{Simulation, simulate_all};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Scenario files, or directories to search for them.
    #[arg(required = true, value_name = "SCENARIO")]
    scenarios: Vec<PathBuf>,
    /// Use this seed instead of the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    /// Run this many replications instead of the scenario's number; each
    /// still simulates the scenario's `duration`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_REPLICATIONS)))]
    replications: Option<u32>,
    #[command(flatten)]
    outputs: Outputs,
    /// Also show N sample conversations (at most 1000), as the customer saw
    /// them.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=MAX_TRANSCRIPTS as u64))]
    transcripts: Option<u64>,
    /// Which conversations to show: an outcome (`abandoned_in_bot`, ...) or
    /// the node where they ended.
    #[arg(long = "where", value_name = "OUTCOME|NODE", requires = "transcripts")]
    filter: Option<String>,
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::load::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

pub(super) fn run(args: &Args, environment: Environment) -> Result<ExitStatus, Error> {
    let destinations = args.outputs.destinations()?;
    let mut options = RunOptions::new();
    if let Some(seed) = args.seed {
        options = options.seed(seed);
    }
    if let Some(replications) = args.replications {
        options = options.replications(replications).map_err(Error::Usage)?;
    }
    if let Some(count) = args.transcripts {
        let filter = args
            .filter
            .as_deref()
            .map(Filter::parse)
            .unwrap_or_default();
        options = options.transcripts(count as usize, filter);
    }
    let loader = Loader::new().max_file_size(args.max_file_size);
    let batch = crate::batch::load(&loader, &args.scenarios, &mut skipped_note)?;
    let scenarios: Vec<Scenario> = batch
        .scenarios
        .into_iter()
        .map(|(_, scenario)| scenario)
        .collect();
    if let Some(Filter::Node(node)) = args.filter.as_deref().map(Filter::parse) {
        for scenario in &scenarios {
            if !scenario.flow().node_names().any(|name| name == node) {
                return Err(Error::Usage(format!(
                    "--where {node}: the flow of scenario `{}` has no node called `{node}`{}, and it is not an outcome ({})",
                    scenario.name(),
                    crate::text::did_you_mean(&node, scenario.flow().node_names()),
                    crate::text::list(crate::metric::Outcome::ALL.iter().map(|o| o.key()))
                )));
            }
        }
    }
    if !batch.warnings.is_empty() {
        note(&render_text(&batch.warnings, environment.stderr_color()));
    }
    let all: Vec<&Scenario> = scenarios.iter().collect();
    crate::batch::within_limits(&all, &options)?;

    let total: u64 = scenarios
        .iter()
        .map(|scenario| u64::from(options.replications_for(scenario)))
        .sum();
    let bar = progress_bar(environment, total);
    // The bar writes to the terminal: a name must not act on it.
    bar.set_message(match scenarios.as_slice() {
        [scenario] => crate::source::printable(&scenario.name).into_owned(),
        many => format!("{} scenarios", many.len()),
    });
    // All scenarios' replications share one pool of threads.
    let reports: Vec<Report> = simulate_all(&scenarios, &options, &|| bar.inc(1))
        .into_iter()
        .map(Simulation::into_report)
        .collect();
    bar.finish_and_clear();
    write_reports(&reports, &destinations, environment)?;
    Ok(ExitStatus::Success)
}

/// Notes a file found in a directory and left out, on standard error.
pub(super) fn skipped_note(file: &Path, reason: &str) {
    note(&format!(
        "note: skipped {}: {reason}\n",
        crate::source::printable(&file.display().to_string())
    ));
}

/// Renders `reports` to each destination in its format.
pub(super) fn write_reports(
    reports: &[Report],
    destinations: &[(Destination, Format)],
    environment: Environment,
) -> Result<(), Error> {
    for (destination, format) in destinations {
        let color = *destination == Destination::Stdout && environment.stdout_color();
        let mut bytes = Vec::new();
        format
            .renderer(Style { color })
            .render(reports, &mut bytes)
            .map_err(|source| Error::Write {
                path: PathBuf::from("memory"),
                source,
            })?;
        destination.write(&bytes)?;
    }
    Ok(())
}

/// A progress bar over replications on a terminal, outside CI; hidden otherwise.
pub(super) fn progress_bar(environment: Environment, total: u64) -> ProgressBar {
    if !environment.stderr_is_terminal || environment.ci {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{msg:>16} {wide_bar} {pos}/{len} replications ({eta})")
    {
        bar.set_style(style);
    }
    bar
}
