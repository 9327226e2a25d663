//! Webhooks out: what the bot receives from the stand-in, and how failures
//! on the bot's side are retried, timed out and counted. Loopback only;
//! every test is bounded in time.
#![cfg(feature = "live")]

mod live_support;

use std::time::{Duration, Instant};

use live_support::*;
use rehearse::live::{
    self, BotEvent, CustomerMessage, LiveConfig, Receipt, RetryPolicy, Shown, WebhookError,
};
use rehearse::model::media::Media;
use serde_json::{Value, json};

const ARABIC_AND_EMOJI: &str = "مرحبا، أين طلبي؟ 📦😀 👍🏽";

#[tokio::test]
async fn the_verification_handshake_answers_the_challenge() {
    bounded(async {
        let bot = TestBot::start(BotSetup::default()).await;
        let stand_in = stand_in_for(&bot, |_| {}).await;
        stand_in.webhooks().verify().await.unwrap();

        let wrong = stand_in_for(&bot, |config| config.verify_token = "other".into()).await;
        let error = wrong.webhooks().verify().await.unwrap_err();
        assert!(
            matches!(error, WebhookError::VerifyStatus { status: 403 }),
            "{error}"
        );
        assert!(error.to_string().contains("verify token"), "{error}");
        assert_eq!(bot.log(|log| log.verifications), 2);
    })
    .await;
}

#[tokio::test]
async fn a_message_webhook_has_the_cloud_api_shape() {
    bounded(async {
        let bot = TestBot::start(BotSetup::default()).await;
        let stand_in = stand_in_for(&bot, |_| {}).await;
        let sent = stand_in
            .webhooks()
            .send_message(&layla(), CustomerMessage::Text(ARABIC_AND_EMOJI.into()))
            .await
            .unwrap();
        assert_eq!(sent.attempts, 1);

        let received = bot.log(|log| log.webhooks[0].clone());
        assert!(received.signature_ok);
        let business = live::Business::default();
        let customer = layla();
        let json = &received.json;
        assert_eq!(json["object"], "whatsapp_business_account");
        assert_eq!(json["entry"].as_array().unwrap().len(), 1);
        assert_eq!(json["entry"][0]["id"], json!(business.waba_id));
        let change = &json["entry"][0]["changes"][0];
        assert_eq!(change["field"], "messages");
        let value = &change["value"];
        assert_eq!(value["messaging_product"], "whatsapp");
        assert_eq!(
            value["metadata"],
            json!({"display_phone_number": business.display_phone_number,
                   "phone_number_id": business.phone_number_id})
        );
        assert_eq!(
            value["contacts"],
            json!([{"profile": {"name": customer.name}, "wa_id": customer.wa_id,
                    "user_id": customer.user_id}])
        );
        let messages = value["messages"].as_array().unwrap();
        assert_eq!(messages.len(), 1, "one message per webhook");
        let message = &messages[0];
        assert_eq!(message["from"], json!(customer.wa_id));
        assert_eq!(message["from_user_id"], json!(customer.user_id));
        assert_eq!(message["id"], json!(sent.message_id));
        assert!(message["id"].as_str().unwrap().starts_with("wamid."));
        let timestamp = message["timestamp"].as_str().expect("a string timestamp");
        let seconds: u64 = timestamp.parse().unwrap();
        assert!(seconds.abs_diff(stand_in.clock().unix_seconds()) <= 2);
        assert_eq!(message["type"], "text");
        assert_eq!(message["text"]["body"], ARABIC_AND_EMOJI);
        assert!(value.get("statuses").is_none());
    })
    .await;
}

#[tokio::test]
async fn the_body_is_ascii_with_a_content_length_and_a_lowercase_signature() {
    bounded(async {
        let bot = TestBot::start(BotSetup::default()).await;
        let stand_in = stand_in_for(&bot, |_| {}).await;
        stand_in
            .webhooks()
            .send_message(&layla(), CustomerMessage::Text(ARABIC_AND_EMOJI.into()))
            .await
            .unwrap();
        let received = bot.log(|log| log.webhooks[0].clone());
        let raw = String::from_utf8(received.raw.clone()).unwrap();
        assert!(raw.is_ascii(), "{raw}");
        // Arabic meem, and U+1F4E6 as a surrogate pair, in lowercase hex.
        assert!(raw.contains(r"\u0645\u0631\u062d\u0628\u0627"), "{raw}");
        assert!(raw.contains(r"\ud83d\udce6"), "{raw}");
        assert!(
            !raw.contains('\n') && !raw.contains("\": "),
            "compact JSON: {raw}"
        );
        assert_eq!(
            received.content_length,
            Some(received.raw.len().to_string())
        );
        assert_eq!(received.transfer_encoding, None, "not chunked");
        let signature = received.signature.unwrap();
        let hex = signature.strip_prefix("sha256=").unwrap();
        assert_eq!(hex.len(), 64);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    })
    .await;
}

