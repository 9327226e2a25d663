//! The agent queue against queueing theory.
//!
//! A flow that hands every customer straight to a queue, with Poisson
//! arrivals (rate λ), exponential handle times (rate μ), `n` agents and
//! exponential patience (rate θ), is Palm's M/M/n+M model, also called
//! Erlang-A. Its stationary distribution is a birth-death chain with birth
//! rate λ and death rate `min(j, n)·μ + max(j - n, 0)·θ` in state `j`:
//!
//!   π_j ∝ (λ/μ)^j / j!                              for j ≤ n
//!   π_j = π_n · Π_{k=1}^{j-n} λ / (nμ + kθ)         for j > n
//!
//! Customers abandon at rate θ per waiting customer, so
//!   P(abandon) = θ · E[Q] / λ      (E[Q] = Σ_{j>n} (j - n) π_j)
//! and by Little's law the mean time in queue of all customers is
//!   E[W] = E[Q] / λ.

mod common;

use rehearse::Metric;
use rehearse::metric::{Outcome, Stat, Timer};

struct ErlangA {
    arrivals_per_minute: f64,
    service_per_minute: f64,
    abandon_per_minute: f64,
    agents: u32,
}

impl ErlangA {
    /// (P(abandon), E[W] in minutes) from the stationary distribution,
    /// truncated where the terms no longer matter (they shrink geometrically
    /// once kθ exceeds λ).
    fn closed_form(&self) -> (f64, f64) {
        let (lambda, mu, theta, n) = (
            self.arrivals_per_minute,
            self.service_per_minute,
            self.abandon_per_minute,
            self.agents,
        );
        let mut weights = vec![1.0f64];
        for j in 1..=n {
            let previous = weights[j as usize - 1];
            weights.push(previous * lambda / (f64::from(j) * mu));
        }
        let mut k = 1.0;
        loop {
            let previous = *weights.last().unwrap();
            let next = previous * lambda / (f64::from(n) * mu + k * theta);
            weights.push(next);
            k += 1.0;
            if next < 1e-18 * previous.max(1e-300) || k > 100_000.0 {
                break;
            }
        }
        let total: f64 = weights.iter().sum();
        let expected_queue: f64 = weights
            .iter()
            .enumerate()
            .skip(n as usize + 1)
            .map(|(j, w)| (j - n as usize) as f64 * w / total)
            .sum();
        (theta * expected_queue / lambda, expected_queue / lambda)
    }
}

#[test]
fn abandonment_and_queue_wait_match_erlang_a() {
    // 3 agents, 4-minute mean handling, 0.8 arrivals a minute (48 an hour):
    // an offered load of 3.2 Erlangs on 3 agents, kept stable only by
    // customers giving up after 2 minutes on average.
    let model = ErlangA {
        arrivals_per_minute: 0.8,
        service_per_minute: 0.25,
        abandon_per_minute: 0.5,
        agents: 3,
    };
    let (abandonment, wait_minutes) = model.closed_form();

    let dir = common::write_files(
        "erlang-a",
        &[
            (
                "flow.yaml",
                "flow: straight-to-queue\nstart: queue\nnodes:\n  queue:\n    handoff: {queue: support}\n",
            ),
            (
                "personas.yaml",
                "personas:\n  - name: caller\n    goals: [{want: a person, says: hello}]\n    behaviour:\n      patience: {queue: {exponential: {mean: 2m}}}\n",
            ),
            (
                "scenario.yaml",
                "scenario: erlang-a\nflow: flow.yaml\npersonas: [personas.yaml]\nseed: 11\nduration: 12500m\nreplications: 20\n\
                 arrivals: {poisson: {per_hour: 48}}\nagents: {support: {count: 3, handle_time: {exponential: {mean: 4m}}}}\n",
            ),
        ],
    );
    let scenario = common::load(&dir.join("scenario.yaml"));

    // Each replication is 12,500 minutes of traffic (about 10,000
    // customers) starting from an empty queue; the queue forgets its start
    // within an hour or so, so the start-up bias is far below the
    // tolerance. The 20 replications are independent, so their spread gives
    // an honest standard error even though waits within a replication are
    // correlated.
    let simulation = common::simulation(&scenario);
    let standard_error = |metric: &Metric| {
        let (mean, sd, n) = simulation.spread(metric).unwrap();
        assert_eq!(n, 20);
        (mean, sd / f64::from(n).sqrt())
    };
    let (simulated_abandonment, abandonment_se) =
        standard_error(&Metric::Outcome(Outcome::AbandonedInQueue));
    let (wait_seconds, wait_se_seconds) =
        standard_error(&Metric::Time(Timer::QueueWait, Stat::Mean));
    let (simulated_wait, wait_se) = (wait_seconds / 60.0, wait_se_seconds / 60.0);

    // Tolerance: 5 standard errors. For a correct simulation the chance of a
    // larger deviation is below 1 in 10,000 (Student t, 19 degrees of
    // freedom); the seed is fixed, so the verdict is the same on every run.
    println!(
        "P(abandon): theory {abandonment:.5}, simulated {simulated_abandonment:.5} ± {abandonment_se:.5}"
    );
    println!("E[W] (min): theory {wait_minutes:.5}, simulated {simulated_wait:.5} ± {wait_se:.5}");
    assert!(
        (simulated_abandonment - abandonment).abs() <= 5.0 * abandonment_se,
        "abandonment {simulated_abandonment} vs Erlang-A {abandonment} (se {abandonment_se})"
    );
    assert!(
        (simulated_wait - wait_minutes).abs() <= 5.0 * wait_se,
        "mean wait {simulated_wait} vs Erlang-A {wait_minutes} (se {wait_se})"
    );
    // And the standard errors are small enough for the check to mean
    // something: 5 of them are under 5% of the value being checked.
    assert!(5.0 * abandonment_se < 0.05 * abandonment);
    assert!(5.0 * wait_se < 0.05 * wait_minutes);
}

#[test]
fn closed_form_reduces_to_known_cases() {
    // With one agent and no arrivals to speak of, nobody waits.
    let idle = ErlangA {
        arrivals_per_minute: 1e-9,
        service_per_minute: 1.0,
        abandon_per_minute: 1.0,
        agents: 1,
    };
    assert!(idle.closed_form().0 < 1e-9);
    // With no agents, everyone waits and everyone abandons: the queue is an
    // M/M/∞ with rate θ, E[Q] = λ/θ, so P(abandon) = 1 and E[W] = 1/θ.
    let unstaffed = ErlangA {
        arrivals_per_minute: 2.0,
        service_per_minute: 1.0,
        abandon_per_minute: 0.5,
        agents: 0,
    };
    let (abandonment, wait) = unstaffed.closed_form();
    assert!((abandonment - 1.0).abs() < 1e-9, "{abandonment}");
    assert!((wait - 2.0).abs() < 1e-9, "{wait}");
}
