//! `rehearse live` against hostile bots: what the bot sends is read up to a
//! cap and within a time, never buffered without a limit, and a run where
//! the bot took nothing fails. The bots here speak just enough HTTP/1.1 by
//! hand to misbehave; loopback only, every run bounded in time and in what
//! the bot streams (far past the caps, far below what would hurt a test
//! machine that lacks them).
#![cfg(feature = "live")]

mod live_support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use live_support::*;

/// How much an "endless" answer streams before the hostile bot gives up:
/// 16,000 times the 4 KiB cap.
const ENDLESS: usize = 64 << 20;

/// How long one run of the binary may take before the test fails.
const RUN_BOUND: Duration = Duration::from_secs(60);

/// Which answer the hostile bot makes endless.
#[derive(Clone, Copy)]
enum Endless {
    /// The verification handshake's.
    Handshake,
    /// Every webhook's (the handshake is answered properly).
    Webhooks,
}

/// Starts a bot (a thread per connection) that answers the handshake or the
/// webhooks with an endless body; returns its webhook URL.
fn hostile_bot(endless: Endless) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            std::thread::spawn(move || answer(stream, endless));
        }
    });
    format!("http://{addr}/webhook")
}

/// Answers one request on `stream`, then closes it.
fn answer(mut stream: TcpStream, endless: Endless) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).into_owned();
    let is_get = head.starts_with("GET ");
    if is_get && matches!(endless, Endless::Webhooks) {
        let challenge = head
            .split(['?', '&', ' '])
            .find_map(|part| part.strip_prefix("hub.challenge="))
            .unwrap_or_default()
            .to_owned();
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{challenge}",
            challenge.len()
        );
        let _ = stream.write_all(answer.as_bytes());
        return;
    }
    if !is_get {
        // Take the whole webhook before answering it.
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        while request.len() < head_end + length {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&buffer[..n]),
            }
        }
    }
    stream_endless(&mut stream);
}

/// A 200 with a chunked body that goes on until the reader hangs up (or
/// [`ENDLESS`] bytes, or 20 s).
fn stream_endless(stream: &mut TcpStream) {
    let started = Instant::now();
    let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
    if stream.write_all(head).is_err() {
        return;
    }
    let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
    chunk.extend(std::iter::repeat_n(b'x', 64 * 1024));
    chunk.extend_from_slice(b"\r\n");
    let mut sent = 0;
    while sent < ENDLESS && started.elapsed() < Duration::from_secs(20) {
        if stream.write_all(&chunk).is_err() {
            return;
        }
        sent += 64 * 1024;
    }
    let _ = stream.write_all(b"0\r\n\r\n");
}

/// Runs `rehearse live <scenario> --bot <bot>` to the end; returns the exit
/// code, stdout, stderr and how long it took.
fn rehearse_live(scenario: &str, bot: &str) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .args(["live", scenario, "--bot", bot, "--app-secret", SECRET])
        .args(["--listen", "127.0.0.1:0", "--format", "json"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("CI")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).unwrap();
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > RUN_BOUND {
            let _ = child.kill();
            panic!("rehearse live did not stop within {RUN_BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    (
        status.code().unwrap_or(-1),
        stdout,
        stderr,
        started.elapsed(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_handshake_answer_is_cut_at_the_cap() {
    let bot = hostile_bot(Endless::Handshake);
    let (code, stdout, stderr, took) =
        tokio::task::block_in_place(|| rehearse_live("tests/live/tiny/scenario.yaml", &bot));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "", "nothing was rehearsed");
    assert!(
        stderr.contains("the bot answered the webhook verification with more than 4096 bytes"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was rehearsed"), "{stderr}");
    // Read up to the cap, not until the bot stops or the timeout.
    assert!(took < Duration::from_secs(8), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_webhook_answers_are_counted_faults() {
    let bot = hostile_bot(Endless::Webhooks);
    let (code, stdout, stderr, _) =
        tokio::task::block_in_place(|| rehearse_live("tests/live/tiny/scenario.yaml", &bot));
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let webhooks = &report["live"]["webhooks"];
    let oversized = webhooks["oversized"].as_u64().unwrap_or(0);
    assert!(oversized > 0, "{webhooks}");
    assert_eq!(webhooks["failed"].as_u64(), Some(oversized), "{webhooks}");
    assert_eq!(webhooks["delivered"], 0, "{webhooks}");
    assert!(stderr.contains("the bot failed"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_where_the_bot_took_no_webhook_fails() {
    // The handshake passes, but no customer arrives: nothing was rehearsed.
    let bot = hostile_bot(Endless::Webhooks);
    let (code, stdout, stderr, _) =
        tokio::task::block_in_place(|| rehearse_live("tests/live/tiny/nobody.yaml", &bot));
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["live"]["customers"]["started"], 0, "{report}");
    assert!(stderr.contains("it took no webhook at all"), "{stderr}");
}

/// A text message to Ana, as JSON padded with `padding` spaces (still valid).
fn padded_text(padding: usize) -> Vec<u8> {
    let mut body = serde_json::to_vec(&serde_json::json!({
        "messaging_product": "whatsapp", "to": ana().wa_id, "type": "text",
        "text": {"body": "hi"}}))
    .unwrap();
    body.extend(std::iter::repeat_n(b' ', padding));
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stand_in_reads_at_most_its_body_limit() {
    bounded(async {
        let bot = TestBot::start(BotSetup::default()).await;
        let stand_in = stand_in_for(&bot, |_| {}).await;
        stand_in.add_customer(ana());
        let path = format!(
            "/v23.0/{}/messages",
            rehearse::live::Business::default().phone_number_id
        );
        let url = format!("{}{path}", stand_in.base_url());
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let post = |body: Vec<u8>| {
            http.post(&url)
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        // Within the limit, padding and all: taken.
        let response = post(padded_text(200 * 1024)).await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        // Over it: refused with code 100 and counted as malformed.
        let response = post(padded_text(300 * 1024)).await.unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], 100, "{error}");
        let details = error["error"]["error_data"]["details"].as_str().unwrap();
        assert!(details.contains("at most 262144 bytes"), "{details}");
        assert_eq!(stand_in.counters().malformed_requests, 1);

        // An endless chunked body is answered once it passes the limit, and
        // the stand-in stops reading.
        let addr = stand_in.local_addr();
        let sent = tokio::task::spawn_blocking(move || {
            let mut stream = TcpStream::connect(addr).unwrap();
            let head = format!(
                "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                 transfer-encoding: chunked\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).unwrap();
            let mut reader = stream.try_clone().unwrap();
            let answered = std::thread::spawn(move || {
                let mut answer = [0u8; 12];
                reader.read_exact(&mut answer).map(|()| answer)
            });
            let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
            chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
            chunk.extend_from_slice(b"\r\n");
            let mut sent = 0;
            while sent < ENDLESS && !answered.is_finished() && stream.write_all(&chunk).is_ok() {
                sent += chunk.len();
            }
            let answer = answered.join().unwrap().unwrap();
            assert_eq!(&answer, b"HTTP/1.1 400");
            sent
        })
        .await
        .unwrap();
        assert!(sent < ENDLESS, "the stand-in read on: {sent} bytes");
        assert_eq!(stand_in.counters().malformed_requests, 2);
    })
    .await;
}
