//! One replication: an independent stretch of traffic on its own clock.
//! Customers arrive through `warm_up + duration`; those who arrive during
//! the warm-up load the queues but are not counted. Conversations still
//! going when arrivals stop are played to their end.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution as _, Exp1, StandardNormal};

use super::agents::{Event, Pool, QueueEvent, Sink, Waiting, Window, ending};
use super::events::EventQueue;
use super::rng::{Purpose, stream};
use crate::conversation::bot::Hours;
use crate::conversation::customer::Customer;
use crate::conversation::flow_bot::FlowBot;
use crate::conversation::observer::Observer;
use crate::conversation::{Conversation, Exit, Opening};
use crate::metric::Outcome;
use crate::model::calendar::WeekTime;
use crate::model::flow::{NodeId, QueueId};
use crate::model::persona::{Goal, Persona};
use crate::model::scenario::{Arrivals, Scenario};
use crate::model::{Millis, SimTime};
use crate::tally::Tallies;

/// Simulates replication `replication` of `scenario` with `seed`.
pub(crate) fn replicate(scenario: &Scenario, seed: u64, replication: u32) -> Tallies {
    replicate_observed(scenario, seed, replication, &mut |_| None::<NoTranscript>).0
}

/// Something that listens to counted conversations one by one (a transcript
/// recorder): `watch(index)` gives a listener for conversation `index`, or
/// `None`; a listener gets the conversation's ending when it comes.
pub(crate) trait Watcher: Observer {
    /// The conversation starts at `at` with a customer of `persona` who
    /// wants `goal`.
    fn begin(&mut self, persona: &Persona, goal: &Goal, at: SimTime);
    /// The conversation ended (in the bot, or in the queue).
    fn ended(
        &mut self,
        outcome: Outcome,
        node: NodeId,
        at: SimTime,
        reason: Option<crate::metric::Reason>,
    );
}

/// The watcher of a replication no one watches.
pub(crate) struct NoTranscript;

impl Observer for NoTranscript {
    fn entered(&mut self, _node: NodeId) {}
    fn bot_responded(&mut self, _after: Millis) {}
}

impl Watcher for NoTranscript {
    fn begin(&mut self, _: &Persona, _: &Goal, _: SimTime) {}
    fn ended(&mut self, _: Outcome, _: NodeId, _: SimTime, _: Option<crate::metric::Reason>) {}
}

/// Simulates a replication, giving counted conversations to the watchers
/// `watch` returns; returns the tallies and every watcher with its ending.
pub(crate) fn replicate_observed<W: Watcher>(
    scenario: &Scenario,
    seed: u64,
    replication: u32,
    watch: &mut dyn FnMut(u64) -> Option<W>,
) -> (Tallies, Vec<W>) {
    let counting_from = SimTime::ZERO + scenario.warm_up;
    let arrivals_end = counting_from + scenario.duration;
    let window = Window {
        from: counting_from,
        to: arrivals_end,
    };
    let flow = &scenario.flow;
    let mut run = Replication {
        scenario,
        seed,
        replication,
        hours: OpenHours(scenario),
        sink: Sink {
            events: EventQueue::new(),
            tallies: Tallies::for_scenario(scenario),
            journal: Vec::new(),
        },
        visits: Visits::new(flow.nodes.len()),
        pools: scenario
            .pools
            .iter()
            .enumerate()
            .map(|(id, pool)| Pool::new(id, pool, &scenario.personas, scenario.clock_start, window))
            .collect(),
        counting_from,
        arrivals_end,
        watched: Vec::new(),
        finished: Vec::new(),
    };
    run.run(watch);
    let mut finished = run.finished;
    finished.extend(run.watched.into_iter().map(|(_, watcher)| watcher));
    (run.sink.tallies, finished)
}

struct Replication<'s, W> {
    scenario: &'s Scenario,
    seed: u64,
    replication: u32,
    hours: OpenHours<'s>,
    sink: Sink,
    visits: Visits,
    pools: Vec<Pool<'s>>,
    counting_from: SimTime,
    arrivals_end: SimTime,
    /// Watched conversations still in an agent queue, by their index.
    watched: Vec<(u64, W)>,
    finished: Vec<W>,
}

/// When customers arrive: a constant rate, or a rate that varies through the
/// week (a non-homogeneous Poisson process, drawn by inverting its
/// cumulative rate one constant stretch at a time).
struct ArrivalClock<'s> {
    arrivals: &'s Arrivals,
    clock_start: WeekTime,
    rng: ChaCha8Rng,
}

