//! One replication: an independent stretch of traffic on its own clock.
//! Customers arrive through `warm_up + duration`; those who arrive during
//! the warm-up load the queues but are not counted. Conversations still
//! going when arrivals stop are played to their end, and so are the answers
//! to campaigns and follow-ups sent before then.
//!
//! Besides customers who write in, a replication has the business's side
//! ([`super::outreach`]): campaigns to an audience, follow-ups when a
//! customer goes silent, and customers coming back
//! ([`super::people`]).

use std::collections::BTreeMap;

use super::agents::{Finished, Pool, QueueEvent, Sink, Waiting, Window, ending, handle};
use super::people::{Members, Origin, Person, PersonId, Thread, return_time};
use crate::arrivals::ArrivalClock;
use crate::conversation::bot::{Heard, Hours, Outgoing, Reply};
use crate::conversation::customer::Customer;
use crate::conversation::flow_bot::FlowBot;
use crate::conversation::observer::Observer;
use crate::conversation::{Answer, Conversation, Ending, Exit, Progress};
use crate::metric::{Outcome, Reason};
use crate::model::flow::{NodeId, QueueId, Title};
use crate::model::media::MediaKind;
use crate::model::persona::{Goal, Persona};
use crate::model::scenario::Scenario;
use crate::model::{Millis, SimTime};
use crate::random::Purpose;
use crate::tally::Tallies;

/// Everything the event queue of a replication holds.
pub(crate) enum Event<'s> {
    /// The next customer writes in.
    Arrival,
    Queue(QueueEvent),
    /// Campaign `n` goes out.
    Campaign(u8),
    /// An audience member, having read a campaign's template sent at
    /// `sent`, decides whether to answer.
    Reads {
        member: u32,
        campaign: u8,
        sent: SimTime,
    },
    /// An audience member opts out of marketing (as they read a message).
    OptsOut(u32),
    /// A silent conversation's follow-up is due, or (once sent) the
    /// customer reads it.
    FollowUp(Box<Paused<'s>>),
    /// A customer comes back for another conversation.
    Returns(Person),
}

/// A conversation whose customer went silent at a node that follows up.
pub(crate) struct Paused<'s> {
    pub(super) conversation: Conversation<'s, FlowBot<'s>>,
    pub(super) thread: super::people::Thread,
    /// Where, when and why the customer went silent: their abandonment,
    /// unless the follow-up brings them back.
    pub(super) node: NodeId,
    pub(super) at: SimTime,
    pub(super) reason: Reason,
    /// Once the follow-up is sent: what it was, and when.
    pub(super) sent: Option<(Answer<'s>, SimTime)>,
}

impl From<QueueEvent> for Event<'_> {
    fn from(event: QueueEvent) -> Self {
        Event::Queue(event)
    }
}

/// Simulates replication `replication` of `scenario` with `seed`.
pub(crate) fn replicate(scenario: &Scenario, seed: u64, replication: u32) -> Tallies {
    replicate_observed(
        scenario,
        seed,
        replication,
        &mut |_| None::<NoTranscript>,
        &mut |_| {},
    )
}

/// Something that listens to counted conversations one by one (a transcript
/// recorder): `watch(index)` gives a listener for the `index`-th counted
/// conversation, or `None`; a listener gets the conversation's ending when
/// it comes.
pub(crate) trait Watcher: Observer {
    /// The conversation starts at `at` with a customer of `persona` who
    /// wants `goal`; it came from `origin`.
    fn begin(&mut self, persona: &Persona, goal: &Goal, at: SimTime, origin: Origin);
    /// The conversation ended (in the bot, or in the queue).
    fn ended(&mut self, outcome: Outcome, node: NodeId, at: SimTime, reason: Option<Reason>);
}

/// The watcher of a replication no one watches.
pub(crate) struct NoTranscript;

impl Observer for NoTranscript {
    fn entered(&mut self, _node: NodeId) {}
    fn bot_responded(&mut self, _after: Millis) {}
}

impl Watcher for NoTranscript {
    fn begin(&mut self, _: &Persona, _: &Goal, _: SimTime, _: Origin) {}
    fn ended(&mut self, _: Outcome, _: NodeId, _: SimTime, _: Option<Reason>) {}
}

