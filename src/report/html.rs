//! The HTML report: one self-contained page of pictures for the people who
//! read a report — a bot designer between two edits of a flow, a reviewer
//! opening a CI artefact from a pull request, someone on a phone.
//!
//! It draws the same [`Report`] as the other renderers, with the charts and
//! the page builder of [`crate::html`]. Each block of the report is one
//! *section function* ([`SECTIONS`]) that returns `None` when the scenario
//! does not use the block, so a new optional block (campaigns, cost) is one
//! more function in that list. The chart functions below take a report and
//! return an [`Svg`], so other pages (a `check` run, a comparison of two
//! versions) draw the same pictures.
//!
//! Several reports make one page: an index with a line per scenario, then
//! a part per scenario with the same sections. The page is a function of
//! the reports alone (no clock, no paths), so the same report gives the
//! same bytes.

use std::io::{self, Write};

use indexmap::IndexMap;

use super::render::Renderer;
use super::table::{self, Align};
use super::transcript::{self as transcripts, Speaker as LineSpeaker, Transcript as Sample};
use super::{Breakdown, Distribution, Report, Sends, TimeStats};
use crate::html::charts::{
    Bucket, Estimate, FunnelStep, Group, Marker, Stage, Unit, durations, funnel, interval_bars,
    small_multiples, stacked_bar, stages,
};
use crate::html::format::{capitalised, duration, percent, thousands};
use crate::html::page::{Fact, Message, Page, Part, Section, Speaker, Table, Transcript};
use crate::html::svg::Svg;
use crate::metric::{CsatStat, Outcome, Rate, Reason, Stat, Timer};

/// Writes every report as one HTML page.
pub(super) struct Html;

impl Renderer for Html {
    fn render(&self, reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
        out.write_all(run_page(reports).as_bytes())
    }
}

/// A section of a scenario's part of the page, or `None` when the report
/// has nothing for it.
type SectionFn = fn(&Report) -> Option<Section>;

/// The sections of a scenario, in page order: what a reader wants first
/// (how a live run went, the key figures, the outcomes), then why (times,
/// the funnel), then the optional blocks (the messages the business sent
/// first among them), then who (personas, segments, variants) and examples.
const SECTIONS: &[SectionFn] = &[
    live_run,
    at_a_glance,
    outcomes,
    response_times,
    funnel_section,
    satisfaction,
    conversion,
    queues,
    campaigns,
    follow_ups,
    compliance,
    retention,
    cost,
    personas,
    segments,
    variants,
    sample_conversations,
];

/// The page of a run: one scenario's report on its own, or several, each in
/// a part of its own behind an index.
pub(crate) fn run_page(reports: &[Report]) -> String {
    match reports {
        [report] => {
            let mut page = Page::new(&report.scenario).lead(&run_line(report));
            page = page.lead(&reading_note(report));
            for section in SECTIONS.iter().filter_map(|section| section(report)) {
                page = page.section(section);
            }
            page.render()
        }
        reports => {
            let mut page = Page::new(&format!("rehearse run: {} scenarios", reports.len()))
                .lead("One part per scenario, in the order they ran; the index links to each.");
            for report in reports {
                let mut part = Part::new(&report.scenario)
                    .lead(&run_line(report))
                    .lead(&reading_note(report))
                    .index_line(&index_line(report));
                for section in SECTIONS.iter().filter_map(|section| section(report)) {
                    part = part.section(section);
                }
                page = page.part(part);
            }
            page.render()
        }
    }
}

/// `Flow harbour-shop 1.1 · seed 42 · 6,012 conversations in 20 replications`
pub(crate) fn run_line(report: &Report) -> String {
    format!(
        "Flow {}{} · seed {} · {} conversations in {} replication{}",
        report.flow.name,
        report.flow.version_suffix(),
        report.seed,
        thousands(report.conversations),
        report.replications,
        if report.replications == 1 { "" } else { "s" }
    )
}

/// How to read the numbers: what the intervals are, or that there are none.
fn reading_note(report: &Report) -> String {
    if report.ci95.is_some() {
        "Simulated customers. Shares are of all conversations; whiskers and “95% CI” give the 95% interval over replications.".to_string()
    } else {
        "Simulated customers. Shares are of all conversations; one replication gives no intervals (run more with --replications).".to_string()
    }
}

