//! Reading the user's files into the validated model.
//!
//! A file is read (only if it is a regular file within the size limit),
//! parsed once into a located YAML tree and deserialised
//! strictly: unknown keys are errors. A file that cannot be read or parsed
//! is a [`LoadError`] naming the file, line, column and key path. Files that
//! parse are then checked as a whole — the model's validators and the lint
//! analyses — and every finding becomes a located [`Diagnostic`]. `run`
//! refuses input with errors and shows warnings; `lint` shows them all.
//!
//! Files can also come from memory ([`Loader::with_file`]) or from
//! anywhere a function can read them ([`Loader::read_with`]): `compare
//! --against` loads a scenario as it is in git without checking anything
//! out. [`Loader::with_flow_file`] puts another flow under every scenario
//! (`compare --flow`).

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, Problem, Rule};
use crate::error::{Error, LoadError, LoadErrorKind};
use crate::lint;
use crate::model::flow::Flow;
use crate::model::flow::spec::FlowSpec;
use crate::model::persona::{MAX_TEMPLATE_CHARS_PER_FILE, Persona, PersonaFileSpec};
use crate::model::scenario::{Scenario, ScenarioSpec};
use crate::source::{Excerpt, KeyPath, Location, excerpt};
use crate::yaml::{self, Document, Value};

/// Files larger than this are refused unless the limit is raised: rehearse
/// files are a few kilobytes, and reading a runaway file (or `/dev/zero`)
/// must not exhaust memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// What checking a file produced: the validated value when there were no
/// errors, and every finding.
#[derive(Debug)]
pub struct Checked<T> {
    /// The validated value, when there were no errors.
    pub value: Option<T>,
    /// Every finding, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file that was read, the checked one first.
    pub files: Vec<PathBuf>,
}

/// What a YAML file holds, judged by its top-level key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Has `scenario:`.
    Scenario,
    /// Has `flow:`.
    Flow,
    /// Has `personas:`.
    Personas,
}

impl FileKind {
    fn name(self) -> &'static str {
        match self {
            FileKind::Scenario => "scenario",
            FileKind::Flow => "flow",
            FileKind::Personas => "persona file",
        }
    }
}

/// The files found under the paths given on the command line.
#[derive(Debug, Default)]
pub struct Discovered {
    /// YAML files with their kinds, each once, in sorted order per path.
    pub files: Vec<(PathBuf, FileKind)>,
    /// Files found in directories and skipped, with why (a saved report, a
    /// CI file): worth a note, not an error.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Reads, parses and checks the user's files.
#[derive(Debug)]
pub struct Loader {
    max_file_size: u64,
    memory: BTreeMap<PathBuf, String>,
    reader: Option<Reader>,
    /// The flow every scenario uses instead of the one it names.
    flow_file: Option<PathBuf>,
    /// Each file is read and parsed once, however often it is referenced.
    sources: RefCell<HashMap<PathBuf, Rc<Source>>>,
}

impl Default for Loader {
    fn default() -> Loader {
        Loader::new()
    }
}

/// Reads a file's text from somewhere other than the disk, refusing texts
/// longer than the limit it is given.
type ReadFn = dyn Fn(&Path, u64) -> std::io::Result<String>;

/// The function a [`Loader`] reads files with, instead of the disk.
struct Reader(Box<ReadFn>);

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("Reader(..)")
    }
}

/// A parsed file, kept so that findings can be located in it.
#[derive(Debug)]
struct Source {
    file: PathBuf,
    text: String,
    document: Document,
    /// Where each line starts, found on the first finding: thousands of
    /// findings in a large file must not each scan it from the top.
    line_starts: OnceCell<Vec<usize>>,
}

/// The longest message or help text a finding shows, in characters. A
/// message quotes names and values from the file; each is cut where it is
/// quoted, and this is the backstop.
const MAX_MESSAGE: usize = 1_000;