impl ArrivalClock<'_> {
    /// The next arrival after `now`, or `None` if nobody comes again.
    fn next(&mut self, now: SimTime) -> Option<SimTime> {
        let unit: f64 = Exp1.sample(&mut self.rng);
        match self.arrivals {
            Arrivals::Constant(per_hour) => {
                Some(now + Millis::from_secs_f64(unit * 3600.0 / per_hour))
            }
            Arrivals::Profile(profile) => {
                let (mut left, mut at) = (unit, now);
                // Every rate change of a week, a few times over, is more than
                // enough for any draw: a profile has a rate above 0 somewhere.
                for _ in 0..10_000 {
                    let week = self.clock_start.plus(at.since(SimTime::ZERO));
                    let per_ms = profile.at(week) / 3_600_000.0;
                    let span = profile.until_change(week);
                    if per_ms > 0.0 {
                        let needed = left / per_ms;
                        if span.is_none_or(|span| needed < span.0 as f64) {
                            return Some(at + Millis(needed.round() as u64));
                        }
                    }
                    let span = span?;
                    left -= per_ms * span.0 as f64;
                    at = at + span;
                }
                None
            }
        }
    }
}

/// Whether a queue has an agent on shift, on the scenario's clock.
struct OpenHours<'s>(&'s Scenario);

impl Hours for OpenHours<'_> {
    fn open(&self, queue: QueueId, at: SimTime) -> bool {
        let scenario = self.0;
        scenario.pools[scenario.pool_of(queue)]
            .open_at(scenario.clock_start.plus(at.since(SimTime::ZERO)))
    }
}

impl<'s, W: Watcher> Replication<'s, W> {
    fn run(&mut self, watch: &mut dyn FnMut(u64) -> Option<W>) {
        let scenario = self.scenario;
        // Arrival times come from their own stream, so every flow version
        // sees the same customers at the same moments.
        let mut arrivals = ArrivalClock {
            arrivals: &scenario.arrivals,
            clock_start: scenario.clock_start,
            rng: stream(self.seed, self.replication, 0, Purpose::Arrivals),
        };
        if let Some(first) = arrivals
            .next(SimTime::ZERO)
            .filter(|at| *at < self.arrivals_end)
        {
            self.sink.events.schedule(first, Event::Arrival);
        }
        for pool in &mut self.pools {
            pool.plan_shift_change(SimTime::ZERO, &mut self.sink.events);
        }
        let mut index = 0u64;
        let mut counted = 0u64;
        while let Some((now, event)) = self.sink.events.next() {
            match event {
                Event::Arrival => {
                    if let Some(next) = arrivals.next(now).filter(|at| *at < self.arrivals_end) {
                        self.sink.events.schedule(next, Event::Arrival);
                    }
                    let watcher = if now >= self.counting_from {
                        counted += 1;
                        Some(watch(counted - 1))
                    } else {
                        None
                    };
                    self.arrive(index, now, watcher);
                    index += 1;
                }
                Event::Queue(QueueEvent::Joins(pool, waiting)) => {
                    self.pools[pool].join(now, *waiting, &mut self.sink)
                }
                Event::Queue(QueueEvent::GivesUp(pool, ticket)) => {
                    self.pools[pool].give_up(now, ticket, &mut self.sink)
                }
                Event::Queue(QueueEvent::AgentFree(pool, agent)) => {
                    self.pools[pool].agent_free(now, agent, &mut self.sink)
                }
                Event::Queue(QueueEvent::ShiftChange(pool)) => {
                    self.pools[pool].shift_change(now, self.arrivals_end, &mut self.sink)
                }
            }
            self.settle_journal();
        }
        let now = self.sink.events.now();
        for pool in &mut self.pools {
            pool.close(now, &mut self.sink);
        }
        self.settle_journal();
    }

    /// Gives watched conversations that ended in a queue their endings.
    fn settle_journal(&mut self) {
        for (conversation, outcome, node, at, reason) in self.sink.journal.drain(..) {
            if let Some(position) = self
                .watched
                .iter()
                .position(|(index, _)| *index == conversation)
            {
                let (_, mut watcher) = self.watched.swap_remove(position);
                watcher.ended(outcome, node, at, reason);
                self.finished.push(watcher);
            }
        }
    }

