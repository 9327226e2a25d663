//! The output formats of a report, and which renderer draws each: one
//! renderer per format behind one trait, writing to any `io::Write`.

use super::render::{Json, Renderer, Style, Yaml};
use super::{Report, html, markdown, text};

/// An output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A terminal summary.
    Text,
    /// For pull requests and CI summaries.
    Markdown,
    /// The contract keys, as YAML.
    Yaml,
    /// The contract keys, as JSON.
    Json,
    /// One self-contained page of charts (inline SVG and CSS, no script,
    /// nothing loaded), for a browser.
    Html,
}

impl Format {
    /// Every format, with the name users write.
    pub const ALL: [(Format, &'static str); 5] = [
        (Format::Text, "text"),
        (Format::Markdown, "markdown"),
        (Format::Yaml, "yaml"),
        (Format::Json, "json"),
        (Format::Html, "html"),
    ];

    /// The format a file name's extension asks for, if it names one.
    pub fn from_extension(extension: &str) -> Option<Format> {
        match extension.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    /// The renderer of this format.
    pub fn renderer(self, style: Style) -> Box<dyn Renderer> {
        match self {
            Format::Text => Box::new(text::Text(style)),
            Format::Markdown => Box::new(markdown::Markdown),
            Format::Yaml => Box::new(Yaml),
            Format::Json => Box::new(Json),
            Format::Html => Box::new(html::Html),
        }
    }
}

/// Renders into a string, for tests and callers that want one.
pub fn render_to_string(reports: &[Report], format: Format, style: Style) -> String {
    let mut out = Vec::new();
    format
        .renderer(style)
        .render(reports, &mut out)
        .expect("writing to memory does not fail");
    String::from_utf8(out).expect("renderers write UTF-8")
}
