//! The caps that bound what one command may cost, in one place.
//!
//! rehearse runs in CI on pull requests, so a scenario is hostile input:
//! every setting may sit at its documented limit at once. Each cap below
//! keeps such a scenario's run under [`MEMORY_BUDGET`] and under
//! [`MAX_WORK`] steps of the engine, or has it refused before anything is
//! simulated, with a message that names the setting to change. How a run's
//! cost is estimated is in `model::scenario::cost`; how the engine keeps to
//! the queue cap, in `sim::agents`. The user's guide lists every cap
//! (`docs/src/limits.md`).

/// The memory a run's estimate must stay under: 1.5 GiB, so that with the
/// loaded files, the report being written and the allocator's slack the
/// process stays under 2 GiB. Replications run on fewer threads when one
/// per core would pass it (the report is the same on any number of
/// threads); a scenario whose one replication would pass it is refused.
pub const MEMORY_BUDGET: u64 = 3 << 29;

/// The most conversations one replication may be expected to simulate,
/// warm-up, answers to campaigns and customers coming back included: ten
/// million, as many as the largest audience. A replication is one stretch
/// of traffic on one thread; a longer stretch is better simulated as more
/// replications.
pub const MAX_CONVERSATIONS_PER_REPLICATION: f64 = 1e7;

/// The most engine steps a run may be expected to take, over all its
/// replications (and, for `run` on several scenarios, all of them): 2 ×
/// 10^11. A step is the engine's unit of work, about what the bot does at
/// one node (8 ns on the 2-core development machine, release build), so
/// the cap is about 26 CPU-minutes there, for the worst flows measured (a
/// thousand turns of one node or of 99, or of 4 KB typed against 120
/// keyword matchers). The estimate counts every turn `max_turns` allows,
/// at the worst cost of the text typed, so real runs take far less: the
/// benchmark's 10,000,000 conversations of a bundled scenario (20 to 30
/// CPU-seconds) are estimated at 2.5 to 5.2 × 10^10 steps.
pub const MAX_WORK: f64 = 2e11;

/// The most template messages one replication's campaigns may send: the
/// audience's size times the number of campaigns, at most ten million (the
/// largest audience, once). Each message is a read the engine schedules.
pub const MAX_CAMPAIGN_MESSAGES: f64 = 1e7;

/// The most customers one agent queue holds waiting: a hundred thousand,
/// far beyond any real contact centre's queue. A customer handed to a full
/// queue leaves it at once, counted as abandoned in the queue with the
/// reason `queue_full`, as a contact centre's full queue turns callers
/// away. At the cap a queue holds about 45 MB.
pub const MAX_WAITING: usize = 100_000;

/// The most agents one pool may have on shift: a hundred thousand, beyond
/// the largest contact centres. A pool keeps a few bytes per agent (the
/// chats each holds), and a change of shift visits each.
pub const MAX_AGENTS: u32 = 100_000;

/// The most sample conversations `run --transcripts` shows: a thousand,
/// far more than anyone reads, and each is kept whole until the report is
/// written.
pub const MAX_TRANSCRIPTS: usize = 1_000;

/// The longest intent keyword, in characters: as long as the longest
/// phrase a persona or a scenario's `live:` block may look for, and for
/// the same reason: a keyword is a phrase in what customers type, and
/// building the matcher takes time that grows with the square of a
/// keyword's length.
pub const MAX_KEYWORD_LENGTH: usize = crate::model::phrases::MAX_PHRASE_LENGTH;
