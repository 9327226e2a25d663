//! Bad input gets one clear message — file, line and column, key path, what
//! is expected — and exit code 2, never a panic. Each test breaks one thing
//! in an otherwise valid scenario and runs the real binary on it. Files that
//! do not parse get a one-line error; files that parse but cannot work get
//! the same diagnostics as `rehearse lint`.

mod common;

const FLOW: &str = r#"flow: demo
start: welcome
nodes:
  welcome:
    say: "Hi! How can we help?"
    buttons: ["Returns", "Talk to us"]
    routes:
      "Returns": returns_info
      "Talk to us": handoff
      fallback: welcome
  returns_info:
    say: "Returns are free for 30 days."
    next: done
  handoff:
    handoff: {queue: support}
  done:
    end: resolved
"#;

const PERSONAS: &str = r#"personas:
  - name: returner
    goals:
      - want: return a parcel
        taps: ["Returns"]
    behaviour:
      drop_per_turn: 0.02
"#;

const SCENARIO: &str = r#"scenario: demo
flow: flow.yaml
personas: [personas.yaml]
mix: {returner: 1.0}
duration: 100m
replications: 2
arrivals: {poisson: {per_hour: 60}}
agents:
  support: {count: 2, handle_time: {fixed: 5m}}
"#;

/// Runs `rehearse run scenario.yaml` in a directory holding the valid files
/// with `file` replaced by `text`; returns (exit code, stderr).
fn run_with(name: &str, file: &str, text: &str) -> (i32, String) {
    let mut files = vec![
        ("flow.yaml", FLOW),
        ("personas.yaml", PERSONAS),
        ("scenario.yaml", SCENARIO),
    ];
    files.retain(|(existing, _)| *existing != file);
    files.push((file, text));
    let dir = common::write_files(&format!("bad-{name}"), &files);
    let output = common::rehearse_in(&dir, &["run", "scenario.yaml"]);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn the_valid_files_run() {
    let (code, stderr) = run_with("valid", "flow.yaml", FLOW);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn malformed_yaml_names_the_line_and_column() {
    let (code, stderr) = run_with(
        "malformed",
        "flow.yaml",
        &FLOW.replace(
            r#"["Returns", "Talk to us"]"#,
            r#"["Returns", "Talk to us""#,
        ),
    );
    assert_eq!(code, 2);
    // The parser notices on the next line; the message points at the cause.
    assert_eq!(
        stderr,
        "error: flow.yaml:6:14: this `[` is never closed\n  = help: close it with `]` (the parser noticed at line 7, column 5)\n"
    );
}

#[test]
fn a_wrong_type_names_the_key_and_what_is_expected() {
    let (code, stderr) = run_with(
        "wrong-type",
        "scenario.yaml",
        &SCENARIO.replace("replications: 2", "replications: many"),
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: scenario.yaml:6:15: at `replications`: expected a whole number, like 20, found `many`\n"
    );
}

#[test]
fn an_unknown_key_is_an_error_not_ignored() {
    let (code, stderr) = run_with(
        "unknown-key",
        "flow.yaml",
        &FLOW.replace("    buttons:", "    buttns:"),
    );
    assert_eq!(code, 2);
    // The list of keys a node takes grows with the format; the start does not.
    assert!(
        stderr.starts_with("error: flow.yaml:6:5: at `nodes.welcome.buttns`: unknown key `buttns` (did you mean `buttons`?); this place takes `say`, `header`, `footer`, `buttons`, "),
        "{stderr}"
    );
}

#[test]
fn a_missing_file_is_named() {
    let (code, stderr) = run_with(
        "missing-file",
        "scenario.yaml",
        &SCENARIO.replace("[personas.yaml]", "[persons.yaml]"),
    );
    assert_eq!(code, 2);
    // Named where the scenario names it.
    assert_eq!(
        stderr,
        "error: scenario.yaml:3:12: at `personas[0]`: cannot read `persons.yaml`: No such file or directory (os error 2)\n  = help: paths are relative to the scenario file\n"
    );
}

#[test]
fn a_route_to_a_missing_node_suggests_the_near_miss() {
    let (code, stderr) = run_with(
        "dangling-route",
        "flow.yaml",
        &FLOW.replace("\"Returns\": returns_info", "\"Returns\": retuns_info"),
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        r#"error[F01]: no node is called `retuns_info` (did you mean `returns_info`?)
 --> flow.yaml:8:7 (at `nodes.welcome.routes.Returns`)
  |
8 |       "Returns": retuns_info
  |       ^^^^^^^^^
  = help: a route names a node defined under `nodes:`

error: the input has 1 error, 0 warnings; nothing was simulated
"#
    );
}

#[test]
fn a_persona_in_the_mix_must_be_defined() {
    let (code, stderr) = run_with(
        "unknown-persona",
        "scenario.yaml",
        &SCENARIO.replace("{returner: 1.0}", "{returnr: 1.0}"),
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        r#"error[S01]: no persona is called `returnr` (did you mean `returner`?)
 --> scenario.yaml:4:7 (at `mix.returnr`)
  |
4 | mix: {returnr: 1.0}
  |       ^^^^^^^
  = help: the persona files define `returner`

error: the input has 1 error, 0 warnings; nothing was simulated
"#
    );
}

#[test]
fn a_probability_outside_zero_to_one_is_rejected_where_it_is_written() {
    let (code, stderr) = run_with(
        "probability",
        "personas.yaml",
        &PERSONAS.replace("drop_per_turn: 0.02", "drop_per_turn: 2"),
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: personas.yaml:7:22: at `personas[0].behaviour.drop_per_turn`: expected a probability between 0 and 1, got 2; write 5% as 0.05\n"
    );
}

#[test]
fn a_duration_without_a_unit_says_how_to_write_it() {
    let (code, stderr) = run_with(
        "duration",
        "scenario.yaml",
        &SCENARIO.replace("{fixed: 5m}", "{fixed: 300}"),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: scenario.yaml:9:44: at `agents.support.handle_time.fixed`: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("`300` has no unit; write it like `300s` or `300ms`"),
        "{stderr}"
    );
}

#[test]
fn a_handoff_to_an_unstaffed_queue_is_refused() {
    let (code, stderr) = run_with(
        "unstaffed",
        "scenario.yaml",
        &SCENARIO.replace("  support: {count", "  sales: {count"),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error[F08]: node `handoff` of the flow hands off to queue `support`, but no agents are staffed for it\n --> scenario.yaml:8:1 (at `agents`)"
        ),
        "{stderr}"
    );
}

#[test]
fn more_than_three_reply_buttons_is_refused() {
    let (code, stderr) = run_with(
        "buttons",
        "flow.yaml",
        &FLOW.replace(
            r#"["Returns", "Talk to us"]"#,
            r#"["Returns", "Talk to us", "A", "B"]"#,
        ),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error[W01]: WhatsApp allows 1 to 3 reply buttons, this node has 4\n --> flow.yaml:6:5 (at `nodes.welcome.buttons`)"
        ),
        "{stderr}"
    );
}

