//! A comparison as one HTML page (`compare --format html`): for the QA
//! engineer who asks "is B better than A, and where?", and for a reviewer
//! who opens it from a pull request.
//!
//! The verdict comes first, in a box: the headline and every significant
//! change, worse first. Then A and B side by side (each version's outcomes,
//! drawn by the run page's chart), the differences B − A with their 95%
//! intervals and verdicts, the customers whose outcome changed as a heat
//! map with McNemar's test, the funnel nodes that moved most, and the
//! rates of each persona, segment and variant. The sections and their
//! tables read the same [`Comparison`] and group its numbers as the text
//! and markdown renderers do ([`table`]), so the page says what they say.
//!
//! Like the run page, it is self-contained and a function of the
//! comparison alone: the same comparison gives the same bytes.

use super::composition;
use super::table::{self, SECTIONS};
use super::{
    Change, ChangeVerdict, Comparison, GroupChange, Overall, Presence, Role, Unit, Version,
};
use crate::html::Svg;
use crate::html::charts::{
    self, Difference, NodeMove, Transitions, diverging_bars, heat_map, paired_funnel,
};
use crate::html::format::capitalised;
use crate::html::page::{Callout, CalloutLine, Fact, Page, Section, Status, Table};
use crate::metric::{CsatStat, Group, GroupMetric, Metric, Outcome, Rate, Stat, Timer};
use crate::report::html::{
    cell_text, outcome_label, outcomes_chart_titled, page_table, timer_text,
};
use crate::report::table::{percent, thousands};

/// Funnel nodes the page draws; the table below the chart lists more.
const FUNNEL_NODES: usize = 12;
/// Funnel nodes the page's table lists.
const FUNNEL_ROWS: usize = 30;

/// A section of the page, or `None` when the comparison has nothing for it.
type SectionFn = fn(&Comparison) -> Option<Section>;

/// The sections after the verdict, in page order: the two versions, what
/// changed and by how much, which customers moved, where in the flow, and
/// for whom.
const SECTIONS_IN_ORDER: &[SectionFn] = &[
    side_by_side,
    differences,
    changed_customers,
    funnel,
    personas,
    segments,
    variants,
];

/// The comparison as one self-contained HTML page.
pub fn render_html(comparison: &Comparison) -> String {
    let mut page = Page::new(&format!("{}: B against A", comparison.a.scenario))
        .lead(&version_line("A", &comparison.a))
        .lead(&version_line("B", &comparison.b))
        .lead(&format!(
            "Seed {} · {} · {} customers, each met by both versions. Changes are B − A, with 95% paired t intervals over replications; verdicts read the adjusted intervals of the primary and secondary families.",
            comparison.seed,
            super::counted(comparison.replications, "paired replication"),
            thousands(comparison.conversations)
        ));
    let lines = verdict_lines(comparison);
    let lines: Vec<CalloutLine<'_>> = lines
        .iter()
        .map(|(tone, badge, name, detail)| CalloutLine {
            tone: *tone,
            badge,
            name,
            detail,
        })
        .collect();
    page = page.callout(&Callout {
        tone: tone(comparison.summary.verdict),
        headline: &format!("Verdict: {}", table::headline(comparison)),
        lines: &lines,
        note: if lines.is_empty() {
            ""
        } else {
            "Each line: a primary metric, A → B, the change B − A and the interval its verdict reads (Holm-adjusted: all the primary verdicts hold together with 95% confidence)."
        },
    });
    for section in SECTIONS_IN_ORDER
        .iter()
        .filter_map(|section| section(comparison))
    {
        page = page.section(section);
    }
    page.render()
}

/// `A: scenarios/shop/flow.yaml — scenario peak-hour, flow harbour-shop 1.2`
fn version_line(letter: &str, version: &Version) -> String {
    format!(
        "{letter}: {} — scenario {}, flow {}{}",
        version.label,
        version.scenario,
        version.flow.name,
        version.flow.version_suffix()
    )
}

/// The box's colour for the overall verdict.
fn tone(verdict: Overall) -> Status {
    match verdict {
        Overall::Better => Status::Pass,
        Overall::Worse => Status::Fail,
        Overall::Mixed => Status::Warn,
        Overall::NoSignificantChange | Overall::NoInterval => Status::Skip,
    }
}

