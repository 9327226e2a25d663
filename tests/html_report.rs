//! The HTML pages drawn from real runs, without a browser: every bundled
//! scenario's run page (with the outreach sections where the scenario sends
//! messages first), a live run's page, a page of several scenarios, sample
//! conversations, a scenario whose names are hostile, a `check` page with
//! failures, and the `compare` page of the shop's two flows.
//! Each page must be well-formed and self-contained, give every chart a
//! text alternative, link only to anchors it has, nest its headings, show a
//! section exactly for the blocks the report has, and be the same bytes for
//! the same report. Whole pages are snapshot-tested in tests/renderers.rs
//! (a run) and tests/compare.rs (a comparison); tests/html_browser.rs opens
//! these pages in Chromium.

mod common;

use std::collections::HashSet;
use std::path::PathBuf;

use common::hostile;
use common::markup::{assert_accessible_chart, elements};
use rehearse::check::snapshot::{self, SnapshotState};
use rehearse::check::{CheckReport, Diff, ScenarioCheck, SnapshotCheck, check_expectations};
use rehearse::html::format::{percent, thousands};
use rehearse::report::transcript::Filter;
use rehearse::report::{Style, render_to_string};
use rehearse::{Format, Report, RunOptions, Scenario, simulate};

/// The page of `reports`, as `run --format html` writes it.
fn page(reports: &[Report]) -> String {
    render_to_string(reports, Format::Html, Style::default())
}

/// Every `<svg class="chart" …>…</svg>` of a page.
fn charts(page: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("<svg xmlns=") {
        let end = rest[start..].find("</svg>").expect("a closed chart") + start + "</svg>".len();
        found.push(&rest[start..end]);
        rest = &rest[end..];
    }
    found
}

/// What every page promises, whatever it shows; returns its `<h2>` and
/// `<h3>` headings' texts in order, for the caller's own checks.
fn check_page(page: &str) -> Vec<String> {
    let elements = elements(page).unwrap_or_else(|e| panic!("{e}"));
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>"
    ));
    let mut ids = HashSet::new();
    let mut links = Vec::new();
    let mut level = 1;
    for element in &elements {
        assert!(
            !["script", "img", "link", "iframe", "object", "embed", "form"]
                .contains(&element.name.as_str()),
            "<{}> in the page",
            element.name
        );
        for (name, value) in &element.attributes {
            assert!(!name.starts_with("on"), "{name} on <{}>", element.name);
            assert!(
                !value.contains("://") || name == "xmlns",
                "external reference {name}={value}"
            );
        }
        if let Some(id) = element.attribute("id") {
            assert!(ids.insert(id.to_string()), "id {id} twice");
        }
        if let Some(href) = element.attribute("href") {
            links.push(href.to_string());
        }
        if element.name == "th" {
            assert!(
                matches!(element.attribute("scope"), Some("row" | "col")),
                "<th> without a scope"
            );
        }
        // Headings go down one level at a time.
        if let Some(n) = element
            .name
            .strip_prefix('h')
            .and_then(|n| n.parse::<usize>().ok())
        {
            assert!(n <= level + 1, "<h{n}> under <h{level}>");
            level = n;
        }
    }
    for link in &links {
        let target = link
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("link {link}"));
        assert!(
            ids.contains(target),
            "link to #{target}, which is not there"
        );
    }
    let found = charts(page);
    for chart in &found {
        assert_accessible_chart(chart);
    }
    // The pattern definitions and the charts are the page's only <svg>s.
    let svgs = elements.iter().filter(|e| e.name == "svg").count();
    assert_eq!(svgs, found.len() + 1, "charts and the pattern definitions");
    let headings = regex::Regex::new(r#"<h[23] id="[^"]*">([^<]*)</h[23]>"#).unwrap();
    headings
        .captures_iter(page)
        .map(|c| c[1].to_string())
        .collect()
}

fn bundled() -> Vec<(PathBuf, Scenario)> {
    let mut files: Vec<PathBuf> = [
        "shop/peak-hour",
        "shop/weekend-sale",
        "bank/lunchtime-peak",
        "clinic/monday-8am",
        "clinic/weekday",
        "clinic/reminders",
        "telecom/evening",
    ]
    .iter()
    .map(|name| common::root().join(format!("scenarios/{name}.yaml")))
    .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let scenario = common::load(&file);
            (file, scenario)
        })
        .collect()
}

