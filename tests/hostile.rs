//! Hostile and careless input (issue 7): whatever a pull request puts in a
//! scenario, rehearse answers in bounded time and memory, with a message
//! that says where the problem is and what to write, and never echoes more
//! of a file than one cut line, nor a file that is not one of ours.
//!
//! Every test runs the real binary under a deadline: a regression that
//! hangs (a FIFO read to its end, a symlink loop, a quadratic check) kills
//! the process and fails the test instead of hanging CI.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::bounded::{DEADLINE, Ran, run_bounded, run_command};

/// The small valid bot every hostile test starts from.
use common::bounded::FLOW;

const PERSONAS: &str = r#"personas:
  - name: returner
    goals:
      - want: return a parcel
        taps: ["Returns"]
    behaviour:
      drop_per_turn: 0.02
  - name: caller
    goals:
      - want: a person
        taps: ["Talk to us"]
"#;

const SCENARIO: &str = r#"scenario: demo
flow: flow.yaml
personas: [personas.yaml]
mix: {returner: 0.5, caller: 0.5}
duration: 100m
replications: 2
arrivals: {poisson: {per_hour: 60}}
agents:
  support: {count: 2, handle_time: {fixed: 5m}}
"#;

fn bounded(dir: &Path, args: &[&str]) -> Ran {
    common::bounded::bounded(dir, args, &[])
}

fn bounded_with(dir: &Path, args: &[&str], env: &[(&str, &str)], deadline: Duration) -> Ran {
    run_bounded(dir, args, env, deadline, None)
}

