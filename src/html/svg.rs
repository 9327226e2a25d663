//! The drawing surface every chart shares: an SVG document written as text.
//!
//! Charts never choose colours: they give shapes classes (`k0`…`k5` for the
//! categorical palette, `good`, `bad`, `flow`, …) and the page's stylesheet
//! ([`super::style`]) maps them to CSS variables that change with
//! `prefers-color-scheme`. Textures come from patterns the page defines once
//! ([`pattern_defs`]), so a category is told apart by its texture and its
//! label as well as by its colour.
//!
//! Coordinates are written with one decimal and text is escaped, so the same
//! data gives the same bytes.

use std::fmt::{self, Write};

use super::escape::{Escaped, shown_width};
use super::format::fixed;

/// A finished chart: a standalone `<svg>` element whose text is escaped and
/// whose numbers are rounded. Only this module's charts make one, so a page
/// can embed it as markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    /// The markup, starting with `<svg` and ending with `</svg>`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The markup as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How many categorical colours (and matching textures) there are; the
/// `i`-th series of a chart uses `k{i % CATEGORIES}`.
pub const CATEGORIES: usize = 6;

/// The ids of the textures laid over category colours, by category; the
/// first category is plain.
const PATTERN_IDS: [Option<&str>; CATEGORIES] = [
    None,
    Some("rh-p1"),
    Some("rh-p2"),
    Some("rh-p3"),
    Some("rh-p4"),
    Some("rh-p5"),
];

/// The class of the `index`-th category's colour.
pub(crate) fn category_class(index: usize) -> &'static str {
    ["k0", "k1", "k2", "k3", "k4", "k5"][index % CATEGORIES]
}

/// The pattern definitions charts refer to, as one hidden `<svg>` for the
/// top of a page. Without it the charts still draw, in plain colours.
pub fn pattern_defs() -> &'static str {
    concat!(
        r#"<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>"#,
        // Diagonal stripes.
        r#"<pattern id="rh-p1" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="tx" width="2.5" height="6"/></pattern>"#,
        // Dots.
        r#"<pattern id="rh-p2" width="5" height="5" patternUnits="userSpaceOnUse"><circle class="tx" cx="2.5" cy="2.5" r="1.2"/></pattern>"#,
        // Cross-hatch.
        r#"<pattern id="rh-p3" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="tx" width="1.5" height="6"/><rect class="tx" width="6" height="1.5"/></pattern>"#,
        // Horizontal stripes.
        r#"<pattern id="rh-p4" width="5" height="5" patternUnits="userSpaceOnUse"><rect class="tx" width="5" height="1.8"/></pattern>"#,
        // Backward diagonal stripes.
        r#"<pattern id="rh-p5" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect class="tx" width="1.5" height="6"/></pattern>"#,
        "</defs></svg>"
    )
}

/// A coordinate or length, written with at most one decimal (`12`, `12.5`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct N(pub f64);

impl fmt::Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = fixed(self.0, 1);
        f.write_str(text.strip_suffix(".0").unwrap_or(&text))
    }
}

/// Where a text's `x` is: its start, middle or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

/// An SVG document being written. Writing to a `String` cannot fail, so the
/// methods return nothing.
pub(crate) struct Canvas {
    out: String,
}

