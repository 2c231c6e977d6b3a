//! Segments as simulator groups: replaces a scenario's groups with one group
//! per segment, each with its share of the arrivals and its pathway mix from
//! the history.
//!
//! Choices (documented for the hand-over from the Segments screen):
//! - Total arrivals: the scenario's `arrivals` if set, otherwise the sum of
//!   its groups' weekly arrivals (rates, and shares of `arrivals`), so the
//!   system gets as many people as before, only split differently.
//! - Shares are renormalised to sum to 1.
//! - A pathway that is not one of the scenario's services is dropped and the
//!   rest of that segment's mix renormalised; a segment left with no known
//!   pathway (or no mix at all) is an error naming it, since the simulator
//!   would not know where its people go.
//! - Risk and need levels: the arrival-weighted mean of the old groups' (when
//!   they all give the same number of levels), otherwise the default.

use crate::segment::GroupMix;

use super::scenario::{Group, Move, Scenario};
use super::SimError;

/// The scenario with its groups replaced by `groups` (see the module notes).
pub fn with_segment_groups(scenario: &Scenario, groups: &[GroupMix]) -> Result<Scenario, SimError> {
    if groups.is_empty() {
        return Err(SimError::Invalid(
            "there are no segments to send to the simulator; find groups first".to_string(),
        ));
    }
    let old_rates: Vec<f64> = scenario
        .groups
        .iter()
        .map(|g| match (g.rate, g.share) {
            (Some(rate), _) => rate,
            (None, Some(share)) => share * scenario.arrivals.unwrap_or(0.0),
            (None, None) => 0.0,
        })
        .collect();
    let total = scenario
        .arrivals
        .unwrap_or_else(|| old_rates.iter().sum::<f64>());
    if !total.is_finite() || total <= 0.0 {
        return Err(SimError::Invalid(
            "the scenario has no arrivals to share between the segments; set its total \
             arrivals per week first"
                .to_string(),
        ));
    }
    let share_sum: f64 = groups
        .iter()
        .map(|g| g.share)
        .filter(|s| s.is_finite() && *s > 0.0)
        .sum();
    if share_sum <= 0.0 {
        return Err(SimError::Invalid(
            "the segments' shares of arrivals are all zero".to_string(),
        ));
    }
    let risk = weighted_levels(scenario.groups.iter().map(|g| &g.risk), &old_rates);
    let need = weighted_levels(scenario.groups.iter().map(|g| &g.need), &old_rates);
    let mut new_groups = Vec::with_capacity(groups.len());
    for g in groups {
        let known: Vec<(&str, f64)> = g
            .pathway_mix
            .iter()
            .filter(|(pathway, p)| {
                p.is_finite() && *p > 0.0 && scenario.services.iter().any(|s| &s.name == pathway)
            })
            .map(|(pathway, p)| (pathway.as_str(), *p))
            .collect();
        let known_sum: f64 = known.iter().map(|(_, p)| p).sum();
        if known.is_empty() || known_sum <= 0.0 {
            let services: Vec<&str> = scenario.services.iter().map(|s| s.name.as_str()).collect();
            return Err(SimError::Invalid(format!(
                "segment \"{}\" has no pathway that is a service of the scenario ({}); its \
                 pathways in the history are: {}",
                g.name,
                services.join(", "),
                if g.pathway_mix.is_empty() {
                    "none (the data has no pathway column)".to_string()
                } else {
                    g.pathway_mix
                        .iter()
                        .map(|(p, _)| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )));
        }
        let share = if g.share.is_finite() && g.share > 0.0 {
            g.share / share_sum
        } else {
            0.0
        };
        new_groups.push(Group {
            name: g.name.clone(),
            rate: None,
            share: Some(share),
            profile: Vec::new(),
            mix: known
                .iter()
                .map(|(to, p)| Move {
                    to: (*to).to_string(),
                    p: p / known_sum,
                })
                .collect(),
            risk: risk.clone(),
            need: need.clone(),
            next: Vec::new(),
            attributes: Vec::new(),
        });
    }
    Ok(Scenario {
        arrivals: Some(total),
        groups: new_groups,
        ..scenario.clone()
    })
}

/// The rate-weighted mean of level probabilities, or empty (the default) when
/// the groups disagree on the number of levels or give none.
fn weighted_levels<'a>(levels: impl Iterator<Item = &'a Vec<f64>>, weights: &[f64]) -> Vec<f64> {
    let levels: Vec<&Vec<f64>> = levels.collect();
    let Some(first) = levels.first() else {
        return Vec::new();
    };
    let len = first.len();
    if len == 0 || levels.iter().any(|l| l.len() != len) {
        return Vec::new();
    }
    let weight_sum: f64 = weights.iter().sum();
    if weight_sum <= 0.0 {
        return Vec::new();
    }
    let mut out = vec![0.0; len];
    for (l, w) in levels.iter().zip(weights) {
        for (o, p) in out.iter_mut().zip(l.iter()) {
            *o += p * w / weight_sum;
        }
    }
    let sum: f64 = out.iter().sum();
    if sum <= 0.0 {
        return Vec::new();
    }
    out.iter().map(|p| p / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::demo_scenario;

    fn mix(name: &str, share: f64, pathways: &[(&str, f64)]) -> GroupMix {
        GroupMix {
            name: name.to_string(),
            share,
            pathway_mix: pathways.iter().map(|(p, s)| (p.to_string(), *s)).collect(),
        }
    }

    #[test]
    fn shares_carried_over_and_sum_to_one() {
        let base = demo_scenario();
        let groups = [
            mix("Segment 1", 0.3, &[("Crisis intervention", 1.0)]),
            mix(
                "Segment 2",
                0.7,
                &[("Signposting", 0.5), ("Peer support group", 0.5)],
            ),
        ];
        let s = with_segment_groups(&base, &groups).unwrap();
        assert_eq!(s.groups.len(), 2);
        assert_eq!(s.groups[0].name, "Segment 1");
        assert!((s.groups[0].share.unwrap() - 0.3).abs() < 1e-12);
        let sum: f64 = s.groups.iter().map(|g| g.share.unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-9);
        // Same total arrivals as the demo's group rates.
        let old: f64 = base.groups.iter().map(|g| g.rate.unwrap()).sum();
        assert!((s.arrivals.unwrap() - old).abs() < 1e-9);
        assert!(s.check().is_ok());
    }

    #[test]
    fn pathway_mix_mapped_onto_services() {
        let groups = [mix(
            "Segment 1",
            1.0,
            &[("One-to-one support", 0.25), ("Signposting", 0.75)],
        )];
        let s = with_segment_groups(&demo_scenario(), &groups).unwrap();
        let m = &s.groups[0].mix;
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].to, "One-to-one support");
        assert!((m[0].p - 0.25).abs() < 1e-12);
        assert!(s.check().is_ok());
    }

    #[test]
    fn unknown_pathway_dropped_and_rest_renormalised() {
        let groups = [mix(
            "Segment 1",
            1.0,
            &[
                ("Crisis intervention", 0.2),
                ("Made up", 0.6),
                ("Signposting", 0.2),
            ],
        )];
        let s = with_segment_groups(&demo_scenario(), &groups).unwrap();
        let m = &s.groups[0].mix;
        assert_eq!(m.len(), 2);
        assert!(m.iter().all(|mv| (mv.p - 0.5).abs() < 1e-12));
        assert!(s.check().is_ok());
    }

    #[test]
    fn no_known_pathway_is_an_error() {
        let groups = [mix("Segment 1", 1.0, &[("Made up", 1.0)])];
        let err = with_segment_groups(&demo_scenario(), &groups).unwrap_err();
        assert!(err.to_string().contains("Segment 1"));
        let groups = [mix("Segment 1", 1.0, &[])];
        assert!(with_segment_groups(&demo_scenario(), &groups).is_err());
        assert!(with_segment_groups(&demo_scenario(), &[]).is_err());
    }

    #[test]
    fn unnormalised_shares_are_renormalised() {
        let groups = [
            mix("A", 2.0, &[("Signposting", 1.0)]),
            mix("B", 2.0, &[("Signposting", 1.0)]),
        ];
        let s = with_segment_groups(&demo_scenario(), &groups).unwrap();
        assert!((s.groups[0].share.unwrap() - 0.5).abs() < 1e-12);
        assert!(s.check().is_ok());
    }
}
