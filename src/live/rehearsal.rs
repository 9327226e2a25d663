//! `rehearse live`'s driver: a scenario's customers against a running bot.
//!
//! 1. The webhook verification handshake.
//! 2. Customers arrive as the scenario's arrivals say (the same arrival
//!    stream as replication 0 of `run`), `speed` times faster than real,
//!    at most `concurrency` at once; arrivals stop after the warm-up and
//!    the `duration`. Each talks to the bot ([`conversation`]); the
//!    stand-in's events are routed to them by phone number.
//! 3. Conversations still going a bounded `drain` after the arrival window ends are
//!    cut off (and Ctrl-C or SIGTERM cuts everything off): the report says so.
//! 4. Customers the bot handed off join the scenario's agent queues, which
//!    are simulated as in `run` — by the same code (`sim::agents`), after the
//!    conversations: once handed off, nothing a customer does reaches the
//!    bot again, so serving the queue afterwards is exactly serving it
//!    while the conversations run.
//! 5. The report: outcomes, rates, response times (the bot's real latency),
//!    queues, personas, and the `live:` block.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::conversation::{self, Broken, Finished, Setting, Visit};
use super::event::BotEvent;
use super::{LiveHandle, WebhookError};
use crate::arrivals::ArrivalClock;
use crate::conversation::Ending;
use crate::metric::{Outcome, Reason};
use crate::model::SimTime;
use crate::model::scenario::Scenario;
use crate::report::Report;
use crate::report::live::{BotCalls, Customers, Live, Stopped, Webhooks};
use crate::report::transcript::Transcript;
use crate::sim::agents::{HandedOff, ending, serve_handoffs};
use crate::tally::Tallies;

/// How a live run goes, beyond what the scenario says.
#[derive(Debug, Clone, PartialEq)]
pub struct RehearsalOptions {
    /// The most customers talking to the bot at once; an arrival beyond
    /// waits for a place (and is counted as delayed).
    pub concurrency: usize,
    /// How long conversations may go on after the arrival window ends (wall time)
    /// before they are cut off.
    pub drain: Duration,
    /// How many conversations to write down, as the customer saw them (the
    /// first counted ones).
    pub transcripts: usize,
    /// The seed of the customers' random streams; the scenario's when `None`.
    pub seed: Option<u64>,
}

impl Default for RehearsalOptions {
    /// 200 at once, a minute of drain, no transcripts, the scenario's seed.
    fn default() -> Self {
        RehearsalOptions {
            concurrency: 200,
            drain: Duration::from_secs(60),
            transcripts: 0,
            seed: None,
        }
    }
}

/// Plays `scenario`'s customers against the bot behind `stand_in`, until the
/// scenario's arrivals are over and the conversations have drained, or
/// `stop` resolves (Ctrl-C or SIGTERM). Customers run at the speed of the stand-in's
/// clock ([`LiveConfig::clock`](super::LiveConfig::clock)), which also
/// closes 24-hour windows in customer time. Fails only when the bot fails the webhook
/// verification; everything else the bot does wrong is counted in the
/// report's `live:` block (see [`Live::bot_failed`] and `partial`).
pub async fn rehearse(
    scenario: Arc<Scenario>,
    mut stand_in: LiveHandle,
    options: &RehearsalOptions,
    stop: impl Future<Output = ()>,
) -> Result<Report, WebhookError> {
    let verified = stand_in.webhooks().verify().await;
    if let Err(error) = verified {
        let _ = stand_in.shutdown().await;
        return Err(error);
    }
    let seed = options.seed.unwrap_or(scenario.seed);
    let speed = stand_in.clock().speed();
    let setting = Arc::new(Setting {
        scenario: Arc::clone(&scenario),
        seed,
        webhooks: stand_in.webhooks().clone(),
        speed,
    });
    let mut run = Run {
        scenario: &scenario,
        setting,
        options,
        started: Instant::now(),
        routes: HashMap::new(),
        running: JoinSet::new(),
        finished: Vec::new(),
        customers: Customers::default(),
        counted_started: 0,
        late: 0,
    };
    let stopped = run.drive(&mut stand_in, stop).await;
    let Run {
        mut finished,
        mut customers,
        late,
        ..
    } = run;
    // Receipts still on their way get a moment, within the drain's bound.
    let receipts_deadline = Instant::now() + options.drain.min(Duration::from_secs(5));
    for finished in &mut finished {
        let _ = tokio::time::timeout_at(receipts_deadline.into(), &mut finished.receipts).await;
    }
    let counters = stand_in.counters();
    let bot_url = stand_in.webhooks().url().to_owned();
    let _ = stand_in.shutdown().await;

    let outcome = Outcomes::of(&scenario, seed, finished, options.transcripts);
    customers.lost = outcome.lost;
    customers.counted = outcome.tallies.conversations();
    customers.cut_off += outcome.cut_off;
    let live = Live {
        bot: bot_url,
        speed,
        concurrency: u32::try_from(options.concurrency).unwrap_or(u32::MAX),
        stopped,
        partial: stopped == Stopped::Interrupted || customers.lost > 0 || customers.cut_off > 0,
        customers,
        abandoned: outcome.abandoned,
        bot_calls: BotCalls {
            messages: counters.accepted,
            marked_read: counters.marked_read,
            malformed: counters.malformed_requests,
            late,
        },
        errors: counters.errors,
        webhooks: Webhooks {
            delivered: counters.webhooks_delivered,
            retries: counters.webhook_retries,
            failed: counters.webhooks_failed,
            timeouts: counters.bot_timeouts,
            oversized: counters.oversized_answers,
        },
    };
    let mut report = Report::live(&scenario, seed, &outcome.tallies, live);
    report.transcripts = outcome.transcripts;
    Ok(report)
}

