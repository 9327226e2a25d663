//! One self-contained HTML page: a header, an optional "failures first"
//! summary, a table of contents, and sections of paragraphs, key figures,
//! charts, tables and chat transcripts — on their own, or grouped into
//! parts (one per scenario of a run, one per scenario of a check).
//!
//! The page loads nothing: its CSS is inline, its fonts are the system's, it
//! has no script, and a `Content-Security-Policy` forbids every fetch and
//! script, so a report opened from a CI artefact can neither phone home nor
//! run anything a hostile persona name might smuggle in. Interaction that
//! helps (folding a long table) uses `<details>`, which needs no script.
//!
//! Every text given to the builder is escaped ([`super::escape`]); charts
//! arrive as [`Svg`], which only this module's charts make. The output is
//! well-formed (void elements are self-closed), so tests can check it with
//! an XML-style tag balance.
//!
//! Headings nest: the page's title is `<h1>`; a section directly on the page
//! is `<h2>`, a part is `<h2>` and its sections `<h3>`; a section's
//! sub-headings are one level below it. Sections are built before they know
//! their level, so their content is kept as blocks and written at the end.

use std::fmt::Write;

use super::escape::Escaped;
use super::format::fixed;
use super::style::STYLESHEET;
use super::svg::{Svg, pattern_defs};

/// A report page under construction; [`Page::render`] writes the HTML.
///
/// ```
/// use rehearse::html::page::{Page, Section};
/// let html = Page::new("peak-hour")
///     .lead("flow acme-support 2.1 — seed 42")
///     .section(Section::new("Outcomes").paragraph("61% resolved by the bot."))
///     .render();
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    title: String,
    lead: Vec<String>,
    summary: Option<String>,
    sections: Vec<Section>,
    parts: Vec<Part>,
}

impl Page {
    /// A page with this title (the `<title>` and the `<h1>`).
    pub fn new(title: &str) -> Page {
        Page {
            title: title.to_string(),
            lead: Vec::new(),
            summary: None,
            sections: Vec::new(),
            parts: Vec::new(),
        }
    }

    /// Adds a line under the title (flow, seed, conversations).
    pub fn lead(mut self, text: &str) -> Page {
        self.lead.push(text.to_string());
        self
    }

    /// Puts a summary box above everything else, failures first.
    pub fn summary(mut self, summary: &Summary<'_>) -> Page {
        self.summary = Some(summary.render());
        self
    }

    /// Puts a verdict box above everything else (instead of a summary).
    pub fn callout(mut self, callout: &Callout<'_>) -> Page {
        self.summary = Some(callout.render());
        self
    }

    /// Appends a section directly on the page; such sections are listed in
    /// the page's table of contents in the order added, before any part.
    pub fn section(mut self, section: Section) -> Page {
        self.sections.push(section);
        self
    }

    /// Appends a part (a scenario of a run with several); parts are listed,
    /// with their one-line summaries, in an index at the top.
    pub fn part(mut self, part: Part) -> Page {
        self.parts.push(part);
        self
    }

    /// The complete HTML document.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(64 * 1024);
        let _ = write!(
            out,
            concat!(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n",
                "<meta charset=\"utf-8\"/>\n",
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n",
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n",
                "<meta name=\"color-scheme\" content=\"light dark\"/>\n",
                "<meta name=\"generator\" content=\"rehearse\"/>\n",
                "<title>{title}</title>\n<style>{style}</style>\n</head>\n<body>\n{defs}\n",
                "<div class=\"page\">\n<header>\n<h1>{title}</h1>\n"
            ),
            title = Escaped(&self.title),
            style = STYLESHEET,
            defs = pattern_defs(),
        );
        for line in &self.lead {
            let _ = writeln!(out, "<p class=\"lead\">{}</p>", Escaped(line));
        }
        out.push_str("</header>\n");
        if let Some(summary) = &self.summary {
            out.push_str(summary);
        }
        if self.parts.len() > 1 {
            out.push_str("<nav aria-label=\"Contents\"><ol class=\"index\">");
            for (i, part) in self.parts.iter().enumerate() {
                let _ = write!(
                    out,
                    "<li><a href=\"#p{}\">{}</a>",
                    i + 1,
                    Escaped(&part.heading)
                );
                if let Some(line) = &part.index_line {
                    let _ = write!(out, " <span class=\"detail\">{}</span>", Escaped(line));
                }
                out.push_str("</li>");
            }
            out.push_str("</ol></nav>\n");
        }
        let ids: Vec<String> = (1..=self.sections.len()).map(|n| format!("s{n}")).collect();
        if self.sections.len() > 1 {
            contents(&mut out, &self.sections, &ids);
        }
        out.push_str("<main>\n");
        for (section, id) in self.sections.iter().zip(&ids) {
            section.render(&mut out, id, 2);
        }
        for (i, part) in self.parts.iter().enumerate() {
            part.render(&mut out, &format!("p{}", i + 1));
        }
        out.push_str("</main>\n</div>\n</body>\n</html>\n");
        out
    }
}

