//! The loader, the linter and the engine never panic, whatever the input:
//! arbitrary bytes, arbitrary YAML documents, and valid files with random
//! parts swapped in. Every case either loads, or is refused with a message.

mod common;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rehearse::diagnostic::{render_json, render_text};
use rehearse::{Loader, RunOptions, simulate};
use yaml_serde::{Mapping, Value};

const FLOW: &str = r#"flow: demo
start: welcome
latency: {lognormal: {median: 600ms, p90: 1.5s}}
intents: {agent: ["agent", "human"]}
nodes:
  welcome:
    say: "Hi! How can we help?"
    buttons: ["Returns", "Talk to us"]
    routes: {"Returns": ask, "Talk to us": handoff, intent agent: handoff, fallback: welcome}
  ask:
    say: "Your order number?"
    expect: {pattern: "^[A-Z][0-9]{6}$"}
    routes: {valid: lookup, invalid: ask}
  lookup:
    call: {name: api, latency: {fixed: 300ms}, fails: 0.1}
    routes: {ok: done, error: handoff}
  handoff:
    handoff: {queue: support}
  done:
    end: resolved
"#;

const PERSONAS: &str = r#"personas:
  - name: returner
    goals:
      - {want: return, taps: ["Returns"], says: "agent", answers: {"order number": "A{digits:6}"}}
    behaviour: {read: {exponential: {mean: 10s}}, typing_wpm: 36, typo_rate: 0.5, drop_per_turn: 0.1,
                patience: {bot: {fixed: 1s}, queue: {exponential: {mean: 1m}}}, leaves_after_fallbacks: 2}
"#;

const SCENARIO: &str = r#"scenario: demo
flow: flow.yaml
personas: [personas.yaml]
duration: 2m
replications: 2
warm_up: 1m
arrivals: {poisson: {per_hour: 600}}
agents: {support: {count: 1, handle_time: {fixed: 5m}}}
"#;

/// Keys that the formats use, so random documents reach deep into them.
const KEYS: &[&str] = &[
    "flow",
    "version",
    "start",
    "latency",
    "intents",
    "nodes",
    "say",
    "buttons",
    "list",
    "button",
    "sections",
    "title",
    "rows",
    "description",
    "expect",
    "pattern",
    "call",
    "name",
    "fails",
    "handoff",
    "queue",
    "csat",
    "end",
    "next",
    "routes",
    "header",
    "footer",
    "fallback",
    "valid",
    "invalid",
    "ok",
    "error",
    "intent agent",
    "welcome",
    "done",
    "personas",
    "segment",
    "goals",
    "want",
    "weight",
    "taps",
    "says",
    "answers",
    "off_script",
    "behaviour",
    "read",
    "think",
    "reading_wpm",
    "typing_wpm",
    "latin",
    "arabic",
    "other",
    "types_instead_of_tapping",
    "typo_rate",
    "patience",
    "bot",
    "leaves_after_fallbacks",
    "drop_per_turn",
    "scenario",
    "mix",
    "seed",
    "duration",
    "warm_up",
    "replications",
    "max_turns",
    "arrivals",
    "poisson",
    "per_hour",
    "agents",
    "count",
    "handle_time",
    "first_reply",
    "fixed",
    "uniform",
    "min",
    "max",
    "exponential",
    "mean",
    "lognormal",
    "median",
    "p90",
    "weibull",
    "scale",
    "shape",
    "mixture",
    "keywords",
    "regex",
    "returner",
    "support",
    "Returns",
    "resolved",
    "unresolved",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<f64>().prop_map(|f| Value::Number(f.into())),
        prop::sample::select(KEYS).prop_map(|s| Value::String(s.to_string())),
        prop::sample::select(
            &[
                "0s",
                "2s",
                "1.5m",
                "9999999d",
                "-1s",
                "1e9ms",
                "",
                "😀",
                "ب",
                "{digits:6}",
                "[",
                "(?i)x",
                // Shapes from issue 7: bounds, overflow, control characters.
                "1001d",
                "1000d",
                "99999999999999ms",
                "1e308",
                "18446744073709551616",
                "4000000000",
                "1e-300",
                ".nan",
                "50%",
                "{digits:64}{digits:64}{digits:64}",
                "\u{feff}x",
                "evil\u{1b}[31m\u{202e}",
                "../../../../etc/passwd",
                "/dev/zero"
            ][..]
        )
        .prop_map(|s| Value::String(s.to_string())),
        ".{0,30}".prop_map(Value::String),
    ]
}

