//! The command line: `rehearse run SCENARIO... [--seed N] [--conversations N]
//! [--format text|markdown|yaml|json] [--out FILE]`.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{EXIT_BAD_INPUT, Error};
use crate::load::{discover_scenarios, load_scenario};
use crate::report::{Format, Report, Style, render};
use crate::sim::simulate;

#[derive(Debug, Parser)]
#[command(
    name = "rehearse",
    version,
    about = "Rehearse a WhatsApp bot with simulated customers before it goes live"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate scenarios and print their reports.
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files, or directories to search for them.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Use this seed instead of the scenario's.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Simulate this many conversations instead of the scenario's number.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub conversations: Option<u64>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Facts about where we run, decided once so that output is testable.
#[derive(Debug, Clone, Copy)]
pub struct Environment {
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
    /// `CI` is set: no progress bars.
    pub ci: bool,
    /// `NO_COLOR` is set (to anything non-empty): no colour.
    pub no_color: bool,
}

impl Environment {
    pub fn detect() -> Environment {
        let set = |name| std::env::var_os(name).is_some_and(|value| !value.is_empty());
        Environment {
            stdout_is_terminal: std::io::stdout().is_terminal(),
            stderr_is_terminal: std::io::stderr().is_terminal(),
            ci: set("CI"),
            no_color: set("NO_COLOR"),
        }
    }
}

/// Parses `args`, runs the command and returns the process exit code.
pub fn main(args: impl IntoIterator<Item = OsString>, environment: Environment) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout (exit 0), usage errors to stderr (exit 2).
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                EXIT_BAD_INPUT
            } else {
                0
            });
        }
    };
    let result = match cli.command {
        Command::Run(args) => run(&args, environment),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

/// `rehearse run`: load every scenario first (so a typo in the last file
/// fails fast), then simulate them in order and write one report each.
pub fn run(args: &RunArgs, environment: Environment) -> Result<(), Error> {
    let mut scenarios = Vec::new();
    for path in discover_scenarios(&args.scenarios)? {
        let mut scenario = load_scenario(&path)?;
        if let Some(seed) = args.seed {
            scenario.seed = seed;
        }
        if let Some(conversations) = args.conversations {
            scenario.conversations = conversations;
            // Fewer conversations than replications would leave some empty.
            scenario.replications = scenario
                .replications
                .min(u32::try_from(conversations).unwrap_or(u32::MAX));
        }
        scenarios.push(scenario);
    }

    let bar = progress_bar(environment, scenarios.iter().map(|s| s.conversations).sum());
    let reports: Vec<Report> = scenarios
        .iter()
        .map(|scenario| {
            bar.set_message(scenario.name.clone());
            Report::new(scenario, &simulate(scenario, &|done| bar.inc(done)))
        })
        .collect();
    bar.finish_and_clear();

    let to_terminal = args.out.is_none() && environment.stdout_is_terminal;
    let style = Style {
        color: to_terminal && !environment.no_color,
    };
    let output = render(&reports, args.format, style);
    match &args.out {
        Some(path) => std::fs::write(path, output).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(output.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A closed pipe (`rehearse run ... | head`) is not an error worth reporting.
                Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
                    path: PathBuf::from("standard output"),
                    source: error,
                }),
                _ => Ok(()),
            }
        }
    }
}

/// A progress bar on a terminal, outside CI; hidden otherwise.
fn progress_bar(environment: Environment, total: u64) -> ProgressBar {
    if !environment.stderr_is_terminal || environment.ci {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{msg:>16} {wide_bar} {pos}/{len} conversations ({eta})")
    {
        bar.set_style(style);
    }
    bar
}
