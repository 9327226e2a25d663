//! The command line (see docs/src/command-line.md): clap definitions, the facts about
//! where we run, and one module per command.

mod check;
mod compare;
mod lint;
#[cfg(feature = "live")]
mod live;
mod output;
mod personas;
mod run;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diagnostic::render_text;
use crate::error::{Error, ExitStatus, rejected_summary};
use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "rehearse",
    version,
    about = "Rehearse a WhatsApp bot with simulated customers before it goes live"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate scenarios and print their reports.
    Run(run::Args),
    /// Check flows, personas and scenarios without simulating.
    Lint(lint::Args),
    /// Run scenarios and gate on their expectations and approved reports
    /// (what CI calls on a pull request).
    Check(check::Args),
    /// Play a scenario's customers against a running bot, standing in for
    /// the WhatsApp Cloud API on loopback.
    #[cfg(feature = "live")]
    Live(live::Args),
    /// Compare two versions on the same simulated customers: paired
    /// differences with 95% intervals, customers who changed outcome, the
    /// funnel and personas.
    Compare(compare::Args),
    /// Write a persona file skeleton from a flow: one goal per path to an
    /// end or a handoff, with the taps, replies and answers it needs.
    Personas(personas::Args),
}

/// Facts about where we run, decided once so that output is testable.
#[derive(Debug, Clone, Copy)]
pub struct Environment {
    /// Standard output is a terminal.
    pub stdout_is_terminal: bool,
    /// Standard error is a terminal.
    pub stderr_is_terminal: bool,
    /// `CI` is set: no progress bars, and snapshot files are never written.
    pub ci: bool,
    /// `NO_COLOR` is set (to anything non-empty): no colour.
    pub no_color: bool,
}

impl Environment {
    /// Whether diagnostics on standard error may be coloured.
    pub fn stderr_color(self) -> bool {
        self.stderr_is_terminal && !self.no_color
    }

    /// Whether output on standard output may be coloured.
    pub fn stdout_color(self) -> bool {
        self.stdout_is_terminal && !self.no_color
    }

    /// The environment of this process.
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

impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Format::Text,
            Format::Markdown,
            Format::Yaml,
            Format::Json,
            Format::Html,
        ]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Format::ALL
            .iter()
            .find(|(format, _)| format == self)
            .map(|(_, name)| clap::builder::PossibleValue::new(*name))
    }
}

/// Parses `args`, runs the command and returns the process exit code.
pub fn main(args: impl IntoIterator<Item = OsString>, environment: Environment) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout (exit 0), usage errors
            // to stderr (exit 2); a closed stream is no reason to panic.
            let _ = error.print();
            return if error.use_stderr() {
                ExitStatus::BadInput.into()
            } else {
                ExitStatus::Success.into()
            };
        }
    };
    let result = match cli.command {
        Command::Run(args) => run::run(&args, environment),
        Command::Lint(args) => lint::lint(&args, environment),
        Command::Check(args) => check::check(&args, environment, step_summary()),
        #[cfg(feature = "live")]
        Command::Live(args) => live::live(&args, environment),
        Command::Compare(args) => compare::compare(&args, environment),
        Command::Personas(args) => personas::personas(&args, environment),
    };
    match result {
        Ok(status) => status.into(),
        Err(error) => {
            let mut stderr = std::io::stderr().lock();
            if let Error::Rejected { diagnostics } = &error {
                // Not `{error}`, which renders the diagnostics without colour.
                let _ = stderr
                    .write_all(render_text(diagnostics, environment.stderr_color()).as_bytes());
                let _ = writeln!(stderr, "error: {}", rejected_summary(diagnostics));
            } else {
                let _ = writeln!(stderr, "error: {error}");
            }
            error.exit_status().into()
        }
    }
}

/// The file GitHub Actions collects the job summary from, when set: read
/// here, once, like the rest of the environment.
fn step_summary() -> Option<std::path::PathBuf> {
    std::env::var_os("GITHUB_STEP_SUMMARY")
        .filter(|value| !value.is_empty())
        .map(std::path::PathBuf::from)
}

/// Writes to standard error, ignoring failure: a closed or full stderr must
/// not turn a message into a panic.
pub(crate) fn note(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
