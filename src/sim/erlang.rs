//! Exact results for one M/M/c station (Erlang C) and the same station as a
//! scenario, so the simulator can be checked against queueing theory.

use serde::{Deserialize, Serialize};

use super::report::Estimate;
use super::scenario::{Dist, Group, Move, Scenario, Service, Triage, EXIT};
use super::{simulate, RunConfig, SimError};

/// Steady-state figures of an M/M/c queue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ErlangC {
    /// Probability an arrival has to wait.
    pub p_wait: f64,
    /// Mean wait in the queue.
    pub mean_wait: f64,
    /// Share of servers busy: lambda / (c mu).
    pub utilisation: f64,
    /// Mean number waiting or in service.
    pub mean_in_system: f64,
}

/// Arrival and service rates must be positive and there must be a server.
fn check_rates(lambda: f64, mu: f64, c: u32) -> Result<(), SimError> {
    if !(lambda.is_finite() && lambda > 0.0 && mu.is_finite() && mu > 0.0) {
        return Err(SimError::Invalid(format!(
            "arrival rate {lambda} and service rate {mu}: give two positive numbers"
        )));
    }
    if c == 0 {
        return Err(SimError::Invalid(
            "the station has 0 servers; give at least 1".into(),
        ));
    }
    Ok(())
}

fn check_mmc(lambda: f64, mu: f64, c: u32) -> Result<(), SimError> {
    check_rates(lambda, mu, c)?;
    if lambda >= f64::from(c) * mu {
        return Err(SimError::Invalid(format!(
            "arrivals ({lambda}) reach or pass what {c} servers can serve ({}): the queue would \
             grow without end; lower the arrival rate or add servers",
            f64::from(c) * mu
        )));
    }
    Ok(())
}

/// Erlang C for arrival rate `lambda`, service rate `mu` per server and `c`
/// servers. Computed through the Erlang B recursion, which stays stable for
/// large `c` where factorials would overflow.
pub fn erlang_c(lambda: f64, mu: f64, c: u32) -> Result<ErlangC, SimError> {
    check_mmc(lambda, mu, c)?;
    let a = lambda / mu;
    let cf = f64::from(c);
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let rho = a / cf;
    let p_wait = b / (1.0 - rho * (1.0 - b));
    let mean_wait = p_wait / (cf * mu - lambda);
    Ok(ErlangC {
        p_wait,
        mean_wait,
        utilisation: rho,
        mean_in_system: lambda * (mean_wait + 1.0 / mu),
    })
}

/// One M/M/c station as a scenario: Poisson arrivals at `lambda` a week,
/// exponential stays of mean `1/mu` weeks, `c` places, then exit.
pub fn mmc_scenario(lambda: f64, mu: f64, c: u32, weeks: f64, warmup: f64) -> Scenario {
    Scenario {
        name: format!("M/M/{c} station"),
        weeks,
        warmup,
        arrivals: None,
        services: vec![Service {
            name: "Station".into(),
            places: c,
            stay: Dist::Exp { mean: 1.0 / mu },
            queue: Default::default(),
            next: vec![Move {
                to: EXIT.into(),
                p: 1.0,
            }],
        }],
        groups: vec![Group {
            name: "Everyone".into(),
            rate: Some(lambda),
            share: None,
            profile: Vec::new(),
            mix: vec![Move {
                to: "Station".into(),
                p: 1.0,
            }],
            risk: Vec::new(),
            need: Vec::new(),
            next: Vec::new(),
            attributes: Vec::new(),
        }],
        triage: Triage {
            accuracy: 1.0,
            delay: 0.0,
        },
        initial: Vec::new(),
        move_model: None,
    }
}

