//! Where a command's output goes: standard output, files, or both, each in
//! its own format.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::file::{Policy, classify};
use crate::report::Format;

/// The `--format` and `--out` flags of the commands that write a report
/// (run, compare, live).
#[derive(clap::Args, Debug)]
pub(super) struct Outputs {
    /// The format of standard output, and of `--out` files whose extension
    /// names none (.txt, .md, .yaml, .json, .html).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to this file (repeatable; `-` is standard output).
    /// Each file's format follows its extension.
    #[arg(long, value_name = "FILE")]
    out: Vec<PathBuf>,
}

impl Outputs {
    /// Where the output goes, each in its format (see [`destinations`]).
    pub(super) fn destinations(&self) -> Result<Vec<(Destination, Format)>, Error> {
        destinations(&self.out, self.format)
    }
}

/// Where a command's output goes, each in its format: the files of `--out`
/// (`-` is standard output) in the format their extension names, else
/// `format`; standard output in `format` (text by default) without `--out`.
/// A `--format` that contradicts a file's extension is an error.
pub(crate) fn destinations(
    out: &[PathBuf],
    format: Option<Format>,
) -> Result<Vec<(Destination, Format)>, Error> {
    if out.is_empty() {
        return Ok(vec![(Destination::Stdout, format.unwrap_or(Format::Text))]);
    }
    out.iter()
        .map(|path| {
            let destination = Destination::parse(path);
            if let Destination::File(file) = &destination {
                writable_place("--out", file)?;
            }
            let by_extension = path
                .extension()
                .and_then(|ext| ext.to_str())
                .and_then(Format::from_extension)
                .filter(|_| destination != Destination::Stdout);
            let format = match (by_extension, format) {
                (Some(ext), Some(flag)) if ext != flag => {
                    return Err(Error::Usage(format!(
                        "--format {} conflicts with the extension of {}; drop one of them",
                        name(flag),
                        crate::source::printable(&path.display().to_string())
                    )));
                }
                (Some(format), _) | (None, Some(format)) => format,
                (None, None) => Format::Text,
            };
            Ok((destination, format))
        })
        .collect()
}

/// Refuses, before any work, a `flag` (`--out`, `--junit`, `--html`) that
/// names what cannot be written (see [`crate::file`]): a directory, a file
/// in a directory that does not exist, a link to a directory, a dangling
/// link or a loop. Found only after a long run, the mistake would cost the
/// run.
pub(crate) fn writable_place(flag: &str, path: &Path) -> Result<(), Error> {
    match classify(path, Policy::Output) {
        Ok(_) => Ok(()),
        Err(refused) => Err(Error::Usage(refused.message(
            &format!(
                "{flag} {}",
                crate::source::printable(&path.display().to_string())
            ),
            path,
        ))),
    }
}

/// The name users write for `format`.
fn name(format: Format) -> &'static str {
    Format::ALL
        .iter()
        .find(|(f, _)| *f == format)
        .map_or("?", |(_, name)| name)
}

/// One destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    Stdout,
    File(PathBuf),
}

impl Destination {
    /// `-` is standard output.
    pub fn parse(path: &Path) -> Destination {
        if path == Path::new("-") {
            Destination::Stdout
        } else {
            Destination::File(path.to_path_buf())
        }
    }

    /// Writes `bytes`: a file whole or not at all, a device, pipe or file
    /// descriptor in place (see [`crate::file`]).
    pub fn write(&self, bytes: &[u8]) -> Result<(), Error> {
        match self {
            Destination::Stdout => write_stdout(bytes),
            Destination::File(path) => {
                crate::file::write(path, bytes, Policy::Output).map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })
            }
        }
    }
}

/// Writes to standard output; a closed pipe (`rehearse run ... | head`) is
/// not an error worth reporting.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(Error::Write {
            path: PathBuf::from("standard output"),
            source: error,
        }),
        _ => Ok(()),
    }
}
