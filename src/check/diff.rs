//! A metric-level diff between an approved report and a new one: each
//! changed number, old → new, and whether the change is larger than the
//! half-width of the new run's 95% interval (a real change) or not (noise
//! between seeds and replications would move it that much).
//!
//! Both reports are read as YAML trees and compared leaf by leaf, so every
//! number of the report is covered, whichever block it is in. The `ci95`
//! block moves with the numbers it describes; its changes are counted, not
//! listed. Changes are grouped by what they are about (a funnel node, a
//! persona, the rates, a timer) and the groups that moved most come first.
//!
//! Counts (`conversations`, `funnel.NODE.entered`, a campaign's `sent`…)
//! are totals over a report's replications, so each is compared per
//! replication ([`Metric::per_replication`], each report divided by its own
//! `replications`): a report approved at 20 replications and one of the
//! same flow at 40 differ in `replications`, not in every count.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use super::expectations::{plus_minus, show};
use crate::metric::{Metric, Timer};
use crate::stats::Interval;
use crate::yaml::{Document, Node, Value};

/// How a changed number compares with the new run's interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Significance {
    /// The change is larger than the half-width of the new 95% interval:
    /// a real change.
    Beyond(Interval),
    /// It is not: within the noise.
    Within(Interval),
    /// There is no interval (one replication, or a number without one).
    Unknown,
}

/// One changed number.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The report path, like `funnel.ask_order.abandoned`.
    pub path: String,
    /// The typed name, when the path names a report metric.
    pub metric: Option<Metric>,
    /// The approved value; per replication for a count.
    pub old: f64,
    /// The new value; per replication for a count.
    pub new: f64,
    /// Whether it moved beyond its interval.
    pub significance: Significance,
}

impl Change {
    /// How far it moved: in interval half-widths when there is an
    /// interval, else relative to the old value.
    fn score(&self) -> f64 {
        let delta = (self.new - self.old).abs();
        match self.significance {
            Significance::Beyond(i) | Significance::Within(i) if i.half_width() > 0.0 => {
                delta / i.half_width()
            }
            // Every replication agreed on the new value, and the old one
            // is not it.
            Significance::Beyond(_) => f64::INFINITY,
            _ => delta / self.old.abs().max(1e-9),
        }
    }

    /// The run's top-level numbers (seed, replications, conversations)
    /// first, as they explain the rest; then real changes, changes without
    /// an interval, and noise.
    fn rank(&self) -> u8 {
        if !self.path.contains('.') {
            return 0;
        }
        match self.significance {
            Significance::Beyond(_) => 1,
            Significance::Unknown => 2,
            Significance::Within(_) => 3,
        }
    }

    /// `9.2% -> 15.4%`, in the metric's unit; `28.95 -> 0 per
    /// replication` for a count.
    pub fn old_to_new(&self) -> String {
        match &self.metric {
            Some(metric) => format!(
                "{} -> {}{}",
                show(metric, self.old),
                show(metric, self.new),
                if metric.is_count() {
                    " per replication"
                } else {
                    ""
                }
            ),
            None => format!("{} -> {}", self.old, self.new),
        }
    }

    /// `beyond ±0.7`, `within ±0.7` or `no interval`.
    pub fn verdict(&self) -> String {
        let interval = |i| match &self.metric {
            Some(metric) => plus_minus(metric, i),
            None => format!("±{}", Interval::half_width(&i)),
        };
        match self.significance {
            Significance::Beyond(i) => format!("beyond {}", interval(i)),
            Significance::Within(i) => format!("within {}", interval(i)),
            Significance::Unknown => "no interval".to_string(),
        }
    }

    /// Whether it moved beyond its interval.
    pub fn is_real(&self) -> bool {
        matches!(self.significance, Significance::Beyond(_))
    }
}

/// What differs between an approved report and a new one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    /// Changed numbers, the groups that moved most first.
    pub changes: Vec<Change>,
    /// Other values that changed (names, versions): path, old, new.
    pub text: Vec<(String, String, String)>,
    /// Paths only the new report has.
    pub added: Vec<String>,
    /// Paths only the approved report has.
    pub removed: Vec<String>,
    /// Interval bounds in `ci95` that changed (not listed).
    pub intervals_changed: usize,
}

