//! The engine against a flow small enough to work out by hand. Every delay
//! is fixed, so each persona's timeline, and therefore the report, is exact.

mod common;

use rehearse::Report;

/// The bot takes 2s per reply. The welcome text has 7 words.
const FLOW: &str = r#"
flow: tiny
version: "1"
start: welcome
latency: {fixed: 2s}
intents:
  agent: ["agent", "human"]
nodes:
  welcome:
    say: "Hi! Do you want the good news?"
    buttons: ["Yes", "No", "Agent"]
    routes: {"Yes": good, "No": bye, "Agent": handoff, intent agent: handoff, fallback: sorry}
  sorry:
    say: "Sorry, please tap a button."
    buttons: ["Yes", "No", "Agent"]
    routes: {"Yes": good, "No": bye, "Agent": handoff, fallback: sorry}
  good:
    say: "Great news: it worked."
    next: done
  done:
    end: resolved
  bye:
    end: unresolved
  handoff:
    say: "Connecting you."
    handoff: {queue: support}
  retry:
    call: {name: flaky-api, latency: {fixed: 0s}, fails: 1.0}
    routes: {ok: done, error: retry}
"#;

const PERSONAS: &str = r#"
personas:
  - name: yes-sayer
    goals: [{want: good news, taps: ["Yes"]}]
    behaviour: {read: {fixed: 10s}}
  - name: mumbler
    goals: [{want: to chat, says: "hmm"}]
    behaviour: {leaves_after_fallbacks: 2}
  - name: stubborn-mumbler
    goals: [{want: to chat, says: "hmm"}]
  - name: impatient
    goals: [{want: good news, taps: ["Yes"]}]
    behaviour: {patience: {bot: {fixed: 1s}}}
  - name: lost
    goals: [{want: something else, taps: ["Maybe"]}]
  - name: naysayer
    goals: [{want: nothing, taps: ["No"]}]
  - name: human-seeker
    goals: [{want: a person, taps: ["Agent"]}]
    behaviour: {reading_wpm: 60}
  - name: typist
    goals: [{want: a person, says: "a HUMAN please"}]
    behaviour: {types_instead_of_tapping: 1.0, typing_wpm: 30}
"#;

/// Runs about `minutes` customers of one persona (one a minute) through
/// the tiny flow, in one replication.
fn run(persona: &str, minutes: u64, extra: &str) -> Report {
    let scenario = format!(
        "scenario: {persona}\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {{{persona}: 1}}\nseed: 1\n\
         duration: {minutes}m\nreplications: 1\nmax_turns: 5\narrivals: {{poisson: {{per_hour: 60}}}}\n\
         agents: {{support: {{count: 1000, handle_time: {{fixed: 5m}}, first_reply: {{fixed: 30s}}}}}}\n{extra}"
    );
    let dir = common::write_files(
        &format!("engine-{persona}"),
        &[
            ("flow.yaml", FLOW),
            ("personas.yaml", PERSONAS),
            ("scenario.yaml", &scenario),
        ],
    );
    common::report(&common::load(&dir.join("scenario.yaml")))
}

#[test]
fn a_customer_who_taps_the_right_button_is_self_resolved_on_a_known_timeline() {
    let report = run("yes-sayer", 40, "");
    assert!(report.conversations > 20, "{}", report.conversations);
    assert_eq!(
        report.outcomes.get(rehearse::metric::Outcome::SelfResolved),
        1.0
    );
    // Opening message -> 2s -> welcome; read 10s, tap -> 2s -> good + done.
    assert_eq!(report.response_time.bot.max, Some(2.0));
    assert_eq!(report.response_time.bot.p50, Some(2.0));
    assert_eq!(report.response_time.resolution.p50, Some(14.0));
    assert_eq!(report.response_time.resolution.max, Some(14.0));
    assert_eq!((report.turns.mean, report.turns.max), (1.0, 1));
    assert_eq!(report.rates.get(rehearse::metric::Rate::Fallback), 0.0);
    assert_eq!(report.funnel["welcome"].entered, report.conversations);
    assert_eq!(report.funnel["good"].entered, report.conversations);
    assert_eq!(report.funnel["sorry"].entered, 0);
    assert_eq!(report.response_time.queue_wait.mean, None);
}

