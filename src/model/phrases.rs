//! Phrases a customer recognises in a live bot's messages: `done_when` on a
//! persona's goal, `handoff_when` and `fallback_when` in a scenario's `live:`
//! block. Used by `rehearse live` only; `run` reads flows, not text.
//!
//! Matching is on normalised text ([`text_key`]: lower case, accents and
//! Arabic letter variants folded, runs of white space as one space,
//! typographic quotes and dashes as ASCII), so `We’ll  connect you`
//! matches the phrase `we'll connect you`; and on word boundaries, so `done`
//! is not found in `undone`. All phrases of a set are searched at once with
//! one Aho-Corasick automaton: a bot message costs one pass, however many
//! phrases there are.

use aho_corasick::AhoCorasick;

use super::text_key::text_key;
use crate::diagnostic::{Problem, Rule};
use crate::source::KeyPath;

/// The most phrases one list may hold: a guard against a runaway file, far
/// above what a person writes.
pub const MAX_PHRASES: usize = 1_000;

/// The longest phrase, in characters.
pub const MAX_PHRASE_LENGTH: usize = 500;

/// A set of phrases, compiled for matching.
#[derive(Debug, Clone, Default)]
pub struct Phrases {
    /// As written, in order.
    written: Vec<String>,
    /// Over the normalised phrases, in the same order; `None` when empty.
    matcher: Option<AhoCorasick>,
}

impl PartialEq for Phrases {
    fn eq(&self, other: &Phrases) -> bool {
        self.written == other.written
    }
}

/// Why a phrase cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhraseError {
    /// Nothing left once normalised.
    Empty,
    /// Longer than [`MAX_PHRASE_LENGTH`].
    TooLong(usize),
}

impl std::fmt::Display for PhraseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhraseError::Empty => f.write_str("a phrase is empty"),
            PhraseError::TooLong(n) => write!(
                f,
                "a phrase has {n} characters; at most {MAX_PHRASE_LENGTH} are matched"
            ),
        }
    }
}

impl Phrases {
    /// Compiles `phrases`; the error names the index of the first phrase
    /// that cannot be used. The caller bounds their number.
    pub fn new(phrases: &[String]) -> Result<Phrases, (usize, PhraseError)> {
        let mut normalised = Vec::with_capacity(phrases.len());
        for (index, phrase) in phrases.iter().enumerate() {
            let n = phrase.chars().count();
            if n > MAX_PHRASE_LENGTH {
                return Err((index, PhraseError::TooLong(n)));
            }
            let key = normalise(phrase);
            if key.is_empty() {
                return Err((index, PhraseError::Empty));
            }
            normalised.push(key);
        }
        let matcher = if normalised.is_empty() {
            None
        } else {
            // Phrases are short and few, so building cannot run out of the
            // automaton's limits; if it ever did, matching nothing would
            // hide the problem, so the error is kept as a panic-free
            // fallback to a plain scan (see `find`).
            AhoCorasick::new(&normalised).ok()
        };
        Ok(Phrases {
            written: phrases.to_vec(),
            matcher,
        })
    }

    /// Whether there are no phrases.
    pub fn is_empty(&self) -> bool {
        self.written.is_empty()
    }

    /// The phrases as written.
    pub fn written(&self) -> &[String] {
        &self.written
    }

    /// The first phrase (as written) found in `text` on word boundaries.
    pub fn find(&self, text: &str) -> Option<&str> {
        if self.written.is_empty() {
            return None;
        }
        let haystack = normalise(text);
        let bounded = |start: usize, end: usize| {
            let before = haystack[..start].chars().next_back();
            let after = haystack[end..].chars().next();
            // A phrase that itself starts or ends with punctuation needs no
            // boundary there ("sorry," ends with one).
            let first = haystack[start..end].chars().next();
            let last = haystack[start..end].chars().next_back();
            let open = |outside: Option<char>, inside: Option<char>| {
                !(outside.is_some_and(char::is_alphanumeric)
                    && inside.is_some_and(char::is_alphanumeric))
            };
            open(before, first) && open(after, last)
        };
        match &self.matcher {
            Some(matcher) => matcher
                .find_overlapping_iter(&haystack)
                .find(|found| bounded(found.start(), found.end()))
                .map(|found| self.written[found.pattern().as_usize()].as_str()),
            None => self.written.iter().find_map(|phrase| {
                let key = normalise(phrase);
                haystack
                    .match_indices(&key)
                    .any(|(start, _)| bounded(start, start + key.len()))
                    .then_some(phrase.as_str())
            }),
        }
    }
}

/// The form phrases and messages are compared in: the [`text_key`] every
/// customer-facing match uses (lower case, accents and Arabic letter
/// variants folded, typographic quotes and dashes as ASCII, white space runs
/// as one space, trimmed).
pub fn normalise(text: &str) -> String {
    text_key(text)
}

/// Checks a list of phrases (`done_when`, `handoff_when`, ...) written at
/// `path`: not too many, none empty or overlong. The problem is located at
/// the phrase at fault, or at the list.
pub(crate) fn phrases_at(
    phrases: &[String],
    path: KeyPath,
    rule: Rule,
    help: &str,
) -> Result<Phrases, Problem> {
    if phrases.len() > MAX_PHRASES {
        return Err(Problem::new(
            rule,
            path,
            format!(
                "{} phrases; at most {MAX_PHRASES} are matched",
                phrases.len()
            ),
        )
        .with_help(help.to_string()));
    }
    Phrases::new(phrases).map_err(|(index, error)| {
        Problem::new(rule, path.index(index), error.to_string()).with_help(help.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(list: &[&str]) -> Phrases {
        Phrases::new(&list.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn matches_case_insensitively_on_normalised_text() {
        let handoff = phrases(&["we'll connect you", "an AGENT will"]);
        assert_eq!(
            handoff.find("Thanks!  We’ll\nconnect you now."),
            Some("we'll connect you")
        );
        assert_eq!(
            handoff.find("An agent will reply shortly"),
            Some("an AGENT will")
        );
        assert_eq!(handoff.find("Agents are busy"), None);
    }

    #[test]
    fn matches_on_word_boundaries() {
        let done = phrases(&["done", "sorry,"]);
        assert_eq!(done.find("That's undone"), None);
        assert_eq!(done.find("All done!"), Some("done"));
        assert_eq!(done.find("Sorry, I didn't get that"), Some("sorry,"));
    }

    #[test]
    fn arabic_and_emoji_are_matched_too() {
        let done = phrases(&["تم الإرجاع", "✅ done"]);
        assert_eq!(done.find("شكرا، تم الإرجاع بنجاح"), Some("تم الإرجاع"));
        assert_eq!(done.find("✅ Done! Label sent"), Some("✅ done"));
    }

    #[test]
    fn empty_and_overlong_phrases_are_refused() {
        assert_eq!(
            Phrases::new(&["ok".into(), "  \n".into()]).unwrap_err(),
            (1, PhraseError::Empty)
        );
        let long = "a".repeat(MAX_PHRASE_LENGTH + 1);
        assert!(matches!(
            Phrases::new(&[long]).unwrap_err(),
            (0, PhraseError::TooLong(_))
        ));
        assert_eq!(Phrases::default().find("anything"), None);
    }

    #[test]
    fn overlapping_candidates_are_all_tried() {
        // "agent" inside "agents" fails the boundary; the later "agent will"
        // must still be found.
        let handoff = phrases(&["agent", "agent will"]);
        assert_eq!(handoff.find("agents: an agent will call"), Some("agent"));
    }
}
