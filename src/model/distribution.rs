//! Random durations: how long a bot takes, how long a customer reads or waits.
//!
//! Users think in medians and tails, so a lognormal is written by its median
//! and 90th percentile rather than by `mu` and `sigma`:
//!
//! ```yaml
//! fixed: 2s
//! uniform: {min: 1s, max: 3s}
//! exponential: {mean: 3m}
//! lognormal: {median: 600ms, p90: 1.5s}
//! weibull: {scale: 2m, shape: 1.5}
//! mixture:
//!   - {weight: 0.8, lognormal: {median: 20s, p90: 1m}}
//!   - {weight: 0.2, fixed: 10m}
//! ```

use rand::{Rng, RngExt};
use rand_distr::{Distribution as _, Exp1, StandardNormal};
use serde::Deserialize;

use super::duration::{LONGEST_DURATION, Millis};
use super::weighted::Weighted;

/// The standard normal quantile at 0.9: `p90 = median * exp(Z90 * sigma)`.
const Z90: f64 = 1.281_551_565_544_600_5;

/// A validated distribution of durations, ready to sample.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "DistributionSpec")]
pub struct Distribution(Kind);

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Fixed(Millis),
    Uniform {
        min: u64,
        max: u64,
    },
    Exponential {
        mean_secs: f64,
    },
    /// Parameters of the underlying normal, in log-seconds.
    Lognormal {
        mu: f64,
        sigma: f64,
    },
    Weibull {
        scale_secs: f64,
        shape: f64,
    },
    /// One of the parts, chosen by weight.
    Mixture(Weighted<Distribution>),
}

impl Distribution {
    /// Always `value`.
    pub fn fixed(value: Millis) -> Distribution {
        Distribution(Kind::Fixed(value))
    }

    /// One draw, at most [`LONGEST_DURATION`]: a heavy tail (a lognormal with
    /// a p90 a million times its median) must not push a simulated clock
    /// towards overflow.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Millis {
        self.draw(rng).min(LONGEST_DURATION)
    }

    fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> Millis {
        match &self.0 {
            Kind::Fixed(value) => *value,
            Kind::Uniform { min, max } => Millis(rng.random_range(*min..=*max)),
            Kind::Exponential { mean_secs } => {
                let unit: f64 = Exp1.sample(rng);
                Millis::from_secs_f64(unit * mean_secs)
            }
            Kind::Lognormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                Millis::from_secs_f64((mu + sigma * z).exp())
            }
            Kind::Weibull { scale_secs, shape } => {
                // Inverse transform: F^-1(u) = scale * (-ln(1-u))^(1/shape).
                let unit: f64 = Exp1.sample(rng);
                Millis::from_secs_f64(scale_secs * unit.powf(1.0 / shape))
            }
            Kind::Mixture(parts) => {
                let u: f64 = rng.random();
                parts.get(parts.pick(u)).draw(rng)
            }
        }
    }

    /// The mean in seconds, from the closed form of each kind.
    pub fn mean_secs(&self) -> f64 {
        match &self.0 {
            Kind::Fixed(value) => value.as_secs_f64(),
            Kind::Uniform { min, max } => (*min + *max) as f64 / 2000.0,
            Kind::Exponential { mean_secs } => *mean_secs,
            Kind::Lognormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Kind::Weibull { scale_secs, shape } => scale_secs * gamma(1.0 + 1.0 / shape),
            Kind::Mixture(parts) => parts
                .items()
                .iter()
                .enumerate()
                .map(|(index, part)| parts.share(index) * part.mean_secs())
                .sum(),
        }
    }
}

