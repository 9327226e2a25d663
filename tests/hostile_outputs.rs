//! Outputs a hostile or careless path cannot bend (issue 19, item 1 and the
//! machine formats on standard output): `--out`, `--junit` and `--html`
//! replace only a regular file or a path where nothing is yet; a pipe or a
//! file descriptor is written in place; a link to a regular file is
//! followed and stays a link; a link that leads to no file is refused
//! before anything runs.
//!
//! These tests never name the machine's own devices (`/dev/null`,
//! `/dev/stdout`): they run as root in CI, and a regression would replace
//! them. Pipes are made with `mkfifo`, and descriptors reached through a
//! link in a temporary directory.

mod common;

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;
use std::time::{Duration, Instant};

use common::bounded::{Ran, bounded, project, scenario, temporary_files};

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Makes a FIFO at `path` and reads everything written to it on a thread.
/// The returned closure waits for the reader (after the run) and gives what
/// it read; if nothing ever opened the pipe for writing, it opens it itself
/// through a second name so the reader ends instead of hanging.
fn read_fifo(path: &Path) -> impl FnOnce() -> Vec<u8> + use<> {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
    // A second name for the pipe: the first may have been replaced.
    let keep = path.with_extension("keep");
    std::fs::hard_link(path, &keep).unwrap();
    let reading = path.to_path_buf();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Ok(mut pipe) = std::fs::File::open(&reading) {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    });
    move || {
        let started = Instant::now();
        while !reader.is_finished() && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        if !reader.is_finished() {
            // Nobody wrote: end the reader's wait without blocking here.
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(&keep);
        }
        reader.join().unwrap()
    }
}

fn is_fifo(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

fn run_project(name: &str) -> std::path::PathBuf {
    project(name, &[("scenario.yaml", &scenario(""))])
}

#[test]
fn a_pipe_named_as_an_output_is_written_in_place_not_replaced() {
    let dir = run_project("outputs-fifo");
    let fifo = dir.join("report.json");
    let read = read_fifo(&fifo);
    let ran = bounded(&dir, &["run", "scenario.yaml", "--out", "report.json"], &[]);
    let bytes = read();
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    assert!(is_fifo(&fifo), "the pipe was replaced");
    let report: serde_json::Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&bytes)));
    assert_eq!(report["scenario"], "demo", "{report}");
    assert!(temporary_files(&dir).is_empty());
}

