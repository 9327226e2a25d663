//! The article's metrics on flows small enough to work out by hand: CSAT,
//! conversion, response rate, why customers leave, queues, time of day and
//! opening hours. Where a value is exact the test says so; where it is a
//! share of random customers, the tolerance is 5 standard deviations of a
//! binomial share (a correct engine fails with probability below 1e-6, and
//! the seed is fixed, so the verdict is the same on every run).

mod common;

use rehearse::Report;

/// A shop window: the customer taps "Buy" or "Browse"; buying is a goal
/// worth 25. A survey (typed 1 to 5) closes both paths.
const FLOW: &str = r#"flow: window
start: welcome
latency: {fixed: 1s}
intents:
  wait: ["wait"]
nodes:
  welcome:
    say: "Hi! Buy or browse?"
    buttons: ["Buy", "Browse", "Agent"]
    routes: {"Buy": bought, "Browse": more, "Agent": handoff, intent wait: queue, fallback: sorry}
  sorry:
    say: "Sorry, please tap a button."
    buttons: ["Buy", "Browse"]
    routes: {"Buy": bought, "Browse": more, fallback: sorry}
  bought:
    say: "Thanks for your order!"
    converts: purchase
    value: 25
    next: survey
  more:
    say: "Anything else?"
    buttons: ["No thanks"]
    routes: {"No thanks": survey, fallback: survey}
  survey:
    csat: "How did we do? Reply 1 to 5."
    next: done
  handoff:
    handoff: {queue: support, closed: closed}
  queue:
    handoff: {queue: support}
  closed:
    say: "We're closed; we'll write back in the morning."
    end: unresolved
  done:
    end: resolved
"#;

const PERSONAS: &str = r#"personas:
  - name: buyer
    goals: [{want: to buy, taps: ["Buy"]}]
    satisfaction: {base: 4.2}
    survey_response: 1
  - name: browser
    goals: [{want: to look around, taps: ["Browse", "No thanks"]}]
    satisfaction: {base: 3.7, noise: 0.7}
    survey_response: 1
  - name: shy
    goals: [{want: to buy, taps: ["Buy"]}]
    satisfaction: {base: 5}
    survey_response: 0.3
  - name: lost
    goals: [{want: something else, taps: ["Buy", "Help"]}]
  - name: dropper
    goals: [{want: to buy, taps: ["Buy"]}]
    behaviour: {drop_per_turn: 1}
  - name: impatient
    goals: [{want: to buy, taps: ["Buy"]}]
    behaviour: {patience: {bot: {fixed: 500ms}}}
  - name: mumbler
    goals: [{want: to chat, says: "hmm"}]
    behaviour: {leaves_after_fallbacks: 1}
  - name: caller
    goals: [{want: a person, taps: ["Agent"]}]
  - name: waiter
    goals: [{want: a person, says: "I'll wait"}]
    behaviour: {patience: {queue: {fixed: 1m}}}
"#;

/// `duration` of 120 customers an hour, all of `mix`, with the support
/// queue as given; one replication unless `extra` says otherwise.
fn run_with(name: &str, mix: &str, duration: &str, agents: &str, extra: &str) -> Report {
    let replications = if extra.contains("replications:") {
        ""
    } else {
        "replications: 1\n"
    };
    let scenario = format!(
        "scenario: {name}\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {{{mix}}}\nseed: 4\n\
         duration: {duration}\n{replications}arrivals: {{poisson: {{per_hour: 120}}}}\n\
         agents: {{support: {agents}}}\n{extra}"
    );
    let dir = common::write_files(
        &format!("metrics-{name}"),
        &[
            ("flow.yaml", FLOW),
            ("personas.yaml", PERSONAS),
            ("scenario.yaml", &scenario),
        ],
    );
    common::report(&common::load(&dir.join("scenario.yaml")))
}

fn run(name: &str, mix: &str, duration: &str) -> Report {
    run_with(
        name,
        mix,
        duration,
        "{count: 1, handle_time: {fixed: 1m}}",
        "",
    )
}

/// 5 standard deviations of a share `p` of `n`.
fn tolerance(p: f64, n: u64) -> f64 {
    5.0 * (p * (1.0 - p) / n as f64).sqrt()
}

#[test]
fn every_answered_survey_scores_what_the_satisfaction_model_says() {
    // Base 4.2, no noise, nothing went wrong: every score is round(4.2) = 4.
    let report = run("csat-exact", "buyer: 1", "5h");
    let csat = report.csat.as_ref().expect("the flow has a survey");
    assert!(report.conversations > 400);
    assert_eq!(csat.mean, Some(4.0));
    assert_eq!(csat.satisfied, Some(1.0));
    assert_eq!(csat.response_rate, 1.0);
    assert_eq!(csat.scores[&4], report.conversations);
    // A survey answer is a reply to a prompt: two prompts, two replies.
    assert_eq!(report.rates.get(rehearse::metric::Rate::Response), 1.0);
}

