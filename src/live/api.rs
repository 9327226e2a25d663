//! The WhatsApp Cloud API's JSON shapes, as far as live mode speaks them.
//!
//! Two directions:
//! - what the stand-in *sends* the bot: the webhook envelope ([`Webhook`]) with
//!   one customer message ([`InboundMessage`]) or one [`Status`];
//! - what the bot *sends* the stand-in: [`SendRequest`] (a message or a
//!   mark-as-read), answered by [`SendResponse`], [`ReadResponse`] or
//!   [`ErrorResponse`].
//!
//! The request types are lenient on purpose: every field is optional and
//! unknown fields are ignored, as the real API ignores them, so that a missing
//! field becomes the error WhatsApp would answer (131008) instead of a serde
//! message no bot expects. The webhook types are what rehearse writes, so they
//! are exact; optional fields are left out rather than written as `null`,
//! because real webhooks never carry `null`.

use serde::{Deserialize, Serialize};

mod media;
pub use media::{Location, MediaFile, Reaction};

/// The one value of `messaging_product` the API knows.
pub const MESSAGING_PRODUCT: &str = "whatsapp";

/// The `object` of every WhatsApp webhook.
pub const WEBHOOK_OBJECT: &str = "whatsapp_business_account";

// ---------------------------------------------------------------------------
// Webhooks: stand-in -> bot
// ---------------------------------------------------------------------------

/// A webhook POST body: `{"object": ..., "entry": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    /// Always [`WEBHOOK_OBJECT`].
    pub object: String,
    /// One entry per business account; rehearse always sends exactly one.
    pub entry: Vec<Entry>,
}

/// One business account's changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The WhatsApp Business Account id.
    pub id: String,
    /// What changed; rehearse always sends exactly one change.
    pub changes: Vec<Change>,
}

/// One change: a message or a status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The payload.
    pub value: ChangeValue,
    /// Always `messages` for messages and statuses.
    pub field: String,
}

/// The payload of a `messages` change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeValue {
    /// Always [`MESSAGING_PRODUCT`].
    pub messaging_product: String,
    /// Which business number this is about; bots ignore webhooks for another.
    pub metadata: Metadata,
    /// Who wrote (present with `messages`, absent with `statuses`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// Customer messages; rehearse sends one per webhook, as WhatsApp does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<InboundMessage>,
    /// Delivery statuses of the bot's messages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<Status>,
}

/// The business phone number a webhook is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The number as customers see it, digits only.
    pub display_phone_number: String,
    /// The id the bot sends from (`POST /{phone_number_id}/messages`).
    pub phone_number_id: String,
}

/// The customer who wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Their WhatsApp profile.
    pub profile: Profile,
    /// Their phone number, digits only.
    pub wa_id: String,
    /// Their business-scoped user id (since 2026; some SDKs require it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// A customer's WhatsApp profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The name they chose.
    pub name: String,
}

/// One customer message as the bot receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboundMessage {
    /// On a tap: the business message whose button or row was tapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// The customer's phone number (`wa_id`).
    pub from: String,
    /// The customer's business-scoped user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_user_id: Option<String>,
    /// The message id (`wamid.…`), which the bot may mark as read.
    pub id: String,
    /// Unix seconds, as a string (the API writes it so).
    pub timestamp: String,
    /// Which of the payload fields below is present.
    #[serde(rename = "type")]
    pub kind: InboundType,
    /// With `type: text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    /// With `type: interactive`: a reply-button or list-row tap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive: Option<InteractiveReply>,
    /// With `type: button`: a template's quick-reply tap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button: Option<QuickReply>,
    /// With `type: image`: a photo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<MediaFile>,
    /// With `type: audio`: a voice note (`voice: true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<MediaFile>,
    /// With `type: sticker`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticker: Option<MediaFile>,
    /// With `type: location`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// With `type: reaction`: an emoji on one of the bot's messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<Reaction>,
}

/// The `type` of an inbound message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboundType {
    /// Typed text.
    Text,
    /// A reply-button or list-row tap.
    Interactive,
    /// A template quick-reply tap.
    Button,
    /// A photo.
    Image,
    /// A voice note.
    Audio,
    /// A shared location.
    Location,
    /// A sticker.
    Sticker,
    /// A reaction to a message.
    Reaction,
    /// Anything rehearse does not send (video, documents, contacts, ...).
    #[serde(other)]
    Unsupported,
}

/// `{"body": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// What the customer typed.
    pub body: String,
}

