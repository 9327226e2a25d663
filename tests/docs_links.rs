//! The README and the guide under `docs/` link into each other: every
//! relative link must name a file that exists, and every `#anchor` a heading
//! of that file, so that moving a section cannot silently break a pointer.
//! Anchors are made from headings as GitHub and mdBook make them. Every
//! chapter of the guide must also be reachable from `docs/src/SUMMARY.md`,
//! or mdBook would never show it.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The repository root: integration tests run with it as working directory,
/// but the manifest directory says so explicitly.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every Markdown file the check covers: the README and all of `docs/`.
fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    let mut directories = vec![root().join("docs")];
    while let Some(directory) = directories.pop() {
        let entries = fs::read_dir(&directory)
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", directory.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                directories.push(path);
            } else if path.extension().is_some_and(|extension| extension == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The lines of `text` outside fenced code blocks, with their line numbers:
/// a `](x)` inside an example is not a link.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence {
            lines.push((index + 1, line));
        }
    }
    lines
}

/// A heading's anchor, as GitHub and mdBook derive it: lower case; letters,
/// digits, `-` and `_` kept; spaces become `-`; everything else (backticks,
/// colons, quotes, brackets) dropped.
fn slug(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|character| {
            if character.is_alphanumeric() || character == '-' || character == '_' {
                Some(character.to_lowercase().collect::<String>())
            } else if character == ' ' {
                Some("-".to_string())
            } else {
                None
            }
        })
        .collect()
}

/// The anchors of a Markdown file's headings; a repeated heading gets `-1`,
/// `-2`, ... as on GitHub and in mdBook.
fn anchors(text: &str) -> HashSet<String> {
    let mut found = HashSet::new();
    for (_, line) in prose_lines(text) {
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let base = slug(heading.trim());
        let mut anchor = base.clone();
        let mut repeat = 0;
        while found.contains(&anchor) {
            repeat += 1;
            anchor = format!("{base}-{repeat}");
        }
        found.insert(anchor);
    }
    found
}

/// The targets of a line's links and images: `](target)` and `src="target"`,
/// without an optional title.
fn link_targets(line: &str) -> Vec<&str> {
    let mut targets = Vec::new();
    for (opening, closing) in [("](", ')'), ("src=\"", '"')] {
        let mut rest = line;
        while let Some(start) = rest.find(opening) {
            rest = &rest[start + opening.len()..];
            let end = rest.find(closing).unwrap_or(rest.len());
            let target = rest[..end].split(' ').next().unwrap_or_default();
            targets.push(target);
            rest = &rest[end..];
        }
    }
    targets
}

/// Every broken relative link of `file`, as `file:line: target: why`.
fn broken_links(file: &Path) -> Vec<String> {
    let text = fs::read_to_string(file).expect("a Markdown file is UTF-8");
    let directory = file.parent().expect("a file has a directory");
    let mut broken = Vec::new();
    for (number, line) in prose_lines(&text) {
        for target in link_targets(line) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target, None),
            };
            let linked = if path.is_empty() {
                file.to_path_buf()
            } else {
                directory.join(path)
            };
            let place = format!("{}:{number}: `{target}`", file.display());
            if !linked.exists() {
                broken.push(format!("{place}: no such file"));
                continue;
            }
            if let Some(anchor) = anchor {
                let linked_text = fs::read_to_string(&linked).unwrap_or_default();
                if !anchors(&linked_text).contains(anchor) {
                    broken.push(format!("{place}: no heading has this anchor"));
                }
            }
        }
    }
    broken
}

#[test]
fn every_link_in_the_readme_and_the_guide_resolves() {
    let broken: Vec<String> = markdown_files()
        .iter()
        .flat_map(|file| broken_links(file))
        .collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_chapter_of_the_guide_is_in_its_summary() {
    let source = root().join("docs/src");
    let summary = fs::read_to_string(source.join("SUMMARY.md")).expect("docs/src/SUMMARY.md");
    let listed: HashSet<PathBuf> = prose_lines(&summary)
        .iter()
        .flat_map(|(_, line)| link_targets(line))
        .map(|target| source.join(target))
        .collect();
    let missing: Vec<String> = markdown_files()
        .into_iter()
        .filter(|file| file.starts_with(&source) && !file.ends_with("SUMMARY.md"))
        .filter(|file| !listed.contains(file))
        .map(|file| file.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "chapters not in docs/src/SUMMARY.md:\n{}",
        missing.join("\n")
    );
}

#[test]
fn anchors_follow_github_and_mdbook() {
    assert_eq!(
        slug("Live mode: rehearse a running bot"),
        "live-mode-rehearse-a-running-bot"
    );
    assert_eq!(slug("The `live:` block"), "the-live-block");
    assert_eq!(slug("F01 unknown-node (error)"), "f01-unknown-node-error");
    let repeated = anchors("# Example\n\n## Example\n\n```\n# not a heading\n```\n");
    assert_eq!(
        repeated,
        HashSet::from(["example".to_string(), "example-1".to_string()])
    );
}
