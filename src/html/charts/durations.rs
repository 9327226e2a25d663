//! A duration distribution from histogram buckets: bars per bucket on a log
//! time axis, the cumulative share as a line, and percentile markers.

use super::{PAD, WIDTH};
use crate::html::format::{duration, percent, thousands};
use crate::html::svg::{Anchor, Canvas, Svg};

/// A histogram bucket: how many durations fell between `lower` and the next
/// bucket's `lower` (for the last bucket, one more step of the same ratio).
/// A last bucket with a count of 0 only says where the one before it ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    /// The bucket's lower bound, in seconds.
    pub lower: f64,
    /// How many durations fell in it.
    pub count: u64,
}

/// A vertical marker at a duration, such as a percentile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marker<'a> {
    /// Its name (`p50`), printed with the duration.
    pub label: &'a str,
    /// Where it is, in seconds.
    pub seconds: f64,
}

const X0: f64 = 46.0;
const X1: f64 = WIDTH - 46.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = TOP + 140.0;
/// Ticks closer than this (in SVG units) would make their labels collide.
const TICK_SPACING: f64 = 46.0;

/// Tick candidates in seconds, in order of preference: decades and clock
/// units first, then the halves and fives between them.
const TICKS: [&[f64]; 3] = [
    &[0.001, 0.01, 0.1, 1.0, 10.0, 60.0, 600.0, 3600.0, 86_400.0],
    &[
        0.005, 0.05, 0.5, 5.0, 30.0, 300.0, 1800.0, 21_600.0, 604_800.0,
    ],
    &[
        0.002, 0.02, 0.2, 2.0, 20.0, 120.0, 1200.0, 7200.0, 43_200.0, 172_800.0,
    ],
];

/// A bucket ready to draw: its bounds (positive) and count, and the lower
/// bound to print (0 for a bucket that starts at 0, whose drawn `low` is
/// only where the log axis puts it).
struct Span {
    low: f64,
    high: f64,
    count: u64,
    shown_low: f64,
}

/// Sorts the buckets and gives each positive bounds, so that each can be
/// placed on a log axis: a first bucket starting at 0 is drawn one ratio
/// step below its upper bound.
fn spans(buckets: &[Bucket]) -> Vec<Span> {
    let mut sorted: Vec<Bucket> = buckets
        .iter()
        .copied()
        .filter(|b| b.lower.is_finite() && b.lower >= 0.0)
        .collect();
    sorted.sort_by(|a, b| a.lower.total_cmp(&b.lower));
    sorted.dedup_by(|later, earlier| {
        let same = later.lower == earlier.lower;
        if same {
            earlier.count += later.count;
        }
        same
    });
    // An empty last bucket closes the range: it is the end of the one
    // before, not a bucket of its own.
    let closing = match sorted.as_slice() {
        [.., _, last] if last.count == 0 => sorted.pop().map(|last| last.lower),
        _ => None,
    };
    let ratio_at = |i: usize| -> f64 {
        // The growth from bucket i-1 to bucket i, when both are positive.
        if i >= 1 && sorted[i - 1].lower > 0.0 {
            sorted[i].lower / sorted[i - 1].lower
        } else {
            2.0
        }
    };
    let last_ratio = if sorted.len() >= 2 {
        ratio_at(sorted.len() - 1)
    } else {
        2.0
    };
    let mut spans = Vec::with_capacity(sorted.len());
    for (i, bucket) in sorted.iter().enumerate() {
        let high = match (sorted.get(i + 1), closing) {
            (Some(next), _) => next.lower,
            (None, Some(end)) => end,
            (None, None) if bucket.lower > 0.0 => bucket.lower * last_ratio,
            (None, None) => 0.001,
        };
        let low = if bucket.lower > 0.0 {
            bucket.lower
        } else {
            let ratio = if sorted.len() >= 3 { ratio_at(2) } else { 10.0 };
            high / ratio.max(1.5)
        };
        spans.push(Span {
            low,
            high,
            count: bucket.count,
            shown_low: bucket.lower,
        });
    }
    spans
}

