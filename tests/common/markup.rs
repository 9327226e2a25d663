//! A small markup checker for the HTML tests: is a page or a chart
//! well-formed, and what elements does it have.

/// An element as the checker saw it: its name and attributes.
#[derive(Debug)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

/// Checks that `markup` is well-formed in the XML sense (every tag closed in
/// order, attributes quoted, `<` and `&` only as markup or entities) and
/// returns its elements in document order. A doctype and comments are
/// skipped. This is all the page promises, so a tiny checker is enough and
/// needs no XML crate.
pub fn elements(markup: &str) -> Result<Vec<Element>, String> {
    let bytes = markup.as_bytes();
    let mut open: Vec<String> = Vec::new();
    let mut found = Vec::new();
    let mut i = 0;
    let error = |at: usize, what: &str| {
        let start = at.saturating_sub(40);
        let context = markup
            .get(start..(at + 40).min(markup.len()))
            .unwrap_or("?");
        Err(format!("{what} at byte {at}: …{context}…"))
    };
    let name_end = |from: usize| {
        let mut end = from;
        while end < bytes.len()
            && (bytes[end].is_ascii_alphanumeric() || b"-_:".contains(&bytes[end]))
        {
            end += 1;
        }
        end
    };
    while i < bytes.len() {
        match bytes[i] {
            b'&' => {
                let rest = &markup[i + 1..];
                let end = rest.find(';').filter(|&e| e > 0 && e <= 10);
                let entity = end.map(|e| &rest[..e]);
                let valid = entity.is_some_and(|e| {
                    e.bytes().all(|b| b.is_ascii_alphanumeric())
                        || e.strip_prefix('#')
                            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
                });
                if !valid {
                    return error(i, "bare &");
                }
                i += 1;
            }
            b'<' if markup[i..].starts_with("<!--") => {
                let Some(end) = markup[i..].find("-->") else {
                    return error(i, "unclosed comment");
                };
                i += end + 3;
            }
            b'<' if markup[i..].starts_with("<!DOCTYPE") => {
                let Some(end) = markup[i..].find('>') else {
                    return error(i, "unclosed doctype");
                };
                i += end + 1;
            }
            b'<' if markup[i..].starts_with("</") => {
                let end = name_end(i + 2);
                let name = &markup[i + 2..end];
                if bytes.get(end) != Some(&b'>') {
                    return error(i, "malformed end tag");
                }
                match open.pop() {
                    Some(top) if top == name => {}
                    top => return error(i, &format!("</{name}> closes {top:?}")),
                }
                i = end + 1;
            }
            b'<' => {
                let end = name_end(i + 1);
                let name = markup[i + 1..end].to_string();
                if name.is_empty() {
                    return error(i, "bare <");
                }
                let mut attributes = Vec::new();
                let mut j = end;
                loop {
                    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    match bytes.get(j) {
                        Some(b'>') => {
                            open.push(name.clone());
                            j += 1;
                            break;
                        }
                        Some(b'/') if bytes.get(j + 1) == Some(&b'>') => {
                            j += 2;
                            break;
                        }
                        Some(_) => {
                            let attr_end = name_end(j);
                            if attr_end == j || !markup[attr_end..].starts_with("=\"") {
                                return error(j, "attribute without a quoted value");
                            }
                            let value_start = attr_end + 2;
                            let Some(len) = markup[value_start..].find('"') else {
                                return error(j, "unclosed attribute value");
                            };
                            let value = &markup[value_start..value_start + len];
                            if value.contains('<') {
                                return error(j, "< in an attribute value");
                            }
                            attributes.push((markup[j..attr_end].to_string(), value.to_string()));
                            j = value_start + len + 1;
                        }
                        None => return error(i, "unclosed tag"),
                    }
                }
                found.push(Element { name, attributes });
                i = j;
            }
            _ => i += 1,
        }
    }
    match open.pop() {
        None => Ok(found),
        Some(name) => Err(format!("<{name}> never closed")),
    }
}

/// The text between `<tag>` and `</tag>` of the first such element.
pub fn text_of<'a>(markup: &'a str, tag: &str) -> &'a str {
    let start = markup.find(&format!("<{tag}>")).map(|s| s + tag.len() + 2);
    let end = markup.find(&format!("</{tag}>"));
    match (start, end) {
        (Some(start), Some(end)) if start <= end => &markup[start..end],
        _ => "",
    }
}

impl Element {
    /// The value of the attribute `name`, if the element has it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Asserts that `markup` is one chart: a well-formed `<svg>` with
/// `role="img"`, an `aria-label` that its `<title>` repeats, a `<desc>` that
/// states numbers, and shapes drawn.
pub fn assert_accessible_chart(markup: &str) {
    let elements = elements(markup).unwrap_or_else(|e| panic!("{e}\n{markup}"));
    let root = &elements[0];
    assert_eq!(root.name, "svg");
    let attribute = |name: &str| {
        root.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} on {markup}"))
    };
    assert_eq!(attribute("role"), "img");
    let label = attribute("aria-label");
    assert!(!label.is_empty());
    // The title is the first child and says the same as the label.
    assert_eq!(elements[1].name, "title");
    assert_eq!(text_of(markup, "title"), label);
    assert_eq!(elements[2].name, "desc");
    let desc = text_of(markup, "desc");
    assert!(
        desc.chars().any(|c| c.is_ascii_digit()),
        "desc states no number: {desc}"
    );
    // Something is drawn.
    assert!(
        elements
            .iter()
            .filter(|e| ["rect", "line", "polyline"].contains(&e.name.as_str()))
            .count()
            >= 3
    );
}