impl Loader {
    /// A loader that reads from disk with the default size limit.
    pub fn new() -> Loader {
        Loader {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            memory: BTreeMap::new(),
            reader: None,
            flow_file: None,
            sources: RefCell::new(HashMap::new()),
        }
    }

    /// Refuses files larger than `bytes`.
    pub fn max_file_size(mut self, bytes: u64) -> Loader {
        self.max_file_size = bytes;
        self
    }

    /// Serves `path` from `text` instead of the disk.
    pub fn with_file(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> Loader {
        self.memory.insert(path.into(), text.into());
        self
    }

    /// Reads every file (except those given with [`Loader::with_file`])
    /// with `read` instead of from the disk: `read(path, limit)` returns the
    /// text of `path`, or an error saying why it cannot (`NotFound` for a
    /// file that is not there), and may refuse a text longer than `limit`
    /// bytes (the loader refuses it anyway). Paths are as the loader builds
    /// them: a scenario's flow and persona files are joined to the
    /// scenario's directory. `compare --against` reads files from git this way.
    pub fn read_with(
        mut self,
        read: impl Fn(&Path, u64) -> std::io::Result<String> + 'static,
    ) -> Loader {
        self.reader = Some(Reader(Box::new(read)));
        self
    }

    /// Makes every scenario use the flow in `file` instead of the one it
    /// names (`compare --flow`): the flow's findings are located in `file`,
    /// and the personas and staffing are checked against it.
    pub fn with_flow_file(mut self, file: impl Into<PathBuf>) -> Loader {
        self.flow_file = Some(file.into());
        self
    }

    /// Loads a scenario for simulation. Input with errors is refused (with
    /// all its diagnostics); warnings are returned beside the scenario.
    pub fn scenario(&self, file: &Path) -> Result<(Scenario, Vec<Diagnostic>), Error> {
        let checked = self.check_scenario(file)?;
        match checked.value {
            Some(scenario) => Ok((scenario, checked.diagnostics)),
            None => Err(Error::Rejected {
                diagnostics: checked.diagnostics,
            }),
        }
    }

    /// Loads a flow on its own (for `compare --flow`), refusing errors.
    pub fn flow(&self, file: &Path) -> Result<(Flow, Vec<Diagnostic>), Error> {
        let checked = self.check_flow(file)?;
        match checked.value {
            Some(flow) => Ok((flow, checked.diagnostics)),
            None => Err(Error::Rejected {
                diagnostics: checked.diagnostics,
            }),
        }
    }

    /// Reads and checks a flow file: validation, graph and WhatsApp rules.
    pub fn check_flow(&self, file: &Path) -> Result<Checked<Flow>, LoadError> {
        let source = self.source(file)?;
        let spec: FlowSpec = source.deserialize()?;
        let mut problems = Vec::new();
        let flow = Flow::validate(spec, &mut problems);
        if let Some(flow) = &flow {
            problems.extend(lint::check_flow(flow));
        }
        Ok(Checked {
            value: flow,
            diagnostics: source.diagnose_all(problems),
            files: vec![file.to_path_buf()],
        })
    }

    /// Reads and checks a persona file on its own.
    pub fn check_personas(&self, file: &Path) -> Result<Checked<Vec<Persona>>, LoadError> {
        let source = self.source(file)?;
        let (personas, diagnostics) = personas_of(&source)?;
        Ok(Checked {
            value: personas,
            diagnostics,
            files: vec![file.to_path_buf()],
        })
    }

    /// Reads and checks a scenario with the flow and persona files it names
    /// (relative to the scenario file): each file on its own, then personas
    /// against the flow, then the scenario against both.
    pub fn check_scenario(&self, file: &Path) -> Result<Checked<Scenario>, LoadError> {
        let source = self.source(file)?;
        if let Some(kind) = source.kind().filter(|kind| *kind != FileKind::Scenario) {
            return Err(LoadError::new(
                file,
                LoadErrorKind::NotAScenario(kind.name()),
            ));
        }
        let spec: ScenarioSpec = source.deserialize()?;
        let dir = file.parent().unwrap_or(Path::new(""));
        // A file the scenario names but that cannot be read is reported
        // where the scenario names it.
        // A file the scenario names but that cannot be read (or is refused
        // unread: a pipe, a device, too large) is reported where the
        // scenario names it.
        let referenced = |path: KeyPath, name: &str| {
            let target = dir.join(name);
            self.source(&target).map_err(|error| {
                if error.location.is_none() && error.file == target {
                    source.locate_error(error, &path, name)
                } else {
                    error
                }
            })
        };
        let flow_source = match &self.flow_file {
            Some(file) => self.source(file)?,
            None => referenced(KeyPath::root().key("flow"), &spec.flow)?,
        };
        let flow_spec: FlowSpec = flow_source.deserialize()?;
        let mut problems = Vec::new();
        let flow = Flow::validate(flow_spec, &mut problems);
        if let Some(flow) = &flow {
            problems.extend(lint::check_flow(flow));
        }
        let mut diagnostics = flow_source.diagnose_all(problems);
        let mut files = vec![file.to_path_buf(), flow_source.file.clone()];

        let persona_check = flow.as_ref().map(lint::PersonaCheck::new);
        let mut personas: Option<Vec<Persona>> = Some(Vec::new());
        let mut earlier_names: HashSet<String> = HashSet::new();
        for (index, persona_file) in spec.personas.iter().enumerate() {
            let persona_source =
                referenced(KeyPath::root().key("personas").index(index), persona_file)?;
            let (loaded, found) = personas_of(&persona_source)?;
            diagnostics.extend(found);
            match (loaded, personas.as_mut()) {
                (Some(loaded), Some(all)) => {
                    let first_of_file = all.len();
                    for (i, persona) in loaded.into_iter().enumerate() {
                        if earlier_names.contains(&persona.name) {
                            diagnostics.push(persona_source.diagnose(
                                Problem::new(
                                    Rule::InvalidPersona,
                                    persona_path(i).key("name"),
                                    format!("persona `{}` is also defined in an earlier persona file", persona.name),
                                )
                                .with_help("persona names must be unique across the scenario's persona files"),
                            ));
                        }
                        if let Some(against) = &persona_check {
                            diagnostics.extend(
                                persona_source
                                    .diagnose_all(against.check(&persona, &persona_path(i))),
                            );
                        }
                        all.push(persona);
                    }
                    earlier_names.extend(
                        all[first_of_file..]
                            .iter()
                            .map(|persona| persona.name.clone()),
                    );
                }
                _ => personas = None,
            }
            files.push(persona_source.file.clone());
        }

        let mut problems = Vec::new();
        if spec.personas.is_empty() {
            problems.push(Problem::new(
                Rule::InvalidScenario,
                KeyPath::root().key("personas"),
                "the scenario names no persona files",
            ));
        }
        let has_errors = diagnostics.iter().any(Diagnostic::is_error) || !problems.is_empty();
        let scenario = match (flow, personas) {
            (Some(flow), Some(personas)) if !has_errors => {
                Scenario::validate(spec, flow, personas, &mut problems)
            }
            _ => None,
        };
        if let Some(scenario) = &scenario {
            problems.extend(lint::check_scenario(scenario));
        }
        diagnostics.extend(source.diagnose_all(problems));
        diagnostics.sort();
        diagnostics.dedup();
        let scenario = scenario.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
        Ok(Checked {
            value: scenario,
            diagnostics,
            files,
        })
    }

    /// Expands the paths given on the command line into files and their
    /// kinds: a directory contributes every YAML file below it, in sorted
    /// order. Directory symlinks are not followed (a link to `.` would
    /// otherwise loop), and a file reached twice is listed once.
    pub fn discover(&self, paths: &[PathBuf]) -> Result<Discovered, LoadError> {
        let mut discovered = Discovered::default();
        let mut seen = HashSet::new();
        for path in paths {
            let is_dir = fs::metadata(path).is_ok_and(|meta| meta.is_dir());
            if !is_dir {
                // Named on the command line: its own errors are reported.
                if seen.insert(canonical(path)) {
                    let kind = self
                        .source(path)?
                        .kind()
                        .ok_or_else(|| LoadError::new(path.clone(), LoadErrorKind::Unrecognised))?;
                    discovered.files.push((path.clone(), kind));
                }
                continue;
            }
            let mut files = Vec::new();
            collect_yaml(path, &mut files, &mut discovered.skipped)?;
            files.sort();
            for file in files {
                if !seen.insert(canonical(&file)) {
                    continue;
                }
                match self.source(&file) {
                    Ok(source) => match source.kind() {
                        Some(kind) => discovered.files.push((file, kind)),
                        None => discovered
                            .skipped
                            .push((file, "not a flow, persona file or scenario".to_string())),
                    },
                    Err(error) => match error.kind {
                        // A file that is there but cannot be used as YAML
                        // could be anything; one that looks like ours is an error.
                        LoadErrorKind::Read(_) => {
                            discovered.skipped.push((file, error.to_string()))
                        }
                        _ if looks_like_ours(&file) => return Err(error),
                        _ => discovered
                            .skipped
                            .push((file, "not YAML that rehearse reads".to_string())),
                    },
                }
            }
        }
        Ok(discovered)
    }

    /// The scenarios among `paths` (see [`Loader::discover`]); a file named
    /// on the command line is taken as a scenario, so a flow named there is
    /// told to run its scenario instead.
    pub fn discover_scenarios(&self, paths: &[PathBuf]) -> Result<Discovered, LoadError> {
        let mut scenarios = Discovered::default();
        for path in paths {
            if fs::metadata(path).is_ok_and(|meta| meta.is_dir()) {
                let found = self.discover(std::slice::from_ref(path))?;
                scenarios.files.extend(
                    found
                        .files
                        .into_iter()
                        .filter(|(_, kind)| *kind == FileKind::Scenario),
                );
                scenarios.skipped.extend(found.skipped);
            } else {
                scenarios.files.push((path.clone(), FileKind::Scenario));
            }
        }
        Ok(scenarios)
    }

    /// Where the key at `path` is written in `file`, a file this loader has
    /// already read, with that line as a message shows it: for findings
    /// made after loading, such as a failed expectation. A key the file
    /// does not have falls back to the nearest written ancestor; `None` for
    /// a file this loader has not read.
    pub fn locate(&self, file: &Path, path: &KeyPath) -> Option<(Location, Option<Excerpt>)> {
        let source = Rc::clone(self.sources.borrow().get(file)?);
        let location = source.document.key_location(path);
        let line = source
            .text
            .lines()
            .nth(location.line - 1)
            .map(|line| excerpt(line.trim_start_matches('\u{feff}'), location.column));
        Some((location, line))
    }

    fn source(&self, file: &Path) -> Result<Rc<Source>, LoadError> {
        if let Some(source) = self.sources.borrow().get(file) {
            return Ok(Rc::clone(source));
        }
        let text = match (self.memory.get(file), &self.reader) {
            (Some(text), _) => text.clone(),
            (None, Some(Reader(read))) => {
                let text = read(file, self.max_file_size)
                    .map_err(|error| LoadError::new(file, LoadErrorKind::Read(error)))?;
                if text.len() as u64 > self.max_file_size {
                    return Err(too_large(file, self.max_file_size));
                }
                text
            }
            (None, None) => read_file(file, self.max_file_size)?,
        };
        let source = Rc::new(Source::parse(file, text)?);
        self.sources
            .borrow_mut()
            .insert(file.to_path_buf(), Rc::clone(&source));
        Ok(source)
    }
}

/// Loads a scenario from disk with the default limits (see [`Loader`]).
pub fn load_scenario(file: &Path) -> Result<(Scenario, Vec<Diagnostic>), Error> {
    Loader::new().scenario(file)
}

/// Whether a file's name says it is one of ours, so that its errors matter
/// even when found in a directory.
fn looks_like_ours(file: &Path) -> bool {
    file.file_stem()
        .and_then(|stem| stem.to_str())
        .is_some_and(|stem| stem == "flow" || stem == "personas")
}

/// Reads a regular file of at most `limit` bytes as UTF-8. A FIFO, a device
/// or a directory is refused before it is opened, so nothing blocks or
/// streams forever.
fn read_file(file: &Path, limit: u64) -> Result<String, LoadError> {
    let refuse = |message: String, help: &str| {
        let mut error = LoadError::new(file, LoadErrorKind::Parse(message));
        error.help = Some(help.to_string());
        error
    };
    let meta =
        fs::metadata(file).map_err(|error| LoadError::new(file, LoadErrorKind::Read(error)))?;
    if meta.is_dir() {
        return Err(refuse(
            "this is a directory, not a file".into(),
            "name a YAML file here",
        ));
    }
    if !meta.is_file() {
        return Err(refuse(
            "not a regular file (a pipe, socket or device), so it is not read".into(),
            "name a YAML file here",
        ));
    }
    let too_large = || too_large(file, limit);
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    fs::File::open(file)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|error| LoadError::new(file, LoadErrorKind::Read(error)))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(
            &valid[valid
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |at| at + 1)..],
        )
        .chars()
        .count()
            + 1;
        let mut refused = refuse(
            "the file is not valid UTF-8 text".into(),
            "save the file as UTF-8",
        );
        refused.location = Some(crate::source::Location { line, column });
        refused
    })
}

