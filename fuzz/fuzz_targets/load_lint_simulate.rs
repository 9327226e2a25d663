//! Loader, lint and a short simulation on arbitrary files.
//!
//! An input is up to three files separated by NUL bytes: a scenario, the
//! flow it names as `flow.yaml` and the persona file it names as
//! `personas.yaml` (the seed corpus in `fuzz/corpus/` is written so).
//! Each file is checked on its own and the scenario with the others; every
//! finding is rendered; a scenario that loads is simulated for one
//! replication when it is short. Nothing may panic, hang or exhaust memory.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rehearse::diagnostic::{render_json, render_text};
use rehearse::report::{Format, Style};
use rehearse::{Loader, RunOptions, simulate};

/// Scenarios with more customers than this are loaded and linted, not
/// simulated: a fuzz run must stay fast, and volume is not what it tests.
const MOST_CUSTOMERS: f64 = 300.0;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |byte| *byte == 0);
    let mut next = || String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let (scenario, flow, personas) = (next(), next(), next());
    let loader = Loader::new()
        .with_file("scenario.yaml", scenario)
        .with_file("flow.yaml", flow)
        .with_file("personas.yaml", personas);

    if let Ok(checked) = loader.check_flow(Path::new("flow.yaml")) {
        let _ = render_text(&checked.diagnostics, true);
    }
    if let Ok(checked) = loader.check_personas(Path::new("personas.yaml")) {
        let _ = render_json(&checked.diagnostics);
    }
    let Ok(checked) = loader.check_scenario(Path::new("scenario.yaml")) else {
        return;
    };
    let _ = render_text(&checked.diagnostics, false);
    let _ = render_json(&checked.diagnostics);
    let Some(scenario) = checked.value else {
        return;
    };
    let customers = scenario.simulated_arrivals();
    if customers > MOST_CUSTOMERS {
        return;
    }
    let options = RunOptions::new()
        .replications(1)
        .expect("1 is a valid count");
    let report = simulate(&scenario, &options, &|| {}).into_report();
    for (format, _) in Format::ALL {
        let mut out = Vec::new();
        let _ = format
            .renderer(Style { color: true })
            .render(std::slice::from_ref(&report), &mut out);
    }
});