/// A list of links to `sections`, whose ids are `ids`.
fn contents(out: &mut String, sections: &[Section], ids: &[String]) {
    out.push_str("<nav aria-label=\"Sections\"><ol>");
    for (section, id) in sections.iter().zip(ids) {
        let _ = write!(
            out,
            "<li><a href=\"#{id}\">{}</a></li>",
            Escaped(&section.heading)
        );
    }
    out.push_str("</ol></nav>\n");
}

/// A group of sections under one heading: one scenario of a page that
/// shows several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    heading: String,
    lead: Vec<String>,
    index_line: Option<String>,
    sections: Vec<Section>,
}

impl Part {
    /// An empty part under this heading.
    pub fn new(heading: &str) -> Part {
        Part {
            heading: heading.to_string(),
            lead: Vec::new(),
            index_line: None,
            sections: Vec::new(),
        }
    }

    /// Adds a line under the part's heading.
    pub fn lead(mut self, text: &str) -> Part {
        self.lead.push(text.to_string());
        self
    }

    /// What the page's index says after the part's name
    /// (`58.3% self-resolved · 9.1% abandoned`).
    pub fn index_line(mut self, text: &str) -> Part {
        self.index_line = Some(text.to_string());
        self
    }

    /// Appends a section.
    pub fn section(mut self, section: Section) -> Part {
        self.sections.push(section);
        self
    }

    fn render(&self, out: &mut String, id: &str) {
        let _ = writeln!(
            out,
            "<section class=\"part\" id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{}</h2>",
            Escaped(&self.heading)
        );
        for line in &self.lead {
            let _ = writeln!(out, "<p class=\"lead\">{}</p>", Escaped(line));
        }
        let ids: Vec<String> = (1..=self.sections.len())
            .map(|n| format!("{id}-s{n}"))
            .collect();
        if self.sections.len() > 2 {
            contents(out, &self.sections, &ids);
        }
        for (section, id) in self.sections.iter().zip(&ids) {
            section.render(out, id, 3);
        }
        out.push_str("</section>\n");
    }
}

/// What a section holds, in order: markup that is complete (paragraphs,
/// figures, tables, chats) and sub-headings, whose level depends on where
/// the section ends up.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    Markup(String),
    Heading(String),
}

/// A section of a page: a heading and its content blocks, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    heading: String,
    blocks: Vec<Block>,
}

/// A key figure of a section's [`Section::facts`]: `Self-resolution`,
/// `58.3%`, `95% CI 57.1%–59.5%`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact<'a> {
    /// What it is.
    pub label: &'a str,
    /// The value, formatted.
    pub value: &'a str,
    /// A line under the value (its interval, what it counts), or nothing.
    pub detail: &'a str,
}

impl Section {
    /// An empty section under this heading.
    pub fn new(heading: &str) -> Section {
        Section {
            heading: heading.to_string(),
            blocks: Vec::new(),
        }
    }

    /// Appends markup to the last block.
    fn markup(&mut self) -> &mut String {
        if !matches!(self.blocks.last(), Some(Block::Markup(_))) {
            self.blocks.push(Block::Markup(String::new()));
        }
        match self.blocks.last_mut() {
            Some(Block::Markup(markup)) => markup,
            _ => unreachable!("a markup block was just pushed"),
        }
    }