/// The error for a file above the size limit.
fn too_large(file: &Path, limit: u64) -> LoadError {
    let mut error = LoadError::new(
        file,
        LoadErrorKind::Parse(format!("the file is larger than {limit} bytes, the limit")),
    );
    error.help = Some("rehearse files are a few kilobytes; raise the limit with `--max-file-size BYTES` if this one is meant to be large".to_string());
    error
}

fn canonical(file: &Path) -> PathBuf {
    fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf())
}

/// Every `.yaml`/`.yml` regular file below `dir`, not following symlinks to
/// directories; other entries a user would expect to be read are noted.
fn collect_yaml(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    skipped: &mut Vec<(PathBuf, String)>,
) -> Result<(), LoadError> {
    let read_error = |error| LoadError::new(dir, LoadErrorKind::Read(error));
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(read_error)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()
        .map_err(read_error)?;
    entries.sort();
    for path in entries {
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let is_yaml = path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml");
        if meta.is_dir() {
            collect_yaml(&path, out, skipped)?;
        } else if meta.file_type().is_symlink() {
            match fs::metadata(&path) {
                Ok(target) if target.is_file() && is_yaml => out.push(path),
                Ok(target) if target.is_dir() => skipped.push((
                    path,
                    "a link to a directory: not followed (name it on the command line to use it)"
                        .to_string(),
                )),
                _ => {}
            }
        } else if is_yaml {
            if meta.is_file() {
                out.push(path);
            } else {
                skipped.push((
                    path,
                    "not a regular file (a pipe, socket or device)".to_string(),
                ));
            }
        }
    }
    Ok(())
}