/// Simulates a replication, giving counted conversations to the watchers
/// `watch` returns, and each watcher to `done` once its conversation has
/// ended (so a caller keeps only the watchers it wants); returns the
/// tallies.
pub(crate) fn replicate_observed<W: Watcher>(
    scenario: &Scenario,
    seed: u64,
    replication: u32,
    watch: &mut dyn FnMut(u64) -> Option<W>,
    done: &mut dyn FnMut(W),
) -> Tallies {
    let counting_from = SimTime::ZERO + scenario.warm_up;
    let arrivals_end = counting_from + scenario.duration;
    let window = Window {
        from: counting_from,
        to: arrivals_end,
    };
    let mut run = Replication {
        scenario,
        seed,
        replication,
        sink: Sink::new(Tallies::for_scenario(scenario)),
        pools: scenario
            .pools
            .iter()
            .enumerate()
            .map(|(id, pool)| Pool::new(id, pool, &scenario.personas, scenario.clock_start, window))
            .collect(),
        members: Members::draw(
            scenario.outreach.audience.as_ref(),
            &scenario.personas,
            seed,
            replication,
        ),
        counting_from,
        arrivals_end,
        retention: scenario
            .personas
            .items()
            .iter()
            .any(|persona| persona.returns.is_some()),
        counted: 0,
        watched: BTreeMap::new(),
        watch,
        done,
    };
    run.run();
    for watcher in std::mem::take(&mut run.watched).into_values() {
        (run.done)(watcher);
    }
    run.sink.tallies
}

/// A replication in progress.
pub(super) struct Replication<'s, 'w, W> {
    pub scenario: &'s Scenario,
    pub seed: u64,
    pub replication: u32,
    pub sink: Sink<Event<'s>>,
    pools: Vec<Pool<'s>>,
    /// The audience, when the scenario has one.
    pub members: Members,
    pub counting_from: SimTime,
    pub arrivals_end: SimTime,
    /// Whether a persona comes back (retention is measured).
    retention: bool,
    /// Counted conversations so far: the next one's watcher number.
    counted: u64,
    /// Watchers of conversations that are not playing right now (waiting
    /// in a queue, or silent until a follow-up), by number.
    watched: BTreeMap<u64, W>,
    watch: &'w mut dyn FnMut(u64) -> Option<W>,
    /// Hears each watcher whose conversation ended.
    done: &'w mut dyn FnMut(W),
}

/// Whether a queue has an agent on shift, on the scenario's clock.
impl Hours for Scenario {
    fn open(&self, queue: QueueId, at: SimTime) -> bool {
        self.pools[self.pool_of(queue)].open_at(self.clock_start.plus(at.since(SimTime::ZERO)))
    }
}

