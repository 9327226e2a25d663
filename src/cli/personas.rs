//! `rehearse personas --from FLOW [--out FILE]`: a persona file skeleton
//! with one goal per path of the flow (see [`crate::skeleton`]), on standard
//! output or in a new file. It never writes over a file that exists.

use std::io::Write;
use std::path::PathBuf;

use super::output::write_stdout;
use super::{Environment, note};
use crate::diagnostic::render_text;
use crate::error::{Error, ExitStatus};
use crate::load::Loader;
use crate::source::printable;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The flow to write personas for.
    #[arg(long, value_name = "FLOW")]
    from: PathBuf,
    /// Write the personas to this new file instead of standard output; an
    /// existing file is never overwritten.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::load::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

pub(super) fn personas(args: &Args, environment: Environment) -> Result<ExitStatus, Error> {
    let shown = |path: &PathBuf| printable(&path.display().to_string()).into_owned();
    if let Some(out) = &args.out
        && std::fs::symlink_metadata(out).is_ok()
    {
        return Err(Error::Usage(format!(
            "--out {} exists; rehearse personas never writes over a file: name a new one, or remove it first",
            shown(out)
        )));
    }
    let (flow, warnings) = Loader::new()
        .max_file_size(args.max_file_size)
        .flow(&args.from)?;
    if !warnings.is_empty() {
        note(&render_text(&warnings, environment.stderr_color()));
    }
    let skeleton = crate::skeleton::skeleton(&flow, &shown(&args.from));
    let Some(out) = &args.out else {
        write_stdout(skeleton.yaml.as_bytes())?;
        return Ok(ExitStatus::Success);
    };
    // Created exclusively: if something appeared there since the check
    // above (or a link points anywhere), nothing is overwritten.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .and_then(|mut file| file.write_all(skeleton.yaml.as_bytes()));
    match written {
        Ok(()) => {
            note(&format!(
                "wrote {} goal{} to {}{}\n",
                skeleton.goals,
                if skeleton.goals == 1 { "" } else { "s" },
                shown(out),
                if skeleton.stopped_early {
                    " (the flow has more paths; the walk stopped early)"
                } else {
                    ""
                }
            ));
            Ok(ExitStatus::Success)
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(Error::Usage(format!(
                "--out {} exists; rehearse personas never writes over a file: name a new one, or remove it first",
                shown(out)
            )))
        }
        Err(error) => Err(Error::Usage(format!("--out {}: {error}", shown(out)))),
    }
}