    /// A paragraph of text.
    pub fn paragraph(mut self, text: &str) -> Section {
        let _ = writeln!(self.markup(), "<p>{}</p>", Escaped(text));
        self
    }

    /// A paragraph in which text between backticks is shown as code
    /// (`` `rehearse check --accept` ``), as the messages of `check` and
    /// `lint` write commands and names. The text is escaped first, so a
    /// backtick can only ever open a `<code>` element.
    pub fn prose(mut self, text: &str) -> Section {
        let mut pieces: Vec<String> = text.split('`').map(str::to_string).collect();
        // An odd number of backticks: the last one opens nothing.
        if pieces.len().is_multiple_of(2)
            && let (Some(last), Some(before)) = (pieces.pop(), pieces.last_mut())
        {
            before.push('`');
            before.push_str(&last);
        }
        let out = self.markup();
        out.push_str("<p>");
        for (i, piece) in pieces.iter().enumerate() {
            if i % 2 == 1 {
                let _ = write!(out, "<code>{}</code>", Escaped(piece));
            } else {
                let _ = write!(out, "{}", Escaped(piece));
            }
        }
        out.push_str("</p>\n");
        self
    }

    /// A sub-heading within the section.
    pub fn subheading(mut self, text: &str) -> Section {
        self.blocks.push(Block::Heading(text.to_string()));
        self
    }

    /// Key figures as a row of tiles that wraps on a narrow screen: what a
    /// reader should take away before the charts.
    pub fn facts(mut self, facts: &[Fact<'_>]) -> Section {
        let out = self.markup();
        out.push_str("<dl class=\"facts\">");
        for fact in facts {
            let _ = write!(
                out,
                "<div><dt>{}</dt><dd>{}",
                Escaped(fact.label),
                Escaped(fact.value)
            );
            if !fact.detail.is_empty() {
                let _ = write!(out, "<small>{}</small>", Escaped(fact.detail));
            }
            out.push_str("</dd></div>");
        }
        out.push_str("</dl>\n");
        self
    }

    /// A chart in a figure, with a caption saying how to read it.
    pub fn chart(mut self, chart: &Svg, caption: &str) -> Section {
        figure(self.markup(), chart, caption);
        self
    }

    /// Charts side by side where the screen is wide enough (two on a
    /// desktop, one under the other on a phone), each with its caption: a
    /// set of distributions, or version A beside version B.
    pub fn charts(mut self, charts: &[(Svg, String)]) -> Section {
        let out = self.markup();
        out.push_str("<div class=\"figures\">");
        for (chart, caption) in charts {
            figure(out, chart, caption);
        }
        out.push_str("</div>\n");
        self
    }

    /// A table (see [`Table`]).
    pub fn table(mut self, table: &Table) -> Section {
        table.render(self.markup());
        self
    }

    /// A conversation as chat bubbles under its own sub-heading (see
    /// [`Transcript`]).
    pub fn transcript(mut self, transcript: &Transcript<'_>) -> Section {
        self.blocks
            .push(Block::Heading(transcript.title.to_string()));
        transcript.render(self.markup());
        self
    }

    /// Writes the section with the id `id` and a heading of `level`.
    fn render(&self, out: &mut String, id: &str, level: usize) {
        let _ = writeln!(
            out,
            "<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h{level} id=\"{id}-h\">{}</h{level}>",
            Escaped(&self.heading),
        );
        let sub = (level + 1).min(6);
        for block in &self.blocks {
            match block {
                Block::Markup(markup) => out.push_str(markup),
                Block::Heading(text) => {
                    let _ = writeln!(out, "<h{sub}>{}</h{sub}>", Escaped(text));
                }
            }
        }
        out.push_str("</section>\n");
    }
}

/// A chart and its caption as a `<figure>`.
fn figure(out: &mut String, chart: &Svg, caption: &str) {
    let _ = writeln!(
        out,
        "<figure>{chart}<figcaption>{}</figcaption></figure>",
        Escaped(caption)
    );
}

/// How a table column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Text,
    Number,
}