impl<'s, W: Watcher> Replication<'s, '_, W> {
    fn run(&mut self) {
        let scenario = self.scenario;
        let mut arrivals = ArrivalClock::new(scenario, self.seed, self.replication);
        if let Some(first) = arrivals
            .next(SimTime::ZERO)
            .filter(|at| *at < self.arrivals_end)
        {
            self.sink.events.schedule_beside(first, Event::Arrival);
        }
        for (campaign, spec) in scenario.outreach.campaigns.iter().enumerate() {
            self.sink.events.schedule(
                self.counting_from + spec.after_start,
                Event::Campaign(campaign as u8),
            );
        }
        for pool in &mut self.pools {
            pool.plan_shift_change(SimTime::ZERO, &mut self.sink.events);
        }
        let mut index = 0u64;
        while let Some((now, event)) = self.sink.events.next() {
            match event {
                Event::Arrival => {
                    if let Some(next) = arrivals.next(now).filter(|at| *at < self.arrivals_end) {
                        self.sink.events.schedule_beside(next, Event::Arrival);
                    }
                    self.walk_in(index, now);
                    index += 1;
                }
                Event::Queue(event) => handle(
                    &mut self.pools,
                    event,
                    now,
                    self.arrivals_end,
                    &mut self.sink,
                ),
                Event::Campaign(campaign) => self.send_campaign(campaign, now),
                Event::Reads {
                    member,
                    campaign,
                    sent,
                } => self.reads_campaign(member, campaign, sent, now),
                Event::OptsOut(member) => self.members.opt_out(member),
                Event::FollowUp(paused) => self.follow_up(paused, now),
                Event::Returns(person) => self.returns(person, now),
            }
            self.settle_journal();
        }
        let now = self.sink.events.now();
        for pool in &mut self.pools {
            pool.close(now, &mut self.sink);
        }
        self.settle_journal();
        if self.retention {
            self.members.retention(&mut self.sink.tallies.retention);
        }
    }

    /// What follows the end of conversations that ended in a queue.
    fn settle_journal(&mut self) {
        while let Some(finished) = self.sink.journal.pop() {
            self.after_end(finished);
        }
    }

    /// Customer number `index` writes in at `now`.
    fn walk_in(&mut self, index: u64, now: SimTime) {
        let scenario = self.scenario;
        let counted = now >= self.counting_from;
        let streams = crate::random::Streams::walk_in(index);
        let customer = Customer::draw(
            &scenario.personas,
            streams.stream(self.seed, self.replication, Purpose::Customer),
        );
        let thread = Thread::walk_in(index, customer.persona_index, now, counted);
        if counted {
            self.sink.tallies.cost.service += 1;
        }
        self.start(customer, thread, now);
    }

    /// A customer comes back at `now` for another conversation.
    fn returns(&mut self, mut person: Person, now: SimTime) {
        let counted = now >= self.counting_from && now < self.arrivals_end;
        if let PersonId::Member(member) = person.id {
            // What changed for them since (an opt-out) travels with them.
            let current = self.members.person(member, now, counted);
            person.opted_out = current.opted_out;
        }
        let thread = Thread {
            person,
            origin: Origin::Return,
            counted,
            watched: None,
            answered: None,
        };
        let customer = Customer::of(
            &self.scenario.personas,
            person.persona,
            thread
                .streams()
                .stream(self.seed, self.replication, Purpose::Customer),
        );
        if counted {
            self.sink.tallies.cost.service += 1;
        }
        self.start(customer, thread, now);
    }

    /// A customer writes to the bot at `now`: they talk until the
    /// conversation ends, the customer goes silent, or it is handed off.
    fn start(&mut self, customer: Customer<'s>, mut thread: Thread, now: SimTime) {
        let mut conversation = self.conversation(customer, &thread, now);
        self.watch(&mut thread, &conversation, now);
        let exit = conversation.play(&mut self.observer(&thread));
        self.after_exit(conversation, thread, exit);
    }

    /// A conversation of `customer` starting at `now`, with the bot's own
    /// stream.
    pub(super) fn conversation(
        &self,
        customer: Customer<'s>,
        thread: &Thread,
        now: SimTime,
    ) -> Conversation<'s, FlowBot<'s>> {
        let scenario = self.scenario;
        let bot = FlowBot::new(
            &scenario.flow,
            scenario,
            thread
                .streams()
                .stream(self.seed, self.replication, Purpose::Bot),
        );
        Conversation::new(customer, bot, scenario.max_turns, now)
    }

    /// Gives a counted conversation its watcher, if `watch` wants one.
    pub(super) fn watch(
        &mut self,
        thread: &mut Thread,
        conversation: &Conversation<'s, FlowBot<'s>>,
        now: SimTime,
    ) {
        if !thread.counted {
            return;
        }
        let number = self.counted;
        self.counted += 1;
        if let Some(mut watcher) = (self.watch)(number) {
            let customer = conversation.customer();
            watcher.begin(customer.persona, customer.goal, now, thread.origin);
            self.watched.insert(number, watcher);
            thread.watched = Some(number);
        }
    }

    /// What a conversation reports to while it plays.
    pub(super) fn observer(&mut self, thread: &Thread) -> Counting<'_, W> {
        Counting {
            tallies: thread.counted.then_some(&mut self.sink.tallies),
            watcher: thread
                .watched
                .and_then(|number| self.watched.get_mut(&number)),
        }
    }

    /// Where a conversation went when the customer and the bot were done
    /// with each other: to its end, to a queue, or silent (until a
    /// follow-up, if its node has one).
    pub(super) fn after_exit(
        &mut self,
        conversation: Conversation<'s, FlowBot<'s>>,
        thread: Thread,
        exit: Exit,
    ) {
        let Exit { ending, node } = exit;
        match ending {
            Ending::Ended { outcome, at } => {
                self.end(thread, conversation.progress(), outcome, node, at, None)
            }
            Ending::Left { at, since, reason } => {
                self.silent(conversation, thread, node, at, since, reason)
            }
            Ending::HandedOff { queue, at } => self.hand_off(conversation, thread, queue, node, at),
        }
    }

    /// The conversation joins the queue of `queue` at `at`.
    fn hand_off(
        &mut self,
        conversation: Conversation<'s, FlowBot<'s>>,
        thread: Thread,
        queue: QueueId,
        node: NodeId,
        at: SimTime,
    ) {
        let scenario = self.scenario;
        let pool = scenario.pool_of(queue);
        // Drawn from the queue stream, so the same customer meets the same
        // queue whatever the flow did before the handoff.
        let draws = thread
            .streams()
            .stream(self.seed, self.replication, Purpose::Queue);
        let waiting = Waiting::draw(
            &scenario.pools[pool],
            conversation.customer().persona,
            draws,
            (conversation.progress(), node, at),
            thread,
        );
        let waiting = self.sink.boxed(waiting);
        self.sink
            .events
            .schedule(at, Event::Queue(QueueEvent::Joins(pool, waiting)));
    }

    /// A conversation the bot was in ends: counted, then what follows.
    pub(super) fn end(
        &mut self,
        thread: Thread,
        progress: Progress,
        outcome: Outcome,
        node: NodeId,
        at: SimTime,
        reason: Option<Reason>,
    ) {
        if thread.counted {
            self.sink
                .tallies
                .end(ending(&progress, outcome, reason, node, at));
        }
        self.after_end(Finished {
            thread,
            progress,
            outcome,
            node,
            at,
            reason,
        });
    }

    /// What follows a conversation's end (already counted): its watcher
    /// hears it, a campaign or follow-up it came from is credited, and the
    /// customer may come back.
    fn after_end(&mut self, finished: Finished) {
        let Finished {
            thread,
            progress,
            outcome,
            node,
            at,
            reason,
        } = finished;
        if let Some(number) = thread.watched
            && let Some(mut watcher) = self.watched.remove(&number)
        {
            watcher.ended(outcome, node, at, reason);
            (self.done)(watcher);
        }
        if thread.counted {
            let tallies = &mut self.sink.tallies;
            if let Origin::Campaign(campaign) = thread.origin
                && progress.conversions != 0
            {
                tallies.campaigns[usize::from(campaign)].converted += 1;
            }
            if let Some((node, before)) = thread.answered {
                let follow_up = &mut tallies.follow_ups[node];
                if outcome.is_resolved() {
                    follow_up.recovered += 1;
                }
                if progress.conversions & !before != 0 {
                    follow_up.sends.converted += 1;
                }
            }
        }
        self.comes_back(thread.person, outcome, progress.score, at);
    }

    /// Whether the customer whose conversation ended at `at` comes back:
    /// for retention, and as a conversation when it falls within the
    /// traffic's time.
    fn comes_back(&mut self, person: Person, outcome: Outcome, score: Option<u8>, at: SimTime) {
        if !self.retention {
            return;
        }
        let visit = person.visit + 1;
        let (index, member) = match person.id {
            PersonId::WalkIn(index) => (index, false),
            PersonId::Member(member) => (u64::from(member), true),
        };
        let mut rng = crate::random::Streams::returning(index, member, visit).stream(
            self.seed,
            self.replication,
            Purpose::Arrivals,
        );
        let persona = self.scenario.personas.get(person.persona);
        let next = return_time(persona, outcome, score, at, &mut rng);
        match person.id {
            // A walk-in's next conversation can only be a return.
            PersonId::WalkIn(_) if person.visit == 0 && person.first_counted => self
                .sink
                .tallies
                .retention
                .count(next.map(|next| next.since(person.first_started))),
            PersonId::Member(member) => {
                if let Some(next) = next {
                    self.members.comes_back(member, next);
                }
            }
            PersonId::WalkIn(_) => {}
        }
        if let Some(next) = next.filter(|next| *next < self.arrivals_end) {
            self.sink
                .events
                .schedule(next, Event::Returns(Person { visit, ..person }));
        }
    }
}