/// The primary metrics that changed, worse first, as the verdict box
/// lists them: tone, badge, metric and detail.
fn verdict_lines(comparison: &Comparison) -> Vec<(Status, &'static str, String, String)> {
    table::significant(comparison, Role::Primary)
        .into_iter()
        .map(|[word, name, values, change, interval]| {
            // The charts' words and arrows, so box and charts read alike.
            let (tone, badge) = match word.as_str() {
                "worse" => (Status::Fail, charts::ChartVerdict::Worse.text()),
                "better" => (Status::Pass, charts::ChartVerdict::Better.text()),
                _ => (Status::Warn, "◆ within margin"),
            };
            (tone, badge, name, format!("{values} · {change} {interval}"))
        })
        .collect()
}

/// A and B on their own: each version's outcomes, and the headline rates
/// from one to the other.
fn side_by_side(comparison: &Comparison) -> Option<Section> {
    let facts: Vec<(String, String, String)> = [Rate::SelfResolution, Rate::Abandonment]
        .into_iter()
        .filter_map(|rate| comparison.change(&Metric::Rate(rate)))
        .map(|change| {
            (
                format!("{} under B", capitalised(&table::label(&change.name))),
                table::value(change.unit, change.b).text,
                format!(
                    "A {}; {}",
                    table::value(change.unit, change.a).text,
                    change_detail(change)
                ),
            )
        })
        .chain(std::iter::once((
            "Customers whose outcome changed".to_string(),
            thousands(comparison.transitions.changed),
            format!(
                "{} of {}",
                percent(changed_share(comparison)),
                thousands(comparison.conversations)
            ),
        )))
        .collect();
    let facts: Vec<Fact<'_>> = facts
        .iter()
        .map(|(label, value, detail)| Fact {
            label,
            value,
            detail,
        })
        .collect();
    let bar = |letter: &str, version: &Version| {
        let report = &version.report;
        (
            outcomes_chart_titled(
                report,
                &format!(
                    "{letter}: outcomes of {} conversations",
                    thousands(report.conversations)
                ),
            ),
            format!(
                "{letter}, {}: flow {}{}.",
                version.label,
                version.flow.name,
                version.flow.version_suffix()
            ),
        )
    };
    Some(
        Section::new("A and B side by side")
            .facts(&facts)
            .prose("Each version's outcomes over all its conversations, as `rehearse run` reports them. The changes on this page are means of the paired replications' differences, so a figure may differ from these in its last digit.")
            .charts(&[bar("A", &comparison.a), bar("B", &comparison.b)]),
    )
}

/// `+1.19 pts [+0.92, +1.47], better`: a change, its interval and verdict.
fn change_detail(change: &Change) -> String {
    let (Some(difference), Some(bounds)) = (change.difference, change.ci95) else {
        return table::verdict(change.verdict).text;
    };
    format!(
        "{} {}, {}",
        table::signed(change.unit, difference),
        table::interval(change.unit, bounds),
        verdict_word(change.verdict)
    )
}

fn verdict_word(verdict: ChangeVerdict) -> &'static str {
    match verdict {
        ChangeVerdict::Better => "better",
        ChangeVerdict::Worse => "worse",
        ChangeVerdict::Changed => "changed",
        ChangeVerdict::WithinMargin => "within margin",
        ChangeVerdict::NoSignificantChange => "no significant change",
        ChangeVerdict::NoInterval => "no interval",
    }
}

fn changed_share(comparison: &Comparison) -> f64 {
    comparison.transitions.changed as f64 / comparison.conversations.max(1) as f64
}

/// The chart's verdict for a change's.
fn chart_verdict(verdict: ChangeVerdict) -> charts::ChartVerdict {
    match verdict {
        ChangeVerdict::Better => charts::ChartVerdict::Better,
        ChangeVerdict::Worse => charts::ChartVerdict::Worse,
        // Worse, but not by more than the gate's margin: a change the
        // chart shows without the colour of a failure.
        ChangeVerdict::Changed | ChangeVerdict::WithinMargin => charts::ChartVerdict::Changed,
        ChangeVerdict::NoSignificantChange => charts::ChartVerdict::NoChange,
        ChangeVerdict::NoInterval => charts::ChartVerdict::NoInterval,
    }
}

/// The chart's unit for a change's, printed as the tables print it.
fn chart_unit(unit: Unit) -> charts::Unit {
    match unit {
        Unit::Fraction => charts::Unit::Fraction,
        Unit::Seconds => charts::Unit::Seconds,
        Unit::Score | Unit::Number => charts::Unit::Decimal(2),
        Unit::Money => charts::Unit::Decimal(4),
    }
}

