//! A small WhatsApp bot for the live-mode tests, written with axum as bot
//! developers write them: it answers the verification handshake, verifies
//! `X-Hub-Signature-256` (on the raw bytes, or after re-escaping non-ASCII
//! as some SDKs do), ignores webhooks for another phone number id, and
//! replies through the stand-in's `/messages`.
//!
//! Everything it sees and every answer it gets is logged for the tests.

#![allow(dead_code)] // each test file uses a different part

pub mod flow_bot;

use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::get;
use rehearse::live::{self, Customer, LiveConfig, LiveHandle, RetryPolicy};
use serde_json::{Value, json};

/// Every test finishes within this, or fails instead of hanging.
pub const TEST_BOUND: Duration = Duration::from_secs(20);

/// Runs `test` within [`TEST_BOUND`]. A watchdog thread also ends the
/// process a little later, for a test that blocks its runtime thread (where
/// no timer can fire).
pub async fn bounded<F: Future>(test: F) -> F::Output {
    bounded_for(TEST_BOUND, test).await
}

/// Runs `test` within `bound` (see [`bounded`]).
pub async fn bounded_for<F: Future>(bound: Duration, test: F) -> F::Output {
    let (done, watched) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let grace = bound + Duration::from_secs(5);
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = watched.recv_timeout(grace) {
            eprintln!("a live test blocked for {grace:?}: aborting the test binary");
            std::process::exit(101);
        }
    });
    let output = tokio::time::timeout(bound, test)
        .await
        .expect("the test did not finish within its time bound");
    drop(done);
    output
}

pub const SECRET: &str = "test-app-secret";
pub const VERIFY_TOKEN: &str = "test-verify-token";

pub fn ana() -> Customer {
    Customer::new("15550100001", "US.1000000000000001", "Ana")
}

pub fn layla() -> Customer {
    Customer::new("971500000002", "AE.2000000000000002", "ليلى 🌙")
}

/// How the bot checks signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// HMAC of the bytes as received.
    RawBytes,
    /// HMAC after writing every non-ASCII character as lowercase `\uXXXX`.
    ReEscaped,
}

/// When the bot answers its webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 200 at once; replies follow from another task.
    First,
    /// Replies first, then 200 (the webhook stays open meanwhile).
    AfterReplying,
    /// 500 to the first `n` webhooks, then as `First`.
    FailFirst(usize),
    /// Never (sleeps far beyond any test's bound).
    Never,
}

/// How the bot addresses replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    To,
    /// `recipient` (the business-scoped user id) and no `to`.
    Recipient,
}

/// What the bot says to a customer message: the `type` and its payload, or
/// nothing.
pub type Reply = Arc<dyn Fn(&Value) -> Option<Value> + Send + Sync>;

#[derive(Clone)]
pub struct BotSetup {
    pub verify: Verify,
    pub answer: Answer,
    pub address: Address,
    /// `Some("v23.0")` -> `/v23.0/{id}/messages`; `None` -> `/{id}/messages`.
    pub version: Option<&'static str>,
    pub reply: Reply,
}

impl Default for BotSetup {
    fn default() -> Self {
        BotSetup {
            verify: Verify::RawBytes,
            answer: Answer::First,
            address: Address::To,
            version: Some("v23.0"),
            reply: echo(),
        }
    }
}

/// Replies `You said: <text>` to text, nothing to anything else.
pub fn echo() -> Reply {
    Arc::new(|message: &Value| {
        let body = message["text"]["body"].as_str()?;
        Some(json!({"type": "text", "text": {"body": format!("You said: {body}")}}))
    })
}

/// Replies to text with three reply buttons.
pub fn menu() -> Reply {
    Arc::new(|message: &Value| {
        message["text"]["body"].as_str()?;
        Some(json!({"type": "interactive", "interactive": {
        "type": "button",
        "body": {"text": "What can I do for you?"},
        "action": {"buttons": [
            {"type": "reply", "reply": {"id": "track", "title": "Track order"}},
            {"type": "reply", "reply": {"id": "returns", "title": "Returns"}},
            {"type": "reply", "reply": {"id": "agent", "title": "Talk to us"}},
        ]}}}))
    })
}

/// One webhook as the bot received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub raw: Vec<u8>,
    pub json: Value,
    pub signature: Option<String>,
    pub signature_ok: bool,
    pub content_length: Option<String>,
    pub transfer_encoding: Option<String>,
}

#[derive(Debug, Default)]
pub struct Log {
    pub webhooks: Vec<Received>,
    /// HTTP status and body of each `/messages` call the bot made.
    pub answers: Vec<(u16, Value)>,
    pub verifications: usize,
}

struct Bot {
    setup: BotSetup,
    phone_number_id: String,
    graph: OnceLock<String>,
    http: reqwest::Client,
    log: Mutex<Log>,
}

/// A running test bot.
#[derive(Clone)]
pub struct TestBot {
    pub url: String,
    bot: Arc<Bot>,
}

impl TestBot {
    /// Starts the bot on an ephemeral loopback port; it learns the stand-in's
    /// URL from [`TestBot::connect`].
    pub async fn start(setup: BotSetup) -> TestBot {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let bot = Arc::new(Bot {
            setup,
            phone_number_id: live::Business::default().phone_number_id,
            graph: OnceLock::new(),
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            log: Mutex::new(Log::default()),
        });
        let app = Router::new()
            .route("/webhook", get(verification).post(webhook))
            .with_state(Arc::clone(&bot));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestBot {
            url: format!("http://{addr}/webhook"),
            bot,
        }
    }

