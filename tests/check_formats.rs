//! Output that CI systems read: JUnit XML from `check --junit`, checked
//! against the rules of the JUnit schema CI servers use; SARIF from `lint
//! --format sarif`, validated against the published schema; GitHub
//! annotations from `lint --format github`, capped as GitHub caps them.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rehearse::diagnostic::{Diagnostic, PER_STEP, Rule, Severity, render_github};
use rehearse::{KeyPath, Location};

// --- JUnit -------------------------------------------------------------------

/// What `junit-10.xsd` (Jenkins' xUnit plugin; GitLab reads the same shape)
/// requires and allows of each element: (required attributes, other
/// allowed attributes, allowed child elements).
fn junit_rules(
    element: &str,
) -> Option<(
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
)> {
    Some(match element {
        "testsuites" => (
            &[],
            &["name", "time", "tests", "failures", "errors"],
            &["testsuite"],
        ),
        "testsuite" => (
            &["name", "tests", "failures", "errors"],
            &[
                "group",
                "time",
                "skipped",
                "timestamp",
                "hostname",
                "id",
                "package",
                "file",
                "log",
                "url",
            ],
            &[
                "testsuite",
                "properties",
                "testcase",
                "system-out",
                "system-err",
            ],
        ),
        "properties" => (&[], &[], &["property"]),
        "property" => (&["name", "value"], &[], &[]),
        "testcase" => (
            &["name"],
            &["time", "classname", "group"],
            &[
                "skipped",
                "error",
                "failure",
                "rerunFailure",
                "rerunError",
                "flakyFailure",
                "flakyError",
                "system-out",
                "system-err",
            ],
        ),
        "failure" | "error" | "skipped" => (&[], &["type", "message"], &[]),
        "system-out" | "system-err" => (&[], &[], &[]),
        _ => return None,
    })
}

/// Checks a JUnit XML document against the schema's rules and the
/// consistency CI servers assume: counts that match the test cases, and
/// unique test names. Returns every violation.
fn junit_violations(xml: &str) -> Vec<String> {
    let document = match roxmltree::Document::parse(xml) {
        Ok(document) => document,
        Err(error) => return vec![format!("not well-formed XML: {error}")],
    };
    let mut problems = Vec::new();
    let time = regex::Regex::new(r"^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$").unwrap();
    let root = document.root_element();
    if root.tag_name().name() != "testsuites" {
        problems.push(format!(
            "the root is <{}>, not <testsuites>",
            root.tag_name().name()
        ));
    }
    for node in root.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        let Some((required, allowed, children)) = junit_rules(name) else {
            problems.push(format!("<{name}> is not a JUnit element"));
            continue;
        };
        for attribute in required {
            if node.attribute(*attribute).is_none() {
                problems.push(format!("<{name}> lacks `{attribute}`"));
            }
        }
        for attribute in node.attributes() {
            if !required.contains(&attribute.name()) && !allowed.contains(&attribute.name()) {
                problems.push(format!(
                    "<{name}> has `{}`, which the schema does not allow",
                    attribute.name()
                ));
            }
        }
        if let Some(value) = node.attribute("time").filter(|value| !time.is_match(value)) {
            problems.push(format!("<{name}> time `{value}` is not a SUREFIRE_TIME"));
        }
        for child in node.children().filter(|c| c.is_element()) {
            if !children.contains(&child.tag_name().name()) {
                problems.push(format!(
                    "<{name}> may not contain <{}>",
                    child.tag_name().name()
                ));
            }
        }
        if name == "testsuite" {
            let cases: Vec<_> = node
                .children()
                .filter(|c| c.has_tag_name("testcase"))
                .collect();
            let count = |outcome: &str| {
                cases
                    .iter()
                    .filter(|case| case.children().any(|c| c.has_tag_name(outcome)))
                    .count()
                    .to_string()
            };
            for (attribute, expected) in [
                ("tests", cases.len().to_string()),
                ("failures", count("failure")),
                ("errors", count("error")),
                ("skipped", count("skipped")),
            ] {
                if node
                    .attribute(attribute)
                    .is_some_and(|value| value != expected)
                {
                    problems.push(format!(
                        "suite {:?}: {attribute} says {:?}, the cases say {expected}",
                        node.attribute("name"),
                        node.attribute(attribute)
                    ));
                }
            }
            let mut names = HashSet::new();
            for case in cases {
                let key = (case.attribute("classname"), case.attribute("name"));
                if !names.insert(key) {
                    problems.push(format!("test {key:?} appears twice"));
                }
            }
        }
    }
    let suites: Vec<_> = root
        .children()
        .filter(|c| c.has_tag_name("testsuite"))
        .collect();
    let total = |attribute: &str| {
        suites
            .iter()
            .map(|s| {
                s.attribute(attribute)
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0)
            })
            .sum::<usize>()
            .to_string()
    };
    for attribute in ["tests", "failures", "errors"] {
        if root
            .attribute(attribute)
            .is_some_and(|value| value != total(attribute))
        {
            problems.push(format!("<testsuites> {attribute} does not add up"));
        }
    }
    let mut suite_names = HashSet::new();
    for suite in suites {
        if !suite_names.insert(suite.attribute("name")) {
            problems.push(format!("suite {:?} appears twice", suite.attribute("name")));
        }
    }
    problems
}

