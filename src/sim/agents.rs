//! Human agent pools: agents on shift through the week, each holding up to
//! `concurrency` chats, customers served first come, first served, each
//! customer willing to wait only so long. A queue holds at most
//! [`MAX_WAITING`] customers; one handed to a full queue is turned away at
//! once (abandoned in the queue, `queue_full`).
//!
//! Two rules hold whatever `concurrency` is (see `Slots` and
//! `Pool::serve`): an agent going off shift finishes the chats they hold
//! but takes no new one, while the agents who stay go on taking customers;
//! and a customer's queue patience runs until the agent's first message,
//! not until the agent picks the chat up, which the customer cannot see.

use std::collections::BTreeMap;

use crate::random::Draws;
use rand::RngExt;
use rand_distr::{Distribution as _, StandardNormal};

use super::agent_set::AgentSet;
use super::events::EventQueue;
use super::people::Thread;
use crate::conversation::Progress;
use crate::limits::MAX_WAITING;
use crate::metric::{Outcome, Reason};
use crate::model::calendar::WeekTime;
use crate::model::flow::NodeId;
use crate::model::persona::Persona;
use crate::model::scenario::{AgentPool, PoolId};
use crate::model::{Millis, SimTime, Weighted};
use crate::tally::{Ending, Tallies};
use crate::whatsapp::in_service_window;

/// A handed-off customer, with what the queue needs drawn in advance from
/// the conversation's queue stream.
pub(crate) struct Waiting {
    pub progress: Progress,
    /// The handoff node, where an abandonment in the queue is counted.
    pub node: NodeId,
    pub joined: SimTime,
    /// How long they wait for the agent's first message; endless if `None`.
    pub patience: Option<Millis>,
    /// From an agent picking the chat up to the agent's first message.
    pub first_reply: Millis,
    pub handle_time: Millis,
    /// For an agent's survey: whether the customer answers, and their
    /// standard normal draw for the score's noise.
    pub survey: (bool, f64),
    /// Who the conversation is with; warm-up traffic (`counted: false`)
    /// loads the queue but is not counted.
    pub thread: Thread,
}

impl Waiting {
    /// A customer handed to `pool` at `at` after the conversation so far
    /// (`progress`, ended at `node`), with what the queue needs drawn from
    /// the conversation's queue stream `draws`: so the same customer meets
    /// the same queue whatever the bot did before the handoff, in `run` and
    /// in `rehearse live` alike.
    pub(crate) fn draw(
        pool: &AgentPool,
        persona: &Persona,
        mut draws: Draws,
        (progress, node, at): (Progress, NodeId, SimTime),
        thread: Thread,
    ) -> Waiting {
        let patience = persona
            .behaviour
            .queue_patience
            .as_ref()
            .map(|d| d.sample(&mut draws));
        let first_reply = pool.first_reply.sample(&mut draws);
        let handle_time = pool.handle_time.sample(&mut draws);
        let answers = draws.random::<f64>() < persona.survey_response.get();
        let normal: f64 = StandardNormal.sample(&mut draws);
        Waiting {
            progress,
            node,
            joined: at,
            patience,
            first_reply,
            handle_time,
            survey: (answers, normal),
            thread,
        }
    }
}

/// A conversation that ended in an agent queue, for what follows its end
/// (a transcript, a return, a campaign's conversion).
pub(crate) struct Finished {
    pub thread: Thread,
    pub progress: Progress,
    pub outcome: Outcome,
    pub node: NodeId,
    pub at: SimTime,
    pub reason: Option<Reason>,
}

/// Where a pool's work goes: future events, the tallies, and the
/// conversations that ended.
///
/// `E` is the replication's event type: agents schedule queue events
/// wrapped in it (`From<QueueEvent>`) without naming it, and live mode's
/// queue-only run uses [`QueueEvent`] itself.
pub(crate) struct Sink<E> {
    pub events: EventQueue<E>,
    pub tallies: Tallies,
    pub journal: Vec<Finished>,
    /// Boxes of customers who left the queue, for the next handoffs: a
    /// busy queue boxes a customer a second, and reusing the box spares
    /// the allocator. In a replication, never more than the most customers
    /// ever queued at once; `rehearse live` boxes every handoff up front,
    /// so its spares are the boxes it made.
    #[allow(clippy::vec_box, reason = "the boxes themselves are what is kept")]
    spare: Vec<Box<Waiting>>,
}

impl<E> Sink<E> {
    pub fn new(tallies: Tallies) -> Sink<E> {
        Sink {
            events: EventQueue::new(),
            tallies,
            journal: Vec::new(),
            spare: Vec::new(),
        }
    }

    /// `customer` in a box, a spare one if there is.
    pub fn boxed(&mut self, customer: Waiting) -> Box<Waiting> {
        match self.spare.pop() {
            Some(mut spare) => {
                *spare = customer;
                spare
            }
            None => Box::new(customer),
        }
    }
}

