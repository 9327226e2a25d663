//! The Cloud API stand-in: the axum server the bot sends its messages to.
//!
//! Routes: `POST /{version}/{phone_number_id}/messages` (any `vNN` or
//! `vNN.N` version) and the version-less `POST /{phone_number_id}/messages`.
//! Everything else is answered with the Graph API's error shape.
//!
//! One call, in order: the access token, if one is configured → the path
//! (version, phone number id) → the body as JSON → WhatsApp's rules
//! (the [`limits`] table) → the recipient (`to` or `recipient`) →
//! the 24-hour window → an answer. Each handler runs on its own task and
//! never waits on a webhook, so a bot that replies while its webhook is still
//! open is served at once.
//!
//! A call's body is read up to [`BODY_LIMIT`] bytes and within
//! [`BODY_TIMEOUT`]: a longer or slower body is refused (code 100, counted as
//! malformed) without being held in memory.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::api::{
    self, ErrorCode, ErrorResponse, ReadResponse, SendRequest, SendResponse, SentContact,
    SentMessage, StatusError,
};
use super::event::{BotEvent, BotMessage, MarkedRead, Undelivered};
use super::state::Shared;
use super::validate::{self, Call, Outgoing, Refusal};
use super::webhook::WebhookSender;
use super::{Customer, limits};

/// The largest call body the stand-in reads. The largest valid message (a
/// 4,096-character text or an interactive list at WhatsApp's limits, with
/// every character escaped) is far smaller. Set here rather than left to
/// axum's default so the guide can state it.
pub const BODY_LIMIT: usize = 256 * 1024;

/// How long the stand-in waits for a call's whole body once its headers
/// have arrived.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub(crate) struct App {
    pub shared: Arc<Shared>,
    pub webhooks: WebhookSender,
}

pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/{version}/{phone_number_id}/messages", post(versioned))
        .route("/{phone_number_id}/messages", post(unversioned))
        .fallback(unknown_path)
        .with_state(app)
}

