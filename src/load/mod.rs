//! Reading the user's files into the validated model.
//!
//! A file is read (only if it is a regular file within the size limit),
//! parsed once into a located YAML tree and deserialised
//! strictly: unknown keys are errors. A file that cannot be read or parsed
//! is a [`LoadError`] naming the file, line, column and key path. Files that
//! parse are then checked as a whole — the model's validators, then the
//! analyses the caller passes in (`Analyses`) — and every finding becomes
//! a located [`Diagnostic`]. `run` refuses input with errors and shows
//! warnings; `lint` shows them all.
//!
//! This layer knows how to find, read, validate and locate; which analyses
//! run is decided above it. Lint's analyses are added by the lint layer,
//! which also provides the methods most callers use ([`Loader::scenario`],
//! [`Loader::check_scenario`], [`Loader::flow`], [`Loader::check_flow`]):
//! load never imports lint.
//!
//! Files can also come from memory ([`Loader::with_file`]) or from
//! anywhere a function can read them ([`Loader::read_with`]): `compare
//! --against` loads a scenario as it is in git without checking anything
//! out. [`Loader::with_flow_file`] puts another flow under every scenario
//! (`compare --flow`).

mod files;
mod source;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::diagnostic::{Diagnostic, Problem, Rule};
use crate::error::{LoadError, LoadErrorKind};
use crate::model::flow::Flow;
use crate::model::flow::spec::FlowSpec;
use crate::model::persona::{MAX_TEMPLATE_CHARS_PER_FILE, Persona, PersonaFileSpec};
use crate::model::scenario::{Scenario, ScenarioSpec};
use crate::source::{Excerpt, KeyPath, Location, excerpt};
use files::{read_file, too_large};
use source::Source;

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
    /// Files that cannot be used: they do not parse, cannot be read, or
    /// (named on the command line) are not rehearse files. Each is an
    /// error for every command, never a reason to skip the file.
    pub errors: Vec<LoadError>,
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

/// The analyses run on what the model's validators accepted: the findings
/// that need the whole, valid picture (lint's rules). Load locates what they
/// find in the right file; the layer above decides what they are.
pub(crate) trait Analyses {
    /// Findings about a valid flow, located in the flow file.
    fn flow(&self, flow: &Flow) -> Vec<Problem>;

    /// A check of personas against `flow`, prepared once per flow because
    /// a scenario may name thousands of personas. Its findings are located
    /// at `path`, the persona's place in its file.
    fn personas<'f>(&self, flow: &'f Flow) -> Box<PersonaAnalysis<'f>>;

    /// Findings about a valid scenario, located in the scenario file.
    fn scenario(&self, scenario: &Scenario) -> Vec<Problem>;
}

/// Checks one persona against the flow it was prepared for (see
/// [`Analyses::personas`]).
pub(crate) type PersonaAnalysis<'f> = dyn Fn(&Persona, &KeyPath) -> Vec<Problem> + 'f;

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

    /// Reads and checks a flow file: validation, then `analyses`.
    pub(crate) fn check_flow_with(
        &self,
        file: &Path,
        analyses: &dyn Analyses,
    ) -> Result<Checked<Flow>, LoadError> {
        let source = self.source(file)?;
        let spec: FlowSpec = source.deserialize()?;
        let mut problems = Vec::new();
        let flow = Flow::validate(spec, &mut problems);
        if let Some(flow) = &flow {
            problems.extend(analyses.flow(flow));
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
    /// against the flow, then the scenario against both; `analyses` run on
    /// each part the validators accept.
    pub(crate) fn check_scenario_with(
        &self,
        file: &Path,
        analyses: &dyn Analyses,
    ) -> Result<Checked<Scenario>, LoadError> {
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
            problems.extend(analyses.flow(flow));
        }
        let mut diagnostics = flow_source.diagnose_all(problems);
        let mut files = vec![file.to_path_buf(), flow_source.file.clone()];

        let persona_check = flow.as_ref().map(|flow| analyses.personas(flow));
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
                                persona_source.diagnose_all(against(&persona, &persona_path(i))),
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
        // The check borrows the flow, which the scenario takes next.
        drop(persona_check);

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
            problems.extend(analyses.scenario(scenario));
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

fn persona_path(index: usize) -> KeyPath {
    KeyPath::root().key("personas").index(index)
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
