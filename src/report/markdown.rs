//! Markdown, for pull-request comments and CI summaries.

use std::io::{self, Write};

use super::Report;
use super::render::Renderer;
use super::table::{self, Align, Table, percent_with, thousands};
use crate::metric::{Outcome, Rate};

pub(super) struct Markdown;

impl Renderer for Markdown {
    fn render(&self, reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
        for (i, report) in reports.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            render(report, out)?;
        }
        Ok(())
    }
}

fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## {}\n", escape(&report.scenario))?;
    writeln!(
        out,
        "Flow **{}**{} · seed {} · {} conversations in {} replications\n",
        escape(&report.flow.name),
        escape(&report.flow.version_suffix()),
        report.seed,
        thousands(report.conversations),
        report.replications
    )?;
    if let Some(live) = &report.live {
        if let Some(note) = live.partial_note() {
            writeln!(out, "**{}**\n", escape(&note))?;
        }
        writeln!(out, "| live | |\n|---|---|")?;
        for (label, text) in live.lines() {
            writeln!(out, "| {label} | {} |", escape(&text))?;
        }
        writeln!(out)?;
    }
    writeln!(out, "| outcome | share |\n|---|---:|")?;
    let ci95 = report.ci95.as_ref();
    for outcome in Outcome::ALL {
        writeln!(
            out,
            "| {} | {} |",
            outcome.key().replace('_', " "),
            percent_with(
                report.outcomes.get(outcome),
                ci95.and_then(|ci95| ci95.outcomes.get(outcome.key()))
            )
        )?;
    }
    let headers: Vec<&str> = Rate::ALL.iter().map(|rate| rate.header()).collect();
    let cells: Vec<String> = Rate::ALL
        .iter()
        .map(|rate| {
            percent_with(
                report.rates.get(*rate),
                ci95.and_then(|ci95| ci95.rates.get(rate.key())),
            )
        })
        .collect();
    writeln!(
        out,
        "\n| {} |\n|{}\n| {} |",
        headers.join(" | "),
        "---:|".repeat(headers.len()),
        cells.join(" | ")
    )?;
    draw(&table::response_times(report), out)?;
    writeln!(
        out,
        "\nTurns: mean {}, max {}.",
        report.turns.mean, report.turns.max
    )?;
    if let Some(csat) = &report.csat {
        writeln!(out, "\n**CSAT**: {}.", escape(&table::csat_line(csat)))?;
    }
    if !report.conversion.is_empty() {
        writeln!(
            out,
            "\n**Conversion**: {}.",
            escape(&table::conversion_line(report))
        )?;
    }
    if !report.funnel.is_empty() {
        draw(&table::funnel(report), out)?;
    }
    if let Some(media) = table::media(report) {
        draw(&media, out)?;
    }
    if !report.queues.is_empty() {
        draw(&table::queues(report), out)?;
    }
    if !report.campaigns.is_empty() {
        draw(&table::sends("campaign", &report.campaigns), out)?;
    }
    if !report.follow_ups.is_empty() {
        draw(&table::sends("follow-up at", &report.follow_ups), out)?;
    }
    for (title, line) in table::outreach_lines(report) {
        writeln!(out, "\n**{title}**: {}.", escape(&line))?;
    }
    for (title, groups) in [
        ("persona", &report.personas),
        ("segment", &report.segments),
        ("variant", &report.variants),
    ] {
        if !groups.is_empty() {
            draw(&table::breakdowns(title, groups), out)?;
        }
    }
    if !report.transcripts.is_empty() {
        writeln!(out, "\n### Transcripts")?;
        for (number, transcript) in report.transcripts.iter().enumerate() {
            writeln!(
                out,
                "\n**{}**\n\n```text",
                escape(&super::transcript::heading(number + 1, transcript))
            )?;
            for line in super::transcript::lines(transcript) {
                // A fence inside the code block would end it early.
                let line = crate::source::printable(&line).replace("```", "'''");
                writeln!(out, "{line}")?;
            }
            writeln!(out, "```")?;
        }
    }
    Ok(())
}

pub(crate) fn draw(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    let headers: Vec<String> = table.headers.iter().map(|h| escape(h)).collect();
    let rule: String = table
        .align
        .iter()
        .map(|align| match align {
            Align::Left => "---|",
            Align::Right => "---:|",
        })
        .collect();
    writeln!(out, "\n| {} |\n|{rule}", headers.join(" | "))?;
    for row in &table.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| {
                if cell.muted && cell.text == "-" {
                    "–".to_string()
                } else {
                    escape(&cell.text)
                }
            })
            .collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

/// Text from the user's files, made safe for markdown (reports, comparisons,
/// the step summary of `check`): [`printable`] first, then every character
/// markdown gives a meaning (a table cell's `|`, emphasis, links, headings,
/// HTML, entities) backslash-escaped, and each `@` followed by an empty HTML
/// comment: GitHub turns `@org/team` into a mention that notifies people,
/// and a backslash does not stop it.
///
/// [`printable`]: crate::source::printable
pub(crate) fn escape(text: &str) -> String {
    let text = crate::source::printable(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '|' | '\\' | '`' | '*' | '_' | '<' | '>' | '[' | ']' | '#' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
        if c == '@' {
            out.push_str("<!-- -->");
        }
    }
    out
}

/// Text from the user's files inside a code span (`` `…` ``), where
/// markdown takes no escapes and mentions are not made: [`printable`], with
/// no backtick to close the span early nor `|` to end a table cell.
///
/// [`printable`]: crate::source::printable
pub(crate) fn code(text: &str) -> String {
    crate::source::printable(text)
        .chars()
        .map(|c| match c {
            '`' => '\'',
            '|' => '/',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_mention_mark_up_or_command() {
        assert_eq!(escape("@org/team"), "@<!-- -->org/team");
        assert_eq!(escape("a|b *c* <i>"), "a\\|b \\*c\\* \\<i\\>");
        assert_eq!(escape("::error::x"), r"\\u{3a}:error::x");
        assert!(!escape("##[error]").contains("##["));
        assert_eq!(code("a`b|c\u{1b}"), "a'b/c\\u{1b}");
    }
}
