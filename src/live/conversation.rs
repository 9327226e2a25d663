//! One simulated customer talking to the real bot, through the stand-in.
//!
//! The customer is the simulation's: drawn by [`Customer::draw`] from the
//! same random stream `run` gives customer `index` of replication 0, and
//! played by the simulation's [`CustomerSide`], which holds every rule of
//! the customer's side (the turn limit, misunderstandings, patience,
//! surveys, endings). Only the bot and the clock differ: its messages
//! arrive by HTTP, in real time. This module translates what is on screen
//! and drives the wall clock.
//!
//! Time: the conversation keeps customer time, as the simulation does.
//! The customer's reading, thinking and typing take their simulated time,
//! slept divided by the speed; the bot's latency is real and counts as
//! itself (a bot that takes 800 ms keeps the customer waiting 800 ms,
//! whatever the speed). So a customer's patience is measured against the
//! bot in real time.
//!
//! A bot turn ends when buttons or a list arrive (the customer must act), or
//! when a text message has stood alone for the scenario's `live.quiet` (real
//! time): bots send several messages in a row, and the customer answers the
//! last. A reply the bot answers with a `fallback_when` phrase is one it did
//! not understand. The conversation leaves the bot when a message shows a
//! `done_when` phrase of the customer's goal (resolved) or a `handoff_when`
//! phrase (the agent queue), or when the customer's side ends it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::event::{BotEvent, Shown};
use super::screen::{OnScreen, Seen};
use super::webhook::{CustomerMessage, Receipt, WebhookSender};
use crate::conversation::customer::Customer;
use crate::conversation::customer_side::{CustomerSide, Move, TurnOver};
use crate::conversation::{Ending, Progress};
use crate::metric::Reason;
use crate::model::media::Media;
use crate::model::scenario::Scenario;
use crate::model::script::ScriptCounts;
use crate::model::{Millis, SimTime};
use crate::random::{Purpose, stream};
use crate::report::transcript::{Line, Speaker};

/// A bot that sends more than this many messages without waiting for the
/// customer is flooding them: the customer acts on what is on screen, and
/// the screen stays bounded.
pub(crate) const MAX_MESSAGES_PER_TURN: usize = 100;

/// What every conversation of a run shares.
pub(crate) struct Setting {
    pub scenario: Arc<Scenario>,
    pub seed: u64,
    pub webhooks: WebhookSender,
    /// Customer time per wall second.
    pub speed: f64,
}

/// One customer's arrival.
pub(crate) struct Visit {
    /// Their number in the run, from 0 (warm-up included): their random
    /// streams are those of customer `index` of replication 0 in `run`.
    pub index: u64,
    /// When they write first, in customer time.
    pub arrival: SimTime,
    /// Whether they are counted (arrived after the warm-up).
    pub counted: bool,
    /// Whether to write down what was said.
    pub transcript: bool,
    pub who: super::Customer,
}

/// Why a live conversation never reached an [`Ending`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Broken {
    /// The bot never took the customer's message (its webhook failed for good).
    Lost,
    /// The run stopped under it.
    CutOff,
}

/// A conversation that left the bot.
pub(crate) struct Finished {
    pub index: u64,
    pub counted: bool,
    pub wa_id: String,
    pub progress: Progress,
    /// How it left the bot: a live bot names no agent queue.
    pub ending: Result<Ending<()>, Broken>,
    /// The bot's response times (real), one per customer message answered.
    pub responses: Vec<Millis>,
    /// What the customer wanted, for a transcript.
    pub goal: String,
    pub lines: Option<Vec<Line>>,
    /// Sends the remaining read receipts; done when they are sent.
    pub receipts: JoinHandle<()>,
}