#[test]
fn a_customer_the_bot_does_not_understand_twice_leaves_where_it_happened() {
    let report = run("mumbler", 30, "");
    assert_eq!(
        report
            .outcomes
            .get(rehearse::metric::Outcome::AbandonedInBot),
        1.0
    );
    assert_eq!(report.rates.get(rehearse::metric::Rate::Abandonment), 1.0);
    // Both replies ("hmm", "hmm") were fallbacks.
    assert_eq!(report.rates.get(rehearse::metric::Rate::Fallback), 1.0);
    assert_eq!(report.turns.max, 2);
    // They leave where the bot's second "sorry" shows it did not understand.
    assert_eq!(report.funnel["welcome"].abandoned, 0);
    assert_eq!(report.funnel["sorry"].entered, report.conversations);
    assert_eq!(report.funnel["sorry"].abandoned, report.conversations);
}

#[test]
fn the_turn_limit_ends_a_conversation_going_round_in_circles() {
    let report = run("stubborn-mumbler", 30, "");
    assert_eq!(
        report.outcomes.get(rehearse::metric::Outcome::Unresolved),
        1.0
    );
    assert_eq!(report.turns.max, 5);
}

#[test]
fn a_bot_slower_than_the_customer_s_patience_loses_them_before_its_first_reply() {
    let report = run("impatient", 30, "");
    assert_eq!(
        report
            .outcomes
            .get(rehearse::metric::Outcome::AbandonedInBot),
        1.0
    );
    assert_eq!(report.funnel["welcome"].abandoned, report.conversations);
    // No reply was ever seen, so none is counted.
    assert_eq!(report.response_time.bot.mean, None);
    assert_eq!(report.turns.max, 0);
}

#[test]
fn a_customer_with_nothing_to_tap_or_say_gives_up() {
    let report = run("lost", 30, "");
    assert_eq!(
        report
            .outcomes
            .get(rehearse::metric::Outcome::AbandonedInBot),
        1.0
    );
}

#[test]
fn an_unresolved_end_counts_as_unresolved() {
    let report = run("naysayer", 30, "");
    assert_eq!(
        report.outcomes.get(rehearse::metric::Outcome::Unresolved),
        1.0
    );
    assert_eq!(report.funnel["bye"].entered, report.conversations);
}

#[test]
fn a_handoff_with_free_agents_is_served_at_once() {
    let report = run("human-seeker", 20, "");
    assert_eq!(
        report
            .outcomes
            .get(rehearse::metric::Outcome::AgentResolved),
        1.0
    );
    assert_eq!(report.rates.get(rehearse::metric::Rate::Escalation), 1.0);
    assert_eq!(report.response_time.queue_wait.max, Some(0.0));
    assert_eq!(report.response_time.agent_first_response.p50, Some(30.0));
    // 2s bot + 7 words at 60 wpm (7s) + 2s bot + 5m handling.
    assert_eq!(report.response_time.resolution.max, Some(311.0));
}

#[test]
fn typed_text_is_understood_through_intents() {
    let report = run("typist", 30, "");
    assert_eq!(
        report
            .outcomes
            .get(rehearse::metric::Outcome::AgentResolved),
        1.0
    );
    assert_eq!(report.rates.get(rehearse::metric::Rate::Fallback), 0.0);
    // "a HUMAN please" is 14 characters = 2.8 typed words at 30 wpm = 5.6s.
    assert_eq!(
        report.response_time.resolution.max,
        Some(2.0 + 5.6 + 2.0 + 300.0)
    );
}