/// The message a tap refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// Who sent the tapped message: the business's display number.
    pub from: String,
    /// The tapped message's id, as the stand-in answered it to the bot.
    pub id: String,
}

/// What was tapped in an interactive message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InteractiveReply {
    /// A reply button: `{"type": "button_reply", "button_reply": {...}}`.
    ButtonReply {
        /// The button.
        button_reply: ButtonReply,
    },
    /// A list row: `{"type": "list_reply", "list_reply": {...}}`.
    ListReply {
        /// The row.
        list_reply: ListReply,
    },
}

/// A tapped reply button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ButtonReply {
    /// The id the bot gave the button.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// A tapped list row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListReply {
    /// The id the bot gave the row.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its description, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A tapped template quick-reply button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickReply {
    /// The payload the template gave the button.
    pub payload: String,
    /// The button's label.
    pub text: String,
}

/// The delivery status of one of the bot's messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// The bot's message id.
    pub id: String,
    /// What happened.
    pub status: StatusKind,
    /// Unix seconds, as a string.
    pub timestamp: String,
    /// The customer's phone number.
    pub recipient_id: String,
    /// Why it failed (with `failed` only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<StatusError>,
}

/// `sent`, `delivered`, `read` or `failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// WhatsApp's servers took the message.
    Sent,
    /// It reached the customer's phone.
    Delivered,
    /// The customer opened it (only with read receipts on).
    Read,
    /// It will never arrive; `errors` says why.
    Failed,
}

/// An error inside a `failed` status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusError {
    /// The error code, e.g. 131047.
    pub code: u32,
    /// A short title.
    pub title: String,
    /// A message (the API repeats the title).
    pub message: String,
    /// The details.
    pub error_data: StatusErrorData,
}

/// `{"details": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusErrorData {
    /// What went wrong, in a sentence.
    pub details: String,
}

// ---------------------------------------------------------------------------
// Calls: bot -> stand-in
// ---------------------------------------------------------------------------

/// A `POST /messages` body: a message to send, or a mark-as-read when
/// `status` is `read`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct SendRequest {
    /// Must be `whatsapp`.
    pub messaging_product: Option<String>,
    /// `individual` (the default); ignored.
    pub recipient_type: Option<String>,
    /// The customer's phone number, in any common format (`+1 555-0100`).
    pub to: Option<String>,
    /// The customer's business-scoped user id, instead of (or beside) `to`.
    pub recipient: Option<String>,
    /// `text` (the default), `interactive`, `template`, `image`, ...
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// With `type: text`.
    pub text: Option<OutText>,
    /// With `type: interactive`.
    pub interactive: Option<OutInteractive>,
    /// With `type: template`.
    pub template: Option<OutTemplate>,
    /// Quote a message in the reply.
    pub context: Option<OutContext>,
    /// Media by id or link, under the key named by `type`.
    pub image: Option<OutMedia>,
    /// See [`SendRequest::image`].
    pub audio: Option<OutMedia>,
    /// See [`SendRequest::image`].
    pub video: Option<OutMedia>,
    /// See [`SendRequest::image`].
    pub document: Option<OutMedia>,
    /// See [`SendRequest::image`].
    pub sticker: Option<OutMedia>,
    /// `read` for a mark-as-read.
    pub status: Option<String>,
    /// With a mark-as-read: the customer message that was read.
    pub message_id: Option<String>,
    /// With a mark-as-read: show "typing…" to the customer.
    pub typing_indicator: Option<TypingIndicator>,
}

/// `text{body, preview_url}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutText {
    /// What the customer reads.
    pub body: Option<String>,
    /// Whether links get a preview.
    pub preview_url: Option<bool>,
}

/// `interactive{type, header, body, footer, action}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutInteractive {
    /// `button`, `list`, `cta_url`, ...
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// An optional header.
    pub header: Option<OutHeader>,
    /// The message text.
    pub body: Option<OutBodyText>,
    /// An optional footer.
    pub footer: Option<OutBodyText>,
    /// Buttons, list sections, or the call-to-action.
    pub action: Option<OutAction>,
}

/// `header{type, text}`; media headers carry a media object instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutHeader {
    /// `text`, `image`, `video` or `document`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// With `type: text`.
    pub text: Option<String>,
}

/// `{"text": ...}` for an interactive body or footer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutBodyText {
    /// The text.
    pub text: Option<String>,
}