fn personas_of(source: &Source) -> Result<(Option<Vec<Persona>>, Vec<Diagnostic>), LoadError> {
    let spec: PersonaFileSpec = source.deserialize()?;
    let mut problems = Vec::new();
    let mut first_with_name: HashMap<&str, usize> = HashMap::new();
    for (i, persona) in spec.personas.iter().enumerate() {
        if first_with_name.insert(persona.name.as_str(), i).is_some() {
            problems.push(
                Problem::new(Rule::InvalidPersona, persona_path(i).key("name"), format!("persona `{}` is defined twice in this file", persona.name))
                    .with_help("give each persona a name of its own; the mix and the report refer to personas by name"),
            );
        }
    }
    // Each template is bounded where it is read; all of a file's together too.
    let mut expanded = 0usize;
    'templates: for (i, persona) in spec.personas.iter().enumerate() {
        for (g, goal) in persona.goals.iter().enumerate() {
            for (key, template) in &goal.answers {
                expanded += template.expanded_chars();
                if expanded > MAX_TEMPLATE_CHARS_PER_FILE {
                    problems.push(
                        Problem::new(
                            Rule::InvalidPersona,
                            persona_path(i).key("goals").index(g).key("answers").key(key),
                            format!("the answers in this file expand to more than {MAX_TEMPLATE_CHARS_PER_FILE} characters together"),
                        )
                        .with_help("answers are what a customer types: keep them short, or split the personas over several files"),
                    );
                    break 'templates;
                }
            }
        }
    }
    let personas: Option<Vec<Persona>> = spec
        .personas
        .into_iter()
        .enumerate()
        .map(|(i, persona)| Persona::validate(persona, &persona_path(i), &mut problems))
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    Ok((personas, source.diagnose_all(problems)))
}

