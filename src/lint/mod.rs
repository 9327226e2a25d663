//! `rehearse lint`: what is wrong with a flow, its personas and scenarios
//! before any customer meets them.
//!
//! The validators in [`crate::model`] find what makes a file unusable (a
//! route to a missing node, a persona nobody defined); this module adds the
//! analyses that need the whole, validated picture: the flow as a graph,
//! WhatsApp's limits, and personas against the flow. Both kinds of finding
//! become diagnostics with a rule, a file, a line and column, and help.

mod conditions;
mod graph;
mod keywords;
mod loading;
pub(crate) mod personas;
mod whatsapp;

use personas::PersonaCheck;

use crate::diagnostic::{Problem, Rule};
use crate::model::flow::{Flow, NodeKind};
use crate::model::scenario::Scenario;
use crate::source::KeyPath;

/// Graph and WhatsApp findings for a valid flow.
pub(crate) fn check_flow(flow: &Flow) -> Vec<Problem> {
    let mut problems = Vec::new();
    graph::check(flow, &mut problems);
    keywords::check(flow, &mut problems);
    conditions::check(flow, &mut problems);
    whatsapp::check(flow, &mut problems);
    problems
}

/// Findings about a scenario's staffing, located in the scenario file.
pub(crate) fn check_scenario(scenario: &Scenario) -> Vec<Problem> {
    let mut problems = Vec::new();
    // The nodes that hand off to each pool, gathered in one pass.
    let mut used_by: Vec<Vec<&str>> = vec![Vec::new(); scenario.pools.len()];
    let mut unrouted_when_closed: Vec<Vec<&str>> = vec![Vec::new(); scenario.pools.len()];
    for node in &scenario.flow.nodes {
        if let NodeKind::Handoff(handoff) = &node.kind {
            let pool = scenario.pool_of(handoff.queue);
            if let Some(users) = used_by.get_mut(pool) {
                users.push(node.id.as_str());
            }
            if handoff.closed.is_none()
                && let Some(nodes) = unrouted_when_closed.get_mut(pool)
            {
                nodes.push(node.id.as_str());
            }
        }
    }
    for ((pool, used_by), unrouted) in scenario.pools.iter().zip(used_by).zip(unrouted_when_closed)
    {
        let never_staffed = pool.agents.values().all(|count| *count == 0);
        let closes = pool.agents.values().any(|count| *count == 0);
        if closes && !never_staffed {
            for node in unrouted {
                problems.push(
                    Problem::new(
                        Rule::ClosedQueue,
                        KeyPath::root().key("agents").key(&pool.name),
                        format!(
                            "queue `{}` has hours without agents, and node `{}` hands off to it without a `closed:` route: customers wait until it opens",
                            pool.name, node
                        ),
                    )
                    .with_help("add `closed: NODE` to the handoff (a \"we're closed, we'll write back\" message), or staff the queue around the clock"),
                );
            }
        }
        if never_staffed && !used_by.is_empty() {
            problems.push(
                Problem::new(
                    Rule::ZeroAgents,
                    KeyPath::root().key("agents").key(&pool.name).key("count"),
                    format!(
                        "queue `{}` has no agents, but {} hand{} off to it: everyone there will give up",
                        pool.name,
                        crate::text::list(used_by.iter().copied()),
                        if used_by.len() == 1 { "s" } else { "" }
                    ),
                )
                .with_help("staff the queue, or route those customers elsewhere"),
            );
        }
    }
    unengaged(scenario, &mut problems);
    let asks = scenario
        .flow
        .nodes
        .iter()
        .any(|node| matches!(node.kind, NodeKind::Survey(_)))
        || scenario.pools.iter().any(|pool| pool.survey);
    let answers = scenario
        .personas
        .items()
        .iter()
        .any(|persona| persona.satisfaction.is_some() && persona.survey_response.get() > 0.0);
    if asks && !answers {
        problems.push(
            Problem::new(
                Rule::NoSurveyAnswers,
                KeyPath::root().key("mix"),
                "the flow or an agent pool asks for CSAT, but no persona in the mix answers surveys: the report's CSAT will be empty",
            )
            .with_help("give personas `satisfaction: {base: 4.2, ...}` and `survey_response: 0.3` (the chance they answer)"),
        );
    }
    problems
}

/// Personas who get messages the business sends first but have no
/// `engagement`, so never read one (rule P06): the mix's personas when the
/// flow follows up on silence, a campaign's audience for the campaign.
fn unengaged(scenario: &Scenario, problems: &mut Vec<Problem>) {
    let personas = &scenario.personas;
    let unengaged = |index: usize| {
        let persona = personas.get(index);
        persona
            .engagement
            .is_none()
            .then_some(persona.name.as_str())
    };
    let help = "give the persona `engagement: {reads: 0.65, read_delay: ..., comes_back: 0.3}`: whether and when they read and answer";
    if scenario.flow.follows_up() {
        let names: Vec<&str> = (0..personas.len())
            .filter(|index| personas.share(*index) > 0.0)
            .filter_map(unengaged)
            .collect();
        if !names.is_empty() {
            problems.push(
                Problem::new(
                    Rule::NoEngagement,
                    KeyPath::root().key("personas"),
                    format!(
                        "the flow follows up on silent customers, but {} {} no `engagement`: they never read a follow-up",
                        crate::text::list(names.iter().copied()),
                        if names.len() == 1 { "has" } else { "have" }
                    ),
                )
                .with_help(help),
            );
        }
    }
    if let Some(audience) = &scenario.outreach.audience {
        for (i, campaign) in scenario.outreach.campaigns.iter().enumerate() {
            let names: Vec<&str> = audience
                .mix
                .items()
                .iter()
                .enumerate()
                .filter(|(share, index)| {
                    audience.mix.share(*share) > 0.0
                        && campaign.targets(**index, personas.get(**index))
                })
                .filter_map(|(_, index)| unengaged(*index))
                .collect();
            if !names.is_empty() {
                problems.push(
                    Problem::new(
                        Rule::NoEngagement,
                        KeyPath::root().key("campaigns").index(i),
                        format!(
                            "campaign `{}` goes to {}, who {} no `engagement`: they never read it",
                            campaign.name,
                            crate::text::list(names.iter().copied()),
                            if names.len() == 1 { "has" } else { "have" }
                        ),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