/// The file form: exactly one kind key. Written as a struct of optional
/// kinds rather than an enum so that the map form `{lognormal: {...}}` works
/// with a derived serde enum (which wants YAML `!tags`) and unknown keys are reported.
/// Validation happens in `TryFrom`, inside deserialisation, so that errors
/// carry the YAML parser's line and column.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DistributionSpec {
    fixed: Option<Millis>,
    uniform: Option<UniformSpec>,
    exponential: Option<ExponentialSpec>,
    lognormal: Option<LognormalSpec>,
    weibull: Option<WeibullSpec>,
    mixture: Option<Vec<MixturePartSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UniformSpec {
    min: Millis,
    max: Millis,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExponentialSpec {
    mean: Millis,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LognormalSpec {
    median: Millis,
    p90: Millis,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WeibullSpec {
    scale: Millis,
    shape: f64,
}

/// One weighted part of a mixture: `{weight: 0.8, lognormal: {...}}`.
/// Mixtures do not nest.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MixturePartSpec {
    weight: f64,
    fixed: Option<Millis>,
    uniform: Option<UniformSpec>,
    exponential: Option<ExponentialSpec>,
    lognormal: Option<LognormalSpec>,
    weibull: Option<WeibullSpec>,
}

/// The kinds that a plain distribution and a mixture part share.
struct SimpleKinds {
    fixed: Option<Millis>,
    uniform: Option<UniformSpec>,
    exponential: Option<ExponentialSpec>,
    lognormal: Option<LognormalSpec>,
    weibull: Option<WeibullSpec>,
}

impl SimpleKinds {
    fn count(&self) -> usize {
        [
            self.fixed.is_some(),
            self.uniform.is_some(),
            self.exponential.is_some(),
            self.lognormal.is_some(),
            self.weibull.is_some(),
        ]
        .into_iter()
        .filter(|present| *present)
        .count()
    }

    /// Builds the one kind present; the caller has checked there is exactly one.
    fn build(self) -> Result<Kind, String> {
        if let Some(value) = self.fixed {
            return Ok(Kind::Fixed(value));
        }
        if let Some(UniformSpec { min, max }) = self.uniform {
            if min > max {
                return Err(format!(
                    "uniform needs min <= max, got min {min} and max {max}"
                ));
            }
            return Ok(Kind::Uniform {
                min: min.0,
                max: max.0,
            });
        }
        if let Some(ExponentialSpec { mean }) = self.exponential {
            return Ok(Kind::Exponential {
                mean_secs: mean.as_secs_f64(),
            });
        }
        if let Some(LognormalSpec { median, p90 }) = self.lognormal {
            if median == Millis::ZERO {
                return Err(
                    "lognormal needs a median above 0; use `fixed: 0s` for no delay".into(),
                );
            }
            if p90 < median {
                return Err(format!(
                    "lognormal needs p90 >= median, got median {median} and p90 {p90}"
                ));
            }
            let mu = median.as_secs_f64().ln();
            let sigma = (p90.as_secs_f64() / median.as_secs_f64()).ln() / Z90;
            return Ok(Kind::Lognormal { mu, sigma });
        }
        let WeibullSpec { scale, shape } = self.weibull.ok_or("no distribution kind given")?;
        if !(shape.is_finite() && shape > 0.0) {
            return Err(format!("weibull needs a shape above 0, got {shape}"));
        }
        Ok(Kind::Weibull {
            scale_secs: scale.as_secs_f64(),
            shape,
        })
    }
}

impl TryFrom<DistributionSpec> for Distribution {
    type Error = String;

    fn try_from(spec: DistributionSpec) -> Result<Self, String> {
        let simple = SimpleKinds {
            fixed: spec.fixed,
            uniform: spec.uniform,
            exponential: spec.exponential,
            lognormal: spec.lognormal,
            weibull: spec.weibull,
        };
        let kinds = simple.count() + usize::from(spec.mixture.is_some());
        if kinds != 1 {
            return Err(format!(
                "a distribution needs exactly one of fixed, uniform, exponential, lognormal, weibull or mixture, found {kinds}"
            ));
        }
        let kind = match spec.mixture {
            Some(parts) => mixture(parts)?,
            None => simple.build()?,
        };
        Ok(Distribution(kind))
    }
}

fn mixture(parts: Vec<MixturePartSpec>) -> Result<Kind, String> {
    if parts.is_empty() {
        return Err("a mixture needs at least one part".into());
    }
    let mut weighted = Vec::with_capacity(parts.len());
    for (index, part) in parts.into_iter().enumerate() {
        let simple = SimpleKinds {
            fixed: part.fixed,
            uniform: part.uniform,
            exponential: part.exponential,
            lognormal: part.lognormal,
            weibull: part.weibull,
        };
        if simple.count() != 1 {
            return Err(format!(
                "mixture part {index} needs exactly one of fixed, uniform, exponential, lognormal or weibull beside its weight"
            ));
        }
        weighted.push((part.weight, Distribution(simple.build()?)));
    }
    Weighted::new(weighted)
        .map(Kind::Mixture)
        .map_err(|error| format!("mixture weights: {error}"))
}

/// The gamma function for x > 0 (the Weibull mean needs Γ(1 + 1/shape)).
fn gamma(x: f64) -> f64 {
    crate::stats::ln_gamma(x).exp()
}

#[cfg(test)]
mod tests {
    //! Each kind is sampled 200,000 times and compared with its closed form.
    //! Tolerances are 5 standard errors of the estimate, so a correct sampler
    //! fails with probability below 1e-6; the seed is fixed, so the outcome
    //! is the same on every run.
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    const N: usize = 200_000;

    fn parse(yaml: &str) -> Distribution {
        try_parse(yaml).unwrap()
    }

    fn try_parse(yaml: &str) -> Result<Distribution, String> {
        let document = crate::yaml::Document::parse(yaml).map_err(|error| error.message)?;
        crate::yaml::de::from_node(&document.root).map_err(|error| error.message)
    }

    fn samples(distribution: &Distribution) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut out: Vec<f64> = (0..N)
            .map(|_| distribution.sample(&mut rng).as_secs_f64())
            .collect();
        out.sort_by(f64::total_cmp);
        out
    }

    fn mean_and_sd(values: &[f64]) -> (f64, f64) {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var.sqrt())
    }

    /// The sample mean lies within 5 standard errors of the closed-form mean.
    fn assert_mean(distribution: &Distribution, expected: f64) {
        let values = samples(distribution);
        let (mean, sd) = mean_and_sd(&values);
        let se = sd / (N as f64).sqrt();
        // Rounding to whole milliseconds adds at most 0.5ms of bias.
        let tolerance = 5.0 * se + 0.0005;
        assert!(
            (mean - expected).abs() <= tolerance,
            "mean {mean} vs expected {expected} (tolerance {tolerance})"
        );
        assert!((distribution.mean_secs() - expected).abs() < 1e-9 * expected.max(1.0));
    }

    /// The empirical q-quantile covers the true one: the count of samples
    /// below `true_value` is Binomial(N, q), so it must lie within 5 standard
    /// deviations of N*q.
    fn assert_quantile(distribution: &Distribution, q: f64, true_value: f64) {
        let values = samples(distribution);
        let below = values.iter().filter(|v| **v < true_value).count() as f64;
        let expected = N as f64 * q;
        let sd = (N as f64 * q * (1.0 - q)).sqrt();
        assert!(
            (below - expected).abs() <= 5.0 * sd,
            "{below} samples below {true_value}, expected {expected} +- {}",
            5.0 * sd
        );
    }

    #[test]
    fn fixed_is_always_its_value() {
        let d = parse("fixed: 2s");
        assert!(samples(&d).iter().all(|v| *v == 2.0));
    }

    #[test]
    fn uniform_matches_its_mean_and_bounds() {
        let d = parse("uniform: {min: 1s, max: 3s}");
        let values = samples(&d);
        assert!(values[0] >= 1.0 && values[N - 1] <= 3.0);
        assert_mean(&d, 2.0);
        assert_quantile(&d, 0.25, 1.5);
    }

    #[test]
    fn exponential_matches_its_mean_and_median() {
        let d = parse("exponential: {mean: 3m}");
        assert_mean(&d, 180.0);
        assert_quantile(&d, 0.5, 180.0 * std::f64::consts::LN_2);
    }

    #[test]
    fn lognormal_matches_its_median_and_p90() {
        let d = parse("lognormal: {median: 600ms, p90: 1.5s}");
        assert_quantile(&d, 0.5, 0.6);
        assert_quantile(&d, 0.9, 1.5);
        let sigma = (1.5f64 / 0.6).ln() / Z90;
        assert_mean(&d, (0.6f64.ln() + sigma * sigma / 2.0).exp());
    }

    #[test]
    fn weibull_matches_its_mean_and_scale_quantile() {
        let d = parse("weibull: {scale: 2m, shape: 1.5}");
        // F(scale) = 1 - 1/e for every shape.
        assert_quantile(&d, 1.0 - (-1.0f64).exp(), 120.0);
        assert_mean(&d, 120.0 * gamma(1.0 + 1.0 / 1.5));
    }

    #[test]
    fn mixture_matches_its_weighted_mean() {
        let d = parse(
            "mixture:\n  - {weight: 3, fixed: 10s}\n  - {weight: 1, exponential: {mean: 30s}}\n",
        );
        assert_mean(&d, 0.75 * 10.0 + 0.25 * 30.0);
        // Exactly the fixed part's share lies at or below 10s, plus the exponential mass.
        let share_at_most_10 = 0.75 + 0.25 * (1.0 - (-10.0f64 / 30.0).exp());
        assert_quantile(&d, share_at_most_10, 10.0005);
    }

    #[test]
    fn draws_never_exceed_the_longest_duration() {
        let wild = parse("lognormal: {median: 1ms, p90: 1000d}");
        let values = samples(&wild);
        assert!(values[N - 1] <= LONGEST_DURATION.as_secs_f64());
        assert_eq!(
            values[N - 1],
            LONGEST_DURATION.as_secs_f64(),
            "the tail is cut"
        );
        let spiky = parse("weibull: {scale: 1000d, shape: 0.01}");
        assert!(samples(&spiky)[N - 1] <= LONGEST_DURATION.as_secs_f64());
        let error = try_parse("uniform: {min: 1s, max: 1001d}").unwrap_err();
        assert!(error.contains("longer than 1000 days"), "{error}");
    }

    #[test]
    fn gamma_matches_known_values() {
        assert!((gamma(5.0) - 24.0).abs() < 1e-9);
        assert!((gamma(0.5) - std::f64::consts::PI.sqrt()).abs() < 1e-12);
        assert!((gamma(1.0 + 1.0 / 1.5) - 0.902_745_292_950_934).abs() < 1e-12);
    }

    #[test]
    fn rejects_inconsistent_parameters() {
        let bad = [
            ("uniform: {min: 3s, max: 1s}", "min <= max"),
            ("lognormal: {median: 2s, p90: 1s}", "p90 >= median"),
            ("weibull: {scale: 1s, shape: 0}", "shape above 0"),
            ("mixture: []", "at least one part"),
            ("mixture: [{weight: 0, fixed: 1s}]", "all 0"),
            (
                "mixture: [{weight: 1e308, fixed: 1s}, {weight: 1e308, fixed: 2s}]",
                "more than a number can hold",
            ),
            ("{fixed: 1s, exponential: {mean: 1s}}", "exactly one of"),
            ("mixture: [{weight: 1}]", "exactly one of"),
            (
                "mixture: [{weight: 1, fixed: 1s, exponential: {mean: 1s}}]",
                "exactly one of",
            ),
            ("gaussian: {mean: 1s}", "unknown key `gaussian`"),
            ("exponential: {mean: 1s, sd: 2s}", "unknown key"),
        ];
        for (yaml, expected) in bad {
            let error = try_parse(yaml).unwrap_err();
            assert!(error.contains(expected), "{yaml}: {error}");
        }
    }
}
