//! What a run of a scenario may cost, estimated before anything runs: the
//! conversations one replication simulates, the engine steps they take, and
//! the memory one replication holds. A scenario over a cap of
//! [`crate::limits`] is refused where the setting to change is written; the
//! engine runs as many replications at once as the memory budget allows.
//!
//! The estimate is an upper bound where it cannot be exact: every turn a
//! conversation may take (`max_turns`), the bot's longest walk in a turn,
//! every customer still waiting or silent at once. Conversations are the
//! expected number (arrivals are random), and so are answers to campaigns.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::Scenario;
use crate::diagnostic::{Problem, Rule};
use crate::limits::{
    MAX_CAMPAIGN_MESSAGES, MAX_CONVERSATIONS_PER_REPLICATION, MAX_WAITING, MAX_WORK, MEMORY_BUDGET,
};
use crate::model::flow::NodeKind;
use crate::model::persona::{MAX_TEMPLATE_CHARS, Persona};
use crate::source::KeyPath;
use crate::text::count;

/// What the engine keeps, in bytes, per item: measured from its types and
/// containers (a test in `sim` checks each against `size_of`), rounded up.
pub(crate) mod bytes {
    /// An audience member.
    pub const MEMBER: f64 = 24.0;
    /// A scheduled event: its key in the heap, its slot and a free slot's
    /// number, twice over, since their storage doubles as it grows.
    pub const EVENT: f64 = 2.0 * 72.0;
    /// A customer waiting in a queue, in its ordered map (nodes half full).
    pub const WAITING: f64 = 640.0;
    /// A silent conversation waiting for its follow-up, boxed.
    pub const PAUSED: f64 = 1_100.0;
    /// An agent: the chats they hold, and their place among the open slots.
    pub const AGENT: f64 = 40.0;
    /// A histogram spanning every duration up to 1000 days.
    pub const HISTOGRAM: f64 = 120_000.0;
    /// One group's tally (all, a persona, a variant), besides its goals.
    pub const TALLY: f64 = 160.0;
    /// A node's counts and its follow-up's.
    pub const NODE: f64 = 240.0;
    /// A queue's or a campaign's counts, besides the queue's histogram.
    pub const COUNTS: f64 = 128.0;
    /// What a comparison keeps per conversation of each version (its
    /// watcher, its outcome).
    pub const WATCHED: f64 = 64.0;
    /// A transcript's line besides its text: its fields, the options
    /// offered with it (up to ten list rows) and the phrase of how the bot
    /// understood it.
    pub const LINE: f64 = 400.0;
}

/// Engine steps, the unit of [`MAX_WORK`]: a step is about what the bot
/// does at one node. Measured on release builds (a flow looping through
/// 99 messages a turn; one button tapped a thousand times; a campaign to
/// ten million members).
mod steps {
    /// A customer's turn besides the bot's nodes: deciding, drawing times.
    pub const TURN: f64 = 14.0;
    /// Scanning one byte of typed text for an intent, once per keyword
    /// matcher or regex (at worst, text that starts a keyword every few
    /// bytes: 3 ns a byte and matcher).
    pub const TYPED_BYTE: f64 = 0.4;
    /// A campaign's message to one member, or drawing one member.
    pub const MEMBER: f64 = 25.0;
    /// Folding one byte of a replication's tallies into the run's.
    pub const TALLY_BYTE: f64 = 0.125;
}

/// Replications a thread's results may wait to be folded (the engine's
/// window ahead of the fold), besides the one it runs.
const FOLD_WINDOW: f64 = 4.0;

/// Draws of a returning customer's `after` that estimate its mean.
const RETURN_DRAWS: usize = 256;

