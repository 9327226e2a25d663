//! The engine against a flow small enough to work out by hand. Every delay
//! is fixed, so each persona's timeline, and therefore the report, is exact.

mod common;

use rehearse::report::Report;

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

/// Runs `conversations` customers of one persona through the tiny flow.
fn run(persona: &str, conversations: u64, extra: &str) -> Report {
    let scenario = format!(
        "scenario: {persona}\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {{{persona}: 1}}\nseed: 1\n\
         conversations: {conversations}\nmax_turns: 5\narrivals: {{poisson: {{per_hour: 60}}}}\n\
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
    assert_eq!(report.conversations, 40);
    assert_eq!(report.outcomes.self_resolved, 1.0);
    // Opening message -> 2s -> welcome; read 10s, tap -> 2s -> good + done.
    assert_eq!(report.response_time.bot.max, Some(2.0));
    assert_eq!(report.response_time.bot.p50, Some(2.0));
    assert_eq!(report.response_time.resolution.p50, Some(14.0));
    assert_eq!(report.response_time.resolution.max, Some(14.0));
    assert_eq!((report.turns.mean, report.turns.max), (1.0, 1));
    assert_eq!(report.rates.fallback, 0.0);
    assert_eq!(report.funnel["welcome"].entered, 40);
    assert_eq!(report.funnel["good"].entered, 40);
    assert_eq!(report.funnel["sorry"].entered, 0);
    assert_eq!(report.response_time.queue_wait.mean, None);
}

#[test]
fn a_customer_the_bot_does_not_understand_twice_leaves_where_it_happened() {
    let report = run("mumbler", 10, "");
    assert_eq!(report.outcomes.abandoned_in_bot, 1.0);
    assert_eq!(report.rates.abandonment, 1.0);
    // Both replies ("hmm", "hmm") were fallbacks.
    assert_eq!(report.rates.fallback, 1.0);
    assert_eq!(report.turns.max, 2);
    assert_eq!(report.funnel["welcome"].abandoned, 0);
    assert_eq!(report.funnel["sorry"].entered, 10);
    assert_eq!(report.funnel["sorry"].abandoned, 10);
}

#[test]
fn the_turn_limit_ends_a_conversation_going_round_in_circles() {
    let report = run("stubborn-mumbler", 10, "");
    assert_eq!(report.outcomes.unresolved, 1.0);
    assert_eq!(report.turns.max, 5);
}

#[test]
fn a_bot_slower_than_the_customer_s_patience_loses_them_before_its_first_reply() {
    let report = run("impatient", 10, "");
    assert_eq!(report.outcomes.abandoned_in_bot, 1.0);
    assert_eq!(report.funnel["welcome"].abandoned, 10);
    // No reply was ever seen, so none is counted.
    assert_eq!(report.response_time.bot.mean, None);
    assert_eq!(report.turns.max, 0);
}

#[test]
fn a_customer_with_nothing_to_tap_or_say_gives_up() {
    let report = run("lost", 10, "");
    assert_eq!(report.outcomes.abandoned_in_bot, 1.0);
}

#[test]
fn an_unresolved_end_counts_as_unresolved() {
    let report = run("naysayer", 10, "");
    assert_eq!(report.outcomes.unresolved, 1.0);
    assert_eq!(report.funnel["bye"].entered, 10);
}

#[test]
fn a_handoff_with_free_agents_is_served_at_once() {
    let report = run("human-seeker", 20, "");
    assert_eq!(report.outcomes.agent_resolved, 1.0);
    assert_eq!(report.rates.escalation, 1.0);
    assert_eq!(report.response_time.queue_wait.max, Some(0.0));
    assert_eq!(report.response_time.agent_first_response.p50, Some(30.0));
    // 2s bot + 7 words at 60 wpm (7s) + 2s bot + 5m handling.
    assert_eq!(report.response_time.resolution.max, Some(311.0));
}

#[test]
fn typed_text_is_understood_through_intents() {
    let report = run("typist", 10, "");
    assert_eq!(report.outcomes.agent_resolved, 1.0);
    assert_eq!(report.rates.fallback, 0.0);
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
                "scenario: loop\nflow: flow.yaml\npersonas: [personas.yaml]\nmix: {yes-sayer: 1}\nconversations: 5\n\
                 arrivals: {poisson: {per_hour: 60}}\nagents: {support: {count: 1, handle_time: {fixed: 1m}}}\n",
            ),
        ],
    );
    let report = common::report(&common::load(&dir.join("scenario.yaml")));
    assert_eq!(report.outcomes.unresolved, 1.0);
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
                 conversations: 20000\narrivals: {poisson: {per_hour: 600}}\nagents: {support: {count: 1, handle_time: {fixed: 1m}}}\n",
            ),
        ],
    );
    let report = common::report(&common::load(&dir.join("scenario.yaml")));
    // The yes-sayer share is Binomial(20000, 0.75): sd = 61 conversations,
    // so 5 sd is 0.0153 of the total.
    assert!(
        (report.outcomes.self_resolved - 0.75).abs() < 0.0153,
        "{}",
        report.outcomes.self_resolved
    );
    assert_eq!(
        report.personas["yes-sayer"].conversations + report.personas["naysayer"].conversations,
        20000
    );
    assert_eq!(report.personas["naysayer"].outcomes.unresolved, 1.0);
}
