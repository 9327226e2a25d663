//! Names that try to command the CI runner (issue 19, item 5, the second
//! half of item 6, and two minor items): rehearse runs on pull requests
//! under GitHub Actions, whose runner executes a log line that starts, after
//! whitespace, with `::` (`::error file=…::`, `::add-mask::`,
//! `::stop-commands::`) and honours `##[` anywhere in a line. Every name in
//! these files is such a command, a mention, a newline or a bidirectional
//! override; every output of every command, as it would reach a log, must
//! carry none of them as it was written.
//!
//! Each test runs the real binary, as `tests/hostile.rs` does.

mod common;

use std::path::{Path, PathBuf};

use common::bounded::{Ran, bounded};

/// The flow's file name is a command too.
const FLOW_FILE: &str = "::error file=flow.yaml::f ##[error]flow.yaml";

const FLOW: &str = r###"flow: "::warning::flow ##[error]flow"
version: "##[set-output name=v]1"
start: "::group::start"
latency: {fixed: 800ms}
nodes:
  "::group::start":
    split: {"::error::variant": 0.5, "##[error]variant": 0.5}
    routes: {"::error::variant": "::add-mask::menu", "##[error]variant": "::add-mask::menu"}
  "::add-mask::menu":
    say: "Hi @org/team!\n::error file=README.md,line=1::say\n##[error]say"
    buttons: ["::stop-commands::buy", "##[warning]talk"]
    routes:
      "::stop-commands::buy": "::debug::bought"
      "##[warning]talk": handoff
      fallback: "::add-mask::menu"
  "::debug::bought":
    say: "Bought"
    converts: "##[error]goal @org/team"
    next: survey
  survey:
    csat: "How did we do? 1 to 5"
    next: done
  handoff:
    handoff: {queue: "::set-output name=q::queue"}
  done:
    end: resolved
"###;

const PERSONAS: &str = r###"personas:
  - name: "::error file=README.md,line=1::owned"
    segment: "##[error]segment @org/team \u202Egnp"
    goals: [{want: "::stop-commands::want", taps: ["::stop-commands::buy"]}]
    behaviour: {read: {fixed: 5s}}
    survey_response: 1
    satisfaction: {base: 4}
  - name: "@org/team vip\n::error::newline"
    goals: [{want: "##[group]talk", taps: ["##[warning]talk"]}]
    behaviour: {read: {fixed: 5s}, patience: {queue: {fixed: 2m}}}
"###;

/// The scenario's file name is a command (`check` names it after the file).
const SCENARIO_FILE: &str = "::notice::scenario ##[error]s.yaml";

fn scenario() -> String {
    format!(
        r###"scenario: "::error::scenario @org/team"
flow: "{FLOW_FILE}"
personas: [personas.yaml]
mix: {{"::error file=README.md,line=1::owned": 0.6, "@org/team vip\n::error::newline": 0.4}}
seed: 3
duration: 1h
replications: 2
arrivals: {{poisson: {{per_hour: 40}}}}
agents: {{"::set-output name=q::queue": {{count: 1, handle_time: {{fixed: 4m}}}}}}
expect:
  self_resolution: ">= 0.9"
"###
    )
}

/// A fresh directory with the hostile bot, `extra` files added.
fn files(name: &str, extra: &[(&str, &str)]) -> PathBuf {
    let scenario = scenario();
    let mut all = vec![
        (FLOW_FILE, FLOW),
        ("personas.yaml", PERSONAS),
        (SCENARIO_FILE, scenario.as_str()),
    ];
    all.extend_from_slice(extra);
    common::write_files(&format!("hostile-logs-{name}"), &all)
}

/// Runs `rehearse args` in `dir` as a CI job would (no terminal, `NO_COLOR`
/// and `CI` cleared), plus `env`, under the shared deadline.
fn rehearse(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Ran {
    let env: Vec<(&str, &str)> = env
        .iter()
        .map(|(name, value)| (*name, value.to_str().expect("a UTF-8 test path")))
        .collect();
    bounded(dir, args, &env)
}

/// The lines a log shows: the runner splits on LF and on CR.
fn log_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', '\r'])
}

