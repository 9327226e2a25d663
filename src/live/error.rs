//! What can go wrong in live mode, as messages that read after "failed to …"
//! or stand alone, each saying what to do about it.

use std::net::SocketAddr;
use std::time::Duration;

/// The stand-in could not start.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// `--listen` names an address other machines could reach.
    #[error(
        "the stand-in listens on loopback only (127.0.0.1 or [::1]), not {0}: it stands in for WhatsApp for a bot on this machine"
    )]
    NotLoopback(SocketAddr),
    /// `--listen` is not an address.
    #[error(
        "`{0}` is not a listen address: write IP:PORT, such as 127.0.0.1:8090 (port 0 picks a free one)"
    )]
    ListenAddress(String),
    /// The port is taken or not ours to take.
    #[error("failed to listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// The bot's webhook URL cannot be used.
    #[error("bot URL `{url}`: {reason}")]
    BotUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A clock speed outside 0.001 to a year per second.
    #[error("speed must be a number from 0.001 to 31536000 (a year per second), not {}", shown(*.0))]
    Speed(f64),
    /// The HTTP client could not be set up.
    #[error("failed to set up the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// The server stopped with an error.
    #[error("the stand-in stopped: {0}")]
    Serve(#[source] std::io::Error),
}

/// A webhook could not be delivered to the bot.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The verification GET could not be made (the HTTP error and its
    /// causes, such as "connection refused").
    #[error("failed to reach the bot for the webhook verification: {0}; is it running at --bot?")]
    VerifyUnreachable(String),
    /// The bot refused the verification.
    #[error(
        "the bot answered the webhook verification with HTTP {status}, not 200 with the challenge: is --bot the webhook's full URL (path included), and does the bot expect this verify token?"
    )]
    VerifyStatus {
        /// The HTTP status the bot answered.
        status: u16,
    },
    /// The bot answered the verification, but not with the challenge.
    #[error(
        "the bot answered the webhook verification with `{body}`, not the challenge `{challenge}`"
    )]
    VerifyBody {
        /// What it answered (cut to 100 characters).
        body: String,
        /// What it should have answered.
        challenge: String,
    },
    /// The bot answered the verification or a webhook with a body over
    /// [`ANSWER_LIMIT`](super::webhook::ANSWER_LIMIT) bytes; rehearse stopped
    /// reading it.
    #[error(
        "the bot answered {what} with more than {limit} bytes; answer the handshake with the challenge alone and a webhook with an empty (or short) body"
    )]
    Oversized {
        /// "the webhook verification" or "a webhook".
        what: &'static str,
        /// The cap, in bytes.
        limit: usize,
    },
    /// The bot answered with a 4xx (or another status that is not retried).
    #[error("the bot refused the webhook with HTTP {status}")]
    Rejected {
        /// The HTTP status the bot answered.
        status: u16,
    },
    /// Every attempt failed (5xx, timeout or no connection).
    #[error(
        "the bot did not take the webhook after {attempts} attempts over {elapsed:.1?}: {last}"
    )]
    GaveUp {
        /// How many POSTs were made.
        attempts: u32,
        /// From the first attempt to giving up.
        elapsed: Duration,
        /// What went wrong the last time.
        last: String,
    },
    /// A status for a message the bot never sent through the stand-in.
    #[error("no bot message has the id `{0}`: a status needs the id the stand-in answered")]
    UnknownMessage(String),
    /// The body could not be encoded (not expected to happen).
    #[error("failed to encode the webhook body: {0}")]
    Encode(#[source] serde_json::Error),
}

/// A speed as a message shows it: short, even when it is huge or tiny.
fn shown(speed: f64) -> String {
    if speed.is_finite() && speed != 0.0 && !(1e-3..1e9).contains(&speed.abs()) {
        format!("{speed:e}")
    } else {
        speed.to_string()
    }
}
