//! The charts of a report (outcomes, rates, timers, funnel) and the
//! sections that are mostly one chart.

use super::*;

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

pub(super) fn outcomes(report: &Report) -> Option<Section> {
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

pub(super) fn response_times(report: &Report) -> Option<Section> {
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

pub(super) fn funnel_section(report: &Report) -> Option<Section> {
    if report.funnel.is_empty() {
        return None;
    }
    let section = Section::new("Funnel")
        .chart(
            &funnel_chart(report),
            "Nodes in flow order. A bar is the customers who reached the node; its hatched end, those who left there, with the main reason. The three nodes that lose the most are highlighted.",
        )
        .table(
            &page_table("Per node, in flow order", &table::funnel(report))
                .folded("The funnel as a table"),
        );
    Some(match table::media(report) {
        Some(media) => section.table(&page_table(
            "Media customers sent, per node: by kind, those with no route that fell to the node's fallback, and reactions the bot ignored",
            &media,
        )),
        None => section,
    })
}