/// No line starts (after whitespace) with `::` or holds `##[`, and no
/// escape or bidirectional override is there to act on a terminal.
fn assert_log_safe(what: &str, text: &str) {
    for line in log_lines(text) {
        assert!(
            !line.trim_start().starts_with("::"),
            "{what}: a line is a workflow command:\n{line}\n\nin:\n{text}"
        );
        assert!(
            !line.contains("##["),
            "{what}: a line holds `##[`:\n{line}\n\nin:\n{text}"
        );
    }
    for c in ['\u{1b}', '\u{202e}', '\u{85}'] {
        assert!(!text.contains(c), "{what}: a raw {c:?} in:\n{text}");
    }
}

/// `@` followed by a name outside code spans and fenced blocks: a mention.
fn mentions(markdown: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // The parts outside code spans are the even ones.
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0
                && part
                    .match_indices('@')
                    .any(|(at, _)| part[at + 1..].starts_with(|c: char| c.is_alphanumeric()))
            {
                found.push(line.to_string());
            }
        }
    }
    found
}

#[test]
fn run_reports_in_every_format_carry_no_command() {
    let dir = files("run", &[]);
    for format in ["text", "markdown", "yaml", "json", "html"] {
        let ran = rehearse(
            &dir,
            &[
                "run",
                SCENARIO_FILE,
                "--format",
                format,
                "--transcripts",
                "6",
            ],
            &[],
        );
        assert_eq!(ran.code, Some(0), "{format}: {}", ran.stderr);
        assert!(ran.stdout.contains("owned"), "{format}: {}", ran.stdout);
        assert_log_safe(&format!("run --format {format}"), &ran.stdout);
        assert_log_safe(&format!("run --format {format} (stderr)"), &ran.stderr);
    }
    // The data formats read back to the very names.
    let ran = rehearse(&dir, &["run", SCENARIO_FILE, "--format", "json"], &[]);
    let report: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert!(report["personas"]["@org/team vip\n::error::newline"].is_object());
    assert_eq!(report["flow"]["version"], "##[set-output name=v]1");
}

