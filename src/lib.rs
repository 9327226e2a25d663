//! rehearse: rehearse a WhatsApp business bot with simulated customers
//! before it goes live.
//!
//! A **flow** (YAML) describes the bot, **personas** describe the customers,
//! and a **scenario** sets traffic, the persona mix, agent staffing and
//! expectations. rehearse replays the personas against the flow in a seeded
//! discrete-event simulation and reports what businesses measure after
//! launch: self-resolution, escalation, abandonment and where it happens,
//! response times, per persona and segment, with 95% intervals over
//! independent replications.
//!
//! ```no_run
//! use rehearse::{Loader, RunOptions, simulate};
//!
//! let (scenario, _warnings) = Loader::new()
//!     .scenario("scenarios/shop/peak-hour.yaml".as_ref())
//!     .expect("the scenario loads");
//! let simulation = simulate(&scenario, &RunOptions::new().seed(7), &|| {});
//! let report = simulation.report();
//! println!("self-resolution: {:.1}%", report.rates.get(rehearse::metric::Rate::SelfResolution) * 100.0);
//! ```
//!
//! Files can be given from memory ([`Loader::with_file`]), runs can change
//! the seed and the number of replications ([`RunOptions`]) but never what
//! one replication simulates, and a [`Report`] renders in several formats
//! ([`Format`]). Input that cannot work is refused with located
//! [`Diagnostic`]s. The file formats are described, with an example of each
//! file, in [`model`].
//!
//! What the commands decide is here too, so a test or another tool can
//! call it:
//! - [`compare()`] runs two versions on the same customers and gives a
//!   [`Comparison`]: paired differences with intervals, customers who
//!   changed outcome, the funnel and groups; [`compare::load_versions`]
//!   builds the two versions as `rehearse compare` does ([`CompareOptions`],
//!   [`VersionB`]: another flow, a git revision, another scenario) and
//!   judges its gates ([`CompareOutcome`]);
//! - [`check::run`] is `rehearse check`: every scenario's `expect:` gates
//!   and approved snapshot ([`CheckOptions`]), and the overall verdict
//!   ([`CheckOutcome`]).
//!
//! With the `live` feature (on by default), [`live::rehearse`] plays the
//! same customers against a running bot, standing in for the WhatsApp Cloud
//! API on loopback (`rehearse live`); [`session::FlowSession`] plays a flow
//! as such a bot.
//!
//! Data flows one way: files ([`load`]) → validated [`model`] → the
//! simulation (`sim`, playing `conversation`s) → tallies → the [`report`]
//! and its renderers. `diagnostic`, `metric` and `whatsapp` sit at the
//! bottom. The command line (`cli`) only parses flags, calls the library and
//! writes what it returns; it, the HTML building blocks (`html`) and the
//! source positions module (`source`) are public only for the binary and
//! the project's tests, and are not part of the API.

mod batch;
pub mod check;
#[doc(hidden)]
pub mod cli;
pub mod compare;
pub mod diagnostic;
mod error;
mod file;
#[doc(hidden)]
pub mod html;
pub mod load;
pub mod metric;
pub mod report;
mod revision;
pub mod session;
#[doc(hidden)]
pub mod source;

#[cfg(feature = "live")]
pub mod live;

pub(crate) mod arrivals;
pub(crate) mod conversation;
pub(crate) mod json;
pub(crate) mod limits;
pub(crate) mod lint;
pub(crate) mod measure;
pub mod model;
pub(crate) mod paint;
pub(crate) mod random;
pub(crate) mod sim;
pub(crate) mod simulation;
pub(crate) mod skeleton;
pub(crate) mod stats;
pub(crate) mod tally;
pub(crate) mod text;
pub(crate) mod transcript;
pub(crate) mod whatsapp;
pub(crate) mod yaml;

pub use check::{CheckOptions, CheckOutcome};
pub use compare::{CompareOptions, CompareOutcome, Comparison, Unpaired, VersionB, compare};
pub use diagnostic::{Diagnostic, Severity};
pub use error::{Error, ExitStatus, LoadError, LoadErrorKind};
pub use load::Loader;
pub use metric::Metric;
pub use model::Millis;
pub use model::expectation::{Expectation, Operator};
pub use model::flow::Flow;
pub use model::scenario::Scenario;
pub use report::{Format, Report};
pub use sim::RunOptions;
pub use simulation::{Simulation, simulate};
pub use source::{Excerpt, KeyPath, Location};
pub use stats::Interval;
