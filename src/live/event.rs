//! What the stand-in tells its caller: one [`BotEvent`] per accepted call.
//!
//! A [`BotMessage`] is a bot's message as the *customer* sees it ([`Shown`]):
//! texts, button titles, list rows. Ids come along because a tap must name
//! them back, but the customer model decides on what is on screen, never on
//! ids.

use std::time::{Duration, Instant};

use super::api::ErrorCode;

/// Something the bot did that the customer side needs to know.
#[derive(Debug, Clone, PartialEq)]
pub enum BotEvent {
    /// The bot sent a message that reaches the customer.
    Message(BotMessage),
    /// The bot marked a customer message as read (perhaps showing "typing…").
    MarkedRead(MarkedRead),
    /// An accepted message will never reach the customer; the bot was told
    /// by a `failed` status webhook (e.g. 131047 outside the window).
    Undelivered(Undelivered),
}

/// One accepted bot message.
#[derive(Debug, Clone, PartialEq)]
pub struct BotMessage {
    /// The customer's phone number (`wa_id`), whether the bot addressed them
    /// by `to` or by `recipient`.
    pub customer: String,
    /// The id the stand-in answered (`wamid.…`); taps and statuses name it.
    pub message_id: String,
    /// What the customer sees.
    pub shown: Shown,
    /// The message the bot quoted (`context.message_id`), if any.
    pub quoting: Option<String>,
    /// When the stand-in received it (wall time, for response times).
    pub received: Instant,
    /// When it arrived on the live [`Clock`](super::Clock) (since the Unix epoch).
    pub clock_time: Duration,
}

/// A normalized view of a bot message: what a WhatsApp user sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// A plain text message.
    Text {
        /// The text.
        body: String,
    },
    /// A message with 1–3 reply buttons.
    Buttons {
        /// A text header, if any (media headers are not shown).
        header: Option<String>,
        /// The message text.
        body: String,
        /// A footer, if any.
        footer: Option<String>,
        /// The buttons, in order.
        buttons: Vec<Choice>,
    },
    /// A list: a button that opens sections of rows.
    List {
        /// A text header, if any.
        header: Option<String>,
        /// The message text.
        body: String,
        /// A footer, if any.
        footer: Option<String>,
        /// The label of the button that opens the list.
        button: String,
        /// The sections, in order.
        sections: Vec<ListSection>,
    },
    /// A message with one button that opens a link.
    CallToAction {
        /// A text header, if any.
        header: Option<String>,
        /// The message text.
        body: String,
        /// A footer, if any.
        footer: Option<String>,
        /// The button's label.
        display_text: String,
        /// The link.
        url: String,
    },
    /// An approved template.
    Template {
        /// Its name.
        name: String,
        /// Its language code.
        language: String,
        /// Its body with the parameters filled in, when the template's text
        /// was configured ([`Template::body`](super::Template::body)).
        body: Option<String>,
    },
    /// An image, video, audio, document or sticker.
    Media {
        /// `image`, `video`, ...
        kind: String,
        /// Its caption, if any.
        caption: Option<String>,
    },
    /// A kind of message the customer model has no use for (a location, a
    /// reaction, a WhatsApp Flow, ...), accepted as the API accepts it.
    Other {
        /// The request's `type` (for interactive ones, `interactive/<type>`).
        kind: String,
    },
}

/// A reply button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The id a tap sends back.
    pub id: String,
    /// What the customer reads.
    pub title: String,
}

/// A list section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSection {
    /// Its title (required when the list has several sections).
    pub title: Option<String>,
    /// Its rows.
    pub rows: Vec<ListRow>,
}

/// A list row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    /// The id a tap sends back.
    pub id: String,
    /// What the customer reads.
    pub title: String,
    /// A second line, if any.
    pub description: Option<String>,
}

/// The bot marked a customer message as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkedRead {
    /// Whose message.
    pub customer: String,
    /// Which message.
    pub message_id: String,
    /// Whether the customer now sees "typing…".
    pub typing: bool,
    /// When the stand-in received the call.
    pub received: Instant,
}

/// An accepted message that the customer will never see: the stand-in
/// answered it with a message id, as WhatsApp does, and then sends the bot a
/// `failed` status webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelivered {
    /// Whom it was for: the customer's `wa_id`, or for an unknown number,
    /// the digits of `to`.
    pub customer: String,
    /// Which message.
    pub message_id: String,
    /// What the bot tried to show.
    pub shown: Shown,
    /// Why (131047 outside the window, 131026 unknown number).
    pub code: ErrorCode,
    /// When the stand-in decided so.
    pub received: Instant,
}

impl BotEvent {
    /// The customer the event is about.
    pub fn customer(&self) -> &str {
        match self {
            BotEvent::Message(message) => &message.customer,
            BotEvent::MarkedRead(read) => &read.customer,
            BotEvent::Undelivered(undelivered) => &undelivered.customer,
        }
    }
}

impl Shown {
    /// The main text the customer reads (a template's only when known).
    pub fn text(&self) -> Option<&str> {
        match self {
            Shown::Text { body }
            | Shown::Buttons { body, .. }
            | Shown::List { body, .. }
            | Shown::CallToAction { body, .. } => Some(body),
            Shown::Template { body, .. } => body.as_deref(),
            Shown::Media { caption, .. } => caption.as_deref(),
            Shown::Other { .. } => None,
        }
    }
}
