//! Valid input at the documented limits (issue 19, item 8, and the cap on
//! `--transcripts`): every scenario either finishes under 2 GiB and within
//! the work cap, or is refused before anything is simulated, with a
//! message located at the setting to change (exit 2). The caps are in
//! `src/limits.rs`; the estimate, in `src/model/scenario/cost.rs`.
//!
//! Every test runs the real binary under a deadline, and those about memory
//! under a 2 GiB address-space limit: a regression that runs for hours or
//! swells fails the test instead of the machine.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::bounded::{Ran, rehearse};

/// Refusals come before any simulation: quick even in a debug build.
const REFUSED_WITHIN: Duration = Duration::from_secs(20);

/// Runs that finish: long enough for a debug build on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(180);

/// The guarantee: under 2 GiB of address space.
const TWO_GIB_IN_KIB: u64 = 2 * 1024 * 1024;

/// Every customer asks for an agent.
const QUEUE_FLOW: &str =
    "flow: queue\nstart: handoff\nnodes:\n  handoff:\n    handoff: {queue: support}\n";

const CALLER: &str = "personas:\n  - name: caller\n    goals: [{want: a person, says: hi}]\n";

/// A fresh directory with `files`.
fn files(name: &str, files: &[(&str, &str)]) -> PathBuf {
    common::write_files(&format!("hostile-limits-{name}"), files)
}

/// A scenario of the queue flow with `settings` (its other keys).
fn queue_scenario(settings: &str) -> String {
    format!("scenario: flood\nflow: flow.yaml\npersonas: [personas.yaml]\n{settings}")
}

/// Asserts `ran` was refused before simulating (exit 2, quickly), with
/// every one of `expected` in its messages.
fn refused(ran: &Ran, expected: &[&str]) {
    let both = ran.both();
    assert_eq!(ran.code, Some(2), "{both}");
    assert!(ran.took < REFUSED_WITHIN, "took {:?}: {both}", ran.took);
    for text in expected {
        assert!(both.contains(text), "`{text}` not in:\n{both}");
    }
}

#[test]
fn ten_million_arrivals_an_hour_for_a_year_are_refused_at_the_duration() {
    // Once: waiting customers piled up until the process aborted at 2 GiB.
    let scenario = queue_scenario(
        "duration: 365d\nreplications: 2\narrivals: {poisson: {per_hour: 10000000}}\nagents:\n  support: {count: 1, handle_time: {fixed: 5m}}\n",
    );
    let dir = files(
        "year-flood",
        &[
            ("flow.yaml", QUEUE_FLOW),
            ("personas.yaml", CALLER),
            ("scenario.yaml", &scenario),
        ],
    );
    for command in ["run", "check", "lint"] {
        let ran = rehearse(
            &dir,
            &[command, "scenario.yaml"],
            DEADLINE,
            Some(TWO_GIB_IN_KIB),
        );
        let both = ran.both();
        assert!(matches!(ran.code, Some(1 | 2)), "{command}: {both}");
        for text in [
            "error[S05]",
            "scenario.yaml:4:1 (at `duration`)",
            "118,608,137,796 conversations in one replication; at most 10,000,000",
            "about 44m of this traffic fit in one replication",
        ] {
            assert!(both.contains(text), "{command}: `{text}` not in:\n{both}");
        }
    }
    let ran = rehearse(&dir, &["run", "scenario.yaml"], DEADLINE, None);
    refused(&ran, &["nothing was simulated"]);
}

#[test]
fn a_flooded_queue_within_the_caps_turns_customers_away_and_finishes_under_2_gib() {
    // Two and a half million customers for one agent: the queue holds
    // 100,000 of them, the rest are turned away at once. Once every one
    // of them waited, half a kilobyte each.
    let scenario = queue_scenario(
        "duration: 15m\nreplications: 1\narrivals: {poisson: {per_hour: 10000000}}\nagents:\n  support: {count: 1, handle_time: {fixed: 5m}}\n",
    );
    let dir = files(
        "queue-flood",
        &[
            ("flow.yaml", QUEUE_FLOW),
            ("personas.yaml", CALLER),
            ("scenario.yaml", &scenario),
        ],
    );
    let ran = rehearse(
        &dir,
        &["run", "scenario.yaml", "--format", "yaml"],
        DEADLINE,
        Some(TWO_GIB_IN_KIB),
    );
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    let full: u64 = ran
        .stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("queue_full: "))
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("no `queue_full` reason in:\n{}", ran.stdout));
    assert!(full > 2_000_000, "{full} turned away");
}

