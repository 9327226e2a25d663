//! Random streams. Every conversation draws from its own streams, keyed by
//! `(seed, replication, conversation index, purpose)`, so results do not
//! depend on thread count or event order, and two flow versions see the same
//! customers (common random numbers — what makes a comparison sensitive).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// What a stream is used for. Separate streams keep the customer's draws
/// (persona, goal, patience, timing) apart from the bot's (latency, backend
/// failures) and the queue's (patience in the queue, the agent's first reply
/// and handle time), so a change to the bot reshuffles neither the customers
/// nor what happens to them in the queue.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Purpose {
    Arrivals = 0,
    Customer = 1,
    Bot = 2,
    Queue = 3,
}

/// Bits of the stream number that hold the replication; the scenario's
/// bound on replications ([`crate::model::scenario::MAX_REPLICATIONS`])
/// keeps replication numbers within them.
const REPLICATION_BITS: u32 = 20;
const PURPOSE_BITS: u32 = 2;

/// `ChaCha8Rng` is portable (unlike `StdRng`, whose algorithm may change), and
/// ChaCha has 2^64 independent streams per key: the key comes from the seed,
/// the stream number packs the rest without hashing, so streams never collide
/// (for fewer than 2^42 conversations per replication and 2^20 replications).
pub(crate) fn stream(
    seed: u64,
    replication: u32,
    conversation: u64,
    purpose: Purpose,
) -> ChaCha8Rng {
    debug_assert!(u64::from(replication) < 1 << REPLICATION_BITS);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let replication = u64::from(replication) & ((1 << REPLICATION_BITS) - 1);
    rng.set_stream(
        (conversation << (REPLICATION_BITS + PURPOSE_BITS))
            | (replication << PURPOSE_BITS)
            | purpose as u64,
    );
    rng
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    const PINNED: u64 = 12_080_357_591_642_827_065;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let first = |s: &mut ChaCha8Rng| s.next_u64();
        assert_eq!(
            first(&mut stream(1, 0, 5, Purpose::Customer)),
            first(&mut stream(1, 0, 5, Purpose::Customer))
        );
        assert_ne!(
            first(&mut stream(1, 0, 5, Purpose::Customer)),
            first(&mut stream(1, 0, 5, Purpose::Bot))
        );
        assert_ne!(
            first(&mut stream(1, 0, 5, Purpose::Customer)),
            first(&mut stream(1, 0, 6, Purpose::Customer))
        );
        assert_ne!(
            first(&mut stream(1, 0, 5, Purpose::Customer)),
            first(&mut stream(2, 0, 5, Purpose::Customer))
        );
        // Pinned, so that a change of algorithm or of stream layout (which
        // would change every report) cannot pass unnoticed.
        assert_eq!(first(&mut stream(42, 3, 7, Purpose::Bot)), PINNED);
    }

    #[test]
    fn the_replication_bound_and_the_stream_layout_agree() {
        use crate::model::scenario::MAX_REPLICATIONS;
        assert_eq!(MAX_REPLICATIONS, 1 << REPLICATION_BITS);
        // The last allowed replication has a stream of its own...
        let last = MAX_REPLICATIONS - 1;
        let first = |s: &mut ChaCha8Rng| s.next_u64();
        assert_ne!(
            first(&mut stream(1, last, 0, Purpose::Customer)),
            first(&mut stream(1, 0, 0, Purpose::Customer))
        );
        assert_ne!(
            first(&mut stream(1, last, 0, Purpose::Customer)),
            first(&mut stream(1, last - 1, 0, Purpose::Customer))
        );
        // ...and does not run into the next conversation's streams.
        assert_ne!(
            first(&mut stream(1, last, 0, Purpose::Queue)),
            first(&mut stream(1, 0, 1, Purpose::Arrivals))
        );
    }
}
