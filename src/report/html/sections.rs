//! The sections of the optional blocks a bot's own numbers fill: CSAT,
//! conversion, agent queues, and a live run's exchange with the bot.

use super::*;

pub(super) fn satisfaction(report: &Report) -> Option<Section> {
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

pub(super) fn conversion(report: &Report) -> Option<Section> {
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

pub(super) fn queues(report: &Report) -> Option<Section> {
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
pub(super) fn live_run(report: &Report) -> Option<Section> {
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
