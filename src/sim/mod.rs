//! The discrete-event simulation: customers arrive, talk to the bot, and may
//! be handed to agent queues, on a virtual clock counted in milliseconds.
//!
//! Conversations that share an agent queue interact, so one replication runs
//! on one thread; replications run in parallel and are folded in a fixed
//! order ([`parallel`]), so the result does not depend on the number of
//! threads. Each replication's report feeds the intervals; nothing else is
//! kept per replication.

mod agent_set;
pub(crate) mod agents;
mod events;
mod outreach;
pub(crate) mod parallel;
mod people;
pub(crate) mod replication;
mod transcript;

pub(crate) use replication::{replicate, replicate_with_outcomes};
pub(crate) use transcript::transcripts;

use crate::limits::{MAX_TRANSCRIPTS, MEMORY_BUDGET};
use crate::measure::Measure;
use crate::model::scenario::{MAX_REPLICATIONS, Scenario};
use crate::stats::Intervals;
use crate::tally::Tallies;
use crate::transcript::Filter;

/// How to run a scenario: what may differ from the scenario file without
/// changing what one replication simulates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOptions {
    seed: Option<u64>,
    replications: Option<u32>,
    threads: Option<usize>,
    /// Sample conversations to record, and which.
    pub(crate) transcripts: usize,
    pub(crate) filter: Filter,
}

impl RunOptions {
    /// The scenario's own settings.
    pub fn new() -> RunOptions {
        RunOptions::default()
    }

    /// Another seed: other customers, other timings.
    pub fn seed(mut self, seed: u64) -> RunOptions {
        self.seed = Some(seed);
        self
    }

    /// Another number of replications, from 1 to 2^20: more replications
    /// narrow the intervals; each still simulates the scenario's `duration`.
    pub fn replications(mut self, replications: u32) -> Result<RunOptions, String> {
        if !(1..=MAX_REPLICATIONS).contains(&replications) {
            return Err(format!(
                "replications must be between 1 and {MAX_REPLICATIONS}, got {replications}"
            ));
        }
        self.replications = Some(replications);
        Ok(self)
    }

    /// Run on at most `threads` threads (at least one). Results never
    /// depend on it: replications are folded in a fixed order.
    pub fn threads(mut self, threads: usize) -> RunOptions {
        self.threads = Some(threads.max(1));
        self
    }

    /// Also record `count` sample conversations that `filter` admits, as
    /// the customer saw them (the first ones, in replication order); at
    /// most 1,000 (`count` is cut there: each is kept whole until the
    /// report is written).
    pub fn transcripts(mut self, count: usize, filter: Filter) -> RunOptions {
        self.transcripts = count.min(MAX_TRANSCRIPTS);
        self.filter = filter;
        self
    }

    /// The replications asked for instead of the scenarios' own, if any.
    pub(crate) fn replications_given(&self) -> Option<u32> {
        self.replications
    }

    /// The seed a run of `scenario` uses.
    pub fn seed_for(&self, scenario: &Scenario) -> u64 {
        self.seed.unwrap_or(scenario.seed)
    }

    /// The number of replications a run of `scenario` uses.
    pub fn replications_for(&self, scenario: &Scenario) -> u32 {
        self.replications.unwrap_or(scenario.replications)
    }

    /// The threads to run `replications` replications on, each holding
    /// about `thread_bytes` (see `Cost::thread_bytes`): as asked, or one per
    /// core, never more than there are replications, and never more than
    /// fit in [`MEMORY_BUDGET`] together (at least one: loading refused
    /// any scenario whose one replication would not fit).
    pub(crate) fn threads_for(&self, replications: u32, thread_bytes: f64) -> usize {
        let fit = (MEMORY_BUDGET as f64 / thread_bytes.max(1.0)).floor();
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
            .min(replications as usize)
            .min(fit.min(usize::MAX as f64) as usize)
            .max(1)
    }
}

