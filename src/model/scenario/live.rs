//! The `live:` block: how `rehearse live` reads a real bot's messages.

use serde::Deserialize;

use super::staffing::{AgentPool, PoolId};
use crate::diagnostic::{Problem, Rule};
use crate::model::Millis;
use crate::source::KeyPath;
use crate::text::{did_you_mean, list};

/// The `live:` block as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LiveSpec {
    /// Text in a bot message that hands the customer to a person.
    #[serde(default)]
    pub handoff_when: Vec<String>,
    /// The agent pool handoffs go to.
    #[serde(default)]
    pub queue: Option<String>,
    /// Text in a bot message that shows it did not understand the customer.
    #[serde(default)]
    pub fallback_when: Vec<String>,
    /// How long a text message with nothing after it ends the bot's turn.
    #[serde(default)]
    pub quiet: Option<Millis>,
}

/// How long a bot's text message must stand alone, in real time, before the
/// customer takes it as the bot's whole turn (a question to answer), unless
/// a scenario's `live.quiet` says otherwise.
pub const DEFAULT_QUIET: Millis = Millis(1_000);

/// The longest `live.quiet`.
pub const MAX_QUIET: Millis = Millis(60_000);

/// How `rehearse live` reads a real bot: which messages hand the customer
/// over, which show a misunderstanding, and when the bot's turn is over.
/// `run` ignores all of it: there the flow says so.
#[derive(Debug, Clone, Default)]
#[cfg_attr(
    not(feature = "live"),
    expect(dead_code, reason = "validated always, read by `rehearse live` only")
)]
pub(crate) struct LiveSettings {
    /// A bot message with one of these phrases hands the customer over.
    pub handoff_when: crate::model::phrases::Phrases,
    /// The pool such a handoff joins; `None` without `handoff_when`.
    pub handoff_pool: Option<PoolId>,
    /// A bot message with one of these phrases did not understand the
    /// customer's last message.
    pub fallback_when: crate::model::phrases::Phrases,
    /// Real time after a lone text message that ends the bot's turn.
    pub quiet: Millis,
}

/// Reads the `live:` block, reporting what is wrong where it is written.
/// `pools` is `None` when the agent pools have errors of their own.
pub(super) fn live_settings(
    spec: LiveSpec,
    pools: Option<&[AgentPool]>,
    problems: &mut Vec<Problem>,
) -> Option<LiveSettings> {
    let root = KeyPath::root().key("live");
    let before = problems.len();
    let mut phrases =
        |key: &str, written: &[String], help: &str| match crate::model::phrases::phrases_at(
            written,
            root.key(key),
            Rule::InvalidScenario,
            help,
        ) {
            Ok(phrases) => phrases,
            Err(problem) => {
                problems.push(problem);
                Default::default()
            }
        };
    let handoff_when = phrases(
        "handoff_when",
        &spec.handoff_when,
        "like `handoff_when: [\"connecting you to an agent\"]`: text in a bot message that hands the customer to a person",
    );
    let fallback_when = phrases(
        "fallback_when",
        &spec.fallback_when,
        "like `fallback_when: [\"sorry, i didn't get that\"]`: text in a bot message that shows it did not understand",
    );
    let quiet = spec.quiet.unwrap_or(DEFAULT_QUIET);
    if quiet == Millis::ZERO || quiet > MAX_QUIET {
        problems.push(
            Problem::new(
                Rule::InvalidScenario,
                root.key("quiet"),
                format!("`quiet` is from 1ms to {MAX_QUIET}, got {quiet}"),
            )
            .with_help("how long a text message with nothing after it ends the bot's turn, like `quiet: 1s`"),
        );
    }
    fn names(pools: &[AgentPool]) -> Vec<&str> {
        pools.iter().map(|pool| pool.name.as_str()).collect()
    }
    let handoff_pool = match (pools, &spec.queue) {
        // The pools' own problems are reported where they are written.
        (None, _) => None,
        (Some(pools), Some(queue)) => match pools.iter().position(|pool| &pool.name == queue) {
            Some(pool) => Some(pool),
            None => {
                let known = names(pools);
                problems.push(
                    Problem::new(
                        Rule::InvalidScenario,
                        root.key("queue"),
                        format!(
                            "no agent pool is called `{queue}`{}",
                            did_you_mean(queue, known.iter().copied())
                        ),
                    )
                    .with_help(if known.is_empty() {
                        "add the pool under `agents:`".to_string()
                    } else {
                        format!("the scenario staffs {}", list(known.iter().copied()))
                    }),
                );
                None
            }
        },
        (Some(_), None) if handoff_when.is_empty() => None,
        (Some([_]), None) => Some(0),
        (Some([]), None) => {
            problems.push(
                Problem::new(
                    Rule::InvalidScenario,
                    root.key("handoff_when"),
                    "a handoff needs agents to hand off to, and the scenario staffs none",
                )
                .with_help("add a pool under `agents:`, like `support: {count: 4, handle_time: {exponential: {mean: 6m}}}`"),
            );
            None
        }
        (Some(pools), None) => {
            let known = names(pools);
            problems.push(
                Problem::new(
                    Rule::InvalidScenario,
                    root.clone(),
                    format!(
                        "the scenario staffs {} pools: say which one handoffs join",
                        pools.len()
                    ),
                )
                .with_help(format!(
                    "add `queue: {}` (the scenario staffs {})",
                    known[0],
                    list(known.iter().copied())
                )),
            );
            None
        }
    };
    (problems.len() == before).then_some(LiveSettings {
        handoff_when,
        handoff_pool,
        fallback_when,
        quiet,
    })
}
