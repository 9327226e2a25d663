//! Live mode's HTTP layer: rehearse stands in for the WhatsApp Cloud API on
//! loopback, so a real bot can meet simulated customers.
//!
//! The bot is configured as for production, except that its Graph API base
//! URL points at the stand-in ([`LiveHandle::base_url`]) and its webhook
//! callback, app secret and verify token are the ones given in
//! [`LiveConfig`]. This module knows nothing of personas or flows: the
//! customer side drives it through a small interface.
//!
//! # Intended use
//!
//! ```no_run
//! # async fn rehearse() -> Result<(), Box<dyn std::error::Error>> {
//! use rehearse::live::{self, BotEvent, Customer, CustomerMessage, LiveConfig};
//!
//! let config = LiveConfig::new("http://127.0.0.1:3000/webhook", "app-secret");
//! let mut live = live::start(config).await?;
//! // Tell the bot where "graph.facebook.com" is: live.base_url().
//! live.webhooks().verify().await?; // the subscription handshake
//!
//! let ana = Customer::new("15550100001", "US.1001", "Ana");
//! live.webhooks()
//!     .send_message(&ana, CustomerMessage::Text("where is my order".into()))
//!     .await?;
//! while let Some(event) = live.next_event(std::time::Duration::from_secs(30)).await {
//!     if let BotEvent::Message(message) = event {
//!         // The customer model decides on message.shown (text, buttons, rows)
//!         // and answers with another send_message, e.g. a ButtonReply
//!         // naming message.message_id; send_status reports receipts.
//!         # let _ = message;
//!         break;
//!     }
//! }
//! let counters = live.counters(); // for the report's `live:` block
//! # let _ = counters;
//! live.shutdown().await?;
//! # Ok(())
//! # }
//! ```
//!
//! [`rehearse`] does all of this for a scenario's customers: it is what
//! `rehearse live` runs. The rest of this module is the layer under it.
//!
//! A conversation usually runs many customers at once: clone the
//! [`WebhookSender`] into one task per customer and route events by
//! [`BotEvent::customer`]. Scale customer time with [`Clock`] (`speed`).
//!
//! # One message through the stand-in
//!
//! 1. The customer side calls [`WebhookSender::send_message`]. The customer
//!    is registered (phone `wa_id`, business-scoped `user_id`, name), the
//!    message gets a `wamid.…` id and the customer's 24-hour window
//!    (re)opens on the live clock.
//! 2. The [`webhook`] sender POSTs one envelope with that one message to the
//!    bot: `\uXXXX`-escaped ASCII JSON, `Content-Length`, signed with
//!    `X-Hub-Signature-256`, retried on 5xx/timeouts within bounds.
//! 3. The bot calls `POST /{version}/{phone_number_id}/messages` on the
//!    [`standin`] — during or after its webhook: the server answers either
//!    way. It is checked as WhatsApp checks it ([`limits`]); a refused call
//!    gets the Graph error shape (131009, 100, ...) and is counted.
//! 4. An accepted message is answered with the full success shape and a new
//!    message id, and handed to the caller as [`BotEvent::Message`] with a
//!    normalized [`Shown`] view. A free-form message outside the window (or
//!    to an unknown number) is accepted too, then fails: the caller gets
//!    [`BotEvent::Undelivered`] and the bot a `failed` status webhook
//!    (131047 or 131026), as in production.
//! 5. A mark-as-read is answered `{"success": true}` and becomes
//!    [`BotEvent::MarkedRead`].

pub mod api;
mod clock;
mod conversation;
mod counters;
mod error;
mod event;
pub mod json;
pub mod limits;
mod rehearsal;
mod screen;
pub mod standin;
mod state;
mod validate;
pub mod webhook;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub use clock::Clock;
pub use counters::LiveCounters;
pub use error::{LiveError, WebhookError};
pub use event::{
    BotEvent, BotMessage, Choice, ListRow, ListSection, MarkedRead, Shown, Undelivered,
};
pub use rehearsal::{RehearsalOptions, rehearse};
pub use webhook::{CustomerMessage, Delivered, Receipt, RetryPolicy, WebhookSender};

use state::Shared;

/// A simulated customer, as WhatsApp identifies them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Customer {
    /// Phone number, digits only (what bots get as `wa_id` and send `to`).
    pub wa_id: String,
    /// Business-scoped user id (what bots may send as `recipient`).
    pub user_id: String,
    /// Profile name.
    pub name: String,
}

impl Customer {
    /// A customer with these ids and profile name.
    pub fn new(
        wa_id: impl Into<String>,
        user_id: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        Customer {
            wa_id: wa_id.into(),
            user_id: user_id.into(),
            name: name.into(),
        }
    }
}