async fn versioned(
    State(app): State<App>,
    Path((version, phone_number_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !is_version(&version) {
        return app.refuse(Refusal::new(
            ErrorCode::InvalidParameter,
            format!("Unknown path components: /{version}/{phone_number_id}/messages"),
        ));
    }
    match app.read_body(body).await {
        Ok(body) => app.messages(&phone_number_id, &headers, &body),
        Err(refused) => refused,
    }
}

async fn unversioned(
    State(app): State<App>,
    Path(phone_number_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match app.read_body(body).await {
        Ok(body) => app.messages(&phone_number_id, &headers, &body),
        Err(refused) => refused,
    }
}

async fn unknown_path(State(app): State<App>, uri: axum::http::Uri) -> Response {
    app.refuse(Refusal::new(
        ErrorCode::InvalidParameter,
        format!(
            "Unsupported request to {}: the stand-in serves POST [/vNN.N]/{}/messages",
            uri.path(),
            app.shared.business.phone_number_id
        ),
    ))
}

/// `v23.0`, `v18`, ...
fn is_version(segment: &str) -> bool {
    let Some(number) = segment.strip_prefix('v') else {
        return false;
    };
    let (major, minor) = number.split_once('.').unwrap_or((number, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor)
}

/// `+1 (555) 010-0200` -> `15550100200`; None if it is not a phone number.
fn phone_digits(to: &str) -> Option<String> {
    let mut digits = String::with_capacity(to.len());
    for c in to.trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            '+' | ' ' | '-' | '(' | ')' | '.' => {}
            _ => return None,
        }
    }
    (!digits.is_empty()).then_some(digits)
}

/// Who the message is for.
enum Recipient {
    Known(Customer),
    /// A well-formed number that is no customer of this rehearsal: the API
    /// accepts the message and then fails it (131026), as for a number that
    /// is not on WhatsApp.
    Unknown(String),
}

impl App {
    /// The call's body, read up to [`BODY_LIMIT`] within [`BODY_TIMEOUT`];
    /// otherwise the refusal to answer (counted as malformed).
    async fn read_body(&self, body: Body) -> Result<Bytes, Response> {
        let details = match tokio::time::timeout(
            BODY_TIMEOUT,
            axum::body::to_bytes(body, BODY_LIMIT),
        )
        .await
        {
            Ok(Ok(bytes)) => return Ok(bytes),
            Ok(Err(error)) => format!(
                "The request body could not be read ({error}); the stand-in reads at most \
                     {BODY_LIMIT} bytes"
            ),
            Err(_) => format!(
                "The request body did not arrive within {}s",
                BODY_TIMEOUT.as_secs()
            ),
        };
        self.shared.counters.malformed();
        Err(self.refuse(Refusal::new(ErrorCode::InvalidParameter, details)))
    }

    fn refuse(&self, refusal: Refusal) -> Response {
        self.shared.counters.error(refusal.code);
        let status =
            StatusCode::from_u16(refusal.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
        let body = ErrorResponse::new(refusal.code, refusal.details, self.shared.new_trace_id());
        (status, axum::Json(body)).into_response()
    }

    fn messages(&self, phone_number_id: &str, headers: &HeaderMap, body: &[u8]) -> Response {
        let received = Instant::now();
        match self.answer(phone_number_id, headers, body, received) {
            Ok(response) => response,
            Err(refusal) => self.refuse(refusal),
        }
    }

    fn answer(
        &self,
        phone_number_id: &str,
        headers: &HeaderMap,
        body: &[u8],
        received: Instant,
    ) -> Result<Response, Refusal> {
        let shared = &self.shared;
        if let Some(token) = &shared.access_token {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "));
            if given != Some(token.as_str()) {
                return Err(Refusal::new(
                    ErrorCode::AccessToken,
                    "Invalid OAuth access token - Cannot parse access token",
                ));
            }
        }
        if phone_number_id != shared.business.phone_number_id {
            return Err(Refusal::new(
                ErrorCode::InvalidParameter,
                format!(
                    "Unsupported post request. Object with ID '{phone_number_id}' does not exist; \
                     this stand-in serves phone number id '{}'",
                    shared.business.phone_number_id
                ),
            ));
        }
        let request: SendRequest = serde_json::from_slice(body).map_err(|error| {
            shared.counters.malformed();
            Refusal::new(
                ErrorCode::InvalidParameter,
                format!("The request body is not a valid message object: {error}"),
            )
        })?;
        match validate::check(&request, shared.templates.as_deref())? {
            Call::Read { message_id, typing } => {
                let customer = shared.writer_of(&message_id).ok_or_else(|| {
                    Refusal::new(
                        ErrorCode::InvalidParameter,
                        format!(
                            "Param message_id '{message_id}' is not a message this number received"
                        ),
                    )
                })?;
                shared.counters.marked_read();
                shared.emit(BotEvent::MarkedRead(MarkedRead {
                    customer,
                    message_id,
                    typing,
                    received,
                }));
                Ok(axum::Json(ReadResponse { success: true }).into_response())
            }
            Call::Send(outgoing) => {
                let (input, recipient) = self.recipient(&request)?;
                Ok(self.accept(outgoing, input, recipient, received))
            }
        }
    }

    /// Resolves `to` and/or `recipient`; both must name the same customer.
    fn recipient(&self, request: &SendRequest) -> Result<(String, Recipient), Refusal> {
        let shared = &self.shared;
        let by_user_id = match request.recipient.as_deref() {
            Some(user_id) => Some(shared.customer_by_user_id(user_id).ok_or_else(|| {
                Refusal::new(
                    ErrorCode::InvalidParameter,
                    format!("Param recipient '{user_id}' is not a valid WhatsApp user id"),
                )
            })?),
            None => None,
        };
        match (request.to.as_deref(), by_user_id) {
            (None, None) => Err(Refusal::new(
                ErrorCode::MissingParameter,
                "The parameter to (or recipient) is required.",
            )),
            (None, Some(customer)) => Ok((
                request.recipient.clone().unwrap_or_default(),
                Recipient::Known(customer),
            )),
            (Some(to), by_user_id) => {
                let digits = phone_digits(to).ok_or_else(|| {
                    Refusal::new(
                        ErrorCode::InvalidParameter,
                        format!("Param to '{to}' is not a valid phone number"),
                    )
                })?;
                let recipient = match shared.customer(&digits) {
                    Some(customer) => Recipient::Known(customer),
                    None => Recipient::Unknown(digits.clone()),
                };
                if let Some(by_user_id) = by_user_id
                    && by_user_id.wa_id != digits
                {
                    return Err(Refusal::new(
                        ErrorCode::InvalidParameter,
                        format!(
                            "Params to '{to}' and recipient '{}' name different users",
                            by_user_id.user_id
                        ),
                    ));
                }
                Ok((to.to_owned(), recipient))
            }
        }
    }

    /// A message that passed every check: it gets an id, and the caller an
    /// event; one that WhatsApp would not deliver fails by webhook later.
    fn accept(
        &self,
        outgoing: Outgoing,
        input: String,
        recipient: Recipient,
        received: Instant,
    ) -> Response {
        let shared = &self.shared;
        let message_id = shared.new_message_id();
        let now = shared.clock.now();
        shared.counters.accepted();
        let (wa_id, failure) = match recipient {
            Recipient::Unknown(digits) => {
                let details = format!("{digits} is not a WhatsApp number in this rehearsal");
                (digits, Some((ErrorCode::Undeliverable, details)))
            }
            Recipient::Known(customer) => {
                let failure = (!outgoing.is_template && !shared.window_open(&customer.wa_id, now))
                    .then(|| {
                        (
                            ErrorCode::ReEngagement,
                            format!(
                                "Message failed to send because more than {} hours have passed since the customer last replied to this number.",
                                limits::SERVICE_WINDOW.as_secs() / 3600
                            ),
                        )
                    });
                (customer.wa_id, failure)
            }
        };
        shared.bot_sent(&message_id, &wa_id);
        match failure {
            None => shared.emit(BotEvent::Message(BotMessage {
                customer: wa_id.clone(),
                message_id: message_id.clone(),
                shown: outgoing.shown,
                quoting: outgoing.quoting,
                received,
                clock_time: now,
            })),
            Some((code, details)) => {
                shared.counters.error(code);
                shared.emit(BotEvent::Undelivered(Undelivered {
                    customer: wa_id.clone(),
                    message_id: message_id.clone(),
                    shown: outgoing.shown,
                    code,
                    received,
                }));
                self.fail_later(
                    message_id.clone(),
                    wa_id.clone(),
                    StatusError::new(code, details),
                );
            }
        }
        axum::Json(SendResponse {
            messaging_product: api::MESSAGING_PRODUCT.to_owned(),
            contacts: vec![SentContact { input, wa_id }],
            messages: vec![SentMessage { id: message_id }],
        })
        .into_response()
    }

    /// Sends the `failed` status after the answer, as WhatsApp does; stops
    /// early on shutdown. Its outcome is in the counters.
    fn fail_later(&self, message_id: String, wa_id: String, error: StatusError) {
        let app = self.clone();
        tokio::spawn(async move {
            let send = async {
                tokio::time::sleep(app.shared.failure_delay).await;
                let _ = app.webhooks.send_failure(&message_id, &wa_id, error).await;
            };
            tokio::select! {
                () = send => {}
                () = app.shared.closed() => {}
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_recognised() {
        for good in ["v23.0", "v18.0", "v26", "v9.12"] {
            assert!(is_version(good), "{good}");
        }
        for bad in ["23.0", "v", "v23.", "v2x.0", "V23.0", ""] {
            assert!(!is_version(bad), "{bad}");
        }
    }

    #[test]
    fn phone_numbers_are_reduced_to_digits() {
        assert_eq!(
            phone_digits("+1 (555) 010-0200").as_deref(),
            Some("15550100200")
        );
        assert_eq!(phone_digits("15550100200").as_deref(), Some("15550100200"));
        assert_eq!(phone_digits("US.123"), None);
        assert_eq!(phone_digits(" + "), None);
    }
}
