//! The back-test: start the simulator from the people in each state on a
//! chosen day (with the weeks they had already spent there), run it to the
//! end of the data with replications, and compare each month's simulated
//! occupancy (mean and the range of the middle 95% of replications) with
//! what the log shows. The error is the mean absolute percentage error of
//! the monthly means; a model that misses by more than `threshold` says so.

use serde::{Deserialize, Serialize};

use super::discover::Discovery;
use super::log::EventLog;
use super::scenario::{build_scenario, ScenarioOptions};
use super::series::{daily_occupancy, months};
use super::{day_to_string, Day, FlowError, DAYS_PER_WEEK};
use crate::sim::{replicate, SimError, MAX_REPLICATIONS};

/// Above this mean absolute percentage error the back-test says the model misses.
pub const DEFAULT_THRESHOLD: f64 = 0.15;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestOptions {
    pub from: Day,
    pub replications: usize,
    pub seed: u64,
    pub threshold: f64,
}

/// One state month by month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestState {
    pub name: String,
    /// Mean over the months of the observed monthly occupancy.
    pub observed_mean: f64,
    pub simulated_mean: f64,
    /// Mean absolute percentage error over the months (0.05 = 5%).
    pub error: f64,
    pub observed: Vec<f64>,
    pub simulated: Vec<f64>,
    /// The middle 95% of the replications, each month.
    pub simulated_lo: Vec<f64>,
    pub simulated_hi: Vec<f64>,
    /// Months where the observed value is inside that range.
    pub months_inside: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    pub from: String,
    pub to: String,
    pub replications: usize,
    pub months: Vec<String>,
    pub states: Vec<BacktestState>,
    /// Mean of the states' errors, weighted by their observed occupancy.
    pub mean_abs_pct_error: f64,
    pub threshold: f64,
    pub trusted: bool,
    pub words: String,
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    sorted[lo] * (1.0 - frac) + sorted[hi.min(sorted.len() - 1)] * frac
}

