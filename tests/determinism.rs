//! Same inputs and seed: a byte-identical report. Another seed: a different one.

mod common;

use rehearse::metrics::Metrics;
use rehearse::sim::{run_replication, simulate};

fn run_all(extra: &[&str]) -> Vec<u8> {
    let args: Vec<&str> = ["run", "scenarios", "--format", "yaml"]
        .iter()
        .chain(extra)
        .copied()
        .collect();
    let output = common::rehearse_in(common::root(), &args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[test]
fn the_same_seed_gives_a_byte_identical_report() {
    let first = run_all(&[]);
    assert!(!first.is_empty());
    assert_eq!(first, run_all(&[]));
}

#[test]
fn another_seed_gives_another_report() {
    assert_ne!(run_all(&["--seed", "1"]), run_all(&["--seed", "2"]));
}

#[test]
fn results_do_not_depend_on_how_replications_are_spread_over_threads() {
    let scenario = common::load(&common::root().join("scenarios/shop/peak-hour.yaml"));
    let parallel = simulate(&scenario, &|_| {});
    let mut sequential = Metrics::new(scenario.flow.nodes.len(), scenario.personas.len());
    for replication in (0..scenario.replications).rev() {
        sequential.merge(&run_replication(&scenario, replication, &|_| {}));
    }
    assert_eq!(parallel, sequential);
    assert_eq!(parallel.conversations(), scenario.conversations);
}
