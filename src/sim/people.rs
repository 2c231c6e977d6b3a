//! People who carry something into a run: residents present at time 0 (with
//! the weeks they have already spent in their service), attributes drawn
//! from a group's pool, and a learned move model (a softmax over targets per
//! state) that replaces a service's `next` table for the states it covers.
//! The serde names here are the contract with `flows` (HELPERS.md).

use serde::{Deserialize, Serialize};

use super::scenario::{Scenario, Target, EXIT};
use super::SimError;

/// Most residents one scenario may hold at time 0.
pub const MAX_RESIDENTS: usize = 1_000_000;
/// Most attributes a person may carry.
pub const MAX_ATTRIBUTES: usize = 256;
/// Most people in one group's attribute pool.
pub const MAX_POOL: usize = 1_000_000;

/// A person present in a service at time 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resident {
    pub service: String,
    /// Weeks already spent in `service` at time 0; the remaining stay is drawn
    /// from the stay distribution conditioned on lasting longer than this.
    pub elapsed: f64,
    /// The group whose routes (and attribute pool) this person follows; the
    /// first group when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The person's attributes, in the order of `MoveModel::attributes`; when
    /// empty they are drawn from the group's pool.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<f64>,
}

/// A learned model of the next move, by state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveModel {
    /// Names of the attributes every person carries, in order.
    pub attributes: Vec<String>,
    pub states: Vec<StateMoves>,
}

/// The move model of one state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateMoves {
    pub from: String,
    /// Targets: service names, or "exit".
    pub to: Vec<String>,
    /// Per target: [intercept, one weight per attribute, weight on weeks spent
    /// in `from`]; the next state is drawn from the softmax of these scores.
    pub weights: Vec<Vec<f64>>,
}

/// One state's checked model: targets as indices, one row of weights each.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StateModel {
    pub(crate) targets: Vec<Target>,
    pub(crate) weights: Vec<Vec<f64>>,
}

/// A move model checked against its scenario.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CheckedMoves {
    pub(crate) n_attributes: usize,
    /// `by_service[s]`: the model of service `s` when it covers it.
    pub(crate) by_service: Vec<Option<StateModel>>,
}

/// What `check_people` found: the move model and each resident's
/// (service, group), in the order of `initial`.
pub(crate) struct CheckedPeople {
    pub(crate) moves: Option<CheckedMoves>,
    pub(crate) residents: Vec<(usize, usize)>,
}

impl CheckedMoves {
    /// Probabilities of each target for a person with `attributes` who spent
    /// `weeks` in the state, written into `out` (softmax, overflow-safe).
    pub(crate) fn probabilities(
        weights: &[Vec<f64>],
        attributes: &[f64],
        weeks: f64,
        out: &mut Vec<f64>,
    ) {
        out.clear();
        for w in weights {
            let mut score = w.first().copied().unwrap_or(0.0);
            for (k, x) in attributes.iter().enumerate() {
                score += w.get(k + 1).copied().unwrap_or(0.0) * x;
            }
            score += w.get(attributes.len() + 1).copied().unwrap_or(0.0) * weeks;
            out.push(score);
        }
        let top = out.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut sum = 0.0;
        for s in out.iter_mut() {
            *s = if top.is_finite() && s.is_finite() {
                libm::exp(*s - top)
            } else {
                0.0
            };
            sum += *s;
        }
        if sum > 0.0 && sum.is_finite() {
            out.iter_mut().for_each(|p| *p /= sum);
        } else {
            let n = out.len().max(1) as f64;
            out.iter_mut().for_each(|p| *p = 1.0 / n);
        }
    }
}

fn bad(message: String) -> SimError {
    SimError::Invalid(message)
}

fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// Checks the residents, the groups' attribute pools and the move model
/// against the scenario's services and groups. Returns the checked move model
/// and each resident's (service, group).
pub(crate) fn check_people(
    scenario: &Scenario,
    names: &[String],
    rates: &[f64],
) -> Result<CheckedPeople, SimError> {
    let model = match &scenario.move_model {
        Some(m) => Some(check_model(m, names)?),
        None => None,
    };
    let n_attributes = model.as_ref().map(|m| m.n_attributes);
    for (g, group) in scenario.groups.iter().enumerate() {
        let place = format!("group \"{}\" attributes", group.name);
        if group.attributes.len() > MAX_POOL {
            return Err(bad(format!(
                "{place}: {} people in the pool, more than the {MAX_POOL} allowed; \
                 give a sample of them",
                group.attributes.len()
            )));
        }
        let width = n_attributes.or_else(|| group.attributes.first().map(Vec::len));
        for (row, person) in group.attributes.iter().enumerate() {
            if Some(person.len()) != width {
                return Err(bad(format!(
                    "{place}: person {} has {} values where {} are expected{}",
                    row + 1,
                    person.len(),
                    width.unwrap_or(0),
                    model_names(scenario)
                )));
            }
            if !all_finite(person) {
                return Err(bad(format!(
                    "{place}: person {} has a value that is not a finite number; \
                     give numbers only",
                    row + 1
                )));
            }
        }
        let arrives = rates.get(g).copied().unwrap_or(0.0) > 0.0;
        if let Some(n) = n_attributes {
            if n > 0 && arrives && group.attributes.is_empty() {
                return Err(bad(format!(
                    "{place}: the move model needs {n} attributes per person but the group's \
                     pool of people is empty; give the group `attributes` to draw arrivals from"
                )));
            }
        }
    }
    if scenario.initial.len() > MAX_RESIDENTS {
        return Err(bad(format!(
            "the scenario starts with {} people, more than the {MAX_RESIDENTS} allowed",
            scenario.initial.len()
        )));
    }
    let mut placed = Vec::with_capacity(scenario.initial.len());
    for (i, r) in scenario.initial.iter().enumerate() {
        let place = format!("person {} at the start (in \"{}\")", i + 1, r.service);
        let s = names.iter().position(|n| *n == r.service).ok_or_else(|| {
            bad(format!(
                "{place}: there is no service \"{}\"; use one of: {}",
                r.service,
                names.join(", ")
            ))
        })?;
        if !(r.elapsed.is_finite() && r.elapsed >= 0.0) {
            return Err(bad(format!(
                "{place}: has spent {} weeks there; give zero or a positive number of weeks",
                r.elapsed
            )));
        }
        let g = match &r.group {
            None => 0,
            Some(name) => scenario
                .groups
                .iter()
                .position(|g| g.name == *name)
                .ok_or_else(|| {
                    bad(format!(
                        "{place}: there is no group \"{name}\"; use one of: {}",
                        scenario
                            .groups
                            .iter()
                            .map(|g| g.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?,
        };
        if !all_finite(&r.attributes) {
            return Err(bad(format!(
                "{place}: an attribute is not a finite number; give numbers only"
            )));
        }
        let pool = scenario
            .groups
            .get(g)
            .map(|g| g.attributes.len())
            .unwrap_or(0);
        match n_attributes {
            Some(n) if r.attributes.is_empty() && n > 0 && pool == 0 => {
                return Err(bad(format!(
                    "{place}: carries no attributes and its group has no pool to draw them \
                     from; give the {n} attributes{}",
                    model_names(scenario)
                )))
            }
            Some(n) if !r.attributes.is_empty() && r.attributes.len() != n => {
                return Err(bad(format!(
                    "{place}: carries {} attributes where the move model has {n}{}",
                    r.attributes.len(),
                    model_names(scenario)
                )))
            }
            _ => {}
        }
        placed.push((s, g));
    }
    Ok(CheckedPeople {
        moves: model,
        residents: placed,
    })
}

fn model_names(scenario: &Scenario) -> String {
    match &scenario.move_model {
        Some(m) if !m.attributes.is_empty() => format!(" ({})", m.attributes.join(", ")),
        _ => String::new(),
    }
}

fn check_model(model: &MoveModel, names: &[String]) -> Result<CheckedMoves, SimError> {
    let n_attributes = model.attributes.len();
    if n_attributes > MAX_ATTRIBUTES {
        return Err(bad(format!(
            "the move model has {n_attributes} attributes, more than the {MAX_ATTRIBUTES} allowed"
        )));
    }
    let mut by_service: Vec<Option<StateModel>> = vec![None; names.len()];
    for state in &model.states {
        let place = format!("the move model from \"{}\"", state.from);
        let s = names.iter().position(|n| *n == state.from).ok_or_else(|| {
            bad(format!(
                "{place}: there is no service \"{}\"; use one of: {}",
                state.from,
                names.join(", ")
            ))
        })?;
        if by_service[s].is_some() {
            return Err(bad(format!(
                "{place}: the state appears twice; give each state once"
            )));
        }
        if state.to.is_empty() {
            return Err(bad(format!(
                "{place}: has no targets, so people could never leave; add at least one \
                 (\"{EXIT}\" if they leave the system)"
            )));
        }
        if state.weights.len() != state.to.len() {
            return Err(bad(format!(
                "{place}: {} targets but {} rows of weights; give one row per target",
                state.to.len(),
                state.weights.len()
            )));
        }
        let mut targets = Vec::with_capacity(state.to.len());
        for (to, row) in state.to.iter().zip(&state.weights) {
            let target = if to == EXIT {
                Target::Exit
            } else {
                Target::Service(names.iter().position(|n| n == to).ok_or_else(|| {
                    bad(format!(
                        "{place}: there is no service \"{to}\"; use one of: {}, or \"{EXIT}\"",
                        names.join(", ")
                    ))
                })?)
            };
            if targets.contains(&target) {
                return Err(bad(format!(
                    "{place}: \"{to}\" is a target twice; give each target once"
                )));
            }
            if row.len() != n_attributes + 2 {
                return Err(bad(format!(
                    "{place} to \"{to}\": {} weights where {} are expected (an intercept, \
                     one per attribute, one on weeks spent there)",
                    row.len(),
                    n_attributes + 2
                )));
            }
            if !all_finite(row) {
                return Err(bad(format!(
                    "{place} to \"{to}\": a weight is not a finite number; give numbers only"
                )));
            }
            targets.push(target);
        }
        by_service[s] = Some(StateModel {
            targets,
            weights: state.weights.clone(),
        });
    }
    Ok(CheckedMoves {
        n_attributes,
        by_service,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_is_safe_and_sums_to_one() {
        let mut out = Vec::new();
        let w = vec![vec![0.0, 1.0, 0.0], vec![1000.0, 0.0, 0.0]];
        CheckedMoves::probabilities(&w, &[2.0], 5.0, &mut out);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(out[1] > 0.999);
        let w = vec![vec![0.0, 0.0, 0.0], vec![(2.0f64).ln(), 0.0, 0.0]];
        CheckedMoves::probabilities(&w, &[7.0], 1.0, &mut out);
        assert!((out[0] - 1.0 / 3.0).abs() < 1e-12);
    }
}
