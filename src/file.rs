//! Writing outputs: whole or not at all, and never over something that is
//! not a regular file.
//!
//! rehearse runs in CI on pull requests, often as root, so an output path
//! is treated as hostile. The one rule of what a path may be, and how it is
//! written, lives here ([`classify`]) and serves `--out`, `--junit`,
//! `--html` and snapshots alike; commands call it before their run (a
//! refused output costs nothing) and [`write`] calls it again when writing.
//!
//! - Only a regular file, or a path where nothing exists yet, is replaced:
//!   the bytes go to a new temporary file beside it (created exclusively,
//!   never through a link, under an unpredictable name) that is renamed
//!   over it, so a reader never sees half a report.
//! - A character device (`/dev/null`, a terminal), a pipe (FIFO) and a
//!   file descriptor (`/dev/fd/N`, `/dev/stdout`, `>(gzip > r.gz)`) are
//!   written in place: opened for appending, never created, truncated or
//!   replaced.
//! - An output the user names may be a symbolic link to one of those: a
//!   link to a regular file is followed, and the file it leads to is
//!   replaced (the link stays a link). A link to a directory, a dangling
//!   link and a loop are refused. A file rehearse keeps in the project (a
//!   snapshot) is never reached through a link at all.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use crate::source::printable;

/// How far a chain of symbolic links is followed by hand (the kernel's own
/// limit on Linux).
const MAX_LINKS: usize = 40;

/// How many unpredictable temporary names are tried before giving up.
const TEMPORARY_ATTEMPTS: usize = 16;

/// What kind of path may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Policy {
    /// An output the user named (`--out`, `--junit`, `--html`): a link is
    /// followed to a regular file; a device, pipe or descriptor is written
    /// in place.
    Output,
    /// A file rehearse keeps in the project (a snapshot): a regular file
    /// or nothing yet, never a link, a device or a pipe.
    ProjectFile,
}

/// How a path is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Nothing there yet, or a regular file: replaced by renaming a
    /// temporary file over it. Reached through links, this is the file they
    /// lead to.
    Replace(PathBuf),
    /// A character device, a pipe or a file descriptor: written in place.
    InPlace(PathBuf),
}

/// Why a path cannot be written.
#[derive(Debug)]
pub(crate) enum Refused {
    /// The path is a directory.
    Directory,
    /// Nothing is there, and its directory does not exist either.
    NoDirectory(PathBuf),
    /// A file descriptor that is not open (`/dev/fd/9`).
    ClosedDescriptor,
    /// A symbolic link to a directory.
    LinkToDirectory(PathBuf),
    /// A symbolic link to nothing.
    DanglingLink(PathBuf),
    /// A symbolic link that cannot be followed (a loop), and why.
    BrokenLink(PathBuf, io::Error),
    /// A symbolic link where none may be ([`Policy::ProjectFile`]).
    Link(PathBuf),
    /// Something that is neither a file, a directory nor a link the policy
    /// allows: its kind.
    Kind(&'static str),
    /// The path could not be examined.
    Unreadable(io::Error),
}

impl Refused {
    /// The message, `what` naming the path as the user knows it (`--out
    /// r.txt`, or a snapshot's path); `path` is the path itself.
    pub(crate) fn message(&self, what: &str, path: &Path) -> String {
        let shown = |path: &Path| printable(&path.display().to_string()).into_owned();
        match self {
            Refused::Directory => format!(
                "{what} is a directory; name a file in it, like {}",
                shown(&path.join("report.txt"))
            ),
            Refused::NoDirectory(parent) => format!(
                "{what}: the directory {} does not exist; create it first",
                shown(parent)
            ),
            Refused::ClosedDescriptor => {
                format!("{what} names a file descriptor that is not open")
            }
            Refused::LinkToDirectory(target) => format!(
                "{what} is a symbolic link to the directory {}; name a file instead",
                shown(target)
            ),
            Refused::DanglingLink(target) => format!(
                "{what} is a symbolic link to {}, which does not exist; remove the link or name another file",
                shown(target)
            ),
            Refused::BrokenLink(target, error) => format!(
                "{what} is a symbolic link to {} that cannot be followed ({error}); remove the link or name another file",
                shown(target)
            ),
            Refused::Link(target) => format!(
                "{what} is a symbolic link (to {}); rehearse writes it only as a file of its own, never through a link: remove the link",
                shown(target)
            ),
            Refused::Kind(kind) => {
                format!("{what} is {kind}, not a regular file: rehearse does not write there")
            }
            Refused::Unreadable(error) => format!("{what} cannot be examined: {error}"),
        }
    }
}

/// How `path` would be written under `policy`, or why it cannot be. This
/// reads what is at the path and writes nothing.
pub(crate) fn classify(path: &Path, policy: Policy) -> Result<Target, Refused> {
    let metadata = match fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return nothing_there(path),
        Err(error) => return Err(Refused::Unreadable(error)),
    };
    if policy == Policy::Output && through_descriptor(path) {
        return Ok(Target::InPlace(path.to_path_buf()));
    }
    if !metadata.file_type().is_symlink() {
        return by_kind(path, &metadata, policy);
    }
    let target = fs::read_link(path).map_err(Refused::Unreadable)?;
    if policy == Policy::ProjectFile {
        return Err(Refused::Link(target));
    }
    match fs::metadata(path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Err(Refused::DanglingLink(target)),
        Err(error) => Err(Refused::BrokenLink(target, error)),
        Ok(resolved) if resolved.is_dir() => Err(Refused::LinkToDirectory(target)),
        Ok(resolved) if resolved.is_file() => fs::canonicalize(path)
            .map(Target::Replace)
            .map_err(|error| Refused::BrokenLink(target, error)),
        Ok(resolved) => by_kind(path, &resolved, policy),
    }
}

