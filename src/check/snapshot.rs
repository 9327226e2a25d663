//! Approved reports in insta's snapshot file format, so that one file serves
//! `rehearse check` and the project's own `cargo test` alike.
//!
//! A snapshot file is a YAML header between two `---` lines, then the
//! report as YAML:
//!
//! ```text
//! ---
//! source: tests/scenarios.rs
//! ---
//! scenario: peak-hour
//! flow:
//!   name: harbour-shop
//! ...
//! ```
//!
//! Like insta, the contents compare with trailing whitespace removed and
//! CRLF read as LF, and the header is not compared. Rewriting a snapshot
//! keeps its header byte for byte; a new one names the scenario file as its
//! `source`. Update semantics are insta's: with `CI` set nothing is
//! written; locally a differing or missing report goes to `<name>.snap.new`
//! beside the snapshot for review; `--accept` writes `<name>.snap` and
//! removes the `.snap.new`.

use std::path::{Path, PathBuf};

use crate::report::{Format, Report, Style, render_to_string};

/// The extension of an approved report.
pub const EXTENSION: &str = "snap";

/// The name of a scenario's snapshot, `<bot>-<scenario>`: the scenario
/// file's path under `scenarios_dir` without its extension, with `-` for
/// each directory separator (`scenarios/shop/peak-hour.yaml` →
/// `shop-peak-hour`). A file outside `scenarios_dir` takes its directory's
/// name and its own (`bots/shop/peak-hour.yaml` → `shop-peak-hour`).
/// `tests/scenarios.rs` and `rehearse check` both name snapshots with it.
pub fn snapshot_name(scenarios_dir: &Path, scenario_file: &Path) -> String {
    let under = scenario_file
        .strip_prefix(scenarios_dir)
        .ok()
        .map(Path::to_path_buf)
        .or_else(|| {
            let dir = std::fs::canonicalize(scenarios_dir).ok()?;
            let file = std::fs::canonicalize(scenario_file).ok()?;
            file.strip_prefix(dir).ok().map(Path::to_path_buf)
        })
        .filter(|relative| relative.components().count() > 0)
        .unwrap_or_else(|| {
            let mut parts: Vec<&std::ffi::OsStr> = scenario_file
                .components()
                .rev()
                .filter_map(|c| match c {
                    std::path::Component::Normal(part) => Some(part),
                    _ => None,
                })
                .take(2)
                .collect();
            parts.reverse();
            parts.iter().collect()
        });
    under
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// What a snapshot approves: the report as YAML (its contract keys).
pub fn contents(report: &Report) -> String {
    render_to_string(std::slice::from_ref(report), Format::Yaml, Style::default())
}

/// Where the approved report `name` lives in `dir`: `<dir>/<name>.snap`.
pub fn snapshot_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.{EXTENSION}"))
}

/// The pending report beside `snapshot`: `<name>.snap.new`, as insta names it.
pub fn pending_path(snapshot: &Path) -> PathBuf {
    let mut name = snapshot.as_os_str().to_owned();
    name.push(".new");
    PathBuf::from(name)
}

/// A snapshot file read back: its header and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotFile {
    /// The header, `---` lines included, exactly as written.
    pub header: String,
    /// The approved report, as written after the header.
    pub contents: String,
}

impl SnapshotFile {
    /// Reads a snapshot file's text. insta's older header form (`key:
    /// value` lines up to a blank line) is read too; anything else is
    /// refused with the reason.
    pub fn parse(text: &str) -> Result<SnapshotFile, String> {
        let mut lines = text.split_inclusive('\n');
        let first = lines.next().unwrap_or_default();
        let mut header = first.to_string();
        if first.trim_end() == "---" {
            for line in lines.by_ref() {
                header.push_str(line);
                if line.trim_end() == "---" {
                    let contents = text[header.len()..].to_string();
                    return Ok(SnapshotFile { header, contents });
                }
            }
            return Err("the header opened by `---` is never closed by another `---` line".into());
        }
        if first.contains(':') {
            for line in lines.by_ref() {
                header.push_str(line);
                if line.trim().is_empty() {
                    let contents = text[header.len()..].to_string();
                    return Ok(SnapshotFile { header, contents });
                }
            }
        }
        Err(
            "not a snapshot file: it should start with a `---` line, then a header, then `---`"
                .into(),
        )
    }

    /// A new snapshot of `contents` whose header names `source`.
    pub fn new(source: &str, contents: &str) -> SnapshotFile {
        SnapshotFile {
            header: format!("---\nsource: {}\n---\n", yaml_scalar(source)),
            contents: contents.to_string(),
        }
    }