/// A data table whose first column names the rows (`<th scope="row">`) and
/// whose header names the columns (`<th scope="col">`). Number columns are
/// right-aligned with tabular figures; the cells are given as text, already
/// formatted (see [`super::format`]).
///
/// ```
/// use rehearse::html::page::Table;
/// let table = Table::new("Per persona")
///     .column("Persona")
///     .number_column("Self-resolution")
///     .row(&["returning-buyer", "61.0%"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    caption: String,
    columns: Vec<(String, Align)>,
    rows: Vec<(Option<Status>, Vec<String>)>,
    folded: Option<String>,
}

impl Table {
    /// An empty table with this caption.
    pub fn new(caption: &str) -> Table {
        Table {
            caption: caption.to_string(),
            columns: Vec::new(),
            rows: Vec::new(),
            folded: None,
        }
    }

    /// Adds a text column.
    pub fn column(mut self, heading: &str) -> Table {
        self.columns.push((heading.to_string(), Align::Text));
        self
    }

    /// Adds a right-aligned number column.
    pub fn number_column(mut self, heading: &str) -> Table {
        self.columns.push((heading.to_string(), Align::Number));
        self
    }

    /// Adds a row; its first cell names the row. Missing cells are left
    /// empty, extra cells are dropped.
    pub fn row<S: AsRef<str>>(mut self, cells: &[S]) -> Table {
        self.rows
            .push((None, cells.iter().map(|c| c.as_ref().to_string()).collect()));
        self
    }

    /// Adds a row about something that passed or failed: it gets a bar in
    /// the status's colour at its start. The cells must still say the
    /// status in words; the colour only helps the eye.
    pub fn status_row<S: AsRef<str>>(mut self, status: Status, cells: &[S]) -> Table {
        self.rows.push((
            Some(status),
            cells.iter().map(|c| c.as_ref().to_string()).collect(),
        ));
        self
    }

    /// Shows the table folded, behind a `<details>` toggle labelled `label`
    /// (for long tables a reader opens on demand).
    pub fn folded(mut self, label: &str) -> Table {
        self.folded = Some(label.to_string());
        self
    }

    fn render(&self, out: &mut String) {
        if let Some(label) = &self.folded {
            let _ = write!(out, "<details><summary>{}</summary>", Escaped(label));
        }
        let _ = write!(
            out,
            "<div class=\"table-wrap\"><table>\n<caption>{}</caption>\n<thead><tr>",
            Escaped(&self.caption)
        );
        for (heading, align) in &self.columns {
            let class = if *align == Align::Number {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", Escaped(heading));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (status, row) in &self.rows {
            match status {
                Some(status) => {
                    let _ = write!(out, "<tr class=\"{}\">", status.class());
                }
                None => out.push_str("<tr>"),
            }
            for (i, (_, align)) in self.columns.iter().enumerate() {
                let cell = row.get(i).map_or("", String::as_str);
                let class = if *align == Align::Number {
                    " class=\"num\""
                } else {
                    ""
                };
                if i == 0 {
                    let _ = write!(out, "<th scope=\"row\"{class}>{}</th>", Escaped(cell));
                } else {
                    let _ = write!(out, "<td{class}>{}</td>", Escaped(cell));
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div>");
        if self.folded.is_some() {
            out.push_str("</details>");
        }
        out.push('\n');
    }
}

/// Who said something in a [`Transcript`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// The simulated customer: bubbles on the right, as on their phone.
    Customer,
    /// The bot under test: bubbles on the left.
    Bot,
    /// A human agent after a handoff: on the left, in another shade.
    Agent,
    /// Something that happened without a message (handoff, customer left):
    /// a centred note.
    Event,
}

impl Speaker {
    fn name(self) -> &'static str {
        match self {
            Speaker::Customer => "Customer",
            Speaker::Bot => "Bot",
            Speaker::Agent => "Agent",
            Speaker::Event => "Event",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Speaker::Customer => "customer",
            Speaker::Bot => "bot",
            Speaker::Agent => "agent",
            Speaker::Event => "event",
        }
    }
}

/// One message of a [`Transcript`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Message<'a> {
    /// Who sent it.
    pub speaker: Speaker,
    /// When, in seconds since the conversation started.
    pub at: f64,
    /// What it said; line breaks are kept.
    pub text: &'a str,
    /// Reply buttons or list rows offered with it, shown as chips.
    pub buttons: &'a [&'a str],
    /// A note for the reader that the customer did not see, in small print
    /// under the text: how the bot understood a customer's message.
    pub note: Option<&'a str>,
}