#[test]
fn every_bundled_scenario_gets_a_complete_page() {
    for (file, scenario) in bundled() {
        let report = common::report(&scenario);
        let html = page(std::slice::from_ref(&report));
        let headings = check_page(&html);
        let name = file.display();
        // A section exactly for each block the report has.
        let has = |heading: &str| headings.iter().any(|h| h == heading);
        for heading in [
            "At a glance",
            "Outcomes",
            "Response times",
            "Funnel",
            "Personas",
        ] {
            assert!(has(heading), "{name}: no {heading}");
        }
        assert_eq!(has("Satisfaction (CSAT)"), report.csat.is_some(), "{name}");
        assert_eq!(has("Conversion"), !report.conversion.is_empty(), "{name}");
        assert_eq!(has("Agent queues"), !report.queues.is_empty(), "{name}");
        assert_eq!(has("Segments"), !report.segments.is_empty(), "{name}");
        assert_eq!(has("A/B variants"), !report.variants.is_empty(), "{name}");
        assert_eq!(has("Campaigns"), !report.campaigns.is_empty(), "{name}");
        assert_eq!(has("Follow-ups"), !report.follow_ups.is_empty(), "{name}");
        assert_eq!(has("Compliance"), report.compliance.is_some(), "{name}");
        assert_eq!(has("Retention"), report.retention.is_some(), "{name}");
        assert_eq!(has("Cost"), report.cost.is_some(), "{name}");
        assert!(!has("Live run"), "{name}");
        assert!(!has("Sample conversations"), "{name}");
        // Every node is in the funnel, every persona in its chart.
        let found = charts(&html);
        let funnel = found
            .iter()
            .find(|c| c.contains("aria-label=\"Where customers leave the flow\""))
            .expect("a funnel chart");
        for node in report.funnel.keys() {
            assert!(funnel.contains(&format!("{node}: ")), "{name}: {node}");
        }
        let personas = found
            .iter()
            .find(|c| c.contains("aria-label=\"Outcomes per persona\""))
            .expect("a persona chart");
        for persona in report.personas.keys() {
            assert!(personas.contains(persona.as_str()), "{name}: {persona}");
        }
        // A distribution chart for every timer that measured something,
        // with its p50, p90 and p99 marked.
        let measured = [
            &report.response_time.bot,
            &report.response_time.agent_first_response,
            &report.response_time.queue_wait,
            &report.response_time.resolution,
        ]
        .iter()
        .filter(|stats| stats.p50.is_some())
        .count();
        let distributions: Vec<&&str> = found
            .iter()
            .filter(|c| {
                [
                    "Bot reply time",
                    "Agent first response",
                    "Queue wait",
                    "Time to resolution",
                ]
                .iter()
                .any(|title| c.contains(&format!("aria-label=\"{title}\"")))
            })
            .collect();
        assert_eq!(distributions.len(), measured, "{name}");
        // With several queues, each queue's wait has its own chart too.
        let queue_charts = found
            .iter()
            .filter(|c| c.contains("aria-label=\"Wait in "))
            .count();
        let waited = report
            .queues
            .values()
            .filter(|queue| queue.wait.p50.is_some())
            .count();
        let expected = if report.queues.len() > 1 { waited } else { 0 };
        assert_eq!(queue_charts, expected, "{name}");
        for chart in distributions {
            assert!(
                chart.contains("; p90 ") && chart.contains("; p99 "),
                "{name}"
            );
        }
        // Rates and outcomes with their intervals.
        let ci95 = report.ci95.as_ref().expect("bundled scenarios replicate");
        let [low, high] = ci95.rates["self_resolution"];
        assert!(
            html.contains(&format!(
                "Self-resolution {:.1}% (95% CI {:.1}%–{:.1}%)",
                report.rates.get(rehearse::metric::Rate::SelfResolution) * 100.0,
                low * 100.0,
                high * 100.0
            )),
            "{name}"
        );
        // The same report, the same bytes.
        assert_eq!(html, page(&[report]), "{name}");
    }
}

/// `4,757.30`: an amount with its thousands grouped, as the page prints it.
fn money(amount: f64) -> String {
    // Rounded as `{:.2}` rounds the number itself: 4757.325 is stored just
    // below, so it shows 4,757.32 (scaling by 100 first would round it up).
    let fixed = format!("{amount:.2}");
    let (whole, cents) = fixed.split_once('.').unwrap();
    format!("{}.{cents}", thousands(whole.parse().unwrap()))
}