/// The estimated cost of a scenario's replications.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Cost {
    /// Customers expected to write in per replication, warm-up included.
    pub walk_ins: f64,
    /// Expected answers to campaigns per replication.
    pub answers: f64,
    /// Conversations per customer, coming back included (at least 1), and
    /// the persona that comes back most.
    pub visits: (f64, Option<String>),
    /// Template messages per replication: audience × campaigns.
    pub campaign_messages: f64,
    /// The most engine steps one conversation may take.
    pub steps_per_conversation: f64,
    /// What one replication keeps, by part.
    pub memory: Memory,
    /// What one transcript may keep: every turn `max_turns` allows, the
    /// bot's longest walk of its longest messages each turn, and the
    /// longest message a customer can type.
    pub transcript: f64,
    /// Engine steps per replication.
    pub work: f64,
}

/// What one replication keeps in memory, by part, in bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Memory {
    /// The audience.
    pub members: f64,
    /// Campaign messages waiting to be read.
    pub campaigns: f64,
    /// Conversations in flight: waiting in a queue, silent until a
    /// follow-up, or coming back later.
    pub in_flight: f64,
    /// The pools' agents.
    pub agents: f64,
    /// One replication's tallies.
    pub tallies: f64,
}

impl Memory {
    /// All of it.
    pub fn total(&self) -> f64 {
        self.members + self.campaigns + self.in_flight + self.agents + self.tallies
    }
}

impl Cost {
    /// Estimates what a replication of `scenario` costs.
    pub fn of(scenario: &Scenario) -> Cost {
        let flow = &scenario.flow;
        let walk_ins = scenario.simulated_arrivals() * rounding(&scenario.arrivals);
        let (members, answers) = campaigns(scenario);
        let campaign_messages = members * scenario.outreach.campaigns.len() as f64;
        let visits = visits(scenario);
        let conversations = (walk_ins + answers) * visits.0;
        let steps_per_turn = steps::TURN
            + f64::from(flow.longest_turn())
            + typed(scenario) * scans(flow) * steps::TYPED_BYTE;
        let steps_per_conversation = f64::from(scenario.max_turns) * steps_per_turn;

        let hands_off = flow
            .nodes
            .iter()
            .any(|node| matches!(node.kind, NodeKind::Handoff(_)));
        let anyone = |has: &dyn Fn(&Persona) -> bool| scenario.personas.items().iter().any(has);
        let impatient = anyone(&|p| p.behaviour.queue_patience.is_some());
        let mut per_conversation = 0.0;
        if hands_off {
            // A customer served before their patience ran out leaves their
            // event behind until it would have.
            per_conversation += bytes::EVENT * f64::from(u8::from(impatient));
        }
        if flow.follows_up() {
            per_conversation += bytes::PAUSED + bytes::EVENT;
        }
        if visits.0 > 1.0 {
            per_conversation += bytes::EVENT;
        }
        let waiting = if hands_off {
            conversations.min((scenario.pools.len() * MAX_WAITING) as f64) * bytes::WAITING
        } else {
            0.0
        };
        let agents = scenario
            .pools
            .iter()
            .map(|pool| f64::from(pool.agents.values().copied().max().unwrap_or(0)))
            .sum::<f64>()
            * bytes::AGENT;
        let groups = (1 + scenario.personas.len() + flow.variants.len()) as f64;
        let tallies = groups * (bytes::TALLY + 8.0 * flow.goals.len() as f64)
            + flow.nodes.len() as f64 * bytes::NODE
            + (4 + scenario.pools.len()) as f64 * bytes::HISTOGRAM
            + (scenario.pools.len() + scenario.outreach.campaigns.len()) as f64 * bytes::COUNTS;
        let memory = Memory {
            members: members * bytes::MEMBER,
            campaigns: campaign_messages * bytes::EVENT,
            in_flight: conversations * per_conversation + waiting,
            agents,
            tallies,
        };
        let transcript = f64::from(scenario.max_turns)
            * (f64::from(flow.longest_turn())
                * (longest_text(flow, typed(scenario)) + bytes::LINE)
                + MAX_TEMPLATE_CHARS as f64
                + bytes::LINE);
        let work = conversations * steps_per_conversation
            + (members + campaign_messages) * steps::MEMBER
            + tallies * steps::TALLY_BYTE;
        Cost {
            walk_ins,
            answers,
            visits,
            campaign_messages,
            steps_per_conversation,
            memory,
            transcript,
            work,
        }
    }

