//! `--fail-if-worse`: the gates a comparison can fail, each with an
//! optional margin (see docs/src/statistics.md).
//!
//! `abandonment` fails when B is confidently worse at all;
//! `abandonment:+1pt` only when B is confidently worse by more than one
//! percentage point: when the whole multiplicity-adjusted interval of
//! B − A lies beyond +1 point. A change that is real but smaller is
//! reported `within_margin` and passes: a CI gate must not fail a pull
//! request for 18 ms at the p95 that nobody would notice.

use super::Unit;
use super::primary::{canonical, judged};
use crate::metric::Metric;
use crate::model::duration::parse_duration;

/// How to write gates, for every message about one.
const EXAMPLES: &str =
    "`abandonment`, `abandonment:+1pt`, `response_time.bot.p95:+200ms` or `csat.mean:-0.1`";

/// One `--fail-if-worse` entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Gate {
    /// As written, margin included: `abandonment:+1pt`.
    pub written: String,
    /// The metric, as its [`canonical`] twin.
    pub metric: Metric,
    /// How much worse B may be without failing, in the metric's unit and
    /// signed the way that is worse (`0.01` for `abandonment:+1pt`, `-0.1`
    /// for `csat.mean:-0.1`); `None` without a margin.
    pub margin: Option<f64>,
}

impl Gate {
    /// The margin's size: how far into the worse direction B may go; 0
    /// without one.
    pub(crate) fn tolerance(&self) -> f64 {
        self.margin.map_or(0.0, f64::abs)
    }
}

/// Reads the `--fail-if-worse` entries; blank ones are skipped. Each must
/// name a metric `compare` judges that has a better direction, once.
pub(crate) fn parse(entries: &[String]) -> Result<Vec<Gate>, String> {
    let mut gates: Vec<Gate> = Vec::new();
    for entry in entries.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        let gate = one(entry).map_err(|message| {
            format!(
                "--fail-if-worse `{}`: {message}",
                crate::source::printable(&crate::source::cut(entry, 80))
            )
        })?;
        if let Some(earlier) = gates.iter().find(|g| g.metric == gate.metric) {
            return Err(format!(
                "--fail-if-worse names `{}` twice (`{}` and `{}`): give each metric once, with at most one margin",
                gate.metric, earlier.written, gate.written
            ));
        }
        gates.push(gate);
    }
    Ok(gates)
}

fn one(entry: &str) -> Result<Gate, String> {
    let (name, margin) = match entry.rsplit_once(':') {
        Some((name, margin)) if looks_like_a_number(margin) => (name.trim(), Some(margin.trim())),
        // A persona's name may hold a colon: then the whole entry is a name.
        Some((_, margin)) if Metric::parse(entry).is_err() => {
            return Err(format!(
                "`{}` is not a margin; write one after the metric, like {EXAMPLES}",
                crate::source::cut(margin.trim(), 40)
            ));
        }
        _ => (entry, None),
    };
    let metric = Metric::parse(name)?;
    judged(&metric)?;
    let Some(higher_is_better) = metric.higher_is_better() else {
        return Err(format!(
            "`{name}` has no better direction (more escalation is good or bad depending on why), so it is never worse; gate on `abandonment` or `self_resolution` instead"
        ));
    };
    let margin = margin
        .map(|text| read_margin(&metric, name, higher_is_better, text))
        .transpose()?;
    Ok(Gate {
        written: entry.to_string(),
        metric: canonical(&metric),
        margin,
    })
}

fn looks_like_a_number(text: &str) -> bool {
    text.trim()
        .starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
}

