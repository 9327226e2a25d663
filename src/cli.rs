//! The command line: `rehearse run SCENARIO... [--seed N] [--conversations N]
//! [--format text|markdown|yaml|json] [--out FILE]`.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{EXIT_BAD_INPUT, Error};
use crate::lint::{Diagnostic, deny_warnings, render_json, render_text, summary};
use crate::load::{
    FileKind, check_flow, check_personas, check_scenario, discover, discover_scenarios,
    load_scenario,
};
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
    /// Check flows, personas and scenarios without simulating.
    Lint(LintArgs),
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Flow, persona and scenario files, or directories to search for them.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub format: LintFormat,
    /// `--deny warnings` makes every warning an error.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub deny: Option<Deny>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    Warnings,
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
    /// Whether diagnostics on standard error may be coloured.
    pub fn stderr_color(self) -> bool {
        self.stderr_is_terminal && !self.no_color
    }

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
        Command::Run(args) => run(&args, environment).map(|()| 0),
        Command::Lint(args) => lint(&args, environment),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            if let Error::Rejected { diagnostics } = &error {
                eprint!("{}", render_text(diagnostics, environment.stderr_color()));
            }
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

/// Exit code when `rehearse lint` finds an error.
pub const EXIT_LINT_ERRORS: u8 = 1;

/// `rehearse lint`: every scenario with its flow and personas, then the flow
/// and persona files no scenario uses. Exit code 1 when an error is found.
pub fn lint(args: &LintArgs, environment: Environment) -> Result<u8, Error> {
    let mut covered = HashSet::new();
    let mut diagnostics = Vec::new();
    let files = discover(&args.paths)?;
    let by_kind = |wanted: FileKind| {
        files
            .iter()
            .filter(move |(_, kind)| *kind == wanted)
            .map(|(file, _)| file)
    };
    for file in by_kind(FileKind::Scenario) {
        let checked = check_scenario(file)?;
        covered.extend(checked.files.iter().map(|file| canonical(file)));
        diagnostics.extend(checked.diagnostics);
    }
    for file in by_kind(FileKind::Flow).filter(|file| !covered.contains(&canonical(file))) {
        diagnostics.extend(check_flow(file)?.diagnostics);
    }
    for file in by_kind(FileKind::Personas).filter(|file| !covered.contains(&canonical(file))) {
        diagnostics.extend(check_personas(file)?.diagnostics);
    }
    diagnostics.sort();
    diagnostics.dedup();
    if args.deny == Some(Deny::Warnings) {
        deny_warnings(&mut diagnostics);
    }
    let output = match args.format {
        LintFormat::Json => render_json(&diagnostics),
        LintFormat::Text => {
            let color = environment.stdout_is_terminal && !environment.no_color;
            format!(
                "{}{}\n",
                render_text(&diagnostics, color),
                summary(&diagnostics)
            )
        }
    };
    write_stdout(&output)?;
    Ok(if diagnostics.iter().any(Diagnostic::is_error) {
        EXIT_LINT_ERRORS
    } else {
        0
    })
}

/// The same file, however it was named.
fn canonical(file: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf())
}

/// `rehearse run`: load every scenario first (so a typo in the last file
/// fails fast), then simulate them in order and write one report each.
pub fn run(args: &RunArgs, environment: Environment) -> Result<(), Error> {
    let mut scenarios = Vec::new();
    let mut warnings = Vec::new();
    for path in discover_scenarios(&args.scenarios)? {
        let (mut scenario, found) = load_scenario(&path)?;
        warnings.extend(found);
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

    if !warnings.is_empty() {
        warnings.sort();
        warnings.dedup();
        eprint!("{}", render_text(&warnings, environment.stderr_color()));
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
        None => write_stdout(&output),
    }
}

fn write_stdout(output: &str) -> Result<(), Error> {
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