    /// Conversations expected in one replication.
    pub fn conversations(&self) -> f64 {
        (self.walk_ins + self.answers) * self.visits.0
    }

    /// Engine steps of `replications` replications.
    pub fn work(&self, replications: u32) -> f64 {
        self.work * f64::from(replications)
    }

    /// What one thread running replications holds: the one it runs, and
    /// the tallies of those waiting to be folded. `watched` adds what a
    /// comparison keeps per conversation.
    pub fn thread_bytes(&self, watched: bool) -> f64 {
        let watchers = if watched {
            2.0 * self.conversations() * bytes::WATCHED
        } else {
            0.0
        };
        self.memory.total() + FOLD_WINDOW * self.memory.tallies + watchers
    }

    /// Adds a problem, where the setting to change is written, for each cap
    /// of [`crate::limits`] that `scenario` (whose cost this is) passes.
    pub fn check(&self, scenario: &Scenario, problems: &mut Vec<Problem>) {
        let root = KeyPath::root();
        let mut refuse = |rule: Rule, key: &str, message: String, help: String| {
            problems.push(Problem::new(rule, root.key(key), message).with_help(help));
        };
        if self.campaign_messages > MAX_CAMPAIGN_MESSAGES {
            let campaigns = scenario.outreach.campaigns.len();
            let fit = (MAX_CAMPAIGN_MESSAGES / (self.campaign_messages / campaigns as f64)).floor();
            refuse(
                Rule::InvalidCampaign,
                "campaigns",
                format!(
                    "{campaigns} campaigns to an audience of {} send {} template messages in each replication; at most {} are simulated",
                    count(self.campaign_messages / campaigns as f64),
                    count(self.campaign_messages),
                    count(MAX_CAMPAIGN_MESSAGES)
                ),
                format!(
                    "send at most {} of them to this audience, or simulate a smaller `audience.size` and scale the counts",
                    count(fit)
                ),
            );
            return;
        }
        let conversations = self.conversations();
        if conversations > MAX_CONVERSATIONS_PER_REPLICATION {
            let first = self.walk_ins + self.answers;
            if let (Some(persona), true) =
                (&self.visits.1, first <= MAX_CONVERSATIONS_PER_REPLICATION)
            {
                refuse(
                    Rule::InvalidScenario,
                    "personas",
                    format!(
                        "customers of persona `{persona}` come back up to {} times in one replication, for about {} conversations; at most {} are simulated",
                        count(self.visits.0),
                        count(conversations),
                        count(MAX_CONVERSATIONS_PER_REPLICATION)
                    ),
                    "make its `returns.after` longer, or its chances of coming back lower, in its persona file".into(),
                );
            } else if self.answers > self.walk_ins {
                refuse(
                    Rule::InvalidCampaign,
                    "campaigns",
                    format!(
                        "the campaigns are answered about {} times in one replication; at most {} conversations are simulated",
                        count(self.answers),
                        count(MAX_CONVERSATIONS_PER_REPLICATION)
                    ),
                    "send fewer campaigns, or simulate a smaller `audience.size` and scale the counts".into(),
                );
            } else {
                refuse(
                    Rule::InvalidScenario,
                    "duration",
                    format!(
                        "arrivals over `warm_up` and `duration` give about {} conversations in one replication; at most {} are simulated",
                        count(conversations),
                        count(MAX_CONVERSATIONS_PER_REPLICATION)
                    ),
                    format!(
                        "simulate a shorter stretch and more replications of it: about {} of this traffic fit in one replication, warm-up included",
                        super::readable_hours(
                            (scenario.warm_up + scenario.duration).0 as f64 / 3_600_000.0
                                * MAX_CONVERSATIONS_PER_REPLICATION
                                / conversations
                        )
                    ),
                );
            }
            return;
        }
        let memory = &self.memory;
        if self.thread_bytes(false) > MEMORY_BUDGET as f64 {
            let parts = [
                (
                    memory.members,
                    "audience",
                    "the audience (24 bytes a member)",
                    "simulate a smaller `audience.size` and scale the counts",
                ),
                (
                    memory.campaigns,
                    "campaigns",
                    "the campaigns' messages waiting to be read",
                    "send fewer campaigns, or to a smaller audience",
                ),
                (
                    memory.in_flight,
                    "duration",
                    "customers waiting in queues, silent until a follow-up, or coming back",
                    "simulate a shorter `duration` and more replications of it",
                ),
                (
                    memory.agents,
                    "agents",
                    "the agents of every pool, and the chats each holds",
                    "staff fewer agents",
                ),
                (
                    memory.tallies,
                    "personas",
                    "the counts kept per persona, node, business goal and A/B variant",
                    "split the flow or the personas into several scenarios",
                ),
            ];
            let (_, key, what, help) = parts
                .iter()
                .copied()
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .expect("five parts");
            refuse(
                Rule::InvalidScenario,
                key,
                format!(
                    "one replication would keep about {} MiB in memory, most of it for {what}; the limit is {} MiB",
                    count(memory.total() / f64::from(1 << 20)),
                    MEMORY_BUDGET >> 20
                ),
                help.into(),
            );
            return;
        }
        let replications = scenario.replications;
        if self.work(replications) > MAX_WORK {
            if self.work(1) > MAX_WORK {
                refuse(
                    Rule::InvalidScenario,
                    "duration",
                    format!(
                        "one replication may take {} engine steps (about {} conversations of up to {} turns each); a run may take at most {}",
                        count(self.work),
                        count(conversations),
                        scenario.max_turns,
                        count(MAX_WORK)
                    ),
                    "simulate a shorter `duration`, or lower `max_turns`".into(),
                );
            } else {
                refuse(
                    Rule::InvalidScenario,
                    "replications",
                    format!(
                        "{replications} replications may take {} engine steps (about {} conversations of up to {} turns each); a run may take at most {}",
                        count(self.work(replications)),
                        count(conversations * f64::from(replications)),
                        scenario.max_turns,
                        count(MAX_WORK)
                    ),
                    format!(
                        "run at most {} replications of this scenario",
                        self.replications_within(MAX_WORK)
                    ),
                );
            }
        }
    }