/// A fresh directory with the valid files, `replaced` swapped in.
fn files(name: &str, replaced: &[(&str, &str)]) -> PathBuf {
    let mut all = vec![
        ("flow.yaml", FLOW),
        ("personas.yaml", PERSONAS),
        ("scenario.yaml", SCENARIO),
    ];
    all.retain(|(file, _)| !replaced.iter().any(|(other, _)| other == file));
    all.extend_from_slice(replaced);
    common::write_files(&format!("hostile-{name}"), &all)
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// No Rust type names, serde or parser wording, in any message.
fn assert_no_jargon(text: &str) {
    for jargon in [
        "expected struct",
        "expected enum",
        "expected f64",
        "expected u64",
        "expected u32",
        "expected usize",
        "Spec",
        "cannot start any token",
        "found character",
        "invalid type",
        "like NaN",
        "while scanning",
        "while parsing",
        "ScanError",
        "panicked",
    ] {
        assert!(!text.contains(jargon), "`{jargon}` in:\n{text}");
    }
}

// ---------------------------------------------------------------------------
// Item 1: only regular files, with a size limit

#[test]
fn a_fifo_named_as_the_flow_is_refused_not_read() {
    let dir = files("fifo-flow", &[]);
    mkfifo(&dir.join("pipe.yaml"));
    std::fs::write(
        dir.join("scenario.yaml"),
        SCENARIO.replace("flow: flow.yaml", "flow: pipe.yaml"),
    )
    .unwrap();
    for command in ["run", "lint"] {
        let ran = bounded(&dir, &[command, "scenario.yaml"]);
        assert_eq!(ran.code, Some(2), "{command}: {}", ran.both());
        assert!(
            ran.stderr.contains("scenario.yaml:2:7: at `flow`")
                && ran.stderr.contains("pipe.yaml")
                && ran.stderr.contains("not a regular file"),
            "{command}: {}",
            ran.stderr
        );
    }
}

#[test]
fn a_fifo_in_a_directory_is_skipped_with_a_note() {
    let dir = files("fifo-dir", &[]);
    mkfifo(&dir.join("waiting.yaml"));
    let ran = bounded(&dir, &["run", "."]);
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    assert!(
        ran.stderr
            .contains("skipped ./waiting.yaml: not a regular file")
    );
    assert!(ran.stdout.contains("demo"));
    let ran = bounded(&dir, &["lint", "."]);
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    assert!(
        ran.stderr
            .contains("skipped ./waiting.yaml: not a regular file")
    );
    // Named on the command line, it is refused, not read.
    let ran = bounded(&dir, &["lint", "waiting.yaml"]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(ran.stderr.contains("not a regular file"), "{}", ran.stderr);
}

#[test]
fn dev_zero_is_refused_as_a_flow_and_as_a_lint_argument() {
    let dir = files(
        "dev-zero",
        &[(
            "scenario.yaml",
            &SCENARIO.replace("flow: flow.yaml", "flow: /dev/zero"),
        )],
    );
    let ran = bounded(&dir, &["run", "scenario.yaml"]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(
        ran.stderr.contains("at `flow`") && ran.stderr.contains("not a regular file"),
        "{}",
        ran.stderr
    );
    let ran = bounded(&dir, &["lint", "/dev/zero"]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(
        ran.stderr.contains("/dev/zero") && ran.stderr.contains("not a regular file"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_until_the_limit_is_raised() {
    // A valid flow padded with a comment to just over 8 MiB.
    let padding = format!("# {}\n", "x".repeat(8 * 1024 * 1024));
    let big = format!("{FLOW}{padding}");
    let dir = files("size-limit", &[("flow.yaml", &big)]);
    for command in ["run", "lint"] {
        let ran = bounded(&dir, &[command, "scenario.yaml"]);
        assert_eq!(ran.code, Some(2), "{command}: {}", ran.both());
        assert!(
            ran.stderr.contains("flow.yaml")
                && ran.stderr.contains("larger than 8388608 bytes")
                && ran.stderr.contains("--max-file-size"),
            "{command}: {}",
            ran.stderr
        );
    }
    let ran = bounded(
        &dir,
        &["run", "--max-file-size", "20000000", "scenario.yaml"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    let ran = bounded(
        &dir,
        &["lint", "--max-file-size", "20000000", "scenario.yaml"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    // A lower limit applies to every file, the scenario too.
    let ran = bounded(&dir, &["lint", "--max-file-size", "100", "scenario.yaml"]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(
        ran.stderr.contains("larger than 100 bytes"),
        "{}",
        ran.stderr
    );
}

// ---------------------------------------------------------------------------
// Item 2: directory symlinks are not followed; a file is reported once

#[test]
fn a_link_to_its_own_directory_gives_each_report_once() {
    let dir = files("self-link", &[]);
    symlink(".", &dir.join("self"));
    let ran = bounded(&dir, &["run", "--format", "json", "."]);
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    assert_eq!(ran.stdout.matches("\"scenario\": \"demo\"").count(), 1);
    assert!(ran.stderr.contains("a link to a directory: not followed"));
}

#[test]
fn two_links_to_their_directory_finish_with_each_file_once() {
    let broken = FLOW.replace("next: done", "next: gone");
    let dir = files("two-links", &[("flow.yaml", &broken)]);
    symlink(".", &dir.join("a"));
    symlink("..", &dir.join("b"));
    let ran = bounded(&dir, &["lint", "."]);
    assert_eq!(ran.code, Some(1), "{}", ran.both());
    assert_eq!(
        ran.stdout.matches("no node is called `gone`").count(),
        1,
        "{}",
        ran.stdout
    );
    let ran = bounded(&dir, &["run", "--format", "json", "."]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert_eq!(ran.stderr.matches("no node is called `gone`").count(), 1);
}

#[test]
fn a_file_named_twice_or_by_a_link_is_linted_once() {
    let broken = FLOW.replace("next: done", "next: gone");
    let dir = files("file-link", &[("flow.yaml", &broken)]);
    symlink("flow.yaml", &dir.join("again.yaml"));
    let ran = bounded(&dir, &["lint", ".", "flow.yaml", "./flow.yaml"]);
    assert_eq!(ran.code, Some(1), "{}", ran.both());
    assert_eq!(
        ran.stdout.matches("no node is called `gone`").count(),
        1,
        "{}",
        ran.stdout
    );
}

// ---------------------------------------------------------------------------
// Item 7: one loader, one verdict

/// `run` and `lint` both refuse the input, each saying `expected`: a file
/// that cannot be read gives both the same one-line error and exit 2; a
/// file with findings makes `run` refuse (exit 2) and `lint` fail (exit 1)
/// with the same diagnostics.
fn same_verdict(name: &str, replaced: &[(&str, &str)], expected: &[&str]) -> String {
    let dir = files(name, replaced);
    let run = bounded(&dir, &["run", "scenario.yaml"]);
    let lint = bounded(&dir, &["lint", "scenario.yaml"]);
    assert_eq!(run.code, Some(2), "run: {}", run.both());
    match lint.code {
        Some(2) => assert_eq!(run.stderr, lint.stderr),
        Some(1) => assert!(
            run.stderr.starts_with(
                lint.stdout
                    .trim_end()
                    .rsplit_once("\n\n")
                    .map_or("", |(findings, _)| findings)
            ),
            "run:\n{}\nlint:\n{}",
            run.stderr,
            lint.stdout
        ),
        other => panic!("lint exits {other:?}: {}", lint.both()),
    }
    for part in expected {
        assert!(run.stderr.contains(part), "`{part}` in: {}", run.stderr);
        assert!(lint.both().contains(part), "`{part}` in: {}", lint.both());
    }
    assert_no_jargon(&run.both());
    assert_no_jargon(&lint.both());
    run.stderr
}

#[test]
fn a_node_written_twice_is_an_error_naming_both_places() {
    let twice = format!("{FLOW}  welcome:\n    end: resolved\n");
    same_verdict(
        "dup-node",
        &[("flow.yaml", &twice)],
        &[
            "flow.yaml:18:3:",
            "`welcome` is written twice",
            "first at line 4",
        ],
    );
}

#[test]
fn a_route_key_written_twice_is_an_error_naming_both_places() {
    let twice = FLOW.replace(
        "      fallback: welcome\n",
        "      fallback: welcome\n      \"Returns\": done\n",
    );
    same_verdict(
        "dup-route",
        &[("flow.yaml", &twice)],
        &[
            "flow.yaml:11:7:",
            "`Returns` is written twice",
            "first at line 8",
        ],
    );
}

#[test]
fn a_mix_entry_written_twice_is_an_error_not_a_wrong_sum() {
    let twice = SCENARIO.replace(
        "mix: {returner: 0.5, caller: 0.5}",
        "mix:\n  returner: 0.5\n  returner: 0.5",
    );
    let message = same_verdict(
        "dup-mix",
        &[("scenario.yaml", &twice)],
        &[
            "scenario.yaml:6:3:",
            "`returner` is written twice",
            "first at line 5",
        ],
    );
    assert!(!message.contains("add up to"), "{message}");
}

#[test]
fn a_duplicate_top_level_key_is_located_at_the_second() {
    let twice = format!("{SCENARIO}seed: 1\nseed: 2\n");
    same_verdict(
        "dup-top",
        &[("scenario.yaml", &twice)],
        &[
            "scenario.yaml:11:1:",
            "`seed` is written twice",
            "first at line 10",
        ],
    );
}

#[test]
fn a_number_beyond_64_bits_gets_the_same_verdict_from_run_and_lint() {
    let huge = SCENARIO.replace(
        "replications: 2",
        "seed: 18446744073709551616\nreplications: 2",
    );
    same_verdict(
        "huge-number",
        &[("scenario.yaml", &huge)],
        &["scenario.yaml:6:7:", "at `seed`", "too large"],
    );
}

// ---------------------------------------------------------------------------
// Items 8 and 10: byte-order marks, indentation, weights

#[test]
fn a_byte_order_mark_is_accepted_in_every_file() {
    let flow = format!("\u{feff}{FLOW}");
    let personas = format!("\u{feff}{PERSONAS}");
    let scenario = format!("\u{feff}{SCENARIO}");
    let dir = files(
        "bom",
        &[
            ("flow.yaml", &flow),
            ("personas.yaml", &personas),
            ("scenario.yaml", &scenario),
        ],
    );
    let ran = bounded(&dir, &["run", "scenario.yaml"]);
    assert_eq!((ran.code, ran.stderr.as_str()), (Some(0), ""));
    let ran = bounded(&dir, &["lint", "."]);
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    // A finding on the first line is located and shown without the mark.
    let flow = format!(
        "\u{feff}{}",
        FLOW.replace("start: welcome", "start: welcom")
    );
    let dir = files("bom-finding", &[("flow.yaml", &flow)]);
    let ran = bounded(&dir, &["lint", "flow.yaml"]);
    assert!(ran.stdout.contains("--> flow.yaml:2:1"), "{}", ran.stdout);
    assert!(!ran.stdout.contains('\u{feff}'), "{}", ran.stdout);
}

#[test]
fn an_indented_first_line_is_explained() {
    let indented: String = FLOW.lines().map(|line| format!("  {line}\n")).collect();
    let indented = indented.replacen("  flow: demo\n", "  flow: demo\nstart: welcome\n", 1);
    let stderr = same_verdict(
        "indented",
        &[("flow.yaml", &indented)],
        &["flow.yaml:", "first line is indented"],
    );
    assert!(!stderr.contains("1:1:"), "{stderr}");
}

#[test]
fn mixture_weights_whose_sum_overflows_are_refused_where_written() {
    let flow = FLOW.replace(
        "start: welcome\n",
        "start: welcome\nlatency:\n  mixture:\n    - {weight: 1e308, fixed: 1s}\n    - {weight: 1e308, fixed: 2s}\n",
    );
    same_verdict(
        "weights",
        &[("flow.yaml", &flow)],
        &[
            "flow.yaml:4:3:",
            "at `latency`",
            "more than a number can hold",
        ],
    );
    let personas = PERSONAS
        .replace(
            "      - want: return a parcel\n",
            "      - want: return a parcel\n        weight: 1e308\n",
        )
        .replace(
            "        taps: [\"Returns\"]\n    behaviour",
            "        taps: [\"Returns\"]\n      - want: again\n        weight: 1e308\n        taps: [\"Returns\"]\n    behaviour",
        );
    let dir = files("goal-weights", &[("personas.yaml", &personas)]);
    let ran = bounded(&dir, &["run", "scenario.yaml"]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(
        ran.stderr.contains("more than a number can hold")
            && ran.stderr.contains("personas.yaml:3:5"),
        "{}",
        ran.stderr
    );
}

// ---------------------------------------------------------------------------
// Item 11: errors at the right place

#[test]
fn a_distribution_error_in_the_flow_latency_points_at_it() {
    let flow = FLOW.replace(
        "start: welcome\n",
        "start: welcome\nlatency: {lognormal: {median: 2s, p90: 1s}}\n",
    );
    same_verdict(
        "latency",
        &[("flow.yaml", &flow)],
        &["flow.yaml:3:10:", "at `latency`", "p90 >= median"],
    );
}

#[test]
fn a_probability_just_above_one_points_at_the_value() {
    let flow = FLOW.replace(
        "  returns_info:\n    say: \"Returns are free for 30 days.\"\n    next: done\n",
        "  returns_info:\n    call: {name: api, fails: 1.0000001}\n    routes: {ok: done, error: handoff}\n",
    );
    same_verdict(
        "fails",
        &[("flow.yaml", &flow)],
        &[
            "flow.yaml:12:30:",
            "at `nodes.returns_info.call.fails`",
            "between 0 and 1",
        ],
    );
}

#[test]
fn a_missing_flow_is_located_at_the_scenario_line_naming_it() {
    let scenario = SCENARIO.replace("flow: flow.yaml", "flow: flw.yaml");
    same_verdict(
        "missing-flow",
        &[("scenario.yaml", &scenario)],
        &["scenario.yaml:2:7: at `flow`: cannot read `flw.yaml`"],
    );
}

#[test]
fn invalid_utf8_is_located() {
    let dir = files("utf8", &[]);
    let mut bytes = FLOW.as_bytes().to_vec();
    let at = FLOW.find("Returns are").unwrap();
    bytes[at] = 0xff;
    std::fs::write(dir.join("flow.yaml"), bytes).unwrap();
    for command in ["run", "lint"] {
        let ran = bounded(&dir, &[command, "scenario.yaml"]);
        assert_eq!(ran.code, Some(2), "{}", ran.both());
        assert!(
            ran.stderr
                .contains("flow.yaml:12:11: the file is not valid UTF-8 text"),
            "{command}: {}",
            ran.stderr
        );
    }
}

#[test]
fn a_second_document_is_located_at_its_marker() {
    let flow = format!("{FLOW}---\nflow: other\n");
    same_verdict(
        "documents",
        &[("flow.yaml", &flow)],
        &["flow.yaml:18:1:", "more than one YAML document"],
    );
}

// ---------------------------------------------------------------------------
// Item 12: say what to write

#[test]
fn messages_say_what_to_write_in_the_users_words() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "percent",
            "flow.yaml",
            "  returns_info:\n    call: {name: api, fails: 50%}\n    routes: {ok: done, error: handoff}\n",
            "write 50% as 0.5",
        ),
        (
            "tab",
            "flow.yaml",
            "  returns_info:\n\tsay: x\n    next: done\n",
            "tab character",
        ),
        (
            "nan",
            "flow.yaml",
            "  returns_info:\n    call: {name: api, fails: .nan}\n    routes: {ok: done, error: handoff}\n",
            "write a plain number like 0.5",
        ),
        (
            "infinity",
            "flow.yaml",
            "  returns_info:\n    call: {name: api, fails: .inf}\n    routes: {ok: done, error: handoff}\n",
            "write a plain number like 0.5",
        ),
        (
            "struct",
            "flow.yaml",
            "  returns_info:\n    call: {name: api, latency: 5}\n    routes: {ok: done, error: handoff}\n",
            "expected a mapping",
        ),
        (
            "float",
            "flow.yaml",
            "  returns_info:\n    call: {name: api, fails: [1]}\n    routes: {ok: done, error: handoff}\n",
            "expected a number, like 0.5",
        ),
        (
            "backtick",
            "flow.yaml",
            "  returns_info:\n    say: `x`\n    next: done\n",
            "a value cannot start with a backquote",
        ),
    ];
    for (name, file, replacement, expected) in cases {
        let flow = FLOW.replace(
            "  returns_info:\n    say: \"Returns are free for 30 days.\"\n    next: done\n",
            replacement,
        );
        same_verdict(name, &[(file, &flow)], &[expected]);
    }
}

// ---------------------------------------------------------------------------
// Item 13: never echo more than one cut line, nor a file that is not ours

#[test]
fn a_huge_line_is_echoed_as_one_cut_line() {
    let long = "word ".repeat(10_000_000);
    let flow = FLOW.replace("Returns are free for 30 days.", &long);
    let dir = files("huge-line", &[("flow.yaml", &flow)]);
    let ran = bounded_with(
        &dir,
        &["lint", "--max-file-size", "100000000", "flow.yaml"],
        &[],
        Duration::from_secs(180),
    );
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert!(ran.stdout.contains("W08"), "{}", ran.stdout);
    assert!(ran.stdout.len() < 2_000, "{} bytes", ran.stdout.len());
    // The same for a long value that is the subject of a message.
    let name = "n".repeat(5_000_000);
    let flow = FLOW.replace("next: done", &format!("next: {name}"));
    let dir = files("huge-name", &[("flow.yaml", &flow)]);
    let ran = bounded_with(
        &dir,
        &["run", "scenario.yaml"],
        &[],
        Duration::from_secs(180),
    );
    assert_eq!(ran.code, Some(2));
    assert!(ran.stderr.contains("F01"), "{}", &ran.stderr[..200]);
    assert!(ran.stderr.len() < 4_000, "{} bytes", ran.stderr.len());
}

#[test]
fn a_file_that_is_not_ours_is_never_quoted() {
    let dir = files("not-ours", &[]);
    std::fs::write(
        dir.join("secret.txt"),
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\npassword: hunter2-is-secret\n",
    )
    .unwrap();
    std::fs::write(dir.join("env.yaml"), "GITHUB_TOKEN: ghp_s3cr3tT0k3nValue\n").unwrap();
    let secrets = [
        "wJalrXUtnFEMI",
        "hunter2",
        "ghp_s3cr3t",
        "root:",
        "/bin/",
        "nologin",
    ];
    for target in [
        "../../../../../../../../etc/passwd",
        "secret.txt",
        "env.yaml",
        "/etc/hostname",
    ] {
        let scenario = SCENARIO.replace("flow: flow.yaml", &format!("flow: {target}"));
        std::fs::write(dir.join("scenario.yaml"), &scenario).unwrap();
        for command in ["run", "lint"] {
            let ran = bounded(&dir, &[command, "scenario.yaml"]);
            assert_eq!(ran.code, Some(2), "{target}: {}", ran.both());
            for secret in secrets {
                assert!(
                    !ran.both().contains(secret),
                    "{command} {target} echoes `{secret}`: {}",
                    ran.both()
                );
            }
            assert_no_jargon(&ran.both());
        }
    }
}

// ---------------------------------------------------------------------------
// Item 14: control characters in names are escaped in everything for people

const EVIL: &str = "evil\\e[31m\\u202Ename";

#[test]
fn control_characters_in_names_are_escaped_in_every_human_readable_output() {
    let flow = FLOW
        .replace("flow: demo", &format!("flow: \"{EVIL}\""))
        .replace("queue: support", &format!("queue: \"{EVIL}\""))
        .replace(
            "  done:\n",
            &format!("  \"{EVIL}\":\n    end: resolved\n  done:\n"),
        );
    let personas = PERSONAS
        .replace("name: returner", &format!("name: \"{EVIL}\""))
        .replace(
            "    goals:\n      - want: a person",
            &format!("    segment: \"{EVIL}\"\n    goals:\n      - want: a person"),
        );
    let scenario = SCENARIO
        .replace("scenario: demo", &format!("scenario: \"{EVIL}\""))
        .replace("{returner: 0.5", &format!("{{\"{EVIL}\": 0.5"))
        .replace("  support:", &format!("  \"{EVIL}\":"));
    let dir = files(
        "control",
        &[
            ("flow.yaml", &flow),
            ("personas.yaml", &personas),
            ("scenario.yaml", &scenario),
        ],
    );
    let raw = |text: &str| text.contains('\x1b') || text.contains('\u{202e}');
    for args in [
        &["run", "scenario.yaml"][..],
        &["run", "--format", "markdown", "scenario.yaml"],
        &["lint", "scenario.yaml"],
        &["lint", "."],
    ] {
        for env in [&[][..], &[("NO_COLOR", "1")]] {
            let ran = bounded_with(&dir, args, env, DEADLINE);
            assert!(matches!(ran.code, Some(0 | 1)), "{args:?}: {}", ran.both());
            assert!(!raw(&ran.both()), "{args:?} {env:?}: {:?}", ran.both());
            assert!(
                ran.both().contains("\\u{1b}") || ran.both().contains("\\u{202e}"),
                "{args:?}: the name is shown escaped: {}",
                ran.both()
            );
        }
    }
    // Errors too: an unknown persona in the mix, a missing node, a file name.
    let broken = scenario.replace(
        &format!("{{\"{EVIL}\": 0.5"),
        &format!("{{\"{EVIL}x\": 0.5"),
    );
    std::fs::write(dir.join("scenario.yaml"), broken).unwrap();
    let ran = bounded(&dir, &["run", "scenario.yaml"]);
    assert_eq!(ran.code, Some(2));
    assert!(!raw(&ran.both()), "{:?}", ran.both());
    std::fs::write(
        dir.join("scenario.yaml"),
        scenario.replace("flow: flow.yaml", "flow: \"fl\\e[2Jow.yaml\""),
    )
    .unwrap();
    let ran = bounded(&dir, &["run", "scenario.yaml"]);
    assert_eq!(ran.code, Some(2));
    assert!(!raw(&ran.both()), "{:?}", ran.both());
}

// ---------------------------------------------------------------------------
// Item 15: a stderr that cannot be written is no reason to panic

/// Many errors: more than a pipe holds, so a closed reader is noticed.
fn many_errors(name: &str) -> PathBuf {
    let mut flow = FLOW.to_string();
    for i in 0..3_000 {
        flow.push_str(&format!("  extra{i}:\n    say: x\n    next: missing{i}\n"));
    }
    files(name, &[("flow.yaml", &flow)])
}

#[test]
fn a_full_stderr_is_not_a_panic() {
    let dir = many_errors("dev-full");
    for args in [
        &["run", "scenario.yaml"][..],
        &["lint", "."],
        &["run", "missing.yaml"],
        &["run", "--no-such-flag"],
    ] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rehearse"));
        command
            .args(args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            );
        let code = run_command(command, DEADLINE, &format!("{args:?} 2>/dev/full")).code;
        assert!(matches!(code, Some(0..=2)), "{args:?}: exit {code:?}");
    }
}

#[test]
fn a_closed_stderr_pipe_is_not_a_panic() {
    let dir = many_errors("head");
    for args in ["run scenario.yaml", "lint .", "lint --format json ."] {
        let mut command = Command::new("bash");
        command
            .arg("-c")
            .arg(format!(
                "\"$0\" {args} 2>&1 | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}"
            ))
            .arg(env!("CARGO_BIN_EXE_rehearse"))
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let code = run_command(command, DEADLINE, &format!("{args} | head -1")).code;
        assert!(matches!(code, Some(1 | 2)), "{args}: exit {code:?}");
    }
}

// ---------------------------------------------------------------------------
// Item 16: nothing to run is an error; --out is written whole or not at all

#[test]
fn run_on_an_empty_directory_says_so_and_exits_2() {
    let dir = common::write_files("hostile-empty", &[]);
    let ran = bounded(&dir, &["run", "."]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.contains("no scenario found in ."),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_failed_run_leaves_an_earlier_report_untouched() {
    let dir = files("out", &[]);
    let ran = bounded(&dir, &["run", "--out", "report.txt", "scenario.yaml"]);
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    let before = std::fs::read_to_string(dir.join("report.txt")).unwrap();
    assert!(before.contains("demo"));
    std::fs::write(
        dir.join("flow.yaml"),
        FLOW.replace("next: done", "next: gone"),
    )
    .unwrap();
    let ran = bounded(&dir, &["run", "--out", "report.txt", "scenario.yaml"]);
    assert_eq!(ran.code, Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.join("report.txt")).unwrap(),
        before
    );
    // An output in a directory that does not exist is refused before the
    // run (exit 2), naming the directory.
    std::fs::write(dir.join("flow.yaml"), FLOW).unwrap();
    let ran = bounded(
        &dir,
        &["run", "--out", "no/such/dir/report.txt", "scenario.yaml"],
    );
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(
        ran.stderr
            .contains("the directory no/such/dir does not exist"),
        "{}",
        ran.both()
    );
    // An output that cannot be written (a name longer than the file system
    // allows) is refused before the run (exit 2), and leaves no temporary
    // file.
    let too_long = format!("{}.txt", "r".repeat(300));
    let ran = bounded(&dir, &["run", "--out", &too_long, "scenario.yaml"]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(ran.stderr.contains("File name too long"), "{}", ran.both());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

// ---------------------------------------------------------------------------
// Items 3, 6 and 9: bounds on what one file can ask for

#[test]
fn settings_beyond_their_bounds_are_refused_where_written() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "replications",
            "replications: 2",
            "replications: 1048577",
            "scenario.yaml:6:1 (at `replications`)",
        ),
        (
            "duration",
            "duration: 100m",
            "duration: 400d",
            "scenario.yaml:5:1 (at `duration`)",
        ),
        (
            "rate",
            "per_hour: 60",
            "per_hour: 100000000",
            "scenario.yaml:7:22 (at `arrivals.poisson.per_hour`)",
        ),
        (
            "handle-time",
            "{fixed: 5m}",
            "{fixed: 1001d}",
            "scenario.yaml:9:44:",
        ),
        (
            "turns",
            "replications: 2",
            "replications: 2\nmax_turns: 4000000000",
            "scenario.yaml:7:1 (at `max_turns`)",
        ),
    ];
    for (name, from, to, at) in cases {
        let scenario = SCENARIO.replace(from, to);
        same_verdict(name, &[("scenario.yaml", &scenario)], &[at]);
    }
    // A customer reading one word a year would push clocks to their limit.
    let personas = PERSONAS.replace(
        "drop_per_turn: 0.02",
        "drop_per_turn: 0.02\n      reading_wpm: 1e-300",
    );
    same_verdict(
        "slow-reader",
        &[("personas.yaml", &personas)],
        &["personas.yaml:8:7", "between 1 and 10000"],
    );
    let dir = files("replications-flag", &[]);
    let ran = bounded(&dir, &["run", "--replications", "1048577", "scenario.yaml"]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
}

#[test]
fn durations_anywhere_are_bounded_with_a_located_message() {
    let flow = FLOW.replace(
        "start: welcome\n",
        "start: welcome\nlatency: {lognormal: {median: 1s, p90: 5000d}}\n",
    );
    same_verdict(
        "long-latency",
        &[("flow.yaml", &flow)],
        &["flow.yaml:3:40:", "at `latency.lognormal.p90`", "1000 days"],
    );
    let personas = PERSONAS.replace(
        "      drop_per_turn: 0.02",
        "      drop_per_turn: 0.02\n      patience: {queue: {exponential: {mean: 99999999999999ms}}}",
    );
    same_verdict(
        "long-patience",
        &[("personas.yaml", &personas)],
        &["personas.yaml:8:46:", "1000 days"],
    );
}

#[test]
fn a_template_that_expands_beyond_its_bound_is_refused_where_written() {
    let answer = "{digits:64}".repeat(20_000);
    let personas = PERSONAS.replace(
        "        taps: [\"Returns\"]\n    behaviour",
        &format!("        taps: [\"Returns\"]\n        answers: {{\"order number\": \"{answer}\"}}\n    behaviour"),
    );
    let stderr = same_verdict(
        "template",
        &[("personas.yaml", &personas)],
        &[
            "personas.yaml:6:35:",
            "at `personas[0].goals[0].answers.order number`",
            "4096 characters",
        ],
    );
    assert!(stderr.len() < 1_000, "{stderr}");
    // Within the bound one by one, but not all together.
    let mut many = String::from("personas:\n");
    for i in 0..300 {
        many.push_str(&format!(
            "  - name: p{i}\n    goals: [{{want: w, taps: [Returns], answers: {{x: \"{}\"}}}}]\n",
            "{digits:64}".repeat(60)
        ));
    }
    let scenario = SCENARIO.replace("mix: {returner: 0.5, caller: 0.5}\n", "");
    same_verdict(
        "templates",
        &[("personas.yaml", &many), ("scenario.yaml", &scenario)],
        &[
            "error[P04]: the answers in this file expand to more than 1000000 characters together",
            "(at `personas[260].goals[0].answers.x`)",
        ],
    );
}

#[test]
fn nesting_and_alias_bombs_are_refused_quickly_where_they_start() {
    let deep = format!("{}{}\n", "[".repeat(100), "]".repeat(100));
    // Each anchor doubles the one before: 2^40 values if expanded.
    let mut bomb = String::from("a0: &a0 [x, x]\n");
    for i in 1..40 {
        bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}]\n", p = i - 1));
    }
    for (name, text, expected) in [
        (
            "deep",
            deep.as_str(),
            "flow.yaml:1:65: values are nested more than 64 levels deep",
        ),
        (
            "bomb",
            bomb.as_str(),
            "more than 2000000 values (counting every copy an alias makes)",
        ),
    ] {
        same_verdict(name, &[("flow.yaml", text)], &[expected]);
    }
}

#[test]
fn many_misspelled_names_are_reported_in_linear_time() {
    // 10,000 personas and a mix naming each one letter off: every entry is
    // an error with a suggestion, found without comparing all with all.
    let mut personas = String::from("personas:\n");
    let mut mix = String::from("mix:\n");
    for i in 0..10_000 {
        personas.push_str(&format!(
            "  - name: buyer{i}\n    goals: [{{want: w, taps: [Returns]}}]\n"
        ));
        mix.push_str(&format!("  buyr{i}: 0.0001\n"));
    }
    let scenario = SCENARIO.replace("mix: {returner: 0.5, caller: 0.5}\n", &mix);
    let dir = files(
        "many-misspelled",
        &[("personas.yaml", &personas), ("scenario.yaml", &scenario)],
    );
    let ran = bounded_with(
        &dir,
        &["lint", "scenario.yaml"],
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert_eq!(ran.stdout.matches("error[S01]").count(), 10_000);
    assert!(
        ran.stdout
            .contains("no persona is called `buyr9999` (did you mean `buyer9999`?)")
    );
    assert!(
        ran.stdout.contains("and 9980 more"),
        "the help lists 20 names"
    );
}

#[test]
fn an_intent_of_a_hundred_thousand_keywords_routed_from_a_node_loads_in_bounded_time() {
    // 120,000 keywords (1.3 MB, within the file limit) once took 49 s of
    // CPU to load: keyword matchers were built in quadratic time.
    let keywords: Vec<String> = (0..120_000).map(|i| format!("\"kw{i}\"")).collect();
    let flow = format!(
        "flow: big\nstart: ask\nintents:\n  big: [{}]\nnodes:\n  ask:\n    say: \"Hi?\"\n    buttons: [\"Yes\", \"No\"]\n    routes: {{\"Yes\": done, \"No\": done, intent big: done}}\n  done:\n    end: resolved\n",
        keywords.join(", ")
    );
    let dir = files("many-keywords", &[("flow.yaml", &flow)]);
    let ran = bounded(&dir, &["lint", "flow.yaml"]);
    assert_eq!(ran.code, Some(0), "{}", ran.both());
}

/// One unclosed `{`: the file does not parse.
const BROKEN: &str = "scenario: {\n";

/// A flow on its own with a finding (F01): proof that lint went on.
const FLAWED_FLOW: &str = "flow: other\nstart: a\nnodes:\n  a:\n    say: hi\n    next: nowhere\n";

#[test]
fn a_scenario_that_does_not_parse_fails_run_check_and_lint_alike() {
    // Issue 19, item 2: skipped with a note, it dropped out of the gate.
    let dir = files("broken-in-dir", &[("broken.yaml", BROKEN)]);
    for command in [&["run", "."][..], &["check", "."], &["lint", "."]] {
        let ran = bounded(&dir, command);
        assert_eq!(ran.code, Some(2), "{command:?}: {}", ran.both());
        assert!(
            ran.stderr
                .contains("broken.yaml:1:11: this `{` is never closed"),
            "{command:?}: {}",
            ran.stderr
        );
        assert!(
            !ran.stderr.contains("skipped"),
            "{command:?}: {}",
            ran.stderr
        );
    }
}

#[test]
fn a_saved_report_beside_the_scenarios_is_skipped_with_a_note() {
    let dir = files("saved-report", &[]);
    for out in ["report.yaml", "report.yml"] {
        let ran = bounded(&dir, &["run", "scenario.yaml", "--out", out]);
        assert_eq!(ran.code, Some(0), "{}", ran.both());
    }
    for command in [&["run", "."][..], &["lint", "."]] {
        let ran = bounded(&dir, command);
        assert_eq!(ran.code, Some(0), "{command:?}: {}", ran.both());
        for out in ["report.yaml", "report.yml"] {
            assert!(
                ran.stderr.contains(&format!(
                    "skipped ./{out}: a report saved by `rehearse run --out`"
                )),
                "{command:?}: {}",
                ran.stderr
            );
        }
    }
}

#[test]
fn lint_reports_a_parse_error_in_every_format_and_lints_the_rest() {
    // Issue 19, item 3: one unparsable file hid every other finding and
    // left JSON and SARIF empty.
    let dir = files(
        "lint-broken-and-flawed",
        &[("broken.yaml", BROKEN), ("extra.yaml", FLAWED_FLOW)],
    );
    let ran = bounded(&dir, &["lint", "."]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(ran.stdout.contains("error[F01]"), "{}", ran.both());
    assert!(ran.stdout.contains("error[R00]"), "{}", ran.both());

    let ran = bounded(&dir, &["lint", ".", "--format", "json"]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    let findings: serde_json::Value = serde_json::from_str(&ran.stdout).expect("valid JSON");
    let findings = findings.as_array().unwrap();
    assert!(findings.iter().any(|finding| finding["code"] == "R00"
        && finding["rule"] == "unreadable-file"
        && finding["file"].as_str().unwrap().ends_with("broken.yaml")
        && finding["line"] == 1
        && finding["column"] == 11));
    assert!(findings.iter().any(|finding| finding["code"] == "F01"));

    let ran = bounded(&dir, &["lint", ".", "--format", "github"]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    assert!(
        ran.stdout.lines().any(|line| line
            .starts_with("::error file=broken.yaml,line=1,col=11,title=R00 unreadable-file::")),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("title=F01"), "{}", ran.stdout);

    let ran = bounded(&dir, &["lint", ".", "--format", "sarif"]);
    assert_eq!(ran.code, Some(2), "{}", ran.both());
    let log: serde_json::Value = serde_json::from_str(&ran.stdout).expect("valid JSON");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("tests/schemas/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the vendored schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    for code in ["R00", "F01"] {
        let result = results
            .iter()
            .find(|result| result["ruleId"] == code)
            .unwrap_or_else(|| panic!("no {code} result: {}", ran.stdout));
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], code);
    }
}

// ---------------------------------------------------------------------------
// Conditions over variables: length and nesting are bounded before parsing

#[test]
fn conditions_past_their_length_or_nesting_are_refused_where_written() {
    let with_condition = |condition: &str| {
        FLOW.replace("start: welcome\n", "start: welcome\nvars:\n  n: number\n")
            .replace("\"Returns\": returns_info", "\"Returns\": by_n")
            .replace(
                "  done:\n",
                &format!(
                    "  by_n:\n    when:\n      - {{if: \"{condition}\", goto: done}}\n      - {{else: returns_info}}\n  done:\n"
                ),
            )
    };
    let long = format!("n > 1{}", " or n > 1".repeat(200_000));
    let deep = format!("{}n > 1{}", "(".repeat(200), ")".repeat(200));
    for (name, condition, says) in [
        ("long-condition", long.as_str(), "at most 500 characters"),
        ("deep-condition", deep.as_str(), "nests at most 16"),
    ] {
        let flow = with_condition(condition);
        let dir = files(name, &[("flow.yaml", &flow)]);
        let ran = bounded(&dir, &["run", "scenario.yaml"]);
        assert_eq!(ran.code, Some(2), "{name}: {}", ran.both());
        assert!(
            ran.stderr.contains("[F15]") && ran.stderr.contains(says),
            "{name}: {}",
            ran.stderr
        );
        // The condition's line is shown cut, never whole.
        assert!(ran.stderr.len() < 2_000, "{name}: {}", ran.stderr.len());
    }
}