/// P(a ≤ N(mean, sd) < b), from the error function.
fn normal_between(a: f64, b: f64, mean: f64, sd: f64) -> f64 {
    let cdf = |x: f64| 0.5 * (1.0 + erf((x - mean) / (sd * std::f64::consts::SQRT_2)));
    cdf(b) - cdf(a)
}

/// Abramowitz and Stegun 7.1.26: within 1.5e-7, far below the tolerances.
fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let y = 1.0 - poly * (-x * x).exp();
    if x < 0.0 { -y } else { y }
}

#[test]
fn scores_follow_the_model_s_distribution() {
    // Base 3.7 with noise 0.7: a score is round(3.7 + 0.7 Z) clamped to 1..5,
    // so P(score = k) = P(k - 0.5 <= 3.7 + 0.7 Z < k + 0.5), the tails going
    // to 1 and 5.
    let report = run("csat-distribution", "browser: 1", "40h");
    let csat = report.csat.as_ref().unwrap();
    let answered: u64 = csat.scores.values().sum();
    assert!(answered > 4_000, "{answered}");
    for k in 1..=5u8 {
        let low = if k == 1 {
            f64::NEG_INFINITY
        } else {
            f64::from(k) - 0.5
        };
        let high = if k == 5 {
            f64::INFINITY
        } else {
            f64::from(k) + 0.5
        };
        let expected = normal_between(low, high, 3.7, 0.7);
        let share = csat.scores[&k] as f64 / answered as f64;
        assert!(
            (share - expected).abs() <= tolerance(expected, answered) + 1e-9,
            "score {k}: {share} vs {expected}"
        );
    }
}

#[test]
fn skipping_the_survey_after_the_goal_is_met_is_not_an_abandonment() {
    // 30% answer; the other 70% leave at the survey, whose `next` leads
    // straight to `end: resolved`: they are self-resolved, not abandoned.
    let report = run("csat-skip", "shy: 1", "10h");
    assert_eq!(
        report.outcomes.get(rehearse::metric::Outcome::SelfResolved),
        1.0
    );
    assert_eq!(report.funnel["survey"].abandoned, 0);
    let csat = report.csat.as_ref().unwrap();
    let shown = report.funnel["survey"].entered;
    assert!(
        (csat.response_rate - 0.3).abs() <= tolerance(0.3, shown),
        "{}",
        csat.response_rate
    );
    // Everyone who answered scored 5.
    assert_eq!(csat.satisfied, Some(1.0));
}

#[test]
fn reaching_a_goal_node_is_a_conversion_worth_its_value() {
    let report = run("conversion-exact", "buyer: 1", "5h");
    assert_eq!(report.conversion["purchase"], 1.0);
    assert_eq!(report.conversion_value["purchase"], 25.0);
    let mixed = run("conversion-mixed", "buyer: 0.4, browser: 0.6", "20h");
    let share = mixed.conversion["purchase"];
    assert!(
        (share - 0.4).abs() <= tolerance(0.4, mixed.conversations),
        "{share}"
    );
    // The value per conversation is the goal's value times its share.
    // (Both are rounded to 4 decimals: 25 x 0.00005 of rounding, and more.)
    assert!((mixed.conversion_value["purchase"] - 25.0 * share).abs() < 2e-3);
    assert_eq!(mixed.personas["browser"].conversion["purchase"], 0.0);
    assert_eq!(mixed.personas["buyer"].conversion["purchase"], 1.0);
}

#[test]
fn the_response_rate_counts_prompts_left_unanswered() {
    // `lost` taps "Buy" at the welcome (one prompt, one reply), then finds
    // nothing to tap at the survey and has nothing to say: 1 reply, 2 prompts.
    let report = run("response-rate", "lost: 1", "5h");
    assert_eq!(report.rates.get(rehearse::metric::Rate::Response), 0.5);
    assert_eq!(
        report.outcomes.get(rehearse::metric::Outcome::SelfResolved),
        1.0,
        "a skipped survey that resolves"
    );
}