/// Events of the agent side of the simulation.
pub(crate) enum QueueEvent {
    Joins(PoolId, Box<Waiting>),
    /// The customer holding this ticket runs out of patience.
    GivesUp(PoolId, u64),
    /// An agent of this pool finishes a chat.
    AgentFree(PoolId, u32),
    /// The number of agents on shift changes.
    ShiftChange(PoolId),
}

/// Runs one queue event on its pool.
pub(crate) fn handle(
    pools: &mut [Pool<'_>],
    event: QueueEvent,
    now: SimTime,
    arrivals_end: SimTime,
    sink: &mut Sink<impl From<QueueEvent>>,
) {
    match event {
        QueueEvent::Joins(pool, waiting) => pools[pool].join(now, waiting, sink),
        QueueEvent::GivesUp(pool, ticket) => pools[pool].give_up(now, ticket, sink),
        QueueEvent::AgentFree(pool, agent) => pools[pool].agent_free(now, agent, sink),
        QueueEvent::ShiftChange(pool) => pools[pool].shift_change(now, arrivals_end, sink),
    }
}

/// A customer of `rehearse live` whom the bot handed to the agent queue
/// of `pool` at `at`: walk-in `index` (as numbered in replication 0), after
/// the conversation so far (`progress`).
#[cfg(feature = "live")]
pub(crate) struct HandedOff {
    pub index: u64,
    pub pool: PoolId,
    pub progress: Progress,
    pub at: SimTime,
    /// Whether they arrived after the warm-up.
    pub counted: bool,
}

/// How a counted handed-off customer's conversation ended in the queue.
#[cfg(feature = "live")]
pub(crate) struct EndedInQueue {
    /// Their walk-in number, as in [`HandedOff`].
    pub index: u64,
    pub outcome: Outcome,
    pub at: SimTime,
    pub reason: Option<Reason>,
}

/// Serves customers handed off outside the simulation, in `rehearse live`
/// with `seed`: each joins their pool when handed off, with the queue draws
/// replication 0 gives the same walk-in customer, and the pools run exactly
/// as in a replication, counting from the warm-up to the end of arrivals. A
/// handoff changes nothing the bot sees, so serving the queue after the
/// conversations is the same as serving it while they run. Returns the
/// tallies and how each counted conversation ended (for transcripts).
#[cfg(feature = "live")]
pub(crate) fn serve_handoffs(
    scenario: &crate::model::scenario::Scenario,
    seed: u64,
    handed_off: Vec<HandedOff>,
    tallies: Tallies,
) -> (Tallies, Vec<EndedInQueue>) {
    let window = Window {
        from: SimTime::ZERO + scenario.warm_up,
        to: SimTime::ZERO + scenario.warm_up + scenario.duration,
    };
    let handoffs = handed_off.into_iter().map(|customer| {
        let mut thread = Thread::walk_in(
            customer.index,
            customer.progress.persona,
            customer.progress.started,
            customer.counted,
        );
        thread.watched = customer.counted.then_some(customer.index);
        let draws = thread
            .streams()
            .stream(seed, 0, crate::random::Purpose::Queue);
        let waiting = Waiting::draw(
            &scenario.pools[customer.pool],
            scenario.personas.get(customer.progress.persona),
            draws,
            (customer.progress, 0, customer.at),
            thread,
        );
        (customer.pool, waiting)
    });
    let mut pools: Vec<Pool> = scenario
        .pools
        .iter()
        .enumerate()
        .map(|(id, pool)| Pool::new(id, pool, &scenario.personas, scenario.clock_start, window))
        .collect();
    let mut sink = Sink::new(tallies);
    for pool in &mut pools {
        pool.plan_shift_change(SimTime::ZERO, &mut sink.events);
    }
    for (pool, waiting) in handoffs {
        sink.events
            .schedule(waiting.joined, QueueEvent::Joins(pool, Box::new(waiting)));
    }
    while let Some((now, event)) = sink.events.next() {
        handle(&mut pools, event, now, window.to, &mut sink);
    }
    let now = sink.events.now();
    for pool in &mut pools {
        pool.close(now, &mut sink);
    }
    let ended = sink
        .journal
        .into_iter()
        .filter_map(|finished| {
            let index = finished.thread.watched?;
            Some(EndedInQueue {
                index,
                outcome: finished.outcome,
                at: finished.at,
                reason: finished.reason,
            })
        })
        .collect();
    (sink.tallies, ended)
}

/// The chats each agent holds, and who takes the next one.
///
/// Agents are numbered from 0, and those on shift are `0..on_shift`: when
/// staffing drops, the highest-numbered go off shift. An agent going off
/// shift finishes the chats they hold but takes no new one, so the pool's
/// free chat slots at any moment are those of the agents on shift minus the
/// chats *they* hold; the chats of agents who left take no slot from those
/// who stay. One rule for every `concurrency` (with 1, "least loaded" is
/// "free"): a pool that drops from 12 agents to 4 starts a queued chat as
/// soon as one of the 4 is free, not once the 8 leaving are done.
struct Slots {
    /// Chats each agent holds, by agent number, on shift or winding down.
    loads: Vec<u32>,
    /// Agents on shift with room for another chat, by (load, agent): the
    /// least loaded takes the next chat, the lowest-numbered among equals,
    /// and their load stretches its handle time.
    open: OpenSlots,
}

/// The set of `(load, agent)` pairs of [`Slots::open`], ordered by load then
/// agent: a set of agents per load below the pool's concurrency.
struct OpenSlots {
    by_load: Vec<AgentSet>,
}

impl OpenSlots {
    /// Agents `0..on_shift` at load 0, of `agents` numbered below `most`,
    /// each holding up to `concurrency` chats.
    fn new(concurrency: u32, most: u32, on_shift: u32) -> OpenSlots {
        let mut by_load = vec![AgentSet::new(most); concurrency as usize];
        for agent in 0..on_shift {
            by_load[0].insert(agent);
        }
        OpenSlots { by_load }
    }

    fn insert(&mut self, (load, agent): (u32, u32)) {
        self.by_load[load as usize].insert(agent);
    }

    /// Removes the pair if present (an agent at full load is in no set).
    fn remove(&mut self, (load, agent): (u32, u32)) {
        if let Some(agents) = self.by_load.get_mut(load as usize) {
            agents.remove(agent);
        }
    }

    /// Takes the least loaded agent, the lowest-numbered among equals.
    fn pop_first(&mut self) -> Option<(u32, u32)> {
        let (load, agents) = self
            .by_load
            .iter_mut()
            .enumerate()
            .find(|(_, agents)| !agents.is_empty())?;
        let agent = agents.first().expect("not empty");
        agents.remove(agent);
        Some((load as u32, agent))
    }
}

/// The moments a pool's statistics are counted in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub from: SimTime,
    pub to: SimTime,
}

