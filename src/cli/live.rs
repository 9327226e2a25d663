//! `rehearse live`: a scenario's customers against a running bot. rehearse
//! stands in for the WhatsApp Cloud API on loopback, tells the user where,
//! verifies the bot's webhook, plays the customers and writes the report.
//! The work is in [`crate::live`]; this file reads flags and prints.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::output::Outputs;
use super::run::write_reports;
use super::{Environment, note};
use crate::diagnostic::render_text;
use crate::error::{Error, ExitStatus};
use crate::live::{self, Business, Clock, LiveConfig, LiveError, RehearsalOptions};
use crate::load::Loader;
use crate::model::Millis;
use crate::model::duration::parse_duration;

/// The most customers at once: each holds a few open connections.
const MAX_CONCURRENCY: usize = 10_000;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The scenario whose customers meet the bot.
    #[arg(value_name = "SCENARIO")]
    scenario: PathBuf,
    /// The bot's webhook callback URL, where rehearse POSTs what customers
    /// send (like http://127.0.0.1:8080/webhook).
    #[arg(long, value_name = "URL")]
    bot: String,
    /// The app secret the bot checks `X-Hub-Signature-256` with.
    #[arg(long, value_name = "SECRET")]
    app_secret: String,
    /// The verify token the bot expects in the subscription handshake.
    #[arg(long, value_name = "TOKEN", default_value = "rehearse")]
    verify_token: String,
    /// The phone number id the bot is configured with (it ignores webhooks
    /// for another, and sends from it).
    #[arg(long, value_name = "ID")]
    phone_number_id: Option<String>,
    /// Where the stand-in listens: the bot's Graph API base URL is
    /// http://ADDRESS. Loopback only.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1:8090")]
    listen: String,
    /// Customer time per real second: customers read, think and type this
    /// many times faster (the bot's own latency stays real).
    #[arg(long, value_name = "X", default_value_t = 60.0)]
    speed: f64,
    /// The most customers talking to the bot at once.
    #[arg(long, value_name = "N", default_value_t = 200,
          value_parser = clap::value_parser!(u32).range(1..=MAX_CONCURRENCY as i64))]
    concurrency: u32,
    /// How long conversations may go on after the arrival window ends (warm-up plus duration) before they
    /// are cut off (real time).
    #[arg(long, value_name = "DURATION", default_value = "1m", value_parser = duration)]
    drain: Millis,
    /// Use this seed for the customers instead of the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    #[command(flatten)]
    outputs: Outputs,
    /// Also show N conversations (at most 1000), as the customer saw them.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=crate::limits::MAX_TRANSCRIPTS as u64))]
    transcripts: Option<u64>,
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::load::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

fn duration(text: &str) -> Result<Millis, String> {
    parse_duration(text).map_err(|message| format!("{message} (like 30s or 2m)"))
}

