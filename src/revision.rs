//! Files as they are in git at a revision, for `compare --against REF`:
//! read with the `git` program (`git cat-file`), never by checking
//! anything out, so the working tree is left as it is.
//!
//! The loader is given paths like `main:scenarios/shop/peak-hour.yaml`
//! (git's own `REV:path` syntax, relative to the repository root), so that
//! the files a scenario names resolve beside it (`main:scenarios/shop/flow.yaml`)
//! and every message says which version of a file it is about.
//!
//! Which repository: the one the working directory is in (or the directory
//! the caller names), never one found by searching upwards from the
//! scenario. A pull request can commit a bare repository's files (`HEAD`,
//! `config`, `objects/`, `refs/`) beside a scenario; git's discovery would
//! take it for the repository and read the baseline from it. So git always
//! runs with `safe.bareRepository=explicit` (a bare repository is used only
//! when named), and a scenario whose own directory resolves to another
//! repository than the chosen one (a planted one, a submodule) is refused.

use std::io;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output};

use crate::error::Error;
use crate::load::Loader;
use crate::source::printable;

/// A commit of the repository that holds a scenario.
#[derive(Debug, Clone)]
pub(crate) struct Revision {
    /// As the user wrote it: `main`, `HEAD~1`, a tag.
    name: String,
    /// The commit it names, resolved once so every file comes from it.
    commit: String,
    /// The repository's top directory.
    root: PathBuf,
}

/// `git -C dir`, never using a bare repository that discovery found: see
/// the module's documentation.
fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-c")
        .arg("safe.bareRepository=explicit")
        .arg("-C")
        .arg(dir);
    command
}

/// Runs git in `dir`; an error only when git cannot be started.
fn git(dir: &Path, args: &[&str]) -> Result<Output, Error> {
    git_command(dir).args(args).output().map_err(|error| {
            Error::Usage(format!(
                "--against reads files from git, and the `git` program could not be started ({error}); install git, or compare with --flow OTHER.yaml"
            ))
        })
}

/// The first line of git's complaint, for messages.
fn complaint(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr);
    let line = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    printable(line.trim()).into_owned()
}