#[test]
fn a_bot_looping_without_waiting_for_the_customer_ends_unresolved() {
    // A retry loop around a call that always fails passes lint (it has an
    // `ok` way out) but never leaves in practice: the step limit ends it.
    let flow = FLOW.replace("start: welcome", "start: retry");
    let dir = common::write_files(
        "engine-loop",
        &[
            ("flow.yaml", &flow),
            ("personas.yaml", PERSONAS),
            (
                "scenario.yaml",
                "scenario: loop\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {yes-sayer: 1}\nduration: 10m\nreplications: 1\n\
                 arrivals: {poisson: {per_hour: 60}}\nagents: {support: {count: 1, handle_time: {fixed: 1m}}}\n",
            ),
        ],
    );
    let report = common::report(&common::load(&dir.join("scenario.yaml")));
    assert_eq!(
        report.outcomes.get(rehearse::metric::Outcome::Unresolved),
        1.0
    );
}

#[test]
fn the_mix_splits_conversations_between_personas() {
    let dir = common::write_files(
        "engine-mix",
        &[
            ("flow.yaml", FLOW),
            ("personas.yaml", PERSONAS),
            (
                "scenario.yaml",
                "scenario: mix\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {yes-sayer: 0.75, naysayer: 0.25}\n\
                 duration: 2000m\nreplications: 1\narrivals: {poisson: {per_hour: 600}}\nagents: {support: {count: 1, handle_time: {fixed: 1m}}}\n",
            ),
        ],
    );
    let report = common::report(&common::load(&dir.join("scenario.yaml")));
    // Given n conversations, the yes-sayer share is Binomial(n, 0.75)/n:
    // 5 standard deviations are 5 sqrt(0.75 * 0.25 / n), 0.0153 for n = 20,000.
    let n = report.conversations as f64;
    assert!(n > 19_000.0, "{n}");
    let tolerance = 5.0 * (0.75 * 0.25 / n).sqrt();
    assert!(
        (report.outcomes.get(rehearse::metric::Outcome::SelfResolved) - 0.75).abs() < tolerance,
        "{} (tolerance {tolerance})",
        report.outcomes.get(rehearse::metric::Outcome::SelfResolved)
    );
    assert_eq!(
        report.personas["yes-sayer"].conversations + report.personas["naysayer"].conversations,
        report.conversations
    );
    assert_eq!(
        report.personas["naysayer"]
            .outcomes
            .get(rehearse::metric::Outcome::Unresolved),
        1.0
    );
}

/// Two flows: one hands off at once, the other asks a question first
/// (more turns, more draws from the customer's and the bot's streams).
const DIRECT: &str =
    "flow: direct\nstart: handoff\nnodes:\n  handoff:\n    handoff: {queue: support}\n";
const DETOUR: &str = r#"flow: detour
start: ask
latency: {exponential: {mean: 3s}}
nodes:
  ask:
    say: "Before we connect you: what is it about?"
    buttons: ["A delivery", "Something else"]
    routes: {"A delivery": handoff, "Something else": handoff, fallback: handoff}
  handoff:
    handoff: {queue: support}
"#;

