//! Human agent pools: `count` agents per queue, customers served first come,
//! first served, each customer willing to wait only so long.

use std::collections::BTreeMap;

use super::conversation::Progress;
use super::events::EventQueue;
use crate::metrics::Metrics;
use crate::model::Millis;
use crate::model::flow::NodeId;
use crate::model::scenario::PoolId;
use crate::outcome::Outcome;

/// A handed-off customer, with what the queue needs drawn in advance from
/// the customer's own stream.
pub(crate) struct Waiting {
    pub progress: Progress,
    pub node: NodeId,
    pub joined: Millis,
    pub patience: Option<Millis>,
    pub first_reply: Millis,
    pub handle_time: Millis,
}

/// Events of the agent side of the simulation.
pub(crate) enum QueueEvent {
    Joins(PoolId, Box<Waiting>),
    /// The customer holding this ticket runs out of patience.
    GivesUp(PoolId, u64),
    /// An agent of this pool finishes a conversation.
    AgentFree(PoolId),
}

pub(crate) struct Pool {
    id: PoolId,
    free_agents: u32,
    /// Waiting customers by ticket; tickets rise with arrival, so the first
    /// entry is the longest waiting (FIFO) and a customer who gives up is
    /// removed in O(log n).
    waiting: BTreeMap<u64, Waiting>,
    next_ticket: u64,
}

impl Pool {
    pub fn new(id: PoolId, agents: u32) -> Pool {
        Pool {
            id,
            free_agents: agents,
            waiting: BTreeMap::new(),
            next_ticket: 0,
        }
    }

    pub fn join(
        &mut self,
        now: Millis,
        customer: Waiting,
        events: &mut EventQueue<Event>,
        metrics: &mut Metrics,
    ) {
        if self.free_agents > 0 {
            self.free_agents -= 1;
            self.serve(now, customer, events, metrics);
            return;
        }
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        if let Some(patience) = customer.patience {
            events.schedule(
                now.saturating_add(patience),
                Event::Queue(QueueEvent::GivesUp(self.id, ticket)),
            );
        }
        self.waiting.insert(ticket, customer);
    }

    /// The customer with `ticket` leaves, unless an agent already took them.
    pub fn give_up(&mut self, now: Millis, ticket: u64, metrics: &mut Metrics) {
        if let Some(customer) = self.waiting.remove(&ticket) {
            leave_queue(now, customer, metrics);
        }
    }

    pub fn agent_free(
        &mut self,
        now: Millis,
        events: &mut EventQueue<Event>,
        metrics: &mut Metrics,
    ) {
        match self.waiting.pop_first() {
            Some((_, customer)) => self.serve(now, customer, events, metrics),
            None => self.free_agents += 1,
        }
    }

    /// Customers still waiting when nothing else can happen (a queue with no
    /// agents, and customers with endless patience) leave at `now`.
    pub fn close(&mut self, now: Millis, metrics: &mut Metrics) {
        while let Some((_, customer)) = self.waiting.pop_first() {
            leave_queue(now, customer, metrics);
        }
    }

    fn serve(
        &mut self,
        now: Millis,
        customer: Waiting,
        events: &mut EventQueue<Event>,
        metrics: &mut Metrics,
    ) {
        let wait = now.saturating_sub(customer.joined);
        metrics.queue_wait.record(wait);
        metrics
            .agent_first_response
            .record(wait.saturating_add(customer.first_reply));
        let done = now.saturating_add(customer.handle_time);
        events.schedule(done, Event::Queue(QueueEvent::AgentFree(self.id)));
        end(metrics, &customer, Outcome::AgentResolved, done);
    }
}

fn leave_queue(now: Millis, customer: Waiting, metrics: &mut Metrics) {
    metrics
        .queue_wait
        .record(now.saturating_sub(customer.joined));
    end(metrics, &customer, Outcome::AbandonedInQueue, now);
}

fn end(metrics: &mut Metrics, customer: &Waiting, outcome: Outcome, at: Millis) {
    metrics.end(customer.progress.ending(outcome, customer.node, at));
}

/// Everything the event queue of a replication holds.
pub(crate) enum Event {
    /// The next customer arrives.
    Arrival,
    Queue(QueueEvent),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(joined: u64, patience: Option<u64>) -> Waiting {
        Waiting {
            progress: Progress {
                persona: 0,
                started: Millis(joined),
                turns: 0,
                replies: 0,
                not_understood: 0,
            },
            node: 0,
            joined: Millis(joined),
            patience: patience.map(Millis),
            first_reply: Millis(50),
            handle_time: Millis(900),
        }
    }

    /// Runs the queue's own events after customers joined at the given times.
    fn run(agents: u32, customers: Vec<Waiting>) -> Metrics {
        let mut metrics = Metrics::new(1, 1);
        let mut events = EventQueue::new();
        for customer in customers {
            events.schedule(
                customer.joined,
                Event::Queue(QueueEvent::Joins(0, Box::new(customer))),
            );
        }
        let mut pool = Pool::new(0, agents);
        while let Some((now, event)) = events.next() {
            match event {
                Event::Queue(QueueEvent::Joins(_, customer)) => {
                    pool.join(now, *customer, &mut events, &mut metrics)
                }
                Event::Queue(QueueEvent::GivesUp(_, ticket)) => {
                    pool.give_up(now, ticket, &mut metrics)
                }
                Event::Queue(QueueEvent::AgentFree(_)) => {
                    pool.agent_free(now, &mut events, &mut metrics)
                }
                Event::Arrival => unreachable!(),
            }
        }
        pool.close(events.now(), &mut metrics);
        metrics
    }

    #[test]
    fn serves_first_come_first_served_with_at_most_count_agents() {
        // Two agents, four customers a millisecond apart, 900ms each (times
        // under 1.024s are recorded exactly): the first two are taken at once;
        // the third gets the first free agent (at 900ms, after waiting 898ms)
        // and the fourth the second (at 901ms, also 898ms). Last-in-first-out
        // would give waits of 897 and 899 instead.
        let metrics = run(2, (0..4).map(|t| customer(t, None)).collect());
        let waits = &metrics.queue_wait;
        assert_eq!(waits.count(), 4);
        assert_eq!(waits.quantile(0.5), Some(Millis(0)));
        assert_eq!(waits.quantile(0.75), Some(Millis(898)));
        assert_eq!(waits.max(), Some(Millis(898)));
        assert_eq!(metrics.all.outcomes.get(Outcome::AgentResolved), 4);
        // First response adds the agent's first reply to the wait.
        assert_eq!(metrics.agent_first_response.max(), Some(Millis(948)));
    }

    #[test]
    fn a_customer_out_of_patience_leaves_and_is_not_served() {
        // One agent busy for 900ms; the second customer gives up after 300ms.
        let metrics = run(1, vec![customer(0, None), customer(0, Some(300))]);
        assert_eq!(metrics.all.outcomes.get(Outcome::AgentResolved), 1);
        assert_eq!(metrics.all.outcomes.get(Outcome::AbandonedInQueue), 1);
        assert_eq!(metrics.funnel[0].abandoned, 1);
        assert_eq!(metrics.queue_wait.max(), Some(Millis(300)));
        assert_eq!(metrics.agent_first_response.count(), 1);
    }

    #[test]
    fn an_unstaffed_queue_ends_every_wait_when_nothing_else_can_happen() {
        let metrics = run(0, vec![customer(0, None), customer(5, Some(60_000))]);
        assert_eq!(metrics.all.outcomes.get(Outcome::AbandonedInQueue), 2);
    }
}
