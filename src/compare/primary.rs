//! Which metrics the headline judges: the primary metrics.
//!
//! A comparison measures dozens of numbers, but a team ships a bot for a
//! few: whether the bot solves the problem, how many it hands to people,
//! how many customers it loses, how fast it answers, how long customers
//! queue, how satisfied they are and what they buy. Those are judged as one
//! family with family-wise error control (see `multiplicity`); the others
//! are secondary. A scenario names its own in `compare: {primary: [...]}`
//! and `--primary` names them for one run.

use super::judges;
use crate::metric::{CsatStat, Metric, Outcome, Rate, Stat, Timer};
use crate::model::scenario::Scenario;

/// The primary metrics when neither the scenario nor `--primary` names
/// them, as users write them; `conversion` stands for every goal's
/// `conversion.<goal>`. Kept in step with [`is_default`].
pub(crate) const DEFAULT_PRIMARY: [&str; 7] = [
    "self_resolution",
    "escalation",
    "abandonment",
    "response_time.bot.p95",
    "response_time.queue_wait.p90",
    "csat.mean",
    "conversion",
];

/// Whether `metric` is primary by default (see [`DEFAULT_PRIMARY`]).
fn is_default(metric: &Metric) -> bool {
    matches!(
        metric,
        Metric::Rate(Rate::SelfResolution | Rate::Escalation | Rate::Abandonment)
            | Metric::Time(Timer::Bot, Stat::P95)
            | Metric::Time(Timer::QueueWait, Stat::P90)
            | Metric::Csat(CsatStat::Mean)
            | Metric::Conversion(_)
    )
}

/// The number `metric` is, when the report states it twice:
/// `outcomes.self_resolved` is `rates.self_resolution`. A metric and its
/// twin are one test, judged once.
pub(crate) fn canonical(metric: &Metric) -> Metric {
    match metric {
        Metric::Outcome(Outcome::SelfResolved) => Metric::Rate(Rate::SelfResolution),
        other => other.clone(),
    }
}

/// The primary metrics of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Primary {
    /// [`DEFAULT_PRIMARY`].
    #[default]
    Default,
    /// Named by the scenario or by `--primary`, each once, as
    /// [`canonical`] metrics.
    Listed(Vec<Metric>),
}

impl Primary {
    /// The primary metrics `scenario` names in `compare.primary`, or the
    /// default ones.
    pub(crate) fn of(scenario: &Scenario) -> Primary {
        match &scenario.compare_primary {
            None => Primary::Default,
            Some(metrics) => {
                let mut listed: Vec<Metric> = Vec::new();
                for metric in metrics.iter().map(canonical) {
                    if !listed.contains(&metric) {
                        listed.push(metric);
                    }
                }
                Primary::Listed(listed)
            }
        }
    }

    /// Whether `metric` (or its twin) is primary.
    pub(crate) fn contains(&self, metric: &Metric) -> bool {
        let metric = canonical(metric);
        match self {
            Primary::Default => is_default(&metric),
            Primary::Listed(metrics) => metrics.contains(&metric),
        }
    }

    /// The primary metrics listed by name, each once; `what` says where
    /// they come from in a message (`--primary`, `compare.primary`). A
    /// name must be a metric `compare` judges; it need not have a better
    /// direction (escalation's change is reported as `changed`).
    pub(crate) fn parse<'a>(
        names: impl IntoIterator<Item = &'a str>,
        what: &str,
    ) -> Result<Primary, String> {
        let mut metrics = Vec::new();
        for name in names
            .into_iter()
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            let metric = check(name)
                .map_err(|message| format!("{what} `{}`: {message}", printable(name)))?;
            if !metrics.contains(&metric) {
                metrics.push(metric);
            }
        }
        if metrics.is_empty() {
            return Err(format!(
                "{what} names no metric; name the few a change must not harm (without it: {})",
                DEFAULT_PRIMARY.join(", ")
            ));
        }
        Ok(Primary::Listed(metrics))
    }
}

fn printable(name: &str) -> String {
    crate::source::printable(&crate::source::cut(name, 80)).into_owned()
}

/// One primary metric's name: a metric `compare` judges, as its
/// [`canonical`] twin.
fn check(name: &str) -> Result<Metric, String> {
    let metric = Metric::parse(name)?;
    judged(&metric)?;
    Ok(canonical(&metric))
}

/// Whether `compare` can judge `metric`, with what to name instead.
pub(crate) fn judged(metric: &Metric) -> Result<(), String> {
    if judges(metric) {
        Ok(())
    } else {
        Err(format!(
            "compare does not judge `{metric}`; name an outcome, a rate, a response time, `turns.mean`, CSAT, a conversion, or a rate, CSAT or conversion of a persona, segment or variant"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_list_is_what_is_default() {
        for name in DEFAULT_PRIMARY {
            let name = if name == "conversion" {
                "conversion.reorder"
            } else {
                name
            };
            assert!(
                Primary::Default.contains(&Metric::parse(name).unwrap()),
                "{name}"
            );
        }
        for secondary in ["fallback", "response_time.bot.p50", "csat.satisfied"] {
            assert!(!Primary::Default.contains(&Metric::parse(secondary).unwrap()));
        }
        // A twin is as primary as the number it repeats.
        assert!(Primary::Default.contains(&Metric::Outcome(Outcome::SelfResolved)));
    }

    #[test]
    fn a_listed_family_is_read_and_checked() {
        let primary = Primary::parse(
            [
                "abandonment",
                " outcomes.self_resolved",
                "rates.abandonment",
            ],
            "--primary",
        )
        .unwrap();
        assert_eq!(
            primary,
            Primary::Listed(vec![
                Metric::Rate(Rate::Abandonment),
                Metric::Rate(Rate::SelfResolution)
            ])
        );
        assert!(!primary.contains(&Metric::Rate(Rate::Escalation)));
        let error = Primary::parse(["abandonmnet"], "--primary").unwrap_err();
        assert!(error.contains("did you mean `abandonment`"), "{error}");
        let error = Primary::parse(["funnel.welcome.entered"], "--primary").unwrap_err();
        assert!(error.contains("does not judge"), "{error}");
        let error = Primary::parse([" "], "compare.primary").unwrap_err();
        assert!(
            error.starts_with("compare.primary names no metric"),
            "{error}"
        );
    }
}
