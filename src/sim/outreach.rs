//! The business writes first: campaigns to an audience, and follow-ups to
//! customers who went silent — with WhatsApp's rules on both. A free-form
//! message outside the 24-hour customer service window is refused
//! (131047); a template to a customer who did not opt in, or marketing to
//! one who opted out, is refused (131050). Each refusal is counted, and
//! nothing WhatsApp would refuse reaches a customer.
//!
//! A message is delivered (or not: some numbers never receive), read (or
//! not) after the customer's read delay within their active hours, and
//! answered (or not); an answer opens or resumes a conversation, which then
//! runs as any other.

use rand::RngExt;

use super::people::{Origin, PersonId, read_time};
use super::replication::{Event, Paused, Replication, Watcher};
use crate::conversation::customer::Customer;
use crate::conversation::flow_bot::FlowBot;
use crate::conversation::{Answer, Conversation};
use crate::metric::{Outcome, Reason};
use crate::model::SimTime;
use crate::model::flow::{Category, NodeId};
use crate::random::Purpose;
use crate::whatsapp::in_service_window;

/// Silences a follow-up can answer: the customer stopped, at a prompt. (A
/// customer who left a slow bot, or a survey, is not chased.)
fn may_follow_up(reason: Reason) -> bool {
    matches!(
        reason,
        Reason::Dropped | Reason::GaveUp | Reason::Misunderstood
    )
}

