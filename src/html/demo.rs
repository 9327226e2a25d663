//! A representative report page from made-up numbers, using every chart and
//! page element. The tests render it (unit, snapshot and browser tests);
//! once reports feed the HTML renderer it gives way to real reports.
//!
//! Some names are hostile on purpose, as a user's file could make them: a
//! `<script>` tag, an attribute break-out, an ANSI colour code and a
//! right-to-left override. The page must show them as harmless text.

use super::charts::{
    Bucket, Difference, Estimate, FunnelStep, Group, Marker, Transitions, Unit, Verdict,
    diverging_bars, durations, funnel, heat_map, interval_bars, small_multiples, stacked_bar,
};
use super::page::{Check, Message, Page, Section, Speaker, Status, Summary, Table, Transcript};
use super::svg::Svg;

/// The five outcomes, in report order.
const OUTCOMES: [&str; 5] = [
    "self-resolved",
    "agent-resolved",
    "abandoned in bot",
    "abandoned in queue",
    "unresolved",
];

/// A persona name that tries to run a script.
pub const HOSTILE_SCRIPT: &str = "<script>console.error(\"pwned\")</script>";
/// A persona name that tries to break out of an attribute.
pub const HOSTILE_ATTRIBUTE: &str = "vip\"><img src=x onerror=console.error(1)>";
/// A segment name with an ANSI colour code and a right-to-left override.
pub const HOSTILE_CONTROLS: &str = "\u{1b}[31mred\u{1b}[0m \u{202e}gnp.exe";

fn outcomes_chart() -> Svg {
    stacked_bar(
        "Outcomes of 20,000 conversations",
        &[
            Estimate::new("Self-resolved", 0.61).with_ci95(0.598, 0.622),
            Estimate::new("Agent-resolved", 0.22).with_ci95(0.211, 0.229),
            Estimate::new("Abandoned in bot", 0.09).with_ci95(0.084, 0.096),
            Estimate::new("Abandoned in queue", 0.05).with_ci95(0.043, 0.057),
            Estimate::new("Unresolved", 0.03).with_ci95(0.027, 0.033),
        ],
    )
}

fn rates_chart() -> Svg {
    interval_bars(
        "Rates with 95% intervals",
        Unit::Fraction,
        &[
            Estimate::new("Self-resolution", 0.61).with_ci95(0.598, 0.622),
            Estimate::new("Escalation", 0.27).with_ci95(0.259, 0.281),
            Estimate::new("Abandonment", 0.14).with_ci95(0.131, 0.149),
            Estimate::new("Fallback", 0.04).with_ci95(0.036, 0.044),
            Estimate::new("Response", 0.93),
        ],
    )
}

fn bot_reply_chart() -> Svg {
    let lowers = [0.0, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2];
    let counts = [0, 120, 1850, 6400, 7300, 2900, 980, 310, 95, 30, 8];
    let buckets: Vec<Bucket> = lowers
        .iter()
        .zip(counts)
        .map(|(&lower, count)| Bucket { lower, count })
        .collect();
    durations(
        "Bot reply time",
        &buckets,
        &[
            Marker {
                label: "p50",
                seconds: 0.85,
            },
            Marker {
                label: "p90",
                seconds: 2.4,
            },
            Marker {
                label: "p99",
                seconds: 8.7,
            },
        ],
    )
}

fn queue_wait_chart() -> Svg {
    let lowers = [
        0.0, 5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 640.0, 1280.0,
    ];
    let counts = [1800, 420, 610, 790, 820, 560, 290, 110, 30, 6];
    let buckets: Vec<Bucket> = lowers
        .iter()
        .zip(counts)
        .map(|(&lower, count)| Bucket { lower, count })
        .collect();
    durations(
        "Queue wait",
        &buckets,
        &[
            Marker {
                label: "p50",
                seconds: 31.0,
            },
            Marker {
                label: "p90",
                seconds: 200.0,
            },
            Marker {
                label: "p99",
                seconds: 720.0,
            },
        ],
    )
}

