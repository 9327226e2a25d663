//! Random streams. Every conversation draws from its own streams, keyed by
//! `(seed, replication, conversation index, purpose)`, so results do not
//! depend on thread count or event order, and two flow versions see the same
//! customers (common random numbers — what makes a comparison sensitive).
//!
//! Both clocks draw from here: the simulation, and live mode, whose customer
//! `i` is customer `i` of replication 0.
//!
//! Two generators, each for what it does best:
//!
//! - a conversation's streams (and a turn's, a queue visit's) are
//!   [`Draws`]: xoshiro256++, 32 bytes of state, set up with five
//!   applications of SplitMix64's finaliser. A run sets up millions of
//!   them and draws a few dozen numbers from each, so set-up and size are
//!   what count.
//! - the arrival clock, one long stream per replication, is ChaCha8: its
//!   set-up is paid once, and it has 2^64 independent streams per key.
//!
//! Both algorithms are fixed by their crates (`rand_xoshiro`, `rand_chacha`
//! promise value stability), unlike `StdRng` or `SmallRng`, and the tests
//! below pin a value of each, so a change of algorithm or of stream layout,
//! which would change every report, cannot pass unnoticed.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A short-lived random stream: a conversation's, a turn's, a queue visit's.
pub(crate) type Draws = rand_xoshiro::Xoshiro256PlusPlus;

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
    pub fn stream(self, seed: u64, replication: u32, purpose: Purpose) -> Draws {
        let key = if self.tag == 0 { seed } else { seed ^ self.tag };
        stream(key, replication, self.index, purpose)
    }
}

/// SplitMix64's finaliser, to spread tags; a bijection of `u64`.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The stream number of a conversation's stream: it packs the conversation,
/// the replication and the purpose without hashing, so two streams of one
/// key never share a number (for fewer than 2^42 conversations per
/// replication and 2^20 replications).
fn stream_number(replication: u32, conversation: u64, purpose: Purpose) -> u64 {
    debug_assert!(u64::from(replication) < 1 << REPLICATION_BITS);
    let replication = u64::from(replication) & ((1 << REPLICATION_BITS) - 1);
    (conversation << (REPLICATION_BITS + PURPOSE_BITS))
        | (replication << PURPOSE_BITS)
        | purpose as u64
}

/// Conversation `conversation`'s stream for `purpose` in `replication` of
/// a run keyed by `seed`.
pub(crate) fn stream(seed: u64, replication: u32, conversation: u64, purpose: Purpose) -> Draws {
    draws_from(stream_number(replication, conversation, purpose), seed)
}

/// The long stream of the arrival clock of `replication` with `seed`.
pub(crate) fn arrival_clock(seed: u64, replication: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream_number(replication, 0, Purpose::Arrivals));
    rng
}

/// A fresh stream from two numbers of `rng`: a turn's stream from the
/// customer's, so that later turns stay aligned however many numbers this
/// one draws.
pub(crate) fn split(rng: &mut Draws) -> Draws {
    use rand::Rng;
    draws_from(rng.next_u64(), rng.next_u64())
}

/// The stream of `seed` alone (a [`crate::session::FlowSession`]'s).
pub(crate) fn seeded(seed: u64) -> Draws {
    draws_from(seed, 0)
}

