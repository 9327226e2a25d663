//! Customers as people, across conversations: who a conversation is with,
//! the audience a business messages, when someone reads a message, and
//! whether they come back.
//!
//! A customer who writes in (a walk-in) is new each time the arrival clock
//! ticks; what follows them from one conversation to the next travels in
//! their [`Person`]. Audience members live for the whole replication in
//! [`Members`], a few bytes each, so memory grows with the audience and
//! never with the number of conversations.

use crate::random::Draws;
use rand::RngExt;

use crate::metric::Outcome;
use crate::model::calendar::WeekTime;
use crate::model::outreach::Audience;
use crate::model::persona::{Engagement, Persona};
use crate::model::{Millis, SimTime, Weighted};
use crate::random::{Purpose, Streams};

/// Who a conversation is with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PersonId {
    /// The `n`-th customer to write in.
    WalkIn(u64),
    /// An audience member.
    Member(u32),
}

/// What follows a customer from one conversation to the next.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Person {
    pub id: PersonId,
    /// Their persona (an index into the scenario's personas).
    pub persona: usize,
    /// Which of their conversations this is: 0 for the first.
    pub visit: u32,
    /// When their first conversation started.
    pub first_started: SimTime,
    /// Whether their first conversation was counted: retention counts them.
    pub first_counted: bool,
    /// Whether they agreed to receive business messages (a walk-in did not,
    /// unless they are on the list).
    pub opted_in: bool,
    /// Whether they opted out of marketing (a walk-in's own; a member's is
    /// kept in [`Members`]).
    pub opted_out: bool,
}

impl Person {
    /// A customer writing in for the first time.
    pub fn walk_in(index: u64, persona: usize, at: SimTime, counted: bool) -> Person {
        Person {
            id: PersonId::WalkIn(index),
            persona,
            visit: 0,
            first_started: at,
            first_counted: counted,
            opted_in: false,
            opted_out: false,
        }
    }

    /// The streams of this conversation of theirs.
    pub fn streams(&self, campaign: Option<u8>) -> Streams {
        match (self.id, campaign, self.visit) {
            (PersonId::Member(member), Some(campaign), _) => Streams::member(member, campaign),
            (PersonId::WalkIn(index), _, 0) => Streams::walk_in(index),
            (PersonId::WalkIn(index), _, visit) => Streams::returning(index, false, visit),
            (PersonId::Member(member), None, visit) => {
                Streams::returning(u64::from(member), true, visit)
            }
        }
    }
}

/// Flags of a member, one bit each.
const OPTED_IN: u8 = 1;
const OPTED_OUT: u8 = 2;
const RECEIPTS_OFF: u8 = 4;
/// They had a conversation, and the first was counted.
const SPOKE: u8 = 8;

/// One audience member: 24 bytes.
#[derive(Debug, Clone, Copy)]
struct Member {
    persona: u32,
    flags: u8,
    /// When their first conversation started.
    first: SimTime,
    /// When their next conversation after the first starts (or would, for
    /// one after the end of the run); `SimTime(u64::MAX)` for none.
    next: SimTime,
}

/// The audience of a replication.
pub(crate) struct Members {
    members: Vec<Member>,
}

impl Members {
    /// Draws every member of `audience`: persona, opt-in and read receipts,
    /// each from the member's own stream.
    pub fn draw(
        audience: Option<&Audience>,
        personas: &Weighted<Persona>,
        seed: u64,
        replication: u32,
    ) -> Members {
        let Some(audience) = audience else {
            return Members {
                members: Vec::new(),
            };
        };
        let members = (0..audience.size)
            .map(|member| {
                let mut rng =
                    Streams::member(member, u8::MAX).stream(seed, replication, Purpose::Arrivals);
                let persona = *audience.mix.get(audience.mix.pick(rng.random()));
                let mut flags = 0;
                if rng.random::<f64>() < audience.opted_in.get() {
                    flags |= OPTED_IN;
                }
                let receipts_off = personas
                    .get(persona)
                    .engagement
                    .as_ref()
                    .map_or(0.0, |e| e.read_receipts_off.get());
                if rng.random::<f64>() < receipts_off {
                    flags |= RECEIPTS_OFF;
                }
                Member {
                    persona: persona as u32,
                    flags,
                    first: SimTime(u64::MAX),
                    next: SimTime(u64::MAX),
                }
            })
            .collect();
        Members { members }
    }

    /// How many members there are.
    pub fn len(&self) -> u32 {
        self.members.len() as u32
    }

    /// Member `member`'s persona.
    pub fn persona(&self, member: u32) -> usize {
        self.members[member as usize].persona as usize
    }

    /// Whether member `member` agreed to business messages and, for
    /// marketing, has not opted out since.
    pub fn may_receive(&self, member: u32, marketing: bool) -> bool {
        let flags = self.members[member as usize].flags;
        flags & OPTED_IN != 0 && !(marketing && flags & OPTED_OUT != 0)
    }

    /// Whether member `member` has read receipts off.
    pub fn receipts_off(&self, member: u32) -> bool {
        self.members[member as usize].flags & RECEIPTS_OFF != 0
    }