#[test]
fn an_empty_file_says_so() {
    let (code, stderr) = run_with("empty", "personas.yaml", "");
    assert_eq!(code, 2);
    assert!(stderr.starts_with("error: personas.yaml"), "{stderr}");
    assert!(stderr.contains("the file is empty"), "{stderr}");
}

#[test]
fn a_bad_flag_exits_2() {
    let output = common::rehearse_in(common::root(), &["run", "--format", "pdf", "x.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid value 'pdf'"));
}

#[test]
fn a_persona_defined_twice_in_one_file_is_refused() {
    let twice = format!("{PERSONAS}{}", PERSONAS.trim_start_matches("personas:\n"));
    let (code, stderr) = run_with("persona-twice", "personas.yaml", &twice);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error[P04]: persona `returner` is defined twice in this file\n --> personas.yaml:8:5 (at `personas[1].name`)"),
        "{stderr}"
    );
}

/// `rehearse live`'s keys are checked by every command, like any other key,
/// though only `live` uses them.
#[test]
fn live_keys_are_checked_where_they_are_written() {
    let (code, stderr) = run_with(
        "done-when-empty",
        "personas.yaml",
        &PERSONAS.replace(
            "        taps: [\"Returns\"]\n",
            "        taps: [\"Returns\"]\n        done_when: [\"label is on its way\", \"  \"]\n",
        ),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[P04]: a phrase is empty\n --> personas.yaml:6:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("(at `personas[0].goals[0].done_when[1]`)"),
        "{stderr}"
    );

    let (code, stderr) = run_with(
        "live-queue",
        "scenario.yaml",
        &format!("{SCENARIO}live:\n  handoff_when: [\"a colleague will\"]\n  queue: suport\n"),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "error[S05]: no agent pool is called `suport` (did you mean `support`?)\n  --> scenario.yaml:12:3 (at `live.queue`)"
        ),
        "{stderr}"
    );

    let (code, stderr) = run_with(
        "live-quiet",
        "scenario.yaml",
        &format!("{SCENARIO}live: {{quiet: 0s}}\n"),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`quiet` is from 1ms to 1m 00s, got 0ms"),
        "{stderr}"
    );

    let (code, stderr) = run_with(
        "live-typo",
        "scenario.yaml",
        &format!("{SCENARIO}live: {{handof_when: [\"agent\"]}}\n"),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("unknown key `handof_when` (did you mean `handoff_when`?)"),
        "{stderr}"
    );
}