impl Diff {
    /// Compares the approved report `old` with `new` (both as YAML text),
    /// judging each change by `interval`, the new run's 95% interval of a
    /// metric as the report states it (a count's is that of its total).
    /// Counts are compared per replication. An approved report that is not
    /// YAML differs as a whole.
    pub fn new(old: &str, new: &str, interval: &dyn Fn(&Metric) -> Option<Interval>) -> Diff {
        let mut diff = Diff::default();
        // The project's own parser, with its bounds on nesting and values:
        // an approved snapshot is a file on disk, so it may be anything.
        let (Ok(old), Ok(new)) = (Document::parse(old), Document::parse(new)) else {
            diff.text.push((
                "(whole report)".into(),
                "not readable as YAML".into(),
                "the new report".into(),
            ));
            return diff;
        };
        let old = leaves(&old.root);
        let new = leaves(&new.root);
        let (old_replications, new_replications) = (replications(&old), replications(&new));
        let new_by_path: HashMap<&[String], &Leaf> =
            new.iter().map(|(p, v)| (p.as_slice(), v)).collect();
        let old_paths: HashSet<&[String]> = old.iter().map(|(p, _)| p.as_slice()).collect();
        let is_interval = |path: &[String]| path.first().is_some_and(|first| first == "ci95");
        for (path, old_value) in &old {
            let name = join(path);
            match new_by_path.get(path.as_slice()) {
                None if is_interval(path) => diff.intervals_changed += 1,
                None => diff.removed.push(name),
                Some(new_value) if *new_value == old_value => {}
                Some(_) if is_interval(path) => diff.intervals_changed += 1,
                Some(new_value) => match (old_value, new_value) {
                    (Leaf::Number(old, _), Leaf::Number(new, _)) => {
                        let metric = Metric::parse(&name).ok();
                        let (old, new) = match &metric {
                            Some(metric) => (
                                metric.per_replication(*old, old_replications),
                                metric.per_replication(*new, new_replications),
                            ),
                            None => (*old, *new),
                        };
                        if old == new || (old.is_nan() && new.is_nan()) {
                            // The same count per replication, over another
                            // number of replications: no change.
                            continue;
                        }
                        let interval = |metric: &Metric| {
                            interval(metric).map(|i| i.per_replication(metric, new_replications))
                        };
                        // The change against the spread of the estimate: for a
                        // share or a mean, the same as asking whether the old
                        // value lies in the new interval; for a quantile or a
                        // maximum of all replications together (which need
                        // not lie inside the interval of the replications'
                        // own) still a fair scale.
                        let significance = match metric.as_ref().and_then(&interval) {
                            Some(i) if (new - old).abs() <= i.half_width() => {
                                Significance::Within(i)
                            }
                            Some(i) => Significance::Beyond(i),
                            None => Significance::Unknown,
                        };
                        diff.changes.push(Change {
                            path: name,
                            metric,
                            old,
                            new,
                            significance,
                        });
                    }
                    _ => diff
                        .text
                        .push((name, old_value.to_string(), new_value.to_string())),
                },
            }
        }
        for (path, _) in &new {
            if !old_paths.contains(path.as_slice()) {
                if is_interval(path) {
                    diff.intervals_changed += 1;
                } else {
                    diff.added.push(join(path));
                }
            }
        }
        let positions: HashMap<String, usize> = old
            .iter()
            .enumerate()
            .map(|(i, (path, _))| (join(path), i))
            .collect();
        diff.changes = order(diff.changes, &positions);
        diff
    }

