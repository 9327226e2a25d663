//! The report's `live:` block: what happened between rehearse and a running
//! bot in `rehearse live` — who was counted and who was lost, what the
//! stand-in refused (by WhatsApp error code), and how the webhooks fared.
//! Absent from `run`'s reports.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Serialize;

use super::table::thousands;

/// `rehearse live`'s own numbers. Counts are exact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Live {
    /// The bot's webhook URL.
    pub bot: String,
    /// Customer time per wall-clock second: customers read, think and type
    /// this much faster than real. The bot's latency is real time.
    pub speed: f64,
    /// The most customers talking to the bot at once (`--concurrency`).
    pub concurrency: u32,
    /// How the run ended.
    pub stopped: Stopped,
    /// Whether some conversations are missing from the outcomes: the run
    /// was interrupted, the bot failed to take a customer's message, or
    /// conversations were still going when the run stopped.
    pub partial: bool,
    /// Customers, by what became of them.
    pub customers: Customers,
    /// Counted customers who left unserved, by reason (as in a funnel's
    /// `reasons`), in the bot and in the queue.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub abandoned: IndexMap<&'static str, u64>,
    /// What the bot asked the stand-in to do.
    pub bot_calls: BotCalls,
    /// Errors the bot was given, by WhatsApp error code: calls the stand-in
    /// refused (131009 four buttons, 100 bad JSON, ...) and accepted messages
    /// that failed afterwards (131047 outside the 24-hour window, 131026
    /// not a customer).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<u32, u64>,
    /// How the webhooks to the bot fared.
    pub webhooks: Webhooks,
}

/// How a live run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stopped {
    /// Arrivals ran the scenario's `duration` and the conversations drained.
    Finished,
    /// Stopped early by the user (Ctrl-C).
    Interrupted,
}

/// Customers of a live run. `counted + lost + cut_off` is every customer
/// who arrived after the warm-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Customers {
    /// Customers who wrote to the bot, warm-up included.
    pub started: u64,
    /// Those in the report's outcomes.
    pub counted: u64,
    /// Those who arrived during the warm-up (they load the queues, uncounted).
    pub warm_up: u64,
    /// Counted customers whose message the bot never took (the webhook
    /// failed for good): not in the outcomes.
    pub lost: u64,
    /// Counted customers still talking when the run stopped: not in the
    /// outcomes.
    pub cut_off: u64,
    /// Arrivals that waited for a free place (`--concurrency`).
    pub delayed: u64,
}

/// The bot's calls to the stand-in's `/messages`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct BotCalls {
    /// Messages accepted (including those that failed afterwards).
    pub messages: u64,
    /// Mark-as-read calls.
    pub marked_read: u64,
    /// Calls whose body was not a message object (also under code 100).
    pub malformed: u64,
    /// Accepted messages for a customer who had already left or whose
    /// conversation had ended.
    pub late: u64,
}

/// Webhooks from the stand-in to the bot (messages and statuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Webhooks {
    /// Taken by the bot (answered 2xx).
    pub delivered: u64,
    /// POSTs repeated after a 5xx, a timeout or a refused connection.
    pub retries: u64,
    /// Given up on after the last retry, or refused with a 4xx.
    pub failed: u64,
    /// POSTs the bot did not answer in time.
    pub timeouts: u64,
    /// Answers over the size cap (4 KiB), read no further: a bot fault,
    /// also counted under `failed`. Absent when zero.
    #[serde(skip_serializing_if = "is_zero")]
    pub oversized: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Live {
    /// Whether the bot failed: it refused or never took a webhook, so some
    /// customer or status never reached it, or it took none at all (a run
    /// that rehearsed nothing must not pass).
    pub fn bot_failed(&self) -> bool {
        self.webhooks.failed > 0 || self.customers.lost > 0 || self.webhooks.delivered == 0
    }

    /// The block as lines for people (text and markdown): a label and what
    /// it says.
    pub(crate) fn lines(&self) -> Vec<(&'static str, String)> {
        let join = |parts: Vec<String>| parts.join(" · ");
        let c = &self.customers;
        let mut customers = vec![
            format!("{} started", thousands(c.started)),
            format!("{} counted", thousands(c.counted)),
        ];
        for (n, what) in [
            (c.warm_up, "warm-up"),
            (c.lost, "lost to bot failures"),
            (c.cut_off, "cut off"),
            (c.delayed, "waited for a free place"),
        ] {
            if n > 0 {
                customers.push(format!("{} {what}", thousands(n)));
            }
        }
        let w = &self.webhooks;
        let b = &self.bot_calls;
        let mut lines = vec![
            (
                "bot",
                format!(
                    "{} at {}× customer time, up to {} customers at once",
                    self.bot,
                    trim_float(self.speed),
                    thousands(u64::from(self.concurrency))
                ),
            ),
            ("customers", join(customers)),
            (
                "webhooks",
                join(
                    vec![
                        format!("{} delivered", thousands(w.delivered)),
                        format!("{} retried", thousands(w.retries)),
                        format!("{} failed", thousands(w.failed)),
                        format!("{} timed out", thousands(w.timeouts)),
                    ]
                    .into_iter()
                    .chain(
                        (w.oversized > 0)
                            .then(|| format!("{} over the size cap", thousands(w.oversized))),
                    )
                    .collect(),
                ),
            ),
            (
                "bot calls",
                join(vec![
                    format!("{} messages", thousands(b.messages)),
                    format!("{} marked read", thousands(b.marked_read)),
                    format!("{} malformed", thousands(b.malformed)),
                    format!("{} after the customer left", thousands(b.late)),
                ]),
            ),
        ];
        if !self.errors.is_empty() {
            lines.push((
                "API errors",
                join(
                    self.errors
                        .iter()
                        .map(|(code, n)| format!("{code} ×{}", thousands(*n)))
                        .collect(),
                ),
            ));
        }
        if !self.abandoned.is_empty() {
            lines.push((
                "abandoned",
                join(
                    self.abandoned
                        .iter()
                        .map(|(reason, n)| {
                            let phrase = crate::metric::Reason::ALL
                                .into_iter()
                                .find(|r| r.key() == *reason)
                                .map_or(*reason, |r| r.phrase());
                            format!("{phrase} {}", thousands(*n))
                        })
                        .collect(),
                ),
            ));
        }
        lines
    }

    /// One sentence on what is missing from a partial report; `None` for a
    /// complete one.
    pub(crate) fn partial_note(&self) -> Option<String> {
        if !self.partial {
            return None;
        }
        let mut why = Vec::new();
        if self.stopped == Stopped::Interrupted {
            why.push("the run was interrupted".to_string());
        }
        if self.customers.lost > 0 {
            why.push(format!(
                "the bot never took the message of {} customers",
                thousands(self.customers.lost)
            ));
        }
        if self.customers.cut_off > 0 {
            why.push(format!(
                "{} conversations were still going when it stopped",
                thousands(self.customers.cut_off)
            ));
        }
        Some(format!(
            "partial report: {}; they are not in the outcomes",
            why.join(", ")
        ))
    }
}

/// `60`, `1.5`: a float without trailing zeros.
fn trim_float(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
