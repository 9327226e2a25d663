//! The sections of messages the business sends first (campaigns,
//! follow-ups), what WhatsApp would refuse, retention and cost.

use super::*;

/// `part / whole`, or 0 of nothing.
pub(super) fn fraction(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Messages the business sent first, one funnel per campaign or
/// following-up node, then every count in a table.
pub(super) struct SendsSection<'a> {
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
pub(super) fn send_problems(s: &Sends) -> String {
    format!(
        "{} refused by WhatsApp (never sent), {} opted out of marketing, {} tapped a button.",
        thousands(s.refused),
        thousands(s.opted_out),
        thousands(s.clicked)
    )
}

pub(super) fn campaigns(report: &Report) -> Option<Section> {
    SendsSection {
        heading: "Campaigns",
        intro: "Templates the business sent first, to its list. Read is what the business sees read (customers with read receipts off never count), so open rate is read / delivered and response rate replied / delivered; converted is the conversations a reply started that reached a business goal.",
        title: |name| format!("Campaign {name}"),
        last: ("Converted", |s| s.converted),
        caption: |name, s| format!("{name}: {}", send_problems(s)),
    }
    .render(&report.campaigns)
}

pub(super) fn follow_ups(report: &Report) -> Option<Section> {
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
pub(super) fn compliance(report: &Report) -> Option<Section> {
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
pub(super) fn retention(report: &Report) -> Option<Section> {
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
pub(super) fn cost(report: &Report) -> Option<Section> {
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
