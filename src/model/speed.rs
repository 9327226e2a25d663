//! Reading and typing speeds: one number for every script, or one per
//! script ([`Script`]) for customers who read two alphabets at different
//! speeds.
//!
//! ```yaml
//! behaviour:
//!   reading_wpm: 240                                  # every script alike
//!   reading_wpm: {latin: 240, arabic: 180, other: 200}
//!   typing_wpm: {latin: 36, arabic: 30, other: 30}
//! ```
//!
//! A map must give `other`: the speed for the scripts it does not name
//! and for text with no letters. Reading a message takes, over scripts,
//! the sum of its words in that script divided by that script's speed;
//! typing, likewise with the typed text's characters, five to a word. How
//! words and characters are given a script is in [`super::script`].

use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor, value::MapAccessDeserializer};

use super::Millis;
use super::script::{Script, ScriptCounts};
use crate::diagnostic::{Problem, Rule};
use crate::source::KeyPath;

/// The slowest reading or typing speed, in words per minute.
pub const MIN_WPM: f64 = 1.0;
/// The fastest reading or typing speed, in words per minute.
pub const MAX_WPM: f64 = 10_000.0;

/// A "word" for typing speed is five characters, as in typing tests.
pub const CHARS_PER_TYPED_WORD: f64 = 5.0;

/// A speed as written: a number, or a map from script to number.
#[derive(Debug, Clone)]
pub(crate) enum SpeedSpec {
    Every(f64),
    ByScript(IndexMap<String, f64>),
}

struct SpeedVisitor;

impl<'de> Visitor<'de> for SpeedVisitor {
    type Value = SpeedSpec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "words per minute, like `240`, or one speed per script, like `{latin: 240, arabic: 180, other: 200}`",
        )
    }

    fn visit_f64<E: de::Error>(self, wpm: f64) -> Result<SpeedSpec, E> {
        Ok(SpeedSpec::Every(wpm))
    }

    fn visit_u64<E: de::Error>(self, wpm: u64) -> Result<SpeedSpec, E> {
        Ok(SpeedSpec::Every(wpm as f64))
    }

    fn visit_i64<E: de::Error>(self, wpm: i64) -> Result<SpeedSpec, E> {
        Ok(SpeedSpec::Every(wpm as f64))
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<SpeedSpec, M::Error> {
        IndexMap::deserialize(MapAccessDeserializer::new(map)).map(SpeedSpec::ByScript)
    }
}

impl<'de> Deserialize<'de> for SpeedSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SpeedVisitor)
    }
}

/// A reading or typing speed in words per minute, validated: every value
/// within [`MIN_WPM`]..=[`MAX_WPM`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Speed {
    /// The same speed for every script. A map that gives every script the
    /// same speed is this too, so it takes exactly the time the number does.
    Every(f64),
    /// A speed per script, in [`Script::ALL`] order; scripts the map did
    /// not name have `other`'s.
    ByScript([f64; Script::COUNT]),
}

