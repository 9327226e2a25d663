//! How customers arrive: a constant rate or a profile over the week.

use indexmap::IndexMap;
use serde::Deserialize;

use crate::diagnostic::{Problem, Rule};
use crate::model::calendar::Schedule;
use crate::source::KeyPath;

/// The highest arrival rate: ten million customers an hour (about 2,800 a
/// second), far beyond any WhatsApp number's throughput limit.
pub const MAX_ARRIVALS_PER_HOUR: f64 = 1e7;

/// How customers arrive: exactly one of a constant rate or a profile over
/// the week.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArrivalsSpec {
    /// Customers arrive independently at a constant average rate.
    #[serde(default)]
    pub poisson: Option<Poisson>,
    /// Customers arrive independently at a rate that varies through the day
    /// or the week.
    #[serde(default)]
    pub profile: Option<ProfileSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Poisson {
    pub per_hour: f64,
}

/// `{per_hour: [24 values]}` (hour by hour, every day) or
/// `{periods: {"Mon-Fri 09:00-18:00": 120, ...}, otherwise: 10}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfileSpec {
    #[serde(default)]
    pub per_hour: Option<Vec<f64>>,
    #[serde(default)]
    pub periods: Option<IndexMap<String, f64>>,
    #[serde(default)]
    pub otherwise: Option<f64>,
}

/// How customers arrive.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arrivals {
    /// At a constant rate per hour.
    Constant(f64),
    /// At a rate per hour that varies through the week.
    Profile(Schedule<f64>),
}

/// Reads the arrival process, reporting what is wrong where it is written.
pub(super) fn arrivals(spec: &ArrivalsSpec, problems: &mut Vec<Problem>) -> Option<Arrivals> {
    let root = KeyPath::root().key("arrivals");
    let before = problems.len();
    let mut rate = |path: KeyPath, per_hour: f64| {
        if !(per_hour.is_finite() && (0.0..=MAX_ARRIVALS_PER_HOUR).contains(&per_hour)) {
            problems.push(
                Problem::new(
                    Rule::InvalidScenario,
                    path,
                    format!("an arrival rate is from 0 to {MAX_ARRIVALS_PER_HOUR:e} an hour, got {per_hour}"),
                )
                .with_help("customers arriving per hour, like `per_hour: 600`"),
            );
        }
        per_hour
    };
    let arrivals = match (&spec.poisson, &spec.profile) {
        (Some(poisson), None) => {
            let per_hour = rate(root.key("poisson").key("per_hour"), poisson.per_hour);
            if per_hour == 0.0 {
                problems.push(Problem::new(
                    Rule::InvalidScenario,
                    root.key("poisson").key("per_hour"),
                    "the arrival rate must be above 0",
                ));
            }
            Arrivals::Constant(per_hour)
        }
        (None, Some(profile)) => {
            let path = root.key("profile");
            let schedule = match (&profile.per_hour, &profile.periods) {
                (Some(hourly), None) => {
                    if hourly.len() != 24 || profile.otherwise.is_some() {
                        problems.push(
                            Problem::new(
                                Rule::InvalidScenario,
                                path.key("per_hour"),
                                format!("`per_hour` gives 24 rates, one per hour of the day from 00:00; got {}", hourly.len()),
                            )
                            .with_help("for other shapes, use `periods:` with `otherwise:`"),
                        );
                        return None;
                    }
                    let periods: Vec<(String, f64)> = hourly
                        .iter()
                        .enumerate()
                        .map(|(hour, per_hour)| {
                            (
                                format!("{hour:02}:00-{:02}:00", hour + 1),
                                rate(path.key("per_hour").index(hour), *per_hour),
                            )
                        })
                        .collect();
                    Schedule::from_periods(&periods, 0.0)
                }
                (None, Some(periods)) => {
                    let periods: Vec<(String, f64)> = periods
                        .iter()
                        .map(|(period, per_hour)| {
                            (
                                period.clone(),
                                rate(path.key("periods").key(period), *per_hour),
                            )
                        })
                        .collect();
                    let otherwise = rate(path.key("otherwise"), profile.otherwise.unwrap_or(0.0));
                    Schedule::from_periods(&periods, otherwise)
                }
                _ => {
                    problems.push(Problem::new(
                        Rule::InvalidScenario,
                        path,
                        "a profile has `per_hour` (24 hourly rates) or `periods` (with `otherwise`), not both",
                    ));
                    return None;
                }
            };
            match schedule {
                Ok(schedule) if schedule.values().any(|rate| *rate > 0.0) => {
                    Arrivals::Profile(schedule)
                }
                Ok(_) => {
                    problems.push(Problem::new(
                        Rule::InvalidScenario,
                        path,
                        "every rate of the profile is 0: nobody would arrive",
                    ));
                    return None;
                }
                Err(message) => {
                    problems.push(Problem::new(Rule::InvalidScenario, path, message));
                    return None;
                }
            }
        }
        _ => {
            problems.push(
                Problem::new(
                    Rule::InvalidScenario,
                    root,
                    "arrivals are `poisson` (a constant rate) or `profile` (a rate through the week): one of them",
                )
                .with_help("like `arrivals: {poisson: {per_hour: 600}}`"),
            );
            return None;
        }
    };
    (problems.len() == before).then_some(arrivals)
}
