//! The shape of the source tree, checked from the text of `src/**/*.rs`
//! (nothing is compiled or run): files stay small, layers point one way, and
//! no two files import each other, directly or around a loop.
//!
//! What counts, for all three checks, is a file's *non-test code*: the text
//! before its trailing `#[cfg(test)] mod tests` block. Tests may reach
//! anywhere to set up what they test.
//!
//! An *import* is any path that starts with `crate::`, `super::` or
//! `self::`, in a `use` or inline in code, with comments and string literals
//! removed first. A path names the file of the deepest module it passes
//! through: `crate::model::flow::Flow` is `src/model/flow/mod.rs`. `main.rs`
//! is its own crate and is left out.
//!
//! A module's own submodules are part of it: a file using its descendants
//! (`mod.rs` re-exporting or calling its children) is not an edge of the
//! cycle check, while a child using its parent is. So the usual Rust shape —
//! a parent facade over children that share the parent's types — is not a
//! cycle, but two siblings using each other are, as is a child whose parent
//! is reached back through a third file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// No file has more non-test lines than this.
const MAX_NON_TEST_LINES: usize = 700;

/// `(importer, imported)`: top-level modules the first must never import
/// from the second, because the second sits above it.
const FORBIDDEN: &[(&str, &str)] = &[
    // The simulation produces tallies; reports are drawn from them.
    ("sim", "report"),
    // Tallies are plain counters the simulation fills, not the other way.
    ("tally", "sim"),
    // Metrics are defined over tallies and reports, not over the model.
    ("metric", "model"),
    // Lint runs its checks on what load produced.
    ("load", "lint"),
];

/// One source file of the library.
struct SourceFile {
    /// Relative to the repository, for messages: `src/sim/agents.rs`.
    path: String,
    /// Its module path: `["sim", "agents"]`; empty for `lib.rs`.
    module: Vec<String>,
    /// The text before the trailing test module.
    non_test: String,
}

#[test]
fn no_file_has_over_700_lines_of_non_test_code() {
    let too_long: Vec<String> = sources()
        .iter()
        .map(|file| (file, file.non_test.lines().count()))
        .filter(|(_, lines)| *lines > MAX_NON_TEST_LINES)
        .map(|(file, lines)| format!("{}: {lines} lines", file.path))
        .collect();
    assert!(
        too_long.is_empty(),
        "over {MAX_NON_TEST_LINES} lines of non-test code (split by concept):\n{}",
        too_long.join("\n")
    );
}

#[test]
fn layers_point_one_way() {
    let mut crossings = Vec::new();
    for file in &sources() {
        let Some(layer) = file.module.first() else {
            continue;
        };
        for path in imports(file) {
            let Some(target) = path.first() else { continue };
            if FORBIDDEN.contains(&(layer.as_str(), target.as_str())) {
                crossings.push(format!("{} imports crate::{}", file.path, path.join("::")));
            }
        }
    }
    crossings.sort();
    crossings.dedup();
    assert!(
        crossings.is_empty(),
        "imports against the layers:\n{}",
        crossings.join("\n")
    );
}

#[test]
fn no_import_cycles_between_files() {
    let files = sources();
    let by_module: BTreeMap<&[String], &str> = files
        .iter()
        .map(|file| (file.module.as_slice(), file.path.as_str()))
        .collect();
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for file in &files {
        let from = edges.entry(file.path.as_str()).or_default();
        for path in imports(file) {
            let Some(target) = deepest_module(&path, &by_module) else {
                continue;
            };
            let into_own_subtree = target.starts_with(file.module.as_slice());
            if !into_own_subtree {
                from.insert(by_module[target]);
            }
        }
    }
    let cycles: Vec<String> = strongly_connected(&edges)
        .into_iter()
        .filter(|component| component.len() > 1)
        .map(|component| component.join(" <-> "))
        .collect();
    assert!(
        cycles.is_empty(),
        "files that import each other (directly or around a loop):\n{}",
        cycles.join("\n")
    );
}

