//! The HTML report's charts on their own, without a browser: well-formed
//! markup, text alternatives on every chart, escaping of hostile labels,
//! determinism, robustness to odd numbers, and snapshots of small charts.
//! The pages drawn from real reports are tested in tests/html_report.rs.

mod common;

use common::markup::{assert_accessible_chart, elements, text_of};
use proptest::prelude::*;
use rehearse::html::Svg;
use rehearse::html::charts::{
    Bucket, ChartVerdict, Difference, Estimate, FunnelStep, Gate, Group, Marker, NodeMove, Stage,
    Threshold, Transitions, Unit, diverging_bars, durations, funnel, heat_map, interval_bars,
    paired_funnel, small_multiples, stacked_bar, stages, thresholds,
};

/// A label that tries to run a script.
const HOSTILE_SCRIPT: &str = "<script>console.error(\"pwned\")</script>";
/// A label that tries to break out of an attribute.
const HOSTILE_ATTRIBUTE: &str = "vip\"><img src=x onerror=console.error(1)>";
/// A label with an ANSI colour code and a right-to-left override.
const HOSTILE_CONTROLS: &str = "\u{1b}[31mred\u{1b}[0m \u{202e}gnp.exe";

const OUTCOMES: [&str; 5] = [
    "self-resolved",
    "agent-resolved",
    "abandoned in bot",
    "abandoned in queue",
    "unresolved",
];

/// One chart of each kind, from made-up numbers, with hostile labels where
/// a user's file could put them. The report and check pages draw these
/// from real runs (tests/html_report.rs); this is the charts on their own.
fn sample_charts() -> Vec<Svg> {
    let lowers = [0.0, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2];
    let counts = [0, 120, 1850, 6400, 7300, 2900, 980, 310, 95, 30, 8];
    let buckets: Vec<Bucket> = lowers
        .iter()
        .zip(counts)
        .map(|(&lower, count)| Bucket { lower, count })
        .collect();
    vec![
        stacked_bar(
            "Outcomes of 20,000 conversations",
            &[
                Estimate::new("Self-resolved", 0.61).with_ci95(0.598, 0.622),
                Estimate::new("Agent-resolved", 0.22).with_ci95(0.211, 0.229),
                Estimate::new("Abandoned in bot", 0.09).with_ci95(0.084, 0.096),
                Estimate::new("Abandoned in queue", 0.05).with_ci95(0.043, 0.057),
                Estimate::new(HOSTILE_SCRIPT, 0.03).with_ci95(0.027, 0.033),
            ],
        ),
        interval_bars(
            "Rates with 95% intervals",
            Unit::Fraction,
            &[
                Estimate::new("Self-resolution", 0.61).with_ci95(0.598, 0.622),
                Estimate::new(HOSTILE_ATTRIBUTE, 0.27).with_ci95(0.259, 0.281),
                Estimate::new("Response", 0.93),
            ],
        ),
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
        ),
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
                    label: HOSTILE_CONTROLS,
                    entered: 2600,
                    abandoned: 690,
                    reasons: &[("misunderstood", 520), ("dropped", 170)],
                },
                FunnelStep {
                    label: "handoff",
                    entered: 5400,
                    abandoned: 1000,
                    reasons: &[("queue patience", 1000)],
                },
            ],
        ),
        small_multiples(
            "Outcomes per persona",
            &OUTCOMES,
            &[
                Group {
                    label: "returning-buyer",
                    count: Some(12_000),
                    shares: &[0.68, 0.19, 0.07, 0.04, 0.02],
                },
                Group {
                    label: HOSTILE_SCRIPT,
                    count: Some(420),
                    shares: &[0.40, 0.30, 0.15, 0.10, 0.05],
                },
                Group {
                    label: HOSTILE_CONTROLS,
                    count: None,
                    shares: &[],
                },
            ],
        ),
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
        ),
        diverging_bars(
            "Version B − version A, rates",
            Unit::Fraction,
            &[
                Difference {
                    label: "Self-resolution",
                    delta: 0.021,
                    ci95: Some((0.010, 0.032)),
                    verdict: ChartVerdict::Better,
                },
                Difference {
                    label: HOSTILE_ATTRIBUTE,
                    delta: 0.003,
                    ci95: Some((-0.005, 0.011)),
                    verdict: ChartVerdict::NoChange,
                },
            ],
        ),
        diverging_bars(
            "Cost per conversation, B − A",
            Unit::Decimal(4),
            &[
                Difference {
                    label: "Per conversation",
                    delta: -0.0012,
                    ci95: Some((-0.0019, -0.0005)),
                    verdict: ChartVerdict::Better,
                },
                Difference {
                    label: "Escalation (no better side)",
                    delta: 0.0004,
                    ci95: Some((0.0001, 0.0007)),
                    verdict: ChartVerdict::Changed,
                },
                Difference {
                    label: HOSTILE_CONTROLS,
                    delta: 0.0002,
                    ci95: None,
                    verdict: ChartVerdict::NoInterval,
                },
            ],
        ),
        stages(
            "Campaign weekend-sale",
            &[
                Stage {
                    label: "Sent",
                    count: 196_055,
                    of: None,
                },
                Stage {
                    label: "Delivered",
                    count: 190_148,
                    of: Some(0),
                },
                Stage {
                    label: "Read",
                    count: 114_721,
                    of: Some(1),
                },
                Stage {
                    label: HOSTILE_SCRIPT,
                    count: 13_463,
                    of: Some(1),
                },
                Stage {
                    label: "Converted",
                    count: 5_151,
                    of: Some(3),
                },
            ],
        ),
        paired_funnel(
            "The nodes that moved most, A and B",
            &[
                NodeMove {
                    label: "welcome_test",
                    a: Some((6053, 3)),
                    b: None,
                },
                NodeMove {
                    label: "welcome_text",
                    a: Some((2991, 46)),
                    b: Some((6053, 106)),
                },
                NodeMove {
                    label: HOSTILE_ATTRIBUTE,
                    a: None,
                    b: Some((120, 0)),
                },
            ],
        ),
        thresholds(
            "Expectations against their bounds",
            &[
                Threshold {
                    label: "abandonment <= 12%",
                    value: Some(0.14),
                    ci95: Some((0.131, 0.149)),
                    bound: 0.12,
                    passes_below: true,
                    unit: Unit::Fraction,
                    gate: Gate::Fail,
                },
                Threshold {
                    label: HOSTILE_SCRIPT,
                    value: Some(42.0),
                    ci95: None,
                    bound: 40.0,
                    passes_below: false,
                    unit: Unit::Count,
                    gate: Gate::Pass,
                },
            ],
        ),
    ]
}

