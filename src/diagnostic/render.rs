//! Diagnostics for people (rustc style) and for tools (JSON).

use std::fmt::Write;

use super::{Diagnostic, Severity};
use crate::paint::Painter;
use crate::source::{Excerpt, Location, printable};

/// rustc-style text:
///
/// ```text
/// error[F01]: no node is called `retuns_info` (did you mean `returns_info`?)
///  --> flow.yaml:8:7
///   |
/// 8 |       "Returns": retuns_info
///   |       ^^^^^^^^^
///   = help: a route names a node defined under `nodes:`
/// ```
pub fn render_text(diagnostics: &[Diagnostic], color: bool) -> String {
    let paint = Painter::new(color);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let (label, colour) = match diagnostic.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        write_headline(
            &mut out,
            &paint,
            (&format!("{label}[{}]", diagnostic.rule.code()), colour),
            &printable(&diagnostic.message),
        );
        let gutter = write_snippet(
            &mut out,
            &paint,
            Snippet {
                file: &printable(&diagnostic.file.display().to_string()),
                key_path: diagnostic.key().as_deref(),
                location: diagnostic.location,
                source_line: diagnostic.source_line.as_ref(),
                colour,
            },
        );
        if let Some(help) = &diagnostic.help {
            write_note(
                &mut out,
                &paint,
                gutter,
                &format!("help: {}", printable(help)),
            );
        }
        out.push('\n');
    }
    out
}

/// The first line of a finding, rustc style: `error[F01]: message`, with
/// the label (`error[F01]`) in its colour. The message is written as given:
/// the caller makes it printable.
pub(crate) fn write_headline(
    out: &mut String,
    paint: &Painter,
    (label, colour): (&str, &str),
    message: &str,
) {
    let _ = writeln!(
        out,
        "{}{} {}",
        paint.paint(colour, label),
        paint.paint("1", ":"),
        paint.paint("1", message)
    );
}

/// Where a finding is, for [`write_snippet`].
pub(crate) struct Snippet<'a> {
    /// The file, printable.
    pub file: &'a str,
    /// The key the finding is about, as the arrow line names it; none for
    /// a whole file.
    pub key_path: Option<&'a str>,
    /// Its line and column, when known.
    pub location: Option<Location>,
    /// The line as the finding shows it, when the file could be quoted.
    pub source_line: Option<&'a Excerpt>,
    /// The colour of the marker under the key: the finding's severity.
    pub colour: &'a str,
}

/// The place of a finding under its headline, rustc style — the arrow line
/// (file, line, column and key path), then the source line with the key
/// marked:
///
/// ```text
///  --> flow.yaml:8:7 (at `nodes.menu.routes.Returns`)
///   |
/// 8 |       "Returns": retuns_info
///   |       ^^^^^^^^^
/// ```
///
/// Returns the gutter's width, for the [`write_note`] lines that follow.
pub(crate) fn write_snippet(out: &mut String, paint: &Painter, snippet: Snippet) -> usize {
    let place = match snippet.location {
        Some(at) => format!("{}:{}:{}", snippet.file, at.line, at.column),
        None => snippet.file.to_string(),
    };
    let gutter = snippet.location.map_or(1, |at| at.line.to_string().len());
    let bar = paint.paint("1;34", "|");
    let _ = writeln!(
        out,
        "{:gutter$}{} {place}{}",
        "",
        paint.paint("1;34", "-->"),
        snippet
            .key_path
            .map(|key| format!(" (at `{key}`)"))
            .unwrap_or_default()
    );
    if let (Some(at), Some(line)) = (snippet.location, snippet.source_line) {
        let marker = "^".repeat(token_width(&line.text, line.column));
        let _ = writeln!(out, "{:gutter$} {bar}", "");
        let _ = writeln!(
            out,
            "{} {bar} {}",
            paint.paint("1;34", &at.line.to_string()),
            line.text
        );
        let _ = writeln!(
            out,
            "{:gutter$} {bar} {:pad$}{}",
            "",
            "",
            paint.paint(snippet.colour, &marker),
            pad = line.column - 1
        );
    }
    gutter
}

/// A line under a finding: `  = help: …` (or any other note), aligned with
/// the snippet's gutter.
pub(crate) fn write_note(out: &mut String, paint: &Painter, gutter: usize, text: &str) {
    let _ = writeln!(out, "{:gutter$} {} {text}", "", paint.paint("1;34", "="));
}

/// How wide the marker under the key at `column` (1-based) should be: the
/// quoted key, or the plain key up to its colon.
fn token_width(line: &str, column: usize) -> usize {
    let rest: Vec<char> = line.chars().skip(column.saturating_sub(1)).collect();
    let width = match rest.first() {
        Some(quote @ ('"' | '\'')) => rest[1..]
            .iter()
            .position(|c| c == quote)
            .map_or(rest.len(), |end| end + 2),
        Some(_) => {
            let token: String = rest
                .iter()
                .take_while(|c| !matches!(c, ':' | ',' | ']' | '}' | '#'))
                .collect();
            token.trim_end().chars().count()
        }
        None => 1,
    };
    width.max(1)
}

/// The closing line: `2 errors, 1 warning` (or `no problems`).
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if diagnostics.is_empty() {
        "no problems found".to_string()
    } else {
        format!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}

/// A JSON array, one object per diagnostic, for editors and CI annotations.
/// `message` and `help`, which people read, show names escaped as every
/// output for people does; `file` is the path as it is (an editor opens
/// it), and `path` is the key path as every output shows it.
pub fn render_json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": d.severity,
                "code": d.rule.code(),
                "rule": d.rule.name(),
                "message": printable(&d.message),
                "file": d.file.display().to_string(),
                "line": d.location.map(|at| at.line),
                "column": d.location.map(|at| at.column),
                "path": d.path.to_string(),
                "help": d.help.as_deref().map(printable),
            })
        })
        .collect();
    crate::json::to_string(&items)
}

#[cfg(test)]
mod tests {
    use super::token_width;

    #[test]
    fn marks_the_whole_key() {
        assert_eq!(token_width("      \"Returns\": retuns_info", 7), 9);
        assert_eq!(token_width("  welcome:", 3), 7);
        assert_eq!(token_width("mix: {returnr: 1.0}", 7), 7);
        assert_eq!(token_width("", 1), 1);
    }
}
