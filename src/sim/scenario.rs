//! The scenario as the user writes it (`Scenario`, plain serde data) and as the
//! engine runs it (`CheckedScenario`, indices instead of names, cumulative
//! probabilities, every rule checked once before any run).

use serde::{Deserialize, Serialize};

use super::people::{self, CheckedMoves, MoveModel, Resident};
use super::SimError;

/// Tolerance for probabilities that should sum to 1 (typed by people, so a
/// mix like 0.33/0.33/0.34 must pass).
const SUM_TOLERANCE: f64 = 1e-6;

/// The reserved name of the way out of the system.
pub const EXIT: &str = "exit";

/// A system of services that people flow through. Times are in weeks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub name: String,
    /// Run length in weeks, warm-up included.
    pub weeks: f64,
    /// Weeks at the start that are simulated but not counted.
    pub warmup: f64,
    /// Total arrivals per week, shared between the groups that give a `share`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrivals: Option<f64>,
    pub services: Vec<Service>,
    pub groups: Vec<Group>,
    pub triage: Triage,
    /// People present at time 0, with the weeks they have already spent there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initial: Vec<Resident>,
    /// A learned model of moves that overrides `next` for the states it covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_model: Option<MoveModel>,
}

/// A service or state with a number of places and a queue in front of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub name: String,
    pub places: u32,
    pub stay: Dist,
    #[serde(default, skip_serializing_if = "is_fifo")]
    pub queue: QueueRule,
    /// Where people go after their stay (unless their group says otherwise).
    #[serde(default)]
    pub next: Vec<Move>,
}

fn is_fifo(rule: &QueueRule) -> bool {
    *rule == QueueRule::Fifo
}

/// Who gets the next free place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueueRule {
    /// First come, first served.
    #[default]
    Fifo,
    /// Higher risk first; first come, first served within a risk level.
    Risk,
}

/// A length of stay in weeks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "d", rename_all = "lowercase")]
pub enum Dist {
    Exp {
        mean: f64,
    },
    /// Lognormal given by the mean and standard deviation of the stay itself.
    Lognormal {
        mean: f64,
        sd: f64,
    },
    Fixed {
        value: f64,
    },
    /// Resampled uniformly from observed stays.
    Empirical {
        values: Vec<f64>,
    },
    /// Gamma given by the mean and standard deviation of the stay itself
    /// (shape (mean/sd)^2, scale sd^2/mean).
    Gamma {
        mean: f64,
        sd: f64,
    },
}

impl Dist {
    /// The mean stay in weeks.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Exp { mean } | Dist::Lognormal { mean, .. } | Dist::Gamma { mean, .. } => *mean,
            Dist::Fixed { value } => *value,
            Dist::Empirical { values } => values.iter().sum::<f64>() / values.len().max(1) as f64,
        }
    }
}

/// An onward move: go `to` a service (or `exit`) with probability `p`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Move {
    pub to: String,
    pub p: f64,
}

/// People with the same arrival pattern and pathway mix (a segment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    /// Arrivals per week.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// Share of the scenario's `arrivals` (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Weekly profile: multipliers of the rate, one per week, repeating.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profile: Vec<f64>,
    /// The right pathway: probabilities over entry services.
    pub mix: Vec<Move>,
    /// Probabilities of risk levels low, medium, high (default all low).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk: Vec<f64>,
    /// Probabilities of need levels 1, 2, 3... (default all level 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub need: Vec<f64>,
    /// Onward moves for this group that replace a service's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub next: Vec<GroupMoves>,
    /// A pool of people's attributes (in the order of the move model's):
    /// each arrival of this group carries one row, drawn uniformly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Vec<f64>>,
}

/// A group's own onward moves from one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMoves {
    pub from: String,
    pub to: Vec<Move>,
}

/// The triage step in front of the pathways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Triage {
    /// Share of people sent to their right pathway (0 to 1).
    pub accuracy: f64,
    /// Weeks until a misallocation is found and the person re-routed.
    pub delay: f64,
}

/// Where a move leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Service(usize),
    Exit,
}

