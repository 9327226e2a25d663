//! Building a report from a scenario and the engine's tallies: which
//! blocks a scenario has, and the numbers that need the scenario (names,
//! goals, prices).

use indexmap::IndexMap;

use super::*;
use crate::metric::{GroupMetric, Outcome, Reason, fraction, round_to};
use crate::model::flow::NodeKind;
use crate::model::scenario::Scenario;
use crate::tally::{Tallies, Tally};

/// Whether the scenario can send something WhatsApp would refuse: it
/// writes to customers first (campaigns, follow-ups), or an agent queue
/// closes (an agent may pick a customer up after their window closed).
fn compliance(scenario: &Scenario) -> bool {
    !scenario.outreach.campaigns.is_empty()
        || scenario.flow.follows_up()
        || scenario
            .pools
            .iter()
            .any(|pool| pool.agents.values().any(|agents| *agents == 0))
}

/// The cost of a run: delivered templates by category and conversations
/// customers started, at `pricing`'s prices.
fn cost(pricing: &crate::model::outreach::Pricing, tallies: &Tallies) -> Cost {
    use crate::model::flow::Category;
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
    Cost {
        total: round_to(total, 4),
        per_conversation: if conversations == 0 {
            0.0
        } else {
            round_to(total / conversations as f64, 6)
        },
        per_resolution: (resolved > 0).then(|| round_to(total / resolved as f64, 6)),
        by_category,
        currency: pricing.currency.clone(),
        as_of: pricing.as_of.clone(),
    }
}

/// Which of the report's optional blocks a scenario uses.
struct Features<'s> {
    csat: bool,
    goals: &'s [crate::model::flow::Goal],
    /// Whether the funnel (per flow node) is known.
    funnel: bool,
    /// Whether to keep the timers' distributions for charts: not for one
    /// replication's report, which only feeds the intervals.
    charts: bool,
}

impl Breakdown {
    fn new(segment: Option<String>, tally: &Tally, features: &Features) -> Breakdown {
        Breakdown {
            segment,
            conversations: tally.outcomes.total(),
            outcomes: Outcomes::from_tally(tally),
            rates: Rates::from_tally(tally),
            csat: features.csat.then(|| Csat::from_tally(tally)),
            conversion: conversion(tally, features),
        }
    }

    pub(super) fn value(&self, metric: &GroupMetric) -> Option<f64> {
        match metric {
            GroupMetric::Conversations => Some(self.conversations as f64),
            GroupMetric::Outcome(outcome) => Some(self.outcomes.get(*outcome)),
            GroupMetric::Rate(rate) => Some(self.rates.get(*rate)),
            GroupMetric::Csat(stat) => self.csat.as_ref()?.get(*stat),
            GroupMetric::Conversion(goal) => self.conversion.get(goal).copied(),
        }
    }
}

fn conversion(tally: &Tally, features: &Features) -> IndexMap<String, f64> {
    let total = tally.outcomes.total();
    features
        .goals
        .iter()
        .zip(&tally.conversions)
        .map(|(goal, reached)| (goal.name.clone(), fraction(*reached, total)))
        .collect()
}

impl Report {
    /// The report of `replications` replications of `scenario` with `seed`,
    /// whose tallies are `tallies`.
    pub(crate) fn new(
        scenario: &Scenario,
        seed: u64,
        replications: u32,
        tallies: &Tallies,
    ) -> Report {
        Report::build(
            scenario,
            seed,
            replications,
            tallies,
            &Features::of(scenario, true),
        )
    }

    /// The report of one replication, whose numbers feed the intervals over
    /// replications: as [`Report::new`], without the distributions for
    /// charts (a run makes thousands of these).
    pub(crate) fn of_replication(scenario: &Scenario, seed: u64, tallies: &Tallies) -> Report {
        Report::build(scenario, seed, 1, tallies, &Features::of(scenario, false))
    }
}

impl<'s> Features<'s> {
    /// What a simulated run of `scenario` reports.
    fn of(scenario: &'s Scenario, charts: bool) -> Features<'s> {
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
        }
    }
}

impl Report {
    /// The report of a `rehearse live` run of `scenario`: one stretch of
    /// traffic against a real bot. What only the flow could tell (the
    /// funnel, conversions, A/B variants, the bot's own surveys) is absent;
    /// the agents' surveys and queues are simulated, so they are there.
    pub(crate) fn live(
        scenario: &Scenario,
        seed: u64,
        tallies: &Tallies,
        live: live::Live,
    ) -> Report {
        let features = Features {
            csat: scenario.pools.iter().any(|pool| pool.survey),
            goals: &[],
            funnel: false,
            charts: true,
        };
        let mut report = Report::build(scenario, seed, 1, tallies, &features);
        report.live = Some(live);
        report
    }