pub(super) fn live(args: &Args, environment: Environment) -> Result<ExitStatus, Error> {
    let destinations = args.outputs.destinations()?;
    let usage = |error: LiveError| Error::Usage(format!("--{}", error_flag(&error, args)));
    let listen = live::listen_address(&args.listen).map_err(usage)?;
    let clock = Clock::new(args.speed).map_err(usage)?;
    let loader = Loader::new().max_file_size(args.max_file_size);
    let (scenario, warnings) = loader.scenario(&args.scenario)?;
    if !warnings.is_empty() {
        note(&render_text(&warnings, environment.stderr_color()));
    }
    if !scenario.outreach.campaigns.is_empty() {
        // Live mode plays customers who write in; a campaign would need the
        // bot to send templates on the scenario's schedule, which it does
        // not know. Say so rather than report a campaign that never ran.
        note(
            "rehearse live: this scenario's campaigns are not sent in live mode \
             (only customers who write in are played); `rehearse run` simulates them\n",
        );
    }
    let mut business = Business::default();
    if let Some(id) = &args.phone_number_id {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::Usage(format!(
                "--phone-number-id `{}`: a phone number id is digits, like 106540352242922",
                crate::source::printable(id)
            )));
        }
        business.phone_number_id = id.clone();
    }
    let mut config = LiveConfig::new(args.bot.clone(), args.app_secret.clone());
    config.listen = listen;
    config.verify_token = args.verify_token.clone();
    config.business = business;
    config.clock = clock;
    let options = RehearsalOptions {
        concurrency: args.concurrency as usize,
        drain: Duration::from_millis(args.drain.0),
        transcripts: args.transcripts.unwrap_or(0) as usize,
        seed: args.seed,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| Error::Usage(format!("failed to start the async runtime: {error}")))?;
    let scenario = Arc::new(scenario);
    let report = runtime.block_on(async {
        let stand_in = live::start(config).await.map_err(usage)?;
        let phone_number_id = args
            .phone_number_id
            .clone()
            .unwrap_or_else(|| Business::default().phone_number_id);
        note(&format!(
            "rehearse live: standing in for the WhatsApp Cloud API at {base}\n  \
             point the bot's Graph API base URL there (it sends to {base}/v23.0/{phone_number_id}/messages)\n  \
             webhooks go to {bot}, signed with the app secret; verify token `{token}`\n",
            base = stand_in.base_url(),
            bot = crate::source::printable(&args.bot),
            token = crate::source::printable(&args.verify_token),
        ));
        if !live::is_loopback_url(&args.bot) {
            note(&format!(
                "note: the bot at {} must reach the stand-in at {}, which listens on this machine only\n",
                crate::source::printable(&args.bot),
                stand_in.base_url()
            ));
        }
        let started = Instant::now();
        // Ctrl-C, or the SIGTERM that CI runners and `timeout` send, stops
        // the run with a partial report. Without a signal handler, the run
        // still ends by itself.
        let stop = async {
            let interrupt = async {
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            #[cfg(unix)]
            let terminate = async {
                use tokio::signal::unix::{SignalKind, signal};
                match signal(SignalKind::terminate()) {
                    Ok(mut terminate) => {
                        terminate.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            #[cfg(not(unix))]
            let terminate = std::future::pending::<()>();
            tokio::select! {
                () = interrupt => {}
                () = terminate => {}
            }
        };
        let report = live::rehearse(Arc::clone(&scenario), stand_in, &options, stop)
            .await
            .map_err(|error| Error::Bot(format!("{error}; nothing was rehearsed")))?;
        note(&format!(
            "rehearse live: {} customers in {:.1}s\n",
            report.live.as_ref().map_or(0, |live| live.customers.started),
            started.elapsed().as_secs_f64()
        ));
        Ok::<_, Error>(report)
    })?;
    // Stop the server's remaining tasks without waiting for them.
    runtime.shutdown_timeout(Duration::from_secs(1));
    let live = report.live.clone();
    write_reports(std::slice::from_ref(&report), &destinations, environment)?;
    let Some(live) = live else {
        return Ok(ExitStatus::Success);
    };
    if let Some(partial) = live.partial_note() {
        note(&format!("rehearse live: {partial}\n"));
    }
    if live.bot_failed() {
        if live.webhooks.delivered == 0 && live.webhooks.failed == 0 {
            note(
                "rehearse live: the bot failed: it took no webhook at all (see `live.webhooks` in the report)\n",
            );
        } else {
            note(&format!(
                "rehearse live: the bot failed: {} webhooks were never taken (see `live.webhooks` in the report)\n",
                live.webhooks.failed
            ));
        }
    }
    Ok(if live.partial || live.bot_failed() {
        ExitStatus::Failed
    } else {
        ExitStatus::Success
    })
}

/// `listen 10.0.0.1:80: the stand-in listens on loopback only ...`: the
/// flag an error is about, and the error.
fn error_flag(error: &LiveError, args: &Args) -> String {
    match error {
        LiveError::NotLoopback(_) | LiveError::ListenAddress(_) | LiveError::Bind { .. } => {
            format!("listen {}: {error}", crate::source::printable(&args.listen))
        }
        LiveError::BotUrl { .. } => format!("bot: {error}"),
        LiveError::Speed(_) => format!("speed: {error}"),
        LiveError::Client(_) | LiveError::Serve(_) => format!("listen: {error}"),
    }
}
