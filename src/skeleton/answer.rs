//! One answer that a question's pattern accepts, for a skeleton persona:
//! the shortest plain reading of the pattern (the first alternative, the
//! fewest repetitions, a letter or digit from each class), checked against
//! the pattern itself before it is used.

use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};

/// The longest answer built: a pattern that asks for more is left to the
/// designer.
const MAX_ANSWER_CHARS: usize = 200;

/// An answer `pattern` accepts (as the bot checks it, on the trimmed text),
/// usable as a persona's answer template (no `{` or `}`); `None` when none
/// was found.
pub(crate) fn sample(pattern: &Regex) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern.as_str()).ok()?;
    let mut out = String::new();
    write(&hir, &mut out)?;
    let usable = !out.trim().is_empty()
        && !out.contains(['{', '}'])
        && out.chars().count() <= MAX_ANSWER_CHARS
        && pattern.is_match(out.trim());
    usable.then_some(out)
}

fn write(hir: &Hir, out: &mut String) -> Option<()> {
    if out.chars().count() > MAX_ANSWER_CHARS {
        return None;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
        HirKind::Class(Class::Unicode(class)) => {
            out.push(pick(class.ranges().iter().map(|r| (r.start(), r.end())))?)
        }
        HirKind::Class(Class::Bytes(class)) => out.push(pick(
            class
                .ranges()
                .iter()
                .map(|r| (char::from(r.start()), char::from(r.end()))),
        )?),
        HirKind::Repetition(repetition) => {
            // An optional part is written once when it can be, so that it
            // shows the designer what goes there; left out when it cannot
            // (`\s*` has no visible character).
            if repetition.min == 0 {
                let before = out.len();
                if write(&repetition.sub, out).is_none() {
                    out.truncate(before);
                }
            }
            for _ in 0..repetition.min {
                write(&repetition.sub, out)?;
            }
        }
        HirKind::Capture(capture) => write(&capture.sub, out)?,
        HirKind::Concat(parts) => {
            for part in parts {
                write(part, out)?;
            }
        }
        HirKind::Alternation(alternatives) => write(alternatives.first()?, out)?,
    }
    Some(())
}

/// A readable character of a class: a digit, a capital, a small letter,
/// else any visible one.
fn pick(ranges: impl Iterator<Item = (char, char)> + Clone) -> Option<char> {
    for wanted in ['1', 'A', 'a'] {
        if ranges
            .clone()
            .any(|(start, end)| (start..=end).contains(&wanted))
        {
            return Some(wanted);
        }
    }
    ranges
        .flat_map(|(start, end)| start..=end)
        .take(10_000)
        .find(|c| !c.is_control() && !c.is_whitespace() && !matches!(c, '{' | '}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(pattern: &str) -> Option<String> {
        sample(&Regex::new(pattern).unwrap())
    }

    #[test]
    fn answers_match_their_pattern() {
        assert_eq!(answer("^A[0-9]{6}$").as_deref(), Some("A111111"));
        assert_eq!(answer(r"^\d{4,}$").as_deref(), Some("1111"));
        assert_eq!(answer("^(yes|no)$").as_deref(), Some("yes"));
        assert_eq!(
            answer(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$").as_deref(),
            Some("1@1.aa")
        );
        assert_eq!(answer(".*").as_deref(), Some("1"));
        assert_eq!(
            answer(r"(?i)^\s*[A-Z][0-9]{6}\s*$").as_deref(),
            Some("A111111")
        );
        // A pattern that wants braces cannot be written as an answer template.
        assert_eq!(answer(r"^\{x\}$"), None);
    }
}
