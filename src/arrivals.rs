//! When customers write in: the arrival times of one replication, drawn
//! from their own random stream, so every flow version sees the same
//! customers at the same moments, and `rehearse live` sends them at the
//! moments replication 0 of `run` simulates.

use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution as _, Exp1};

use crate::model::calendar::WeekTime;
use crate::model::scenario::{Arrivals, Scenario};
use crate::model::{Millis, SimTime};
use crate::random::arrival_clock;

/// When customers arrive: a constant rate, or a rate that varies through the
/// week (a non-homogeneous Poisson process, drawn by inverting its
/// cumulative rate one constant stretch at a time).
pub(crate) struct ArrivalClock<'s> {
    arrivals: &'s Arrivals,
    clock_start: WeekTime,
    rng: ChaCha8Rng,
}

impl<'s> ArrivalClock<'s> {
    /// The arrivals of replication `replication` of `scenario` with `seed`,
    /// from their own stream, so every flow version (and `rehearse live`)
    /// sees the same customers at the same moments.
    pub(crate) fn new(scenario: &'s Scenario, seed: u64, replication: u32) -> ArrivalClock<'s> {
        ArrivalClock {
            arrivals: &scenario.arrivals,
            clock_start: scenario.clock_start,
            rng: arrival_clock(seed, replication),
        }
    }

    /// The next arrival after `now`, or `None` if nobody comes again.
    pub(crate) fn next(&mut self, now: SimTime) -> Option<SimTime> {
        let unit: f64 = Exp1.sample(&mut self.rng);
        match self.arrivals {
            Arrivals::Constant(per_hour) => {
                Some(now + Millis::from_secs_f64(unit * 3600.0 / per_hour))
            }
            Arrivals::Profile(profile) => {
                let (mut left, mut at) = (unit, now);
                // Every rate change of a week, a few times over, is more than
                // enough for any draw: a profile has a rate above 0 somewhere.
                for _ in 0..10_000 {
                    let week = self.clock_start.plus(at.since(SimTime::ZERO));
                    let per_ms = profile.at(week) / 3_600_000.0;
                    let span = profile.until_change(week);
                    if per_ms > 0.0 {
                        let needed = left / per_ms;
                        if span.is_none_or(|span| needed < span.0 as f64) {
                            return Some(at + Millis(needed.round() as u64));
                        }
                    }
                    let span = span?;
                    left -= per_ms * span.0 as f64;
                    at = at + span;
                }
                None
            }
        }
    }
}
