//! The discrete-event simulation: customers arrive, talk to the bot, and may
//! be handed to agent queues, on a virtual clock counted in milliseconds.
//!
//! Conversations that share an agent queue interact, so one replication runs
//! on one thread; replications run in parallel and are merged in a fixed
//! order, so the result does not depend on the number of threads.

mod agents;
mod conversation;
mod customer;
mod events;
mod rng;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rand_distr::{Distribution as _, Exp1};

use agents::{Event, Pool, QueueEvent, Waiting};
use conversation::{BotPhaseEnd, Conversation};
use events::EventQueue;
use rng::{Purpose, stream};

use crate::metrics::Metrics;
use crate::model::Millis;
use crate::model::scenario::Scenario;

/// How many conversations pass between two progress reports.
const PROGRESS_EVERY: u64 = 1024;

/// Runs every replication of `scenario` and merges their metrics.
/// `progress` is called with the number of conversations just finished.
pub fn simulate(scenario: &Scenario, progress: &(dyn Fn(u64) + Sync)) -> Metrics {
    let replications = scenario.replications as usize;
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(replications);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Metrics>>> = Mutex::new(vec![None; replications]);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let replication = next.fetch_add(1, Ordering::Relaxed);
                    if replication >= replications {
                        break;
                    }
                    let metrics = run_replication(scenario, replication as u32, progress);
                    results.lock().expect("a replication thread panicked")[replication] =
                        Some(metrics);
                }
            });
        }
    });
    let mut merged = Metrics::new(scenario.flow.nodes.len(), scenario.personas.len());
    for metrics in results
        .into_inner()
        .expect("a replication thread panicked")
        .into_iter()
        .flatten()
    {
        merged.merge(&metrics);
    }
    merged
}

/// The conversation indices of one replication: `conversations` split as
/// evenly as possible, in order.
fn conversation_range(scenario: &Scenario, replication: u32) -> std::ops::Range<u64> {
    let total = u128::from(scenario.conversations);
    let replications = u128::from(scenario.replications);
    let bound = |r: u128| (total * r / replications) as u64;
    bound(u128::from(replication))..bound(u128::from(replication) + 1)
}

/// One replication: an independent stretch of traffic starting with empty queues.
pub fn run_replication(
    scenario: &Scenario,
    replication: u32,
    progress: &(dyn Fn(u64) + Sync),
) -> Metrics {
    let mut metrics = Metrics::new(scenario.flow.nodes.len(), scenario.personas.len());
    let mut pools: Vec<Pool> = scenario
        .pools
        .iter()
        .enumerate()
        .map(|(id, pool)| Pool::new(id, pool.count))
        .collect();
    let mut events = EventQueue::new();
    // Arrival times come from their own stream, so every flow version sees
    // the same customers at the same moments.
    let mut arrivals = stream(scenario.seed, replication, 0, Purpose::Arrivals);
    let mean_gap_secs = 3600.0 / scenario.arrivals_per_hour;
    let mut gap = || {
        let unit: f64 = Exp1.sample(&mut arrivals);
        Millis::from_secs_f64(unit * mean_gap_secs)
    };
    let range = conversation_range(scenario, replication);
    let mut next_index = range.start;
    if next_index < range.end {
        events.schedule(gap(), Event::Arrival);
    }
    let mut finished_since_report = 0;
    while let Some((now, event)) = events.next() {
        match event {
            Event::Arrival => {
                let index = next_index;
                next_index += 1;
                if next_index < range.end {
                    events.schedule(now.saturating_add(gap()), Event::Arrival);
                }
                let mut conversation = Conversation::new(scenario, replication, index, now);
                match conversation.run(&mut metrics) {
                    BotPhaseEnd::Ended { outcome, node, at } => {
                        metrics.end(conversation.progress().ending(outcome, node, at))
                    }
                    BotPhaseEnd::HandedOff { node, pool, at } => {
                        let (patience, first_reply, handle_time) = conversation.queue_draws(pool);
                        let waiting = Waiting {
                            progress: conversation.progress(),
                            node,
                            joined: at,
                            patience,
                            first_reply,
                            handle_time,
                        };
                        events
                            .schedule(at, Event::Queue(QueueEvent::Joins(pool, Box::new(waiting))));
                    }
                }
                finished_since_report += 1;
                if finished_since_report == PROGRESS_EVERY {
                    progress(finished_since_report);
                    finished_since_report = 0;
                }
            }
            Event::Queue(QueueEvent::Joins(pool, waiting)) => {
                pools[pool].join(now, *waiting, &mut events, &mut metrics)
            }
            Event::Queue(QueueEvent::GivesUp(pool, ticket)) => {
                pools[pool].give_up(now, ticket, &mut metrics)
            }
            Event::Queue(QueueEvent::AgentFree(pool)) => {
                pools[pool].agent_free(now, &mut events, &mut metrics)
            }
        }
    }
    let now = events.now();
    for pool in &mut pools {
        pool.close(now, &mut metrics);
    }
    progress(finished_since_report);
    metrics
}
