//! The one ANSI painter: every coloured or bold piece of terminal output
//! (reports, comparisons, check results, diagnostics) goes through it, so
//! colour is switched off in one place (not a terminal, `NO_COLOR`) and the
//! escape sequences are written once.

/// Decorates text for a terminal, or leaves it plain.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Painter {
    color: bool,
}

impl Painter {
    /// Paints when `color` is true; otherwise every method returns the text
    /// unchanged.
    pub(crate) fn new(color: bool) -> Painter {
        Painter { color }
    }

    /// `text` in the SGR style `code` (`"1"` bold, `"1;31"` bold red…).
    pub(crate) fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub(crate) fn heading(&self, text: &str) -> String {
        self.paint("1", text)
    }

    pub(crate) fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_only_when_told() {
        assert_eq!(Painter::new(true).paint("1;31", "x"), "\x1b[1;31mx\x1b[0m");
        assert_eq!(Painter::new(false).paint("1;31", "x"), "x");
        assert_eq!(Painter::new(true).dim("x"), "\x1b[2mx\x1b[0m");
    }
}
