//! `cargo bench`: simulation throughput and memory.
//!
//! Speed is measured here, never asserted in tests: CI machines are shared
//! and noisy. Throughput is conversations per CPU-second (user + system
//! time of this process, from `getrusage`), so a busy machine does not
//! distort it; wall time is printed beside it. Targets (issue 8): every
//! bundled scenario at least 1,000,000 conversations per CPU-second; the
//! queue-only M/M/10+M model at least 5,000,000 customers per CPU-second;
//! two replications on two cores in at most 0.55x the time of one; peak
//! memory flat from 1M to 10M conversations.
//!
//! `cargo bench -- quick` runs only the 1M-conversation pass.

mod bare_queue;
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use rehearse::{Loader, RunOptions, Scenario, simulate};
use support::{cpu_time, peak_rss_mib};

/// Replications needed for about `conversations` conversations.
fn replications_for(scenario: &Scenario, conversations: u64) -> u32 {
    let per_replication = scenario.expected_arrivals();
    ((conversations as f64 / per_replication).ceil() as u32).max(1)
}

struct Measured {
    conversations: u64,
    cpu: Duration,
    wall: Duration,
}

fn measure(scenario: &Scenario, options: &RunOptions) -> Measured {
    timed(|| {
        simulate(scenario, options, &|| {})
            .into_report()
            .conversations
    })
}

/// The CPU and wall time of `run`, which returns the conversations (or
/// customers) it simulated.
fn timed(run: impl FnOnce() -> u64) -> Measured {
    let (cpu_before, started) = (cpu_time(), Instant::now());
    let conversations = run();
    Measured {
        conversations,
        cpu: cpu_time() - cpu_before,
        wall: started.elapsed(),
    }
}

fn per_cpu_second(measured: &Measured) -> f64 {
    measured.conversations as f64 / measured.cpu.as_secs_f64()
}

/// The queue-only model: 8 arrivals a minute, 10 agents, exponential handle
/// time and patience with mean 1 minute. Both the scenario
/// ([`queue_only`]) and the bare loop are written from it.
const MODEL: bare_queue::Model = bare_queue::Model {
    per_minute: 8.0,
    agents: 10,
    handle_mean_ms: 60_000.0,
    patience_mean_ms: 60_000.0,
};

/// The bare loop for `customers` customers of [`MODEL`].
fn measure_bare(customers: u64) -> Measured {
    timed(|| {
        let counts = bare_queue::run(&MODEL, customers, 1);
        // A sanity check that it ran the model: at 80% load with one minute
        // of patience, most are served and some give up.
        assert!(counts.served > counts.abandoned && counts.abandoned > 0);
        assert_eq!(counts.arrived, customers);
        counts.arrived
    })
}

fn print(name: &str, measured: &Measured) {
    println!(
        "{:<34} {:>11} {:>9.2} {:>9.2} {:>15.0} {:>10}",
        name,
        measured.conversations,
        measured.cpu.as_secs_f64(),
        measured.wall.as_secs_f64(),
        per_cpu_second(measured),
        peak_rss_mib().map_or("n/a".to_string(), |mib| format!("{mib:.1}"))
    );
}

