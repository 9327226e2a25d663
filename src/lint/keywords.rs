//! Intent keywords that cannot be told apart once normalised: typed text is
//! compared by its text key (`model::text_key`: case, accents, Arabic
//! letter variants, digits...), so `Réserver` in one intent and `reserver`
//! in another are one keyword, and the route listed first always wins.

use std::collections::BTreeSet;

use crate::diagnostic::{Problem, Rule};
use crate::model::flow::{Flow, IntentId, IntentRoutes, NodeKind};
use crate::source::KeyPath;

/// One warning per pair of intents that some node (or template) routes
/// both and that share a keyword, located at the later intent. Intents
/// never routed at the same place may share keywords: "no" can mean
/// "don't block my card" at one question and "that's all" at another.
pub(crate) fn check(flow: &Flow, problems: &mut Vec<Problem>) {
    let mut pairs: BTreeSet<(IntentId, IntentId)> = BTreeSet::new();
    let mut add = |routes: &IntentRoutes| {
        for (i, (a, _)) in routes.iter().enumerate() {
            for (b, _) in &routes[i + 1..] {
                if a != b {
                    pairs.insert(((*a).min(*b), (*a).max(*b)));
                }
            }
        }
    };
    for node in &flow.nodes {
        match &node.kind {
            NodeKind::Choice(choice) => add(&choice.intent_routes),
            NodeKind::Question(question) => add(&question.intent_routes),
            _ => {}
        }
    }
    for template in &flow.templates {
        add(&template.intent_routes);
    }
    for (a, b) in pairs {
        let (first, later) = (&flow.intents[a], &flow.intents[b]);
        let Some(keyword) = later
            .keywords
            .iter()
            .find(|keyword| first.keywords.contains(keyword))
        else {
            continue;
        };
        problems.push(
            Problem::new(
                Rule::KeywordCollision,
                KeyPath::root().key("intents").key(&later.name),
                format!(
                    "intents `{}` and `{}` both have the keyword `{keyword}` (as compared: case, accents and letter variants ignored), and a node routes both: the route listed first always wins",
                    first.name, later.name
                ),
            )
            .with_help("keep the keyword in one intent, or make them differ in more than case, accents or letter variants"),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::load::Loader;

    /// A flow with `intents`, whose one node routes the intents `routed`.
    fn problems(intents: &str, routed: &[&str]) -> Vec<Problem> {
        let routes: String = routed
            .iter()
            .map(|name| format!("intent {name}: done, "))
            .collect();
        let flow = format!(
            "flow: f\nstart: ask\nintents: {intents}\nnodes:\n  ask:\n    say: Hi\n    buttons: [Ok]\n    routes: {{Ok: done, {routes}fallback: done}}\n  done:\n    end: resolved\n"
        );
        let loader = Loader::new().with_file("flow.yaml", flow);
        let flow = loader
            .check_flow(Path::new("flow.yaml"))
            .unwrap()
            .value
            .unwrap();
        let mut problems = Vec::new();
        check(&flow, &mut problems);
        problems
    }

    #[test]
    fn keywords_equal_once_normalised_collide_across_intents() {
        let found = problems(
            "{book: [réserver, rdv], cancel: [annuler, RESERVER], ar: [\"موعد\"], ar2: [\"مَوْعِد\"]}",
            &["book", "cancel", "ar", "ar2"],
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].message.contains("`book` and `cancel`"));
        assert!(found[0].message.contains("`reserver`"));
        assert!(found[1].message.contains("`ar` and `ar2`"));
    }

    #[test]
    fn distinct_keywords_and_repeats_within_one_intent_are_fine() {
        assert!(
            problems(
                "{book: [réserver, Réserver], cancel: [annuler]}",
                &["book", "cancel"]
            )
            .is_empty()
        );
    }

    #[test]
    fn intents_never_routed_together_may_share_keywords() {
        let intents = "{decline: [no, nope], done: [No, bye]}";
        assert!(problems(intents, &["decline"]).is_empty());
        assert_eq!(problems(intents, &["decline", "done"]).len(), 1);
    }
}
