//! Live mode's HTTP layer: rehearse stands in for the WhatsApp Cloud API on
//! loopback, so a real bot can meet simulated customers.

pub mod api;
pub mod json;
pub mod limits;
