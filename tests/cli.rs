//! `rehearse run` as users and CI call it.

mod common;

use std::process::Output;

fn rehearse(args: &[&str]) -> Output {
    common::rehearse_in(common::root(), args)
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn json_has_exactly_the_report_keys() {
    let output = rehearse(&[
        "run",
        "scenarios/shop/peak-hour.yaml",
        "--format",
        "json",
        "--replications",
        "2",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    // serde_json::Value sorts keys; the order on output is the struct's.
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "ci95",
            "compliance",
            "conversations",
            "conversion",
            "conversion_value",
            "csat",
            "flow",
            "follow_ups",
            "funnel",
            "outcomes",
            "personas",
            "queues",
            "rates",
            "replications",
            "response_time",
            "retention",
            "scenario",
            "seed",
            "segments",
            "turns",
            "variants"
        ]
    );
    assert_eq!(report["replications"], 2);
    let outcomes: f64 = report["outcomes"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!(
        (outcomes - 1.0).abs() < 1e-3,
        "outcome shares add up to {outcomes}"
    );
    for timer in ["bot", "agent_first_response", "queue_wait", "resolution"] {
        let stats: Vec<&str> = report["response_time"][timer]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(stats, ["max", "mean", "p50", "p90", "p95", "p99"]);
    }
}

#[test]
fn a_directory_runs_every_scenario_in_it() {
    let output = rehearse(&[
        "run",
        "scenarios",
        "--format",
        "json",
        "--replications",
        "1",
    ]);
    let reports: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(reports.as_array().unwrap().len() >= 3);
}

#[test]
fn text_for_a_pipe_has_no_colour_codes() {
    let text = stdout(&rehearse(&[
        "run",
        "scenarios/shop/peak-hour.yaml",
        "--replications",
        "1",
    ]));
    assert!(text.contains("Outcomes") && text.contains("Funnel") && text.contains("Personas"));
    assert!(!text.contains('\x1b'));
}

#[test]
fn markdown_renders_tables() {
    let text = stdout(&rehearse(&[
        "run",
        "scenarios/shop/peak-hour.yaml",
        "--replications",
        "1",
        "--format",
        "markdown",
    ]));
    assert!(text.starts_with("## "));
    assert!(text.contains("| outcome | share |"));
}

#[test]
fn out_writes_the_report_to_a_file() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-out.yaml");
    let _ = std::fs::remove_file(&path);
    let output = rehearse(&[
        "run",
        "scenarios/shop/peak-hour.yaml",
        "--replications",
        "1",
        "--format",
        "yaml",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(stdout(&output).is_empty());
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.starts_with("scenario: "));
    assert!(written.contains("replications: 1\n"));
}

#[test]
fn html_goes_to_standard_output_or_to_a_file_named_html() {
    let output = rehearse(&[
        "run",
        "scenarios/clinic/monday-8am.yaml",
        "--replications",
        "2",
        "--format",
        "html",
    ]);
    let page = stdout(&output);
    assert!(page.starts_with("<!DOCTYPE html>\n"));
    assert!(page.contains("<h1>monday-8am</h1>"));
    assert!(page.ends_with("</html>\n"));

    // `--out x.html` (or .htm) takes the format from the extension, and
    // writes the same page.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-html");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (html, htm) = (dir.join("report.html"), dir.join("report.htm"));
    let output = rehearse(&[
        "run",
        "scenarios/clinic/monday-8am.yaml",
        "--replications",
        "2",
        "--out",
        html.to_str().unwrap(),
        "--out",
        htm.to_str().unwrap(),
    ]);
    assert!(stdout(&output).is_empty());
    assert_eq!(std::fs::read_to_string(&html).unwrap(), page);
    assert_eq!(std::fs::read_to_string(&htm).unwrap(), page);

    // A contradiction is refused, as for the other formats.
    let output = rehearse(&[
        "run",
        "scenarios/clinic/monday-8am.yaml",
        "--format",
        "html",
        "--out",
        "report.md",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("--format html conflicts with the extension of report.md")
    );
}

#[test]
fn a_missing_scenario_exits_2() {
    let output = rehearse(&["run", "scenarios/nope.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .starts_with("error: scenarios/nope.yaml: cannot read the file")
    );
}

#[test]
fn several_outputs_in_one_run_each_take_the_format_of_their_extension() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-outs");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (json, markdown) = (dir.join("report.json"), dir.join("summary.md"));
    let output = rehearse(&[
        "run",
        "scenarios/shop/peak-hour.yaml",
        "--replications",
        "1",
        "--out",
        json.to_str().unwrap(),
        "--out",
        markdown.to_str().unwrap(),
        "--out",
        "-",
    ]);
    assert!(
        stdout(&output).contains("Outcomes"),
        "standard output gets text"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["replications"], 1);
    assert!(
        std::fs::read_to_string(&markdown)
            .unwrap()
            .starts_with("## peak-hour")
    );
    // No temporary file is left beside the outputs.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

#[test]
fn a_format_that_contradicts_the_file_extension_is_a_usage_error() {
    let output = rehearse(&[
        "run",
        "scenarios/shop/peak-hour.yaml",
        "--format",
        "yaml",
        "--out",
        "report.json",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("conflicts with the extension"));
}

#[test]
fn a_flow_given_to_run_says_to_run_its_scenario() {
    let output = rehearse(&["run", "scenarios/shop/flow.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: scenarios/shop/flow.yaml: this is a flow, not a scenario: run the scenario that uses it\n"
    );
}

#[test]
fn a_directory_with_other_yaml_skips_it_with_a_note() {
    let dir = common::write_files(
        "cli-foreign-yaml",
        &[("ci.yaml", "jobs: {test: {runs-on: ubuntu}}\n")],
    );
    let shop = common::root().join("scenarios/shop");
    for file in ["flow.yaml", "personas.yaml", "peak-hour.yaml"] {
        std::fs::copy(shop.join(file), dir.join(file)).unwrap();
    }
    let output = common::rehearse_in(
        &dir,
        &["run", ".", "--replications", "1", "--format", "json"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("note: skipped ./ci.yaml: not a flow, persona file or scenario")
    );
}

#[test]
fn a_directory_without_scenarios_is_an_error() {
    let dir = common::write_files("cli-no-scenarios", &[("notes.yaml", "a: 1\n")]);
    let output = common::rehearse_in(&dir, &["run", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no scenario found in ."));
}

#[test]
fn an_output_nobody_can_write_is_refused_before_the_run() {
    // A directory, or a file in a directory that does not exist, for each
    // command that writes files: exit 2 at once, naming the flag and what
    // to do, instead of a write error after the whole run.
    let dir = common::root().join("target").join("cli-out-refusals");
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("missing").join("report.html");
    let dir_text = dir.display().to_string();
    let missing_text = missing.display().to_string();
    let cases: [(&[&str], &str); 4] = [
        (
            &["run", "scenarios/shop/peak-hour.yaml", "--out", &dir_text],
            "is a directory; name a file in it",
        ),
        (
            &[
                "run",
                "scenarios/shop/peak-hour.yaml",
                "--out",
                &missing_text,
            ],
            "does not exist; create it first",
        ),
        (
            &[
                "compare",
                "scenarios/shop/peak-hour.yaml",
                "--flow",
                "scenarios/shop/flow-v2.yaml",
                "--out",
                &missing_text,
            ],
            "--out",
        ),
        (&["check", "--html", &missing_text], "--html"),
    ];
    for (args, expected) in cases {
        let output = rehearse(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!missing.exists());
    }
}

/// `rehearse personas --from FLOW` writes a skeleton that lints clean
/// against the flow (with a scenario naming both), and never writes over a
/// file: a second run with the same `--out` exits 2 and leaves it as it was.
#[test]
fn personas_from_a_flow_lint_clean_and_never_overwrite() {
    let root = common::root();
    let flow = std::fs::read_to_string(root.join("scenarios/shop/flow.yaml")).unwrap();
    let scenario = "scenario: skeleton\nflow: flow.yaml\npersonas: [personas.yaml]\nduration: 10m\narrivals: {poisson: {per_hour: 60}}\nagents:\n  support: {count: 2, handle_time: {fixed: 5m}}\n";
    let dir = common::write_files(
        "personas-skeleton",
        &[("flow.yaml", &flow), ("scenario.yaml", scenario)],
    );
    let _ = std::fs::remove_file(dir.join("personas.yaml"));
    let written = common::rehearse_in(
        &dir,
        &["personas", "--from", "flow.yaml", "--out", "personas.yaml"],
    );
    let stderr = String::from_utf8_lossy(&written.stderr);
    assert_eq!(written.status.code(), Some(0), "{stderr}");
    assert!(stderr.starts_with("wrote "), "{stderr}");
    let skeleton = std::fs::read_to_string(dir.join("personas.yaml")).unwrap();
    assert!(skeleton.contains("taps: [\"Talk to us\"]"), "{skeleton}");

    let lint = common::rehearse_in(&dir, &["lint", "scenario.yaml", "--deny", "warnings"]);
    let text = String::from_utf8_lossy(&lint.stdout);
    assert_eq!(lint.status.code(), Some(0), "{text}");

    // Standard output gets the same file.
    let stdout = common::rehearse_in(&dir, &["personas", "--from", "flow.yaml"]);
    assert_eq!(String::from_utf8_lossy(&stdout.stdout), skeleton);

    let again = common::rehearse_in(
        &dir,
        &["personas", "--from", "flow.yaml", "--out", "personas.yaml"],
    );
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("never writes over a file"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.join("personas.yaml")).unwrap(),
        skeleton
    );
}
