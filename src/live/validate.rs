//! What WhatsApp checks in a `POST /messages` body before accepting it, and
//! the normalized [`Shown`] view of what passes.
//!
//! Pure functions of the request (and the configured templates): who the
//! recipient is and whether the 24-hour window is open are the stand-in's
//! business, because they depend on state.

use std::collections::HashSet;

use super::Template;
use super::api::{
    ErrorCode, OutAction, OutHeader, OutInteractive, OutMedia, OutTemplate, SendRequest,
};
use super::event::{Choice, ListRow, ListSection, Shown};
use super::limits::{self, Limit};

/// Why a call is refused: the code and the `details` sentence of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub code: ErrorCode,
    pub details: String,
}

impl Refusal {
    pub(crate) fn new(code: ErrorCode, details: impl Into<String>) -> Self {
        Refusal {
            code,
            details: details.into(),
        }
    }

    fn missing(field: &str) -> Self {
        Refusal::new(
            ErrorCode::MissingParameter,
            format!("The parameter {field} is required."),
        )
    }

    fn invalid(details: impl Into<String>) -> Self {
        Refusal::new(ErrorCode::InvalidValue, details)
    }
}

/// A call that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    /// A message to deliver.
    Send(Outgoing),
    /// A mark-as-read of a customer message.
    Read { message_id: String, typing: bool },
}

/// A message that passed the checks; the recipient is still to be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outgoing {
    pub shown: Shown,
    /// Templates may be sent outside the 24-hour window; nothing else may.
    pub is_template: bool,
    pub quoting: Option<String>,
}

/// Media kinds a bot may send by id or link.
const MEDIA: [&str; 5] = ["image", "audio", "video", "document", "sticker"];
/// Other kinds the API accepts that customers cannot answer in a flow.
const OTHER: [&str; 3] = ["location", "contacts", "reaction"];

/// Checks a request as the Cloud API would.
pub(crate) fn check(
    request: &SendRequest,
    templates: Option<&[Template]>,
) -> Result<Call, Refusal> {
    match request.messaging_product.as_deref() {
        Some(super::api::MESSAGING_PRODUCT) => {}
        Some(other) => {
            return Err(Refusal::new(
                ErrorCode::InvalidParameter,
                format!("Param messaging_product must be 'whatsapp', not '{other}'."),
            ));
        }
        None => {
            return Err(Refusal::new(
                ErrorCode::InvalidParameter,
                "The parameter messaging_product is required.",
            ));
        }
    }
    if let Some(status) = request.status.as_deref() {
        if status != "read" {
            return Err(Refusal::new(
                ErrorCode::InvalidParameter,
                format!("Param status must be 'read', not '{status}'."),
            ));
        }
        let message_id = request
            .message_id
            .clone()
            .ok_or_else(|| Refusal::missing("message_id"))?;
        return Ok(Call::Read {
            message_id,
            typing: request.typing_indicator.is_some(),
        });
    }
    let kind = request.kind.as_deref().unwrap_or("text");
    let shown = match kind {
        "text" => {
            let body = request
                .text
                .as_ref()
                .and_then(|text| text.body.as_deref())
                .ok_or_else(|| Refusal::missing("text['body']"))?;
            fits(&limits::TEXT_BODY, body)?;
            Shown::Text {
                body: body.to_owned(),
            }
        }
        "interactive" => interactive(
            request
                .interactive
                .as_ref()
                .ok_or_else(|| Refusal::missing("interactive"))?,
        )?,
        "template" => template(
            request
                .template
                .as_ref()
                .ok_or_else(|| Refusal::missing("template"))?,
            templates,
        )?,
        media if MEDIA.contains(&media) => {
            let object = match media {
                "image" => &request.image,
                "audio" => &request.audio,
                "video" => &request.video,
                "document" => &request.document,
                _ => &request.sticker,
            };
            let object: &OutMedia = object.as_ref().ok_or_else(|| Refusal::missing(media))?;
            if object.id.is_none() && object.link.is_none() {
                return Err(Refusal::missing(&format!(
                    "{media}['id'] or {media}['link']"
                )));
            }
            Shown::Media {
                kind: media.to_owned(),
                caption: object.caption.clone(),
            }
        }
        other if OTHER.contains(&other) => Shown::Other {
            kind: other.to_owned(),
        },
        other => {
            return Err(Refusal::new(
                ErrorCode::InvalidParameter,
                format!(
                    "Param type must be one of text, interactive, template, {}, {}; not '{other}'.",
                    MEDIA.join(", "),
                    OTHER.join(", ")
                ),
            ));
        }
    };
    Ok(Call::Send(Outgoing {
        is_template: matches!(shown, Shown::Template { .. }),
        shown,
        quoting: request
            .context
            .as_ref()
            .and_then(|context| context.message_id.clone()),
    }))
}

