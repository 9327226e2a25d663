//! Every number a report has, in report order: the one listing behind a
//! report's [`crate::report::Report::metrics`] and each replication's
//! values for the intervals.

use super::{
    ComplianceStat, CostStat, CsatStat, FunnelCount, Group, GroupMetric, Metric, Outcome,
    QueueStat, RETENTION_DAYS, Rate, Reason, SendStat, Stat, Timer,
};

/// Which numbers a report has: whether it measures CSAT, and the names in
/// each block that has them. Compliance, retention and cost are listed
/// always and kept when they have a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shape {
    /// Whether CSAT is measured (for everyone and for each group).
    pub csat: bool,
    /// The business goals (`conversion.<goal>`, for everyone and each group).
    pub goals: Vec<String>,
    /// The goals with a value (`conversion_value.<goal>`).
    pub valued_goals: Vec<String>,
    /// The funnel's nodes, in flow order.
    pub funnel: Vec<String>,
    /// The agent queues.
    pub queues: Vec<String>,
    /// The campaigns.
    pub campaigns: Vec<String>,
    /// The nodes that follow up on a silent customer.
    pub follow_ups: Vec<String>,
    /// Every persona, segment and variant, in that order.
    pub groups: Vec<(Group, String)>,
}

/// Every number a report of one shape may have, in report order, built once
/// for a run: a replication's values are read against it, without building
/// (and cloning the names of) ~1,000 metrics per replication.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Candidates {
    /// The report-wide numbers.
    top: Vec<Metric>,
    /// Each group's numbers, its conversations first.
    groups: Vec<Vec<Metric>>,
}

impl Candidates {
    pub fn of(shape: &Shape) -> Candidates {
        let mut names = vec![Metric::Conversations];
        names.extend(Outcome::ALL.map(Metric::Outcome));
        names.extend(Rate::ALL.map(Metric::Rate));
        for timer in Timer::ALL {
            names.extend(Stat::ALL.map(|stat| Metric::Time(timer, stat)));
        }
        names.extend([Metric::TurnsMean, Metric::TurnsMax]);
        if shape.csat {
            names.extend(CsatStat::ALL.map(Metric::Csat));
        }
        names.extend(shape.goals.iter().cloned().map(Metric::Conversion));
        names.extend(
            shape
                .valued_goals
                .iter()
                .cloned()
                .map(Metric::ConversionValue),
        );
        for node in &shape.funnel {
            names.push(Metric::Funnel(node.clone(), FunnelCount::Entered));
            names.push(Metric::Funnel(node.clone(), FunnelCount::Abandoned));
            names.extend(
                Reason::ALL.map(|reason| Metric::Funnel(node.clone(), FunnelCount::Reason(reason))),
            );
        }
        for queue in &shape.queues {
            let stat = |stat| Metric::Queue(queue.clone(), stat);
            names.extend(
                [
                    QueueStat::Arrived,
                    QueueStat::Served,
                    QueueStat::Abandoned,
                    QueueStat::Abandonment,
                    QueueStat::Utilisation,
                ]
                .map(stat),
            );
            names.extend(Stat::ALL.map(|s| stat(QueueStat::Wait(s))));
        }
        for name in &shape.campaigns {
            names.extend(
                SendStat::ALL
                    .into_iter()
                    .filter(|stat| *stat != SendStat::Recovered)
                    .map(|stat| Metric::Campaign(name.clone(), stat)),
            );
        }
        for node in &shape.follow_ups {
            names.extend(SendStat::ALL.map(|stat| Metric::FollowUp(node.clone(), stat)));
        }
        names.extend(ComplianceStat::ALL.map(Metric::Compliance));
        names.extend(RETENTION_DAYS.map(Metric::Retention));
        names.extend(CostStat::ALL.map(Metric::Cost));
        let groups = shape
            .groups
            .iter()
            .map(|(group, name)| {
                let metric = |m| Metric::Group(*group, name.clone(), m);
                let mut names: Vec<Metric> = vec![metric(GroupMetric::Conversations)];
                names.extend(Outcome::ALL.map(|o| metric(GroupMetric::Outcome(o))));
                names.extend(Rate::ALL.map(|r| metric(GroupMetric::Rate(r))));
                if shape.csat {
                    names.extend(CsatStat::ALL.map(|s| metric(GroupMetric::Csat(s))));
                }
                names.extend(
                    shape
                        .goals
                        .iter()
                        .map(|goal| metric(GroupMetric::Conversion(goal.clone()))),
                );
                names
            })
            .collect();
        Candidates { top: names, groups }
    }

    /// Every metric, in report order: the order of the positions
    /// [`Candidates::with_values`] gives.
    pub fn all(&self) -> impl Iterator<Item = &Metric> {
        self.top.iter().chain(self.groups.iter().flatten())
    }

    /// The metrics with a value, in report order, each with its position in
    /// [`Candidates::all`] and its value; `value` gives each number from the
    /// metric and its position, `None` when it was not measured. A group
    /// nobody reached measured nothing: its shares and rates (0 of 0) are
    /// not numbers to compare or check, so only its count is listed.
    pub fn with_values(
        &self,
        value: impl Fn(usize, &Metric) -> Option<f64>,
    ) -> Vec<(usize, &Metric, f64)> {
        let listed = |at: usize, metric| value(at, metric).map(|value| (at, metric, value));
        let mut all: Vec<(usize, &Metric, f64)> = self
            .top
            .iter()
            .enumerate()
            .filter_map(|(at, metric)| listed(at, metric))
            .collect();
        let mut start = self.top.len();
        for group in &self.groups {
            let first = start;
            start += group.len();
            let Some((conversations, rest)) = group.split_first() else {
                continue;
            };
            let Some(count) = value(first, conversations) else {
                continue;
            };
            all.push((first, conversations, count));
            if count == 0.0 {
                continue;
            }
            all.extend(
                rest.iter()
                    .zip(first + 1..)
                    .filter_map(|(metric, at)| listed(at, metric)),
            );
        }
        all
    }
}

impl Metric {
    /// Every metric of a report shaped as `shape` with its value, in report
    /// order; `value` gives each number, `None` when it was not measured.
    /// It builds the list afresh: what reads many replications keeps a
    /// `Candidates` instead.
    pub fn every(shape: &Shape, value: impl Fn(&Metric) -> Option<f64>) -> Vec<(Metric, f64)> {
        Candidates::of(shape)
            .with_values(|_, metric| value(metric))
            .into_iter()
            .map(|(_, metric, value)| (metric.clone(), value))
            .collect()
    }
}
