//! What a customer can choose and where it leads: options and lists, the
//! `routes:` that map them (and intents, and the fallback) to nodes, and
//! A/B splits.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::{Checker, MAX_MARKS};
use crate::diagnostic::Rule;
use crate::model::flow::spec::NodeSpec;
use crate::model::flow::{
    Choice, ChoiceStyle, IntentId, IntentRoutes, NodeId, NodeKind, Text, Title, text_key,
};
use crate::source::KeyPath;
use crate::text::{Suggestions, did_you_mean, list};
use crate::whatsapp::MAX_REPLY_BUTTONS;

/// What [`Checker::option_routes`] read.
pub(super) struct OptionRoutes {
    /// Where each option leads.
    pub(super) options: Vec<Option<NodeId>>,
    /// Where each option's route is written.
    pub(super) written: Vec<Option<KeyPath>>,
    pub(super) intents: Vec<(IntentId, NodeId)>,
    /// `Some` when `fallback` is written (`Some(None)`: to no node).
    pub(super) fallback: Option<Option<NodeId>>,
    /// Keys that name no option, intent or fallback.
    pub(super) unknown: Vec<(String, KeyPath)>,
    /// Whether every target and intent resolved.
    pub(super) ok: bool,
}

impl Checker<'_> {
    /// An A/B split: shares that add up to 1, a route per variant, and
    /// variant names unique in the flow (the report groups by them).
    pub(super) fn split(
        &mut self,
        path: &KeyPath,
        node: &NodeSpec,
        shares: &IndexMap<String, f64>,
    ) -> Option<NodeKind> {
        let split_path = path.key("split");
        let mut ok = true;
        let total: f64 = shares.values().sum();
        if shares.len() < 2 {
            self.report(
                Rule::SplitShares,
                split_path.clone(),
                "a split needs at least two variants",
            );
            ok = false;
        }
        for (name, share) in shares {
            if !(share.is_finite() && (0.0..=1.0).contains(share)) {
                self.report(
                    Rule::SplitShares,
                    split_path.key(name),
                    format!("a variant's share is between 0 and 1, got {share}"),
                );
                ok = false;
            }
            if self.variants.contains(name) {
                self.report(
                    Rule::SplitShares,
                    split_path.key(name),
                    format!("variant `{name}` is named by another split too; the report tells variants apart by name"),
                )
                .help = Some("give each variant of the flow a name of its own".into());
                ok = false;
            }
        }
        if ok && (total - 1.0).abs() > 0.005 {
            self.report(
                Rule::SplitShares,
                split_path.clone(),
                format!("the variants' shares add up to {total}, not 1"),
            )
            .help = Some("each share is the fraction of customers sent to that variant".into());
            ok = false;
        }
        let mut routed = vec![None; shares.len()];
        for (key, target) in node.routes.iter().flatten() {
            let key_path = path.key("routes").key(key);
            match shares.get_index_of(key) {
                Some(index) => routed[index] = self.resolve(target, key_path),
                None => {
                    let suggestion = did_you_mean(key, shares.keys().map(String::as_str));
                    self.report(
                        Rule::UnofferedRoute,
                        key_path,
                        format!("route `{key}` names no variant of this split{suggestion}"),
                    );
                    ok = false;
                }
            }
        }
        for ((name, _), route) in shares.iter().zip(&routed) {
            if route.is_none() {
                self.report(
                    Rule::UnroutedOption,
                    split_path.key(name),
                    format!("variant `{name}` has no route: customers sent to it would go nowhere"),
                )
                .help = Some(format!("add `{name}: NODE` under `routes:`"));
                ok = false;
            }
        }
        if ok && self.variants.len() + shares.len() > MAX_MARKS {
            self.report(
                Rule::SplitShares,
                split_path.clone(),
                format!("a flow has at most {MAX_MARKS} variants over all its splits"),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        let mut weighted = Vec::with_capacity(shares.len());
        for ((name, share), route) in shares.iter().zip(routed) {
            self.variants.push(name.clone());
            weighted.push((*share, (self.variants.len() - 1, route?)));
        }
        let variants = crate::model::Weighted::new(weighted).ok()?;
        let name = match path.segments().last() {
            Some(crate::source::Segment::Key(name)) => name.as_str(),
            _ => "",
        };
        Some(NodeKind::Split(crate::model::flow::Split {
            variants,
            key: crate::model::flow::stable_hash(name),
        }))
    }

    pub(super) fn choice(
        &mut self,
        path: &KeyPath,
        node: &NodeSpec,
        style: ChoiceStyle,
        options: Vec<Title>,
    ) -> Option<NodeKind> {
        let option_paths = style.option_paths(path, options.len());
        let text = self.required_say(path, node, "a node with buttons or a list");
        let mut ok = text.is_some();
        if matches!(style, ChoiceStyle::Buttons)
            && (options.is_empty() || options.len() > MAX_REPLY_BUTTONS)
        {
            self.report(
                Rule::ButtonCount,
                path.key("buttons"),
                format!(
                    "WhatsApp allows 1 to {MAX_REPLY_BUTTONS} reply buttons, this node has {}",
                    options.len()
                ),
            )
            .help = Some("with more than 3 options, use a `list:` (up to 10 rows)".into());
            ok = false;
        }
        // Option keys to their first index: duplicates, and routes to options.
        let mut option_index: HashMap<&str, usize> = HashMap::with_capacity(options.len());
        for (i, title) in options.iter().enumerate() {
            let first = *option_index.entry(title.key.as_str()).or_insert(i);
            if first != i {
                self.report(
                    Rule::DuplicateOption,
                    option_paths[i].clone(),
                    if options[first].text == title.text {
                        format!(
                            "`{}` is offered twice; the bot could not tell the taps apart",
                            title.text
                        )
                    } else {
                        format!(
                            "`{}` and `{}` are the same title once normalised; the bot could not tell them apart when typed",
                            options[first].text, title.text
                        )
                    },
                )
                .help = Some(
                    "give each option a title of its own (case, accents and Arabic letter variants do not tell titles apart)".into(),
                );
                ok = false;
            }
        }
        let routes = self.option_routes(
            node.routes.as_ref().unwrap_or(&IndexMap::new()),
            &path.key("routes"),
            &option_index,
            options.len(),
        );
        ok &= routes.ok;
        for (key, key_path) in routes.unknown {
            let suggestion = did_you_mean(&key, options.iter().map(|option| option.text.as_str()));
            let offered = list(options.iter().map(|option| option.text.as_str()));
            self.report(
                Rule::UnofferedRoute,
                key_path,
                format!("route `{key}` matches no option of this node{suggestion}"),
            )
            .help = Some(format!(
                "route keys are an option ({offered}), `intent NAME` or `fallback`"
            ));
            ok = false;
        }
        let (option_routes, intent_routes, fallback) = (
            routes.options,
            IntentRoutes::new(routes.intents),
            routes.fallback.flatten(),
        );
        ok.then(|| {
            NodeKind::Choice(Choice {
                text: text.unwrap_or_else(|| Text::new("")),
                header: node.header.clone(),
                footer: node.footer.clone(),
                style,
                options,
                option_routes,
                intent_routes,
                fallback,
            })
        })
    }

    /// Reads the `routes:` of something with options to tap (a node's
    /// buttons or list, a template's buttons): an option's title (any case,
    /// looked up in `index`), `intent NAME` or `fallback`, each to a node.
    /// Keys of no such form are given back for the caller to report.
    pub(super) fn option_routes(
        &mut self,
        routes: &IndexMap<String, String>,
        routes_path: &KeyPath,
        index: &HashMap<&str, usize>,
        options: usize,
    ) -> OptionRoutes {
        let mut read = OptionRoutes {
            options: vec![None; options],
            written: vec![None; options],
            intents: Vec::new(),
            fallback: None,
            unknown: Vec::new(),
            ok: true,
        };
        for (key, target) in routes {
            let key_path = routes_path.key(key);
            let target = self.resolve(target, key_path.clone());
            read.ok &= target.is_some();
            if key == "fallback" {
                read.fallback = Some(target);
            } else if let Some(intent) = self.intent_key(key, &key_path) {
                match (intent, target) {
                    (Some(intent), Some(target)) => read.intents.push((intent, target)),
                    _ => read.ok = false,
                }
            } else if let Some(&option) = index.get(text_key(key).as_str()) {
                read.options[option] = target;
                read.written[option] = Some(key_path);
            } else {
                read.unknown.push((key.to_string(), key_path));
            }
        }
        read
    }

    /// For a key of the form `intent NAME`: `Some(Some(index))`, or
    /// `Some(None)` with a problem when no such intent exists. `None` for
    /// keys of any other form.
    pub(super) fn intent_key(&mut self, key: &str, path: &KeyPath) -> Option<Option<IntentId>> {
        let name = key.strip_prefix("intent ")?.trim();
        let found = self.spec.intents.get_index_of(name);
        if found.is_none() {
            let spec = self.spec;
            let suggestion = self
                .intent_names
                .get_or_init(|| Suggestions::new(spec.intents.keys().map(String::as_str)))
                .did_you_mean(name);
            self.report(
                Rule::UnknownIntent,
                path.clone(),
                format!("no intent is called `{name}`{suggestion}"),
            )
            .help = Some("define it under `intents:` at the top of the flow".into());
        }
        Some(found)
    }
}
