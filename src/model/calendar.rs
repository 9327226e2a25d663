//! The week a scenario runs in: times like `Mon 08:00` and periods like
//! `Mon-Fri 09:00-18:00`, for arrival profiles, agent shifts and opening
//! hours. All times are the scenario's local time.
//!
//! A [`Schedule`] maps every minute of the week to a value (an arrival rate,
//! a number of agents), piecewise constant, so the engine can ask both
//! "what now?" and "when does it next change?".

use std::fmt;

use super::duration::Millis;

/// Milliseconds in a week; week times wrap around it.
pub const WEEK: u64 = 7 * DAY;
const DAY: u64 = 24 * HOUR;
const HOUR: u64 = 60 * MINUTE;
const MINUTE: u64 = 60_000;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A moment of the week: milliseconds since Monday 00:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct WeekTime(pub u64);

impl WeekTime {
    /// Reads `Mon 08:00` (a day and a time) or `08:00` (Monday).
    pub fn parse(text: &str) -> Result<WeekTime, String> {
        let text = text.trim();
        let (day, time) = match text.split_once(' ') {
            Some((day, time)) => (day_index(day)?, time.trim()),
            None => (0, text),
        };
        let minutes = clock(time)?;
        if minutes >= 24 * 60 {
            return Err(format!("`{text}`: a time of day is from 00:00 to 23:59"));
        }
        Ok(WeekTime(day as u64 * DAY + minutes * MINUTE))
    }

    /// This moment `after` later, wrapping at the end of the week.
    pub fn plus(self, after: Millis) -> WeekTime {
        WeekTime((self.0 + after.0 % WEEK) % WEEK)
    }
}

impl fmt::Display for WeekTime {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let day = (self.0 / DAY) as usize % 7;
        let minutes = (self.0 % DAY) / MINUTE;
        write!(f, "{} {:02}:{:02}", DAYS[day], minutes / 60, minutes % 60)
    }
}

fn day_index(text: &str) -> Result<usize, String> {
    DAYS.iter()
        .position(|day| day.eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| format!("`{text}` is not a day; write Mon, Tue, Wed, Thu, Fri, Sat or Sun"))
}

/// `HH:MM` as minutes; `24:00` is allowed as the end of a day.
fn clock(text: &str) -> Result<u64, String> {
    let bad = || format!("`{text}` is not a time; write it like 09:00");
    let (hours, minutes) = text.split_once(':').ok_or_else(bad)?;
    let hours: u64 = hours.trim().parse().map_err(|_| bad())?;
    let minutes: u64 = minutes.trim().parse().map_err(|_| bad())?;
    if minutes >= 60 || hours > 24 || (hours == 24 && minutes > 0) {
        return Err(bad());
    }
    Ok(hours * 60 + minutes)
}

/// Parts of the week, as written: `Mon-Fri 09:00-18:00`, `Sat 10:00-16:00`,
/// `09:00-18:00` (every day), `Sat-Sun` (whole days). A period that ends
/// past midnight (`22:00-02:00`) runs into the next day.
pub fn parse_period(text: &str) -> Result<Vec<(u64, u64)>, String> {
    let text = text.trim();
    let (days, hours) = match text.split_once(' ') {
        Some((days, hours)) => (Some(days.trim()), Some(hours.trim())),
        None if text.contains(':') => (None, Some(text)),
        None => (Some(text), None),
    };
    let days: Vec<usize> = match days {
        None => (0..7).collect(),
        Some(days) => match days.split_once('-') {
            Some((first, last)) => {
                let (first, last) = (day_index(first)?, day_index(last)?);
                if last >= first {
                    (first..=last).collect()
                } else {
                    (first..7).chain(0..=last).collect()
                }
            }
            None => vec![day_index(days)?],
        },
    };
    let (start, end) = match hours {
        None => (0, 24 * 60),
        Some(hours) => {
            let (start, end) = hours.split_once('-').ok_or_else(|| {
                format!("`{hours}` is not a time range; write it like 09:00-18:00")
            })?;
            let (start, end) = (clock(start)?, clock(end)?);
            if start == end {
                return Err(format!(
                    "`{hours}` is empty: the range starts where it ends"
                ));
            }
            (start, if end < start { end + 24 * 60 } else { end })
        }
    };
    Ok(days
        .into_iter()
        .map(|day| {
            let from = day as u64 * DAY + start * MINUTE;
            (from, from + (end - start) * MINUTE)
        })
        .collect())
}

/// A value for every moment of the week, piecewise constant.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule<T> {
    /// Change points: from `.0` (ms of the week) on, the value is `.1`;
    /// sorted, the first at 0.
    changes: Vec<(u64, T)>,
}

impl<T: Clone + PartialEq> Schedule<T> {
    /// The same value all week.
    pub fn constant(value: T) -> Schedule<T> {
        Schedule {
            changes: vec![(0, value)],
        }
    }

