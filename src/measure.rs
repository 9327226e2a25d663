//! Every number of a run, read by name straight from the engine's tallies:
//! what each replication gives the intervals, without building a report,
//! and the formulas that need the scenario (goal values, prices). The
//! report is built from the same formulas.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::metric::{
    Candidates, ComplianceStat, CostStat, CsatStat, FunnelCount, Group, GroupMetric, Metric,
    Outcome, QueueStat, RETENTION_DAYS, SendStat, Shape, Timer, round_to,
};
use crate::model::flow::{Category, Goal, NodeKind};
use crate::model::outreach::Pricing;
use crate::model::scenario::Scenario;
use crate::stats::{Measured, Ratio};
use crate::tally::{Histogram, Tallies, Tally};

/// A histogram's statistics as the report shows them, in `Stat::ALL` order
/// ([`Histogram::stats`]).
type HistogramStats = [Option<f64>; crate::metric::Stat::ALL.len()];

/// Which of the report's optional blocks a run reports.
pub(crate) struct Features<'s> {
    /// Whether CSAT is measured: the flow or an agent pool runs surveys.
    pub csat: bool,
    /// The flow's business goals.
    pub goals: &'s [Goal],
    /// Whether the funnel (per flow node) is known.
    pub funnel: bool,
    /// Whether to keep the timers' distributions for charts.
    pub charts: bool,
    /// Whether the funnel counts media: some persona sends them.
    pub media: bool,
}

impl<'s> Features<'s> {
    /// What a simulated run of `scenario` reports.
    pub fn of(scenario: &'s Scenario, charts: bool) -> Features<'s> {
        let flow = &scenario.flow;
        Features {
            csat: flow
                .nodes
                .iter()
                .any(|node| matches!(node.kind, NodeKind::Survey(_)))
                || scenario.pools.iter().any(|pool| pool.survey),
            goals: &flow.goals,
            funnel: true,
            charts,
            media: scenario
                .personas
                .items()
                .iter()
                .any(|persona| persona.behaviour.sends.any()),
        }
    }
}

/// Whether the scenario can send something WhatsApp would refuse: it
/// writes to customers first (campaigns, follow-ups), or an agent queue
/// closes (an agent may pick a customer up after their window closed).
pub(crate) fn compliance(scenario: &Scenario) -> bool {
    !scenario.outreach.campaigns.is_empty()
        || scenario.flow.follows_up()
        || scenario
            .pools
            .iter()
            .any(|pool| pool.agents.values().any(|agents| *agents == 0))
}

/// Whether the report measures retention: some persona comes back.
pub(crate) fn retention(scenario: &Scenario) -> bool {
    scenario
        .personas
        .items()
        .iter()
        .any(|persona| persona.returns.is_some())
}

/// `conversion_value.<goal>`: what a goal of value `value`, reached
/// `reached` times, brings per conversation, to 4 decimals.
pub(crate) fn conversion_value(value: f64, reached: u64, conversations: u64) -> f64 {
    if conversations == 0 {
        0.0
    } else {
        round_to(reached as f64 * value / conversations as f64, 4)
    }
}

/// What the messages of a run cost (see [`CostStat`]).
pub(crate) struct Spent {
    /// Over all replications, to 4 decimals.
    pub total: f64,
    /// Per conversation, to 6 decimals.
    pub per_conversation: f64,
    /// Per resolved conversation; `None` when none was resolved.
    pub per_resolution: Option<f64>,
    /// The total by template category, and `service` for conversations
    /// customers started.
    pub by_category: IndexMap<&'static str, f64>,
}

impl Spent {
    /// The cost of a run: delivered templates by category and
    /// conversations customers started, at `pricing`'s prices.
    pub fn of(pricing: &Pricing, tallies: &Tallies) -> Spent {
        let mut by_category: IndexMap<&'static str, f64> = IndexMap::new();
        let mut total = 0.0;
        for category in Category::ALL {
            let count = tallies.cost.templates[category as usize];
            if pricing.templates[category as usize].is_some() {
                let amount = count as f64 * pricing.of(category);
                by_category.insert(category.key(), round_to(amount, 4));
                total += amount;
            }
        }
        let service = tallies.cost.service as f64 * pricing.service;
        by_category.insert("service", round_to(service, 4));
        total += service;
        let conversations = tallies.conversations();
        let resolved = tallies.all.outcomes.get(Outcome::SelfResolved)
            + tallies.all.outcomes.get(Outcome::AgentResolved);
        Spent {
            total: round_to(total, 4),
            per_conversation: if conversations == 0 {
                0.0
            } else {
                round_to(total / conversations as f64, 6)
            },
            per_resolution: (resolved > 0).then(|| round_to(total / resolved as f64, 6)),
            by_category,
        }
    }