/// A margin as written after the metric, signed the way that is worse.
fn read_margin(
    metric: &Metric,
    name: &str,
    higher_is_better: bool,
    text: &str,
) -> Result<f64, String> {
    let (sign, size) = match text.strip_prefix('+') {
        Some(rest) => (Some(1.0), rest.trim()),
        None => match text.strip_prefix('-') {
            Some(rest) => (Some(-1.0), rest.trim()),
            None => (None, text),
        },
    };
    let worse = if higher_is_better { -1.0 } else { 1.0 };
    let (worse_sign, better_word) = if higher_is_better {
        ("-", "falls")
    } else {
        ("+", "rises")
    };
    let unit = Unit::of(metric);
    let number = |text: &str| -> Result<f64, String> {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
            .ok_or_else(|| format!("`{text}` is not a number"))
    };
    let size = match unit {
        Unit::Fraction => {
            if size.ends_with('%') {
                return Err(format!(
                    "`{text}` could be percent of the rate or percentage points; write points, like `{name}:{worse_sign}1pt`"
                ));
            }
            let points = size
                .strip_suffix("pts")
                .or_else(|| size.strip_suffix("pt"))
                .ok_or_else(|| {
                    format!(
                        "`{name}` is a share, so its margin is in percentage points: write it like `{name}:{worse_sign}1pt`"
                    )
                })?;
            let points = number(points)?;
            if points > 100.0 {
                return Err(format!("`{text}` is more than 100 points"));
            }
            points / 100.0
        }
        Unit::Seconds => parse_duration(size)
            .map_err(|message| {
                format!("{message}; a response time's margin is a duration, like `{name}:+200ms`")
            })?
            .as_secs_f64(),
        Unit::Score | Unit::Number | Unit::Money => number(size).map_err(|message| {
            format!("{message}; write the margin in the metric's own unit, like `{name}:{worse_sign}0.1`")
        })?,
    };
    if sign.is_some_and(|sign| sign != worse) && size > 0.0 {
        return Err(format!(
            "`{name}` is worse when it {better_word}, so its margin is `{worse_sign}{}`: write `{name}:{worse_sign}{}`",
            size_text(text),
            size_text(text)
        ));
    }
    // Signed the worse way; a zero margin is no margin, and never -0.
    Ok(if size == 0.0 { 0.0 } else { worse * size })
}

/// The margin as written without its sign.
fn size_text(text: &str) -> &str {
    text.trim_start_matches(['+', '-']).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(entry: &str) -> Result<Gate, String> {
        parse(&[entry.to_string()]).map(|mut gates| gates.remove(0))
    }

    #[test]
    fn margins_are_read_in_the_metric_unit_and_signed_the_worse_way() {
        let close = |entry: &str, want: f64| {
            let margin = gate(entry).unwrap().margin.unwrap();
            assert!((margin - want).abs() < 1e-12, "{entry}: {margin}");
        };
        close("abandonment:+1pt", 0.01);
        close("abandonment:0.5pts", 0.005);
        close("self_resolution:-2pt", -0.02);
        close("response_time.bot.p95:+200ms", 0.2);
        close("response_time.bot.p95: 1.5s", 1.5);
        close("csat.mean:-0.1", -0.1);
        close("csat.mean:0.1", -0.1);
        close("turns.mean:+0.5", 0.5);
        let plain = gate("abandonment").unwrap();
        assert_eq!((plain.margin, plain.tolerance()), (None, 0.0));
        // `outcomes.self_resolved` is `rates.self_resolution`.
        assert_eq!(
            gate("outcomes.self_resolved:-1pt").unwrap().metric,
            Metric::parse("self_resolution").unwrap()
        );
    }

    #[test]
    fn a_margin_written_wrong_says_what_to_write() {
        let says = |entry: &str, what: &str| {
            let error = gate(entry).unwrap_err();
            assert!(error.contains(what), "{entry}: {error}");
            assert!(error.starts_with("--fail-if-worse `"), "{error}");
        };
        says("csat.mean:+0.1", "write `csat.mean:-0.1`");
        says("abandonment:-1pt", "write `abandonment:+1pt`");
        says("abandonment:+1%", "percentage points");
        says("abandonment:+0.01", "like `abandonment:+1pt`");
        says(
            "response_time.bot.p95:+200",
            "like `response_time.bot.p95:+200ms`",
        );
        says("response_time.bot.p95:+2 parsecs", "unknown unit");
        says("csat.mean:-0.1pt", "is not a number");
        says("abandonment:lots", "is not a margin");
        says("escalation:+1pt", "no better direction");
        says("funnel.welcome.entered", "does not judge");
        says("abandonmnet:+1pt", "did you mean `abandonment`");
        let twice = parse(&["abandonment".into(), "rates.abandonment:+1pt".into()]).unwrap_err();
        assert!(twice.contains("twice"), "{twice}");
    }
}
