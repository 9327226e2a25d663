//! WhatsApp's limits and rules (see docs/src/lint-rules.md), in one place for lint,
//! the engine and live mode. Lengths are counted as WhatsApp counts them, in
//! Unicode scalar values, so emoji and Arabic are measured right, not in bytes.
//!
//! Lint's W rules read these numbers to warn a designer; live mode's
//! stand-in (`live::limits`) reads the same numbers to refuse what a bot
//! sends, with the error code the Cloud API answers.

// Some limits only the live stand-in checks.
#![cfg_attr(not(feature = "live"), allow(dead_code))]

/// A plain text message body.
pub const TEXT_BODY: usize = 4096;
/// The body of a message with reply buttons, a list or a call to action.
pub const INTERACTIVE_BODY: usize = 1024;
/// The header and the footer of an interactive message.
pub const HEADER_FOOTER: usize = 60;
/// Reply buttons on one message: at least one, at most this many.
pub const MAX_REPLY_BUTTONS: usize = 3;
/// A reply button's title.
pub const BUTTON_TITLE: usize = 20;
/// A reply button's id (what a tap sends back).
pub const BUTTON_ID: usize = 256;
/// The label of the button that opens a list.
pub const LIST_BUTTON: usize = 20;
/// Rows of a list, over all its sections.
pub const LIST_ROWS: usize = 10;
/// Sections of a list.
pub const LIST_SECTIONS: usize = 10;
/// A list row's title.
pub const ROW_TITLE: usize = 24;
/// A list row's id (what a tap sends back).
pub const ROW_ID: usize = 200;
/// A list row's description.
pub const ROW_DESCRIPTION: usize = 72;
/// A list section's title (required when a list has more than one section).
pub const SECTION_TITLE: usize = 24;
/// A call-to-action button's label.
pub const CTA_DISPLAY_TEXT: usize = 20;

/// A message template's body.
pub const TEMPLATE_BODY: usize = 1024;
/// A message template's footer.
pub const TEMPLATE_FOOTER: usize = 60;
/// Buttons on a message template: at most this many.
pub const MAX_TEMPLATE_BUTTONS: usize = 10;
/// A template button's label.
pub const TEMPLATE_BUTTON: usize = 25;

/// The customer service window: for this long after a customer's last
/// message, the business may send them anything; after it, only approved
/// templates (a free-form message is refused with error 131047).
pub const SERVICE_WINDOW: crate::model::Millis = crate::model::Millis(24 * 3_600_000);

/// Whether a free-form message at `at` is inside the service window opened
/// by the customer's last message at `last_message`: the window is open for
/// the 24 hours after it, and closed from the 24th hour on.
pub fn in_service_window(last_message: crate::model::SimTime, at: crate::model::SimTime) -> bool {
    at.since(last_message) < SERVICE_WINDOW
}

/// The length of `text` as WhatsApp counts it.
pub fn length(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        // 20 emoji are 80 bytes but 20 characters: a valid button title.
        assert_eq!(length(&"😀".repeat(20)), BUTTON_TITLE);
        // 21 Arabic letters are 42 bytes and 21 characters: one too many.
        assert_eq!(length(&"ب".repeat(21)), BUTTON_TITLE + 1);
    }
}