/// The running part of a rehearsal.
struct Run<'a> {
    scenario: &'a Scenario,
    setting: Arc<Setting>,
    options: &'a RehearsalOptions,
    started: Instant,
    /// Each talking customer's inbox, by phone number.
    routes: HashMap<String, mpsc::UnboundedSender<BotEvent>>,
    running: JoinSet<Finished>,
    finished: Vec<Finished>,
    customers: Customers,
    /// Counted customers who started (for the cut-off count).
    counted_started: u64,
    /// Bot messages for customers no longer talking to it.
    late: u64,
}

impl Run<'_> {
    /// The wall time of customer time `at`.
    fn wall(&self, at: SimTime) -> Instant {
        self.started + Duration::from_secs_f64(at.0 as f64 / 1000.0 / self.setting.speed)
    }

    /// Customer time now.
    fn now(&self) -> SimTime {
        let elapsed = self.started.elapsed().as_secs_f64() * self.setting.speed;
        SimTime((elapsed * 1000.0) as u64)
    }

    async fn drive(
        &mut self,
        stand_in: &mut LiveHandle,
        stop: impl Future<Output = ()>,
    ) -> Stopped {
        let scenario = self.scenario;
        let counting_from = SimTime::ZERO + scenario.warm_up;
        let arrivals_end = counting_from + scenario.duration;
        let mut arrivals = ArrivalClock::new(scenario, self.setting.seed, 0);
        let mut next = arrivals.next(SimTime::ZERO).filter(|at| *at < arrivals_end);
        let drain_until = self.wall(arrivals_end) + self.options.drain;
        let concurrency = self.options.concurrency.max(1);
        let mut index = 0u64;
        let mut waiting_for_place = false;
        tokio::pin!(stop);
        loop {
            if next.is_none() && self.running.is_empty() {
                return Stopped::Finished;
            }
            let full = self.running.len() >= concurrency;
            let due = next.map(|at| self.wall(at));
            tokio::select! {
                biased;
                () = &mut stop => {
                    self.cut_off().await;
                    return Stopped::Interrupted;
                }
                Some(event) = stand_in.events().recv() => self.route(event),
                Some(joined) = self.running.join_next(), if !self.running.is_empty() => {
                    if let Ok(finished) = joined {
                        self.routes.remove(&finished.wa_id);
                        self.finished.push(finished);
                    }
                }
                () = sleep_until(due), if !full => {
                    let Some(scheduled) = next else { continue };
                    // A customer who waited for a place starts now.
                    let at = if waiting_for_place { scheduled.max(self.now()) } else { scheduled };
                    if waiting_for_place {
                        self.customers.delayed += 1;
                        waiting_for_place = false;
                    }
                    self.start(index, at, at >= counting_from);
                    index += 1;
                    next = arrivals.next(scheduled).filter(|at| *at < arrivals_end);
                }
                () = sleep_until(due), if full && !waiting_for_place => {
                    waiting_for_place = true;
                }
                () = tokio::time::sleep_until(drain_until.into()), if next.is_none() => {
                    self.cut_off().await;
                    return Stopped::Finished;
                }
            }
        }
    }

    /// Customer `index` arrives at `at`.
    fn start(&mut self, index: u64, at: SimTime, counted: bool) {
        self.customers.started += 1;
        if !counted {
            self.customers.warm_up += 1;
        } else {
            self.counted_started += 1;
        }
        let who = conversation::identity(index);
        let (inbox_in, inbox) = mpsc::unbounded_channel();
        self.routes.insert(who.wa_id.clone(), inbox_in);
        let visit = Visit {
            index,
            arrival: at,
            counted,
            transcript: counted && self.counted_started <= self.options.transcripts as u64,
            who,
        };
        self.running.spawn(conversation::converse(
            Arc::clone(&self.setting),
            visit,
            inbox,
        ));
    }

    /// Gives an event to the customer it is for; a bot message for nobody
    /// talking to the bot any more is late.
    fn route(&mut self, event: BotEvent) {
        let delivered = match self.routes.get(event.customer()) {
            Some(inbox) => {
                let is_message = matches!(event, BotEvent::Message(_));
                inbox.send(event).is_ok() || !is_message
            }
            None => !matches!(event, BotEvent::Message(_)),
        };
        if !delivered {
            self.late += 1;
        }
    }

    /// Stops every conversation still going; those that finish meanwhile
    /// are kept.
    async fn cut_off(&mut self) {
        self.running.abort_all();
        while let Some(joined) = self.running.join_next().await {
            if let Ok(finished) = joined {
                self.finished.push(finished);
            }
        }
        let counted_finished = self.finished.iter().filter(|f| f.counted).count() as u64;
        self.customers.cut_off = self.counted_started.saturating_sub(counted_finished);
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}

