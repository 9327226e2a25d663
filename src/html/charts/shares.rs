//! Shares of a whole as one horizontal stacked bar, and one small bar per
//! group with a shared legend.

use super::{Estimate, LINE, PAD, Unit, WIDTH, ci_text};
use crate::html::format::{percent, thousands};
use crate::html::svg::{Anchor, Canvas, Svg, category_class, finite_or, fit, text_width};

/// One group of a [`small_multiples`] chart: a persona, a segment or a
/// variant, with its shares in the order of the chart's series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Group<'a> {
    /// The group's name, as in the user's files.
    pub label: &'a str,
    /// How many conversations the shares are of, if known.
    pub count: Option<u64>,
    /// One share per series; missing ones count as 0.
    pub shares: &'a [f64],
}

/// A share as drawn: a finite number, at least 0.
fn drawn(share: f64) -> f64 {
    finite_or(share, 0.0).max(0.0)
}

/// The length of a share of 1 along a bar `width` long: `width`, or less if
/// the shares add up to more than 1 (rounded report values may add up to
/// 1.0001), so the segments always fit.
fn unit_length(shares: impl Iterator<Item = f64>, width: f64) -> f64 {
    let total: f64 = shares.map(drawn).sum();
    if total > 1.0 { width / total } else { width }
}

