//! Composition: who a number is measured over (see docs/src/statistics.md,
//! "Denominators and standardisation").
//!
//! Every rate has a denominator. Most of compare's are over every
//! conversation, and both versions meet the same customers, so it only
//! moves with the conversations a follow-up or a campaign starts. But a
//! CSAT score is an average over those who answered a survey, a queue
//! wait over those who queued, the fallback rate over the replies the
//! customers gave: a flow that sends other people to the survey or the
//! queue changes *who is measured*, and the number can move though
//! nobody's experience did (Simpson's paradox). So for each number with a
//! denominator compare reports
//!
//! - its [`Denominator`]: how many it was measured over per replication
//!   under A and under B, and the paired interval of the change;
//! - where the report counts it per persona (outcome shares, rates,
//!   CSAT), its [`Standardised`] difference: each persona's change,
//!   weighted by that persona's share of A's denominator. It answers "had
//!   B measured A's mix of people, how much would the number have
//!   moved?".
//!
//! Both are computed replication by replication, like every other
//! difference of a comparison, and take the same paired t interval. The
//! numbers whose denominator changed make a table ([`table`]) that the
//! text, markdown and HTML renderers draw.

use serde::Serialize;

use super::table::{interval, short_name, signed};
use super::{Change, Comparison, Unit};
use crate::metric::{CostStat, CsatStat, Metric, Outcome, Rate, Timer};
use crate::report::table::{Align, Cell, Table, percent};
use crate::stats;
use crate::tally::{Tallies, Tally};

/// What a number is measured over: its denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    /// Every conversation: outcome shares, self-resolution, escalation,
    /// abandonment, conversion, turns and cost per conversation.
    Conversations,
    /// Customers' replies to the bot's prompts (`rates.fallback`).
    Replies,
    /// Bot prompts shown (`rates.response`).
    Prompts,
    /// Customers who answered a CSAT survey (`csat.mean`, `csat.satisfied`).
    Answered,
    /// CSAT surveys shown (`csat.response_rate`).
    Surveyed,
    /// Customers handed to an agent queue, served or not
    /// (`response_time.queue_wait.*`).
    Queued,
    /// Customers an agent took (`response_time.agent_first_response.*`).
    Served,
    /// Resolved conversations (`response_time.resolution.*`,
    /// `cost.per_resolution`).
    Resolved,
}

impl Base {
    /// Every base, in the order their accumulators are kept.
    const ALL: [Base; 8] = [
        Base::Conversations,
        Base::Replies,
        Base::Prompts,
        Base::Answered,
        Base::Surveyed,
        Base::Queued,
        Base::Served,
        Base::Resolved,
    ];

    /// What `metric` is measured over; `None` for the bot's response
    /// times (over its messages, not customers) and retention.
    pub fn of(metric: &Metric) -> Option<Base> {
        match metric {
            Metric::Outcome(_)
            | Metric::Rate(Rate::SelfResolution | Rate::Escalation | Rate::Abandonment)
            | Metric::Conversion(_)
            | Metric::ConversionValue(_)
            | Metric::TurnsMean
            | Metric::Cost(CostStat::PerConversation) => Some(Base::Conversations),
            Metric::Rate(Rate::Fallback) => Some(Base::Replies),
            Metric::Rate(Rate::Response) => Some(Base::Prompts),
            Metric::Csat(CsatStat::Mean | CsatStat::Satisfied) => Some(Base::Answered),
            Metric::Csat(CsatStat::ResponseRate) => Some(Base::Surveyed),
            Metric::Time(Timer::QueueWait, _) => Some(Base::Queued),
            Metric::Time(Timer::AgentFirstResponse, _) => Some(Base::Served),
            Metric::Time(Timer::Resolution, _) | Metric::Cost(CostStat::PerResolution) => {
                Some(Base::Resolved)
            }
            _ => None,
        }
    }

    /// How many of them a group's tally counted; `None` for those only
    /// the whole run's timers count.
    fn count_in(self, tally: &Tally) -> Option<u64> {
        match self {
            Base::Conversations => Some(tally.outcomes.total()),
            Base::Replies => Some(tally.replies),
            Base::Prompts => Some(tally.prompts),
            Base::Answered => Some(tally.scores.iter().sum()),
            Base::Surveyed => Some(tally.surveys),
            Base::Queued | Base::Served | Base::Resolved => None,
        }
    }

    /// How many of them one replication counted.
    fn count(self, tallies: &Tallies) -> u64 {
        match self {
            Base::Queued => tallies.queue_wait.count(),
            Base::Served => tallies.agent_first_response.count(),
            Base::Resolved => tallies.resolution.count(),
            _ => self.count_in(&tallies.all).unwrap_or(0),
        }
    }