/// A scenario that passed every check: the only thing `simulate` accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedScenario {
    pub(crate) scenario: Scenario,
    /// Arrivals per week of each group (profile multiplier 1).
    pub(crate) rates: Vec<f64>,
    /// Cumulative choice tables.
    pub(crate) mix: Vec<Vec<(f64, usize)>>,
    pub(crate) risk: Vec<Vec<f64>>,
    pub(crate) need: Vec<Vec<f64>>,
    /// `moves[group][service]`: cumulative onward moves.
    pub(crate) moves: Vec<Vec<Vec<(f64, Target)>>>,
    /// Services any group can be triaged to, in the scenario's order.
    pub(crate) pathways: Vec<usize>,
    /// The move model by service, when the scenario has one.
    pub(crate) move_model: Option<CheckedMoves>,
    /// Each resident's (service, group), in the order of `initial`.
    pub(crate) residents: Vec<(usize, usize)>,
}

impl CheckedScenario {
    /// The scenario as written.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Expected arrivals over the whole run (profile peaks included).
    pub fn expected_arrivals(&self) -> f64 {
        let peak = |g: &Group| g.profile.iter().copied().fold(1.0_f64, f64::max);
        self.rates
            .iter()
            .zip(&self.scenario.groups)
            .map(|(rate, g)| rate * peak(g))
            .sum::<f64>()
            * self.scenario.weeks
    }
}

fn bad(message: String) -> SimError {
    SimError::Invalid(message)
}

fn positive_finite(value: f64) -> bool {
    value.is_finite() && value > 0.0
}

impl Scenario {
    /// Checks every rule before anything runs and builds the engine's form.
    pub fn check(&self) -> Result<CheckedScenario, SimError> {
        self.check_times()?;
        let names = self.check_services()?;
        let index = |name: &str, place: &str| -> Result<Target, SimError> {
            if name == EXIT {
                return Ok(Target::Exit);
            }
            names
                .iter()
                .position(|n| n == name)
                .map(Target::Service)
                .ok_or_else(|| {
                    bad(format!(
                        "{place} names a service \"{name}\" that is not in the scenario; \
                         use one of: {}, or \"{EXIT}\"",
                        names.join(", ")
                    ))
                })
        };
        if self.groups.is_empty() {
            return Err(bad(
                "the scenario has no groups of people: add at least one".into(),
            ));
        }
        let rates = self.check_rates()?;
        let people::CheckedPeople {
            moves: move_model,
            residents,
        } = people::check_people(self, &names, &rates)?;
        let covered = |s: usize| {
            move_model
                .as_ref()
                .is_some_and(|m| m.by_service.get(s).is_some_and(Option::is_some))
        };
        let n_services = self.services.len();
        let mut mix = Vec::new();
        let mut moves = Vec::new();
        let mut risk = Vec::new();
        let mut need = Vec::new();
        let mut pathway_used = vec![false; n_services];
        for group in &self.groups {
            let place = format!("group \"{}\"", group.name);
            let mut table = Vec::new();
            let mut sum = 0.0;
            for m in &group.mix {
                check_probability(m.p, &format!("{place} mix to \"{}\"", m.to))?;
                match index(&m.to, &format!("{place} mix"))? {
                    Target::Service(i) => {
                        sum += m.p;
                        if m.p > 0.0 {
                            pathway_used[i] = true;
                        }
                        table.push((sum, i));
                    }
                    Target::Exit => {
                        return Err(bad(format!(
                            "{place} mix sends people straight to \"{EXIT}\"; \
                             a pathway must be a service"
                        )))
                    }
                }
            }
            check_sum(sum, &format!("{place} mix"))?;
            mix.push(table);
            risk.push(cumulative(&group.risk, &format!("{place} risk levels"))?);
            need.push(cumulative(&group.need, &format!("{place} need levels"))?);
            let mut per_service = Vec::with_capacity(n_services);
            for (s, service) in self.services.iter().enumerate() {
                let own = group.next.iter().find(|g| g.from == service.name);
                let list = own.map(|g| &g.to).unwrap_or(&service.next);
                let place = match own {
                    Some(_) => format!("{place} moves from \"{}\"", service.name),
                    None => format!("service \"{}\" onward moves", service.name),
                };
                if list.is_empty() && covered(s) {
                    // The move model decides; no table needed.
                    per_service.push(Vec::new());
                    continue;
                }
                if list.is_empty() {
                    return Err(bad(format!(
                        "{place}: there are none, so people could never leave; \
                         add a move (to \"{EXIT}\" if they leave the system)"
                    )));
                }
                let mut table = Vec::new();
                let mut sum = 0.0;
                for m in list {
                    check_probability(m.p, &format!("{place} to \"{}\"", m.to))?;
                    sum += m.p;
                    table.push((sum, index(&m.to, &place)?));
                }
                check_sum(sum, &place)?;
                per_service.push(table);
            }
            for own in &group.next {
                index(&own.from, &format!("{place} moves"))?;
            }
            moves.push(per_service);
        }
        let pathways: Vec<usize> = (0..n_services).filter(|&i| pathway_used[i]).collect();
        let checked = CheckedScenario {
            scenario: self.clone(),
            rates,
            mix,
            risk,
            need,
            moves,
            pathways,
            move_model,
            residents,
        };
        checked.check_flow()?;
        Ok(checked)
    }