#[test]
fn a_file_descriptor_is_written_in_place_and_its_link_stays() {
    let dir = run_project("outputs-descriptor");
    // As `--out /dev/stdout` would, without naming the machine's own.
    let out = dir.join("out");
    symlink("/dev/fd/1", &out);
    let ran = bounded(
        &dir,
        &["run", "scenario.yaml", "--format", "json", "--out", "out"],
        &[],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    assert!(is_link(&out), "the link was replaced");
    assert_eq!(std::fs::read_link(&out).unwrap(), Path::new("/dev/fd/1"));
    // The same bytes as `--out -` gives on standard output.
    let dash = bounded(
        &dir,
        &["run", "scenario.yaml", "--format", "json", "--out", "-"],
        &[],
    );
    assert_eq!(dash.code, Some(0), "{}", dash.both());
    assert!(dash.stdout.starts_with('{'), "{}", dash.both());
    assert_eq!(ran.stdout, dash.stdout);
    assert!(temporary_files(&dir).is_empty());
}

#[test]
fn a_link_to_a_regular_file_replaces_the_file_and_stays_a_link() {
    let dir = run_project("outputs-link-to-file");
    std::fs::create_dir_all(dir.join("reports")).unwrap();
    std::fs::write(dir.join("reports/latest.txt"), "an old report\n").unwrap();
    symlink("reports/latest.txt", &dir.join("report.txt"));
    let ran = bounded(&dir, &["run", "scenario.yaml", "--out", "report.txt"], &[]);
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    assert!(is_link(&dir.join("report.txt")), "the link was replaced");
    let written = std::fs::read_to_string(dir.join("reports/latest.txt")).unwrap();
    assert!(written.contains("demo"), "{written}");
    assert!(!written.contains("an old report"));
    assert!(temporary_files(&dir).is_empty());
}

/// `args` is refused with exit 2 and a message containing each of `says`,
/// before anything ran: `first.txt`, named before it, is not written.
fn refused_before_the_run(dir: &Path, args: &[&str], says: &[&str]) -> Ran {
    let ran = bounded(dir, args, &[]);
    assert_eq!(ran.code, Some(2), "{args:?}\n{}", ran.both());
    for needle in says {
        assert!(
            ran.stderr.contains(needle),
            "{args:?}: {needle}\n{}",
            ran.both()
        );
    }
    assert!(!ran.stderr.contains("panicked"), "{}", ran.both());
    assert!(
        !dir.join("first.txt").exists(),
        "{args:?}: the run went ahead"
    );
    ran
}

#[test]
fn links_that_lead_to_no_file_and_directories_are_refused_before_the_run() {
    let dir = run_project("outputs-refused-links");
    std::fs::create_dir_all(dir.join("reports")).unwrap();
    symlink("reports", &dir.join("to-dir"));
    symlink("nowhere/report.txt", &dir.join("dangling"));
    symlink("loop", &dir.join("loop"));
    for (link, says) in [
        (
            "to-dir",
            &["--out to-dir is a symbolic link to the directory reports"][..],
        ),
        (
            "dangling",
            &["--out dangling is a symbolic link to nowhere/report.txt, which does not exist"],
        ),
        (
            "loop",
            &["--out loop is a symbolic link to loop that cannot be followed"],
        ),
        ("reports", &["--out reports is a directory"]),
    ] {
        let args = ["run", "scenario.yaml", "--out", "first.txt", "--out", link];
        refused_before_the_run(&dir, &args, says);
    }
    // Nothing was replaced or created through them.
    for link in ["to-dir", "dangling", "loop"] {
        assert!(is_link(&dir.join(link)), "{link} was replaced");
    }
    assert!(!dir.join("nowhere").exists());
    assert_eq!(std::fs::read_dir(dir.join("reports")).unwrap().count(), 0);
    assert!(temporary_files(&dir).is_empty());
}

fn check_project(name: &str) -> std::path::PathBuf {
    project(name, &[("scenarios/demo.yaml", &scenario("../"))])
}

#[test]
fn check_writes_junit_and_html_by_the_same_rule() {
    let dir = check_project("outputs-check");
    // Refused before the run: no snapshot is written.
    symlink("nowhere.xml", &dir.join("dangling.xml"));
    for flag in ["--junit", "--html"] {
        let ran = bounded(&dir, &["check", flag, "dangling.xml"], &[]);
        assert_eq!(ran.code, Some(2), "{}", ran.both());
        assert!(
            ran.stderr
                .contains(&format!("{flag} dangling.xml is a symbolic link")),
            "{}",
            ran.both()
        );
        assert!(!dir.join("snapshots").exists(), "the check ran");
    }
    // JUnit into a pipe, the page through a link to a regular file.
    let read = read_fifo(&dir.join("junit.xml"));
    std::fs::create_dir_all(dir.join("pages")).unwrap();
    std::fs::write(dir.join("pages/check.html"), "old").unwrap();
    symlink("pages/check.html", &dir.join("check.html"));
    let ran = bounded(
        &dir,
        &["check", "--junit", "junit.xml", "--html", "check.html"],
        &[],
    );
    let junit = String::from_utf8(read()).unwrap();
    // No approved report yet: the gate fails, and everything is written.
    assert_eq!(ran.code, Some(1), "{}", ran.both());
    assert!(is_fifo(&dir.join("junit.xml")), "the pipe was replaced");
    roxmltree::Document::parse(&junit).unwrap_or_else(|error| panic!("{error}: {junit}"));
    assert!(is_link(&dir.join("check.html")), "the link was replaced");
    let page = std::fs::read_to_string(dir.join("pages/check.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(temporary_files(&dir).is_empty());
}

#[test]
fn a_machine_format_on_standard_output_sends_the_summary_to_standard_error() {
    let dir = check_project("outputs-check-stdout");
    let ran = bounded(&dir, &["check", "--accept"], &[]);
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    assert!(
        ran.stdout.contains("check passed: 1 scenario"),
        "{}",
        ran.both()
    );

    let ran = bounded(&dir, &["check", "--junit", "-"], &[]);
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    roxmltree::Document::parse(&ran.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", ran.both()));
    assert!(ran.stdout.starts_with("<?xml"), "{}", ran.both());
    assert!(
        ran.stderr.contains("check passed: 1 scenario"),
        "{}",
        ran.both()
    );

    let ran = bounded(&dir, &["check", "--html", "-"], &[]);
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    assert!(ran.stdout.starts_with("<!DOCTYPE html>"), "{}", ran.both());
    assert!(ran.stdout.trim_end().ends_with("</html>"), "{}", ran.both());
    assert!(
        !ran.stdout.contains("check passed: 1 scenario"),
        "{}",
        ran.both()
    );
    assert!(
        ran.stderr.contains("check passed: 1 scenario"),
        "{}",
        ran.both()
    );

    // Two machine formats on one standard output would be neither.
    let ran = bounded(&dir, &["check", "--junit", "-", "--html", "-"], &[]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(
        ran.stderr
            .contains("--junit - and --html - would both go to standard output"),
        "{}",
        ran.both()
    );
    assert!(ran.stdout.is_empty(), "{}", ran.both());
}
