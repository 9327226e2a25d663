//! The three files a user writes — flow, personas, scenario — as serde types
//! (strict: unknown keys are errors) and as validated types the engine runs.
//!
//! Each file has a `*Spec` form that mirrors the YAML and a validated form
//! built from it by a `validate` constructor, in which references are
//! resolved to indices, so the engine never meets a dangling name. Validated
//! types hold no spec types.
//!
//! A **flow** ([`flow::Flow`]) is the bot: nodes that say something, offer
//! buttons or lists, route on what the customer taps or types, and end,
//! hand over to an agent queue or wait. A **persona file**
//! ([`persona::Persona`]) describes customers: what they come for (`goals`:
//! what they tap, say or answer) and how they behave (patience, reading and
//! typing speed, dropping out). A **scenario** ([`scenario::Scenario`])
//! brings them together: which flow and personas, the persona mix, traffic,
//! duration, replications, agent staffing and `expect:` gates. The smallest
//! complete set, loaded from memory (the README has every key):
//!
//! ```
//! const FLOW: &str = r#"
//! flow: demo
//! start: welcome
//! nodes:
//!   welcome:
//!     say: "Hi! How can we help?"
//!     buttons: ["Returns", "Talk to us"]
//!     routes:
//!       "Returns": returns_info
//!       "Talk to us": handoff
//!       fallback: welcome
//!   returns_info:
//!     say: "Returns are free for 30 days."
//!     next: done
//!   handoff:
//!     handoff: {queue: support}
//!   done:
//!     end: resolved
//! "#;
//!
//! const PERSONAS: &str = r#"
//! personas:
//!   - name: returner
//!     goals:
//!       - want: return a parcel
//!         taps: ["Returns"]
//!     behaviour:
//!       drop_per_turn: 0.02
//! "#;
//!
//! const SCENARIO: &str = r#"
//! scenario: demo
//! flow: flow.yaml
//! personas: [personas.yaml]
//! mix: {returner: 1.0}
//! duration: 100m
//! replications: 2
//! arrivals: {poisson: {per_hour: 60}}
//! agents:
//!   support: {count: 2, handle_time: {fixed: 5m}}
//! expect:
//!   self_resolution: ">= 0.5"
//! "#;
//!
//! let (scenario, warnings) = rehearse::Loader::new()
//!     .with_file("flow.yaml", FLOW)
//!     .with_file("personas.yaml", PERSONAS)
//!     .with_file("scenario.yaml", SCENARIO)
//!     .scenario("scenario.yaml".as_ref())
//!     .expect("the three files load");
//! assert_eq!(scenario.name(), "demo");
//! assert_eq!(scenario.expectations().len(), 1);
//! # let _ = warnings;
//! ```

pub mod answer;
pub mod bank;
pub mod calendar;
pub mod distribution;
pub mod duration;
pub mod flow;
pub mod media;
pub mod outreach;
pub mod persona;
pub mod phrases;
pub mod probability;
pub mod scenario;
pub mod script;
pub mod speed;
pub mod text_key;
pub mod weighted;

pub use distribution::Distribution;
pub use duration::{Millis, SimTime};
pub use probability::Probability;
pub use weighted::Weighted;

// Expectations are a scenario's `expect:` block, so they live in its module;
// `model::expectation` stays their path.
pub use scenario::expectation;