    /// Whether nothing differs at all.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.text.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.intervals_changed == 0
    }

    /// How many numbers moved beyond their interval.
    pub fn real_changes(&self) -> usize {
        self.changes.iter().filter(|c| c.is_real()).count()
    }

    /// `37 numbers changed, 12 beyond their 95% interval; 2 added`
    pub fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        if !self.changes.is_empty() {
            let mut part = format!(
                "{} changed",
                plural(self.changes.len(), "number", "numbers")
            );
            if self
                .changes
                .iter()
                .any(|c| c.significance != Significance::Unknown)
            {
                part.push_str(&format!(
                    ", {} beyond {} 95% interval",
                    self.real_changes(),
                    if self.real_changes() == 1 {
                        "its"
                    } else {
                        "their"
                    }
                ));
            }
            parts.push(part);
        }
        if !self.text.is_empty() {
            parts.push(plural(
                self.text.len(),
                "other value changed",
                "other values changed",
            ));
        }
        if !self.added.is_empty() {
            parts.push(format!("{} added", plural(self.added.len(), "key", "keys")));
        }
        if !self.removed.is_empty() {
            parts.push(format!(
                "{} removed",
                plural(self.removed.len(), "key", "keys")
            ));
        }
        if parts.is_empty() && self.intervals_changed > 0 {
            parts.push(format!(
                "only the intervals changed ({})",
                plural(self.intervals_changed, "bound", "bounds")
            ));
        }
        if parts.is_empty() {
            parts.push("no value changed (only the layout of the file)".into());
        }
        parts.join("; ")
    }

    /// Up to `limit` lines for people, most moved first, then a line saying
    /// how many more there are.
    pub fn lines(&self, limit: usize) -> Vec<String> {
        let width = self
            .changes
            .iter()
            .take(limit)
            .map(|c| c.path.chars().count())
            .max()
            .unwrap_or(0);
        let mut lines: Vec<String> = self
            .changes
            .iter()
            .map(|c| format!("{:width$}  {}  ({})", c.path, c.old_to_new(), c.verdict()))
            .chain(
                self.text
                    .iter()
                    .map(|(path, old, new)| format!("{path}  {old} -> {new}")),
            )
            .chain(self.added.iter().map(|path| format!("{path}  added")))
            .chain(self.removed.iter().map(|path| format!("{path}  removed")))
            .collect();
        if lines.len() > limit {
            let more = lines.len() - limit;
            lines.truncate(limit);
            lines.push(format!("… and {more} more"));
        }
        lines
    }
}

/// Orders changes by group (funnel node, persona, timer, block), the group
/// that moved most first; within a group, most moved first. Ties keep the
/// report's order.
fn order(changes: Vec<Change>, positions: &HashMap<String, usize>) -> Vec<Change> {
    let position = |path: &str| positions.get(path).copied().unwrap_or(usize::MAX);
    let mut groups: Vec<(String, Vec<Change>)> = Vec::new();
    for change in changes {
        let group = group_of(&change.path);
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, members)) => members.push(change),
            None => groups.push((group, vec![change])),
        }
    }
    let by_movement = |a: &Change, b: &Change| {
        a.rank()
            .cmp(&b.rank())
            .then(b.score().partial_cmp(&a.score()).unwrap_or(Ordering::Equal))
            .then(position(&a.path).cmp(&position(&b.path)))
    };
    for (_, members) in &mut groups {
        members.sort_by(by_movement);
    }
    groups.sort_by(|(_, a), (_, b)| by_movement(&a[0], &b[0]));
    groups
        .into_iter()
        .flat_map(|(_, members)| members)
        .collect()
}

/// What a change is about: `funnel.<node>`, `personas.<name>`,
/// `response_time.<timer>`, or the top-level block. The groups are the
/// metric's own ([`Metric::parse`] reads the path), so they follow the
/// report's keys wherever those are defined.
fn group_of(path: &str) -> String {
    match Metric::parse(path).ok() {
        Some(Metric::Funnel(node, _)) => format!("funnel.{node}"),
        Some(Metric::Group(group, name, _)) => format!("{}.{name}", group.key()),
        Some(Metric::Time(timer, _)) => format!("{}.{}", Timer::BLOCK, timer.key()),
        _ => path.split('.').next().unwrap_or(path).to_string(),
    }
}

/// A scalar of a report, read as YAML's core schema reads it, so `0.10`
/// and `0.1` are the same number and `'1'` is text, not a number.
#[derive(Debug, Clone)]
enum Leaf {
    Null,
    Bool(bool),
    /// The value, and the text as written (for display).
    Number(f64, String),
    Text(String),
}