/// Runs every replication of every scenario on one pool of threads, so a
/// run of several scenarios keeps every core busy until the last
/// replication, and folds each scenario's replications in order (so the
/// numbers do not depend on the threads): per scenario, the merged tallies
/// and the intervals of every number over replications. `progress` is
/// called once per finished replication.
pub(crate) fn replicate_all(
    scenarios: &[Scenario],
    options: &RunOptions,
    progress: &(dyn Fn() + Sync),
) -> Vec<(Tallies, Intervals)> {
    let seeds: Vec<u64> = scenarios.iter().map(|s| options.seed_for(s)).collect();
    let counts: Vec<u32> = scenarios
        .iter()
        .map(|s| options.replications_for(s))
        .collect();
    // Replication `r` of scenario `s` is job `starts[s] + r`.
    let mut starts = Vec::with_capacity(counts.len());
    let mut total = 0u32;
    for count in &counts {
        starts.push(total);
        // Scenarios hold at most MAX_REPLICATIONS each; past u32's jobs,
        // run them one scenario at a time rather than overflow.
        let Some(sum) = total.checked_add(*count) else {
            return scenarios
                .iter()
                .flat_map(|scenario| {
                    replicate_all(std::slice::from_ref(scenario), options, progress)
                })
                .collect();
        };
        total = sum;
    }
    let job = |index: u32| {
        let scenario = starts.partition_point(|start| *start <= index) - 1;
        (scenario, index - starts[scenario])
    };
    let measures: Vec<Measure> = scenarios.iter().map(Measure::of).collect();
    let mut folded: Vec<(Tallies, Intervals)> = scenarios
        .iter()
        .map(|scenario| (Tallies::for_scenario(scenario), Intervals::default()))
        .collect();
    let thread_bytes = scenarios
        .iter()
        .map(|scenario| scenario.cost.thread_bytes(false))
        .fold(0.0, f64::max);
    parallel::in_order_on(
        options.threads_for(total, thread_bytes),
        total,
        // A replication's numbers are read on its own thread; only the
        // fold, in replication order, holds the others up.
        |index| {
            let (s, replication) = job(index);
            let tallies = replicate(&scenarios[s], seeds[s], replication);
            let measured = measures[s].measured(&tallies);
            (tallies, measured)
        },
        |index, (tallies, measured)| {
            let (s, _) = job(index);
            let (merged, intervals) = &mut folded[s];
            intervals.add(measured);
            merged.merge(&tallies);
            progress();
        },
    );
    folded
}

#[cfg(test)]
mod tests {
    use std::mem::size_of;

    use super::*;
    use crate::model::scenario::cost::bytes;

    #[test]
    fn the_cost_estimate_holds_what_the_engine_keeps() {
        // A scheduled event: its key (time, sequence number, slot), its
        // slot, and its slot's number on the free list once it has run.
        let entry = 3 * size_of::<u64>()
            + size_of::<Option<replication::Event<'static>>>()
            + size_of::<u32>();
        assert!(2.0 * entry as f64 <= bytes::EVENT);
        // A waiting customer, boxed (with the allocator's header), and its
        // ticket and pointer in an ordered map whose nodes are half full,
        // with the node's own overhead.
        let boxed = size_of::<agents::Waiting>() + 16;
        let entry = size_of::<u64>() + size_of::<Box<agents::Waiting>>();
        assert!((boxed + 2 * entry) as f64 + 64.0 <= bytes::WAITING);
        // A paused conversation, boxed (with the allocator's header).
        assert!((size_of::<replication::Paused<'static>>() + 16) as f64 <= bytes::PAUSED);
        // An agent: a load, and a bit in the set of open agents of each
        // load below the concurrency, with room.
        let concurrency = crate::model::scenario::MAX_CONCURRENCY as f64;
        assert!((size_of::<u32>() as f64 + concurrency / 8.0) * 2.0 <= bytes::AGENT);
    }

    #[test]
    fn threads_are_as_many_as_fit_in_the_memory_budget() {
        let options = RunOptions::new().threads(8);
        assert_eq!(options.threads_for(100, 1e6), 8);
        assert_eq!(options.threads_for(3, 1e6), 3);
        assert_eq!(options.threads_for(100, MEMORY_BUDGET as f64 / 3.0), 3);
        // One replication that alone passes the budget is refused when the
        // scenario loads; it would still get one thread.
        assert_eq!(options.threads_for(100, 2.0 * MEMORY_BUDGET as f64), 1);
    }

    #[test]
    fn transcripts_are_capped() {
        let options = RunOptions::new().transcripts(usize::MAX, Filter::Any);
        assert_eq!(options.transcripts, crate::limits::MAX_TRANSCRIPTS);
    }
}