impl Window {
    /// How much of `[start, end)` lies inside the window, in ms.
    fn overlap(self, start: SimTime, end: SimTime) -> u128 {
        let start = start.max(self.from);
        let end = end.min(self.to);
        u128::from(end.since(start).0)
    }
}

pub(crate) struct Pool<'s> {
    id: PoolId,
    spec: &'s AgentPool,
    personas: &'s Weighted<Persona>,
    clock_start: WeekTime,
    window: Window,
    on_shift: u32,
    slots: Slots,
    /// Chats in progress.
    chats: u64,
    /// When `chats` or `on_shift` last changed, for utilisation.
    since: SimTime,
    /// Waiting customers by ticket; tickets rise with arrival, so the first
    /// entry is the longest waiting (FIFO) and a customer who gives up is
    /// removed in O(log n). Boxed from the handoff on, so that the map and
    /// the pool move pointers, not customers.
    waiting: BTreeMap<u64, Box<Waiting>>,
    next_ticket: u64,
    shift_change_pending: bool,
}

impl<'s> Pool<'s> {
    pub fn new(
        id: PoolId,
        spec: &'s AgentPool,
        personas: &'s Weighted<Persona>,
        clock_start: WeekTime,
        window: Window,
    ) -> Pool<'s> {
        let on_shift = *spec.agents.at(clock_start);
        let most = spec.agents.values().copied().max().unwrap_or(0);
        let slots = Slots {
            loads: vec![0; most as usize],
            open: OpenSlots::new(spec.concurrency, most, on_shift),
        };
        Pool {
            id,
            spec,
            personas,
            clock_start,
            window,
            on_shift,
            slots,
            chats: 0,
            since: SimTime::ZERO,
            waiting: BTreeMap::new(),
            next_ticket: 0,
            shift_change_pending: false,
        }
    }

    /// Schedules the next change of shift, if the schedule has one.
    pub fn plan_shift_change(
        &mut self,
        now: SimTime,
        events: &mut EventQueue<impl From<QueueEvent>>,
    ) {
        if self.shift_change_pending {
            return;
        }
        if let Some(after) = self
            .spec
            .agents
            .until_change(self.clock_start.plus(now.since(SimTime::ZERO)))
        {
            self.shift_change_pending = true;
            events.schedule(now + after, QueueEvent::ShiftChange(self.id).into());
        }
    }

    pub fn join(
        &mut self,
        now: SimTime,
        customer: Box<Waiting>,
        sink: &mut Sink<impl From<QueueEvent>>,
    ) {
        if customer.thread.counted {
            sink.tallies.queues[self.id].arrived += 1;
        }
        if let Some((agent, load)) = self.take_slot() {
            self.serve(now, customer, agent, load, sink);
            return;
        }
        // A full queue turns the customer away: the queue's memory stays
        // bounded whatever the traffic.
        if self.waiting.len() >= MAX_WAITING {
            self.left(now, Millis::ZERO, customer, Reason::QueueFull, sink);
            return;
        }
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        if let Some(patience) = customer.patience {
            sink.events
                .schedule(now + patience, QueueEvent::GivesUp(self.id, ticket).into());
        }
        self.waiting.insert(ticket, customer);
        // A closed queue opens again: the customer waits for it.
        self.plan_shift_change(now, &mut sink.events);
    }

    /// The customer with `ticket` leaves, unless an agent already took them.
    pub fn give_up(&mut self, now: SimTime, ticket: u64, sink: &mut Sink<impl From<QueueEvent>>) {
        if let Some(customer) = self.waiting.remove(&ticket) {
            self.leave_queue(now, customer, sink);
        }
    }

    pub fn agent_free(&mut self, now: SimTime, agent: u32, sink: &mut Sink<impl From<QueueEvent>>) {
        self.account(now, &mut sink.tallies);
        self.chats -= 1;
        let Slots { loads, open } = &mut self.slots;
        let load = &mut loads[agent as usize];
        if *load < self.spec.concurrency {
            open.remove((*load, agent));
        }
        *load -= 1;
        // An agent off shift only winds down: their freed slot is no one's.
        if agent < self.on_shift {
            open.insert((*load, agent));
        }
        self.serve_waiting(now, sink);
    }

    /// Agents come on or go off shift; those going off finish their chats
    /// but take no new one, and those staying go on serving (see [`Slots`]).
    pub fn shift_change(
        &mut self,
        now: SimTime,
        arrivals_end: SimTime,
        sink: &mut Sink<impl From<QueueEvent>>,
    ) {
        self.account(now, &mut sink.tallies);
        self.shift_change_pending = false;
        let before = self.on_shift;
        self.on_shift = *self
            .spec
            .agents
            .at(self.clock_start.plus(now.since(SimTime::ZERO)));
        let Slots { loads, open } = &mut self.slots;
        let concurrency = self.spec.concurrency;
        for agent in before.min(self.on_shift)..before.max(self.on_shift) {
            // An agent back on shift may still hold chats from before.
            let load = loads[agent as usize];
            if self.on_shift > before {
                if load < concurrency {
                    open.insert((load, agent));
                }
            } else {
                open.remove((load, agent));
            }
        }
        self.serve_waiting(now, sink);
        if now < arrivals_end || !self.waiting.is_empty() {
            self.plan_shift_change(now, &mut sink.events);
        }
    }

    /// Customers still waiting when nothing else can happen (a queue with no
    /// agents, and customers with endless patience) leave at `now`.
    pub fn close(&mut self, now: SimTime, sink: &mut Sink<impl From<QueueEvent>>) {
        self.account(now.max(self.window.to), &mut sink.tallies);
        while let Some((_, customer)) = self.waiting.pop_first() {
            self.leave_queue(now, customer, sink);
        }
    }

    fn serve_waiting(&mut self, now: SimTime, sink: &mut Sink<impl From<QueueEvent>>) {
        while !self.waiting.is_empty() {
            let Some((agent, load)) = self.take_slot() else {
                break;
            };
            let (_, customer) = self.waiting.pop_first().expect("not empty");
            self.serve(now, customer, agent, load, sink);
        }
    }

    /// An agent with room for a chat, and how many chats they then hold.
    fn take_slot(&mut self) -> Option<(u32, u32)> {
        let Slots { loads, open } = &mut self.slots;
        let (load, agent) = open.pop_first()?;
        loads[agent as usize] = load + 1;
        if load + 1 < self.spec.concurrency {
            open.insert((load + 1, agent));
        }
        Some((agent, load + 1))
    }

    /// Integrates busy and staffed chat slots up to `now`, within the
    /// counting window.
    fn account(&mut self, now: SimTime, tallies: &mut Tallies) {
        let overlap = self.window.overlap(self.since, now);
        let queue = &mut tallies.queues[self.id];
        queue.busy += u128::from(self.chats) * overlap;
        queue.staffed += u128::from(self.on_shift) * u128::from(self.spec.concurrency) * overlap;
        self.since = now;
    }

    /// An agent picks `customer` up at `now`: the chat ends at `now` plus
    /// the (stretched) handle time, unless the customer is gone before the
    /// agent's first message.
    fn serve(
        &mut self,
        now: SimTime,
        mut customer: Box<Waiting>,
        agent: u32,
        load: u32,
        sink: &mut Sink<impl From<QueueEvent>>,
    ) {
        self.account(now, &mut sink.tallies);
        self.chats += 1;
        let wait = now.since(customer.joined);
        // The agent's first message is free-form: after the customer service
        // window closed, WhatsApp refuses it, and the customer never hears
        // from the agent. The chat slot is free again at once.
        if !in_service_window(customer.progress.last_message, now) {
            sink.events
                .schedule(now, QueueEvent::AgentFree(self.id, agent).into());
            if customer.thread.counted {
                sink.tallies.compliance.outside_window += 1;
            }
            self.left(now, wait, customer, Reason::WindowClosed, sink);
            return;
        }
        let stretch = 1.0 + self.spec.stretch * f64::from(load.saturating_sub(1));
        let handling = Millis::from_secs_f64(customer.handle_time.as_secs_f64() * stretch);
        let done = now + handling;
        // The customer cannot see that an agent picked the chat up until the
        // agent's first message: their queue patience runs until then. If it
        // runs out first (strictly before the message), they leave the queue
        // as anyone out of patience does (`queue_patience`, after waiting
        // their whole patience), and the agent's slot is free at that moment
        // (or when the handle time ends, if a draw made it shorter).
        let replies_at = now + customer.first_reply;
        if let Some(patience) = customer.patience
            && customer.joined + patience < replies_at
        {
            let gone = customer.joined + patience;
            sink.events
                .schedule(gone.min(done), QueueEvent::AgentFree(self.id, agent).into());
            self.leave_queue(gone, customer, sink);
            return;
        }
        sink.events
            .schedule(done, QueueEvent::AgentFree(self.id, agent).into());
        if self.spec.survey {
            customer.progress.surveys += 1;
            let persona = self.personas.get(customer.progress.persona);
            let (answers, normal) = customer.survey;
            if let Some(satisfaction) = persona.satisfaction.filter(|_| answers) {
                let mut progress = customer.progress;
                progress.waited = progress.waited + wait;
                customer.progress.score =
                    Some(satisfaction.score(&progress.experience(true, true), normal));
            }
        }
        if customer.thread.counted {
            let tallies = &mut sink.tallies;
            let queue = &mut tallies.queues[self.id];
            queue.served += 1;
            queue.wait.record(wait);
            tallies.queue_wait.record(wait);
            tallies
                .agent_first_response
                .record(wait + customer.first_reply);
        }
        end(sink, customer, Outcome::AgentResolved, None, done);
    }

    fn leave_queue(
        &mut self,
        now: SimTime,
        customer: Box<Waiting>,
        sink: &mut Sink<impl From<QueueEvent>>,
    ) {
        let wait = now.since(customer.joined);
        self.left(now, wait, customer, Reason::QueuePatience, sink);
    }

    /// A customer leaves the queue unserved after `wait`, for `reason`.
    fn left(
        &mut self,
        now: SimTime,
        wait: Millis,
        customer: Box<Waiting>,
        reason: Reason,
        sink: &mut Sink<impl From<QueueEvent>>,
    ) {
        if customer.thread.counted {
            let tallies = &mut sink.tallies;
            let queue = &mut tallies.queues[self.id];
            queue.abandoned += 1;
            queue.wait.record(wait);
            tallies.queue_wait.record(wait);
        }
        end(sink, customer, Outcome::AbandonedInQueue, Some(reason), now);
    }
}