    /// The value of `stat`, when it has one.
    pub fn get(&self, stat: CostStat) -> Option<f64> {
        match stat {
            CostStat::Total => Some(self.total),
            CostStat::PerConversation => Some(self.per_conversation),
            CostStat::PerResolution => self.per_resolution,
        }
    }
}

/// The histogram behind `timer`.
pub(crate) fn histogram(tallies: &Tallies, timer: Timer) -> &Histogram {
    match timer {
        Timer::Bot => &tallies.bot_response,
        Timer::AgentFirstResponse => &tallies.agent_first_response,
        Timer::QueueWait => &tallies.queue_wait,
        Timer::Resolution => &tallies.resolution,
    }
}

/// How to read the numbers of a scenario's runs from their tallies:
/// built once per scenario, then read once per replication.
pub(crate) struct Measure<'s> {
    scenario: &'s Scenario,
    features: Features<'s>,
    /// Every number a replication may have, in report order.
    candidates: Candidates,
    /// Where each of them is in the tallies, in the same order.
    places: Vec<Place>,
    /// Each segment with the positions of its personas.
    segments: IndexMap<&'s str, Vec<usize>>,
}

/// Where a metric's numbers are in a replication's tallies: the positions
/// its names stand for, found once per scenario, so that reading a
/// replication looks up no name.
#[derive(Debug, Clone, Copy, Default)]
struct Place {
    /// The position of the metric's goal, group (persona, segment or
    /// variant), node, queue, campaign, follow-up or retention day in its
    /// list; `None` when the scenario has no such name.
    at: Option<usize>,
    /// A group's conversion: the goal's position.
    goal: Option<usize>,
}

/// Positions, by name, in the tallies' lists: what [`Place`]s are found
/// from.
struct Positions<'s> {
    goals: HashMap<&'s str, usize>,
    nodes: HashMap<&'s str, usize>,
    follow_ups: HashMap<&'s str, usize>,
    queues: HashMap<&'s str, usize>,
    campaigns: HashMap<&'s str, usize>,
    personas: HashMap<&'s str, usize>,
    segments: HashMap<&'s str, usize>,
    variants: HashMap<&'s str, usize>,
}

/// Each name with its position.
fn positions<'s>(names: impl Iterator<Item = &'s str>) -> HashMap<&'s str, usize> {
    names.enumerate().map(|(at, name)| (name, at)).collect()
}

impl Positions<'_> {
    fn place(&self, metric: &Metric) -> Place {
        let at = |names: &HashMap<&str, usize>, name: &str| names.get(name).copied();
        match metric {
            Metric::Conversion(goal) | Metric::ConversionValue(goal) => Place {
                at: at(&self.goals, goal),
                goal: None,
            },
            Metric::Group(group, name, metric) => Place {
                at: at(
                    match group {
                        Group::Persona => &self.personas,
                        Group::Segment => &self.segments,
                        Group::Variant => &self.variants,
                    },
                    name,
                ),
                goal: match metric {
                    GroupMetric::Conversion(goal) => at(&self.goals, goal),
                    _ => None,
                },
            },
            Metric::Funnel(node, _) => Place {
                at: at(&self.nodes, node),
                goal: None,
            },
            Metric::Queue(queue, _) => Place {
                at: at(&self.queues, queue),
                goal: None,
            },
            Metric::Campaign(name, _) => Place {
                at: at(&self.campaigns, name),
                goal: None,
            },
            Metric::FollowUp(node, _) => Place {
                at: at(&self.follow_ups, node),
                goal: None,
            },
            Metric::Retention(days) => Place {
                at: RETENTION_DAYS.iter().position(|d| d == days),
                goal: None,
            },
            _ => Place::default(),
        }
    }
}