#[test]
fn replications_that_would_not_fit_in_memory_together_run_one_at_a_time() {
    // A million customers a replication go silent at a node that follows
    // up 30 days later: each replication keeps a million paused
    // conversations (over a gigabyte). Two at once, on two threads, passed
    // 2 GiB; the estimate runs them one after the other, with the same
    // report.
    let flow = "flow: silent\nstart: ask\nnodes:\n  ask:\n    say: \"Still there?\"\n    buttons: [\"Yes\"]\n    routes: {\"Yes\": done, fallback: ask}\n    follow_up: {after: 30d, say: \"Hello again\"}\n  done:\n    end: resolved\n";
    let personas = "personas:\n  - name: quiet\n    goals: [{want: nothing, taps: [\"Yes\"]}]\n    behaviour: {drop_per_turn: 1}\n";
    let scenario = "scenario: silent\nflow: flow.yaml\npersonas: [personas.yaml]\nduration: 1h\nreplications: 2\narrivals: {poisson: {per_hour: 1000000}}\n";
    let dir = files(
        "paused",
        &[
            ("flow.yaml", flow),
            ("personas.yaml", personas),
            ("scenario.yaml", scenario),
        ],
    );
    let ran = rehearse(
        &dir,
        &["run", "scenario.yaml", "--format", "yaml"],
        DEADLINE,
        Some(TWO_GIB_IN_KIB),
    );
    assert_eq!(ran.code, Some(0), "{}", ran.both());
    assert!(ran.stdout.contains("replications: 2"), "{}", ran.stdout);
}

#[test]
fn an_audience_of_ten_million_with_255_campaigns_is_refused_at_the_campaigns() {
    // Once: aborted at 2 GiB after a minute.
    let flow = "flow: promo\nstart: hi\ntemplates:\n  promo:\n    category: marketing\n    body: \"Sale today\"\n    buttons: [\"Shop\"]\n    routes: {\"Shop\": done}\nnodes:\n  hi:\n    say: \"Hi\"\n    next: done\n  done:\n    end: resolved\n";
    let personas = "personas:\n  - name: member\n    goals: [{want: shop, taps: [\"Shop\"]}]\n    engagement: {reads: 0.9, read_delay: {fixed: 1m}, replies: 0.5}\n";
    let mut scenario = String::from(
        "scenario: blast\nflow: flow.yaml\npersonas: [personas.yaml]\nduration: 1d\nreplications: 2\narrivals: {poisson: {per_hour: 1}}\naudience:\n  size: 10000000\ncampaigns:\n",
    );
    for i in 0..255 {
        scenario.push_str(&format!(
            "  - {{name: c{i}, template: promo, send_at: \"Mon 00:00\"}}\n"
        ));
    }
    let dir = files(
        "campaigns",
        &[
            ("flow.yaml", flow),
            ("personas.yaml", personas),
            ("scenario.yaml", &scenario),
        ],
    );
    let ran = rehearse(
        &dir,
        &["run", "scenario.yaml"],
        DEADLINE,
        Some(TWO_GIB_IN_KIB),
    );
    refused(
        &ran,
        &[
            "error[S08]",
            "scenario.yaml:9:1 (at `campaigns`)",
            "255 campaigns to an audience of 10,000,000 send 2,550,000,000 template messages",
            "send at most 1 of them",
        ],
    );
}

#[test]
fn a_keyword_of_forty_thousand_letters_is_refused_where_written_at_once() {
    // Once: 23 s to lint, building its matcher in quadratic time.
    let flow = format!(
        "flow: big\nstart: ask\nintents:\n  big: [\"{}\"]\nnodes:\n  ask:\n    say: \"Hi?\"\n    buttons: [\"Yes\", \"No\"]\n    routes: {{\"Yes\": done, \"No\": done, intent big: done}}\n  done:\n    end: resolved\n",
        "a".repeat(40_000)
    );
    let dir = files("long-keyword", &[("flow.yaml", &flow)]);
    let ran = rehearse(&dir, &["lint", "flow.yaml"], DEADLINE, None);
    assert_eq!(ran.code, Some(1), "{}", ran.both());
    assert!(ran.took < REFUSED_WITHIN, "took {:?}", ran.took);
    for text in [
        "error[F10]",
        "flow.yaml:4:3 (at `intents.big`)",
        "keyword 1 of intent `big` has 40000 characters; a keyword has at most 500",
    ] {
        assert!(
            ran.stdout.contains(text),
            "`{text}` not in:\n{}",
            ran.stdout
        );
    }
}

