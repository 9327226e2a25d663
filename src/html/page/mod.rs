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

mod summary;
mod table;
mod transcript;

use std::fmt::Write;

use super::escape::{Escaped, Isolated};
use super::style::STYLESHEET;
use super::svg::{Svg, pattern_defs};
pub use summary::{Callout, CalloutLine, Check, Status, Summary};
pub use table::Table;
pub use transcript::{Message, Speaker, Transcript};

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
            let _ = writeln!(out, "<p class=\"lead\">{}</p>", Isolated(line));
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
                    Isolated(&part.heading)
                );
                if let Some(line) = &part.index_line {
                    let _ = write!(out, " <span class=\"detail\">{}</span>", Isolated(line));
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
            Isolated(&section.heading)
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
            Isolated(&self.heading)
        );
        for line in &self.lead {
            let _ = writeln!(out, "<p class=\"lead\">{}</p>", Isolated(line));
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
        let _ = writeln!(self.markup(), "<p>{}</p>", Isolated(text));
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
                let _ = write!(out, "<code>{}</code>", Isolated(piece));
            } else {
                let _ = write!(out, "{}", Isolated(piece));
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
                Isolated(fact.label),
                Isolated(fact.value)
            );
            if !fact.detail.is_empty() {
                let _ = write!(out, "<small>{}</small>", Isolated(fact.detail));
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
            Isolated(&self.heading),
        );
        let sub = (level + 1).min(6);
        for block in &self.blocks {
            match block {
                Block::Markup(markup) => out.push_str(markup),
                Block::Heading(text) => {
                    let _ = writeln!(out, "<h{sub}>{}</h{sub}>", Isolated(text));
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
        Isolated(caption)
    );
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