/// Who customer `index` is, as WhatsApp identifies them. A few profile
/// names are not ASCII, so every run exercises the bot's signature check on
/// escaped text.
pub(crate) fn identity(index: u64) -> super::Customer {
    const NAMES: [&str; 8] = [
        "Ana",
        "ليلى 🌙",
        "Jürgen",
        "Chen Wei 陈伟",
        "Priya",
        "Olu",
        "Zoë",
        "Mateo",
    ];
    let name = NAMES[(index % NAMES.len() as u64) as usize];
    super::Customer::new(
        (15_550_000_000u64 + index).to_string(),
        format!("US.{}", 1_000_000_000_000_000u64 + index),
        format!("{name} {}", index + 1),
    )
}

/// Sends `sent`, `delivered` and `read` statuses for the bot's messages in
/// order, from a task of their own so the customer never waits on them.
struct Receipts {
    queue: mpsc::UnboundedSender<(String, Receipt)>,
    unread: Vec<String>,
}

impl Receipts {
    fn start(webhooks: WebhookSender) -> (Receipts, JoinHandle<()>) {
        let (queue, mut jobs) = mpsc::unbounded_channel::<(String, Receipt)>();
        let task = tokio::spawn(async move {
            while let Some((message_id, receipt)) = jobs.recv().await {
                // A failure is counted by the webhook sender.
                let _ = webhooks.send_status(&message_id, receipt).await;
            }
        });
        (
            Receipts {
                queue,
                unread: Vec::new(),
            },
            task,
        )
    }

    /// A bot message reached the phone.
    fn arrived(&mut self, message_id: &str) {
        for receipt in [Receipt::Sent, Receipt::Delivered] {
            let _ = self.queue.send((message_id.to_owned(), receipt));
        }
        self.unread.push(message_id.to_owned());
    }

    /// The customer read everything on screen.
    fn read_all(&mut self) {
        for message_id in self.unread.drain(..) {
            let _ = self.queue.send((message_id, Receipt::Read));
        }
    }
}

/// Plays one customer's conversation with the bot until it leaves the bot.
/// `inbox` carries the stand-in's events for this customer.
pub(crate) async fn converse(
    setting: Arc<Setting>,
    visit: Visit,
    inbox: mpsc::UnboundedReceiver<BotEvent>,
) -> Finished {
    let scenario = Arc::clone(&setting.scenario);
    let customer = Customer::draw(
        &scenario.personas,
        stream(setting.seed, 0, visit.index, Purpose::Customer),
    );
    let (receipts, receipts_task) = Receipts::start(setting.webhooks.clone());
    let mut talk = Talk {
        setting: &setting,
        scenario: &scenario,
        who: &visit.who,
        side: CustomerSide::new(customer, scenario.max_turns, visit.arrival),
        responses: Vec::new(),
        lines: visit.transcript.then(Vec::new),
        receipts,
        inbox,
    };
    let ending = talk.run(visit.arrival).await;
    let goal = talk.side.customer().goal.want.clone();
    Finished {
        index: visit.index,
        counted: visit.counted,
        wa_id: visit.who.wa_id.clone(),
        progress: talk.side.progress(),
        ending,
        responses: talk.responses,
        goal,
        lines: talk.lines,
        receipts: receipts_task,
    }
}

struct Talk<'a, 's> {
    setting: &'a Setting,
    scenario: &'s Scenario,
    who: &'a super::Customer,
    side: CustomerSide<'s>,
    responses: Vec<Millis>,
    lines: Option<Vec<Line>>,
    receipts: Receipts,
    inbox: mpsc::UnboundedReceiver<BotEvent>,
}

/// The customer's message is on its way.
struct Sent {
    /// Customer time it was sent.
    at: SimTime,
    /// Wall time it was sent.
    wall: Instant,
}

impl Sent {
    /// The customer time of something that happened at wall time `wall`
    /// while the customer waited for the bot: the bot's time is real.
    fn customer_time(&self, wall: Instant) -> SimTime {
        self.at + Millis(wall.saturating_duration_since(self.wall).as_millis() as u64)
    }
}