/// `text` cut to [`MAX_MESSAGE`] characters.
fn bounded(text: String) -> String {
    match crate::source::cut(&text, MAX_MESSAGE) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(cut) => cut,
    }
}

fn persona_path(index: usize) -> KeyPath {
    KeyPath::root().key("personas").index(index)
}

impl Source {
    fn parse(file: &Path, text: String) -> Result<Source, LoadError> {
        match Document::parse(&text) {
            Ok(document) => Ok(Source {
                file: file.to_path_buf(),
                text,
                document,
                line_starts: OnceCell::new(),
            }),
            Err(error) => Err(LoadError {
                file: file.to_path_buf(),
                location: Some(error.at),
                path: None,
                kind: LoadErrorKind::Parse(bounded(error.message)),
                help: error.help.map(bounded),
            }),
        }
    }

    /// What the file holds, by its top-level keys.
    fn kind(&self) -> Option<FileKind> {
        let root = &self.document.root;
        [
            ("scenario", FileKind::Scenario),
            ("flow", FileKind::Flow),
            ("personas", FileKind::Personas),
        ]
        .into_iter()
        .find(|(key, _)| root.get(key).is_some())
        .map(|(_, kind)| kind)
    }

    /// Deserialises the whole file. A file whose top level is not a mapping
    /// is not one of ours: its text is not quoted (it may be anything, such
    /// as a file a scenario names by mistake).
    fn deserialize<T: DeserializeOwned>(&self) -> Result<T, LoadError> {
        let error = |location, path, message: String, help: Option<String>| LoadError {
            file: self.file.clone(),
            location,
            path,
            kind: LoadErrorKind::Parse(message),
            help,
        };
        if self.text.trim_start_matches('\u{feff}').trim().is_empty() {
            return Err(error(None, None, "the file is empty".into(), None));
        }
        if !matches!(self.document.root.value, Value::Mapping(_)) {
            return Err(error(
                None,
                None,
                "this is not a rehearse file: it is not a mapping of keys like `flow:`, `personas:` or `scenario:`".into(),
                Some("check that the path names the file you meant".into()),
            ));
        }
        yaml::de::from_node(&self.document.root)
            .map_err(|e| error(e.at, Some(e.path()), bounded(e.message), None))
    }

