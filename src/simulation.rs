//! A finished simulated run: the report of all replications together, and
//! the spread of every number between replications. The engine
//! ([`crate::sim`]) runs and folds the replications; this is where its
//! tallies become a report.

use crate::metric::Metric;
use crate::model::scenario::Scenario;
use crate::report::Report;
use crate::sim::{RunOptions, replicate_all, transcripts};
use crate::stats::{Interval, Intervals};

/// A finished run: the report of all replications together, and the spread
/// of every number between replications.
#[derive(Debug, Clone)]
pub struct Simulation {
    report: Report,
    intervals: Intervals,
}

impl Simulation {
    /// The report.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The report, owned.
    pub fn into_report(self) -> Report {
        self.report
    }

    /// The 95% interval of `metric` over replications (see `crate::stats`);
    /// `None` with fewer than two replications that measured it.
    pub fn interval(&self, metric: &Metric) -> Option<Interval> {
        self.intervals
            .interval_around(metric, self.report.value(metric))
    }

    /// The mean and sample standard deviation of `metric` over the
    /// replications that measured it, and how many did.
    pub fn spread(&self, metric: &Metric) -> Option<(f64, f64, u32)> {
        self.intervals
            .summary(metric)
            .map(|summary| (summary.mean(), summary.variance().sqrt(), summary.count()))
    }
}

/// Runs every replication of `scenario` and reports. `progress` is called
/// once per finished replication.
pub fn simulate(
    scenario: &Scenario,
    options: &RunOptions,
    progress: &(dyn Fn() + Sync),
) -> Simulation {
    let mut simulations = simulate_all(std::slice::from_ref(scenario), options, progress);
    simulations.pop().expect("one simulation per scenario")
}

/// Runs every replication of every scenario on one pool of threads (see
/// [`replicate_all`]) and reports each scenario as [`simulate`] does.
/// `progress` is called once per finished replication.
pub(crate) fn simulate_all(
    scenarios: &[Scenario],
    options: &RunOptions,
    progress: &(dyn Fn() + Sync),
) -> Vec<Simulation> {
    let folded = replicate_all(scenarios, options, progress);
    scenarios
        .iter()
        .zip(folded)
        .map(|(scenario, (merged, intervals))| {
            let seed = options.seed_for(scenario);
            let replications = options.replications_for(scenario);
            let mut report = Report::new(scenario, seed, replications, &merged)
                .with_intervals(|metric, stated| intervals.interval_around(metric, stated));
            if options.transcripts > 0 {
                report.transcripts = transcripts(
                    scenario,
                    seed,
                    replications,
                    options.transcripts,
                    &options.filter,
                );
            }
            Simulation { report, intervals }
        })
        .collect()
}
