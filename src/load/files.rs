//! Finding the user's files and reading them safely: only regular files,
//! only within the size limit, only UTF-8.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Discovered, FileKind, Loader};
use crate::error::{LoadError, LoadErrorKind};

impl Loader {
    /// Expands the paths given on the command line into files and their
    /// kinds: a directory contributes every YAML file below it, in sorted
    /// order. Directory symlinks are not followed (a link to `.` would
    /// otherwise loop), and a file reached twice is listed once.
    pub fn discover(&self, paths: &[PathBuf]) -> Result<Discovered, LoadError> {
        let mut discovered = Discovered::default();
        let mut seen = HashSet::new();
        for path in paths {
            let is_dir = fs::metadata(path).is_ok_and(|meta| meta.is_dir());
            if !is_dir {
                // Named on the command line: its own errors are reported.
                if seen.insert(canonical(path)) {
                    match self.source(path).and_then(|source| {
                        source.kind().ok_or_else(|| {
                            LoadError::new(path.clone(), LoadErrorKind::Unrecognised)
                        })
                    }) {
                        Ok(kind) => discovered.files.push((path.clone(), kind)),
                        Err(error) => discovered.errors.push(error),
                    }
                }
                continue;
            }
            let mut files = Vec::new();
            collect_yaml(path, &mut files, &mut discovered.skipped)?;
            files.sort();
            for file in files {
                if !seen.insert(canonical(&file)) {
                    continue;
                }
                // A file that does not parse is an error wherever it is
                // found: skipping it would let a broken scenario drop out
                // of `check` and `lint` while `run` on it fails. Only a
                // file that parses can be recognised as something else.
                match self.source(&file) {
                    Ok(source) if source.is_saved_report() => discovered
                        .skipped
                        .push((file, "a report saved by `rehearse run --out`".to_string())),
                    Ok(source) => match source.kind() {
                        Some(kind) => discovered.files.push((file, kind)),
                        None => discovered
                            .skipped
                            .push((file, "not a flow, persona file or scenario".to_string())),
                    },
                    Err(error) => discovered.errors.push(error),
                }
            }
        }
        Ok(discovered)
    }

    /// The scenarios among `paths` (see [`Loader::discover`]); a file named
    /// on the command line is taken as a scenario, so a flow named there is
    /// told to run its scenario instead.
    pub fn discover_scenarios(&self, paths: &[PathBuf]) -> Result<Discovered, LoadError> {
        let mut scenarios = Discovered::default();
        for path in paths {
            if fs::metadata(path).is_ok_and(|meta| meta.is_dir()) {
                let found = self.discover(std::slice::from_ref(path))?;
                scenarios.files.extend(
                    found
                        .files
                        .into_iter()
                        .filter(|(_, kind)| *kind == FileKind::Scenario),
                );
                scenarios.skipped.extend(found.skipped);
                scenarios.errors.extend(found.errors);
            } else {
                scenarios.files.push((path.clone(), FileKind::Scenario));
            }
        }
        Ok(scenarios)
    }
}

/// Reads a regular file of at most `limit` bytes as UTF-8. A FIFO, a device
/// or a directory is refused before it is opened, so nothing blocks or
/// streams forever.
pub(super) fn read_file(file: &Path, limit: u64) -> Result<String, LoadError> {
    let refuse = |message: String, help: &str| {
        let mut error = LoadError::new(file, LoadErrorKind::Parse(message));
        error.help = Some(help.to_string());
        error
    };
    let meta =
        fs::metadata(file).map_err(|error| LoadError::new(file, LoadErrorKind::Read(error)))?;
    if meta.is_dir() {
        return Err(refuse(
            "this is a directory, not a file".into(),
            "name a YAML file here",
        ));
    }
    if !meta.is_file() {
        return Err(refuse(
            "not a regular file (a pipe, socket or device), so it is not read".into(),
            "name a YAML file here",
        ));
    }
    let too_large = || too_large(file, limit);
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    fs::File::open(file)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|error| LoadError::new(file, LoadErrorKind::Read(error)))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(
            &valid[valid
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |at| at + 1)..],
        )
        .chars()
        .count()
            + 1;
        let mut refused = refuse(
            "the file is not valid UTF-8 text".into(),
            "save the file as UTF-8",
        );
        refused.location = Some(crate::source::Location { line, column });
        refused
    })
}

/// The error for a file above the size limit.
pub(super) fn too_large(file: &Path, limit: u64) -> LoadError {
    let mut error = LoadError::new(
        file,
        LoadErrorKind::Parse(format!("the file is larger than {limit} bytes, the limit")),
    );
    error.help = Some("rehearse files are a few kilobytes; raise the limit with `--max-file-size BYTES` if this one is meant to be large".to_string());
    error
}

fn canonical(file: &Path) -> PathBuf {
    fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf())
}

/// Every `.yaml`/`.yml` regular file below `dir`, not following symlinks to
/// directories; other entries a user would expect to be read are noted.
fn collect_yaml(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    skipped: &mut Vec<(PathBuf, String)>,
) -> Result<(), LoadError> {
    let read_error = |error| LoadError::new(dir, LoadErrorKind::Read(error));
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(read_error)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()
        .map_err(read_error)?;
    entries.sort();
    for path in entries {
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let is_yaml = path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml");
        if meta.is_dir() {
            collect_yaml(&path, out, skipped)?;
        } else if meta.file_type().is_symlink() {
            match fs::metadata(&path) {
                Ok(target) if target.is_file() && is_yaml => out.push(path),
                Ok(target) if target.is_dir() => skipped.push((
                    path,
                    "a link to a directory: not followed (name it on the command line to use it)"
                        .to_string(),
                )),
                _ => {}
            }
        } else if is_yaml {
            if meta.is_file() {
                out.push(path);
            } else {
                skipped.push((
                    path,
                    "not a regular file (a pipe, socket or device)".to_string(),
                ));
            }
        }
    }
    Ok(())
}
