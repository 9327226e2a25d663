//! Webhooks out: what WhatsApp POSTs to the bot, sent the way WhatsApp sends
//! them.
//!
//! - One customer message (or one status) per POST, in the full envelope with
//!   `contacts` (`wa_id`, `user_id`, profile name) and `metadata` naming the
//!   business number the bot is configured with.
//! - The body is compact JSON with all non-ASCII escaped as `\uXXXX`
//!   ([`to_ascii_json`]), sent with a
//!   `Content-Length`, signed with `X-Hub-Signature-256: sha256=<hex>`.
//! - A 5xx, a timeout or a refused connection is retried with exponential
//!   backoff, within a bounded number of attempts and a bounded total time
//!   ([`RetryPolicy`]); a 4xx is final. WhatsApp retries for days; a
//!   rehearsal cannot wait that long, so the bounds are much tighter.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use sha2::Sha256;

use super::api::{
    self, ButtonReply, Change, ChangeValue, Contact, Context, Entry, InboundMessage, InboundType,
    InteractiveReply, ListReply, Location, MediaFile, Metadata, Profile, QuickReply, Reaction,
    Status, StatusError, StatusKind, Text, Webhook,
};
use super::json::to_ascii_json;
use super::state::Shared;
use super::{Customer, WebhookError};
use crate::model::media::Media;

/// The most rehearse reads of a body the bot answers (the handshake's
/// challenge, a webhook's answer). Both are a few bytes; a longer body is a
/// bot fault, and reading stops there so an endless answer costs nothing.
pub const ANSWER_LIMIT: usize = 4096;

/// The header that carries the body's HMAC.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

/// How webhooks are retried: every loop is bounded in count and in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How long one POST may take before it counts as a bot timeout.
    pub timeout: Duration,
    /// At most this many POSTs per webhook (at least 1).
    pub attempts: u32,
    /// The wait before the first retry; it doubles for each later one.
    pub first_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// No new attempt starts this long after the first one.
    pub give_up_after: Duration,
}

impl Default for RetryPolicy {
    /// 10 s per POST, 5 attempts, backoff 0.5 s doubling up to 8 s, 60 s in all.
    fn default() -> Self {
        RetryPolicy {
            timeout: Duration::from_secs(10),
            attempts: 5,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            give_up_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based).
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.first_backoff
            .checked_mul(factor)
            .map_or(self.max_backoff, |wait| wait.min(self.max_backoff))
    }
}

/// What a customer does, as a webhook tells the bot.
#[derive(Debug, Clone, PartialEq)]
pub enum CustomerMessage {
    /// Typed text.
    Text(String),
    /// A tap on a reply button of the bot message `tapped`.
    ButtonReply {
        /// The bot message whose button was tapped (its `wamid`).
        tapped: String,
        /// The button's id.
        id: String,
        /// The button's title.
        title: String,
    },
    /// A tap on a list row of the bot message `tapped`.
    ListReply {
        /// The bot message whose row was tapped.
        tapped: String,
        /// The row's id.
        id: String,
        /// The row's title.
        title: String,
        /// The row's description, if it has one.
        description: Option<String>,
    },
    /// A tap on a quick-reply button of the template message `tapped`.
    QuickReply {
        /// The template message.
        tapped: String,
        /// The button's payload.
        payload: String,
        /// The button's label.
        text: String,
    },
    /// An image, a voice note, a location or a sticker; or a reaction to
    /// the bot message `reacting_to`.
    Media {
        /// What the customer sends.
        media: Media,
        /// The bot message a reaction marks (its `wamid`); unused for the
        /// other kinds.
        reacting_to: String,
    },
}

/// A delivery receipt the customer side may report for a bot message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    /// `sent`.
    Sent,
    /// `delivered`.
    Delivered,
    /// `read` (only customers with read receipts on send it).
    Read,
}

/// A webhook the bot took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// The customer message's id (for a status: the bot message's id).
    pub message_id: String,
    /// How many POSTs it took.
    pub attempts: u32,
    /// When the bot's 2xx answer arrived.
    pub answered: Instant,
}

/// Sends webhooks to the bot. Cheap to clone; clones share one HTTP client,
/// the counters and the bookkeeping of the stand-in they belong to.
#[derive(Clone)]
pub struct WebhookSender {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    http: reqwest::Client,
    url: reqwest::Url,
    app_secret: String,
    verify_token: String,
    retry: RetryPolicy,
}