/// A queued conversation ends: counted, and journaled for what follows;
/// its box is kept for the next handoff.
fn end(
    sink: &mut Sink<impl From<QueueEvent>>,
    customer: Box<Waiting>,
    outcome: Outcome,
    reason: Option<Reason>,
    at: SimTime,
) {
    if customer.thread.counted {
        sink.tallies.end(ending(
            &customer.progress,
            outcome,
            reason,
            customer.node,
            at,
        ));
    }
    sink.journal.push(Finished {
        thread: customer.thread,
        progress: customer.progress,
        outcome,
        node: customer.node,
        at,
        reason,
    });
    sink.spare.push(customer);
}

/// What a conversation contributes to the tallies when it ends with
/// `outcome` at `node`, at time `at`.
pub(crate) fn ending(
    progress: &Progress,
    outcome: Outcome,
    reason: Option<Reason>,
    node: NodeId,
    at: SimTime,
) -> Ending {
    Ending {
        persona: progress.persona,
        outcome,
        reason,
        node,
        turns: progress.turns,
        prompts: progress.prompts,
        not_understood: progress.not_understood,
        surveys: progress.surveys,
        score: progress.score,
        conversions: progress.conversions,
        variants: progress.variants,
        duration: at.since(progress.started),
    }
}

#[cfg(test)]
mod tests {
    //! The pool against hand-worked timelines: customers join at given
    //! moments, every time is fixed, so every wait is known exactly.
    use super::*;
    use crate::model::calendar::Schedule;
    use crate::model::persona::{Behaviour, Goal, Satisfaction};
    use crate::model::{Distribution, Probability};
    use crate::sim::replication::Event;