/// A xoshiro256++ state from two numbers, with SplitMix64's finaliser.
///
/// The first word is one-to-one with `a`, the second with `b`, so two
/// different pairs never share a state: no two streams coincide, whatever
/// the keys (the seed, the families' tags) and the stream numbers. The last
/// two words mix both, so that every draw, the first included, depends on
/// both inputs: were `b` (the seed) to reach only part of what the first
/// draws read, a customer's draws under two seeds would be alike, and runs
/// with different seeds would vary less than independent runs do (the test
/// below measures it). The constants added keep the state from being all
/// zeros, where xoshiro would stay.
fn draws_from(a: u64, b: u64) -> Draws {
    const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;
    let first = mix(a.wrapping_add(GOLDEN_GAMMA));
    let second = mix(mix(b ^ 0x5851_f42d_4c95_7f2d).wrapping_add(GOLDEN_GAMMA.wrapping_mul(2)));
    let third = mix(first
        .wrapping_add(second)
        .wrapping_add(GOLDEN_GAMMA.wrapping_mul(3)));
    let fourth = mix((first ^ second).wrapping_add(GOLDEN_GAMMA.wrapping_mul(4)));
    let mut state = [0u8; 32];
    for (bytes, word) in state
        .chunks_exact_mut(8)
        .zip([first, second, third, fourth])
    {
        bytes.copy_from_slice(&word.to_le_bytes());
    }
    Draws::from_seed(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn first(mut draws: impl Rng) -> u64 {
        draws.next_u64()
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let customer = || stream(1, 0, 5, Purpose::Customer);
        assert_eq!(first(customer()), first(customer()));
        assert_ne!(first(customer()), first(stream(1, 0, 5, Purpose::Bot)));
        assert_ne!(first(customer()), first(stream(1, 0, 6, Purpose::Customer)));
        assert_ne!(first(customer()), first(stream(2, 0, 5, Purpose::Customer)));
        assert_ne!(
            first(Streams::walk_in(5).stream(1, 0, Purpose::Customer)),
            first(Streams::member(5, 0).stream(1, 0, Purpose::Customer))
        );
        // Pinned, so that a change of algorithm or of stream layout (which
        // would change every report) cannot pass unnoticed.
        assert_eq!(first(stream(42, 3, 7, Purpose::Bot)), PINNED_DRAWS);
        assert_eq!(first(arrival_clock(42, 3)), PINNED_ARRIVALS);
        assert_eq!(
            first(split(&mut stream(42, 3, 7, Purpose::Bot))),
            PINNED_SPLIT
        );
    }

    const PINNED_DRAWS: u64 = 16_704_207_933_259_137_261;
    const PINNED_ARRIVALS: u64 = 16_044_361_769_748_765_274;
    const PINNED_SPLIT: u64 = 17_772_791_898_360_132_798;

    /// Two keys whose streams coincided when one word carried both inputs
    /// (`a ^ mix(b ^ c)`): now each input fills a word of its own.
    #[test]
    fn two_keys_never_share_a_stream() {
        let c = 0x5851_f42d_4c95_7f2d;
        let colliding = mix(1 ^ c) ^ mix(2 ^ c);
        assert_ne!(first(draws_from(0, 1)), first(draws_from(colliding, 2)));
        assert_ne!(first(draws_from(5, 9)), first(draws_from(9, 5)));
    }

    #[test]
    fn the_replication_bound_and_the_stream_layout_agree() {
        use crate::model::scenario::MAX_REPLICATIONS;
        assert_eq!(MAX_REPLICATIONS, 1 << REPLICATION_BITS);
        // The last allowed replication has a stream of its own...
        let last = MAX_REPLICATIONS - 1;
        assert_ne!(
            first(stream(1, last, 0, Purpose::Customer)),
            first(stream(1, 0, 0, Purpose::Customer))
        );
        assert_ne!(
            first(stream(1, last, 0, Purpose::Customer)),
            first(stream(1, last - 1, 0, Purpose::Customer))
        );
        // ...and does not run into the next conversation's streams.
        assert_ne!(
            first(stream(1, last, 0, Purpose::Queue)),
            first(stream(1, 0, 1, Purpose::Arrivals))
        );
    }

    /// Neighbouring streams (consecutive customers, one purpose) are
    /// independent: the correlation of their first draws over 100,000
    /// pairs is within 5 standard errors of 0 (the standard error of a
    /// correlation of independent uniforms is 1/sqrt(n) = 0.0032), and
    /// each stream's draws are uniform (mean within 5 standard errors of
    /// 1/2, the standard error being sqrt(1/12/n) = 0.0009).
    #[test]
    fn neighbouring_streams_are_uncorrelated() {
        use rand::RngExt;
        let n = 100_000;
        let draws: Vec<f64> = (0..=n)
            .map(|customer| stream(7, 0, customer, Purpose::Customer).random::<f64>())
            .collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!(
            (mean - 0.5).abs() < 5.0 * (1.0 / 12.0 / n as f64).sqrt(),
            "mean {mean}"
        );
        let variance = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / draws.len() as f64;
        let covariance = draws
            .windows(2)
            .map(|pair| (pair[0] - mean) * (pair[1] - mean))
            .sum::<f64>()
            / n as f64;
        let correlation = covariance / variance;
        assert!(
            correlation.abs() < 5.0 / (n as f64).sqrt(),
            "correlation {correlation}"
        );
    }

    /// A customer's draws under different seeds are independent: the number
    /// of customers (of 1,000) whose first draw is below 0.3 varies across
    /// 400 seeds as a binomial count does (variance 1,000 × 0.3 × 0.7). The
    /// ratio of the two variances has a standard error of sqrt(2/399) =
    /// 0.07 for independent seeds; the bounds are 4 of them away. Seeding
    /// that put the seed in only half of the state gave 0.48.
    #[test]
    fn seeds_give_independent_customers() {
        use rand::RngExt;
        let counts: Vec<f64> = (1..=400)
            .map(|seed| {
                (0..1_000)
                    .filter(|&customer| {
                        stream(seed, 0, customer, Purpose::Customer).random::<f64>() < 0.3
                    })
                    .count() as f64
            })
            .collect();
        let mean = counts.iter().sum::<f64>() / counts.len() as f64;
        let variance =
            counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (counts.len() - 1) as f64;
        let ratio = variance / (1_000.0 * 0.3 * 0.7);
        assert!((0.7..1.3).contains(&ratio), "variance ratio {ratio}");
    }
}
