//! The scenarios a command is asked to run: found under the paths given,
//! all loaded before any runs, so that a typo in the last file fails before
//! the first simulation, and refused before any runs when the run as asked
//! (its flags, its scenarios together) would pass a cap of
//! [`crate::limits`]. Shared by `run` and `check`; `compare` refuses with
//! [`within_limits`] too.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::limits::{MAX_WORK, MEMORY_BUDGET};
use crate::load::Loader;
use crate::model::scenario::Scenario;
use crate::sim::RunOptions;
use crate::source::printable;
use crate::text::count;

/// Every scenario found under some paths, loaded.
#[derive(Debug)]
pub(crate) struct Batch {
    /// Each scenario with its file, in the order they were found.
    pub scenarios: Vec<(PathBuf, Scenario)>,
    /// The warnings of all of them, sorted, each once.
    pub warnings: Vec<Diagnostic>,
}

/// Finds the scenarios under `paths` and loads them all; none found is a
/// usage error. `skipped` hears of each file found in a directory and left
/// out, with why (a saved report, a CI file), as soon as it is known: before
/// an error in another file stops the command.
pub(crate) fn load(
    loader: &Loader,
    paths: &[PathBuf],
    skipped: &mut dyn FnMut(&Path, &str),
) -> Result<Batch, Error> {
    let discovered = loader.discover_scenarios(paths)?;
    for (file, reason) in &discovered.skipped {
        skipped(file, reason);
    }
    // A file that does not parse stops the command as it would stop `run`
    // on that file alone.
    if let Some(error) = discovered.errors.into_iter().next() {
        return Err(error.into());
    }
    if discovered.files.is_empty() {
        return Err(Error::Usage(format!(
            "no scenario found in {}: a scenario is a YAML file with a top-level `scenario:` key",
            paths
                .iter()
                .map(|path| printable(&path.display().to_string()).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut scenarios = Vec::new();
    let mut warnings = Vec::new();
    for (file, _) in &discovered.files {
        let (scenario, found) = loader.scenario(file)?;
        warnings.extend(found);
        scenarios.push((file.clone(), scenario));
    }
    warnings.sort();
    warnings.dedup();
    Ok(Batch {
        scenarios,
        warnings,
    })
}

/// Refuses a run of `scenarios` with `options` whose estimate passes a cap
/// of [`crate::limits`], naming what to change: each scenario file keeps
/// within the caps on its own (loading refused it otherwise), so what is
/// left is `--replications`, `--transcripts` and several scenarios run
/// together (or both versions of a comparison).
pub(crate) fn within_limits(scenarios: &[&Scenario], options: &RunOptions) -> Result<(), Error> {
    // Transcripts replay replications: once to find the conversations a
    // filter admits, once to write them down.
    let passes = if options.transcripts > 0 { 3.0 } else { 1.0 };
    let per_replication: f64 = scenarios.iter().map(|s| s.cost.work * passes).sum();
    let work: f64 = scenarios
        .iter()
        .map(|s| s.cost.work(options.replications_for(s)) * passes)
        .sum();
    if work > MAX_WORK {
        let at_most = (MAX_WORK / per_replication.max(1.0)).floor();
        let what = match scenarios {
            [scenario] => format!("scenario `{}`", printable(scenario.name())),
            [a, b] if a.name() == b.name() => {
                format!("both versions of scenario `{}`", printable(a.name()))
            }
            many => format!("these {} scenarios", many.len()),
        };
        let change = if let Some(replications) = options.replications_given() {
            format!(
                "--replications {replications}: give at most {}",
                count(at_most)
            )
        } else if options.transcripts > 0 {
            "--transcripts replays the replications to find them: name fewer scenarios, or give --replications".to_string()
        } else {
            "run the scenarios a few at a time".to_string()
        };
        return Err(Error::Usage(format!(
            "{what} may take {} engine steps, and a run takes at most {}; {change}",
            count(work),
            count(MAX_WORK)
        )));
    }
    // Transcripts are kept whole, and again as the report is rendered.
    const COPIES: f64 = 3.0;
    let budget = MEMORY_BUDGET as f64 / 2.0;
    for scenario in scenarios {
        let kept = scenario.cost.transcript * COPIES;
        if options.transcripts as f64 * kept > budget {
            return Err(Error::Usage(format!(
                "--transcripts {}: a transcript of scenario `{}` may hold {} KiB (up to `max_turns` turns), so at most {} fit in memory",
                options.transcripts,
                printable(scenario.name()),
                count(scenario.cost.transcript / 1024.0),
                count((budget / kept).floor())
            )));
        }
    }
    Ok(())
}