    /// `periods` (as written, with their values) over `otherwise`. Periods
    /// may not overlap: the error names the two that do.
    pub fn from_periods(periods: &[(String, T)], otherwise: T) -> Result<Schedule<T>, String> {
        // Every covered minute-range, split at the end of the week.
        let mut ranges: Vec<(u64, u64, usize)> = Vec::new();
        for (index, (text, _)) in periods.iter().enumerate() {
            for (from, to) in parse_period(text)? {
                if to <= WEEK {
                    ranges.push((from, to, index));
                } else {
                    ranges.push((from, WEEK, index));
                    ranges.push((0, to - WEEK, index));
                }
            }
        }
        ranges.sort();
        for pair in ranges.windows(2) {
            if pair[1].0 < pair[0].1 && pair[0].2 != pair[1].2 {
                return Err(format!(
                    "`{}` and `{}` overlap; a moment can be in one period only",
                    periods[pair[0].2].0, periods[pair[1].2].0
                ));
            }
        }
        let mut changes = vec![(0, otherwise.clone())];
        for (from, to, index) in ranges {
            changes.push((from, periods[index].1.clone()));
            changes.push((to, otherwise.clone()));
        }
        // Sort by time; at one moment, a period's start wins over the end
        // of the one before it.
        changes.sort_by_key(|(at, _)| *at);
        let mut merged: Vec<(u64, T)> = Vec::with_capacity(changes.len());
        for (at, value) in changes {
            if at >= WEEK {
                continue;
            }
            match merged.last_mut() {
                Some(last) if last.0 == at => last.1 = value,
                _ => merged.push((at, value)),
            }
        }
        merged.dedup_by(|later, earlier| later.1 == earlier.1);
        Ok(Schedule { changes: merged })
    }

    /// The value at `at`.
    pub fn at(&self, at: WeekTime) -> &T {
        let index = self
            .changes
            .partition_point(|(from, _)| *from <= at.0 % WEEK);
        &self.changes[index - 1].1
    }

    /// How long from `at` until the value next changes; `None` if it never does.
    pub fn until_change(&self, at: WeekTime) -> Option<Millis> {
        if self.changes.len() == 1 {
            return None;
        }
        let now = at.0 % WEEK;
        if let Some((from, _)) = self.changes.iter().find(|(from, _)| *from > now) {
            return Some(Millis(from - now));
        }
        // Past the last change point: the week wraps to the first (at 0),
        // which is no change when the last value carries on into Monday.
        let last = &self.changes[self.changes.len() - 1].1;
        let next = if self.changes[0].1 == *last {
            WEEK + self.changes[1].0
        } else {
            WEEK
        };
        Some(Millis(next - now))
    }

    /// Every value the schedule takes.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.changes.iter().map(|(_, value)| value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_week_times_and_periods() {
        assert_eq!(WeekTime::parse("Mon 08:00"), Ok(WeekTime(8 * HOUR)));
        assert_eq!(
            WeekTime::parse("tue 00:30"),
            Ok(WeekTime(DAY + 30 * MINUTE))
        );
        assert_eq!(
            WeekTime::parse("Sun 23:59").unwrap().to_string(),
            "Sun 23:59"
        );
        assert!(WeekTime::parse("Mon 25:00").is_err());
        assert!(
            WeekTime::parse("Someday 08:00")
                .unwrap_err()
                .contains("not a day")
        );
        assert_eq!(
            parse_period("Sat-Sun").unwrap(),
            vec![(5 * DAY, 6 * DAY), (6 * DAY, 7 * DAY)]
        );
        assert_eq!(parse_period("09:00-18:00").unwrap().len(), 7);
        assert_eq!(
            parse_period("Fri 22:00-02:00").unwrap(),
            vec![(4 * DAY + 22 * HOUR, 5 * DAY + 2 * HOUR)]
        );
    }

    #[test]
    fn a_schedule_answers_what_now_and_until_when() {
        let hours =
            Schedule::from_periods(&[("Mon-Fri 09:00-18:00".to_string(), 5u32)], 0).unwrap();
        let at = |text: &str| WeekTime::parse(text).unwrap();
        assert_eq!(*hours.at(at("Mon 08:59")), 0);
        assert_eq!(*hours.at(at("Mon 09:00")), 5);
        assert_eq!(*hours.at(at("Fri 17:59")), 5);
        assert_eq!(*hours.at(at("Sat 12:00")), 0);
        assert_eq!(hours.until_change(at("Mon 08:00")), Some(Millis(HOUR)));
        assert_eq!(
            hours.until_change(at("Fri 18:00")),
            Some(Millis(2 * DAY + 15 * HOUR))
        );
        assert_eq!(Schedule::constant(3).until_change(at("Mon 00:00")), None);
    }

    #[test]
    fn a_period_past_midnight_on_sunday_wraps_to_monday() {
        let night = Schedule::from_periods(&[("Sun 22:00-02:00".to_string(), 1u32)], 0).unwrap();
        let at = |text: &str| WeekTime::parse(text).unwrap();
        assert_eq!(*night.at(at("Sun 23:00")), 1);
        assert_eq!(*night.at(at("Mon 01:00")), 1);
        assert_eq!(*night.at(at("Mon 02:00")), 0);
    }

    #[test]
    fn overlapping_periods_are_refused() {
        let error = Schedule::from_periods(
            &[
                ("Mon-Fri 09:00-18:00".to_string(), 1),
                ("Mon 17:00-20:00".to_string(), 2),
            ],
            0,
        )
        .unwrap_err();
        assert!(error.contains("overlap"), "{error}");
    }
}