/// The index's line for a scenario: its headline numbers.
fn index_line(report: &Report) -> String {
    format!(
        "flow {} · {} self-resolved · {} abandoned · {} conversations",
        report.flow.name,
        percent(report.rates.get(crate::metric::Rate::SelfResolution)),
        percent(report.rates.get(crate::metric::Rate::Abandonment)),
        thousands(report.conversations)
    )
}

/// The name of an outcome on the page.
pub(crate) fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::SelfResolved => "Self-resolved",
        Outcome::AgentResolved => "Agent-resolved",
        Outcome::AbandonedInBot => "Abandoned in bot",
        Outcome::AbandonedInQueue => "Abandoned in queue",
        Outcome::Unresolved => "Unresolved",
    }
}

/// What a timer's chart is called, and how to read it.
pub(crate) fn timer_text(timer: Timer) -> (&'static str, &'static str) {
    match timer {
        Timer::Bot => (
            "Bot reply time",
            "From a customer's message to the bot's first reply after it.",
        ),
        Timer::AgentFirstResponse => (
            "Agent first response",
            "From the handoff to an agent's first message, for customers an agent took (queue wait and first reply).",
        ),
        Timer::QueueWait => (
            "Queue wait",
            "Time in the agent queue, for everyone who queued: until an agent took them or they left.",
        ),
        Timer::Resolution => (
            "Time to resolution",
            "From the customer's first message to the outcome, for resolved conversations.",
        ),
    }
}

/// `95% CI 57.1%–59.5%`, or nothing.
fn ci_detail(bounds: Option<&[f64; 2]>, show: fn(f64) -> String) -> String {
    bounds.map_or(String::new(), |[low, high]| {
        format!("95% CI {}–{}", show(*low), show(*high))
    })
}

/// The key figures, and where the flow loses most customers.
fn at_a_glance(report: &Report) -> Option<Section> {
    let ci95 = report.ci95.as_ref();
    let rate = |rate: Rate| {
        (
            rate.label(),
            percent(report.rates.get(rate)),
            ci_detail(ci95.and_then(|c| c.rates.get(rate.key())), percent),
        )
    };
    let mut facts: Vec<(&str, String, String)> = vec![
        rate(Rate::SelfResolution),
        rate(Rate::Escalation),
        rate(Rate::Abandonment),
    ];
    let bot = &report.response_time.bot;
    if let Some(p90) = bot.p90 {
        facts.push((
            "Bot reply p90",
            duration(p90),
            format!("p50 {}", bot.p50.map_or("–".to_string(), duration)),
        ));
    }
    let wait = &report.response_time.queue_wait;
    if let (false, Some(p90)) = (report.queues.is_empty(), wait.p90) {
        facts.push((
            "Queue wait p90",
            duration(p90),
            format!("p50 {}", wait.p50.map_or("–".to_string(), duration)),
        ));
    }
    if let Some(csat) = &report.csat {
        let detail = csat
            .satisfied
            .map_or(String::new(), |s| format!("{} satisfied (4–5)", percent(s)));
        facts.push((
            "CSAT",
            csat.mean.map_or("–".to_string(), |m| format!("{m:.2} / 5")),
            detail,
        ));
    }
    for (goal, share) in report.conversion.iter().take(2) {
        facts.push(("Conversion", percent(*share), format!("{goal} (goal)")));
    }
    facts.push((
        "Conversations",
        thousands(report.conversations),
        format!(
            "turns: mean {}, max {}",
            report.turns.mean, report.turns.max
        ),
    ));
    let facts: Vec<Fact<'_>> = facts
        .iter()
        .map(|(label, value, detail)| Fact {
            label,
            value,
            detail,
        })
        .collect();
    let section = Section::new("At a glance").facts(&facts);
    Some(match biggest_loss(report) {
        Some(sentence) => section.paragraph(&sentence),
        None => section,
    })
}