    fn check_times(&self) -> Result<(), SimError> {
        if !positive_finite(self.weeks) {
            return Err(bad(format!(
                "the run length is {} weeks; give a positive number of weeks",
                self.weeks
            )));
        }
        if !(self.warmup.is_finite() && self.warmup >= 0.0) {
            return Err(bad(format!(
                "the warm-up is {} weeks; give zero or a positive number",
                self.warmup
            )));
        }
        if self.warmup >= self.weeks {
            return Err(bad(format!(
                "the warm-up ({} weeks) is not shorter than the run ({} weeks); \
                 shorten the warm-up or lengthen the run",
                self.warmup, self.weeks
            )));
        }
        let t = &self.triage;
        if !(0.0..=1.0).contains(&t.accuracy) {
            return Err(bad(format!(
                "triage accuracy is {}; give a share between 0 and 1 (0.85 means 85%)",
                t.accuracy
            )));
        }
        if !(t.delay.is_finite() && t.delay >= 0.0) {
            return Err(bad(format!(
                "the re-routing delay is {} weeks; give zero or a positive number",
                t.delay
            )));
        }
        Ok(())
    }

    fn check_services(&self) -> Result<Vec<String>, SimError> {
        if self.services.is_empty() {
            return Err(bad("the scenario has no services: add at least one".into()));
        }
        let mut names: Vec<String> = Vec::new();
        for s in &self.services {
            if s.name.trim().is_empty() {
                return Err(bad(
                    "a service has no name: give every service a name".into()
                ));
            }
            if s.name == EXIT {
                return Err(bad(format!(
                    "\"{EXIT}\" is the way out of the system, not a service; rename the service"
                )));
            }
            if names.contains(&s.name) {
                return Err(bad(format!(
                    "two services are called \"{}\"; give each service its own name",
                    s.name
                )));
            }
            check_dist(&s.stay, &s.name)?;
            names.push(s.name.clone());
        }
        Ok(names)
    }

    fn check_rates(&self) -> Result<Vec<f64>, SimError> {
        let mut rates = Vec::new();
        let mut share_sum = 0.0;
        for g in &self.groups {
            let rate = match (g.rate, g.share) {
                (Some(rate), None) => rate,
                (None, Some(share)) => {
                    let total = self.arrivals.ok_or_else(|| {
                        bad(format!(
                            "group \"{}\" gives a share of arrivals but the scenario has no \
                             total arrivals per week; set `arrivals` or give the group a rate",
                            g.name
                        ))
                    })?;
                    if !(total.is_finite() && total >= 0.0) {
                        return Err(bad(format!(
                            "total arrivals per week is {total}; give zero or a positive number"
                        )));
                    }
                    check_probability(share, &format!("group \"{}\" share", g.name))?;
                    share_sum += share;
                    share * total
                }
                _ => {
                    return Err(bad(format!(
                        "group \"{}\" needs either a rate per week or a share of arrivals \
                         (one of the two, not both)",
                        g.name
                    )))
                }
            };
            if !(rate.is_finite() && rate >= 0.0) {
                return Err(bad(format!(
                    "group \"{}\" arrives at {rate} a week; give zero or a positive number",
                    g.name
                )));
            }
            for (week, m) in g.profile.iter().enumerate() {
                if !(m.is_finite() && *m >= 0.0) {
                    return Err(bad(format!(
                        "group \"{}\" weekly profile has {m} in week {}; \
                         give zero or a positive multiplier",
                        g.name,
                        week + 1
                    )));
                }
            }
            rates.push(rate);
        }
        if share_sum > 1.0 + SUM_TOLERANCE {
            return Err(bad(format!(
                "the groups' shares of arrivals add up to {share_sum}; they must not exceed 1"
            )));
        }
        Ok(rates)
    }
}

