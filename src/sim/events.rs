//! The virtual clock: a queue of events ordered by `(time, sequence number)`,
//! so that events at the same millisecond run first-in, first-out.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use crate::model::SimTime;

struct Entry<E> {
    at: SimTime,
    sequence: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.sequence) == (other.at, other.sequence)
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.sequence).cmp(&(other.at, other.sequence))
    }
}

pub(crate) struct EventQueue<E> {
    heap: BinaryHeap<Reverse<Entry<E>>>,
    next_sequence: u64,
    now: SimTime,
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_sequence: 0,
            now: SimTime::ZERO,
        }
    }

    /// Schedules `event` at `at`; the past is clamped to now, so time never runs backwards.
    pub fn schedule(&mut self, at: SimTime, event: E) {
        let at = at.max(self.now);
        self.heap.push(Reverse(Entry {
            at,
            sequence: self.next_sequence,
            event,
        }));
        self.next_sequence += 1;
    }

    /// The next event, advancing the clock to its time.
    pub fn next(&mut self) -> Option<(SimTime, E)> {
        let Reverse(entry) = self.heap.pop()?;
        self.now = entry.at;
        Some((entry.at, entry.event))
    }

    pub fn now(&self) -> SimTime {
        self.now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
