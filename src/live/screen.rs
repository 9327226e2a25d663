//! What a customer has on screen during one turn of a real bot, and how it
//! becomes the [`Prompt`] the persona logic of the simulation decides on.
//!
//! Reply buttons and list rows become [`Prompt::Options`] (their titles, as
//! the customer reads them); anything else is read as a question to answer
//! ([`Prompt::Question`], its text). A screen that shows one of the
//! scenario flow's CSAT surveys is that survey ([`Prompt::Survey`]): buttons
//! or list rows with the survey's option titles, in its order, or, for a
//! survey answered by typing, a last message whose text is the survey's
//! question. A tap the customer decides on is turned back into what
//! WhatsApp sends the bot: a `button_reply` or `list_reply` naming the
//! tapped message and the option's id.

use std::borrow::Cow;
use std::time::Instant;

use super::event::{BotMessage, Shown};
use super::webhook::CustomerMessage;
use crate::conversation::bot::{Prompt, Reply};
use crate::model::SimTime;
use crate::model::flow::{Flow, NodeKind, Scale, Survey, Text, Title};
use crate::model::script::ScriptCounts;

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
pub(crate) struct OnScreen<'f> {
    /// Option titles, or empty for a question.
    titles: Vec<Title>,
    taps: Vec<Tap>,
    question: Text,
    /// The flow's survey this screen shows, if it shows one.
    survey: Option<&'f Survey>,
    /// Words of bot text to read, per script (as the simulation counts
    /// them: the message texts, not the option titles).
    pub unread_words: ScriptCounts,
    /// The last bot message on screen, which a reaction marks.
    last_message_id: String,
}

impl<'f> OnScreen<'f> {
    /// The prompt of a turn whose messages are `seen`, in order: the last
    /// message with buttons or a list offers the options; otherwise the last
    /// message's text is the question. Either may be one of `flow`'s surveys.
    pub fn new(seen: &[Seen], flow: &'f Flow) -> OnScreen<'f> {
        let unread_words = seen
            .iter()
            .filter_map(|seen| seen.shown.text())
            .map(ScriptCounts::words)
            .fold(ScriptCounts::NONE, ScriptCounts::plus);
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
        let titles: Vec<Title> = taps.iter().map(|tap| Title::new(&tap.title)).collect();
        let question = Text::new(question);
        let survey = survey_shown(flow, &titles, &question);
        OnScreen {
            titles,
            taps,
            question,
            survey,
            unread_words,
            last_message_id: seen
                .last()
                .map_or_else(String::new, |last| last.message_id.clone()),
        }
    }

    /// What the customer must answer, as the persona logic reads it.
    pub fn prompt(&self) -> Prompt<'_> {
        if let Some(survey) = self.survey {
            Prompt::Survey(survey)
        } else if self.taps.is_empty() {
            Prompt::Question(&self.question)
        } else {
            Prompt::Options {
                text: &self.question,
                options: &self.titles,
            }
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
            Reply::Media(media) => (
                CustomerMessage::Media {
                    media: *media,
                    reacting_to: self.last_message_id.clone(),
                },
                media.shown(),
                false,
            ),
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

/// The survey of `flow` a screen shows: one offering `titles` (keys equal,
/// in order), or, with nothing to tap, one typed in answer to `question`.
fn survey_shown<'f>(flow: &'f Flow, titles: &[Title], question: &Text) -> Option<&'f Survey> {
    flow.nodes.iter().find_map(|node| match &node.kind {
        NodeKind::Survey(survey) => {
            let shown = match survey.scale {
                Scale::Text => {
                    titles.is_empty() && survey.question.lower.trim() == question.lower.trim()
                }
                Scale::Buttons | Scale::List => {
                    !titles.is_empty()
                        && survey.options.len() == titles.len()
                        && survey
                            .options
                            .iter()
                            .zip(titles)
                            .all(|(option, title)| option.key == title.key)
                }
            };
            shown.then_some(survey)
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::event::{Choice, ListRow, ListSection};

    /// A flow with a menu and a CSAT survey answered with buttons.
    fn flow() -> Flow {
        const FLOW: &str = r#"
flow: screens
version: "1"
start: menu
nodes:
  menu:
    say: "Anything else?"
    buttons: ["That's all", "Talk to us"]
    routes: {"That's all": rate, "Talk to us": rate, fallback: menu}
  rate:
    csat: "How did we do?"
    scale: buttons
    next: done
  done:
    say: "Thanks!"
    end: resolved
"#;
        let loaded = crate::load::Loader::new()
            .with_file("flow.yaml", FLOW)
            .flow("flow.yaml".as_ref());
        match loaded {
            Ok((flow, _)) => flow,
            Err(error) => panic!("{error}"),
        }
    }

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
        let flow = flow();
        let on_screen = OnScreen::new(&screen, &flow);
        assert_eq!(on_screen.unread_words.total(), 6);
        let Prompt::Options {
            options: titles, ..
        } = on_screen.prompt()
        else {
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
        let flow = flow();
        let on_screen = OnScreen::new(&screen, &flow);
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
    fn the_flow_s_survey_is_recognised_by_its_option_titles() {
        let flow = flow();
        let NodeKind::Survey(survey) = &flow.nodes[1].kind else {
            panic!("the second node is the survey")
        };
        let choice = |titles: &[String]| Shown::Buttons {
            header: None,
            body: "How did we do?".into(),
            footer: None,
            buttons: titles
                .iter()
                .enumerate()
                .map(|(index, title)| Choice {
                    id: format!("score-{index}"),
                    title: title.clone(),
                })
                .collect(),
        };
        let titles: Vec<String> = survey.options.iter().map(|o| o.text.clone()).collect();
        let screen = [seen(choice(&titles))];
        let on_screen = OnScreen::new(&screen, &flow);
        assert!(matches!(on_screen.prompt(), Prompt::Survey(_)));
        // The same titles in another order are options, not the survey.
        let reversed: Vec<String> = titles.iter().rev().cloned().collect();
        let screen = [seen(choice(&reversed))];
        let on_screen = OnScreen::new(&screen, &flow);
        assert!(matches!(on_screen.prompt(), Prompt::Options { .. }));
    }

    #[test]
    fn text_is_a_question() {
        let screen = [seen(Shown::Text {
            body: "Please send your order number".into(),
        })];
        let flow = flow();
        let on_screen = OnScreen::new(&screen, &flow);
        let Prompt::Question(text) = on_screen.prompt() else {
            panic!("expected a question")
        };
        assert!(text.lower.contains("order number"));
    }
}
