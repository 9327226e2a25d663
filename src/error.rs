//! What can stop a command, and the exit status each gives.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::diagnostic::Diagnostic;
use crate::source::{KeyPath, Location, printable};

/// How a command ended, as its exit code tells CI (see docs/src/command-line.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: everything asked for was done and passed.
    Success,
    /// 1: a check, an expectation, a comparison gate or a lint error failed,
    /// or the output could not be written.
    Failed,
    /// 2: the input could not be used (bad YAML, a missing file, a bad flag).
    BadInput,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failed => 1,
            ExitStatus::BadInput => 2,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status.code())
    }
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or parsed.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Files that parsed but have errors; the diagnostics say which.
    /// Displayed as every diagnostic (without colour), then the summary
    /// line, so that a caller printing the error shows what is wrong.
    #[error("{}{}", crate::diagnostic::render_text(.diagnostics, false), rejected_summary(.diagnostics))]
    Rejected {
        /// Every finding, errors and warnings.
        diagnostics: Vec<Diagnostic>,
    },
    /// A flag or a combination of flags that cannot work.
    #[error("{0}")]
    Usage(String),
    /// The bot under test failed before anything could be measured (the
    /// webhook verification of `rehearse live`).
    #[error("{0}")]
    Bot(String),
    /// An output could not be written.
    #[error("failed to write {}: {source}", printable(&.path.display().to_string()))]
    Write {
        /// The file, or "standard output".
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The last line of a rejection: how many errors and warnings, and that
/// nothing ran. The command line prints it after the diagnostics, which it
/// may colour.
pub(crate) fn rejected_summary(diagnostics: &[Diagnostic]) -> String {
    format!(
        "the input has {}; nothing was simulated",
        crate::diagnostic::summary(diagnostics)
    )
}

impl Error {
    /// The exit status this error gives: bad input is 2; an output that
    /// could not be written is 1, since the input was fine.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Error::Load(_) | Error::Rejected { .. } | Error::Usage(_) => ExitStatus::BadInput,
            Error::Write { .. } | Error::Bot(_) => ExitStatus::Failed,
        }
    }
}

/// A file that could not be used: which file, where in it, and what is wrong.
#[derive(Debug, thiserror::Error)]
pub struct LoadError {
    /// The file as the user named it (or as resolved from a scenario).
    pub file: PathBuf,
    /// Where in the file, when known.
    pub location: Option<Location>,
    /// The key the problem is about, when known.
    pub path: Option<KeyPath>,
    /// What is wrong.
    pub kind: LoadErrorKind,
    /// What to do about it, when there is something specific to say.
    pub help: Option<String>,
}

/// What is wrong with a file that could not be used.
#[derive(Debug)]
pub enum LoadErrorKind {
    /// The file could not be read.
    Read(std::io::Error),
    /// The YAML parser or the schema rejected it.
    Parse(String),
    /// It is YAML, but not a flow, persona file or scenario.
    Unrecognised,
    /// A scenario was expected, and this is a flow or a persona file.
    NotAScenario(&'static str),
}

impl LoadError {
    /// An error about the whole file.
    pub fn new(file: impl Into<PathBuf>, kind: LoadErrorKind) -> LoadError {
        LoadError {
            file: file.into(),
            location: None,
            path: None,
            kind,
            help: None,
        }
    }
}

impl LoadError {
    /// What is wrong, without the file and place: the text a lint finding
    /// made from this error shows.
    pub fn message(&self) -> String {
        match &self.kind {
            LoadErrorKind::Read(error) => format!("cannot read the file: {error}"),
            LoadErrorKind::Parse(message) => printable(message).into_owned(),
            LoadErrorKind::Unrecognised => "not a flow, persona file or scenario: expected a top-level `flow:`, `personas:` or `scenario:` key".to_string(),
            LoadErrorKind::NotAScenario(kind) => {
                format!("this is a {kind}, not a scenario: run the scenario that uses it")
            }
        }
    }
}

impl LoadError {
    /// This error as a lint finding under [`Rule::Unreadable`], so that
    /// `lint` reports it in its document beside the other findings.
    ///
    /// [`Rule::Unreadable`]: crate::diagnostic::Rule::Unreadable
    pub fn to_diagnostic(&self) -> Diagnostic {
        let rule = crate::diagnostic::Rule::Unreadable;
        Diagnostic {
            file: self.file.clone(),
            location: self.location,
            severity: rule.severity(),
            rule,
            message: self.message(),
            path: self.path.clone().unwrap_or_default(),
            help: self
                .help
                .as_deref()
                .map(|help| printable(help).into_owned()),
            source_line: None,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", printable(&self.file.display().to_string()))?;
        if let Some(Location { line, column }) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        f.write_str(": ")?;
        if let Some(path) = self.path.as_ref().filter(|path| !path.is_root()) {
            write!(f, "at `{path}`: ")?;
        }
        f.write_str(&self.message())?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {}", printable(help))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Rule, Severity};

    #[test]
    fn a_rejection_displays_its_diagnostics_then_the_summary() {
        let error = Error::Rejected {
            diagnostics: vec![Diagnostic {
                file: PathBuf::from("flow.yaml"),
                location: Some(Location { line: 3, column: 9 }),
                severity: Severity::Error,
                rule: Rule::UnknownNode,
                message: "route to `nowhere`, which is not a node".into(),
                path: KeyPath::root().key("nodes").key("welcome"),
                help: None,
                source_line: None,
            }],
        };
        let shown = error.to_string();
        assert!(
            shown.contains("route to `nowhere`, which is not a node"),
            "{shown}"
        );
        assert!(shown.contains("flow.yaml:3:9"), "{shown}");
        assert!(
            shown.ends_with("the input has 1 error, 0 warnings; nothing was simulated"),
            "{shown}"
        );
    }
}