    /// A read error of a file this one names, placed where it is named.
    fn locate_error(&self, mut error: LoadError, path: &KeyPath, name: &str) -> LoadError {
        let node = self.document.node(path);
        let reason = match &error.kind {
            LoadErrorKind::Read(io) => io.to_string(),
            LoadErrorKind::Parse(message) => message.clone(),
            LoadErrorKind::Unrecognised | LoadErrorKind::NotAScenario(_) => String::new(),
        };
        let resolved = if error.file == Path::new(name) {
            String::new()
        } else {
            format!(
                " (resolved to {})",
                crate::source::cut(&error.file.display().to_string(), 200)
            )
        };
        error.kind = LoadErrorKind::Parse(format!(
            "cannot read `{}`{resolved}: {reason}",
            crate::source::cut(name, 80)
        ));
        error.location = node.map(|node| node.at);
        error.path = Some(path.clone());
        error.file = self.file.clone();
        error.help = Some(
            error
                .help
                .take()
                .unwrap_or_else(|| "paths are relative to the scenario file".into()),
        );
        error
    }

    /// Locates a finding in this file.
    fn diagnose(&self, problem: Problem) -> Diagnostic {
        let location = self.document.key_location(&problem.path);
        let source_line = self
            .line(location.line)
            .map(|line| excerpt(line.trim_start_matches('\u{feff}'), location.column));
        Diagnostic {
            file: self.file.clone(),
            location: Some(location),
            severity: problem.rule.severity(),
            rule: problem.rule,
            message: bounded(problem.message),
            path: problem.path,
            help: problem.help.map(bounded),
            source_line,
        }
    }

