//! The engine's tallies: streaming, mergeable accumulators. Memory grows
//! with the flow (nodes, personas) and with the range of times seen, never
//! with the number of conversations; merging two tallies gives exactly what
//! one would have counted, so replications can run on separate threads.
//! Each number a report shows is computed from them by the methods here
//! ([`Tally::rate`], [`Histogram::stats`], [`QueueTally::stat`], …), so the
//! report and each replication's values share one formula.

use crate::metric::{
    CsatStat, Outcome, QueueStat, RETENTION_DAYS, Rate, Reason, SendStat, fraction, round_to,
};
use crate::model::Millis;
use crate::model::media::MediaKind;

mod histogram;

pub use histogram::Histogram;

/// How many conversations ended each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutcomeCounts([u64; 5]);

impl OutcomeCounts {
    /// Counts one conversation with `outcome`.
    pub fn add(&mut self, outcome: Outcome) {
        self.0[outcome.index()] += 1;
    }

    /// How many conversations had `outcome`.
    pub fn get(&self, outcome: Outcome) -> u64 {
        self.0[outcome.index()]
    }

    /// How many conversations were counted.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    fn merge(&mut self, other: &OutcomeCounts) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine += theirs;
        }
    }
}

/// Outcomes, understanding, CSAT and conversions for one group of
/// conversations (all of them, or one persona's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// How conversations ended.
    pub outcomes: OutcomeCounts,
    /// Customer messages sent in reply to a bot prompt (taps and typed text).
    pub replies: u64,
    /// Replies the bot did not understand (fallback or invalid answer).
    pub not_understood: u64,
    /// Bot prompts the customer had the chance to answer.
    pub prompts: u64,
    /// CSAT surveys shown (by the bot or by agents).
    pub surveys: u64,
    /// CSAT scores given, by score 1 to 5.
    pub scores: [u64; 5],
    /// Conversations that reached each business goal.
    pub conversions: Vec<u64>,
}

impl Tally {
    /// An empty tally for a flow with `goals` business goals.
    pub fn new(goals: usize) -> Tally {
        Tally {
            conversions: vec![0; goals],
            ..Tally::default()
        }
    }

    /// The share of these conversations that ended with `outcome`, as the
    /// report shows it (`outcomes.<outcome>`).
    pub fn share(&self, outcome: Outcome) -> f64 {
        fraction(self.outcomes.get(outcome), self.outcomes.total())
    }

    /// The value of `rate` over these conversations, as the report shows it
    /// (`rates.<rate>`): the formula of each rate, documented on [`Rate`].
    pub fn rate(&self, rate: Rate) -> f64 {
        let (part, whole) = self.rate_counts(rate);
        fraction(part, whole)
    }

    /// The two counts `rate` is one over the other of: `(part, whole)`.
    pub fn rate_counts(&self, rate: Rate) -> (u64, u64) {
        let count = |outcome| self.outcomes.get(outcome);
        let conversations = self.outcomes.total();
        match rate {
            Rate::SelfResolution => (count(Outcome::SelfResolved), conversations),
            Rate::Escalation => (
                count(Outcome::AgentResolved) + count(Outcome::AbandonedInQueue),
                conversations,
            ),
            Rate::Abandonment => (
                count(Outcome::AbandonedInBot) + count(Outcome::AbandonedInQueue),
                conversations,
            ),
            Rate::Fallback => (self.not_understood, self.replies),
            Rate::Response => (self.replies, self.prompts),
        }
    }

    /// The CSAT statistic `stat` as the report shows it: the mean score
    /// to 2 decimals; `None` for the mean and the satisfied share when
    /// nobody answered.
    pub fn csat(&self, stat: CsatStat) -> Option<f64> {
        let (part, whole) = self.csat_counts(stat);
        match stat {
            CsatStat::Mean => (whole > 0).then(|| round_to(part as f64 / whole as f64, 2)),
            CsatStat::Satisfied => (whole > 0).then(|| fraction(part, whole)),
            CsatStat::ResponseRate => Some(fraction(part, whole)),
        }
    }