/// What a chart calls a unit's values, when a section has several.
fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Fraction => "shares",
        Unit::Seconds => "times",
        Unit::Score => "CSAT score",
        Unit::Number => "numbers",
        Unit::Money => "money",
    }
}

/// Which chart of a section a change is drawn in: one per unit, so that
/// bars on one axis compare, and one per timer, so that a bot's
/// milliseconds are not drawn on the scale of a resolution's minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChartOf {
    Unit(Unit),
    Timer(Timer),
}

impl ChartOf {
    fn of(change: &Change) -> ChartOf {
        match change.name {
            Metric::Time(timer, _) => ChartOf::Timer(timer),
            _ => ChartOf::Unit(change.unit),
        }
    }

    /// The chart's title in a section called `section` with `charts`
    /// charts.
    fn title(self, section: &str, charts: usize) -> String {
        match self {
            ChartOf::Timer(timer) => format!("{}: B − A", timer_text(timer).0),
            ChartOf::Unit(unit) if charts > 1 => {
                format!("{section} ({}): B − A", unit_name(unit))
            }
            ChartOf::Unit(_) => format!("{section}: B − A"),
        }
    }

    fn caption(self) -> &'static str {
        match self {
            ChartOf::Timer(_) => "The median (p50) and the p95; left is faster under B.",
            ChartOf::Unit(unit) => unit_caption(unit),
        }
    }
}

/// A metric's name in a difference chart, short enough for its label
/// column (the tables give the long names); a timer's chart names the
/// timer in its title, so its rows are its statistics.
fn chart_label(metric: &Metric) -> String {
    match metric {
        Metric::Time(_, stat) => stat.key().to_string(),
        Metric::Csat(CsatStat::Satisfied) => "CSAT satisfied".to_string(),
        Metric::ConversionValue(goal) => format!("{goal} value"),
        Metric::Retention(days) => format!("back within {days} days"),
        Metric::Cost(stat) => stat.key().replace('_', " "),
        other => table::label(other),
    }
}

/// Whether a change is drawn: measured in both versions, and for response
/// times only the median and the p95 (the table has every statistic).
fn charted(change: &Change) -> bool {
    change.difference.is_some()
        && !matches!(change.name, Metric::Time(_, stat) if !matches!(stat, Stat::P50 | Stat::P95))
}

/// Changes B − A as diverging bars around zero, with their intervals and
/// verdicts; `None` without a change to draw.
fn difference_chart(title: &str, changes: &[&Change]) -> Option<Svg> {
    let unit = changes.first()?.unit;
    let labels: Vec<String> = changes.iter().map(|c| chart_label(&c.name)).collect();
    let differences: Vec<Difference<'_>> = changes
        .iter()
        .zip(&labels)
        .map(|(change, label)| Difference {
            label,
            delta: change.difference.unwrap_or(0.0),
            ci95: change.ci95.map(|[low, high]| (low, high)),
            verdict: chart_verdict(change.verdict),
        })
        .collect();
    Some(diverging_bars(title, chart_unit(unit), &differences))
}