#[test]
fn customers_who_come_back_at_once_are_refused_at_the_personas() {
    // Once: every customer came back a millisecond after leaving, for
    // hundreds of billions of conversations: the run never ended.
    let flow = "flow: quick\nstart: done\nnodes:\n  done:\n    end: resolved\n";
    let personas = "personas:\n  - name: back\n    goals: [{want: x, says: hi}]\n    returns: {after: {fixed: 1ms}, resolved: 1, unresolved: 1}\n";
    let scenario = "scenario: returns\nflow: flow.yaml\npersonas: [personas.yaml]\nduration: 1d\nreplications: 1\narrivals: {poisson: {per_hour: 100}}\n";
    let dir = files(
        "returns",
        &[
            ("flow.yaml", flow),
            ("personas.yaml", personas),
            ("scenario.yaml", scenario),
        ],
    );
    let ran = rehearse(&dir, &["run", "scenario.yaml"], DEADLINE, None);
    refused(
        &ran,
        &[
            "error[S05]",
            "scenario.yaml:3:1 (at `personas`)",
            "customers of persona `back` come back up to 86,400,001 times in one replication",
            "`returns.after`",
        ],
    );
}

#[test]
fn a_pool_of_four_billion_agents_is_refused_where_written() {
    // Once: agents holding several chats took 4 bytes each, allocated at
    // once: 16 GB.
    let scenario = queue_scenario(
        "duration: 1h\narrivals: {poisson: {per_hour: 60}}\nagents:\n  support: {count: 4000000000, concurrency: 2, handle_time: {fixed: 5m}}\n",
    );
    let dir = files(
        "agents",
        &[
            ("flow.yaml", QUEUE_FLOW),
            ("personas.yaml", CALLER),
            ("scenario.yaml", &scenario),
        ],
    );
    let ran = rehearse(
        &dir,
        &["run", "scenario.yaml"],
        DEADLINE,
        Some(TWO_GIB_IN_KIB),
    );
    refused(
        &ran,
        &[
            "error[S05]",
            "(at `agents.support.count`)",
            "a pool has at most 100000 agents on shift, got 4000000000",
        ],
    );
}

#[test]
fn more_replications_than_the_work_cap_allows_are_refused_at_the_knob() {
    let scenario = queue_scenario(
        "duration: 100m\nreplications: 1048576\nmax_turns: 1000\narrivals: {poisson: {per_hour: 600}}\nagents:\n  support: {count: 20, handle_time: {fixed: 1m}}\n",
    );
    let dir = files(
        "replications",
        &[
            ("flow.yaml", QUEUE_FLOW),
            ("personas.yaml", CALLER),
            ("scenario.yaml", &scenario),
        ],
    );
    // Written in the file: located at `replications`.
    let ran = rehearse(&dir, &["run", "scenario.yaml"], DEADLINE, None);
    refused(
        &ran,
        &[
            "error[S05]",
            "scenario.yaml:5:1 (at `replications`)",
            "1048576 replications may take",
            "a run may take at most 200,000,000,000",
            "run at most",
        ],
    );
    // Given as a flag: the flag is named, with what fits.
    let fine = scenario.replace("replications: 1048576", "replications: 2");
    std::fs::write(dir.join("scenario.yaml"), fine).unwrap();
    for command in ["run", "check"] {
        let ran = rehearse(
            &dir,
            &[command, "scenario.yaml", "--replications", "1048576"],
            DEADLINE,
            None,
        );
        refused(
            &ran,
            &[
                "a run takes at most 200,000,000,000",
                "--replications 1048576: give at most",
            ],
        );
    }
}

#[test]
fn transcripts_beyond_the_cap_are_refused() {
    // Once: every transcript of every replication was kept, and a billion
    // of them aborted at 2 GiB.
    let dir = common::root().join("scenarios/bank");
    let ran = rehearse(
        &dir,
        &[
            "run",
            "lunchtime-peak.yaml",
            "--replications",
            "5000",
            "--transcripts",
            "1000000000",
        ],
        DEADLINE,
        Some(TWO_GIB_IN_KIB),
    );
    refused(&ran, &["--transcripts", "0..=1000"]);
    // At the cap, with a filter few conversations pass: bounded.
    let ran = rehearse(
        &dir,
        &[
            "run",
            "lunchtime-peak.yaml",
            "--replications",
            "3",
            "--transcripts",
            "1000",
            "--where",
            "abandoned_in_queue",
            "--format",
            "json",
        ],
        DEADLINE,
        Some(TWO_GIB_IN_KIB),
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
}