#[test]
fn live_keys_change_nothing_run_does() {
    let (code, stderr) = run_with(
        "live-ignored",
        "scenario.yaml",
        &format!(
            "{SCENARIO}live:\n  handoff_when: [\"a colleague will\"]\n  fallback_when: [\"sorry\"]\n"
        ),
    );
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn phrase_banks_are_checked_where_they_are_written() {
    let with = |goal_keys: &str| {
        PERSONAS.replace(
            "        taps: [\"Returns\"]\n",
            &format!("        taps: [\"Returns\"]\n{goal_keys}"),
        )
    };
    let (code, stderr) = run_with(
        "bank-weight",
        "personas.yaml",
        &with("        says: [\"returns\", {text: \"send it back\", weight: -2}]\n"),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "error[P04]: a phrasing's weight must be 0 or more, got -2\n --> personas.yaml:6:"
        ) && stderr.contains("(at `personas[0].goals[0].says[1].weight`)"),
        "{stderr}"
    );
    let (code, stderr) = run_with(
        "bank-empty",
        "personas.yaml",
        &with("        replies: {\"Returns\": []}\n"),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("an empty list of phrasings")
            && stderr.contains("(at `personas[0].goals[0].replies.Returns`)"),
        "{stderr}"
    );
    let (code, stderr) = run_with(
        "bank-unknown-key",
        "personas.yaml",
        &with("        says: [{text: \"returns\", wieght: 2}]\n"),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: personas.yaml:6:") && stderr.contains("unknown"),
        "{stderr}"
    );
    // Both forms run, as do the behaviour's off-script keys.
    let (code, stderr) = run_with(
        "bank-valid",
        "personas.yaml",
        &with("        says: [\"returns\", {text: \" RETURNS\", weight: 2}]\n        replies: {\"Returns\": [\"returns\"]}\n")
            .replace("drop_per_turn: 0.02", "drop_per_turn: 0.02\n      off_script_rate: 0.1\n      off_script_says: [\"hello??\"]"),
    );
    assert_eq!((code, stderr.as_str()), (0, ""), "{stderr}");
}

#[test]
fn media_routes_name_known_kinds_and_existing_nodes() {
    let (code, stderr) = run_with(
        "media-kind",
        "flow.yaml",
        &FLOW.replace(
            "      fallback: welcome\n",
            "      fallback: welcome\n    on_media: {imgae: handoff, audio: handof}\n",
        ),
    );
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr,
        r#"error[F06]: `imgae` is no kind of message a customer sends (did you mean `image`?)
  --> flow.yaml:11:16 (at `nodes.welcome.on_media.imgae`)
   |
11 |     on_media: {imgae: handoff, audio: handof}
   |                ^^^^^
   = help: `on_media` routes a kind (`image`, `audio`, `location`, `sticker` and `reaction`) or `any` (every kind but reactions) to a node

error[F01]: no node is called `handof` (did you mean `handoff`?)
  --> flow.yaml:11:32 (at `nodes.welcome.on_media.audio`)
   |
11 |     on_media: {imgae: handoff, audio: handof}
   |                                ^^^^^
   = help: a route names a node defined under `nodes:`

error: the input has 2 errors, 0 warnings; nothing was simulated
"#
    );
    // Only nodes that wait for the customer receive media.
    let (code, stderr) = run_with(
        "media-on-message",
        "flow.yaml",
        &FLOW.replace(
            "    next: done\n",
            "    next: done\n    on_media: {audio: handoff}\n",
        ),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[F11]: a message node does not take `on_media`"),
        "{stderr}"
    );
}