fn fits(limit: &Limit, text: &str) -> Result<(), Refusal> {
    if limit.allows(text) {
        Ok(())
    } else {
        Err(Refusal::new(limit.code, limit.details(text)))
    }
}

fn count(what: &str, n: usize, (min, max): (usize, usize)) -> Result<(), Refusal> {
    if (min..=max).contains(&n) {
        Ok(())
    } else {
        Err(Refusal::invalid(format!(
            "Invalid {what} count. Min allowed {what}: {min}, Max allowed {what}: {max}; got {n}."
        )))
    }
}

fn interactive(message: &OutInteractive) -> Result<Shown, Refusal> {
    let kind = message
        .kind
        .as_deref()
        .ok_or_else(|| Refusal::missing("interactive['type']"))?;
    let body = message.body.as_ref().and_then(|body| body.text.as_deref());
    if let Some(body) = body {
        fits(&limits::INTERACTIVE_BODY, body)?;
    }
    let header = header(message.header.as_ref(), kind)?;
    let footer = match &message.footer {
        Some(footer) => {
            let text = footer
                .text
                .as_deref()
                .ok_or_else(|| Refusal::missing("interactive['footer']['text']"))?;
            fits(&limits::FOOTER, text)?;
            Some(text.to_owned())
        }
        None => None,
    };
    if !matches!(kind, "button" | "list" | "cta_url") {
        // Flows, product lists, location requests: accepted as the API
        // accepts them; the customer model cannot take part in them.
        return Ok(Shown::Other {
            kind: format!("interactive/{kind}"),
        });
    }
    let body = body
        .ok_or_else(|| Refusal::missing("interactive['body']['text']"))?
        .to_owned();
    let action = message
        .action
        .as_ref()
        .ok_or_else(|| Refusal::missing("interactive['action']"))?;
    Ok(match kind {
        "button" => Shown::Buttons {
            header,
            body,
            footer,
            buttons: buttons(action)?,
        },
        "list" => {
            let button = action
                .button
                .as_deref()
                .ok_or_else(|| Refusal::missing("interactive['action']['button']"))?;
            fits(&limits::LIST_BUTTON, button)?;
            Shown::List {
                header,
                body,
                footer,
                button: button.to_owned(),
                sections: sections(action)?,
            }
        }
        _ => {
            if let Some(name) = action.name.as_deref().filter(|name| *name != "cta_url") {
                return Err(Refusal::invalid(format!(
                    "Param interactive['action']['name'] must be 'cta_url', not '{name}'."
                )));
            }
            let parameters = action
                .parameters
                .as_ref()
                .ok_or_else(|| Refusal::missing("interactive['action']['parameters']"))?;
            let display_text = parameters.display_text.as_deref().ok_or_else(|| {
                Refusal::missing("interactive['action']['parameters']['display_text']")
            })?;
            fits(&limits::CTA_DISPLAY_TEXT, display_text)?;
            let url = parameters
                .url
                .as_deref()
                .ok_or_else(|| Refusal::missing("interactive['action']['parameters']['url']"))?;
            Shown::CallToAction {
                header,
                body,
                footer,
                display_text: display_text.to_owned(),
                url: url.to_owned(),
            }
        }
    })
}

