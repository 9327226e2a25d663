//! SARIF 2.1.0, the static-analysis results format that code scanning
//! (GitHub, Azure DevOps, GitLab) reads, so lint findings appear on a pull
//! request.
//!
//! One run whose tool lists the whole rule catalogue (ids are the stable
//! codes, `F01`, so an alert keeps its identity across versions); one result
//! per finding, its file a URI relative to the repository root
//! (`uriBaseId` `%SRCROOT%`), its region the line and column of the key
//! (columns count Unicode code points). Each result carries a fingerprint
//! of its rule, file and key path, which does not move when lines are
//! inserted above it.

use std::path::Path;

use serde_json::{Value, json};

use super::github::relative;
use super::{Diagnostic, Rule, Severity};
use crate::source::printable;

/// The published schema of the format written here.
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// A SARIF 2.1.0 log of `diagnostics`, paths relative to `base` (the
/// repository root).
pub fn render_sarif(diagnostics: &[Diagnostic], base: &Path) -> String {
    let listed = listed_rules(diagnostics);
    let rules: Vec<Value> = listed
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code(),
                "name": rule.name(),
                "shortDescription": {"text": rule.summary()},
                "help": {"text": format!(
                    "{} {}: {}. The guide's lint rules chapter (docs/src/lint-rules.md) has a bad and a fixed example.",
                    rule.code(), rule.name(), rule.summary()
                )},
                "defaultConfiguration": {"level": level(rule.severity())},
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| result(diagnostic, base, &listed))
        .collect();
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rehearse",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    crate::json::to_string(&log)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The catalogue, then each unlisted rule this log uses: a log without an
/// unreadable file lists exactly the catalogue, and indices stay stable.
fn listed_rules(diagnostics: &[Diagnostic]) -> Vec<Rule> {
    let mut listed = Rule::ALL.to_vec();
    if diagnostics
        .iter()
        .any(|diagnostic| diagnostic.rule == Rule::Unreadable)
    {
        listed.push(Rule::Unreadable);
    }
    listed
}

fn result(diagnostic: &Diagnostic, base: &Path, listed: &[Rule]) -> Value {
    let file = relative(&diagnostic.file, base);
    let artifact = if file.starts_with('/') {
        json!({"uri": format!("file://{}", encode(&file))})
    } else {
        json!({"uri": encode(&file), "uriBaseId": "%SRCROOT%"})
    };
    let mut physical = json!({"artifactLocation": artifact});
    if let Some(at) = diagnostic.location {
        physical["region"] = json!({"startLine": at.line, "startColumn": at.column});
    }
    // People read the message (code scanning shows it on the pull
    // request): names in it are shown escaped, as in every output for
    // people. The file and key path stay identifiers (the key path is
    // escaped the same way wherever it is shown).
    let mut text = format!("{}{}", printable(&diagnostic.message), diagnostic.at_key());
    if let Some(help) = &diagnostic.help {
        text.push_str(&format!("\nhelp: {}", printable(help)));
    }
    let rule_index = listed
        .iter()
        .position(|rule| *rule == diagnostic.rule)
        .unwrap_or_default();
    json!({
        "ruleId": diagnostic.rule.code(),
        "ruleIndex": rule_index,
        "level": level(diagnostic.severity),
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {
            "rehearseFinding/v1": fingerprint(&[diagnostic.rule.code(), &file, &diagnostic.path.to_string()]),
        },
    })
}

/// A path as a URI reference: each byte outside the unreserved set and `/`
/// percent-encoded.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// FNV-1a over the parts, as 16 hex digits: stable across runs and
/// platforms (unlike the standard library's hasher).
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            encode("scenarios/my bot/flow.yaml"),
            "scenarios/my%20bot/flow.yaml"
        );
        assert_eq!(encode("a/é.yaml"), "a/%C3%A9.yaml");
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(
            fingerprint(&["F01", "flow.yaml", "nodes.a"]),
            fingerprint(&["F01", "flow.yaml", "nodes.a"])
        );
        assert_ne!(
            fingerprint(&["F01", "a", "b"]),
            fingerprint(&["F01", "ab", ""])
        );
    }
}
