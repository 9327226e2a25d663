//! JUnit XML, the test report format CI servers read (Jenkins, GitLab,
//! Azure Pipelines, CircleCI): one `<testsuite>` per scenario, one
//! `<testcase>` per expectation and one for the snapshot.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="rehearse check" tests="3" failures="1" errors="0" time="0.412">
//!   <testsuite name="shop-peak-hour" tests="3" failures="1" errors="0" skipped="0" time="0.412" file="scenarios/shop/peak-hour.yaml">
//!     <properties>
//!       <property name="scenario" value="peak-hour"/>
//!       <property name="replications" value="20"/>
//!     </properties>
//!     <testcase name="self_resolution &gt;= 55%" classname="rehearse.shop-peak-hour"/>
//!     <testcase name="abandonment &lt;= 9%" classname="rehearse.shop-peak-hour">
//!       <failure type="expectation" message="`abandonment` is 9.2%, which is not &lt;= 9%">...</failure>
//!     </testcase>
//!     <testcase name="snapshot" classname="rehearse.shop-peak-hour"/>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! Test names are unique within a suite, and suite names (`<bot>-<scenario>`)
//! within the file, so a CI server tracks each check across runs. Failures
//! are `failure` elements (the check ran and did not pass); an opted-out or
//! uncompared snapshot is `skipped`.
//!
//! Written by hand rather than with `quick-junit`: its strings silently drop
//! ANSI escapes and control characters (a hostile persona name would change
//! without a trace; here it is shown as `\u{1b}`, as in every other output)
//! and let U+FFFE and U+FFFF through, which XML 1.0 forbids. The whole writer
//! is the escaping below and three `format!`s, checked against the schema CI
//! servers read in `tests/check_formats.rs`.

use std::collections::HashSet;
use std::fmt::Write;

use super::expectations::ExpectationVerdict;
use super::snapshot::SnapshotState;
use super::{CheckReport, ScenarioCheck};

/// How many changed numbers a snapshot failure lists.
const DIFF_LINES: usize = 50;

/// The JUnit XML of a whole check.
pub fn render(report: &CheckReport) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut seconds) = (0, 0, 0.0);
    for scenario in &report.scenarios {
        let (suite, counts) = suite(scenario);
        suites.push_str(&suite);
        tests += counts.0;
        failures += counts.1;
        seconds += scenario.seconds;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rehearse check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"{seconds:.3}\">\n{suites}</testsuites>\n"
    )
}