/// The tests of this file's own machinery: each check must be able to fail.
#[test]
fn the_checks_see_what_they_should() {
    let file = parse(
        "src/sim/agents.rs",
        "use crate::{report::{self, Report}, tally::Tally};\n\
         // use crate::lint::nothing;\n\
         fn f() { let s = \"crate::lint::nothing\"; super::clock::now(); }\n\
         #[cfg(test)]\nmod tests {\n    use crate::load::Loader;\n}\n",
    );
    let found: Vec<String> = imports(&file).iter().map(|path| path.join("::")).collect();
    assert_eq!(
        found,
        [
            "report",
            "report::Report",
            "tally::Tally",
            "sim::clock::now"
        ]
    );
    assert_eq!(file.non_test.lines().count(), 3);

    let lib = parse("src/lib.rs", "");
    let sim = parse("src/sim/mod.rs", "");
    let clock = parse("src/sim/clock.rs", "");
    assert_eq!(sim.module, ["sim"]);
    assert_eq!(clock.module, ["sim", "clock"]);
    let by_module: BTreeMap<&[String], &str> = [&lib, &sim, &clock]
        .into_iter()
        .map(|file| (file.module.as_slice(), file.path.as_str()))
        .collect();
    let path = |text: &str| text.split("::").map(String::from).collect::<Vec<_>>();
    assert_eq!(
        deepest_module(&path("sim::clock::Clock::now"), &by_module),
        Some(clock.module.as_slice())
    );
    assert_eq!(
        deepest_module(&path("Error"), &by_module),
        Some(lib.module.as_slice())
    );

    let edges: BTreeMap<&str, BTreeSet<&str>> = [
        ("a", BTreeSet::from(["b"])),
        ("b", BTreeSet::from(["c"])),
        ("c", BTreeSet::from(["a"])),
        ("d", BTreeSet::from(["a"])),
    ]
    .into_iter()
    .collect();
    let mut components = strongly_connected(&edges);
    components.sort();
    assert_eq!(components, [vec!["a", "b", "c"], vec!["d"]]);
}

/// Every `.rs` file under `src/`, except the binary's `main.rs`.
fn sources() -> Vec<SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    collect_rust_files(&root.join("src"), &mut paths);
    paths.sort();
    let files: Vec<SourceFile> = paths
        .iter()
        .filter(|path| !path.ends_with("src/main.rs"))
        .map(|path| {
            let relative = path.strip_prefix(root).expect("under the repository");
            let text = fs::read_to_string(path).expect("source files are UTF-8");
            parse(&relative.to_string_lossy(), &text)
        })
        .collect();
    assert!(files.len() > 20, "found the sources");
    files
}

fn collect_rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("src/ is readable").path();
        if path.is_dir() {
            collect_rust_files(&path, into);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            into.push(path);
        }
    }
}

/// `path` is relative to the repository and uses `/`.
fn parse(path: &str, text: &str) -> SourceFile {
    let inside_src = path.strip_prefix("src/").expect("a file under src/");
    let mut module: Vec<String> = inside_src
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
        module.pop();
    }
    SourceFile {
        path: path.to_string(),
        module,
        non_test: before_tests(text).to_string(),
    }
}

/// The text before the last top-level `#[cfg(test)]` that opens
/// `mod tests`, or all of it.
fn before_tests(text: &str) -> &str {
    let mut end = text.len();
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let opens_tests = line.trim_end() == "#[cfg(test)]"
            && lines[i + 1..]
                .iter()
                .find(|next| !next.trim().is_empty())
                .is_some_and(|next| next.starts_with("mod tests"));
        if opens_tests {
            end = offset;
        }
        offset += line.len();
    }
    &text[..end]
}

/// Every path of `file`'s non-test code that starts at `crate`, `super` or
/// `self`, made absolute (without the leading `crate`) and with `use`
/// groups expanded: `use crate::a::{b, c::d}` gives `a::b` and `a::c::d`.
fn imports(file: &SourceFile) -> Vec<Vec<String>> {
    let tokens = tokenize(&without_comments_and_strings(&file.non_test));
    let mut paths = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let starts_path = matches!(tokens[i].as_str(), "crate" | "super" | "self")
            && tokens.get(i + 1).is_some_and(|next| next == "::")
            && (i == 0 || tokens[i - 1] != "::");
        if starts_path {
            let mut relative = Vec::new();
            i = use_tree(&tokens, i, &mut Vec::new(), &mut relative);
            paths.extend(
                relative
                    .into_iter()
                    .filter_map(|path| absolute(&file.module, &path)),
            );
        } else {
            i += 1;
        }
    }
    paths
}

