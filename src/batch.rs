//! The scenarios a command is asked to run: found under the paths given,
//! all loaded before any runs, so that a typo in the last file fails before
//! the first simulation. Shared by `run` and `check`.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::load::Loader;
use crate::model::scenario::Scenario;
use crate::source::printable;

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
