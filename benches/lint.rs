//! `cargo bench --bench lint`: how long lint takes on large flows (issue 7,
//! item 5). Every analysis should be linear or n·log n in the flow's size, so
//! ten times the nodes should take about ten times as long, never a hundred.
//!
//! Speed is measured here, never asserted in tests: CI machines are shared
//! and noisy. Each case is generated in memory and checked through the
//! public API, as `rehearse lint` does; the time printed is the wall time of
//! reading, validating and linting it.
//!
//! `cargo bench --bench lint -- chain` runs only the cases whose name
//! contains `chain`.

use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use rehearse::Loader;

/// A flow of `nodes` message nodes in a chain, the last looping on itself
/// (a loop with no way out). `misspelled` of the `next:` targets, spread
/// evenly, name a node that does not exist, one letter away from the real
/// one, so each gets a "did you mean".
fn chain(nodes: usize, misspelled: usize) -> String {
    let mut flow = String::from("flow: chain\nstart: node0\nnodes:\n");
    for i in 0..nodes {
        let next = if i + 1 == nodes {
            format!("node{i}")
        } else if (i + 1) * misspelled % nodes < misspelled {
            format!("nod{}", i + 1)
        } else {
            format!("node{}", i + 1)
        };
        let _ = write!(
            flow,
            "  node{i}:\n    say: \"step {i}\"\n    next: {next}\n"
        );
    }
    flow
}

/// A flow that opens with a menu: `Go` leads into a chain of `nodes`
/// messages ending in `end: resolved`, `Help` to a handoff.
fn menu_and_chain(nodes: usize) -> String {
    let mut flow = String::from(
        "flow: menu\nstart: menu\nintents:\n  agent: [agent, human]\nnodes:\n  menu:\n    say: \"Hi\"\n    buttons: [Go, Help]\n    routes: {Go: node0, Help: human, intent agent: human, fallback: menu}\n  human:\n    handoff: {queue: support}\n  done:\n    end: resolved\n",
    );
    for i in 0..nodes {
        let next = if i + 1 == nodes {
            "done".to_string()
        } else {
            format!("node{}", i + 1)
        };
        let _ = write!(
            flow,
            "  node{i}:\n    say: \"step {i}\"\n    next: {next}\n"
        );
    }
    flow
}

/// `count` personas, each with its own phrase, so no two goals are written
/// alike; every tenth taps a title the flow does not offer.
fn personas(count: usize) -> String {
    let mut personas = String::from("personas:\n");
    for i in 0..count {
        let tap = if i % 10 == 0 { "Goo" } else { "Go" };
        let _ = write!(
            personas,
            "  - name: p{i}\n    goals:\n      - want: go {i}\n        taps: [{tap}]\n        says: \"I want number {i}\"\n"
        );
    }
    personas
}

const SCENARIO: &str = "scenario: many\nflow: flow.yaml\npersonas: [personas.yaml]\narrivals: {poisson: {per_hour: 60}}\nagents:\n  support: {count: 1, handle_time: {fixed: 1m}}\n";

/// The scenario with a mix naming `count` personas, each one letter off.
fn misspelled_mix(count: usize) -> String {
    let mut scenario = format!("{SCENARIO}mix:\n");
    for i in 0..count {
        let _ = writeln!(scenario, "  q{i}: {}", 1.0 / count as f64);
    }
    scenario
}

struct Case {
    name: &'static str,
    files: Vec<(&'static str, String)>,
    /// The file lint is asked about.
    checked: &'static str,
}

fn cases() -> Vec<Case> {
    let flow = |name, text| Case {
        name,
        files: vec![("flow.yaml", text)],
        checked: "flow.yaml",
    };
    let scenario = |name, flow, count| Case {
        name,
        files: vec![
            ("scenario.yaml", SCENARIO.to_string()),
            ("flow.yaml", flow),
            ("personas.yaml", personas(count)),
        ],
        checked: "scenario.yaml",
    };
    vec![
        flow("chain 10,000", chain(10_000, 0)),
        flow("chain 100,000", chain(100_000, 0)),
        flow("chain 10,000, 2,000 misspelled", chain(10_000, 2_000)),
        flow("chain 100,000, 2,000 misspelled", chain(100_000, 2_000)),
        flow("chain 100,000, 8,000 misspelled", chain(100_000, 8_000)),
        scenario("personas 20,000, flow 30", menu_and_chain(30), 20_000),
        scenario(
            "personas 20,000, flow 100,000",
            menu_and_chain(100_000),
            20_000,
        ),
        Case {
            name: "mix 20,000, all misspelled",
            files: vec![
                ("scenario.yaml", misspelled_mix(20_000)),
                ("flow.yaml", menu_and_chain(30)),
                ("personas.yaml", personas(20_000)),
            ],
            checked: "scenario.yaml",
        },
    ]
}

fn lint(case: &Case) -> (Duration, usize) {
    let mut loader = Loader::new();
    for (file, text) in &case.files {
        loader = loader.with_file(*file, text.clone());
    }
    let started = Instant::now();
    let path = Path::new(case.checked);
    let checked = if case.checked == "flow.yaml" {
        loader.check_flow(path).map(|checked| checked.diagnostics)
    } else {
        loader
            .check_scenario(path)
            .map(|checked| checked.diagnostics)
    };
    let findings = match checked {
        Ok(diagnostics) => diagnostics.len(),
        Err(error) => panic!("{}: {error}", case.name),
    };
    (started.elapsed(), findings)
}

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    println!("{:<36} {:>10} {:>9}", "case", "findings", "seconds");
    for case in cases() {
        if !filter.is_empty()
            && !filter
                .iter()
                .any(|wanted| case.name.contains(wanted.as_str()))
        {
            continue;
        }
        let (took, findings) = lint(&case);
        println!(
            "{:<36} {:>10} {:>9.2}",
            case.name,
            findings,
            took.as_secs_f64()
        );
    }
}