    /// The two counts the CSAT statistic `stat` is one over the other of:
    /// for the mean, the sum of the scores over the answers.
    pub fn csat_counts(&self, stat: CsatStat) -> (u64, u64) {
        let answered: u64 = self.scores.iter().sum();
        match stat {
            CsatStat::Mean => {
                let weighted: u64 = (1..=5u64)
                    .zip(self.scores)
                    .map(|(score, n)| score * n)
                    .sum();
                (weighted, answered)
            }
            CsatStat::Satisfied => (self.scores[3] + self.scores[4], answered),
            CsatStat::ResponseRate => (answered, self.surveys),
        }
    }

    /// The share of these conversations that reached the flow's `goal`-th
    /// business goal.
    pub fn conversion(&self, goal: usize) -> Option<f64> {
        let reached = self.conversions.get(goal)?;
        Some(fraction(*reached, self.outcomes.total()))
    }

    /// Adds everything `other` counted.
    pub fn merge(&mut self, other: &Tally) {
        self.outcomes.merge(&other.outcomes);
        self.replies += other.replies;
        self.not_understood += other.not_understood;
        self.prompts += other.prompts;
        self.surveys += other.surveys;
        for (mine, theirs) in self.scores.iter_mut().zip(other.scores) {
            *mine += theirs;
        }
        for (mine, theirs) in self.conversions.iter_mut().zip(&other.conversions) {
            *mine += theirs;
        }
    }

    fn count(&mut self, ending: &Ending) {
        self.outcomes.add(ending.outcome);
        self.replies += u64::from(ending.turns);
        self.not_understood += u64::from(ending.not_understood);
        self.prompts += u64::from(ending.prompts);
        self.surveys += u64::from(ending.surveys);
        if let Some(score) = ending.score {
            self.scores[usize::from(score.clamp(1, 5)) - 1] += 1;
        }
        for (goal, count) in self.conversions.iter_mut().enumerate() {
            if ending.conversions & (1 << goal) != 0 {
                *count += 1;
            }
        }
    }
}

/// For one node: how many conversations reached it, how many ended
/// abandoned there, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NodeCounts {
    /// Conversations that reached the node (each counted once).
    pub entered: u64,
    /// Conversations abandoned while at the node.
    pub abandoned: u64,
    /// Abandonments by [`Reason`], in `Reason::ALL` order.
    pub reasons: [u64; Reason::ALL.len()],
    /// Media customers sent while at the node, by kind in
    /// [`MediaKind::ALL`] order.
    pub media: [u64; MediaKind::COUNT],
    /// Of those, the ones the node does not route that fell to its
    /// fallback (counted as not understood).
    pub media_fallback: u64,
    /// Of those, the reactions the node does not route, which the bot
    /// ignored.
    pub media_ignored: u64,
}

impl NodeCounts {
    /// Counts media of `kind` received here, as the bot took it.
    pub(crate) fn media(&mut self, kind: MediaKind, routed: bool, ignored: bool) {
        self.media[kind.index()] += 1;
        if ignored {
            self.media_ignored += 1;
        } else if !routed {
            self.media_fallback += 1;
        }
    }
}

/// One agent queue over a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueTally {
    /// Counted customers handed to the queue.
    pub arrived: u64,
    /// Those an agent took.
    pub served: u64,
    /// Those who left before an agent took them.
    pub abandoned: u64,
    /// Their time in the queue.
    pub wait: Histogram,
    /// Chat slots in use, integrated over the counting window (slot·ms).
    pub busy: u128,
    /// Chat slots on shift, integrated over the counting window (slot·ms).
    pub staffed: u128,
}

impl QueueTally {
    /// The queue statistic `stat` as the report shows it: utilisation to 4
    /// decimals, `None` when no agent was on shift; waits as
    /// [`Histogram::stats`].
    pub fn stat(&self, stat: QueueStat) -> Option<f64> {
        match stat {
            QueueStat::Arrived => Some(self.arrived as f64),
            QueueStat::Served => Some(self.served as f64),
            QueueStat::Abandoned => Some(self.abandoned as f64),
            QueueStat::Abandonment => Some(fraction(self.abandoned, self.arrived)),
            QueueStat::Utilisation => {
                (self.staffed > 0).then(|| round_to(self.busy as f64 / self.staffed as f64, 4))
            }
            QueueStat::Wait(stat) => self.wait.stats()[stat.index()],
        }
    }

