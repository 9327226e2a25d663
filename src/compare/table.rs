//! The tables people read in a comparison, built once from the
//! [`Comparison`] and drawn by the text and markdown renderers, so a column
//! is defined in one place.

use super::primary::canonical;
use super::{
    Change, ChangeVerdict, Comparison, FunnelMove, GroupChange, Overall, Presence, Role, Unit,
};
use crate::metric::{CsatStat, FunnelCount, Group, GroupMetric, Metric, Outcome, Rate, Stat};
use crate::model::Millis;
use crate::report::table::{Align, Cell, Table, percent, thousands};

/// How a metric reads in a table: `self-resolution`, `bot p95`.
pub(crate) fn label(metric: &Metric) -> String {
    match metric {
        Metric::Outcome(outcome) => outcome.key().replace('_', " "),
        Metric::Rate(rate) => rate.header().to_string(),
        Metric::Time(timer, stat) => format!("{} {}", timer.key().replace('_', " "), stat.key()),
        Metric::TurnsMean => "turns (mean)".into(),
        Metric::Csat(stat) => csat_label(*stat).into(),
        Metric::Conversion(goal) => format!("conversion {goal}"),
        Metric::ConversionValue(goal) => format!("{goal} value per conversation"),
        Metric::Retention(days) => format!("retention within {days} days"),
        Metric::Cost(stat) => format!("cost {}", stat.key().replace('_', " ")),
        Metric::Group(_, _, metric) => match metric {
            GroupMetric::Rate(rate) => rate.header().to_string(),
            GroupMetric::Csat(stat) => csat_label(*stat).into(),
            GroupMetric::Conversion(goal) => goal.clone(),
            other => other.to_string(),
        },
        other => other.to_string(),
    }
}

fn csat_label(stat: CsatStat) -> &'static str {
    match stat {
        CsatStat::Mean => "CSAT",
        CsatStat::Satisfied => "CSAT satisfied (4-5)",
        CsatStat::ResponseRate => "CSAT response rate",
    }
}

/// The name users write for a metric (as in `expect:` and
/// `--fail-if-worse`): the report's path, with `rates.` left out.
pub(crate) fn short_name(change: &Change) -> &str {
    change
        .metric
        .strip_prefix("rates.")
        .unwrap_or(&change.metric)
}

/// A value: `58.3%`, `1.2s`, `4.34`; a dash when not measured.
pub(crate) fn value(unit: Unit, value: Option<f64>) -> Cell {
    match value {
        None => Cell::muted("-"),
        Some(v) => Cell::new(match unit {
            Unit::Fraction => percent(v),
            Unit::Seconds => Millis::from_secs_f64(v.max(0.0)).to_string(),
            Unit::Score | Unit::Number => format!("{v:.2}"),
            Unit::Money => format!("{v:.4}"),
        }),
    }
}

/// A signed change: `+1.40 pts` (percentage points), `-300ms`, `+0.05`.
pub(crate) fn signed(unit: Unit, change: f64) -> String {
    let sign = if change > 0.0 {
        "+"
    } else if change < 0.0 {
        "-"
    } else {
        ""
    };
    let size = change.abs();
    match unit {
        // A bound just off 0 keeps a digit more, rather than read `-0.00`.
        Unit::Fraction if size > 0.0 && size < 0.00005 => {
            format!("{sign}{:.3} pts", size * 100.0)
        }
        Unit::Fraction => format!("{sign}{:.2} pts", size * 100.0),
        Unit::Seconds => format!("{sign}{}", Millis::from_secs_f64(size)),
        Unit::Score | Unit::Number => format!("{sign}{size:.2}"),
        Unit::Money => format!("{sign}{size:.4}"),
    }
}

/// An interval of a change: `[+0.80, +2.00]` (in the change's unit,
/// percentage points for a fraction), `[+190ms, +410ms]`.
pub(crate) fn interval(unit: Unit, [low, high]: [f64; 2]) -> String {
    let bound = |value: f64| {
        let text = signed(unit, value);
        match unit {
            Unit::Fraction => text.trim_end_matches(" pts").to_string(),
            _ => text,
        }
    };
    format!("[{}, {}]", bound(low), bound(high))
}

