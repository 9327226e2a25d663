//! Intent keywords that cannot be told apart once normalised: typed text is
//! compared by its text key (`model::text_key`: case, accents, Arabic
//! letter variants, digits...), so `Réserver` in one intent and `reserver`
//! in another are one keyword, and the route listed first always wins.

use std::collections::HashMap;

use crate::diagnostic::{Problem, Rule};
use crate::model::flow::Flow;
use crate::source::KeyPath;

/// One warning per intent that shares a keyword with an earlier intent,
/// located at the later intent.
pub(crate) fn check(flow: &Flow, problems: &mut Vec<Problem>) {
    // Each keyword (normalised) to the first intent that has it.
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (index, intent) in flow.intents.iter().enumerate() {
        let mut shared: Vec<(&str, usize)> = Vec::new();
        for keyword in &intent.keywords {
            let owner = *first.entry(keyword.as_str()).or_insert(index);
            if owner != index && !shared.iter().any(|(k, _)| *k == keyword) {
                shared.push((keyword, owner));
            }
        }
        for (keyword, owner) in shared {
            let other = &flow.intents[owner].name;
            problems.push(
                Problem::new(
                    Rule::KeywordCollision,
                    KeyPath::root().key("intents").key(&intent.name),
                    format!(
                        "intents `{other}` and `{}` both have the keyword `{keyword}` (as compared: case, accents and letter variants ignored); at a node routing both, the route listed first always wins",
                        intent.name
                    ),
                )
                .with_help("keep the keyword in one intent, or make them differ in more than case, accents or letter variants"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::load::Loader;

    fn problems(intents: &str) -> Vec<Problem> {
        let flow = format!(
            "flow: f\nstart: ask\nintents: {intents}\nnodes:\n  ask:\n    say: Hi\n    buttons: [Ok]\n    routes: {{Ok: done, fallback: done}}\n  done:\n    end: resolved\n"
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
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].message.contains("`book` and `cancel`"));
        assert!(found[0].message.contains("`reserver`"));
        assert!(found[1].message.contains("`ar` and `ar2`"));
    }

    #[test]
    fn distinct_keywords_and_repeats_within_one_intent_are_fine() {
        assert!(problems("{book: [réserver, Réserver], cancel: [annuler]}").is_empty());
    }
}
