//! `cargo bench`: simulation throughput and memory on the bundled scenarios.
//!
//! Speed and memory are measured here, not asserted in tests: CI machines are
//! shared and noisy. Targets: at least 100,000 conversations a second per
//! scenario on a 2-core machine (release build, replications on both
//! cores), and peak memory
//! that does not grow with the number of conversations (metrics are streaming
//! accumulators, and only conversations waiting in a queue are held).

use std::path::Path;
use std::time::Instant;

use rehearse::load::{discover_scenarios, load_scenario};
use rehearse::report::Report;
use rehearse::sim::simulate;

/// Peak resident memory of this process so far, in MiB (Linux only).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = discover_scenarios(&[root.join("scenarios")]).expect("the bundled scenarios load");
    println!(
        "{:<32} {:>13} {:>10} {:>16} {:>14}",
        "scenario", "conversations", "seconds", "conversations/s", "peak RSS (MiB)"
    );
    // Small runs first: peak RSS only rises, so if the large runs do not
    // raise it much, memory does not grow with conversations.
    for conversations in [20_000u64, 2_000_000] {
        for file in &files {
            let (mut scenario, _warnings) =
                load_scenario(file).expect("the bundled scenarios load");
            scenario.conversations = conversations;
            let started = Instant::now();
            let metrics = simulate(&scenario, &|_| {});
            let seconds = started.elapsed().as_secs_f64();
            let report = Report::new(&scenario, &metrics);
            assert_eq!(report.conversations, conversations);
            println!(
                "{:<32} {:>13} {:>10.3} {:>16.0} {:>14}",
                file.strip_prefix(root).unwrap_or(file).display(),
                conversations,
                seconds,
                conversations as f64 / seconds,
                peak_rss_mib().map_or("n/a".to_string(), |mib| format!("{mib:.1}"))
            );
        }
    }
}