#[test]
fn the_same_customer_meets_the_same_queue_under_two_flows() {
    // Queue patience, the agent's first reply and the handle time come from
    // the conversation's own queue stream, so the turns before the handoff
    // do not shift them: comparing two flows measures the flows, not a
    // reshuffle of the queue. With no agents, everyone waits exactly their
    // patience; with endless agents, everyone's first response is exactly
    // their first-reply draw. Both distributions must be identical, to the
    // millisecond, whatever came before the handoff.
    let personas = r#"personas:
  - name: caller
    goals: [{want: a person, taps: ["A delivery"], says: "delivery"}]
    behaviour:
      read: {exponential: {mean: 20s}}
      types_instead_of_tapping: 0.5
      patience: {queue: {exponential: {mean: 2m}}}
"#;
    for (agents, timer) in [
        ("{count: 0, handle_time: {fixed: 1m}}", "queue_wait"),
        (
            "{count: 100000, handle_time: {exponential: {mean: 5m}}, first_reply: {exponential: {mean: 40s}}}",
            "agent_first_response",
        ),
    ] {
        let scenario = format!(
            "scenario: queue\nflow: direct.yaml\npersonas: [personas.yaml]\nseed: 3\nduration: 10h\nreplications: 2\n\
             arrivals: {{poisson: {{per_hour: 60}}}}\nagents: {{support: {agents}}}\n"
        );
        let dir = common::write_files(
            "engine-queue-stream",
            &[
                ("direct.yaml", DIRECT),
                ("detour.yaml", DETOUR),
                ("personas.yaml", personas),
                ("scenario.yaml", &scenario),
            ],
        );
        let direct = common::load(&dir.join("scenario.yaml"));
        let (detour_flow, _) = rehearse::Loader::new()
            .flow(&dir.join("detour.yaml"))
            .unwrap();
        let detour = direct.with_flow(detour_flow).unwrap();
        let [a, b] = [&direct, &detour].map(|scenario| {
            let report = common::report(scenario);
            assert_eq!(
                report.turns.max,
                if scenario.flow().name() == "direct" {
                    0
                } else {
                    1
                }
            );
            serde_json::to_value(&report).unwrap()["response_time"][timer].clone()
        });
        assert!(a["mean"].as_f64().unwrap() > 0.0, "{timer}: {a}");
        assert_eq!(a, b, "{timer}");
    }
}

/// A goodbye survey before a resolved end, with a slow backend call
/// between them that takes longer than the customers' patience with the
/// bot (1s), so the bot is silent after the survey.
const SURVEY_FLOW: &str = r#"
flow: rated
version: "1"
start: welcome
latency: {fixed: 500ms}
nodes:
  welcome:
    say: "Hi! All sorted?"
    buttons: ["Yes", "No"]
    routes: {"Yes": rate, "No": rate, fallback: rate}
  rate:
    csat: "How did we do?"
    scale: buttons
    next: log
  log:
    call: {name: crm, latency: {fixed: 5s}, fails: 0.0}
    routes: {ok: done, error: done}
  done:
    end: resolved
"#;

const SURVEY_PERSONAS: &str = r#"
personas:
  - name: rater
    goals: [{want: to say thanks, taps: ["Yes"]}]
    behaviour: {patience: {bot: {fixed: 1s}}}
    satisfaction: {base: 5.0, noise: 0.0}
    survey_response: 1.0
  - name: skipper
    goals: [{want: to say thanks, taps: ["Yes"]}]
    behaviour: {patience: {bot: {fixed: 1s}}}
  - name: mumbler
    goals: [{want: to chat, says: "hmm"}]
    behaviour: {leaves_after_fallbacks: 1, patience: {bot: {fixed: 1s}}}
"#;

/// Runs about `minutes` customers of one persona through the survey flow.
fn run_survey(persona: &str, minutes: u64) -> Report {
    let scenario = format!(
        "scenario: {persona}\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {{{persona}: 1}}\nseed: 1\n\
         duration: {minutes}m\nreplications: 1\narrivals: {{poisson: {{per_hour: 60}}}}\n"
    );
    let dir = common::write_files(
        &format!("engine-survey-{persona}"),
        &[
            ("flow.yaml", SURVEY_FLOW),
            ("personas.yaml", SURVEY_PERSONAS),
            ("scenario.yaml", &scenario),
        ],
    );
    common::report(&common::load(&dir.join("scenario.yaml")))
}

#[test]
fn a_survey_never_turns_the_end_decided_before_it_into_an_abandonment() {
    use rehearse::metric::Outcome;
    // Answered: the survey's answer is the rater's last message; the bot
    // is then silent for 5.5s (0.5s to reach the call, 5s of call) and the
    // rater gives up after 1s. Skipped: the skipper leaves at the survey.
    // Misunderstood: "hmm" at the welcome is not understood and the bot's
    // answer is the survey, where the mumbler leaves. All three would have
    // reached the resolved end without the customer: all three are resolved.
    for persona in ["rater", "skipper", "mumbler"] {
        let report = run_survey(persona, 30);
        assert!(report.conversations > 10, "{persona}");
        assert_eq!(report.outcomes.get(Outcome::SelfResolved), 1.0, "{persona}");
        assert_eq!(report.funnel["rate"].entered, report.conversations);
        assert_eq!(report.funnel["rate"].abandoned, 0, "{persona}");
    }
    // The rater's timeline: 0.5s to the welcome, an instant tap, 0.5s to
    // the survey, an instant answer, and 1s of silence before they go.
    let report = run_survey("rater", 30);
    assert_eq!(report.response_time.resolution.max, Some(2.0));
    assert_eq!(report.csat.as_ref().map(|csat| csat.mean), Some(Some(5.0)));
}

