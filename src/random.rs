//! Random streams. Every conversation draws from its own streams, keyed by
//! `(seed, replication, conversation index, purpose)`, so results do not
//! depend on thread count or event order, and two flow versions see the same
//! customers (common random numbers — what makes a comparison sensitive).
//!
//! Both clocks draw from here: the simulation, and live mode, whose customer
//! `i` is customer `i` of replication 0.

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

/// Which customer a conversation's streams belong to. Customers who write in
/// (walk-ins) keep the original stream layout — key from the seed, stream
/// number from the arrival index — so adding campaigns or returns to a
/// scenario changes none of them. Other customers draw from keys derived
/// from the seed and a tag of their own family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Streams {
    /// 0 for walk-ins; a tag per family otherwise.
    tag: u64,
    index: u64,
}

/// Tags of the derived families (arbitrary odd constants, far apart).
const MEMBER: u64 = 0x9e37_79b9_7f4a_7c15;
const RETURN: u64 = 0xc2b2_ae3d_27d4_eb4f;
const FOLLOW_UP: u64 = 0x1656_67b1_9e37_79f9;

impl Streams {
    /// The `index`-th customer to write in.
    pub fn walk_in(index: u64) -> Streams {
        Streams { tag: 0, index }
    }

    /// Audience member `member`, as campaign `campaign` finds them; campaign
    /// `u8::MAX` stands for who the member is (persona, opt-in).
    pub fn member(member: u32, campaign: u8) -> Streams {
        Streams {
            tag: MEMBER,
            index: (u64::from(member) << 8) | u64::from(campaign),
        }
    }

    /// The `visit`-th return (from 1) of a customer: walk-in `index`, or
    /// audience member `index` when `member`.
    pub fn returning(index: u64, member: bool, visit: u32) -> Streams {
        Streams {
            tag: mix(RETURN ^ u64::from(visit)),
            index: (index << 1) | u64::from(member),
        }
    }

    /// The draws of the `nth` follow-up sent in these streams' conversation.
    pub fn follow_up(self, nth: u32) -> Streams {
        Streams {
            tag: mix(self.tag ^ FOLLOW_UP ^ (u64::from(nth) << 32)),
            index: self.index,
        }
    }

    /// The stream for `purpose` in `replication` of a run with `seed`.
    pub fn stream(self, seed: u64, replication: u32, purpose: Purpose) -> ChaCha8Rng {
        let key = if self.tag == 0 { seed } else { seed ^ self.tag };
        stream(key, replication, self.index, purpose)
    }
}

/// SplitMix64's finaliser, to spread tags.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

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