/// A conversation as the customer saw it, drawn as chat bubbles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transcript<'a> {
    /// A heading for it (`Conversation 17 — abandoned in queue`), also the
    /// chat's accessible name.
    pub title: &'a str,
    /// The messages in order.
    pub messages: &'a [Message<'a>],
}

/// `m:ss` (or `h:mm:ss`) since the start of a conversation.
fn clock(seconds: f64) -> String {
    let whole = if seconds.is_finite() {
        seconds.max(0.0).round() as u64
    } else {
        0
    };
    let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes}:{secs:02}")
    }
}

impl Transcript<'_> {
    fn render(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "<ol class=\"chat\" aria-label=\"{}\">",
            Escaped(self.title)
        );
        for message in self.messages {
            let speaker = message.speaker;
            let who_class = if speaker == Speaker::Event {
                "sr"
            } else {
                "who"
            };
            let _ = write!(
                out,
                "<li class=\"msg {}\"><span class=\"{who_class}\">{}</span><p>{}</p>",
                speaker.class(),
                speaker.name(),
                Escaped(message.text)
            );
            if !message.buttons.is_empty() {
                out.push_str("<ul class=\"chips\" aria-label=\"Buttons\">");
                for button in message.buttons {
                    let _ = write!(out, "<li>{}</li>", Escaped(button));
                }
                out.push_str("</ul>");
            }
            if let Some(note) = message.note {
                let _ = write!(out, "<small class=\"how\">{}</small>", Escaped(note));
            }
            let seconds = if message.at.is_finite() {
                message.at.max(0.0)
            } else {
                0.0
            };
            let _ = writeln!(
                out,
                "<time datetime=\"PT{}S\">{}</time></li>",
                fixed(seconds, 3),
                clock(seconds)
            );
        }
        out.push_str("</ol>\n");
    }
}

/// How a check in a [`Summary`] went. Ordered worst first, so sorting puts
/// failures at the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The check failed (CI fails).
    Fail,
    /// Worth a look, but not failing.
    Warn,
    /// The check passed.
    Pass,
    /// The check did not run (opted out, not comparable).
    Skip,
}

impl Status {
    fn class(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Pass => "pass",
            Status::Skip => "skip",
        }
    }

    /// The status as a badge: a symbol and a word, so it reads without
    /// colour (`✗ FAIL`).
    pub fn badge(self) -> &'static str {
        match self {
            Status::Fail => "✗ FAIL",
            Status::Warn => "! WARN",
            Status::Pass => "✓ PASS",
            Status::Skip => "– SKIP",
        }
    }
}

/// One line of a [`Summary`]: an expectation, a snapshot, a comparison gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check<'a> {
    /// How it went.
    pub status: Status,
    /// What was checked (`abandonment <= 0.12`).
    pub name: &'a str,
    /// What was found (`was 0.14, 95% CI 0.13–0.15`).
    pub detail: &'a str,
}

/// The box at the top of a CI page: a headline counting failures, warnings
/// and passes, then every check with failures first (the order among equals
/// is kept). The box takes the colour of the worst status, and every line
/// says its status in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary<'a> {
    /// What was run (`rehearse check scenarios/`).
    pub title: &'a str,
    /// The checks, in any order.
    pub checks: &'a [Check<'a>],
}