    fn merge(&mut self, other: &QueueTally) {
        self.arrived += other.arrived;
        self.served += other.served;
        self.abandoned += other.abandoned;
        self.wait.merge(&other.wait);
        self.busy += other.busy;
        self.staffed += other.staffed;
    }
}

/// One campaign over a run (see [`crate::metric::CampaignStat`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(missing_docs)] // each is the CampaignStat of the same name
pub struct CampaignTally {
    pub sent: u64,
    pub delivered: u64,
    pub read: u64,
    pub replied: u64,
    pub clicked: u64,
    pub opted_out: u64,
    pub converted: u64,
    pub refused: u64,
}

impl CampaignTally {
    /// The statistic `stat` of these messages; `None` for
    /// [`SendStat::Recovered`], which only a node's follow-ups count
    /// ([`FollowUpTally::recovered`]).
    pub fn stat(&self, stat: SendStat) -> Option<f64> {
        Some(match stat {
            SendStat::Sent => self.sent as f64,
            SendStat::Delivered => self.delivered as f64,
            SendStat::Read => self.read as f64,
            SendStat::Replied => self.replied as f64,
            SendStat::Clicked => self.clicked as f64,
            SendStat::OptedOut => self.opted_out as f64,
            SendStat::Converted => self.converted as f64,
            SendStat::Refused => self.refused as f64,
            SendStat::OpenRate => self.open_rate(),
            SendStat::ResponseRate => self.response_rate(),
            SendStat::Recovered => return None,
        })
    }

    /// `read / delivered`.
    pub fn open_rate(&self) -> f64 {
        fraction(self.read, self.delivered)
    }

    /// `replied / delivered`.
    pub fn response_rate(&self) -> f64 {
        fraction(self.replied, self.delivered)
    }

    /// The two counts a rate of these messages is one over the other of;
    /// `None` for a count.
    pub fn rate_counts(&self, stat: SendStat) -> Option<(u64, u64)> {
        match stat {
            SendStat::OpenRate => Some((self.read, self.delivered)),
            SendStat::ResponseRate => Some((self.replied, self.delivered)),
            _ => None,
        }
    }

    fn merge(&mut self, other: &CampaignTally) {
        self.sent += other.sent;
        self.delivered += other.delivered;
        self.read += other.read;
        self.replied += other.replied;
        self.clicked += other.clicked;
        self.opted_out += other.opted_out;
        self.converted += other.converted;
        self.refused += other.refused;
    }
}

/// The follow-ups of one node over a run: the campaign counts, plus the
/// conversations they brought back to a resolution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowUpTally {
    /// As for a campaign (`clicked` counts taps on a template's buttons).
    pub sends: CampaignTally,
    /// Conversations that answered the follow-up and were then resolved.
    pub recovered: u64,
}

/// Messages WhatsApp would refuse, by rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ComplianceTally {
    /// Free-form messages outside the customer service window (131047).
    pub outside_window: u64,
    /// Templates to customers who did not opt in, or (marketing) opted out
    /// (131050).
    pub not_opted_in: u64,
}

/// Customers whose first conversation was counted, and how many of them had
/// another conversation within 7 and within 30 days of its start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionTally {
    /// Customers counted.
    pub customers: u64,
    /// Of them, back within each of [`RETENTION_DAYS`].
    pub within: [u64; 2],
}

/// Whether `gap` (from a first conversation to the next) is within `days`.
fn within_days(gap: Millis, days: u64) -> bool {
    const DAY: u64 = 24 * 3_600_000;
    gap.0 <= days * DAY
}

impl RetentionTally {
    /// The share of customers back within `days` (one of
    /// [`RETENTION_DAYS`]).
    pub fn share(&self, days: u64) -> Option<f64> {
        let at = RETENTION_DAYS.iter().position(|d| *d == days)?;
        Some(fraction(self.within[at], self.customers))
    }

