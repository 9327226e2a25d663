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
        "--conversations",
        "500",
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
            "conversations",
            "flow",
            "funnel",
            "outcomes",
            "personas",
            "rates",
            "response_time",
            "scenario",
            "seed",
            "segments",
            "turns"
        ]
    );
    assert_eq!(report["conversations"], 500);
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
        "--conversations",
        "200",
    ]);
    let reports: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(reports.as_array().unwrap().len() >= 3);
}

#[test]
fn text_for_a_pipe_has_no_colour_codes() {
    let text = stdout(&rehearse(&[
        "run",
        "scenarios/shop/peak-hour.yaml",
        "--conversations",
        "200",
    ]));
    assert!(text.contains("Outcomes") && text.contains("Funnel") && text.contains("Personas"));
    assert!(!text.contains('\x1b'));
}

#[test]
fn markdown_renders_tables() {
    let text = stdout(&rehearse(&[
        "run",
        "scenarios/shop/peak-hour.yaml",
        "--conversations",
        "200",
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
        "--conversations",
        "200",
        "--format",
        "yaml",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(stdout(&output).is_empty());
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.starts_with("scenario: "));
    assert!(written.contains("conversations: 200\n"));
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
