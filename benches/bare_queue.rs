//! The reference the queue-only scenario is measured against: the same
//! M/M/10+M model written as a bare discrete-event loop, the way one would
//! write it by hand for this one model. One ChaCha8 stream, the standard
//! library's binary heap of `(time, sequence)`, a FIFO of waiting customers,
//! counters; no bot, no personas, no tallies beyond the counts.
//!
//! What rehearse adds on top (a conversation with the bot before the
//! handoff, streams per customer so flow versions meet the same customers,
//! histograms, the report's breakdowns) is what the ratio of the two
//! speeds prices.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp};

/// M/M/c+M in milliseconds: `per_minute` arrivals a minute, `agents`
/// agents, exponential handle time and patience with these means.
pub struct Model {
    /// Arrivals a minute (a Poisson stream).
    pub per_minute: f64,
    /// Agents, one chat each.
    pub agents: u32,
    /// Mean handle time, exponential.
    pub handle_mean_ms: f64,
    /// Mean patience in the queue, exponential.
    pub patience_mean_ms: f64,
}

/// What a run of the model counted.
#[derive(Debug, Default, PartialEq)]
pub struct Counts {
    /// Customers who arrived.
    pub arrived: u64,
    /// Customers an agent took.
    pub served: u64,
    /// Customers who gave up waiting.
    pub abandoned: u64,
    /// Their waits, summed (served customers only).
    pub total_wait_ms: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Arrival,
    /// An agent finishes a chat.
    Free,
    /// The customer with this number runs out of patience.
    GivesUp(u64),
}

/// Runs `model` until `customers` have arrived and every event has run.
pub fn run(model: &Model, customers: u64, seed: u64) -> Counts {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let gap = Exp::new(model.per_minute / 60_000.0).expect("a positive rate");
    let handle = Exp::new(1.0 / model.handle_mean_ms).expect("a positive mean");
    let patience = Exp::new(1.0 / model.patience_mean_ms).expect("a positive mean");
    let mut events = BinaryHeap::new();
    let mut sequence = 0u64;
    let mut schedule = |events: &mut BinaryHeap<_>, at: u64, kind: Kind| {
        events.push(Reverse((at, sequence, kind)));
        sequence += 1;
    };
    // Waiting customers in arrival order: (number, joined at, gave up);
    // those who gave up are skipped when they reach the front.
    let mut waiting: VecDeque<(u64, u64, bool)> = VecDeque::new();
    let mut free_agents = model.agents;
    let mut counts = Counts::default();
    schedule(&mut events, 0, Kind::Arrival);
    while let Some(Reverse((now, _, kind))) = events.pop() {
        match kind {
            Kind::Arrival => {
                let number = counts.arrived;
                counts.arrived += 1;
                if counts.arrived < customers {
                    let next = now + gap.sample(&mut rng).round() as u64;
                    schedule(&mut events, next, Kind::Arrival);
                }
                let handling = handle.sample(&mut rng).round() as u64;
                let patience = patience.sample(&mut rng).round() as u64;
                if free_agents > 0 {
                    free_agents -= 1;
                    counts.served += 1;
                    schedule(&mut events, now + handling, Kind::Free);
                } else {
                    waiting.push_back((number, now, false));
                    schedule(&mut events, now + patience, Kind::GivesUp(number));
                }
            }
            Kind::Free => {
                free_agents += 1;
                while let Some((_, joined, gave_up)) = waiting.pop_front() {
                    if gave_up {
                        continue;
                    }
                    free_agents -= 1;
                    counts.served += 1;
                    counts.total_wait_ms += now - joined;
                    let handling = handle.sample(&mut rng).round() as u64;
                    schedule(&mut events, now + handling, Kind::Free);
                    break;
                }
            }
            Kind::GivesUp(number) => {
                // Numbers rise along the queue: still waiting if found.
                if let Ok(at) = waiting.binary_search_by_key(&number, |&(number, ..)| number)
                    && !waiting[at].2
                {
                    waiting[at].2 = true;
                    counts.abandoned += 1;
                }
            }
        }
    }
    counts
}
