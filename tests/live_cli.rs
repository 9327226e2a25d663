//! `rehearse live` through the binary, as a user runs it: the stand-in on
//! loopback, the base URL it prints, exit codes, Ctrl-C. The bot is the live
//! tests' flow bot, in this test process; it learns the stand-in's address
//! from the line the binary prints. Loopback only; every run is bounded.
#![cfg(feature = "live")]

mod live_support;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use live_support::flow_bot::{BotConfig, FlowBot};
use rehearse::Loader;

/// How long one run of the binary may take before the test fails.
const RUN_BOUND: Duration = Duration::from_secs(60);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A running `rehearse live`, its standard error read line by line.
struct Rehearsal {
    child: Child,
    base_url: mpsc::Receiver<String>,
    stderr: std::thread::JoinHandle<String>,
}

fn spawn(args: &[&str]) -> Rehearsal {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .arg("live")
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (found, base_url) = mpsc::channel();
    let stderr = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(at) = line.find("Cloud API at ") {
                let _ = found.send(line[at + "Cloud API at ".len()..].trim().to_owned());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    Rehearsal {
        child,
        base_url,
        stderr,
    }
}

impl Rehearsal {
    /// Waits (boundedly) for the exit; returns the code, stdout and stderr.
    fn finish(mut self) -> (i32, String, String) {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > RUN_BOUND {
                let _ = self.child.kill();
                panic!("rehearse live did not stop within {RUN_BOUND:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stdout = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let stderr = self.stderr.join().unwrap();
        (status.code().unwrap_or(-1), stdout, stderr)
    }
}

/// A flow bot for the tiny scenario's flow, on a free port.
async fn tiny_bot() -> FlowBot {
    let (scenario, _) = Loader::new()
        .scenario(&root().join("tests/live/tiny/scenario.yaml"))
        .unwrap();
    FlowBot::start(scenario.flow().clone(), BotConfig::default()).await
}

fn bot_args<'a>(bot: &'a FlowBot, config: &'a BotConfig) -> Vec<&'a str> {
    vec![
        "--bot",
        &bot.url,
        "--app-secret",
        &config.app_secret,
        "--verify-token",
        &config.verify_token,
        "--listen",
        "127.0.0.1:0",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_prints_the_base_url_and_writes_the_live_report() {
    let bot = tiny_bot().await;
    let config = BotConfig::default();
    let mut args = vec!["tests/live/tiny/scenario.yaml"];
    args.extend(bot_args(&bot, &config));
    // The report as JSON and as a page, each format by its file's extension.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let (json, page) = (dir.join("live-cli.json"), dir.join("live-cli.html"));
    for file in [&json, &page] {
        let _ = std::fs::remove_file(file);
    }
    let (json_arg, page_arg) = (json.display().to_string(), page.display().to_string());
    args.extend(["--out", &json_arg, "--out", &page_arg, "--transcripts", "1"]);
    let rehearsal = spawn(&args);
    let base_url =
        tokio::task::block_in_place(|| rehearsal.base_url.recv_timeout(Duration::from_secs(30)))
            .expect("the binary prints the stand-in's URL");
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    bot.connect(&base_url);
    let (code, stdout, stderr) = tokio::task::block_in_place(|| rehearsal.finish());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("verify token `flow-bot-token`"), "{stderr}");
    assert_eq!(stdout, "", "the report goes to the files");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let live = &report["live"];
    assert_eq!(live["partial"], false, "{live}");
    assert_eq!(live["stopped"], "finished");
    assert_eq!(report["outcomes"]["self_resolved"], 1.0, "{report}");
    assert!(report.get("funnel").is_none(), "live mode knows no nodes");
    assert_eq!(report["transcripts"].as_array().unwrap().len(), 1);
    assert!(live["webhooks"]["delivered"].as_u64().unwrap() > 0);
    // The page opens with the live run, and has no funnel to draw.
    let html = std::fs::read_to_string(&page).unwrap();
    let live_run = html.find(">Live run</h2>").expect("a Live run section");
    assert!(live_run < html.find(">At a glance</h2>").unwrap());
    assert!(html.contains("aria-label=\"What became of "));
    assert!(!html.contains(">Funnel</h2>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_cleanly_with_a_partial_report() {
    stops_cleanly_on(libc::SIGINT).await;
}

/// CI runners and `timeout` stop a job with SIGTERM, not Ctrl-C.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_cleanly_with_a_partial_report() {
    stops_cleanly_on(libc::SIGTERM).await;
}

async fn stops_cleanly_on(signal: libc::c_int) {
    let bot = tiny_bot().await;
    let config = BotConfig::default();
    let mut args = vec!["tests/live/tiny/long.yaml"];
    args.extend(bot_args(&bot, &config));
    args.extend(["--speed", "10", "--format", "yaml"]);
    let rehearsal = spawn(&args);
    let base_url =
        tokio::task::block_in_place(|| rehearsal.base_url.recv_timeout(Duration::from_secs(30)))
            .expect("the binary prints the stand-in's URL");
    bot.connect(&base_url);
    tokio::time::sleep(Duration::from_millis(800)).await;
    // SAFETY: kill(2) with the pid of our own child and a valid signal.
    let sent = unsafe { libc::kill(rehearsal.child.id() as libc::pid_t, signal) };
    assert_eq!(sent, 0);
    let (code, stdout, stderr) = tokio::task::block_in_place(|| rehearsal.finish());
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("stopped: interrupted"), "{stdout}");
    assert!(stdout.contains("partial: true"), "{stdout}");
    assert!(stderr.contains("partial report"), "{stderr}");
}

#[test]
fn a_listen_address_other_machines_could_reach_is_refused() {
    let rehearsal = spawn(&[
        "tests/live/tiny/scenario.yaml",
        "--bot",
        "http://127.0.0.1:9/webhook",
        "--app-secret",
        "s",
        "--listen",
        "0.0.0.0:8090",
    ]);
    let (code, stdout, stderr) = rehearsal.finish();
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("--listen 0.0.0.0:8090"), "{stderr}");
    assert!(stderr.contains("loopback"), "{stderr}");
}

#[test]
fn a_bot_that_is_not_there_fails_the_verification_with_exit_1() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/webhook", closed.local_addr().unwrap());
    drop(closed);
    let rehearsal = spawn(&[
        "tests/live/tiny/scenario.yaml",
        "--bot",
        &url,
        "--app-secret",
        "s",
        "--listen",
        "127.0.0.1:0",
    ]);
    let (code, stdout, stderr) = rehearsal.finish();
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("webhook verification"), "{stderr}");
}

#[test]
fn bad_flags_exit_2() {
    for (flag, value) in [
        ("--speed", "0"),
        ("--concurrency", "0"),
        ("--drain", "soon"),
    ] {
        let rehearsal = spawn(&[
            "tests/live/tiny/scenario.yaml",
            "--bot",
            "http://127.0.0.1:9/webhook",
            "--app-secret",
            "s",
            "--listen",
            "127.0.0.1:0",
            flag,
            value,
        ]);
        let (code, _, stderr) = rehearsal.finish();
        assert_eq!(code, 2, "{flag} {value}: {stderr}");
    }
}