impl Revision {
    /// The revision `name` of the repository that the working directory
    /// is in, or of the one at `repository` when given; `scenario` (a file
    /// in the working tree) must belong to that same repository.
    pub fn resolve(
        scenario: &Path,
        name: &str,
        repository: Option<&Path>,
    ) -> Result<Revision, Error> {
        if name.is_empty() || name.starts_with('-') || name.contains(':') {
            return Err(Error::Usage(format!(
                "--against `{}`: name a commit, branch or tag, like `main`, `HEAD~1` or `v1.2`",
                printable(name)
            )));
        }
        let start = repository.unwrap_or(Path::new("."));
        let shown_start = || match repository {
            Some(dir) => printable(&dir.display().to_string()).into_owned(),
            None => "the working directory".to_string(),
        };
        let root = top_level(start).map_err(|why| {
            Error::Usage(if why.contains("not a git repository") {
                format!(
                    "{} is not in a git repository, so there is no `{}` to compare with: --against reads the scenario's files from the repository the working directory is in (run rehearse inside a clone, or name the clone with --repository DIR), or compare with --flow OTHER.yaml",
                    shown_start(),
                    printable(name)
                )
            } else {
                format!(
                    "git could not use the repository of {}: {why}",
                    shown_start()
                )
            })
        })?;
        // The scenario's own directory must lead git to the same
        // repository: one planted beside it, or a submodule, is another.
        let dir = match scenario.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let shown = printable(&scenario.display().to_string()).into_owned();
        let own = top_level(dir).map_err(|why| {
            Error::Usage(format!(
                "{shown} is not in the git repository at {}: git, asked about its directory, says: {why}; --against reads only from the repository {} is in",
                printable(&root.display().to_string()),
                shown_start()
            ))
        })?;
        if same_directory(&own, &root) != Some(true) {
            return Err(Error::Usage(format!(
                "{shown} belongs to the git repository at {}, not to the one at {} that {} is in: --against reads only from that one (a repository inside it, such as a submodule or one committed beside the scenario, is never used); run rehearse inside the scenario's repository, or name it with --repository DIR",
                printable(&own.display().to_string()),
                printable(&root.display().to_string()),
                shown_start()
            )));
        }
        let commit = git(
            &root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{name}^{{commit}}"),
            ],
        )?;
        if !commit.status.success() {
            return Err(Error::Usage(format!(
                "unknown git revision `{}`: the repository at {} has no commit, branch or tag by that name (see `git branch -a`, `git tag` or `git log --oneline`)",
                printable(name),
                printable(&root.display().to_string())
            )));
        }
        Ok(Revision {
            name: name.to_string(),
            commit: String::from_utf8_lossy(&commit.stdout).trim().to_string(),
            root,
        })
    }

    /// Where the loader finds `file` (a path in the working tree) as it is
    /// at this revision: `main:scenarios/shop/peak-hour.yaml`.
    pub fn path_of(&self, file: &Path) -> Result<PathBuf, Error> {
        let shown = || printable(&file.display().to_string()).into_owned();
        let absolute = std::fs::canonicalize(file)
            .map_err(|error| Error::Usage(format!("cannot read {}: {error}", shown())))?;
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let relative = absolute.strip_prefix(&root).map_err(|_| {
            Error::Usage(format!(
                "{} is outside the git repository at {}",
                shown(),
                printable(&self.root.display().to_string())
            ))
        })?;
        let relative = slashed(relative);
        // A file at the top keeps a `./`, so that the files it names
        // resolve to `REV:./name` rather than losing the revision.
        Ok(if relative.contains('/') {
            PathBuf::from(format!("{}:{relative}", self.name))
        } else {
            PathBuf::from(format!("{}:./{relative}", self.name))
        })
    }

    /// A loader that reads every file from this revision (paths as
    /// [`Revision::path_of`] gives them, and the files they name).
    pub fn loader(&self, max_file_size: u64) -> Loader {
        let revision = self.clone();
        Loader::new()
            .max_file_size(max_file_size)
            .read_with(move |path, limit| revision.read(path, limit))
    }

    /// The text of `path` at this revision.
    fn read(&self, path: &Path, limit: u64) -> io::Result<String> {
        let text = path.to_string_lossy();
        let in_repository = text
            .strip_prefix(&format!("{}:", self.name))
            .unwrap_or(&text);
        let relative = normalise(Path::new(in_repository)).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "the path leads outside the repository",
            )
        })?;
        let object = format!("{}:{relative}", self.commit);
        let run = |args: &[&str]| git_command(&self.root).args(args).output();
        let size = run(&["cat-file", "-s", &object])?;
        if !size.status.success() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "there is no `{relative}` at `{}` (git: {})",
                    self.name,
                    complaint(&size)
                ),
            ));
        }
        let bytes: u64 = String::from_utf8_lossy(&size.stdout)
            .trim()
            .parse()
            .unwrap_or(0);
        if bytes > limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "it is {bytes} bytes at `{}`, over the limit of {limit}",
                    self.name
                ),
            ));
        }
        let blob = run(&["cat-file", "blob", &object])?;
        if !blob.status.success() {
            return Err(io::Error::other(format!(
                "git could not read it at `{}`: {}",
                self.name,
                complaint(&blob)
            )));
        }
        String::from_utf8(blob.stdout).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("it is not UTF-8 text at `{}`", self.name),
            )
        })
    }
}

/// The top directory of the working tree that `dir` is in, or git's
/// complaint.
fn top_level(dir: &Path) -> Result<PathBuf, String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|error| error.to_string())?;
    if !top.status.success() {
        return Err(complaint(&top));
    }
    Ok(PathBuf::from(
        String::from_utf8_lossy(&top.stdout).trim_end_matches(['\n', '\r']),
    ))
}

/// Whether two paths name the same directory; `None` when either cannot
/// be resolved.
fn same_directory(a: &Path, b: &Path) -> Option<bool> {
    Some(std::fs::canonicalize(a).ok()? == std::fs::canonicalize(b).ok()?)
}

/// `a/b/../c` as `a/c`, `./x` as `x`; `None` when it climbs above the top.
fn normalise(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

/// A relative path with `/` between its parts, as git names files.
fn slashed(path: &Path) -> String {
    path.components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_inside_the_repository_only() {
        assert_eq!(
            normalise(Path::new("scenarios/shop/../common/flow.yaml")).as_deref(),
            Some("scenarios/common/flow.yaml")
        );
        assert_eq!(
            normalise(Path::new("./flow.yaml")).as_deref(),
            Some("flow.yaml")
        );
        assert_eq!(normalise(Path::new("../flow.yaml")), None);
        assert_eq!(normalise(Path::new("/etc/passwd")), None);
    }
}