/// The business account and number the bot is configured with. Bots ignore
/// webhooks for another `phone_number_id`; the stand-in refuses sends from
/// another one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Business {
    /// The WhatsApp Business Account id (`entry[].id`).
    pub waba_id: String,
    /// The number's id, as in `POST /{phone_number_id}/messages`.
    pub phone_number_id: String,
    /// The number customers see, digits only.
    pub display_phone_number: String,
}

impl Default for Business {
    /// Made-up ids in Meta's formats.
    fn default() -> Self {
        Business {
            waba_id: "102290129340398".to_owned(),
            phone_number_id: "106540352242922".to_owned(),
            display_phone_number: "15550783881".to_owned(),
        }
    }
}

/// An approved message template the bot may send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Its name.
    pub name: String,
    /// Its language code; `None` accepts any.
    pub language: Option<String>,
    /// Its body text with `{{1}}`-style placeholders, so the customer side
    /// can read what was sent; `None` if unknown.
    pub body: Option<String>,
}

/// Everything the stand-in needs. [`LiveConfig::new`] fills in defaults.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// Where the stand-in listens; loopback only. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// The bot's webhook callback URL (`http://`).
    pub bot_url: String,
    /// The app secret the bot verifies signatures with.
    pub app_secret: String,
    /// The verify token of the subscription handshake.
    pub verify_token: String,
    /// The access token the bot must send as `Authorization: Bearer …`;
    /// `None` accepts any (or none).
    pub access_token: Option<String>,
    /// The number the bot sends from.
    pub business: Business,
    /// Approved templates; `None` accepts any template name (body unknown).
    pub templates: Option<Vec<Template>>,
    /// Customer time, for the 24-hour window and timestamps.
    pub clock: Clock,
    /// How webhooks are retried and timed out.
    pub retry: RetryPolicy,
    /// How long after accepting a message that cannot be delivered the
    /// `failed` status webhook goes out (wall time).
    pub failure_delay: Duration,
}

impl LiveConfig {
    /// A configuration for the bot at `bot_url` with app secret
    /// `app_secret`: listening on `127.0.0.1:0`, verify token `rehearse`, no
    /// access token check, any template, a real-time clock, the default
    /// [`RetryPolicy`], failures 50 ms after the answer.
    pub fn new(bot_url: impl Into<String>, app_secret: impl Into<String>) -> Self {
        LiveConfig {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            bot_url: bot_url.into(),
            app_secret: app_secret.into(),
            verify_token: "rehearse".to_owned(),
            access_token: None,
            business: Business::default(),
            templates: None,
            clock: Clock::real(),
            retry: RetryPolicy::default(),
            failure_delay: Duration::from_millis(50),
        }
    }
}

/// Parses a `--listen` value (`127.0.0.1:8090`, `[::1]:8090`,
/// `localhost:8090`) and refuses addresses other than loopback.
pub fn listen_address(text: &str) -> Result<SocketAddr, LiveError> {
    let addr = match text.strip_prefix("localhost:") {
        Some(port) => port
            .parse::<u16>()
            .map(|port| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))
            .map_err(|_| LiveError::ListenAddress(text.to_owned()))?,
        None => text
            .parse::<SocketAddr>()
            .map_err(|_| LiveError::ListenAddress(text.to_owned()))?,
    };
    loopback(addr)
}

fn loopback(addr: SocketAddr) -> Result<SocketAddr, LiveError> {
    if addr.ip().is_loopback() {
        Ok(addr)
    } else {
        Err(LiveError::NotLoopback(addr))
    }
}