    /// Counts a customer whose next conversation started `gap` after their
    /// first (`None`: they never had another).
    pub(crate) fn count(&mut self, gap: Option<Millis>) {
        self.customers += 1;
        if let Some(gap) = gap {
            for (count, days) in self.within.iter_mut().zip(RETENTION_DAYS) {
                if within_days(gap, days) {
                    *count += 1;
                }
            }
        }
    }
}

/// What was paid for: delivered templates by category, and conversations
/// customers started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CostTally {
    /// Delivered templates, in [`crate::model::flow::Category::ALL`] order.
    pub templates: [u64; 3],
    /// Conversations customers started (walk-ins and returns).
    pub service: u64,
}

/// What a conversation contributes when it ends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ending {
    pub persona: usize,
    pub outcome: Outcome,
    /// Why an abandoned conversation was abandoned.
    pub reason: Option<Reason>,
    /// The node the conversation was at when it ended.
    pub node: usize,
    /// Customer turns (replies to bot prompts).
    pub turns: u32,
    pub prompts: u32,
    pub not_understood: u32,
    pub surveys: u32,
    pub score: Option<u8>,
    /// Business goals reached, one bit each.
    pub conversions: u64,
    /// A/B variants taken, one bit each.
    pub variants: u64,
    /// From the customer's first message to the outcome.
    pub duration: Millis,
}

/// Everything a run counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Tallies {
    /// Every conversation.
    pub all: Tally,
    /// Per persona, in mix order.
    pub personas: Vec<Tally>,
    /// Per A/B variant, in flow order.
    pub variants: Vec<Tally>,
    /// Per node, in flow order.
    pub funnel: Vec<NodeCounts>,
    /// Per agent pool, in scenario order.
    pub queues: Vec<QueueTally>,
    /// Customer turns over all conversations.
    pub turns_sum: u64,
    /// The most turns in one conversation.
    pub turns_max: u32,
    /// Customer message → first bot message after it.
    pub bot_response: Histogram,
    /// Handoff → the agent's first message (queue wait plus first reply).
    pub agent_first_response: Histogram,
    /// Time in an agent queue, until pickup or until the customer left.
    pub queue_wait: Histogram,
    /// Start → outcome, for conversations that were resolved.
    pub resolution: Histogram,
    /// Per campaign, in scenario order.
    pub campaigns: Vec<CampaignTally>,
    /// Per node, in flow order (only nodes with a follow-up count any).
    pub follow_ups: Vec<FollowUpTally>,
    /// Messages WhatsApp would refuse.
    pub compliance: ComplianceTally,
    /// Customers who came back.
    pub retention: RetentionTally,
    /// What was paid for.
    pub cost: CostTally,
}

impl Tallies {
    /// Empty tallies for a run of `scenario`.
    pub(crate) fn for_scenario(scenario: &crate::model::scenario::Scenario) -> Tallies {
        let flow = &scenario.flow;
        let mut tallies = Tallies::new(
            flow.nodes.len(),
            scenario.personas.len(),
            scenario.pools.len(),
            flow.goals.len(),
        );
        tallies.variants = vec![Tally::new(flow.goals.len()); flow.variants.len()];
        tallies.campaigns = vec![CampaignTally::default(); scenario.outreach.campaigns.len()];
        tallies
    }

    /// Empty tallies for a run with these many nodes, personas, queues and
    /// business goals, and no A/B variants.
    pub fn new(nodes: usize, personas: usize, queues: usize, goals: usize) -> Tallies {
        Tallies {
            all: Tally::new(goals),
            personas: vec![Tally::new(goals); personas],
            variants: Vec::new(),
            funnel: vec![NodeCounts::default(); nodes],
            queues: vec![QueueTally::default(); queues],
            turns_sum: 0,
            turns_max: 0,
            bot_response: Histogram::default(),
            agent_first_response: Histogram::default(),
            queue_wait: Histogram::default(),
            resolution: Histogram::default(),
            campaigns: Vec::new(),
            follow_ups: vec![FollowUpTally::default(); nodes],
            compliance: ComplianceTally::default(),
            retention: RetentionTally::default(),
            cost: CostTally::default(),
        }
    }