fn funnel_chart() -> Svg {
    funnel(
        "Where customers leave the flow",
        &[
            FunnelStep {
                label: "welcome",
                entered: 20_000,
                abandoned: 410,
                reasons: &[
                    ("bot silence", 120),
                    ("dropped", 250),
                    ("misunderstood", 40),
                ],
            },
            FunnelStep {
                label: "welcome_again",
                entered: 2600,
                abandoned: 690,
                reasons: &[("misunderstood", 520), ("dropped", 170)],
            },
            FunnelStep {
                label: "ask_order",
                entered: 11_800,
                abandoned: 240,
                reasons: &[("bot silence", 60), ("dropped", 180)],
            },
            FunnelStep {
                label: "ask_order_again",
                entered: 1900,
                abandoned: 380,
                reasons: &[("misunderstood", 300), ("dropped", 80)],
            },
            FunnelStep {
                label: "lookup",
                entered: 11_450,
                abandoned: 0,
                reasons: &[],
            },
            FunnelStep {
                label: "order_status",
                entered: 11_220,
                abandoned: 130,
                reasons: &[("dropped", 130)],
            },
            FunnelStep {
                label: "survey",
                entered: 9800,
                abandoned: 0,
                reasons: &[],
            },
            FunnelStep {
                label: "handoff",
                entered: 5400,
                abandoned: 1000,
                reasons: &[("queue patience", 1000)],
            },
            FunnelStep {
                label: "returns_info_with_a_very_long_node_name",
                entered: 3000,
                abandoned: 90,
                reasons: &[("dropped", 90)],
            },
            FunnelStep {
                label: "done",
                entered: 9800,
                abandoned: 0,
                reasons: &[],
            },
        ],
    )
}

fn personas_chart() -> Svg {
    small_multiples(
        "Outcomes per persona and segment",
        &OUTCOMES,
        &[
            Group {
                label: "returning-buyer",
                count: Some(12_000),
                shares: &[0.68, 0.19, 0.07, 0.04, 0.02],
            },
            Group {
                label: "new-lead",
                count: Some(8000),
                shares: &[0.50, 0.27, 0.12, 0.07, 0.04],
            },
            Group {
                label: HOSTILE_SCRIPT,
                count: Some(420),
                shares: &[0.40, 0.30, 0.15, 0.10, 0.05],
            },
            Group {
                label: HOSTILE_ATTRIBUTE,
                count: None,
                shares: &[0.55, 0.25, 0.10],
            },
            Group {
                label: HOSTILE_CONTROLS,
                count: Some(0),
                shares: &[],
            },
        ],
    )
}

fn transitions_chart() -> Svg {
    heat_map(
        "Outcome per customer: version A → version B",
        &Transitions {
            rows_title: "Under A",
            columns_title: "Under B",
            rows: &OUTCOMES,
            columns: &OUTCOMES,
            counts: &[
                11_450, 310, 250, 120, 70, //
                420, 3820, 90, 60, 10, //
                380, 120, 1180, 60, 60, //
                110, 70, 30, 740, 50, //
                200, 40, 20, 10, 330,
            ],
        },
    )
}

fn differences_chart() -> Svg {
    diverging_bars(
        "Version B − version A, rates",
        Unit::Fraction,
        &[
            Difference {
                label: "Self-resolution",
                delta: 0.021,
                ci95: Some((0.010, 0.032)),
                verdict: Verdict::Better,
            },
            Difference {
                label: "Escalation",
                delta: -0.012,
                ci95: Some((-0.020, -0.004)),
                verdict: Verdict::Better,
            },
            Difference {
                label: "Abandonment",
                delta: 0.003,
                ci95: Some((-0.005, 0.011)),
                verdict: Verdict::NoChange,
            },
            Difference {
                label: "Fallback",
                delta: 0.008,
                ci95: Some((0.005, 0.011)),
                verdict: Verdict::Worse,
            },
        ],
    )
}