    /// The most replications whose work stays within `work`.
    pub fn replications_within(&self, work: f64) -> u64 {
        (work / self.work.max(1.0)).floor() as u64
    }
}

/// The longest message the flow sends, in bytes, variables filled in: a
/// text variable holds at most what a customer types (`typed`) or the
/// longest text a `set:` or `default` gives one.
fn longest_text(flow: &crate::model::flow::Flow, typed: f64) -> f64 {
    use crate::model::flow::Value;
    let written = flow
        .vars
        .iter()
        .filter_map(|var| var.default.as_ref())
        .chain(
            flow.nodes
                .iter()
                .flat_map(|node| node.set.iter().map(|(_, value)| value)),
        )
        .map(|value| match value {
            Value::Text(text) => text.len(),
            _ => 0,
        })
        .max()
        .unwrap_or(0) as f64;
    let variable = typed.max(written);
    let added = |node: &crate::model::flow::Node| {
        node.fill
            .as_ref()
            .map_or(0.0, |fill| fill.most_added(&flow.vars, variable))
    };
    let nodes = flow.nodes.iter().filter_map(|node| {
        let text = match &node.kind {
            NodeKind::Message { text, .. } => Some(text),
            NodeKind::Choice(choice) => Some(&choice.text),
            NodeKind::Question(question) => Some(&question.text),
            NodeKind::Survey(survey) => Some(&survey.question),
            NodeKind::Handoff(handoff) => handoff.text.as_ref(),
            NodeKind::End(end) => end.text.as_ref(),
            NodeKind::Call(_) | NodeKind::Split(_) | NodeKind::When(_) => None,
        }?;
        Some(text.text.len() as f64 + added(node))
    });
    let follow_ups = flow
        .nodes
        .iter()
        .filter_map(|node| node.follow_up.as_ref()?.text.as_ref());
    let templates = flow.templates.iter().map(|template| &template.body);
    follow_ups
        .chain(templates)
        .map(|text| text.text.len() as f64)
        .chain(nodes)
        .fold(0.0, f64::max)
}