    /// How many conversations were counted.
    pub fn conversations(&self) -> u64 {
        self.all.outcomes.total()
    }

    /// Customer turns per conversation, to 2 decimals.
    pub fn turns_mean(&self) -> f64 {
        match self.conversations() {
            0 => 0.0,
            conversations => round_to(self.turns_sum as f64 / conversations as f64, 2),
        }
    }

    /// A conversation reached `node` for the first time.
    pub(crate) fn entered(&mut self, node: usize) {
        self.funnel[node].entered += 1;
    }

    /// Counts a conversation that ended.
    pub(crate) fn end(&mut self, ending: Ending) {
        self.all.count(&ending);
        self.personas[ending.persona].count(&ending);
        for (variant, tally) in self.variants.iter_mut().enumerate() {
            if ending.variants & (1 << variant) != 0 {
                tally.count(&ending);
            }
        }
        // Live mode has no nodes, and so no funnel to count in.
        if let Some(node) = self
            .funnel
            .get_mut(ending.node)
            .filter(|_| ending.outcome.is_abandonment())
        {
            node.abandoned += 1;
            if let Some(reason) = ending.reason {
                node.reasons[reason.index()] += 1;
            }
        }
        if ending.outcome.is_resolved() {
            self.resolution.record(ending.duration);
        }
        self.turns_sum += u64::from(ending.turns);
        self.turns_max = self.turns_max.max(ending.turns);
    }

    /// Adds everything `other` counted.
    pub fn merge(&mut self, other: &Tallies) {
        self.all.merge(&other.all);
        for (mine, theirs) in self.personas.iter_mut().zip(&other.personas) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.variants.iter_mut().zip(&other.variants) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.funnel.iter_mut().zip(&other.funnel) {
            mine.entered += theirs.entered;
            mine.abandoned += theirs.abandoned;
            for (mine, theirs) in mine.reasons.iter_mut().zip(theirs.reasons) {
                *mine += theirs;
            }
            for (mine, theirs) in mine.media.iter_mut().zip(theirs.media) {
                *mine += theirs;
            }
            mine.media_fallback += theirs.media_fallback;
            mine.media_ignored += theirs.media_ignored;
        }
        for (mine, theirs) in self.queues.iter_mut().zip(&other.queues) {
            mine.merge(theirs);
        }
        self.turns_sum += other.turns_sum;
        self.turns_max = self.turns_max.max(other.turns_max);
        self.bot_response.merge(&other.bot_response);
        self.agent_first_response.merge(&other.agent_first_response);
        self.queue_wait.merge(&other.queue_wait);
        self.resolution.merge(&other.resolution);
        for (mine, theirs) in self.campaigns.iter_mut().zip(&other.campaigns) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.follow_ups.iter_mut().zip(&other.follow_ups) {
            mine.sends.merge(&theirs.sends);
            mine.recovered += theirs.recovered;
        }
        self.compliance.outside_window += other.compliance.outside_window;
        self.compliance.not_opted_in += other.compliance.not_opted_in;
        self.retention.customers += other.retention.customers;
        for (mine, theirs) in self.retention.within.iter_mut().zip(other.retention.within) {
            *mine += theirs;
        }
        for (mine, theirs) in self.cost.templates.iter_mut().zip(other.cost.templates) {
            *mine += theirs;
        }
        self.cost.service += other.cost.service;
    }
}

#[cfg(test)]
mod tests {
    use super::histogram::{bucket_of, lower_bound_of};
    use super::*;

    #[test]
    fn the_cost_estimate_holds_the_tallies_sizes() {
        use crate::model::scenario::cost::bytes;
        use std::mem::size_of;
        // A histogram's buckets, up to the longest duration a draw gives.
        let buckets = bucket_of(crate::model::duration::LONGEST_DURATION.0) + 1;
        assert!((buckets * size_of::<u64>() + size_of::<Histogram>()) as f64 <= bytes::HISTOGRAM);
        assert!(size_of::<Tally>() as f64 <= bytes::TALLY);
        assert!((size_of::<NodeCounts>() + size_of::<FollowUpTally>()) as f64 <= bytes::NODE);
        for counts in [size_of::<QueueTally>(), size_of::<CampaignTally>()] {
            assert!(counts as f64 <= bytes::COUNTS + bytes::HISTOGRAM);
        }
        assert!(size_of::<CampaignTally>() as f64 <= bytes::COUNTS);
    }

