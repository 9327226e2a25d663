//! The three files a user writes — flow, personas, scenario — as serde types
//! (strict: unknown keys are errors) and as validated types the engine runs.
//!
//! Each file has a `*Spec` form that mirrors the YAML and a validated form
//! built from it by a `validate` constructor, in which references are
//! resolved to indices, so the engine never meets a dangling name. Validated
//! types hold no spec types.

pub mod calendar;
pub mod distribution;
pub mod duration;
pub mod expectation;
pub mod flow;
pub mod outreach;
pub mod persona;
pub mod phrases;
pub mod probability;
pub mod scenario;
pub mod weighted;

pub use distribution::Distribution;
pub use duration::{Millis, SimTime};
pub use probability::Probability;
pub use weighted::Weighted;
