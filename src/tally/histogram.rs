//! A histogram of durations: exact count, sum and maximum, quantiles
//! within 0.2%, in memory that grows with the range of durations, never
//! with their number.

use crate::metric::{Stat, round_to};
use crate::model::Millis;

/// Values below this many milliseconds get a bucket each, so they are exact.
const EXACT_BELOW: u64 = 1 << 10;
/// Each power of two above that is split into this many buckets: a bucket is
/// at most 1/512 of its value wide, so a quantile is within 0.2% of the truth.
const SUB_BUCKET_BITS: u32 = 9;
const SUB_BUCKETS: usize = 1 << SUB_BUCKET_BITS;
/// The buckets a histogram makes room for when it takes to buckets: every
/// duration below 2^22 ms (70 minutes), 7,168 buckets, 56 KiB.
const ROOM: usize = EXACT_BELOW as usize + (22 - 10) * SUB_BUCKETS;

/// Up to this many durations, a histogram keeps them as they come instead
/// of in buckets. A replication's histograms mostly hold a few hundred
/// durations spread over minutes: zeroing the thousands of buckets between
/// them cost more than counting them, and so did adding those buckets up
/// for the quantiles and for the merge. The quantiles are the same either
/// way: a duration's bucket is found from the duration.
const FEW: usize = 512;

/// A log-linear histogram of durations with exact count, sum and max.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    /// The durations as counted, while there are at most [`FEW`] of them
    /// and `counts` is empty.
    few: Vec<u64>,
    /// The count of each bucket, once there were more.
    counts: Vec<u64>,
    count: u64,
    sum: u128,
    min: u64,
    max: u64,
}

/// Two histograms are equal when they counted the same durations, to their
/// buckets, whether they keep them one by one or in buckets.
impl PartialEq for Histogram {
    fn eq(&self, other: &Histogram) -> bool {
        (self.count, self.sum, self.min, self.max) == (other.count, other.sum, other.min, other.max)
            && self.buckets() == other.buckets()
    }
}

pub(super) fn bucket_of(value: u64) -> usize {
    if value < EXACT_BELOW {
        return value as usize;
    }
    let exponent = 63 - value.leading_zeros(); // at least 10
    let shift = exponent - SUB_BUCKET_BITS;
    let mantissa = (value >> shift) as usize; // in [512, 1024)
    EXACT_BELOW as usize + (exponent as usize - 10) * SUB_BUCKETS + (mantissa - SUB_BUCKETS)
}

pub(super) fn lower_bound_of(bucket: usize) -> u64 {
    if bucket < EXACT_BELOW as usize {
        return bucket as u64;
    }
    let offset = bucket - EXACT_BELOW as usize;
    let exponent = 10 + (offset / SUB_BUCKETS) as u32;
    let mantissa = (SUB_BUCKETS + offset % SUB_BUCKETS) as u64;
    mantissa << (exponent - SUB_BUCKET_BITS)
}

impl Histogram {
    /// Counts one duration.
    pub fn record(&mut self, value: Millis) {
        let value = value.0;
        self.keep(value);
        self.min = if self.count == 0 {
            value
        } else {
            self.min.min(value)
        };
        self.max = self.max.max(value);
        self.count += 1;
        self.sum += u128::from(value);
    }

    /// Keeps `value` among the durations, one by one while they are few,
    /// then in its bucket.
    fn keep(&mut self, value: u64) {
        if self.counts.is_empty() {
            if self.few.len() < FEW {
                self.few.push(value);
                return;
            }
            self.take_to_buckets();
        }
        self.add_to_bucket(bucket_of(value), 1);
    }

    /// Moves the durations kept one by one into buckets.
    fn take_to_buckets(&mut self) {
        // Room for every duration up to an hour at once: the histogram then
        // grows without reallocating.
        self.counts.reserve(ROOM);
        for value in std::mem::take(&mut self.few) {
            self.add_to_bucket(bucket_of(value), 1);
        }
    }

