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

mod charts;
mod outreach;
mod sections;

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

pub(crate) use charts::*;
use outreach::*;
use sections::*;

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
        Reason::QueueFull => "found the agents' queue full",
        Reason::WindowClosed => {
            "were reached by an agent only after their 24-hour window had closed"
        }
    }
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