impl<'s> Talk<'_, 's> {
    fn line(
        &mut self,
        at: SimTime,
        speaker: Speaker,
        text: String,
        options: Vec<String>,
        tapped: bool,
    ) {
        let started = self.side.progress().started;
        if let Some(lines) = &mut self.lines {
            lines.push(Line {
                at: at.since(started).as_secs_f64(),
                speaker,
                text,
                options,
                tapped,
                understood_as: None,
            });
        }
    }

    /// Tells the customer's side how the bot took their last message, and
    /// marks it in the transcript if the bot did not understand it.
    fn heard(&mut self, understood: bool) {
        self.side.heard_as_given(understood);
        if !understood {
            self.mark_last_reply("not understood");
        }
    }

    /// Notes in the transcript how the bot took the customer's last message.
    fn mark_last_reply(&mut self, how: &str) {
        if let Some(line) = self.lines.as_mut().and_then(|lines| {
            lines
                .iter_mut()
                .rev()
                .find(|line| line.speaker == Speaker::Customer)
        }) {
            line.understood_as = Some(how.to_owned());
        }
    }

    /// Whether a message takes the conversation out of the bot: the
    /// customer's goal is met, or a person takes over.
    fn leaves_bot(&self, seen: &Seen) -> Option<Ending<()>> {
        let words = seen.words();
        self.side.reads(&words, seen.at).or_else(|| {
            self.scenario
                .live
                .handoff_when
                .find(&words)
                .map(|_| Ending::HandedOff {
                    queue: (),
                    at: seen.at,
                })
        })
    }

    async fn run(&mut self, arrival: SimTime) -> Result<Ending<()>, Broken> {
        let scenario = self.scenario;
        let live = &scenario.live;
        let quiet = Duration::from_millis(live.quiet.0);
        let opening = self.side.opening().to_owned();
        let mut message = CustomerMessage::Text(opening.clone());
        self.line(arrival, Speaker::Customer, opening, Vec::new(), false);
        let mut sent_at = arrival;
        let mut answering_reply = false;
        // The last screen, for a reaction the bot takes no notice of: the
        // customer acts on it again.
        let mut previous: Vec<Seen> = Vec::new();
        loop {
            let reacted = matches!(
                message,
                CustomerMessage::Media {
                    media: Media::Reaction { .. },
                    ..
                }
            );
            // The customer's message goes out; the bot may answer before its
            // webhook is answered, so the delivery runs beside the wait.
            let webhooks = self.setting.webhooks.clone();
            let who = self.who.clone();
            let mut delivery =
                tokio::spawn(async move { webhooks.send_message(&who, message).await });
            let sent = Sent {
                at: sent_at,
                wall: Instant::now(),
            };
            // The bot's latency is real: the customer gives up on a silent
            // bot after their patience in wall time, whatever the speed.
            let gives_up = self.side.gives_up_at(sent.at);
            let gives_up_wall =
                gives_up.map(|at| sent.wall + Duration::from_millis(at.since(sent.at).0));
            let mut delivered = false;
            let mut seen: Vec<Seen> = Vec::new();
            let mut fallback = false;
            let mut ignored = false;
            // Wait for the bot's turn to be over.
            loop {
                let deadline = match seen.last() {
                    Some(last) if last.is_choice() || seen.len() >= MAX_MESSAGES_PER_TURN => break,
                    Some(last) => Some(last.received.max(sent.wall) + quiet),
                    // Bots commonly take no notice of a reaction: one that
                    // stays quiet after it ignored it.
                    None if reacted => Some(sent.wall + quiet),
                    None => gives_up_wall,
                };
                tokio::select! {
                    event = self.inbox.recv() => {
                        let Some(event) = event else {
                            return Err(Broken::CutOff);
                        };
                        let BotEvent::Message(message) = event else {
                            // Mark-as-read and messages that will never
                            // arrive change nothing on screen.
                            continue;
                        };
                        let stale = message.received < sent.wall;
                        let at = sent.customer_time(message.received);
                        let shown = Seen::new(message, at);
                        self.receipts.arrived(&shown.message_id);
                        self.line(
                            at,
                            Speaker::Bot,
                            shown_text(&shown.shown),
                            shown.option_titles(),
                            false,
                        );
                        if answering_reply && live.fallback_when.find(&shown.words()).is_some() {
                            fallback = true;
                        }
                        if let Some(ending) = self.leaves_bot(&shown) {
                            if fallback {
                                self.heard(false);
                            }
                            self.receipts.read_all();
                            return Ok(ending);
                        }
                        // Arrived while the customer was writing: part of
                        // the bot's previous turn, not an answer to this.
                        if stale {
                            continue;
                        }
                        if seen.is_empty() {
                            let waited = Millis(
                                shown.received.saturating_duration_since(sent.wall).as_millis()
                                    as u64,
                            );
                            self.responses.push(waited);
                            self.side.bot_answered_after(waited);
                        }
                        seen.push(shown);
                    }
                    result = &mut delivery, if !delivered => {
                        delivered = true;
                        let taken = matches!(result, Ok(Ok(_)));
                        if !taken && seen.is_empty() {
                            return Err(Broken::Lost);
                        }
                    }
                    () = sleep_until(deadline) => {
                        if seen.is_empty() && reacted {
                            ignored = true;
                            break;
                        }
                        match (seen.is_empty(), gives_up) {
                            (true, Some(at)) => {
                                return Ok(self.side.gave_up_waiting(at, sent.at));
                            }
                            (true, None) => {}
                            (false, _) => break,
                        }
                    }
                }
            }
            if ignored {
                // The same screen as before the reaction, nothing new on it.
                seen = std::mem::take(&mut previous);
                self.mark_last_reply("ignored");
            }
            let Some(last) = seen.last() else {
                // The wait above ends only with something on screen.
                return Err(Broken::CutOff);
            };
            let (first_at, last_at, last_wall) = match ignored {
                false => (Some(seen[0].at), last.at, last.received),
                true => (None, sent.at, sent.wall),
            };
            if answering_reply && !ignored {
                self.heard(!fallback);
            }
            let mut on_screen = OnScreen::new(&seen, &scenario.flow);
            if ignored {
                on_screen.unread_words = ScriptCounts::NONE;
            }
            let turn = TurnOver {
                prompt: on_screen.prompt(),
                unread_words: on_screen.unread_words,
                first_message_at: first_at,
                last_message_at: last_at,
            };
            let (at, reply) = match self.side.turn_over(turn) {
                Move::Stops(ending) => {
                    // A customer who dropped off never read the last messages.
                    if !matches!(
                        ending,
                        Ending::Left {
                            reason: Reason::Dropped,
                            ..
                        }
                    ) {
                        self.receipts.read_all();
                    }
                    return Ok(ending);
                }
                Move::Sends { at, reply } => (at, reply),
            };
            let (next, text, tapped) = on_screen.message(&reply);
            // Reading, thinking and typing, at the run's speed.
            let delay = at.since(last_at);
            let due = last_wall + Duration::from_secs_f64(delay.as_secs_f64() / self.setting.speed);
            tokio::time::sleep_until(due.into()).await;
            self.receipts.read_all();
            sent_at = at;
            answering_reply = true;
            self.line(sent_at, Speaker::Customer, text, Vec::new(), tapped);
            message = next;
            previous = seen;
        }
    }
}

/// Sleeps until `deadline`; never returns without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}

/// What a transcript shows of a bot message.
fn shown_text(shown: &Shown) -> String {
    match shown {
        Shown::Media { kind, caption } => match caption {
            Some(caption) => format!("[{kind}] {caption}"),
            None => format!("[{kind}]"),
        },
        Shown::Template { name, body, .. } => {
            body.clone().unwrap_or_else(|| format!("[template {name}]"))
        }
        Shown::Other { kind } => format!("[{kind}]"),
        shown => shown.text().unwrap_or_default().to_owned(),
    }
}