impl<'s> Measure<'s> {
    /// What a simulated run of `scenario` measures.
    pub fn of(scenario: &'s Scenario) -> Measure<'s> {
        let features = Features::of(scenario, false);
        let flow = &scenario.flow;
        let personas = scenario.personas.items();
        let mut segments: IndexMap<&str, Vec<usize>> = IndexMap::new();
        for (at, persona) in personas.iter().enumerate() {
            if let Some(segment) = &persona.segment {
                segments.entry(segment.as_str()).or_default().push(at);
            }
        }
        let follow_ups: Vec<(usize, &str)> = flow
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.follow_up.is_some())
            .map(|(at, node)| (at, node.id.as_str()))
            .collect();
        let names = |names: &mut dyn Iterator<Item = &str>| -> Vec<String> {
            names.map(str::to_string).collect()
        };
        let mut groups: Vec<(Group, String)> = personas
            .iter()
            .map(|persona| (Group::Persona, persona.name.clone()))
            .collect();
        groups.extend(segments.keys().map(|s| (Group::Segment, s.to_string())));
        groups.extend(flow.variants.iter().map(|v| (Group::Variant, v.clone())));
        let shape = Shape {
            csat: features.csat,
            goals: names(&mut flow.goals.iter().map(|g| g.name.as_str())),
            valued_goals: names(
                &mut flow
                    .goals
                    .iter()
                    .filter(|g| g.value.is_some())
                    .map(|g| g.name.as_str()),
            ),
            funnel: names(&mut flow.nodes.iter().map(|n| n.id.as_str())),
            queues: names(&mut scenario.pools.iter().map(|p| p.name.as_str())),
            campaigns: names(&mut scenario.outreach.campaigns.iter().map(|c| c.name.as_str())),
            follow_ups: names(&mut follow_ups.iter().map(|(_, id)| *id)),
            groups,
        };
        let positions = Positions {
            goals: positions(flow.goals.iter().map(|g| g.name.as_str())),
            nodes: positions(flow.nodes.iter().map(|n| n.id.as_str())),
            follow_ups: follow_ups.iter().map(|(at, id)| (*id, *at)).collect(),
            queues: positions(scenario.pools.iter().map(|p| p.name.as_str())),
            campaigns: positions(scenario.outreach.campaigns.iter().map(|c| c.name.as_str())),
            personas: positions(personas.iter().map(|p| p.name.as_str())),
            segments: positions(segments.keys().copied()),
            variants: positions(flow.variants.iter().map(String::as_str)),
        };
        let candidates = Candidates::of(&shape);
        let places = candidates
            .all()
            .map(|metric| positions.place(metric))
            .collect();
        Measure {
            scenario,
            candidates,
            places,
            segments,
            features,
        }
    }

    /// Every number of one replication, whose tallies are `tallies`, in
    /// report order: the numbers its report would list.
    pub fn values(&self, tallies: &Tallies) -> Vec<(Metric, f64)> {
        self.values_of(tallies, &self.segments_of(tallies))
            .into_iter()
            .map(|(_, metric, value)| (metric.clone(), value))
            .collect()
    }

    /// Every number of one replication, as [`Measure::values`], each with
    /// the two counts it is one over the other of when it is a ratio: what
    /// the intervals over replications are built from.
    pub fn measured(&self, tallies: &Tallies) -> Vec<(&Metric, Measured)> {
        let segments = self.segments_of(tallies);
        self.values_of(tallies, &segments)
            .into_iter()
            .map(|(at, metric, value)| {
                let ratio = self.ratio(tallies, &segments, metric, self.places[at]);
                (metric, Measured { value, ratio })
            })
            .collect()
    }

    /// Each segment's personas' tallies merged.
    fn segments_of(&self, tallies: &Tallies) -> Vec<Tally> {
        let goals = self.features.goals.len();
        self.segments
            .values()
            .map(|members| {
                let mut tally = Tally::new(goals);
                for at in members {
                    if let Some(persona) = tallies.personas.get(*at) {
                        tally.merge(persona);
                    }
                }
                tally
            })
            .collect()
    }

    fn values_of(&self, tallies: &Tallies, segments: &[Tally]) -> Vec<(usize, &Metric, f64)> {
        let spent = self
            .scenario
            .outreach
            .pricing
            .as_ref()
            .map(|pricing| Spent::of(pricing, tallies));
        // Each histogram's statistics in one pass, once per replication:
        // a report asks for six of them per timer and per queue.
        let stats = Timer::ALL.map(|timer| histogram(tallies, timer).stats());
        let waits: Vec<_> = tallies
            .queues
            .iter()
            .map(|queue| queue.wait.stats())
            .collect();
        self.candidates.with_values(|at, metric| {
            let place = self.places[at];
            self.value(
                tallies,
                segments,
                (&stats, &waits),
                spent.as_ref(),
                metric,
                place,
            )
        })
    }

