//! The funnel of two versions, node by node: how many customers reached
//! each node under A and under B, and how many left there.

use super::{PAD, WIDTH};
use std::cmp::Ordering;

use crate::html::format::thousands;
use crate::html::svg::{Anchor, Canvas, Svg, fit, fit_note};

/// One node of a [`paired_funnel`]: its counts under each version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeMove<'a> {
    /// The node's name.
    pub label: &'a str,
    /// `(entered, abandoned)` under A; `None` when A's flow has no such
    /// node.
    pub a: Option<(u64, u64)>,
    /// `(entered, abandoned)` under B; `None` when B's flow has no such
    /// node.
    pub b: Option<(u64, u64)>,
}

/// The class and the texture of each version's bars: A in grey and plain,
/// B in blue and striped, and each bar also starts with its letter, so the
/// two never depend on colour alone.
const SIDES: [(&str, &str, usize); 2] = [("A", "k4", 0), ("B", "k1", 1)];

/// `+3,062`, `−57`, `±0`: a change of a count.
fn change(a: u64, b: u64) -> String {
    match b.cmp(&a) {
        Ordering::Greater => format!("+{}", thousands(b - a)),
        Ordering::Less => format!("−{}", thousands(a - b)),
        Ordering::Equal => "±0".to_string(),
    }
}

/// Per node, two bars one above the other — A's, then B's — as wide as the
/// customers who reached the node, their hatched ends those who left there
/// (all on one scale); at the right, `A → B` and the change. A node only
/// one flow has gets one bar and says which flow lacks it. The caller
/// chooses the nodes and their order (the ones that moved most first).
pub fn paired_funnel(title: &str, nodes: &[NodeMove<'_>]) -> Svg {
    const ROW: f64 = 40.0;
    const LABEL_END: f64 = 116.0;
    const LETTER_X: f64 = 128.0;
    const BAR_X: f64 = 138.0;
    const BAR_W: f64 = 200.0;
    const BAR_H: f64 = 11.0;
    const TEXT_X: f64 = BAR_X + BAR_W + 10.0;
    let top = 30.0;
    let height = top + nodes.len() as f64 * ROW + 2.0;

    let side = |counts: Option<(u64, u64)>, version: &str| match counts {
        Some((entered, abandoned)) => format!(
            "{version} {} entered, {} left",
            thousands(entered),
            thousands(abandoned)
        ),
        None => format!("not in {version}'s flow"),
    };
    let desc = nodes
        .iter()
        .map(|node| {
            format!(
                "{}: {}; {}",
                node.label,
                side(node.a, "A"),
                side(node.b, "B")
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut canvas = Canvas::new(WIDTH, height, title, &desc);

    // The legend: each version's bar, and the hatched end.
    let mut x = BAR_X;
    for (name, class, texture) in SIDES {
        canvas.rect(x, 6.0, 12.0, 12.0, class);
        canvas.texture(x, 6.0, 12.0, 12.0, texture);
        canvas.text(x + 18.0, 16.5, Anchor::Start, "note", name);
        x += 40.0;
    }
    canvas.rect(x, 6.0, 12.0, 12.0, "lost");
    canvas.texture(x, 6.0, 12.0, 12.0, 1);
    canvas.text(x + 18.0, 16.5, Anchor::Start, "note", "left at the node");

    let widest = nodes
        .iter()
        .flat_map(|node| [node.a, node.b])
        .flatten()
        .map(|(entered, abandoned)| entered.max(abandoned))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    for (i, node) in nodes.iter().enumerate() {
        let y = top + i as f64 * ROW;
        canvas.open_group("row");
        canvas.fitted_text(
            LABEL_END,
            y + 15.0,
            Anchor::End,
            "label",
            node.label,
            LABEL_END - PAD,
        );
        let presence = match (node.a, node.b) {
            (None, Some(_)) => Some("new in B"),
            (Some(_), None) => Some("removed in B"),
            _ => None,
        };
        if let Some(presence) = presence {
            canvas.text(LABEL_END, y + 29.0, Anchor::End, "note", presence);
        }
        for ((name, class, texture), (counts, bar_y)) in SIDES
            .into_iter()
            .zip([(node.a, y + 2.0), (node.b, y + 2.0 + BAR_H + 3.0)])
        {
            canvas.text(LETTER_X, bar_y + 9.5, Anchor::Middle, "small", name);
            let Some((entered, abandoned)) = counts else {
                canvas.text(
                    BAR_X,
                    bar_y + 9.5,
                    Anchor::Start,
                    "note",
                    &format!("not in {name}'s flow"),
                );
                continue;
            };
            let width = entered as f64 / widest * BAR_W;
            let tip = format!(
                "{}, {name}: {} entered, {} left",
                node.label,
                thousands(entered),
                thousands(abandoned)
            );
            canvas.rect_with_tip(BAR_X, bar_y, width, BAR_H, class, Some(&tip));
            canvas.texture(BAR_X, bar_y, width, BAR_H, texture);
            if abandoned > 0 {
                let lost = (abandoned as f64 / widest * BAR_W)
                    .min(width.max(1.5))
                    .max(1.5);
                let x = BAR_X + width.max(lost) - lost;
                canvas.rect(x, bar_y, lost, BAR_H, "lost");
                canvas.texture(x, bar_y, lost, BAR_H, 1);
            }
        }
        let entered = |counts: Option<(u64, u64)>| counts.map_or(0, |(entered, _)| entered);
        let left = |counts: Option<(u64, u64)>| counts.map_or(0, |(_, abandoned)| abandoned);
        let shown = |counts: Option<(u64, u64)>, pick: fn((u64, u64)) -> u64| {
            counts.map_or("–".to_string(), |c| thousands(pick(c)))
        };
        let (values, _) = fit(
            &format!("{} → {}", shown(node.a, |c| c.0), shown(node.b, |c| c.0)),
            WIDTH - PAD - TEXT_X,
        );
        canvas.text(TEXT_X, y + 12.0, Anchor::Start, "value", &values);
        let (note, _) = fit_note(
            &format!(
                "{} · left {}",
                change(entered(node.a), entered(node.b)),
                change(left(node.a), left(node.b))
            ),
            WIDTH - PAD - TEXT_X,
        );
        canvas.text(TEXT_X, y + 27.0, Anchor::Start, "note", &note);
        canvas.close_group();
    }
    canvas.finish()
}

#[cfg(test)]
mod tests {
    use super::change;

    #[test]
    fn changes_are_signed_counts() {
        assert_eq!(change(2991, 6053), "+3,062");
        assert_eq!(change(57, 0), "−57");
        assert_eq!(change(4, 4), "±0");
    }
}