#[tokio::test]
async fn a_bot_that_re_escapes_before_verifying_accepts_the_signature() {
    bounded(async {
        let bot = TestBot::start(BotSetup {
            verify: Verify::ReEscaped,
            ..BotSetup::default()
        })
        .await;
        let mut stand_in = stand_in_for(&bot, |_| {}).await;
        stand_in
            .webhooks()
            .send_message(&layla(), CustomerMessage::Text(ARABIC_AND_EMOJI.into()))
            .await
            .unwrap();
        assert!(bot.log(|log| log.webhooks[0].signature_ok));
        // The bot answered, so it verified: its echo arrives.
        let BotEvent::Message(reply) = next_event(&mut stand_in).await else {
            panic!("expected the echo")
        };
        assert_eq!(
            reply.shown.text(),
            Some(format!("You said: {ARABIC_AND_EMOJI}").as_str())
        );

        // Why the escaping matters: raw UTF-8 would fail this verifier.
        let raw_utf8 = serde_json::to_vec(&json!({"text": ARABIC_AND_EMOJI})).unwrap();
        let re_escaped = re_escape(std::str::from_utf8(&raw_utf8).unwrap());
        assert_ne!(
            expected_signature(&raw_utf8),
            expected_signature(re_escaped.as_bytes())
        );
    })
    .await;
}

#[tokio::test]
async fn taps_name_the_tapped_message_in_context() {
    bounded(async {
        let bot = TestBot::start(BotSetup {
            reply: menu(),
            ..BotSetup::default()
        })
        .await;
        let mut stand_in = stand_in_for(&bot, |_| {}).await;
        let hooks = stand_in.webhooks().clone();
        hooks
            .send_message(&ana(), CustomerMessage::Text("hi".into()))
            .await
            .unwrap();
        let BotEvent::Message(menu) = next_event(&mut stand_in).await else {
            panic!("expected the menu")
        };
        let Shown::Buttons { buttons, .. } = &menu.shown else {
            panic!("expected buttons: {:?}", menu.shown)
        };
        let track = &buttons[0];
        hooks
            .send_message(
                &ana(),
                CustomerMessage::ButtonReply {
                    tapped: menu.message_id.clone(),
                    id: track.id.clone(),
                    title: track.title.clone(),
                },
            )
            .await
            .unwrap();
        hooks
            .send_message(
                &ana(),
                CustomerMessage::ListReply {
                    tapped: menu.message_id.clone(),
                    id: "r1".into(),
                    title: "Express".into(),
                    description: Some("Tomorrow".into()),
                },
            )
            .await
            .unwrap();
        let display = live::Business::default().display_phone_number;
        let messages: Vec<Value> = bot.log(|log| {
            log.webhooks
                .iter()
                .map(|w| w.json["entry"][0]["changes"][0]["value"]["messages"][0].clone())
                .collect()
        });
        let context = json!({"from": display, "id": menu.message_id});
        assert_eq!(messages[1]["type"], "interactive");
        assert_eq!(messages[1]["context"], context);
        assert_eq!(
            messages[1]["interactive"],
            json!({"type": "button_reply", "button_reply": {"id": "track", "title": "Track order"}})
        );
        assert_eq!(messages[2]["context"], context);
        assert_eq!(
            messages[2]["interactive"],
            json!({"type": "list_reply",
                   "list_reply": {"id": "r1", "title": "Express", "description": "Tomorrow"}})
        );
        assert!(messages[0].get("context").is_none());
    })
    .await;
}