/// How a conversation reports to the tallies (when counted) and to its
/// watcher.
pub(super) struct Counting<'a, W> {
    tallies: Option<&'a mut Tallies>,
    watcher: Option<&'a mut W>,
}

impl<W: Watcher> Observer for Counting<'_, W> {
    fn entered(&mut self, node: NodeId) {
        if let Some(tallies) = &mut self.tallies {
            tallies.entered(node);
        }
        if let Some(watcher) = &mut self.watcher {
            watcher.entered(node);
        }
    }

    fn bot_responded(&mut self, after: Millis) {
        if let Some(tallies) = &mut self.tallies {
            tallies.bot_response.record(after);
        }
        if let Some(watcher) = &mut self.watcher {
            watcher.bot_responded(after);
        }
    }

    fn delivered(&mut self, at: SimTime, message: Outgoing<'_>) {
        if let Some(watcher) = &mut self.watcher {
            watcher.delivered(at, message);
        }
    }

    fn replied(&mut self, at: SimTime, reply: &Reply<'_>, options: &[Title], heard: Heard<'_>) {
        if let Some(watcher) = &mut self.watcher {
            watcher.replied(at, reply, options, heard);
        }
    }

    fn media(&mut self, node: NodeId, kind: MediaKind, heard: Heard<'_>) {
        if let Some(tallies) = &mut self.tallies {
            tallies.funnel[node].media(
                kind,
                matches!(heard, Heard::Media(_)),
                heard == Heard::Ignored,
            );
        }
    }
}