/// `60.3%` of `part / whole`.
fn percent_of(part: u64, whole: u64) -> String {
    percent(part as f64 / whole as f64)
}

/// The chart whose accessible name is `title`.
fn chart<'a>(page: &'a str, title: &str) -> &'a str {
    charts(page)
        .into_iter()
        .find(|c| c.contains(&format!("aria-label=\"{title}\"")))
        .unwrap_or_else(|| panic!("no chart {title}"))
}

#[test]
fn the_weekend_sale_shows_its_campaign_follow_ups_retention_and_cost() {
    let report = common::report(&common::load(
        &common::root().join("scenarios/shop/weekend-sale.yaml"),
    ));
    let html = page(std::slice::from_ref(&report));
    check_page(&html);
    // The campaign's funnel, each step with its share of the step it is
    // read against: open and response rates are of delivered messages.
    let sale = &report.campaigns["weekend-sale"];
    assert!(sale.refused > 0 && sale.converted > 0);
    let funnel = chart(&html, "Campaign weekend-sale");
    assert!(
        funnel.contains(&format!(
            "<desc>Sent {}; Delivered {} ({} of sent); Read {} ({} of delivered); Replied {} ({} of delivered); Converted {} ({} of replied)</desc>",
            thousands(sale.sent),
            thousands(sale.delivered),
            percent_of(sale.delivered, sale.sent),
            thousands(sale.read),
            percent_of(sale.read, sale.delivered),
            thousands(sale.replied),
            percent_of(sale.replied, sale.delivered),
            thousands(sale.converted),
            percent_of(sale.converted, sale.replied),
        )),
        "{funnel}"
    );
    assert_eq!(
        percent_of(sale.read, sale.delivered),
        format!("{:.1}%", sale.open_rate * 100.0)
    );
    assert!(html.contains(&format!(
        "weekend-sale: {} refused by WhatsApp (never sent), {} opted out of marketing",
        thousands(sale.refused),
        thousands(sale.opted_out)
    )));
    // One follow-up funnel per node, ending in the customers recovered.
    for (node, sends) in &report.follow_ups {
        let funnel = chart(&html, &format!("Follow-up at {node}"));
        let recovered = sends.recovered.expect("follow-ups count recoveries");
        assert!(
            funnel.contains(&format!(
                "Recovered {} ({} of replied)</desc>",
                thousands(recovered),
                percent_of(recovered, sends.replied)
            )),
            "{funnel}"
        );
    }
    // Refusals, retention and cost as the report has them.
    let compliance = report.compliance.unwrap();
    assert!(html.contains(&format!(
        "<dt>Not opted in</dt><dd>{}",
        thousands(compliance.not_opted_in)
    )));
    assert_eq!(compliance.not_opted_in, sale.refused);
    let retention = report.retention.unwrap();
    assert!(chart(&html, "Customers who came back").contains(&format!(
        "<desc>Within 7 days {:.1}%; Within 30 days {:.1}%</desc>",
        retention.d7 * 100.0,
        retention.d30 * 100.0
    )));
    let cost = report.cost.as_ref().unwrap();
    assert!(html.contains(&format!(
        "<dt>Total</dt><dd>{} {}<small>over 10 replications, prices of {}</small>",
        money(cost.total),
        cost.currency,
        cost.as_of
    )));
    assert!(html.contains(&format!(
        "<dt>Per conversation</dt><dd>{:.4} {}",
        cost.per_conversation, cost.currency
    )));
    let by_category = chart(&html, &format!("Cost by category, {}", cost.currency));
    for (category, amount) in &cost.by_category {
        assert!(
            by_category.contains(&format!("{category} {}", money(*amount))),
            "{category}: {by_category}"
        );
    }
}

#[test]
fn the_clinic_reminders_draw_one_funnel_per_campaign() {
    let report = common::report(&common::load(
        &common::root().join("scenarios/clinic/reminders.yaml"),
    ));
    let html = page(std::slice::from_ref(&report));
    let found = charts(&html);
    let campaigns: Vec<&&str> = found
        .iter()
        .filter(|c| c.contains("aria-label=\"Campaign "))
        .collect();
    assert_eq!(campaigns.len(), report.campaigns.len());
    assert_eq!(campaigns.len(), 2);
    for name in report.campaigns.keys() {
        chart(&html, &format!("Campaign {name}"));
    }
    // No persona returns and no follow-up: their sections are absent.
    assert!(report.retention.is_none() && report.follow_ups.is_empty());
    assert!(!html.contains(">Retention</h2>") && !html.contains(">Follow-ups</h2>"));
}