impl Summary<'_> {
    fn render(&self) -> String {
        let mut checks = self.checks.to_vec();
        checks.sort_by_key(|c| c.status);
        let count = |status| checks.iter().filter(|c| c.status == status).count();
        let (failed, warned, passed, skipped) = (
            count(Status::Fail),
            count(Status::Warn),
            count(Status::Pass),
            count(Status::Skip),
        );
        // Skipped checks alone make no failure: the box is green.
        let worst = checks
            .first()
            .map_or(Status::Pass, |c| c.status)
            .min(Status::Pass);
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut headline = [
            plural(failed, "failed", "failed"),
            plural(warned, "warning", "warnings"),
            plural(passed, "passed", "passed"),
        ]
        .join(", ");
        if skipped > 0 {
            headline += &format!(", {skipped} skipped");
        }
        let mut out = format!(
            "<section class=\"summary {}\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">{} {} — {headline}</h2>\n<ul class=\"checks\">\n",
            worst.class(),
            worst.badge().split_once(' ').map_or("", |(icon, _)| icon),
            Escaped(self.title),
        );
        // With something to look at, the checks that passed (or did not
        // run) are folded away under one line, so the failures fill the box.
        let fold_from = if worst < Status::Pass {
            checks.iter().position(|c| c.status >= Status::Pass)
        } else {
            None
        };
        for (i, check) in checks.iter().enumerate() {
            if Some(i) == fold_from {
                let mut folded = plural(passed, "passed", "passed");
                if skipped > 0 {
                    folded += &format!(", {skipped} skipped");
                }
                let _ = write!(
                    out,
                    "</ul>\n<details><summary>{folded}</summary><ul class=\"checks\">\n"
                );
            }
            check_line(
                &mut out,
                check.status,
                check.status.badge(),
                check.name,
                check.detail,
            );
        }
        out.push_str("</ul>\n");
        if fold_from.is_some() {
            out.push_str("</details>\n");
        }
        out.push_str("</section>\n");
        out
    }
}

/// One line of a box at the top of a page: a badge in the status's colour
/// that says it in words, what it is about, and the detail.
fn check_line(out: &mut String, status: Status, badge: &str, name: &str, detail: &str) {
    let _ = writeln!(
        out,
        "<li><span class=\"badge {}\">{}</span><span class=\"name\">{}</span><span class=\"detail\">{}</span></li>",
        status.class(),
        Escaped(badge),
        Escaped(name),
        Escaped(detail)
    );
}

/// One line of a [`Callout`]: a change that matters (`▼ worse`,
/// `response`, `87.7% → 87.2% · −0.50 pts [−0.64, −0.36]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalloutLine<'a> {
    /// Its colour: [`Status::Fail`] for a change for the worse,
    /// [`Status::Pass`] for one for the better.
    pub tone: Status,
    /// The badge's words, with a symbol so they read without colour.
    pub badge: &'a str,
    /// What changed.
    pub name: &'a str,
    /// By how much.
    pub detail: &'a str,
}

/// The box at the top of a page that reaches a verdict rather than runs
/// checks (a comparison of two versions): a headline in the colour of its
/// tone, then each line in its own order (the caller puts the worst
/// first), then a note in small print. Unlike a [`Summary`], nothing is
/// counted or folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Callout<'a> {
    /// The box's colour: worse (fail), better (pass), mixed (warn) or
    /// neither (skip).
    pub tone: Status,
    /// The verdict in one sentence.
    pub headline: &'a str,
    /// The lines under it.
    pub lines: &'a [CalloutLine<'a>],
    /// How to read the lines; nothing when empty.
    pub note: &'a str,
}

