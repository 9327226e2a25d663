//! `rehearse live` end to end, in process: a scenario's customers against a
//! bot that serves a rehearse flow over real, signed webhooks
//! (`live_support::flow_bot`). Loopback only; every test is bounded in time.
//!
//! The strongest check is the first: the shop's peak hour, played live
//! against a bot that serves the shop's flow, ends the way `rehearse run`
//! says it ends. The others are the bot's faults, each with the counts it
//! must leave in the report's `live:` block.
#![cfg(feature = "live")]

mod live_support;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use live_support::bounded_for;
use live_support::flow_bot::{Address, Answer, BotConfig, Faults, FlowBot, Verify};
use rehearse::live::{self, Clock, LiveConfig, RehearsalOptions, RetryPolicy};
use rehearse::metric::{Outcome, Rate, Reason};
use rehearse::report::live::{Live, Stopped};
use rehearse::{Loader, Metric, Report, RunOptions, Scenario, simulate};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(relative: &str) -> Scenario {
    match Loader::new().scenario(&root().join(relative)) {
        Ok((scenario, _)) => scenario,
        Err(error) => panic!("{error}"),
    }
}

/// Retries bounded for tests: a bot that does not answer costs well under a
/// second per message.
fn test_retry() -> RetryPolicy {
    RetryPolicy {
        timeout: Duration::from_millis(300),
        attempts: 2,
        first_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(10),
        give_up_after: Duration::from_secs(2),
    }
}

struct Rehearsed {
    report: Report,
    bot: FlowBot,
    took: Duration,
}

impl Rehearsed {
    fn live(&self) -> &Live {
        self.report
            .live
            .as_ref()
            .expect("a live report has a live block")
    }

    fn count(&self, outcome: Outcome) -> u64 {
        (self.report.outcomes.get(outcome) * self.report.conversations as f64).round() as u64
    }
}

/// Plays `scenario` at `speed` against a flow bot of its own flow, with
/// transcripts of the first two counted conversations.
async fn rehearse_against(
    scenario: Scenario,
    bot: BotConfig,
    speed: f64,
    retry: RetryPolicy,
    stop: impl std::future::Future<Output = ()>,
) -> Rehearsed {
    rehearse_with_transcripts(scenario, bot, speed, retry, 2, stop).await
}

/// As [`rehearse_against`], with transcripts of the first `transcripts`
/// counted conversations.
async fn rehearse_with_transcripts(
    scenario: Scenario,
    bot: BotConfig,
    speed: f64,
    retry: RetryPolicy,
    transcripts: usize,
    stop: impl std::future::Future<Output = ()>,
) -> Rehearsed {
    let secret = bot.app_secret.clone();
    let token = bot.verify_token.clone();
    let bot = FlowBot::start(scenario.flow().clone(), bot).await;
    let mut config = LiveConfig::new(bot.url.clone(), secret);
    config.verify_token = token;
    config.clock = Clock::new(speed).unwrap();
    config.retry = retry;
    config.failure_delay = Duration::from_millis(10);
    let stand_in = live::start(config).await.unwrap();
    bot.connect(stand_in.base_url());
    let options = RehearsalOptions {
        concurrency: 200,
        drain: Duration::from_secs(10),
        transcripts,
        seed: None,
    };
    let started = Instant::now();
    let report = live::rehearse(Arc::new(scenario), stand_in, &options, stop)
        .await
        .expect("the bot passes the verification");
    Rehearsed {
        report,
        bot,
        took: started.elapsed(),
    }
}

async fn tiny(bot: BotConfig) -> Rehearsed {
    rehearse_against(
        load("tests/live/tiny/scenario.yaml"),
        bot,
        60.0,
        test_retry(),
        std::future::pending(),
    )
    .await
}