#[test]
fn a_live_run_shows_what_became_of_its_customers_and_no_funnel() {
    use rehearse::report::live::{BotCalls, Customers, Live, Stopped, Webhooks};
    let mut report = common::report(&common::load(
        &common::root().join("scenarios/bank/lunchtime-peak.yaml"),
    ));
    // What `rehearse live` gives: its own block, and no funnel (the bot's
    // nodes are not known).
    report.funnel.clear();
    report.live = Some(Live {
        bot: "http://127.0.0.1:8080/webhook".to_string(),
        speed: 60.0,
        concurrency: 64,
        stopped: Stopped::Interrupted,
        partial: true,
        customers: Customers {
            started: 1000,
            counted: 900,
            warm_up: 50,
            lost: 30,
            cut_off: 20,
            delayed: 7,
        },
        abandoned: Default::default(),
        bot_calls: BotCalls {
            messages: 4000,
            marked_read: 3900,
            malformed: 2,
            late: 1,
        },
        errors: [(131_009, 2)].into_iter().collect(),
        webhooks: Webhooks {
            delivered: 7900,
            retries: 12,
            failed: 30,
            timeouts: 4,
            oversized: 0,
        },
    });
    let html = page(std::slice::from_ref(&report));
    let headings = check_page(&html);
    assert_eq!(headings[0], "Live run", "{headings:?}");
    assert!(!headings.iter().any(|h| h == "Funnel"));
    assert!(!html.contains("No customer left the flow"));
    assert!(html.contains(
        "<p>Partial report: the run was interrupted, the bot never took the message of 30 customers, 20 conversations were still going when it stopped; they are not in the outcomes.</p>"
    ));
    assert!(chart(&html, "What became of 1,000 customers").contains(
        "<desc>Counted 90.0%; Warm-up 5.0%; Lost to bot failures 3.0%; Cut off 2.0%</desc>"
    ));
    assert!(html.contains("<th scope=\"row\">API errors</th><td>131009 ×2</td>"));
}

/// The shop's version 1.3 against 1.2, on 10 paired replications: enough
/// for the primary metrics, judged together, to move both ways (on 4, only
/// the slower bot clears Holm's correction).
fn shop_comparison() -> rehearse::compare::Comparison {
    let shop = common::root().join("scenarios/shop/peak-hour.yaml");
    let v2 = common::root().join("scenarios/shop/flow-v2.yaml");
    let (a, _) = rehearse::Loader::new().scenario(&shop).unwrap();
    let (b, _) = rehearse::Loader::new()
        .with_flow_file(&v2)
        .scenario(&shop)
        .unwrap();
    let options = RunOptions::new().replications(10).unwrap();
    rehearse::compare(&a, &b, &options, &|| {})
        .unwrap()
        .labelled("flow.yaml", "flow-v2.yaml")
}