/// A path where nothing exists: created, if its directory exists.
fn nothing_there(path: &Path) -> Result<Target, Refused> {
    let parent = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(Refused::NoDirectory(parent.to_path_buf()));
    }
    if fs::canonicalize(parent).is_ok_and(|dir| is_descriptor_directory(&dir)) {
        return Err(Refused::ClosedDescriptor);
    }
    if path.file_name().is_none() {
        return Err(Refused::Directory);
    }
    Ok(Target::Replace(path.to_path_buf()))
}

/// What is at `path` (not a link, or the end of one), by its kind.
fn by_kind(path: &Path, metadata: &fs::Metadata, policy: Policy) -> Result<Target, Refused> {
    if metadata.is_dir() {
        return Err(Refused::Directory);
    }
    if metadata.is_file() {
        return Ok(Target::Replace(path.to_path_buf()));
    }
    let kind = kind_of(metadata);
    match (policy, kind) {
        (Policy::Output, "a character device" | "a pipe (FIFO)") => {
            Ok(Target::InPlace(path.to_path_buf()))
        }
        _ => Err(Refused::Kind(kind)),
    }
}

#[cfg(unix)]
fn kind_of(metadata: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = metadata.file_type();
    if kind.is_char_device() {
        "a character device"
    } else if kind.is_fifo() {
        "a pipe (FIFO)"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn kind_of(_: &fs::Metadata) -> &'static str {
    "a special file"
}

/// Whether `path`, or a link on the way from it, names a file descriptor
/// (`/dev/fd/N`, `/dev/stdout`, `/proc/self/fd/N`): such a path is the
/// descriptor's file, shared with whoever opened it, and is written in
/// place whatever the descriptor leads to.
fn through_descriptor(path: &Path) -> bool {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let parent = current
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let Ok(directory) = fs::canonicalize(parent) else {
            return false;
        };
        if is_descriptor_directory(&directory) {
            return true;
        }
        match fs::read_link(&current) {
            // An absolute target replaces `directory` in the join.
            Ok(target) => current = directory.join(target),
            Err(_) => return false,
        }
    }
    false
}

/// `/dev/fd`, or a process's or thread's `fd` directory under `/proc`.
fn is_descriptor_directory(directory: &Path) -> bool {
    directory == Path::new("/dev/fd")
        || (directory.starts_with("/proc")
            && directory.file_name().is_some_and(|name| name == "fd"))
}

/// Writes `bytes` to `path` as [`classify`] says, checking the path again
/// now: a file is written whole or not at all; a device, pipe or
/// descriptor in place. A refusal is an error carrying its message (about
/// "it": the caller names the path).
pub(crate) fn write(path: &Path, bytes: &[u8], policy: Policy) -> io::Result<()> {
    match classify(path, policy) {
        Ok(Target::Replace(file)) => replace(&file, bytes),
        Ok(Target::InPlace(file)) => write_in_place(&file, bytes),
        Err(Refused::Unreadable(error)) => Err(error),
        Err(refused) => Err(io::Error::other(refused.message("it", path))),
    }
}

/// Opens `path` for appending (never creating or truncating it) and writes
/// `bytes`; a reader that went away (`>(head -1)`) is not an error.
fn write_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A terminal opened by root must not become its controlling one.
        options.custom_flags(libc::O_NOCTTY);
    }
    let written = options
        .open(path)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.flush()));
    match written {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        written => written,
    }
}

/// Writes `bytes` to a new temporary file beside `path` and renames it
/// over `path`, so an interrupted run never leaves half a report.
fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("the path names no file"))?;
    let (temporary, mut file) = create_temporary(dir, &name.to_string_lossy())?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// Creates a temporary file in `dir` named after `name` with a random