/// Variables: the answer to "how many items?" is captured as a number, a
/// `when` node routes on it, a `set` marks big orders gold and a second
/// `when` routes on that. `when` nodes are silent and instant.
const VARS_FLOW: &str = r#"
flow: vars
start: ask
latency: {fixed: 2s}
vars:
  items: number
  tier: {one_of: [gold, plain], default: plain}
nodes:
  ask:
    say: "How many items?"
    expect: {pattern: "^[0-9]+$"}
    capture: items
    routes: {valid: by_items, invalid: ask}
  by_items:
    when:
      - {if: "items >= 10", goto: big}
      - {else: small}
  big:
    say: "A big order."
    set: {tier: gold}
    next: by_tier
  small:
    say: "A small order."
    next: by_tier
  by_tier:
    when:
      - {if: "tier == gold and items is set", goto: gold_end}
      - {else: plain_end}
  gold_end:
    end: resolved
  plain_end:
    end: unresolved
"#;

const VARS_PERSONAS: &str = r#"
personas:
  - name: five
    goals: [{want: a few, says: "5"}]
    behaviour: {read: {fixed: 10s}}
  - name: fifty
    goals: [{want: many, says: "50"}]
    behaviour: {read: {fixed: 10s}}
"#;

fn run_vars(persona: &str) -> Report {
    let scenario = format!(
        "scenario: {persona}\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {{{persona}: 1}}\nseed: 1\n\
         duration: 30m\nreplications: 1\nmax_turns: 5\narrivals: {{poisson: {{per_hour: 60}}}}\n"
    );
    let dir = common::write_files(
        &format!("engine-vars-{persona}"),
        &[
            ("flow.yaml", VARS_FLOW),
            ("personas.yaml", VARS_PERSONAS),
            ("scenario.yaml", &scenario),
        ],
    );
    common::report(&common::load(&dir.join("scenario.yaml")))
}

#[test]
fn a_captured_number_routes_customers_answering_5_and_50_to_different_ends() {
    use rehearse::metric::Outcome;
    let five = run_vars("five");
    let fifty = run_vars("fifty");
    assert!(five.conversations > 10 && fifty.conversations > 10);
    // 5 < 10: small, tier stays at its default (plain), unresolved end.
    assert_eq!(five.outcomes.get(Outcome::Unresolved), 1.0);
    assert_eq!(five.funnel["small"].entered, five.conversations);
    assert_eq!(five.funnel["big"].entered, 0);
    assert_eq!(five.funnel["plain_end"].entered, five.conversations);
    // 50 >= 10: big, which sets the tier to gold, then the gold end.
    assert_eq!(fifty.outcomes.get(Outcome::SelfResolved), 1.0);
    assert_eq!(fifty.funnel["big"].entered, fifty.conversations);
    assert_eq!(fifty.funnel["gold_end"].entered, fifty.conversations);
    // `when` nodes count in the funnel like every node the bot passes.
    for report in [&five, &fifty] {
        assert_eq!(report.funnel["by_items"].entered, report.conversations);
        assert_eq!(report.funnel["by_tier"].entered, report.conversations);
        // Silent and instant: each reply still takes the bot's 2s, no more.
        assert_eq!(report.response_time.bot.max, Some(2.0));
        assert_eq!(report.response_time.bot.p50, Some(2.0));
        assert_eq!((report.turns.mean, report.turns.max), (1.0, 1));
    }
}
