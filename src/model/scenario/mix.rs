//! The persona mix: who writes in, by share.

use std::cell::OnceCell;
use std::collections::HashMap;

use indexmap::IndexMap;

use crate::diagnostic::{Problem, Rule};
use crate::model::persona::Persona;
use crate::model::weighted::Weighted;
use crate::source::KeyPath;
use crate::text::{Suggestions, list};

/// Shares may be written as 0.6/0.4 or as 0.333 three times; this much slack
/// covers rounding written by hand without hiding a forgotten persona.
const MIX_TOLERANCE: f64 = 0.005;
/// Orders the personas as the mix names them, weighted by their shares.
/// Without a mix, every persona gets an equal share.
pub(super) fn mix(
    shares: &IndexMap<String, f64>,
    personas: Vec<Persona>,
    audience_only: &[&str],
    root: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Option<Weighted<Persona>> {
    if shares.is_empty() {
        if personas.is_empty() {
            problems.push(Problem::new(
                Rule::InvalidScenario,
                root.key("personas"),
                "the persona files define no personas, so there is nobody to simulate",
            ));
            return None;
        }
        return Weighted::equal(personas).ok();
    }
    let names: Vec<String> = personas
        .iter()
        .map(|persona| persona.name.clone())
        .collect();
    // Looked up by name, and suggested from, once for every mix entry: a
    // mix of thousands of personas must not be quadratic.
    let by_name: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(index, name)| (name.as_str(), index))
        .collect();
    let suggestions = OnceCell::new();
    let defined = OnceCell::new();
    let mut personas: Vec<Option<Persona>> = personas.into_iter().map(Some).collect();
    let before = problems.len();
    let mut chosen = Vec::with_capacity(shares.len());
    let mut total = 0.0;
    for (name, share) in shares {
        let path = root.key("mix").key(name);
        if !(0.0..=1.0).contains(share) {
            problems.push(
                Problem::new(
                    Rule::ShareRange,
                    path.clone(),
                    format!("a share is a probability between 0 and 1, got {share}"),
                )
                .with_help("write each share as the fraction of conversations, like 0.25"),
            );
        }
        total += share;
        match by_name
            .get(name.as_str())
            .and_then(|index| personas[*index].take())
        {
            Some(persona) => chosen.push((*share, persona)),
            None => problems.push(
                Problem::new(
                    Rule::UnknownPersona,
                    path,
                    format!(
                        "no persona is called `{name}`{}",
                        suggestions
                            .get_or_init(|| Suggestions::new(names.iter().map(String::as_str)))
                            .did_you_mean(name)
                    ),
                )
                .with_help(format!(
                    "the persona files define {}",
                    defined.get_or_init(|| list(names.iter().map(String::as_str)))
                )),
            ),
        }
    }
    if (total - 1.0).abs() > MIX_TOLERANCE {
        problems.push(
            Problem::new(
                Rule::MixSum,
                root.key("mix"),
                format!("the shares add up to {total}, not 1"),
            )
            .with_help("each share is the fraction of conversations from that persona"),
        );
    }
    if problems.len() > before {
        return None;
    }
    for name in audience_only {
        if let Some(persona) = by_name.get(name).and_then(|index| personas[*index].take()) {
            chosen.push((0.0, persona));
        }
    }
    match Weighted::new(chosen) {
        Ok(weighted) => Some(weighted),
        Err(error) => {
            problems.push(Problem::new(Rule::MixSum, root.key("mix"), error));
            None
        }
    }
}