/// One sentence on the node that loses the most customers; `None` when the
/// report has no funnel (a live run: the bot's nodes are not known).
fn biggest_loss(report: &Report) -> Option<String> {
    if report.funnel.is_empty() {
        return None;
    }
    let worst = report
        .funnel
        .iter()
        .filter(|(_, step)| step.abandoned > 0)
        .fold(
            None,
            |best: Option<(&String, &super::FunnelStep)>, (node, step)| match best {
                Some((_, most)) if most.abandoned >= step.abandoned => best,
                _ => Some((node, step)),
            },
        );
    let Some((node, step)) = worst else {
        return Some(
            "No customer left the flow: every conversation reached an outcome.".to_string(),
        );
    };
    let reason = step
        .main_reason()
        .map(|reason| format!(", most of them because they {}", reason_clause(reason)))
        .unwrap_or_default();
    Some(format!(
        "The flow loses the most customers at {node}: {} of the {} who reached it ({}){reason}.",
        thousands(step.abandoned),
        thousands(step.entered),
        percent(step.abandoned as f64 / step.entered.max(1) as f64),
    ))
}

/// A reason as the end of "most of them because they …".
fn reason_clause(reason: Reason) -> &'static str {
    match reason {
        Reason::BotSilence => "waited longer for the bot than their patience",
        Reason::Dropped => "dropped off",
        Reason::Misunderstood => "were misunderstood too often",
        Reason::GaveUp => "found nothing to tap or say",
        Reason::SurveySkipped => "left at the survey",
        Reason::QueuePatience => "waited too long for an agent",
        Reason::WindowClosed => {
            "were reached by an agent only after their 24-hour window had closed"
        }
    }
}

/// The outcome partition as one stacked bar with intervals.
pub(crate) fn outcomes_chart(report: &Report) -> Svg {
    outcomes_chart_titled(
        report,
        &format!(
            "Outcomes of {} conversations",
            thousands(report.conversations)
        ),
    )
}

/// [`outcomes_chart`] under another title, for a page that shows several
/// reports' outcomes side by side (version A and version B).
pub(crate) fn outcomes_chart_titled(report: &Report, title: &str) -> Svg {
    let ci95 = report.ci95.as_ref();
    let shares: Vec<Estimate<'_>> = Outcome::ALL
        .into_iter()
        .map(|outcome| {
            let estimate = Estimate::new(outcome_label(outcome), report.outcomes.get(outcome));
            match ci95.and_then(|c| c.outcomes.get(outcome.key())) {
                Some([low, high]) => estimate.with_ci95(*low, *high),
                None => estimate,
            }
        })
        .collect();
    stacked_bar(title, &shares)
}

/// The rates with their intervals.
pub(crate) fn rates_chart(report: &Report) -> Svg {
    let ci95 = report.ci95.as_ref();
    let rates: Vec<Estimate<'_>> = Rate::ALL
        .into_iter()
        .map(|rate| {
            let estimate = Estimate::new(rate.label(), report.rates.get(rate));
            match ci95.and_then(|c| c.rates.get(rate.key())) {
                Some([low, high]) => estimate.with_ci95(*low, *high),
                None => estimate,
            }
        })
        .collect();
    interval_bars("Rates", Unit::Fraction, &rates)
}

fn outcomes(report: &Report) -> Option<Section> {
    Some(
        Section::new("Outcomes").charts(&[
            (
                outcomes_chart(report),
                "Every conversation ends in exactly one outcome; a whisker shows how far a segment's end may move within its 95% interval.".to_string(),
            ),
            (
                rates_chart(report),
                "Self-resolution is the self-resolved share; escalation, every conversation handed to a person; abandonment, every customer who left unserved; fallback, replies the bot did not understand; response, prompts that got a reply.".to_string(),
            ),
        ]),
    )
}

/// A duration distribution with its p50, p90 and p99 marked; `None` when
/// nothing was measured.
pub(crate) fn duration_chart(
    title: &str,
    distribution: &Distribution,
    stats: &TimeStats,
) -> Option<Svg> {
    let last = distribution.buckets.last()?;
    // The buckets tile the range, so their starts and one closing empty
    // bucket give the chart every bound. Durations of exactly 0 (a customer
    // an agent took at once) would stretch a log axis over empty decades
    // down to a millisecond: their bucket reaches to the next non-empty one
    // instead, and the chart prints it as starting at 0.
    let mut buckets: Vec<Bucket> = Vec::with_capacity(distribution.buckets.len() + 1);
    for bucket in &distribution.buckets {
        let only_zeros_so_far = matches!(buckets.as_slice(), [zero] if zero.lower == 0.0);
        if bucket.count == 0 && only_zeros_so_far {
            continue;
        }
        buckets.push(Bucket {
            lower: bucket.from,
            count: bucket.count,
        });
    }
    buckets.push(Bucket {
        lower: last.to,
        count: 0,
    });
    let markers: Vec<Marker<'_>> = [(Stat::P50, "p50"), (Stat::P90, "p90"), (Stat::P99, "p99")]
        .into_iter()
        .filter_map(|(stat, label)| {
            Some(Marker {
                label,
                seconds: stats.get(stat)?,
            })
        })
        .collect();
    Some(durations(title, &buckets, &markers))
}