    /// Member `member` opts out of marketing.
    pub fn opt_out(&mut self, member: u32) {
        self.members[member as usize].flags |= OPTED_OUT;
    }

    /// Member `member` as a [`Person`], for a conversation starting at `at`
    /// (`counted` when it is in the counted time).
    pub fn person(&mut self, member: u32, at: SimTime, counted: bool) -> Person {
        let entry = &mut self.members[member as usize];
        let first = entry.first == SimTime(u64::MAX);
        if first {
            entry.first = at;
            if counted {
                entry.flags |= SPOKE;
            }
        } else if at > entry.first {
            entry.next = entry.next.min(at);
        }
        self.person_at(member)
    }

    /// Member `member` as a [`Person`] as they are now, without counting a
    /// conversation.
    pub fn person_at(&self, member: u32) -> Person {
        let entry = &self.members[member as usize];
        Person {
            id: PersonId::Member(member),
            persona: entry.persona as usize,
            visit: 0,
            first_started: entry.first,
            first_counted: entry.flags & SPOKE != 0,
            opted_in: entry.flags & OPTED_IN != 0,
            opted_out: entry.flags & OPTED_OUT != 0,
        }
    }

    /// Member `member` will have another conversation at `at` (a return,
    /// played or not).
    pub fn comes_back(&mut self, member: u32, at: SimTime) {
        let entry = &mut self.members[member as usize];
        entry.next = entry.next.min(at);
    }

    /// Retention over the members whose first conversation was counted.
    pub fn retention(&self, retention: &mut crate::tally::RetentionTally) {
        for member in self.members.iter().filter(|m| m.flags & SPOKE != 0) {
            let next = (member.next != SimTime(u64::MAX)).then(|| member.next.since(member.first));
            retention.count(next);
        }
    }
}

/// When a customer of `engagement` reads a message delivered at
/// `delivered` (on the scenario's clock, which reads `clock_start` at
/// time 0), or `None` if they never do: they open WhatsApp during their
/// active hours only, and take their `read_delay`.
pub(crate) fn read_time(
    engagement: &Engagement,
    delivered: SimTime,
    clock_start: WeekTime,
    rng: &mut Draws,
) -> Option<SimTime> {
    if rng.random::<f64>() >= engagement.reads.get() {
        return None;
    }
    let delay = engagement
        .read_delay
        .as_ref()
        .map_or(Millis::ZERO, |d| d.sample(rng));
    let active = |at: SimTime| next_active(engagement, at, clock_start);
    Some(active(active(delivered) + delay))
}

/// The first moment at or after `at` within the customer's active hours.
fn next_active(engagement: &Engagement, at: SimTime, clock_start: WeekTime) -> SimTime {
    let Some(hours) = &engagement.active_hours else {
        return at;
    };
    let mut now = at;
    // Active hours repeat every week, so a week of changes finds them.
    for _ in 0..1_000 {
        let week = clock_start.plus(now.since(SimTime::ZERO));
        if *hours.at(week) {
            return now;
        }
        match hours.until_change(week) {
            Some(span) => now = now + span,
            None => return now,
        }
    }
    now
}

/// Whether, and when, a customer whose conversation ended at `ended` with
/// `outcome` (and CSAT `score`) comes back: drawn from `rng`.
pub(crate) fn return_time(
    persona: &Persona,
    outcome: Outcome,
    score: Option<u8>,
    ended: SimTime,
    rng: &mut Draws,
) -> Option<SimTime> {
    let returns = persona.returns.as_ref()?;
    let chance = returns.chance(outcome, score);
    let comes = rng.random::<f64>() < chance;
    let after = returns.after.sample(rng);
    comes.then(|| ended + after)
}

/// Where a conversation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The customer wrote in.
    WalkIn,
    /// The customer came back after an earlier conversation.
    Return,
    /// The customer answered campaign `n`.
    Campaign(u8),
}

/// What a conversation carries beside the customer and the bot: who it is
/// with, where it came from, whether it is counted and watched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Thread {
    pub person: Person,
    pub origin: Origin,
    /// Warm-up traffic is simulated but not counted.
    pub counted: bool,
    /// The number of its watcher (a transcript), when one listens.
    pub watched: Option<u64>,
    /// The follow-up the customer answered, if any: its node, and the
    /// business goals reached before it.
    pub answered: Option<(crate::model::flow::NodeId, u64)>,
}

impl Thread {
    /// The first conversation of the `index`-th customer to write in.
    pub fn walk_in(index: u64, persona: usize, at: SimTime, counted: bool) -> Thread {
        Thread {
            person: Person::walk_in(index, persona, at, counted),
            origin: Origin::WalkIn,
            counted,
            watched: None,
            answered: None,
        }
    }

    /// The streams of the conversation.
    pub fn streams(&self) -> Streams {
        let campaign = match self.origin {
            Origin::Campaign(campaign) => Some(campaign),
            _ => None,
        };
        self.person.streams(campaign)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_member_takes_what_the_cost_estimate_says() {
        let member = std::mem::size_of::<super::Member>() as f64;
        assert!(member <= crate::model::scenario::cost::bytes::MEMBER);
    }
}