    #[test]
    fn buckets_are_exact_below_1024_and_tight_above() {
        for value in [0, 1, 999, 1023] {
            assert_eq!(lower_bound_of(bucket_of(value)), value);
        }
        for value in [1024u64, 1500, 2047, 2048, 60_000, 3_600_000, 1 << 40] {
            let low = lower_bound_of(bucket_of(value));
            assert!(
                low <= value && (value - low) as f64 <= value as f64 / 512.0,
                "{value} -> {low}"
            );
        }
        // Buckets are ordered like their values.
        assert!(bucket_of(2047) < bucket_of(2048));
    }

    #[test]
    fn quantiles_use_nearest_rank() {
        let mut h = Histogram::default();
        for ms in 1..=100 {
            h.record(Millis(ms));
        }
        assert_eq!(h.quantile(0.5), Some(Millis(50)));
        assert_eq!(h.quantile(0.9), Some(Millis(90)));
        assert_eq!(h.quantile(0.99), Some(Millis(99)));
        assert_eq!(h.quantile(1.0), Some(Millis(100)));
        assert_eq!(h.mean(), Some(50.5));
        assert_eq!(Histogram::default().quantile(0.5), None);
    }

    #[test]
    fn coarse_buckets_tile_the_range_and_keep_every_count() {
        let mut h = Histogram::default();
        for ms in [0, 3, 5, 7, 1500, 1536, 3071, 70_000] {
            h.record(Millis(ms));
        }
        let buckets = h.coarse_buckets();
        // Contiguous: each starts where the last ended.
        for pair in buckets.windows(2) {
            assert_eq!(pair[0].1, pair[1].0, "{buckets:?}");
        }
        assert_eq!(buckets.iter().map(|b| b.2).sum::<u64>(), 8);
        assert_eq!(&buckets[..4], &[(0, 1, 1), (1, 2, 0), (2, 3, 0), (3, 4, 1)]);
        // 5 and 7 fall in [4, 6) and [6, 8); 1500 in [1024, 1536); 1536 and
        // 3071 in [1536, 2048) and [2048, 3072); 70 s in [65536, 98304).
        let find = |ms| buckets.iter().find(|b| b.0 <= ms && ms < b.1).unwrap().2;
        assert_eq!(find(5), 1);
        assert_eq!(find(7), 1);
        assert_eq!(find(1500), 1);
        assert_eq!(find(1536), 1);
        assert_eq!(find(3071), 1);
        assert_eq!(buckets.last(), Some(&(65_536, 98_304, 1)));
        assert!(Histogram::default().coarse_buckets().is_empty());
    }

    #[test]
    fn merging_equals_recording_everything_in_one() {
        let (mut a, mut b, mut both) = (
            Histogram::default(),
            Histogram::default(),
            Histogram::default(),
        );
        for ms in (0..5000).step_by(7) {
            a.record(Millis(ms * 13));
            both.record(Millis(ms * 13));
        }
        for ms in 0..300 {
            b.record(Millis(ms));
            both.record(Millis(ms));
        }
        // Durations kept one by one (b's 300) into buckets (a's 715)...
        let mut into_buckets = a.clone();
        into_buckets.merge(&b);
        assert_eq!(into_buckets, both);
        // ...buckets into durations kept one by one...
        let mut into_few = b.clone();
        into_few.merge(&a);
        assert_eq!(into_few, both);
        assert_eq!(into_few.coarse_buckets(), both.coarse_buckets());
        // ...and two sets of few durations, which stay few.
        let mut few = Histogram::default();
        few.merge(&b);
        few.merge(&b);
        let mut twice = b.clone();
        for ms in 0..300 {
            twice.record(Millis(ms));
        }
        assert_eq!(few, twice);
        assert_eq!(few.quantiles([0.5, 0.99]), twice.quantiles([0.5, 0.99]));
        assert_ne!(few, b, "a histogram with other durations differs");
    }
}
