//! The business writes first: follow-ups, campaigns, WhatsApp's refusals,
//! retention and cost, on flows small enough to work out by hand. The bot
//! answers at once and customers act at once, so every time is exact: a
//! follow-up `after` a prompt comes exactly that long after the customer's
//! last message. Where a value is a share of random customers, the
//! tolerance is 5 standard deviations of a binomial share (a correct engine
//! fails with probability below 1e-6; the seed is fixed, so the verdict is
//! the same on every run).

mod common;

use rehearse::report::{Style, render_to_string};
use rehearse::{Format, Report, RunOptions, simulate};

/// One prompt the customer cannot answer ("Not now" is all it offers), which
/// may follow up; a utility template whose "Finish" ends the conversation,
/// and a marketing one with an opt-out button.
fn flow(follow_up: &str) -> String {
    format!(
        r#"flow: nudge
start: ask
templates:
  nudge:
    category: utility
    body: "Still want to finish?"
    buttons: ["Finish"]
    routes: {{"Finish": done}}
  promo:
    category: marketing
    body: "A deal for you"
    buttons: ["Finish", "Stop"]
    opt_out: "Stop"
    routes: {{"Finish": done}}
nodes:
  ask:
    say: "Anything else?"
    buttons: ["Not now"]
    routes: {{"Not now": done, fallback: done}}
{follow_up}
  done:
    end: resolved
"#
    )
}

/// A customer who wants "Finish" and has nothing to type: at `ask` they see
/// nothing for them and leave at once; a template offers what they want.
fn personas(engagement: &str, returns: &str) -> String {
    format!(
        "personas:\n  - name: finisher\n    goals: [{{want: to finish, taps: [\"Finish\"]}}]\n    engagement: {engagement}\n{returns}"
    )
}

/// `duration` of traffic at 60 customers an hour (one replication), plus
/// `extra` scenario keys.
fn run(name: &str, flow: &str, personas: &str, duration: &str, extra: &str) -> Report {
    let scenario = format!(
        "scenario: {name}\nflow: flow.yaml\npersonas: [personas.yaml]\nseed: 7\nstarts_at: \"Mon 00:00\"\n\
         duration: {duration}\nreplications: 1\narrivals: {{poisson: {{per_hour: 60}}}}\n{extra}"
    );
    let dir = common::write_files(
        &format!("outreach-{name}"),
        &[
            ("flow.yaml", flow),
            ("personas.yaml", personas),
            ("scenario.yaml", &scenario),
        ],
    );
    common::report(&common::load(&dir.join("scenario.yaml")))
}

/// 5 standard deviations of a share `p` of `n`.
fn tolerance(p: f64, n: u64) -> f64 {
    5.0 * (p * (1.0 - p) / n as f64).sqrt()
}

#[test]
fn a_free_form_follow_up_is_refused_from_the_24th_hour_after_the_customer_wrote() {
    // The customer writes at t, the prompt reaches them at t, they leave; the
    // follow-up comes at t + after. The window is open for 24h from t.
    let personas = personas("{reads: 0}", "");
    for (after, sent) in [("86399999ms", true), ("24h", false), ("86400001ms", false)] {
        let flow = flow(&format!(
            "    follow_up: {{after: {after}, say: \"Still there?\"}}"
        ));
        let report = run("window", &flow, &personas, "2h", "");
        let follow_up = &report.follow_ups["ask"];
        let compliance = report.compliance.as_ref().expect("the flow follows up");
        let n = report.conversations;
        assert!(n > 60, "{n}");
        if sent {
            assert_eq!((follow_up.sent, follow_up.refused), (n, 0), "{after}");
            assert_eq!(compliance.outside_window, 0, "{after}");
        } else {
            assert_eq!((follow_up.sent, follow_up.refused), (0, n), "{after}");
            assert_eq!(compliance.outside_window, n, "{after}");
        }
        // Nobody read it: every customer abandoned where they left.
        assert_eq!(
            report
                .outcomes
                .get(rehearse::metric::Outcome::AbandonedInBot),
            1.0
        );
        assert_eq!(report.funnel["ask"].reasons["gave_up"], n);
    }
}