#[test]
fn the_compare_page_gives_the_verdict_first_then_where_and_for_whom() {
    use rehearse::compare::{Presence, render_html};
    use rehearse::html::format::percentage_points;
    use rehearse::metric::{Outcome, Rate};
    let comparison = shop_comparison();
    let html = render_html(&comparison);
    let headings = check_page(&html);
    assert!(
        headings[0].starts_with("Verdict: B is better on "),
        "{headings:?}"
    );
    assert_eq!(
        headings[1..],
        [
            "A and B side by side",
            "Differences, B − A",
            "Customers whose outcome changed",
            "Funnel: the nodes that moved most",
            "Personas",
            "Segments",
            "A/B variants",
        ]
    );
    // The verdict box comes first: every metric significantly worse, then
    // every one better (a timer's statistics share a line).
    let verdict = &html[html.find("<section class=\"summary").unwrap()..];
    let verdict = &verdict[..verdict.find("</section>").unwrap()];
    assert!(html.find(verdict).unwrap() < html.find("<main>").unwrap());
    let line_of = |metric: &str| {
        let shown = match metric.strip_prefix("response_time.") {
            Some(rest) => format!("response_time.{}", rest.split('.').next().unwrap()),
            None => metric.strip_prefix("rates.").unwrap_or(metric).to_string(),
        };
        verdict
            .find(&format!("<span class=\"name\">{shown}"))
            .unwrap_or_else(|| panic!("{metric} is not in the verdict box:\n{verdict}"))
    };
    let (worse, better) = (&comparison.summary.worse, &comparison.summary.better);
    assert!(
        !worse.is_empty() && !better.is_empty(),
        "the example moves both ways"
    );
    let last_worse = worse.iter().map(|m| line_of(m)).max().unwrap();
    let first_better = better.iter().map(|m| line_of(m)).min().unwrap();
    assert!(last_worse < first_better);
    assert_eq!(
        verdict.matches("▼ worse").count() + verdict.matches("▲ better").count(),
        verdict.matches("<li>").count()
    );
    // Each rate's change, interval and verdict, as the comparison has them.
    let rates = chart(&html, "Rates: B − A");
    for rate in Rate::ALL {
        let change = comparison.change(&rehearse::Metric::Rate(rate)).unwrap();
        let [low, high] = change.ci95.unwrap();
        let stated = format!(
            "{} {} (95% CI {} to {}), ",
            change.metric.trim_start_matches("rates.").replace('_', "-"),
            percentage_points(change.difference.unwrap()),
            percentage_points(low),
            percentage_points(high)
        );
        assert!(rates.contains(&stated), "{stated} not in {rates}");
    }
    // A and B side by side, from each version's report.
    for (letter, version) in [("A", &comparison.a), ("B", &comparison.b)] {
        let bar = chart(
            &html,
            &format!(
                "{letter}: outcomes of {} conversations",
                thousands(version.report.conversations)
            ),
        );
        assert!(bar.contains(&format!(
            "Self-resolved {:.1}%",
            version.report.outcomes.get(rehearse::metric::Outcome::SelfResolved) * 100.0
        )));
    }
    // Customer by customer: every cell of the transition table.
    let transitions = &comparison.transitions;
    let heat = chart(&html, "Outcome per customer: under A → under B");
    assert!(heat.contains(&format!("{} in all", thousands(comparison.conversations))));
    let self_resolved = transitions.count(Outcome::SelfResolved, Outcome::SelfResolved);
    assert!(heat.contains(&format!(
        "Self-resolved → Self-resolved: {}",
        thousands(self_resolved)
    )));
    assert!(html.contains(&format!(
        "{} self-resolved under A only, {} under B only",
        thousands(transitions.mcnemar.lost),
        thousands(transitions.mcnemar.gained)
    )));
    // The funnel: the node that moved most first, with both counts; a node
    // B removed says so.
    let moved = chart(&html, "The nodes that moved most, A and B");
    let first = &comparison.funnel[0];
    assert!(
        moved.contains(&format!("<desc>{}: ", first.node)),
        "{moved}"
    );
    let removed = comparison
        .funnel
        .iter()
        .find(|node| node.presence == Presence::Vanished)
        .expect("version 1.3 removes the welcome test");
    assert!(moved.contains(&format!("{}: A ", removed.node)));
    assert!(moved.contains("not in B&#39;s flow"));
    // Who: every persona's self-resolution change.
    let personas = chart(&html, "Self-resolution per persona: B − A");
    for persona in comparison.groups.personas.keys() {
        assert!(personas.contains(&format!("{persona} ")), "{persona}");
    }
    assert_eq!(
        html,
        render_html(&comparison),
        "the same comparison, the same bytes"
    );
}

#[test]
fn the_page_does_not_depend_on_the_thread_count() {
    let scenario = common::load(&common::root().join("scenarios/clinic/monday-8am.yaml"));
    let run = |threads| {
        page(&[simulate(&scenario, &RunOptions::new().threads(threads), &|| {}).into_report()])
    };
    assert_eq!(run(1), run(3));
}

fn hostile() -> Scenario {
    let dir = common::write_files(
        "html-hostile",
        &[
            ("flow.yaml", hostile::FLOW),
            ("personas.yaml", hostile::PERSONAS),
            ("scenario.yaml", hostile::SCENARIO),
        ],
    );
    common::load(&dir.join("scenario.yaml"))
}

/// Asserts that nothing hostile reached `html` as markup or as an invisible
/// character.
fn assert_defused(html: &str) {
    for forbidden in [
        "<script", "<img", "<b>", "<i>", "<split>", "<goal>", "<queue>",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} reached the page");
    }
    for forbidden in ['\u{1b}', '\u{202e}', '\0'] {
        assert!(!html.contains(forbidden), "{forbidden:?} reached the page");
    }
}