#[test]
fn the_junit_validator_catches_what_ci_servers_reject() {
    let bad = r#"<testsuites tests="2"><testsuite name="a" tests="2" failures="0" errors="0">
        <testcase name="x" file="f"/><testcase name="x"><failure message="m"><b/></failure></testcase>
        <testcase/></testsuite><testsuite tests="1" failures="0" errors="0" time="1s"/></testsuites>"#;
    let problems = junit_violations(bad).join("\n");
    for expected in [
        "<testcase> has `file`",
        "<failure> may not contain <b>",
        "<b> is not a JUnit element",
        "<testcase> lacks `name`",
        "failures says",
        "appears twice",
        "<testsuite> lacks `name`",
        "is not a SUREFIRE_TIME",
        "tests does not add up",
    ] {
        assert!(
            problems.contains(expected),
            "missed {expected:?} in:\n{problems}"
        );
    }
    assert!(!junit_violations("<testsuites").is_empty());
}

const FLOW: &str = r#"flow: formats
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
  - name: "talker <&> \"quoted\""
    goals: [{want: talk, taps: ["Talk"]}]
    behaviour: {read: {fixed: 5s}, patience: {queue: {fixed: 1m}}}
"#;

/// Pass, fail, inconclusive and a snapshot that is missing: every kind of
/// test case, with names that need escaping.
const SCENARIO: &str = r#"scenario: "formats & <friends>"
flow: flow.yaml
personas: [personas.yaml]
seed: 3
duration: 1h
replications: 4
arrivals: {poisson: {per_hour: 30}}
agents: {support: {count: 1, handle_time: {fixed: 3m}}}
expect:
  self_resolution: ">= 0.1"
  abandonment: "<= 0.01"
  escalation: "<= 0.3 at 95%"
  "personas.talker <&> \"quoted\".abandonment": "<= 1"
"#;

fn bot(name: &str) -> PathBuf {
    let dir = common::write_files(name, &[]);
    std::fs::create_dir_all(dir.join("scenarios/bot")).unwrap();
    for (file, text) in [
        ("flow.yaml", FLOW),
        ("personas.yaml", PERSONAS),
        ("busy.yaml", SCENARIO),
    ] {
        std::fs::write(dir.join("scenarios/bot").join(file), text).unwrap();
    }
    dir
}

