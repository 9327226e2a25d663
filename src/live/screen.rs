//! What a customer has on screen during one turn of a real bot, and how it
//! becomes the [`Prompt`] the persona logic of the simulation decides on.
//!
//! Reply buttons and list rows become [`Prompt::Options`] (their titles, as
//! the customer reads them); anything else is read as a question to answer
//! ([`Prompt::Question`], its text). A tap the customer decides on is turned
//! back into what WhatsApp sends the bot: a `button_reply` or `list_reply`
//! naming the tapped message and the option's id.

use std::borrow::Cow;
use std::time::Instant;

use super::event::{BotMessage, Shown};
use super::webhook::CustomerMessage;
use crate::conversation::bot::{Prompt, Reply};
use crate::model::SimTime;
use crate::model::flow::{Text, Title};

/// One bot message the customer saw.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub message_id: String,
    pub shown: Shown,
    /// When it reached the customer, in customer time.
    pub at: SimTime,
    /// When the stand-in received it (wall time).
    pub received: Instant,
}

impl Seen {
    pub fn new(message: BotMessage, at: SimTime) -> Seen {
        Seen {
            message_id: message.message_id,
            shown: message.shown,
            at,
            received: message.received,
        }
    }

    /// Whether the customer must act on it: buttons or a list end a bot's
    /// turn, as a choice node ends one in a flow.
    pub fn is_choice(&self) -> bool {
        matches!(self.shown, Shown::Buttons { .. } | Shown::List { .. })
    }

