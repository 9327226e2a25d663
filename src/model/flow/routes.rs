//! A node's intent routes, compiled for the engine: every keyword of every
//! routed intent in one multi-pattern matcher, so typed text is scanned
//! once per message instead of once per keyword.

use aho_corasick::AhoCorasick;

use super::{Intent, IntentId, NodeId, on_word_boundaries};
use crate::model::text_key::pattern_form;

/// The most keywords one matcher holds. Building an automaton takes time
/// quadratic in its keywords in the worst case (aho-corasick 1.1 reorders
/// its states by following swap chains): a hostile flow's 120,000 keywords
/// took 18 s. A node with more (never a real flow) gets several matchers,
/// each scanned in turn.
const KEYWORDS_PER_MATCHER: usize = 1_000;

/// Typed text matching an intent, in route order: the first route whose
/// intent matches wins. Reads as a slice of `(intent, target)` pairs.
#[derive(Debug, Clone, Default)]
pub struct IntentRoutes {
    routes: Vec<(IntentId, NodeId)>,
    /// Built by [`IntentRoutes::compile`] once the flow's intents are known;
    /// without it, [`IntentRoutes::first_match`] tries the intents one by
    /// one (same answer, slower).
    keywords: Option<Vec<Keywords>>,
}

/// Keywords of the routed intents, deduplicated, each with the first route
/// it belongs to: at most [`KEYWORDS_PER_MATCHER`] per matcher.
#[derive(Debug, Clone)]
struct Keywords {
    matcher: AhoCorasick,
    /// By pattern: the index of the first route whose intent has it.
    route: Vec<usize>,
}

impl IntentRoutes {
    /// Routes in the order written; call `IntentRoutes::compile` before
    /// the engine reads them.
    pub fn new(routes: Vec<(IntentId, NodeId)>) -> IntentRoutes {
        IntentRoutes {
            routes,
            keywords: None,
        }
    }

    /// Builds the keyword matcher from the flow's `intents`.
    pub(crate) fn compile(&mut self, intents: &[Intent]) {
        let mut patterns: Vec<&str> = Vec::new();
        let mut route = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (index, (intent, _)) in self.routes.iter().enumerate() {
            for keyword in &intents[*intent].keywords {
                // A keyword of an earlier route already answers first.
                if seen.insert(keyword.as_str()) {
                    patterns.push(keyword);
                    route.push(index);
                }
            }
        }
        // Building can only fail on a size limit a flow within the file
        // limits cannot reach; fall back to the one-by-one path rather than
        // panic.
        self.keywords = patterns
            .chunks(KEYWORDS_PER_MATCHER)
            .zip(route.chunks(KEYWORDS_PER_MATCHER))
            .map(|(patterns, route)| {
                AhoCorasick::new(patterns).ok().map(|matcher| Keywords {
                    matcher,
                    route: route.to_vec(),
                })
            })
            .collect();
    }

    /// The first route whose intent matches typed text: `key` is the text
    /// normalised (`text_key`), `typed` as typed (for regex intents).
    /// The same answer as trying [`Intent::matches`] route by route.
    pub fn first_match(
        &self,
        intents: &[Intent],
        key: &str,
        typed: &str,
    ) -> Option<(IntentId, NodeId)> {
        let Some(keywords) = &self.keywords else {
            return self
                .routes
                .iter()
                .find(|(intent, _)| intents[*intent].matches(key, typed))
                .copied();
        };
        // The earliest route a keyword on word boundaries points at...
        let mut first = self.routes.len();
        for keywords in keywords {
            for found in keywords.matcher.find_overlapping_iter(key) {
                let route = keywords.route[found.pattern().as_usize()];
                if route < first && on_word_boundaries(key, found.start(), found.end()) {
                    first = route;
                }
            }
        }
        // ...unless an earlier route's regex matches (on the text as typed,
        // digits folded, as `Intent::matches` does).
        let typed = pattern_form(typed);
        let by_regex = self.routes[..first].iter().position(|(intent, _)| {
            intents[*intent]
                .regex
                .as_ref()
                .is_some_and(|regex| regex.is_match(&typed))
        });
        self.routes.get(by_regex.unwrap_or(first)).copied()
    }
}