#[tokio::test]
async fn media_webhooks_have_the_cloud_api_shapes() {
    bounded(async {
        let bot = TestBot::start(BotSetup::default()).await;
        let stand_in = stand_in_for(&bot, |_| {}).await;
        let hooks = stand_in.webhooks().clone();
        let reacted_to = "wamid.HBgLbotmessage";
        let sent = [
            Media::Image,
            Media::Audio { seconds: 12 },
            Media::Location {
                latitude: 48.858_37,
                longitude: 2.294_481,
            },
            Media::Sticker,
            Media::Reaction { emoji: "👍" },
        ];
        let mut ids = Vec::new();
        for media in sent {
            let delivered = hooks
                .send_message(
                    &ana(),
                    CustomerMessage::Media {
                        media,
                        reacting_to: reacted_to.into(),
                    },
                )
                .await
                .unwrap();
            ids.push(delivered.message_id);
        }
        let messages: Vec<Value> = bot.log(|log| {
            log.webhooks
                .iter()
                .map(|w| w.json["entry"][0]["changes"][0]["value"]["messages"][0].clone())
                .collect()
        });
        assert_eq!(messages.len(), 5);
        for (message, id) in messages.iter().zip(&ids) {
            assert_eq!(message["id"], json!(id));
            assert!(message.get("text").is_none(), "{message}");
            assert!(message.get("context").is_none(), "{message}");
        }
        // A file: an id to download it by, its type and its hash.
        let file = |message: &Value, kind: &str, mime_type: &str| {
            assert_eq!(message["type"], kind);
            let file = &message[kind];
            let media_id = file["id"].as_str().unwrap();
            assert!(!media_id.is_empty() && media_id.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(file["mime_type"], mime_type);
            let sha256 = file["sha256"].as_str().unwrap();
            assert_eq!(sha256.len(), 64);
            assert!(sha256.bytes().all(|b| b.is_ascii_hexdigit()));
            file.clone()
        };
        let image = file(&messages[0], "image", "image/jpeg");
        assert!(image.get("voice").is_none() && image.get("caption").is_none());
        let audio = file(&messages[1], "audio", "audio/ogg; codecs=opus");
        assert_eq!(audio["voice"], true);
        let sticker = file(&messages[3], "sticker", "image/webp");
        assert_eq!(sticker["animated"], false);
        // Each message has a media id of its own.
        assert_ne!(image["id"], audio["id"]);
        assert_eq!(messages[2]["type"], "location");
        assert_eq!(
            messages[2]["location"],
            json!({"latitude": 48.858_37, "longitude": 2.294_481})
        );
        assert_eq!(messages[4]["type"], "reaction");
        assert_eq!(
            messages[4]["reaction"],
            json!({"message_id": reacted_to, "emoji": "👍"})
        );
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_bot_that_replies_before_answering_its_webhook_is_served() {
    bounded(async {
        let bot = TestBot::start(BotSetup {
            answer: Answer::AfterReplying,
            ..BotSetup::default()
        })
        .await;
        let mut stand_in = stand_in_for(&bot, |_| {}).await;
        // send_message returns only after the bot answered, which it does
        // only after its reply was accepted: a deadlock would hang here.
        let sent = stand_in
            .webhooks()
            .send_message(&ana(), CustomerMessage::Text("ping".into()))
            .await
            .unwrap();
        assert_eq!(sent.attempts, 1);
        let (status, _) = bot.log(|log| log.answers[0].clone());
        assert_eq!(status, 200);
        let BotEvent::Message(reply) = next_event(&mut stand_in).await else {
            panic!("expected the reply")
        };
        assert!(reply.received <= sent.answered);
        assert_eq!(reply.shown.text(), Some("You said: ping"));
    })
    .await;
}

#[tokio::test]
async fn a_bot_addressing_replies_by_user_id_reaches_the_same_customer() {
    bounded(async {
        let bot = TestBot::start(BotSetup {
            address: Address::Recipient,
            ..BotSetup::default()
        })
        .await;
        let mut stand_in = stand_in_for(&bot, |_| {}).await;
        stand_in
            .webhooks()
            .send_message(&ana(), CustomerMessage::Text("hello".into()))
            .await
            .unwrap();
        let BotEvent::Message(reply) = next_event(&mut stand_in).await else {
            panic!("expected the reply")
        };
        assert_eq!(reply.customer, ana().wa_id);
        // The event may arrive before the bot has read its answer.
        bot.wait_for(|log| !log.answers.is_empty()).await;
        let (status, body) = bot.log(|log| log.answers[0].clone());
        assert_eq!(status, 200);
        assert_eq!(
            body["contacts"],
            json!([{"input": ana().user_id, "wa_id": ana().wa_id}])
        );
    })
    .await;
}

#[tokio::test]
async fn statuses_are_sent_for_bot_messages_on_request() {
    bounded(async {
        let bot = TestBot::start(BotSetup::default()).await;
        let mut stand_in = stand_in_for(&bot, |_| {}).await;
        let hooks = stand_in.webhooks().clone();
        hooks
            .send_message(&ana(), CustomerMessage::Text("hi".into()))
            .await
            .unwrap();
        let BotEvent::Message(reply) = next_event(&mut stand_in).await else {
            panic!("expected the reply")
        };
        hooks
            .send_status(&reply.message_id, Receipt::Delivered)
            .await
            .unwrap();
        hooks
            .send_status(&reply.message_id, Receipt::Read)
            .await
            .unwrap();
        let values: Vec<Value> = bot.log(|log| {
            log.webhooks
                .iter()
                .map(|w| w.json["entry"][0]["changes"][0]["value"].clone())
                .collect()
        });
        for (value, status) in values[1..].iter().zip(["delivered", "read"]) {
            assert!(value.get("contacts").is_none() && value.get("messages").is_none());
            let statuses = value["statuses"].as_array().unwrap();
            assert_eq!(statuses.len(), 1);
            assert_eq!(statuses[0]["id"], json!(reply.message_id));
            assert_eq!(statuses[0]["status"], status);
            assert_eq!(statuses[0]["recipient_id"], json!(ana().wa_id));
            assert!(statuses[0]["timestamp"].is_string());
        }
        let error = hooks
            .send_status("wamid.unknown", Receipt::Sent)
            .await
            .unwrap_err();
        assert!(matches!(error, WebhookError::UnknownMessage(_)), "{error}");
    })
    .await;
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_and_counted() {
    bounded(async {
        let bot = TestBot::start(BotSetup {
            answer: Answer::FailFirst(2),
            ..BotSetup::default()
        })
        .await;
        let mut stand_in = stand_in_for(&bot, |_| {}).await;
        let sent = stand_in
            .webhooks()
            .send_message(&ana(), CustomerMessage::Text("hi".into()))
            .await
            .unwrap();
        assert_eq!(sent.attempts, 3);
        let counters = stand_in.counters();
        assert_eq!(counters.webhook_retries, 2);
        assert_eq!(counters.webhooks_delivered, 1);
        assert_eq!(counters.webhooks_failed, 0);
        // The three POSTs carried the same message.
        let ids: Vec<Value> = bot.log(|log| {
            log.webhooks
                .iter()
                .map(|w| w.json["entry"][0]["changes"][0]["value"]["messages"][0]["id"].clone())
                .collect()
        });
        assert_eq!(ids, vec![json!(sent.message_id); 3]);
        assert!(matches!(
            next_event(&mut stand_in).await,
            BotEvent::Message(_)
        ));
    })
    .await;
}

#[tokio::test]
async fn retries_stop_after_the_attempt_bound() {
    bounded(async {
        let bot = TestBot::start(BotSetup {
            answer: Answer::FailFirst(usize::MAX),
            ..BotSetup::default()
        })
        .await;
        let stand_in = stand_in_for(&bot, |_| {}).await;
        let error = stand_in
            .webhooks()
            .send_message(&ana(), CustomerMessage::Text("hi".into()))
            .await
            .unwrap_err();
        let WebhookError::GaveUp { attempts, last, .. } = &error else {
            panic!("{error}")
        };
        assert_eq!((*attempts, last.as_str()), (4, "HTTP 500"));
        let counters = stand_in.counters();
        assert_eq!((counters.webhook_retries, counters.webhooks_failed), (3, 1));
        assert_eq!(bot.log(|log| log.webhooks.len()), 4);
    })
    .await;
}

#[tokio::test]
async fn a_bot_that_never_answers_times_out_without_hanging() {
    bounded(async {
        let bot = TestBot::start(BotSetup {
            answer: Answer::Never,
            ..BotSetup::default()
        })
        .await;
        let stand_in = stand_in_for(&bot, |config| {
            config.retry = RetryPolicy {
                timeout: Duration::from_millis(200),
                attempts: 2,
                first_backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(10),
                give_up_after: Duration::from_secs(5),
            };
        })
        .await;
        let started = Instant::now();
        let error = stand_in
            .webhooks()
            .send_message(&ana(), CustomerMessage::Text("hello?".into()))
            .await
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert!(
            matches!(error, WebhookError::GaveUp { attempts: 2, .. }),
            "{error}"
        );
        let counters = stand_in.counters();
        assert_eq!(counters.bot_timeouts, 2);
        assert_eq!(counters.webhooks_failed, 1);
        stand_in.shutdown().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn an_unreachable_bot_is_retried_within_the_time_bound() {
    bounded(async {
        // A port that was free a moment ago: connections are refused.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/webhook", closed.local_addr().unwrap());
        drop(closed);
        let mut config = LiveConfig::new(url, SECRET);
        config.retry = RetryPolicy {
            timeout: Duration::from_secs(1),
            attempts: 100,
            first_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(100),
            give_up_after: Duration::from_millis(400),
        };
        let stand_in = live::start(config).await.unwrap();
        let started = Instant::now();
        let error = stand_in
            .webhooks()
            .send_message(&ana(), CustomerMessage::Text("anyone?".into()))
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2));
        let WebhookError::GaveUp { attempts, last, .. } = &error else {
            panic!("{error}")
        };
        assert!((2..100).contains(attempts), "{attempts}");
        assert!(last.contains("onnect"), "{last}");
        assert_eq!(
            stand_in.counters().webhook_retries,
            u64::from(*attempts) - 1
        );
        assert!(stand_in.webhooks().verify().await.is_err());
    })
    .await;
}
