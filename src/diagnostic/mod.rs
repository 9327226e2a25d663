//! Findings about the files users write: what is wrong, where, under which
//! rule, and what to do about it. Shared by `lint`, `run` (which refuses input
//! with errors) and `check`; everything may use this module. Rendered for
//! people (text), tools (JSON), GitHub Actions annotations ([`render_github`])
//! and code scanning ([`render_sarif`]).

mod github;
mod render;
mod rule;
mod sarif;

use std::path::PathBuf;

pub use github::{PER_STEP, render_github};
pub(crate) use render::{Snippet, write_headline, write_note, write_snippet};
pub use render::{render_json, render_text, summary};
pub use rule::Rule;
pub use sarif::{SARIF_SCHEMA, render_sarif};

use crate::source::{Excerpt, KeyPath, Location};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; does not stop a run.
    Warning,
    /// The input cannot work as written.
    Error,
}

/// A finding not yet placed in a file: which rule, the key it is about, what
/// is wrong and what to do. Validators produce these; [`Diagnostic`]s are
/// made from them once the file's text is at hand.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The rule broken.
    pub rule: Rule,
    /// The key the problem is about.
    pub path: KeyPath,
    /// What is wrong, as a lowercase fragment.
    pub message: String,
    /// What to do about it, when there is something specific to say.
    pub help: Option<String>,
}

impl Problem {
    /// A problem with no help text yet.
    pub fn new(rule: Rule, path: KeyPath, message: impl Into<String>) -> Problem {
        Problem {
            rule,
            path,
            message: message.into(),
            help: None,
        }
    }

    /// The same problem with a line of help.
    pub fn with_help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

/// A finding located in a file, ready to show. Sorting orders by file,
/// then by place in the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file, as the user named it (or as resolved from a scenario).
    pub file: PathBuf,
    /// Where in the file, when known.
    pub location: Option<Location>,
    /// Error or warning.
    pub severity: Severity,
    /// The rule broken.
    pub rule: Rule,
    /// What is wrong.
    pub message: String,
    /// The key the finding is about, like `nodes.welcome.routes`.
    pub path: KeyPath,
    /// What to do about it.
    pub help: Option<String>,
    /// The source line at `location`, cut to a readable width and made
    /// printable, for the marker under it.
    pub source_line: Option<Excerpt>,
}

impl Diagnostic {
    /// The key the finding is about, unless it is about a whole file that
    /// could not be used (there is no key to name then).
    pub(crate) fn key(&self) -> Option<String> {
        (self.rule != Rule::Unreadable || !self.path.is_root()).then(|| self.path.to_string())
    }

    /// ` (at `key`)`, or nothing when there is no key to name.
    pub(crate) fn at_key(&self) -> String {
        self.key()
            .map(|key| format!(" (at `{key}`)"))
            .unwrap_or_default()
    }

    /// Whether this finding stops a run.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Turns warnings into errors (`--deny warnings`).
pub fn deny_warnings(diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics {
        diagnostic.severity = Severity::Error;
    }
}
