//! [`FlowBot`]: a bot that interprets a flow file, as the simulation runs it.

use crate::random::Draws;
use rand::{Rng, RngExt};

use super::bot::{Bot, Channel, Heard, Hours, Left, Outgoing, Prompt, Reply, Then};
use crate::model::SimTime;
use crate::model::flow::{
    Flow, IntentRoutes, MAX_BOT_STEPS_PER_TURN, NodeId, NodeKind, Resolution, Survey, Template,
    Text, Value, Vars,
};
use crate::model::media::MediaKind;

/// A flow, played as a bot. Latencies and backend failures come from the
/// bot's own random stream, so a change to the bot never reshuffles the
/// customers.
pub(crate) struct FlowBot<'f> {
    flow: &'f Flow,
    hours: &'f dyn Hours,
    rng: Draws,
    /// Where the bot is.
    node: NodeId,
    /// Where the last reply leads; `None` is a dead end.
    next: Option<NodeId>,
    /// Drawn first from the bot's stream; each split mixes it with its own
    /// key, so a variant does not depend on the draws made before it.
    split_seed: u64,
    /// This conversation's variables: empty (no allocation) for a flow
    /// that declares none. Changed by `set:` when the bot enters a node and
    /// by `capture:` when a question gets a valid answer; never by a draw.
    vars: Vars,
}

impl<'f> FlowBot<'f> {
    /// A bot that answers a customer's first message from the flow's start
    /// (or, when they answer a template, from where it routes them).
    pub fn new(flow: &'f Flow, hours: &'f dyn Hours, mut rng: Draws) -> Self {
        let split_seed = rng.next_u64();
        FlowBot {
            flow,
            hours,
            rng,
            node: flow.start,
            next: Some(flow.start),
            split_seed,
            vars: Vars::new(&flow.vars),
        }
    }

    /// The conversation's variables as they stand.
    #[cfg(test)]
    pub fn vars(&self) -> &Vars {
        &self.vars
    }

    /// Applies `node`'s `set:` as the bot enters it, and fills in its text
    /// if it names variables: the customer reads (and takes the time to
    /// read) the text with values. Kept out of line, off the path of flows
    /// without variables.
    #[inline(never)]
    fn enter_with_vars(&mut self, node: NodeId) -> Option<Text> {
        let flow = self.flow;
        for (var, value) in &flow.nodes[node].set {
            self.vars.set(*var, value.clone());
        }
        flow.nodes[node]
            .fill
            .as_ref()
            .map(|fill| Text::new(&fill.render(&flow.vars, &self.vars)))
    }

    /// The first intent route whose intent matches the typed text.
    fn by_intent(&self, routes: &IntentRoutes, key: &str, text: &str) -> Option<(&'f str, NodeId)> {
        let flow = self.flow;
        routes
            .first_match(&flow.intents, key, text)
            .map(|(intent, target)| (flow.intents[intent].name.as_str(), target))
    }
}

/// SplitMix64's finaliser: a bijective mix with full avalanche, so nearby
/// inputs give unrelated outputs.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A uniform draw in [0, 1) from 64 random bits.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// A survey's answer: the score of a tapped option or a typed digit.
pub(crate) fn score(survey: &Survey, reply: &Reply<'_>) -> Option<u8> {
    match reply {
        Reply::Tap(index) => survey.scores.get(*index).copied(),
        Reply::Media(_) => None,
        Reply::Typed(typed) => survey
            .options
            .iter()
            .position(|option| option.key == typed.key)
            .map(|index| survey.scores[index])
            .or_else(|| Survey::typed_score(&typed.text)),
    }
}

