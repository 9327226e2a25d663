//! A transition table as a heat map: how each customer's outcome under
//! version A became their outcome under version B.

use super::{PAD, WIDTH};
use crate::html::format::{percent, thousands};
use crate::html::svg::{Anchor, Canvas, Svg, shorten};

/// A square or rectangular table of counts, `counts[row * columns.len() +
/// column]`: rows are the outcome under A, columns the outcome under B.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transitions<'a> {
    /// What the rows are (`Outcome under A`).
    pub rows_title: &'a str,
    /// What the columns are (`Outcome under B`).
    pub columns_title: &'a str,
    /// Row labels, top to bottom.
    pub rows: &'a [&'a str],
    /// Column labels, left to right.
    pub columns: &'a [&'a str],
    /// Counts, row after row; missing ones count as 0.
    pub counts: &'a [u64],
}

impl Transitions<'_> {
    fn count(&self, row: usize, column: usize) -> u64 {
        self.counts
            .get(row * self.columns.len() + column)
            .copied()
            .unwrap_or(0)
    }
}

/// Splits a label into at most two lines of about `width` characters, at a
/// space, so column headings fit their column.
fn two_lines(label: &str, width: usize) -> [String; 2] {
    if label.chars().count() <= width {
        return [label.to_string(), String::new()];
    }
    let mut first = String::new();
    let mut words = label.split(' ').peekable();
    while let Some(word) = words.peek() {
        let grown = if first.is_empty() {
            word.chars().count()
        } else {
            first.chars().count() + 1 + word.chars().count()
        };
        if grown > width && !first.is_empty() {
            break;
        }
        if !first.is_empty() {
            first.push(' ');
        }
        first.push_str(word);
        words.next();
    }
    let rest = words.collect::<Vec<_>>().join(" ");
    [shorten(&first, width).0, shorten(&rest, width).0]
}

/// The transition table as a grid of cells shaded by count (darker is more)
/// with the count written in each, so no colour has to be decoded; cells on
/// the diagonal (the outcome did not change) are outlined. Rows are
/// `rows_title`, columns `columns_title`.
pub fn heat_map(title: &str, table: &Transitions<'_>) -> Svg {
    const LABEL_END: f64 = 138.0;
    const GRID_X: f64 = 148.0;
    const CELL_H: f64 = 30.0;
    let n_rows = table.rows.len();
    let n_columns = table.columns.len();
    let cell_w = if n_columns == 0 {
        0.0
    } else {
        (WIDTH - PAD - GRID_X) / n_columns as f64
    };
    let grid_y = 62.0;
    let height = grid_y + n_rows as f64 * CELL_H + 8.0;
    let total: u64 = (0..n_rows)
        .flat_map(|r| (0..n_columns).map(move |c| (r, c)))
        .map(|(r, c)| table.count(r, c))
        .sum();
    let max = (0..n_rows)
        .flat_map(|r| (0..n_columns).map(move |c| (r, c)))
        .map(|(r, c)| table.count(r, c))
        .max()
        .unwrap_or(0);

    let mut desc = format!(
        "Rows: {}; columns: {}. {} in all",
        table.rows_title,
        table.columns_title,
        thousands(total)
    );
    for (r, row) in table.rows.iter().enumerate() {
        for (c, column) in table.columns.iter().enumerate() {
            let count = table.count(r, c);
            if count > 0 {
                desc += &format!("; {row} → {column}: {}", thousands(count));
            }
        }
    }
    let mut canvas = Canvas::new(WIDTH, height, title, &desc);

    canvas.text(
        GRID_X,
        14.0,
        Anchor::Start,
        "label strong",
        &format!("{} →", table.columns_title),
    );
    canvas.text(
        LABEL_END,
        grid_y - 8.0,
        Anchor::End,
        "label strong",
        &format!("{} ↓", table.rows_title),
    );
    let chars = ((cell_w / 6.4) as usize).max(4);
    for (c, column) in table.columns.iter().enumerate() {
        let x = GRID_X + (c as f64 + 0.5) * cell_w;
        let [first, second] = two_lines(column, chars);
        canvas.text_with_tip(x, 34.0, Anchor::Middle, "label", &first, Some(column));
        if !second.is_empty() {
            canvas.text(x, 48.0, Anchor::Middle, "label", &second);
        }
    }

    for (r, row) in table.rows.iter().enumerate() {
        let y = grid_y + r as f64 * CELL_H;
        canvas.open_group("row");
        let (label, cut) = shorten(row, 21);
        canvas.text_with_tip(
            LABEL_END,
            y + CELL_H / 2.0 + 4.0,
            Anchor::End,
            "label",
            &label,
            cut.then_some(row),
        );
        for (c, column) in table.columns.iter().enumerate() {
            let x = GRID_X + c as f64 * cell_w;
            let count = table.count(r, c);
            // Square-root shading, so small but non-zero cells still show.
            let level = if max == 0 {
                0
            } else {
                ((count as f64 / max as f64).sqrt() * 5.0).ceil() as usize
            };
            let diagonal = if r == c { " diagonal" } else { "" };
            let tip = format!(
                "{row} → {column}: {} ({})",
                thousands(count),
                percent(if total == 0 {
                    0.0
                } else {
                    count as f64 / total as f64
                })
            );
            let class = format!("heat h{level}{diagonal}");
            canvas.rect_with_tip(
                x + 1.0,
                y + 1.0,
                cell_w - 2.0,
                CELL_H - 2.0,
                &class,
                Some(&tip),
            );
            let text_class = if level >= 3 { "count on-dark" } else { "count" };
            canvas.text(
                x + cell_w / 2.0,
                y + CELL_H / 2.0 + 4.0,
                Anchor::Middle,
                text_class,
                &thousands(count),
            );
        }
        canvas.close_group();
    }
    canvas.finish()
}

#[cfg(test)]
mod tests {
    use super::two_lines;

    #[test]
    fn long_labels_wrap_at_a_space() {
        assert_eq!(two_lines("self-resolved", 13), ["self-resolved", ""]);
        assert_eq!(
            two_lines("abandoned in queue", 13),
            ["abandoned in", "queue"]
        );
        assert_eq!(two_lines("averyveryverylongword x", 8), ["averyve…", "x"]);
    }
}
