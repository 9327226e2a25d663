//! Load, then lint, then refuse errors: the step every command that reads a
//! scenario or a flow takes. It lives here, above both, because lint's
//! analyses need the validated model that load produces; load itself only
//! knows that some [`Analyses`] run after validation.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Problem};
use crate::error::{Error, LoadError};
use crate::load::{Analyses, Checked, Loader, PersonaAnalysis};
use crate::model::flow::Flow;
use crate::model::scenario::Scenario;

use super::PersonaCheck;

/// Every lint analysis, as load runs them.
struct Lint;

impl Analyses for Lint {
    fn flow(&self, flow: &Flow) -> Vec<Problem> {
        super::check_flow(flow)
    }

    fn personas<'f>(&self, flow: &'f Flow) -> Box<PersonaAnalysis<'f>> {
        let check = PersonaCheck::new(flow);
        Box::new(move |persona, path| check.check(persona, path))
    }

    fn scenario(&self, scenario: &Scenario) -> Vec<Problem> {
        super::check_scenario(scenario)
    }
}

impl Loader {
    /// Loads a scenario for simulation. Input with errors is refused (with
    /// all its diagnostics); warnings are returned beside the scenario.
    pub fn scenario(&self, file: &Path) -> Result<(Scenario, Vec<Diagnostic>), Error> {
        refuse_errors(self.check_scenario(file)?)
    }

    /// Loads a flow on its own (for `compare --flow`), refusing errors.
    pub fn flow(&self, file: &Path) -> Result<(Flow, Vec<Diagnostic>), Error> {
        refuse_errors(self.check_flow(file)?)
    }

    /// Reads and checks a flow file: validation, graph and WhatsApp rules.
    pub fn check_flow(&self, file: &Path) -> Result<Checked<Flow>, LoadError> {
        self.check_flow_with(file, &Lint)
    }

    /// Reads and checks a scenario with the flow and persona files it names
    /// (relative to the scenario file): each file on its own, then personas
    /// against the flow, then the scenario against both, each with every
    /// lint rule.
    pub fn check_scenario(&self, file: &Path) -> Result<Checked<Scenario>, LoadError> {
        self.check_scenario_with(file, &Lint)
    }
}

/// The value with its warnings, or every diagnostic when there was an error.
fn refuse_errors<T>(checked: Checked<T>) -> Result<(T, Vec<Diagnostic>), Error> {
    match checked.value {
        Some(value) => Ok((value, checked.diagnostics)),
        None => Err(Error::Rejected {
            diagnostics: checked.diagnostics,
        }),
    }
}
