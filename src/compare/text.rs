//! The terminal rendering of a comparison: the verdict first, then where.

use std::io::{self, Write};

use super::{Comparison, Overall, Role, composition, table};
use crate::metric::Group;
use crate::paint::Painter;
use crate::report::Style;
use crate::report::table::{percent, thousands};
use crate::report::text::draw;
use crate::source::printable;

/// Funnel nodes shown in the terminal; the rest are counted.
const FUNNEL_ROWS: usize = 12;

/// The significant changes, one a line: the verdict's word in its colour,
/// the metric, `A → B`, the change and its adjusted interval.
fn verdict_lines(rows: &[[String; 5]], paint: &Painter, out: &mut dyn Write) -> io::Result<()> {
    let width = |column: usize| {
        rows.iter()
            .map(|row| row[column].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..5).map(width).collect();
    for row in rows {
        let word = format!("{:<w$}", row[0], w = widths[0]);
        let word = match row[0].as_str() {
            "worse" => paint.paint("31", &word),
            "better" => paint.paint("32", &word),
            _ => paint.paint("33", &word),
        };
        writeln!(
            out,
            "  {word}  {:<w1$}  {:>w2$}  {:>w3$}  {}",
            printable(&row[1]),
            row[2],
            row[3],
            row[4],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        )?;
    }
    Ok(())
}

/// Writes `comparison` for a terminal.
pub fn render_text(comparison: &Comparison, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let paint = Painter::new(style.color);
    let version = |side: &super::Version| {
        printable(&format!(
            "{} — scenario {}, flow {}{}",
            side.label,
            side.scenario,
            side.flow.name,
            side.flow.version_suffix()
        ))
        .into_owned()
    };
    writeln!(
        out,
        "{}",
        paint.heading(&printable(&format!(
            "{}: B against A, on the same customers",
            comparison.a.scenario
        )))
    )?;
    writeln!(out, "  A  {}", version(&comparison.a))?;
    writeln!(out, "  B  {}", version(&comparison.b))?;
    writeln!(
        out,
        "  seed {} · {} · {} customers, each met by both versions",
        comparison.seed,
        super::counted(comparison.replications, "paired replication"),
        thousands(comparison.conversations)
    )?;

    let colour = match comparison.summary.verdict {
        Overall::Better => "1;32",
        Overall::Worse => "1;31",
        Overall::Mixed => "1;33",
        _ => "1",
    };
    writeln!(
        out,
        "\n{}",
        paint.paint(colour, &format!("Verdict: {}", table::headline(comparison)))
    )?;
    if comparison.summary.verdict != Overall::NoInterval {
        draw(&table::primary(comparison), &paint, out)?;
        writeln!(
            out,
            "  {}",
            paint.dim(&format!("({})", table::primary_note(comparison)))
        )?;
        let rows = table::significant(comparison, Role::Secondary);
        writeln!(
            out,
            "\n{}",
            paint.heading(&table::secondary_note(comparison))
        )?;
        verdict_lines(&rows, &paint, out)?;
    }
    if let Some(composition) = composition::table(comparison) {
        draw(&composition, &paint, out)?;
        writeln!(out, "  {}", paint.dim(&format!("({})", composition::NOTE)))?;
    }

    for section in table::sections(comparison) {
        draw(&section, &paint, out)?;
    }
    if comparison.summary.verdict != Overall::NoInterval {
        writeln!(out, "  {}", paint.dim(&format!("({})", table::TABLES_NOTE)))?;
    }

    let changed = comparison.transitions.changed;
    writeln!(
        out,
        "\n{}",
        paint.heading(&format!(
            "Customers whose outcome changed: {} of {} ({})",
            thousands(changed),
            thousands(comparison.conversations),
            percent(changed as f64 / comparison.conversations.max(1) as f64)
        ))
    )?;
    draw(&table::transitions(comparison), &paint, out)?;
    writeln!(out, "  {}", table::mcnemar(comparison))?;

    let (funnel, still) = table::funnel(comparison, FUNNEL_ROWS);
    if funnel.rows.is_empty() {
        writeln!(out, "\n{}  no node moved", paint.heading("Funnel"))?;
    } else {
        draw(&funnel, &paint, out)?;
        let shown = funnel.rows.len();
        let more = comparison.funnel.len() - still - shown;
        let mut notes = Vec::new();
        if more > 0 {
            notes.push(format!(
                "{} moved less",
                super::counted(more as u64, "more node")
            ));
        }
        if still > 0 {
            notes.push(format!(
                "{still} {} did not move",
                if still == 1 { "node" } else { "nodes" }
            ));
        }
        if !notes.is_empty() {
            writeln!(out, "  {}", paint.dim(&format!("({})", notes.join("; "))))?;
        }
    }

    for (group, title) in [
        (Group::Persona, "Personas"),
        (Group::Segment, "Segments"),
        (Group::Variant, "Variants"),
    ] {
        if let Some(groups) = table::groups(comparison, group, title, true) {
            draw(&groups, &paint, out)?;
        }
    }
    if let Some(pairing) = table::pairing(comparison) {
        writeln!(out, "\n{pairing}")?;
    }
    Ok(())
}