/// What the finished conversations add up to, once the handed-off
/// customers have been through the agent queues.
struct Outcomes {
    tallies: Tallies,
    lost: u64,
    /// Conversations that reported being cut off themselves.
    cut_off: u64,
    abandoned: indexmap::IndexMap<&'static str, u64>,
    transcripts: Vec<Transcript>,
}

impl Outcomes {
    fn of(
        scenario: &Scenario,
        seed: u64,
        mut finished: Vec<Finished>,
        transcripts: usize,
    ) -> Outcomes {
        finished.sort_by_key(|finished| finished.index);
        let mut tallies = Tallies::new(0, scenario.personas.len(), scenario.pools.len(), 0);
        let mut handoffs = Vec::new();
        let mut endings: HashMap<u64, (Outcome, SimTime, Option<Reason>)> = HashMap::new();
        let (mut lost, mut cut_off) = (0, 0);
        for conversation in &finished {
            let index = conversation.index;
            let progress = &conversation.progress;
            let counted = conversation.counted;
            let (outcome, at, reason) = match conversation.ending {
                Ok(Ending::Ended { outcome, at }) => (outcome, at, None),
                Ok(Ending::Left { at, reason, .. }) => (Outcome::AbandonedInBot, at, Some(reason)),
                Ok(Ending::HandedOff { at, .. }) => {
                    if let Some(pool) = scenario.live.handoff_pool {
                        handoffs.push(HandedOff {
                            index,
                            pool,
                            progress: *progress,
                            at,
                            counted,
                        });
                    }
                    continue;
                }
                Err(Broken::Lost) => {
                    lost += u64::from(counted);
                    continue;
                }
                Err(Broken::CutOff) => {
                    cut_off += u64::from(counted);
                    continue;
                }
            };
            if counted {
                tallies.end(ending(progress, outcome, reason, 0, at));
                endings.insert(index, (outcome, at, reason));
            }
        }
        for conversation in finished.iter().filter(|f| f.counted) {
            if conversation.ending.is_err() {
                continue;
            }
            for response in &conversation.responses {
                tallies.bot_response.record(*response);
            }
        }
        let (tallies, ended_in_queue) = serve_handoffs(scenario, seed, handoffs, tallies);
        for ended in ended_in_queue {
            endings.insert(ended.index, (ended.outcome, ended.at, ended.reason));
        }
        let mut abandoned = indexmap::IndexMap::new();
        for reason in Reason::ALL {
            let n = endings
                .values()
                .filter(|(_, _, why)| *why == Some(reason))
                .count() as u64;
            if n > 0 {
                abandoned.insert(reason.key(), n);
            }
        }
        let mut written = Vec::new();
        for (number, conversation) in finished.into_iter().filter(|f| f.counted).enumerate() {
            let (Some(lines), Some((outcome, at, reason))) =
                (conversation.lines, endings.get(&conversation.index))
            else {
                continue;
            };
            if written.len() >= transcripts {
                break;
            }
            written.push(Transcript {
                persona: scenario
                    .personas
                    .get(conversation.progress.persona)
                    .name
                    .clone(),
                goal: conversation.goal,
                replication: 0,
                conversation: number as u64,
                lines,
                outcome: *outcome,
                node: String::new(),
                reason: *reason,
                ended: at.since(conversation.progress.started).as_secs_f64(),
            });
        }
        Outcomes {
            tallies,
            lost,
            cut_off,
            abandoned,
            transcripts: written,
        }
    }
}