#[test]
fn a_template_follow_up_brings_customers_back_and_is_free_for_utility_in_the_window() {
    let flow = flow("    follow_up: {after: 10m, template: nudge}");
    let personas = personas("{reads: 1, comes_back: 1}", "");
    let pricing = "pricing: {currency: USD, as_of: \"2025-07-01\", utility: 0.004}\n";
    let report = run("recovered", &flow, &personas, "2h", pricing);
    let n = report.conversations;
    let follow_up = &report.follow_ups["ask"];
    // Everyone left, read the nudge, tapped "Finish" and was done.
    assert_eq!(
        report.outcomes.get(rehearse::metric::Outcome::SelfResolved),
        1.0
    );
    assert_eq!(report.funnel["ask"].abandoned, 0);
    assert_eq!(
        (
            follow_up.sent,
            follow_up.read,
            follow_up.replied,
            follow_up.clicked
        ),
        (n, n, n, n)
    );
    assert_eq!(follow_up.recovered, Some(n));
    // A utility template inside the customer service window costs nothing.
    let cost = report.cost.as_ref().unwrap();
    assert_eq!(cost.total, 0.0);
    assert_eq!(cost.by_category["utility"], 0.0);
}

#[test]
fn outside_the_window_a_template_needs_the_customer_s_opt_in() {
    // 25 hours later only a template may be sent, and a customer who wrote
    // in never opted in to business messages: refused, as WhatsApp's policy
    // requires (counted with the 131050 refusals).
    let flow = flow("    follow_up: {after: 25h, template: nudge}");
    let personas = personas("{reads: 1, comes_back: 1}", "");
    let report = run("opt-in", &flow, &personas, "2h", "");
    let n = report.conversations;
    assert_eq!(report.follow_ups["ask"].refused, n);
    assert_eq!(report.compliance.as_ref().unwrap().not_opted_in, n);
    assert_eq!(
        report
            .outcomes
            .get(rehearse::metric::Outcome::AbandonedInBot),
        1.0
    );
}

/// An audience of `size` finishers, campaigns as given, walk-ins almost
/// never (one an hour).
fn campaign(name: &str, engagement: &str, audience: &str, campaigns: &str) -> Report {
    let flow = flow("");
    let personas = personas(engagement, "");
    run(
        name,
        &flow,
        &personas,
        "6h",
        &format!(
            "audience: {audience}\ncampaigns:\n{campaigns}pricing: {{currency: USD, as_of: \"2025-07-01\", marketing: 0.025, utility: 0.004}}\n"
        ),
    )
}

#[test]
fn the_open_rate_counts_only_customers_with_read_receipts_on() {
    let promo = "  - {name: promo, template: promo, send_at: \"Mon 01:00\"}\n";
    let all_on = campaign(
        "receipts-on",
        "{reads: 1, read_receipts_off: 0}",
        "{size: 4000}",
        promo,
    );
    let sends = &all_on.campaigns["promo"];
    assert_eq!(
        (sends.sent, sends.delivered, sends.read),
        (4000, 4000, 4000)
    );
    assert_eq!(sends.open_rate, 1.0);

    let all_off = campaign(
        "receipts-off",
        "{reads: 1, read_receipts_off: 1}",
        "{size: 4000}",
        promo,
    );
    assert_eq!(all_off.campaigns["promo"].read, 0);
    assert_eq!(all_off.campaigns["promo"].open_rate, 0.0);

    // A quarter with receipts off, and a tenth of numbers never reached.
    let some = campaign(
        "receipts-some",
        "{reads: 1, read_receipts_off: 0.25}",
        "{size: 4000, undelivered: 0.1}",
        promo,
    );
    let sends = &some.campaigns["promo"];
    let delivered = sends.delivered as f64 / 4000.0;
    assert!(
        (delivered - 0.9).abs() <= tolerance(0.9, 4000),
        "{delivered}"
    );
    assert!(
        (sends.open_rate - 0.75).abs() <= tolerance(0.75, sends.delivered),
        "{}",
        sends.open_rate
    );
    // What was delivered is paid for: 25 cents per 10 marketing templates.
    let cost = some.cost.as_ref().unwrap();
    let expected = (sends.delivered as f64 * 0.025 * 10_000.0).round() / 10_000.0;
    assert_eq!(cost.by_category["marketing"], expected);
    assert_eq!(cost.total, expected);
    let per_conversation = expected / some.conversations as f64;
    assert!((cost.per_conversation - per_conversation).abs() < 1e-6);
}

