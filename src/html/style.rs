//! The page's one stylesheet, inlined into every report.
//!
//! Colours are CSS variables with a light and a dark set, switched by
//! `prefers-color-scheme`. The categorical colours follow the Okabe–Ito
//! palette (distinguishable with the common colour-vision deficiencies),
//! darkened for light backgrounds and lightened for dark ones. Fonts are the
//! system's: a report never loads anything.

/// The CSS of a report page: palette, layout, tables, chat transcripts, the
/// summary box, and the chart classes [`super::svg`] uses. It contains no
/// `<` or `&`, so it can sit in a `<style>` element as is.
pub const STYLESHEET: &str = r#"
:root {
  color-scheme: light dark;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", sans-serif;
  --bg: #ffffff; --fg: #1c2228; --muted: #58636e; --line: #d3d9e0; --panel: #eef1f4;
  --link: #1f62a3;
  --k0: #15876a; --k1: #2a73b8; --k2: #e09a00; --k3: #c8531a; --k4: #7d8794; --k5: #b45c96;
  --tx: rgba(255, 255, 255, 0.6);
  --good: #15876a; --bad: #c8531a; --neutral: #8a939d; --warn: #b07800;
  --good-ink: #0f6b52; --bad-ink: #a8400d; --warn-ink: #8a5e00;
  --bad-bg: #fdf1ec; --warn-bg: #fdf6e6; --good-bg: #edf7f3;
  --flow: #9cbfe0; --lost: #c8531a; --heat: #2a73b8; --highlight: #fff1cc;
  --chat: #efeae2; --bubble-bot: #ffffff; --bubble-me: #d9fdd3; --bubble-agent: #e8f0fb;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14181c; --fg: #e4e9ee; --muted: #9ba7b3; --line: #38424c; --panel: #222a31;
    --link: #7ab8f5;
    --k0: #3fc79c; --k1: #5ea8ea; --k2: #f2b63d; --k3: #ff8c52; --k4: #a1aab4; --k5: #dc90c4;
    --tx: rgba(0, 0, 0, 0.45);
    --good: #3fc79c; --bad: #ff8c52; --neutral: #8d97a1; --warn: #f2b63d;
    --good-ink: #62dbb3; --bad-ink: #ff9e6c; --warn-ink: #f5c45e;
    --bad-bg: #2e1d16; --warn-bg: #2c2614; --good-bg: #15271f;
    --flow: #3c6a94; --lost: #ff8c52; --heat: #5ea8ea; --highlight: #3a311a;
    --chat: #0b141a; --bubble-bot: #202c33; --bubble-me: #005c4b; --bubble-agent: #1d3347;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 var(--font); overflow-wrap: break-word; }
.page { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 0.3rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.4rem; }
a { color: var(--link); }
code { font: 0.9em ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; background: var(--panel); padding: 0.05em 0.3em; border-radius: 4px; overflow-wrap: anywhere; }
.lead { color: var(--muted); margin: 0.1rem 0; }
nav ol { display: flex; flex-wrap: wrap; gap: 0.2rem 1.2rem; list-style: none; padding: 0; margin: 1rem 0; }
nav ol.index { display: block; padding: 0.5rem 0.9rem; border: 1px solid var(--line); border-radius: 8px; }
nav ol.index li { padding: 0.15rem 0; }
nav .detail { color: var(--muted); font-variant-numeric: tabular-nums; }
.part { margin-top: 2.5rem; }
.part > h2 { font-size: 1.45rem; border-bottom: 3px solid var(--line); }
.part h3 { font-size: 1.2rem; margin: 1.8rem 0 0.5rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--line); }
.part h4 { font-size: 1rem; margin: 1.2rem 0 0.4rem; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(10.5rem, 100%), 1fr)); gap: 0.6rem; margin: 1rem 0; }
.facts div { border: 1px solid var(--line); border-radius: 8px; padding: 0.45rem 0.7rem; }
.facts dt { color: var(--muted); font-size: 0.85rem; }
.facts dd { margin: 0; font-size: 1.35rem; font-weight: 700; line-height: 1.3; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.facts small { display: block; font-size: 0.78rem; font-weight: 400; color: var(--muted); }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(22rem, 100%), 1fr)); gap: 0 1rem; }
.figures figure { margin: 0.5rem 0; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
figure { margin: 1rem 0; padding: 0.75rem; border: 1px solid var(--line); border-radius: 8px; overflow-x: auto; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.4rem; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--muted); }
.num { text-align: right; white-space: nowrap; }
details { margin: 1rem 0; }
summary { cursor: pointer; font-weight: 600; }

.summary { border: 2px solid var(--line); border-radius: 10px; padding: 0.75rem 1rem; margin: 1.2rem 0; }
.summary.fail { border-color: var(--bad-ink); background: var(--bad-bg); }
.summary.warn { border-color: var(--warn-ink); background: var(--warn-bg); }
.summary.pass { border-color: var(--good-ink); background: var(--good-bg); }
.summary h2 { margin: 0; padding: 0; border: 0; font-size: 1.1rem; }
.summary .note { color: var(--muted); font-size: 0.85rem; margin: 0.4rem 0 0; }
.checks { list-style: none; padding: 0; margin: 0.5rem 0 0; }
.checks li { display: flex; gap: 0.6rem; align-items: baseline; padding: 0.3rem 0; border-top: 1px solid var(--line); }
.checks .detail { color: var(--muted); }
.checks .name, .checks .detail { min-width: 0; overflow-wrap: anywhere; }
.checks .name { flex: 0 1 38%; }
.checks .detail { flex: 1 1 0; }
.checks .badge { flex-shrink: 0; }
.badge { font-weight: 700; font-size: 0.78rem; padding: 0 0.4rem; border: 1px solid; border-radius: 4px; white-space: nowrap; }
.badge.fail { color: var(--bad-ink); }
.badge.warn { color: var(--warn-ink); }
.badge.pass { color: var(--good-ink); }
.badge.skip { color: var(--muted); }
tr.fail > :first-child { box-shadow: inset 4px 0 var(--bad-ink); }
tr.warn > :first-child { box-shadow: inset 4px 0 var(--warn-ink); }
tr.pass > :first-child { box-shadow: inset 4px 0 var(--good-ink); }
tr.skip > :first-child { box-shadow: inset 4px 0 var(--line); }

