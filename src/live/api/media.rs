//! What a customer sends that is not text or a tap, as the bot receives it:
//! the payloads of `image`, `audio`, `sticker`, `location` and `reaction`
//! messages.

use serde::{Deserialize, Serialize};

/// An uploaded file a customer sent (an image, a voice note, a sticker):
/// the bot downloads it by `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaFile {
    /// The media id, for `GET /{media-id}`.
    pub id: String,
    /// Like `image/jpeg`, `audio/ogg; codecs=opus`, `image/webp`.
    pub mime_type: String,
    /// The file's SHA-256, in hex.
    pub sha256: String,
    /// An image's caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Audio: `true` for a voice note recorded in WhatsApp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<bool>,
    /// A sticker: whether it moves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub animated: Option<bool>,
}

/// A shared location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// A place's name, when the customer shared a place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A place's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// A reaction: `emoji` on the message `message_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// The message reacted to (a bot message's `wamid`).
    pub message_id: String,
    /// The emoji.
    pub emoji: String,
}