#[test]
fn every_chart_is_well_formed_with_a_text_alternative() {
    let charts = sample_charts();
    assert_eq!(charts.len(), 11);
    for chart in &charts {
        assert_accessible_chart(chart.as_str());
    }
}

#[test]
fn coordinates_have_at_most_one_decimal() {
    let long_number = regex::Regex::new(r#"="[^"]*\d\.\d\d"#).unwrap();
    for chart in sample_charts() {
        assert!(!long_number.is_match(chart.as_str()), "{}", chart.as_str());
    }
}

#[test]
fn the_same_data_gives_the_same_bytes() {
    assert_eq!(sample_charts(), sample_charts());
}

#[test]
fn hostile_labels_are_shown_as_text() {
    let all: String = sample_charts().iter().map(Svg::as_str).collect();
    assert!(all.contains("&lt;script&gt;console.error(&quot;pwned&quot;)&lt;/script&gt;"));
    assert!(all.contains("vip&quot;&gt;&lt;img src=x onerror=console.error(1)&gt;"));
    assert!(all.contains(r"\u{1b}[31mred\u{1b}[0m \u{202e}gnp.exe"));
    for forbidden in ['\u{1b}', '\u{202e}', '\0'] {
        assert!(!all.contains(forbidden), "{forbidden:?} reached a chart");
    }
    for element in sample_charts()
        .iter()
        .flat_map(|chart| elements(chart.as_str()).unwrap())
    {
        assert!(!["script", "img"].contains(&element.name.as_str()));
        assert!(
            element
                .attributes
                .iter()
                .all(|(name, _)| !name.starts_with("on"))
        );
    }
}

#[test]
fn odd_numbers_and_empty_inputs_still_draw() {
    let nan = f64::NAN;
    let charts = [
        stacked_bar("Empty", &[]),
        stacked_bar(
            "Odd",
            &[
                Estimate::new("nan", nan).with_ci95(nan, 2.0),
                Estimate::new("negative", -0.5),
                Estimate::new("too much", 3.0).with_ci95(4.0, 2.0),
            ],
        ),
        small_multiples(
            "No series",
            &[],
            &[Group {
                label: "g",
                count: None,
                shares: &[0.5],
            }],
        ),
        interval_bars(
            "Seconds",
            Unit::Seconds,
            &[Estimate::new("∞", f64::INFINITY)],
        ),
        diverging_bars(
            "All zero",
            Unit::Fraction,
            &[Difference {
                label: "x",
                delta: 0.0,
                ci95: None,
                verdict: ChartVerdict::NoChange,
            }],
        ),
        durations(
            "One bucket",
            &[Bucket {
                lower: 0.0,
                count: 5,
            }],
            &[Marker {
                label: "p50",
                seconds: -1.0,
            }],
        ),
        funnel(
            "Empty",
            &[FunnelStep {
                label: "a",
                entered: 0,
                abandoned: 3,
                reasons: &[("x", 0)],
            }],
        ),
        stages("No steps", &[]),
        stages(
            "Nothing sent",
            &[
                Stage {
                    label: "Sent",
                    count: 0,
                    of: None,
                },
                Stage {
                    label: "Of a step that is not there",
                    count: 3,
                    of: Some(7),
                },
                Stage {
                    label: "Of an empty step",
                    count: 0,
                    of: Some(0),
                },
            ],
        ),
        paired_funnel(
            "In neither flow",
            &[NodeMove {
                label: "ghost",
                a: None,
                b: None,
            }],
        ),
        paired_funnel(
            "More lost than entered",
            &[NodeMove {
                label: "odd",
                a: Some((0, 5)),
                b: Some((u64::MAX, u64::MAX)),
            }],
        ),
        diverging_bars(
            "Decimals",
            Unit::Decimal(2),
            &[Difference {
                label: "nan",
                delta: nan,
                ci95: Some((f64::NEG_INFINITY, nan)),
                verdict: ChartVerdict::NoInterval,
            }],
        ),
        heat_map(
            "Short counts",
            &Transitions {
                rows_title: "A",
                columns_title: "B",
                rows: &["x", "y"],
                columns: &["x", "y"],
                counts: &[1],
            },
        ),
        thresholds(
            "Not a number",
            &[
                Threshold {
                    label: "nan",
                    value: Some(nan),
                    ci95: Some((nan, f64::INFINITY)),
                    bound: nan,
                    passes_below: true,
                    unit: Unit::Seconds,
                    gate: Gate::Fail,
                },
                Threshold {
                    label: "negative",
                    value: Some(-3.0),
                    ci95: None,
                    bound: -1.0,
                    passes_below: false,
                    unit: Unit::Count,
                    gate: Gate::Pass,
                },
            ],
        ),
    ];
    for chart in &charts {
        elements(chart.as_str()).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !chart.as_str().contains("NaN") && !chart.as_str().contains("inf"),
            "{}",
            chart.as_str()
        );
    }
}