impl CheckedScenario {
    /// Where people of group `g` can go from service `s` (targets with a
    /// chance above zero; every target of the move model when it covers `s`).
    fn open_targets(&self, g: usize, s: usize) -> Vec<Target> {
        if let Some(model) = self
            .move_model
            .as_ref()
            .and_then(|m| m.by_service.get(s))
            .and_then(Option::as_ref)
        {
            return model.targets.clone();
        }
        let mut prev = 0.0;
        let mut open = Vec::new();
        for &(cum, to) in &self.moves[g][s] {
            if cum > prev {
                open.push(to);
            }
            prev = cum;
        }
        open
    }

    /// Zero places where people arrive, and loops with no way out, are found
    /// here: either would make a run meaningless or endless.
    fn check_flow(&self) -> Result<(), SimError> {
        let services = &self.scenario.services;
        let n = services.len();
        let accuracy = self.scenario.triage.accuracy;
        for (g, group) in self.scenario.groups.iter().enumerate() {
            let has_residents = self.residents.iter().any(|&(_, rg)| rg == g);
            if self.rates.get(g).copied().unwrap_or(0.0) <= 0.0 && !has_residents {
                continue;
            }
            // Everyone may be misallocated to any pathway while accuracy < 1.
            let mut reached = vec![false; n];
            let mut stack: Vec<usize> = Vec::new();
            let starts: Vec<usize> = if self.rates.get(g).copied().unwrap_or(0.0) <= 0.0 {
                Vec::new()
            } else if accuracy < 1.0 {
                self.pathways.clone()
            } else {
                let mut prev = 0.0;
                let mut s = Vec::new();
                for &(cum, i) in &self.mix[g] {
                    if cum > prev {
                        s.push(i);
                    }
                    prev = cum;
                }
                s
            };
            for i in starts {
                if !reached[i] {
                    reached[i] = true;
                    stack.push(i);
                }
            }
            for &(s, rg) in &self.residents {
                if rg == g && !reached[s] {
                    reached[s] = true;
                    stack.push(s);
                }
            }
            while let Some(i) = stack.pop() {
                for to in self.open_targets(g, i) {
                    if let Target::Service(j) = to {
                        if !reached[j] {
                            reached[j] = true;
                            stack.push(j);
                        }
                    }
                }
            }
            for (i, s) in services.iter().enumerate() {
                if reached[i] && s.places == 0 {
                    return Err(bad(format!(
                        "service \"{}\" has 0 places but people from group \"{}\" are sent there; \
                         give it at least 1 place or stop sending people to it",
                        s.name, group.name
                    )));
                }
            }
            // Which services can reach the exit (backwards from exit).
            let mut leaves = vec![false; n];
            let mut changed = true;
            while changed {
                changed = false;
                for i in 0..n {
                    if leaves[i] {
                        continue;
                    }
                    let out = self.open_targets(g, i).into_iter().any(|to| match to {
                        Target::Exit => true,
                        Target::Service(j) => leaves[j],
                    });
                    if out {
                        leaves[i] = true;
                        changed = true;
                    }
                }
            }
            let trapped: Vec<&str> = (0..n)
                .filter(|&i| reached[i] && !leaves[i])
                .map(|i| services[i].name.as_str())
                .collect();
            if !trapped.is_empty() {
                return Err(bad(format!(
                    "people from group \"{}\" who reach {} can never leave: those services only \
                     send people to each other; give one of them a move to \"{EXIT}\" \
                     or to a service that leads out",
                    group.name,
                    trapped
                        .iter()
                        .map(|n| format!("\"{n}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        Ok(())
    }
}

fn check_probability(p: f64, place: &str) -> Result<(), SimError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(bad(format!(
            "{place} has probability {p}; give a number between 0 and 1"
        )))
    }
}

fn check_sum(sum: f64, place: &str) -> Result<(), SimError> {
    if (sum - 1.0).abs() <= SUM_TOLERANCE {
        Ok(())
    } else {
        Err(bad(format!(
            "{place}: the probabilities add up to {}, not 1; adjust them so they add up to 1",
            (sum * 1e6).round() / 1e6
        )))
    }
}

/// Cumulative table of probabilities over levels; empty means all level 0.
fn cumulative(probabilities: &[f64], place: &str) -> Result<Vec<f64>, SimError> {
    if probabilities.is_empty() {
        return Ok(vec![1.0]);
    }
    if probabilities.len() > 3 && place.contains("risk") {
        return Err(bad(format!(
            "{place}: give at most 3 probabilities (low, medium, high)"
        )));
    }
    if probabilities.len() > 255 {
        return Err(bad(format!("{place}: give at most 255 levels")));
    }
    let mut sum = 0.0;
    let mut table = Vec::new();
    for (level, &p) in probabilities.iter().enumerate() {
        check_probability(p, &format!("{place} level {}", level + 1))?;
        sum += p;
        table.push(sum);
    }
    check_sum(sum, place)?;
    Ok(table)
}

/// Shortest mean stay a service may have, in weeks (about 0.6 seconds):
/// below it a visit takes no time at all on the run's clock, and a loop of
/// such visits would never let the clock move on.
pub const MIN_MEAN_STAY: f64 = 1e-6;
/// Largest spread (standard deviation over mean) of a lognormal or gamma
/// stay: beyond it nearly every draw is effectively zero while a rare one is
/// astronomically long.
pub const MAX_SPREAD: f64 = 100.0;

fn check_dist(dist: &Dist, service: &str) -> Result<(), SimError> {
    let fail = |what: String| Err(bad(format!("service \"{service}\" stay: {what}")));
    let mean = dist.mean();
    if mean.is_finite() && mean > 0.0 && mean < MIN_MEAN_STAY {
        return fail(format!(
            "the mean stay is {mean:e} weeks, effectively zero (under a second): a visit would \
             take no time and a loop through it would never end; give a mean stay of at \
             least {MIN_MEAN_STAY} weeks"
        ));
    }
    if let Dist::Lognormal { mean, sd } | Dist::Gamma { mean, sd } = dist {
        if positive_finite(*mean) && sd.is_finite() && *sd > MAX_SPREAD * mean {
            return fail(format!(
                "the standard deviation ({sd} weeks) is more than {MAX_SPREAD} times the mean \
                 ({mean} weeks): nearly every stay would be effectively zero; give a smaller \
                 standard deviation"
            ));
        }
    }
    match dist {
        Dist::Exp { mean } if !positive_finite(*mean) => {
            fail(format!("the mean is {mean} weeks; give a positive number"))
        }
        Dist::Lognormal { mean, sd }
            if !(positive_finite(*mean) && sd.is_finite() && *sd >= 0.0) =>
        {
            fail(format!(
                "mean {mean} and standard deviation {sd} weeks; give a positive mean and \
                 a standard deviation of zero or more"
            ))
        }
        Dist::Gamma { mean, sd } if !(positive_finite(*mean) && positive_finite(*sd)) => {
            fail(format!(
                "gamma with mean {mean} and standard deviation {sd} weeks; give a positive \
                 mean and a positive standard deviation"
            ))
        }
        Dist::Fixed { value } if !positive_finite(*value) => {
            fail(format!("the stay is {value} weeks; give a positive number"))
        }
        Dist::Empirical { values } => {
            if let Some(v) = values.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
                fail(format!(
                    "the observed stays include {v}; every stay must be zero or more weeks"
                ))
            } else if values.is_empty() || dist.mean() <= 0.0 {
                fail("give at least one observed stay longer than zero".into())
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}
