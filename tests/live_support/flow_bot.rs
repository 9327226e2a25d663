//! A WhatsApp bot that serves a rehearse flow over the Cloud API, written
//! as bot developers write them (axum, a webhook, `/messages` calls): it
//! answers the verification handshake, checks `X-Hub-Signature-256`,
//! ignores webhooks for another phone number id, marks each message read,
//! and answers with the flow's messages — text, reply buttons, lists — at
//! the flow's latencies. What to say comes from `rehearse::session`, the
//! interpreter `rehearse run` simulates the flow with.
//!
//! The live tests run it against `rehearse live`, with the faults a real bot
//! has ([`Faults`]); `examples/flow_bot.rs` runs it for people to try.

#![allow(dead_code)] // the example and each test use a different part

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::get;
use hmac::{Hmac, KeyInit, Mac};
use rehearse::Flow;
use rehearse::model::media::{Media, REACTIONS};
use rehearse::session::{FlowSession, Input, Message, Options};
use serde_json::{Value, json};
use sha2::Sha256;

/// How the bot checks signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// HMAC of the bytes as received.
    RawBytes,
    /// HMAC after writing every non-ASCII character as lowercase `\uXXXX`,
    /// as some SDKs do.
    ReEscaped,
}

/// When the bot answers a message webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 200 at once; the replies follow from a task of their own.
    First,
    /// After its replies were sent (the webhook stays open meanwhile).
    AfterReplying,
}

/// How the bot addresses replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    /// `to`: the phone number.
    To,
    /// `recipient`: the business-scoped user id, and no `to`.
    Recipient,
}

/// What goes wrong with the bot. Faults "for some customers" hit the
/// customers whose phone number is divisible by `every`.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Answer the first N webhooks (of any kind) with HTTP 500.
    pub server_errors: usize,
    /// Never answer message webhooks of some customers (nor reply).
    pub never_answer_every: Option<u64>,
    /// Replies to some customers are not JSON.
    pub malformed_every: Option<u64>,
    /// Replies to some customers go to a number that is nobody's.
    pub stranger_every: Option<u64>,
    /// Wait this long (real time) before replying to some customers.
    pub slow: Option<(u64, Duration)>,
    /// Stop serving (connections refused) after this many message webhooks.
    pub die_after: Option<usize>,
    /// Offer four reply buttons where the flow has buttons (WhatsApp allows three).
    pub four_buttons: bool,
    /// After a conversation ends, write again this long after (real time):
    /// outside the 24-hour window once the clock has passed it.
    pub follow_up_after: Option<Duration>,
}

/// The bot's configuration.
#[derive(Debug, Clone)]
pub struct BotConfig {
    pub app_secret: String,
    pub verify_token: String,
    pub phone_number_id: String,
    /// The Graph API base URL (the stand-in's), when known at start.
    pub graph: Option<String>,
    /// `Some("v23.0")` → `/v23.0/{id}/messages`; `None` → `/{id}/messages`.
    pub version: Option<&'static str>,
    pub verify: Verify,
    pub answer: Answer,
    pub address: Address,
    /// The flow's latencies are multiplied by this (0.01: a hundred times
    /// faster than the flow says).
    pub pace: f64,
    pub faults: Faults,
}

impl Default for BotConfig {
    fn default() -> Self {
        BotConfig {
            app_secret: "flow-bot-secret".to_owned(),
            verify_token: "flow-bot-token".to_owned(),
            phone_number_id: "106540352242922".to_owned(),
            graph: None,
            version: Some("v23.0"),
            verify: Verify::RawBytes,
            answer: Answer::First,
            address: Address::To,
            pace: 1.0,
            faults: Faults::default(),
        }
    }
}

/// What the bot saw, for tests.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    pub verifications: usize,
    pub message_webhooks: usize,
    pub status_webhooks: usize,
    pub bad_signatures: usize,
    /// Webhooks that had every field real SDKs rely on.
    pub complete_webhooks: usize,
    /// Answers of the stand-in other than 200, with their bodies.
    pub refused: Vec<(u16, Value)>,
    /// Statuses by kind.
    pub statuses: HashMap<String, usize>,
    /// Messages whose webhook came again (a retry) and was ignored.
    pub duplicates: usize,
}

struct Bot {
    config: BotConfig,
    flow: &'static Flow,
    graph: OnceLock<String>,
    http: reqwest::Client,
    sessions: Mutex<HashMap<String, FlowSession<'static>>>,
    handled: Mutex<HashSet<String>>,
    seen: Mutex<Seen>,
    webhooks: AtomicUsize,
    messages: AtomicUsize,
    die: tokio::sync::Notify,
}

