//! A comparison as a pull-request comment: the verdict line first, then
//! the table, then where things moved.

use std::io::{self, Write};

use super::{Comparison, Overall, Role, composition, table};
use crate::metric::Group;
use crate::report::markdown::{code, draw, escape};
use crate::report::table::{percent, thousands};

/// Funnel nodes listed; the rest are counted.
const FUNNEL_ROWS: usize = 20;

/// Writes `comparison` as markdown.
pub fn render_markdown(comparison: &Comparison, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "**{}**", escape(&table::headline(comparison)))?;
    if comparison.summary.verdict != Overall::NoInterval {
        draw(&table::primary(comparison), out)?;
        writeln!(out, "\n{}", escape(&table::primary_note(comparison)))?;
        writeln!(out, "\n{}", escape(&table::secondary_note(comparison)))?;
        let rows = table::significant(comparison, Role::Secondary);
        if !rows.is_empty() {
            writeln!(
                out,
                "\n| | metric | A → B | change | adjusted interval |\n|---|---|---:|---:|---:|"
            )?;
            for [word, name, values, change, interval] in &rows {
                writeln!(
                    out,
                    "| {word} | `{}` | {} | {} | {} |",
                    code(name),
                    escape(values),
                    escape(change),
                    escape(interval)
                )?;
            }
        }
    }
    if let Some(composition) = composition::table(comparison) {
        draw(&composition, out)?;
        writeln!(out, "\n{}", escape(composition::NOTE))?;
    }
    writeln!(out)?;
    let version = |side: &super::Version| {
        format!(
            "`{}` (scenario {}, flow {}{})",
            code(&side.label),
            escape(&side.scenario),
            escape(&side.flow.name),
            escape(&side.flow.version_suffix())
        )
    };
    writeln!(
        out,
        "B = {} against A = {}: seed {}, {}, {} customers each met by both versions. The tables' intervals are 95% paired t intervals of B − A over replications; verdicts read the adjusted intervals above.",
        version(&comparison.b),
        version(&comparison.a),
        comparison.seed,
        super::counted(comparison.replications, "paired replication"),
        thousands(comparison.conversations)
    )?;
    for section in table::sections(comparison) {
        // Two dozen timer statistics would bury the rest of a comment.
        let fold = section.rows.len() > 12;
        if fold {
            writeln!(
                out,
                "\n<details><summary>{} ({} statistics)</summary>",
                escape(&section.headers[0]),
                section.rows.len()
            )?;
        }
        draw(&section, out)?;
        if fold {
            writeln!(out, "\n</details>")?;
        }
    }
    if comparison.summary.verdict != Overall::NoInterval {
        writeln!(out, "\n{}", escape(table::TABLES_NOTE))?;
    }

    writeln!(
        out,
        "\n### Customers whose outcome changed: {} of {} ({})",
        thousands(comparison.transitions.changed),
        thousands(comparison.conversations),
        percent(comparison.transitions.changed as f64 / comparison.conversations.max(1) as f64)
    )?;
    draw(&table::transitions(comparison), out)?;
    writeln!(out, "\n{}", escape(&table::mcnemar(comparison)))?;

    let (funnel, still) = table::funnel(comparison, FUNNEL_ROWS);
    writeln!(out, "\n### Funnel: the nodes that moved most")?;
    if funnel.rows.is_empty() {
        writeln!(out, "\nNo node moved.")?;
    } else {
        draw(&funnel, out)?;
        let more = comparison.funnel.len() - still - funnel.rows.len();
        if more > 0 || still > 0 {
            writeln!(
                out,
                "\n{} moved less; {still} did not move.",
                super::counted(more as u64, "more node")
            )?;
        }
    }
    for (group, title) in [
        (Group::Persona, "Personas"),
        (Group::Segment, "Segments"),
        (Group::Variant, "Variants"),
    ] {
        if let Some(groups) = table::groups(comparison, group, title, false) {
            writeln!(out, "\n### {title}")?;
            draw(&groups, out)?;
        }
    }
    if let Some(pairing) = table::pairing(comparison) {
        writeln!(out, "\n{}", escape(&pairing))?;
    }
    Ok(())
}
