//! WhatsApp's message limits as the Cloud API enforces them: each limit of
//! `src/whatsapp.rs` (the one home of the numbers, which lint's W rules read
//! too) with the field the API names in its error details and the error code
//! it answers, so the stand-in answers exactly what a bot would meet in
//! production.
//!
//! Lengths are counted as WhatsApp counts them, in Unicode scalar values
//! (`str::chars`), so Arabic text and emoji are measured right, not in bytes.

use super::api::ErrorCode;
use crate::whatsapp;

/// One length limit on a text field of an outbound message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The field as the API names it in its error details, e.g.
    /// `interactive['body']['text']`.
    pub field: &'static str,
    /// Fewest characters allowed (0: may be empty or absent).
    pub min: usize,
    /// Most characters allowed.
    pub max: usize,
    /// The error the API answers when the field breaks the limit.
    pub code: ErrorCode,
}

impl Limit {
    /// Whether `text` fits, counted in Unicode scalar values.
    pub fn allows(&self, text: &str) -> bool {
        let n = chars(text);
        self.min <= n && n <= self.max
    }

    /// The API-style sentence for a `text` that does not fit.
    pub fn details(&self, text: &str) -> String {
        format!(
            "Param {} must be between {} and {} characters long; it has {}",
            self.field,
            self.min,
            self.max,
            chars(text)
        )
    }
}

/// Characters as WhatsApp counts them.
pub fn chars(text: &str) -> usize {
    whatsapp::length(text)
}

/// A plain text message.
pub const TEXT_BODY: Limit = Limit {
    field: "text['body']",
    min: 1,
    max: whatsapp::TEXT_BODY,
    code: ErrorCode::InvalidParameter,
};
/// The body of a message with buttons, a list or a call to action.
pub const INTERACTIVE_BODY: Limit = Limit {
    field: "interactive['body']['text']",
    min: 1,
    max: whatsapp::INTERACTIVE_BODY,
    code: ErrorCode::InvalidParameter,
};
/// An interactive message's text header.
pub const HEADER: Limit = Limit {
    field: "interactive['header']['text']",
    min: 1,
    max: whatsapp::HEADER_FOOTER,
    code: ErrorCode::InvalidParameter,
};
/// An interactive message's footer.
pub const FOOTER: Limit = Limit {
    field: "interactive['footer']['text']",
    min: 1,
    max: whatsapp::HEADER_FOOTER,
    code: ErrorCode::InvalidParameter,
};
/// A reply button's title.
pub const BUTTON_TITLE: Limit = Limit {
    field: "interactive['action']['buttons'][]['reply']['title']",
    min: 1,
    max: whatsapp::BUTTON_TITLE,
    code: ErrorCode::InvalidValue,
};
/// A reply button's id.
pub const CHOICE_ID: Limit = Limit {
    field: "interactive['action']['buttons'][]['reply']['id']",
    min: 1,
    max: whatsapp::BUTTON_ID,
    code: ErrorCode::InvalidValue,
};
/// A list row's id.
pub const ROW_ID: Limit = Limit {
    field: "interactive['action']['sections'][]['rows'][]['id']",
    min: 1,
    max: whatsapp::ROW_ID,
    code: ErrorCode::InvalidValue,
};
/// The label of the button that opens a list.
pub const LIST_BUTTON: Limit = Limit {
    field: "interactive['action']['button']",
    min: 1,
    max: whatsapp::LIST_BUTTON,
    code: ErrorCode::InvalidValue,
};
/// A list row's title.
pub const ROW_TITLE: Limit = Limit {
    field: "interactive['action']['sections'][]['rows'][]['title']",
    min: 1,
    max: whatsapp::ROW_TITLE,
    code: ErrorCode::InvalidValue,
};
/// A list row's description.
pub const ROW_DESCRIPTION: Limit = Limit {
    field: "interactive['action']['sections'][]['rows'][]['description']",
    min: 0,
    max: whatsapp::ROW_DESCRIPTION,
    code: ErrorCode::InvalidValue,
};
/// A list section's title (required with more than one section).
pub const SECTION_TITLE: Limit = Limit {
    field: "interactive['action']['sections'][]['title']",
    min: 0,
    max: whatsapp::SECTION_TITLE,
    code: ErrorCode::InvalidValue,
};
/// A call-to-action button's label.
pub const CTA_DISPLAY_TEXT: Limit = Limit {
    field: "interactive['action']['parameters']['display_text']",
    min: 1,
    max: whatsapp::CTA_DISPLAY_TEXT,
    code: ErrorCode::InvalidValue,
};

/// Reply buttons per message: 1 to 3 (131009 otherwise).
pub const BUTTONS: (usize, usize) = (1, whatsapp::MAX_REPLY_BUTTONS);
/// Sections per list: 1 to 10 (131009 otherwise).
pub const LIST_SECTIONS: (usize, usize) = (1, whatsapp::LIST_SECTIONS);
/// Rows per list, over all its sections: 1 to 10 (131009 otherwise).
pub const LIST_ROWS: (usize, usize) = (1, whatsapp::LIST_ROWS);

/// The customer-service window: free-form messages are delivered only this
/// long after the customer's last message (131047 otherwise).
pub const SERVICE_WINDOW: std::time::Duration =
    std::time::Duration::from_millis(whatsapp::SERVICE_WINDOW.0);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_scalar_values_not_bytes() {
        // 20 Arabic letters are 40 bytes but fit a 20-character title.
        let arabic = "مرحبا".repeat(4);
        assert_eq!(arabic.len(), 40);
        assert!(BUTTON_TITLE.allows(&arabic));
        // An emoji outside the BMP is one scalar value (two UTF-16 units).
        let emoji = "😀".repeat(20);
        assert!(BUTTON_TITLE.allows(&emoji));
        assert!(!BUTTON_TITLE.allows(&format!("{emoji}x")));
    }

    #[test]
    fn empty_is_refused_only_where_a_minimum_is_set() {
        assert!(!BUTTON_TITLE.allows(""));
        assert!(ROW_DESCRIPTION.allows(""));
    }
}