/// A text header's text; media headers are allowed on buttons only and are
/// not shown.
fn header(header: Option<&OutHeader>, kind: &str) -> Result<Option<String>, Refusal> {
    let Some(header) = header else {
        return Ok(None);
    };
    match header.kind.as_deref() {
        Some("text") => {
            let text = header
                .text
                .as_deref()
                .ok_or_else(|| Refusal::missing("interactive['header']['text']"))?;
            fits(&limits::HEADER, text)?;
            Ok(Some(text.to_owned()))
        }
        Some("image" | "video" | "document") if kind != "list" => Ok(None),
        Some(other) => Err(Refusal::invalid(format!(
            "Param interactive['header']['type'] '{other}' is not allowed in an interactive {kind} message."
        ))),
        None => Err(Refusal::missing("interactive['header']['type']")),
    }
}

fn buttons(action: &OutAction) -> Result<Vec<Choice>, Refusal> {
    let buttons = action.buttons.as_deref().unwrap_or_default();
    count("buttons", buttons.len(), limits::BUTTONS)?;
    let mut titles = HashSet::new();
    let mut ids = HashSet::new();
    let mut choices = Vec::with_capacity(buttons.len());
    for button in buttons {
        match button.kind.as_deref() {
            Some("reply") => {}
            Some(other) => {
                return Err(Refusal::invalid(format!(
                    "Param interactive['action']['buttons'][]['type'] must be 'reply', not '{other}'."
                )));
            }
            None => {
                return Err(Refusal::missing(
                    "interactive['action']['buttons'][]['type']",
                ));
            }
        }
        let reply = button
            .reply
            .as_ref()
            .ok_or_else(|| Refusal::missing("interactive['action']['buttons'][]['reply']"))?;
        let id = reply
            .id
            .as_deref()
            .ok_or_else(|| Refusal::missing("interactive['action']['buttons'][]['reply']['id']"))?;
        let title = reply.title.as_deref().ok_or_else(|| {
            Refusal::missing("interactive['action']['buttons'][]['reply']['title']")
        })?;
        fits(&limits::CHOICE_ID, id)?;
        if !limits::BUTTON_TITLE.allows(title) {
            return Err(Refusal::invalid(format!(
                "Button title length invalid. Min length: {}, Max length: {}; '{title}' has {}.",
                limits::BUTTON_TITLE.min,
                limits::BUTTON_TITLE.max,
                limits::chars(title)
            )));
        }
        if !titles.insert(title) {
            return Err(Refusal::invalid(format!(
                "Button title must be unique; '{title}' appears twice."
            )));
        }
        if !ids.insert(id) {
            return Err(Refusal::invalid(format!(
                "Button id must be unique; '{id}' appears twice."
            )));
        }
        choices.push(Choice {
            id: id.to_owned(),
            title: title.to_owned(),
        });
    }
    Ok(choices)
}

fn sections(action: &OutAction) -> Result<Vec<ListSection>, Refusal> {
    let sections = action
        .sections
        .as_deref()
        .ok_or_else(|| Refusal::missing("interactive['action']['sections']"))?;
    count("sections", sections.len(), limits::LIST_SECTIONS)?;
    let rows: usize = sections
        .iter()
        .map(|section| section.rows.as_ref().map_or(0, Vec::len))
        .sum();
    count("rows", rows, limits::LIST_ROWS)?;
    let mut ids = HashSet::new();
    let mut shown = Vec::with_capacity(sections.len());
    for section in sections {
        match section.title.as_deref() {
            Some(title) => fits(&limits::SECTION_TITLE, title)?,
            None if sections.len() > 1 => {
                return Err(Refusal::invalid(
                    "Param interactive['action']['sections'][]['title'] is required when a list has more than one section.",
                ));
            }
            None => {}
        }
        let rows = section.rows.as_deref().unwrap_or_default();
        if rows.is_empty() {
            return Err(Refusal::invalid(
                "Param interactive['action']['sections'][]['rows'] must have at least one row.",
            ));
        }
        let mut shown_rows = Vec::with_capacity(rows.len());
        for row in rows {
            let id = row.id.as_deref().ok_or_else(|| {
                Refusal::missing("interactive['action']['sections'][]['rows'][]['id']")
            })?;
            let title = row.title.as_deref().ok_or_else(|| {
                Refusal::missing("interactive['action']['sections'][]['rows'][]['title']")
            })?;
            fits(&limits::ROW_ID, id)?;
            fits(&limits::ROW_TITLE, title)?;
            if let Some(description) = row.description.as_deref() {
                fits(&limits::ROW_DESCRIPTION, description)?;
            }
            if !ids.insert(id) {
                return Err(Refusal::invalid(format!(
                    "Row id must be unique within a list; '{id}' appears twice."
                )));
            }
            shown_rows.push(ListRow {
                id: id.to_owned(),
                title: title.to_owned(),
                description: row.description.clone(),
            });
        }
        shown.push(ListSection {
            title: section.title.clone(),
            rows: shown_rows,
        });
    }
    Ok(shown)
}