#[test]
fn each_way_of_leaving_has_its_reason_where_it_happened() {
    let reasons = |report: &Report, node: &str| report.funnel[node].reasons.clone();
    let dropped = run("reason-dropped", "dropper: 1", "3h");
    assert_eq!(
        dropped
            .outcomes
            .get(rehearse::metric::Outcome::AbandonedInBot),
        1.0
    );
    assert_eq!(
        reasons(&dropped, "welcome")["dropped"],
        dropped.conversations
    );

    // The bot takes 1s; a customer with 500ms of patience leaves at 500ms.
    let silent = run("reason-silence", "impatient: 1", "3h");
    assert_eq!(
        reasons(&silent, "welcome")["bot_silence"],
        silent.conversations
    );
    assert_eq!(silent.response_time.resolution.mean, None);

    // "hmm" is not understood; the customer leaves on the first "sorry".
    let misunderstood = run("reason-misunderstood", "mumbler: 1", "3h");
    assert_eq!(
        reasons(&misunderstood, "sorry")["misunderstood"],
        misunderstood.conversations
    );

    // With no agents, everyone waits their minute of patience and leaves
    // (at a handoff without a `closed:` route: with one, a queue that never
    // has agents is always closed).
    let queued = run_with(
        "reason-queue",
        "waiter: 1",
        "3h",
        "{count: 0, handle_time: {fixed: 1m}}",
        "",
    );
    assert_eq!(
        queued
            .outcomes
            .get(rehearse::metric::Outcome::AbandonedInQueue),
        1.0
    );
    assert_eq!(
        reasons(&queued, "queue")["queue_patience"],
        queued.conversations
    );
    assert_eq!(queued.response_time.queue_wait.max, Some(60.0));
    let queue = &queued.queues["support"];
    assert_eq!(
        (queue.arrived, queue.served, queue.abandoned),
        (queued.conversations, 0, queued.conversations)
    );
}

#[test]
fn outside_opening_hours_every_handoff_takes_the_closed_route() {
    // Agents work Mon-Fri 09:00-17:00; this Saturday morning nobody is there.
    let agents = r#"{count: 1, hours: "Mon-Fri 09:00-17:00", handle_time: {fixed: 1m}}"#;
    let weekend = run_with(
        "closed-weekend",
        "caller: 1",
        "2h",
        agents,
        "starts_at: \"Sat 10:00\"\n",
    );
    assert_eq!(
        weekend.outcomes.get(rehearse::metric::Outcome::Unresolved),
        1.0
    );
    assert_eq!(weekend.funnel["closed"].entered, weekend.conversations);
    assert_eq!(weekend.queues["support"].arrived, 0);

    // Monday 08:00 to 10:00: Poisson arrivals are uniform over the two
    // hours, so half the customers (the 08:00-09:00 ones) meet a closed queue.
    let monday = run_with(
        "closed-monday",
        "caller: 1",
        "2h",
        agents,
        "starts_at: \"Mon 08:00\"\nreplications: 20\n",
    );
    let closed = monday.funnel["closed"].entered as f64 / monday.conversations as f64;
    assert!(
        (closed - 0.5).abs() <= tolerance(0.5, monday.conversations),
        "{closed}"
    );
    assert_eq!(
        monday.queues["support"].arrived + monday.funnel["closed"].entered,
        monday.conversations
    );
}

#[test]
fn a_daily_profile_brings_customers_only_in_its_busy_hours() {
    // 120 an hour from 10:00 to 11:00, none otherwise: over a day, about 120
    // a replication, and every one meets the 10:00-11:00 shift.
    let dir = common::write_files(
        "metrics-profile",
        &[
            ("flow.yaml", FLOW),
            ("personas.yaml", PERSONAS),
            (
                "scenario.yaml",
                "scenario: profile\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {caller: 1}\nseed: 2\n\
                 starts_at: \"Mon 00:00\"\nduration: 1d\nreplications: 20\n\
                 arrivals: {profile: {per_hour: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 120, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}}\n\
                 agents: {support: {count: 100, hours: \"Mon 10:00-11:00\", handle_time: {fixed: 1m}}}\n",
            ),
        ],
    );
    let scenario = common::load(&dir.join("scenario.yaml"));
    assert!((scenario.expected_arrivals() - 120.0).abs() < 1e-9);
    let report = common::report(&scenario);
    // Poisson(2,400) over 20 replications: 5 standard deviations is 245.
    assert!(
        (report.conversations as f64 - 2_400.0).abs() <= 245.0,
        "{}",
        report.conversations
    );
    assert_eq!(report.funnel["closed"].entered, 0);
    assert_eq!(
        report
            .outcomes
            .get(rehearse::metric::Outcome::AgentResolved),
        1.0
    );
}

