//! Snapshots a pull request cannot send outside the project (issue 19,
//! item 6, and `check --accept` after a failed write): a symbolic link
//! committed as `snapshots/`, or as a `.snap` or `.snap.new` file in it, is
//! refused before anything runs (exit 2), naming it, and nothing is read or
//! written through it; a snapshot that cannot be written fails its scenario
//! and the others are still written.

mod common;

use std::path::{Path, PathBuf};

use common::bounded::{bounded, project, scenario, temporary_files};

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// A bot's repository at `<root>/repo` (the working directory) with one
/// scenario, and an empty `<root>/outside` beside it.
fn repository(name: &str) -> (PathBuf, PathBuf) {
    let root = project(name, &[("repo/scenarios/demo.yaml", &scenario("../../"))]);
    std::fs::create_dir_all(root.join("outside")).unwrap();
    (root.join("repo"), root.join("outside"))
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    found.sort();
    found
}

#[test]
fn a_linked_snapshots_directory_is_refused_and_nothing_is_written_outside() {
    let (repo, outside) = repository("snapshots-linked-dir");
    symlink("../outside", &repo.join("snapshots"));
    for (args, env) in [
        (&["check"][..], &[][..]),
        (&["check", "--accept"], &[]),
        (&["check"], &[("CI", "true")]),
    ] {
        let ran = bounded(&repo, args, env);
        assert_eq!(ran.code, Some(2), "{args:?} {env:?}\n{}", ran.both());
        assert!(
            ran.stderr.contains(
                "snapshots is a symbolic link (to ../outside): snapshots are read and written only inside the project"
            ),
            "{}",
            ran.both()
        );
        assert!(entries(&outside).is_empty(), "{:?}", entries(&outside));
    }
}

#[test]
fn a_linked_snapshot_file_is_refused_and_not_followed() {
    let (repo, outside) = repository("snapshots-linked-file");
    std::fs::create_dir_all(repo.join("snapshots")).unwrap();
    let approved = "---\nsource: scenarios/demo.yaml\n---\nscenario: demo\n";
    std::fs::write(outside.join("demo.snap"), approved).unwrap();

    // An approved report read from outside.
    symlink("../../outside/demo.snap", &repo.join("snapshots/demo.snap"));
    for args in [&["check"][..], &["check", "--accept"]] {
        let ran = bounded(&repo, args, &[]);
        assert_eq!(ran.code, Some(2), "{args:?}\n{}", ran.both());
        assert!(
            ran.stderr
                .contains("snapshots/demo.snap is a symbolic link (to ../../outside/demo.snap)"),
            "{}",
            ran.both()
        );
    }
    assert_eq!(
        std::fs::read_to_string(outside.join("demo.snap")).unwrap(),
        approved
    );
    std::fs::remove_file(repo.join("snapshots/demo.snap")).unwrap();

    // A pending report written outside.
    symlink(
        "../../outside/pending",
        &repo.join("snapshots/demo.snap.new"),
    );
    let ran = bounded(&repo, &["check"], &[]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(
        ran.stderr
            .contains("snapshots/demo.snap.new is a symbolic link (to ../../outside/pending)"),
        "{}",
        ran.both()
    );
    assert_eq!(entries(&outside), vec![outside.join("demo.snap")]);
    assert!(
        std::fs::symlink_metadata(repo.join("snapshots/demo.snap.new"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    std::fs::remove_file(repo.join("snapshots/demo.snap.new")).unwrap();

    // A pipe as the approved report is never opened: read, it would block.
    let status = std::process::Command::new("mkfifo")
        .arg(repo.join("snapshots/demo.snap"))
        .status()
        .unwrap();
    assert!(status.success());
    let ran = bounded(&repo, &["check"], &[]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(
        ran.stderr.contains("snapshots/demo.snap is a pipe (FIFO)"),
        "{}",
        ran.both()
    );
    assert!(temporary_files(&repo).is_empty());
}

#[test]
fn accept_reports_a_snapshot_it_cannot_write_and_writes_the_others() {
    // `<200 a>-<60 b>.snap` is longer than a file name may be; the
    // scenario comes first, so a check that stops there writes nothing.
    let long_dir = "a".repeat(200);
    let long_file = "b".repeat(60);
    let long = format!("repo/scenarios/{long_dir}/{long_file}.yaml");
    let root = project(
        "snapshots-accept-goes-on",
        &[
            (long.as_str(), &scenario("../../../")),
            ("repo/scenarios/zz.yaml", &scenario("../../")),
        ],
    );
    let repo = root.join("repo");
    let ran = bounded(&repo, &["check", "--accept", "--junit", "junit.xml"], &[]);
    assert_eq!(ran.code, Some(1), "{}", ran.both());
    assert!(ran.stdout.contains("File name too long"), "{}", ran.both());
    assert!(
        ran.stdout.contains("1 snapshot not written"),
        "{}",
        ran.both()
    );
    assert!(
        repo.join("snapshots/zz.snap").is_file(),
        "the other snapshot was not written\n{}",
        ran.both()
    );
    let junit = std::fs::read_to_string(repo.join("junit.xml")).unwrap();
    assert!(junit.contains("File name too long"), "{junit}");
    // Again, now that `snapshots/` exists and the long name is looked up
    // in it: still only its scenario fails.
    let again = bounded(&repo, &["check", "--accept"], &[]);
    assert_eq!(again.code, Some(1), "{}", again.both());
    assert!(
        again.stdout.contains("1 snapshot not written"),
        "{}",
        again.both()
    );
    assert!(temporary_files(&repo).is_empty());
}
