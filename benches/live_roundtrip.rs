//! `cargo bench --bench live_roundtrip`: how many customer turns a second
//! the live HTTP layer carries on loopback, and how long one takes.
//!
//! One turn: a signed webhook to an echo bot, the bot's reply through the
//! stand-in's `/messages`, and the caller's event. The bot is minimal (it
//! replies from a spawned task after answering 200), so the numbers are the
//! stand-in's overhead plus loopback HTTP, not a real bot's latency. Every
//! wait is bounded; the run stops by itself.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use rehearse::live::{self, BotEvent, Customer, CustomerMessage, LiveConfig};
use serde_json::{Value, json};
use tokio::sync::{OnceCell, mpsc};

const TURNS_PER_CUSTOMER: usize = 200;
const TURN_BOUND: Duration = Duration::from_secs(5);

struct EchoBot {
    messages_url: OnceCell<String>,
    http: reqwest::Client,
}

async fn webhook(State(bot): State<Arc<EchoBot>>, body: Bytes) -> StatusCode {
    let Ok(json) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let message = json["entry"][0]["changes"][0]["value"]["messages"][0].clone();
    if let (Some(from), Some(url)) = (message["from"].as_str(), bot.messages_url.get()) {
        let reply = json!({"messaging_product": "whatsapp", "to": from, "type": "text",
                           "text": {"body": format!("echo: {}", message["text"]["body"])}});
        let request = bot.http.post(url.clone()).json(&reply);
        tokio::spawn(async move {
            let _ = request.send().await;
        });
    }
    StatusCode::OK
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn run(customers: usize) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let bot_url = format!("http://{}/webhook", listener.local_addr().expect("bound"));
    let bot = Arc::new(EchoBot {
        messages_url: OnceCell::new(),
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
    });
    let app = Router::new()
        .route("/webhook", post(webhook))
        .with_state(Arc::clone(&bot));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let mut stand_in = live::start(LiveConfig::new(bot_url, "secret"))
        .await
        .expect("the stand-in starts");
    let phone = live::Business::default().phone_number_id;
    let _ = bot
        .messages_url
        .set(format!("{}/v23.0/{phone}/messages", stand_in.base_url()));

    // Route events to the customer they are for.
    let mut inboxes = HashMap::new();
    let mut tasks = Vec::new();
    for i in 0..customers {
        let customer = Customer::new(format!("1555{i:07}"), format!("US.{i}"), format!("C{i}"));
        let (to_customer, mut inbox) = mpsc::unbounded_channel::<BotEvent>();
        inboxes.insert(customer.wa_id.clone(), to_customer);
        let hooks = stand_in.webhooks().clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(TURNS_PER_CUSTOMER);
            for turn in 0..TURNS_PER_CUSTOMER {
                let started = Instant::now();
                let text = CustomerMessage::Text(format!("turn {turn} مرحبا 👋"));
                if hooks.send_message(&customer, text).await.is_err() {
                    break;
                }
                match tokio::time::timeout(TURN_BOUND, inbox.recv()).await {
                    Ok(Some(_)) => latencies.push(started.elapsed()),
                    _ => break,
                }
            }
            latencies
        }));
    }
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let dispatcher = tokio::spawn(async move {
        loop {
            tokio::select! {
                event = stand_in.events().recv() => {
                    let Some(event) = event else { break };
                    if let Some(inbox) = inboxes.get(event.customer()) {
                        let _ = inbox.send(event);
                    }
                }
                _ = &mut stopped => break,
            }
        }
        stand_in
    });

    let started = Instant::now();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap_or_default());
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    latencies.sort();
    let turns = latencies.len();
    if turns == 0 {
        println!("{customers:>9} customers: no turn completed");
    } else {
        println!(
            "{customers:>9} {turns:>7} {:>9.0} {:>9.2} {:>9.2} {:>9.2}",
            turns as f64 / elapsed.as_secs_f64(),
            percentile(&latencies, 0.50).as_secs_f64() * 1e3,
            percentile(&latencies, 0.95).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        );
    }
    if let Ok(stand_in) = dispatcher.await {
        let counters = stand_in.counters();
        assert!(counters.errors.is_empty(), "{counters:?}");
        let _ = stand_in.shutdown().await;
    }
    server.abort();
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    println!(
        "{:>9} {:>7} {:>9} {:>9} {:>9} {:>9}",
        "customers", "turns", "turns/s", "p50 ms", "p95 ms", "p99 ms"
    );
    for customers in [1, 8, 32] {
        runtime.block_on(run(customers));
    }
}
