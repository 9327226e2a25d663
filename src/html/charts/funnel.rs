//! The flow as a funnel: how many customers reach each node and how many
//! are lost there, and why.

use super::{PAD, WIDTH};
use crate::html::format::{percent, thousands};
use crate::html::svg::{Anchor, Canvas, Svg, fit, fit_note};

/// One node of a [`funnel`], in flow order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelStep<'a> {
    /// The node's name (`ask_order`).
    pub label: &'a str,
    /// Conversations that reached the node.
    pub entered: u64,
    /// Conversations abandoned at the node.
    pub abandoned: u64,
    /// Why they left, with counts (`bot silence`, 120); the largest is
    /// printed under the bar.
    pub reasons: &'a [(&'a str, u64)],
}

impl FunnelStep<'_> {
    /// The main reason for leaving: the largest count, the first on ties.
    fn main_reason(&self) -> Option<(&str, u64)> {
        let mut best: Option<(&str, u64)> = None;
        for &(reason, count) in self.reasons {
            if count > 0 && best.is_none_or(|(_, most)| count > most) {
                best = Some((reason, count));
            }
        }
        best
    }
}

/// How many of the nodes losing the most customers are highlighted.
const HIGHLIGHTED: usize = 3;

/// The nodes in flow order, each as a bar as wide as the customers who
/// entered it, its abandoned part at the right end in the "lost" colour and
/// texture, with the counts and the main reason for leaving. The (up to)
/// three nodes that lose the most customers are highlighted with a band, a
/// bold name and a `#1 loss` rank, so the eye goes where the flow leaks.
pub fn funnel(title: &str, steps: &[FunnelStep<'_>]) -> Svg {
    const ROW: f64 = 36.0;
    const LABEL_END: f64 = 120.0;
    const BAR_X: f64 = 130.0;
    const BAR_W: f64 = 240.0;
    const BAR_H: f64 = 14.0;
    let top = 28.0;
    let height = top + steps.len() as f64 * ROW + 4.0;

    // Ranks by abandoned count; flow order breaks ties.
    let mut order: Vec<usize> = (0..steps.len())
        .filter(|&i| steps[i].abandoned > 0)
        .collect();
    order.sort_by_key(|&i| std::cmp::Reverse(steps[i].abandoned));
    let rank = |i: usize| order.iter().take(HIGHLIGHTED).position(|&j| j == i);

    let lost_share = |step: &FunnelStep<'_>| {
        if step.entered == 0 {
            0.0
        } else {
            step.abandoned as f64 / step.entered as f64
        }
    };
    let desc = steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let mut text = format!(
                "{}: {} entered, {} abandoned ({})",
                step.label,
                thousands(step.entered),
                thousands(step.abandoned),
                percent(lost_share(step))
            );
            if let Some((reason, count)) = step.main_reason() {
                text += &format!(", main reason {reason} ({})", thousands(count));
            }
            if let Some(r) = rank(i) {
                text += &format!(", rank {} by customers lost", r + 1);
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut canvas = Canvas::new(WIDTH, height, title, &desc);

    canvas.rect(BAR_X, 6.0, 12.0, 12.0, "flow");
    canvas.text(BAR_X + 18.0, 16.5, Anchor::Start, "note", "entered");
    canvas.rect(BAR_X + 80.0, 6.0, 12.0, 12.0, "lost");
    canvas.texture(BAR_X + 80.0, 6.0, 12.0, 12.0, 1);
    canvas.text(
        BAR_X + 98.0,
        16.5,
        Anchor::Start,
        "note",
        "abandoned at the node",
    );

    let widest = steps
        .iter()
        .map(|s| s.entered.max(s.abandoned))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    for (i, step) in steps.iter().enumerate() {
        let y = top + i as f64 * ROW;
        let rank = rank(i);
        canvas.open_group(if rank.is_some() { "row hot" } else { "row" });
        if rank.is_some() {
            canvas.rect(2.0, y - 3.0, WIDTH - 4.0, ROW - 2.0, "highlight");
        }
        let (label, cut) = fit(step.label, LABEL_END - 8.0);
        let label_class = if rank.is_some() {
            "label strong"
        } else {
            "label"
        };
        canvas.text_with_tip(
            LABEL_END,
            y + 11.0,
            Anchor::End,
            label_class,
            &label,
            cut.then_some(step.label),
        );
        if let Some(r) = rank {
            canvas.text(
                LABEL_END,
                y + 25.0,
                Anchor::End,
                "rank",
                &format!("#{} loss", r + 1),
            );
        }

        let entered_w = step.entered as f64 / widest * BAR_W;
        let lost_w = (step.abandoned as f64 / widest * BAR_W).min(entered_w.max(1.0));
        let lost_w = if step.abandoned > 0 {
            lost_w.max(1.5)
        } else {
            0.0
        };
        let tip = format!("{}: {} entered", step.label, thousands(step.entered));
        canvas.rect_with_tip(BAR_X, y, entered_w, BAR_H, "flow", Some(&tip));
        if step.abandoned > 0 {
            let x = BAR_X + entered_w - lost_w;
            let tip = format!(
                "{}: {} abandoned ({})",
                step.label,
                thousands(step.abandoned),
                percent(lost_share(step))
            );
            canvas.rect_with_tip(x, y, lost_w, BAR_H, "lost", Some(&tip));
            canvas.texture(x, y, lost_w, BAR_H, 1);
        }

        let mut detail = if step.abandoned > 0 {
            format!(
                "−{} ({})",
                thousands(step.abandoned),
                percent(lost_share(step))
            )
        } else {
            "none lost".to_string()
        };
        if let Some((reason, count)) = step.main_reason() {
            let (reason, _) = fit_note(reason, 150.0);
            let share = count as f64 / step.abandoned.max(count) as f64;
            detail += &format!(" · {:.0}% {reason}", share * 100.0);
        }
        canvas.text(BAR_X, y + 27.0, Anchor::Start, "note", &detail);
        canvas.text(
            WIDTH - PAD,
            y + 11.0,
            Anchor::End,
            "value",
            &thousands(step.entered),
        );
        canvas.close_group();
    }
    canvas.finish()
}
