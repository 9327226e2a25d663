//! The terminal summary: what a bot designer reads after each run.

use std::io::{self, Write};

use super::Report;
use super::render::{Renderer, Style};
use super::table::{self, Align, Table, percent, plus_minus, thousands};
use crate::metric::{Outcome, Rate};
use crate::paint::Painter;
use crate::source::printable;

const BAR_WIDTH: f64 = 30.0;

pub(super) struct Text(pub Style);

impl Renderer for Text {
    fn render(&self, reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
        for (i, report) in reports.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            render(report, self.0, out)?;
        }
        Ok(())
    }
}

fn render(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let paint = Painter::new(style.color);
    let replications = if report.replications == 1 {
        String::new()
    } else {
        format!(" in {} replications", report.replications)
    };
    writeln!(
        out,
        "{}",
        paint.heading(&printable(&format!(
            "{} — flow {}{} — seed {} — {} conversations{replications}",
            report.scenario,
            report.flow.name,
            report.flow.version_suffix(),
            report.seed,
            thousands(report.conversations)
        )))
    )?;

    if let Some(live) = &report.live {
        if let Some(note) = live.partial_note() {
            writeln!(out, "{}", paint.heading(&note))?;
        }
        writeln!(out, "\n{}", paint.heading("Live"))?;
        for (label, text) in live.lines() {
            writeln!(out, "  {label:<10}  {}", printable(&text))?;
        }
    }

    writeln!(out, "\n{}", paint.heading("Outcomes"))?;
    let ci95 = report.ci95.as_ref();
    for outcome in Outcome::ALL {
        let share = report.outcomes.get(outcome);
        let bar = "█".repeat((share * BAR_WIDTH).round() as usize);
        let pm = ci95
            .and_then(|ci95| plus_minus(ci95.outcomes.get(outcome.key())))
            .map(|pm| format!(" {pm:<5}"))
            .unwrap_or_default();
        let line = format!(
            "  {:<20} {:>6}{pm}  {bar}",
            outcome.key().replace('_', " "),
            percent(share)
        );
        writeln!(out, "{}", line.trim_end())?;
    }

    writeln!(out, "\n{}", paint.heading("Rates"))?;
    let rates: Vec<String> = Rate::ALL
        .iter()
        .map(|rate| {
            let header = rate.header();
            let pm = ci95
                .and_then(|ci95| plus_minus(ci95.rates.get(rate.key())))
                .map(|pm| format!(" {pm}"))
                .unwrap_or_default();
            format!("{header} {:>6}{pm}", percent(report.rates.get(*rate)))
        })
        .collect();
    writeln!(out, "  {}", rates.join("   "))?;

    draw(&table::response_times(report), &paint, out)?;
    writeln!(
        out,
        "\n{}  mean {}   max {}",
        paint.heading("Turns"),
        report.turns.mean,
        report.turns.max
    )?;
    if let Some(csat) = &report.csat {
        writeln!(
            out,
            "\n{}  {}",
            paint.heading("CSAT"),
            table::csat_line(csat)
        )?;
    }
    if !report.conversion.is_empty() {
        writeln!(
            out,
            "\n{}  {}",
            paint.heading("Conversion"),
            printable(&table::conversion_line(report))
        )?;
    }
    if !report.funnel.is_empty() {
        draw(&table::funnel(report), &paint, out)?;
    }
    if let Some(media) = table::media(report) {
        draw(&media, &paint, out)?;
    }
    if !report.queues.is_empty() {
        draw(&table::queues(report), &paint, out)?;
    }
    if !report.campaigns.is_empty() {
        draw(&table::sends("Campaigns", &report.campaigns), &paint, out)?;
    }
    if !report.follow_ups.is_empty() {
        draw(&table::sends("Follow-ups", &report.follow_ups), &paint, out)?;
    }
    for (title, line) in table::outreach_lines(report) {
        writeln!(out, "\n{}  {}", paint.heading(title), printable(&line))?;
    }
    for (title, groups) in [
        ("Personas", &report.personas),
        ("Segments", &report.segments),
        ("Variants", &report.variants),
    ] {
        if !groups.is_empty() {
            draw(&table::breakdowns(title, groups), &paint, out)?;
        }
    }
    if !report.transcripts.is_empty() {
        writeln!(out, "\n{}", paint.heading("Transcripts"))?;
        for (number, transcript) in report.transcripts.iter().enumerate() {
            writeln!(
                out,
                "\n  {}",
                paint.heading(&printable(&super::transcript::heading(
                    number + 1,
                    transcript
                )))
            )?;
            for line in super::transcript::lines(transcript) {
                writeln!(out, "  {}", printable(&line))?;
            }
        }
    }
    Ok(())
}

/// A table under a blank line: the header in bold, rows indented by two,
/// columns two spaces apart. Names from the user's files (in cells, and in
/// headers: a goal's column) are made printable.
pub(crate) fn draw(table: &Table, paint: &Painter, out: &mut dyn Write) -> io::Result<()> {
    let table = &table.printable();
    let widths = table.widths();
    let pad = |text: &str, column: usize, first_extra: usize| {
        let width = widths[column] + first_extra;
        match table.align[column] {
            Align::Left => format!("{text:<width$}"),
            Align::Right => format!("{text:>width$}"),
        }
    };
    let header: Vec<String> = table
        .headers
        .iter()
        .enumerate()
        .map(|(column, text)| pad(text, column, if column == 0 { 2 } else { 0 }))
        .collect();
    writeln!(out, "\n{}", paint.heading(header.join("  ").trim_end()))?;
    for row in &table.rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(column, cell)| {
                let text = pad(&cell.text, column, 0);
                if cell.muted { paint.dim(&text) } else { text }
            })
            .collect();
        writeln!(out, "  {}", cells.join("  ").trim_end())?;
    }
    Ok(())
}
