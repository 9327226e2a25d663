//! `rehearse lint`: every scenario with its flow and personas, then the flow
//! and persona files no scenario uses. Exit code 1 when an error is found.

use std::collections::HashSet;
use std::path::PathBuf;

use super::output::write_stdout;
use super::{Environment, note};
use crate::diagnostic::{
    Diagnostic, deny_warnings, render_github, render_json, render_sarif, render_text, summary,
};
use crate::error::{Error, ExitStatus, LoadError};
use crate::load::{FileKind, Loader};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Flow, persona and scenario files, or directories to search for them.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
    /// `--deny warnings` makes every warning an error.
    #[arg(long, value_enum, value_name = "LEVEL")]
    deny: Option<Deny>,
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::load::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LintFormat {
    Text,
    Json,
    /// GitHub Actions annotations (at most 10 errors and 10 warnings shown).
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Deny {
    Warnings,
}

pub(super) fn lint(args: &Args, environment: Environment) -> Result<ExitStatus, Error> {
    let loader = Loader::new().max_file_size(args.max_file_size);
    let mut covered = HashSet::new();
    let mut diagnostics = Vec::new();
    let discovered = loader.discover(&args.paths)?;
    for (file, reason) in &discovered.skipped {
        note(&format!(
            "note: skipped {}: {reason}\n",
            crate::source::printable(&file.display().to_string())
        ));
    }
    let by_kind = |wanted: FileKind| {
        discovered
            .files
            .iter()
            .filter(move |(_, kind)| *kind == wanted)
            .map(|(file, _)| file)
    };
    // A file that cannot be used is a finding, and every other file is
    // still linted: one broken file must not hide the rest, nor leave a
    // machine format without its document.
    let mut unreadable = discovered.errors;
    for file in by_kind(FileKind::Scenario) {
        match loader.check_scenario(file) {
            Ok(checked) => {
                covered.extend(checked.files.iter().map(|file| canonical(file)));
                diagnostics.extend(checked.diagnostics);
            }
            Err(error) => {
                // The flow and persona files it names may be fine: lint
                // them on their own rather than not at all.
                unreadable.push(error);
            }
        }
    }
    for file in by_kind(FileKind::Flow).filter(|file| !covered.contains(&canonical(file))) {
        match loader.check_flow(file) {
            Ok(checked) => diagnostics.extend(checked.diagnostics),
            Err(error) => unreadable.push(error),
        }
    }
    for file in by_kind(FileKind::Personas).filter(|file| !covered.contains(&canonical(file))) {
        match loader.check_personas(file) {
            Ok(checked) => diagnostics.extend(checked.diagnostics),
            Err(error) => unreadable.push(error),
        }
    }
    diagnostics.extend(unreadable.iter().map(LoadError::to_diagnostic));
    diagnostics.sort();
    diagnostics.dedup();
    if args.deny == Some(Deny::Warnings) {
        deny_warnings(&mut diagnostics);
    }
    let output = match args.format {
        LintFormat::Json => render_json(&diagnostics),
        LintFormat::Github => render_github(&diagnostics, &repository_root()),
        LintFormat::Sarif => render_sarif(&diagnostics, &repository_root()),
        LintFormat::Text => format!(
            "{}{}\n",
            render_text(&diagnostics, environment.stdout_color()),
            summary(&diagnostics)
        ),
    };
    write_stdout(output.as_bytes())?;
    // Each unusable file is also told on stderr, as `run` tells it, and
    // makes the exit code 2: the input is bad, not merely flawed.
    if !unreadable.is_empty() {
        let mut told = std::collections::BTreeSet::new();
        for error in &unreadable {
            let text = format!("error: {error}\n");
            if told.insert(text.clone()) {
                note(&text);
            }
        }
        return Ok(ExitStatus::BadInput);
    }
    Ok(if diagnostics.iter().any(Diagnostic::is_error) {
        ExitStatus::Failed
    } else {
        ExitStatus::Success
    })
}

/// Where paths in annotations and SARIF are relative to: the directory the
/// workflow runs in, the repository's root.
fn repository_root() -> PathBuf {
    std::env::current_dir().unwrap_or_default()
}

/// The same file, however it was named.
fn canonical(file: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf())
}