/// Records a conversation's outcome, for the transition table of a
/// comparison.
struct OutcomeOf {
    index: u64,
    walk_in: bool,
    outcome: Option<Outcome>,
}

impl Observer for OutcomeOf {
    fn entered(&mut self, _node: NodeId) {}
    fn bot_responded(&mut self, _after: Millis) {}
}

impl Watcher for OutcomeOf {
    fn begin(&mut self, _: &Persona, _: &Goal, _: SimTime, origin: Origin) {
        self.walk_in = origin == Origin::WalkIn;
    }
    fn ended(&mut self, outcome: Outcome, _: NodeId, _: SimTime, _: Option<Reason>) {
        self.outcome = Some(outcome);
    }
}

/// Simulates a replication and also gives the outcome of every counted
/// conversation of a customer who wrote in, in the order they arrived:
/// customer `i` of a replication is the same person whatever the flow.
/// (Conversations from campaigns and returns are left out: when they
/// happen depends on the flow.)
pub(crate) fn replicate_with_outcomes(
    scenario: &Scenario,
    seed: u64,
    replication: u32,
) -> (Tallies, Vec<Outcome>) {
    let mut watchers = Vec::new();
    let tallies = replicate_observed(
        scenario,
        seed,
        replication,
        &mut |index| {
            Some(OutcomeOf {
                index,
                walk_in: false,
                outcome: None,
            })
        },
        &mut |watcher| watchers.push(watcher),
    );
    watchers.retain(|watcher| watcher.walk_in);
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
            .scenario(&root.join("scenarios/bank/lunchtime-peak.yaml"))
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

    /// A flow whose only prompt is a menu customers keep choosing "More"
    /// at, until the turn limit: every prompt is one chance to send media.
    const MEDIA_FLOW: &str = r#"
flow: menu-loop
start: menu
nodes:
  menu:
    say: "Anything else?"
    buttons: ["More", "Done"]
    routes: {"More": menu, "Done": done, fallback: menu}
    on_media: {audio: voice, image: menu}
  voice:
    say: "Thanks for the voice note."
    next: menu
  done:
    end: resolved
"#;

    const MEDIA_PERSONAS: &str = r#"
personas:
  - name: sender
    goals:
      - want: more
        taps: ["More"]
    behaviour:
      sends: {audio: 0.1, image: 0.05, location: 0.03, sticker: 0.02, reaction: 0.04}
"#;

    const MEDIA_SCENARIO: &str = r#"
scenario: menu-loop
flow: flow.yaml
personas: [personas.yaml]
duration: 60m
max_turns: 20
replications: 2
arrivals: {poisson: {per_hour: 600}}
"#;

    #[test]
    fn the_funnel_counts_media_as_often_as_personas_send_them() {
        let (scenario, _) = Loader::new()
            .with_file("flow.yaml", MEDIA_FLOW)
            .with_file("personas.yaml", MEDIA_PERSONAS)
            .with_file("scenario.yaml", MEDIA_SCENARIO)
            .scenario("scenario.yaml".as_ref())
            .unwrap();
        let mut tallies = replicate(&scenario, scenario.seed, 0);
        tallies.merge(&replicate(&scenario, scenario.seed, 1));
        // The menu is the only prompt, and each prompt draws once whether
        // the customer sends media, and which: each kind's count is
        // binomial over the prompts, with the persona's chance.
        let menu = tallies.funnel[0];
        let prompts = tallies.all.prompts;
        assert!(prompts > 15_000, "{prompts}");
        for (kind, chance) in [
            (MediaKind::Image, 0.05),
            (MediaKind::Audio, 0.1),
            (MediaKind::Location, 0.03),
            (MediaKind::Sticker, 0.02),
            (MediaKind::Reaction, 0.04),
        ] {
            let share = menu.media[kind.index()] as f64 / prompts as f64;
            // Five standard errors of a binomial share: a correct count
            // falls outside about once in 1.7 million runs (and the seed is
            // fixed). Over the ~25,000 prompts simulated, the widest
            // tolerance is 0.0095 (at 0.1): a kind drawn with another
            // kind's chance (0.01 or more away) or counted twice fails.
            let tolerance = 5.0 * (chance * (1.0 - chance) / prompts as f64).sqrt();
            assert!(
                (share - chance).abs() < tolerance,
                "{kind:?}: {share} for {chance} (± {tolerance})"
            );
        }
        // Locations and stickers have no route: the fallback, and nothing
        // else is misunderstood (the customers only tap). Reactions are
        // ignored; voice notes reach the node they are routed to.
        let unrouted =
            menu.media[MediaKind::Location.index()] + menu.media[MediaKind::Sticker.index()];
        assert_eq!(menu.media_fallback, unrouted);
        assert_eq!(tallies.all.not_understood, unrouted);
        assert_eq!(menu.media_ignored, menu.media[MediaKind::Reaction.index()]);
        assert!(tallies.funnel[1].entered > 0);
        assert_eq!(tallies.funnel[1].media, [0; MediaKind::COUNT]);
    }

    #[test]
    fn every_format_shows_media_only_when_personas_send_them() {
        use crate::report::{Format, Report, Style, render_to_string};
        let render = |personas: &str| {
            let (scenario, _) = Loader::new()
                .with_file("flow.yaml", MEDIA_FLOW)
                .with_file("personas.yaml", personas)
                .with_file("scenario.yaml", MEDIA_SCENARIO)
                .scenario("scenario.yaml".as_ref())
                .unwrap();
            let tallies = replicate(&scenario, scenario.seed, 0);
            let report = Report::new(&scenario, scenario.seed, 1, &tallies);
            [
                Format::Json,
                Format::Yaml,
                Format::Text,
                Format::Markdown,
                Format::Html,
            ]
            .map(|format| render_to_string(std::slice::from_ref(&report), format, Style::default()))
        };
        let [json, yaml, text, markdown, html] = render(MEDIA_PERSONAS);
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        let media = &json["funnel"]["menu"]["media"];
        for kind in ["image", "audio", "location", "sticker", "reaction"] {
            assert!(media["received"][kind].as_u64().unwrap() > 0, "{media}");
        }
        let unrouted = media["received"]["location"].as_u64().unwrap()
            + media["received"]["sticker"].as_u64().unwrap();
        assert_eq!(media["fallback"].as_u64(), Some(unrouted));
        assert_eq!(media["ignored"], media["received"]["reaction"]);
        // Only nodes that received media have the block.
        assert!(json["funnel"]["voice"].get("media").is_none());
        assert!(
            yaml.contains("    media:\n      received:\n        image: "),
            "{yaml}"
        );
        for page in [&text, &markdown] {
            assert!(page.contains("Media received"), "{page}");
        }
        assert!(html.contains("Media customers sent, per node"));
        // Without `sends`, no format says a word about media.
        let quiet = MEDIA_PERSONAS.replace(
            "      sends: {audio: 0.1, image: 0.05, location: 0.03, sticker: 0.02, reaction: 0.04}\n",
            "",
        );
        assert_ne!(quiet, MEDIA_PERSONAS);
        for page in render(&quiet) {
            for mark in ["\"media\"", "media:", "received", "Media"] {
                assert!(!page.contains(mark), "{mark}: {page}");
            }
        }
    }
}
