//! Reading the user's files into the validated model.
//!
//! Parsing is strict (unknown keys are errors) and a file that cannot be
//! parsed is a [`LoadError`] naming the file, line, column and key path.
//! Files that parse are then checked as a whole — the model's validators and
//! the lint analyses — and every finding becomes a located
//! [`Diagnostic`]. `rehearse run` refuses input with errors and shows
//! warnings; `rehearse lint` shows them all.

use std::cell::OnceCell;
use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Error, LoadError, LoadErrorKind};
use crate::lint::{self, Diagnostic};
use crate::model::Problem;
use crate::model::flow::{Flow, FlowSpec};
use crate::model::persona::{Persona, PersonaFileSpec};
use crate::model::scenario::{Scenario, ScenarioSpec};
use crate::rule::Rule;
use crate::source::{KeyPath, Location, SourceMap};

/// What checking a file produced: the validated value when there were no
/// errors, and every finding.
#[derive(Debug)]
pub struct Checked<T> {
    pub value: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every file that was read, the checked one first.
    pub files: Vec<PathBuf>,
}

/// A file's text, kept so that findings can be located in it.
struct Source {
    file: PathBuf,
    text: String,
    map: OnceCell<SourceMap>,
}

impl Source {
    fn read(file: &Path) -> Result<Source, LoadError> {
        fs::read_to_string(file)
            .map(|text| Source {
                file: file.to_path_buf(),
                text,
                map: OnceCell::new(),
            })
            .map_err(|error| LoadError {
                file: file.to_path_buf(),
                location: None,
                path: None,
                kind: LoadErrorKind::Read(error),
            })
    }

    /// Deserialises the whole file, recording the key path of any error.
    fn parse<T: DeserializeOwned>(&self) -> Result<T, LoadError> {
        let deserializer = serde_yaml::Deserializer::from_str(&self.text);
        serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let path = KeyPath::from_serde(error.path());
            let inner = error.into_inner();
            let location = inner.location().map(|at| Location {
                line: at.line(),
                column: at.column(),
            });
            // serde_yaml appends " at line L column C"; we show the place up front.
            let mut message = inner.to_string();
            if let Some(at) = inner.location() {
                let suffix = format!(" at line {} column {}", at.line(), at.column());
                if let Some(stripped) = message.strip_suffix(&suffix) {
                    message = stripped.to_string();
                }
            }
            // serde_yaml also starts the message with the path of the enclosing
            // mapping ("nodes.welcome: unknown field ..."); we show the full
            // path already, so drop that prefix when it is one of ours.
            let shown_path = path.to_string();
            if let Some((head, rest)) = message.split_once(": ")
                && !head.is_empty()
                && shown_path.starts_with(head)
            {
                message = rest.to_string();
            }
            if self.text.trim().is_empty() {
                message = "the file is empty".to_string();
            }
            LoadError {
                file: self.file.clone(),
                location,
                path: Some(path),
                kind: LoadErrorKind::Parse(message),
            }
        })
    }

    /// Locates a finding in this file.
    fn diagnose(&self, problem: Problem) -> Diagnostic {
        let location = self
            .map
            .get_or_init(|| SourceMap::parse(&self.text))
            .key(&problem.path);
        let source_line = location
            .and_then(|at| self.text.lines().nth(at.line - 1))
            .map(str::to_string);
        Diagnostic {
            file: self.file.clone(),
            location,
            severity: problem.rule.severity(),
            rule: problem.rule,
            message: problem.message,
            path: problem.path,
            help: problem.help,
            source_line,
        }
    }

    fn diagnose_all(&self, problems: Vec<Problem>) -> Vec<Diagnostic> {
        problems
            .into_iter()
            .map(|problem| self.diagnose(problem))
            .collect()
    }
}

