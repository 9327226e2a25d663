//! What the WhatsApp Cloud API accepts (DESIGN.md section 5). Lengths are
//! counted as WhatsApp counts them, in Unicode scalar values (`chars`), so
//! emoji and Arabic text are measured right, not in bytes.

use crate::model::Problem;
use crate::model::flow::{ChoiceStyle, Flow, NodeKind};
use crate::rule::Rule;
use crate::source::KeyPath;

pub const TEXT_BODY: usize = 4096;
pub const INTERACTIVE_BODY: usize = 1024;
pub const HEADER_FOOTER: usize = 60;
pub const BUTTON_TITLE: usize = 20;
pub const LIST_BUTTON: usize = 20;
pub const LIST_ROWS: usize = 10;
pub const LIST_SECTIONS: usize = 10;
pub const ROW_TITLE: usize = 24;
pub const ROW_DESCRIPTION: usize = 72;
pub const SECTION_TITLE: usize = 24;

/// `1 section`, `3 rows`.
fn counted(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn length(text: &str) -> usize {
    text.chars().count()
}

/// A problem when `text` is empty (if that is not allowed) or longer than `max`.
fn check_length(
    rule: Rule,
    path: KeyPath,
    what: &str,
    text: &str,
    max: usize,
    may_be_empty: bool,
) -> Option<Problem> {
    let n = length(text);
    if n == 0 && !may_be_empty {
        Some(
            Problem::new(rule, path, format!("{what} is empty"))
                .with_help("WhatsApp rejects empty titles and labels: write one"),
        )
    } else if n > max {
        Some(
            Problem::new(
                rule,
                path,
                format!("{what} `{text}` has {n} characters; WhatsApp allows {max}"),
            )
            .with_help(format!("shorten it to {max} characters or fewer")),
        )
    } else {
        None
    }
}

pub(crate) fn check(flow: &Flow, problems: &mut Vec<Problem>) {
    for node in &flow.nodes {
        let path = KeyPath::root().key("nodes").key(&node.id);
        let body = |key: &str, text: &str, max: usize| {
            let n = length(text);
            let kind = if max == INTERACTIVE_BODY {
                "a message with buttons or a list"
            } else {
                "a text message"
            };
            (n > max).then(|| {
                Problem::new(
                    Rule::BodyLength,
                    path.key(key),
                    format!("the message has {n} characters; WhatsApp allows {max} in {kind}"),
                )
                .with_help("split it over two nodes, or shorten it")
            })
        };
        match &node.kind {
            NodeKind::Message { text, .. } => problems.extend(body("say", text, TEXT_BODY)),
            NodeKind::Question(question) => problems.extend(body("say", &question.text, TEXT_BODY)),
            NodeKind::Handoff { text, .. } | NodeKind::End { text, .. } => problems.extend(
                text.as_deref()
                    .and_then(|text| body("say", text, TEXT_BODY)),
            ),
            NodeKind::Survey { question, .. } => problems.extend(body("csat", question, TEXT_BODY)),
            NodeKind::Call(_) => {}
            NodeKind::Choice(choice) => {
                problems.extend(body("say", &choice.text, INTERACTIVE_BODY));
                for (key, text) in [("header", &choice.header), ("footer", &choice.footer)] {
                    if let Some(text) = text {
                        problems.extend(check_length(
                            Rule::HeaderFooterLength,
                            path.key(key),
                            &format!("the {key}"),
                            text,
                            HEADER_FOOTER,
                            true,
                        ));
                    }
                }
                match &choice.style {
                    ChoiceStyle::Buttons => {
                        for (i, title) in choice.options.iter().enumerate() {
                            problems.extend(check_length(
                                Rule::ButtonTitle,
                                path.key("buttons").index(i),
                                "a button title",
                                title,
                                BUTTON_TITLE,
                                false,
                            ));
                        }
                    }
                    ChoiceStyle::List { button, sections } => {
                        let list = path.key("list");
                        problems.extend(check_length(
                            Rule::ListButton,
                            list.key("button"),
                            "the list button label",
                            button,
                            LIST_BUTTON,
                            false,
                        ));
                        let rows: usize = sections.iter().map(|section| section.rows.len()).sum();
                        if sections.is_empty() || sections.len() > LIST_SECTIONS || rows > LIST_ROWS
                        {
                            problems.push(
                                Problem::new(
                                    Rule::ListSize,
                                    list.key("sections"),
                                    format!(
                                        "the list has {} and {}; WhatsApp allows 1 to {LIST_SECTIONS} sections and at most {LIST_ROWS} rows in total",
                                        counted(sections.len(), "section"),
                                        counted(rows, "row")
                                    ),
                                )
                                .with_help("split the choice over two nodes, or group rare options under \"Something else\""),
                            );
                        }
                        for (i, section) in sections.iter().enumerate() {
                            let section_path = list.key("sections").index(i);
                            match &section.title {
                                None if sections.len() > 1 => problems.push(
                                    Problem::new(
                                        Rule::SectionTitle,
                                        section_path.clone(),
                                        "a list with several sections needs a title on each",
                                    )
                                    .with_help("add `title:` to the section"),
                                ),
                                None => {}
                                Some(title) => problems.extend(check_length(
                                    Rule::SectionTitle,
                                    section_path.key("title"),
                                    "a section title",
                                    title,
                                    SECTION_TITLE,
                                    false,
                                )),
                            }
                            if section.rows.is_empty() {
                                problems.push(Problem::new(
                                    Rule::ListSize,
                                    section_path.key("rows"),
                                    "a section needs at least one row",
                                ));
                            }
                            for (j, row) in section.rows.iter().enumerate() {
                                let row_path = section_path.key("rows").index(j);
                                problems.extend(check_length(
                                    Rule::RowTitle,
                                    row_path.key("title"),
                                    "a row title",
                                    &row.title,
                                    ROW_TITLE,
                                    false,
                                ));
                                if let Some(description) = &row.description {
                                    problems.extend(check_length(
                                        Rule::RowDescription,
                                        row_path.key("description"),
                                        "a row description",
                                        description,
                                        ROW_DESCRIPTION,
                                        true,
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        // 20 emoji are 80 bytes but 20 characters: allowed.
        let emoji = "😀".repeat(20);
        assert!(
            check_length(
                Rule::ButtonTitle,
                KeyPath::root(),
                "t",
                &emoji,
                BUTTON_TITLE,
                false
            )
            .is_none()
        );
        // 21 Arabic letters are 42 bytes and 21 characters: too long.
        let arabic = "ب".repeat(21);
        assert!(
            check_length(
                Rule::ButtonTitle,
                KeyPath::root(),
                "t",
                &arabic,
                BUTTON_TITLE,
                false
            )
            .is_some()
        );
    }
}