/// How many of `n` customers a fault "for every `every`-th customer" hits
/// (see `Faults`: customer `i` has phone number 15550000000 + i).
fn hit(n: u64, every: u64) -> u64 {
    (0..n).filter(|i| (15_550_000_000 + i) % every == 0).count() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_and_simulated_outcomes_agree_on_the_shop_flow() {
    bounded_for(Duration::from_secs(150), async {
        let scenario = load("scenarios/shop/peak-hour.yaml");
        let simulation = simulate(
            &scenario,
            &RunOptions::new().replications(60).unwrap(),
            &|| {},
        );
        // The bot sleeps the flow's latencies divided by the speed: live,
        // the bot's latency is real, and a real second would be a whole
        // minute at this speed. Customers' patience with a silent bot is a
        // minute or more, so the latency hardly touches any outcome.
        let speed = 300.0;
        let rehearsed = rehearse_against(
            scenario,
            BotConfig {
                pace: 1.0 / speed,
                ..BotConfig::default()
            },
            speed,
            RetryPolicy::default(),
            std::future::pending(),
        )
        .await;
        let live = rehearsed.live();
        assert_eq!(live.stopped, Stopped::Finished);
        assert!(!live.partial, "{live:#?}");
        assert!(!live.bot_failed(), "{live:#?}");
        assert!(live.errors.is_empty(), "{:?}", live.errors);
        // Arrivals kept the scenario's times: none waited for a place.
        assert_eq!(live.customers.delayed, 0, "{live:#?}");
        assert!(rehearsed.report.conversations >= 200, "{live:#?}");
        assert_eq!(rehearsed.bot.seen().bad_signatures, 0);

        // The tolerance. The live run is one replication of the scenario's
        // hour (the same warm-up, duration and arrivals). Its share of each
        // outcome varies from hour to hour as the simulation's replications
        // do, and `spread` measures that variance directly, queue
        // interactions included: sd is the standard deviation of one
        // replication's share over 60 replications. The difference between
        // the live share and the simulated mean then has a standard error
        // of sd·√(1 + 1/60). Within 4 of those, an honest match fails with
        // probability about 6e-5 per number (7 numbers: under 5e-4). The
        // live customers are the simulation's customers 0, 1, 2, ... of
        // replication 0 (the same random streams), which correlates the two
        // and only makes the check more forgiving of chance, not of a
        // difference in what is measured.
        let metrics = [
            Metric::Outcome(Outcome::SelfResolved),
            Metric::Outcome(Outcome::AgentResolved),
            Metric::Outcome(Outcome::AbandonedInBot),
            Metric::Outcome(Outcome::AbandonedInQueue),
            Metric::Rate(Rate::SelfResolution),
            Metric::Rate(Rate::Escalation),
            Metric::Rate(Rate::Abandonment),
        ];
        let mut table = String::new();
        let mut failures = Vec::new();
        for metric in metrics {
            let (mean, sd, replications) = simulation.spread(&metric).expect("measured");
            let live_value = rehearsed.report.value(&metric).expect("measured live");
            let tolerance = 4.0 * sd * (1.0 + 1.0 / f64::from(replications)).sqrt();
            let line = format!(
                "{metric}: live {live_value:.4}, run {mean:.4} ± {tolerance:.4} (sd {sd:.4})\n"
            );
            table.push_str(&line);
            if (live_value - mean).abs() > tolerance {
                failures.push(line);
            }
        }
        eprintln!("{table}");
        assert!(failures.is_empty(), "outside the tolerance:\n{table}");
    })
    .await;
}

/// How one customer's conversation ended: who they were and why.
fn endings(report: &Report) -> Vec<(u64, String, String, Outcome, Option<Reason>)> {
    report
        .transcripts
        .iter()
        .map(|t| {
            let (persona, goal) = (t.persona.clone(), t.goal.clone());
            (t.conversation, persona, goal, t.outcome, t.reason)
        })
        .collect()
}

/// The same customers, played by the simulation against the flow and live
/// against a bot serving the flow, end the same way, customer by customer:
/// both clocks drive the same customer side. The scenario's bot shows every
/// way out on screen and has no latency and no random branch, so nothing
/// but the customers decides, and the match is exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_customers_end_the_same_way_live_and_simulated() {
    bounded_for(Duration::from_secs(60), async {
        let scenario = load("tests/live/agree/scenario.yaml");
        let all = 1_000;
        let simulation = simulate(
            &scenario,
            &RunOptions::new()
                .replications(1)
                .unwrap()
                .transcripts(all, Default::default()),
            &|| {},
        );
        let simulated = endings(simulation.report());
        let rehearsed = rehearse_with_transcripts(
            scenario,
            BotConfig {
                pace: 0.0,
                ..BotConfig::default()
            },
            120.0,
            test_retry(),
            all,
            std::future::pending(),
        )
        .await;
        let live = rehearsed.live();
        assert!(!live.partial && !live.bot_failed(), "{live:#?}");
        let played = endings(&rehearsed.report);
        assert!(simulated.len() >= 20, "{simulated:?}");
        assert_eq!(played.len(), simulated.len());
        for (live, simulated) in played.iter().zip(&simulated) {
            assert_eq!(live, simulated, "live, then simulated");
        }
        // The same customers answered the flow's own survey with the same
        // scores: the live report's CSAT is the simulation's, exactly.
        assert!(simulation.report().csat.is_some());
        assert_eq!(rehearsed.report.csat, simulation.report().csat);
        // Media were sent on both clocks: photos the bot routes, voice
        // notes it does not understand, and reactions it takes no notice
        // of (live: it stayed quiet, and the customer answered the same
        // screen).
        let media = simulation.report().funnel["menu"]
            .media
            .clone()
            .expect("the sender persona sends media");
        for kind in ["image", "audio", "reaction"] {
            assert!(
                media.received.get(kind).is_some_and(|n| *n > 0),
                "{media:?}"
            );
        }
        assert!(media.fallback > 0 && media.ignored > 0, "{media:?}");
        let lines: Vec<_> = rehearsed
            .report
            .transcripts
            .iter()
            .flat_map(|transcript| &transcript.lines)
            .collect();
        assert!(lines.iter().any(|line| line.text == "[image]"));
        assert!(lines.iter().any(|line| {
            line.text.starts_with("[reaction ") && line.understood_as.as_deref() == Some("ignored")
        }));
        // Every ending the customer's side decides is among them, the
        // survey's included: live screens showing the flow's survey are
        // answered (or skipped) as in the simulation. (A customer who took
        // the survey for a menu would have nothing to tap and give up.)
        let reasons: Vec<Option<Reason>> = played.iter().map(|ending| ending.4).collect();
        for reason in [
            Reason::Dropped,
            Reason::SurveySkipped,
            Reason::Misunderstood,
        ] {
            assert!(reasons.contains(&Some(reason)), "{reason:?}: {played:?}");
        }
        for outcome in [
            Outcome::SelfResolved,
            Outcome::AgentResolved,
            Outcome::Unresolved,
        ] {
            assert!(
                played.iter().any(|ending| ending.3 == outcome),
                "{outcome:?}: {played:?}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_healthy_bot_resolves_every_customer_with_every_receipt() {
    bounded_for(Duration::from_secs(30), async {
        let rehearsed = tiny(BotConfig::default()).await;
        let live = rehearsed.live();
        let n = live.customers.started;
        assert!(n >= 5, "{live:#?}");
        assert_eq!(rehearsed.report.conversations, n);
        assert_eq!(
            rehearsed
                .report
                .outcomes
                .get(rehearse::metric::Outcome::SelfResolved),
            1.0,
            "{live:#?}"
        );
        assert!(!live.partial && !live.bot_failed());
        // Each customer: the opening message and a tap; the bot: a menu and
        // "all done", each read, after marking the customer's messages read.
        assert_eq!(live.bot_calls.messages, 2 * n);
        assert_eq!(live.bot_calls.marked_read, 2 * n);
        assert_eq!(live.bot_calls.late, 0);
        assert!(live.errors.is_empty(), "{:?}", live.errors);
        let seen = rehearsed.bot.seen();
        assert_eq!(seen.verifications, 1);
        assert_eq!(seen.message_webhooks as u64, 2 * n);
        // Every field real SDKs rely on was there (user ids, context on taps, ...).
        assert_eq!(seen.complete_webhooks as u64, 2 * n);
        for status in ["sent", "delivered", "read"] {
            assert_eq!(
                seen.statuses.get(status).copied().unwrap_or(0) as u64,
                2 * n,
                "{status}: {seen:?}"
            );
        }
        assert_eq!(live.webhooks.delivered, 2 * n + 6 * n);
        assert_eq!((live.webhooks.retries, live.webhooks.failed), (0, 0));
        // The bot's real latency is the response time: milliseconds here.
        let p50 = rehearsed.report.response_time.bot.p50.unwrap();
        assert!(p50 < 1.0, "{p50}");
        // Transcripts: as the customer saw it, Arabic and all.
        let transcript = &rehearsed.report.transcripts[0];
        assert_eq!(transcript.outcome, Outcome::SelfResolved);
        let lines: Vec<&str> = transcript.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            lines,
            [
                "مرحبا، أغلق التذكرة من فضلك 🙏",
                "مرحبا 👋 Hi! Shall I close your ticket?",
                "Yes please",
                "All done ✅ thank you!"
            ]
        );
        assert!(transcript.lines[2].tapped);
        // Every format shows the live block; the funnel, unknown live, is left out.
        let render = |format| {
            rehearse::report::render_to_string(
                std::slice::from_ref(&rehearsed.report),
                format,
                Default::default(),
            )
        };
        let markdown = render(rehearse::Format::Markdown);
        assert!(markdown.contains("| customers | "), "{markdown}");
        assert!(!markdown.contains("| Funnel |"), "{markdown}");
        let yaml = render(rehearse::Format::Yaml);
        assert!(yaml.contains("\nlive:\n  bot: http://127.0.0.1:"), "{yaml}");
        assert!(!yaml.contains("funnel:"), "{yaml}");
        let text = render(rehearse::Format::Text);
        assert!(text.contains("\nLive\n  bot "), "{text}");
        assert!(
            rehearsed.took < Duration::from_secs(10),
            "{:?}",
            rehearsed.took
        );
    })
    .await;
}

#[tokio::test]
async fn signatures_verify_for_a_bot_that_re_escapes_and_one_that_hashes_raw_bytes() {
    bounded_for(Duration::from_secs(30), async {
        for verify in [Verify::ReEscaped, Verify::RawBytes] {
            let rehearsed = tiny(BotConfig {
                verify,
                ..BotConfig::default()
            })
            .await;
            let live = rehearsed.live();
            assert_eq!(rehearsed.bot.seen().bad_signatures, 0, "{verify:?}");
            assert_eq!(
                rehearsed
                    .report
                    .outcomes
                    .get(rehearse::metric::Outcome::SelfResolved),
                1.0,
                "{verify:?}: {live:#?}"
            );
            assert_eq!(live.webhooks.failed, 0, "{verify:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_bot_that_answers_its_webhook_after_replying_does_not_deadlock() {
    bounded_for(Duration::from_secs(30), async {
        let rehearsed = tiny(BotConfig {
            answer: Answer::AfterReplying,
            ..BotConfig::default()
        })
        .await;
        assert_eq!(
            rehearsed
                .report
                .outcomes
                .get(rehearse::metric::Outcome::SelfResolved),
            1.0
        );
        assert_eq!(rehearsed.live().webhooks.timeouts, 0);
    })
    .await;
}

#[tokio::test]
async fn a_bot_that_addresses_replies_by_user_id_only_reaches_its_customers() {
    bounded_for(Duration::from_secs(30), async {
        let rehearsed = tiny(BotConfig {
            address: Address::Recipient,
            version: None,
            ..BotConfig::default()
        })
        .await;
        assert_eq!(
            rehearsed
                .report
                .outcomes
                .get(rehearse::metric::Outcome::SelfResolved),
            1.0
        );
        assert!(rehearsed.live().errors.is_empty());
    })
    .await;
}

#[tokio::test]
async fn server_errors_are_retried_and_counted() {
    bounded_for(Duration::from_secs(30), async {
        // Enough attempts that no webhook meets the three errors in a row.
        let retry = RetryPolicy {
            attempts: 5,
            ..test_retry()
        };
        let rehearsed = rehearse_against(
            load("tests/live/tiny/scenario.yaml"),
            BotConfig {
                faults: Faults {
                    server_errors: 3,
                    ..Faults::default()
                },
                ..BotConfig::default()
            },
            60.0,
            retry,
            std::future::pending(),
        )
        .await;
        let live = rehearsed.live();
        // Each 500 is retried once, and the retry is taken.
        assert_eq!(live.webhooks.retries, 3, "{live:#?}");
        assert_eq!(live.webhooks.failed, 0);
        assert_eq!(
            rehearsed
                .report
                .outcomes
                .get(rehearse::metric::Outcome::SelfResolved),
            1.0
        );
        assert!(!live.partial && !live.bot_failed());
    })
    .await;
}

#[tokio::test]
async fn malformed_replies_are_refused_and_their_customers_wait_in_vain() {
    bounded_for(Duration::from_secs(30), async {
        let rehearsed = tiny(BotConfig {
            faults: Faults {
                malformed_every: Some(2),
                ..Faults::default()
            },
            ..BotConfig::default()
        })
        .await;
        let live = rehearsed.live();
        let n = live.customers.started;
        let hit = hit(n, 2);
        assert!(hit > 0 && hit < n);
        assert_eq!(live.bot_calls.malformed, hit, "{live:#?}");
        assert_eq!(live.errors.get(&100).copied(), Some(hit));
        assert_eq!(rehearsed.count(Outcome::AbandonedInBot), hit);
        assert_eq!(live.abandoned.get("bot_silence").copied(), Some(hit));
        assert_eq!(rehearsed.count(Outcome::SelfResolved), n - hit);
        // A refused call is the bot's mistake, not a lost customer.
        assert!(!live.partial && !live.bot_failed());
    })
    .await;
}

#[tokio::test]
async fn replies_to_a_customer_who_does_not_exist_fail_undeliverable() {
    bounded_for(Duration::from_secs(30), async {
        let rehearsed = tiny(BotConfig {
            faults: Faults {
                stranger_every: Some(2),
                ..Faults::default()
            },
            ..BotConfig::default()
        })
        .await;
        let live = rehearsed.live();
        let hit = hit(live.customers.started, 2);
        assert_eq!(live.errors.get(&131026).copied(), Some(hit), "{live:#?}");
        assert_eq!(rehearsed.count(Outcome::AbandonedInBot), hit);
    })
    .await;
}

#[tokio::test]
async fn a_slow_bot_loses_impatient_customers_and_its_late_replies_are_counted() {
    bounded_for(Duration::from_secs(30), async {
        // Patience is one second of real time; the bot takes 1.5 s for some.
        let rehearsed = tiny(BotConfig {
            faults: Faults {
                slow: Some((2, Duration::from_millis(1_500))),
                ..Faults::default()
            },
            ..BotConfig::default()
        })
        .await;
        let live = rehearsed.live();
        let hit = hit(live.customers.started, 2);
        assert_eq!(
            live.abandoned.get("bot_silence").copied(),
            Some(hit),
            "{live:#?}"
        );
        assert_eq!(rehearsed.count(Outcome::AbandonedInBot), hit);
        // The first slow reply comes while later customers still talk; the
        // last ones may come after the run is over, and are not taken.
        assert!((1..=hit).contains(&live.bot_calls.late), "{live:#?}");
        // Those who stayed were answered at once.
        assert!(rehearsed.report.response_time.bot.max.unwrap() < 1.0);
    })
    .await;
}

#[tokio::test]
async fn a_bot_that_never_answers_its_webhook_times_out_and_fails_the_run() {
    bounded_for(Duration::from_secs(30), async {
        let rehearsed = tiny(BotConfig {
            faults: Faults {
                never_answer_every: Some(2),
                ..Faults::default()
            },
            ..BotConfig::default()
        })
        .await;
        let live = rehearsed.live();
        let n = live.customers.started;
        let hit = hit(n, 2);
        // Two attempts of 300 ms each, then the customer's message is lost.
        assert_eq!(live.customers.lost, hit, "{live:#?}");
        assert_eq!(live.webhooks.timeouts, 2 * hit);
        assert_eq!(live.webhooks.failed, hit);
        assert_eq!(rehearsed.report.conversations, n - hit);
        assert_eq!(
            rehearsed
                .report
                .outcomes
                .get(rehearse::metric::Outcome::SelfResolved),
            1.0
        );
        assert!(live.partial && live.bot_failed());
    })
    .await;
}

#[tokio::test]
async fn a_bot_that_dies_mid_run_ends_the_run_with_a_partial_report() {
    bounded_for(Duration::from_secs(30), async {
        let rehearsed = tiny(BotConfig {
            faults: Faults {
                die_after: Some(4),
                ..Faults::default()
            },
            ..BotConfig::default()
        })
        .await;
        let live = rehearsed.live();
        let c = &live.customers;
        assert!(c.lost > 0, "{live:#?}");
        assert_eq!(c.counted + c.lost + c.cut_off, c.started - c.warm_up);
        assert!(live.partial && live.bot_failed());
        assert_eq!(live.stopped, Stopped::Finished);
        assert!(
            rehearsed.took < Duration::from_secs(10),
            "{:?}",
            rehearsed.took
        );
    })
    .await;
}

#[tokio::test]
async fn stopping_early_cuts_conversations_off_and_says_so() {
    bounded_for(Duration::from_secs(30), async {
        // A long hour at a low speed: far from over after half a second.
        let scenario = load("tests/live/tiny/long.yaml");
        let rehearsed = rehearse_against(
            scenario,
            BotConfig::default(),
            10.0,
            test_retry(),
            tokio::time::sleep(Duration::from_millis(500)),
        )
        .await;
        let live = rehearsed.live();
        assert_eq!(live.stopped, Stopped::Interrupted);
        assert!(live.partial);
        let c = &live.customers;
        assert_eq!(c.counted + c.lost + c.cut_off, c.started - c.warm_up);
        assert!(
            rehearsed.took < Duration::from_secs(3),
            "{:?}",
            rehearsed.took
        );
        let text = rehearse::report::render_to_string(
            std::slice::from_ref(&rehearsed.report),
            rehearse::Format::Text,
            Default::default(),
        );
        assert!(
            text.contains("partial report: the run was interrupted"),
            "{text}"
        );
    })
    .await;
}

#[tokio::test]
async fn four_reply_buttons_are_refused_with_131009() {
    bounded_for(Duration::from_secs(30), async {
        let rehearsed = tiny(BotConfig {
            faults: Faults {
                four_buttons: true,
                ..Faults::default()
            },
            ..BotConfig::default()
        })
        .await;
        let live = rehearsed.live();
        let n = live.customers.started;
        assert_eq!(live.errors.get(&131009).copied(), Some(n), "{live:#?}");
        assert_eq!(rehearsed.count(Outcome::AbandonedInBot), n);
        let refused = rehearsed.bot.seen().refused;
        assert_eq!(refused[0].0, 400);
        assert_eq!(refused[0].1["error"]["code"], 131009);
    })
    .await;
}

#[tokio::test]
async fn free_form_messages_outside_the_24_hour_window_fail_with_131047() {
    bounded_for(Duration::from_secs(30), async {
        // At 100,000x, the 24-hour window closes after 0.86 s of real time;
        // the bot writes again a second after each conversation ends. Two
        // days of traffic keep the run going that long.
        let scenario = load("tests/live/tiny/two-days.yaml");
        let rehearsed = rehearse_against(
            scenario,
            BotConfig {
                faults: Faults {
                    follow_up_after: Some(Duration::from_secs(1)),
                    ..Faults::default()
                },
                ..BotConfig::default()
            },
            100_000.0,
            test_retry(),
            std::future::pending(),
        )
        .await;
        let live = rehearsed.live();
        let window_errors = live.errors.get(&131047).copied().unwrap_or(0);
        assert!(window_errors >= 1, "{live:#?}");
        // Every follow-up the stand-in took failed: none was in the window.
        assert_eq!(
            live.bot_calls.messages,
            2 * live.customers.started + window_errors
        );
    })
    .await;
}