impl<'s, W: Watcher> Replication<'s, '_, W> {
    /// Campaign `campaign` goes out at `now`: each member it targets gets
    /// its template, or a refusal.
    pub(super) fn send_campaign(&mut self, campaign: u8, now: SimTime) {
        let scenario = self.scenario;
        let spec = &scenario.outreach.campaigns[usize::from(campaign)];
        let template = &scenario.flow.templates[spec.template];
        let marketing = template.category == Category::Marketing;
        let undelivered = scenario
            .outreach
            .audience
            .as_ref()
            .map_or(0.0, |audience| audience.undelivered.get());
        for member in 0..self.members.len() {
            let persona_index = self.members.persona(member);
            let persona = scenario.personas.get(persona_index);
            if !spec.targets(persona_index, persona) {
                continue;
            }
            let tallies = &mut self.sink.tallies;
            let counts = &mut tallies.campaigns[usize::from(campaign)];
            if !self.members.may_receive(member, marketing) {
                counts.refused += 1;
                tallies.compliance.not_opted_in += 1;
                continue;
            }
            counts.sent += 1;
            let mut rng = crate::random::Streams::member(member, campaign).stream(
                self.seed,
                self.replication,
                Purpose::Arrivals,
            );
            if rng.random::<f64>() < undelivered {
                continue;
            }
            counts.delivered += 1;
            tallies.cost.templates[template.category as usize] += 1;
            let Some(engagement) = &persona.engagement else {
                continue;
            };
            let Some(read) = read_time(engagement, now, scenario.clock_start, &mut rng) else {
                continue;
            };
            if !self.members.receipts_off(member) {
                counts.read += 1;
            }
            if marketing && rng.random::<f64>() < engagement.opts_out.get() {
                counts.opted_out += 1;
                self.sink.events.schedule(read, Event::OptsOut(member));
                continue;
            }
            if rng.random::<f64>() < engagement.replies.get() {
                self.sink.events.schedule(
                    read,
                    Event::Reads {
                        member,
                        campaign,
                        sent: now,
                    },
                );
            }
        }
    }

    /// Audience member `member` read campaign `campaign`'s template (sent at
    /// `sent`) at `now`, and means to answer: an answer is a conversation.
    pub(super) fn reads_campaign(
        &mut self,
        member: u32,
        campaign: u8,
        sent: SimTime,
        now: SimTime,
    ) {
        let scenario = self.scenario;
        let spec = &scenario.outreach.campaigns[usize::from(campaign)];
        let message = Answer::Template(&scenario.flow.templates[spec.template]);
        let streams = crate::random::Streams::member(member, campaign);
        let customer = Customer::of(
            &scenario.personas,
            self.members.persona(member),
            streams.stream(self.seed, self.replication, Purpose::Customer),
        );
        let mut thread = super::people::Thread {
            person: self.members.person_at(member),
            origin: Origin::Campaign(campaign),
            counted: true,
            watched: None,
            answered: None,
        };
        let mut conversation = self.conversation(customer, &thread, now);
        let Some(answer) = conversation.considers(message) else {
            return;
        };
        let counts = &mut self.sink.tallies.campaigns[usize::from(campaign)];
        if message.opts_out(&answer.1) {
            counts.opted_out += 1;
            self.members.opt_out(member);
            return;
        }
        counts.replied += 1;
        if matches!(answer.1, crate::conversation::bot::Reply::Tap(_)) {
            counts.clicked += 1;
        }
        // Only now is it a conversation, and the member's.
        thread.person = self.members.person(member, now, true);
        self.watch(&mut thread, &conversation, now);
        let exit = conversation.answers(message, (sent, now), answer, &mut self.observer(&thread));
        self.after_exit(conversation, thread, exit);
    }

    /// The customer went silent at `node` at `at`, the bot's last message
    /// having reached them at `since`: their node may follow up; otherwise
    /// they abandoned.
    pub(super) fn silent(
        &mut self,
        mut conversation: Conversation<'s, FlowBot<'s>>,
        thread: super::people::Thread,
        node: NodeId,
        at: SimTime,
        since: SimTime,
        reason: Reason,
    ) {
        let follow_up = self.scenario.flow.nodes[node].follow_up.as_ref();
        match follow_up {
            Some(follow_up) if may_follow_up(reason) && conversation.follow_up_once(node) => {
                let paused = Paused {
                    conversation,
                    thread,
                    node,
                    at,
                    reason,
                    sent: None,
                };
                self.sink
                    .events
                    .schedule(since + follow_up.after, Event::FollowUp(Box::new(paused)));
            }
            _ => self.abandoned(conversation, thread, node, at, reason),
        }
    }

    /// The conversation ends abandoned where the customer went silent.
    fn abandoned(
        &mut self,
        conversation: Conversation<'s, FlowBot<'s>>,
        thread: super::people::Thread,
        node: NodeId,
        at: SimTime,
        reason: Reason,
    ) {
        self.end(
            thread,
            conversation.progress(),
            Outcome::AbandonedInBot,
            node,
            at,
            Some(reason),
        );
    }

    /// The follow-up did not bring the customer back: the conversation ends
    /// abandoned where they went silent.
    fn gives_up(&mut self, paused: Box<Paused<'s>>) {
        let Paused {
            conversation,
            thread,
            node,
            at,
            reason,
            ..
        } = *paused;
        self.abandoned(conversation, thread, node, at, reason);
    }

    /// A paused conversation's follow-up is due at `now` (send it, if
    /// WhatsApp allows), or its customer reads it now (answer it, or not).
    pub(super) fn follow_up(&mut self, mut paused: Box<Paused<'s>>, now: SimTime) {
        match paused.sent.take() {
            None => self.send_follow_up(paused, now),
            Some((message, sent)) => {
                let Paused {
                    mut conversation,
                    mut thread,
                    node,
                    at,
                    reason,
                    ..
                } = *paused;
                let Some(answer) = conversation.considers(message) else {
                    return self.abandoned(conversation, thread, node, at, reason);
                };
                let counted = thread.counted;
                if message.opts_out(&answer.1) {
                    self.opt_out(&mut thread, now);
                    if counted {
                        self.sink.tallies.follow_ups[node].sends.opted_out += 1;
                    }
                    return self.abandoned(conversation, thread, node, at, reason);
                }
                if counted {
                    let counts = &mut self.sink.tallies.follow_ups[node].sends;
                    counts.replied += 1;
                    if matches!(message, Answer::Template(_))
                        && matches!(answer.1, crate::conversation::bot::Reply::Tap(_))
                    {
                        counts.clicked += 1;
                    }
                }
                thread.answered = Some((node, conversation.progress().conversions));
                let exit =
                    conversation.answers(message, (sent, now), answer, &mut self.observer(&thread));
                self.after_exit(conversation, thread, exit);
            }
        }
    }

    /// Sends a paused conversation's follow-up at `now`: the free-form text
    /// while the service window is open, else the template — if WhatsApp
    /// allows it.
    fn send_follow_up(&mut self, mut paused: Box<Paused<'s>>, now: SimTime) {
        let scenario = self.scenario;
        let node = paused.node;
        let follow_up = scenario.flow.nodes[node]
            .follow_up
            .as_ref()
            .expect("only nodes with a follow-up pause");
        let counted = paused.thread.counted;
        let window_open = in_service_window(paused.conversation.progress().last_message, now);
        let message = match (&follow_up.text, follow_up.template) {
            (Some(text), _) if window_open => Answer::Left(text),
            (_, Some(template)) => Answer::Template(&scenario.flow.templates[template]),
            _ => {
                // Only text, and the window has closed: refused (131047).
                if counted {
                    self.sink.tallies.compliance.outside_window += 1;
                    self.sink.tallies.follow_ups[node].sends.refused += 1;
                }
                return self.gives_up(paused);
            }
        };
        let person = paused.thread.person;
        let opted_out = match person.id {
            PersonId::Member(member) => !self.members.may_receive(member, true),
            PersonId::WalkIn(_) => person.opted_out,
        };
        let opted_in = match person.id {
            PersonId::Member(member) => self.members.may_receive(member, false),
            PersonId::WalkIn(_) => person.opted_in,
        };
        if let Answer::Template(template) = message {
            let marketing = template.category == Category::Marketing;
            // Inside the window the customer is talking to the business; a
            // marketing opt-out still holds. Outside it, a template needs
            // their opt-in.
            let allowed = !(marketing && opted_out) && (window_open || opted_in);
            if !allowed {
                if counted {
                    self.sink.tallies.compliance.not_opted_in += 1;
                    self.sink.tallies.follow_ups[node].sends.refused += 1;
                }
                return self.gives_up(paused);
            }
        }
        let tallies = &mut self.sink.tallies;
        if counted {
            let counts = &mut tallies.follow_ups[node].sends;
            counts.sent += 1;
            counts.delivered += 1;
            // WhatsApp charges per delivered template; a utility template is
            // free inside the customer service window.
            if let Answer::Template(template) = message
                && !(window_open && template.category == Category::Utility)
            {
                tallies.cost.templates[template.category as usize] += 1;
            }
        }
        let persona = paused.conversation.customer().persona;
        let Some(engagement) = &persona.engagement else {
            return self.gives_up(paused);
        };
        let nth = paused.conversation.follow_ups_sent();
        let mut rng = paused.thread.streams().follow_up(nth).stream(
            self.seed,
            self.replication,
            Purpose::Arrivals,
        );
        let receipts_off = match person.id {
            PersonId::Member(member) => self.members.receipts_off(member),
            PersonId::WalkIn(_) => rng.random::<f64>() < engagement.read_receipts_off.get(),
        };
        let read = read_time(engagement, now, scenario.clock_start, &mut rng);
        let Some(read) = read else {
            return self.gives_up(paused);
        };
        if counted && !receipts_off {
            self.sink.tallies.follow_ups[node].sends.read += 1;
        }
        let marketing = matches!(message, Answer::Template(t) if t.category == Category::Marketing);
        if marketing && rng.random::<f64>() < engagement.opts_out.get() {
            self.opt_out(&mut paused.thread, read);
            if counted {
                self.sink.tallies.follow_ups[node].sends.opted_out += 1;
            }
            return self.gives_up(paused);
        }
        if rng.random::<f64>() < engagement.comes_back.get() {
            paused.sent = Some((message, now));
            self.sink.events.schedule(read, Event::FollowUp(paused));
        } else {
            self.gives_up(paused);
        }
    }

    /// The customer of `thread` opts out of marketing at `at`.
    fn opt_out(&mut self, thread: &mut super::people::Thread, at: SimTime) {
        match thread.person.id {
            PersonId::Member(member) => self.sink.events.schedule(at, Event::OptsOut(member)),
            PersonId::WalkIn(_) => thread.person.opted_out = true,
        }
    }
}
