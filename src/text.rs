//! Small text helpers shared by the validators.
//!
//! "Did you mean" compares a misspelled name with every candidate, so its
//! cost must stay bounded on a flow of a hundred thousand nodes with
//! thousands of typos: names longer than [`MAX_SUGGESTED`] characters are
//! never compared, a one-off comparison stops after [`SCAN_BUDGET`] table
//! cells, and a large candidate set is indexed once ([`Suggestions`]).

use std::cell::OnceCell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// Names longer than this get no suggestion and are never suggested: a typo
/// is found in names people type, and comparing long texts is costly.
pub(crate) const MAX_SUGGESTED: usize = 64;

/// The most edit-distance table cells one [`closest`] call computes; the
/// candidates after that are not considered.
const SCAN_BUDGET: usize = 200_000;

/// Up to this many candidates, [`Suggestions`] compares with each of them;
/// beyond it, it looks candidates up in an index of one-letter deletions.
const SCAN_CANDIDATES: usize = 256;

/// Lists in messages name at most this many items, then say how many more.
const LISTED: usize = 20;

/// A candidate prepared for comparison: lower-cased, as characters.
struct Prepared<'a> {
    original: &'a str,
    lower: Vec<char>,
}

fn prepare(text: &str) -> Option<Vec<char>> {
    let lower: Vec<char> = text.to_lowercase().chars().collect();
    (lower.len() <= MAX_SUGGESTED).then_some(lower)
}

/// The largest edit distance still taken for a typo between texts of
/// these lengths.
fn tolerance(a: usize, b: usize) -> usize {
    (a.max(b) / 3).max(1)
}

/// The candidate closest to `wanted` by edit distance, if it is close enough
/// to be a plausible typo ("did you mean ...?"); the first of equally close
/// ones. For a handful of candidates: each call compares with all of them
/// (within [`SCAN_BUDGET`]); for many, build [`Suggestions`] once.
pub(crate) fn closest<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted = prepare(wanted)?;
    let mut budget = SCAN_BUDGET;
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        // A length too different is no typo: skipped before any copying.
        let length = candidate.chars().count();
        if length.abs_diff(wanted.len()) > tolerance(wanted.len(), length) {
            continue;
        }
        let Some(lower) = prepare(candidate) else {
            continue;
        };
        let cost = wanted.len().max(1) * lower.len().max(1);
        if cost > budget {
            break;
        }
        budget -= cost;
        let distance = edit_distance_chars(&wanted, &lower);
        if distance <= tolerance(wanted.len(), lower.len())
            && best.is_none_or(|(least, _)| distance < least)
        {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Many candidates (the nodes of a flow, the titles it offers), prepared
/// once for any number of "did you mean" questions. Each question costs
/// about the square of the wanted name's length, not the number of
/// candidates: with more than [`SCAN_CANDIDATES`] candidates, only those
/// sharing a one-letter deletion with the wanted name are compared, which
/// finds every slip of one letter (added, dropped, changed or swapped).
pub(crate) struct Suggestions<'a> {
    candidates: Vec<Prepared<'a>>,
    /// `(hash of a deletion variant, candidate)`, sorted; built on first use.
    index: OnceCell<Vec<(u64, u32)>>,
}

impl<'a> Suggestions<'a> {
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Suggestions<'a> {
        Suggestions {
            candidates: candidates
                .into_iter()
                .filter_map(|original| prepare(original).map(|lower| Prepared { original, lower }))
                .collect(),
            index: OnceCell::new(),
        }
    }

    /// The closest candidate, as [`closest`] would choose it.
    pub fn closest(&self, wanted: &str) -> Option<&'a str> {
        let wanted = prepare(wanted)?;
        let consider = |best: &mut Option<(usize, usize)>, at: usize| {
            let candidate = &self.candidates[at];
            let distance = edit_distance_chars(&wanted, &candidate.lower);
            if distance <= tolerance(wanted.len(), candidate.lower.len())
                && best.is_none_or(|least| (distance, at) < least)
            {
                *best = Some((distance, at));
            }
        };
        let mut best = None;
        if self.candidates.len() <= SCAN_CANDIDATES {
            for at in 0..self.candidates.len() {
                consider(&mut best, at);
            }
        } else {
            let index = self.index.get_or_init(|| {
                let mut index = Vec::new();
                for (at, candidate) in self.candidates.iter().enumerate() {
                    for_each_deletion(&candidate.lower, |hash| index.push((hash, at as u32)));
                }
                index.sort_unstable();
                index.dedup();
                index
            });
            for_each_deletion(&wanted, |hash| {
                let from = index.partition_point(|(key, _)| *key < hash);
                for (_, at) in index[from..].iter().take_while(|(key, _)| *key == hash) {
                    consider(&mut best, *at as usize);
                }
            });
        }
        best.map(|(_, at)| self.candidates[at].original)
    }

    /// ` (did you mean `x`?)` or nothing.
    pub fn did_you_mean(&self, wanted: &str) -> String {
        self.closest(wanted)
            .map(|candidate| format!(" (did you mean `{candidate}`?)"))
            .unwrap_or_default()
    }
}