fn time_differences_chart() -> Svg {
    diverging_bars(
        "Version B − version A, times",
        Unit::Seconds,
        &[
            Difference {
                label: "Bot reply p95",
                delta: 0.42,
                ci95: Some((0.2, 0.64)),
                verdict: Verdict::Worse,
            },
            Difference {
                label: "Queue wait p90",
                delta: -18.0,
                ci95: Some((-30.0, -6.0)),
                verdict: Verdict::Better,
            },
            Difference {
                label: "Resolution p50",
                delta: -2.0,
                ci95: None,
                verdict: Verdict::NoChange,
            },
        ],
    )
}

/// Every demo chart, in page order: outcomes, rates, bot reply time, queue
/// wait, funnel, personas, transitions, rate differences, time differences.
pub fn charts() -> Vec<Svg> {
    vec![
        outcomes_chart(),
        rates_chart(),
        bot_reply_chart(),
        queue_wait_chart(),
        funnel_chart(),
        personas_chart(),
        transitions_chart(),
        differences_chart(),
        time_differences_chart(),
    ]
}

/// The demo report page: every chart, a summary box, tables (one folded)
/// and two transcripts.
pub fn page() -> String {
    let (outcomes, rates) = (outcomes_chart(), rates_chart());
    let (bot_reply, queue_wait) = (bot_reply_chart(), queue_wait_chart());
    let (funnel, personas, transitions) = (funnel_chart(), personas_chart(), transitions_chart());
    let (differences, time_differences) = (differences_chart(), time_differences_chart());

    let checks = [
        Check {
            status: Status::Pass,
            name: "self_resolution >= 0.55",
            detail: "was 0.61",
        },
        Check {
            status: Status::Fail,
            name: "abandonment <= 0.12 at 95%",
            detail: "was 0.14, 95% CI 0.131–0.149",
        },
        Check {
            status: Status::Pass,
            name: "response_time.bot.p95 <= 3s",
            detail: "was 2.9s",
        },
        Check {
            status: Status::Warn,
            name: "snapshot peak-hour",
            detail: "new snapshot written, not yet accepted",
        },
    ];

    let bot_buttons: &[&str] = &["Track order", "Returns", "Talk to us"];
    let resolved = [
        Message {
            speaker: Speaker::Bot,
            at: 0.6,
            text: "Hi Ana! What can I do for you?",
            buttons: bot_buttons,
            note: None,
        },
        Message {
            speaker: Speaker::Customer,
            at: 21.0,
            text: "Track order",
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Bot,
            at: 21.9,
            text: "Please send your order number (like A123456).",
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Customer,
            at: 48.0,
            text: "A12345",
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Bot,
            at: 48.7,
            text: "Sorry, that doesn't look like an order number.\nIt is a letter and six digits, like A123456.",
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Customer,
            at: 75.0,
            text: "A123456",
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Bot,
            at: 76.4,
            text: "Your order arrives tomorrow.",
            buttons: &["That's all", "Talk to us"],
            note: None,
        },
        Message {
            speaker: Speaker::Customer,
            at: 90.0,
            text: "That's all",
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Event,
            at: 90.6,
            text: "Resolved by the bot",
            buttons: &[],
            note: None,
        },
    ];
    let hostile = [
        Message {
            speaker: Speaker::Bot,
            at: 0.5,
            text: "Hi <b>there</b>! What can I do for you?",
            buttons: bot_buttons,
            note: None,
        },
        Message {
            speaker: Speaker::Customer,
            at: 35.0,
            text: HOSTILE_SCRIPT,
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Bot,
            at: 35.8,
            text: "Sorry, I didn't get that.",
            buttons: bot_buttons,
            note: None,
        },
        Message {
            speaker: Speaker::Customer,
            at: 61.0,
            text: HOSTILE_CONTROLS,
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Customer,
            at: 70.0,
            text: "Talk to us",
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Event,
            at: 70.6,
            text: "Handed off to queue support",
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Agent,
            at: 3795.0,
            text: "Hello, this is Sam from support. How can I help?",
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Customer,
            at: 3840.0,
            text: "Where is my order A123456?",
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Agent,
            at: 3902.0,
            text: "It left our warehouse today and arrives tomorrow.",
            buttons: &[],
            note: None,
        },
        Message {
            speaker: Speaker::Event,
            at: 3903.0,
            text: "Resolved by an agent after 1h 02m in the queue",
            buttons: &[],
            note: None,
        },
    ];

    let funnel_table = Table::new("Per node, in flow order")
        .column("Node")
        .number_column("Entered")
        .number_column("Abandoned")
        .number_column("Lost here")
        .column("Main reason")
        .row(&["welcome", "20,000", "410", "2.1%", "dropped"])
        .row(&["welcome_again", "2,600", "690", "26.5%", "misunderstood"])
        .row(&["ask_order", "11,800", "240", "2.0%", "dropped"])
        .row(&["ask_order_again", "1,900", "380", "20.0%", "misunderstood"])
        .row(&["handoff", "5,400", "1,000", "18.5%", "queue patience"])
        .folded("Funnel as a table");
    let persona_table = Table::new("Per persona")
        .column("Persona")
        .number_column("Conversations")
        .number_column("Self-resolution")
        .number_column("Abandonment")
        .row(&["returning-buyer", "12,000", "68.0%", "11.0%"])
        .row(&["new-lead", "8,000", "50.0%", "19.0%"])
        .row(&[HOSTILE_SCRIPT, "420", "40.0%", "25.0%"])
        .row(&[HOSTILE_ATTRIBUTE, "–", "55.0%", "–"])
        .row(&[HOSTILE_CONTROLS, "0", "–", "–"]);

    Page::new("peak-hour — demo report")
        .lead("Flow acme-support 2.1 · seed 42 · 20 replications · 20,000 conversations")
        .lead("Made-up numbers that show every chart of the HTML report.")
        .summary(&Summary {
            title: "rehearse check scenarios/",
            checks: &checks,
        })
        .section(
            Section::new("Outcomes")
                .chart(&outcomes, "Every conversation ends in exactly one outcome; whiskers show 95% intervals over replications.")
                .chart(&rates, "Rates on a 0–100% scale; whiskers and the grey text give 95% intervals."),
        )
        .section(
            Section::new("Response times")
                .chart(&bot_reply, "Customer message to the bot's reply. Bars: how many replies took that long (area); line: share answered within that time.")
                .chart(&queue_wait, "Time in the agent queue, for everyone who queued."),
        )
        .section(
            Section::new("Funnel")
                .chart(&funnel, "Nodes in flow order; the bar is the customers who reached the node, the striped end those who left there.")
                .table(&funnel_table),
        )
        .section(
            Section::new("Personas and segments")
                .chart(&personas, "One bar per persona, on the same scale; the right column is the self-resolved share.")
                .table(&persona_table),
        )
        .section(
            Section::new("Compare: version B against version A")
                .paragraph("The same 20,000 simulated customers met both versions, so differences are paired.")
                .chart(&differences, "B − A with 95% paired intervals; the verdict accounts for whether higher is better.")
                .chart(&time_differences, "B − A for response times; lower is better.")
                .chart(&transitions, "Each customer's outcome under A (rows) and under B (columns); the outlined diagonal is unchanged."),
        )
        .section(
            Section::new("Sample conversations")
                .transcript(&Transcript {
                    title: "Conversation 17 — self-resolved",
                    messages: &resolved,
                })
                .transcript(&Transcript {
                    title: "Conversation 342 — agent-resolved",
                    messages: &hostile,
                }),
        )
        .render()
}