/// Every metric compared, section by section as in the text report: charts
/// of the differences, then the section's table, changes for the worse and
/// the better marked.
fn differences(comparison: &Comparison) -> Option<Section> {
    let mut section = Section::new("Differences, B − A");
    if comparison.summary.verdict != Overall::NoInterval {
        section = section
            .subheading("Primary metrics")
            .table(&page_table(
                "The primary metrics, with the intervals their verdicts read",
                &table::primary(comparison),
            ))
            .paragraph(&table::primary_note(comparison))
            .subheading("Secondary changes")
            .paragraph(&table::secondary_note(comparison));
        let rows = table::significant(comparison, Role::Secondary);
        if !rows.is_empty() {
            let mut changed = Table::new("The secondary metrics that changed, worse first")
                .column("verdict")
                .column("metric")
                .number_column("A → B")
                .number_column("change")
                .number_column("adjusted interval");
            for row in &rows {
                let cells: Vec<&str> = row.iter().map(String::as_str).collect();
                changed = match row[0].as_str() {
                    "worse" => changed.status_row(Status::Fail, &cells),
                    "better" => changed.status_row(Status::Pass, &cells),
                    _ => changed.row(&cells),
                };
            }
            section = section.table(&changed);
        }
    }
    if let Some(composition) = composition::table(comparison) {
        section = section
            .subheading("Measured over other customers")
            .table(&page_table(
                "The numbers whose denominator changed from A to B, with their persona-standardised change",
                &composition,
            ))
            .paragraph(composition::NOTE);
    }
    section = section.paragraph(
        "Each bar is the change from A to B, the whisker its 95% interval; the verdict (from the adjusted interval: Holm's for a primary metric, Benjamini–Hochberg's for the others) says whether that is better, worse or no significant change for customers (escalation has no better side: it only changes). Response-time charts show the median and the p95; the tables have every statistic.",
    );
    for (title, keep) in SECTIONS {
        let changes: Vec<&Change> = comparison
            .metrics
            .iter()
            .filter(|change| keep(&change.name))
            .collect();
        if changes.is_empty() {
            continue;
        }
        let mut kinds: Vec<ChartOf> = Vec::new();
        for change in changes.iter().filter(|change| charted(change)) {
            if !kinds.contains(&ChartOf::of(change)) {
                kinds.push(ChartOf::of(change));
            }
        }
        let charts: Vec<(Svg, String)> = kinds
            .iter()
            .filter_map(|kind| {
                let drawn: Vec<&Change> = changes
                    .iter()
                    .copied()
                    .filter(|change| charted(change) && ChartOf::of(change) == *kind)
                    .collect();
                let chart = difference_chart(&kind.title(title, kinds.len()), &drawn)?;
                Some((chart, kind.caption().to_string()))
            })
            .collect();
        section = section.subheading(title);
        if !charts.is_empty() {
            section = section.charts(&charts);
        }
        section = section.table(&metrics_table(title, &changes));
    }
    if let Some(pairing) = table::pairing(comparison) {
        section = section.paragraph(&pairing);
    }
    Some(section)
}

/// How to read a difference chart of `unit`.
fn unit_caption(unit: Unit) -> &'static str {
    match unit {
        Unit::Fraction => "Changes in percentage points (pp).",
        Unit::Seconds => "Changes of response times: left is faster under B.",
        Unit::Score => "Change of the mean CSAT score (1 to 5).",
        Unit::Number => {
            "Changes of the mean number of turns, or of a goal's value per conversation."
        }
        Unit::Money => {
            "Changes of the cost per conversation and per resolution, in the scenario's currency."
        }
    }
}

/// A section's metrics as a table, as the text report prints them; a
/// change for the worse or the better gets a bar in its colour (its verdict
/// column says it in words).
fn metrics_table(title: &str, changes: &[&Change]) -> Table {
    let mut out = Table::new(&format!("{title}: every number")).column("metric");
    for (i, column) in table::COLUMNS.iter().enumerate() {
        out = if i == 5 {
            out.column(column)
        } else {
            out.number_column(column)
        };
    }
    for change in changes {
        let row = table::row(change);
        let cells: Vec<&str> = row.iter().map(cell_text).collect();
        out = match change.verdict {
            ChangeVerdict::Worse => out.status_row(Status::Fail, &cells),
            ChangeVerdict::Better => out.status_row(Status::Pass, &cells),
            ChangeVerdict::WithinMargin => out.status_row(Status::Warn, &cells),
            _ => out.row(&cells),
        };
    }
    if changes.len() > 12 {
        out = out.folded(&format!("{title}: all {} statistics", changes.len()));
    }
    out
}

/// Customer by customer: the transition table as a heat map, McNemar's
/// test on self-resolution, and the table.
fn changed_customers(comparison: &Comparison) -> Option<Section> {
    let labels: Vec<&str> = Outcome::ALL.into_iter().map(outcome_label).collect();
    let counts: Vec<u64> = Outcome::ALL
        .into_iter()
        .flat_map(|from| {
            Outcome::ALL
                .into_iter()
                .map(move |to| comparison.transitions.count(from, to))
        })
        .collect();
    let chart = heat_map(
        "Outcome per customer: under A → under B",
        &Transitions {
            rows_title: "Under A",
            columns_title: "Under B",
            rows: &labels,
            columns: &labels,
            counts: &counts,
        },
    );
    Some(
        Section::new("Customers whose outcome changed")
            .paragraph(&format!(
                "{} of {} customers ({}) ended differently under B than under A.",
                thousands(comparison.transitions.changed),
                thousands(comparison.conversations),
                percent(changed_share(comparison))
            ))
            .chart(
                &chart,
                "Each customer counted once, by their outcome under A (row) and under B (column), over all replications; the outlined diagonal is the customers who ended the same way. Darker cells hold more customers; every cell gives its count.",
            )
            .paragraph(&table::mcnemar(comparison))
            .table(
                &page_table(
                    "Customers by outcome under A (rows) and B (columns)",
                    &table::transitions(comparison),
                )
                .folded("The transitions as a table, with totals"),
            ),
    )
}

