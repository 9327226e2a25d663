//! Same inputs and seed: a byte-identical report, on one thread or many.
//! Another seed: a different one.

mod common;

use rehearse::report::{Style, render_to_string};
use rehearse::{Format, RunOptions, simulate};

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
    assert_ne!(
        run_all(&["--seed", "1", "--replications", "2"]),
        run_all(&["--seed", "2", "--replications", "2"])
    );
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    // The shop's peak hour, and a scenario whose customers send media (the
    // funnel's media counts are merged across replications too).
    // (The second runs 6 replications rather than its one, to have some to
    // share out.)
    for (path, replications) in [
        ("scenarios/shop/peak-hour.yaml", None),
        ("tests/live/agree/scenario.yaml", Some(6)),
    ] {
        let scenario = common::load(&common::root().join(path));
        let yaml = |threads| {
            let mut options = RunOptions::new().threads(threads);
            if let Some(replications) = replications {
                options = options.replications(replications).unwrap();
            }
            let simulation = simulate(&scenario, &options, &|| {});
            render_to_string(&[simulation.into_report()], Format::Yaml, Style::default())
        };
        let one = yaml(1);
        for threads in [2, 3, 7] {
            assert_eq!(one, yaml(threads), "{path}: {threads} threads");
        }
        if path.contains("agree") {
            assert!(one.contains("    media:\n"), "{one}");
        }
    }
}

#[test]
fn the_number_of_replications_never_changes_what_one_replication_simulates() {
    // Each replication is the scenario's hour of traffic at 180 arrivals an
    // hour, however many run: R replications count Poisson(180 R)
    // conversations, within 5 standard deviations (sqrt(180 R)) of 180 R.
    let scenario = common::load(&common::root().join("scenarios/clinic/monday-8am.yaml"));
    assert_eq!(scenario.expected_arrivals(), 180.0);
    for replications in [2u32, 8] {
        let options = RunOptions::new().replications(replications).unwrap();
        let report = simulate(&scenario, &options, &|| {}).into_report();
        let expected = 180.0 * f64::from(replications);
        let counted = report.conversations as f64;
        assert_eq!(report.replications, replications);
        assert!(
            (counted - expected).abs() <= 5.0 * expected.sqrt(),
            "{replications} replications counted {counted}, expected about {expected}"
        );
    }
}

#[test]
fn scenarios_run_together_report_as_each_run_alone() {
    // `run` puts every scenario's replications on one pool of threads; the
    // reports must be those of each scenario run by itself.
    let together = render(&common::rehearse_in(
        common::root(),
        &[
            "run",
            "scenarios/clinic/monday-8am.yaml",
            "scenarios/bank/lunchtime-peak.yaml",
            "--format",
            "yaml",
            "--replications",
            "5",
        ],
    ));
    let alone: Vec<String> = [
        "scenarios/clinic/monday-8am.yaml",
        "scenarios/bank/lunchtime-peak.yaml",
    ]
    .iter()
    .map(|file| {
        render(&common::rehearse_in(
            common::root(),
            &["run", file, "--format", "yaml", "--replications", "5"],
        ))
    })
    .collect();
    assert!(together.contains("scenario: monday-8am") && together.contains("lunchtime-peak"));
    assert_eq!(together.matches("scenario:").count(), 2);
    // Each report is a YAML document of its own in both.
    let documents = |text: &str| -> Vec<String> {
        text.split("\n---")
            .map(|doc| doc.trim_start_matches("---").trim().to_string())
            .filter(|doc| !doc.is_empty())
            .collect()
    };
    let alone: Vec<String> = alone.iter().flat_map(|text| documents(text)).collect();
    assert_eq!(documents(&together), alone);
}

fn render(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}