    /// Everything it says in words (header, body, footer), for phrases.
    pub fn words(&self) -> String {
        let (header, footer) = match &self.shown {
            Shown::Buttons { header, footer, .. }
            | Shown::List { header, footer, .. }
            | Shown::CallToAction { header, footer, .. } => (header.as_deref(), footer.as_deref()),
            _ => (None, None),
        };
        [header, self.shown.text(), footer]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The option titles, for a transcript.
    pub fn option_titles(&self) -> Vec<String> {
        match &self.shown {
            Shown::Buttons { buttons, .. } => buttons.iter().map(|b| b.title.clone()).collect(),
            Shown::List { sections, .. } => sections
                .iter()
                .flat_map(|section| section.rows.iter().map(|row| row.title.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Something to tap, and how WhatsApp reports the tap.
#[derive(Debug, Clone)]
struct Tap {
    message_id: String,
    id: String,
    title: String,
    /// A list row's description; `None` for a button.
    row: Option<Option<String>>,
}

/// The prompt of one bot turn, owning what [`Prompt`] borrows.
#[derive(Debug)]
pub(crate) struct OnScreen {
    /// Option titles, or empty for a question.
    titles: Vec<Title>,
    taps: Vec<Tap>,
    question: Text,
    /// Words of bot text to read (as the simulation counts them: the
    /// message texts, not the option titles).
    pub unread_words: u32,
}

impl OnScreen {
    /// The prompt of a turn whose messages are `seen`, in order: the last
    /// message with buttons or a list offers the options; otherwise the last
    /// message's text is the question.
    pub fn new(seen: &[Seen]) -> OnScreen {
        let unread_words = seen
            .iter()
            .filter_map(|seen| seen.shown.text())
            .map(|text| Text::new(text).words)
            .fold(0u32, u32::saturating_add);
        let mut taps = Vec::new();
        if let Some(last) = seen.last().filter(|last| last.is_choice()) {
            let message_id = &last.message_id;
            match &last.shown {
                Shown::Buttons { buttons, .. } => taps.extend(buttons.iter().map(|button| Tap {
                    message_id: message_id.clone(),
                    id: button.id.clone(),
                    title: button.title.clone(),
                    row: None,
                })),
                Shown::List { sections, .. } => taps.extend(sections.iter().flat_map(|section| {
                    section.rows.iter().map(|row| Tap {
                        message_id: message_id.clone(),
                        id: row.id.clone(),
                        title: row.title.clone(),
                        row: Some(row.description.clone()),
                    })
                })),
                _ => {}
            }
        }
        let question = seen
            .iter()
            .rev()
            .find_map(|seen| seen.shown.text())
            .unwrap_or("");
        OnScreen {
            titles: taps.iter().map(|tap| Title::new(&tap.title)).collect(),
            taps,
            question: Text::new(question),
            unread_words,
        }
    }

    /// What the customer must answer, as the persona logic reads it.
    pub fn prompt(&self) -> Prompt<'_> {
        if self.taps.is_empty() {
            Prompt::Question(&self.question)
        } else {
            Prompt::Options(&self.titles)
        }
    }

    /// The webhook message for the customer's reply, and the text a
    /// transcript shows (for a tap, the title).
    pub fn message(&self, reply: &Reply<'_>) -> (CustomerMessage, String, bool) {
        match reply {
            Reply::Tap(index) => match self.taps.get(*index) {
                Some(tap) => {
                    let message = match &tap.row {
                        None => CustomerMessage::ButtonReply {
                            tapped: tap.message_id.clone(),
                            id: tap.id.clone(),
                            title: tap.title.clone(),
                        },
                        Some(description) => CustomerMessage::ListReply {
                            tapped: tap.message_id.clone(),
                            id: tap.id.clone(),
                            title: tap.title.clone(),
                            description: description.clone(),
                        },
                    };
                    (message, tap.title.clone(), true)
                }
                // The persona logic taps only what is on offer.
                None => (CustomerMessage::Text(String::new()), String::new(), false),
            },
            Reply::Typed(typed) => {
                let text: &Cow<'_, str> = &typed.text;
                (
                    CustomerMessage::Text(text.to_string()),
                    text.to_string(),
                    false,
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::event::{Choice, ListRow, ListSection};

    fn seen(shown: Shown) -> Seen {
        Seen {
            message_id: "wamid.1".into(),
            shown,
            at: SimTime::ZERO,
            received: Instant::now(),
        }
    }

    #[test]
    fn buttons_are_options_and_a_tap_names_the_message_and_id() {
        let screen = [
            seen(Shown::Text {
                body: "Your order ships today.".into(),
            }),
            seen(Shown::Buttons {
                header: None,
                body: "Anything else?".into(),
                footer: None,
                buttons: vec![
                    Choice {
                        id: "done".into(),
                        title: "That's all".into(),
                    },
                    Choice {
                        id: "agent".into(),
                        title: "Talk to us".into(),
                    },
                ],
            }),
        ];
        let on_screen = OnScreen::new(&screen);
        assert_eq!(on_screen.unread_words, 6);
        let Prompt::Options(titles) = on_screen.prompt() else {
            panic!("expected options")
        };
        assert_eq!(titles[1].key, "talk to us");
        let (message, shown, tapped) = on_screen.message(&Reply::Tap(1));
        assert_eq!(
            message,
            CustomerMessage::ButtonReply {
                tapped: "wamid.1".into(),
                id: "agent".into(),
                title: "Talk to us".into()
            }
        );
        assert_eq!((shown.as_str(), tapped), ("Talk to us", true));
    }

    #[test]
    fn list_rows_are_options_across_sections() {
        let row = |id: &str, title: &str| ListRow {
            id: id.into(),
            title: title.into(),
            description: Some(format!("about {title}")),
        };
        let screen = [seen(Shown::List {
            header: Some("Returns".into()),
            body: "Why?".into(),
            footer: None,
            button: "Choose".into(),
            sections: vec![
                ListSection {
                    title: Some("A".into()),
                    rows: vec![row("r1", "Damaged")],
                },
                ListSection {
                    title: Some("B".into()),
                    rows: vec![row("r2", "Doesn't fit")],
                },
            ],
        })];
        let on_screen = OnScreen::new(&screen);
        let (message, ..) = on_screen.message(&Reply::Tap(1));
        assert_eq!(
            message,
            CustomerMessage::ListReply {
                tapped: "wamid.1".into(),
                id: "r2".into(),
                title: "Doesn't fit".into(),
                description: Some("about Doesn't fit".into()),
            }
        );
        assert_eq!(screen[0].words(), "Returns\nWhy?");
    }

    #[test]
    fn text_is_a_question() {
        let screen = [seen(Shown::Text {
            body: "Please send your order number".into(),
        })];
        let on_screen = OnScreen::new(&screen);
        let Prompt::Question(text) = on_screen.prompt() else {
            panic!("expected a question")
        };
        assert!(text.lower.contains("order number"));
    }
}