/// The nodes whose customers moved most: A's and B's bars node by node,
/// and the table.
fn funnel(comparison: &Comparison) -> Option<Section> {
    let section = Section::new("Funnel: the nodes that moved most");
    let moved: Vec<&super::FunnelMove> = comparison
        .funnel
        .iter()
        .filter(|node| node.moved() > 0 || node.presence != Presence::Both)
        .collect();
    let still = comparison.funnel.len() - moved.len();
    if moved.is_empty() {
        return Some(section.paragraph(
            "No node moved: every node was reached, and left, by as many customers under B as under A.",
        ));
    }
    let counts = |side: Option<super::NodeCounts>| side.map(|c| (c.entered, c.abandoned));
    let nodes: Vec<NodeMove<'_>> = moved
        .iter()
        .take(FUNNEL_NODES)
        .map(|node| NodeMove {
            label: &node.node,
            a: counts(node.a),
            b: counts(node.b),
        })
        .collect();
    let mut notes = Vec::new();
    if moved.len() > nodes.len() {
        notes.push(format!(
            "{} moved less",
            super::counted((moved.len() - nodes.len()) as u64, "more node")
        ));
    }
    if still > 0 {
        notes.push(format!(
            "{still} {} not move",
            if still == 1 { "node did" } else { "nodes did" }
        ));
    }
    let mut caption = "Per node, the customers who reached it under A (grey) and B (blue), on one scale; the hatched end is those who left there. At the right: reached, A → B, and the changes of both counts over all replications.".to_string();
    if !notes.is_empty() {
        caption += &format!(" ({}.)", notes.join("; "));
    }
    let (table, _) = table::funnel(comparison, FUNNEL_ROWS);
    Some(
        section
            .chart(
                &paired_funnel("The nodes that moved most, A and B", &nodes),
                &caption,
            )
            .table(
                &page_table("Entered and abandoned per node, most moved first", &table)
                    .folded("The funnel as a table"),
            ),
    )
}

/// A group rate's change per group (persona, segment or variant), for the
/// groups that measured it in both versions.
fn group_differences(
    groups: &indexmap::IndexMap<String, GroupChange>,
    rate: Rate,
) -> Vec<Difference<'_>> {
    groups
        .iter()
        .filter_map(|(name, group)| {
            let change = group.metrics.iter().find(
                |change| matches!(&change.name, Metric::Group(_, _, GroupMetric::Rate(r)) if *r == rate),
            )?;
            Some(Difference {
                label: name,
                delta: change.difference?,
                ci95: change.ci95.map(|[low, high]| (low, high)),
                verdict: chart_verdict(change.verdict),
            })
        })
        .collect()
}

/// Self-resolution and abandonment per group, B − A, and the table of the
/// group's rates `A → B` with what changed significantly.
fn groups(comparison: &Comparison, group: Group, heading: &str, what: &str) -> Option<Section> {
    // The four outcome rates and what changed significantly: a table that
    // fits a page's width (the markdown comment has every rate).
    let table = table::groups(comparison, group, heading, true)?;
    let groups = comparison.groups.get(group);
    let charts: Vec<(Svg, String)> = [
        (Rate::SelfResolution, "Self-resolution"),
        (Rate::Abandonment, "Abandonment"),
    ]
    .into_iter()
    .filter_map(|(rate, name)| {
        let differences = group_differences(groups, rate);
        if differences.is_empty() {
            return None;
        }
        Some((
            diverging_bars(
                &format!("{name} per {what}: B − A"),
                charts::Unit::Fraction,
                &differences,
            ),
            format!(
                "The change of each {what}'s {} in percentage points, with its 95% interval.",
                name.to_lowercase()
            ),
        ))
    })
    .collect();
    let mut section = Section::new(heading);
    if !charts.is_empty() {
        section = section.charts(&charts);
    }
    Some(section.table(&page_table(
        &format!("Rates per {what}, A → B, and every significant change"),
        &table,
    )))
}

fn personas(comparison: &Comparison) -> Option<Section> {
    groups(comparison, Group::Persona, "Personas", "persona")
}

fn segments(comparison: &Comparison) -> Option<Section> {
    groups(comparison, Group::Segment, "Segments", "segment")
}

fn variants(comparison: &Comparison) -> Option<Section> {
    groups(comparison, Group::Variant, "A/B variants", "variant")
}
