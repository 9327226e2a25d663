//! What the bot sends beyond plain text: message templates with their
//! buttons, follow-ups after silence, and surveys.

use std::collections::HashMap;

use super::Checker;
use crate::diagnostic::Rule;
use crate::model::Millis;
use crate::model::flow::spec::{FollowUpSpec, NodeSpec, Scale, TemplateSpec};
use crate::model::flow::{FollowUp, IntentRoutes, NodeId, Survey, Template, Text, Title, text_key};
use crate::source::KeyPath;
use crate::text::did_you_mean;

/// The longest a bot waits before following up: beyond this, the customer
/// has long forgotten the conversation.
const MAX_FOLLOW_UP: Millis = Millis(30 * 24 * 3_600_000);

impl Checker<'_> {
    /// A message template: its buttons, the opt-out button, and where each
    /// answer leads (a typed answer without a `fallback` route leads to the
    /// flow's start). `start` is `None` when it did not resolve.
    pub(super) fn template(
        &mut self,
        path: &KeyPath,
        name: &str,
        spec: &TemplateSpec,
        start: Option<NodeId>,
    ) -> Option<Template> {
        let buttons: Vec<Title> = spec.buttons.iter().map(|title| Title::new(title)).collect();
        let mut ok = true;
        for (i, button) in buttons.iter().enumerate() {
            if buttons[..i].iter().any(|earlier| earlier.key == button.key) {
                self.report(
                    Rule::DuplicateOption,
                    path.key("buttons").index(i),
                    format!(
                        "`{}` is offered twice; the bot could not tell the taps apart",
                        button.text
                    ),
                );
                ok = false;
            }
        }
        let opt_out = match &spec.opt_out {
            None => None,
            Some(title) => {
                let found = buttons.iter().position(|b| b.key == text_key(title));
                if found.is_none() {
                    let suggestion = did_you_mean(title, spec.buttons.iter().map(String::as_str));
                    self.report(
                        Rule::UnofferedRoute,
                        path.key("opt_out"),
                        format!("`{title}` is not one of the template's buttons{suggestion}"),
                    )
                    .help = Some(
                        "`opt_out` names the button that stops marketing messages, like `opt_out: \"Stop promotions\"`".into(),
                    );
                    ok = false;
                }
                found
            }
        };
        let index: HashMap<&str, usize> = buttons
            .iter()
            .enumerate()
            .map(|(i, button)| (button.key.as_str(), i))
            .collect();
        let routes = self.option_routes(&spec.routes, &path.key("routes"), &index, buttons.len());
        ok &= routes.ok;
        for (key, key_path) in routes.unknown {
            let suggestion = did_you_mean(&key, spec.buttons.iter().map(String::as_str));
            self.report(
                Rule::UnofferedRoute,
                key_path,
                format!("route `{key}` matches no button of template `{name}`{suggestion}"),
            )
            .help = Some("route keys are a button title, `intent NAME` or `fallback`".into());
            ok = false;
        }
        if let Some(opt_out) = opt_out
            && let Some(key_path) = routes.written[opt_out].clone()
        {
            self.report(
                Rule::UnofferedRoute,
                key_path,
                format!(
                    "`{}` is the opt-out button: a tap on it stops marketing messages and leads nowhere",
                    buttons[opt_out].text
                ),
            )
            .help = Some("remove this route".into());
            ok = false;
        }
        let button_routes = routes.options;
        let intent_routes = IntentRoutes::new(routes.intents);
        let fallback = routes.fallback.unwrap_or(start);
        for (index, button) in buttons.iter().enumerate() {
            if button_routes[index].is_none() && Some(index) != opt_out {
                self.report(
                    Rule::UnroutedOption,
                    path.key("buttons").index(index),
                    format!("`{}` has no route: a tap on it leads nowhere", button.text),
                )
                .help = Some(format!(
                    "add `\"{}\": NODE` under the template's `routes:`, or name it `opt_out`",
                    button.text
                ));
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        Some(Template {
            name: name.to_string(),
            category: spec.category,
            body: Text::new(&spec.body),
            footer: spec.footer.clone(),
            buttons,
            opt_out,
            button_routes,
            intent_routes,
            fallback: fallback?,
        })
    }

    /// A node's follow-up: a delay, and a text, a template or both.
    pub(super) fn follow_up(&mut self, path: &KeyPath, spec: &FollowUpSpec) -> Option<FollowUp> {
        let mut ok = true;
        if spec.after == Millis::ZERO || spec.after > MAX_FOLLOW_UP {
            self.report(
                Rule::InvalidFollowUp,
                path.key("after"),
                format!(
                    "`after` is {}; a follow-up waits longer than 0 and at most 30 days",
                    spec.after
                ),
            )
            .help = Some("write it like `after: 1h`".into());
            ok = false;
        }
        if spec.say.is_none() && spec.template.is_none() {
            self.report(
                Rule::InvalidFollowUp,
                path.clone(),
                "a follow-up needs `say:` (a free-form message, inside the 24-hour window) or `template:` (an approved template, at any time)",
            );
            ok = false;
        }
        let template = match &spec.template {
            None => None,
            Some(name) => {
                let found = self.spec.templates.get_index_of(name.as_str());
                if found.is_none() {
                    let suggestion =
                        did_you_mean(name, self.spec.templates.keys().map(String::as_str));
                    self.report(
                        Rule::InvalidFollowUp,
                        path.key("template"),
                        format!("no template is called `{name}`{suggestion}"),
                    )
                    .help = Some("define it under `templates:` at the top of the flow".into());
                    ok = false;
                }
                found
            }
        };
        ok.then(|| FollowUp {
            after: spec.after,
            text: spec.say.as_deref().map(Text::new),
            template,
        })
    }

    /// A survey's scale and what the customer taps.
    pub(super) fn survey(
        &mut self,
        path: &KeyPath,
        node: &NodeSpec,
        question: &str,
    ) -> Option<Survey> {
        let scale = node.scale.unwrap_or_default();
        let (defaults, scores): (&[&str], Vec<u8>) = match scale {
            Scale::Text => (&[], Vec::new()),
            Scale::List => (&["1", "2", "3", "4", "5"], vec![1, 2, 3, 4, 5]),
            Scale::Buttons => (&["Bad", "OK", "Good"], vec![1, 3, 5]),
        };
        let labels: Vec<String> = match &node.labels {
            Some(labels) => labels.clone(),
            None => defaults.iter().map(|label| label.to_string()).collect(),
        };
        if labels.len() != scores.len() {
            let wanted = match scale {
                Scale::Text => "a typed survey takes no labels".to_string(),
                _ => format!(
                    "a `{}` survey needs {} labels, lowest score first, got {}",
                    if scale == Scale::List {
                        "list"
                    } else {
                        "buttons"
                    },
                    scores.len(),
                    labels.len()
                ),
            };
            self.report(Rule::InvalidNode, path.key("labels"), wanted).help = Some(
                "`scale: list` has five rows (scores 1 to 5), `scale: buttons` three buttons (scores 1, 3 and 5), `scale: text` (the default) a typed digit".into(),
            );
            return None;
        }
        let options: Vec<Title> = labels.iter().map(|label| Title::new(label)).collect();
        for (i, option) in options.iter().enumerate() {
            if options[..i].iter().any(|earlier| earlier.key == option.key) {
                self.report(
                    Rule::DuplicateOption,
                    path.key("labels").index(i),
                    format!(
                        "`{}` is offered twice; the bot could not tell the scores apart",
                        option.text
                    ),
                );
                return None;
            }
        }
        Some(Survey {
            question: Text::new(question),
            scale,
            options,
            scores,
            next: None,
            skipped: None,
        })
    }
}
