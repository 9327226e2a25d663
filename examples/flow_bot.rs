//! A WhatsApp bot that serves a rehearse flow, to try `rehearse live` with.
//!
//! ```sh
//! cargo run --example flow_bot -- scenarios/shop/flow.yaml
//! # in another terminal:
//! cargo run -- live scenarios/shop/peak-hour.yaml \
//!     --bot http://127.0.0.1:3000/webhook --app-secret flow-bot-secret \
//!     --verify-token flow-bot-token --speed 60
//! ```
//!
//! It is a bot as bot developers write them (axum, a webhook endpoint,
//! `X-Hub-Signature-256` checked, `/messages` calls to the Graph API base
//! URL it is given), answering with the flow's messages at the flow's
//! latencies. Options (all optional but the flow):
//!
//! ```text
//! --listen 127.0.0.1:3000          where the webhook is served (loopback only)
//! --graph http://127.0.0.1:8090    the Graph API base URL (rehearse live's --listen)
//! --app-secret flow-bot-secret     checks the webhook signatures
//! --verify-token flow-bot-token    answers the subscription handshake
//! --phone-number-id 106540352242922
//! --pace 1                         multiplies the flow's latencies (0.1: ten times faster)
//! ```
//!
//! The same bot is what the live tests run (`tests/live_support/flow_bot.rs`).

#[path = "../tests/live_support/flow_bot.rs"]
mod flow_bot;

use std::net::SocketAddr;
use std::process::ExitCode;

use flow_bot::{BotConfig, FlowBot};
use rehearse::Loader;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("flow_bot: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut flow = None;
    let mut listen: SocketAddr = "127.0.0.1:3000".parse().expect("an address");
    let mut config = BotConfig {
        graph: Some("http://127.0.0.1:8090".to_owned()),
        ..BotConfig::default()
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--listen" => {
                listen = value("--listen")?
                    .parse()
                    .map_err(|_| "--listen takes IP:PORT, like 127.0.0.1:3000".to_owned())?;
                if !listen.ip().is_loopback() {
                    return Err("--listen: serve on loopback only (127.0.0.1 or [::1])".into());
                }
            }
            "--graph" => config.graph = Some(value("--graph")?.trim_end_matches('/').to_owned()),
            "--app-secret" => config.app_secret = value("--app-secret")?,
            "--verify-token" => config.verify_token = value("--verify-token")?,
            "--phone-number-id" => config.phone_number_id = value("--phone-number-id")?,
            "--pace" => {
                config.pace = value("--pace")?
                    .parse()
                    .ok()
                    .filter(|pace: &f64| pace.is_finite() && *pace >= 0.0)
                    .ok_or("--pace takes a number of 0 or more, like 0.1")?
            }
            "-h" | "--help" => {
                println!(
                    "usage: flow_bot FLOW.yaml [--listen ADDR] [--graph URL] [--app-secret S] \
                     [--verify-token T] [--phone-number-id ID] [--pace X]"
                );
                return Ok(());
            }
            path if !path.starts_with("--") && flow.is_none() => flow = Some(path.to_owned()),
            other => return Err(format!("unexpected argument `{other}` (try --help)")),
        }
    }
    let path = flow.ok_or("name a flow file, like scenarios/shop/flow.yaml")?;
    let (flow, _warnings) = Loader::new()
        .flow(path.as_ref())
        .map_err(|error| error.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| error.to_string())?;
    runtime.block_on(async {
        let listener = flow_bot::listen(listen)
            .map_err(|error| format!("failed to listen on {listen}: {error}"))?;
        let graph = config.graph.clone().unwrap_or_default();
        let bot = FlowBot::serve(flow, config, listener).await;
        eprintln!(
            "flow_bot: serving {path} at {} (Graph API at {graph}); Ctrl-C to stop",
            bot.url
        );
        let _ = tokio::signal::ctrl_c().await;
        Ok(())
    })
}