/// The distribution of a duration (bot reply, queue wait, resolution) from
/// histogram `buckets` that may be log-spaced: one bar per bucket whose
/// area is its count (so unequal buckets are not misread), the cumulative
/// share as a line on a 0–100% right axis, and `markers` (p50, p90, p99) as
/// dashed vertical lines, each with its own dash and its label. The time
/// axis is logarithmic with ticks like `100ms`, `1s`, `1m`, `1h`.
pub fn durations(title: &str, buckets: &[Bucket], markers: &[Marker<'_>]) -> Svg {
    let spans = spans(buckets);
    let total: u64 = spans.iter().map(|s| s.count).sum();

    let positive_markers = markers
        .iter()
        .filter(|m| m.seconds.is_finite() && m.seconds > 0.0);
    let mut low = spans.iter().map(|s| s.low).fold(f64::INFINITY, f64::min);
    let mut high = spans.iter().map(|s| s.high).fold(0.0, f64::max);
    for marker in positive_markers.clone() {
        low = low.min(marker.seconds);
        high = high.max(marker.seconds);
    }
    if !low.is_finite() || high <= low {
        (low, high) = if high > 0.0 {
            (high / 10.0, high * 10.0)
        } else {
            (0.1, 10.0)
        };
    }
    let (log_low, log_high) = (low.log10(), high.log10());
    let x_of = |seconds: f64| X0 + (seconds.log10() - log_low) / (log_high - log_low) * (X1 - X0);

    let mut desc = format!(
        "{} measured, from {} to {}",
        thousands(total),
        duration(spans.first().map_or(0.0, |s| s.shown_low)),
        duration(spans.last().map_or(0.0, |s| s.high))
    );
    for marker in markers {
        desc += &format!("; {} {}", marker.label, duration(marker.seconds));
    }
    desc += ". Per bucket:";
    for span in spans.iter().filter(|s| s.count > 0) {
        desc += &format!(
            " {}–{} {} ({}),",
            duration(span.shown_low),
            duration(span.high),
            thousands(span.count),
            percent(span.count as f64 / total as f64)
        );
    }
    desc.pop();
    let height = BOTTOM + 56.0;
    let mut canvas = Canvas::new(WIDTH, height, title, &desc);

    // Ticks: whole levels of candidates while they stay far enough apart.
    let mut ticks: Vec<f64> = Vec::new();
    for level in TICKS {
        let mut candidate = ticks.clone();
        candidate.extend(level.iter().copied().filter(|&t| t >= low && t <= high));
        candidate.sort_by(f64::total_cmp);
        let crowded = candidate
            .windows(2)
            .any(|w| x_of(w[1]) - x_of(w[0]) < TICK_SPACING);
        if crowded && !ticks.is_empty() {
            break;
        }
        ticks = candidate;
    }
    for &tick in &ticks {
        let x = x_of(tick);
        canvas.line(x, TOP, x, BOTTOM, "grid");
        canvas.text(x, BOTTOM + 14.0, Anchor::Middle, "tick", &duration(tick));
    }
    for (share, label) in [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")] {
        let y = BOTTOM - share * (BOTTOM - TOP);
        canvas.line(X0, y, X1, y, if share == 0.0 { "axis" } else { "grid" });
        canvas.text(X1 + 6.0, y + 4.0, Anchor::Start, "tick", label);
    }

    // Bars: height is count per decade, so area is proportional to count.
    let density = |s: &Span| s.count as f64 / (s.high / s.low).log10().max(1e-9);
    let max_density = spans.iter().map(density).fold(0.0, f64::max);
    canvas.open_group("bars");
    for span in spans.iter().filter(|s| s.count > 0) {
        let h = density(span) / max_density * (BOTTOM - TOP) * 0.95;
        let (x, w) = (x_of(span.low), x_of(span.high) - x_of(span.low));
        let tip = format!(
            "{}–{}: {} ({})",
            duration(span.shown_low),
            duration(span.high),
            thousands(span.count),
            percent(span.count as f64 / total as f64)
        );
        canvas.rect_with_tip(
            x + 0.5,
            BOTTOM - h,
            (w - 1.0).max(0.5),
            h,
            "k1 bar",
            Some(&tip),
        );
    }
    canvas.close_group();

    if total > 0 {
        let mut points = vec![(x_of(spans[0].low), BOTTOM)];
        let mut cumulative = 0;
        for span in &spans {
            cumulative += span.count;
            let share = cumulative as f64 / total as f64;
            points.push((x_of(span.high), BOTTOM - share * (BOTTOM - TOP)));
        }
        canvas.polyline(&points, "cdf");
    }

    // Markers, with labels on two staggered lines so close ones stay legible.
    let mut last_on_line = [f64::NEG_INFINITY; 2];
    for (i, marker) in positive_markers.enumerate() {
        let x = x_of(marker.seconds);
        let class = ["marker m0", "marker m1", "marker m2"][i % 3];
        canvas.line(x, TOP - 4.0, x, BOTTOM, class);
        let text = format!("{} {}", marker.label, duration(marker.seconds));
        let line = usize::from(x - last_on_line[0] < 90.0);
        last_on_line[line] = x;
        let anchor = if x < X0 + 40.0 {
            Anchor::Start
        } else if x > X1 - 40.0 {
            Anchor::End
        } else {
            Anchor::Middle
        };
        canvas.text(x, 14.0 + line as f64 * 14.0, anchor, "label", &text);
    }

    let legend_y = BOTTOM + 30.0;
    canvas.rect(PAD, legend_y, 12.0, 12.0, "k1 bar");
    canvas.text(
        PAD + 18.0,
        legend_y + 10.5,
        Anchor::Start,
        "note",
        "count (bar area)",
    );
    canvas.line(140.0, legend_y + 6.0, 162.0, legend_y + 6.0, "cdf");
    canvas.text(
        168.0,
        legend_y + 10.5,
        Anchor::Start,
        "note",
        "cumulative share (right axis)",
    );
    canvas.line(350.0, legend_y, 350.0, legend_y + 12.0, "marker m0");
    canvas.text(356.0, legend_y + 10.5, Anchor::Start, "note", "percentiles");
    canvas.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_get_positive_bounds_in_order() {
        let buckets = [
            Bucket {
                lower: 1.0,
                count: 3,
            },
            Bucket {
                lower: 0.0,
                count: 1,
            },
            Bucket {
                lower: 0.1,
                count: 2,
            },
            Bucket {
                lower: 1.0,
                count: 1,
            },
            Bucket {
                lower: f64::NAN,
                count: 9,
            },
        ];
        let spans = spans(&buckets);
        let bounds: Vec<(f64, f64, u64)> = spans.iter().map(|s| (s.low, s.high, s.count)).collect();
        assert_eq!(bounds, [(0.01, 0.1, 1), (0.1, 1.0, 2), (1.0, 10.0, 4)]);
    }

    #[test]
    fn an_empty_last_bucket_closes_the_range() {
        let buckets = [
            Bucket {
                lower: 1.0,
                count: 3,
            },
            Bucket {
                lower: 1.5,
                count: 2,
            },
            Bucket {
                lower: 2.0,
                count: 0,
            },
        ];
        let bounds: Vec<(f64, f64, u64)> = spans(&buckets)
            .iter()
            .map(|s| (s.low, s.high, s.count))
            .collect();
        assert_eq!(bounds, [(1.0, 1.5, 3), (1.5, 2.0, 2)]);
    }

    #[test]
    fn no_buckets_still_draw_a_chart() {
        let svg = durations("Empty", &[], &[]);
        assert!(svg.as_str().contains("<desc>0 measured"));
    }
}