impl IntentRoutes {
    /// How many times typed text is scanned at most to route it: once per
    /// keyword matcher, and once per regex of a routed intent.
    pub(crate) fn scans(&self, intents: &[Intent]) -> usize {
        let matchers = self.keywords.as_ref().map_or(0, Vec::len);
        let regexes = self
            .routes
            .iter()
            .filter(|(intent, _)| intents[*intent].regex.is_some())
            .count();
        matchers + regexes
    }
}

impl std::ops::Deref for IntentRoutes {
    type Target = [(IntentId, NodeId)];

    fn deref(&self) -> &Self::Target {
        &self.routes
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use regex::Regex;

    use super::*;

    fn intent(name: &str, keywords: &[&str], regex: Option<&str>) -> Intent {
        Intent {
            name: name.into(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            regex: regex.map(|r| Regex::new(r).unwrap()),
        }
    }

    fn intents() -> Vec<Intent> {
        vec![
            intent("agent", &["agent", "human", "a person"], None),
            intent("done", &["no", "no thanks", "bye"], None),
            intent("order", &["order"], Some("[A-Z][0-9]{6}")),
            intent("returns", &["return", "wrong item", "agent"], None),
        ]
    }

    fn routes(order: &[usize]) -> IntentRoutes {
        IntentRoutes::new(order.iter().map(|&i| (i, 100 + i)).collect())
    }

    #[test]
    fn the_first_route_in_order_wins_not_the_first_word_in_the_text() {
        let intents = intents();
        let mut routes = routes(&[3, 0, 1]);
        routes.compile(&intents);
        // "agent" belongs to route 0 (returns) and route 1 (agent).
        assert_eq!(
            routes.first_match(&intents, "bye, agent please", "bye, agent please"),
            Some((3, 103))
        );
        assert_eq!(routes.first_match(&intents, "bye", "bye"), Some((1, 101)));
        assert_eq!(routes.first_match(&intents, "agenda", "agenda"), None);
    }

    #[test]
    fn an_earlier_regex_beats_a_later_keyword() {
        let intents = intents();
        let mut routes = routes(&[2, 0]);
        routes.compile(&intents);
        assert_eq!(
            routes.first_match(&intents, "a123456 agent", "A123456 agent"),
            Some((2, 102))
        );
        assert_eq!(
            routes.first_match(&intents, "a123456 agent", "a123456 agent"),
            Some((0, 100))
        );
    }

    #[test]
    fn thousands_of_keywords_are_split_across_matchers_and_keep_route_order() {
        let many: Vec<String> = (0..2_500).map(|i| format!("word{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let intents = vec![
            intent("many", &many, None),
            intent("late", &["word2499"], None),
        ];
        // "word2499" is the many intent's last keyword (in the third
        // matcher) and the late intent's only one: the first route wins.
        for (order, expected) in [([0, 1], 0), ([1, 0], 1)] {
            let mut routes = routes(&order);
            routes.compile(&intents);
            assert_eq!(routes.keywords.as_ref().map(Vec::len), Some(3));
            assert_eq!(
                routes.first_match(&intents, "so word2499 it is", "so word2499 it is"),
                Some((expected, 100 + expected))
            );
            assert_eq!(routes.first_match(&intents, "word25000", "word25000"), None);
        }
    }

    proptest! {
        /// The compiled matcher answers as trying each intent in turn, on
        /// texts made of the keywords' own words and separators (where
        /// overlaps and word boundaries are tested hardest).
        #[test]
        fn compiled_and_one_by_one_agree(
            words in proptest::collection::vec(
                prop::sample::select(vec![
                    "no", "no thanks", "agent", "agenda", "a", "person", "bye", "order",
                    "A123456", "wrong", "item", "return", "returns", " ", ",", "é", "x",
                ]),
                0..12,
            ),
            separators in proptest::collection::vec(prop::sample::select(vec!["", " ", "-", "!"]), 12),
            order in Just(vec![0usize, 1, 2, 3]).prop_shuffle(),
            take in 0usize..=4,
        ) {
            let intents = intents();
            let typed: String = words
                .iter()
                .zip(&separators)
                .flat_map(|(word, sep)| [*word, *sep])
                .collect();
            let key = typed.to_lowercase();
            let slow = routes(&order[..take]);
            let mut fast = slow.clone();
            fast.compile(&intents);
            prop_assert_eq!(
                fast.first_match(&intents, &key, &typed),
                slow.first_match(&intents, &key, &typed)
            );
        }
    }
}