#[test]
fn a_single_agent_queue_is_busy_the_share_of_time_theory_says() {
    // M/D/1: 30 customers an hour, each a fixed minute: the agent is busy
    // half the time (utilisation = arrival rate x service time = 0.5); these
    // callers wait as long as it takes, so nobody gives up. Over 20 replications of 20 hours, the replications'
    // spread gives the standard error; the tolerance is 5 of them.
    let dir = common::write_files(
        "metrics-utilisation",
        &[
            ("flow.yaml", FLOW),
            ("personas.yaml", PERSONAS),
            (
                "scenario.yaml",
                "scenario: md1\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {caller: 1}\nseed: 6\n\
                 duration: 20h\nreplications: 20\narrivals: {poisson: {per_hour: 30}}\n\
                 agents: {support: {count: 1, handle_time: {fixed: 1m}}}\n",
            ),
        ],
    );
    let simulation = common::simulation(&common::load(&dir.join("scenario.yaml")));
    let metric = rehearse::Metric::parse("queues.support.utilisation").unwrap();
    let (mean, sd, n) = simulation.spread(&metric).unwrap();
    let standard_error = sd / f64::from(n).sqrt();
    assert!(
        (mean - 0.5).abs() <= 5.0 * standard_error,
        "{mean} ± {standard_error}"
    );
    assert!(
        5.0 * standard_error < 0.05,
        "the check is tight enough to mean something"
    );
}

#[test]
fn transcripts_show_what_the_customer_saw() {
    let dir = common::write_files(
        "metrics-transcripts",
        &[
            ("flow.yaml", FLOW),
            ("personas.yaml", PERSONAS),
            (
                "scenario.yaml",
                "scenario: transcripts\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {buyer: 0.5, mumbler: 0.5}\nseed: 1\n\
                 duration: 1h\nreplications: 1\narrivals: {poisson: {per_hour: 60}}\n\
                 agents: {support: {count: 1, handle_time: {fixed: 1m}}}\n",
            ),
        ],
    );
    let transcripts_of = || {
        let args = [
            "run",
            "scenario.yaml",
            "--transcripts",
            "2",
            "--where",
            "abandoned_in_bot",
        ];
        let output = common::rehearse_in(&dir, &args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let text = transcripts_of();
    let transcripts = &text[text.find("Transcripts").expect("a transcripts section")..];
    insta::assert_snapshot!(transcripts);
    // The same seed gives the same transcripts.
    assert_eq!(transcripts_of(), text);
}

#[test]
fn an_ab_split_reports_each_variant_and_keeps_a_customer_in_theirs() {
    // Half the customers get buttons, half a question they cannot answer:
    // every "buttons" customer buys, every "question" customer gives up.
    let flow = r#"flow: ab
start: test
nodes:
  test:
    split: {buttons: 0.5, question: 0.5}
    routes: {buttons: welcome, question: ask}
  welcome:
    say: "Buy?"
    buttons: ["Buy"]
    routes: {"Buy": done, fallback: welcome}
  ask:
    say: "What would you like?"
    expect: {pattern: "^x$"}
    routes: {valid: done, invalid: done}
  done:
    end: resolved
"#;
    let scenario = "scenario: ab\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {buyer: 1}\nseed: 3\n\
                    duration: 20h\nreplications: 2\narrivals: {poisson: {per_hour: 60}}\n";
    let dir = common::write_files(
        "metrics-ab",
        &[
            ("flow.yaml", flow),
            ("personas.yaml", PERSONAS),
            ("scenario.yaml", scenario),
        ],
    );
    let report = common::report(&common::load(&dir.join("scenario.yaml")));
    let (buttons, question) = (&report.variants["buttons"], &report.variants["question"]);
    assert_eq!(
        buttons.conversations + question.conversations,
        report.conversations
    );
    let share = buttons.conversations as f64 / report.conversations as f64;
    assert!(
        (share - 0.5).abs() <= tolerance(0.5, report.conversations),
        "{share}"
    );
    assert_eq!(
        buttons
            .outcomes
            .get(rehearse::metric::Outcome::SelfResolved),
        1.0
    );
    assert_eq!(
        question
            .outcomes
            .get(rehearse::metric::Outcome::AbandonedInBot),
        1.0
    );

    // The same customers in a version where the question path has a slow
    // backend before it: the variant draw does not depend on the bot's other
    // draws, so every customer is in the same variant as before.
    let slower = flow.replace(
        "routes: {buttons: welcome, question: ask}",
        "routes: {buttons: welcome, question: wait}\n  wait:\n    call: {name: crm, latency: {exponential: {mean: 2s}}}\n    routes: {ok: ask}",
    );
    std::fs::write(dir.join("slower.yaml"), slower).unwrap();
    let (slower_flow, _) = rehearse::Loader::new()
        .flow(&dir.join("slower.yaml"))
        .unwrap();
    let other = common::report(
        &common::load(&dir.join("scenario.yaml"))
            .with_flow(slower_flow)
            .unwrap(),
    );
    assert_eq!(
        other.variants["buttons"].conversations,
        buttons.conversations
    );
    assert_eq!(
        other.variants["question"].conversations,
        question.conversations
    );
}