/// Reads and checks a flow file: validation, graph and WhatsApp rules.
pub fn check_flow(file: &Path) -> Result<Checked<Flow>, LoadError> {
    let source = Source::read(file)?;
    let spec: FlowSpec = source.parse()?;
    let mut problems = Vec::new();
    let flow = Flow::check(spec, &mut problems);
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
pub fn check_personas(file: &Path) -> Result<Checked<Vec<Persona>>, LoadError> {
    let source = Source::read(file)?;
    let (personas, diagnostics) = personas_of(&source)?;
    Ok(Checked {
        value: personas,
        diagnostics,
        files: vec![file.to_path_buf()],
    })
}

fn personas_of(source: &Source) -> Result<(Option<Vec<Persona>>, Vec<Diagnostic>), LoadError> {
    let spec: PersonaFileSpec = source.parse()?;
    let mut problems = Vec::new();
    for (i, persona) in spec.personas.iter().enumerate() {
        if spec.personas[..i]
            .iter()
            .any(|earlier| earlier.name == persona.name)
        {
            problems.push(
                Problem::new(Rule::InvalidPersona, persona_path(i).key("name"), format!("persona `{}` is defined twice in this file", persona.name))
                    .with_help("give each persona a name of its own; the mix and the report refer to personas by name"),
            );
        }
    }
    let personas: Option<Vec<Persona>> = spec
        .personas
        .into_iter()
        .enumerate()
        .map(|(i, persona)| Persona::check(persona, &persona_path(i), &mut problems))
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    Ok((personas, source.diagnose_all(problems)))
}

fn persona_path(index: usize) -> KeyPath {
    KeyPath::root().key("personas").index(index)
}

/// Reads and checks a scenario with the flow and persona files it names
/// (relative to the scenario file): each file on its own, then personas
/// against the flow, then the scenario against both.
pub fn check_scenario(file: &Path) -> Result<Checked<Scenario>, LoadError> {
    let source = Source::read(file)?;
    let spec: ScenarioSpec = source.parse()?;
    let dir = file.parent().unwrap_or(Path::new(""));
    let flow = check_flow(&dir.join(&spec.flow))?;
    let mut diagnostics = flow.diagnostics;
    let mut files = vec![file.to_path_buf()];
    files.extend(flow.files);

    let persona_check = flow.value.as_ref().map(lint::PersonaCheck::new);
    let mut personas: Option<Vec<Persona>> = Some(Vec::new());
    for persona_file in &spec.personas {
        let persona_source = Source::read(&dir.join(persona_file))?;
        let (loaded, found) = personas_of(&persona_source)?;
        diagnostics.extend(found);
        match (loaded, personas.as_mut()) {
            (Some(loaded), Some(all)) => {
                let from_earlier_files = all.len();
                for (i, persona) in loaded.into_iter().enumerate() {
                    if all[..from_earlier_files]
                        .iter()
                        .any(|known: &Persona| known.name == persona.name)
                    {
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
                            persona_source.diagnose_all(against.check(&persona, &persona_path(i))),
                        );
                    }
                    all.push(persona);
                }
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
    let scenario = match (flow.value, personas) {
        (Some(flow), Some(personas)) if !has_errors => {
            Scenario::assemble(spec, flow, personas, &mut problems)
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

/// Loads a scenario for simulation. Input with errors is refused (with all
/// its diagnostics); warnings are returned beside the scenario.
pub fn load_scenario(file: &Path) -> Result<(Scenario, Vec<Diagnostic>), Error> {
    let checked = check_scenario(file)?;
    match checked.value {
        Some(scenario) => Ok((scenario, checked.diagnostics)),
        None => Err(Error::Rejected {
            diagnostics: checked.diagnostics,
        }),
    }
}

/// What a YAML file holds, judged by its top-level key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Scenario,
    Flow,
    Personas,
}

/// Expands the paths given on the command line into files and their kinds:
/// a directory contributes every YAML file below it, in sorted order.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<(PathBuf, FileKind)>, LoadError> {
    let mut found = Vec::new();
    for path in paths {
        let mut files = Vec::new();
        if path.is_dir() {
            collect_yaml(path, &mut files)?;
            files.sort();
        } else {
            files.push(path.clone());
        }
        for file in files {
            let kind = kind_of(&file)?;
            found.push((file, kind));
        }
    }
    Ok(found)
}

/// The scenarios among `paths` (see [`discover`]).
pub fn discover_scenarios(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut scenarios = Vec::new();
    for path in paths {
        if path.is_dir() {
            let found = discover(std::slice::from_ref(path))?;
            scenarios.extend(
                found
                    .into_iter()
                    .filter(|(_, kind)| *kind == FileKind::Scenario)
                    .map(|(file, _)| file),
            );
        } else {
            // A file named on the command line is taken as a scenario, so its
            // own errors are reported as such.
            scenarios.push(path.clone());
        }
    }
    Ok(scenarios)
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let read_error = |error| LoadError {
        file: dir.to_path_buf(),
        location: None,
        path: None,
        kind: LoadErrorKind::Read(error),
    };
    for entry in fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            out.push(path);
        }
    }
    Ok(())
}

fn kind_of(file: &Path) -> Result<FileKind, LoadError> {
    let source = Source::read(file)?;
    let value: serde_yaml::Value = source.parse()?;
    [
        ("scenario", FileKind::Scenario),
        ("flow", FileKind::Flow),
        ("personas", FileKind::Personas),
    ]
    .into_iter()
    .find(|(key, _)| value.get(key).is_some())
    .map(|(_, kind)| kind)
    .ok_or_else(|| LoadError {
        file: file.to_path_buf(),
        location: None,
        path: None,
        kind: LoadErrorKind::Unrecognised,
    })
}