impl Speed {
    /// The speed written under `key` at `parent` (a persona's
    /// `behaviour.reading_wpm` or `typing_wpm`), or every problem with it,
    /// each located at the value at fault.
    pub(crate) fn validate(
        spec: &SpeedSpec,
        parent: &KeyPath,
        key: &str,
    ) -> Result<Speed, Vec<Problem>> {
        let path = parent.key(key);
        let problem = |at: KeyPath, message: String| {
            Problem::new(Rule::InvalidPersona, at, message).with_help(format!(
                "like `{key}: 240`, or one speed per script: `{key}: {{latin: 240, arabic: 180, other: 200}}` (see docs/src/personas.md)"
            ))
        };
        // Below one word a minute, a message would take days to read or
        // type: a typo for a real speed, and a way to push clocks to their
        // limit.
        let out_of_range = |wpm: f64| {
            (!(MIN_WPM..=MAX_WPM).contains(&wpm)).then(|| {
                format!(
                    "a speed in words per minute must be between {MIN_WPM} and {MAX_WPM}, got {wpm}"
                )
            })
        };
        let written = match spec {
            SpeedSpec::Every(wpm) => {
                return match out_of_range(*wpm) {
                    Some(message) => Err(vec![problem(path.clone(), message)]),
                    None => Ok(Speed::Every(*wpm)),
                };
            }
            SpeedSpec::ByScript(written) => written,
        };
        let mut problems = Vec::new();
        let mut given: [Option<f64>; Script::COUNT] = [None; Script::COUNT];
        for (name, wpm) in written {
            let Some(script) = Script::from_key(name) else {
                let suggestion = crate::text::did_you_mean(name, Script::ALL.map(Script::key));
                problems.push(problem(
                    path.key(name),
                    format!(
                        "`{name}` is no script a speed is given for{suggestion}; the scripts are {}",
                        crate::text::list(Script::ALL.map(Script::key))
                    ),
                ));
                continue;
            };
            match out_of_range(*wpm) {
                Some(message) => problems.push(problem(path.key(name), message)),
                None => given[script.index()] = Some(*wpm),
            }
        }
        let other = written.get(Script::Other.key());
        if other.is_none() {
            problems.push(problem(
                path.clone(),
                "a speed per script needs `other`: the speed for the scripts not named and for text with no letters, like `other: 200`".to_string(),
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let other = given[Script::Other.index()].expect("checked above");
        let by_script = given.map(|wpm| wpm.unwrap_or(other));
        Ok(if by_script.iter().all(|wpm| *wpm == other) {
            Speed::Every(other)
        } else {
            Speed::ByScript(by_script)
        })
    }

    /// How long reading `words` takes: over scripts, the words in that
    /// script divided by its speed.
    pub fn time_to_read(&self, words: ScriptCounts) -> Millis {
        let minutes = match self {
            Speed::Every(wpm) => f64::from(words.total()) / wpm,
            Speed::ByScript(wpm) => Script::ALL
                .into_iter()
                .map(|script| f64::from(words.get(script)) / wpm[script.index()])
                .sum(),
        };
        Millis::from_secs_f64(minutes * 60.0)
    }

    /// How long typing `text` takes: over scripts, its characters in that
    /// script, [`CHARS_PER_TYPED_WORD`] to a word, divided by that script's
    /// speed. A single speed counts the characters and nothing more.
    pub fn time_to_type(&self, text: &str) -> Millis {
        let minutes = match self {
            Speed::Every(wpm) => text.chars().count() as f64 / CHARS_PER_TYPED_WORD / wpm,
            Speed::ByScript(wpm) => {
                let chars = ScriptCounts::chars(text);
                Script::ALL
                    .into_iter()
                    .map(|script| {
                        f64::from(chars.get(script)) / CHARS_PER_TYPED_WORD / wpm[script.index()]
                    })
                    .sum()
            }
        };
        Millis::from_secs_f64(minutes * 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speed(written: &[(&str, f64)]) -> Result<Speed, Vec<Problem>> {
        let spec = SpeedSpec::ByScript(
            written
                .iter()
                .map(|(key, wpm)| (key.to_string(), *wpm))
                .collect(),
        );
        Speed::validate(&spec, &KeyPath::root(), "reading_wpm")
    }

    /// 10 Arabic words and 10 Latin ones.
    fn mixed() -> ScriptCounts {
        ScriptCounts::only(Script::Arabic, 10).plus(ScriptCounts::only(Script::Latin, 10))
    }

    #[test]
    fn reading_takes_each_scripts_words_at_its_speed() {
        let reader = speed(&[("arabic", 120.0), ("other", 240.0)]).unwrap();
        // 10/120 + 10/240 minutes = 5s + 2.5s.
        assert_eq!(reader.time_to_read(mixed()), Millis(7_500));
        let expected = Millis::from_secs_f64((10.0 / 120.0 + 10.0 / 240.0) * 60.0);
        assert_eq!(reader.time_to_read(mixed()), expected);
        // The same words at one speed: 20/240 minutes.
        assert_eq!(Speed::Every(240.0).time_to_read(mixed()), Millis(5_000));
    }

    #[test]
    fn a_number_and_the_same_speed_for_every_script_are_one_speed() {
        let number = Speed::Every(237.0);
        for written in [
            vec![("other", 237.0)],
            vec![("latin", 237.0), ("arabic", 237.0), ("other", 237.0)],
        ] {
            let map = speed(&written).unwrap();
            assert_eq!(map, number);
        }
        // Whatever the words, a map whose speeds differ only where there are
        // no words takes the time the number takes.
        let latin = ScriptCounts::only(Script::Latin, 37);
        let map = speed(&[("arabic", 120.0), ("other", 237.0)]).unwrap();
        assert_eq!(map.time_to_read(latin), number.time_to_read(latin));
        assert_eq!(
            map.time_to_type("where is my order"),
            number.time_to_type("where is my order")
        );
    }

    #[test]
    fn typing_takes_each_scripts_characters_at_its_speed() {
        let typist = speed(&[("latin", 36.0), ("arabic", 24.0), ("other", 30.0)]).unwrap();
        // "Je veux " is 8 Latin characters; "أريد تعبئة" 10 Arabic ones:
        // 8/5/36 + 10/5/24 minutes = 2.667s + 5s.
        let typed = "Je veux أريد تعبئة";
        assert_eq!(typist.time_to_type(typed), Millis(7_667));
        // A single speed: 18 characters at 36 = 6s.
        assert_eq!(Speed::Every(36.0).time_to_type(typed), Millis(6_000));
        // Digits alone are typed at `other`'s speed: 5/5/30 minutes = 2s.
        assert_eq!(typist.time_to_type("06123"), Millis(2_000));
    }

    #[test]
    fn a_persona_file_gives_a_number_or_a_map() {
        let personas = "personas:\n  - name: p\n    goals: [{want: hello, says: \"hi\"}]\n    behaviour:\n      reading_wpm: READING\n      typing_wpm: 36\n";
        let load = |reading: &str| {
            let loader = crate::load::Loader::new()
                .with_file("p.yaml", personas.replace("READING", reading));
            let checked = loader
                .check_personas(std::path::Path::new("p.yaml"))
                .unwrap();
            assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
            checked.value.unwrap().remove(0).behaviour
        };
        let map = load("{latin: 240, hebrew: 150, other: 200}");
        let mut expected = [200.0; Script::COUNT];
        expected[Script::Latin.index()] = 240.0;
        expected[Script::Hebrew.index()] = 150.0;
        assert_eq!(map.reading_wpm, Some(Speed::ByScript(expected)));
        assert_eq!(map.typing_wpm, Some(Speed::Every(36.0)));
        // The same speed for every script is the number: such personas are
        // equal, so `compare` pairs them.
        assert_eq!(load("{latin: 240, other: 240}"), load("240"));
    }

    fn messages(problems: Vec<Problem>) -> Vec<(String, String)> {
        problems
            .into_iter()
            .map(|problem| (problem.path.to_string(), problem.message))
            .collect()
    }

    #[test]
    fn a_map_names_known_scripts_gives_other_and_stays_in_bounds() {
        let unknown = speed(&[("arabci", 180.0), ("other", 200.0)]).unwrap_err();
        assert_eq!(
            messages(unknown),
            [(
                "reading_wpm.arabci".to_string(),
                "`arabci` is no script a speed is given for (did you mean `arabic`?); the scripts are `latin`, `arabic`, `hebrew`, `cyrillic`, `devanagari` and `other`".to_string()
            )]
        );
        let no_other = speed(&[("latin", 240.0), ("arabic", 180.0)]).unwrap_err();
        assert_eq!(
            messages(no_other),
            [(
                "reading_wpm".to_string(),
                "a speed per script needs `other`: the speed for the scripts not named and for text with no letters, like `other: 200`".to_string()
            )]
        );
        let slow = speed(&[("arabic", 0.5), ("other", 200.0)]).unwrap_err();
        assert_eq!(
            messages(slow),
            [(
                "reading_wpm.arabic".to_string(),
                "a speed in words per minute must be between 1 and 10000, got 0.5".to_string()
            )]
        );
        let nan = Speed::validate(&SpeedSpec::Every(f64::NAN), &KeyPath::root(), "typing_wpm")
            .unwrap_err();
        assert_eq!(nan[0].path.to_string(), "typing_wpm");
        assert!(
            nan[0]
                .help
                .as_deref()
                .unwrap()
                .contains("`typing_wpm: 240`")
        );
    }
}
