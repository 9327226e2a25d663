//! What the stand-in and the webhook sender share: who the customers are,
//! when each last wrote (the 24-hour window), which message ids belong to
//! whom, the counters and the event channel.
//!
//! One mutex guards the bookkeeping; it is held only for map lookups and
//! inserts, never across an `.await`. The maps grow with the messages of a
//! rehearsal, which is bounded by its number of conversations.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::counters::Counters;
use super::event::BotEvent;
use super::{Business, Clock, Customer, Template, limits};

pub(crate) struct Shared {
    pub business: Business,
    pub access_token: Option<String>,
    pub templates: Option<Vec<Template>>,
    pub clock: Clock,
    pub counters: Counters,
    /// How long after accepting a doomed message its `failed` status goes out.
    pub failure_delay: Duration,
    events: mpsc::UnboundedSender<BotEvent>,
    /// Flips to true on shutdown, so background webhooks stop.
    closing: watch::Sender<bool>,
    book: Mutex<Book>,
    /// Distinguishes message ids of two runs against the same bot.
    run_tag: u64,
    next_id: AtomicU64,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("business", &self.business)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Book {
    /// By `wa_id`.
    customers: HashMap<String, Customer>,
    /// `user_id` -> `wa_id`.
    by_user_id: HashMap<String, String>,
    /// `wa_id` -> customer time of their last message.
    last_wrote: HashMap<String, Duration>,
    /// Customer message id -> `wa_id` (for mark-as-read).
    customer_messages: HashMap<String, String>,
    /// Bot message id -> recipient `wa_id` (for statuses).
    bot_messages: HashMap<String, String>,
}

impl Shared {
    pub(crate) fn new(
        business: Business,
        access_token: Option<String>,
        templates: Option<Vec<Template>>,
        clock: Clock,
        failure_delay: Duration,
        events: mpsc::UnboundedSender<BotEvent>,
    ) -> Shared {
        let run_tag = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos() as u64);
        Shared {
            business,
            access_token,
            templates,
            clock,
            counters: Counters::default(),
            failure_delay,
            events,
            closing: watch::Sender::new(false),
            book: Mutex::new(Book::default()),
            run_tag,
            next_id: AtomicU64::new(1),
        }
    }

    fn book(&self) -> MutexGuard<'_, Book> {
        // Nothing panics while holding the lock; if something ever did, the
        // maps are still consistent (each update is one insert).
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Tells the caller; a caller that stopped listening is not an error
    /// for the bot, so a closed channel is ignored.
    pub(crate) fn emit(&self, event: BotEvent) {
        let _ = self.events.send(event);
    }

    pub(crate) fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves when [`Shared::close`] was called.
    pub(crate) async fn closed(&self) {
        let mut closing = self.closing.subscribe();
        // Err only if the sender is gone, which it is not while `self` lives.
        let _ = closing.wait_for(|closing| *closing).await;
    }

    /// A new `wamid.…` id, unique within the run.
    pub(crate) fn new_message_id(&self) -> String {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        format!("wamid.HBgL{:016X}{n:010X}", self.run_tag)
    }

    /// A new `fbtrace_id` for an error answer.
    pub(crate) fn new_trace_id(&self) -> String {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        format!("ARehearse{n:012}")
    }

    pub(crate) fn add_customer(&self, customer: Customer) {
        let mut book = self.book();
        book.by_user_id
            .insert(customer.user_id.clone(), customer.wa_id.clone());
        book.customers.insert(customer.wa_id.clone(), customer);
    }

    pub(crate) fn customer(&self, wa_id: &str) -> Option<Customer> {
        self.book().customers.get(wa_id).cloned()
    }

    pub(crate) fn customer_by_user_id(&self, user_id: &str) -> Option<Customer> {
        let book = self.book();
        let wa_id = book.by_user_id.get(user_id)?;
        book.customers.get(wa_id).cloned()
    }

    /// A customer message went out: it opens (or resets) their window.
    pub(crate) fn customer_wrote(&self, wa_id: &str, message_id: &str, at: Duration) {
        let mut book = self.book();
        book.last_wrote.insert(wa_id.to_owned(), at);
        book.customer_messages
            .insert(message_id.to_owned(), wa_id.to_owned());
    }

    /// Whether free-form messages to `wa_id` are delivered at `now`.
    pub(crate) fn window_open(&self, wa_id: &str, now: Duration) -> bool {
        self.book()
            .last_wrote
            .get(wa_id)
            .is_some_and(|&wrote| now.saturating_sub(wrote) < limits::SERVICE_WINDOW)
    }

    pub(crate) fn writer_of(&self, customer_message_id: &str) -> Option<String> {
        self.book()
            .customer_messages
            .get(customer_message_id)
            .cloned()
    }

    pub(crate) fn bot_sent(&self, message_id: &str, wa_id: &str) {
        self.book()
            .bot_messages
            .insert(message_id.to_owned(), wa_id.to_owned());
    }

    pub(crate) fn recipient_of(&self, bot_message_id: &str) -> Option<String> {
        self.book().bot_messages.get(bot_message_id).cloned()
    }
}
