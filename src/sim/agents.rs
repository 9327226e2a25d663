//! Human agent pools: `count` agents per queue, customers served first come,
//! first served, each customer willing to wait only so long.

use std::collections::BTreeMap;

use super::events::EventQueue;
use crate::conversation::Progress;
use crate::metric::Outcome;
use crate::model::flow::NodeId;
use crate::model::scenario::PoolId;
use crate::model::{Millis, SimTime};
use crate::tally::{Ending, Tallies};

/// A handed-off customer, with what the queue needs drawn in advance from
/// the conversation's queue stream.
pub(crate) struct Waiting {
    pub progress: Progress,
    /// The handoff node, where an abandonment in the queue is counted.
    pub node: NodeId,
    pub joined: SimTime,
    pub patience: Option<Millis>,
    pub first_reply: Millis,
    pub handle_time: Millis,
    /// Warm-up traffic loads the queue but is not counted.
    pub counted: bool,
}

/// Events of the agent side of the simulation.
pub(crate) enum QueueEvent {
    Joins(PoolId, Box<Waiting>),
    /// The customer holding this ticket runs out of patience.
    GivesUp(PoolId, u64),
    /// An agent of this pool finishes a conversation.
    AgentFree(PoolId),
}

/// Everything the event queue of a replication holds.
pub(crate) enum Event {
    /// The next customer arrives.
    Arrival,
    Queue(QueueEvent),
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
        now: SimTime,
        customer: Waiting,
        events: &mut EventQueue<Event>,
        tallies: &mut Tallies,
    ) {
        if self.free_agents > 0 {
            self.free_agents -= 1;
            self.serve(now, customer, events, tallies);
            return;
        }
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        if let Some(patience) = customer.patience {
            events.schedule(
                now + patience,
                Event::Queue(QueueEvent::GivesUp(self.id, ticket)),
            );
        }
        self.waiting.insert(ticket, customer);
    }

    /// The customer with `ticket` leaves, unless an agent already took them.
    pub fn give_up(&mut self, now: SimTime, ticket: u64, tallies: &mut Tallies) {
        if let Some(customer) = self.waiting.remove(&ticket) {
            leave_queue(now, customer, tallies);
        }
    }

    pub fn agent_free(
        &mut self,
        now: SimTime,
        events: &mut EventQueue<Event>,
        tallies: &mut Tallies,
    ) {
        match self.waiting.pop_first() {
            Some((_, customer)) => self.serve(now, customer, events, tallies),
            None => self.free_agents += 1,
        }
    }

    /// Customers still waiting when nothing else can happen (a queue with no
    /// agents, and customers with endless patience) leave at `now`.
    pub fn close(&mut self, now: SimTime, tallies: &mut Tallies) {
        while let Some((_, customer)) = self.waiting.pop_first() {
            leave_queue(now, customer, tallies);
        }
    }

    fn serve(
        &mut self,
        now: SimTime,
        customer: Waiting,
        events: &mut EventQueue<Event>,
        tallies: &mut Tallies,
    ) {
        let done = now + customer.handle_time;
        events.schedule(done, Event::Queue(QueueEvent::AgentFree(self.id)));
        if customer.counted {
            let wait = now.since(customer.joined);
            tallies.queue_wait.record(wait);
            tallies
                .agent_first_response
                .record(wait + customer.first_reply);
        }
        end(tallies, &customer, Outcome::AgentResolved, done);
    }
}

fn leave_queue(now: SimTime, customer: Waiting, tallies: &mut Tallies) {
    if customer.counted {
        tallies.queue_wait.record(now.since(customer.joined));
    }
    end(tallies, &customer, Outcome::AbandonedInQueue, now);
}

fn end(tallies: &mut Tallies, customer: &Waiting, outcome: Outcome, at: SimTime) {
    if customer.counted {
        tallies.end(ending(customer.progress, outcome, customer.node, at));
    }
}