/// `action{...}`: which fields matter depends on the interactive type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutAction {
    /// Reply buttons (`type: button`).
    pub buttons: Option<Vec<OutButton>>,
    /// The label of the button that opens a list (`type: list`).
    pub button: Option<String>,
    /// List sections (`type: list`).
    pub sections: Option<Vec<OutSection>>,
    /// `cta_url` (`type: cta_url`).
    pub name: Option<String>,
    /// The call-to-action's label and link (`type: cta_url`).
    pub parameters: Option<OutCtaParameters>,
}

/// `{"type": "reply", "reply": {"id", "title"}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutButton {
    /// Must be `reply`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The button.
    pub reply: Option<OutReply>,
}

/// A reply button's id and title.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutReply {
    /// Comes back in the customer's `button_reply`.
    pub id: Option<String>,
    /// What the customer sees.
    pub title: Option<String>,
}

/// A list section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutSection {
    /// Required when the list has more than one section.
    pub title: Option<String>,
    /// The rows.
    pub rows: Option<Vec<OutRow>>,
}

/// A list row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutRow {
    /// Comes back in the customer's `list_reply`.
    pub id: Option<String>,
    /// What the customer sees.
    pub title: Option<String>,
    /// A second line under the title.
    pub description: Option<String>,
}

/// A call-to-action URL button.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutCtaParameters {
    /// The button's label.
    pub display_text: Option<String>,
    /// Where it leads.
    pub url: Option<String>,
}

/// `template{name, language{code}, components}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct OutTemplate {
    /// An approved template's name.
    pub name: Option<String>,
    /// Which translation.
    pub language: Option<OutLanguage>,
    /// Parameters for the header, body and buttons.
    pub components: Option<Vec<OutComponent>>,
}

/// `language{code}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutLanguage {
    /// `en_US`, `ar`, ...
    pub code: Option<String>,
}

/// One template component's parameters.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct OutComponent {
    /// `header`, `body` or `button`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The values for `{{1}}`, `{{2}}`, ...
    pub parameters: Option<Vec<OutParameter>>,
}

/// One template parameter; only text parameters are shown to the customer.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct OutParameter {
    /// `text`, `currency`, `date_time`, `image`, ...
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// With `type: text`.
    pub text: Option<String>,
}

/// `context{message_id}`: the message a reply quotes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutContext {
    /// The quoted message.
    pub message_id: Option<String>,
}

/// Media by uploaded id or by link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct OutMedia {
    /// An uploaded media id.
    pub id: Option<String>,
    /// A public link.
    pub link: Option<String>,
    /// A caption under the media.
    pub caption: Option<String>,
    /// A document's file name.
    pub filename: Option<String>,
}

/// `typing_indicator{type: "text"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct TypingIndicator {
    /// Always `text` today.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

// ---------------------------------------------------------------------------
// Answers: stand-in -> bot
// ---------------------------------------------------------------------------

/// The answer to an accepted send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendResponse {
    /// Always [`MESSAGING_PRODUCT`].
    pub messaging_product: String,
    /// The recipient, as the bot named it and as WhatsApp knows it.
    pub contacts: Vec<SentContact>,
    /// The new message's id.
    pub messages: Vec<SentMessage>,
}

/// `{"input", "wa_id"}` in a [`SendResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentContact {
    /// `to` (or `recipient`) exactly as the bot wrote it.
    pub input: String,
    /// The customer's phone number.
    pub wa_id: String,
}

/// `{"id": "wamid...."}` in a [`SendResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentMessage {
    /// The message id later statuses and taps refer to.
    pub id: String,
}

/// The answer to a mark-as-read: `{"success": true}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadResponse {
    /// Always true.
    pub success: bool,
}

/// The answer to a refused call: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// What went wrong.
    pub error: ApiError,
}

/// The Graph API's error object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// `(#131009) Parameter value is not valid`.
    pub message: String,
    /// Always `OAuthException`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The error code.
    pub code: u32,
    /// What exactly is wrong.
    pub error_data: ApiErrorData,
    /// A trace id (meaningless here, but bots log it).
    pub fbtrace_id: String,
}

/// `error_data{messaging_product, details}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorData {
    /// Always [`MESSAGING_PRODUCT`].
    pub messaging_product: String,
    /// What exactly is wrong, in a sentence.
    pub details: String,
}

