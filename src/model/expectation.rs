//! CI gates written in a scenario's `expect:` block, such as
//! `self_resolution: ">= 0.55"` or `response_time.bot.p95: "<= 3s"`.
//! They are parsed and checked for typos now; `rehearse check` enforces them.

use std::fmt;

use super::duration::parse_duration;
use crate::outcome::Outcome;

/// A number in a report that an expectation can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// `outcomes.<outcome>`
    Outcome(Outcome),
    /// `self_resolution`, `escalation`, `abandonment`, `fallback` (or `rates.<name>`)
    Rate(Rate),
    /// `response_time.<timer>.<stat>`, in seconds
    Time(Timer, Stat),
    /// `turns.mean`
    TurnsMean,
    /// `turns.max`
    TurnsMax,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    SelfResolution,
    Escalation,
    Abandonment,
    Fallback,
}

impl Rate {
    pub const ALL: [Rate; 4] = [
        Rate::SelfResolution,
        Rate::Escalation,
        Rate::Abandonment,
        Rate::Fallback,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Rate::SelfResolution => "self_resolution",
            Rate::Escalation => "escalation",
            Rate::Abandonment => "abandonment",
            Rate::Fallback => "fallback",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    Bot,
    AgentFirstResponse,
    QueueWait,
    Resolution,
}

impl Timer {
    pub const ALL: [Timer; 4] = [
        Timer::Bot,
        Timer::AgentFirstResponse,
        Timer::QueueWait,
        Timer::Resolution,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Timer::Bot => "bot",
            Timer::AgentFirstResponse => "agent_first_response",
            Timer::QueueWait => "queue_wait",
            Timer::Resolution => "resolution",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    Mean,
    P50,
    P90,
    P95,
    P99,
    Max,
}

impl Stat {
    pub const ALL: [Stat; 6] = [
        Stat::Mean,
        Stat::P50,
        Stat::P90,
        Stat::P95,
        Stat::P99,
        Stat::Max,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::P50 => "p50",
            Stat::P90 => "p90",
            Stat::P95 => "p95",
            Stat::P99 => "p99",
            Stat::Max => "max",
        }
    }
}

impl Metric {
    /// Every name an expectation may use, for messages and documentation.
    pub fn names() -> Vec<String> {
        let mut names: Vec<String> = Rate::ALL
            .iter()
            .map(|rate| rate.key().to_string())
            .collect();
        names.extend(
            Outcome::ALL
                .iter()
                .map(|outcome| format!("outcomes.{}", outcome.key())),
        );
        for timer in Timer::ALL {
            names.extend(
                Stat::ALL
                    .iter()
                    .map(|stat| format!("response_time.{}.{}", timer.key(), stat.key())),
            );
        }
        names.extend(["turns.mean".to_string(), "turns.max".to_string()]);
        names
    }

    pub fn parse(name: &str) -> Option<Metric> {
        let parts: Vec<&str> = name.trim().split('.').collect();
        match parts.as_slice() {
            [rate] | ["rates", rate] => Rate::ALL
                .into_iter()
                .find(|r| r.key() == *rate)
                .map(Metric::Rate),
            ["outcomes", outcome] => Outcome::ALL
                .into_iter()
                .find(|o| o.key() == *outcome)
                .map(Metric::Outcome),
            ["response_time", timer, stat] => {
                let timer = Timer::ALL.into_iter().find(|t| t.key() == *timer)?;
                let stat = Stat::ALL.into_iter().find(|s| s.key() == *stat)?;
                Some(Metric::Time(timer, stat))
            }
            ["turns", "mean"] => Some(Metric::TurnsMean),
            ["turns", "max"] => Some(Metric::TurnsMax),
            _ => None,
        }
    }

    fn is_fraction(self) -> bool {
        matches!(self, Metric::Outcome(_) | Metric::Rate(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    AtLeast,
    AtMost,
    Above,
    Below,
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Comparison::AtLeast => ">=",
            Comparison::AtMost => "<=",
            Comparison::Above => ">",
            Comparison::Below => "<",
        })
    }
}

/// `metric op threshold`; times are in seconds, rates are fractions.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub name: String,
    pub metric: Metric,
    pub comparison: Comparison,
    pub threshold: f64,
}

impl Expectation {
    /// Parses one `expect:` entry. The error is a message fit for the user.
    pub fn parse(name: &str, condition: &str) -> Result<Expectation, String> {
        let metric = Metric::parse(name).ok_or_else(|| {
            format!(
                "`{name}` is not a report metric{}",
                super::text::did_you_mean(name, Metric::names().iter().map(String::as_str))
            )
        })?;
        let condition = condition.trim();
        let (comparison, rest) = [
            (">=", Comparison::AtLeast),
            ("<=", Comparison::AtMost),
            (">", Comparison::Above),
            ("<", Comparison::Below),
        ]
        .into_iter()
        .find_map(|(symbol, comparison)| {
            condition
                .strip_prefix(symbol)
                .map(|rest| (comparison, rest.trim()))
        })
        .ok_or_else(|| {
            format!("`{condition}` should start with >=, <=, > or <, like \">= 0.55\"")
        })?;
        let threshold = if let Some(percent) = rest.strip_suffix('%') {
            percent
                .trim()
                .parse::<f64>()
                .map(|value| value / 100.0)
                .ok()
        } else if let Ok(number) = rest.parse::<f64>() {
            Some(number)
        } else if matches!(metric, Metric::Time(..)) {
            parse_duration(rest).ok().map(|ms| ms.as_secs_f64())
        } else {
            None
        }
        .filter(|value| value.is_finite())
        .ok_or_else(|| {
            let example = if matches!(metric, Metric::Time(..)) {
                "a duration like 3s"
            } else {
                "a number like 0.55 or 55%"
            };
            format!("`{rest}` is not {example}")
        })?;
        if metric.is_fraction() && !(0.0..=1.0).contains(&threshold) {
            return Err(format!(
                "`{name}` is a fraction between 0 and 1, so {threshold} can never be compared usefully"
            ));
        }
        Ok(Expectation {
            name: name.trim().to_string(),
            metric,
            comparison,
            threshold,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_users_write() {
        let e = Expectation::parse("self_resolution", ">= 0.55").unwrap();
        assert_eq!(
            (e.metric, e.comparison, e.threshold),
            (
                Metric::Rate(Rate::SelfResolution),
                Comparison::AtLeast,
                0.55
            )
        );
        let e = Expectation::parse("response_time.bot.p95", "<= 3s").unwrap();
        assert_eq!(
            (e.metric, e.threshold),
            (Metric::Time(Timer::Bot, Stat::P95), 3.0)
        );
        let e = Expectation::parse("outcomes.unresolved", "< 5%").unwrap();
        assert!((e.threshold - 0.05).abs() < 1e-12);
        assert_eq!(Metric::names().len(), 4 + 5 + 24 + 2);
    }

    #[test]
    fn rejects_typos_and_nonsense() {
        assert!(
            Expectation::parse("self_resolutoin", ">= 0.5")
                .unwrap_err()
                .contains("did you mean `self_resolution`")
        );
        assert!(
            Expectation::parse("abandonment", "about 0.1")
                .unwrap_err()
                .contains("should start with")
        );
        assert!(
            Expectation::parse("abandonment", "<= 15")
                .unwrap_err()
                .contains("fraction")
        );
        assert!(Expectation::parse("abandonment", "<= 3s").is_err());
    }
}