    /// The same header with other contents (a rewrite keeps the header).
    pub fn with_contents(&self, contents: &str) -> SnapshotFile {
        SnapshotFile {
            header: self.header.clone(),
            contents: contents.to_string(),
        }
    }

    /// Whether the approved report is `contents`, as insta compares them:
    /// trailing whitespace ignored, CRLF read as LF.
    pub fn matches(&self, contents: &str) -> bool {
        normalize(&self.contents) == normalize(contents)
    }

    /// The file's text, as insta writes it: the header, the contents
    /// without trailing whitespace, one newline.
    pub fn to_text(&self) -> String {
        format!("{}{}\n", self.header, normalize(&self.contents))
    }
}

fn normalize(contents: &str) -> String {
    contents.trim_end().replace("\r\n", "\n")
}

/// `text` as a YAML scalar: plain when that reads back the same, else
/// double-quoted.
fn yaml_scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || "/._-+".contains(c))
        && !text.starts_with(['-', '.'])
        && !matches!(
            text,
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
        )
        && text.parse::<f64>().is_err();
    if plain {
        text.to_string()
    } else {
        crate::json::string(text)
    }
}

/// How snapshot files may be changed, decided once from the flags and the
/// environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateMode {
    /// `CI` is set: never write.
    Never,
    /// Locally: a differing or missing report goes to `.snap.new`.
    Pending,
    /// `--accept`: write `.snap`, remove `.snap.new`.
    Accept,
}

/// What became of one scenario's snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotState {
    /// The report is the approved one.
    Matches,
    /// The report differs from the approved one.
    Differs,
    /// There is no approved report yet.
    Missing,
    /// `--accept` approved a new or changed report.
    Accepted {
        /// Whether there was no approved report before.
        created: bool,
    },
    /// The scenario says `snapshot: false`.
    OptedOut,
    /// Not compared, and why (the run's settings differ from the
    /// scenario's, so the report cannot be the approved one).
    NotCompared(String),
    /// The snapshot file (`.snap.new`, or `.snap` on `--accept`) could not
    /// be written, and why; the check goes on with the other scenarios.
    NotWritten(String),
}

impl SnapshotState {
    /// Whether the gate passes on this snapshot.
    pub fn passes(&self) -> bool {
        !matches!(
            self,
            SnapshotState::Differs | SnapshotState::Missing | SnapshotState::NotWritten(_)
        )
    }
}

/// A change to make on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Write this text to this file (whole, or not at all).
    Write(PathBuf, String),
    /// Remove this file if it is there.
    Remove(PathBuf),
}

