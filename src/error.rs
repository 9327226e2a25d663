//! Errors a user can meet, each knowing its exit code.

use std::fmt;
use std::path::PathBuf;

use crate::source::{KeyPath, Location};

/// Exit code for input that could not be used (bad YAML, missing file, bad flag).
pub const EXIT_BAD_INPUT: u8 = 2;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Files that parsed but have errors; the diagnostics say which.
    #[error("the input has {}; nothing was simulated", crate::lint::summary(.diagnostics))]
    Rejected {
        diagnostics: Vec<crate::lint::Diagnostic>,
    },
    #[error("failed to write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Load(_) | Error::Rejected { .. } | Error::Write { .. } => EXIT_BAD_INPUT,
        }
    }
}

/// A file that could not be used: which file, where in it, and what is wrong.
#[derive(Debug, thiserror::Error)]
pub struct LoadError {
    /// The file as the user named it (or as resolved from a scenario).
    pub file: PathBuf,
    pub location: Option<Location>,
    /// The key the problem is about, when known.
    pub path: Option<KeyPath>,
    pub kind: LoadErrorKind,
}

#[derive(Debug)]
pub enum LoadErrorKind {
    /// The file could not be read.
    Read(std::io::Error),
    /// The YAML parser or the schema rejected it.
    Parse(String),
    /// It is YAML, but not a flow, persona file or scenario.
    Unrecognised,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(Location { line, column }) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        f.write_str(": ")?;
        if let Some(path) = self.path.as_ref().filter(|path| !path.is_root()) {
            write!(f, "at `{path}`: ")?;
        }
        match &self.kind {
            LoadErrorKind::Read(error) => write!(f, "cannot read the file: {error}"),
            LoadErrorKind::Parse(message) => f.write_str(message),
            LoadErrorKind::Unrecognised => {
                f.write_str("not a flow, persona file or scenario: expected a top-level `flow:`, `personas:` or `scenario:` key")
            }
        }
    }
}