/// The longest text a customer types, in bytes: a phrasing of a goal's
/// `says` or `replies` or of the persona's off-script messages, or the
/// longest expansion of an answer (a character may take four bytes), or an
/// option's title typed instead of tapped.
fn typed(scenario: &Scenario) -> f64 {
    let flow = &scenario.flow;
    let choices = flow.nodes.iter().filter_map(|node| match &node.kind {
        NodeKind::Choice(choice) => Some(&choice.options),
        _ => None,
    });
    let titles = choices
        .chain(flow.templates.iter().map(|template| &template.buttons))
        .flatten()
        .map(|title| title.key.len());
    let personas = scenario.personas.items().iter();
    personas
        .flat_map(|persona| {
            let behaviour = &persona.behaviour;
            let off_script = if behaviour.off_script_rate.get() > 0.0 {
                behaviour.off_script_says.longest()
            } else {
                0
            };
            let goals = persona.goals.items().iter().flat_map(|goal| {
                let says = goal.says.as_ref().map(|says| says.longest());
                let replies = goal.replies.iter().map(|reply| reply.bank.longest());
                let answers = goal
                    .answers
                    .iter()
                    .map(|(_, template)| 4 * template.expanded_chars());
                says.into_iter().chain(replies).chain(answers)
            });
            std::iter::once(off_script).chain(goals)
        })
        .chain(titles)
        .max()
        .unwrap_or(0) as f64
}

/// The most scans of typed text one node (or template) routes by.
fn scans(flow: &crate::model::flow::Flow) -> f64 {
    let nodes = flow.nodes.iter().filter_map(|node| match &node.kind {
        NodeKind::Choice(choice) => Some(&choice.intent_routes),
        NodeKind::Question(question) => Some(&question.intent_routes),
        _ => None,
    });
    let templates = flow
        .templates
        .iter()
        .map(|template| &template.intent_routes);
    // A question checks its pattern too.
    let patterns = usize::from(
        flow.nodes
            .iter()
            .any(|node| matches!(node.kind, NodeKind::Question(_))),
    );
    let routes = nodes
        .chain(templates)
        .map(|routes| routes.scans(&flow.intents))
        .max()
        .unwrap_or(0);
    (routes + patterns) as f64
}

/// How many more customers arrive than the rate says, at most, because the
/// engine rounds each gap between arrivals to whole milliseconds: for
/// exponential gaps of mean `m` ms, the rounded gap's mean is
/// `e^(-1/2m) / (1 - e^(-1/m))`. Negligible below about 100,000 an hour;
/// at ten million an hour (a gap of 0.36 ms), 1.35.
fn rounding(arrivals: &super::Arrivals) -> f64 {
    let fastest = match arrivals {
        super::Arrivals::Constant(per_hour) => *per_hour,
        super::Arrivals::Profile(profile) => profile.values().copied().fold(0.0, f64::max),
    };
    if fastest <= 0.0 {
        return 1.0;
    }
    let mean = 3_600_000.0 / fastest;
    let rounded = (-0.5 / mean).exp() / -(-1.0 / mean).exp_m1();
    (mean / rounded).max(1.0)
}