fn template(template: &OutTemplate, known: Option<&[Template]>) -> Result<Shown, Refusal> {
    let name = template
        .name
        .as_deref()
        .ok_or_else(|| Refusal::missing("template['name']"))?;
    let language = template
        .language
        .as_ref()
        .and_then(|language| language.code.as_deref())
        .ok_or_else(|| Refusal::missing("template['language']['code']"))?;
    let body = match known {
        None => None,
        Some(known) => {
            let found = known.iter().find(|t| {
                t.name == name && t.language.as_deref().is_none_or(|code| code == language)
            });
            let Some(found) = found else {
                return Err(Refusal::new(
                    ErrorCode::TemplateMissing,
                    format!("template name ({name}) does not exist in {language}"),
                ));
            };
            found
                .body
                .as_deref()
                .map(|body| fill(body, &body_parameters(template)))
        }
    };
    Ok(Shown::Template {
        name: name.to_owned(),
        language: language.to_owned(),
        body,
    })
}

/// The text parameters of the template's `body` component, in order.
fn body_parameters(template: &OutTemplate) -> Vec<&str> {
    template
        .components
        .iter()
        .flatten()
        .filter(|component| component.kind.as_deref() == Some("body"))
        .flat_map(|component| component.parameters.iter().flatten())
        .map(|parameter| parameter.text.as_deref().unwrap_or(""))
        .collect()
}

