//! Each renderer's output for one small, hand-checkable scenario, as an
//! approved snapshot: a change to a renderer shows up as a diff here, not in
//! the bundled reports. The HTML page is the one snapshot of a whole page:
//! tests/html_report.rs checks the bundled scenarios' pages structurally.

mod common;

use rehearse::Format;
use rehearse::report::{Style, render_to_string};

const FLOW: &str = r#"flow: renderers
version: "2.10"
start: welcome
latency: {fixed: 1s}
nodes:
  welcome:
    say: "Hi! Track or talk?"
    buttons: ["Track", "Talk"]
    routes: {"Track": done, "Talk": handoff, fallback: welcome}
  handoff:
    handoff: {queue: support}
  done:
    end: resolved
"#;

const PERSONAS: &str = r#"personas:
  - name: tracker
    segment: self-serve
    goals: [{want: track, taps: ["Track"]}]
    behaviour: {read: {fixed: 5s}, drop_per_turn: 0.1}
  - name: talker
    segment: assisted
    goals: [{want: talk, taps: ["Talk"]}]
    behaviour: {read: {fixed: 5s}, patience: {queue: {fixed: 1m}}}
"#;

const SCENARIO: &str = r#"scenario: renderers
flow: flow.yaml
personas: [personas.yaml]
mix: {tracker: 0.7, talker: 0.3}
seed: 5
duration: 2h
replications: 3
arrivals: {poisson: {per_hour: 30}}
agents: {support: {count: 1, handle_time: {fixed: 3m}}}
"#;

#[test]
fn every_renderer_draws_the_same_report() {
    let dir = common::write_files(
        "renderers",
        &[
            ("flow.yaml", FLOW),
            ("personas.yaml", PERSONAS),
            ("scenario.yaml", SCENARIO),
        ],
    );
    let report = common::report(&common::load(&dir.join("scenario.yaml")));
    for (format, name) in Format::ALL {
        let mut output = render_to_string(std::slice::from_ref(&report), format, Style::default());
        if format == Format::Html {
            output = readable(&output);
        }
        insta::assert_snapshot!(format!("render-{name}"), output);
    }
}

/// The HTML page with one element per line, so a diff shows what moved,
/// and without the stylesheet, which is one constant (src/html/style.rs)
/// that would otherwise be most of the snapshot.
fn readable(html: &str) -> String {
    assert!(html.contains(rehearse::html::style::STYLESHEET));
    html.replace(rehearse::html::style::STYLESHEET, "/* src/html/style.rs */")
        .replace("><", ">\n<")
}

#[test]
fn colour_is_only_used_when_asked_for() {
    let dir = common::write_files(
        "renderers-colour",
        &[
            ("flow.yaml", FLOW),
            ("personas.yaml", PERSONAS),
            ("scenario.yaml", SCENARIO),
        ],
    );
    let report = common::report(&common::load(&dir.join("scenario.yaml")));
    let plain = render_to_string(
        std::slice::from_ref(&report),
        Format::Text,
        Style::default(),
    );
    let coloured = render_to_string(&[report], Format::Text, Style { color: true });
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b[1m"));
}