fn response_times(report: &Report) -> Option<Section> {
    let mut charts = Vec::new();
    let mut missing = Vec::new();
    for timer in Timer::ALL {
        let (title, caption) = timer_text(timer);
        let distribution = report.distributions.get(timer);
        let zeros = distribution
            .buckets
            .first()
            .is_some_and(|b| b.from == 0.0 && b.count > 0);
        match duration_chart(title, distribution, report.response_time.get(timer)) {
            Some(chart) => charts.push((
                chart,
                format!(
                    "{caption} Bars: how many took that long (area); line: the share done within that time.{}",
                    if zeros {
                        " The first bar starts at 0: it holds those that took no time at all."
                    } else {
                        ""
                    }
                ),
            )),
            None => missing.push(title),
        }
    }
    let mut section = Section::new("Response times");
    if !charts.is_empty() {
        section = section.charts(&charts);
    }
    if !missing.is_empty() {
        section = section.paragraph(&format!(
            "Not measured in this run (no conversation got that far): {}.",
            missing.join(", ")
        ));
    }
    Some(section.table(&page_table(
        "Response times, all measured durations",
        &table::response_times(report),
    )))
}

/// The funnel: nodes in flow order, with entered and abandoned customers
/// and the main reason they left.
pub(crate) fn funnel_chart(report: &Report) -> Svg {
    let reasons: Vec<Vec<(&str, u64)>> = report
        .funnel
        .values()
        .map(|step| {
            step.reasons
                .iter()
                .map(|(key, count)| {
                    let phrase = Reason::ALL
                        .into_iter()
                        .find(|reason| reason.key() == *key)
                        .map_or(*key, Reason::phrase);
                    (phrase, *count)
                })
                .collect()
        })
        .collect();
    let steps: Vec<FunnelStep<'_>> = report
        .funnel
        .iter()
        .zip(&reasons)
        .map(|((node, step), reasons)| FunnelStep {
            label: node,
            entered: step.entered,
            abandoned: step.abandoned,
            reasons,
        })
        .collect();
    funnel("Where customers leave the flow", &steps)
}

fn funnel_section(report: &Report) -> Option<Section> {
    if report.funnel.is_empty() {
        return None;
    }
    Some(
        Section::new("Funnel")
            .chart(
                &funnel_chart(report),
                "Nodes in flow order. A bar is the customers who reached the node; its hatched end, those who left there, with the main reason. The three nodes that lose the most are highlighted.",
            )
            .table(
                &page_table("Per node, in flow order", &table::funnel(report))
                    .folded("The funnel as a table"),
            ),
    )
}

fn satisfaction(report: &Report) -> Option<Section> {
    let csat = report.csat.as_ref()?;
    let ci95 = report.ci95.as_ref();
    let ci = |stat: CsatStat| ci95.and_then(|c| c.csat.get(stat.key()));
    let mean = csat.mean.map_or("–".to_string(), |m| format!("{m:.2} / 5"));
    let mean_ci = ci_detail(ci(CsatStat::Mean), |v| format!("{v:.2}"));
    let satisfied = csat.satisfied.map_or("–".to_string(), percent);
    let satisfied_ci = ci_detail(ci(CsatStat::Satisfied), percent);
    let response = percent(csat.response_rate);
    let response_ci = ci_detail(ci(CsatStat::ResponseRate), percent);
    let mut section = Section::new("Satisfaction (CSAT)").facts(&[
        Fact {
            label: "Mean score",
            value: &mean,
            detail: &mean_ci,
        },
        Fact {
            label: "Satisfied (4–5)",
            value: &satisfied,
            detail: &satisfied_ci,
        },
        Fact {
            label: "Survey response rate",
            value: &response,
            detail: &response_ci,
        },
    ]);
    let answered: u64 = csat.scores.values().sum();
    if answered == 0 {
        return Some(section.paragraph("Nobody answered the survey."));
    }
    let labels: Vec<(String, f64)> = csat
        .scores
        .iter()
        .rev()
        .map(|(score, count)| {
            (
                format!("Score {score} ({})", thousands(*count)),
                *count as f64 / answered as f64,
            )
        })
        .collect();
    let scores: Vec<Estimate<'_>> = labels
        .iter()
        .map(|(label, share)| Estimate::new(label, *share))
        .collect();
    section = section.chart(
        &interval_bars(
            &format!("CSAT answers by score, {} answers", thousands(answered)),
            Unit::Fraction,
            &scores,
        ),
        "The share of answers giving each score, 5 (best) first; the number of answers is in brackets.",
    );
    Some(section)
}

