//! Answer templates: what a persona types in reply to a question, such as
//! `A{digits:6}`, literal text with generated parts.

use serde::Deserialize;

/// The longest text a template may expand to, in characters: WhatsApp's
/// limit on a text message, so no customer could send a longer one. It
/// bounds the work of every answer a simulated customer types.
pub const MAX_TEMPLATE_CHARS: usize = 4096;

/// The most characters all the templates of one persona file may expand to
/// together: far more than any real file needs, and a bound on what lint
/// keeps in memory for them.
pub const MAX_TEMPLATE_CHARS_PER_FILE: usize = 1_000_000;

/// A reply pattern such as `A{digits:6}`: literal text with generated parts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub struct Template(pub Vec<TemplatePart>);

/// A piece of a [`Template`].
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// `{digits:N}`: N random digits.
    Digits(usize),
    /// `{letters:N}`: N random capital letters.
    Letters(usize),
}

impl Template {
    /// How many characters every expansion of this template has.
    pub fn expanded_chars(&self) -> usize {
        self.0
            .iter()
            .map(|part| match part {
                TemplatePart::Text(text) => text.chars().count(),
                TemplatePart::Digits(n) | TemplatePart::Letters(n) => *n,
            })
            .sum()
    }
}

impl TryFrom<String> for Template {
    type Error = String;
    fn try_from(source: String) -> Result<Self, String> {
        let shown = crate::source::cut(&source, 40);
        let mut parts = Vec::new();
        let mut expanded = 0usize;
        let mut rest = source.as_str();
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(TemplatePart::Text(rest[..open].to_string()));
                expanded += rest[..open].chars().count();
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("`{shown}` opens `{{` without closing it"))?;
            let inside = crate::source::cut(&rest[open + 1..open + close], 40);
            let (kind, count) = inside.split_once(':').unwrap_or((&inside, ""));
            let count: usize = count
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=64).contains(n))
                .ok_or_else(|| {
                    format!("`{{{inside}}}` needs a count from 1 to 64, like `{{digits:6}}`")
                })?;
            parts.push(match kind.trim() {
                "digits" => TemplatePart::Digits(count),
                "letters" => TemplatePart::Letters(count),
                other => {
                    return Err(format!(
                        "unknown placeholder `{{{other}:...}}`; use `{{digits:N}}` or `{{letters:N}}`"
                    ));
                }
            });
            expanded += count;
            // Checked as it grows, so a huge template stops early.
            if expanded > MAX_TEMPLATE_CHARS {
                break;
            }
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() && expanded <= MAX_TEMPLATE_CHARS {
            parts.push(TemplatePart::Text(rest.to_string()));
            expanded += rest.chars().count();
        }
        if expanded > MAX_TEMPLATE_CHARS {
            return Err(format!(
                "this answer expands to more than {MAX_TEMPLATE_CHARS} characters, the most a WhatsApp text message holds"
            ));
        }
        Ok(Template(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_text_and_placeholders() {
        let template = Template::try_from("A{digits:6}-{letters:2}".to_string()).unwrap();
        assert_eq!(
            template.0,
            vec![
                TemplatePart::Text("A".into()),
                TemplatePart::Digits(6),
                TemplatePart::Text("-".into()),
                TemplatePart::Letters(2),
            ]
        );
        assert!(Template::try_from("{digits}".to_string()).is_err());
        assert!(Template::try_from("{emoji:2}".to_string()).is_err());
        assert!(Template::try_from("A{digits:6".to_string()).is_err());
    }

    #[test]
    fn templates_expand_to_at_most_one_whatsapp_message() {
        let most = "{digits:64}".repeat(MAX_TEMPLATE_CHARS / 64);
        let template = Template::try_from(most.clone()).unwrap();
        assert_eq!(template.expanded_chars(), MAX_TEMPLATE_CHARS);
        let error = Template::try_from(format!("{most}x")).unwrap_err();
        assert!(error.contains("more than 4096 characters"), "{error}");
        let error = Template::try_from("{digits:64}".repeat(20_000)).unwrap_err();
        assert!(error.len() < 200, "{error}");
        assert!(Template::try_from("x".repeat(MAX_TEMPLATE_CHARS + 1)).is_err());
    }
}
