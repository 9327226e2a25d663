//! The `compare:` block: how `rehearse compare` judges this scenario's
//! versions. `run` and `check` ignore it.
//!
//! ```yaml
//! compare:
//!   primary: [self_resolution, abandonment, response_time.bot.p95, csat.mean]
//! ```

use serde::Deserialize;

use crate::diagnostic::{Problem, Rule};
use crate::metric::Metric;
use crate::source::KeyPath;

/// The `compare:` block as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CompareSpec {
    /// The metrics the headline and the gates judge as one family.
    #[serde(default)]
    pub primary: Option<Vec<String>>,
}

/// Reads the `compare:` block: the primary metrics it names (`None` when
/// it names none, for the default ones), each a metric name, reported
/// where it is written when it is not. Which metrics `compare` can judge
/// is `compare`'s to say when it loads the scenario.
pub(super) fn primary(
    spec: Option<CompareSpec>,
    problems: &mut Vec<Problem>,
) -> Option<Vec<Metric>> {
    let names = spec?.primary?;
    let at = KeyPath::root().key("compare").key("primary");
    if names.is_empty() {
        problems.push(
            Problem::new(Rule::InvalidScenario, at, "`compare.primary` names no metric")
                .with_help("name the few metrics a change must not harm, like `[self_resolution, abandonment, response_time.bot.p95]`, or leave `primary` out for the default ones"),
        );
        return None;
    }
    let mut metrics = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match Metric::parse(name) {
            Ok(metric) => metrics.push(metric),
            Err(message) => problems.push(
                Problem::new(Rule::InvalidScenario, at.index(i), message).with_help(
                    "name a metric as `expect:` does, like `abandonment`, `response_time.bot.p95` or `csat.mean`",
                ),
            ),
        }
    }
    Some(metrics)
}