impl Canvas {
    /// Opens a chart `width` × `height` units large, with its accessible
    /// name (`title`) and text alternative (`desc`).
    pub(crate) fn new(width: f64, height: f64, title: &str, desc: &str) -> Canvas {
        let mut out = String::with_capacity(4096);
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{title}"><title>{title}</title><desc>{desc}</desc>"#,
            w = N(width),
            h = N(height),
            title = Escaped(title),
            desc = Escaped(desc),
        );
        Canvas { out }
    }

    /// A rectangle; negative sizes are drawn as empty.
    pub(crate) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, class: &str) {
        self.rect_with_tip(x, y, w, h, class, None);
    }

    /// A rectangle with a tooltip (a `<title>` child).
    pub(crate) fn rect_with_tip(
        &mut self,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        class: &str,
        tip: Option<&str>,
    ) {
        let _ = write!(
            self.out,
            r#"<rect class="{class}" x="{}" y="{}" width="{}" height="{}""#,
            N(x),
            N(y),
            N(w.max(0.0)),
            N(h.max(0.0))
        );
        self.close_with_tip(tip, "rect");
    }

    /// The `category`-th texture over a rectangle already drawn; nothing for
    /// the plain first category.
    pub(crate) fn texture(&mut self, x: f64, y: f64, w: f64, h: f64, category: usize) {
        if let Some(id) = PATTERN_IDS[category % CATEGORIES] {
            let _ = write!(
                self.out,
                r#"<rect class="texture" x="{}" y="{}" width="{}" height="{}" fill="url(#{id}) none"/>"#,
                N(x),
                N(y),
                N(w.max(0.0)),
                N(h.max(0.0))
            );
        }
    }

    /// A category's swatch for a legend: its colour and its texture.
    pub(crate) fn swatch(&mut self, x: f64, y: f64, size: f64, category: usize) {
        self.rect(x, y, size, size, category_class(category));
        self.texture(x, y, size, size, category);
    }

    /// A straight line.
    pub(crate) fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
        let _ = write!(
            self.out,
            r#"<line class="{class}" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            N(x1),
            N(y1),
            N(x2),
            N(y2)
        );
    }

    /// A horizontal interval whisker from `low` to `high` at height `y`,
    /// with end caps `cap` units tall.
    pub(crate) fn whisker(&mut self, low: f64, high: f64, y: f64, cap: f64) {
        self.line(low, y, high, y, "whisker");
        self.line(low, y - cap / 2.0, low, y + cap / 2.0, "whisker");
        self.line(high, y - cap / 2.0, high, y + cap / 2.0, "whisker");
    }

    /// An open polyline through `points`.
    pub(crate) fn polyline(&mut self, points: &[(f64, f64)], class: &str) {
        let _ = write!(self.out, r#"<polyline class="{class}" points=""#);
        for (i, (x, y)) in points.iter().enumerate() {
            let separator = if i == 0 { "" } else { " " };
            let _ = write!(self.out, "{separator}{},{}", N(*x), N(*y));
        }
        self.out.push_str(r#""/>"#);
    }

    /// A line of text (escaped).
    pub(crate) fn text(&mut self, x: f64, y: f64, anchor: Anchor, class: &str, text: &str) {
        self.text_with_tip(x, y, anchor, class, text, None);
    }

    /// A line of text with a tooltip, used where the text was shortened.
    pub(crate) fn text_with_tip(
        &mut self,
        x: f64,
        y: f64,
        anchor: Anchor,
        class: &str,
        text: &str,
        tip: Option<&str>,
    ) {
        let anchor = match anchor {
            Anchor::Start => "",
            Anchor::Middle => r#" text-anchor="middle""#,
            Anchor::End => r#" text-anchor="end""#,
        };
        let _ = write!(
            self.out,
            r#"<text class="{class}" x="{}" y="{}"{anchor}>{}"#,
            N(x),
            N(y),
            Escaped(text)
        );
        if let Some(tip) = tip {
            let _ = write!(self.out, "<title>{}</title>", Escaped(tip));
        }
        self.out.push_str("</text>");
    }

    /// `text` cut to fit `max_width` units (see [`fit`]), with the whole
    /// text as its tooltip when it was cut: a row's label, a legend entry.
    pub(crate) fn fitted_text(
        &mut self,
        x: f64,
        y: f64,
        anchor: Anchor,
        class: &str,
        text: &str,
        max_width: f64,
    ) {
        let (shown, cut) = fit(text, max_width);
        self.text_with_tip(x, y, anchor, class, &shown, cut.then_some(text));
    }

    /// Starts a group of shapes that belong together (a row, a series).
    pub(crate) fn open_group(&mut self, class: &str) {
        let _ = write!(self.out, r#"<g class="{class}">"#);
    }

    /// Ends the group [`Canvas::open_group`] started.
    pub(crate) fn close_group(&mut self) {
        self.out.push_str("</g>");
    }

    fn close_with_tip(&mut self, tip: Option<&str>, element: &str) {
        match tip {
            Some(tip) => {
                let _ = write!(self.out, "><title>{}</title></{element}>", Escaped(tip));
            }
            None => self.out.push_str("/>"),
        }
    }

    /// Closes the document.
    pub(crate) fn finish(mut self) -> Svg {
        self.out.push_str("</svg>");
        Svg(self.out)
    }
}

/// The estimated width of a character in chart text (12px), in SVG units.
/// SVG cannot wrap or measure text, so labels are cut by an estimate that
/// errs wide: a Latin character takes about 7 units in the fonts Linux
/// ships (DejaVu Sans is among the widest), an East Asian or emoji
/// character a full 12, and a control character the width of its `\u{…}`
/// escape.
pub(crate) fn char_width(c: char) -> f64 {
    const NARROW: f64 = 7.2;
    const WIDE: f64 = 12.0;
    let code = c as u32;
    let wide = matches!(
        code,
        0x1100..=0x115f
            | 0x2e80..=0xa4cf
            | 0xac00..=0xd7a3
            | 0xf900..=0xfaff
            | 0xfe30..=0xfe4f
            | 0xff00..=0xff60
            | 0xffe0..=0xffe6
            | 0x1f300..=0x1faff
            | 0x20000..=0x3fffd
    );
    if wide {
        WIDE
    } else {
        shown_width(c) as f64 * NARROW
    }
}

/// The estimated width of `text` (see [`char_width`]).
pub(crate) fn text_width(text: &str) -> f64 {
    text.chars().map(char_width).sum()
}

/// `text` cut to fit `max_width` units, ending in `…` when cut, so a long
/// name cannot run into the next column or off the chart. The full text
/// goes into the tooltip and the chart's description.
pub(crate) fn fit(text: &str, max_width: f64) -> (String, bool) {
    if text_width(text) <= max_width + 1e-6 {
        return (text.to_string(), false);
    }
    let room = max_width - char_width('…');
    let mut short = String::new();
    let mut width = 0.0;
    for c in text.chars() {
        width += char_width(c);
        // A little slack, so that sums of 7.2 land on round widths.
        if width > room + 1e-6 {
            break;
        }
        short.push(c);
    }
    short.push('…');
    (short, true)
}

/// [`fit`] for the 11px text of notes and ticks, which is 11/12 as wide.
pub(crate) fn fit_note(text: &str, max_width: f64) -> (String, bool) {
    fit(text, max_width * 12.0 / 11.0)
}

/// `value` if it is a finite number, else `fallback`: charts take numbers
/// from reports and must draw something sensible for NaN.
pub(crate) fn finite_or(value: f64, fallback: f64) -> f64 {
    if value.is_finite() { value } else { fallback }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_one_decimal() {
        assert_eq!(N(12.0).to_string(), "12");
        assert_eq!(N(12.25).to_string(), "12.2");
        assert_eq!(N(-0.01).to_string(), "0");
        assert_eq!(N(f64::NAN).to_string(), "0");
        assert_eq!(N(-3.46).to_string(), "-3.5");
    }

    #[test]
    fn fitting_counts_characters_as_shown() {
        assert_eq!(
            fit("héllo wörld", 100.0),
            ("héllo wörld".to_string(), false)
        );
        // Five characters and the ellipsis fit 6 × 7.2 units.
        assert_eq!(fit("héllo wörld", 43.2), ("héllo…".to_string(), true));
        // `\u{1b}` is six characters wide.
        assert_eq!(fit("a\u{1b}[31mb", 72.0), ("a\u{1b}[3…".to_string(), true));
        assert_eq!(fit("a\u{1b}[31mb", 43.2), ("a…".to_string(), true));
        // East Asian characters are wider.
        assert_eq!(fit("你好世界", 40.0), ("你好…".to_string(), true));
    }

    #[test]
    fn text_and_titles_are_escaped() {
        let mut canvas = Canvas::new(10.0, 10.0, "a<b", "\"c\"");
        canvas.text(0.0, 0.0, Anchor::Start, "label", "<script>");
        let svg = canvas.finish();
        assert!(svg.as_str().contains(r#"aria-label="a&lt;b""#));
        assert!(svg.as_str().contains("<desc>&quot;c&quot;</desc>"));
        assert!(svg.as_str().contains("&lt;script&gt;</text>"));
        assert!(!svg.as_str().contains("<script>"));
    }
}
