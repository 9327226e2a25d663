//! A transition table as a heat map: how each customer's outcome under
//! version A became their outcome under version B.

use super::{PAD, WIDTH};
use crate::html::format::{percent, thousands};
use crate::html::svg::{Anchor, Canvas, Svg, char_width, fit, text_width};

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

/// How much wider a line of 11px text may be, in 12px estimates.
const SMALL: f64 = 12.0 / 11.0;

/// Splits a label into at most two lines that each fit `max_width` units,
/// after a space or a hyphen, so column headings fit their column.
fn two_lines(label: &str, max_width: f64) -> [String; 2] {
    if text_width(label) <= max_width + 1e-6 {
        return [label.to_string(), String::new()];
    }
    // The last break that leaves a first line that fits.
    let mut split = None;
    let mut width = 0.0;
    for (at, c) in label.char_indices() {
        width += char_width(c);
        if width > max_width {
            break;
        }
        if c == ' ' || c == '-' {
            split = Some(at + c.len_utf8());
        }
    }
    let (first, rest) = match split {
        Some(at) => label.split_at(at),
        None => (label, ""),
    };
    [fit(first.trim_end(), max_width).0, fit(rest, max_width).0]
}

/// The transition table as a grid of cells shaded by count (darker is more)
/// with the count written in each, so no colour has to be decoded; cells on
/// the diagonal (the outcome did not change) are outlined. Rows are
/// `rows_title`, columns `columns_title`.
pub fn heat_map(title: &str, table: &Transitions<'_>) -> Svg {
    const LABEL_END: f64 = 96.0;
    const GRID_X: f64 = 102.0;
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
    for (c, column) in table.columns.iter().enumerate() {
        let x = GRID_X + (c as f64 + 0.5) * cell_w;
        let [first, second] = two_lines(column, (cell_w - 4.0) * SMALL);
        canvas.text_with_tip(x, 34.0, Anchor::Middle, "small", &first, Some(column));
        if !second.is_empty() {
            canvas.text(x, 47.0, Anchor::Middle, "small", &second);
        }
    }

    for (r, row) in table.rows.iter().enumerate() {
        let y = grid_y + r as f64 * CELL_H;
        canvas.open_group("row");
        let [first, second] = two_lines(row, (LABEL_END - 4.0) * SMALL);
        let first_y = if second.is_empty() {
            y + CELL_H / 2.0 + 4.0
        } else {
            y + CELL_H / 2.0 - 2.0
        };
        canvas.text_with_tip(LABEL_END, first_y, Anchor::End, "small", &first, Some(row));
        if !second.is_empty() {
            canvas.text(LABEL_END, first_y + 12.0, Anchor::End, "small", &second);
        }
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
            let text_class = if level >= 4 { "count on-dark" } else { "count" };
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
    fn long_labels_wrap_at_a_space_or_hyphen() {
        // 7.2 units a character: 13 characters take 93.6.
        assert_eq!(two_lines("self-resolved", 94.0), ["self-resolved", ""]);
        assert_eq!(two_lines("self-resolved", 80.0), ["self-", "resolved"]);
        assert_eq!(
            two_lines("abandoned in queue", 94.0),
            ["abandoned in", "queue"]
        );
        assert_eq!(two_lines("averyveryverylongword x", 58.0), ["averyve…", ""]);
    }
}
