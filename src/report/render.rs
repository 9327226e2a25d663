//! The trait every report renderer implements, the style they draw with,
//! and the two renderers of the data formats (YAML and JSON).

use std::io::{self, Write};

use super::Report;

/// How text output may be decorated; decided once by the caller.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colours (only on a terminal, never with `NO_COLOR`).
    pub color: bool,
}

/// Draws reports in one format.
pub trait Renderer {
    /// Writes `reports`: several for a directory of scenarios.
    fn render(&self, reports: &[Report], out: &mut dyn Write) -> io::Result<()>;
}

/// Several reports become a multi-document YAML stream.
pub(super) struct Yaml;

impl Renderer for Yaml {
    fn render(&self, reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
        for (i, report) in reports.iter().enumerate() {
            if i > 0 {
                out.write_all(b"---\n")?;
            }
            crate::yaml::write(out, report)?;
        }
        Ok(())
    }
}

/// One report is a JSON object; several are an array.
pub(super) struct Json;

impl Renderer for Json {
    fn render(&self, reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
        match reports {
            [one] => crate::json::write(out, one),
            many => crate::json::write(out, many),
        }
    }
}