/// A running flow bot.
#[derive(Clone)]
pub struct FlowBot {
    /// Its webhook URL.
    pub url: String,
    bot: Arc<Bot>,
}

impl FlowBot {
    /// Serves `flow` on `listener` (a loopback address).
    pub async fn serve(
        flow: Flow,
        config: BotConfig,
        listener: tokio::net::TcpListener,
    ) -> FlowBot {
        let addr = listener.local_addr().expect("a bound listener");
        // One flow for the bot's whole life: sessions borrow it.
        let flow: &'static Flow = Box::leak(Box::new(flow));
        let graph = OnceLock::new();
        if let Some(base) = &config.graph {
            let _ = graph.set(base.clone());
        }
        let bot = Arc::new(Bot {
            config,
            flow,
            graph,
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("an HTTP client"),
            sessions: Mutex::new(HashMap::new()),
            handled: Mutex::new(HashSet::new()),
            seen: Mutex::new(Seen::default()),
            webhooks: AtomicUsize::new(0),
            messages: AtomicUsize::new(0),
            die: tokio::sync::Notify::new(),
        });
        let app = Router::new()
            .route("/webhook", get(verification).post(webhook))
            .with_state(Arc::clone(&bot));
        let dying = Arc::clone(&bot);
        tokio::spawn(async move {
            let server = axum::serve(listener, app);
            tokio::select! {
                _ = server => {}
                // Dropping the server closes the listener and every
                // connection: the bot is gone.
                () = dying.die.notified() => {}
            }
        });
        FlowBot {
            url: format!("http://{addr}/webhook"),
            bot,
        }
    }

    /// Starts the bot on a free loopback port.
    pub async fn start(flow: Flow, config: BotConfig) -> FlowBot {
        let listener = listen("127.0.0.1:0".parse().expect("an address")).expect("a loopback port");
        FlowBot::serve(flow, config, listener).await
    }

    /// Tells the bot where the Graph API is (the stand-in's base URL).
    pub fn connect(&self, base_url: &str) {
        let _ = self.bot.graph.set(base_url.to_owned());
    }

    /// What the bot saw so far.
    pub fn seen(&self) -> Seen {
        self.bot.seen.lock().unwrap().clone()
    }
}

impl Bot {
    fn note(&self, update: impl FnOnce(&mut Seen)) {
        update(&mut self.seen.lock().unwrap());
    }

