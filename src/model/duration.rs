//! Time as users write it (`800ms`, `2s`, `1.5m`, `1h`, `2d`) and as the
//! engine counts it: whole milliseconds. A [`Millis`] is a duration and a
//! [`SimTime`] an instant on a replication's clock; keeping them apart means
//! an instant is never added to an instant by mistake.

use std::fmt;
use std::ops::{Add, Sub};

use serde::{Deserialize, Deserializer, de};

/// A duration in whole milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Millis(pub u64);

/// An instant on a replication's clock: milliseconds since it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub u64);

impl SimTime {
    /// The start of a replication.
    pub const ZERO: SimTime = SimTime(0);

    /// The time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> Millis {
        Millis(self.0.saturating_sub(earlier.0))
    }
}

/// Saturating: the loader bounds every duration and rate, so a sum never
/// comes near the limit; saturating keeps even a bug from panicking.
impl Add<Millis> for SimTime {
    type Output = SimTime;
    fn add(self, duration: Millis) -> SimTime {
        SimTime(self.0.saturating_add(duration.0))
    }
}

impl Sub<SimTime> for SimTime {
    type Output = Millis;
    fn sub(self, earlier: SimTime) -> Millis {
        self.since(earlier)
    }
}

impl Add for Millis {
    type Output = Millis;
    fn add(self, other: Millis) -> Millis {
        Millis(self.0.saturating_add(other.0))
    }
}

impl Millis {
    /// No time at all.
    pub const ZERO: Millis = Millis(0);

    /// Seconds as a float, the unit reports use.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Rounds a (non-negative, finite) number of seconds to the nearest millisecond.
    /// Negative or NaN inputs become zero: a sampled delay is never negative.
    pub fn from_secs_f64(secs: f64) -> Millis {
        let ms = secs * 1000.0;
        if ms.is_nan() || ms < 0.5 {
            Millis(0)
        } else if ms >= u64::MAX as f64 {
            Millis(u64::MAX)
        } else {
            Millis(round_positive(ms))
        }
    }

    /// The longer of the two.
    pub fn max(self, other: Millis) -> Millis {
        Ord::max(self, other)
    }
}

/// Units accepted after a number, with their length in milliseconds.
const UNITS: [(&str, f64); 5] = [
    ("ms", 1.0),
    ("s", 1_000.0),
    ("m", 60_000.0),
    ("h", 3_600_000.0),
    ("d", 86_400_000.0),
];

/// The longest duration a file may write: 1000 days. Every delay, patience
/// and handling time people simulate is far shorter, and the bound keeps
/// simulated clocks far from overflowing (see `Distribution`,
/// whose draws are capped at the same bound).
pub const LONGEST_DURATION: Millis = Millis(1000 * 86_400_000);