impl std::fmt::Debug for WebhookSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No secret in logs.
        f.debug_struct("WebhookSender")
            .field("url", &self.inner.url.as_str())
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Fills `inbound` (whose id is already set) with `media` as WhatsApp
/// delivers it: `image {id, mime_type, sha256}`, `audio {..., voice: true}`,
/// `sticker {..., animated: false}`, `location {latitude, longitude}` or
/// `reaction {message_id, emoji}`. A file's media id is derived from the
/// message id, and its SHA-256 is that of the id: rehearse sends no file,
/// and its stand-in serves none on `GET /{media-id}`.
fn media_message(inbound: &mut InboundMessage, media: Media, reacting_to: String) {
    let file = |mime_type: &str| {
        let id = (crate::model::flow::stable_hash(&inbound.id) >> 1).to_string();
        let sha256 = hex::encode(<Sha256 as sha2::Digest>::digest(id.as_bytes()));
        MediaFile {
            id,
            mime_type: mime_type.to_owned(),
            sha256,
            caption: None,
            voice: None,
            animated: None,
        }
    };
    match media {
        Media::Image => {
            inbound.kind = InboundType::Image;
            inbound.image = Some(file("image/jpeg"));
        }
        Media::Audio { .. } => {
            inbound.kind = InboundType::Audio;
            inbound.audio = Some(MediaFile {
                voice: Some(true),
                ..file("audio/ogg; codecs=opus")
            });
        }
        Media::Sticker => {
            inbound.kind = InboundType::Sticker;
            inbound.sticker = Some(MediaFile {
                animated: Some(false),
                ..file("image/webp")
            });
        }
        Media::Location {
            latitude,
            longitude,
        } => {
            inbound.kind = InboundType::Location;
            inbound.location = Some(Location {
                latitude,
                longitude,
                name: None,
                address: None,
            });
        }
        Media::Reaction { emoji } => {
            inbound.kind = InboundType::Reaction;
            inbound.reaction = Some(Reaction {
                message_id: reacting_to,
                emoji: emoji.to_owned(),
            });
        }
    }
}

