//! `rehearse check` through the real binary, in temporary copies of a bot's
//! repository: the gate a pull request meets, snapshot states under insta's
//! update semantics, and the CI outputs.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `rehearse` in `dir` with `CI` set or not, and other variables.
fn rehearse(dir: &Path, ci: bool, env: &[(&str, &Path)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rehearse"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .env_remove("GITHUB_STEP_SUMMARY");
    if ci {
        command.env("CI", "true");
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn explain(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status.code(),
        stdout(output),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every file under `dir/snapshots` with its bytes: what "nothing was
/// written" is checked against.
fn snapshot_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir.join("snapshots")) else {
        return BTreeMap::new();
    };
    entries
        .map(|entry| entry.unwrap().path())
        .map(|path| (path.clone(), std::fs::read(&path).unwrap()))
        .collect()
}

/// A copy of the bundled shop bot, with its approved report, as a team's
/// repository would hold it.
fn shop_repository(name: &str) -> PathBuf {
    let dir = common::write_files(name, &[]);
    std::fs::create_dir_all(dir.join("scenarios/shop")).unwrap();
    std::fs::create_dir_all(dir.join("snapshots")).unwrap();
    for file in ["flow.yaml", "personas.yaml", "peak-hour.yaml"] {
        std::fs::copy(
            common::root().join("scenarios/shop").join(file),
            dir.join("scenarios/shop").join(file),
        )
        .unwrap();
    }
    std::fs::copy(
        common::root().join("snapshots/shop-peak-hour.snap"),
        dir.join("snapshots/shop-peak-hour.snap"),
    )
    .unwrap();
    dir
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// The line of `needle` in `file`, from 1.
fn line_of(file: &Path, needle: &str) -> usize {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .position(|line| line.contains(needle))
        .unwrap()
        + 1
}

#[test]
fn a_flow_change_that_breaks_an_expectation_fails_the_gate_until_accepted() {
    let dir = shop_repository("check-done-when");
    let scenario = dir.join("scenarios/shop/peak-hour.yaml");

    // The approved report of the unchanged bot passes in CI.
    let output = rehearse(&dir, true, &[], &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    assert!(
        stdout(&output)
            .contains("check passed: 1 scenario, 6 expectations passed, 1 snapshot matches")
    );

    // A stricter order-number check that hands every miss to a person.
    edit(
        &dir.join("scenarios/shop/flow.yaml"),
        "    expect: {pattern: '(?i)^\\s*[A-Z][0-9]{6}\\s*$'}\n    routes:\n      valid: lookup_order\n      invalid: ask_order_again",
        "    expect: {pattern: '^[A-Z][0-9]{6}$'}\n    routes:\n      valid: lookup_order\n      invalid: handoff_support",
    );
    let before = snapshot_files(&dir);
    let summary = dir.join("step-summary.md");
    std::fs::write(&summary, "## an earlier step\n").unwrap();
    let output = rehearse(
        &dir,
        true,
        &[("GITHUB_STEP_SUMMARY", &summary)],
        &["check", "--junit", "junit.xml"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", explain(&output));
    let text = stdout(&output);
    // Located like a lint finding, with the numbers.
    let line = line_of(&scenario, "  self_resolution:");
    // (The numbers themselves are the engine's business: only their form is
    // checked here, so that a better engine does not break this test.)
    assert!(
        text.contains("error[expectation]: `self_resolution` is ")
            && text.contains(&format!(
                "%, which is not >= 55%\n  --> scenarios/shop/peak-hour.yaml:{line}:3 (at `expect.self_resolution`)\n"
            )),
        "{text}"
    );
    assert!(
        text.contains(&format!("{line} |   self_resolution: \">= 0.55\"\n")),
        "{text}"
    );
    assert!(
        text.contains("(95% interval ") && text.contains(", 20 replications); bound >= 55%"),
        "{text}"
    );
    assert!(text.contains("error[snapshot]: the report of shop-peak-hour differs from snapshots/shop-peak-hour.snap"), "{text}");
    assert!(text.contains("nothing is written when CI is set"), "{text}");
    // The largest real change leads the diff: the node nobody reaches now.
    assert!(text.contains("funnel.ask_order_again.entered"), "{text}");
    assert!(
        text.contains("check failed: 1 of 1 scenario failed: "),
        "{text}"
    );
    assert!(
        text.contains("expectations failed, 1 snapshot differs\n"),
        "{text}"
    );
    // JUnit and the step summary (appended to what earlier steps wrote).
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(
        junit.contains(r#"<testsuite name="shop-peak-hour" tests="7" failures=""#),
        "{junit}"
    );
    assert!(
        junit.contains(r#"<failure type="snapshot" message="the report differs"#),
        "{junit}"
    );
    let summary_text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary_text.starts_with("## an earlier step\n## rehearse check: failed"),
        "{summary_text}"
    );
    assert!(
        summary_text.contains("### ❌ shop-peak-hour"),
        "{summary_text}"
    );
    assert!(
        summary_text.contains("| self\\_resolution | "),
        "{summary_text}"
    );
    assert!(
        summary_text.contains(" | \\>= 55% | **fail** |"),
        "{summary_text}"
    );
    // Under CI, not a byte of the snapshots changed.
    assert_eq!(snapshot_files(&dir), before);

    // Locally the new report waits for review beside the approved one.
    let output = rehearse(&dir, false, &[], &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", explain(&output));
    let pending = dir.join("snapshots/shop-peak-hour.snap.new");
    assert!(pending.exists());
    assert!(stdout(&output).contains("wrote snapshots/shop-peak-hour.snap.new"));

    // Accepting alone does not pass a broken expectation...
    let output = rehearse(&dir, false, &[], &["check", "--accept"]);
    assert_eq!(output.status.code(), Some(1), "{}", explain(&output));
    // ...the team decides the new numbers are right, and says so.
    for (from, to) in [
        (
            "self_resolution: \">= 0.55\"",
            "self_resolution: \">= 0.4\"",
        ),
        ("abandonment: \"<= 0.15\"", "abandonment: \"<= 0.25\""),
        (
            "outcomes.abandoned_in_queue: \"<= 0.09\"",
            "outcomes.abandoned_in_queue: \"<= 0.2\"",
        ),
    ] {
        edit(&scenario, from, to);
    }
    let output = rehearse(&dir, false, &[], &["check", "--accept"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    assert!(!pending.exists(), "accepting removes the pending report");
    let approved = std::fs::read_to_string(dir.join("snapshots/shop-peak-hour.snap")).unwrap();
    assert!(
        approved.starts_with("---\nsource: tests/scenarios.rs\n---\n"),
        "the header is kept"
    );
    let bundled =
        std::fs::read_to_string(common::root().join("snapshots/shop-peak-hour.snap")).unwrap();
    assert_ne!(approved, bundled, "the new report is approved");

    // Committed, the snapshot passes in CI, and CI writes nothing.
    let before = snapshot_files(&dir);
    let output = rehearse(&dir, true, &[], &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    assert_eq!(snapshot_files(&dir), before);
}

const FLOW: &str = r#"flow: small
start: welcome
latency: {fixed: 1s}
nodes:
  welcome:
    say: "Hi! Track or talk?"
    buttons: ["Track", "Talk"]
    routes: {"Track": done, "Talk": handoff, fallback: welcome}
  handoff:
    handoff: {queue: support}
  done:
    end: resolved
"#;

const PERSONAS: &str = r#"personas:
  - name: tracker
    goals: [{want: track, taps: ["Track"]}]
    behaviour: {read: {fixed: 5s}, drop_per_turn: 0.1}
  - name: talker
    goals: [{want: talk, taps: ["Talk"]}]
    behaviour: {read: {fixed: 5s}, patience: {queue: {fixed: 1m}}}
"#;

fn scenario(extra: &str) -> String {
    format!(
        "scenario: small\nflow: flow.yaml\npersonas: [personas.yaml]\nseed: 1\nduration: 1h\nreplications: 3\narrivals: {{poisson: {{per_hour: 30}}}}\nagents: {{support: {{count: 1, handle_time: {{fixed: 3m}}}}}}\nexpect: {{self_resolution: \">= 0.1\"}}\n{extra}"
    )
}

fn small_repository(name: &str, extra: &str) -> PathBuf {
    let dir = common::write_files(name, &[]);
    std::fs::create_dir_all(dir.join("scenarios/bot")).unwrap();
    for (file, text) in [
        ("flow.yaml", FLOW.to_string()),
        ("personas.yaml", PERSONAS.to_string()),
        ("small.yaml", scenario(extra)),
    ] {
        std::fs::write(dir.join("scenarios/bot").join(file), text).unwrap();
    }
    dir
}

#[test]
fn a_missing_snapshot_fails_in_ci_waits_for_review_locally_and_is_created_on_accept() {
    let dir = small_repository("check-missing", "");
    let snap = dir.join("snapshots/bot-small.snap");
    let pending = dir.join("snapshots/bot-small.snap.new");

    let output = rehearse(&dir, true, &[], &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", explain(&output));
    assert!(
        stdout(&output)
            .contains("bot-small has no approved report: snapshots/bot-small.snap does not exist")
    );
    assert!(snapshot_files(&dir).is_empty(), "CI writes nothing");

    let output = rehearse(&dir, false, &[], &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", explain(&output));
    assert!(pending.exists() && !snap.exists());
    // insta reads the pending file as one of its own.
    let read = insta::Snapshot::from_file(&pending).unwrap();
    assert_eq!(read.metadata().source(), Some("scenarios/bot/small.yaml"));

    let output = rehearse(&dir, false, &[], &["check", "--accept"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    assert!(
        stdout(&output).contains("accepted      snapshot"),
        "{}",
        stdout(&output)
    );
    assert!(snap.exists() && !pending.exists());

    let output = rehearse(&dir, true, &[], &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    assert!(stdout(&output).contains("matches snapshots/bot-small.snap"));
}

#[test]
fn check_writes_an_html_page_failures_first() {
    let dir = small_repository("check-html", "");
    // No approved report yet: the check fails, and the page says so first.
    let output = rehearse(&dir, true, &[], &["check", "--html", "check.html"]);
    assert_eq!(output.status.code(), Some(1), "{}", explain(&output));
    let page = std::fs::read_to_string(dir.join("check.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<h1>rehearse check failed</h1>"));
    let summary = &page[page.find("<section class=\"summary fail\"").unwrap()..];
    let first = &summary[summary.find("<li>").unwrap()..];
    assert!(
        first.starts_with(
            "<li><span class=\"badge fail\">✗ FAIL</span><span class=\"name\">bot-small: snapshot</span><span class=\"detail\">snapshots/bot-small.snap does not exist</span></li>"
        ),
        "{first}"
    );
    assert!(page.contains("<details><summary>1 passed</summary>"));
    assert!(page.contains("aria-label=\"Expectations against their bounds\""));

    // Approved, it passes, and the page says that.
    let output = rehearse(&dir, false, &[], &["check", "--accept"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    let output = rehearse(&dir, true, &[], &["check", "--html", "check.html"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    let page = std::fs::read_to_string(dir.join("check.html")).unwrap();
    assert!(page.contains("<h1>rehearse check passed</h1>"));
    assert!(page.contains("<section class=\"summary pass\""));
    assert!(page.contains("matches snapshots/bot-small.snap"));
}

#[test]
fn a_differing_snapshot_shows_a_metric_diff_and_only_local_runs_write() {
    let dir = small_repository("check-differ", "");
    assert_eq!(
        rehearse(&dir, false, &[], &["check", "--accept"])
            .status
            .code(),
        Some(0)
    );
    let approved = snapshot_files(&dir);
    edit(&dir.join("scenarios/bot/small.yaml"), "seed: 1", "seed: 2");

    let output = rehearse(&dir, true, &[], &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", explain(&output));
    let text = stdout(&output);
    assert!(
        text.contains("differs from snapshots/bot-small.snap: "),
        "{text}"
    );
    assert!(
        text.contains("seed ") && text.contains(" 1 -> 2  (no interval)"),
        "{text}"
    );
    assert!(text.contains("conversations"), "{text}");
    assert_eq!(snapshot_files(&dir), approved, "CI writes nothing");

    let output = rehearse(&dir, false, &[], &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", explain(&output));
    assert!(dir.join("snapshots/bot-small.snap.new").exists());
    assert_eq!(
        std::fs::read(dir.join("snapshots/bot-small.snap")).unwrap(),
        approved[&dir.join("snapshots/bot-small.snap")],
        "the approved report stays until accepted"
    );

    // Back to the approved seed: it matches again, and the stale pending
    // report goes (as insta removes it).
    edit(&dir.join("scenarios/bot/small.yaml"), "seed: 2", "seed: 1");
    let output = rehearse(&dir, false, &[], &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    assert_eq!(snapshot_files(&dir), approved);
}

#[test]
fn snapshots_of_scenarios_that_are_gone_are_reported() {
    let dir = small_repository("check-unreferenced", "");
    assert_eq!(
        rehearse(&dir, false, &[], &["check", "--accept"])
            .status
            .code(),
        Some(0)
    );
    std::fs::write(
        dir.join("snapshots/bot-retired.snap"),
        "---\nsource: x\n---\na: 1\n",
    )
    .unwrap();
    let output = rehearse(&dir, true, &[], &["check"]);
    // Reported, not failed on: deleting it is a decision for a person.
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    let text = stdout(&output);
    assert!(
        text.contains("warning[snapshot]: snapshots/bot-retired.snap belongs to no scenario"),
        "{text}"
    );
    assert!(text.contains("1 snapshot unreferenced"), "{text}");
    // Checking one scenario says nothing about the others' snapshots.
    let output = rehearse(&dir, true, &[], &["check", "scenarios/bot/small.yaml"]);
    assert!(!stdout(&output).contains("bot-retired"));
}

#[test]
fn a_scenario_may_gate_on_expectations_alone() {
    let dir = small_repository("check-opt-out", "snapshot: false\n");
    let output = rehearse(&dir, false, &[], &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    assert!(
        stdout(&output).contains("skipped       snapshot"),
        "{}",
        stdout(&output)
    );
    assert!(
        snapshot_files(&dir).is_empty(),
        "no snapshot is written, even locally"
    );
}

#[test]
fn more_replications_narrow_intervals_without_comparing_snapshots() {
    let dir = small_repository("check-replications", "");
    let output = rehearse(&dir, true, &[], &["check", "--replications", "6"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    let text = stdout(&output);
    assert!(
        text.contains("(scenarios/bot/small.yaml, 6 replications)"),
        "{text}"
    );
    assert!(text.contains("not compared: --replications 6"), "{text}");
    let output = rehearse(
        &dir,
        false,
        &[],
        &["check", "--replications", "6", "--accept"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", explain(&output));
}

#[test]
fn accepting_is_refused_under_ci() {
    let dir = small_repository("check-accept-ci", "");
    let output = rehearse(&dir, true, &[], &["check", "--accept"]);
    assert_eq!(output.status.code(), Some(2), "{}", explain(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing is written when CI is set"));
    assert!(snapshot_files(&dir).is_empty());
}

#[test]
fn an_inconclusive_expectation_fails_and_asks_for_more_replications() {
    // Self-resolution is near 0.6 here: 3 replications cannot tell.
    let dir = small_repository("check-inconclusive", "snapshot: false\n");
    edit(
        &dir.join("scenarios/bot/small.yaml"),
        "expect: {self_resolution: \">= 0.1\"}",
        "expect: {self_resolution: \">= 0.55 at 95%\"}",
    );
    let output = rehearse(&dir, true, &[], &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", explain(&output));
    let text = stdout(&output);
    assert!(
        text.contains("INCONCLUSIVE  self_resolution >= 55% at 95%"),
        "{text}"
    );
    assert!(
        text.contains("error[inconclusive]: `self_resolution` is inconclusive: its 95% interval"),
        "{text}"
    );
    assert!(text.contains("help: run more replications"), "{text}");
}

#[test]
fn unusable_input_exits_2() {
    let dir = small_repository("check-bad-input", "");
    std::fs::create_dir_all(dir.join("snapshots")).unwrap();
    std::fs::write(dir.join("snapshots/bot-small.snap"), "scenario: small\n").unwrap();
    let output = rehearse(&dir, true, &[], &["check"]);
    assert_eq!(output.status.code(), Some(2), "{}", explain(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("is not an approved report in insta's snapshot format")
    );

    let empty = common::write_files("check-no-scenarios", &[]);
    let output = rehearse(&empty, true, &[], &["check"]);
    assert_eq!(output.status.code(), Some(2), "{}", explain(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("there is no scenarios/ directory here")
    );
}

#[test]
fn the_file_check_writes_is_the_file_insta_approves() {
    // `check --accept` on a fresh copy writes the bundled report again: the
    // same contents insta approved in this repository.
    let dir = shop_repository("check-insta-compatible");
    std::fs::remove_file(dir.join("snapshots/shop-peak-hour.snap")).unwrap();
    let output = rehearse(&dir, false, &[], &["check", "--accept"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    let ours = insta::Snapshot::from_file(&dir.join("snapshots/shop-peak-hour.snap")).unwrap();
    let bundled =
        insta::Snapshot::from_file(&common::root().join("snapshots/shop-peak-hour.snap")).unwrap();
    assert_eq!(ours.contents(), bundled.contents());
    assert_eq!(
        ours.metadata().source(),
        Some("scenarios/shop/peak-hour.yaml")
    );
    // And insta's own assertion accepts the file `check` wrote.
    let report = common::report(&common::load(&dir.join("scenarios/shop/peak-hour.yaml")));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir.join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        insta::assert_snapshot!(
            "shop-peak-hour",
            rehearse::check::snapshot::contents(&report)
        );
    });
}

#[test]
fn reports_carry_their_intervals() {
    let dir = small_repository("check-ci95", "");
    let load = |replications| {
        let scenario = common::load(&dir.join("scenarios/bot/small.yaml"));
        rehearse::simulate(
            &scenario,
            &rehearse::RunOptions::new()
                .replications(replications)
                .unwrap(),
            &|| {},
        )
    };
    let simulation = load(5);
    let ci95 = simulation
        .report()
        .ci95
        .as_ref()
        .expect("5 replications have intervals");
    let metric = rehearse::Metric::parse("rates.self_resolution").unwrap();
    let interval = simulation.interval(&metric).unwrap();
    let [low, high] = ci95.rates["self_resolution"];
    assert!((low - interval.low).abs() <= 5e-5 && (high - interval.high).abs() <= 5e-5);
    assert_eq!(ci95.get(&metric).map(|i| i.low), Some(low));
    assert!(
        load(1).report().ci95.is_none(),
        "one replication has no interval"
    );
}

/// The small bot gated on counts, per replication: about 30 conversations
/// reach `welcome` in each hour, about 16 of them ask for a person.
const COUNT_EXPECTATIONS: &str = "expect:\n  conversations: \">= 20 at 95%\"\n  funnel.welcome.entered: \"<= 45 at 95%\"\n  queues.support.arrived: \"<= 25\"";

#[test]
fn count_expectations_mean_the_same_whatever_the_replications() {
    let dir = small_repository("check-counts", "");
    let scenario = dir.join("scenarios/bot/small.yaml");
    edit(&scenario, "replications: 3", "replications: 6");
    edit(
        &scenario,
        "expect: {self_resolution: \">= 0.1\"}",
        COUNT_EXPECTATIONS,
    );
    let output = rehearse(&dir, false, &[], &["check", "--accept"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    // The bounds are per replication, and the messages say so, with the
    // total the report states named as a total.
    let text = stdout(&output);
    assert!(
        text.contains(" per replication (") && text.contains(" in total over 6 replications)"),
        "{text}"
    );
    // Twice the replications, as the guide advises to settle an unclear
    // result: the same flow, so the same verdicts. (Read as totals, every
    // count would double: about 350 conversations reach `welcome` in 12
    // hours, far above 45.)
    let output = rehearse(&dir, true, &[], &["check", "--replications", "12"]);
    assert_eq!(output.status.code(), Some(0), "{}", explain(&output));
    let text = stdout(&output);
    assert!(
        text.contains("check passed: 1 scenario, 3 expectations passed"),
        "{text}"
    );
    assert!(text.contains(" in total over 12 replications)"), "{text}");
}

#[test]
fn a_snapshot_diff_reads_counts_per_replication() {
    // A report approved at 10 replications, and the same flow at 20 (the
    // scenario's `replications:` doubled): every total about doubles.
    let dir = small_repository("check-count-diff", "");
    let scenario = common::load(&dir.join("scenarios/bot/small.yaml"));
    let run = |replications| {
        rehearse::simulate(
            &scenario,
            &rehearse::RunOptions::new()
                .replications(replications)
                .unwrap(),
            &|| {},
        )
    };
    let (approved, new) = (run(10), run(20));
    let conversations = |simulation: &rehearse::Simulation| simulation.report().conversations;
    assert!(conversations(&new) > conversations(&approved) * 3 / 2);
    let diff = rehearse::check::Diff::new(
        &rehearse::check::snapshot::contents(approved.report()),
        &rehearse::check::snapshot::contents(new.report()),
        &|metric| new.interval(metric),
    );
    let counts: Vec<_> = diff
        .changes
        .iter()
        .filter(|change| change.metric.as_ref().is_some_and(|m| m.is_count()))
        .collect();
    assert!(!counts.is_empty(), "{diff:?}");
    for change in counts {
        // Per replication, the approved value is the mean of the first 10
        // of the new run's 20 replications: it differs from the new mean
        // by (m₁ − m₂)/2, whose standard deviation is σ/√40, while the new
        // interval's half-width is t·σ/√20 ≈ 2.09·σ/√20. Four half-widths
        // are about 12 standard deviations of the difference: no chance
        // of a spurious failure. Read as totals, `conversations` (about
        // 300 against 600, ±25) moves some 12 half-widths.
        use rehearse::check::diff::Significance;
        let (Significance::Within(interval) | Significance::Beyond(interval)) = change.significance
        else {
            panic!("{} has no interval", change.path);
        };
        assert!(
            (change.new - change.old).abs() <= 4.0 * interval.half_width(),
            "{}: {} ({})",
            change.path,
            change.old_to_new(),
            change.verdict()
        );
        assert!(change.old_to_new().ends_with(" per replication"));
    }
    // `replications` itself is the change that explains the rest, first.
    assert_eq!(diff.changes[0].path, "replications");
}