fn document() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Sequence),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|entries| {
                Value::Mapping(
                    entries
                        .into_iter()
                        .map(|(k, v)| (Value::String(k.to_string()), v))
                        .collect::<Mapping>(),
                )
            }),
        ]
    })
}

/// A valid file with the value at one random place replaced by a random one.
fn mutated(valid: &'static str) -> impl Strategy<Value = String> {
    (any::<prop::sample::Index>(), document()).prop_map(move |(index, replacement)| {
        let mut value: Value = yaml_serde::from_str(valid).unwrap();
        let mut places = Vec::new();
        collect_places(&value, &mut Vec::new(), &mut places);
        let place = &places[index.index(places.len())];
        *place_mut(&mut value, place) = replacement;
        yaml_serde::to_string(&value).unwrap()
    })
}

fn collect_places(value: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                here.push(key.clone());
                collect_places(child, here, out);
                here.pop();
            }
        }
        Value::Sequence(items) => {
            for (i, child) in items.iter().enumerate() {
                here.push(Value::Number(i.into()));
                collect_places(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn place_mut<'a>(value: &'a mut Value, place: &[Value]) -> &'a mut Value {
    place.iter().fold(value, |value, key| match value {
        Value::Sequence(items) => &mut items[key.as_u64().unwrap() as usize],
        other => other.get_mut(key).unwrap(),
    })
}

/// Writes the three files (one of them replaced) and runs every checker,
/// then simulates whatever loads.
fn check_all(dir: &Path, replaced: &str, text: &[u8]) {
    for (name, default) in [
        ("flow.yaml", FLOW),
        ("personas.yaml", PERSONAS),
        ("scenario.yaml", SCENARIO),
    ] {
        let contents = if name == replaced {
            text.to_vec()
        } else {
            default.as_bytes().to_vec()
        };
        std::fs::write(dir.join(name), contents).unwrap();
    }
    let _ = Loader::new().check_flow(&dir.join("flow.yaml"));
    let _ = Loader::new().check_personas(&dir.join("personas.yaml"));
    if let Ok(checked) = Loader::new().check_scenario(&dir.join("scenario.yaml")) {
        // Findings must render, whatever their content.
        let _ = render_text(&checked.diagnostics, true);
        let _ = render_json(&checked.diagnostics);
        if let Some(scenario) = checked.value {
            // Keep runs short: what matters is that nothing panics, so only
            // scenarios of at most a few hundred customers are simulated.
            let customers = scenario.simulated_arrivals();
            if customers <= 500.0 {
                let options = RunOptions::new().replications(2).unwrap();
                let _ = simulate(&scenario, &options, &|| {});
            }
        }
    }
}

fn dir(name: &str) -> PathBuf {
    common::write_files(name, &[])
}

#[test]
fn the_fixed_files_load_and_run() {
    let dir = dir("no-panic-valid");
    check_all(&dir, "", b"");
    let checked = Loader::new()
        .check_scenario(&dir.join("scenario.yaml"))
        .unwrap();
    assert!(
        checked.value.is_some(),
        "{}",
        render_text(&checked.diagnostics, false)
    );
}

/// A fixed seed keeps CI deterministic; to explore further, run with
/// `NO_PANIC_SEED=<n> NO_PANIC_CASES=<n> cargo test --test no_panic`.
fn config() -> ProptestConfig {
    let from_env = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.parse::<u64>().ok())
    };
    ProptestConfig {
        cases: from_env("NO_PANIC_CASES").map_or(1000, |n| n as u32),
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            from_env("NO_PANIC_SEED").unwrap_or(20261121),
        ),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(file in prop::sample::select(&["flow.yaml", "personas.yaml", "scenario.yaml"][..]), bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_all(&dir("no-panic-bytes"), file, &bytes);
    }

    #[test]
    fn arbitrary_yaml_documents_never_panic(file in prop::sample::select(&["flow.yaml", "personas.yaml", "scenario.yaml"][..]), doc in document()) {
        check_all(&dir("no-panic-documents"), file, yaml_serde::to_string(&doc).unwrap().as_bytes());
    }

    #[test]
    fn mutated_flows_never_panic(text in mutated(FLOW)) {
        check_all(&dir("no-panic-flow"), "flow.yaml", text.as_bytes());
    }

    #[test]
    fn mutated_personas_never_panic(text in mutated(PERSONAS)) {
        check_all(&dir("no-panic-personas"), "personas.yaml", text.as_bytes());
    }

    #[test]
    fn mutated_scenarios_never_panic(text in mutated(SCENARIO)) {
        check_all(&dir("no-panic-scenario"), "scenario.yaml", text.as_bytes());
    }
}
