//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod bounded;
pub mod hostile;
pub mod markup;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rehearse::diagnostic::render_text;
use rehearse::{Error, Loader, Report, RunOptions, Scenario, Simulation, simulate};

/// Writes `files` into a fresh directory named `name` under cargo's
/// per-target temporary directory and returns it.
pub fn write_files(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

/// Loads a scenario file, panicking with the user-facing messages on error.
pub fn load(path: &Path) -> Scenario {
    match Loader::new().scenario(path) {
        Ok((scenario, _warnings)) => scenario,
        Err(Error::Rejected { diagnostics }) => panic!("{}", render_text(&diagnostics, false)),
        Err(error) => panic!("{error}"),
    }
}

pub fn simulation(scenario: &Scenario) -> Simulation {
    simulate(scenario, &RunOptions::new(), &|| {})
}

pub fn report(scenario: &Scenario) -> Report {
    simulation(scenario).into_report()
}

/// The repository root, for tests that use the bundled scenarios.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `rehearse` binary with `args` from `dir`, as a user would from a
/// shell there. `NO_COLOR` and `CI` are cleared so the output does not
/// depend on the caller's environment (it is not a terminal, so there is no
/// colour anyway).
pub fn rehearse_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .output()
        .unwrap()
}