/// The audience's size, and the answers its campaigns are expected to get
/// in one replication: for each campaign and each persona of the audience
/// it targets, members who opted in, whose number works, who read it and
/// answer.
fn campaigns(scenario: &Scenario) -> (f64, f64) {
    let Some(audience) = &scenario.outreach.audience else {
        return (0.0, 0.0);
    };
    let size = f64::from(audience.size);
    let reached = audience.opted_in.get() * (1.0 - audience.undelivered.get());
    let mut answers = 0.0;
    for campaign in &scenario.outreach.campaigns {
        for (slot, &index) in audience.mix.items().iter().enumerate() {
            let persona = scenario.personas.get(index);
            if let Some(engagement) = &persona.engagement
                && campaign.targets(index, persona)
            {
                answers += size
                    * audience.mix.share(slot)
                    * reached
                    * engagement.reads.get()
                    * engagement.replies.get();
            }
        }
    }
    (size, answers)
}

/// Conversations per customer, coming back included, for the persona that
/// comes back most (and its name), over the stretch a replication
/// simulates: at most `1 / (1 - p)` with `p` the highest chance of coming
/// back, and at most one more than the stretch over the mean time between
/// conversations (estimated from fixed draws, each cut at the stretch).
fn visits(scenario: &Scenario) -> (f64, Option<String>) {
    let stretch = (scenario.warm_up + scenario.duration).0 as f64;
    let mut most = (1.0, None);
    for persona in scenario.personas.items() {
        let Some(returns) = &persona.returns else {
            continue;
        };
        let chance = [true, false]
            .into_iter()
            .flat_map(|resolved| {
                let outcome = if resolved {
                    crate::metric::Outcome::SelfResolved
                } else {
                    crate::metric::Outcome::Unresolved
                };
                [None, Some(1), Some(5)].map(|score| returns.chance(outcome, score))
            })
            .fold(0.0, f64::max);
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mean_gap = (0..RETURN_DRAWS)
            .map(|_| (returns.after.sample(&mut rng).0 as f64).min(stretch))
            .sum::<f64>()
            / RETURN_DRAWS as f64;
        let by_chance = if chance < 1.0 {
            1.0 / (1.0 - chance)
        } else {
            f64::INFINITY
        };
        let by_time = if mean_gap > 0.0 {
            1.0 + stretch / mean_gap
        } else {
            f64::INFINITY
        };
        let visits = by_chance.min(by_time);
        if visits > most.0 {
            most = (visits, Some(persona.name.clone()));
        }
    }
    most
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Loader;

    const FLOW: &str = "flow: f\nstart: ask\nnodes:\n  ask:\n    say: \"Hi\"\n    buttons: [\"Help\"]\n    routes: {\"Help\": handoff, fallback: ask}\n  handoff:\n    handoff: {queue: support}\n";

    /// The scenario of `settings`, with the flow above and `persona` (its
    /// lines under `- name: p`); `Err` with the messages if refused.
    fn load(persona: &str, settings: &str) -> Result<Scenario, String> {
        let personas = format!(
            "personas:\n  - name: p\n    goals: [{{want: help, taps: [\"Help\"]}}]\n{persona}"
        );
        let scenario = format!(
            "scenario: s\nflow: flow.yaml\npersonas: [personas.yaml]\nagents: {{support: {{count: 2, handle_time: {{fixed: 1m}}}}}}\n{settings}"
        );
        Loader::new()
            .with_file("flow.yaml", FLOW)
            .with_file("personas.yaml", personas)
            .with_file("s.yaml", scenario)
            .scenario("s.yaml".as_ref())
            .map(|(scenario, _)| scenario)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn conversations_are_the_arrivals_of_the_warm_up_and_the_duration() {
        let scenario = load(
            "",
            "duration: 1h\nwarm_up: 30m\narrivals: {poisson: {per_hour: 600}}\n",
        )
        .unwrap();
        let cost = &scenario.cost;
        assert!((cost.conversations() - 900.0).abs() < 1e-3, "{cost:?}");
        // 50 turns (the default), each a customer's turn and the bot's
        // longest walk: one node.
        assert_eq!(cost.steps_per_conversation, 50.0 * (steps::TURN + 1.0));
        assert!(cost.work > cost.conversations() * cost.steps_per_conversation);
        assert_eq!(cost.work(10), 10.0 * cost.work);
    }

    #[test]
    fn typed_text_costs_a_scan_per_keyword_matcher_and_regex() {
        let flow = FLOW
            .replace(
                "nodes:",
                "intents:\n  help: [\"help\", \"agent\"]\n  order: {regex: \"[0-9]+\"}\nnodes:",
            )
            .replace(
                "fallback: ask}",
                "intent help: handoff, intent order: handoff, fallback: ask}",
            );
        let personas = format!(
            "personas:\n  - name: p\n    goals: [{{want: help, says: \"{}\"}}]\n",
            "x".repeat(1000)
        );
        let (scenario, _) = Loader::new()
            .with_file("flow.yaml", flow)
            .with_file("personas.yaml", personas)
            .with_file("s.yaml", "scenario: s\nflow: flow.yaml\npersonas: [personas.yaml]\nmax_turns: 10\nduration: 1h\narrivals: {poisson: {per_hour: 60}}\nagents: {support: {count: 1, handle_time: {fixed: 1m}}}\n")
            .scenario("s.yaml".as_ref())
            .unwrap();
        // One keyword matcher and one regex: two scans of 1000 bytes a turn.
        let per_turn = steps::TURN + 1.0 + 1000.0 * 2.0 * steps::TYPED_BYTE;
        assert_eq!(scenario.cost.steps_per_conversation, 10.0 * per_turn);
    }

    #[test]
    fn rounded_gaps_between_arrivals_add_customers_at_the_highest_rates() {
        let at = |per_hour: f64| rounding(&super::super::Arrivals::Constant(per_hour));
        assert!((at(600.0) - 1.0).abs() < 1e-6);
        assert!((at(1e7) - 1.355).abs() < 0.01, "{}", at(1e7));
    }

    #[test]
    fn customers_who_come_back_multiply_the_conversations() {
        let settings = "duration: 1h\narrivals: {poisson: {per_hour: 600}}\n";
        // Half come back, soon: two conversations each.
        let soon = load(
            "    returns: {after: {fixed: 1m}, resolved: 0.5, unresolved: 0.5}\n",
            settings,
        )
        .unwrap();
        assert_eq!(soon.cost.visits.0, 2.0);
        assert_eq!(soon.cost.visits.1.as_deref(), Some("p"));
        // All come back, a day later: after the hour simulated.
        let late = load(
            "    returns: {after: {fixed: 1d}, resolved: 1, unresolved: 1}\n",
            settings,
        )
        .unwrap();
        assert!(
            (late.cost.visits.0 - 2.0).abs() < 1e-9,
            "{:?}",
            late.cost.visits
        );
        // All come back at once: refused, naming the persona.
        let at_once = load(
            "    returns: {after: {fixed: 1ms}, resolved: 1, unresolved: 1}\n",
            settings,
        )
        .unwrap_err();
        assert!(
            at_once.contains("persona `p` come back up to 3,600,001 times"),
            "{at_once}"
        );
    }

    #[test]
    fn campaigns_are_answered_by_members_who_read_and_reply() {
        let flow = "flow: f\nstart: hi\ntemplates:\n  promo:\n    category: utility\n    body: \"News\"\n    buttons: [\"Ok\"]\n    routes: {\"Ok\": done}\nnodes:\n  hi:\n    say: \"Hi\"\n    next: done\n  done:\n    end: resolved\n";
        let personas = "personas:\n  - name: p\n    goals: [{want: x, says: hi}]\n    engagement: {reads: 0.9, replies: 0.5}\n";
        let scenario = "scenario: s\nflow: flow.yaml\npersonas: [personas.yaml]\nduration: 1d\narrivals: {poisson: {per_hour: 1}}\naudience: {size: 1000, undelivered: 0.1}\ncampaigns:\n  - {name: a, template: promo, send_at: \"Mon 09:00\"}\n  - {name: b, template: promo, send_at: \"Mon 10:00\"}\n";
        let (scenario, _) = Loader::new()
            .with_file("flow.yaml", flow)
            .with_file("personas.yaml", personas)
            .with_file("s.yaml", scenario)
            .scenario("s.yaml".as_ref())
            .unwrap();
        let cost = &scenario.cost;
        assert_eq!(cost.campaign_messages, 2000.0);
        // 2 campaigns × 1000 members × 0.9 delivered × 0.9 read × 0.5.
        assert!((cost.answers - 810.0).abs() < 1e-6, "{cost:?}");
        assert_eq!(cost.memory.members, 1000.0 * bytes::MEMBER);
    }

    #[test]
    fn a_replication_that_would_not_fit_in_memory_is_refused_where_it_grows() {
        // Patient customers waiting for a queue that is full of them: the
        // queue holds at most MAX_WAITING, so memory stays bounded...
        let settings = "duration: 1h\narrivals: {poisson: {per_hour: 5000000}}\n";
        let patient = load(
            "    behaviour: {patience: {queue: {fixed: 1d}}}\n",
            settings,
        )
        .unwrap();
        let memory = &patient.cost.memory;
        assert!(memory.in_flight < MEMORY_BUDGET as f64, "{memory:?}");
        assert!(memory.in_flight >= MAX_WAITING as f64 * bytes::WAITING);
        // ...but every customer paused for a follow-up is kept.
        let flow = FLOW.replace("routes: {\"Help\": handoff, fallback: ask}", "routes: {\"Help\": handoff, fallback: ask}\n    follow_up: {after: 1d, say: \"Still there?\"}");
        let personas = "personas:\n  - name: p\n    goals: [{want: help, taps: [\"Help\"]}]\n";
        let scenario = format!(
            "scenario: s\nflow: flow.yaml\npersonas: [personas.yaml]\nagents: {{support: {{count: 2, handle_time: {{fixed: 1m}}}}}}\n{settings}"
        );
        let refused = Loader::new()
            .with_file("flow.yaml", flow)
            .with_file("personas.yaml", personas)
            .with_file("s.yaml", scenario)
            .scenario("s.yaml".as_ref())
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("one replication would keep about"),
            "{refused}"
        );
        assert!(
            refused.contains("most of it for customers waiting in queues"),
            "{refused}"
        );
    }

    #[test]
    fn the_bundled_scenarios_stay_far_within_every_cap() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        for file in [
            "bank/lunchtime-peak",
            "clinic/monday-8am",
            "clinic/reminders",
            "clinic/weekday",
            "shop/peak-hour",
            "shop/weekend-sale",
            "telecom/evening",
        ] {
            let (scenario, _) = Loader::new()
                .scenario(&root.join(format!("{file}.yaml")))
                .unwrap();
            let cost = &scenario.cost;
            assert!(
                cost.conversations() * 100.0 < MAX_CONVERSATIONS_PER_REPLICATION,
                "{file}"
            );
            assert!(
                cost.campaign_messages * 100.0 < MAX_CAMPAIGN_MESSAGES,
                "{file}"
            );
            // One thread per core on any machine of up to 32.
            assert!(
                cost.thread_bytes(true) * 32.0 < MEMORY_BUDGET as f64,
                "{file}"
            );
            assert!(
                cost.work(scenario.replications) * 100.0 < MAX_WORK,
                "{file}"
            );
            // `cargo bench` runs each to ten million conversations.
            let bench = cost.work / cost.conversations() * 1e7;
            assert!(bench * 3.0 < MAX_WORK, "{file}: {bench:e}");
            // A thousand transcripts, kept and rendered.
            assert!(
                1000.0 * cost.transcript * 3.0 < MEMORY_BUDGET as f64 / 2.0,
                "{file}"
            );
        }
    }
}