#[test]
fn an_opt_out_stops_later_marketing_but_not_utility_messages() {
    // Everyone reads the first promotion 10 minutes after it is sent and
    // opts out; the second promotion, an hour later, is refused for all
    // (131050); a utility template still goes out.
    let campaigns = "  - {name: first, template: promo, send_at: \"Mon 01:00\"}\n  \
                     - {name: second, template: promo, send_at: \"Mon 02:00\"}\n  \
                     - {name: reminder, template: nudge, send_at: \"Mon 03:00\"}\n";
    let report = campaign(
        "opt-out",
        "{reads: 1, read_delay: {fixed: 10m}, opts_out: 1}",
        "{size: 500}",
        campaigns,
    );
    let (first, second, reminder) = (
        &report.campaigns["first"],
        &report.campaigns["second"],
        &report.campaigns["reminder"],
    );
    assert_eq!((first.sent, first.opted_out, first.replied), (500, 500, 0));
    assert_eq!((second.sent, second.refused), (0, 500));
    assert_eq!((reminder.sent, reminder.refused), (500, 0));
    assert_eq!(report.compliance.as_ref().unwrap().not_opted_in, 500);
    // Marketing: 500 delivered once; utility: 500, outside the window.
    assert_eq!(
        report.cost.as_ref().unwrap().total,
        500.0 * 0.025 + 500.0 * 0.004
    );
}

#[test]
fn a_list_without_opt_in_gets_nothing() {
    let promo = "  - {name: promo, template: promo, send_at: \"Mon 01:00\"}\n";
    let report = campaign("no-opt-in", "{reads: 1}", "{size: 300, opted_in: 0}", promo);
    let sends = &report.campaigns["promo"];
    assert_eq!((sends.sent, sends.refused, sends.delivered), (0, 300, 0));
    assert_eq!(report.cost.as_ref().unwrap().total, 0.0);
}

#[test]
fn an_answer_to_a_campaign_is_a_conversation() {
    let promo = "  - {name: promo, template: promo, send_at: \"Mon 01:00\"}\n";
    let report = campaign("answers", "{reads: 1, replies: 1}", "{size: 1000}", promo);
    let sends = &report.campaigns["promo"];
    // Every member taps "Finish": a conversation each, resolved at `done`;
    // the customers who wrote in meet `ask` and leave.
    assert_eq!((sends.replied, sends.clicked), (1000, 1000));
    assert_eq!(sends.response_rate, 1.0);
    assert_eq!(report.funnel["done"].entered, 1000);
    let walk_ins = report.funnel["ask"].entered;
    assert_eq!(report.conversations, 1000 + walk_ins);
    let resolved =
        report.outcomes.get(rehearse::metric::Outcome::SelfResolved) * report.conversations as f64;
    assert!((resolved - 1000.0).abs() < 0.5, "{resolved}");
}

#[test]
fn retention_is_the_share_of_customers_back_within_7_and_30_days() {
    // Conversations take no time, so a customer who comes back `after` a
    // conversation is back exactly that long after its start. Half the
    // customers (by persona) come back; the others never do.
    let flow = "flow: f\nstart: done\nnodes:\n  done:\n    say: Hi\n    end: resolved\n";
    let personas = |after: &str| {
        format!(
            "personas:\n  - name: back\n    goals: [{{want: hi, says: hi}}]\n    \
             returns: {{after: {{fixed: {after}}}, resolved: 1, unresolved: 1}}\n  \
             - name: gone\n    goals: [{{want: hi, says: hi}}]\n"
        )
    };
    for (after, within_7, within_30) in [
        ("7d", true, true),
        ("604800001ms", false, true),
        ("30d", false, true),
        ("31d", false, false),
    ] {
        let report = run("retention", flow, &personas(after), "3h", "");
        let retention = report.retention.as_ref().expect("a persona returns");
        let back = report.personas["back"].conversations;
        assert_eq!(retention.customers, report.conversations, "{after}");
        let share = (back as f64 / retention.customers as f64 * 10_000.0).round() / 10_000.0;
        assert_eq!(retention.d7, if within_7 { share } else { 0.0 }, "{after}");
        assert_eq!(
            retention.d30,
            if within_30 { share } else { 0.0 },
            "{after}"
        );
    }
}

#[test]
fn campaigns_and_follow_ups_do_not_depend_on_the_number_of_threads() {
    let scenario = common::load(&common::root().join("scenarios/shop/weekend-sale.yaml"));
    let json = |threads| {
        let options = RunOptions::new().replications(3).unwrap().threads(threads);
        let simulation = simulate(&scenario, &options, &|| {});
        render_to_string(&[simulation.into_report()], Format::Json, Style::default())
    };
    let one = json(1);
    assert!(one.contains("\"campaigns\""));
    assert_eq!(one, json(3));
}