/// What a conversation contributes to the tallies when it ends with
/// `outcome` at `node`, at time `at`.
pub(crate) fn ending(progress: Progress, outcome: Outcome, node: NodeId, at: SimTime) -> Ending {
    Ending {
        persona: progress.persona,
        outcome,
        node,
        turns: progress.turns,
        not_understood: progress.not_understood,
        duration: at.since(progress.started),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(joined: u64, patience: Option<u64>) -> Waiting {
        Waiting {
            progress: Progress {
                persona: 0,
                started: SimTime(joined),
                turns: 0,
                not_understood: 0,
            },
            node: 0,
            joined: SimTime(joined),
            patience: patience.map(Millis),
            first_reply: Millis(50),
            handle_time: Millis(900),
            counted: true,
        }
    }

    /// Runs the queue's own events after customers joined at the given times.
    fn run(agents: u32, customers: Vec<Waiting>) -> Tallies {
        let mut tallies = Tallies::new(1, 1);
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
                    pool.join(now, *customer, &mut events, &mut tallies)
                }
                Event::Queue(QueueEvent::GivesUp(_, ticket)) => {
                    pool.give_up(now, ticket, &mut tallies)
                }
                Event::Queue(QueueEvent::AgentFree(_)) => {
                    pool.agent_free(now, &mut events, &mut tallies)
                }
                Event::Arrival => unreachable!(),
            }
        }
        pool.close(events.now(), &mut tallies);
        tallies
    }

    #[test]
    fn serves_first_come_first_served_with_at_most_count_agents() {
        // Two agents, four customers a millisecond apart, 900ms each (times
        // under 1.024s are recorded exactly): the first two are taken at once;
        // the third gets the first free agent (at 900ms, after waiting 898ms)
        // and the fourth the second (at 901ms, also 898ms). Last-in-first-out
        // would give waits of 897 and 899 instead.
        let tallies = run(2, (0..4).map(|t| customer(t, None)).collect());
        let waits = &tallies.queue_wait;
        assert_eq!(waits.count(), 4);
        assert_eq!(waits.quantile(0.5), Some(Millis(0)));
        assert_eq!(waits.quantile(0.75), Some(Millis(898)));
        assert_eq!(waits.max(), Some(Millis(898)));
        assert_eq!(tallies.all.outcomes.get(Outcome::AgentResolved), 4);
        // First response adds the agent's first reply to the wait.
        assert_eq!(tallies.agent_first_response.max(), Some(Millis(948)));
    }

    #[test]
    fn a_customer_out_of_patience_leaves_and_is_not_served() {
        // One agent busy for 900ms; the second customer gives up after 300ms.
        let tallies = run(1, vec![customer(0, None), customer(0, Some(300))]);
        assert_eq!(tallies.all.outcomes.get(Outcome::AgentResolved), 1);
        assert_eq!(tallies.all.outcomes.get(Outcome::AbandonedInQueue), 1);
        assert_eq!(tallies.funnel[0].abandoned, 1);
        assert_eq!(tallies.queue_wait.max(), Some(Millis(300)));
        assert_eq!(tallies.agent_first_response.count(), 1);
    }

    #[test]
    fn an_unstaffed_queue_ends_every_wait_when_nothing_else_can_happen() {
        let tallies = run(0, vec![customer(0, None), customer(5, Some(60_000))]);
        assert_eq!(tallies.all.outcomes.get(Outcome::AbandonedInQueue), 2);
    }

    #[test]
    fn warm_up_customers_load_the_queue_but_are_not_counted() {
        let mut early = customer(0, None);
        early.counted = false;
        // The uncounted customer holds the only agent for 900ms; the counted
        // one waits for it, and only that wait is recorded.
        let tallies = run(1, vec![early, customer(100, None)]);
        assert_eq!(tallies.conversations(), 1);
        assert_eq!(tallies.queue_wait.count(), 1);
        assert_eq!(tallies.queue_wait.max(), Some(Millis(800)));
    }
}
