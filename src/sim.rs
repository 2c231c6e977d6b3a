//! The flow simulator: a discrete-event, agent-based model of people moving
//! through services with limited places. It owns the scenario format (serde
//! data, also carried in a URL fragment), its checks, the event loop, the
//! statistics across replications, exact M/M/c results for validation, and
//! the demo scenario. Pure: no clock, no I/O, no threads; a seed gives the
//! same report natively and on wasm32.
//!
//! Flow: `Scenario::check()` -> `CheckedScenario` -> `simulate()` ->
//! `SimReport`. Times are in weeks.

mod demo;
mod engine;
mod erlang;
mod fragment;
mod groups;
mod queue;
mod report;
mod sample;
mod scenario;

pub use demo::demo_scenario;
pub use engine::{bin_width, replicate, Replication, ServiceRun};
pub use erlang::{erlang_c, mmc_scenario, simulate_mmc, ErlangC, MmcReport};
pub use groups::with_segment_groups;
pub use queue::EventQueue;
pub use report::{
    Bottleneck, Estimate, Series, ServiceSeries, ServiceSummary, SimReport, Summary, WEEKS_PER_YEAR,
};
pub use scenario::{
    CheckedScenario, Dist, Group, GroupMoves, Move, QueueRule, Scenario, Service, Triage, EXIT,
};

use serde::{Deserialize, Serialize};

/// What can go wrong before or during a run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// The scenario breaks a rule; the message says which and how to fix it.
    #[error("{0}")]
    Invalid(String),
    #[error("the run settings are not usable: {0}")]
    Config(String),
    #[error(
        "the scenario would bring about {expected:.0} people into one run, more than the \
         {limit:.0} this simulator handles; lower the arrival rates or shorten the run"
    )]
    TooBig { expected: f64, limit: f64 },
    #[error("the run was cancelled")]
    Cancelled,
    #[error("cannot schedule an event at week {at}: the clock is already at week {now}")]
    Past { at: f64, now: f64 },
    #[error("this link does not hold a scenario Signpost can read: {0}")]
    Fragment(String),
}

/// How to run a checked scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    /// Independent runs, each with its own random stream (20 by default).
    pub replications: usize,
    pub seed: u64,
    /// Refuse scenarios expected to bring more people than this into one run.
    pub max_people: f64,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            replications: 20,
            seed: 1,
            max_people: 5_000_000.0,
        }
    }
}

/// Most replications one run may ask for.
pub const MAX_REPLICATIONS: usize = 1000;

/// Runs `config.replications` replications and summarises them. `progress`
/// is called after each replication with (done, total); returning `false`
/// cancels the run, which then returns `SimError::Cancelled`.
pub fn simulate(
    checked: &CheckedScenario,
    config: &RunConfig,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<SimReport, SimError> {
    if config.replications == 0 || config.replications > MAX_REPLICATIONS {
        return Err(SimError::Config(format!(
            "{} replications asked for; give between 1 and {MAX_REPLICATIONS}",
            config.replications
        )));
    }
    let expected = checked.expected_arrivals();
    if expected > config.max_people {
        return Err(SimError::TooBig {
            expected,
            limit: config.max_people,
        });
    }
    let total = config.replications;
    let mut reps = Vec::with_capacity(total);
    for rep_idx in 0..total {
        reps.push(replicate(checked, config.seed, rep_idx as u64)?);
        if !progress(rep_idx + 1, total) {
            return Err(SimError::Cancelled);
        }
    }
    Ok(report::build(checked, &mut reps, config.seed))
}
