//! rehearse: rehearse a WhatsApp business bot with simulated customers.
//!
//! Data flows one way: files ([`load`]) → validated [`model`] → the
//! simulation ([`sim`]) → [`metrics`] → the [`report`] and its renderers.

pub mod cli;
pub mod error;
pub mod html;
pub mod lint;
pub mod load;
pub mod metrics;
pub mod model;
pub mod outcome;
pub mod report;
pub mod rule;
pub mod sim;
pub mod source;
