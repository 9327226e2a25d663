//! Tables of a page: a header row, aligned columns, folded when long.

use std::fmt::Write;

use super::Status;
use crate::html::escape::Isolated;

/// How a table column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Text,
    Number,
}

/// A data table whose first column names the rows (`<th scope="row">`) and
/// whose header names the columns (`<th scope="col">`). Number columns are
/// right-aligned with tabular figures; the cells are given as text, already
/// formatted (see [`crate::html::format`]).
///
/// ```
/// use rehearse::html::page::Table;
/// let table = Table::new("Per persona")
///     .column("Persona")
///     .number_column("Self-resolution")
///     .row(&["returning-buyer", "61.0%"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    caption: String,
    columns: Vec<(String, Align)>,
    rows: Vec<(Option<Status>, Vec<String>)>,
    folded: Option<String>,
}

impl Table {
    /// An empty table with this caption.
    pub fn new(caption: &str) -> Table {
        Table {
            caption: caption.to_string(),
            columns: Vec::new(),
            rows: Vec::new(),
            folded: None,
        }
    }

    /// Adds a text column.
    pub fn column(mut self, heading: &str) -> Table {
        self.columns.push((heading.to_string(), Align::Text));
        self
    }

    /// Adds a right-aligned number column.
    pub fn number_column(mut self, heading: &str) -> Table {
        self.columns.push((heading.to_string(), Align::Number));
        self
    }

    /// Adds a row; its first cell names the row. Missing cells are left
    /// empty, extra cells are dropped.
    pub fn row<S: AsRef<str>>(mut self, cells: &[S]) -> Table {
        self.rows
            .push((None, cells.iter().map(|c| c.as_ref().to_string()).collect()));
        self
    }

    /// Adds a row about something that passed or failed: it gets a bar in
    /// the status's colour at its start. The cells must still say the
    /// status in words; the colour only helps the eye.
    pub fn status_row<S: AsRef<str>>(mut self, status: Status, cells: &[S]) -> Table {
        self.rows.push((
            Some(status),
            cells.iter().map(|c| c.as_ref().to_string()).collect(),
        ));
        self
    }

    /// Shows the table folded, behind a `<details>` toggle labelled `label`
    /// (for long tables a reader opens on demand).
    pub fn folded(mut self, label: &str) -> Table {
        self.folded = Some(label.to_string());
        self
    }

    pub(super) fn render(&self, out: &mut String) {
        if let Some(label) = &self.folded {
            let _ = write!(out, "<details><summary>{}</summary>", Isolated(label));
        }
        let _ = write!(
            out,
            "<div class=\"table-wrap\"><table>\n<caption>{}</caption>\n<thead><tr>",
            Isolated(&self.caption)
        );
        for (heading, align) in &self.columns {
            let class = if *align == Align::Number {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", Isolated(heading));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (status, row) in &self.rows {
            match status {
                Some(status) => {
                    let _ = write!(out, "<tr class=\"{}\">", status.class());
                }
                None => out.push_str("<tr>"),
            }
            for (i, (_, align)) in self.columns.iter().enumerate() {
                let cell = row.get(i).map_or("", String::as_str);
                let class = if *align == Align::Number {
                    " class=\"num\""
                } else {
                    ""
                };
                if i == 0 {
                    let _ = write!(out, "<th scope=\"row\"{class}>{}</th>", Isolated(cell));
                } else {
                    let _ = write!(out, "<td{class}>{}</td>", Isolated(cell));
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div>");
        if self.folded.is_some() {
            out.push_str("</details>");
        }
        out.push('\n');
    }
}
