//! Reading the user's files into the validated model.
//!
//! Parsing is strict (unknown keys are errors) and every error names the
//! file, the line and column, and the key path, so the user can go straight
//! to the mistake.

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{LoadError, LoadErrorKind};
use crate::model::Problem;
use crate::model::flow::{Flow, FlowSpec};
use crate::model::persona::{Persona, PersonaFileSpec};
use crate::model::scenario::{Scenario, ScenarioSpec};
use crate::source::{KeyPath, SourceMap};

/// A file's text, kept so that later problems can be located in it.
struct Source {
    file: PathBuf,
    text: String,
}

impl Source {
    fn read(file: &Path) -> Result<Source, LoadError> {
        fs::read_to_string(file)
            .map(|text| Source {
                file: file.to_path_buf(),
                text,
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
            let location = inner.location().map(|at| crate::source::Location {
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

    /// Turns a problem found after parsing into an error pointing at its key.
    fn problem(&self, problem: Problem) -> LoadError {
        let location = SourceMap::parse(&self.text).key(&problem.path);
        LoadError {
            file: self.file.clone(),
            location,
            path: Some(problem.path),
            kind: LoadErrorKind::Invalid {
                message: problem.message,
                help: problem.help,
            },
        }
    }
}

/// Loads and validates a flow file.
pub fn load_flow(file: &Path) -> Result<Flow, LoadError> {
    let source = Source::read(file)?;
    let spec: FlowSpec = source.parse()?;
    Flow::from_spec(spec).map_err(|problem| source.problem(problem))
}

/// Loads and validates a persona file.
pub fn load_personas(file: &Path) -> Result<Vec<Persona>, LoadError> {
    let source = Source::read(file)?;
    let spec: PersonaFileSpec = source.parse()?;
    spec.personas
        .into_iter()
        .enumerate()
        .map(|(i, persona)| {
            Persona::from_spec(persona, &KeyPath::root().key("personas").index(i))
                .map_err(|problem| source.problem(problem))
        })
        .collect()
}

/// Loads a scenario with the flow and persona files it names (relative to
/// the scenario file), and checks that they fit together.
pub fn load_scenario(file: &Path) -> Result<Scenario, LoadError> {
    let source = Source::read(file)?;
    let spec: ScenarioSpec = source.parse()?;
    let dir = file.parent().unwrap_or(Path::new(""));
    let flow = load_flow(&dir.join(&spec.flow))?;

    let mut personas: Vec<Persona> = Vec::new();
    for persona_file in &spec.personas {
        let persona_file = dir.join(persona_file);
        let loaded = load_personas(&persona_file)?;
        for (i, persona) in loaded.into_iter().enumerate() {
            if personas.iter().any(|known| known.name == persona.name) {
                let persona_source = Source::read(&persona_file)?;
                return Err(persona_source.problem(
                    Problem::new(
                        KeyPath::root().key("personas").index(i).key("name"),
                        format!("persona `{}` is defined twice", persona.name),
                    )
                    .with_help("persona names must be unique across the scenario's persona files"),
                ));
            }
            personas.push(persona);
        }
    }
    if personas.is_empty() {
        return Err(source.problem(Problem::new(
            KeyPath::root().key("personas"),
            "the scenario names no personas",
        )));
    }
    Scenario::assemble(spec, flow, personas).map_err(|problem| source.problem(problem))
}

/// Expands the paths given on the command line: a file is taken as a
/// scenario; a directory contributes every YAML file below it that is a
/// scenario (a mapping with a `scenario:` key), in sorted order.
pub fn discover_scenarios(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut files = Vec::new();
            collect_yaml(path, &mut files)?;
            files.sort();
            for file in files {
                if is_scenario(&file)? {
                    found.push(file);
                }
            }
        } else {
            found.push(path.clone());
        }
    }
    Ok(found)
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

fn is_scenario(file: &Path) -> Result<bool, LoadError> {
    let source = Source::read(file)?;
    let value: serde_yaml::Value = source.parse()?;
    Ok(value.get("scenario").is_some())
}