/// One horizontal bar split into `shares` of a whole (e.g. the five
/// outcomes), each segment in its category's colour and texture, with the
/// rounded percentage above segments wide enough to hold it and a legend
/// below that gives every share with its 95% interval.
///
/// A share's interval is drawn as a whisker at the right end of its segment:
/// how far the end would move within the interval, holding the segments
/// before it fixed. The last segment's end is 100% by definition, so it gets
/// none.
pub fn stacked_bar(title: &str, shares: &[Estimate<'_>]) -> Svg {
    const BAR_Y: f64 = 24.0;
    const BAR_H: f64 = 28.0;
    const LEGEND_Y: f64 = 66.0;
    let plot = WIDTH - 2.0 * PAD;

    let desc = shares
        .iter()
        .map(|s| {
            format!(
                "{} {}{}",
                s.label,
                percent(s.value),
                ci_text(s.interval(), Unit::Fraction)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let height = LEGEND_Y + shares.len() as f64 * LINE + 4.0;
    let mut canvas = Canvas::new(WIDTH, height, title, &desc);

    canvas.rect(PAD, BAR_Y, plot, BAR_H, "track");
    let scale = unit_length(shares.iter().map(|s| s.value), plot);
    let mut x = PAD;
    for (i, share) in shares.iter().enumerate() {
        let w = drawn(share.value) * scale;
        let tip = format!(
            "{}: {}{}",
            share.label,
            percent(share.value),
            ci_text(share.interval(), Unit::Fraction)
        );
        canvas.rect_with_tip(
            x,
            BAR_Y,
            w,
            BAR_H,
            &format!("{} seg", category_class(i)),
            Some(&tip),
        );
        canvas.texture(x, BAR_Y, w, BAR_H, i);
        if w >= 34.0 {
            let rounded = format!("{:.0}%", finite_or(share.value, 0.0) * 100.0);
            canvas.text(x + w / 2.0, BAR_Y - 6.0, Anchor::Middle, "value", &rounded);
        }
        x += w;
        if let (Some((low, high)), false) = (share.interval(), i + 1 == shares.len()) {
            let value = share.finite_value();
            let from = (x - (value - low) * scale).max(PAD);
            let to = (x + (high - value) * scale).min(PAD + plot);
            canvas.whisker(from, to, BAR_Y + BAR_H / 2.0, 10.0);
        }
    }

    for (i, share) in shares.iter().enumerate() {
        let y = LEGEND_Y + i as f64 * LINE;
        canvas.swatch(PAD, y, 12.0, i);
        canvas.fitted_text(
            PAD + 20.0,
            y + 10.5,
            Anchor::Start,
            "label",
            share.label,
            200.0,
        );
        canvas.text(290.0, y + 10.5, Anchor::End, "value", &percent(share.value));
        if let Some((low, high)) = share.interval() {
            let interval = format!("95% CI {}–{}", percent(low), percent(high));
            canvas.text(302.0, y + 10.5, Anchor::Start, "note", &interval);
        }
    }
    canvas.finish()
}

/// One small stacked bar per group (persona, segment, variant), all on the
/// same 0–100% scale and sharing one legend of `series` names, with the
/// first series' share printed at the right so groups compare at a glance.
pub fn small_multiples(title: &str, series: &[&str], groups: &[Group<'_>]) -> Svg {
    const LABEL_END: f64 = 140.0;
    const BAR_X: f64 = 150.0;
    const BAR_W: f64 = 250.0;
    const BAR_H: f64 = 14.0;
    let with_counts = groups.iter().any(|g| g.count.is_some());
    let row = if with_counts { 32.0 } else { 24.0 };

    let share = |group: &Group<'_>, i: usize| group.shares.get(i).copied().unwrap_or(0.0);
    let desc = groups
        .iter()
        .map(|group| {
            let count = group
                .count
                .map(|n| format!(" ({} conversations)", thousands(n)))
                .unwrap_or_default();
            let shares = series
                .iter()
                .enumerate()
                .map(|(i, name)| format!("{name} {}", percent(share(group, i))))
                .collect::<Vec<_>>()
                .join(", ");
            format!("{}{count}: {shares}", group.label)
        })
        .collect::<Vec<_>>()
        .join("; ");

    // The legend flows left to right and wraps, so its height depends on
    // the names; lay it out before opening the canvas.
    let mut legend = Vec::with_capacity(series.len());
    let (mut x, mut y) = (PAD, 6.0);
    for name in series {
        let (text, cut) = fit(name, 150.0);
        let width = 20.0 + text_width(&text) + 16.0;
        if x + width > WIDTH - PAD && x > PAD {
            x = PAD;
            y += LINE;
        }
        legend.push((x, y, text, cut));
        x += width;
    }
    let header_y = y + LINE + 14.0;
    let rows_y = header_y + 8.0;
    let height = rows_y + groups.len() as f64 * row + 4.0;

    let mut canvas = Canvas::new(WIDTH, height, title, &desc);
    for (i, (x, y, text, cut)) in legend.iter().enumerate() {
        canvas.swatch(*x, *y, 12.0, i);
        canvas.text_with_tip(
            x + 18.0,
            y + 10.5,
            Anchor::Start,
            "label",
            text,
            cut.then_some(series[i]),
        );
    }
    if let Some(first) = series.first() {
        let (text, _) = fit(first, 100.0);
        canvas.text(WIDTH - PAD, header_y, Anchor::End, "note", &text);
    }

    for (g, group) in groups.iter().enumerate() {
        let y = rows_y + g as f64 * row;
        canvas.open_group("row");
        canvas.fitted_text(
            LABEL_END,
            y + 11.0,
            Anchor::End,
            "label",
            group.label,
            LABEL_END - PAD,
        );
        if let Some(count) = group.count {
            canvas.text(
                LABEL_END,
                y + 24.0,
                Anchor::End,
                "note",
                &format!("{} conv.", thousands(count)),
            );
        }
        canvas.rect(BAR_X, y, BAR_W, BAR_H, "track");
        let scale = unit_length((0..series.len()).map(|i| share(group, i)), BAR_W);
        let mut x = BAR_X;
        for (i, name) in series.iter().enumerate() {
            let w = drawn(share(group, i)) * scale;
            let tip = format!("{} — {name}: {}", group.label, percent(share(group, i)));
            canvas.rect_with_tip(
                x,
                y,
                w,
                BAR_H,
                &format!("{} seg", category_class(i)),
                Some(&tip),
            );
            canvas.texture(x, y, w, BAR_H, i);
            x += w;
        }
        if !series.is_empty() {
            canvas.text(
                WIDTH - PAD,
                y + 11.0,
                Anchor::End,
                "value",
                &percent(share(group, 0)),
            );
        }
        canvas.close_group();
    }
    canvas.finish()
}
