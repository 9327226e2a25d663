//! The live clock: customer time, which may run faster than wall time.
//!
//! A rehearsal against a real bot happens in wall time (the bot answers when
//! it answers), but customers think, wait and come back over hours. With
//! `speed` = 60, one wall second is one customer minute: the 24-hour
//! customer-service window closes after 24 wall minutes. The clock starts at
//! the real current time, so webhook timestamps look plausible to a bot, and
//! then runs `speed`× faster; [`Clock::advance`] jumps it forward (a customer
//! who comes back the next day), which is how tests cross the window without
//! waiting.
//!
//! Clones share one clock: the stand-in, the webhook sender and the caller
//! all read the same time.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::LiveError;

/// Customer time: wall time scaled by `speed`, plus any jumps.
#[derive(Debug, Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    started: Instant,
    /// Customer time when the clock started, since the Unix epoch.
    origin: Duration,
    speed: f64,
    /// Total of all [`Clock::advance`] jumps, in milliseconds.
    jumped_ms: AtomicU64,
}

/// The fastest a clock may run: a year of customer time per wall second
/// keeps millisecond arithmetic far from overflow for any rehearsal length.
const MAX_SPEED: f64 = 365.0 * 24.0 * 3600.0;

/// The slowest a clock may run: a customer second per 1,000 wall seconds.
/// Slower would make an hour of traffic take years of wall time, and wall
/// durations computed from customer time overflow.
const MIN_SPEED: f64 = 0.001;

impl Clock {
    /// Real time: starts now and runs at wall-clock speed.
    pub fn real() -> Clock {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Clock::at(now, 1.0)
    }

    fn at(origin: Duration, speed: f64) -> Clock {
        Clock {
            inner: Arc::new(Inner {
                started: Instant::now(),
                origin,
                speed,
                jumped_ms: AtomicU64::new(0),
            }),
        }
    }

    /// A clock that starts now (real time) and runs `speed`× faster than
    /// wall time; `speed` must be from 0.001 to one year per second.
    pub fn new(speed: f64) -> Result<Clock, LiveError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Clock::starting_at(now, speed)
    }

    /// A clock that starts at `origin` (since the Unix epoch) and runs
    /// `speed`× faster than wall time.
    pub fn starting_at(origin: Duration, speed: f64) -> Result<Clock, LiveError> {
        if !(speed.is_finite() && (MIN_SPEED..=MAX_SPEED).contains(&speed)) {
            return Err(LiveError::Speed(speed));
        }
        Ok(Clock::at(origin, speed))
    }

    /// How much faster than wall time the clock runs.
    pub fn speed(&self) -> f64 {
        self.inner.speed
    }

    /// Customer time now, since the Unix epoch.
    pub fn now(&self) -> Duration {
        let elapsed = self.inner.started.elapsed().mul_f64(self.inner.speed);
        let jumped = Duration::from_millis(self.inner.jumped_ms.load(Ordering::Relaxed));
        self.inner.origin + elapsed + jumped
    }

    /// Customer time now in whole Unix seconds, as webhook timestamps carry it.
    pub fn unix_seconds(&self) -> u64 {
        self.now().as_secs()
    }

    /// Jumps customer time forward by `by` (wall time is unaffected).
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.inner.jumped_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// The wall time that `customer_time` takes on this clock: what to sleep
    /// for a customer who waits `customer_time`.
    pub fn wall(&self, customer_time: Duration) -> Duration {
        customer_time.div_f64(self.inner.speed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_speed_times_faster_and_jumps() {
        let clock = Clock::starting_at(Duration::from_secs(1_000), 1000.0).unwrap();
        let before = clock.now();
        std::thread::sleep(Duration::from_millis(20));
        let ran = clock.now() - before;
        // 20 ms of wall time is at least 20 s of customer time.
        assert!(ran >= Duration::from_secs(20), "{ran:?}");
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now() - before >= Duration::from_secs(3620));
        assert_eq!(
            clock.wall(Duration::from_secs(60)),
            Duration::from_millis(60)
        );
    }

    #[test]
    fn refuses_nonsense_speeds() {
        // 1e-300 once overflowed a wall-time conversion (a panic); 1e-9
        // would take years.
        for speed in [
            0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            1e12,
            1e-300,
            1e-9,
            0.000_999,
        ] {
            assert!(Clock::new(speed).is_err(), "{speed}");
        }
        for speed in [0.001, 1.0, 31_536_000.0] {
            assert!(Clock::new(speed).is_ok(), "{speed}");
        }
        let message = Clock::new(1e300).unwrap_err().to_string();
        assert!(message.ends_with("not 1e300"), "{message}");
    }
}