#[test]
fn hostile_names_and_messages_are_shown_as_text() {
    let options = RunOptions::new().transcripts(3, Filter::Any);
    let report = simulate(&hostile(), &options, &|| {}).into_report();
    assert_eq!(report.transcripts.len(), 3);
    let html = page(&[report]);
    check_page(&html);
    assert_defused(&html);
    // Shown, escaped, in the title, the charts, the tables and the chat.
    for shown in [
        "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>",
        "Flow &lt;script&gt;alert(&#39;flow&#39;)&lt;/script&gt; &quot;&gt;&lt;b&gt;2&lt;/b&gt;",
        "&lt;script&gt;console.error(&#39;persona&#39;)&lt;/script&gt;",
        "vip&quot;&gt;&lt;img src=x onerror=console.error(1)&gt;",
        r"\u{1b}[31mred\u{1b}[0m \u{202e}gnp.exe",
        r"bought\u{202e}gnp",
        "&lt;queue&gt;",
        "&lt;goal&gt;",
        "<li>&lt;i&gt;Buy&lt;/i&gt;</li>",
        "Hi &lt;b&gt;",
    ] {
        assert!(html.contains(shown), "{shown} is not on the page");
    }
}

#[test]
fn transcripts_are_chat_bubbles_with_times() {
    let scenario = common::load(&common::root().join("scenarios/shop/peak-hour.yaml"));
    let options = RunOptions::new()
        .replications(1)
        .unwrap()
        .transcripts(2, Filter::parse("abandoned_in_bot"));
    let report = simulate(&scenario, &options, &|| {}).into_report();
    let html = page(std::slice::from_ref(&report));
    let headings = check_page(&html);
    assert!(headings.iter().any(|h| h == "Sample conversations"));
    assert_eq!(html.matches("<ol class=\"chat\"").count(), 2);
    for sample in &report.transcripts {
        // Every line is a bubble, with the opening and the ending as notes.
        let bubbles = sample.lines.len() + 2;
        let ending = format!("at {}", sample.node);
        assert!(html.contains(&ending), "{ending}");
        assert!(bubbles >= 3);
    }
    let bubbles = html.matches("<li class=\"msg ").count();
    let lines: usize = report.transcripts.iter().map(|t| t.lines.len() + 2).sum();
    assert_eq!(bubbles, lines);
    assert_eq!(html.matches("<time datetime=\"PT").count(), lines);
    assert!(html.contains("Ended: abandoned in bot at "));
}

#[test]
fn several_scenarios_make_one_page_with_an_index() {
    let scenarios = bundled();
    let options = RunOptions::new().replications(2).unwrap();
    let reports: Vec<Report> = scenarios
        .iter()
        .map(|(_, scenario)| simulate(scenario, &options, &|| {}).into_report())
        .collect();
    let html = page(&reports);
    check_page(&html);
    assert!(html.contains(&format!(
        "<h1>rehearse run: {} scenarios</h1>",
        reports.len()
    )));
    let index = &html[html.find("<ol class=\"index\">").unwrap()..];
    let index = &index[..index.find("</ol>").unwrap()];
    for (i, report) in reports.iter().enumerate() {
        let entry = format!("<li><a href=\"#p{}\">{}</a>", i + 1, report.scenario);
        assert!(index.contains(&entry), "{entry}");
        assert!(html.contains(&format!(
            "<section class=\"part\" id=\"p{n}\" aria-labelledby=\"p{n}-h\">\n<h2 id=\"p{n}-h\">{}</h2>",
            report.scenario,
            n = i + 1
        )));
    }
    // Each part has its own sections, as a page of one would.
    assert_eq!(html.matches(">At a glance</h3>").count(), reports.len());
}