.chat { list-style: none; margin: 0.5rem 0 1.5rem; padding: 0.75rem; background: var(--chat); border-radius: 10px; display: flex; flex-direction: column; gap: 0.45rem; }
.msg { max-width: 80%; padding: 0.4rem 0.7rem 0.25rem; border-radius: 10px; background: var(--bubble-bot); box-shadow: 0 1px 1px rgba(0, 0, 0, 0.15); }
.msg.bot { align-self: flex-start; border-top-left-radius: 2px; }
.msg.agent { align-self: flex-start; border-top-left-radius: 2px; background: var(--bubble-agent); }
.msg.customer { align-self: flex-end; border-top-right-radius: 2px; background: var(--bubble-me); }
.msg.event { align-self: center; background: none; box-shadow: none; color: var(--muted); font-style: italic; font-size: 0.85rem; text-align: center; }
.msg p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.who { display: block; font-size: 0.75rem; font-weight: 600; color: var(--muted); }
.how { display: block; font-size: 0.75rem; color: var(--muted); font-style: italic; }
.msg time { display: block; text-align: right; font-size: 0.72rem; color: var(--muted); }
.msg.event time { text-align: center; }
.chips { list-style: none; display: flex; flex-wrap: wrap; gap: 0.3rem; padding: 0; margin: 0.4rem 0 0.1rem; }
.chips li { border: 1px solid var(--link); color: var(--link); border-radius: 999px; padding: 0 0.6rem; font-size: 0.85rem; }

svg.defs { position: absolute; width: 0; height: 0; overflow: hidden; }
svg.chart { display: block; width: 100%; max-width: 640px; height: auto; font: 12px var(--font); }
svg.chart text { fill: var(--fg); }
svg.chart .note, svg.chart .tick { fill: var(--muted); font-size: 11px; }
svg.chart .small { font-size: 11px; }
svg.chart .value, svg.chart .count { font-weight: 600; font-variant-numeric: tabular-nums; }
svg.chart .strong { font-weight: 700; }
svg.chart .rank { fill: var(--bad-ink); font-weight: 700; font-size: 11px; }
svg.chart text.good { fill: var(--good-ink); font-weight: 700; }
svg.chart text.bad { fill: var(--bad-ink); font-weight: 700; }
svg.chart text.neutral { fill: var(--muted); font-weight: 700; }
svg.chart text.warn { fill: var(--warn-ink); font-weight: 700; }
svg.chart .count.on-dark { fill: var(--bg); }
/* Chart shapes: scoped to SVG, so that page classes cannot collide with them. */
svg .k0 { fill: var(--k0); } svg .k1 { fill: var(--k1); } svg .k2 { fill: var(--k2); }
svg .k3 { fill: var(--k3); } svg .k4 { fill: var(--k4); } svg .k5 { fill: var(--k5); }
svg .good { fill: var(--good); } svg .bad { fill: var(--bad); } svg .neutral { fill: var(--neutral); }
svg .warn { fill: var(--warn); }
svg .zone { fill: var(--bad); fill-opacity: 0.22; }
svg .bound { stroke: var(--fg); stroke-width: 3; }
svg .tx { fill: var(--tx); }
svg .seg { stroke: var(--bg); stroke-width: 1; }
svg .track { fill: var(--panel); }
svg .whisker { stroke: var(--fg); stroke-width: 1.5; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .cdf { fill: none; stroke: var(--fg); stroke-width: 2; }
svg .marker { stroke: var(--fg); stroke-width: 1.5; }
svg .m0 { stroke-dasharray: 6 3; } svg .m1 { stroke-dasharray: 2 3; } svg .m2 { stroke-dasharray: 9 3 2 3; }
svg .flow { fill: var(--flow); } svg .lost { fill: var(--lost); }
svg .highlight { fill: var(--highlight); }
svg .heat { fill: var(--heat); }
svg .h0 { fill: var(--panel); } svg .h1 { fill-opacity: 0.14; } svg .h2 { fill-opacity: 0.3; }
svg .h3 { fill-opacity: 0.52; } svg .h4 { fill-opacity: 0.74; } svg .h5 { fill-opacity: 0.95; }
svg .diagonal { stroke: var(--fg); stroke-width: 1.5; stroke-dasharray: 3 2; }

@media (max-width: 600px) {
  body { font-size: 14px; }
  .page { padding: 1rem 0.6rem 2rem; }
  /* Charts use the full width of a phone, so their text stays legible. */
  figure, .figures figure { margin: 1rem -0.6rem; padding: 0.5rem 0; border-width: 1px 0; border-radius: 0; }
  figcaption { padding: 0 0.6rem; }
  .msg { max-width: 92%; }
  .checks li { flex-wrap: wrap; }
  .checks .name { flex: 1 1 0; }
  .checks .detail { flex: 1 1 100%; }
  th, td { padding: 0.3rem 0.4rem; }
}
"#;
