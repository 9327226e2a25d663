//! The caps that bound what one command may cost, in one place.
//!
//! rehearse runs in CI on pull requests, so a scenario is hostile input:
//! every setting may sit at its documented limit at once. The user's guide
//! lists every cap (`docs/src/limits.md`).

/// The longest intent keyword, in characters: as long as the longest
/// phrase a persona or a scenario's `live:` block may look for, and for
/// the same reason: a keyword is a phrase in what customers type, and
/// building the matcher takes time that grows with the square of a
/// keyword's length.
pub const MAX_KEYWORD_LENGTH: usize = crate::model::phrases::MAX_PHRASE_LENGTH;