/// The bot's URL, if rehearse can send to it: plain HTTP (live mode speaks
/// no TLS). Any host is accepted, as the user gives it (a container name, a
/// machine on the same host network); the bot must in turn reach the
/// stand-in, which listens on loopback only ([`is_loopback_url`] tells).
fn bot_url(text: &str) -> Result<reqwest::Url, LiveError> {
    let refuse = |reason: &str| LiveError::BotUrl {
        url: text.to_owned(),
        reason: reason.to_owned(),
    };
    let url = reqwest::Url::parse(text).map_err(|error| refuse(&error.to_string()))?;
    if url.scheme() != "http" {
        return Err(refuse(
            "use http://: live mode speaks no TLS (run the bot on this machine, where it needs none)",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse("the URL names no host"));
    }
    Ok(url)
}

/// Whether `url` names this machine (`localhost`, `127.0.0.1`, `[::1]`):
/// a bot elsewhere cannot reach the loopback stand-in.
pub fn is_loopback_url(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    match url.host_str() {
        Some(host) if host.eq_ignore_ascii_case("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// Starts the stand-in: binds `config.listen`, starts serving, and returns
/// the handle the customer side drives it with. Does not contact the bot
/// (call [`WebhookSender::verify`] for the handshake).
pub async fn start(config: LiveConfig) -> Result<LiveHandle, LiveError> {
    let listen = loopback(config.listen)?;
    let url = bot_url(&config.bot_url)?;
    let listener = bind(listen).map_err(|source| LiveError::Bind {
        addr: listen,
        source,
    })?;
    let local_addr = listener.local_addr().map_err(|source| LiveError::Bind {
        addr: listen,
        source,
    })?;
    let http = reqwest::Client::builder()
        // A proxy from the environment must never see loopback traffic.
        .no_proxy()
        // A bot that stalls between two reads is cut off, as one that never
        // answers is (each request's own timeout bounds the whole exchange).
        .read_timeout(config.retry.timeout)
        .build()
        .map_err(LiveError::Client)?;
    let (events_in, events) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared::new(
        config.business,
        config.access_token,
        config.templates,
        config.clock,
        config.failure_delay,
        events_in,
    ));
    let webhooks = WebhookSender::new(
        Arc::clone(&shared),
        http,
        url,
        config.app_secret,
        config.verify_token,
        config.retry,
    );
    let router = standin::router(standin::App {
        shared: Arc::clone(&shared),
        webhooks: webhooks.clone(),
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                // Resolves on shutdown() and when the handle is dropped.
                let _ = stopped.await;
            })
            .await
    });
    Ok(LiveHandle {
        base_url: format!("http://{local_addr}"),
        local_addr,
        events,
        webhooks,
        shared,
        stop: Some(stop),
        server,
    })
}

/// Connections the kernel may hold for the stand-in to accept. tokio's
/// default (1,024) overflows when a thousand customers' bot calls open
/// connections at once, and each dropped SYN costs the bot a second or more
/// of retransmission: latency the stand-in would add. The kernel caps it at
/// `net.core.somaxconn`.
const BACKLOG: u32 = 4096;

/// Binds `addr` with a [`BACKLOG`]-deep accept queue.
fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    // As tokio's TcpListener::bind does: a port just freed can be bound again.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// A running stand-in. Dropping it stops the server too, without waiting.
#[derive(Debug)]
pub struct LiveHandle {
    base_url: String,
    local_addr: SocketAddr,
    /// Unbounded on purpose: a handler must never wait for the caller to
    /// read, or a bot that replies before answering its webhook would
    /// deadlock against a caller waiting for that webhook.
    events: mpsc::UnboundedReceiver<BotEvent>,
    webhooks: WebhookSender,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
}

/// How long [`LiveHandle::shutdown`] lets open connections finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

impl LiveHandle {
    /// `http://127.0.0.1:PORT`: the bot's Graph API base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the stand-in listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Sends webhooks to the bot; clone it into as many tasks as needed.
    pub fn webhooks(&self) -> &WebhookSender {
        &self.webhooks
    }

    /// The live clock (shared with the stand-in: advancing it moves the
    /// 24-hour windows).
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Registers a customer the bot may message first (a campaign); customers
    /// who write are registered by [`WebhookSender::send_message`].
    pub fn add_customer(&self, customer: Customer) {
        self.shared.add_customer(customer);
    }

    /// The events in arrival order; see [`BotEvent`].
    pub fn events(&mut self) -> &mut mpsc::UnboundedReceiver<BotEvent> {
        &mut self.events
    }

    /// The next event, or `None` if none arrives within `within`.
    pub async fn next_event(&mut self, within: Duration) -> Option<BotEvent> {
        tokio::time::timeout(within, self.events.recv())
            .await
            .ok()
            .flatten()
    }

    /// The counts so far.
    pub fn counters(&self) -> LiveCounters {
        self.shared.counters.snapshot()
    }

    /// Stops serving: pending `failed` webhooks are dropped, open
    /// connections get a few seconds to finish, then the server is stopped.
    pub async fn shutdown(mut self) -> Result<(), LiveError> {
        self.shared.close();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut self.server).await {
            Ok(Ok(result)) => result.map_err(LiveError::Serve),
            // The server task panicked or was cancelled: nothing left to stop.
            Ok(Err(_)) => Ok(()),
            Err(_) => {
                self.server.abort();
                Ok(())
            }
        }
    }
}

impl Drop for LiveHandle {
    fn drop(&mut self) {
        self.shared.close();
    }
}