/// One scenario's suite, and its (tests, failures).
fn suite(scenario: &ScenarioCheck) -> (String, (usize, usize)) {
    let classname = format!("rehearse.{}", scenario.name);
    let mut names = HashSet::new();
    let mut unique = |name: String| {
        let mut candidate = name.clone();
        let mut n = 2;
        while !names.insert(candidate.clone()) {
            candidate = format!("{name} ({n})");
            n += 1;
        }
        candidate
    };
    let mut cases = String::new();
    let (mut tests, mut failures, mut skipped) = (0, 0, 0);
    let file = scenario.file.display().to_string();
    for (check, place) in &scenario.expectations {
        tests += 1;
        let name = unique(check.condition());
        let Some(problem) = check.problem() else {
            let _ = writeln!(cases, "    {}", testcase(&name, &classname, None));
            continue;
        };
        failures += 1;
        let kind = if check.verdict == ExpectationVerdict::Inconclusive {
            "inconclusive"
        } else {
            "expectation"
        };
        let mut body = check.details();
        if let Some(advice) = check.advice() {
            body.push_str(&format!("\n{advice}"));
        }
        match place {
            Some(place) => body.push_str(&format!(
                "\n{file}:{}:{}",
                place.location.line, place.location.column
            )),
            None => body.push_str(&format!("\n{file}")),
        }
        let _ = writeln!(
            cases,
            "    {}",
            testcase(&name, &classname, Some(("failure", kind, &problem, &body)))
        );
    }
    tests += 1;
    let snapshot = &scenario.snapshot;
    let path = snapshot.path.display().to_string();
    let name = unique("snapshot".to_string());
    let diff_body = || {
        snapshot
            .diff
            .as_ref()
            .map(|diff| diff.lines(DIFF_LINES).join("\n"))
            .unwrap_or_default()
    };
    let case = match &snapshot.state {
        SnapshotState::Matches | SnapshotState::Accepted { .. } => {
            testcase(&name, &classname, None)
        }
        SnapshotState::Differs => {
            failures += 1;
            let message = format!(
                "the report differs from {path}: {}",
                snapshot
                    .diff
                    .as_ref()
                    .map_or_else(|| "its text changed".to_string(), |diff| diff.summary())
            );
            testcase(
                &name,
                &classname,
                Some(("failure", "snapshot", &message, &diff_body())),
            )
        }
        SnapshotState::Missing => {
            failures += 1;
            let message = format!("no approved report: {path} does not exist");
            let body = "run `rehearse check` locally, review the report, approve it with `rehearse check --accept` and commit it";
            testcase(
                &name,
                &classname,
                Some(("failure", "snapshot", &message, body)),
            )
        }
        SnapshotState::OptedOut => {
            skipped += 1;
            testcase(
                &name,
                &classname,
                Some(("skipped", "", "the scenario says `snapshot: false`", "")),
            )
        }
        SnapshotState::NotCompared(why) => {
            skipped += 1;
            testcase(&name, &classname, Some(("skipped", "", why, "")))
        }
        SnapshotState::NotWritten(why) => {
            failures += 1;
            testcase(
                &name,
                &classname,
                Some(("failure", "snapshot", why, &diff_body())),
            )
        }
    };
    let _ = writeln!(cases, "    {case}");
    let suite = format!(
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{:.3}\" file=\"{}\">\n    <properties>\n      <property name=\"scenario\" value=\"{}\"/>\n      <property name=\"replications\" value=\"{}\"/>\n    </properties>\n{cases}  </testsuite>\n",
        escape(&scenario.name),
        scenario.seconds,
        escape(&file),
        escape(&scenario.scenario),
        scenario.replications,
    );
    (suite, (tests, failures))
}

/// A `<testcase>`, empty on a pass; with `(element, type, message, body)`
/// for a failure or a skip.
fn testcase(name: &str, classname: &str, outcome: Option<(&str, &str, &str, &str)>) -> String {
    let open = format!(
        "<testcase name=\"{}\" classname=\"{}\"",
        escape(name),
        escape(classname)
    );
    match outcome {
        None => format!("{open}/>"),
        Some((element, kind, message, body)) => {
            let kind = if kind.is_empty() {
                String::new()
            } else {
                format!(" type=\"{}\"", escape(kind))
            };
            let inner = if body.is_empty() {
                format!("<{element}{kind} message=\"{}\"/>", escape(message))
            } else {
                format!(
                    "<{element}{kind} message=\"{}\">{}</{element}>",
                    escape(message),
                    escape(body)
                )
            };
            format!("{open}>{inner}</testcase>")
        }
    }
}

/// Text content and attribute values alike: markup escaped; newlines, tabs
/// and the `:` or `#` that [`crate::source::hidden`] names as character
/// references, which a reader gets back as they were (so a report written
/// to standard output, a CI log, has no line user text starts and no `##[`
/// it makes); the other characters it names, invisible or forbidden in XML
/// 1.0, written as `\u{..}`.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (_, c, hide) in crate::source::hidden(value) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            ':' if hide => out.push_str("&#58;"),
            '#' if hide => out.push_str("&#35;"),
            c if hide => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(escape("a<b & \"c\"\n"), "a&lt;b &amp; &quot;c&quot;&#10;");
        assert_eq!(escape("x\u{1b}[31m\ny"), "x\\u{1b}[31m&#10;y");
        // Not characters in XML 1.0, so they must not reach the file.
        assert_eq!(escape("a\u{fffe}b\u{ffff}"), "a\\u{fffe}b\\u{ffff}");
        // Nor a workflow command for the CI log that shows the file.
        assert_eq!(escape("::error::x ##[y]"), "&#58;:error::x #&#35;[y]");
    }
}