/// Calls `each` with a hash of `text` and of every text one character
/// shorter.
fn for_each_deletion(text: &[char], mut each: impl FnMut(u64)) {
    let hash = |skip: Option<usize>| {
        let mut hasher = DefaultHasher::new();
        for (i, c) in text.iter().enumerate() {
            if Some(i) != skip {
                c.hash(&mut hasher);
            }
        }
        hasher.finish()
    };
    each(hash(None));
    for skip in 0..text.len() {
        each(hash(Some(skip)));
    }
}

/// Edit distance over Unicode scalar values, counting a swap of two
/// neighbouring characters as one edit (the commonest typo: `titel`).
#[cfg(test)]
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    edit_distance_chars(&a, &b)
}

fn edit_distance_chars(a: &[char], b: &[char]) -> usize {
    // Three rows of the optimal-string-alignment table.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 0..a.len() {
        current[0] = i + 1;
        for j in 0..b.len() {
            let substitution = previous[j] + usize::from(a[i] != b[j]);
            let mut best = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                best = best.min(before[j - 1] + 1);
            }
            current[j + 1] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// ` (did you mean `x`?)` or nothing.
pub(crate) fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    closest(wanted, candidates)
        .map(|candidate| format!(" (did you mean `{candidate}`?)"))
        .unwrap_or_default()
}

/// `a`, `b` and `c` for messages; after [`LISTED`] items, `and 7 more`.
/// Each item is cut to a readable length.
pub(crate) fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut shown: Vec<String> = Vec::new();
    let mut more = 0usize;
    for item in items {
        if shown.len() < LISTED {
            shown.push(format!("`{}`", crate::source::cut(item, 60)));
        } else {
            more += 1;
        }
    }
    if more > 0 {
        shown.push(format!("{more} more"));
    }
    match shown.len() {
        0 => "none".to_string(),
        1 => shown[0].clone(),
        n => format!("{} and {}", shown[..n - 1].join(", "), shown[n - 1]),
    }
}

/// A count for messages, rounded and grouped by thousands (`87,600,000`);
/// beyond a quadrillion, or not finite, in scientific notation.
pub(crate) fn count(n: f64) -> String {
    if !(n.is_finite() && n.abs() < 1e15) {
        return format!("{n:.1e}");
    }
    let digits = (n.round().abs() as u64).to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if n.round() < 0.0 {
        grouped.insert(0, '-');
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(count(0.4), "0");
        assert_eq!(count(1234.0), "1,234");
        assert_eq!(count(87_600_000_000.0), "87,600,000,000");
        assert_eq!(count(-1e6), "-1,000,000");
        assert_eq!(count(f64::INFINITY), "inf");
        assert_eq!(count(2.5e20), "2.5e20");
    }

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(
            closest("retuns_info", ["returns_info", "welcome"]),
            Some("returns_info")
        );
        assert_eq!(closest("zzz", ["returns_info", "welcome"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("titel", "title"), 1);
        assert_eq!(closest("titel", ["title", "rows"]), Some("title"));
    }

    #[test]
    fn an_index_of_many_candidates_finds_one_letter_slips() {
        let names: Vec<String> = (0..10_000).map(|i| format!("node{i}")).collect();
        let suggestions = Suggestions::new(names.iter().map(String::as_str));
        assert_eq!(suggestions.closest("nodee1234"), Some("node1234"));
        assert_eq!(suggestions.closest("noed1234"), Some("node1234"));
        assert_eq!(suggestions.closest("NODE1234"), Some("node1234"));
        assert_eq!(suggestions.closest("nodx1234"), Some("node1234"));
        assert_eq!(suggestions.closest("zzzzzzzzz"), None);
        // A handful of candidates are all compared, as `closest` does.
        let few = Suggestions::new(["returns_info", "welcome"]);
        assert_eq!(few.closest("retuns_info"), Some("returns_info"));
        assert_eq!(few.did_you_mean("zzz"), "");
    }

    #[test]
    fn long_names_are_not_compared() {
        let long = "x".repeat(MAX_SUGGESTED + 1);
        assert_eq!(closest(&long, [long.as_str()]), None);
        assert_eq!(closest("xx", [long.as_str(), "xy"]), Some("xy"));
    }

    #[test]
    fn lists_name_a_readable_number_of_items() {
        assert_eq!(list([]), "none");
        assert_eq!(list(["a", "b", "c"]), "`a`, `b` and `c`");
        let many: Vec<String> = (0..25).map(|i| i.to_string()).collect();
        let shown = list(many.iter().map(String::as_str));
        assert!(shown.ends_with("`19` and 5 more"), "{shown}");
    }
}