    /// The noun for a table: "customers who answered a survey".
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Base::Conversations => "conversations",
            Base::Replies => "customer replies",
            Base::Prompts => "bot prompts shown",
            Base::Answered => "customers who answered a survey",
            Base::Surveyed => "surveys shown",
            Base::Queued => "customers who queued",
            Base::Served => "customers an agent took",
            Base::Resolved => "resolved conversations",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How many customers a number was measured over, per replication, and
/// how that changed from A to B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Denominator {
    /// What they are: `conversations`, `replies`, `prompts`, `answered`,
    /// `surveyed`, `queued`, `served` or `resolved`.
    pub counts: Base,
    /// A's mean per replication (to 2 decimals).
    pub a: f64,
    /// B's mean per replication.
    pub b: f64,
    /// `b − a`: the mean of the paired per-replication differences.
    pub change: f64,
    /// `change / a` (to 4 decimals); `null` when A counted none.
    pub relative: Option<f64>,
    /// The 95% paired t interval of `change`; `null` below two
    /// replications.
    pub ci95: Option<[f64; 2]>,
    /// Whether the denominator changed: `ci95` excludes 0 (below two
    /// replications, whether `a` and `b` differ). The renderers then say
    /// so beside the number, with its standardised difference.
    pub changed: bool,
}

/// A number's persona-standardised difference: each persona's change
/// B − A, weighted by the persona's share of A's denominator, per
/// replication; the change there would have been had B measured A's mix
/// of people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standardised {
    /// The mean over replications, in the number's unit.
    pub difference: f64,
    /// Its 95% paired t interval over replications; `null` below two.
    pub ci95: Option<[f64; 2]>,
    /// Replications in which some persona was measured under both
    /// versions.
    pub replications: u32,
}

/// One persona's part of a standardised difference in one replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Stratum {
    /// The persona's count in A's denominator (its weight).
    pub weight: u64,
    /// Its value under A; `None` when A measured none of it.
    pub a: Option<f64>,
    /// Its value under B.
    pub b: Option<f64>,
}

/// `Σ w_A(p)·(b(p) − a(p))`, with `w_A(p)` persona `p`'s share of A's
/// denominator, over the personas measured under both versions (their
/// weights renormalised to sum to 1: a persona B never measured has no
/// change to weigh). `None` when no persona with weight was measured under
/// both.
pub(crate) fn standardised(strata: &[Stratum]) -> Option<f64> {
    let both: Vec<(f64, f64)> = strata
        .iter()
        .filter(|stratum| stratum.weight > 0)
        .filter_map(|stratum| Some((stratum.weight as f64, stratum.b? - stratum.a?)))
        .collect();
    let total: f64 = both.iter().map(|(weight, _)| weight).sum();
    (total > 0.0).then(|| {
        both.iter()
            .map(|(weight, change)| weight / total * change)
            .sum()
    })
}

/// The numbers standardised by persona: those the tallies count per
/// persona with their denominator (a goal's conversion is left out: its
/// position in the tallies depends on each flow's goals).
fn standardisable() -> Vec<Metric> {
    let mut metrics: Vec<Metric> = Outcome::ALL.map(Metric::Outcome).into();
    metrics.extend(Rate::ALL.map(Metric::Rate));
    metrics.extend(CsatStat::ALL.map(Metric::Csat));
    metrics
}

/// `metric`'s value in a group's tally, by the report's formula; `None`
/// when the tally measured none of it or it is not counted per group.
fn value_in(metric: &Metric, tally: &Tally) -> Option<f64> {
    if Base::of(metric)?.count_in(tally)? == 0 {
        return None;
    }
    match metric {
        Metric::Outcome(outcome) => Some(tally.share(*outcome)),
        Metric::Rate(rate) => Some(tally.rate(*rate)),
        Metric::Csat(stat) => tally.csat(*stat),
        _ => None,
    }
}

/// The denominators and standardised differences of a comparison,
/// replication by replication.
pub(super) struct Composition {
    /// Per [`Base`]: A's counts, B's, and their paired differences.
    bases: [[stats::Summary; 3]; Base::ALL.len()],
    /// Per standardisable number: its standardised differences.
    standardised: Vec<(Metric, stats::Summary)>,
}

impl Default for Composition {
    fn default() -> Composition {
        Composition {
            bases: Default::default(),
            standardised: standardisable()
                .into_iter()
                .map(|metric| (metric, stats::Summary::default()))
                .collect(),
        }
    }
}

