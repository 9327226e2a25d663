//! One replication: an independent stretch of traffic on its own clock.
//! Customers arrive through `warm_up + duration`; those who arrive during
//! the warm-up load the queues but are not counted. Conversations still
//! going when arrivals stop are played to their end.

use rand_distr::{Distribution as _, Exp1};

use super::agents::{Event, Pool, QueueEvent, Waiting, ending};
use super::events::EventQueue;
use super::rng::{Purpose, stream};
use crate::conversation::customer::Customer;
use crate::conversation::flow_bot::FlowBot;
use crate::conversation::observer::Observer;
use crate::conversation::{Conversation, Exit, Opening};
use crate::metric::Outcome;
use crate::model::flow::NodeId;
use crate::model::scenario::Scenario;
use crate::model::{Millis, SimTime};
use crate::tally::Tallies;

/// Simulates replication `replication` of `scenario` with `seed`.
pub(crate) fn replicate(scenario: &Scenario, seed: u64, replication: u32) -> Tallies {
    let mut run = Replication {
        scenario,
        seed,
        replication,
        tallies: Tallies::new(scenario.flow.nodes.len(), scenario.personas.len()),
        visits: Visits::new(scenario.flow.nodes.len()),
        pools: scenario
            .pools
            .iter()
            .enumerate()
            .map(|(id, pool)| Pool::new(id, pool.count))
            .collect(),
        events: EventQueue::new(),
    };
    run.run();
    run.tallies
}

struct Replication<'s> {
    scenario: &'s Scenario,
    seed: u64,
    replication: u32,
    tallies: Tallies,
    visits: Visits,
    pools: Vec<Pool>,
    events: EventQueue<Event>,
}

impl Replication<'_> {
    fn run(&mut self) {
        let scenario = self.scenario;
        // Arrival times come from their own stream, so every flow version
        // sees the same customers at the same moments.
        let mut arrivals = stream(self.seed, self.replication, 0, Purpose::Arrivals);
        let mean_gap_secs = 3600.0 / scenario.arrivals_per_hour;
        let mut gap = || {
            let unit: f64 = Exp1.sample(&mut arrivals);
            Millis::from_secs_f64(unit * mean_gap_secs)
        };
        let counting_from = SimTime::ZERO + scenario.warm_up;
        let arrivals_end = counting_from + scenario.duration;
        let first = SimTime::ZERO + gap();
        if first < arrivals_end {
            self.events.schedule(first, Event::Arrival);
        }
        let mut index = 0u64;
        while let Some((now, event)) = self.events.next() {
            match event {
                Event::Arrival => {
                    let next = now + gap();
                    if next < arrivals_end {
                        self.events.schedule(next, Event::Arrival);
                    }
                    self.arrive(index, now, now >= counting_from);
                    index += 1;
                }
                Event::Queue(QueueEvent::Joins(pool, waiting)) => {
                    self.pools[pool].join(now, *waiting, &mut self.events, &mut self.tallies)
                }
                Event::Queue(QueueEvent::GivesUp(pool, ticket)) => {
                    self.pools[pool].give_up(now, ticket, &mut self.tallies)
                }
                Event::Queue(QueueEvent::AgentFree(pool)) => {
                    self.pools[pool].agent_free(now, &mut self.events, &mut self.tallies)
                }
            }
        }
        let now = self.events.now();
        for pool in &mut self.pools {
            pool.close(now, &mut self.tallies);
        }
    }

    /// Customer number `index` arrives at `now`: they talk to the bot until
    /// the conversation ends or is handed to a queue.
    fn arrive(&mut self, index: u64, now: SimTime, counted: bool) {
        let scenario = self.scenario;
        let (seed, replication) = (self.seed, self.replication);
        let customer = Customer::draw(
            &scenario.personas,
            stream(seed, replication, index, Purpose::Customer),
        );
        let bot = FlowBot::new(
            &scenario.flow,
            stream(seed, replication, index, Purpose::Bot),
        );
        let mut conversation =
            Conversation::new(customer, bot, scenario.max_turns, now, Opening::Customer);
        let exit = if counted {
            self.visits.begin();
            conversation.play(&mut Counting {
                tallies: &mut self.tallies,
                visits: &mut self.visits,
            })
        } else {
            conversation.play(&mut ())
        };
        let progress = conversation.progress();
        let (outcome, node, at) = match exit {
            Exit::Ended { outcome, node, at } => (outcome, node, at),
            Exit::Silent { node, at } => (Outcome::AbandonedInBot, node, at),
            Exit::HandedOff { queue, node, at } => {
                let pool = scenario.pool_of(queue);
                // Drawn from the queue stream, so the same customer meets the
                // same queue whatever the flow did before the handoff.
                let mut draws = stream(seed, replication, index, Purpose::Queue);
                let patience = conversation
                    .customer
                    .persona
                    .behaviour
                    .queue_patience
                    .as_ref()
                    .map(|d| d.sample(&mut draws));
                let staffing = &scenario.pools[pool];
                let first_reply = staffing.first_reply.sample(&mut draws);
                let handle_time = staffing.handle_time.sample(&mut draws);
                let waiting = Waiting {
                    progress,
                    node,
                    joined: at,
                    patience,
                    first_reply,
                    handle_time,
                    counted,
                };
                self.events
                    .schedule(at, Event::Queue(QueueEvent::Joins(pool, Box::new(waiting))));
                return;
            }
        };
        if counted {
            self.tallies.end(ending(progress, outcome, node, at));
        }
    }
}

/// The funnel counts each node once per conversation: a stamp per node
/// says which conversation last entered it, so nothing is allocated per
/// conversation.
struct Visits {
    stamps: Vec<u64>,
    current: u64,
}

impl Visits {
    fn new(nodes: usize) -> Visits {
        Visits {
            stamps: vec![0; nodes],
            current: 0,
        }
    }

    fn begin(&mut self) {
        self.current += 1;
    }

    /// Whether this is the current conversation's first visit to `node`.
    fn first(&mut self, node: NodeId) -> bool {
        std::mem::replace(&mut self.stamps[node], self.current) != self.current
    }
}

/// How a counted conversation reports to the tallies.
struct Counting<'a> {
    tallies: &'a mut Tallies,
    visits: &'a mut Visits,
}

impl Observer for Counting<'_> {
    fn entered(&mut self, node: NodeId) {
        if self.visits.first(node) {
            self.tallies.entered(node);
        }
    }

    fn bot_responded(&mut self, after: Millis) {
        self.tallies.bot_response.record(after);
    }
}
