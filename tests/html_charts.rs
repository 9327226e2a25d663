//! The HTML report's charts and page, without a browser: well-formed markup,
//! text alternatives on every chart, escaping of hostile names, determinism,
//! robustness to odd numbers, and snapshots of small charts.

use proptest::prelude::*;
use rehearse::html::charts::{
    Bucket, Difference, Estimate, FunnelStep, Group, Marker, Transitions, Unit, Verdict,
    diverging_bars, durations, funnel, heat_map, interval_bars, small_multiples, stacked_bar,
};
use rehearse::html::{Svg, demo};

/// An element as the checker saw it: its name and attributes.
#[derive(Debug)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
}

/// Checks that `markup` is well-formed in the XML sense (every tag closed in
/// order, attributes quoted, `<` and `&` only as markup or entities) and
/// returns its elements in document order. A doctype and comments are
/// skipped. This is all the page promises, so a tiny checker is enough and
/// needs no XML crate.
fn elements(markup: &str) -> Result<Vec<Element>, String> {
    let bytes = markup.as_bytes();
    let mut open: Vec<String> = Vec::new();
    let mut found = Vec::new();
    let mut i = 0;
    let error = |at: usize, what: &str| {
        let start = at.saturating_sub(40);
        let context = markup
            .get(start..(at + 40).min(markup.len()))
            .unwrap_or("?");
        Err(format!("{what} at byte {at}: …{context}…"))
    };
    let name_end = |from: usize| {
        let mut end = from;
        while end < bytes.len()
            && (bytes[end].is_ascii_alphanumeric() || b"-_:".contains(&bytes[end]))
        {
            end += 1;
        }
        end
    };
    while i < bytes.len() {
        match bytes[i] {
            b'&' => {
                let rest = &markup[i + 1..];
                let end = rest.find(';').filter(|&e| e > 0 && e <= 10);
                let entity = end.map(|e| &rest[..e]);
                let valid = entity.is_some_and(|e| {
                    e.bytes().all(|b| b.is_ascii_alphanumeric())
                        || e.strip_prefix('#')
                            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
                });
                if !valid {
                    return error(i, "bare &");
                }
                i += 1;
            }
            b'<' if markup[i..].starts_with("<!--") => {
                let Some(end) = markup[i..].find("-->") else {
                    return error(i, "unclosed comment");
                };
                i += end + 3;
            }
            b'<' if markup[i..].starts_with("<!DOCTYPE") => {
                let Some(end) = markup[i..].find('>') else {
                    return error(i, "unclosed doctype");
                };
                i += end + 1;
            }
            b'<' if markup[i..].starts_with("</") => {
                let end = name_end(i + 2);
                let name = &markup[i + 2..end];
                if bytes.get(end) != Some(&b'>') {
                    return error(i, "malformed end tag");
                }
                match open.pop() {
                    Some(top) if top == name => {}
                    top => return error(i, &format!("</{name}> closes {top:?}")),
                }
                i = end + 1;
            }
            b'<' => {
                let end = name_end(i + 1);
                let name = markup[i + 1..end].to_string();
                if name.is_empty() {
                    return error(i, "bare <");
                }
                let mut attributes = Vec::new();
                let mut j = end;
                loop {
                    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    match bytes.get(j) {
                        Some(b'>') => {
                            open.push(name.clone());
                            j += 1;
                            break;
                        }
                        Some(b'/') if bytes.get(j + 1) == Some(&b'>') => {
                            j += 2;
                            break;
                        }
                        Some(_) => {
                            let attr_end = name_end(j);
                            if attr_end == j || !markup[attr_end..].starts_with("=\"") {
                                return error(j, "attribute without a quoted value");
                            }
                            let value_start = attr_end + 2;
                            let Some(len) = markup[value_start..].find('"') else {
                                return error(j, "unclosed attribute value");
                            };
                            let value = &markup[value_start..value_start + len];
                            if value.contains('<') {
                                return error(j, "< in an attribute value");
                            }
                            attributes.push((markup[j..attr_end].to_string(), value.to_string()));
                            j = value_start + len + 1;
                        }
                        None => return error(i, "unclosed tag"),
                    }
                }
                found.push(Element { name, attributes });
                i = j;
            }
            _ => i += 1,
        }
    }
    match open.pop() {
        None => Ok(found),
        Some(name) => Err(format!("<{name}> never closed")),
    }
}

