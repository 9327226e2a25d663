//! A set of agent numbers that gives its lowest member fast: the agents of
//! a pool with room for another chat at one load (see `agents::Slots`).
//!
//! Every chat an agent takes or finishes moves the agent between two such
//! sets, so they are bitmaps: a bit per agent in 64-bit words, and a bit per
//! word in summary words, set when the word has a member. The lowest member
//! is two `trailing_zeros` away for pools of up to 4,096 agents, and a scan
//! of at most 25 summary words for the largest pools a scenario allows.

/// Agent numbers `0..capacity`.
#[derive(Debug, Clone)]
pub(crate) struct AgentSet {
    words: Vec<u64>,
    /// Bit `w % 64` of `summary[w / 64]` is set when `words[w]` is not 0.
    summary: Vec<u64>,
    len: u32,
}

impl AgentSet {
    /// An empty set for agents numbered below `capacity`.
    pub fn new(capacity: u32) -> AgentSet {
        let words = (capacity as usize).div_ceil(64);
        AgentSet {
            words: vec![0; words],
            summary: vec![0; words.div_ceil(64)],
            len: 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `agent`; returns whether it was absent.
    pub fn insert(&mut self, agent: u32) -> bool {
        let (word, bit) = (agent as usize / 64, 1u64 << (agent % 64));
        if self.words[word] & bit != 0 {
            return false;
        }
        self.words[word] |= bit;
        self.summary[word / 64] |= 1 << (word % 64);
        self.len += 1;
        true
    }

    /// Removes `agent`; returns whether it was present.
    pub fn remove(&mut self, agent: u32) -> bool {
        let (word, bit) = (agent as usize / 64, 1u64 << (agent % 64));
        if self.words[word] & bit == 0 {
            return false;
        }
        self.words[word] &= !bit;
        if self.words[word] == 0 {
            self.summary[word / 64] &= !(1 << (word % 64));
        }
        self.len -= 1;
        true
    }

    /// The lowest member.
    pub fn first(&self) -> Option<u32> {
        let (block, summary) = self
            .summary
            .iter()
            .enumerate()
            .find(|(_, summary)| **summary != 0)?;
        let word = block * 64 + summary.trailing_zeros() as usize;
        Some((word * 64) as u32 + self.words[word].trailing_zeros())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        /// The set agrees with an ordered set under any mix of inserts and
        /// removals, on either side of the word and summary boundaries.
        #[test]
        fn behaves_as_an_ordered_set(
            capacity in 1u32..9_000,
            steps in proptest::collection::vec((any::<bool>(), 0u32..9_000), 0..300)
        ) {
            let mut set = AgentSet::new(capacity);
            let mut model = BTreeSet::new();
            for (insert, agent) in steps {
                let agent = agent % capacity;
                if insert {
                    prop_assert_eq!(set.insert(agent), model.insert(agent));
                } else {
                    prop_assert_eq!(set.remove(agent), model.remove(&agent));
                }
                prop_assert_eq!(set.first(), model.first().copied());
                prop_assert_eq!(set.is_empty(), model.is_empty());
            }
        }
    }
}