#[test]
fn junit_output_satisfies_the_schema_ci_servers_read() {
    let dir = bot("check-junit");
    let output = common::rehearse_in(&dir, &["check", "--junit", "report.xml"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let xml = std::fs::read_to_string(dir.join("report.xml")).unwrap();
    let problems = junit_violations(&xml);
    assert!(problems.is_empty(), "{}\n{xml}", problems.join("\n"));

    let document = roxmltree::Document::parse(&xml).unwrap();
    let suite = document
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("name"), Some("bot-busy"));
    assert_eq!(suite.attribute("file"), Some("scenarios/bot/busy.yaml"));
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let names: Vec<&str> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
    assert_eq!(
        names,
        [
            "self_resolution >= 10%",
            "abandonment <= 1%",
            "escalation <= 30% at 95%",
            "personas.talker <&> \"quoted\".abandonment <= 100%",
            "snapshot"
        ]
    );
    let failure = |i: usize| cases[i].children().find(|c| c.has_tag_name("failure"));
    assert!(failure(0).is_none());
    // A failure carries the numbers and where the expectation is written.
    let failed = failure(1).unwrap();
    assert_eq!(failed.attribute("type"), Some("expectation"));
    assert!(
        failed
            .attribute("message")
            .unwrap()
            .contains("which is not <= 1%")
    );
    let body = failed.text().unwrap();
    assert!(
        body.contains("95% interval") && body.contains("4 replications"),
        "{body}"
    );
    assert!(body.contains("scenarios/bot/busy.yaml:11:3"), "{body}");
    let snapshot = failure(4).unwrap();
    assert_eq!(snapshot.attribute("type"), Some("snapshot"));
    assert!(
        snapshot
            .attribute("message")
            .unwrap()
            .contains("does not exist")
    );
}

// --- SARIF -------------------------------------------------------------------

fn sarif_schema() -> serde_json::Value {
    let text =
        std::fs::read_to_string(common::root().join("tests/schemas/sarif-schema-2.1.0.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn assert_valid_sarif(log: &serde_json::Value) {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&sarif_schema())
        .expect("the vendored schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // Beyond the schema: what GitHub's code scanning needs.
    for result in log["runs"][0]["results"].as_array().unwrap() {
        for location in result["locations"].as_array().unwrap() {
            let region = &location["physicalLocation"]["region"];
            if !region.is_null() {
                assert!(
                    region["startLine"].as_u64().is_some_and(|line| line >= 1),
                    "{region}"
                );
            }
        }
        assert!(matches!(
            result["level"].as_str(),
            Some("error" | "warning")
        ));
    }
}

#[test]
fn the_schema_check_rejects_what_the_spec_forbids() {
    let validator = jsonschema::options().build(&sarif_schema()).unwrap();
    for bad in [
        serde_json::json!({"version": "2.1.0"}),
        serde_json::json!({"version": "2.0.0", "runs": []}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}),
    ] {
        assert!(!validator.is_valid(&bad), "accepted {bad}");
    }
}

#[test]
fn sarif_output_is_valid_with_stable_rule_ids_and_relative_paths() {
    let output = common::rehearse_in(common::root(), &["lint", "--format", "sarif", "tests/lint"]);
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid_sarif(&log);

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    let codes: Vec<&str> = Rule::ALL.iter().map(|rule| rule.code()).collect();
    assert_eq!(
        ids, codes,
        "rule ids are the lint codes, in catalogue order"
    );
    let results = run["results"].as_array().unwrap();
    // Every fixture directory is named after the rule it breaks, and is
    // reported under that rule, at a path relative to the repository.
    for fixture in std::fs::read_dir(common::root().join("tests/lint")).unwrap() {
        let name = fixture.unwrap().file_name().to_string_lossy().into_owned();
        let code = &name[..3];
        assert!(
            results.iter().any(|result| {
                let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap();
                result["ruleId"] == code && uri.starts_with(&format!("tests/lint/{name}/"))
            }),
            "no {code} result in tests/lint/{name}"
        );
    }
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        assert!(!artifact["uri"].as_str().unwrap().starts_with(['/', '.']));
    }
}

#[test]
fn sarif_of_no_findings_is_valid_too() {
    let output = common::rehearse_in(
        common::root(),
        &["lint", "--format", "sarif", "scenarios/shop"],
    );
    assert!(output.status.success());
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
}

// --- GitHub annotations -------------------------------------------------------

fn finding(severity: Severity, line: usize) -> Diagnostic {
    Diagnostic {
        file: PathBuf::from("/repo/scenarios/bot/flow.yaml"),
        location: Some(Location { line, column: 3 }),
        severity,
        rule: if severity == Severity::Error {
            Rule::UnknownNode
        } else {
            Rule::UnreachableNode
        },
        message: format!("finding on line {line}, 100% real: yes, really"),
        path: KeyPath::root().key("nodes").key(format!("n{line}")),
        help: Some("fix it".into()),
        source_line: None,
    }
}

#[test]
fn annotations_are_capped_as_github_caps_them_most_severe_first() {
    // Warnings first in the input, to see errors come first anyway.
    let mut diagnostics: Vec<Diagnostic> = (1..=12)
        .map(|line| finding(Severity::Warning, line))
        .collect();
    diagnostics.extend((20..35).map(|line| finding(Severity::Error, line)));
    let output = render_github(&diagnostics, Path::new("/repo"));
    let lines: Vec<&str> = output.lines().collect();
    let errors = lines.iter().filter(|l| l.starts_with("::error ")).count();
    let warnings = lines.iter().filter(|l| l.starts_with("::warning ")).count();
    assert_eq!((errors, warnings), (PER_STEP, PER_STEP));
    assert!(
        lines[..PER_STEP].iter().all(|l| l.starts_with("::error ")),
        "{output}"
    );
    assert_eq!(
        lines[0],
        "::error file=scenarios/bot/flow.yaml,line=20,col=3,title=F01 unknown-node::finding on line 20, 100%25 real: yes, really (at `nodes.n20`)%0Ahelp: fix it"
    );
    let notice = lines.iter().find(|l| l.starts_with("::notice")).unwrap();
    assert!(
        notice.contains("5 more errors and 2 more warnings were left out"),
        "{notice}"
    );
    // The left-out findings still reach the log, as plain lines.
    assert!(output.contains("scenarios/bot/flow.yaml:34:3 error[F01]: finding on line 34"));
    assert!(output.contains("scenarios/bot/flow.yaml:12:3 warning[F02]"));

    let few = render_github(&diagnostics[..3], Path::new("/repo"));
    assert_eq!(few.lines().count(), 3);
    assert!(!few.contains("::notice"));
}

#[test]
fn lint_prints_annotations_through_the_binary() {
    let output = common::rehearse_in(
        common::root(),
        &["lint", "--format", "github", "tests/lint"],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let errors = text.lines().filter(|l| l.starts_with("::error ")).count();
    let warnings = text.lines().filter(|l| l.starts_with("::warning ")).count();
    assert_eq!(errors, PER_STEP, "{text}");
    assert!((1..=PER_STEP).contains(&warnings), "{text}");
    assert!(text.contains("::error file=tests/lint/"), "{text}");
    assert!(text.contains("more errors"), "{text}");
}