impl Composition {
    /// Adds replication `r` of A and of B, which met the same personas
    /// (`pairing` checks it), in the same order.
    pub(super) fn add(&mut self, a: &Tallies, b: &Tallies) {
        for base in Base::ALL {
            let (in_a, in_b) = (base.count(a) as f64, base.count(b) as f64);
            let [sa, sb, difference] = &mut self.bases[base.index()];
            sa.add(in_a);
            sb.add(in_b);
            difference.add(in_b - in_a);
        }
        for (metric, summary) in &mut self.standardised {
            let Some(base) = Base::of(metric) else {
                continue;
            };
            let strata: Vec<Stratum> = a
                .personas
                .iter()
                .zip(&b.personas)
                .map(|(pa, pb)| Stratum {
                    weight: base.count_in(pa).unwrap_or(0),
                    a: value_in(metric, pa),
                    b: value_in(metric, pb),
                })
                .collect();
            if let Some(difference) = standardised(&strata) {
                summary.add(difference);
            }
        }
    }

    /// Gives each top-level change with a denominator that denominator,
    /// and its standardised difference where the tallies count it per
    /// persona.
    pub(super) fn attach(&self, changes: &mut [Change]) {
        for change in changes.iter_mut().filter(|change| change.replications > 0) {
            let Some(base) = Base::of(&change.name) else {
                continue;
            };
            change.denominator = Some(self.denominator(base));
            change.standardised = self
                .standardised
                .iter()
                .find(|(metric, _)| *metric == change.name)
                .filter(|(_, summary)| summary.count() > 0)
                .map(|(_, summary)| Standardised {
                    difference: change.unit.round(summary.mean()),
                    ci95: summary
                        .interval()
                        .map(|ci| [change.unit.round(ci.low), change.unit.round(ci.high)]),
                    replications: summary.count(),
                });
        }
    }

    fn denominator(&self, base: Base) -> Denominator {
        let [a, b, difference] = &self.bases[base.index()];
        // Counts per replication: 2 decimals say enough, the same on every
        // platform; -0.0 would read as a change.
        let round = |value: f64| {
            let value = (value * 100.0).round() / 100.0;
            if value == 0.0 { 0.0 } else { value }
        };
        let ci95 = difference.interval().map(|ci| [ci.low, ci.high]);
        let changed = match ci95 {
            Some([low, high]) => low > 0.0 || high < 0.0,
            None => a.mean() != b.mean(),
        };
        Denominator {
            counts: base,
            a: round(a.mean()),
            b: round(b.mean()),
            change: round(difference.mean()),
            relative: (a.mean() > 0.0).then(|| Unit::Number.round(difference.mean() / a.mean())),
            ci95: ci95.map(|[low, high]| [round(low), round(high)]),
            changed,
        }
    }
}

// The table the text, markdown and HTML renderers draw.

/// Under the composition table: why a changed denominator matters and
/// what the standardised change is.
pub(crate) const NOTE: &str = "Each of these numbers is a share or an average of something (its denominator), and B measured it over significantly more or fewer of them than A (the change's 95% interval excludes 0): a number can then move though no customer fared differently, or hold still though every persona's moved. The persona-standardised change weighs each persona's own change by that persona's share of A's denominator: the change had B measured A's mix. A crude verdict whose standardised interval contains 0 may be about who was measured, not how they fared. Waits and handling times are not counted per persona: they have no standardised change.";

/// A count per replication: `412.3`.
fn per_replication(count: f64) -> String {
    format!("{count:.1}")
}

/// A signed count per replication: `+12.5`, `-3.0`.
fn signed_count(count: f64) -> String {
    if count == 0.0 {
        "0.0".into()
    } else {
        format!("{count:+.1}")
    }
}

