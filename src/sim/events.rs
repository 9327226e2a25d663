//! The virtual clock: a queue of events ordered by `(time, sequence number)`,
//! so that events at the same millisecond run first-in, first-out.
//!
//! Every simulated customer passes through here a few times (arriving,
//! joining a queue, an agent finishing), so the queue is built for that:
//! a 4-ary min-heap of 24-byte keys (time, sequence number, slot), and the
//! events themselves in a slab whose slots are reused. Sifting moves keys,
//! never events, and the heap is half as deep as a binary one; no event
//! allocates once the slab and the heap have grown to the most events ever
//! pending at once.

use crate::model::SimTime;

/// Where an event sorts, and where it waits.
#[derive(Clone, Copy)]
struct Key {
    at: SimTime,
    sequence: u64,
    slot: u32,
}

impl Key {
    fn before(&self, other: &Key) -> bool {
        (self.at, self.sequence) < (other.at, other.sequence)
    }
}

/// Children per heap node: four keys (96 bytes) span two cache lines, and
/// the heap is half as deep as a binary heap's.
const ARITY: usize = 4;

pub(crate) struct EventQueue<E> {
    /// A min-heap by `(at, sequence)`: the children of `i` are
    /// `ARITY * i + 1 ..= ARITY * i + ARITY`.
    heap: Vec<Key>,
    /// The events, by slot; `None` for a free slot.
    slots: Vec<Option<E>>,
    /// Free slots, reused last-freed first.
    free: Vec<u32>,
    next_sequence: u64,
    now: SimTime,
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: Vec::new(),
            slots: Vec::new(),
            free: Vec::new(),
            next_sequence: 0,
            now: SimTime::ZERO,
        }
    }

    /// Schedules `event` at `at`; the past is clamped to now, so time never runs backwards.
    pub fn schedule(&mut self, at: SimTime, event: E) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(event);
                slot
            }
            None => {
                // Pending events are bounded by memory long before by u32:
                // each holds a slot of at least 8 bytes.
                let slot = u32::try_from(self.slots.len()).expect("fewer than 2^32 pending events");
                self.slots.push(Some(event));
                slot
            }
        };
        let key = Key {
            at: at.max(self.now),
            sequence: self.next_sequence,
            slot,
        };
        self.next_sequence += 1;
        self.heap.push(key);
        self.sift_up(self.heap.len() - 1);
    }

    /// The next event, advancing the clock to its time.
    pub fn next(&mut self) -> Option<(SimTime, E)> {
        let last = self.heap.pop()?;
        let first = if self.heap.is_empty() {
            last
        } else {
            let first = self.heap[0];
            self.heap[0] = last;
            self.sift_down(0);
            first
        };
        self.now = first.at;
        let event = self.slots[first.slot as usize]
            .take()
            .expect("a scheduled event's slot holds it");
        self.free.push(first.slot);
        Some((first.at, event))
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    fn sift_up(&mut self, mut at: usize) {
        let key = self.heap[at];
        while at > 0 {
            let parent = (at - 1) / ARITY;
            if !key.before(&self.heap[parent]) {
                break;
            }
            self.heap[at] = self.heap[parent];
            at = parent;
        }
        self.heap[at] = key;
    }

    fn sift_down(&mut self, mut at: usize) {
        let key = self.heap[at];
        let len = self.heap.len();
        loop {
            let first_child = ARITY * at + 1;
            if first_child >= len {
                break;
            }
            let mut least = first_child;
            for child in first_child + 1..(first_child + ARITY).min(len) {
                if self.heap[child].before(&self.heap[least]) {
                    least = child;
                }
            }
            if !self.heap[least].before(&key) {
                break;
            }
            self.heap[at] = self.heap[least];
            at = least;
        }
        self.heap[at] = key;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn orders_by_time_then_first_in_first_out() {
        let mut queue = EventQueue::new();
        queue.schedule(SimTime(20), "late");
        queue.schedule(SimTime(10), "first at 10");
        queue.schedule(SimTime(10), "second at 10");
        let order: Vec<_> = std::iter::from_fn(|| queue.next())
            .map(|(_, e)| e)
            .collect();
        assert_eq!(order, ["first at 10", "second at 10", "late"]);
    }

    proptest! {
        /// Any interleaving of schedules and pops gives the events in the
        /// order of a stable sort by time (clamped to the clock), as the
        /// standard library's binary heap of `(time, sequence)` did.
        #[test]
        fn pops_in_time_then_schedule_order(
            steps in proptest::collection::vec((0u64..50, any::<bool>()), 0..400)
        ) {
            let mut queue = EventQueue::new();
            let mut pending: Vec<(SimTime, u64)> = Vec::new();
            let mut sequence = 0;
            let mut check = |queue: &mut EventQueue<u64>, pending: &mut Vec<(SimTime, u64)>| {
                let expected = pending.iter().copied().min();
                let got = queue.next();
                prop_assert_eq!(got, expected);
                if let Some(popped) = expected {
                    pending.retain(|entry| *entry != popped);
                }
                Ok(())
            };
            for (offset, pop) in steps {
                if pop {
                    check(&mut queue, &mut pending)?;
                } else {
                    let at = SimTime(queue.now().0 + offset).max(queue.now());
                    queue.schedule(at, sequence);
                    pending.push((at, sequence));
                    sequence += 1;
                }
            }
            while !pending.is_empty() {
                check(&mut queue, &mut pending)?;
            }
            prop_assert!(queue.next().is_none());
        }
    }
}
