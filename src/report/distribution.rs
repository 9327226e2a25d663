//! The distributions behind the report's timers, bucketed for charts.

use indexmap::IndexMap;

use crate::metric::Timer;
use crate::tally::Histogram;

/// A duration's distribution, bucketed for a chart: two buckets per
/// doubling of the duration (…, 1s, 1.5s, 2s, 3s, 4s, …), from the
/// shortest measured to the longest, with the empty ones between. Counts
/// are exact; only the bounds are coarse.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distribution {
    /// The buckets in order, each starting where the one before ends.
    pub buckets: Vec<TimeBucket>,
}

/// One bucket of a [`Distribution`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeBucket {
    /// Where it starts, in seconds (included).
    pub from: f64,
    /// Where it ends, in seconds (excluded).
    pub to: f64,
    /// How many durations fell in it.
    pub count: u64,
}

impl Distribution {
    pub(super) fn from_histogram(histogram: &Histogram) -> Distribution {
        let seconds = |ms: u64| ms as f64 / 1000.0;
        Distribution {
            buckets: histogram
                .coarse_buckets()
                .into_iter()
                .map(|(from, to, count)| TimeBucket {
                    from: seconds(from),
                    to: seconds(to),
                    count,
                })
                .collect(),
        }
    }

    /// How many durations were measured.
    pub fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.count).sum()
    }
}

/// The [`Distribution`]s of the report's timers and queue waits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distributions {
    /// As `response_time.bot`.
    pub bot: Distribution,
    /// As `response_time.agent_first_response`.
    pub agent_first_response: Distribution,
    /// As `response_time.queue_wait`.
    pub queue_wait: Distribution,
    /// As `response_time.resolution`.
    pub resolution: Distribution,
    /// As `queues.<name>.wait`, in the order of `queues`.
    pub queues: IndexMap<String, Distribution>,
}

impl Distributions {
    /// The distribution of `timer`.
    pub fn get(&self, timer: Timer) -> &Distribution {
        match timer {
            Timer::Bot => &self.bot,
            Timer::AgentFirstResponse => &self.agent_first_response,
            Timer::QueueWait => &self.queue_wait,
            Timer::Resolution => &self.resolution,
        }
    }
}
