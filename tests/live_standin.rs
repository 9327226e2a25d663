//! The Cloud API stand-in as a bot meets it: paths, answers, WhatsApp's
//! rules, the 24-hour window, and what the caller is told. Loopback only;
//! every test is bounded in time.
#![cfg(feature = "live")]

mod live_support;

use std::time::Duration;

use live_support::*;
use rehearse::live::{
    self, BotEvent, Choice, Clock, CustomerMessage, LiveConfig, LiveError, Shown, Template,
    api::ErrorCode,
};
use serde_json::{Value, json};

fn text_to(to: &str, body: &str) -> Value {
    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
           "type": "text", "text": {"preview_url": false, "body": body}})
}

fn buttons_to(to: &str, body: &str, titles: &[&str]) -> Value {
    let buttons: Vec<Value> = titles
        .iter()
        .enumerate()
        .map(
            |(i, title)| json!({"type": "reply", "reply": {"id": format!("b{i}"), "title": title}}),
        )
        .collect();
    json!({"messaging_product": "whatsapp", "to": to, "type": "interactive",
           "interactive": {"type": "button", "body": {"text": body},
                           "action": {"buttons": buttons}}})
}

/// A bot and its stand-in, with Ana's window open (she wrote "hi").
async fn conversation(setup: BotSetup) -> (TestBot, live::LiveHandle) {
    let bot = TestBot::start(BotSetup {
        reply: std::sync::Arc::new(|_: &Value| None),
        ..setup
    })
    .await;
    let stand_in = stand_in_for(&bot, |_| {}).await;
    stand_in
        .webhooks()
        .send_message(&ana(), CustomerMessage::Text("hi".into()))
        .await
        .unwrap();
    (bot, stand_in)
}

