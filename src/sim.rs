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
mod people;
mod queue;
mod report;
mod sample;
mod scenario;
mod tail;

// The incomplete gamma's two halves, also used by the stay likelihoods in `flows`.
pub(crate) use tail::{gamma_parts_given, GammaParts};

pub use demo::demo_scenario;
pub use engine::{
    bin_width, n_months, replicate, replicate_within, Replication, ServiceRun, MONTH_WEEKS,
    REPLICATION_EVENTS,
};
pub use erlang::{erlang_c, mmc_scenario, simulate_mmc, ErlangC, MmcReport};
pub use groups::with_segment_groups;
pub use people::{MoveModel, Resident, StateMoves, MAX_ATTRIBUTES, MAX_POOL, MAX_RESIDENTS};
pub use queue::EventQueue;
pub use report::{
    Bottleneck, Estimate, Series, ServiceSeries, ServiceSummary, SimReport, Summary, WEEKS_PER_YEAR,
};
pub use scenario::{
    CheckedScenario, Dist, Group, GroupMoves, Move, QueueRule, Scenario, Service, Triage, EXIT,
};
pub use tail::{remaining, survival};

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
        "the scenario would bring about {expected:.0} people into {replications} \
         replication(s), more than the {limit:.0} one run of this simulator handles; lower the \
         arrival rates, shorten the run or ask for fewer replications"
    )]
    TooBig {
        expected: f64,
        limit: f64,
        replications: usize,
    },
    #[error(
        "the run stopped after {events} events (at week {week:.1} of replication \
         {replication}), the most one run may take: people move between services so often that \
         it would not end in reasonable time; look for services that send people back with very \
         short stays, or run fewer weeks or fewer replications"
    )]
    Budget {
        events: u64,
        week: f64,
        replication: usize,
    },
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
    /// Refuse runs expected to bring more people than this in, over all
    /// replications together.
    pub max_people: f64,
    /// Events the whole run (all replications together) may handle.
    #[serde(default = "default_max_events")]
    pub max_events: u64,
}

/// People one run may bring in over all its replications.
pub const MAX_PEOPLE: f64 = 10_000_000.0;
/// Events one run may handle over all its replications.
pub const MAX_EVENTS: u64 = 50_000_000;

fn default_max_events() -> u64 {
    MAX_EVENTS
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            replications: 20,
            seed: 1,
            max_people: MAX_PEOPLE,
            max_events: MAX_EVENTS,
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
    let total = config.replications;
    let expected =
        (checked.expected_arrivals() + checked.scenario().initial.len() as f64) * total as f64;
    if expected > config.max_people {
        return Err(SimError::TooBig {
            expected,
            limit: config.max_people,
            replications: total,
        });
    }
    let mut reps: Vec<Replication> = Vec::with_capacity(total);
    let mut used = 0u64;
    for rep_idx in 0..total {
        let left = config.max_events.saturating_sub(used);
        let rep =
            replicate_within(checked, config.seed, rep_idx as u64, left).map_err(|e| match e {
                SimError::Budget { week, .. } => SimError::Budget {
                    events: config.max_events,
                    week,
                    replication: rep_idx + 1,
                },
                other => other,
            })?;
        used += rep.events;
        reps.push(rep);
        if !progress(rep_idx + 1, total) {
            return Err(SimError::Cancelled);
        }
    }
    Ok(report::build(checked, &mut reps, config.seed))
}