impl<'f> Bot<'f> for FlowBot<'f> {
    fn read(&mut self, reply: &Reply<'_>) -> Heard<'f> {
        let flow = self.flow;
        let (target, heard) = match (&flow.nodes[self.node].kind, reply) {
            (NodeKind::Choice(choice), Reply::Tap(index)) => (
                choice.option_routes[*index],
                Heard::Option(&choice.options[*index].text),
            ),
            (NodeKind::Choice(choice), Reply::Typed(typed)) => {
                // People also type a button's title; the bot accepts that as a tap.
                if let Some(index) = choice.option_typed(&typed.key) {
                    (
                        choice.option_routes[index],
                        Heard::Option(&choice.options[index].text),
                    )
                } else if let Some((intent, target)) =
                    self.by_intent(&choice.intent_routes, &typed.key, &typed.text)
                {
                    (Some(target), Heard::Intent(intent))
                } else {
                    (choice.fallback, Heard::Fallback)
                }
            }
            (NodeKind::Question(question), Reply::Typed(typed)) => {
                // Intents first, so "agent" escapes a question whatever its pattern.
                if let Some((intent, target)) =
                    self.by_intent(&question.intent_routes, &typed.key, &typed.text)
                {
                    (Some(target), Heard::Intent(intent))
                } else if question.accepts(&typed.text) {
                    if let Some(var) = question.capture
                        && let Some(value) = Value::captured(&flow.vars[var].ty, &typed.text)
                    {
                        self.vars.set(var, value);
                    }
                    (question.valid, Heard::Valid)
                } else {
                    (question.invalid, Heard::Invalid)
                }
            }
            (kind, Reply::Media(media)) => {
                let kind_sent = media.kind();
                match (flow.nodes[self.node].media.route(kind_sent), kind) {
                    (Some(target), _) => (Some(target), Heard::Media(kind_sent)),
                    // Bots take no notice of a reaction they do not route:
                    // the bot stays where it is, waiting for an answer.
                    (None, _) if kind_sent == MediaKind::Reaction => return Heard::Ignored,
                    (None, NodeKind::Choice(choice)) => (choice.fallback, Heard::Fallback),
                    (None, NodeKind::Question(question)) => (question.invalid, Heard::Invalid),
                    // A survey takes anything as no score, and moves on.
                    (None, NodeKind::Survey(survey)) => (survey.next, Heard::Invalid),
                    (None, _) => (None, Heard::Invalid),
                }
            }
            // Any answer moves a survey on; only a score counts.
            (NodeKind::Survey(survey), reply) => (
                survey.next,
                score(survey, reply).map_or(Heard::Invalid, Heard::Score),
            ),
            // Customers act only at choices, questions and surveys, and tap
            // only where there is something to tap: nowhere to go.
            _ => (None, Heard::Invalid),
        };
        self.next = target;
        heard
    }

    fn read_template(&mut self, template: &'f Template, reply: &Reply<'_>) -> Heard<'f> {
        let button = |index: usize| {
            (
                template.button_routes[index],
                Heard::Option(template.buttons[index].text.as_str()),
            )
        };
        let (target, heard) = match reply {
            Reply::Tap(index) => button(*index),
            // Media in answer to a template is read as typed text the bot
            // does not understand. (Customers never react to one: see
            // `CustomerSide::considers`.)
            Reply::Media(_) => (Some(template.fallback), Heard::Fallback),
            Reply::Typed(typed) => {
                if let Some(index) = template.buttons.iter().position(|b| b.key == typed.key) {
                    button(index)
                } else if let Some((intent, target)) =
                    self.by_intent(&template.intent_routes, &typed.key, &typed.text)
                {
                    (Some(target), Heard::Intent(intent))
                } else {
                    (Some(template.fallback), Heard::Fallback)
                }
            }
        };
        self.next = target;
        heard
    }

    fn respond<C: Channel>(&mut self, at: SimTime, channel: &mut C) -> Result<Then<'f>, Left> {
        let flow = self.flow;
        let dead_end = |at| Then::Ends {
            resolution: Resolution::Unresolved,
            at,
        };
        let Some(mut node) = self.next else {
            return Ok(dead_end(at));
        };
        let mut now = at + flow.latency.sample(&mut self.rng);
        let say = |text: &Text, options: &'f [_], at, channel: &mut C| {
            channel.deliver(Outgoing { text, options }, at)
        };
        for _ in 0..MAX_BOT_STEPS_PER_TURN {
            self.node = node;
            channel.enter(node, now)?;
            if let Some(goal) = flow.nodes[node].converts {
                channel.converted(goal);
            }
            // Flows without variables (most) skip this with one branch.
            let filled = if flow.vars.is_empty() {
                None
            } else {
                self.enter_with_vars(node)
            };
            let sent = |text: &'f Text| filled.as_ref().unwrap_or(text);
            let next = match &flow.nodes[node].kind {
                NodeKind::Message { text, next } => {
                    say(sent(text), &[], now, channel);
                    *next
                }
                NodeKind::Choice(choice) => {
                    say(sent(&choice.text), &choice.options, now, channel);
                    return Ok(Then::Waits(Prompt::Options {
                        text: &choice.text,
                        options: &choice.options,
                    }));
                }
                NodeKind::Question(question) => {
                    say(sent(&question.text), &[], now, channel);
                    return Ok(Then::Waits(Prompt::Question(&question.text)));
                }
                NodeKind::Survey(survey) => {
                    say(&survey.question, &survey.options, now, channel);
                    return Ok(Then::Waits(Prompt::Survey(survey)));
                }
                NodeKind::Split(split) => {
                    let u = unit(mix(self.split_seed ^ split.key));
                    let (variant, route) = *split.variants.get(split.variants.pick(u));
                    channel.assigned(variant);
                    Some(route)
                }
                // Instant and silent: no draw, no message.
                NodeKind::When(when) => Some(when.route(&self.vars)),
                NodeKind::Call(call) => {
                    now = now + call.latency.sample(&mut self.rng);
                    let failed = self.rng.random::<f64>() < call.fails.get();
                    channel.still_working(now)?;
                    if failed { call.error } else { call.ok }
                }
                NodeKind::Handoff(handoff) => {
                    if let Some(closed) = handoff
                        .closed
                        .filter(|_| !self.hours.open(handoff.queue, now))
                    {
                        Some(closed)
                    } else {
                        if let Some(text) = &handoff.text {
                            say(sent(text), &[], now, channel);
                        }
                        return Ok(Then::HandsOff {
                            queue: handoff.queue,
                            at: now,
                        });
                    }
                }
                NodeKind::End(end) => {
                    if let Some(text) = &end.text {
                        say(sent(text), &[], now, channel);
                    }
                    return Ok(Then::Ends {
                        resolution: end.resolution,
                        at: now,
                    });
                }
            };
            match next {
                Some(next) => node = next,
                None => return Ok(dead_end(now)),
            }
        }
        Ok(dead_end(now))
    }

    fn node(&self) -> NodeId {
        self.node
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::bot::Typed;
    use crate::model::flow::QueueId;
    use crate::model::media::Media;
    use std::borrow::Cow;

    struct Open;

    impl Hours for Open {
        fn open(&self, _queue: QueueId, _at: SimTime) -> bool {
            true
        }
    }

    /// A menu that routes voice notes and, through `any`, the other kinds
    /// but reactions; a question that routes nothing.
    const FLOW: &str = r#"
flow: media
start: menu
nodes:
  menu:
    say: "What can we do?"
    buttons: ["Track order"]
    routes: {"Track order": order, fallback: menu}
    on_media: {audio: voice, any: photo}
  order:
    say: "Your order number?"
    expect: {pattern: "^A[0-9]{6}$"}
    routes: {valid: done, invalid: order}
  voice:
    say: "We listen to voice notes."
    next: done
  photo:
    say: "Nice picture."
    next: done
  done:
    end: resolved
"#;

    fn flow() -> Flow {
        match crate::load::Loader::new()
            .with_file("flow.yaml", FLOW)
            .flow("flow.yaml".as_ref())
        {
            Ok((flow, _)) => flow,
            Err(error) => panic!("{error}"),
        }
    }

    /// What the bot at `node` makes of `reply`, and where it would go.
    fn read_at(flow: &Flow, node: &str, reply: Reply<'_>) -> (String, Option<String>) {
        let mut bot = FlowBot::new(flow, &Open, crate::random::seeded(1));
        let node = flow.nodes.iter().position(|n| n.id == node).unwrap();
        bot.node = node;
        bot.next = Some(usize::MAX);
        let heard = bot.read(&reply);
        let next = match bot.next {
            Some(usize::MAX) => Some("unchanged".to_string()),
            next => next.map(|next| flow.nodes[next].id.clone()),
        };
        (format!("{heard:?}"), next)
    }

    #[test]
    fn media_take_their_kind_s_route_then_any_then_the_fallback_and_reactions_are_ignored() {
        let flow = flow();
        let at_menu = |media| read_at(&flow, "menu", Reply::Media(media));
        assert_eq!(
            at_menu(Media::Audio { seconds: 9 }),
            ("Media(Audio)".into(), Some("voice".into()))
        );
        assert_eq!(
            at_menu(Media::Sticker),
            ("Media(Sticker)".into(), Some("photo".into()))
        );
        // `any` does not cover reactions: the bot takes no notice and
        // stays where it was.
        assert_eq!(
            at_menu(Media::Reaction { emoji: "👍" }),
            ("Ignored".into(), Some("unchanged".into()))
        );
        // A question routes no media: anything but a reaction is an
        // invalid answer, and takes the `invalid` route.
        let at_question = |media| read_at(&flow, "order", Reply::Media(media));
        assert_eq!(
            at_question(Media::Image),
            ("Invalid".into(), Some("order".into()))
        );
        assert_eq!(
            at_question(Media::Reaction { emoji: "🙏" }),
            ("Ignored".into(), Some("unchanged".into()))
        );
        assert!(!Heard::Invalid.understood() && Heard::Ignored.understood());
        // Typed text still goes where it went.
        let typed = Reply::Typed(Typed {
            text: Cow::Borrowed("hello"),
            key: Cow::Borrowed("hello"),
        });
        assert_eq!(
            read_at(&flow, "menu", typed),
            ("Fallback".into(), Some("menu".into()))
        );
    }

    #[test]
    fn a_menu_without_media_routes_sends_media_to_its_fallback() {
        let mut bare = flow();
        bare.nodes[0].media = Default::default();
        let mut bot = FlowBot::new(&bare, &Open, crate::random::seeded(1));
        assert_eq!(bot.read(&Reply::Media(Media::Image)), Heard::Fallback);
        assert_eq!(bot.next, Some(0));
    }

    /// Records the nodes the bot enters and the texts it sends.
    #[derive(Default)]
    struct Log {
        entered: Vec<NodeId>,
        said: Vec<String>,
    }

    impl Channel for Log {
        fn enter(&mut self, node: NodeId, _at: SimTime) -> Result<(), Left> {
            self.entered.push(node);
            Ok(())
        }
        fn still_working(&mut self, _at: SimTime) -> Result<(), Left> {
            Ok(())
        }
        fn deliver(&mut self, message: Outgoing<'_>, _at: SimTime) {
            self.said.push(message.text.text.clone());
        }
        fn converted(&mut self, _goal: crate::model::flow::GoalId) {}
        fn assigned(&mut self, _variant: crate::model::flow::VariantId) {}
    }

    #[test]
    fn set_then_when_routes_on_the_value_just_set_and_capture_stores_the_answer() {
        let flow = match crate::load::Loader::new()
            .with_file(
                "flow.yaml",
                r#"
flow: vars
start: mark
vars:
  vip: {type: boolean, default: false}
  items: number
nodes:
  mark:
    say: "Welcome back."
    set: {vip: true}
    next: route
  route:
    when:
      - {if: "vip == false", goto: plain}
      - {else: ask}
  plain:
    end: unresolved
  ask:
    say: "How many, {{VIP}} {vip}?"
    expect: {pattern: "^[0-9]+$"}
    capture: items
    routes: {valid: done, invalid: ask}
  done:
    end: resolved
"#,
            )
            .flow("flow.yaml".as_ref())
        {
            Ok((flow, _)) => flow,
            Err(error) => panic!("{error}"),
        };
        let mut bot = FlowBot::new(&flow, &Open, crate::random::seeded(1));
        let mut log = Log::default();
        assert!(matches!(
            bot.respond(SimTime::ZERO, &mut log),
            Ok(Then::Waits(Prompt::Question(_)))
        ));
        let names: Vec<&str> = log
            .entered
            .iter()
            .map(|&n| flow.nodes[n].id.as_str())
            .collect();
        // The `when` node is entered (the funnel counts it) but says nothing.
        assert_eq!(names, ["mark", "route", "ask"]);
        // The question's text is filled in as sent.
        assert_eq!(log.said, ["Welcome back.", "How many, {VIP} true?"]);
        assert_eq!(bot.vars().get(0), Some(&Value::Bool(true)));
        assert_eq!(bot.vars().get(1), None);
        let typed = Reply::Typed(Typed {
            text: Cow::Borrowed(" 12 "),
            key: Cow::Borrowed("12"),
        });
        assert_eq!(bot.read(&typed), Heard::Valid);
        assert_eq!(bot.vars().get(1), Some(&Value::Number(12.0)));
    }
}