    fn spec(agents: Schedule<u32>, concurrency: u32, stretch: f64, survey: bool) -> AgentPool {
        AgentPool {
            name: "support".into(),
            agents,
            concurrency,
            stretch,
            survey,
            handle_time: Distribution::fixed(Millis(900)),
            first_reply: Distribution::fixed(Millis(50)),
        }
    }

    fn personas() -> Weighted<Persona> {
        let goal = Goal {
            want: "help".into(),
            taps: vec![],
            says: None,
            answers: vec![],
            replies: vec![],
            off_script: false,
            done_when: Default::default(),
        };
        Weighted::equal(vec![Persona {
            name: "p".into(),
            segment: None,
            goals: Weighted::equal(vec![goal]).unwrap(),
            behaviour: Behaviour::default(),
            satisfaction: Some(Satisfaction {
                base: 4.4,
                per_fallback: 0.0,
                per_minute_waiting: -1.0,
                handoff: -0.3,
                unresolved: -1.5,
                noise: 0.0,
            }),
            survey_response: Probability::new(1.0).unwrap(),
            engagement: None,
            returns: None,
        }])
        .unwrap()
    }

    fn customer(joined: u64, patience: Option<u64>) -> Waiting {
        Waiting {
            progress: Progress {
                started: SimTime(joined),
                ..Progress::default()
            },
            node: 0,
            joined: SimTime(joined),
            patience: patience.map(Millis),
            first_reply: Millis(50),
            handle_time: Millis(900),
            survey: (true, 0.0),
            thread: Thread::walk_in(0, 0, SimTime(joined), true),
        }
    }