    /// The Graph API base URL; a bot started before rehearse learns it a
    /// moment later, so it waits (boundedly) for it.
    async fn graph(&self) -> Option<String> {
        for _ in 0..500 {
            if let Some(graph) = self.graph.get() {
                return Some(graph.clone());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        None
    }

    async fn call(&self, body: Vec<u8>) {
        let Some(graph) = self.graph().await else {
            return;
        };
        let url = match self.config.version {
            Some(version) => format!("{graph}/{version}/{}/messages", self.config.phone_number_id),
            None => format!("{graph}/{}/messages", self.config.phone_number_id),
        };
        let sent = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .bearer_auth("test-access-token")
            .timeout(Duration::from_secs(10))
            .body(body)
            .send()
            .await;
        if let Ok(response) = sent {
            let status = response.status().as_u16();
            if status != 200 {
                let body = response.json().await.unwrap_or(Value::Null);
                self.note(|seen| seen.refused.push((status, body)));
            } else {
                let _ = response.bytes().await;
            }
        }
    }

    fn faulty(&self, every: Option<u64>, wa_id: &str) -> bool {
        every.is_some_and(|every| wa_id.parse::<u64>().is_ok_and(|n| n % every.max(1) == 0))
    }

    /// Sends the answer to one customer message.
    async fn reply(&self, message: Value, input: Option<Input<'_>>) {
        let faults = &self.config.faults;
        let from = message["from"].as_str().unwrap_or_default().to_owned();
        let user_id = message["from_user_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let Some(input) = input else { return };
        // Read receipts and "typing…", as bots do.
        self.call(
            serde_json::to_vec(&json!({"messaging_product": "whatsapp", "status": "read",
                "message_id": message["id"], "typing_indicator": {"type": "text"}}))
            .unwrap(),
        )
        .await;
        let turn = {
            let mut sessions = self.sessions.lock().unwrap();
            let seed = from.parse::<u64>().unwrap_or(0);
            let session = sessions
                .entry(from.clone())
                .or_insert_with(|| FlowSession::new(self.flow, seed));
            session.reply(input)
        };
        if let Some((every, wait)) = faults.slow
            && self.faulty(Some(every), &from)
        {
            tokio::time::sleep(wait).await;
        }
        let mut waited = Duration::ZERO;
        for said in &turn.messages {
            let due = said.after.mul_f64(self.config.pace);
            if due > waited {
                tokio::time::sleep(due - waited).await;
                waited = due;
            }
            let mut body = self.message_json(said);
            body["messaging_product"] = json!("whatsapp");
            if self.faulty(faults.stranger_every, &from) {
                body["to"] = json!("15559999999");
            } else {
                match self.config.address {
                    Address::To => body["to"] = json!(from),
                    Address::Recipient => body["recipient"] = json!(user_id),
                }
            }
            let bytes = if self.faulty(faults.malformed_every, &from) {
                b"{\"messaging_product\": \"whatsapp\", \"to\": ".to_vec()
            } else {
                serde_json::to_vec(&body).unwrap()
            };
            self.call(bytes).await;
        }
        if let (Some(after), true) = (
            faults.follow_up_after,
            turn.after != rehearse::session::After::Waits,
        ) {
            tokio::time::sleep(after).await;
            let body = json!({"messaging_product": "whatsapp", "to": from, "type": "text",
                              "text": {"body": "Anything else we can do?"}});
            self.call(serde_json::to_vec(&body).unwrap()).await;
        }
    }

    /// A flow message as a `/messages` body.
    fn message_json(&self, said: &Message) -> Value {
        let mut interactive = match &said.options {
            Options::None => {
                return json!({"type": "text", "text": {"preview_url": false, "body": said.text}});
            }
            Options::Buttons(titles) => {
                let mut buttons: Vec<Value> = titles
                    .iter()
                    .enumerate()
                    .map(|(i, title)| json!({"type": "reply", "reply": {"id": format!("option-{i}"), "title": title}}))
                    .collect();
                if self.config.faults.four_buttons {
                    while buttons.len() < 4 {
                        let i = buttons.len();
                        buttons.push(json!({"type": "reply", "reply": {"id": format!("option-{i}"), "title": format!("More {i}")}}));
                    }
                }
                json!({"type": "button", "body": {"text": said.text}, "action": {"buttons": buttons}})
            }
            Options::List { button, sections } => {
                let sections: Vec<Value> = sections
                    .iter()
                    .enumerate()
                    .map(|(s, section)| {
                        let rows: Vec<Value> = section
                            .rows
                            .iter()
                            .enumerate()
                            .map(|(r, (title, description))| {
                                let mut row = json!({"id": format!("row-{s}-{r}"), "title": title});
                                if let Some(description) = description {
                                    row["description"] = json!(description);
                                }
                                row
                            })
                            .collect();
                        let mut value = json!({"rows": rows});
                        if let Some(title) = &section.title {
                            value["title"] = json!(title);
                        }
                        value
                    })
                    .collect();
                json!({"type": "list", "body": {"text": said.text},
                       "action": {"button": button, "sections": sections}})
            }
        };
        if let Some(header) = &said.header {
            interactive["header"] = json!({"type": "text", "text": header});
        }
        if let Some(footer) = &said.footer {
            interactive["footer"] = json!({"text": footer});
        }
        json!({"type": "interactive", "interactive": interactive})
    }
}

async fn verification(State(bot): State<Arc<Bot>>, uri: Uri) -> (StatusCode, String) {
    bot.note(|seen| seen.verifications += 1);
    let Ok(url) = reqwest::Url::parse(&format!("http://bot{uri}")) else {
        return (StatusCode::BAD_REQUEST, String::new());
    };
    let param = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    if param("hub.mode").as_deref() == Some("subscribe")
        && param("hub.verify_token").as_deref() == Some(bot.config.verify_token.as_str())
    {
        (StatusCode::OK, param("hub.challenge").unwrap_or_default())
    } else {
        (StatusCode::FORBIDDEN, "bad verify token".to_owned())
    }
}

async fn webhook(State(bot): State<Arc<Bot>>, headers: HeaderMap, raw: Bytes) -> StatusCode {
    let n = bot.webhooks.fetch_add(1, Ordering::SeqCst) + 1;
    let signed = match bot.config.verify {
        Verify::RawBytes => raw.to_vec(),
        Verify::ReEscaped => re_escape(&String::from_utf8_lossy(&raw)).into_bytes(),
    };
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|value| value.to_str().ok());
    if signature != Some(signature_of(&bot.config.app_secret, &signed).as_str()) {
        bot.note(|seen| seen.bad_signatures += 1);
        return StatusCode::UNAUTHORIZED;
    }
    if n <= bot.config.faults.server_errors {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let Ok(json) = serde_json::from_slice::<Value>(&raw) else {
        return StatusCode::BAD_REQUEST;
    };
    let value = json["entry"][0]["changes"][0]["value"].clone();
    // Like real SDKs: a webhook for another number is dropped, yet answered 200.
    if value["metadata"]["phone_number_id"] != json!(bot.config.phone_number_id) {
        return StatusCode::OK;
    }
    if let Some(statuses) = value["statuses"].as_array() {
        bot.note(|seen| {
            seen.status_webhooks += 1;
            for status in statuses {
                let kind = status["status"].as_str().unwrap_or("?").to_owned();
                *seen.statuses.entry(kind).or_default() += 1;
            }
        });
        return StatusCode::OK;
    }
    let Some(message) = value["messages"].get(0).cloned() else {
        return StatusCode::OK;
    };
    let count = bot.messages.fetch_add(1, Ordering::SeqCst) + 1;
    if bot
        .config
        .faults
        .die_after
        .is_some_and(|after| count > after)
    {
        bot.die.notify_one();
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let complete = value["contacts"][0]["wa_id"].is_string()
        && value["contacts"][0]["user_id"].is_string()
        && value["contacts"][0]["profile"]["name"].is_string()
        && value["metadata"]["display_phone_number"].is_string()
        && message["from_user_id"].is_string()
        && message["timestamp"].is_string()
        && (message["type"] != "interactive" || message["context"]["id"].is_string());
    bot.note(|seen| {
        seen.message_webhooks += 1;
        seen.complete_webhooks += usize::from(complete);
    });
    let from = message["from"].as_str().unwrap_or_default().to_owned();
    if bot.faulty(bot.config.faults.never_answer_every, &from) {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        return StatusCode::OK;
    }
    // A retried webhook (after a 5xx or a timeout) is answered once.
    let id = message["id"].as_str().unwrap_or_default().to_owned();
    if !bot.handled.lock().unwrap().insert(id) {
        bot.note(|seen| seen.duplicates += 1);
        return StatusCode::OK;
    }
    let incoming = match message["type"].as_str() {
        Some("text") => message["text"]["body"]
            .as_str()
            .map(|text| Incoming::Text(text.to_owned())),
        Some("interactive") => {
            let reply = &message["interactive"];
            reply["button_reply"]["title"]
                .as_str()
                .or_else(|| reply["list_reply"]["title"].as_str())
                .map(|title| Incoming::Tap(title.to_owned()))
        }
        Some("image") => Some(Incoming::Media(Media::Image)),
        Some("sticker") => Some(Incoming::Media(Media::Sticker)),
        // The bot cannot hear how long a voice note is without the file;
        // the flow routes by kind alone.
        Some("audio") => Some(Incoming::Media(Media::Audio { seconds: 0 })),
        Some("location") => Some(Incoming::Media(Media::Location {
            latitude: message["location"]["latitude"].as_f64().unwrap_or_default(),
            longitude: message["location"]["longitude"]
                .as_f64()
                .unwrap_or_default(),
        })),
        Some("reaction") => {
            let sent = message["reaction"]["emoji"].as_str().unwrap_or_default();
            let emoji = REACTIONS.iter().find(|emoji| **emoji == sent).copied();
            Some(Incoming::Media(Media::Reaction {
                emoji: emoji.unwrap_or("👍"),
            }))
        }
        _ => None,
    };
    let task = {
        let bot = Arc::clone(&bot);
        async move {
            let input = incoming.as_ref().map(|incoming| match incoming {
                Incoming::Text(text) => Input::Text(text),
                Incoming::Tap(title) => Input::Tap(title),
                Incoming::Media(media) => Input::Media(*media),
            });
            bot.reply(message, input).await;
        }
    };
    match bot.config.answer {
        Answer::AfterReplying => task.await,
        Answer::First => {
            tokio::spawn(task);
        }
    }
    StatusCode::OK
}

/// Listens on `addr` with a deep accept queue: at a thousand customers at
/// once, tokio's default (1,024) overflows and dropped SYNs cost seconds.
pub fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

/// A customer message the bot understands.
enum Incoming {
    Text(String),
    /// A button or list row, by title.
    Tap(String),
    /// An image, a voice note, a location, a sticker or a reaction.
    Media(Media),
}

/// `sha256=<lowercase hex>` of `body` under `secret`.
pub fn signature_of(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Every non-ASCII character as lowercase `\uXXXX` (two for characters
/// beyond U+FFFF), as some SDKs re-escape before verifying.
pub fn re_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}
