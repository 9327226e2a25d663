//! The three files a user writes — flow, personas, scenario — as serde types
//! (strict: unknown keys are errors) and as validated types the engine runs.
//!
//! Each file has a `*Spec` form that mirrors the YAML and a validated form
//! built from it in which references are resolved to indices, so the engine
//! never meets a dangling name.

pub mod distribution;
pub mod duration;
pub mod expectation;
pub mod flow;
pub mod persona;
pub mod probability;
pub mod scenario;
pub(crate) mod text;

pub use distribution::Distribution;
pub use duration::Millis;
pub use probability::Probability;

use crate::rule::Rule;
use crate::source::KeyPath;

/// Something wrong with a file that parsed: which rule, where it is and
/// what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub rule: Rule,
    /// The key the problem is about.
    pub path: KeyPath,
    /// What is wrong, as a lowercase fragment.
    pub message: String,
    /// What to do about it, when there is something specific to say.
    pub help: Option<String>,
}

impl Problem {
    pub fn new(rule: Rule, path: KeyPath, message: impl Into<String>) -> Problem {
        Problem {
            rule,
            path,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}