/// [`MODEL`] as a scenario (M/M/10+M): every customer goes straight to the
/// queue. Replications last `duration`.
fn queue_only(dir: &Path, duration: &str) -> Scenario {
    std::fs::create_dir_all(dir).unwrap();
    let bare_queue::Model {
        per_minute,
        agents,
        handle_mean_ms,
        patience_mean_ms,
    } = MODEL;
    let per_hour = per_minute * 60.0;
    let files = [
        (
            "flow.yaml",
            "flow: queue-only\nstart: queue\nnodes:\n  queue:\n    handoff: {queue: support}\n"
                .to_string(),
        ),
        (
            "personas.yaml",
            format!(
                "personas:\n  - name: caller\n    goals: [{{want: a person, says: hi}}]\n    \
                 behaviour:\n      patience: {{queue: {{exponential: {{mean: {patience_mean_ms}ms}}}}}}\n"
            ),
        ),
        (
            "scenario.yaml",
            format!(
                "scenario: mm10m\nflow: flow.yaml\npersonas: [personas.yaml]\nduration: {duration}\n\
                 replications: 2\narrivals: {{poisson: {{per_hour: {per_hour}}}}}\n\
                 agents: {{support: {{count: {agents}, handle_time: {{exponential: {{mean: {handle_mean_ms}ms}}}}}}}}\n"
            ),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    Loader::new()
        .scenario(&dir.join("scenario.yaml"))
        .unwrap()
        .0
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "quick");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loader = Loader::new();
    let discovered = loader
        .discover_scenarios(&[root.join("scenarios")])
        .expect("the bundled scenarios load");
    let mut scenarios: Vec<(String, Scenario)> = discovered
        .files
        .iter()
        .map(|(file, _)| {
            let name = file
                .strip_prefix(root)
                .unwrap_or(file)
                .display()
                .to_string();
            (
                name,
                loader.scenario(file).expect("the bundled scenarios load").0,
            )
        })
        .collect();
    scenarios.push((
        "queue-only M/M/10+M".to_string(),
        queue_only(
            &Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-queue-only"),
            "10h",
        ),
    ));
    println!(
        "{} core(s) available",
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    println!(
        "{:<34} {:>11} {:>9} {:>9} {:>15} {:>10}",
        "scenario", "convers.", "cpu s", "wall s", "conv/CPU-s", "peak MiB"
    );
    // Small runs first: peak RSS only rises, so if the 10M runs do not raise
    // it, memory does not grow with conversations.
    let sizes: &[u64] = if quick {
        &[1_000_000]
    } else {
        &[1_000_000, 10_000_000]
    };
    for &conversations in sizes {
        for (name, scenario) in &scenarios {
            let options = RunOptions::new()
                .replications(replications_for(scenario, conversations))
                .unwrap();
            print(name, &measure(scenario, &options));
        }
    }
    // The queue-only model against the same model written as a bare event
    // loop (benches/bare_queue.rs), in this same run.
    let (queue_name, queue_scenario) = scenarios.last().expect("the queue-only scenario");
    let options = RunOptions::new()
        .replications(replications_for(queue_scenario, 1_000_000))
        .unwrap();
    let ours = measure(queue_scenario, &options);
    let bare = measure_bare(ours.conversations);
    print(queue_name, &ours);
    print("bare BinaryHeap loop, same model", &bare);
    println!(
        "queue-only against the bare loop: {:.2}x its speed per CPU-second",
        per_cpu_second(&ours) / per_cpu_second(&bare)
    );
    // Parallel speed-up: two long replications (about 500,000 conversations
    // each) on one thread, then on two; the goal is 1.8x or better.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let long = [
        ("bank", long_bank_replications()),
        (
            "queue-only",
            queue_only(&target.join("bench-queue-only-long"), "1042h"),
        ),
    ];
    // What two threads can give on this machine: two copies of the bare
    // loop, which share nothing, one after the other and then at once.
    // Virtual cores that are siblings on one physical core give far less
    // than 2x; the ratios above are read against this one.
    let bare_once = || measure_bare(500_000);
    let started = Instant::now();
    bare_once();
    bare_once();
    let one_thread = started.elapsed();
    let started = Instant::now();
    std::thread::scope(|scope| {
        scope.spawn(bare_once);
        bare_once();
    });
    let two_threads = started.elapsed();
    println!(
        "machine ceiling, 2 bare loops of 500k: 1 thread {:.2}s wall, 2 threads {:.2}s wall: {:.2}x",
        one_thread.as_secs_f64(),
        two_threads.as_secs_f64(),
        one_thread.as_secs_f64() / two_threads.as_secs_f64()
    );
    for (name, scenario) in &long {
        let two = RunOptions::new().replications(2).unwrap();
        let one_thread = measure(scenario, &two.clone().threads(1));
        let two_threads = measure(scenario, &two.threads(2));
        println!(
            "{name}, 2 replications of 500k: 1 thread {:.2}s wall, 2 threads {:.2}s wall: {:.2}x",
            one_thread.wall.as_secs_f64(),
            two_threads.wall.as_secs_f64(),
            one_thread.wall.as_secs_f64() / two_threads.wall.as_secs_f64()
        );
    }
}

/// The bank scenario with replications of about 500,000 conversations
/// (1,667 hours at 300 an hour), from a copy with a longer `duration`.
fn long_bank_replications() -> Scenario {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = root.join("scenarios/bank");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-long");
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["flow.yaml", "personas.yaml"] {
        std::fs::copy(source.join(file), dir.join(file)).unwrap();
    }
    let text = std::fs::read_to_string(source.join("lunchtime-peak.yaml")).unwrap();
    assert!(text.contains("duration: 1h"));
    std::fs::write(
        dir.join("scenario.yaml"),
        text.replace("duration: 1h", "duration: 1667h"),
    )
    .unwrap();
    Loader::new()
        .scenario(&dir.join("scenario.yaml"))
        .unwrap()
        .0
}