impl Callout<'_> {
    fn render(&self) -> String {
        let mut out = format!(
            "<section class=\"summary {}\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">{}</h2>\n",
            self.tone.class(),
            Escaped(self.headline),
        );
        if !self.lines.is_empty() {
            out.push_str("<ul class=\"checks\">\n");
            for line in self.lines {
                check_line(&mut out, line.tone, line.badge, line.name, line.detail);
            }
            out.push_str("</ul>\n");
        }
        if !self.note.is_empty() {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", Escaped(self.note));
        }
        out.push_str("</section>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callout_keeps_its_lines_in_order_and_says_each_tone_in_words() {
        let lines = [
            CalloutLine {
                tone: Status::Fail,
                badge: "▼ worse",
                name: "response",
                detail: "87.7% → 87.2%",
            },
            CalloutLine {
                tone: Status::Pass,
                badge: "▲ better",
                name: "<abandonment>",
                detail: "11.6% → 10.9%",
            },
        ];
        let html = Callout {
            tone: Status::Warn,
            headline: "B is better on 1 metric, worse on 1",
            lines: &lines,
            note: "95% intervals",
        }
        .render();
        assert!(html.starts_with("<section class=\"summary warn\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">B is better on 1 metric, worse on 1</h2>"));
        let worse = html
            .find("<span class=\"badge fail\">▼ worse</span><span class=\"name\">response</span>")
            .unwrap();
        let better = html.find("<span class=\"badge pass\">▲ better</span><span class=\"name\">&lt;abandonment&gt;</span>").unwrap();
        assert!(worse < better);
        assert!(html.contains("<p class=\"note\">95% intervals</p>"));
        // Nothing to list: no empty list.
        let html = Callout {
            tone: Status::Skip,
            headline: "No significant change",
            lines: &[],
            note: "",
        }
        .render();
        assert!(!html.contains("<ul") && !html.contains("<p"));
    }

    #[test]
    fn clock_counts_from_the_start() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(12.4), "0:12");
        assert_eq!(clock(754.0), "12:34");
        assert_eq!(clock(3725.0), "1:02:05");
        assert_eq!(clock(f64::NAN), "0:00");
    }

    #[test]
    fn summary_lists_failures_first_keeping_order_among_equals() {
        let checks = [
            Check {
                status: Status::Pass,
                name: "a",
                detail: "",
            },
            Check {
                status: Status::Fail,
                name: "b",
                detail: "",
            },
            Check {
                status: Status::Warn,
                name: "c",
                detail: "",
            },
            Check {
                status: Status::Fail,
                name: "d",
                detail: "",
            },
        ];
        let html = Summary {
            title: "t",
            checks: &checks,
        }
        .render();
        let position = |name: &str| html.find(&format!("\"name\">{name}<")).unwrap();
        assert!(position("b") < position("d"));
        assert!(position("d") < position("c"));
        assert!(position("c") < position("a"));
        assert!(html.contains("class=\"summary fail\""));
        assert!(html.contains("2 failed, 1 warning, 1 passed"));
    }

    #[test]
    fn passes_fold_away_when_something_failed() {
        let checks = [
            Check {
                status: Status::Pass,
                name: "a",
                detail: "",
            },
            Check {
                status: Status::Fail,
                name: "b",
                detail: "",
            },
            Check {
                status: Status::Skip,
                name: "c",
                detail: "",
            },
        ];
        let html = Summary {
            title: "t",
            checks: &checks,
        }
        .render();
        let fold = html
            .find("<details><summary>1 passed, 1 skipped</summary>")
            .unwrap();
        assert!(html.find("\"name\">b<").unwrap() < fold);
        assert!(fold < html.find("\"name\">a<").unwrap());
        // Nothing to look at: nothing folded.
        let html = Summary {
            title: "t",
            checks: &checks[..1],
        }
        .render();
        assert!(!html.contains("<details>"));
        assert!(html.contains("class=\"summary pass\""));
    }

    #[test]
    fn prose_shows_backticks_as_code_and_escapes_the_rest() {
        let render = |text: &str| {
            let section = Section::new("s").prose(text);
            let mut out = String::new();
            section.render(&mut out, "x", 2);
            out
        };
        assert!(
            render("run `rehearse check --accept` <now>")
                .contains("<p>run <code>rehearse check --accept</code> &lt;now&gt;</p>")
        );
        assert!(render("a `b` c `d").contains("<p>a <code>b</code> c `d</p>"));
        assert!(render("`<script>`").contains("<p><code>&lt;script&gt;</code></p>"));
    }

    #[test]
    fn tables_name_their_rows_and_columns() {
        let mut html = String::new();
        Table::new("Per persona")
            .column("Persona")
            .number_column("Rate")
            .row(&["<b>", "61.0%", "extra"])
            .row(&["short"])
            .render(&mut html);
        assert!(
            html.contains(
                "<th scope=\"col\">Persona</th><th scope=\"col\" class=\"num\">Rate</th>"
            )
        );
        assert!(
            html.contains("<tr><th scope=\"row\">&lt;b&gt;</th><td class=\"num\">61.0%</td></tr>")
        );
        assert!(html.contains("<tr><th scope=\"row\">short</th><td class=\"num\"></td></tr>"));
        assert!(!html.contains("extra"));
    }
}