    fn add_to_bucket(&mut self, bucket: usize, count: u64) {
        if bucket >= self.counts.len() {
            self.counts.resize(bucket + 1, 0);
        }
        self.counts[bucket] += count;
    }

    /// Each bucket with a duration and how many it holds, in order.
    fn buckets(&self) -> Vec<(usize, u64)> {
        if self.counts.is_empty() {
            let mut buckets: Vec<usize> = self.few.iter().map(|&value| bucket_of(value)).collect();
            buckets.sort_unstable();
            let mut counted: Vec<(usize, u64)> = Vec::new();
            for bucket in buckets {
                match counted.last_mut() {
                    Some((last, count)) if *last == bucket => *count += 1,
                    _ => counted.push((bucket, 1)),
                }
            }
            counted
        } else {
            self.counts
                .iter()
                .enumerate()
                .filter(|(_, count)| **count > 0)
                .map(|(bucket, count)| (bucket, *count))
                .collect()
        }
    }

    /// Adds everything `other` counted.
    pub fn merge(&mut self, other: &Histogram) {
        if other.count == 0 {
            return;
        }
        if other.counts.is_empty() {
            for &value in &other.few {
                self.keep(value);
            }
        } else {
            if self.counts.is_empty() {
                self.take_to_buckets();
            }
            if other.counts.len() > self.counts.len() {
                self.counts.resize(other.counts.len(), 0);
            }
            for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
                *mine += theirs;
            }
        }
        self.min = if self.count == 0 {
            other.min
        } else {
            self.min.min(other.min)
        };
        self.max = self.max.max(other.max);
        self.count += other.count;
        self.sum += other.sum;
    }

    /// How many durations were counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The exact mean, in milliseconds; `None` without values.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum as f64 / self.count as f64)
    }

    /// The longest duration counted.
    pub fn max(&self) -> Option<Millis> {
        (self.count > 0).then_some(Millis(self.max))
    }

    /// The nearest-rank `q`-quantile: the smallest recorded value with at
    /// least `q` of all values at or below it, rounded down to its bucket
    /// (exact below 1.024s, within 0.2% above). `None` without values.
    #[cfg(test)]
    pub fn quantile(&self, q: f64) -> Option<Millis> {
        self.quantiles([q])[0]
    }

    /// Several quantiles in one pass over the buckets (a report asks for
    /// four per timer, per replication); `qs` in increasing order.
    ///
    /// A histogram spans thousands of buckets, most of them empty, and a
    /// replication asks for its quantiles once per timer and group: the
    /// pass adds the counts of [`SKIP`] buckets at a time while the rank is
    /// beyond them, then bucket by bucket.
    pub fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [Option<Millis>; N] {
        /// Buckets summed at a time while looking for a rank.
        const SKIP: usize = 64;
        let mut found = [None; N];
        if self.count == 0 {
            return found;
        }
        let ranks = qs.map(|q| ((q * self.count as f64).ceil() as u64).clamp(1, self.count));
        if self.counts.is_empty() {
            // The rank's duration itself, then its bucket, as below.
            let mut sorted = self.few.clone();
            sorted.sort_unstable();
            for (slot, rank) in found.iter_mut().zip(ranks) {
                let value = sorted[(rank - 1) as usize];
                *slot = Some(Millis(
                    lower_bound_of(bucket_of(value)).clamp(self.min, self.max),
                ));
            }
            return found;
        }
        // `seen` counts the values in the buckets before `bucket`.
        let (mut bucket, mut seen) = (0, 0);
        for (slot, rank) in found.iter_mut().zip(ranks) {
            while let Some(chunk) = self.counts.get(bucket..bucket + SKIP) {
                let in_chunk: u64 = chunk.iter().sum();
                if seen + in_chunk >= rank {
                    break;
                }
                seen += in_chunk;
                bucket += SKIP;
            }
            while bucket < self.counts.len() && seen + self.counts[bucket] < rank {
                seen += self.counts[bucket];
                bucket += 1;
            }
            // The rank's value is in `bucket` (which the next rank may share).
            *slot = Some(Millis(match bucket < self.counts.len() {
                true => lower_bound_of(bucket).clamp(self.min, self.max),
                false => self.max,
            }));
        }
        found
    }

    /// The statistics of these durations as the report shows them, in
    /// seconds to the millisecond, in [`Stat::ALL`] order; `None` without
    /// durations.
    pub fn stats(&self) -> [Option<f64>; Stat::ALL.len()] {
        let seconds = |ms: f64| round_to(ms / 1000.0, 3);
        let [p50, p90, p95, p99] = self
            .quantiles([0.50, 0.90, 0.95, 0.99])
            .map(|ms| ms.map(|ms| seconds(ms.0 as f64)));
        Stat::ALL.map(|stat| match stat {
            Stat::Mean => self.mean().map(seconds),
            Stat::P50 => p50,
            Stat::P90 => p90,
            Stat::P95 => p95,
            Stat::P99 => p99,
            Stat::Max => self.max().map(|ms| seconds(ms.0 as f64)),
        })
    }

    /// The counts regrouped into coarse buckets for a chart: two per
    /// doubling (bounds 4, 6, 8, 12, 16, 24 … ms; 0 to 3 ms exact), from
    /// the first bucket with a value to the last, gaps included, each as
    /// `(from, to, count)` in milliseconds. The fine buckets nest in them
    /// exactly (a doubling's 512 fine buckets split into two halves of 256),
    /// so the counts are exact.
    pub fn coarse_buckets(&self) -> Vec<(u64, u64, u64)> {
        let mut out: Vec<(u64, u64, u64)> = Vec::new();
        for (bucket, count) in self.buckets() {
            let (from, to) = coarse_bounds(lower_bound_of(bucket));
            // Fill the gap since the last bucket with empty ones, so the
            // buckets tile the range.
            while let Some(&(_, last_to, _)) = out.last() {
                if last_to >= to {
                    break;
                }
                let (next_from, next_to) = coarse_bounds(last_to);
                if next_from == from {
                    break;
                }
                out.push((next_from, next_to, 0));
            }
            match out.last_mut() {
                Some(last) if last.0 == from => last.2 += count,
                _ => out.push((from, to, count)),
            }
        }
        out
    }
}

