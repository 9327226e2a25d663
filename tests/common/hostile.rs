//! A bot whose every name and message is hostile, as a user's files could
//! make them: markup that tries to run a script or break out of an
//! attribute, an ANSI colour code, a right-to-left override. The HTML tests
//! run it and check that the pages show all of it as harmless text. Its
//! expectation fails, so a `check` page has something to show.

/// The flow: a split, buttons, a goal, a survey, a handoff.
pub const FLOW: &str = r#"flow: "<script>alert('flow')</script>"
version: "\"><b>2</b>"
start: "<split>"
latency: {fixed: 800ms}
nodes:
  "<split>":
    split: {"<a>": 0.5, "\u001b[31mred": 0.5}
    routes: {"<a>": "\"><img src=x onerror=alert(1)>", "\u001b[31mred": "\"><img src=x onerror=alert(1)>"}
  "\"><img src=x onerror=alert(1)>":
    say: "Hi <b>{name}</b>! Pick one & go."
    buttons: ["<i>Buy</i>", "\"Talk\" & co"]
    routes:
      "<i>Buy</i>": "bought\u202egnp"
      "\"Talk\" & co": handoff
      fallback: "\"><img src=x onerror=alert(1)>"
  "bought\u202egnp":
    say: "Bought </p><script>x</script>"
    converts: "<goal>"
    next: survey
  survey:
    csat: "How did we do? 1 to 5"
    next: done
  handoff:
    handoff: {queue: "<queue>"}
  done:
    end: resolved
"#;

/// Two personas, one with a segment.
pub const PERSONAS: &str = r#"personas:
  - name: "<script>console.error('persona')</script>"
    segment: "\u001b[31mred\u001b[0m \u202egnp.exe"
    goals: [{want: "<b>buy</b>", taps: ["<i>Buy</i>"]}]
    behaviour: {read: {fixed: 5s}}
    survey_response: 1
    satisfaction: {base: 4}
  - name: "vip\"><img src=x onerror=console.error(1)>"
    goals: [{want: talk, taps: ["\"Talk\" & co"]}]
    behaviour: {read: {fixed: 5s}, patience: {queue: {fixed: 2m}}}
"#;

/// The scenario, with an expectation it fails.
pub const SCENARIO: &str = r#"scenario: "</title><script>alert(1)</script>"
flow: flow.yaml
personas: [personas.yaml]
mix: {"<script>console.error('persona')</script>": 0.6, "vip\"><img src=x onerror=console.error(1)>": 0.4}
seed: 3
duration: 1h
replications: 2
arrivals: {poisson: {per_hour: 40}}
agents: {"<queue>": {count: 1, handle_time: {fixed: 4m}}}
expect:
  self_resolution: ">= 0.9"
"#;