/// `Hi {{1}}` with `["Ana"]` -> `Hi Ana`; a placeholder without a value is
/// left as written, as a customer would see a broken template.
fn fill(body: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            let n: usize = after[..end].trim().parse().ok()?;
            let value = values.get(n.checked_sub(1)?)?;
            Some((value, end))
        });
        match value {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn checked(value: serde_json::Value) -> Result<Call, Refusal> {
        let request: SendRequest = serde_json::from_value(value).unwrap();
        check(&request, None)
    }

    fn buttons_request(titles: &[&str]) -> serde_json::Value {
        let buttons: Vec<_> = titles
            .iter()
            .enumerate()
            .map(|(i, title)| json!({"type": "reply", "reply": {"id": format!("b{i}"), "title": title}}))
            .collect();
        json!({"messaging_product": "whatsapp", "to": "1", "type": "interactive",
               "interactive": {"type": "button", "body": {"text": "Pick one"},
                               "action": {"buttons": buttons}}})
    }

    #[test]
    fn reply_buttons_are_shown_as_titles_and_ids() {
        let Ok(Call::Send(outgoing)) = checked(buttons_request(&["Track order", "Returns"])) else {
            panic!("refused");
        };
        assert_eq!(
            outgoing.shown,
            Shown::Buttons {
                header: None,
                body: "Pick one".into(),
                footer: None,
                buttons: vec![
                    Choice {
                        id: "b0".into(),
                        title: "Track order".into()
                    },
                    Choice {
                        id: "b1".into(),
                        title: "Returns".into()
                    },
                ],
            }
        );
    }

    #[test]
    fn button_rules_answer_131009() {
        for titles in [
            &["a", "b", "c", "d"][..],
            &[][..],
            &["a", "a"][..],
            &["123456789012345678901"][..],
            &[""][..],
        ] {
            let refusal = checked(buttons_request(titles)).unwrap_err();
            assert_eq!(refusal.code, ErrorCode::InvalidValue, "{titles:?}");
        }
        // 20 emoji are 20 characters, not 80 bytes.
        assert!(checked(buttons_request(&[&"🙂".repeat(20)])).is_ok());
    }

    #[test]
    fn a_list_needs_section_titles_when_it_has_several_sections() {
        let list = |sections: serde_json::Value| {
            json!({"messaging_product": "whatsapp", "to": "1", "type": "interactive",
                   "interactive": {"type": "list", "body": {"text": "Choose"},
                                   "action": {"button": "Options", "sections": sections}}})
        };
        let one = list(json!([{"rows": [{"id": "r1", "title": "One", "description": "first"}]}]));
        let Ok(Call::Send(outgoing)) = checked(one) else {
            panic!("refused")
        };
        let Shown::List {
            button, sections, ..
        } = outgoing.shown
        else {
            panic!("not a list")
        };
        assert_eq!(button, "Options");
        assert_eq!(sections[0].rows[0].description.as_deref(), Some("first"));

        let two = list(json!([{"rows": [{"id": "r1", "title": "One"}]},
                              {"title": "More", "rows": [{"id": "r2", "title": "Two"}]}]));
        assert_eq!(checked(two).unwrap_err().code, ErrorCode::InvalidValue);

        let rows: Vec<_> = (0..11)
            .map(|i| json!({"id": format!("r{i}"), "title": "x"}))
            .collect();
        let eleven = list(json!([{"rows": rows}]));
        assert_eq!(checked(eleven).unwrap_err().code, ErrorCode::InvalidValue);
    }

    #[test]
    fn lengths_are_checked_in_characters() {
        let text = |body: String| json!({"messaging_product": "whatsapp", "to": "1", "text": {"body": body}});
        assert!(checked(text("ع".repeat(4096))).is_ok());
        assert_eq!(
            checked(text("a".repeat(4097))).unwrap_err().code,
            ErrorCode::InvalidParameter
        );
        let long_body = json!({"messaging_product": "whatsapp", "to": "1", "type": "interactive",
            "interactive": {"type": "button", "body": {"text": "b".repeat(1025)},
                            "action": {"buttons": [{"type": "reply", "reply": {"id": "1", "title": "ok"}}]}}});
        assert_eq!(
            checked(long_body).unwrap_err().code,
            ErrorCode::InvalidParameter
        );
    }

    #[test]
    fn missing_fields_answer_131008() {
        let refusal = checked(json!({"messaging_product": "whatsapp", "to": "1", "type": "text"}))
            .unwrap_err();
        assert_eq!(refusal.code, ErrorCode::MissingParameter);
        let refusal = checked(json!({"to": "1", "text": {"body": "hi"}})).unwrap_err();
        assert_eq!(refusal.code, ErrorCode::InvalidParameter);
    }

    #[test]
    fn templates_must_exist_when_a_list_is_configured() {
        let known = [Template {
            name: "order_update".into(),
            language: Some("en_US".into()),
            body: Some("Hi {{1}}, order {{2}} ships {{3}}.".into()),
        }];
        let request = |name: &str| -> SendRequest {
            serde_json::from_value(json!({"messaging_product": "whatsapp", "to": "1", "type": "template",
                "template": {"name": name, "language": {"code": "en_US"},
                             "components": [{"type": "body", "parameters": [
                                 {"type": "text", "text": "Ana"}, {"type": "text", "text": "A1"}]}]}}))
            .unwrap()
        };
        let Ok(Call::Send(outgoing)) = check(&request("order_update"), Some(&known)) else {
            panic!("refused")
        };
        assert!(outgoing.is_template);
        assert_eq!(outgoing.shown.text(), Some("Hi Ana, order A1 ships {{3}}."));
        assert_eq!(
            check(&request("nope"), Some(&known)).unwrap_err().code,
            ErrorCode::TemplateMissing
        );
        assert!(check(&request("nope"), None).is_ok());
    }

    #[test]
    fn mark_as_read_with_typing() {
        let call = checked(json!({"messaging_product": "whatsapp", "status": "read",
                                  "message_id": "wamid.X", "typing_indicator": {"type": "text"}}));
        assert_eq!(
            call,
            Ok(Call::Read {
                message_id: "wamid.X".into(),
                typing: true
            })
        );
    }
}