/// The verdict's word in a table.
pub(crate) fn verdict(verdict: ChangeVerdict) -> Cell {
    match verdict {
        ChangeVerdict::Better => Cell::new("better"),
        ChangeVerdict::Worse => Cell::new("worse"),
        ChangeVerdict::Changed => Cell::new("changed"),
        ChangeVerdict::WithinMargin => Cell::new("within margin"),
        ChangeVerdict::NoSignificantChange => Cell::muted("-"),
        ChangeVerdict::NoInterval => Cell::muted("no interval"),
    }
}

/// The sentence that opens a comparison: what changed among the primary
/// metrics, judged together.
pub(crate) fn headline(comparison: &Comparison) -> String {
    let summary = &comparison.summary;
    let (better, worse) = (summary.better.len(), summary.worse.len());
    let of = super::counted(summary.primary.len() as u64, "primary metric");
    let mut headline = match summary.verdict {
        Overall::Better => format!("B is better: {better} of {of} improved, none worse"),
        Overall::Worse => format!("B is worse: {worse} of {of} worse, none improved"),
        Overall::Mixed => {
            format!("B is better on {better} of {of}, worse on {worse}: read where below")
        }
        Overall::NoSignificantChange if summary.changed.is_empty() => {
            format!("No significant change in the {of}")
        }
        // Escalation moved, and it has no better side to call.
        Overall::NoSignificantChange => format!(
            "None of the {of} better or worse; {} changed",
            summary
                .changed
                .iter()
                .map(|name| name.strip_prefix("rates.").unwrap_or(name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Overall::NoInterval => {
            return "No verdict: one replication gives no interval (run 2 or more with --replications)"
                .into();
        }
    };
    match summary.within_margin.len() {
        0 => {}
        1 => headline += "; 1 worse within its margin",
        n => headline += &format!("; {n} worse within their margins"),
    }
    headline
}

/// The changes of one family that the verdict lists, worse first: (verdict,
/// name, `A → B`, change, adjusted interval). A timer's statistics that
/// moved the same way share a row, shown by the p95 when it is among them
/// (`response_time.bot (mean, p95)`).
pub(crate) fn significant(comparison: &Comparison, role: Role) -> Vec<[String; 5]> {
    let summary = &comparison.summary;
    let words: Vec<(&str, &Vec<String>)> = match role {
        Role::Primary => vec![
            ("worse", &summary.worse),
            ("within margin", &summary.within_margin),
            ("better", &summary.better),
        ],
        Role::Secondary => vec![
            ("worse", &summary.secondary.worse),
            ("changed", &summary.secondary.changed),
            ("better", &summary.secondary.better),
        ],
    };
    let mut rows = Vec::new();
    for (word, names) in words {
        let mut changes: Vec<&Change> = names
            .iter()
            .filter_map(|name| comparison.find(name))
            .collect();
        // What a team watches first: rates, outcomes, CSAT and conversion,
        // then times.
        changes.sort_by_key(|change| match change.name {
            Metric::Rate(_) => 0,
            Metric::Outcome(_) => 1,
            Metric::Csat(_) => 2,
            Metric::Conversion(_)
            | Metric::ConversionValue(_)
            | Metric::Retention(_)
            | Metric::Cost(_) => 3,
            Metric::TurnsMean => 4,
            Metric::Time(..) => 5,
            _ => 6,
        });
        let mut timers_done = Vec::new();
        for change in &changes {
            let (name, shown) = match change.name {
                Metric::Time(timer, _) => {
                    if timers_done.contains(&timer) {
                        continue;
                    }
                    timers_done.push(timer);
                    let stats: Vec<&Change> = changes
                        .iter()
                        .filter(|c| matches!(c.name, Metric::Time(t, _) if t == timer))
                        .copied()
                        .collect();
                    let keys: Vec<&str> = stats
                        .iter()
                        .filter_map(|c| match c.name {
                            Metric::Time(_, stat) => Some(stat.key()),
                            _ => None,
                        })
                        .collect();
                    let shown = stats
                        .iter()
                        .find(|c| c.name == Metric::Time(timer, Stat::P95))
                        .unwrap_or(change);
                    let name = if keys.len() == 1 {
                        shown.metric.clone()
                    } else {
                        format!("response_time.{} ({})", timer.key(), keys.join(", "))
                    };
                    (name, *shown)
                }
                _ => (short_name(change).to_string(), *change),
            };
            let (Some(difference), Some(bounds)) = (shown.difference, shown.adjusted_ci) else {
                continue;
            };
            let values = format!(
                "{} → {}",
                value(shown.unit, shown.a).text,
                value(shown.unit, shown.b).text
            );
            let values = match shown.name {
                Metric::Time(_, stat) if !name.ends_with(stat.key()) => {
                    format!("{}: {values}", stat.key())
                }
                _ => values,
            };
            rows.push([
                word.to_string(),
                name,
                values,
                signed(shown.unit, difference),
                interval(shown.unit, bounds),
            ]);
        }
    }
    rows
}

/// A confidence as a percentage: `99.3%`.
pub(crate) fn confidence(confidence: f64) -> String {
    format!("{:.1}%", confidence * 100.0)
}

/// The primary metrics, each with the interval its verdict reads: the
/// family the headline judges, in report order.
pub(crate) fn primary(comparison: &Comparison) -> Table {
    let changes: Vec<&Change> = comparison
        .summary
        .primary
        .iter()
        .filter_map(|name| comparison.find(name))
        .collect();
    let margins = changes.iter().any(|change| change.margin.is_some());
    let mut columns = vec![
        "A",
        "B",
        "change",
        "adjusted interval",
        "confidence",
        "verdict",
    ];
    if margins {
        columns.push("margin");
    }
    let mut table = Table::new("Primary metrics", &columns);
    for change in changes {
        let mut row = vec![
            Cell::new(short_name(change)),
            value(change.unit, change.a),
            value(change.unit, change.b),
            change
                .difference
                .map_or(Cell::muted("-"), |d| Cell::new(signed(change.unit, d))),
            change
                .adjusted_ci
                .map_or(Cell::muted("-"), |ci| Cell::new(interval(change.unit, ci))),
            change
                .adjusted_confidence
                .map_or(Cell::muted("-"), |c| Cell::new(confidence(c))),
            verdict(change.verdict),
        ];
        if margins {
            row.push(
                change
                    .margin
                    .map_or(Cell::muted("-"), |m| Cell::new(signed(change.unit, m))),
            );
        }
        table.rows.push(row);
    }
    table
}

/// How the primary verdicts were reached, under their table.
pub(crate) fn primary_note(comparison: &Comparison) -> String {
    let n = comparison
        .summary
        .primary
        .iter()
        .filter_map(|name| comparison.find(name))
        .filter(|change| change.adjusted_confidence.is_some())
        .count();
    let gates = if comparison.summary.gates.is_empty() {
        ""
    } else {
        " (the --fail-if-worse gates among them; a gate fails when its whole interval lies beyond its margin, or beyond 0 without one)"
    };
    format!(
        "Judged together{gates}: Holm's correction over the {} that moved, so all their verdicts hold together with 95% confidence; each interval is at the confidence its verdict needs.",
        super::counted(n as u64, "primary metric")
    )
}

/// Under the metric tables: where their verdicts come from.
pub(crate) const TABLES_NOTE: &str = "Verdicts are the families' (primary: Holm; the rest: Benjamini–Hochberg), read from the adjusted intervals above: a 95% interval beyond 0 is not a verdict on its own.";

/// The secondary metrics tested, and the confidence of their intervals.
fn secondary_tests(comparison: &Comparison) -> (usize, Option<f64>) {
    let tested: Vec<&Change> = comparison
        .every_change()
        .filter(|change| change.role == Role::Secondary && change.adjusted_confidence.is_some())
        .filter(|change| canonical(&change.name) == change.name)
        .collect();
    (
        tested.len(),
        tested.first().and_then(|change| change.adjusted_confidence),
    )
}

/// The heading of the secondary changes, and how they were judged.
pub(crate) fn secondary_note(comparison: &Comparison) -> String {
    let (tested, level) = secondary_tests(comparison);
    let found = comparison.summary.secondary.better.len()
        + comparison.summary.secondary.worse.len()
        + comparison.summary.secondary.changed.len();
    let level = level.map_or(String::new(), |c| {
        format!("; intervals at {}", confidence(c))
    });
    format!(
        "Secondary changes: {found} of the {} that moved (Benjamini–Hochberg: about 1 in 20 such findings may be chance{level})",
        super::counted(tested as u64, "other metric")
    )
}

/// Which metrics a section of the metrics table holds.
pub(crate) type Keep = fn(&Metric) -> bool;

/// The sections of the metrics table, in report order: each title and the
/// metrics it holds. Every renderer groups the metrics this way.
pub(crate) const SECTIONS: [(&str, Keep); 5] = [
    ("Outcomes", |m| matches!(m, Metric::Outcome(_))),
    ("Rates", |m| matches!(m, Metric::Rate(_))),
    ("Response times", |m| matches!(m, Metric::Time(..))),
    ("CSAT, conversion, turns", |m| {
        matches!(
            m,
            Metric::Csat(_)
                | Metric::Conversion(_)
                | Metric::ConversionValue(_)
                | Metric::TurnsMean
        )
    }),
    ("Retention and cost", |m| {
        matches!(m, Metric::Retention(_) | Metric::Cost(_))
    }),
];

/// The columns of a section's table after the metric's name.
pub(crate) const COLUMNS: [&str; 6] = [
    "A",
    "B",
    "change",
    "95% interval",
    "verdict",
    "vs independent runs",
];

/// The sections of the metrics table, in report order; sections without a
/// metric are left out.
pub(crate) fn sections(comparison: &Comparison) -> Vec<Table> {
    SECTIONS
        .iter()
        .map(|(title, keep)| {
            let mut table = Table::new(title, &COLUMNS);
            table.align[5] = Align::Left;
            for change in comparison.metrics.iter().filter(|c| keep(&c.name)) {
                table.rows.push(row(change));
            }
            table
        })
        .filter(|table| !table.rows.is_empty())
        .collect()
}

/// One metric's row: name, A, B, change, interval, verdict, and how much
/// pairing narrowed the interval.
pub(crate) fn row(change: &Change) -> Vec<Cell> {
    let narrower = match (change.variance_reduction, change.independent_ci95) {
        (Some(factor), _) => Cell::new(format!("{:.1}x narrower", factor.sqrt())),
        // The difference never varied: either nothing varied at all, or
        // pairing removed all the noise there was.
        (None, Some([low, high])) if high > low => Cell::new("no noise left"),
        _ => Cell::muted(""),
    };
    vec![
        Cell::new(label(&change.name)),
        value(change.unit, change.a),
        value(change.unit, change.b),
        change
            .difference
            .map_or(Cell::muted("-"), |d| Cell::new(signed(change.unit, d))),
        change
            .ci95
            .map_or(Cell::muted("-"), |ci| Cell::new(interval(change.unit, ci))),
        verdict(change.verdict),
        narrower,
    ]
}

/// Customers by outcome under A (rows) and B (columns).
pub(crate) fn transitions(comparison: &Comparison) -> Table {
    let columns: Vec<String> = Outcome::ALL
        .iter()
        .map(|o| o.key().replace('_', " "))
        .chain(std::iter::once("total A".to_string()))
        .collect();
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut table = Table::new("under A \\ under B", &columns);
    let transitions = &comparison.transitions;
    for from in Outcome::ALL {
        let mut row = vec![Cell::new(from.key().replace('_', " "))];
        row.extend(Outcome::ALL.iter().map(|to| {
            let count = transitions.count(from, *to);
            if count == 0 {
                Cell::muted("-")
            } else {
                Cell::new(thousands(count))
            }
        }));
        row.push(Cell::new(thousands(transitions.from(from))));
        table.rows.push(row);
    }
    let mut total = vec![Cell::new("total B")];
    total.extend(
        Outcome::ALL
            .iter()
            .map(|to| Cell::new(thousands(transitions.to(*to)))),
    );
    total.push(Cell::new(thousands(comparison.conversations)));
    table.rows.push(total);
    table
}

/// The sentence under the transition table: McNemar's test.
pub(crate) fn mcnemar(comparison: &Comparison) -> String {
    let test = &comparison.transitions.mcnemar;
    let p = if test.p_value < 0.0001 {
        "p < 0.0001".to_string()
    } else {
        format!("p = {:.4}", test.p_value)
    };
    let reading = if test.lost + test.gained == 0 {
        "no customer's self-resolution changed".to_string()
    } else if !test.significant {
        "no significant change".to_string()
    } else if test.lost > test.gained {
        "B self-resolves significantly fewer customers".to_string()
    } else {
        "B self-resolves significantly more customers".to_string()
    };
    format!(
        "Self-resolution customer by customer (McNemar, exact binomial): {} self-resolved under A only, {} under B only, {p}: {reading}.",
        thousands(test.lost),
        thousands(test.gained)
    )
}

/// A count of the comparison, per replication as `compare` shows counts
/// ([`Metric::per_replication`] over its paired replications): `28.9`,
/// `1,203.4`; grouped in thousands, one decimal when it has one.
fn per_replication(comparison: &Comparison, metric: &Metric, total: f64) -> String {
    let value = metric.per_replication(total, comparison.replications);
    let tenths = (value.abs() * 10.0).round() as u64;
    let sign = if value < 0.0 && tenths > 0 { "-" } else { "" };
    match tenths % 10 {
        0 => format!("{sign}{}", thousands(tenths / 10)),
        tenth => format!("{sign}{}.{tenth}", thousands(tenths / 10)),
    }
}

/// Nodes that moved, most first; at most `limit` rows. Counts are per
/// replication, as everywhere counts are compared. Returns the table and
/// how many nodes did not move at all.
pub(crate) fn funnel(comparison: &Comparison, limit: usize) -> (Table, usize) {
    let mut table = Table::new(
        "Funnel, per replication",
        &[
            "entered A",
            "entered B",
            "change",
            "abandoned A",
            "abandoned B",
            "change",
        ],
    );
    let moved: Vec<&FunnelMove> = comparison
        .funnel
        .iter()
        .filter(|node| node.moved() > 0 || node.presence != Presence::Both)
        .collect();
    for node in moved.iter().take(limit) {
        let name = match node.presence {
            Presence::Both => node.node.clone(),
            Presence::Vanished => format!("{} (removed)", node.node),
            Presence::Appeared => format!("{} (new)", node.node),
        };
        let entered = Metric::Funnel(node.node.clone(), FunnelCount::Entered);
        let abandoned = Metric::Funnel(node.node.clone(), FunnelCount::Abandoned);
        let count = |metric: &Metric,
                     side: Option<super::NodeCounts>,
                     pick: fn(super::NodeCounts) -> u64| {
            side.map_or(Cell::muted("-"), |c| {
                Cell::new(per_replication(comparison, metric, pick(c) as f64))
            })
        };
        let change = |metric: &Metric, delta: i64| {
            if delta == 0 {
                Cell::muted("-")
            } else {
                Cell::new(format!(
                    "{}{}",
                    if delta > 0 { "+" } else { "-" },
                    per_replication(comparison, metric, delta.unsigned_abs() as f64)
                ))
            }
        };
        table.rows.push(vec![
            Cell::new(name),
            count(&entered, node.a, |c| c.entered),
            count(&entered, node.b, |c| c.entered),
            change(&entered, node.entered_change),
            count(&abandoned, node.a, |c| c.abandoned),
            count(&abandoned, node.b, |c| c.abandoned),
            change(&abandoned, node.abandoned_change),
        ]);
    }
    (table, comparison.funnel.len() - moved.len())
}

/// One group kind's table: each group's rates `A → B`, and what changed
/// significantly. `compact` keeps the four outcome-related rates only (for
/// a terminal); the last column still names every significant change.
pub(crate) fn groups(
    comparison: &Comparison,
    group: Group,
    title: &str,
    compact: bool,
) -> Option<Table> {
    let groups = comparison.groups.get(group);
    if groups.is_empty() {
        return None;
    }
    // Every group's numbers, in order of first appearance (a variant only
    // one flow has may lack CSAT or a goal).
    let mut measured: Vec<&Change> = Vec::new();
    let shown = |change: &Change| {
        !compact
            || matches!(
                inner(&change.name),
                Some(GroupMetric::Rate(
                    Rate::SelfResolution | Rate::Escalation | Rate::Abandonment | Rate::Fallback
                ))
            )
    };
    for change in groups.values().flat_map(|group| &group.metrics) {
        if shown(change)
            && !measured
                .iter()
                .any(|m| inner(&m.name) == inner(&change.name))
        {
            measured.push(change);
        }
    }
    let columns: Vec<String> = std::iter::once("conversations per replication".to_string())
        .chain(measured.iter().map(|change| label(&change.name)))
        .chain(std::iter::once("significant changes".to_string()))
        .collect();
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut table = Table::new(title, &columns);
    let last = table.align.len() - 1;
    table.align[last] = Align::Left;
    for (name, change) in groups {
        table
            .rows
            .push(group_row(comparison, group, name, change, &measured));
    }
    Some(table)
}

/// The per-group part of a group metric's name.
fn inner(metric: &Metric) -> Option<&GroupMetric> {
    match metric {
        Metric::Group(_, _, inner) => Some(inner),
        _ => None,
    }
}

fn group_row(
    comparison: &Comparison,
    kind: Group,
    name: &str,
    group: &GroupChange,
    columns: &[&Change],
) -> Vec<Cell> {
    let metric = Metric::Group(kind, name.to_string(), GroupMetric::Conversations);
    let count = |total: Option<u64>| {
        total.map_or("-".to_string(), |total| {
            per_replication(comparison, &metric, total as f64)
        })
    };
    let conversations = match (group.conversations.a, group.conversations.b) {
        (Some(a), Some(b)) if a == b => count(Some(a)),
        (a, b) => format!("{} → {}", count(a), count(b)),
    };
    let mut row = vec![Cell::new(name), Cell::new(conversations)];
    for column in columns {
        let found = group
            .metrics
            .iter()
            .find(|change| inner(&change.name) == inner(&column.name));
        row.push(match found {
            Some(change) => Cell::new(format!(
                "{} → {}",
                value(change.unit, change.a).text,
                value(change.unit, change.b).text
            )),
            None => Cell::muted("-"),
        });
    }
    let notable: Vec<String> = group
        .metrics
        .iter()
        .filter_map(|change| {
            let word = match change.verdict {
                ChangeVerdict::Better => "better",
                ChangeVerdict::Worse => "worse",
                ChangeVerdict::WithinMargin => "worse within margin",
                _ => return None,
            };
            Some(format!("{} {word}", label(&change.name)))
        })
        .collect();
    row.push(if notable.is_empty() {
        Cell::muted("-")
    } else {
        Cell::new(notable.join(", "))
    });
    row
}

/// The sentence about what pairing bought.
pub(crate) fn pairing(comparison: &Comparison) -> Option<String> {
    let factor = |metric: Metric| {
        comparison
            .metrics
            .iter()
            .find(|change| change.name == metric)
            .and_then(|change| change.variance_reduction)
    };
    let narrowing = comparison.pairing.narrowing?;
    let mut examples = Vec::new();
    for rate in [Rate::SelfResolution, Rate::Abandonment] {
        if let Some(f) = factor(Metric::Rate(rate)) {
            examples.push(format!("{} {:.1}x", rate.header(), f.sqrt()));
        }
    }
    let examples = if examples.is_empty() {
        String::new()
    } else {
        format!(" ({})", examples.join(", "))
    };
    Some(format!(
        "Pairing: both versions met the same {} customers, so the changes of the outcome shares and rates vary {:.1}x less (median) than between two independent runs: their intervals are {narrowing:.1}x narrower{examples}.",
        thousands(comparison.conversations),
        comparison.pairing.variance_reduction.unwrap_or(1.0)
    ))
}