    /// The two counts `metric` is one over the other of in this
    /// replication, when it is a ratio: the same counts the report pools
    /// over replications.
    fn ratio(
        &self,
        tallies: &Tallies,
        segments: &[Tally],
        metric: &Metric,
        place: Place,
    ) -> Option<Ratio> {
        let share = |(part, whole): (u64, u64)| Ratio {
            numerator: part as f64,
            denominator: whole as f64,
            share: true,
        };
        let of_tally = |tally: &Tally, metric: &GroupMetric| -> Option<Ratio> {
            let conversations = tally.outcomes.total();
            Some(match metric {
                GroupMetric::Conversations => return None,
                GroupMetric::Outcome(outcome) => {
                    share((tally.outcomes.get(*outcome), conversations))
                }
                GroupMetric::Rate(rate) => share(tally.rate_counts(*rate)),
                GroupMetric::Csat(stat) => Ratio {
                    share: *stat != CsatStat::Mean,
                    ..share(tally.csat_counts(*stat))
                },
                GroupMetric::Conversion(_) => {
                    share((*tally.conversions.get(place.goal?)?, conversations))
                }
            })
        };
        match metric {
            Metric::Outcome(outcome) => of_tally(&tallies.all, &GroupMetric::Outcome(*outcome)),
            Metric::Rate(rate) => of_tally(&tallies.all, &GroupMetric::Rate(*rate)),
            Metric::Csat(stat) => of_tally(&tallies.all, &GroupMetric::Csat(*stat)),
            Metric::Conversion(_) => Some(share((
                *tallies.all.conversions.get(place.at?)?,
                tallies.all.outcomes.total(),
            ))),
            Metric::Group(group, _, metric) => {
                of_tally(group_tally(tallies, segments, *group, place)?, metric)
            }
            Metric::Queue(_, QueueStat::Abandonment) => {
                let queue = tallies.queues.get(place.at?)?;
                Some(share((queue.abandoned, queue.arrived)))
            }
            Metric::Queue(_, QueueStat::Utilisation) => {
                let queue = tallies.queues.get(place.at?)?;
                Some(Ratio {
                    numerator: queue.busy as f64,
                    denominator: queue.staffed as f64,
                    share: false,
                })
            }
            Metric::Campaign(_, stat) => tallies
                .campaigns
                .get(place.at?)?
                .rate_counts(*stat)
                .map(share),
            Metric::FollowUp(_, stat) => tallies
                .follow_ups
                .get(place.at?)?
                .sends
                .rate_counts(*stat)
                .map(share),
            Metric::Retention(_) => {
                let retention = &tallies.retention;
                Some(share((
                    *retention.within.get(place.at?)?,
                    retention.customers,
                )))
            }
            _ => None,
        }
    }

    fn value(
        &self,
        tallies: &Tallies,
        segments: &[Tally],
        (stats, waits): (&[HistogramStats; Timer::ALL.len()], &[HistogramStats]),
        spent: Option<&Spent>,
        metric: &Metric,
        place: Place,
    ) -> Option<f64> {
        let all = &tallies.all;
        match metric {
            Metric::Conversations => Some(tallies.conversations() as f64),
            Metric::Outcome(outcome) => Some(all.share(*outcome)),
            Metric::Rate(rate) => Some(all.rate(*rate)),
            Metric::Time(timer, stat) => stats[timer.index()][stat.index()],
            Metric::TurnsMean => Some(tallies.turns_mean()),
            Metric::TurnsMax => Some(f64::from(tallies.turns_max)),
            Metric::Csat(stat) => self.features.csat.then(|| all.csat(*stat))?,
            Metric::Conversion(_) => all.conversion(place.at?),
            Metric::ConversionValue(_) => {
                let at = place.at?;
                let value = self.features.goals.get(at)?.value?;
                let reached = *all.conversions.get(at)?;
                Some(conversion_value(value, reached, tallies.conversations()))
            }
            Metric::Group(group, _, metric) => self.group_value(
                group_tally(tallies, segments, *group, place)?,
                metric,
                place,
            ),
            Metric::Funnel(_, count) => {
                if !self.features.funnel {
                    return None;
                }
                let counts = tallies.funnel.get(place.at?)?;
                Some(match count {
                    FunnelCount::Entered => counts.entered,
                    FunnelCount::Abandoned => counts.abandoned,
                    FunnelCount::Reason(reason) => counts.reasons[reason.index()],
                } as f64)
            }
            Metric::Queue(_, stat) => {
                let at = place.at?;
                match stat {
                    QueueStat::Wait(stat) => waits.get(at)?[stat.index()],
                    _ => tallies.queues.get(at)?.stat(*stat),
                }
            }
            Metric::Campaign(_, stat) => tallies.campaigns.get(place.at?)?.stat(*stat),
            Metric::FollowUp(_, stat) => {
                let tally = tallies.follow_ups.get(place.at?)?;
                match stat {
                    SendStat::Recovered => Some(tally.recovered as f64),
                    _ => tally.sends.stat(*stat),
                }
            }
            Metric::Compliance(stat) => compliance(self.scenario).then_some(match stat {
                ComplianceStat::OutsideWindow => tallies.compliance.outside_window,
                ComplianceStat::NotOptedIn => tallies.compliance.not_opted_in,
            } as f64),
            Metric::Retention(days) => {
                if !retention(self.scenario) {
                    return None;
                }
                tallies.retention.share(*days)
            }
            Metric::Cost(stat) => spent?.get(*stat),
        }
    }