impl Leaf {
    fn of(node: &Node) -> Leaf {
        let text = match &node.value {
            Value::Scalar { text, .. } => text.clone(),
            // Only scalars are leaves.
            Value::Mapping(_) | Value::Sequence(_) => String::new(),
        };
        if node.is_null() {
            Leaf::Null
        } else if let Ok(value) = crate::yaml::de::from_node::<bool>(node) {
            Leaf::Bool(value)
        } else if let Ok(value) = crate::yaml::de::from_node::<f64>(node) {
            Leaf::Number(value, text)
        } else {
            Leaf::Text(text)
        }
    }
}

impl PartialEq for Leaf {
    fn eq(&self, other: &Leaf) -> bool {
        match (self, other) {
            (Leaf::Null, Leaf::Null) => true,
            (Leaf::Bool(a), Leaf::Bool(b)) => a == b,
            // NaN is written the same every time: the same value.
            (Leaf::Number(a, _), Leaf::Number(b, _)) => a == b || (a.is_nan() && b.is_nan()),
            (Leaf::Text(a), Leaf::Text(b)) => a == b,
            _ => false,
        }
    }
}

impl std::fmt::Display for Leaf {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Leaf::Null => f.write_str("null"),
            Leaf::Bool(b) => write!(f, "{b}"),
            Leaf::Number(_, text) | Leaf::Text(text) => f.write_str(text),
        }
    }
}

/// Every scalar of a YAML tree with its path, in document order.
fn leaves(node: &Node) -> Vec<(Vec<String>, Leaf)> {
    fn walk(node: &Node, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Leaf)>) {
        match &node.value {
            Value::Mapping(entries) => {
                for entry in entries.iter() {
                    path.push(entry.key.clone());
                    walk(&entry.value, path, out);
                    path.pop();
                }
            }
            Value::Sequence(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(format!("[{i}]"));
                    walk(child, path, out);
                    path.pop();
                }
            }
            Value::Scalar { .. } => out.push((path.clone(), Leaf::of(node))),
        }
    }
    let mut out = Vec::new();
    walk(node, &mut Vec::new(), &mut out);
    out
}

/// A report's `replications`, what its counts add up over; 0 (counts read
/// as they are) when the report does not say, or says something else than
/// a whole number.
fn replications(leaves: &[(Vec<String>, Leaf)]) -> u32 {
    leaves
        .iter()
        .find(|(path, _)| path.len() == 1 && path[0] == "replications")
        .and_then(|(_, leaf)| match leaf {
            Leaf::Number(value, _) if value.fract() == 0.0 && *value >= 1.0 => {
                Some(value.min(f64::from(u32::MAX)) as u32)
            }
            _ => None,
        })
        .unwrap_or(0)
}