    /// Runs the queue's own events after customers joined at the given
    /// times, counting over the first 10 seconds.
    fn run(spec: &AgentPool, customers: Vec<Waiting>) -> Tallies {
        run_from(spec, customers, WeekTime::default()).tallies
    }

    /// As [`run`], with the pool's clock starting at `clock_start`; the
    /// whole sink, for the conversations' ends.
    fn run_from(
        spec: &AgentPool,
        customers: Vec<Waiting>,
        clock_start: WeekTime,
    ) -> Sink<Event<'_>> {
        let personas = personas();
        let window = Window {
            from: SimTime::ZERO,
            to: SimTime(10_000),
        };
        let mut pool = Pool::new(0, spec, &personas, clock_start, window);
        let mut sink = Sink::new(Tallies::new(1, 1, 1, 0));
        for customer in customers {
            sink.events.schedule(
                customer.joined,
                Event::Queue(QueueEvent::Joins(0, Box::new(customer))),
            );
        }
        pool.plan_shift_change(SimTime::ZERO, &mut sink.events);
        while let Some((now, event)) = sink.events.next() {
            match event {
                Event::Queue(QueueEvent::Joins(_, customer)) => pool.join(now, customer, &mut sink),
                Event::Queue(QueueEvent::GivesUp(_, ticket)) => {
                    pool.give_up(now, ticket, &mut sink)
                }
                Event::Queue(QueueEvent::AgentFree(_, agent)) => {
                    pool.agent_free(now, agent, &mut sink)
                }
                Event::Queue(QueueEvent::ShiftChange(_)) => {
                    pool.shift_change(now, SimTime(10_000), &mut sink)
                }
                _ => unreachable!("only queue events in these tests"),
            }
        }
        let now = sink.events.now();
        pool.close(now, &mut sink);
        sink
    }

    /// When each conversation ended, in order, with how.
    fn ends(sink: &Sink<Event>) -> Vec<(u64, Outcome)> {
        let mut ends: Vec<_> = sink.journal.iter().map(|f| (f.at.0, f.outcome)).collect();
        ends.sort_by_key(|&(at, _)| at);
        ends
    }

    fn staffed(count: u32) -> AgentPool {
        spec(Schedule::constant(count), 1, 0.0, false)
    }

    #[test]
    fn serves_first_come_first_served_with_at_most_count_agents() {
        // Two agents, four customers a millisecond apart, 900ms each (times
        // under 1.024s are recorded exactly): the first two are taken at once;
        // the third gets the first free agent (at 900ms, after waiting 898ms)
        // and the fourth the second (at 901ms, also 898ms). Last-in-first-out
        // would give waits of 897 and 899 instead.
        let tallies = run(&staffed(2), (0..4).map(|t| customer(t, None)).collect());
        let waits = &tallies.queue_wait;
        assert_eq!(waits.count(), 4);
        assert_eq!(waits.quantile(0.5), Some(Millis(0)));
        assert_eq!(waits.quantile(0.75), Some(Millis(898)));
        assert_eq!(waits.max(), Some(Millis(898)));
        assert_eq!(tallies.all.outcomes.get(Outcome::AgentResolved), 4);
        // First response adds the agent's first reply to the wait.
        assert_eq!(tallies.agent_first_response.max(), Some(Millis(948)));
        let queue = &tallies.queues[0];
        assert_eq!((queue.arrived, queue.served, queue.abandoned), (4, 4, 0));
    }

    #[test]
    fn a_full_queue_turns_customers_away_at_once() {
        // No agents, and two customers more than the queue holds: they
        // leave as they join, with a wait of 0; the others wait until the
        // end, when nothing else can happen.
        let customers = (0..MAX_WAITING as u64 + 2).map(|t| customer(t / 100, None));
        let tallies = run(&staffed(0), customers.collect());
        let reasons = &tallies.funnel[0].reasons;
        assert_eq!(reasons[Reason::QueueFull.index()], 2);
        assert_eq!(reasons[Reason::QueuePatience.index()], MAX_WAITING as u64);
        assert_eq!(tallies.queue_wait.count(), MAX_WAITING as u64 + 2);
        let queue = &tallies.queues[0];
        assert_eq!(queue.arrived, MAX_WAITING as u64 + 2);
        assert_eq!(queue.abandoned, MAX_WAITING as u64 + 2);
    }

    #[test]
    fn a_customer_out_of_patience_leaves_and_is_not_served() {
        // One agent busy for 900ms; the second customer gives up after 300ms.
        let tallies = run(&staffed(1), vec![customer(0, None), customer(0, Some(300))]);
        assert_eq!(tallies.all.outcomes.get(Outcome::AgentResolved), 1);
        assert_eq!(tallies.all.outcomes.get(Outcome::AbandonedInQueue), 1);
        assert_eq!(tallies.funnel[0].abandoned, 1);
        assert_eq!(tallies.funnel[0].reasons[Reason::QueuePatience.index()], 1);
        assert_eq!(tallies.queue_wait.max(), Some(Millis(300)));
        assert_eq!(tallies.agent_first_response.count(), 1);
    }

    #[test]
    fn an_unstaffed_queue_ends_every_wait_when_nothing_else_can_happen() {
        let tallies = run(
            &staffed(0),
            vec![customer(0, None), customer(5, Some(60_000))],
        );
        assert_eq!(tallies.all.outcomes.get(Outcome::AbandonedInQueue), 2);
    }

    #[test]
    fn warm_up_customers_load_the_queue_but_are_not_counted() {
        let mut early = customer(0, None);
        early.thread.counted = false;
        // The uncounted customer holds the only agent for 900ms; the counted
        // one waits for it, and only that wait is recorded.
        let tallies = run(&staffed(1), vec![early, customer(100, None)]);
        assert_eq!(tallies.conversations(), 1);
        assert_eq!(tallies.queue_wait.count(), 1);
        assert_eq!(tallies.queue_wait.max(), Some(Millis(800)));
    }

    #[test]
    fn an_agent_holds_several_chats_each_taking_longer_as_load_rises() {
        // One agent holding up to 3 chats, 50% longer per other chat held:
        // three customers at once take 900, 1350 and 1800 ms; a fourth waits
        // for the first chat to end (at 900ms), and is then the agent's third
        // chat again: 1800ms, done at 2700ms.
        let pool = spec(Schedule::constant(1), 3, 0.5, false);
        let tallies = run(&pool, (0..4).map(|_| customer(0, None)).collect());
        let resolution = &tallies.resolution;
        assert_eq!(resolution.count(), 4);
        assert_eq!(resolution.quantile(0.25), Some(Millis(900)));
        assert_eq!(resolution.quantile(0.5), Some(Millis(1350)));
        assert_eq!(resolution.quantile(0.75), Some(Millis(1800)));
        assert_eq!(resolution.max(), Some(Millis(2700)));
        assert_eq!(tallies.queue_wait.max(), Some(Millis(900)));
    }

    #[test]
    fn utilisation_is_busy_slots_over_staffed_slots_in_the_window() {
        // Two agents for 10 seconds; one chat of 900ms: 900 / 20,000.
        let tallies = run(&staffed(2), vec![customer(0, None)]);
        let queue = &tallies.queues[0];
        assert_eq!(queue.busy, 900);
        assert_eq!(queue.staffed, 20_000);
    }

    #[test]
    fn a_queue_closed_at_the_start_serves_when_agents_come_on_shift() {
        // Agents from Mon 00:00:05 (5s into the week): the customer who
        // joins at once waits 5 seconds.
        let hours = Schedule::from_periods(&[("Mon 00:00-23:59".to_string(), 1)], 0).unwrap();
        // The shift starts at minute 0: shift it 5s later by starting the
        // pool's clock 5s before Monday.
        let pool_spec = spec(hours, 1, 0.0, false);
        let personas = personas();
        let window = Window {
            from: SimTime::ZERO,
            to: SimTime(60_000),
        };
        let mut pool = Pool::new(
            0,
            &pool_spec,
            &personas,
            WeekTime(crate::model::calendar::WEEK - 5_000),
            window,
        );
        let mut sink = Sink::new(Tallies::new(1, 1, 1, 0));
        pool.plan_shift_change(SimTime::ZERO, &mut sink.events);
        pool.join(SimTime::ZERO, Box::new(customer(0, None)), &mut sink);
        while let Some((now, event)) = sink.events.next() {
            match event {
                Event::Queue(QueueEvent::ShiftChange(_)) => {
                    pool.shift_change(now, SimTime(60_000), &mut sink)
                }
                Event::Queue(QueueEvent::AgentFree(_, agent)) => {
                    pool.agent_free(now, agent, &mut sink)
                }
                _ => {}
            }
        }
        assert_eq!(sink.tallies.queue_wait.max(), Some(Millis(5_000)));
        assert_eq!(sink.tallies.all.outcomes.get(Outcome::AgentResolved), 1);
    }

    #[test]
    fn agents_who_survey_record_a_score_from_the_wait() {
        // Base 4.4, handoff -0.3, -1 a minute waiting, no noise: served at
        // once scores round(4.1) = 4.
        let tallies = run(
            &spec(Schedule::constant(1), 1, 0.0, true),
            vec![customer(0, None)],
        );
        assert_eq!(tallies.all.surveys, 1);
        assert_eq!(tallies.all.scores, [0, 0, 0, 1, 0]);
    }

    /// A customer joining at `joined` whose chat takes `handle` ms.
    fn handled_in(joined: u64, handle: u64) -> Waiting {
        Waiting {
            handle_time: Millis(handle),
            ..customer(joined, None)
        }
    }

    #[test]
    fn agents_going_off_shift_finish_their_chats_while_those_staying_serve_the_queue() {
        // Three agents until 500ms, then one (the pool's clock starts 500ms
        // before Monday, whose shift has one agent). With `concurrency` c,
        // 3c customers at 0 fill every slot, the least loaded agent first:
        // customer i goes to agent i % 3. Agent 0 (who stays) is done at
        // 600ms, agent 1 at 700ms, agent 2 at 2000ms. c more customers join
        // at 100ms and wait; one more at 650ms.
        //
        // At 600ms agent 0's slots free up and the c waiting customers start
        // (900ms each, done at 1500ms), whatever agents 1 and 2 still hold.
        // At 700ms agent 1 is done, but off shift: the 650ms customer waits
        // for agent 0, until 1500ms, and is done at 2400ms. The same timeline
        // for one chat per agent and for three.
        let hours = Schedule::from_periods(&[("Mon".to_string(), 1)], 3).unwrap();
        for concurrency in [1, 3] {
            let pool = spec(hours.clone(), concurrency, 0.0, false);
            let mut customers: Vec<Waiting> = (0..3 * concurrency)
                .map(|i| handled_in(0, [600, 700, 2_000][i as usize % 3]))
                .collect();
            customers.extend((0..concurrency).map(|_| handled_in(100, 900)));
            customers.push(handled_in(650, 900));
            let sink = run_from(
                &pool,
                customers,
                WeekTime(crate::model::calendar::WEEK - 500),
            );
            let c = concurrency as usize;
            let mut expected = Vec::new();
            for (at, count) in [(600, c), (700, c), (1_500, c), (2_000, c), (2_400, 1)] {
                expected.extend(std::iter::repeat_n((at, Outcome::AgentResolved), count));
            }
            assert_eq!(ends(&sink), expected, "concurrency {concurrency}");
            // Waits: 0 for the first 3c, 500ms for the next c, 850ms last.
            let waits = &sink.tallies.queue_wait;
            assert_eq!(waits.count(), 4 * concurrency as u64 + 1);
            assert_eq!(waits.max(), Some(Millis(850)));
        }
    }

    #[test]
    fn queue_patience_runs_until_the_agent_s_first_message() {
        // One agent. The first customer is picked up at once, but the
        // agent's first message would come at 500ms and their patience ends
        // at 300ms: they leave then, abandoned in the queue after waiting
        // 300ms, and the agent is free at 300ms. The second (joined at 100ms,
        // endless patience) is picked up at 300ms and done at 1200ms; their
        // first message comes at 350ms.
        let pool = staffed(1);
        let impatient = Waiting {
            first_reply: Millis(500),
            ..customer(0, Some(300))
        };
        let sink = run_from(
            &pool,
            vec![impatient, customer(100, None)],
            WeekTime::default(),
        );
        assert_eq!(
            ends(&sink),
            [
                (300, Outcome::AbandonedInQueue),
                (1_200, Outcome::AgentResolved)
            ]
        );
        let tallies = &sink.tallies;
        assert_eq!(tallies.funnel[0].reasons[Reason::QueuePatience.index()], 1);
        assert_eq!(tallies.queue_wait.max(), Some(Millis(300)));
        assert_eq!(tallies.queue_wait.count(), 2);
        // Only the customer served got a first response: 200 + 50ms.
        assert_eq!(tallies.agent_first_response.count(), 1);
        assert_eq!(tallies.agent_first_response.max(), Some(Millis(250)));
        let queue = &tallies.queues[0];
        assert_eq!((queue.arrived, queue.served, queue.abandoned), (2, 1, 1));
        // The agent was busy from 0 to 300ms, then for 900ms.
        assert_eq!(queue.busy, 1_200);
    }

    #[test]
    fn a_first_message_exactly_when_patience_ends_is_in_time() {
        let pool = staffed(1);
        let customer = Waiting {
            first_reply: Millis(300),
            ..customer(0, Some(300))
        };
        let sink = run_from(&pool, vec![customer], WeekTime::default());
        assert_eq!(ends(&sink), [(900, Outcome::AgentResolved)]);
    }

    #[test]
    fn an_agent_done_before_their_first_message_is_free_when_the_handle_time_ends() {
        // Drawn independently, the handle time (200ms) can end before the
        // first message (500ms). The customer still leaves when their
        // patience runs out (300ms), but the agent is free at 200ms: the
        // second customer is picked up then (waited 100ms), done at 1100ms.
        let pool = staffed(1);
        let impatient = Waiting {
            first_reply: Millis(500),
            handle_time: Millis(200),
            ..customer(0, Some(300))
        };
        let sink = run_from(
            &pool,
            vec![impatient, customer(100, None)],
            WeekTime::default(),
        );
        assert_eq!(
            ends(&sink),
            [
                (300, Outcome::AbandonedInQueue),
                (1_100, Outcome::AgentResolved)
            ]
        );
        assert_eq!(sink.tallies.queues[0].busy, 1_100);
    }
}