#[test]
fn stages_give_each_step_its_share_of_the_step_it_names() {
    let stage = |label, count, of| Stage { label, count, of };
    let svg = stages(
        "Campaign",
        &[
            stage("Sent", 2000, None),
            stage("Delivered", 1900, Some(0)),
            stage("Read", 950, Some(1)),
            stage("Replied", 190, Some(1)),
        ],
    );
    assert_eq!(
        text_of(svg.as_str(), "desc"),
        "Sent 2,000; Delivered 1,900 (95.0% of sent); Read 950 (50.0% of delivered); Replied 190 (10.0% of delivered)"
    );
    // The bars are as long as the counts: the largest fills the plot.
    assert!(
        svg.as_str()
            .contains(r#"<rect class="flow" x="120" y="8" width="250""#)
    );
    assert!(
        svg.as_str()
            .contains(r#"<rect class="flow" x="120" y="128" width="23.8""#)
    );
}

#[test]
fn the_paired_funnel_gives_both_counts_and_which_flow_lacks_a_node() {
    let svg = paired_funnel(
        "Moved",
        &[
            NodeMove {
                label: "welcome_text",
                a: Some((2991, 46)),
                b: Some((6053, 106)),
            },
            NodeMove {
                label: "welcome_test",
                a: Some((6053, 3)),
                b: None,
            },
        ],
    );
    let svg = svg.as_str();
    assert_eq!(
        text_of(svg, "desc"),
        "welcome_text: A 2,991 entered, 46 left; B 6,053 entered, 106 left; welcome_test: A 6,053 entered, 3 left; not in B&#39;s flow"
    );
    assert!(svg.contains(">2,991 → 6,053<"));
    assert!(svg.contains(">+3,062 · left +60<"));
    assert!(svg.contains(">6,053 → –<"));
    assert!(svg.contains(">removed in B<"));
    assert!(svg.contains(">not in B&#39;s flow<"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any label and any number give well-formed, escaped SVG.
    #[test]
    fn any_label_and_number_give_well_formed_charts(
        label in any::<String>(),
        value in any::<f64>(),
        count in any::<u64>(),
    ) {
        let estimates = [Estimate::new(&label, value).with_ci95(value, value * 2.0)];
        let charts = [
            stacked_bar(&label, &estimates),
            interval_bars(&label, Unit::Fraction, &estimates),
            interval_bars(&label, Unit::Seconds, &estimates),
            small_multiples(&label, &[label.as_str()], &[Group { label: &label, count: Some(count), shares: &[value] }]),
            diverging_bars(&label, Unit::Seconds, &[Difference { label: &label, delta: value, ci95: None, verdict: ChartVerdict::Worse }]),
            durations(&label, &[Bucket { lower: value, count }], &[Marker { label: &label, seconds: value }]),
            funnel(&label, &[FunnelStep { label: &label, entered: count, abandoned: count / 2, reasons: &[(&label, count)] }]),
            heat_map(&label, &Transitions { rows_title: &label, columns_title: &label, rows: &[&label], columns: &[&label], counts: &[count] }),
            thresholds(&label, &[Threshold { label: &label, value: Some(value), ci95: Some((value, -value)), bound: value * 0.5, passes_below: count % 2 == 0, unit: Unit::Count, gate: Gate::Inconclusive }]),
            interval_bars(&label, Unit::Decimal(4), &estimates),
            diverging_bars(&label, Unit::Decimal(2), &[Difference { label: &label, delta: value, ci95: Some((value, -value)), verdict: ChartVerdict::Changed }]),
            stages(&label, &[Stage { label: &label, count, of: None }, Stage { label: &label, count: count / 3, of: Some(0) }]),
            paired_funnel(&label, &[NodeMove { label: &label, a: Some((count, count / 2)), b: Some((count / 2, count)) }]),
        ];
        for chart in &charts {
            prop_assert!(elements(chart.as_str()).is_ok(), "{}", chart.as_str());
            prop_assert!(!chart.as_str().chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        }
    }
}

/// One element per line, so a snapshot diff shows what moved.
fn lines(svg: &Svg) -> String {
    svg.as_str().replace("><", ">\n<")
}

#[test]
fn snapshot_stacked_bar() {
    let svg = stacked_bar(
        "Outcomes",
        &[
            Estimate::new("Self-resolved", 0.6).with_ci95(0.58, 0.62),
            Estimate::new("Agent-resolved", 0.3).with_ci95(0.28, 0.32),
            Estimate::new("Abandoned", 0.1),
        ],
    );
    insta::assert_snapshot!(lines(&svg));
}

#[test]
fn snapshot_funnel() {
    let svg = funnel(
        "Funnel",
        &[
            FunnelStep {
                label: "welcome",
                entered: 1000,
                abandoned: 50,
                reasons: &[("dropped", 30), ("bot silence", 20)],
            },
            FunnelStep {
                label: "ask_order",
                entered: 700,
                abandoned: 0,
                reasons: &[],
            },
            FunnelStep {
                label: "handoff",
                entered: 300,
                abandoned: 120,
                reasons: &[("queue patience", 120)],
            },
        ],
    );
    insta::assert_snapshot!(lines(&svg));
}

#[test]
fn snapshot_durations() {
    let buckets = [
        Bucket {
            lower: 0.0,
            count: 2,
        },
        Bucket {
            lower: 0.5,
            count: 10,
        },
        Bucket {
            lower: 1.0,
            count: 6,
        },
        Bucket {
            lower: 2.0,
            count: 2,
        },
    ];
    let svg = durations(
        "Bot reply",
        &buckets,
        &[
            Marker {
                label: "p50",
                seconds: 0.9,
            },
            Marker {
                label: "p90",
                seconds: 2.1,
            },
        ],
    );
    insta::assert_snapshot!(lines(&svg));
}