    /// Customer number `index` arrives at `now`: they talk to the bot until
    /// the conversation ends or is handed to a queue. `watcher` is `None` for
    /// warm-up traffic, which is not counted.
    fn arrive(&mut self, index: u64, now: SimTime, watcher: Option<Option<W>>) {
        let scenario = self.scenario;
        let (seed, replication) = (self.seed, self.replication);
        let customer = Customer::draw(
            &scenario.personas,
            stream(seed, replication, index, Purpose::Customer),
        );
        let bot = FlowBot::new(
            &scenario.flow,
            &self.hours,
            stream(seed, replication, index, Purpose::Bot),
        );
        let mut conversation =
            Conversation::new(customer, bot, scenario.max_turns, now, Opening::Customer);
        let counted = watcher.is_some();
        let mut watcher = watcher.flatten();
        if let Some(watcher) = &mut watcher {
            let customer = &conversation.customer;
            watcher.begin(customer.persona, customer.goal, now);
        }
        let exit = if counted {
            self.visits.begin();
            let mut counting = Counting {
                tallies: &mut self.sink.tallies,
                visits: &mut self.visits,
                watcher: watcher.as_mut(),
            };
            conversation.play(&mut counting)
        } else {
            conversation.play(&mut ())
        };
        let progress = conversation.progress();
        let (outcome, node, at, reason) = match exit {
            Exit::Ended { outcome, node, at } => (outcome, node, at, None),
            Exit::Silent { node, at, reason } => (Outcome::AbandonedInBot, node, at, Some(reason)),
            Exit::HandedOff { queue, node, at } => {
                let pool = scenario.pool_of(queue);
                // Drawn from the queue stream, so the same customer meets the
                // same queue whatever the flow did before the handoff.
                let mut draws = stream(seed, replication, index, Purpose::Queue);
                let persona = conversation.customer.persona;
                let patience = persona
                    .behaviour
                    .queue_patience
                    .as_ref()
                    .map(|d| d.sample(&mut draws));
                let staffing = &scenario.pools[pool];
                let first_reply = staffing.first_reply.sample(&mut draws);
                let handle_time = staffing.handle_time.sample(&mut draws);
                let answers = draws.random::<f64>() < persona.survey_response.get();
                let normal: f64 = StandardNormal.sample(&mut draws);
                let waiting = Waiting {
                    progress,
                    node,
                    joined: at,
                    patience,
                    first_reply,
                    handle_time,
                    survey: (answers, normal),
                    counted,
                    watched: watcher.is_some().then_some(index),
                };
                if let Some(watcher) = watcher {
                    self.watched.push((index, watcher));
                }
                self.sink
                    .events
                    .schedule(at, Event::Queue(QueueEvent::Joins(pool, Box::new(waiting))));
                return;
            }
        };
        if counted {
            self.sink
                .tallies
                .end(ending(&progress, outcome, reason, node, at));
        }
        if let Some(mut watcher) = watcher {
            watcher.ended(outcome, node, at, reason);
            self.finished.push(watcher);
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

/// How a counted conversation reports to the tallies (and to its watcher).
struct Counting<'a, W> {
    tallies: &'a mut Tallies,
    visits: &'a mut Visits,
    watcher: Option<&'a mut W>,
}

impl<W: Watcher> Observer for Counting<'_, W> {
    fn entered(&mut self, node: NodeId) {
        if self.visits.first(node) {
            self.tallies.entered(node);
        }
        if let Some(watcher) = &mut self.watcher {
            watcher.entered(node);
        }
    }

    fn bot_responded(&mut self, after: Millis) {
        self.tallies.bot_response.record(after);
        if let Some(watcher) = &mut self.watcher {
            watcher.bot_responded(after);
        }
    }

    fn delivered(&mut self, at: SimTime, message: crate::conversation::bot::Outgoing<'_>) {
        if let Some(watcher) = &mut self.watcher {
            watcher.delivered(at, message);
        }
    }

    fn replied(
        &mut self,
        at: SimTime,
        reply: &crate::conversation::bot::Reply<'_>,
        options: &[crate::model::flow::Title],
        heard: crate::conversation::bot::Heard<'_>,
    ) {
        if let Some(watcher) = &mut self.watcher {
            watcher.replied(at, reply, options, heard);
        }
    }
}

/// Records a conversation's outcome, for the transition table of a
/// comparison.
struct OutcomeOf {
    index: u64,
    outcome: Option<Outcome>,
}

impl Observer for OutcomeOf {
    fn entered(&mut self, _node: NodeId) {}
    fn bot_responded(&mut self, _after: Millis) {}
}

impl Watcher for OutcomeOf {
    fn begin(&mut self, _: &Persona, _: &Goal, _: SimTime) {}
    fn ended(&mut self, outcome: Outcome, _: NodeId, _: SimTime, _: Option<crate::metric::Reason>) {
        self.outcome = Some(outcome);
    }
}

/// Simulates a replication and also gives every counted conversation's
/// outcome, in the order the customers arrived: customer `i` of a
/// replication is the same person whatever the flow.
pub(crate) fn replicate_with_outcomes(
    scenario: &Scenario,
    seed: u64,
    replication: u32,
) -> (Tallies, Vec<Outcome>) {
    let (tallies, mut watchers) = replicate_observed(scenario, seed, replication, &mut |index| {
        Some(OutcomeOf {
            index,
            outcome: None,
        })
    });
    watchers.sort_by_key(|watcher| watcher.index);
    let outcomes = watchers
        .into_iter()
        .map(|watcher| watcher.outcome.unwrap_or(Outcome::AbandonedInQueue))
        .collect();
    (tallies, outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Loader;

    #[test]
    fn every_counted_conversation_has_its_outcome_in_arrival_order() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (scenario, _) = Loader::new()
            .scenario(&root.join("scenarios/shop/peak-hour.yaml"))
            .unwrap();
        let (tallies, outcomes) = replicate_with_outcomes(&scenario, scenario.seed, 0);
        assert_eq!(outcomes.len() as u64, tallies.conversations());
        for outcome in Outcome::ALL {
            let counted = outcomes.iter().filter(|o| **o == outcome).count() as u64;
            assert_eq!(counted, tallies.all.outcomes.get(outcome), "{outcome:?}");
        }
        // The same replication again: the same customers end the same way.
        assert_eq!(
            replicate_with_outcomes(&scenario, scenario.seed, 0).1,
            outcomes
        );
    }
}
