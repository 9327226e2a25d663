//! Chat transcripts on a page, drawn as the conversation looked.

use std::fmt::Write;

use crate::html::escape::{Escaped, Isolated, dir_auto};
use crate::html::format::fixed;

/// Who said something in a [`Transcript`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// The simulated customer: bubbles on the right, as on their phone.
    Customer,
    /// The bot under test: bubbles on the left.
    Bot,
    /// A human agent after a handoff: on the left, in another shade.
    Agent,
    /// Something that happened without a message (handoff, customer left):
    /// a centred note.
    Event,
}

impl Speaker {
    fn name(self) -> &'static str {
        match self {
            Speaker::Customer => "Customer",
            Speaker::Bot => "Bot",
            Speaker::Agent => "Agent",
            Speaker::Event => "Event",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Speaker::Customer => "customer",
            Speaker::Bot => "bot",
            Speaker::Agent => "agent",
            Speaker::Event => "event",
        }
    }
}

/// One message of a [`Transcript`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Message<'a> {
    /// Who sent it.
    pub speaker: Speaker,
    /// When, in seconds since the conversation started.
    pub at: f64,
    /// What it said; line breaks are kept.
    pub text: &'a str,
    /// Reply buttons or list rows offered with it, shown as chips.
    pub buttons: &'a [&'a str],
    /// A note for the reader that the customer did not see, in small print
    /// under the text: how the bot understood a customer's message.
    pub note: Option<&'a str>,
}

/// A conversation as the customer saw it, drawn as chat bubbles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transcript<'a> {
    /// A heading for it (`Conversation 17 — abandoned in queue`), also the
    /// chat's accessible name.
    pub title: &'a str,
    /// The messages in order.
    pub messages: &'a [Message<'a>],
}

/// `m:ss` (or `h:mm:ss`) since the start of a conversation.
fn clock(seconds: f64) -> String {
    let whole = if seconds.is_finite() {
        seconds.max(0.0).round() as u64
    } else {
        0
    };
    let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes}:{secs:02}")
    }
}

impl Transcript<'_> {
    pub(super) fn render(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "<ol class=\"chat\" aria-label=\"{}\">",
            Escaped(self.title)
        );
        for message in self.messages {
            let speaker = message.speaker;
            let who_class = if speaker == Speaker::Event {
                "sr"
            } else {
                "who"
            };
            let _ = write!(
                out,
                "<li class=\"msg {}\"><span class=\"{who_class}\">{}</span><p{}>{}</p>",
                speaker.class(),
                speaker.name(),
                dir_auto(message.text),
                Escaped(message.text)
            );
            if !message.buttons.is_empty() {
                out.push_str("<ul class=\"chips\" aria-label=\"Buttons\">");
                for button in message.buttons {
                    let _ = write!(out, "<li{}>{}</li>", dir_auto(button), Escaped(button));
                }
                out.push_str("</ul>");
            }
            if let Some(note) = message.note {
                let _ = write!(out, "<small class=\"how\">{}</small>", Isolated(note));
            }
            let seconds = if message.at.is_finite() {
                message.at.max(0.0)
            } else {
                0.0
            };
            let _ = writeln!(
                out,
                "<time datetime=\"PT{}S\">{}</time></li>",
                fixed(seconds, 3),
                clock(seconds)
            );
        }
        out.push_str("</ol>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_counts_from_the_start() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(12.4), "0:12");
        assert_eq!(clock(754.0), "12:34");
        assert_eq!(clock(3725.0), "1:02:05");
        assert_eq!(clock(f64::NAN), "0:00");
    }
}