/// The coarse bucket `[from, to)` that holds `value` milliseconds: values
/// below 4 ms on their own, then two buckets per doubling, split at one and
/// a half times its start.
fn coarse_bounds(value: u64) -> (u64, u64) {
    if value < 4 {
        return (value, value + 1);
    }
    let start = 1u64 << (63 - value.leading_zeros());
    let middle = start + start / 2;
    if value < middle {
        (start, middle)
    } else {
        (middle, start * 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The quantiles are the nearest-rank values of the recorded
        /// durations, rounded down to their buckets, however the values
        /// spread over the buckets (the pass skips buckets in chunks), and
        /// whether the histogram keeps them one by one (up to [`FEW`]) or
        /// in buckets.
        #[test]
        fn quantiles_are_the_nearest_rank_values(
            values in proptest::collection::vec(
                prop_oneof![0u64..2_000, 0u64..200_000, 0u64..100_000_000],
                1..3 * FEW
            )
        ) {
            let mut histogram = Histogram::default();
            for &value in &values {
                histogram.record(Millis(value));
            }
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
            let qs = [0.0, 0.01, 0.5, 0.9, 0.95, 0.99, 1.0];
            let found = histogram.quantiles(qs);
            for (q, found) in qs.into_iter().zip(found) {
                let n = sorted.len() as u64;
                let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
                let value = sorted[(rank - 1) as usize];
                let expected = lower_bound_of(bucket_of(value)).clamp(min, max);
                prop_assert_eq!(found, Some(Millis(expected)), "q {}", q);
            }
        }
    }
}
