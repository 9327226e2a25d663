//! CI gates written in a scenario's `expect:` block, such as
//! `self_resolution: ">= 0.55"`, `response_time.bot.p95: "<= 3s"` or
//! `abandonment: "<= 0.12 at 95%"` (on the interval, not the point estimate).

use std::fmt;

use super::Scenario;
use crate::metric::{Group, Metric};
use crate::model::duration::parse_duration;
use crate::text::did_you_mean;

/// How a measured value is compared with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `>=`
    AtLeast,
    /// `<=`
    AtMost,
    /// `>`
    Above,
    /// `<`
    Below,
}

impl Operator {
    /// Whether `value` satisfies `value <op> threshold`.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Operator::AtLeast => value >= threshold,
            Operator::AtMost => value <= threshold,
            Operator::Above => value > threshold,
            Operator::Below => value < threshold,
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Operator::AtLeast => ">=",
            Operator::AtMost => "<=",
            Operator::Above => ">",
            Operator::Below => "<",
        })
    }
}

/// `metric op threshold [at 95%]`; times are in seconds, rates are fractions.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// The name as written.
    pub name: String,
    /// The number it is about.
    pub metric: Metric,
    /// How it is compared.
    pub operator: Operator,
    /// With what.
    pub threshold: f64,
    /// Gate on the 95% interval rather than on the point estimate.
    pub on_interval: bool,
}

impl Expectation {
    /// Parses one `expect:` entry. The error is a message fit for the user.
    pub fn parse(name: &str, condition: &str) -> Result<Expectation, String> {
        let metric = Metric::parse(name)?;
        let condition = condition.trim();
        let (condition, on_interval) = match condition.rsplit_once(" at ") {
            Some((head, level)) => {
                let level = level.trim();
                if level != "95%" {
                    return Err(format!(
                        "`at {level}`: intervals are 95%, so write `at 95%` or nothing"
                    ));
                }
                (head.trim(), true)
            }
            None => (condition, false),
        };
        let (operator, rest) = [
            (">=", Operator::AtLeast),
            ("<=", Operator::AtMost),
            (">", Operator::Above),
            ("<", Operator::Below),
        ]
        .into_iter()
        .find_map(|(symbol, operator)| {
            condition
                .strip_prefix(symbol)
                .map(|rest| (operator, rest.trim()))
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
        } else if metric.is_time() {
            parse_duration(rest).ok().map(|ms| ms.as_secs_f64())
        } else {
            None
        }
        .filter(|value| value.is_finite())
        .ok_or_else(|| {
            let example = if metric.is_time() {
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
            operator,
            threshold,
            on_interval,
        })
    }

    /// Checks that a persona, segment or node the metric names exists in
    /// `scenario`: a typo must not make an expectation silently vacuous.
    pub(crate) fn names_what_exists(&self, scenario: &Scenario) -> Result<(), String> {
        let (what, wanted, known): (&str, &str, Vec<&str>) = match &self.metric {
            Metric::Group(Group::Persona, name, _) => (
                "persona",
                name,
                scenario
                    .personas
                    .items()
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect(),
            ),
            Metric::Group(Group::Segment, name, _) => (
                "segment",
                name,
                scenario
                    .personas
                    .items()
                    .iter()
                    .filter_map(|p| p.segment.as_deref())
                    .collect(),
            ),
            Metric::Group(Group::Variant, name, _) => (
                "variant",
                name,
                scenario.flow.variants.iter().map(String::as_str).collect(),
            ),
            Metric::Funnel(node, _) => (
                "node",
                node,
                scenario.flow.nodes.iter().map(|n| n.id.as_str()).collect(),
            ),
            Metric::Campaign(name, _) => (
                "campaign",
                name,
                scenario
                    .outreach
                    .campaigns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect(),
            ),
            Metric::FollowUp(node, _) => (
                "node with a follow-up",
                node,
                scenario
                    .flow
                    .nodes
                    .iter()
                    .filter(|n| n.follow_up.is_some())
                    .map(|n| n.id.as_str())
                    .collect(),
            ),
            Metric::Retention(_)
                if !scenario
                    .personas
                    .items()
                    .iter()
                    .any(|p| p.returns.is_some()) =>
            {
                return Err(
                    "no persona of the scenario `returns`, so there is no retention to measure"
                        .into(),
                );
            }
            Metric::Cost(_) if scenario.outreach.pricing.is_none() => {
                return Err(
                    "the scenario has no `pricing:`, so there is no cost to measure".into(),
                );
            }
            _ => return Ok(()),
        };
        if known.contains(&wanted) {
            Ok(())
        } else {
            Err(format!(
                "no {what} is called `{wanted}`{}",
                did_you_mean(wanted, known.iter().copied())
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::{Rate, Stat, Timer};

    #[test]
    fn parses_the_forms_users_write() {
        let e = Expectation::parse("self_resolution", ">= 0.55").unwrap();
        assert_eq!(
            (&e.metric, e.operator, e.threshold, e.on_interval),
            (
                &Metric::Rate(Rate::SelfResolution),
                Operator::AtLeast,
                0.55,
                false
            )
        );
        let e = Expectation::parse("response_time.bot.p95", "<= 3s").unwrap();
        assert_eq!(
            (e.metric, e.threshold),
            (Metric::Time(Timer::Bot, Stat::P95), 3.0)
        );
        let e = Expectation::parse("outcomes.unresolved", "< 5%").unwrap();
        assert!((e.threshold - 0.05).abs() < 1e-12);
        let e = Expectation::parse("abandonment", "<= 0.12 at 95%").unwrap();
        assert!(e.on_interval);
        assert_eq!(e.threshold, 0.12);
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
        assert!(
            Expectation::parse("abandonment", "<= 0.1 at 90%")
                .unwrap_err()
                .contains("95%")
        );
    }
}
