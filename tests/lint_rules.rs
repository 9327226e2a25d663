//! One minimal bad fixture per lint rule, under `tests/lint/<code>-<name>/`.
//! Each is linted by the real binary and its diagnostics are snapshot-tested
//! (`tests/snapshots/lint-<code>-<name>.snap`); the output must name the
//! fixture's rule. Every rule in the catalogue must have a fixture.

mod common;

use std::path::Path;

use rehearse::diagnostic::Rule;

/// Runs `rehearse lint` on the YAML files of `dir` (by file name, from
/// inside `dir`, so paths in the output are short and stable).
fn lint(dir: &Path) -> (i32, String) {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    files.sort();
    let args: Vec<&str> = std::iter::once("lint")
        .chain(files.iter().map(String::as_str))
        .collect();
    let output = common::rehearse_in(dir, &args);
    let mut text = String::from_utf8(output.stdout).unwrap();
    text.push_str(&String::from_utf8(output.stderr).unwrap());
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn every_rule_has_a_fixture_that_triggers_it() {
    let fixtures = common::root().join("tests/lint");
    let missing: Vec<String> = Rule::ALL
        .iter()
        .map(|rule| format!("{}-{}", rule.code(), rule.name()))
        .filter(|name| !fixtures.join(name).is_dir())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a fixture under tests/lint/: {missing:?}"
    );

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(common::root().join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        // Every fixture has a flow; `glob!` checks them all before failing.
        insta::glob!("lint", "*/flow.yaml", |flow| {
            let dir = flow.parent().unwrap();
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let code = name.split('-').next().unwrap();
            let (exit, output) = lint(dir);
            assert!(
                output.contains(&format!("[{code}]")),
                "{name} does not trigger its rule:\n{output}"
            );
            // Errors fail the lint (1); warnings alone do not (0).
            let expected = if output.contains("error[") { 1 } else { 0 };
            assert_eq!(exit, expected, "{name}:\n{output}");
            let mut plain = insta::Settings::clone_current();
            plain.remove_snapshot_suffix();
            plain.remove_input_file();
            plain.bind(|| {
                insta::assert_snapshot!(
                    format!("lint-{name}"),
                    format!("exit code: {exit}\n\n{output}")
                )
            });
        });
    });
}

#[test]
fn the_bundled_examples_lint_clean() {
    let output = common::rehearse_in(common::root(), &["lint", "scenarios", "--deny", "warnings"]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "no problems found\n"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn deny_warnings_turns_warnings_into_errors() {
    let dir = common::root().join("tests/lint/F02-unreachable-node");
    let output = common::rehearse_in(&dir, &["lint", ".", "--deny", "warnings"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("error[F02]"));
}

#[test]
fn json_output_is_one_object_per_finding() {
    let dir = common::root().join("tests/lint/F01-unknown-node");
    let output = common::rehearse_in(&dir, &["lint", "flow.yaml", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &findings[0];
    assert_eq!(first["code"], "F01");
    assert_eq!(first["rule"], "unknown-node");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "flow.yaml");
    assert!(first["line"].as_u64().unwrap() > 0 && first["column"].as_u64().unwrap() > 0);
}

#[test]
fn a_file_that_does_not_parse_exits_2() {
    let dir = common::write_files(
        "lint-unparsable",
        &[("flow.yaml", "flow: x\nnodes: [unclosed\n")],
    );
    let output = common::rehearse_in(&dir, &["lint", "flow.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: flow.yaml:"));
}