fn conversion(report: &Report) -> Option<Section> {
    if report.conversion.is_empty() {
        return None;
    }
    let ci95 = report.ci95.as_ref();
    let goals: Vec<Estimate<'_>> = report
        .conversion
        .iter()
        .map(|(goal, share)| {
            let estimate = Estimate::new(goal, *share);
            match ci95.and_then(|c| c.conversion.get(goal)) {
                Some([low, high]) => estimate.with_ci95(*low, *high),
                None => estimate,
            }
        })
        .collect();
    let mut section = Section::new("Conversion").chart(
        &interval_bars("Conversion by goal", Unit::Fraction, &goals),
        "The share of conversations that reached a node marked with the goal (each conversation counted once per goal).",
    );
    if !report.conversion_value.is_empty() {
        section = section.paragraph(&format!(
            "Value per conversation: {}.",
            report
                .conversion_value
                .iter()
                .map(|(goal, value)| format!("{goal} {value:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Some(section)
}

fn queues(report: &Report) -> Option<Section> {
    if report.queues.is_empty() {
        return None;
    }
    const SERIES: [&str; 2] = ["served by an agent", "left before an agent"];
    let shares: Vec<[f64; 2]> = report
        .queues
        .values()
        .map(|queue| {
            let arrived = queue.arrived.max(1) as f64;
            [
                queue.served as f64 / arrived,
                queue.abandoned as f64 / arrived,
            ]
        })
        .collect();
    let groups: Vec<Group<'_>> = report
        .queues
        .iter()
        .zip(&shares)
        .map(|((name, queue), shares)| Group {
            label: name,
            count: Some(queue.arrived),
            shares,
        })
        .collect();
    let utilisation: Vec<Estimate<'_>> = report
        .queues
        .iter()
        .filter_map(|(name, queue)| Some(Estimate::new(name, queue.utilisation?)))
        .collect();
    let mut charts = vec![(
        small_multiples("Customers handed to each queue", &SERIES, &groups),
        "One bar per queue: of the customers handed to it, the share an agent took and the share that left first (the rest were still waiting when the run ended).".to_string(),
    )];
    if !utilisation.is_empty() {
        charts.push((
            interval_bars("Agent utilisation", Unit::Fraction, &utilisation),
            "Chat slots in use over chat slots on shift, averaged over the counted time."
                .to_string(),
        ));
    }
    let mut section = Section::new("Agent queues").charts(&charts);
    if report.queues.len() > 1 {
        let charts: Vec<(Svg, String)> = report
            .queues
            .iter()
            .filter_map(|(name, queue)| {
                let chart = duration_chart(
                    &format!("Wait in {name}"),
                    report.distributions.queues.get(name)?,
                    &queue.wait,
                )?;
                Some((
                    chart,
                    format!("Time in the {name} queue, for everyone who queued there."),
                ))
            })
            .collect();
        if !charts.is_empty() {
            section = section.charts(&charts);
        }
    }
    Some(section.table(&page_table("Per queue", &table::queues(report))))
}

/// What became of a live run's customers, how the webhooks fared and what
/// the bot was refused: whether the rest of the page can be trusted.
fn live_run(report: &Report) -> Option<Section> {
    let live = report.live.as_ref()?;
    let customers = &live.customers;
    let mut section = Section::new("Live run");
    if let Some(note) = live.partial_note() {
        section = section.paragraph(&format!("{}.", capitalised(&note)));
    }
    let (started, counted, lost, webhooks) = (
        thousands(customers.started),
        thousands(customers.counted),
        thousands(customers.lost + customers.cut_off),
        thousands(live.webhooks.delivered),
    );
    let failed = format!(
        "{} failed, {} retried",
        thousands(live.webhooks.failed),
        thousands(live.webhooks.retries)
    );
    let lost_detail = format!(
        "{} lost to bot failures, {} cut off",
        thousands(customers.lost),
        thousands(customers.cut_off)
    );
    section = section.facts(&[
        Fact {
            label: "Customers",
            value: &started,
            detail: "wrote to the bot, warm-up included",
        },
        Fact {
            label: "Counted",
            value: &counted,
            detail: "in the outcomes below",
        },
        Fact {
            label: "Not counted",
            value: &lost,
            detail: &lost_detail,
        },
        Fact {
            label: "Webhooks delivered",
            value: &webhooks,
            detail: &failed,
        },
    ]);
    let shares: Vec<Estimate<'_>> = [
        ("Counted", customers.counted),
        ("Warm-up", customers.warm_up),
        ("Lost to bot failures", customers.lost),
        ("Cut off", customers.cut_off),
    ]
    .into_iter()
    .map(|(label, count)| Estimate::new(label, fraction(count, customers.started)))
    .collect();
    let title = format!("What became of {started} customers");
    section = section.chart(
        &stacked_bar(&title, &shares),
        "Every customer who wrote to the bot: counted in the outcomes, in the warm-up (loading the queues, not counted), lost because the bot never took their message, or still talking when the run stopped.",
    );
    let mut table = Table::new("The run against the bot")
        .column("What")
        .column("Measured");
    for (label, text) in live.lines() {
        table = table.row(&[label, text.as_str()]);
    }
    Some(section.table(&table))
}

/// `part / whole`, or 0 of nothing.
fn fraction(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Messages the business sent first, one funnel per campaign or
/// following-up node, then every count in a table.
struct SendsSection<'a> {
    heading: &'a str,
    /// What the section shows, before the charts.
    intro: &'a str,
    /// The chart's title for one campaign or node.
    title: fn(&str) -> String,
    /// The last step of the funnel after `Replied`, and its count.
    last: (&'a str, fn(&Sends) -> u64),
    /// The caption under one funnel.
    caption: fn(&str, &Sends) -> String,
}

impl SendsSection<'_> {
    fn render(&self, sends: &IndexMap<String, Sends>) -> Option<Section> {
        if sends.is_empty() {
            return None;
        }
        let (last, last_count) = self.last;
        let charts: Vec<(Svg, String)> = sends
            .iter()
            .map(|(name, s)| {
                let steps = [
                    Stage {
                        label: "Sent",
                        count: s.sent,
                        of: None,
                    },
                    Stage {
                        label: "Delivered",
                        count: s.delivered,
                        of: Some(0),
                    },
                    // Open and response rates are of delivered messages.
                    Stage {
                        label: "Read",
                        count: s.read,
                        of: Some(1),
                    },
                    Stage {
                        label: "Replied",
                        count: s.replied,
                        of: Some(1),
                    },
                    Stage {
                        label: last,
                        count: last_count(s),
                        of: Some(3),
                    },
                ];
                (stages(&(self.title)(name), &steps), (self.caption)(name, s))
            })
            .collect();
        Some(
            Section::new(self.heading)
                .paragraph(self.intro)
                .charts(&charts)
                .table(&page_table(
                    &format!("{}, every count", self.heading),
                    &table::sends(self.heading, sends),
                )),
        )
    }
}

/// `12 refused by WhatsApp (never sent), 3 opted out, 40 tapped a button.`
fn send_problems(s: &Sends) -> String {
    format!(
        "{} refused by WhatsApp (never sent), {} opted out of marketing, {} tapped a button.",
        thousands(s.refused),
        thousands(s.opted_out),
        thousands(s.clicked)
    )
}

fn campaigns(report: &Report) -> Option<Section> {
    SendsSection {
        heading: "Campaigns",
        intro: "Templates the business sent first, to its list. Read is what the business sees read (customers with read receipts off never count), so open rate is read / delivered and response rate replied / delivered; converted is the conversations a reply started that reached a business goal.",
        title: |name| format!("Campaign {name}"),
        last: ("Converted", |s| s.converted),
        caption: |name, s| format!("{name}: {}", send_problems(s)),
    }
    .render(&report.campaigns)
}

fn follow_ups(report: &Report) -> Option<Section> {
    SendsSection {
        heading: "Follow-ups",
        intro: "Messages the bot sends a customer who went silent at a node, per node. Recovered is the customers who answered and were then resolved, by the bot or an agent.",
        title: |node| format!("Follow-up at {node}"),
        last: ("Recovered", |s| s.recovered.unwrap_or(0)),
        caption: |node, s| {
            format!(
                "{node}: {}; {} replies reached a business goal.",
                send_problems(s).trim_end_matches('.'),
                thousands(s.converted)
            )
        },
    }
    .render(&report.follow_ups)
}

/// Messages WhatsApp would have refused, which rehearse did not send.
fn compliance(report: &Report) -> Option<Section> {
    let compliance = report.compliance.as_ref()?;
    let (outside, not_opted_in) = (
        thousands(compliance.outside_window),
        thousands(compliance.not_opted_in),
    );
    let refused = compliance.outside_window + compliance.not_opted_in;
    let reading = if refused == 0 {
        "WhatsApp would have refused none of the messages: no template went to a customer without opt-in, and no free-form message fell outside the customer's 24-hour window.".to_string()
    } else {
        format!(
            "WhatsApp would refuse {} messages, so rehearse did not send them: fix the list's opt-ins, or send a template instead of free-form text after 24 hours of silence, before the real send.",
            thousands(refused)
        )
    };
    Some(
        Section::new("Compliance")
            .facts(&[
                Fact {
                    label: "Outside the 24-hour window",
                    value: &outside,
                    detail: "error 131047: free-form text 24 hours after the customer's last message",
                },
                Fact {
                    label: "Not opted in",
                    value: &not_opted_in,
                    detail: "error 131050: a template without opt-in, or marketing after an opt-out",
                },
            ])
            .paragraph(&reading),
    )
}

/// Customers who came back within 7 and 30 days.
fn retention(report: &Report) -> Option<Section> {
    let retention = report.retention.as_ref()?;
    let (d7, d30, customers) = (
        percent(retention.d7),
        percent(retention.d30),
        thousands(retention.customers),
    );
    let shares = [
        Estimate::new("Within 7 days", retention.d7),
        Estimate::new("Within 30 days", retention.d30),
    ];
    Some(
        Section::new("Retention")
            .facts(&[
                Fact {
                    label: "Back within 7 days",
                    value: &d7,
                    detail: "of their first conversation's start",
                },
                Fact {
                    label: "Back within 30 days",
                    value: &d30,
                    detail: "of their first conversation's start",
                },
                Fact {
                    label: "Customers",
                    value: &customers,
                    detail: "whose first conversation was counted",
                },
            ])
            .chart(
                &interval_bars("Customers who came back", Unit::Fraction, &shares),
                "The share of customers who wrote again, as their persona's returns and their first conversation's outcome and CSAT make them; returns after the run's traffic are counted, not played.",
            ),
    )
}

/// What the messages cost, in all and by template category.
fn cost(report: &Report) -> Option<Section> {
    let cost = report.cost.as_ref()?;
    let money = |amount: f64, decimals: u8| {
        format!("{} {}", Unit::Decimal(decimals).show(amount), cost.currency)
    };
    let total = money(cost.total, 2);
    let total_detail = format!(
        "over {} replication{}, prices of {}",
        report.replications,
        if report.replications == 1 { "" } else { "s" },
        cost.as_of
    );
    let per_conversation = money(cost.per_conversation, 4);
    let per_resolution = cost
        .per_resolution
        .map_or("–".to_string(), |amount| money(amount, 4));
    let categories: Vec<Estimate<'_>> = cost
        .by_category
        .iter()
        .map(|(category, amount)| Estimate::new(category, *amount))
        .collect();
    Some(
        Section::new("Cost")
            .facts(&[
                Fact {
                    label: "Total",
                    value: &total,
                    detail: &total_detail,
                },
                Fact {
                    label: "Per conversation",
                    value: &per_conversation,
                    detail: "total / conversations",
                },
                Fact {
                    label: "Per resolution",
                    value: &per_resolution,
                    detail: "total / conversations resolved by the bot or an agent",
                },
            ])
            .chart(
                &interval_bars(
                    &format!("Cost by category, {}", cost.currency),
                    Unit::Decimal(2),
                    &categories,
                ),
                "Each delivered template costs its category's price (a utility template inside the customer's window is free); service is charged per conversation a customer starts.",
            ),
    )
}

/// The outcome bar of each group, on one scale, and the group table.
fn groups(heading: &str, what: &str, groups: &IndexMap<String, Breakdown>) -> Option<Section> {
    if groups.is_empty() {
        return None;
    }
    let series: Vec<&str> = Outcome::ALL.into_iter().map(outcome_label).collect();
    let shares: Vec<[f64; 5]> = groups
        .values()
        .map(|group| Outcome::ALL.map(|outcome| group.outcomes.get(outcome)))
        .collect();
    let bars: Vec<Group<'_>> = groups
        .iter()
        .zip(&shares)
        .map(|((name, group), shares)| Group {
            label: name,
            count: Some(group.conversations),
            shares,
        })
        .collect();
    let title = format!("Outcomes per {what}");
    Some(
        Section::new(heading)
            .chart(
                &small_multiples(&title, &series, &bars),
                &format!("One bar per {what}, on the same 0–100% scale; the right column is the self-resolved share."),
            )
            .table(
                &page_table(&format!("Rates per {what}"), &table::breakdowns(what, groups))
                    .folded(&format!("Rates per {what} as a table")),
            ),
    )
}

fn personas(report: &Report) -> Option<Section> {
    groups("Personas", "persona", &report.personas)
}

fn segments(report: &Report) -> Option<Section> {
    groups("Segments", "segment", &report.segments)
}

fn variants(report: &Report) -> Option<Section> {
    groups("A/B variants", "variant", &report.variants)
}

fn sample_conversations(report: &Report) -> Option<Section> {
    if report.transcripts.is_empty() {
        return None;
    }
    let mut section = Section::new("Sample conversations").paragraph(
        "What the customer saw, with the time since they wrote to the bot. The small print under a customer's message says how the bot understood it.",
    );
    for (number, sample) in report.transcripts.iter().enumerate() {
        section = conversation(section, number + 1, sample);
    }
    Some(section)
}

/// One sample conversation as chat bubbles.
fn conversation(section: Section, number: usize, sample: &Sample) -> Section {
    let options: Vec<Vec<&str>> = sample
        .lines
        .iter()
        .map(|line| line.options.iter().map(String::as_str).collect())
        .collect();
    let notes: Vec<Option<String>> = sample
        .lines
        .iter()
        .map(|line| line.understood_as.as_ref().map(|how| format!("→ {how}")))
        .collect();
    let reason = sample
        .reason
        .map(|reason| format!(" ({})", reason.phrase()))
        .unwrap_or_default();
    let ending = format!(
        "Ended: {} at {}{reason}",
        outcome_label(sample.outcome).to_lowercase(),
        sample.node
    );
    let mut messages = vec![Message {
        speaker: Speaker::Event,
        at: 0.0,
        text: "The customer writes to the bot",
        buttons: &[],
        note: None,
    }];
    for ((line, options), note) in sample.lines.iter().zip(&options).zip(&notes) {
        messages.push(Message {
            speaker: match line.speaker {
                LineSpeaker::Customer => Speaker::Customer,
                LineSpeaker::Bot => Speaker::Bot,
            },
            at: line.at,
            text: &line.text,
            buttons: options,
            note: note.as_deref(),
        });
    }
    messages.push(Message {
        speaker: Speaker::Event,
        at: sample.ended,
        text: &ending,
        buttons: &[],
        note: None,
    });
    let title = format!(
        "{} — {}",
        transcripts::heading(number, sample),
        outcome_label(sample.outcome).to_lowercase()
    );
    section.transcript(&Transcript {
        title: &title,
        messages: &messages,
    })
}

/// A table of the shared table model ([`table`]), as the text and markdown
/// renderers draw it, on the page.
pub(crate) fn page_table(caption: &str, source: &table::Table) -> Table {
    let mut out = Table::new(caption);
    for (heading, align) in source.headers.iter().zip(&source.align) {
        out = match align {
            Align::Left => out.column(heading),
            Align::Right => out.number_column(heading),
        };
    }
    for row in &source.rows {
        let cells: Vec<&str> = row.iter().map(cell_text).collect();
        out = out.row(&cells);
    }
    out
}

/// A cell of the shared table model as the page prints it: the dash of
/// "nothing measured" as an en dash.
pub(crate) fn cell_text(cell: &table::Cell) -> &str {
    if cell.muted && cell.text == "-" {
        "–"
    } else {
        cell.text.as_str()
    }
}