/// The text between `<tag>` and `</tag>` of the first such element.
fn text_of<'a>(markup: &'a str, tag: &str) -> &'a str {
    let start = markup.find(&format!("<{tag}>")).map(|s| s + tag.len() + 2);
    let end = markup.find(&format!("</{tag}>"));
    match (start, end) {
        (Some(start), Some(end)) if start <= end => &markup[start..end],
        _ => "",
    }
}

fn assert_accessible(svg: &Svg) {
    let markup = svg.as_str();
    let elements = elements(markup).unwrap_or_else(|e| panic!("{e}\n{markup}"));
    let root = &elements[0];
    assert_eq!(root.name, "svg");
    let attribute = |name: &str| {
        root.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} on {markup}"))
    };
    assert_eq!(attribute("role"), "img");
    let label = attribute("aria-label");
    assert!(!label.is_empty());
    // The title is the first child and says the same as the label.
    assert_eq!(elements[1].name, "title");
    assert_eq!(text_of(markup, "title"), label);
    assert_eq!(elements[2].name, "desc");
    let desc = text_of(markup, "desc");
    assert!(
        desc.chars().any(|c| c.is_ascii_digit()),
        "desc states no number: {desc}"
    );
    // Something is drawn.
    assert!(
        elements
            .iter()
            .filter(|e| ["rect", "line", "polyline"].contains(&e.name.as_str()))
            .count()
            >= 3
    );
}

#[test]
fn every_demo_chart_is_well_formed_with_a_text_alternative() {
    let charts = demo::charts();
    assert_eq!(charts.len(), 9);
    for chart in &charts {
        assert_accessible(chart);
    }
}

#[test]
fn coordinates_have_at_most_one_decimal() {
    let long_number = regex::Regex::new(r#"="[^"]*\d\.\d\d"#).unwrap();
    for chart in demo::charts() {
        assert!(!long_number.is_match(chart.as_str()), "{}", chart.as_str());
    }
}

#[test]
fn the_same_data_gives_the_same_bytes() {
    assert_eq!(demo::charts(), demo::charts());
    assert_eq!(demo::page(), demo::page());
}

#[test]
fn the_page_is_well_formed_and_self_contained() {
    let page = demo::page();
    let elements = elements(&page).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = elements.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names.iter().filter(|&&n| n == "svg").count(),
        10,
        "nine charts and the pattern definitions"
    );
    for element in &elements {
        for (name, value) in &element.attributes {
            assert!(
                !name.starts_with("on"),
                "event handler {name} on <{}>",
                element.name
            );
            assert!(
                !value.contains("://") || name == "xmlns",
                "external reference {name}={value}"
            );
        }
        assert!(
            !["script", "img", "link", "iframe", "object", "embed"]
                .contains(&element.name.as_str()),
            "<{}> in the page",
            element.name
        );
    }
    // Tables name their headers' scope.
    for element in elements.iter().filter(|e| e.name == "th") {
        assert!(
            element
                .attributes
                .iter()
                .any(|(n, v)| n == "scope" && (v == "col" || v == "row"))
        );
    }
    assert!(page.contains("Content-Security-Policy"));
}

#[test]
fn hostile_names_are_shown_as_text() {
    let page = demo::page();
    assert!(page.contains("&lt;script&gt;console.error(&quot;pwned&quot;)&lt;/script&gt;"));
    assert!(page.contains("vip&quot;&gt;&lt;img src=x onerror=console.error(1)&gt;"));
    assert!(page.contains(r"\u{1b}[31mred\u{1b}[0m \u{202e}gnp.exe"));
    for forbidden in ['\u{1b}', '\u{202e}', '\0'] {
        assert!(!page.contains(forbidden), "{forbidden:?} reached the page");
    }
}

#[test]
fn failures_come_first_in_the_summary() {
    let page = demo::page();
    let fail = page.find("✗ FAIL").unwrap();
    let warn = page.find("! WARN").unwrap();
    let pass = page.find("✓ PASS").unwrap();
    assert!(fail < warn && warn < pass);
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
                verdict: Verdict::NoChange,
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
            diverging_bars(&label, Unit::Seconds, &[Difference { label: &label, delta: value, ci95: None, verdict: Verdict::Worse }]),
            durations(&label, &[Bucket { lower: value, count }], &[Marker { label: &label, seconds: value }]),
            funnel(&label, &[FunnelStep { label: &label, entered: count, abandoned: count / 2, reasons: &[(&label, count)] }]),
            heat_map(&label, &Transitions { rows_title: &label, columns_title: &label, rows: &[&label], columns: &[&label], counts: &[count] }),
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
