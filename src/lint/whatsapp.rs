//! What the WhatsApp Cloud API accepts, checked on a flow (the limits live in
//! [`crate::whatsapp`]).

use crate::diagnostic::{Problem, Rule};
use crate::model::flow::{ChoiceStyle, Flow, NodeKind};
use crate::source::KeyPath;
use crate::whatsapp::{
    BUTTON_TITLE, HEADER_FOOTER, INTERACTIVE_BODY, LIST_BUTTON, LIST_ROWS, LIST_SECTIONS,
    MAX_TEMPLATE_BUTTONS, ROW_DESCRIPTION, ROW_TITLE, SECTION_TITLE, SERVICE_WINDOW, TEMPLATE_BODY,
    TEMPLATE_BUTTON, TEMPLATE_FOOTER, TEXT_BODY, length,
};

/// `1 section`, `3 rows`.
fn counted(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
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

/// A template's body, footer and buttons against WhatsApp's template limits.
fn check_templates(flow: &Flow, problems: &mut Vec<Problem>) {
    for template in &flow.templates {
        let path = KeyPath::root().key("templates").key(&template.name);
        let body = length(&template.body.text);
        if body == 0 || body > TEMPLATE_BODY {
            problems.push(
                Problem::new(
                    Rule::TemplateLimits,
                    path.key("body"),
                    format!("the template body has {body} characters; WhatsApp allows 1 to {TEMPLATE_BODY}"),
                )
                .with_help("shorten it: a template is read in a notification"),
            );
        }
        if let Some(footer) = &template.footer {
            problems.extend(check_length(
                Rule::TemplateLimits,
                path.key("footer"),
                "the template footer",
                footer,
                TEMPLATE_FOOTER,
                true,
            ));
        }
        if template.buttons.len() > MAX_TEMPLATE_BUTTONS {
            problems.push(
                Problem::new(
                    Rule::TemplateLimits,
                    path.key("buttons"),
                    format!(
                        "the template has {}; WhatsApp allows at most {MAX_TEMPLATE_BUTTONS}",
                        counted(template.buttons.len(), "button")
                    ),
                )
                .with_help("keep the few answers most customers want"),
            );
        }
        for (i, button) in template.buttons.iter().enumerate() {
            problems.extend(check_length(
                Rule::TemplateLimits,
                path.key("buttons").index(i),
                "a template button label",
                &button.text,
                TEMPLATE_BUTTON,
                false,
            ));
        }
    }
}

/// A free-form follow-up that can only come after the service window has
/// closed: the customer's last message came before the bot's last one.
fn check_follow_ups(flow: &Flow, problems: &mut Vec<Problem>) {
    for node in &flow.nodes {
        let Some(follow_up) = &node.follow_up else {
            continue;
        };
        if follow_up.text.is_some() && follow_up.after >= SERVICE_WINDOW {
            let path = KeyPath::root().key("nodes").key(&node.id).key("follow_up");
            let fate = if follow_up.template.is_some() {
                "the template is sent instead"
            } else {
                "nothing is sent"
            };
            problems.push(
                Problem::new(
                    Rule::OutsideWindow,
                    path.key("say"),
                    format!(
                        "this free-form follow-up comes {} after the bot's last message, when the customer's 24-hour window has closed: WhatsApp refuses it (131047), and {fate}",
                        follow_up.after
                    ),
                )
                .with_help("follow up sooner than 24h, or send an approved `template:` (only templates may be sent outside the window)"),
            );
        }
    }
}

pub(crate) fn check(flow: &Flow, problems: &mut Vec<Problem>) {
    check_templates(flow, problems);
    check_follow_ups(flow, problems);
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
            NodeKind::Message { text, .. } => problems.extend(body("say", &text.text, TEXT_BODY)),
            NodeKind::Question(question) => {
                problems.extend(body("say", &question.text.text, TEXT_BODY))
            }
            NodeKind::Handoff(crate::model::flow::Handoff { text, .. })
            | NodeKind::End(crate::model::flow::End { text, .. }) => problems.extend(
                text.as_ref()
                    .and_then(|text| body("say", &text.text, TEXT_BODY)),
            ),
            NodeKind::Survey(survey) => {
                let (limit, rule, title_limit, what) = match survey.scale {
                    crate::model::flow::Scale::Text => (TEXT_BODY, Rule::ButtonTitle, 0, ""),
                    crate::model::flow::Scale::Buttons => (
                        INTERACTIVE_BODY,
                        Rule::ButtonTitle,
                        BUTTON_TITLE,
                        "a button title",
                    ),
                    crate::model::flow::Scale::List => {
                        (INTERACTIVE_BODY, Rule::RowTitle, ROW_TITLE, "a row title")
                    }
                };
                problems.extend(body("csat", &survey.question.text, limit));
                for (i, label) in survey.options.iter().enumerate() {
                    problems.extend(check_length(
                        rule,
                        path.key("labels").index(i),
                        what,
                        &label.text,
                        title_limit,
                        false,
                    ));
                }
            }
            NodeKind::Call(_) | NodeKind::Split(_) | NodeKind::When(_) => {}
            NodeKind::Choice(choice) => {
                problems.extend(body("say", &choice.text.text, INTERACTIVE_BODY));
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
                                &title.text,
                                BUTTON_TITLE,
                                false,
                            ));
                        }
                    }
                    ChoiceStyle::List(crate::model::flow::List { button, sections }) => {
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
    use std::path::Path;

    use super::*;
    use crate::load::Loader;

    /// The WhatsApp problems of a flow whose one node offers `buttons` (or a
    /// list with `rows`) under `body`.
    fn problems(body: &str, buttons: &[String], rows: &[String]) -> Vec<Problem> {
        let quoted = |items: &[String]| {
            items
                .iter()
                .map(|t| format!("{t:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let routes: String = buttons
            .iter()
            .chain(rows)
            .map(|t| format!("{t:?}: done, "))
            .collect();
        let offer = if rows.is_empty() {
            format!("buttons: [{}]", quoted(buttons))
        } else {
            let rows: String = rows.iter().map(|t| format!("{{title: {t:?}}}, ")).collect();
            format!("list: {{button: Choose, sections: [{{rows: [{rows}]}}]}}")
        };
        let flow = format!(
            "flow: f\nstart: ask\nnodes:\n  ask:\n    say: {body:?}\n    {offer}\n    routes: {{{routes}fallback: done}}\n  done:\n    end: resolved\n"
        );
        let loader = Loader::new().with_file("flow.yaml", flow);
        let flow = loader
            .check_flow(Path::new("flow.yaml"))
            .unwrap()
            .value
            .unwrap_or_else(|| panic!("flow did not load"));
        let mut problems = Vec::new();
        check(&flow, &mut problems);
        problems
    }

    /// `n` characters of `unit` (one character each, several bytes).
    fn chars(unit: char, n: usize) -> String {
        std::iter::repeat_n(unit, n).collect()
    }

    #[test]
    fn limits_count_characters_in_every_script() {
        // Arabic (2 bytes), Devanagari (3 bytes), emoji (4 bytes).
        for unit in ['ب', 'क', '😀'] {
            let title = chars(unit, BUTTON_TITLE);
            let body = chars(unit, INTERACTIVE_BODY);
            assert!(
                problems(&body, std::slice::from_ref(&title), &[]).is_empty(),
                "{unit}: at the limits"
            );
            let long = problems(&format!("{body}{unit}"), &[format!("{title}{unit}")], &[]);
            let rules: Vec<Rule> = long.iter().map(|p| p.rule).collect();
            assert_eq!(rules, [Rule::BodyLength, Rule::ButtonTitle], "{unit}");
            assert!(
                long[0].message.contains("has 1025 characters"),
                "{}",
                long[0].message
            );
            assert!(
                long[1].message.contains("has 21 characters"),
                "{}",
                long[1].message
            );

            let row = chars(unit, ROW_TITLE);
            assert!(
                problems("Hi", &[], std::slice::from_ref(&row)).is_empty(),
                "{unit}"
            );
            let long = problems("Hi", &[], &[format!("{row}{unit}")]);
            assert_eq!(long.len(), 1, "{unit}: {long:?}");
            assert_eq!(long[0].rule, Rule::RowTitle);
        }
        // A plain message's body: 4,096 Arabic letters fit.
        assert_eq!(length(&chars('ب', TEXT_BODY)), TEXT_BODY);
    }
}
