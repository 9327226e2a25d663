//! Whether two scenarios meet the same customers, the condition for
//! comparing them pair by pair.

use super::Unpaired;
use crate::model::scenario::Scenario;
use crate::sim::RunOptions;

/// Checks that `a` and `b`, run with `options`, meet the same customers:
/// the same seed and number of replications, the same personas in the same
/// mix, the same traffic and the same clock. Flows, staffing, the turn
/// limit and expectations may differ: they are what a comparison is for.
pub fn pairing(a: &Scenario, b: &Scenario, options: &RunOptions) -> Result<(), Unpaired> {
    let mut reasons = Vec::new();
    let (seed_a, seed_b) = (options.seed_for(a), options.seed_for(b));
    if seed_a != seed_b {
        reasons.push(format!(
            "their seeds differ ({seed_a} and {seed_b}), so every customer would be drawn differently (give both the same `seed:`, or pass --seed N)"
        ));
    }
    let (reps_a, reps_b) = (options.replications_for(a), options.replications_for(b));
    if reps_a != reps_b {
        reasons.push(format!(
            "they run {reps_a} and {reps_b} replications (pass --replications N to run the same number)"
        ));
    }
    reasons.extend(personas_differ(a, b));
    if a.arrivals != b.arrivals {
        reasons.push("their `arrivals` differ, so customers would come at other moments".into());
    }
    if a.duration != b.duration {
        reasons.push(format!(
            "their `duration`s differ ({} and {}), so a replication would hold other customers",
            a.duration, b.duration
        ));
    }
    if a.warm_up != b.warm_up {
        reasons.push(format!(
            "their `warm_up`s differ ({} and {}), so counting would start with other customers",
            a.warm_up, b.warm_up
        ));
    }
    if a.clock_start != b.clock_start {
        reasons.push(
            "their `starts_at` differ, so the same arrivals would fall at other times of the week"
                .into(),
        );
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Unpaired { reasons })
    }
}

/// What differs between the two scenarios' personas and mix, if anything.
fn personas_differ(a: &Scenario, b: &Scenario) -> Option<String> {
    let names = |s: &Scenario| -> Vec<String> {
        s.personas
            .items()
            .iter()
            .map(|persona| persona.name.clone())
            .collect()
    };
    let (names_a, names_b) = (names(a), names(b));
    if names_a != names_b {
        let list = |names: &[String]| crate::text::list(names.iter().map(String::as_str));
        return Some(format!(
            "their personas differ: {} against {} (the same personas, in the same order, draw the same customers)",
            list(&names_a),
            list(&names_b)
        ));
    }
    for (index, (pa, pb)) in a
        .personas
        .items()
        .iter()
        .zip(b.personas.items())
        .enumerate()
    {
        let (share_a, share_b) = (a.personas.share(index), b.personas.share(index));
        if share_a != share_b {
            return Some(format!(
                "persona `{}` has a different share of the mix ({:.4} and {:.4})",
                pa.name, share_a, share_b
            ));
        }
        if pa != pb {
            let what = if pa.goals != pb.goals {
                "its goals differ"
            } else if pa.behaviour != pb.behaviour {
                "its behaviour differs"
            } else if pa.satisfaction != pb.satisfaction {
                "its satisfaction differs"
            } else if pa.survey_response != pb.survey_response {
                "its survey_response differs"
            } else if pa.engagement != pb.engagement {
                "its engagement differs"
            } else if pa.returns != pb.returns {
                "its returns differ"
            } else {
                "its segment differs"
            };
            return Some(format!(
                "persona `{}` is defined differently ({what}), so its customers would act differently",
                pa.name
            ));
        }
    }
    None
}