/// The numbers whose denominator changed significantly from A to B (see
/// above): what it counts, how many per replication under each
/// version, and the crude change beside the persona-standardised one. A
/// timer's statistics share a row. `None` when no denominator changed.
pub(crate) fn table(comparison: &Comparison) -> Option<Table> {
    let mut table = Table::new(
        "Measured over other customers",
        &[
            "measured over",
            "A → B per replication",
            "change (95%)",
            "crude change (95%)",
            "persona-standardised (95%)",
        ],
    );
    table.align[1] = Align::Left;
    let mut timers_done = Vec::new();
    for change in &comparison.metrics {
        let Some(denominator) = change.denominator.as_ref().filter(|d| d.changed) else {
            continue;
        };
        let with_interval = |difference: f64, ci: Option<[f64; 2]>| {
            let shown = signed(change.unit, difference);
            match ci {
                Some(ci) => format!("{shown} {}", interval(change.unit, ci)),
                None => shown,
            }
        };
        let (name, crude) = match change.name {
            Metric::Time(timer, _) => {
                if timers_done.contains(&timer) {
                    continue;
                }
                timers_done.push(timer);
                // Six statistics' changes would crowd one cell: the
                // response-time table has them.
                (format!("response_time.{}.*", timer.key()), Cell::muted("-"))
            }
            _ => (
                short_name(change).to_string(),
                change.difference.map_or(Cell::muted("-"), |difference| {
                    Cell::new(with_interval(difference, change.ci95))
                }),
            ),
        };
        let standardised = match &change.standardised {
            Some(s) => Cell::new(with_interval(s.difference, s.ci95)),
            // Waits are not counted per persona.
            None => Cell::muted("-"),
        };
        let change_cell = match denominator.ci95 {
            Some([low, high]) => format!(
                "{} [{}, {}]",
                signed_count(denominator.change),
                signed_count(low),
                signed_count(high)
            ),
            None => signed_count(denominator.change),
        };
        table.rows.push(vec![
            Cell::new(name),
            Cell::new(denominator.counts.noun()),
            Cell::new(format!(
                "{} → {}{}",
                per_replication(denominator.a),
                per_replication(denominator.b),
                denominator
                    .relative
                    .map_or(String::new(), |relative| format!(
                        " ({}{})",
                        if relative > 0.0 { "+" } else { "" },
                        percent(relative)
                    ))
            )),
            Cell::new(change_cell),
            crude,
            standardised,
        ]);
    }
    (!table.rows.is_empty()).then_some(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Simpson's paradox by hand: two personas, each as satisfied under B
    /// as under A, but B surveys four times as many of the unhappy one.
    /// The crude mean falls by 1.2 points; the standardised difference is
    /// exactly 0.
    #[test]
    fn standardisation_weighs_each_persona_by_its_share_of_a() {
        // A: 80 happy answers at 4.5, 20 unhappy at 2.0: mean 4.0.
        // B: 80 happy at 4.5, 80 unhappy at 2.0: mean 3.25.
        let crude_a = (80.0 * 4.5 + 20.0 * 2.0) / 100.0;
        let crude_b = (80.0 * 4.5 + 80.0 * 2.0) / 160.0;
        assert_eq!(crude_b - crude_a, -0.75);
        let unchanged = [
            Stratum {
                weight: 80,
                a: Some(4.5),
                b: Some(4.5),
            },
            Stratum {
                weight: 20,
                a: Some(2.0),
                b: Some(2.0),
            },
        ];
        assert_eq!(standardised(&unchanged), Some(0.0));

        // Each persona better: happy +0.1, unhappy +0.5. Weights 0.8 and
        // 0.2 (A's), so 0.8·0.1 + 0.2·0.5 = 0.18, whatever B's mix.
        let better = [
            Stratum {
                weight: 80,
                a: Some(4.5),
                b: Some(4.6),
            },
            Stratum {
                weight: 20,
                a: Some(2.0),
                b: Some(2.5),
            },
        ];
        let difference = standardised(&better).unwrap();
        assert!((difference - 0.18).abs() < 1e-12, "{difference}");
    }

    #[test]
    fn personas_measured_on_one_side_only_carry_no_weight() {
        // A persona A never surveyed has no weight; one B never surveyed
        // has no change: the other weights are renormalised (30 of 30).
        let strata = [
            Stratum {
                weight: 0,
                a: None,
                b: Some(1.0),
            },
            Stratum {
                weight: 10,
                a: Some(3.0),
                b: None,
            },
            Stratum {
                weight: 30,
                a: Some(4.0),
                b: Some(3.5),
            },
        ];
        assert_eq!(standardised(&strata), Some(-0.5));
        assert_eq!(standardised(&strata[..2]), None);
        assert_eq!(standardised(&[]), None);
    }

    #[test]
    fn each_number_knows_what_it_is_measured_over() {
        use crate::metric::Stat;
        assert_eq!(
            Base::of(&Metric::Csat(CsatStat::Mean)),
            Some(Base::Answered)
        );
        assert_eq!(
            Base::of(&Metric::Time(Timer::QueueWait, Stat::P90)),
            Some(Base::Queued)
        );
        assert_eq!(
            Base::of(&Metric::Rate(Rate::SelfResolution)),
            Some(Base::Conversations)
        );
        assert_eq!(Base::of(&Metric::Rate(Rate::Fallback)), Some(Base::Replies));
        assert_eq!(Base::of(&Metric::Time(Timer::Bot, Stat::P95)), None);
    }
}