/// Runs the back-test. `progress(done, total)` returning `false` cancels it.
pub fn backtest(
    log: &EventLog,
    d: &Discovery,
    options: &BacktestOptions,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Backtest, FlowError> {
    let from = options.from;
    if from < log.window_start || from >= log.window_end {
        return Err(FlowError::Invalid(format!(
            "the back-test must start inside the data, from {} to the day before {}; {} is outside it",
            day_to_string(log.window_start),
            day_to_string(log.window_end),
            day_to_string(from)
        )));
    }
    if options.replications == 0 || options.replications > MAX_REPLICATIONS {
        return Err(FlowError::Invalid(format!(
            "{} replications asked for; give between 1 and {MAX_REPLICATIONS}",
            options.replications
        )));
    }
    let weeks = (log.window_end + 1 - from) as f64 / DAYS_PER_WEEK;
    let scenario = build_scenario(
        log,
        d,
        &format!("Back-test of {} from {}", log.source, day_to_string(from)),
        &ScenarioOptions {
            weeks,
            warmup: 0.0,
            initial_at: Some(from),
            ..ScenarioOptions::default()
        },
    )?;
    let sim_err = |err: SimError| FlowError::Invalid(format!("the back-test could not run: {err}"));
    let checked = scenario.check().map_err(sim_err)?;
    let month_list = months(from, log.window_end);
    let daily = daily_occupancy(log);
    let n_states = log.states.len();
    let n_months = month_list.len();
    // sims[state][month][rep]
    let mut sims = vec![vec![Vec::with_capacity(options.replications); n_months]; n_states];
    for rep in 0..options.replications {
        let run = replicate(&checked, options.seed, rep as u64).map_err(sim_err)?;
        let bin = run.bin_weeks;
        for (s, service) in run.services.iter().enumerate().take(n_states) {
            for (m, (_, lo, hi)) in month_list.iter().enumerate() {
                // Bins whose middle falls in the month.
                let (mut sum, mut n) = (0.0, 0usize);
                for (b, value) in service.bin_occupied.iter().enumerate() {
                    let mid_day = from as f64 + (b as f64 + 0.5) * bin * DAYS_PER_WEEK;
                    if mid_day >= *lo as f64 && mid_day < (*hi + 1) as f64 {
                        sum += value;
                        n += 1;
                    }
                }
                if n > 0 {
                    sims[s][m].push(sum / n as f64);
                }
            }
        }
        if !progress(rep + 1, options.replications) {
            return Err(FlowError::Invalid("the back-test was cancelled".into()));
        }
    }
    let mut states = Vec::with_capacity(n_states);
    for s in 0..n_states {
        let row = &daily[s];
        let mut observed = Vec::with_capacity(n_months);
        let (mut simulated, mut lo_v, mut hi_v) = (Vec::new(), Vec::new(), Vec::new());
        let (mut err_sum, mut err_n, mut inside) = (0.0, 0usize, 0usize);
        for (m, (_, lo, hi)) in month_list.iter().enumerate() {
            let a = (lo - log.window_start) as usize;
            let b = ((hi - log.window_start) as usize + 1).min(row.len());
            let slice = row.get(a..b).unwrap_or(&[]);
            let obs = slice.iter().map(|&v| f64::from(v)).sum::<f64>() / slice.len().max(1) as f64;
            let mut reps = sims[s][m].clone();
            reps.sort_by(f64::total_cmp);
            let mean = reps.iter().sum::<f64>() / reps.len().max(1) as f64;
            let (p_lo, p_hi) = (percentile(&reps, 0.025), percentile(&reps, 0.975));
            if obs > 0.0 {
                err_sum += (mean - obs).abs() / obs;
                err_n += 1;
            }
            if obs >= p_lo - 1e-9 && obs <= p_hi + 1e-9 {
                inside += 1;
            }
            observed.push(obs);
            simulated.push(mean);
            lo_v.push(p_lo);
            hi_v.push(p_hi);
        }
        let mean_of = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        states.push(BacktestState {
            name: log.states[s].clone(),
            observed_mean: mean_of(&observed),
            simulated_mean: mean_of(&simulated),
            error: if err_n > 0 {
                err_sum / err_n as f64
            } else {
                0.0
            },
            observed,
            simulated,
            simulated_lo: lo_v,
            simulated_hi: hi_v,
            months_inside: inside,
        });
    }
    let weight: f64 = states.iter().map(|s| s.observed_mean).sum();
    let mape = if weight > 0.0 {
        states
            .iter()
            .map(|s| s.error * s.observed_mean)
            .sum::<f64>()
            / weight
    } else {
        0.0
    };
    let trusted = mape <= options.threshold;
    let worst = states
        .iter()
        .filter(|s| s.observed_mean > 0.0)
        .max_by(|a, b| a.error.total_cmp(&b.error));
    let words = if trusted {
        format!(
            "From {} the model follows the history: monthly occupancy is off by {:.1}% on average (weighted by occupancy), within the {:.0}% threshold{}",
            day_to_string(from),
            mape * 100.0,
            options.threshold * 100.0,
            state_cautions(&states, options.threshold)
        )
    } else {
        format!(
            "From {} the model misses the history: monthly occupancy is off by {:.1}% on average (weighted by occupancy), more than the {:.0}% threshold{}; do not trust its what-ifs until this is understood",
            day_to_string(from),
            mape * 100.0,
            options.threshold * 100.0,
            worst.map_or(String::new(), |w| format!(", worst in {} ({:.0}%)", w.name, w.error * 100.0))
        )
    };
    Ok(Backtest {
        from: day_to_string(from),
        to: day_to_string(log.window_end),
        replications: options.replications,
        months: month_list.into_iter().map(|m| m.0).collect(),
        states,
        mean_abs_pct_error: mape,
        threshold: options.threshold,
        trusted,
        words,
    })
}

/// The states a good overall figure hides: those missing by more than the
/// threshold on their own, and those whose observed occupancy lies outside
/// the simulated 95% range in more than half the months ("" when none).
fn state_cautions(states: &[BacktestState], threshold: f64) -> String {
    let over: Vec<String> = states
        .iter()
        .filter(|s| s.observed_mean > 0.0 && s.error > threshold)
        .map(|s| format!("{} ({:.0}%)", s.name, s.error * 100.0))
        .collect();
    let outside: Vec<String> = states
        .iter()
        .filter(|s| s.observed_mean > 0.0 && s.error <= threshold)
        .filter(|s| !s.observed.is_empty() && 2 * s.months_inside < s.observed.len())
        .map(|s| {
            format!(
                "{} (observed inside the range in {} of {} months; simulated {:.0} against {:.0} observed)",
                s.name,
                s.months_inside,
                s.observed.len(),
                s.simulated_mean,
                s.observed_mean
            )
        })
        .collect();
    let mut out = String::new();
    if !over.is_empty() {
        out.push_str(&format!(
            "; but on its own each of these misses by more than the threshold: {}; read their what-ifs with care",
            over.join(", ")
        ));
    }
    if !outside.is_empty() {
        out.push_str(&format!(
            "; and the history mostly lies outside the simulated 95% range for {}",
            outside.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(
        name: &str,
        observed: f64,
        simulated: f64,
        error: f64,
        inside: usize,
    ) -> BacktestState {
        BacktestState {
            name: name.to_string(),
            observed_mean: observed,
            simulated_mean: simulated,
            error,
            observed: vec![observed; 10],
            simulated: vec![simulated; 10],
            simulated_lo: vec![simulated; 10],
            simulated_hi: vec![simulated; 10],
            months_inside: inside,
        }
    }

    #[test]
    fn a_good_overall_figure_names_the_states_it_hides() {
        let states = vec![
            state("General needs housing", 14_646.0, 14_602.0, 0.003, 9),
            state("Hospice", 4.0, 3.96, 0.39, 9),
            state("Care home", 736.0, 667.0, 0.093, 2),
        ];
        let words = state_cautions(&states, 0.15);
        assert!(words.contains("Hospice (39%)"), "{words}");
        assert!(words.contains("Care home (observed inside the range in 2 of 10 months; simulated 667 against 736 observed)"), "{words}");
        assert!(!words.contains("General needs housing"), "{words}");
        assert_eq!(state_cautions(&states[..1], 0.15), "");
    }
}