/// A check of the hostile scenario (its expectation fails) and of a
/// bundled one, whose snapshot differs from a run with another seed.
fn check_run() -> (CheckReport, Vec<Report>) {
    let mut check = CheckReport::default();
    let mut reports = Vec::new();
    let clinic = common::load(&common::root().join("scenarios/clinic/weekday.yaml"));
    for (name, scenario) in [("hostile", hostile()), ("clinic-weekday", clinic)] {
        let simulation = common::simulation(&scenario);
        let other = simulate(&scenario, &RunOptions::new().seed(99), &|| {});
        let diff = Diff::new(
            &snapshot::contents(other.report()),
            &snapshot::contents(simulation.report()),
            &|metric| simulation.interval(metric),
        );
        let state = if name == "hostile" {
            SnapshotState::OptedOut
        } else {
            SnapshotState::Differs
        };
        check.scenarios.push(ScenarioCheck {
            file: PathBuf::from(format!("scenarios/{name}.yaml")),
            name: name.to_string(),
            scenario: scenario.name().to_string(),
            replications: simulation.report().replications,
            expectations: check_expectations(&scenario, &simulation)
                .into_iter()
                .map(|check| (check, None))
                .collect(),
            snapshot: SnapshotCheck {
                path: PathBuf::from(format!("snapshots/{name}.snap")),
                diff: (state == SnapshotState::Differs).then_some(diff),
                state,
                written: None,
                ci: true,
            },
            seconds: 0.0,
        });
        reports.push(simulation.into_report());
    }
    check
        .unreferenced
        .push(PathBuf::from("snapshots/gone.snap"));
    (check, reports)
}

#[test]
fn the_check_page_puts_failures_first() {
    let (check, reports) = check_run();
    assert!(!check.passes());
    let html = rehearse::check::render_html(&check, &reports);
    let headings = check_page(&html);
    assert_defused(&html);
    assert!(html.contains("<h1>rehearse check failed</h1>"));
    assert!(html.contains("<section class=\"summary fail\""));
    // In the summary box: failures, then warnings, then the passes folded.
    let summary = &html[..html.find("</section>").unwrap()];
    let first = |text: &str| summary.find(text).unwrap_or(usize::MAX);
    assert!(first("✗ FAIL") < first("! WARN"));
    assert!(first("! WARN") < first("<details>"));
    assert!(first("<details>") < first("✓ PASS"));
    assert!(summary.contains("hostile: self_resolution &gt;= 90%"));
    assert!(summary.contains("clinic-weekday: snapshot"));
    assert!(summary.contains("snapshot snapshots/gone.snap"));
    // Each scenario's part: expectations against their bounds, the
    // snapshot's changes, the run's outcomes and funnel.
    for heading in ["Expectations", "Snapshot", "This run"] {
        assert!(headings.iter().any(|h| h == heading), "{heading}");
    }
    let thresholds = charts(&html)
        .into_iter()
        .filter(|c| c.contains("aria-label=\"Expectations against their bounds\""))
        .count();
    assert_eq!(thresholds, 2);
    assert!(html.contains("Changed numbers, the largest moves first"));
    assert!(html.contains("real change: beyond"));
    // Both scenarios fail, the hostile one with a failed expectation.
    let hostile = html.find("hostile</h2>").unwrap();
    let clinic = html.find("clinic-weekday</h2>").unwrap();
    assert!(hostile < clinic, "parts in run order among equals");
    assert_eq!(
        html,
        rehearse::check::render_html(&check, &reports),
        "the same check, the same bytes"
    );
}

/// Right-to-left text from the user's files is isolated on the page, and
/// bidi controls in it cannot reorder the page: a persona named in Arabic
/// with a right-to-left override (which would show `gnp.exe` for `exe.png`
/// and flip the rest of its table row) is shown in `<bdi>`, the override
/// written out as `\u{202e}`.
#[test]
fn right_to_left_names_are_isolated_and_bidi_controls_neutralised() {
    let dir = common::root().join("scenarios/telecom");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let hostile = "زبون\u{202e}gnp.exe";
    let rename = |text: String| text.replace("arabophone-clavier", hostile);
    let loader = rehearse::Loader::new()
        .with_file(dir.join("flow.yaml"), read("flow.yaml"))
        .with_file(dir.join("personas.yaml"), rename(read("personas.yaml")))
        .with_file(dir.join("evening.yaml"), rename(read("evening.yaml")));
    let (scenario, _) = loader
        .scenario(&dir.join("evening.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let html = page(&[common::report(&scenario)]);
    check_page(&html);
    assert!(
        !html.contains('\u{202e}'),
        "a raw override reached the page"
    );
    assert!(
        html.contains("<bdi>زبون\\u{202e}gnp.exe</bdi>"),
        "the Arabic name is not isolated"
    );
    // Latin names are written as before, without an isolate.
    assert!(html.contains(">francophone<"));
}