/// Compares a new report with the approved one and decides what to write:
/// `approved` is the snapshot file at `path` (if there is one), `source`
/// the scenario file a new snapshot's header names, `pending_exists`
/// whether a `.snap.new` lies beside it. Nothing here touches the disk.
pub fn decide(
    path: &Path,
    approved: Option<&SnapshotFile>,
    pending_exists: bool,
    source: &str,
    contents: &str,
    mode: UpdateMode,
) -> (SnapshotState, Vec<Action>) {
    let pending = pending_path(path);
    let file = match approved {
        Some(approved) => approved.with_contents(contents),
        None => SnapshotFile::new(source, contents),
    };
    let remove_pending = || {
        if pending_exists {
            vec![Action::Remove(pending.clone())]
        } else {
            Vec::new()
        }
    };
    if approved.is_some_and(|approved| approved.matches(contents)) {
        // A pending report left from before is stale now (insta removes it too).
        let actions = if mode == UpdateMode::Never {
            Vec::new()
        } else {
            remove_pending()
        };
        return (SnapshotState::Matches, actions);
    }
    let missed = if approved.is_some() {
        SnapshotState::Differs
    } else {
        SnapshotState::Missing
    };
    match mode {
        UpdateMode::Never => (missed, Vec::new()),
        UpdateMode::Pending => (missed, vec![Action::Write(pending, file.to_text())]),
        UpdateMode::Accept => {
            let mut actions = vec![Action::Write(path.to_path_buf(), file.to_text())];
            actions.extend(remove_pending());
            (
                SnapshotState::Accepted {
                    created: approved.is_none(),
                },
                actions,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNAP: &str = "---\nsource: tests/scenarios.rs\n---\nscenario: a\nseed: 1\n";

    #[test]
    fn names_a_snapshot_by_bot_and_scenario() {
        let dir = Path::new("scenarios");
        assert_eq!(
            snapshot_name(dir, Path::new("scenarios/shop/peak-hour.yaml")),
            "shop-peak-hour"
        );
        assert_eq!(
            snapshot_name(dir, Path::new("scenarios/shop/eu/peak.yml")),
            "shop-eu-peak"
        );
        assert_eq!(
            snapshot_name(dir, Path::new("elsewhere/bank/lunch.yaml")),
            "bank-lunch"
        );
        assert_eq!(snapshot_name(dir, Path::new("lunch.yaml")), "lunch");
    }

    #[test]
    fn reads_what_insta_writes() {
        let file = SnapshotFile::parse(SNAP).unwrap();
        assert_eq!(file.header, "---\nsource: tests/scenarios.rs\n---\n");
        assert_eq!(file.contents, "scenario: a\nseed: 1\n");
        assert!(file.matches("scenario: a\nseed: 1"));
        assert!(file.matches("scenario: a\r\nseed: 1\n\n"));
        assert!(!file.matches("scenario: a\nseed: 2\n"));
        // Rewritten, it is byte for byte what insta wrote.
        assert_eq!(file.to_text(), SNAP);
        let legacy = SnapshotFile::parse("source: x.rs\nexpression: y\n\nscenario: a\n").unwrap();
        assert_eq!(legacy.contents, "scenario: a\n");
        assert!(SnapshotFile::parse("scenario: a\n").is_err());
        assert!(SnapshotFile::parse("---\nsource: x\n").is_err());
    }

    #[test]
    fn a_new_header_is_valid_yaml_naming_the_scenario() {
        let file = SnapshotFile::new("scenarios/shop/peak-hour.yaml", "a: 1\n");
        assert_eq!(
            file.to_text(),
            "---\nsource: scenarios/shop/peak-hour.yaml\n---\na: 1\n"
        );
        let odd = SnapshotFile::new("my bots/a: b.yaml", "a: 1");
        assert_eq!(odd.header, "---\nsource: \"my bots/a: b.yaml\"\n---\n");
    }

    #[test]
    fn follows_insta_update_semantics() {
        let path = Path::new("snapshots/a.snap");
        let pending = PathBuf::from("snapshots/a.snap.new");
        let approved = SnapshotFile::parse(SNAP).unwrap();
        let same = "scenario: a\nseed: 1\n";
        let other = "scenario: a\nseed: 2\n";
        let decide = |approved, pending_exists, contents, mode| {
            decide(path, approved, pending_exists, "s.yaml", contents, mode)
        };

        // Match: nothing to do, except that a stale pending file goes locally.
        for mode in [UpdateMode::Never, UpdateMode::Pending, UpdateMode::Accept] {
            assert_eq!(
                decide(Some(&approved), false, same, mode),
                (SnapshotState::Matches, vec![])
            );
        }
        assert_eq!(
            decide(Some(&approved), true, same, UpdateMode::Pending),
            (
                SnapshotState::Matches,
                vec![Action::Remove(pending.clone())]
            )
        );
        assert_eq!(
            decide(Some(&approved), true, same, UpdateMode::Never),
            (SnapshotState::Matches, vec![])
        );

        // Differ: CI writes nothing, locally a pending file, accept approves.
        let rewritten = "---\nsource: tests/scenarios.rs\n---\nscenario: a\nseed: 2\n";
        assert_eq!(
            decide(Some(&approved), false, other, UpdateMode::Never),
            (SnapshotState::Differs, vec![])
        );
        assert_eq!(
            decide(Some(&approved), false, other, UpdateMode::Pending),
            (
                SnapshotState::Differs,
                vec![Action::Write(pending.clone(), rewritten.into())]
            )
        );
        assert_eq!(
            decide(Some(&approved), true, other, UpdateMode::Accept),
            (
                SnapshotState::Accepted { created: false },
                vec![
                    Action::Write(path.to_path_buf(), rewritten.into()),
                    Action::Remove(pending.clone())
                ]
            )
        );

        // Missing: fails in CI, pending locally, created on accept.
        let created = "---\nsource: s.yaml\n---\nscenario: a\nseed: 2\n";
        assert_eq!(
            decide(None, false, other, UpdateMode::Never),
            (SnapshotState::Missing, vec![])
        );
        assert_eq!(
            decide(None, false, other, UpdateMode::Pending),
            (
                SnapshotState::Missing,
                vec![Action::Write(pending, created.into())]
            )
        );
        assert_eq!(
            decide(None, false, other, UpdateMode::Accept),
            (
                SnapshotState::Accepted { created: true },
                vec![Action::Write(path.to_path_buf(), created.into())]
            )
        );
    }
}
