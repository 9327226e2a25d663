//! Diagnostics for people (rustc style) and for tools (JSON).

use std::fmt::Write;

use super::{Diagnostic, Severity};
use crate::source::printable;

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
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        let (label, colour) = match diagnostic.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let _ = writeln!(
            out,
            "{}{} {}",
            paint(colour, &format!("{label}[{}]", diagnostic.rule.code())),
            paint("1", ":"),
            paint("1", &printable(&diagnostic.message))
        );
        let file = diagnostic.file.display().to_string();
        let file = printable(&file);
        let place = match diagnostic.location {
            Some(at) => format!("{file}:{}:{}", at.line, at.column),
            None => file.to_string(),
        };
        let gutter = diagnostic
            .location
            .map_or(1, |at| at.line.to_string().len());
        let bar = paint("1;34", "|");
        let _ = writeln!(
            out,
            "{:gutter$}{} {place} (at `{}`)",
            "",
            paint("1;34", "-->"),
            diagnostic.path
        );
        if let (Some(at), Some(line)) = (diagnostic.location, &diagnostic.source_line) {
            let marker = "^".repeat(token_width(&line.text, line.column));
            let _ = writeln!(out, "{:gutter$} {bar}", "");
            let _ = writeln!(
                out,
                "{} {bar} {}",
                paint("1;34", &at.line.to_string()),
                line.text
            );
            let _ = writeln!(
                out,
                "{:gutter$} {bar} {:pad$}{}",
                "",
                "",
                paint(colour, &marker),
                pad = line.column - 1
            );
        }
        if let Some(help) = &diagnostic.help {
            let _ = writeln!(
                out,
                "{:gutter$} {} help: {}",
                "",
                paint("1;34", "="),
                printable(help)
            );
        }
        out.push('\n');
    }
    out
}

/// How wide the marker under the key at `column` (1-based) should be: the
/// quoted key, or the plain key up to its colon.
pub(crate) fn token_width(line: &str, column: usize) -> usize {
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
pub fn render_json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": d.severity,
                "code": d.rule.code(),
                "rule": d.rule.name(),
                "message": d.message,
                "file": d.file.display().to_string(),
                "line": d.location.map(|at| at.line),
                "column": d.location.map(|at| at.column),
                "path": d.path.to_string(),
                "help": d.help,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).expect("diagnostics always serialise") + "\n"
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