/// The error codes the stand-in answers, with WhatsApp's titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorCode {
    /// 100: a parameter is invalid (also: unknown recipient id, bad JSON).
    InvalidParameter,
    /// 190: the access token is missing or wrong.
    AccessToken,
    /// 131008: a required parameter is missing.
    MissingParameter,
    /// 131009: a parameter's value is not valid (e.g. 4 reply buttons).
    InvalidValue,
    /// 131026: the message cannot be delivered (not a WhatsApp number).
    Undeliverable,
    /// 131047: free-form message outside the 24-hour window.
    ReEngagement,
    /// 131049: per-user marketing limit.
    MarketingLimit,
    /// 131050: the customer stopped marketing messages.
    StoppedMarketing,
    /// 130429: throughput limit.
    Throughput,
    /// 132001: the template does not exist (in that language).
    TemplateMissing,
}

impl ErrorCode {
    /// The numeric code, as in the API's `code` field.
    pub fn code(self) -> u32 {
        match self {
            ErrorCode::InvalidParameter => 100,
            ErrorCode::AccessToken => 190,
            ErrorCode::MissingParameter => 131008,
            ErrorCode::InvalidValue => 131009,
            ErrorCode::Undeliverable => 131026,
            ErrorCode::ReEngagement => 131047,
            ErrorCode::MarketingLimit => 131049,
            ErrorCode::StoppedMarketing => 131050,
            ErrorCode::Throughput => 130429,
            ErrorCode::TemplateMissing => 132001,
        }
    }

    /// WhatsApp's title for the code.
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::InvalidParameter => "Invalid parameter",
            ErrorCode::AccessToken => "Invalid OAuth access token",
            ErrorCode::MissingParameter => "Required parameter is missing",
            ErrorCode::InvalidValue => "Parameter value is not valid",
            ErrorCode::Undeliverable => "Message undeliverable",
            ErrorCode::ReEngagement => "Re-engagement message",
            ErrorCode::MarketingLimit => {
                "Message not delivered to maintain healthy ecosystem engagement"
            }
            ErrorCode::StoppedMarketing => "User has stopped marketing messages",
            ErrorCode::Throughput => "Rate limit hit",
            ErrorCode::TemplateMissing => "Template name does not exist in the translation",
        }
    }

    /// The HTTP status the API answers the error with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::AccessToken => 401,
            ErrorCode::Throughput => 429,
            _ => 400,
        }
    }
}

impl ErrorResponse {
    /// The error WhatsApp would answer, with `details` saying exactly what
    /// is wrong.
    pub fn new(code: ErrorCode, details: impl Into<String>, fbtrace_id: impl Into<String>) -> Self {
        ErrorResponse {
            error: ApiError {
                message: format!("(#{}) {}", code.code(), code.title()),
                kind: "OAuthException".to_owned(),
                code: code.code(),
                error_data: ApiErrorData {
                    messaging_product: MESSAGING_PRODUCT.to_owned(),
                    details: details.into(),
                },
                fbtrace_id: fbtrace_id.into(),
            },
        }
    }
}

impl StatusError {
    /// The error inside a `failed` status for `code`.
    pub fn new(code: ErrorCode, details: impl Into<String>) -> Self {
        StatusError {
            code: code.code(),
            title: code.title().to_owned(),
            message: code.title().to_owned(),
            error_data: StatusErrorData {
                details: details.into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_has_the_graph_shape() {
        let error = ErrorResponse::new(ErrorCode::InvalidValue, "too many buttons", "Atrace");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {
                "message": "(#131009) Parameter value is not valid",
                "type": "OAuthException",
                "code": 131009,
                "error_data": {"messaging_product": "whatsapp", "details": "too many buttons"},
                "fbtrace_id": "Atrace",
            }})
        );
    }

    #[test]
    fn interactive_replies_are_tagged_by_type() {
        let reply = InteractiveReply::ListReply {
            list_reply: ListReply {
                id: "r1".into(),
                title: "Returns".into(),
                description: None,
            },
        };
        assert_eq!(
            serde_json::to_string(&reply).unwrap(),
            r#"{"type":"list_reply","list_reply":{"id":"r1","title":"Returns"}}"#
        );
    }

    #[test]
    fn a_request_with_unknown_fields_and_types_still_parses() {
        let request: SendRequest = serde_json::from_str(
            r#"{"messaging_product":"whatsapp","recipient_type":"individual","to":"15550100",
                "type":"text","text":{"body":"hi","preview_url":false},"biz_opaque_callback_data":"x"}"#,
        )
        .unwrap();
        assert_eq!(request.to.as_deref(), Some("15550100"));
        assert_eq!(request.text.and_then(|t| t.body).as_deref(), Some("hi"));
    }
}
