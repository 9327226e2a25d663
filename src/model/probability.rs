//! A chance between 0 and 1, checked when the file is read.

use serde::Deserialize;

/// A probability in `[0, 1]`. Checking it while deserialising means a bad value
/// is reported with the line and column the YAML parser knows.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Deserialize)]
#[serde(try_from = "f64")]
pub struct Probability(f64);

impl Probability {
    /// Never.
    pub const ZERO: Probability = Probability(0.0);
    /// Always.
    pub const ONE: Probability = Probability(1.0);

    /// A probability, or a message saying how to write one.
    pub fn new(value: f64) -> Result<Probability, String> {
        if (0.0..=1.0).contains(&value) {
            Ok(Probability(value))
        } else {
            Err(format!(
                "expected a probability between 0 and 1, got {value}; write 5% as 0.05"
            ))
        }
    }

    /// The chance, in [0, 1].
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Probability {
    type Error = String;
    fn try_from(value: f64) -> Result<Self, String> {
        Probability::new(value)
    }
}