    fn group_value(&self, tally: &Tally, metric: &GroupMetric, place: Place) -> Option<f64> {
        match metric {
            GroupMetric::Conversations => Some(tally.outcomes.total() as f64),
            GroupMetric::Outcome(outcome) => Some(tally.share(*outcome)),
            GroupMetric::Rate(rate) => Some(tally.rate(*rate)),
            GroupMetric::Csat(stat) => self.features.csat.then(|| tally.csat(*stat))?,
            GroupMetric::Conversion(_) => tally.conversion(place.goal?),
        }
    }
}

/// The tally of the group at `place`: a persona's, a segment's (merged in
/// `segments`) or a variant's.
fn group_tally<'t>(
    tallies: &'t Tallies,
    segments: &'t [Tally],
    group: Group,
    place: Place,
) -> Option<&'t Tally> {
    let at = place.at?;
    match group {
        Group::Persona => tallies.personas.get(at),
        Group::Segment => segments.get(at),
        Group::Variant => tallies.variants.get(at),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::report::Report;

    /// Every bundled scenario, loaded.
    fn bundled() -> Vec<Scenario> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut scenarios = Vec::new();
        for folder in ["bank", "clinic", "shop"] {
            let mut files: Vec<_> = std::fs::read_dir(root.join(folder))
                .expect("the bundled scenarios")
                .map(|entry| entry.expect("a directory entry").path())
                .collect();
            files.sort();
            for file in files {
                let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.starts_with("flow") || name.starts_with("personas") {
                    continue;
                }
                let (scenario, _) = crate::load::Loader::new()
                    .scenario(&file)
                    .expect("a valid scenario");
                scenarios.push(scenario);
            }
        }
        assert!(scenarios.len() >= 5, "found {}", scenarios.len());
        scenarios
    }

    #[test]
    fn a_replication_measures_what_its_report_lists() {
        for scenario in bundled() {
            let measure = Measure::of(&scenario);
            for replication in 0..2 {
                let tallies = crate::sim::replicate(&scenario, 7, replication);
                let report = Report::new(&scenario, 7, 1, &tallies);
                assert_eq!(
                    measure.values(&tallies),
                    report.metrics(),
                    "{} replication {replication}",
                    scenario.name
                );
            }
        }
    }

    /// The node at a metric's dotted path, whose names may hold dots:
    /// each step takes the shortest run of segments that is a key.
    fn walk<'a>(node: &'a crate::yaml::Node, segments: &[&str]) -> Option<&'a crate::yaml::Node> {
        if segments.is_empty() {
            return Some(node);
        }
        (1..=segments.len()).find_map(|take| {
            let child = node.get(&segments[..take].join("."))?;
            walk(child, &segments[take..])
        })
    }

    #[test]
    fn every_listed_metric_is_in_the_yaml_report_and_reads_back() {
        for scenario in bundled() {
            let tallies = crate::sim::replicate(&scenario, 7, 0);
            let report = Report::new(&scenario, 7, 1, &tallies);
            let yaml = crate::report::render_to_string(
                std::slice::from_ref(&report),
                crate::report::Format::Yaml,
                crate::report::Style { color: false },
            );
            let document = crate::yaml::Document::parse(&yaml).expect("YAML");
            let mut found = 0;
            for (metric, value) in report.metrics() {
                let path = metric.to_string();
                assert_eq!(Metric::parse(&path).as_ref(), Ok(&metric), "{path}");
                let segments: Vec<&str> = path.split('.').collect();
                match walk(&document.root, &segments) {
                    Some(node) => {
                        let written: f64 = crate::yaml::de::from_node(node).expect("a number");
                        assert_eq!(written, value, "{path}");
                        found += 1;
                    }
                    // Funnel reasons nobody left for are left out.
                    None => assert!(
                        matches!(metric, Metric::Funnel(_, FunnelCount::Reason(_))) && value == 0.0,
                        "{path} is not in the YAML report"
                    ),
                }
            }
            assert!(found > 40, "{}: {found}", scenario.name);
        }
    }
}
