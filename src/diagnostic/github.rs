//! GitHub Actions workflow commands: each finding becomes an annotation
//! (`::error file=flow.yaml,line=8,col=7,title=F01 unknown-node::...`) shown
//! on the pull request's changed lines.
//!
//! GitHub shows at most [`PER_STEP`] error and [`PER_STEP`] warning
//! annotations of a step and drops the rest silently, so errors come first
//! and the findings past the limit are printed as plain log lines after a
//! notice saying how many were left out. Those lines, and the messages of
//! the annotations, are for people and [`printable`] like every such output:
//! a file or node named `::error …` must not make a plain line a command.
//! An annotation's file is the one exception: it is escaped only as the
//! runner reads it back (`%3A` for a `:`), so GitHub still finds the file.

use std::fmt::Write;
use std::path::Path;

use super::{Diagnostic, Severity};
use crate::source::{is_invisible, printable};

/// GitHub shows this many annotations of each of `error` and `warning` per step.
pub const PER_STEP: usize = 10;

/// The annotations of `diagnostics`, most severe first, at most
/// [`PER_STEP`] of each severity; file paths relative to `base` (the
/// repository root, where the workflow runs), as GitHub matches them.
pub fn render_github(diagnostics: &[Diagnostic], base: &Path) -> String {
    let mut ordered: Vec<&Diagnostic> = diagnostics.iter().collect();
    ordered.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.cmp(b)));
    let mut out = String::new();
    let mut left_out = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    for diagnostic in ordered {
        let (command, shown) = match diagnostic.severity {
            Severity::Error => ("error", &mut errors),
            Severity::Warning => ("warning", &mut warnings),
        };
        if *shown == PER_STEP {
            left_out.push(diagnostic);
            continue;
        }
        *shown += 1;
        let file = relative(&diagnostic.file, base);
        let mut properties = format!("file={}", property(&file));
        if let Some(at) = diagnostic.location {
            let _ = write!(properties, ",line={},col={}", at.line, at.column);
        }
        let _ = write!(
            properties,
            ",title={}",
            property(&format!(
                "{} {}",
                diagnostic.rule.code(),
                diagnostic.rule.name()
            ))
        );
        let mut message = format!("{}{}", diagnostic.message, diagnostic.at_key());
        if let Some(help) = &diagnostic.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        let _ = writeln!(out, "::{command} {properties}::{}", data(&message));
    }
    if !left_out.is_empty() {
        let errors = left_out.iter().filter(|d| d.is_error()).count();
        let warnings = left_out.len() - errors;
        let _ = writeln!(
            out,
            "::notice title=rehearse lint::{}",
            data(&format!(
                "{errors} more error{} and {warnings} more warning{} were left out: GitHub shows {PER_STEP} of each per step. They follow in the log; `rehearse lint` lists them all.",
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" },
            ))
        );
        for diagnostic in left_out {
            let place = match diagnostic.location {
                Some(at) => format!(
                    "{}:{}:{}",
                    relative(&diagnostic.file, base),
                    at.line,
                    at.column
                ),
                None => relative(&diagnostic.file, base),
            };
            let label = if diagnostic.is_error() {
                "error"
            } else {
                "warning"
            };
            let _ = writeln!(
                out,
                "{} {label}[{}]: {}",
                printable(&place),
                diagnostic.rule.code(),
                printable(&diagnostic.message)
            );
        }
    }
    out
}

/// `file` relative to `base` when it is under it, with `/` separators and
/// no leading `./`.
pub(crate) fn relative(file: &Path, base: &Path) -> String {
    let file = file.strip_prefix(base).unwrap_or(file);
    let joined = file
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().replace('\\', "/"))
        .collect::<Vec<_>>()
        .join("/");
    // The root joins as `/` and then gains a separator: `//elsewhere/a.yaml`.
    match joined.strip_prefix("//") {
        Some(rest) => format!("/{rest}"),
        None => joined,
    }
}

/// A command's message: shown as in every output for people, line by line
/// ([`printable`]: a name's ANSI escapes, bidirectional overrides and `##[`
/// are escaped, so the line commands nothing even if the runner did not
/// take it for rehearse's annotation), then `%`, CR and LF escaped as
/// GitHub's runner reads them back, so it stays on the command's line.
fn data(text: &str) -> String {
    let shown: Vec<String> = text
        .split('\n')
        .map(|line| printable(line).into_owned())
        .collect();
    escaped(&shown.join("\n"), false)
}

/// A property value (the file): the path as it is, for GitHub to find the
/// file, with `%`, CR, LF, and `:` and `,` (which end the properties and
/// separate them) escaped as the runner reads them back. Only characters
/// that would act on a terminal ([`is_invisible`]) are shown as `\u{..}`.
fn property(text: &str) -> String {
    escaped(text, true)
}

/// GitHub's escapes of a command's data, and of a property also `:` and
/// `,`; [`is_invisible`] characters other than CR and LF as `\u{..}`.
fn escaped(text: &str, in_property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if in_property => out.push_str("%3A"),
            ',' if in_property => out.push_str("%2C"),
            c if is_invisible(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_the_runner_would_read_as_syntax() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(data("\u{1b}[31m"), "\\u{1b}[31m");
        // The file names the file: `:` escaped as the runner reads it back.
        assert_eq!(property("::x ##[y].yaml"), "%3A%3Ax ##[y].yaml");
        assert_eq!(
            data("no `::x ##[y]`\n::z"),
            r"no `::x #\u{23}[y]`%0A\u{3a}:z"
        );
    }

    #[test]
    fn paths_are_relative_to_the_repository() {
        let base = Path::new("/work/bot");
        assert_eq!(
            relative(Path::new("/work/bot/scenarios/a.yaml"), base),
            "scenarios/a.yaml"
        );
        assert_eq!(
            relative(Path::new("./scenarios/a.yaml"), base),
            "scenarios/a.yaml"
        );
        assert_eq!(
            relative(Path::new("/elsewhere/a.yaml"), base),
            "/elsewhere/a.yaml"
        );
    }
}