/// Simulated and exact figures of one M/M/c station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MmcReport {
    pub lambda: f64,
    pub mu: f64,
    pub c: u32,
    pub weeks: f64,
    pub warmup: f64,
    pub replications: usize,
    pub events: u64,
    pub mean_wait: Estimate,
    pub p_wait: Estimate,
    pub utilisation: Estimate,
    pub mean_in_system: Estimate,
    /// People in the queue at the end of the run.
    pub queue_at_end: Estimate,
    /// People still waiting at the end, whose waits so far are in `mean_wait`.
    pub still_waiting: Estimate,
    /// Erlang C, when the station is stable (load below 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<ErlangC>,
    /// Set when the load is 1 or more: no steady state exists, the queue grows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unstable: Option<String>,
}

/// Simulates the M/M/c station and puts the exact values beside it.
pub fn simulate_mmc(
    lambda: f64,
    mu: f64,
    c: u32,
    weeks: f64,
    warmup: f64,
    config: &RunConfig,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<MmcReport, SimError> {
    check_rates(lambda, mu, c)?;
    let capacity = f64::from(c) * mu;
    let exact = erlang_c(lambda, mu, c).ok();
    let checked = mmc_scenario(lambda, mu, c, weeks, warmup).check()?;
    let report = simulate(&checked, config, progress)?;
    let station = report.services.first().ok_or_else(|| {
        SimError::Invalid("the station scenario has no service (a bug, please report it)".into())
    })?;
    Ok(MmcReport {
        lambda,
        mu,
        c,
        weeks,
        warmup,
        replications: report.replications,
        events: report.events,
        mean_wait: station.mean_wait,
        p_wait: station.p_wait,
        utilisation: station.utilisation,
        mean_in_system: station.mean_in_system,
        queue_at_end: station.queue_at_end,
        still_waiting: station.still_waiting,
        unstable: exact.is_none().then(|| mmc_unstable(lambda, capacity, c)),
        exact,
    })
}

/// The words for a station whose load is 1 or more.
fn mmc_unstable(lambda: f64, capacity: f64, c: u32) -> String {
    let places = if c == 1 { "server" } else { "servers" };
    if lambda > capacity {
        format!(
            "unstable: arrivals ({lambda}) exceed what {c} {places} can serve ({capacity}); \
             the queue grows by about {} people per unit of time and the waits shown are \
             only how long people had waited when the run ended",
            super::report::round_people(lambda - capacity)
        )
    } else {
        format!(
            "unstable: arrivals ({lambda}) equal what {c} {places} can serve ({capacity}); \
             the queue has no steady state and drifts ever longer, so the waits shown depend \
             on the length of the run"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(lambda: f64, mu: f64, c: u32, p_wait: f64, mean_wait: f64) {
        let e = erlang_c(lambda, mu, c).unwrap();
        assert!((e.p_wait - p_wait).abs() < 1e-4, "p_wait {}", e.p_wait);
        assert!(
            (e.mean_wait - mean_wait).abs() < 1e-4,
            "mean_wait {}",
            e.mean_wait
        );
    }

    #[test]
    fn erlang_c_matches_hand_values() {
        // M/M/1: P(wait) = rho, Wq = rho / (mu - lambda).
        check(0.5, 1.0, 1, 0.5, 1.0);
        check(0.9, 1.0, 1, 0.9, 9.0);
        // M/M/2, a = 1: C = 1/3, Wq = C / (2 - 1).
        check(1.0, 1.0, 2, 1.0 / 3.0, 1.0 / 3.0);
        // M/M/3, a = 2: B = 4/19, C = 4/9, Wq = C / (3 - 2).
        check(2.0, 1.0, 3, 4.0 / 9.0, 4.0 / 9.0);
    }

    #[test]
    fn erlang_c_refuses_an_overloaded_station() {
        assert!(erlang_c(2.0, 1.0, 2).is_err());
        assert!(erlang_c(1.0, 1.0, 0).is_err());
        assert!(erlang_c(-1.0, 1.0, 1).is_err());
        assert!(erlang_c(40.0, 1.0, 50).is_ok());
    }
}
