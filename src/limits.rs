//! The caps that bound what one command may cost, in one place.
//!
//! rehearse runs in CI on pull requests, so a scenario is hostile input:
//! every setting may sit at its documented limit at once. The user's guide
//! lists every cap (`docs/src/limits.md`).

/// The most customers one agent queue holds waiting: a hundred thousand,
/// far beyond any real contact centre's queue. A customer handed to a full
/// queue leaves it at once, counted as abandoned in the queue with the
/// reason `queue_full`, as a contact centre's full queue turns callers
/// away. At the cap a queue holds about 45 MB.
pub const MAX_WAITING: usize = 100_000;

/// The longest intent keyword, in characters: as long as the longest
/// phrase a persona or a scenario's `live:` block may look for, and for
/// the same reason: a keyword is a phrase in what customers type, and
/// building the matcher takes time that grows with the square of a
/// keyword's length.
pub const MAX_KEYWORD_LENGTH: usize = crate::model::phrases::MAX_PHRASE_LENGTH;
