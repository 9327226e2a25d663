//! Building a report from a scenario and the engine's tallies: which
//! blocks a scenario has, and the numbers that need the scenario (names,
//! goals, prices).

use indexmap::IndexMap;

use super::*;
use crate::measure::{self, Features, Spent};
use crate::metric::{GroupMetric, Reason};
use crate::model::scenario::Scenario;
use crate::tally::{Tallies, Tally};

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
    features
        .goals
        .iter()
        .enumerate()
        .filter_map(|(at, goal)| Some((goal.name.clone(), tally.conversion(at)?)))
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
}

impl Report {
    /// The report of a `rehearse live` run of `scenario`: one stretch of
    /// traffic against a real bot. What only the flow could tell (the
    /// funnel, conversions, A/B variants) is absent; CSAT is there as in
    /// `run`: live customers answer the flow's surveys when one is on screen,
    /// and the agents' surveys and queues are simulated.
    #[cfg(feature = "live")]
    pub(crate) fn live(
        scenario: &Scenario,
        seed: u64,
        tallies: &Tallies,
        live: live::Live,
    ) -> Report {
        let features = Features {
            csat: Features::of(scenario, true).csat,
            goals: &[],
            funnel: false,
            charts: true,
            media: false,
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
                    media: features
                        .media
                        .then(|| FunnelMedia::from_counts(counts))
                        .flatten(),
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
                Some((
                    goal.name.clone(),
                    measure::conversion_value(value, *reached, conversations),
                ))
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
                mean: tallies.turns_mean(),
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
            compliance: measure::compliance(scenario).then_some(Compliance {
                outside_window: tallies.compliance.outside_window,
                not_opted_in: tallies.compliance.not_opted_in,
            }),
            retention: measure::retention(scenario).then(|| {
                let retention = &tallies.retention;
                Retention {
                    d7: retention.share(7).unwrap_or_default(),
                    d30: retention.share(30).unwrap_or_default(),
                    customers: retention.customers,
                }
            }),
            cost: scenario.outreach.pricing.as_ref().map(|pricing| {
                let spent = Spent::of(pricing, tallies);
                Cost {
                    total: spent.total,
                    per_conversation: spent.per_conversation,
                    per_resolution: spent.per_resolution,
                    by_category: spent.by_category,
                    currency: pricing.currency.clone(),
                    as_of: pricing.as_of.clone(),
                }
            }),
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
