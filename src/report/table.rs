//! The tables people read in a report, built once from the [`Report`] and
//! drawn by each human-readable renderer (text, markdown), so a column is
//! defined in one place.

use indexmap::IndexMap;

use super::{Breakdown, Report};
use crate::metric::{Rate, Stat, Timer};
use crate::model::Millis;

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// One cell; `muted` cells (nothing measured, nothing lost) are drawn dim
/// where the renderer can.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    pub text: String,
    pub muted: bool,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            muted: false,
        }
    }

    pub fn muted(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            muted: true,
        }
    }
}

/// A table: the first column names the rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub headers: Vec<String>,
    pub align: Vec<Align>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table titled `title` (the first column's header) with `columns`
    /// after it, right-aligned.
    pub(crate) fn new(title: &str, columns: &[&str]) -> Table {
        let mut headers = vec![title.to_string()];
        headers.extend(columns.iter().map(|c| c.to_string()));
        let mut align = vec![Align::Left];
        align.extend(columns.iter().map(|_| Align::Right));
        Table {
            headers,
            align,
            rows: Vec::new(),
        }
    }

    /// The same table with every header and cell [`printable`], as a
    /// terminal or a log shows it (and its widths measured on that).
    ///
    /// [`printable`]: crate::source::printable
    pub fn printable(&self) -> Table {
        let shown = |text: &str| crate::source::printable(text).into_owned();
        Table {
            headers: self.headers.iter().map(|header| shown(header)).collect(),
            align: self.align.clone(),
            rows: self
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|cell| Cell {
                            text: shown(&cell.text),
                            muted: cell.muted,
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// Each column's width in characters: its widest cell or header.
    pub fn widths(&self) -> Vec<usize> {
        (0..self.headers.len())
            .map(|column| {
                self.rows
                    .iter()
                    .map(|row| row[column].text.chars().count())
                    .chain(std::iter::once(self.headers[column].chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }
}

/// Outcomes and rates per persona or per segment, with CSAT and
/// conversion when the report has them.
pub(crate) fn breakdowns(title: &str, groups: &IndexMap<String, Breakdown>) -> Table {
    let first = groups.values().next();
    let goals: Vec<String> = first
        .map(|group| group.conversion.keys().cloned().collect())
        .unwrap_or_default();
    let has_csat = first.is_some_and(|group| group.csat.is_some());
    let mut columns: Vec<String> = vec!["conversations".into()];
    columns.extend(Rate::ALL.map(|rate| rate.header().to_string()));
    if has_csat {
        columns.push("CSAT".into());
    }
    columns.extend(goals.iter().cloned());
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut table = Table::new(title, &columns);
    for (name, group) in groups {
        let mut row = vec![
            Cell::new(name.clone()),
            Cell::new(thousands(group.conversations)),
        ];
        row.extend(Rate::ALL.map(|rate| Cell::new(percent(group.rates.get(rate)))));
        if let Some(csat) = &group.csat {
            row.push(score(csat.mean));
        }
        row.extend(
            goals
                .iter()
                .map(|goal| Cell::new(percent(group.conversion.get(goal).copied().unwrap_or(0.0)))),
        );
        table.rows.push(row);
    }
    table
}

/// A CSAT mean like `4.12`, or a dash when nobody answered.
fn score(mean: Option<f64>) -> Cell {
    mean.map_or(Cell::muted("-"), |mean| Cell::new(format!("{mean:.2}")))
}

/// Per agent queue: arrivals, outcomes, waits and how busy agents were.
pub(crate) fn queues(report: &Report) -> Table {
    let mut table = Table::new(
        "Queues",
        &[
            "arrived",
            "served",
            "abandoned",
            "wait p50",
            "wait p90",
            "utilisation",
        ],
    );
    for (name, queue) in &report.queues {
        let wait = |stat: Stat| match queue.wait.get(stat) {
            Some(seconds) => Cell::new(Millis::from_secs_f64(seconds).to_string()),
            None => Cell::muted("-"),
        };
        table.rows.push(vec![
            Cell::new(name.clone()),
            Cell::new(thousands(queue.arrived)),
            Cell::new(thousands(queue.served)),
            Cell::new(thousands(queue.abandoned)),
            wait(Stat::P50),
            wait(Stat::P90),
            queue
                .utilisation
                .map_or(Cell::muted("-"), |share| Cell::new(percent(share))),
        ]);
    }
    table
}

/// Messages sent first, per campaign or per following-up node: how many
/// went out and what became of them.
pub(crate) fn sends(title: &str, sends: &IndexMap<String, crate::report::Sends>) -> Table {
    let recovered = sends.values().any(|s| s.recovered.is_some());
    let mut columns = vec![
        "sent",
        "delivered",
        "read",
        "open rate",
        "replied",
        "response rate",
        "clicked",
        "opted out",
        "converted",
    ];
    if recovered {
        columns.push("recovered");
    }
    columns.push("refused");
    let mut table = Table::new(title, &columns);
    let count = |n: u64| {
        if n == 0 {
            Cell::muted("0")
        } else {
            Cell::new(thousands(n))
        }
    };
    for (name, s) in sends {
        let mut row = vec![
            Cell::new(name.clone()),
            count(s.sent),
            count(s.delivered),
            count(s.read),
            Cell::new(percent(s.open_rate)),
            count(s.replied),
            Cell::new(percent(s.response_rate)),
            count(s.clicked),
            count(s.opted_out),
            count(s.converted),
        ];
        if recovered {
            row.push(count(s.recovered.unwrap_or(0)));
        }
        row.push(count(s.refused));
        table.rows.push(row);
    }
    table
}

/// The compliance, retention and cost lines the report has, with their
/// titles, in report order.
pub(crate) fn outreach_lines(report: &Report) -> Vec<(&'static str, String)> {
    [
        (
            "Compliance",
            report.compliance.as_ref().map(compliance_line),
        ),
        ("Retention", report.retention.as_ref().map(retention_line)),
        ("Cost", report.cost.as_ref().map(cost_line)),
    ]
    .into_iter()
    .filter_map(|(title, line)| Some((title, line?)))
    .collect()
}

/// Refusals as a line: `outside the 24h window 0 · not opted in 12`.
fn compliance_line(compliance: &crate::report::Compliance) -> String {
    format!(
        "outside the 24h window {} (131047) · not opted in {} (131050)",
        thousands(compliance.outside_window),
        thousands(compliance.not_opted_in)
    )
}

/// Retention as a line: `back within 7 days 31.0% · within 30 days 52.0%`.
fn retention_line(retention: &crate::report::Retention) -> String {
    format!(
        "back within 7 days {} · within 30 days {} · of {} customers",
        percent(retention.d7),
        percent(retention.d30),
        thousands(retention.customers)
    )
}

/// Cost as a line: `81.20 USD · 0.0041 per conversation · …`.
fn cost_line(cost: &crate::report::Cost) -> String {
    let per_resolution = cost
        .per_resolution
        .map_or("-".to_string(), |amount| format!("{amount:.4}"));
    let parts: Vec<String> = cost
        .by_category
        .iter()
        .map(|(category, amount)| format!("{category} {amount:.2}"))
        .collect();
    format!(
        "{:.2} {} (prices of {}) · {:.4} per conversation · {per_resolution} per resolution · {}",
        cost.total,
        cost.currency,
        cost.as_of,
        cost.per_conversation,
        parts.join(", ")
    )
}

/// CSAT as a line: `mean 4.12 · satisfied (4–5) 78.0% · response rate 35.1%`.
pub(crate) fn csat_line(csat: &crate::report::Csat) -> String {
    let mean = csat
        .mean
        .map_or("-".to_string(), |mean| format!("{mean:.2}"));
    let satisfied = csat.satisfied.map_or("-".to_string(), percent);
    let scores: Vec<String> = csat
        .scores
        .iter()
        .map(|(score, count)| format!("{score}: {}", thousands(*count)))
        .collect();
    format!(
        "mean {mean} · satisfied (4–5) {satisfied} · response rate {} · scores {}",
        percent(csat.response_rate),
        scores.join(", ")
    )
}

/// Conversion as a line: `purchase 12.3% (3.07 per conversation)`.
pub(crate) fn conversion_line(report: &Report) -> String {
    report
        .conversion
        .iter()
        .map(|(goal, share)| match report.conversion_value.get(goal) {
            Some(value) => format!("{goal} {} ({value:.2} per conversation)", percent(*share)),
            None => format!("{goal} {}", percent(*share)),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Timers by statistic.
pub(crate) fn response_times(report: &Report) -> Table {
    let stats = Stat::ALL.map(Stat::key);
    let mut table = Table::new("Response times", &stats);
    for timer in Timer::ALL {
        let stats = report.response_time.get(timer);
        let mut row = vec![Cell::new(timer.key().replace('_', " "))];
        row.extend(Stat::ALL.map(|stat| match stats.get(stat) {
            Some(seconds) => Cell::new(Millis::from_secs_f64(seconds).to_string()),
            None => Cell::muted("-"),
        }));
        table.rows.push(row);
    }
    table
}

/// Entered and abandoned per node, in flow order, with the main reason
/// customers left.
pub(crate) fn funnel(report: &Report) -> Table {
    let mut table = Table::new("Funnel", &["entered", "abandoned", "share", "main reason"]);
    table.align[4] = Align::Left;
    for (node, step) in &report.funnel {
        let lost = |cell: String| {
            if step.abandoned == 0 {
                Cell::muted("-")
            } else {
                Cell::new(cell)
            }
        };
        table.rows.push(vec![
            Cell::new(node.clone()),
            Cell::new(thousands(step.entered)),
            lost(thousands(step.abandoned)),
            lost(percent(step.abandoned as f64 / step.entered.max(1) as f64)),
            step.main_reason()
                .map_or(Cell::new(""), |reason| Cell::new(reason.phrase())),
        ]);
    }
    table
}

/// Media customers sent per node, by kind, and what the bot did with them:
/// only nodes that received some, and only the kinds sent. `None` when
/// no node received any (every report of a scenario whose personas send
/// none).
pub(crate) fn media(report: &Report) -> Option<Table> {
    let received: Vec<(&String, &super::FunnelMedia)> = report
        .funnel
        .iter()
        .filter_map(|(node, step)| Some((node, step.media.as_ref()?)))
        .collect();
    if received.is_empty() {
        return None;
    }
    let kinds: Vec<&str> = crate::model::media::MediaKind::ALL
        .into_iter()
        .map(|kind| kind.key())
        .filter(|key| {
            received
                .iter()
                .any(|(_, media)| media.received.contains_key(key))
        })
        .collect();
    let mut columns = kinds.clone();
    columns.extend(["to fallback", "ignored"]);
    let mut table = Table::new("Media received", &columns);
    for (node, media) in received {
        let count = |count: u64| {
            if count == 0 {
                Cell::muted("-")
            } else {
                Cell::new(thousands(count))
            }
        };
        let mut row = vec![Cell::new(node.clone())];
        row.extend(
            kinds
                .iter()
                .map(|key| count(media.received.get(key).copied().unwrap_or(0))),
        );
        row.push(count(media.fallback));
        row.push(count(media.ignored));
        table.rows.push(row);
    }
    Some(table)
}

/// `58.3%`
pub(crate) fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// `±1.2`: half the width of a share's 95% interval, in percentage points,
/// to follow its [`percent`]; `None` without an interval.
pub(crate) fn plus_minus(bounds: Option<&[f64; 2]>) -> Option<String> {
    bounds.map(|[low, high]| format!("±{:.1}", (high - low) / 2.0 * 100.0))
}

/// `58.3% ±1.2`, or `58.3%` without an interval.
pub(crate) fn percent_with(fraction: f64, bounds: Option<&[f64; 2]>) -> String {
    match plus_minus(bounds) {
        Some(pm) => format!("{} {pm}", percent(fraction)),
        None => percent(fraction),
    }
}

/// `12,000`: counts are easier to read grouped.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(12_000), "12,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn intervals_read_as_percentage_points() {
        assert_eq!(percent_with(0.583, Some(&[0.571, 0.595])), "58.3% ±1.2");
        assert_eq!(percent_with(0.583, None), "58.3%");
    }

    #[test]
    fn widths_fit_the_widest_cell_or_header() {
        let mut table = Table::new("Funnel", &["entered"]);
        table
            .rows
            .push(vec![Cell::new("a-very-long-node"), Cell::new("1")]);
        assert_eq!(table.widths(), vec![16, 7]);
    }
}