fn join(path: &[String]) -> String {
    let mut out = String::new();
    for part in path {
        if !out.is_empty() && !part.starts_with('[') {
            out.push('.');
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::{FunnelCount, Rate};

    const OLD: &str = "scenario: a
flow: {name: f, version: '1'}
replications: 1
rates: {abandonment: 0.1, fallback: 0.05}
ci95:
  rates:
    abandonment: [0.09, 0.11]
funnel:
  welcome: {entered: 100, abandoned: 5}
  ask: {entered: 50, abandoned: 4}
personas:
  lead: {conversations: 40, rates: {abandonment: 0.2}}
";

    const NEW: &str = "scenario: a
flow: {name: f, version: '2'}
replications: 1
rates: {abandonment: 0.15, fallback: 0.051}
ci95:
  rates:
    abandonment: [0.14, 0.16]
funnel:
  welcome: {entered: 100, abandoned: 6}
  ask: {entered: 50, abandoned: 30}
personas:
  lead: {conversations: 40, rates: {abandonment: 0.2}}
  newcomer: {conversations: 10}
";

    fn intervals(metric: &Metric) -> Option<Interval> {
        let (low, high) = match metric {
            Metric::Rate(Rate::Abandonment) => (0.14, 0.16),
            Metric::Rate(Rate::Fallback) => (0.045, 0.055),
            Metric::Funnel(node, FunnelCount::Abandoned) if node == "welcome" => (3.0, 9.0),
            Metric::Funnel(node, FunnelCount::Abandoned) if node == "ask" => (26.0, 34.0),
            _ => return None,
        };
        Some(Interval { low, high })
    }

    #[test]
    fn lists_each_changed_number_most_moved_first() {
        let diff = Diff::new(OLD, NEW, &intervals);
        let paths: Vec<&str> = diff.changes.iter().map(|c| c.path.as_str()).collect();
        // ask moved 26 against ±4 (6.5 half-widths), abandonment 0.05
        // against ±0.01 (5); both are real. welcome and fallback are noise.
        assert_eq!(
            paths,
            [
                "funnel.ask.abandoned",
                "rates.abandonment",
                "rates.fallback",
                "funnel.welcome.abandoned"
            ]
        );
        assert_eq!(diff.real_changes(), 2);
        assert_eq!(diff.changes[0].old_to_new(), "4 -> 30 per replication");
        assert_eq!(diff.changes[0].verdict(), "beyond ±4");
        assert_eq!(diff.changes[1].old_to_new(), "10% -> 15%");
        assert_eq!(diff.changes[1].verdict(), "beyond ±1.0");
        assert_eq!(diff.changes[2].verdict(), "within ±0.5");
        assert_eq!(
            diff.text,
            [("flow.version".to_string(), "1".to_string(), "2".to_string())]
        );
        assert_eq!(diff.added, ["personas.newcomer.conversations"]);
        assert!(diff.removed.is_empty());
        assert_eq!(diff.intervals_changed, 2);
        assert_eq!(
            diff.summary(),
            "4 numbers changed, 2 beyond their 95% interval; 1 other value changed; 1 key added"
        );
        let lines = diff.lines(3);
        assert_eq!(
            lines[0],
            "funnel.ask.abandoned  4 -> 30 per replication  (beyond ±4)"
        );
        assert_eq!(lines[3], "… and 3 more");
    }

    #[test]
    fn counts_compare_per_replication() {
        // Approved at 20 replications; the same flow at 40: every count
        // about twice as large, the rates about the same.
        let old = "replications: 20
conversations: 2000
rates: {abandonment: 0.1}
funnel:
  welcome: {entered: 2000, abandoned: 100}
  ask: {entered: 1000, abandoned: 80}
";
        let new = "replications: 40
conversations: 4000
rates: {abandonment: 0.1}
funnel:
  welcome: {entered: 4000, abandoned: 204}
  ask: {entered: 2000, abandoned: 160}
";
        // The new run's intervals of the totals: ±40 abandonments at
        // welcome over 40 replications, ±1 a replication.
        let totals = |metric: &Metric| match metric {
            Metric::Funnel(node, FunnelCount::Abandoned) if node == "welcome" => Some(Interval {
                low: 164.0,
                high: 244.0,
            }),
            _ => None,
        };
        let diff = Diff::new(old, new, &totals);
        let paths: Vec<&str> = diff.changes.iter().map(|c| c.path.as_str()).collect();
        // Only what moved per replication: 5 -> 5.1 abandonments at welcome,
        // within ±1; `replications` itself is listed first.
        assert_eq!(paths, ["replications", "funnel.welcome.abandoned"]);
        let welcome = &diff.changes[1];
        assert_eq!((welcome.old, welcome.new), (5.0, 5.1));
        assert_eq!(welcome.old_to_new(), "5 -> 5.1 per replication");
        assert_eq!(welcome.verdict(), "within ±1");
        assert_eq!(diff.real_changes(), 0);
    }

    #[test]
    fn the_same_report_has_an_empty_diff() {
        let diff = Diff::new(OLD, OLD, &intervals);
        assert!(diff.is_empty(), "{diff:?}");
        assert!(Diff::new(OLD, "{", &intervals).text.len() == 1);
    }

    #[test]
    fn scalars_compare_as_yaml_reads_them() {
        // 0.10 is the number 0.1, ~ is null, and a quoted '1' is text.
        let diff = Diff::new(
            "a: 0.10\nb: '1'\nc: ~\n",
            "a: 0.1\nb: 1\nc: null\n",
            &intervals,
        );
        assert!(diff.changes.is_empty(), "{diff:?}");
        assert_eq!(
            diff.text,
            [("b".to_string(), "1".to_string(), "1".to_string())]
        );
        // An approved snapshot is read with the parser's bounds: nesting
        // deeper than any report is refused, not followed.
        let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(Diff::new(&deep, NEW, &intervals).text.len(), 1);
    }
}
