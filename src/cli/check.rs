//! `rehearse check`: what a CI job calls to gate a pull request. Load every
//! scenario first (a typo fails fast, exit 2), run each, check its
//! expectations and compare its report with the approved snapshot, then
//! report to people, to JUnit and to GitHub's step summary. Exit 1 when any
//! check fails.
//!
//! The decision is the library's ([`crate::check::run`]); this module reads
//! the flags and the environment, shows warnings and a progress bar, and
//! writes the results.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::output::{Destination, write_stdout};
use super::run::{progress_bar, skipped_note};
use super::{Environment, note};
use crate::check::{CheckOptions, junit, render_html, render_text, summary};
use crate::diagnostic::render_text as render_diagnostics;
use crate::error::{Error, ExitStatus};
use crate::model::scenario::MAX_REPLICATIONS;

// These doc comments are `--help` text, where `<bot>` is a placeholder,
// not HTML.
#[allow(rustdoc::invalid_html_tags)]
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Scenario files, or directories to search for them (default: scenarios/).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Approve the new reports: write snapshots/<bot>-<scenario>.snap and
    /// remove the pending .snap.new (never with CI set).
    #[arg(long)]
    accept: bool,
    /// Also write the results as JUnit XML to this file (`-` is standard output).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also write the results as one HTML page to this file: failures
    /// first, expectations against their bounds, snapshot changes, and each
    /// run's outcomes and funnel (`-` is standard output).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Run this many replications instead of each scenario's number, to
    /// narrow the intervals (snapshots are then not compared: they hold the
    /// report of the scenario's own number).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_REPLICATIONS)))]
    replications: Option<u32>,
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::load::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

/// `step_summary` is the file `GITHUB_STEP_SUMMARY` names, when set.
pub(super) fn check(
    args: &Args,
    environment: Environment,
    step_summary: Option<PathBuf>,
) -> Result<ExitStatus, Error> {
    let options = CheckOptions {
        paths: args.paths.clone(),
        accept: args.accept,
        ci: environment.ci,
        replications: args.replications,
        max_file_size: args.max_file_size,
        keep_reports: args.html.is_some(),
        ..CheckOptions::new()
    };
    // A flag that cannot work is reported before an unwritable output.
    options.update_mode()?;
    let to_stdout = |file: &Option<PathBuf>| {
        file.as_deref().map(Destination::parse) == Some(Destination::Stdout)
    };
    if to_stdout(&args.junit) && to_stdout(&args.html) {
        return Err(Error::Usage(
            "--junit - and --html - would both go to standard output, mixed: send one of them to a file".into(),
        ));
    }
    for (flag, file) in [("--junit", &args.junit), ("--html", &args.html)] {
        if let Some(file) = file.as_deref().filter(|file| *file != Path::new("-")) {
            super::output::writable_place(flag, file)?;
        }
    }
    let check = crate::check::load(&options, &mut skipped_note)?;
    if !check.warnings().is_empty() {
        note(&render_diagnostics(
            check.warnings(),
            environment.stderr_color(),
        ));
    }
    let bar = progress_bar(environment, check.replications());
    // The bar writes to the terminal: a name must not act on it.
    bar.set_message(
        match check.scenario_names().collect::<Vec<_>>().as_slice() {
            [name] => crate::source::printable(name).into_owned(),
            many => format!("{} scenarios", many.len()),
        },
    );
    let outcome = check.run(&|| bar.inc(1))?;
    bar.finish_and_clear();
    let report = &outcome.report;

    // The results for people go to standard output, unless a machine
    // format does: then to standard error, so that the XML or HTML on
    // standard output is whole.
    if to_stdout(&args.junit) || to_stdout(&args.html) {
        note(&render_text(report, environment.stderr_color()));
    } else {
        write_stdout(render_text(report, environment.stdout_color()).as_bytes())?;
    }
    if let Some(junit_file) = &args.junit {
        Destination::parse(junit_file).write(junit::render(report).as_bytes())?;
    }
    if let Some(html_file) = &args.html {
        Destination::parse(html_file).write(render_html(report, &outcome.reports).as_bytes())?;
    }
    if let Some(step_summary) = step_summary {
        append(&step_summary, &summary::render(report, summary::MAX_BYTES))?;
    }
    Ok(outcome.status())
}

/// Appends to the step summary file, which other steps share.
fn append(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
}