    /// Line `number` (from 1), as `str::lines` would give it.
    fn line(&self, number: usize) -> Option<&str> {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(at, _)| at + 1))
                .filter(|start| *start < self.text.len())
                .collect()
        });
        let start = *starts.get(number.checked_sub(1)?)?;
        let end = starts.get(number).map_or(self.text.len(), |next| next - 1);
        let line = &self.text[start..end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    fn diagnose_all(&self, problems: Vec<Problem>) -> Vec<Diagnostic> {
        problems
            .into_iter()
            .map(|problem| self.diagnose(problem))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOW: &str = "flow: f\nstart: hi\nnodes:\n  hi:\n    say: \"Hi\"\n    end: resolved\n";
    const PERSONAS: &str = "personas:\n  - name: p\n    goals: [{want: hello, says: \"hi\"}]\n";
    const SCENARIO: &str = "scenario: s\nflow: flow.yaml\npersonas: [personas.yaml]\nduration: 1h\narrivals: {poisson: {per_hour: 10}}\n";

    /// Serves the three files above under `v1:dir/`, as `compare --against`
    /// names files at a git revision.
    fn at_revision(path: &Path, _limit: u64) -> std::io::Result<String> {
        match path.to_str() {
            Some("v1:dir/s.yaml") => Ok(SCENARIO.into()),
            Some("v1:dir/flow.yaml") => Ok(FLOW.into()),
            Some("v1:dir/personas.yaml") => Ok(PERSONAS.into()),
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "not at v1",
            )),
        }
    }

    #[test]
    fn files_can_be_read_from_elsewhere_with_the_same_checks() {
        let loader = Loader::new().read_with(at_revision);
        let (scenario, _) = loader.scenario(Path::new("v1:dir/s.yaml")).unwrap();
        assert_eq!(scenario.name(), "s");
        // A file the reader does not have is reported where it is named.
        let missing = Loader::new()
            .read_with(at_revision)
            .with_file("v1:dir/t.yaml", SCENARIO.replace("flow.yaml", "gone.yaml"))
            .check_scenario(Path::new("v1:dir/t.yaml"))
            .unwrap_err();
        let message = missing.to_string();
        assert!(message.contains("cannot read `gone.yaml`"), "{message}");
        assert!(message.contains("not at v1"), "{message}");
        // The size limit holds whatever the reader does.
        let error = Loader::new()
            .max_file_size(20)
            .read_with(at_revision)
            .check_scenario(Path::new("v1:dir/s.yaml"))
            .unwrap_err();
        assert!(
            error.to_string().contains("larger than 20 bytes"),
            "{error}"
        );
    }

    #[test]
    fn another_flow_can_stand_in_for_the_one_a_scenario_names() {
        let other = FLOW.replace("flow: f", "flow: other");
        let loader = Loader::new()
            .with_file("s.yaml", SCENARIO)
            .with_file("flow.yaml", FLOW)
            .with_file("personas.yaml", PERSONAS)
            .with_file("other.yaml", other)
            .with_flow_file("other.yaml");
        let checked = loader.check_scenario(Path::new("s.yaml")).unwrap();
        assert_eq!(checked.value.unwrap().flow().name, "other");
        assert_eq!(checked.files[1], Path::new("other.yaml"));
    }
}