/// `sha256=` and the lowercase hex HMAC-SHA256 of `body` under `app_secret`:
/// the value of `X-Hub-Signature-256`.
pub fn signature(app_secret: &str, body: &[u8]) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(app_secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

impl WebhookSender {
    pub(crate) fn new(
        shared: Arc<Shared>,
        http: reqwest::Client,
        url: reqwest::Url,
        app_secret: String,
        verify_token: String,
        retry: RetryPolicy,
    ) -> WebhookSender {
        WebhookSender {
            inner: Arc::new(Inner {
                shared,
                http,
                url,
                app_secret,
                verify_token,
                retry,
            }),
        }
    }

    /// The bot's webhook URL.
    pub fn url(&self) -> &str {
        self.inner.url.as_str()
    }

    /// The verification handshake: `GET <bot>?hub.mode=subscribe&
    /// hub.verify_token=T&hub.challenge=C` must be answered 200 with body C.
    /// One attempt, bounded by the retry policy's timeout.
    pub async fn verify(&self) -> Result<(), WebhookError> {
        let inner = &self.inner;
        let challenge =
            (inner.shared.clock.now().as_nanos() % 1_000_000_000 + 1_000_000_000).to_string();
        let mut url = inner.url.clone();
        url.query_pairs_mut()
            .append_pair("hub.mode", "subscribe")
            .append_pair("hub.verify_token", &inner.verify_token)
            .append_pair("hub.challenge", &challenge);
        let response = inner
            .http
            .get(url)
            .timeout(inner.retry.timeout)
            .send()
            .await
            .map_err(|error| WebhookError::VerifyUnreachable(error_chain(&error)))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(WebhookError::VerifyStatus { status });
        }
        let body = match read_capped(response).await {
            Ok(body) => String::from_utf8_lossy(&body).into_owned(),
            Err(Capped::Over) => {
                inner.shared.counters.oversized_answer();
                return Err(WebhookError::Oversized {
                    what: "the webhook verification",
                    limit: ANSWER_LIMIT,
                });
            }
            Err(Capped::Failed(error)) => {
                return Err(WebhookError::VerifyUnreachable(error_chain(&error)));
            }
        };
        if body != challenge {
            return Err(WebhookError::VerifyBody {
                body: body.chars().take(100).collect(),
                challenge,
            });
        }
        Ok(())
    }

    /// Sends one customer message. The customer is registered if new, and
    /// their 24-hour window opens when the message is sent (before the bot
    /// answers, since the bot may reply first). Returns the message's id,
    /// which the bot may mark as read.
    pub async fn send_message(
        &self,
        customer: &Customer,
        message: CustomerMessage,
    ) -> Result<Delivered, WebhookError> {
        let shared = &self.inner.shared;
        if shared.customer(&customer.wa_id).as_ref() != Some(customer) {
            shared.add_customer(customer.clone());
        }
        let id = shared.new_message_id();
        let now = shared.clock.now();
        let business = &shared.business;
        let context = |tapped: String| Context {
            from: business.display_phone_number.clone(),
            id: tapped,
        };
        let mut inbound = InboundMessage {
            context: None,
            from: customer.wa_id.clone(),
            from_user_id: Some(customer.user_id.clone()),
            id: id.clone(),
            timestamp: now.as_secs().to_string(),
            kind: InboundType::Text,
            text: None,
            interactive: None,
            button: None,
            image: None,
            audio: None,
            sticker: None,
            location: None,
            reaction: None,
        };
        match message {
            CustomerMessage::Text(body) => inbound.text = Some(Text { body }),
            CustomerMessage::ButtonReply { tapped, id, title } => {
                inbound.context = Some(context(tapped));
                inbound.kind = InboundType::Interactive;
                inbound.interactive = Some(InteractiveReply::ButtonReply {
                    button_reply: ButtonReply { id, title },
                });
            }
            CustomerMessage::ListReply {
                tapped,
                id,
                title,
                description,
            } => {
                inbound.context = Some(context(tapped));
                inbound.kind = InboundType::Interactive;
                inbound.interactive = Some(InteractiveReply::ListReply {
                    list_reply: ListReply {
                        id,
                        title,
                        description,
                    },
                });
            }
            CustomerMessage::QuickReply {
                tapped,
                payload,
                text,
            } => {
                inbound.context = Some(context(tapped));
                inbound.kind = InboundType::Button;
                inbound.button = Some(QuickReply { payload, text });
            }
            CustomerMessage::Media { media, reacting_to } => {
                media_message(&mut inbound, media, reacting_to);
            }
        }
        let value = ChangeValue {
            messaging_product: api::MESSAGING_PRODUCT.to_owned(),
            metadata: self.metadata(),
            contacts: vec![Contact {
                profile: Profile {
                    name: customer.name.clone(),
                },
                wa_id: customer.wa_id.clone(),
                user_id: Some(customer.user_id.clone()),
            }],
            messages: vec![inbound],
            statuses: Vec::new(),
        };
        shared.customer_wrote(&customer.wa_id, &id, now);
        self.post(&value, id).await
    }

    /// Sends a `sent`, `delivered` or `read` status for a bot message the
    /// stand-in accepted.
    pub async fn send_status(
        &self,
        bot_message_id: &str,
        receipt: Receipt,
    ) -> Result<Delivered, WebhookError> {
        let status = match receipt {
            Receipt::Sent => StatusKind::Sent,
            Receipt::Delivered => StatusKind::Delivered,
            Receipt::Read => StatusKind::Read,
        };
        let recipient = self
            .inner
            .shared
            .recipient_of(bot_message_id)
            .ok_or_else(|| WebhookError::UnknownMessage(bot_message_id.to_owned()))?;
        self.post_status(bot_message_id, &recipient, status, Vec::new())
            .await
    }

    /// The `failed` status of a message the stand-in accepted but will not
    /// deliver.
    pub(crate) async fn send_failure(
        &self,
        bot_message_id: &str,
        recipient: &str,
        error: StatusError,
    ) -> Result<Delivered, WebhookError> {
        self.post_status(bot_message_id, recipient, StatusKind::Failed, vec![error])
            .await
    }

    async fn post_status(
        &self,
        bot_message_id: &str,
        recipient: &str,
        status: StatusKind,
        errors: Vec<StatusError>,
    ) -> Result<Delivered, WebhookError> {
        let value = ChangeValue {
            messaging_product: api::MESSAGING_PRODUCT.to_owned(),
            metadata: self.metadata(),
            contacts: Vec::new(),
            messages: Vec::new(),
            statuses: vec![Status {
                id: bot_message_id.to_owned(),
                status,
                timestamp: self.inner.shared.clock.unix_seconds().to_string(),
                recipient_id: recipient.to_owned(),
                errors,
            }],
        };
        self.post(&value, bot_message_id.to_owned()).await
    }

    fn metadata(&self) -> Metadata {
        let business = &self.inner.shared.business;
        Metadata {
            display_phone_number: business.display_phone_number.clone(),
            phone_number_id: business.phone_number_id.clone(),
        }
    }

    /// POSTs one change in its envelope, retrying as the policy says.
    async fn post(
        &self,
        value: &ChangeValue,
        message_id: String,
    ) -> Result<Delivered, WebhookError> {
        let inner = &self.inner;
        let webhook = Webhook {
            object: api::WEBHOOK_OBJECT.to_owned(),
            entry: vec![Entry {
                id: inner.shared.business.waba_id.clone(),
                changes: vec![Change {
                    value: value.clone(),
                    field: "messages".to_owned(),
                }],
            }],
        };
        let body = to_ascii_json(&webhook).map_err(WebhookError::Encode)?;
        let signature = signature(&inner.app_secret, &body);
        let counters = &inner.shared.counters;
        let retry = &inner.retry;
        let started = Instant::now();
        let mut last = String::new();
        let mut attempts = 0;
        while attempts < retry.attempts.max(1) {
            if attempts > 0 {
                let wait = retry.backoff(attempts);
                if started.elapsed() + wait > retry.give_up_after {
                    break;
                }
                tokio::time::sleep(wait).await;
                counters.webhook_retry();
            }
            attempts += 1;
            // A `Vec<u8>` body has a known length: reqwest sends it with
            // `Content-Length`, never chunked.
            let result = inner
                .http
                .post(inner.url.clone())
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .header(SIGNATURE_HEADER, &signature)
                .timeout(retry.timeout)
                .body(body.clone())
                .send()
                .await;
            match result {
                Ok(response) if response.status().is_success() => {
                    // Read the (small) answer so the connection can be
                    // reused, but never more than the cap: an endless answer
                    // is a fault of its own, final (a retry would get the
                    // same), not an allocation. A body cut by the timeout
                    // or the connection still came with a 2xx: taken.
                    if let Err(Capped::Over) = read_capped(response).await {
                        counters.oversized_answer();
                        counters.webhook_failed();
                        return Err(WebhookError::Oversized {
                            what: "a webhook",
                            limit: ANSWER_LIMIT,
                        });
                    }
                    counters.webhook_delivered();
                    return Ok(Delivered {
                        message_id,
                        attempts,
                        answered: Instant::now(),
                    });
                }
                Ok(response) if response.status().is_server_error() => {
                    last = format!("HTTP {}", response.status().as_u16());
                }
                Ok(response) => {
                    counters.webhook_failed();
                    return Err(WebhookError::Rejected {
                        status: response.status().as_u16(),
                    });
                }
                Err(error) if error.is_timeout() => {
                    counters.bot_timeout();
                    last = format!("no answer within {:.1?}", retry.timeout);
                }
                Err(error) => last = error_chain(&error),
            }
        }
        counters.webhook_failed();
        Err(WebhookError::GaveUp {
            attempts,
            elapsed: started.elapsed(),
            last,
        })
    }
}

/// Why a capped read stopped.
enum Capped {
    /// The body was longer than [`ANSWER_LIMIT`].
    Over,
    /// The connection failed or the request's timeout ran out.
    Failed(reqwest::Error),
}

/// Reads a response body chunk by chunk, stopping as soon as it passes
/// [`ANSWER_LIMIT`]; the request's timeout bounds the time it takes.
async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, Capped> {
    if response
        .content_length()
        .is_some_and(|length| length > ANSWER_LIMIT as u64)
    {
        return Err(Capped::Over);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Capped::Failed)? {
        if body.len() + chunk.len() > ANSWER_LIMIT {
            return Err(Capped::Over);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// reqwest's error with its causes: "error sending request: connection refused".
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_lowercase_hex_with_prefix() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy {
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        let waits: Vec<_> = (1..=4).map(|n| policy.backoff(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 350, 350]);
        assert_eq!(policy.backoff(100), Duration::from_millis(350));
    }
}