/// Parses `800ms`, `2s`, `1.5m`, `1h`, `2d`. Returns a message fit to follow
/// "invalid duration: " on failure.
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    let text = text.trim();
    let shown = crate::source::cut(text, 40);
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| {
            format!("`{shown}` has no unit; write it like `800ms`, `30s`, `5m`, `1h` or `2d`")
        })?;
    let (number, unit) = text.split_at(split);
    let factor = UNITS
        .iter()
        .find(|(name, _)| *name == unit.trim())
        .map(|(_, factor)| *factor)
        .ok_or_else(|| {
            format!(
                "`{shown}` has an unknown unit `{}`; use ms, s, m, h or d",
                crate::source::cut(unit, 20)
            )
        })?;
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{shown}` does not start with a number; write it like `1.5s`"))?;
    let ms = (value * factor).round();
    if !ms.is_finite() || ms > LONGEST_DURATION.0 as f64 {
        return Err(format!(
            "`{shown}` is longer than 1000 days, the longest duration rehearse takes"
        ));
    }
    Ok(Millis(ms as u64))
}

impl<'de> Deserialize<'de> for Millis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Millis;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration like `800ms`, `30s`, `5m`, `1h` or `2d`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Millis, E> {
                parse_duration(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Millis, E> {
                Err(E::custom(format!(
                    "`{v}` has no unit; write it like `{v}s` or `{v}ms`"
                )))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Millis, E> {
                Err(E::custom(format!(
                    "`{v}` has no unit; write it like `{v}s`"
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Millis, E> {
                Err(E::custom(format!(
                    "`{v}` has no unit; write it like `{v}s`"
                )))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl fmt::Display for Millis {
    /// Human form used by the text report: `850ms`, `1.2s`, `3m 05s`, `2h 10m`.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let ms = self.0;
        if ms < 1_000 {
            write!(f, "{ms}ms")
        } else if ms < 60_000 {
            write!(f, "{:.1}s", ms as f64 / 1000.0)
        } else if ms < 3_600_000 {
            let secs = (ms + 500) / 1000;
            write!(f, "{}m {:02}s", secs / 60, secs % 60)
        } else {
            // Rounded to the minute without overflowing, however large.
            let mins = ms / 60_000 + u64::from(ms % 60_000 >= 30_000);
            write!(f, "{}h {:02}m", mins / 60, mins % 60)
        }
    }
}

/// `x.round()` for `0.5 <= x < 2^64`, without a call: on the baseline
/// x86-64 target `f64::round` is a library call, and every duration drawn
/// goes through here. Truncation and the subtraction of the truncated part
/// are exact in that range, so ties round up, as `round` does.
fn round_positive(x: f64) -> u64 {
    let whole = x as u64;
    if x - whole as f64 >= 0.5 {
        whole + 1
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_as_f64_round_does() {
        let mut cases = vec![0.5, 1e15 + 0.5, 2f64.powi(52) + 0.5, 2f64.powi(53), 1.8e19];
        for k in 0..4_000 {
            let x = 0.5 + f64::from(k) * 0.25;
            cases.extend([x, x.next_up(), x.next_down().max(0.5)]);
        }
        for x in cases {
            assert_eq!(round_positive(x), x.round() as u64, "{x}");
        }
        // And below one half, nothing.
        assert_eq!(
            Millis::from_secs_f64(0.000_499_999_999_999_999_9),
            Millis(0)
        );
        assert_eq!(Millis::from_secs_f64(0.0005), Millis(1));
    }

    #[test]
    fn parses_every_unit() {
        assert_eq!(parse_duration("800ms"), Ok(Millis(800)));
        assert_eq!(parse_duration("2s"), Ok(Millis(2_000)));
        assert_eq!(parse_duration("1.5s"), Ok(Millis(1_500)));
        assert_eq!(parse_duration("5m"), Ok(Millis(300_000)));
        assert_eq!(parse_duration("1h"), Ok(Millis(3_600_000)));
        assert_eq!(parse_duration("2d"), Ok(Millis(172_800_000)));
        assert_eq!(parse_duration(" 0s "), Ok(Millis(0)));
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        assert!(parse_duration("30").unwrap_err().contains("no unit"));
        assert!(
            parse_duration("30 sec")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(parse_duration("s").unwrap_err().contains("number"));
        assert!(parse_duration("1..2s").unwrap_err().contains("number"));
        assert!(parse_duration("-2s").is_err());
    }

    #[test]
    fn displays_for_people() {
        assert_eq!(Millis(850).to_string(), "850ms");
        assert_eq!(Millis(1_240).to_string(), "1.2s");
        assert_eq!(Millis(185_000).to_string(), "3m 05s");
        assert_eq!(Millis(7_800_000).to_string(), "2h 10m");
        assert_eq!(Millis(7_829_999).to_string(), "2h 10m");
        assert_eq!(Millis(7_830_000).to_string(), "2h 11m");
        assert_eq!(LONGEST_DURATION.to_string(), "24000h 00m");
        // The largest value a clock can hold still reads as hours.
        assert_eq!(Millis(u64::MAX).to_string(), "5124095576030h 26m");
    }

    #[test]
    fn refuses_durations_beyond_1000_days() {
        assert_eq!(parse_duration("1000d"), Ok(LONGEST_DURATION));
        assert_eq!(parse_duration("24000h"), Ok(LONGEST_DURATION));
        for text in ["1001d", "86400000001ms", "99999999999999999999999s"] {
            let error = parse_duration(text).unwrap_err();
            assert!(error.contains("longer than 1000 days"), "{text}: {error}");
        }
        let long = format!("{}s", "9".repeat(10_000));
        assert!(parse_duration(&long).unwrap_err().len() < 200);
    }
}
