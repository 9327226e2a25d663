//! The HTML report's building blocks: dependency-free SVG charts and a
//! builder for one self-contained page.
//!
//! Why our own SVG instead of a charting crate: a report must be
//! byte-identical for the same data (it is snapshot-tested and diffed in
//! CI), must open from a CI artefact with no network and no script, and the
//! charts a bot designer needs are few and simple. Writing SVG as text gives
//! all three in a few hundred lines: numbers are printed with fixed
//! precision, everything is iterated in the order given, and the output is
//! plain markup a browser draws without JavaScript.
//!
//! The pieces, from the bottom up:
//! - [`escape`]: every text from a user's file goes through it;
//! - [`format`](mod@format): percentages, durations and counts as people read them;
//! - [`svg`]: the drawing surface, the [`Svg`] type, the shared textures;
//! - [`charts`]: one function per chart, from plain numbers and labels to
//!   [`Svg`], each with `role="img"`, `aria-label`, `<title>` and a `<desc>`
//!   stating its numbers;
//! - [`style`]: the stylesheet, light and dark;
//! - [`page`]: sections, key figures, tables, chat transcripts, parts and
//!   the failures-first summary, rendered to one HTML file.
//!
//! The module takes plain data, not a report, so it can be tested on its
//! own. The pages people get are drawn elsewhere, from real data: the run
//! page by the report's HTML renderer (`rehearse run --format html`), the
//! CI page by [`crate::check::render_html`] (`rehearse check --html`).

pub mod charts;
pub mod escape;
pub mod format;
pub mod page;
pub mod style;
pub mod svg;

pub use svg::Svg;