/// suffix: exclusively (`create_new`), and never through a link planted at
/// that name (`O_NOFOLLOW`). A name taken is retried a few times.
fn create_temporary(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    // Keep the temporary name within file systems' 255-byte limit.
    let mut stem: String = name.chars().take(64).collect();
    while stem.len() > 128 {
        stem.pop();
    }
    for _ in 0..TEMPORARY_ATTEMPTS {
        let temporary = dir.join(format!(".{stem}.{:016x}.tmp", random_suffix()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW);
        }
        match options.open(&temporary) {
            Ok(file) => return Ok((temporary, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "no free temporary name in {} after {TEMPORARY_ATTEMPTS} tries",
            printable(&dir.display().to_string())
        ),
    ))
}

/// 64 unpredictable bits: std's hasher keys come from the operating
/// system's random source, and each new `RandomState` differs.
fn random_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    hasher.finish()
}

/// The first symbolic link on the way to the directory `dir`, with what it
/// points to: every directory of a relative path (`a/b/snapshots`: `a`,
/// `a/b` and `a/b/snapshots`), and the last one of an absolute path.
/// Directories that do not exist yet are no link.
pub(crate) fn linked_directory(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut prefixes = Vec::new();
    let mut current = PathBuf::new();
    for component in dir.components() {
        current.push(component);
        if matches!(component, Component::Normal(_)) && dir.is_relative() {
            prefixes.push(current.clone());
        }
    }
    if dir.is_absolute() {
        prefixes.push(dir.to_path_buf());
    }
    prefixes.into_iter().find_map(|prefix| {
        let metadata = fs::symlink_metadata(&prefix).ok()?;
        if !metadata.file_type().is_symlink() {
            return None;
        }
        let target = fs::read_link(&prefix).unwrap_or_default();
        Some((prefix, target))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "rehearse-file-{name}-{}-{:x}",
            std::process::id(),
            random_suffix()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_new_or_regular_file_is_replaced_whole() {
        let dir = scratch("replace");
        let path = dir.join("r.txt");
        assert_eq!(
            classify(&path, Policy::Output).unwrap(),
            Target::Replace(path.clone())
        );
        write(&path, b"one", Policy::Output).unwrap();
        write(&path, b"two", Policy::ProjectFile).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn directories_and_missing_directories_are_refused() {
        let dir = scratch("dirs");
        assert!(matches!(
            classify(&dir, Policy::Output),
            Err(Refused::Directory)
        ));
        assert!(matches!(
            classify(&dir.join("no/r.txt"), Policy::Output),
            Err(Refused::NoDirectory(_))
        ));
        fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_to_files_and_refused_otherwise() {
        use std::os::unix::fs::symlink;
        let dir = scratch("links");
        fs::write(dir.join("file"), "old").unwrap();
        symlink("file", dir.join("to-file")).unwrap();
        symlink(".", dir.join("to-dir")).unwrap();
        symlink("nowhere", dir.join("dangling")).unwrap();
        symlink("loop", dir.join("loop")).unwrap();
        let resolved = fs::canonicalize(dir.join("file")).unwrap();
        assert_eq!(
            classify(&dir.join("to-file"), Policy::Output).unwrap(),
            Target::Replace(resolved)
        );
        write(&dir.join("to-file"), b"new", Policy::Output).unwrap();
        assert_eq!(fs::read(dir.join("file")).unwrap(), b"new");
        assert!(
            fs::symlink_metadata(dir.join("to-file"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        for (link, refused) in [
            ("to-dir", "LinkToDirectory"),
            ("dangling", "DanglingLink"),
            ("loop", "BrokenLink"),
        ] {
            let found = format!("{:?}", classify(&dir.join(link), Policy::Output));
            assert!(found.contains(refused), "{link}: {found}");
        }
        // A file in the project is never reached through a link.
        assert!(matches!(
            classify(&dir.join("to-file"), Policy::ProjectFile),
            Err(Refused::Link(_))
        ));
        fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn descriptors_are_written_in_place() {
        let dir = scratch("descriptors");
        std::os::unix::fs::symlink("/dev/fd/1", dir.join("out")).unwrap();
        for path in [
            Path::new("/dev/stdout"),
            Path::new("/dev/fd/1"),
            &dir.join("out"),
        ] {
            if fs::symlink_metadata(path).is_ok() {
                assert_eq!(
                    classify(path, Policy::Output).unwrap(),
                    Target::InPlace(path.to_path_buf()),
                    "{}",
                    path.display()
                );
            }
        }
        assert!(matches!(
            classify(Path::new("/dev/fd/1"), Policy::ProjectFile),
            Err(Refused::Link(_) | Refused::Kind(_))
        ));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn finds_a_linked_directory_on_the_way() {
        let dir = scratch("linked");
        assert_eq!(linked_directory(&dir), None);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(".", dir.join("up")).unwrap();
            let found = linked_directory(&dir.join("up")).unwrap();
            assert_eq!(found, (dir.join("up"), PathBuf::from(".")));
        }
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn temporary_names_are_unpredictable() {
        assert_ne!(random_suffix(), random_suffix());
    }
}