/// Resolves `crate`/`super`/`self` against the importing module. The module
/// of `a/mod.rs` and of `a.rs` is `a`, of `a/b.rs` is `a::b`; in each,
/// `self` is that module and `super` its parent.
fn absolute(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut resolved: Vec<String> = Vec::new();
    let mut segments = path.iter().peekable();
    match segments.peek().map(|first| first.as_str()) {
        Some("crate") => {
            segments.next();
        }
        Some("self" | "super") => resolved = module.to_vec(),
        _ => return None,
    }
    for segment in segments {
        match segment.as_str() {
            "self" => {}
            // Above the crate root is another crate: not ours to check.
            "super" => {
                resolved.pop()?;
            }
            _ => resolved.push(segment.clone()),
        }
    }
    Some(resolved)
}

/// Parses one use tree from `tokens[i]`, appending each complete path to
/// `into`; returns the index after it.
fn use_tree(
    tokens: &[String],
    mut i: usize,
    prefix: &mut Vec<String>,
    into: &mut Vec<Vec<String>>,
) -> usize {
    let depth = prefix.len();
    loop {
        match tokens.get(i).map(String::as_str) {
            Some("{") => {
                i += 1;
                while tokens.get(i).is_some_and(|token| token != "}") {
                    i = use_tree(tokens, i, prefix, into);
                    if tokens.get(i).is_some_and(|token| token == ",") {
                        i += 1;
                    }
                }
                prefix.truncate(depth);
                return i + 1;
            }
            Some("*") => {
                into.push(prefix.clone());
                prefix.truncate(depth);
                return i + 1;
            }
            Some(name) if is_identifier(name) => {
                prefix.push(name.to_string());
                i += 1;
                if tokens.get(i).is_some_and(|token| token == "::") {
                    i += 1;
                    continue;
                }
                into.push(prefix.clone());
                // `as alias` renames the last segment; the path is the same.
                if tokens.get(i).is_some_and(|token| token == "as") {
                    i += 2;
                }
                prefix.truncate(depth);
                return i;
            }
            _ => {
                if prefix.len() > depth {
                    into.push(prefix.clone());
                }
                prefix.truncate(depth);
                return i;
            }
        }
    }
}

fn is_identifier(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|first| first.is_alphabetic() || first == '_')
}

/// Identifiers, `::`, and every other character as its own token.
fn tokenize(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push("::".to_string());
            i += 2;
        } else {
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
            i += 1;
        }
    }
    tokens
}

/// The text with comments, string literals and character literals blanked,
/// so a path written in a doc comment or a message is not an import.
fn without_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && matches!(next, Some('"' | '#')) && !previous_is_identifier(&chars, i)
        {
            // A raw string: r"…", r#"…"#, with any number of `#`.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < chars.len() {
                if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1b}') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn previous_is_identifier(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// The longest prefix of `path` that is a module with a file of its own.
fn deepest_module<'a>(
    path: &[String],
    by_module: &BTreeMap<&'a [String], &str>,
) -> Option<&'a [String]> {
    (0..=path.len()).rev().find_map(|len| {
        by_module
            .get_key_value(&path[..len])
            .map(|(module, _)| *module)
    })
}

/// Tarjan's strongly connected components, each sorted.
fn strongly_connected<'a>(edges: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Vec<Vec<&'a str>> {
    struct Walk<'a, 'e> {
        edges: &'e BTreeMap<&'a str, BTreeSet<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        components: Vec<Vec<&'a str>>,
    }
    impl<'a> Walk<'a, '_> {
        fn visit(&mut self, node: &'a str) {
            let order = self.index.len();
            self.index.insert(node, order);
            self.low.insert(node, order);
            self.stack.push(node);
            self.on_stack.insert(node);
            let edges = self.edges;
            for &next in edges.get(node).into_iter().flatten() {
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack.remove(member);
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                component.sort();
                self.components.push(component);
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for &node in edges.keys() {
        if !walk.index.contains_key(node) {
            walk.visit(node);
        }
    }
    walk.components
}