#[test]
fn check_results_summary_junit_and_pages_carry_no_command() {
    let dir = files("check", &[]);
    let summary = dir.join("summary.md");
    let ran = rehearse(
        &dir,
        &["check", SCENARIO_FILE, "--junit", "-"],
        &[("GITHUB_STEP_SUMMARY", &summary)],
    );
    assert_eq!(ran.code, Some(1), "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("<testsuites"), "{}", ran.stdout);
    assert_log_safe("check --junit -", &ran.stdout);
    assert_log_safe("check (stderr)", &ran.stderr);
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert_log_safe("the step summary", &summary);
    assert!(mentions(&summary).is_empty(), "{:?}", mentions(&summary));
    let ran = rehearse(&dir, &["check", SCENARIO_FILE, "--html", "-"], &[]);
    assert_log_safe("check --html -", &ran.stdout);
    assert_log_safe("check", &ran.stderr);
}

#[test]
fn compare_in_every_format_carries_no_command() {
    let dir = files("compare", &[]);
    for format in ["text", "markdown", "yaml", "json", "html"] {
        let ran = rehearse(
            &dir,
            &[
                "compare",
                SCENARIO_FILE,
                "--flow",
                FLOW_FILE,
                "--format",
                format,
            ],
            &[],
        );
        assert_eq!(ran.code, Some(0), "{format}: {}", ran.stderr);
        assert_log_safe(&format!("compare --format {format}"), &ran.stdout);
        assert_log_safe(&format!("compare --format {format} (stderr)"), &ran.stderr);
        if format == "markdown" {
            assert!(
                mentions(&ran.stdout).is_empty(),
                "{:?}",
                mentions(&ran.stdout)
            );
        }
    }
}

#[test]
fn markdown_reports_mention_nobody() {
    let dir = files("mentions", &[]);
    let ran = rehearse(
        &dir,
        &[
            "run",
            SCENARIO_FILE,
            "--format",
            "markdown",
            "--transcripts",
            "6",
        ],
        &[],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.contains("@<!-- -->org/team"), "{}", ran.stdout);
    assert!(
        mentions(&ran.stdout).is_empty(),
        "{:?}",
        mentions(&ran.stdout)
    );
}

/// A flow with one finding per node, each naming a node that is a command.
fn flawed_flow(findings: usize) -> String {
    let mut flow = String::from("flow: \"::error::flawed\"\nstart: a0\nnodes:\n");
    for i in 0..findings {
        flow.push_str(&format!(
            "  a{i}:\n    say: x\n    next: \"::error file=README.md,line=1::ghost{i} ##[error]g\"\n"
        ));
    }
    flow
}

#[test]
fn lint_in_every_format_carries_no_command_beyond_its_own_annotations() {
    let flawed = flawed_flow(14);
    let dir = files(
        "lint",
        &[("::warning::flawed ##[error].yaml", flawed.as_str())],
    );
    for format in ["text", "json", "sarif"] {
        let ran = rehearse(&dir, &["lint", ".", "--format", format], &[]);
        assert_eq!(ran.code, Some(1), "{format}: {}{}", ran.stdout, ran.stderr);
        assert!(ran.stdout.contains("ghost13"), "{format}: {}", ran.stdout);
        assert_log_safe(&format!("lint --format {format}"), &ran.stdout);
        assert_log_safe(&format!("lint --format {format} (stderr)"), &ran.stderr);
    }
    let ran = rehearse(&dir, &["lint", ".", "--format", "github"], &[]);
    assert_eq!(ran.code, Some(1), "{}{}", ran.stdout, ran.stderr);
    assert_log_safe("lint --format github (stderr)", &ran.stderr);
    let (mut annotations, mut plain) = (0, 0);
    for line in log_lines(&ran.stdout) {
        let Some(command) = line.strip_prefix("::") else {
            assert!(!line.trim_start().starts_with("::"), "{line}");
            assert!(!line.contains("##["), "{line}");
            plain += usize::from(line.contains("ghost"));
            continue;
        };
        annotations += 1;
        // rehearse's own annotation: a known command, then properties
        // whose values hold no separator, then the message.
        let (head, message) = command.split_once("::").expect("a message");
        let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
        assert!(matches!(name, "error" | "warning" | "notice"), "{line}");
        for property in properties.split(',').filter(|p| !p.is_empty()) {
            let (key, _) = property.split_once('=').expect("key=value");
            assert!(
                matches!(key, "file" | "line" | "col" | "title"),
                "{property} in {line}"
            );
        }
        assert!(!message.contains("##["), "{line}");
        if line.contains("ghost") {
            assert!(
                properties.contains("file=%3A%3Awarning%3A%3Aflawed ##[error].yaml"),
                "the file name is one property value: {line}"
            );
        }
    }
    assert!(annotations > 10, "{}", ran.stdout);
    // Past GitHub's ten annotations, findings are plain lines.
    assert!(plain >= 4, "{}", ran.stdout);
}

#[test]
fn errors_on_stderr_carry_no_command() {
    let unknown = scenario().replace(
        "\"::error file=README.md,line=1::owned\": 0.6",
        "\"::error file=README.md,line=1::unknown ##[error]p\": 0.6",
    );
    let dir = files("errors", &[("unknown.yaml", unknown.as_str())]);
    for args in [
        &["run", "unknown.yaml"][..],
        &["run", "::error::missing ##[error].yaml"],
        &["check", "unknown.yaml"],
        &["lint", "unknown.yaml"],
    ] {
        let ran = rehearse(&dir, args, &[]);
        // `lint` finds an error (1); the others refuse the input (2).
        let refused = if args[0] == "lint" { 1 } else { 2 };
        assert_eq!(
            ran.code,
            Some(refused),
            "{args:?}: {}{}",
            ran.stdout,
            ran.stderr
        );
        assert_log_safe(&format!("{args:?}"), &ran.stdout);
        assert_log_safe(&format!("{args:?} (stderr)"), &ran.stderr);
    }
}

#[test]
fn sarif_and_json_show_invisible_characters_escaped_in_messages() {
    // Issue 19, minor item: a right-to-left override reached the messages
    // people read in code scanning and editors as it was.
    let flow = "flow: bidi\nstart: a\nnodes:\n  a:\n    say: x\n    next: \"exe\\u202Egnp.txt\"\n";
    let file = "bidi\u{202e}flow.yaml";
    let dir = common::write_files("hostile-logs-bidi", &[(file, flow)]);
    for format in ["json", "sarif"] {
        let ran = rehearse(&dir, &["lint", ".", "--format", format], &[]);
        assert_eq!(ran.code, Some(1), "{format}: {}{}", ran.stdout, ran.stderr);
        assert_log_safe(&format!("lint --format {format}"), &ran.stdout);
        let document: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
        let (message, file_field) = if format == "json" {
            let finding = &document[0];
            (finding["message"].clone(), finding["file"].clone())
        } else {
            let result = &document["runs"][0]["results"][0];
            (
                result["message"]["text"].clone(),
                result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone(),
            )
        };
        let message = message.as_str().unwrap();
        assert!(message.contains(r"exe\u{202e}gnp.txt"), "{message}");
        assert!(!message.contains('\u{202e}'), "{message}");
        // The file stays an identifier: the path as it is (JSON), or a URI
        // reference (SARIF).
        let file_field = file_field.as_str().unwrap();
        if format == "json" {
            assert_eq!(file_field, format!("./{file}"));
        } else {
            assert_eq!(file_field, "bidi%E2%80%AEflow.yaml");
        }
    }
}

#[test]
fn csat_scores_have_the_same_keys_in_yaml_and_json() {
    let dir = files("scores", &[]);
    let yaml = rehearse(&dir, &["run", SCENARIO_FILE, "--format", "yaml"], &[]);
    let json = rehearse(&dir, &["run", SCENARIO_FILE, "--format", "json"], &[]);
    assert_eq!((yaml.code, json.code), (Some(0), Some(0)));
    let yaml: yaml_serde::Value = yaml_serde::from_str(&yaml.stdout).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let yaml_keys: Vec<yaml_serde::Value> = yaml["csat"]["scores"]
        .as_mapping()
        .expect("scores by key")
        .keys()
        .cloned()
        .collect();
    let json_keys: Vec<yaml_serde::Value> = json["csat"]["scores"]
        .as_object()
        .expect("scores by key")
        .keys()
        .map(|key| yaml_serde::Value::String(key.clone()))
        .collect();
    assert_eq!(yaml_keys, json_keys);
    assert_eq!(json_keys.len(), 5);
}

#[test]
fn names_with_line_breaks_are_quoted_in_snapshots() {
    let dir = files("snapshots", &[]);
    std::fs::create_dir(dir.join("snapshots")).unwrap();
    let ran = rehearse(&dir, &["check", SCENARIO_FILE], &[]);
    assert_eq!(ran.code, Some(1), "{}{}", ran.stdout, ran.stderr);
    let pending: Vec<PathBuf> = std::fs::read_dir(dir.join("snapshots"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(pending.len(), 1, "{pending:?}");
    let snapshot = std::fs::read_to_string(&pending[0]).unwrap();
    assert_log_safe("the pending snapshot", &snapshot);
    // The persona's name is one quoted key on one line.
    assert!(
        snapshot.contains("  \"@org/team vip\\n::error::newline\":\n"),
        "{snapshot}"
    );
    // Approved, it reads back as the same report.
    let ran = rehearse(&dir, &["check", SCENARIO_FILE, "--accept"], &[]);
    assert!(
        ran.stdout.contains("created"),
        "{}{}",
        ran.stdout,
        ran.stderr
    );
    let ran = rehearse(&dir, &["check", SCENARIO_FILE], &[]);
    assert!(
        ran.stdout.contains("pass          snapshot"),
        "{}{}",
        ran.stdout,
        ran.stderr
    );
}
