//! What a reader sees first: the "failures first" summary of checks and
//! callouts of lines that need attention.

use std::fmt::Write;

use crate::html::escape::Isolated;

/// How a check in a [`Summary`] went. Ordered worst first, so sorting puts
/// failures at the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The check failed (CI fails).
    Fail,
    /// Worth a look, but not failing.
    Warn,
    /// The check passed.
    Pass,
    /// The check did not run (opted out, not comparable).
    Skip,
}

impl Status {
    pub(super) fn class(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Pass => "pass",
            Status::Skip => "skip",
        }
    }

    /// The status as a badge: a symbol and a word, so it reads without
    /// colour (`✗ FAIL`).
    pub fn badge(self) -> &'static str {
        match self {
            Status::Fail => "✗ FAIL",
            Status::Warn => "! WARN",
            Status::Pass => "✓ PASS",
            Status::Skip => "– SKIP",
        }
    }
}

/// One line of a [`Summary`]: an expectation, a snapshot, a comparison gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check<'a> {
    /// How it went.
    pub status: Status,
    /// What was checked (`abandonment <= 0.12`).
    pub name: &'a str,
    /// What was found (`was 0.14, 95% CI 0.13–0.15`).
    pub detail: &'a str,
}

/// The box at the top of a CI page: a headline counting failures, warnings
/// and passes, then every check with failures first (the order among equals
/// is kept). The box takes the colour of the worst status, and every line
/// says its status in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary<'a> {
    /// What was run (`rehearse check scenarios/`).
    pub title: &'a str,
    /// The checks, in any order.
    pub checks: &'a [Check<'a>],
}

impl Summary<'_> {
    pub(super) fn render(&self) -> String {
        let mut checks = self.checks.to_vec();
        checks.sort_by_key(|c| c.status);
        let count = |status| checks.iter().filter(|c| c.status == status).count();
        let (failed, warned, passed, skipped) = (
            count(Status::Fail),
            count(Status::Warn),
            count(Status::Pass),
            count(Status::Skip),
        );
        // Skipped checks alone make no failure: the box is green.
        let worst = checks
            .first()
            .map_or(Status::Pass, |c| c.status)
            .min(Status::Pass);
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut headline = [
            plural(failed, "failed", "failed"),
            plural(warned, "warning", "warnings"),
            plural(passed, "passed", "passed"),
        ]
        .join(", ");
        if skipped > 0 {
            headline += &format!(", {skipped} skipped");
        }
        let mut out = format!(
            "<section class=\"summary {}\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">{} {} — {headline}</h2>\n<ul class=\"checks\">\n",
            worst.class(),
            worst.badge().split_once(' ').map_or("", |(icon, _)| icon),
            Isolated(self.title),
        );
        // With something to look at, the checks that passed (or did not
        // run) are folded away under one line, so the failures fill the box.
        let fold_from = if worst < Status::Pass {
            checks.iter().position(|c| c.status >= Status::Pass)
        } else {
            None
        };
        for (i, check) in checks.iter().enumerate() {
            if Some(i) == fold_from {
                let mut folded = plural(passed, "passed", "passed");
                if skipped > 0 {
                    folded += &format!(", {skipped} skipped");
                }
                let _ = write!(
                    out,
                    "</ul>\n<details><summary>{folded}</summary><ul class=\"checks\">\n"
                );
            }
            check_line(
                &mut out,
                check.status,
                check.status.badge(),
                check.name,
                check.detail,
            );
        }
        out.push_str("</ul>\n");
        if fold_from.is_some() {
            out.push_str("</details>\n");
        }
        out.push_str("</section>\n");
        out
    }
}

/// One line of a box at the top of a page: a badge in the status's colour
/// that says it in words, what it is about, and the detail.
fn check_line(out: &mut String, status: Status, badge: &str, name: &str, detail: &str) {
    let _ = writeln!(
        out,
        "<li><span class=\"badge {}\">{}</span><span class=\"name\">{}</span><span class=\"detail\">{}</span></li>",
        status.class(),
        Isolated(badge),
        Isolated(name),
        Isolated(detail)
    );
}

/// One line of a [`Callout`]: a change that matters (`▼ worse`,
/// `response`, `87.7% → 87.2% · −0.50 pts [−0.64, −0.36]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalloutLine<'a> {
    /// Its colour: [`Status::Fail`] for a change for the worse,
    /// [`Status::Pass`] for one for the better.
    pub tone: Status,
    /// The badge's words, with a symbol so they read without colour.
    pub badge: &'a str,
    /// What changed.
    pub name: &'a str,
    /// By how much.
    pub detail: &'a str,
}

/// The box at the top of a page that reaches a verdict rather than runs
/// checks (a comparison of two versions): a headline in the colour of its
/// tone, then each line in its own order (the caller puts the worst
/// first), then a note in small print. Unlike a [`Summary`], nothing is
/// counted or folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Callout<'a> {
    /// The box's colour: worse (fail), better (pass), mixed (warn) or
    /// neither (skip).
    pub tone: Status,
    /// The verdict in one sentence.
    pub headline: &'a str,
    /// The lines under it.
    pub lines: &'a [CalloutLine<'a>],
    /// How to read the lines; nothing when empty.
    pub note: &'a str,
}

impl Callout<'_> {
    pub(super) fn render(&self) -> String {
        let mut out = format!(
            "<section class=\"summary {}\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">{}</h2>\n",
            self.tone.class(),
            Isolated(self.headline),
        );
        if !self.lines.is_empty() {
            out.push_str("<ul class=\"checks\">\n");
            for line in self.lines {
                check_line(&mut out, line.tone, line.badge, line.name, line.detail);
            }
            out.push_str("</ul>\n");
        }
        if !self.note.is_empty() {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", Isolated(self.note));
        }
        out.push_str("</section>\n");
        out
    }
}