#[test]
fn a_persona_sends_known_kinds_with_chances_up_to_one() {
    let (code, stderr) = run_with(
        "media-persona",
        "personas.yaml",
        &PERSONAS.replace(
            "drop_per_turn: 0.02",
            "drop_per_turn: 0.02\n      sends: {voice: 0.05}",
        ),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "error[P04]: `voice` is no kind of message a customer sends (a voice note is `audio`); the kinds are `image`, `audio`, `location`, `sticker` and `reaction`\n --> personas.yaml:8:15 (at `personas[0].behaviour.sends.voice`)"
        ),
        "{stderr}"
    );
    let (code, stderr) = run_with(
        "media-persona-sum",
        "personas.yaml",
        &PERSONAS.replace(
            "drop_per_turn: 0.02",
            "drop_per_turn: 0.02\n      sends: {audio: 0.7, image: 0.4}",
        ),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("the chances add up to 1.1")
            && stderr.contains("at `personas[0].behaviour.sends`"),
        "{stderr}"
    );
}

#[test]
fn a_speed_per_script_names_known_scripts_gives_other_and_stays_in_bounds() {
    let cases = [
        (
            "speed-unknown-script",
            "reading_wpm: {latin: 240, arabci: 180, other: 200}",
            "error[P04]: `arabci` is no script a speed is given for (did you mean `arabic`?); the scripts are `latin`, `arabic`, `hebrew`, `cyrillic`, `devanagari` and `other`\n --> personas.yaml:8:33 (at `personas[0].behaviour.reading_wpm.arabci`)",
        ),
        (
            "speed-without-other",
            "typing_wpm: {latin: 36, arabic: 30}",
            "error[P04]: a speed per script needs `other`: the speed for the scripts not named and for text with no letters, like `other: 200`\n --> personas.yaml:8:7 (at `personas[0].behaviour.typing_wpm`)",
        ),
        (
            "speed-out-of-range",
            "reading_wpm: {arabic: 0.5, other: 200}",
            "error[P04]: a speed in words per minute must be between 1 and 10000, got 0.5\n --> personas.yaml:8:21 (at `personas[0].behaviour.reading_wpm.arabic`)",
        ),
    ];
    for (name, speed, expected) in cases {
        let (code, stderr) = run_with(
            name,
            "personas.yaml",
            &PERSONAS.replace(
                "drop_per_turn: 0.02",
                &format!("drop_per_turn: 0.02\n      {speed}"),
            ),
        );
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(
            stderr.contains("= help: like `"),
            "{name}: the help shows both forms: {stderr}"
        );
    }
    // Not a number or a map: what is expected, where.
    let (code, stderr) = run_with(
        "speed-text",
        "personas.yaml",
        &PERSONAS.replace(
            "drop_per_turn: 0.02",
            "drop_per_turn: 0.02\n      reading_wpm: fast",
        ),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("words per minute, like `240`, or one speed per script")
            && stderr.contains("personas.yaml:8:"),
        "{stderr}"
    );
}

#[test]
fn a_condition_that_does_not_parse_names_the_line_and_the_character() {
    let flow = FLOW
        .replace("start: welcome\n", "start: welcome\nvars:\n  items: number\n")
        .replace(
            "      \"Returns\": returns_info\n",
            "      \"Returns\": by_items\n",
        )
        .replace(
            "  handoff:\n",
            "  by_items:\n    when:\n      - {if: \"items >> 3\", goto: handoff}\n      - {else: returns_info}\n  handoff:\n",
        );
    let (code, stderr) = run_with("bad-condition", "flow.yaml", &flow);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        r#"error[F15]: at character 8 of the condition: expected a value after `>`: a number, `true`, `false`, a word or 'quoted text', found `>`
  --> flow.yaml:18:10 (at `nodes.by_items.when[0].if`)
   |
18 |       - {if: "items >> 3", goto: handoff}
   |          ^^
   = help: a condition compares a variable with a value (`total >= 100`, `tier == gold`, `name is set`), joined by `and`, `or`, `not` and parentheses; at most 500 characters and 16 levels deep

error: the input has 1 error, 0 warnings; nothing was simulated
"#
    );
}