/// Asserts the full Graph error shape and returns the code.
fn error_code(status: u16, body: &Value) -> u64 {
    assert!(status >= 400, "{status} {body}");
    let error = &body["error"];
    let code = error["code"].as_u64().expect("error.code");
    assert_eq!(error["type"], "OAuthException");
    assert_eq!(
        error["message"].as_str().unwrap(),
        format!("(#{code}) {}", error_title(code))
    );
    assert_eq!(error["error_data"]["messaging_product"], "whatsapp");
    assert!(
        error["error_data"]["details"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    assert!(error["fbtrace_id"].as_str().is_some_and(|t| !t.is_empty()));
    code
}

fn error_title(code: u64) -> &'static str {
    match code {
        100 => "Invalid parameter",
        190 => "Invalid OAuth access token",
        131008 => "Required parameter is missing",
        131009 => "Parameter value is not valid",
        132001 => "Template name does not exist in the translation",
        _ => panic!("unexpected code {code}"),
    }
}

#[tokio::test]
async fn a_send_is_answered_with_the_full_success_shape() {
    bounded(async {
        let (bot, mut stand_in) = conversation(BotSetup::default()).await;
        let (status, body) = bot.call(text_to("+1 555-010-0001", "Hello Ana")).await;
        assert_eq!(status, 200, "{body}");
        let id = body["messages"][0]["id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("wamid."), "{id}");
        assert_eq!(
            body,
            json!({"messaging_product": "whatsapp",
                   "contacts": [{"input": "+1 555-010-0001", "wa_id": "15550100001"}],
                   "messages": [{"id": id}]})
        );
        let BotEvent::Message(message) = next_event(&mut stand_in).await else {
            panic!("expected a message")
        };
        assert_eq!(message.customer, "15550100001");
        assert_eq!(message.message_id, id);
        assert_eq!(
            message.shown,
            Shown::Text {
                body: "Hello Ana".into()
            }
        );
        assert_eq!(stand_in.counters().accepted, 1);
    })
    .await;
}

#[tokio::test]
async fn any_version_prefix_and_none_are_served() {
    bounded(async {
        for version in [None, Some("v18.0"), Some("v23.0"), Some("v26.0")] {
            let (bot, _stand_in) = conversation(BotSetup {
                version,
                ..BotSetup::default()
            })
            .await;
            let (status, body) = bot.call(text_to(&ana().wa_id, "hi")).await;
            assert_eq!(status, 200, "{version:?}: {body}");
        }
        let (_bot, stand_in) = conversation(BotSetup::default()).await;
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let phone = live::Business::default().phone_number_id;
        for path in [format!("/x23/{phone}/messages"), "/v23.0/other".to_owned()] {
            let response = http
                .post(format!("{}{path}", stand_in.base_url()))
                .json(&text_to(&ana().wa_id, "hi"))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            assert_eq!(error_code(status, &body), 100, "{path}");
        }
        // Another business's number.
        let response = http
            .post(format!("{}/v23.0/999/messages", stand_in.base_url()))
            .json(&text_to(&ana().wa_id, "hi"))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(status, &body), 100);
    })
    .await;
}

#[tokio::test]
async fn whatsapp_rules_are_answered_with_whatsapps_errors() {
    bounded(async {
        let (bot, mut stand_in) = conversation(BotSetup::default()).await;
        let to = ana().wa_id;
        let long_title = "123456789012345678901"; // 21 characters
        let cases = [
            (
                "4 buttons",
                buttons_to(&to, "Pick", &["a", "b", "c", "d"]),
                131009,
            ),
            (
                "21-char title",
                buttons_to(&to, "Pick", &[long_title]),
                131009,
            ),
            (
                "duplicate titles",
                buttons_to(&to, "Pick", &["Yes", "Yes"]),
                131009,
            ),
            (
                "1025-char body",
                buttons_to(&to, &"x".repeat(1025), &["ok"]),
                100,
            ),
            ("4097-char text", text_to(&to, &"x".repeat(4097)), 100),
            (
                "no body",
                json!({"messaging_product": "whatsapp", "to": to, "type": "text"}),
                131008,
            ),
            (
                "11 list rows",
                json!({"messaging_product": "whatsapp", "to": to, "type": "interactive",
                       "interactive": {"type": "list", "body": {"text": "Choose"},
                           "action": {"button": "Options", "sections": [{"title": "All",
                               "rows": (0..11).map(|i| json!({"id": format!("r{i}"), "title": "x"}))
                                   .collect::<Vec<_>>()}]}}}),
                131009,
            ),
            (
                "no to or recipient",
                json!({"messaging_product": "whatsapp", "type": "text", "text": {"body": "hi"}}),
                131008,
            ),
            (
                "unknown user id",
                json!({"messaging_product": "whatsapp", "recipient": "US.404", "type": "text",
                       "text": {"body": "hi"}}),
                100,
            ),
            (
                "to and recipient disagree",
                json!({"messaging_product": "whatsapp", "to": to, "recipient": layla().user_id,
                       "text": {"body": "hi"}}),
                100,
            ),
            ("not a number", text_to("ana@example", "hi"), 100),
        ];
        // Layla must be known for the disagreement case to be about disagreeing.
        stand_in.add_customer(layla());
        for (case, request, expected) in &cases {
            let (status, body) = bot.call(request.clone()).await;
            assert_eq!(error_code(status, &body), *expected, "{case}: {body}");
            assert_eq!(status, 400, "{case}");
        }
        // Right at the limits, counted in characters: accepted.
        let at_limits = buttons_to(&to, &"ع".repeat(1024), &[&"🙂".repeat(20), "Yes", "No"]);
        let (status, body) = bot.call(at_limits).await;
        assert_eq!(status, 200, "{body}");

        let counters = stand_in.counters();
        assert_eq!(counters.errors.get(&131009), Some(&4));
        assert_eq!(counters.errors.get(&100), Some(&5));
        assert_eq!(counters.errors.get(&131008), Some(&2));
        assert_eq!(counters.accepted, 1);
        assert_eq!(counters.malformed_requests, 0);
        // Only the accepted message reached the caller.
        let BotEvent::Message(message) = next_event(&mut stand_in).await else {
            panic!("expected the accepted message")
        };
        let Shown::Buttons { buttons, .. } = message.shown else {
            panic!("expected buttons")
        };
        assert_eq!(
            buttons[1],
            Choice {
                id: "b1".into(),
                title: "Yes".into()
            }
        );
        assert!(
            stand_in
                .next_event(Duration::from_millis(50))
                .await
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn lists_are_shown_with_their_button_sections_and_rows() {
    bounded(async {
        let (bot, mut stand_in) = conversation(BotSetup::default()).await;
        let list = json!({"messaging_product": "whatsapp", "to": ana().wa_id, "type": "interactive",
            "interactive": {"type": "list", "header": {"type": "text", "text": "Delivery"},
                "body": {"text": "How fast?"}, "footer": {"text": "Prices incl. VAT"},
                "action": {"button": "Options", "sections": [
                    {"title": "Fast", "rows": [{"id": "x", "title": "Express", "description": "Tomorrow"}]},
                    {"title": "Cheap", "rows": [{"id": "s", "title": "Standard"}]}]}}});
        let (status, body) = bot.call(list).await;
        assert_eq!(status, 200, "{body}");
        let BotEvent::Message(message) = next_event(&mut stand_in).await else {
            panic!("expected the list")
        };
        let Shown::List {
            header,
            body,
            footer,
            button,
            sections,
        } = message.shown
        else {
            panic!("expected a list")
        };
        assert_eq!(
            (header.as_deref(), body.as_str(), footer.as_deref(), button.as_str()),
            (Some("Delivery"), "How fast?", Some("Prices incl. VAT"), "Options")
        );
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].title.as_deref(), Some("Fast"));
        assert_eq!(sections[0].rows[0].description.as_deref(), Some("Tomorrow"));
        assert_eq!(sections[1].rows[0].title, "Standard");
    })
    .await;
}

#[tokio::test]
async fn malformed_json_is_refused_and_counted() {
    bounded(async {
        let (_bot, stand_in) = conversation(BotSetup::default()).await;
        let phone = live::Business::default().phone_number_id;
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        for bad in [
            &b"{\"messaging_product\": \"whatsapp\", \"to\": "[..],
            b"[1, 2]",
            b"\xff",
        ] {
            let response = http
                .post(format!("{}/v23.0/{phone}/messages", stand_in.base_url()))
                .header("content-type", "application/json")
                .body(bad.to_vec())
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            assert_eq!(error_code(status, &body), 100);
        }
        let counters = stand_in.counters();
        assert_eq!(counters.malformed_requests, 3);
        assert_eq!(counters.errors.get(&100), Some(&3));
    })
    .await;
}

#[tokio::test]
async fn mark_as_read_is_answered_success_true() {
    bounded(async {
        let (bot, mut stand_in) = conversation(BotSetup::default()).await;
        let customer_message = bot.log(|log| {
            log.webhooks[0].json["entry"][0]["changes"][0]["value"]["messages"][0]["id"].clone()
        });
        let (status, body) = bot
            .call(json!({"messaging_product": "whatsapp", "status": "read",
                         "message_id": customer_message, "typing_indicator": {"type": "text"}}))
            .await;
        assert_eq!((status, body), (200, json!({"success": true})));
        let BotEvent::MarkedRead(read) = next_event(&mut stand_in).await else {
            panic!("expected a mark-as-read")
        };
        assert_eq!(read.customer, ana().wa_id);
        assert_eq!(json!(read.message_id), customer_message);
        assert!(read.typing);

        let (status, body) = bot
            .call(json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.nope"}))
            .await;
        assert_eq!(error_code(status, &body), 100);
        assert_eq!(stand_in.counters().marked_read, 1);
    })
    .await;
}

/// The failed statuses the bot received: (message id, error code).
fn failures(bot: &TestBot) -> Vec<(Value, Value)> {
    bot.log(failed)
}

fn failed(log: &Log) -> Vec<(Value, Value)> {
    log.webhooks
        .iter()
        .filter_map(|w| {
            let status = &w.json["entry"][0]["changes"][0]["value"]["statuses"][0];
            (status["status"] == "failed")
                .then(|| (status["id"].clone(), status["errors"][0]["code"].clone()))
        })
        .collect()
}

#[tokio::test]
async fn free_form_outside_the_window_is_accepted_then_fails_by_webhook() {
    bounded(async {
        let (bot, mut stand_in) = conversation(BotSetup::default()).await;
        // Inside the window: delivered.
        let (status, _) = bot.call(text_to(&ana().wa_id, "Anything else?")).await;
        assert_eq!(status, 200);
        assert!(matches!(next_event(&mut stand_in).await, BotEvent::Message(_)));

        // Ana comes back tomorrow... no: the bot writes first, 25 hours on.
        stand_in.clock().advance(Duration::from_secs(25 * 3600));
        let (status, body) = bot.call(text_to(&ana().wa_id, "We miss you!")).await;
        assert_eq!(status, 200, "accepted with an id, as the API does: {body}");
        let id = body["messages"][0]["id"].clone();
        let BotEvent::Undelivered(undelivered) = next_event(&mut stand_in).await else {
            panic!("expected an undelivered message")
        };
        assert_eq!(undelivered.code, ErrorCode::ReEngagement);
        assert_eq!(json!(undelivered.message_id), id);
        bot.wait_for(|log| log.webhooks.len() == 2).await;
        assert_eq!(failures(&bot), vec![(id, json!(131047))]);
        let status = bot.log(|log| {
            log.webhooks[1].json["entry"][0]["changes"][0]["value"]["statuses"][0].clone()
        });
        assert_eq!(status["recipient_id"], json!(ana().wa_id));
        assert_eq!(status["errors"][0]["title"], "Re-engagement message");
        assert!(status["errors"][0]["error_data"]["details"].is_string());

        // A template is allowed outside the window.
        let template = json!({"messaging_product": "whatsapp", "to": ana().wa_id, "type": "template",
            "template": {"name": "we_miss_you", "language": {"code": "en_US"}}});
        let (status, _) = bot.call(template).await;
        assert_eq!(status, 200);
        let BotEvent::Message(message) = next_event(&mut stand_in).await else {
            panic!("expected the template")
        };
        assert!(matches!(message.shown, Shown::Template { ref name, .. } if name == "we_miss_you"));

        // Ana writes again: the window reopens.
        stand_in
            .webhooks()
            .send_message(&ana(), CustomerMessage::Text("back".into()))
            .await
            .unwrap();
        let (status, _) = bot.call(text_to(&ana().wa_id, "Welcome back")).await;
        assert_eq!(status, 200);
        assert!(matches!(next_event(&mut stand_in).await, BotEvent::Message(_)));
        assert_eq!(stand_in.counters().errors.get(&131047), Some(&1));
    })
    .await;
}

#[tokio::test]
async fn a_fast_clock_closes_the_window_in_wall_milliseconds() {
    bounded(async {
        let bot = TestBot::start(BotSetup {
            reply: std::sync::Arc::new(|_: &Value| None),
            ..BotSetup::default()
        })
        .await;
        // A day of customer time per 50 ms of wall time.
        let speed = 24.0 * 3600.0 / 0.05;
        let mut stand_in = stand_in_for(&bot, |config| {
            config.clock = Clock::new(speed).unwrap();
        })
        .await;
        stand_in
            .webhooks()
            .send_message(&ana(), CustomerMessage::Text("hi".into()))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (status, _) = bot.call(text_to(&ana().wa_id, "Still there?")).await;
        assert_eq!(status, 200);
        assert!(matches!(
            next_event(&mut stand_in).await,
            BotEvent::Undelivered(live::Undelivered {
                code: ErrorCode::ReEngagement,
                ..
            })
        ));
        bot.wait_for(|log| !failed(log).is_empty()).await;
        assert_eq!(failures(&bot)[0].1, json!(131047));
    })
    .await;
}

#[tokio::test]
async fn an_unknown_number_is_accepted_then_fails_undeliverable() {
    bounded(async {
        let (bot, mut stand_in) = conversation(BotSetup::default()).await;
        let (status, body) = bot.call(text_to("447700900123", "Hi stranger")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["contacts"][0]["wa_id"], "447700900123");
        let BotEvent::Undelivered(undelivered) = next_event(&mut stand_in).await else {
            panic!("expected an undelivered message")
        };
        assert_eq!(undelivered.code, ErrorCode::Undeliverable);
        bot.wait_for(|log| log.webhooks.len() == 2).await;
        assert_eq!(failures(&bot)[0].1, json!(131026));
    })
    .await;
}

#[tokio::test]
async fn configured_templates_must_exist_and_show_their_body() {
    bounded(async {
        let bot = TestBot::start(BotSetup {
            reply: std::sync::Arc::new(|_: &Value| None),
            ..BotSetup::default()
        })
        .await;
        let mut stand_in = stand_in_for(&bot, |config| {
            config.templates = Some(vec![Template {
                name: "order_shipped".into(),
                language: Some("en_US".into()),
                body: Some("Hi {{1}}, order {{2}} is on its way.".into()),
            }]);
        })
        .await;
        stand_in.add_customer(ana());
        let template = |name: &str, language: &str| {
            json!({"messaging_product": "whatsapp", "to": ana().wa_id, "type": "template",
                   "template": {"name": name, "language": {"code": language}, "components": [
                       {"type": "body", "parameters": [{"type": "text", "text": "Ana"},
                                                       {"type": "text", "text": "A123456"}]}]}})
        };
        let (status, body) = bot.call(template("order_shipped", "en_US")).await;
        assert_eq!(status, 200, "{body}");
        let BotEvent::Message(message) = next_event(&mut stand_in).await else {
            panic!("expected the template")
        };
        assert_eq!(
            message.shown.text(),
            Some("Hi Ana, order A123456 is on its way.")
        );
        for (name, language) in [("order_lost", "en_US"), ("order_shipped", "de")] {
            let (status, body) = bot.call(template(name, language)).await;
            assert_eq!(error_code(status, &body), 132001, "{name} {language}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_configured_access_token_is_required() {
    bounded(async {
        let bot = TestBot::start(BotSetup::default()).await;
        let stand_in =
            stand_in_for(&bot, |config| config.access_token = Some("EAAtoken".into())).await;
        stand_in.add_customer(ana());
        let (status, body) = bot.call(text_to(&ana().wa_id, "hi")).await;
        assert_eq!(status, 401);
        assert_eq!(error_code(status, &body), 190);
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let phone = live::Business::default().phone_number_id;
        let response = http
            .post(format!("{}/v23.0/{phone}/messages", stand_in.base_url()))
            .bearer_auth("EAAtoken")
            .json(&json!({"messaging_product": "whatsapp", "to": ana().wa_id,
                          "type": "template", "template": {"name": "hello_world",
                          "language": {"code": "en_US"}}}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
    })
    .await;
}

#[tokio::test]
async fn only_loopback_addresses_are_served() {
    bounded(async {
        let mut config = LiveConfig::new("http://127.0.0.1:9/webhook", SECRET);
        config.listen = "0.0.0.0:0".parse().unwrap();
        let error = live::start(config).await.unwrap_err();
        assert!(matches!(error, LiveError::NotLoopback(_)), "{error}");
        assert!(error.to_string().contains("loopback"), "{error}");

        for bad in [
            "10.1.2.3:8090",
            "192.168.0.1:80",
            "[::]:0",
            "localhost",
            "nonsense",
        ] {
            assert!(live::listen_address(bad).is_err(), "{bad}");
        }
        for good in ["127.0.0.1:0", "[::1]:8090", "localhost:8090", "127.0.0.2:1"] {
            assert!(live::listen_address(good).is_ok(), "{good}");
        }
        for bot in [
            "https://127.0.0.1/webhook",
            "not a url",
            "ftp://127.0.0.1/x",
        ] {
            let error = live::start(LiveConfig::new(bot, SECRET)).await.unwrap_err();
            assert!(matches!(error, LiveError::BotUrl { .. }), "{bot}: {error}");
        }
        // The bot may be any HTTP URL the user gives (a container name, say):
        // only the stand-in itself is held to loopback.
        for bot in [
            "http://localhost:9/hook",
            "http://bot.internal:8080/webhook",
        ] {
            assert!(
                live::start(LiveConfig::new(bot, SECRET)).await.is_ok(),
                "{bot}"
            );
        }
        assert!(live::is_loopback_url("http://[::1]:9/hook"));
        assert!(!live::is_loopback_url("http://bot.internal:8080/webhook"));
    })
    .await;
}

#[tokio::test]
async fn shutdown_stops_serving() {
    bounded(async {
        let (bot, stand_in) = conversation(BotSetup::default()).await;
        let base = stand_in.base_url().to_owned();
        stand_in.shutdown().await.unwrap();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        assert!(
            http.post(format!("{base}/x/messages"))
                .send()
                .await
                .is_err()
        );
        drop(bot);
    })
    .await;
}
