//! One parsed file, kept so that findings are located in the text and
//! tree that serde saw.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::FileKind;
use crate::diagnostic::{Diagnostic, Problem};
use crate::error::{LoadError, LoadErrorKind};
use crate::source::{KeyPath, excerpt};
use crate::yaml::{self, Document, Value};

/// A parsed file, kept so that findings can be located in it.
#[derive(Debug)]
pub(super) struct Source {
    pub(super) file: PathBuf,
    pub(super) text: String,
    pub(super) document: Document,
    /// Where each line starts, found on the first finding: thousands of
    /// findings in a large file must not each scan it from the top.
    line_starts: OnceCell<Vec<usize>>,
}

/// The longest message or help text a finding shows, in characters. A
/// message quotes names and values from the file; each is cut where it is
/// quoted, and this is the backstop.
const MAX_MESSAGE: usize = 1_000;

/// `text` cut to [`MAX_MESSAGE`] characters.
fn bounded(text: String) -> String {
    match crate::source::cut(&text, MAX_MESSAGE) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(cut) => cut,
    }
}

impl Source {
    pub(super) fn parse(file: &Path, text: String) -> Result<Source, LoadError> {
        match Document::parse(&text) {
            Ok(document) => Ok(Source {
                file: file.to_path_buf(),
                text,
                document,
                line_starts: OnceCell::new(),
            }),
            Err(error) => Err(LoadError {
                file: file.to_path_buf(),
                location: Some(error.at),
                path: None,
                kind: LoadErrorKind::Parse(bounded(error.message)),
                help: error.help.map(bounded),
            }),
        }
    }

    /// What the file holds, by its top-level keys.
    pub(super) fn kind(&self) -> Option<FileKind> {
        let root = &self.document.root;
        [
            ("scenario", FileKind::Scenario),
            ("flow", FileKind::Flow),
            ("personas", FileKind::Personas),
        ]
        .into_iter()
        .find(|(key, _)| root.get(key).is_some())
        .map(|(_, kind)| kind)
    }

    /// Whether this is a report `rehearse run --out` saved: a top-level
    /// `scenario:` name beside a `flow:` mapping (a scenario names its flow
    /// file as text, so no runnable scenario matches) and the measured
    /// `conversations:`, `outcomes:` and `rates:`.
    pub(super) fn is_saved_report(&self) -> bool {
        let root = &self.document.root;
        root.get("scenario")
            .is_some_and(|name| matches!(name.value, Value::Scalar { .. }))
            && root
                .get("flow")
                .is_some_and(|flow| matches!(flow.value, Value::Mapping(_)))
            && ["conversations", "outcomes", "rates"]
                .iter()
                .all(|key| root.get(key).is_some())
    }

    /// Deserialises the whole file. A file whose top level is not a mapping
    /// is not one of ours: its text is not quoted (it may be anything, such
    /// as a file a scenario names by mistake).
    pub(super) fn deserialize<T: DeserializeOwned>(&self) -> Result<T, LoadError> {
        let error = |location, path, message: String, help: Option<String>| LoadError {
            file: self.file.clone(),
            location,
            path,
            kind: LoadErrorKind::Parse(message),
            help,
        };
        if self.text.trim_start_matches('\u{feff}').trim().is_empty() {
            return Err(error(None, None, "the file is empty".into(), None));
        }
        if !matches!(self.document.root.value, Value::Mapping(_)) {
            return Err(error(
                None,
                None,
                "this is not a rehearse file: it is not a mapping of keys like `flow:`, `personas:` or `scenario:`".into(),
                Some("check that the path names the file you meant".into()),
            ));
        }
        yaml::de::from_node(&self.document.root)
            .map_err(|e| error(e.at, Some(e.path()), bounded(e.message), None))
    }

    /// A read error of a file this one names, placed where it is named.
    pub(super) fn locate_error(
        &self,
        mut error: LoadError,
        path: &KeyPath,
        name: &str,
    ) -> LoadError {
        let node = self.document.node(path);
        let reason = match &error.kind {
            LoadErrorKind::Read(io) => io.to_string(),
            LoadErrorKind::Parse(message) => message.clone(),
            LoadErrorKind::Unrecognised | LoadErrorKind::NotAScenario(_) => String::new(),
        };
        let resolved = if error.file == Path::new(name) {
            String::new()
        } else {
            format!(
                " (resolved to {})",
                crate::source::cut(&error.file.display().to_string(), 200)
            )
        };
        error.kind = LoadErrorKind::Parse(format!(
            "cannot read `{}`{resolved}: {reason}",
            crate::source::cut(name, 80)
        ));
        error.location = node.map(|node| node.at);
        error.path = Some(path.clone());
        error.file = self.file.clone();
        error.help = Some(
            error
                .help
                .take()
                .unwrap_or_else(|| "paths are relative to the scenario file".into()),
        );
        error
    }

    /// Locates a finding in this file.
    pub(super) fn diagnose(&self, problem: Problem) -> Diagnostic {
        let location = self.document.key_location(&problem.path);
        let source_line = self
            .line(location.line)
            .map(|line| excerpt(line.trim_start_matches('\u{feff}'), location.column));
        Diagnostic {
            file: self.file.clone(),
            location: Some(location),
            severity: problem.rule.severity(),
            rule: problem.rule,
            message: bounded(problem.message),
            path: problem.path,
            help: problem.help.map(bounded),
            source_line,
        }
    }

    /// Line `number` (from 1), as `str::lines` would give it.
    fn line(&self, number: usize) -> Option<&str> {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(at, _)| at + 1))
                .filter(|start| *start < self.text.len())
                .collect()
        });
        let start = *starts.get(number.checked_sub(1)?)?;
        let end = starts.get(number).map_or(self.text.len(), |next| next - 1);
        let line = &self.text[start..end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    pub(super) fn diagnose_all(&self, problems: Vec<Problem>) -> Vec<Diagnostic> {
        problems
            .into_iter()
            .map(|problem| self.diagnose(problem))
            .collect()
    }
}
