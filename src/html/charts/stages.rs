//! Counts that narrow step by step: a campaign's messages from sent to
//! converted, each step with its share of an earlier one.

use super::{PAD, WIDTH};
use crate::html::format::{percent, thousands};
use crate::html::svg::{Anchor, Canvas, Svg, fit_note};

/// One step of a [`stages`] chart, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage<'a> {
    /// What is counted (`Delivered`).
    pub label: &'a str,
    /// How many.
    pub count: u64,
    /// The index of the earlier step this one is read as a share of: `Read`
    /// of `Delivered` (WhatsApp's open rate), not of the step just before
    /// it when that is not the right base. `None` for the first step, or
    /// one that is no share of another.
    pub of: Option<usize>,
}

/// The steps as bars from a common start, as long as their counts (the
/// largest fills the plot), each with its count at the right and, under
/// it, its share of the step it names (`60.3% of delivered`). Bars are all
/// in one colour: the count and the share say everything; the length only
/// helps the eye.
pub fn stages(title: &str, stages: &[Stage<'_>]) -> Svg {
    const ROW: f64 = 40.0;
    const LABEL_END: f64 = 110.0;
    const BAR_X: f64 = 120.0;
    const BAR_W: f64 = 250.0;
    const BAR_H: f64 = 14.0;
    let top = 8.0;
    let height = top + stages.len() as f64 * ROW + 2.0;

    // "60.3% of delivered", for the step at `i`.
    let share = |i: usize| -> Option<String> {
        let base = stages.get(stages[i].of?)?;
        let fraction = if base.count == 0 {
            0.0
        } else {
            stages[i].count as f64 / base.count as f64
        };
        Some(format!(
            "{} of {}",
            percent(fraction),
            base.label.to_lowercase()
        ))
    };
    let desc = (0..stages.len())
        .map(|i| {
            let stage = &stages[i];
            match share(i) {
                Some(share) => format!("{} {} ({share})", stage.label, thousands(stage.count)),
                None => format!("{} {}", stage.label, thousands(stage.count)),
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut canvas = Canvas::new(WIDTH, height, title, &desc);

    let widest = stages.iter().map(|s| s.count).max().unwrap_or(0).max(1) as f64;
    for (i, stage) in stages.iter().enumerate() {
        let y = top + i as f64 * ROW;
        canvas.open_group("row");
        canvas.fitted_text(
            LABEL_END,
            y + 11.0,
            Anchor::End,
            "label",
            stage.label,
            LABEL_END - PAD,
        );
        canvas.rect(BAR_X, y, BAR_W, BAR_H, "track");
        let width = stage.count as f64 / widest * BAR_W;
        // A step with a few messages among hundreds of thousands still shows.
        let width = if stage.count > 0 { width.max(1.5) } else { 0.0 };
        let tip = match share(i) {
            Some(share) => format!("{}: {} ({share})", stage.label, thousands(stage.count)),
            None => format!("{}: {}", stage.label, thousands(stage.count)),
        };
        canvas.rect_with_tip(BAR_X, y, width, BAR_H, "flow", Some(&tip));
        canvas.text(
            WIDTH - PAD,
            y + 11.0,
            Anchor::End,
            "value",
            &thousands(stage.count),
        );
        if let Some(share) = share(i) {
            let (share, _) = fit_note(&share, BAR_W);
            canvas.text(BAR_X, y + 27.0, Anchor::Start, "note", &share);
        }
        canvas.close_group();
    }
    canvas.finish()
}