    pub fn connect(&self, stand_in: &LiveHandle) {
        let _ = self.bot.graph.set(stand_in.base_url().to_owned());
    }

    pub fn log<T>(&self, read: impl FnOnce(&Log) -> T) -> T {
        read(&self.bot.log.lock().unwrap())
    }

    /// Waits (boundedly) until `ready` holds for the log. `ready` runs with
    /// the log locked: it must not call [`TestBot::log`] again.
    pub async fn wait_for(&self, ready: impl Fn(&Log) -> bool) {
        for _ in 0..400 {
            if self.log(&ready) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "the bot's log never got there: {:?}",
            self.bot.log.lock().unwrap()
        );
    }

    /// Calls the stand-in's `/messages` as this bot would.
    pub async fn call(&self, body: Value) -> (u16, Value) {
        self.bot.call(body).await
    }
}

impl Bot {
    fn messages_url(&self) -> String {
        let graph = self.graph.get().expect("connect() the bot first");
        match self.setup.version {
            Some(version) => format!("{graph}/{version}/{}/messages", self.phone_number_id),
            None => format!("{graph}/{}/messages", self.phone_number_id),
        }
    }

    async fn call(&self, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.messages_url())
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let json = response.json().await.unwrap_or(Value::Null);
        self.log
            .lock()
            .unwrap()
            .answers
            .push((status, json.clone()));
        (status, json)
    }

    async fn reply_to(&self, value: &Value) {
        let Some(message) = value["messages"].get(0) else {
            return; // a status
        };
        let Some(mut reply) = (self.setup.reply)(message) else {
            return;
        };
        reply["messaging_product"] = json!("whatsapp");
        match self.setup.address {
            Address::To => reply["to"] = message["from"].clone(),
            Address::Recipient => reply["recipient"] = message["from_user_id"].clone(),
        }
        self.call(reply).await;
    }
}

async fn verification(State(bot): State<Arc<Bot>>, uri: Uri) -> (StatusCode, String) {
    bot.log.lock().unwrap().verifications += 1;
    let url = reqwest::Url::parse(&format!("http://bot{uri}")).unwrap();
    let param = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    if param("hub.mode").as_deref() == Some("subscribe")
        && param("hub.verify_token").as_deref() == Some(VERIFY_TOKEN)
    {
        (StatusCode::OK, param("hub.challenge").unwrap_or_default())
    } else {
        (StatusCode::FORBIDDEN, "bad verify token".to_owned())
    }
}

async fn webhook(State(bot): State<Arc<Bot>>, headers: HeaderMap, raw: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let signature = header("x-hub-signature-256");
    let signed = match bot.setup.verify {
        Verify::RawBytes => raw.to_vec(),
        Verify::ReEscaped => re_escape(&String::from_utf8_lossy(&raw)).into_bytes(),
    };
    let signature_ok = signature.as_deref() == Some(expected_signature(&signed).as_str());
    let json: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    let value = json["entry"][0]["changes"][0]["value"].clone();
    let n = {
        let mut log = bot.log.lock().unwrap();
        log.webhooks.push(Received {
            raw: raw.to_vec(),
            json: json.clone(),
            signature,
            signature_ok,
            content_length: header("content-length"),
            transfer_encoding: header("transfer-encoding"),
        });
        log.webhooks.len()
    };
    if !signature_ok {
        return StatusCode::UNAUTHORIZED;
    }
    // Like real SDKs: a webhook for another number is dropped, yet answered 200.
    if value["metadata"]["phone_number_id"] != json!(bot.phone_number_id) {
        return StatusCode::OK;
    }
    match bot.setup.answer {
        Answer::Never => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::OK
        }
        Answer::FailFirst(failures) if n <= failures => StatusCode::INTERNAL_SERVER_ERROR,
        Answer::AfterReplying => {
            bot.reply_to(&value).await;
            StatusCode::OK
        }
        Answer::First | Answer::FailFirst(_) => {
            let bot = Arc::clone(&bot);
            tokio::spawn(async move { bot.reply_to(&value).await });
            StatusCode::OK
        }
    }
}

/// `sha256=<lowercase hex>` as a bot computes it, with the test secret.
pub fn expected_signature(body: &[u8]) -> String {
    flow_bot::signature_of(SECRET, body)
}

/// What some SDKs do before verifying (the flow bot's own).
pub use flow_bot::re_escape;

/// A stand-in for `bot` with short, test-sized retry bounds.
pub async fn stand_in_for(bot: &TestBot, configure: impl FnOnce(&mut LiveConfig)) -> LiveHandle {
    let mut config = LiveConfig::new(bot.url.clone(), SECRET);
    config.verify_token = VERIFY_TOKEN.to_owned();
    config.retry = RetryPolicy {
        timeout: Duration::from_secs(2),
        attempts: 4,
        first_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        give_up_after: Duration::from_secs(5),
    };
    config.failure_delay = Duration::from_millis(10);
    configure(&mut config);
    let stand_in = live::start(config).await.unwrap();
    bot.connect(&stand_in);
    stand_in
}

/// The next event, failing the test if none comes within 5 s.
pub async fn next_event(stand_in: &mut LiveHandle) -> live::BotEvent {
    stand_in
        .next_event(Duration::from_secs(5))
        .await
        .expect("no event within 5 s")
}