    fn build(
        scenario: &Scenario,
        seed: u64,
        replications: u32,
        tallies: &Tallies,
        features: &Features,
    ) -> Report {
        let flow = &scenario.flow;
        let conversations = tallies.conversations();
        let funnel = flow
            .nodes
            .iter()
            .filter(|_| features.funnel)
            .zip(&tallies.funnel)
            .map(|(node, counts)| {
                let reasons = Reason::ALL
                    .into_iter()
                    .zip(counts.reasons)
                    .filter(|(_, count)| *count > 0)
                    .map(|(reason, count)| (reason.key(), count))
                    .collect();
                let step = FunnelStep {
                    entered: counts.entered,
                    abandoned: counts.abandoned,
                    reasons,
                };
                (node.id.clone(), step)
            })
            .collect();
        let personas = scenario
            .personas
            .items()
            .iter()
            .zip(&tallies.personas)
            .map(|(persona, tally)| {
                let breakdown = Breakdown::new(persona.segment.clone(), tally, features);
                (persona.name.clone(), breakdown)
            })
            .collect();
        let mut segment_tallies: IndexMap<String, Tally> = IndexMap::new();
        for (persona, tally) in scenario.personas.items().iter().zip(&tallies.personas) {
            if let Some(segment) = &persona.segment {
                segment_tallies
                    .entry(segment.clone())
                    .or_insert_with(|| Tally::new(flow.goals.len()))
                    .merge(tally);
            }
        }
        let conversion_value = flow
            .goals
            .iter()
            .zip(&tallies.all.conversions)
            .filter_map(|(goal, reached)| {
                let value = goal.value?;
                let per_conversation = if conversations == 0 {
                    0.0
                } else {
                    *reached as f64 * value / conversations as f64
                };
                Some((goal.name.clone(), round_to(per_conversation, 4)))
            })
            .collect();
        Report {
            scenario: scenario.name.clone(),
            flow: FlowLabel {
                name: flow.name.clone(),
                version: flow.version.clone(),
            },
            seed,
            replications,
            conversations,
            live: None,
            outcomes: Outcomes::from_tally(&tallies.all),
            rates: Rates::from_tally(&tallies.all),
            ci95: None,
            response_time: ResponseTimes {
                bot: TimeStats::from_histogram(&tallies.bot_response),
                agent_first_response: TimeStats::from_histogram(&tallies.agent_first_response),
                queue_wait: TimeStats::from_histogram(&tallies.queue_wait),
                resolution: TimeStats::from_histogram(&tallies.resolution),
            },
            turns: Turns {
                mean: if conversations == 0 {
                    0.0
                } else {
                    round_to(tallies.turns_sum as f64 / conversations as f64, 2)
                },
                max: tallies.turns_max,
            },
            csat: features.csat.then(|| Csat::from_tally(&tallies.all)),
            conversion: conversion(&tallies.all, features),
            conversion_value,
            funnel,
            queues: scenario
                .pools
                .iter()
                .zip(&tallies.queues)
                .map(|(pool, tally)| (pool.name.clone(), QueueReport::from_tally(tally)))
                .collect(),
            personas,
            segments: segment_tallies
                .into_iter()
                .map(|(segment, tally)| (segment, Breakdown::new(None, &tally, features)))
                .collect(),
            variants: flow
                .variants
                .iter()
                .zip(&tallies.variants)
                .map(|(name, tally)| (name.clone(), Breakdown::new(None, tally, features)))
                .collect(),
            campaigns: scenario
                .outreach
                .campaigns
                .iter()
                .zip(&tallies.campaigns)
                .map(|(campaign, tally)| (campaign.name.clone(), Sends::new(tally, None)))
                .collect(),
            follow_ups: flow
                .nodes
                .iter()
                .zip(&tallies.follow_ups)
                .filter(|(node, _)| node.follow_up.is_some())
                .map(|(node, tally)| {
                    (
                        node.id.clone(),
                        Sends::new(&tally.sends, Some(tally.recovered)),
                    )
                })
                .collect(),
            compliance: compliance(scenario).then_some(Compliance {
                outside_window: tallies.compliance.outside_window,
                not_opted_in: tallies.compliance.not_opted_in,
            }),
            retention: scenario
                .personas
                .items()
                .iter()
                .any(|persona| persona.returns.is_some())
                .then(|| {
                    let retention = &tallies.retention;
                    Retention {
                        d7: fraction(retention.within[0], retention.customers),
                        d30: fraction(retention.within[1], retention.customers),
                        customers: retention.customers,
                    }
                }),
            cost: scenario
                .outreach
                .pricing
                .as_ref()
                .map(|pricing| cost(pricing, tallies)),
            transcripts: Vec::new(),
            distributions: if !features.charts {
                Distributions::default()
            } else {
                Distributions {
                    bot: Distribution::from_histogram(&tallies.bot_response),
                    agent_first_response: Distribution::from_histogram(
                        &tallies.agent_first_response,
                    ),
                    queue_wait: Distribution::from_histogram(&tallies.queue_wait),
                    resolution: Distribution::from_histogram(&tallies.resolution),
                    queues: scenario
                        .pools
                        .iter()
                        .zip(&tallies.queues)
                        .map(|(pool, tally)| {
                            (pool.name.clone(), Distribution::from_histogram(&tally.wait))
                        })
                        .collect(),
                }
            },
        }
    }
}
