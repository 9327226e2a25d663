//! `cargo bench --bench live_load`: how many simulated customers a second
//! `rehearse live` carries, and the latency the stand-in adds, at 200 and
//! 1,000 customers at once, against a bot that answers at once.
//!
//! The bot is the live tests' flow bot serving a three-step flow with no
//! latency; arrivals far exceed what the concurrency lets in, so exactly
//! `concurrency` customers talk to it at any moment. Every customer message
//! is a signed webhook, every bot message gets `sent`, `delivered` and
//! `read` webhooks, and the bot marks each customer message read: the load
//! of a real rehearsal. The response time the report gives (`response_time.
//! bot`) is then all overhead: the webhook out, the bot's two calls back,
//! and the routing to the customer — what the stand-in adds to a bot's own
//! latency. Every wait is bounded; the run stops by itself.
//!
//! Customers per second depend on what else the machine runs; customers per
//! CPU-second (user + system time of this process, bot included, from
//! `getrusage`) much less, so both are printed.

#[path = "../tests/live_support/flow_bot.rs"]
mod flow_bot;
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use flow_bot::{BotConfig, FlowBot};
use rehearse::Loader;
use rehearse::live::{self, Clock, LiveConfig, RehearsalOptions};
use support::cpu_time;

const FLOW: &str = r#"
flow: load
start: menu
nodes:
  menu:
    say: "Hi 👋 what can I do for you?"
    buttons: ["Track my order", "Returns"]
    routes: {"Track my order": ask, "Returns": ask, fallback: menu}
  ask:
    say: "Please send your order number (like A123456)."
    expect: {pattern: "^A[0-9]{6}$"}
    routes: {valid: status, invalid: ask}
  status:
    say: "Your order arrives tomorrow."
    end: resolved
"#;

const PERSONAS: &str = r#"
personas:
  - name: tracker
    goals:
      - want: track an order
        taps: ["Track my order"]
        answers: {"order number": "A{digits:6}"}
        done_when: ["arrives tomorrow"]
    behaviour:
      read: {fixed: 6s}
      patience: {bot: {fixed: 30s}}
"#;

/// 5,000 customers arrive within the first 18 customer-seconds: far more
/// than any concurrency lets in at once.
const SCENARIO: &str = r#"
scenario: load
flow: flow.yaml
personas: [personas.yaml]
seed: 1
duration: 18s
arrivals: {poisson: {per_hour: 1000000}}
live:
  quiet: 100ms
"#;

async fn run(concurrency: usize) {
    let (scenario, _) = Loader::new()
        .with_file("load/scenario.yaml", SCENARIO)
        .with_file("load/flow.yaml", FLOW)
        .with_file("load/personas.yaml", PERSONAS)
        .scenario("load/scenario.yaml".as_ref())
        .expect("the bench scenario loads");
    let config = BotConfig {
        pace: 0.0,
        ..BotConfig::default()
    };
    let bot = FlowBot::start(scenario.flow().clone(), config.clone()).await;
    let mut live_config = LiveConfig::new(bot.url.clone(), config.app_secret.clone());
    live_config.verify_token = config.verify_token.clone();
    live_config.clock = Clock::new(60.0).expect("a speed");
    let stand_in = live::start(live_config).await.expect("the stand-in starts");
    bot.connect(stand_in.base_url());
    let options = RehearsalOptions {
        concurrency,
        drain: Duration::from_secs(300),
        transcripts: 0,
        seed: None,
    };
    let started = Instant::now();
    let cpu_started = cpu_time();
    let report = live::rehearse(
        Arc::new(scenario),
        stand_in,
        &options,
        std::future::pending(),
    )
    .await
    .expect("the bot passes the verification");
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = (cpu_time() - cpu_started).as_secs_f64();
    let live = report.live.as_ref().expect("a live block");
    let bot_time = &report.response_time.bot;
    let ms = |seconds: Option<f64>| seconds.map_or(f64::NAN, |s| s * 1e3);
    println!(
        "{concurrency:>11} {:>9} {:>8.1} {:>13.0} {:>11.0} {:>8.1} {:>8.1} {:>9.1}  {}",
        live.customers.started,
        elapsed,
        live.customers.started as f64 / elapsed,
        live.customers.started as f64 / cpu,
        ms(bot_time.p50),
        ms(bot_time.p99),
        ms(bot_time.max),
        if live.partial
            || !live.errors.is_empty()
            || report.outcomes.get(rehearse::metric::Outcome::SelfResolved) < 1.0
        {
            format!(
                "(partial {}, errors {:?}, resolved {:.1}%)",
                live.partial,
                live.errors,
                report.outcomes.get(rehearse::metric::Outcome::SelfResolved) * 100.0
            )
        } else {
            "all resolved, no errors".to_owned()
        }
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    println!(
        "{:>11} {:>9} {:>8} {:>13} {:>11} {:>8} {:>8} {:>9}",
        "concurrency",
        "customers",
        "wall s",
        "customers/s",
        "per CPU-s",
        "p50 ms",
        "p99 ms",
        "max ms"
    );
    for concurrency in [200, 1_000] {
        runtime.block_on(run(concurrency));
    }
}
