//! Counts for the report's `live:` block: what went wrong between the bot
//! and the stand-in, by kind.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use super::api::ErrorCode;

/// A snapshot of the stand-in's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LiveCounters {
    /// Bot messages accepted (including those that failed afterwards).
    pub accepted: u64,
    /// Mark-as-read calls answered `{"success": true}`.
    pub marked_read: u64,
    /// Every error the bot was given, by code: refused calls (answered with
    /// an error) and accepted messages that failed afterwards (131047,
    /// 131026 in a `failed` status).
    pub errors: BTreeMap<u32, u64>,
    /// Calls whose body was not JSON of the expected shape (also counted
    /// under code 100 in `errors`).
    pub malformed_requests: u64,
    /// Webhooks the bot took (answered 2xx).
    pub webhooks_delivered: u64,
    /// Webhook POSTs repeated after a 5xx, a timeout or a refused connection.
    pub webhook_retries: u64,
    /// Webhooks given up on after the last retry, or refused with a 4xx.
    pub webhooks_failed: u64,
    /// Webhook POSTs the bot did not answer in time.
    pub bot_timeouts: u64,
    /// Answers of the bot (the handshake, webhooks) over the size cap.
    pub oversized_answers: u64,
}

/// The live counts, updated from many tasks.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    accepted: AtomicU64,
    marked_read: AtomicU64,
    errors: Mutex<BTreeMap<u32, u64>>,
    malformed_requests: AtomicU64,
    webhooks_delivered: AtomicU64,
    webhook_retries: AtomicU64,
    webhooks_failed: AtomicU64,
    bot_timeouts: AtomicU64,
    oversized_answers: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    pub(crate) fn accepted(&self) {
        bump(&self.accepted);
    }
    pub(crate) fn marked_read(&self) {
        bump(&self.marked_read);
    }
    pub(crate) fn error(&self, code: ErrorCode) {
        let mut errors = self
            .errors
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *errors.entry(code.code()).or_default() += 1;
    }
    pub(crate) fn malformed(&self) {
        bump(&self.malformed_requests);
    }
    pub(crate) fn webhook_delivered(&self) {
        bump(&self.webhooks_delivered);
    }
    pub(crate) fn webhook_retry(&self) {
        bump(&self.webhook_retries);
    }
    pub(crate) fn webhook_failed(&self) {
        bump(&self.webhooks_failed);
    }
    pub(crate) fn bot_timeout(&self) {
        bump(&self.bot_timeouts);
    }

    pub(crate) fn oversized_answer(&self) {
        bump(&self.oversized_answers);
    }

    pub(crate) fn snapshot(&self) -> LiveCounters {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        LiveCounters {
            accepted: load(&self.accepted),
            marked_read: load(&self.marked_read),
            errors: self
                .errors
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
            malformed_requests: load(&self.malformed_requests),
            webhooks_delivered: load(&self.webhooks_delivered),
            webhook_retries: load(&self.webhook_retries),
            webhooks_failed: load(&self.webhooks_failed),
            bot_timeouts: load(&self.bot_timeouts),
            oversized_answers: load(&self.oversized_answers),
        }
    }
}
