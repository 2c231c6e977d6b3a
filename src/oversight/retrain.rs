//! Retraining from outcomes: a decision whose outcome was recorded becomes a
//! history row (the referral's values, the pathway decided, followed or
//! overridden, and the outcome), and overrides are judged: among decisions
//! with an outcome, did the professionals' own choices work more often than
//! the suggestions they followed?

use serde::{Deserialize, Serialize};

use super::stats::{self, pct, points};
use crate::decisions::DecisionRecord;
use crate::import::{Dataset, Role, SuccessRule};
use crate::model::train::Estimate;

/// Days after which a version in use is old enough to suggest retraining.
pub const REMIND_AFTER_DAYS: i64 = 30;

/// Decisions with an outcome that are not yet history.
pub fn new_outcomes<'a>(
    decisions: &'a [DecisionRecord],
    in_history: &[u64],
) -> Vec<&'a DecisionRecord> {
    decisions
        .iter()
        .filter(|d| d.outcome_success.is_some() && !in_history.contains(&d.id))
        .collect()
}

/// Why decisions could not become history.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RetrainError {
    #[error("the data has no pathway column: mark the column that holds the pathway allocated")]
    NoPathwayColumn,
    #[error("the data has no success rule, so an outcome cannot be written as a row: choose the outcome column and the value that means success on the Data screen")]
    NoSuccessRule,
    #[error("the outcome column \"{0}\" has no value meaning \"did not work\": add one to the success rule's column, or record outcomes in the data file")]
    NoFailureValue(String),
}

/// The cell values meaning success and failure under the rule.
fn outcome_values(
    dataset: &Dataset,
    rule: &SuccessRule,
) -> Result<(String, String, String), RetrainError> {
    match rule {
        SuccessRule::Equals { column, values } => {
            let success = values.first().cloned().unwrap_or_else(|| "yes".into());
            let is_success = |v: &str| {
                values
                    .iter()
                    .any(|s| s.trim().eq_ignore_ascii_case(v.trim()))
            };
            let failure = dataset
                .column(column)
                .and_then(|c| c.cells.iter().flatten().find(|v| !is_success(v)).cloned())
                .ok_or_else(|| RetrainError::NoFailureValue(column.clone()))?;
            Ok((column.clone(), success, failure))
        }
        SuccessRule::AtLeast { column, threshold } => Ok((
            column.clone(),
            threshold.to_string(),
            (threshold - 1.0).to_string(),
        )),
        SuccessRule::AtMost { column, threshold } => Ok((
            column.clone(),
            threshold.to_string(),
            (threshold + 1.0).to_string(),
        )),
    }
}

/// `dataset` with one row appended per decision: its inputs in their
/// columns, the pathway decided, the outcome in the success rule's terms and
/// the referral's identifier (or "decision N") in the identifier column;
/// other columns empty.
pub fn with_outcomes(
    dataset: &Dataset,
    decisions: &[&DecisionRecord],
) -> Result<Dataset, RetrainError> {
    let pathway = dataset
        .columns
        .iter()
        .find(|c| c.role == Role::Pathway)
        .map(|c| c.name.clone())
        .ok_or(RetrainError::NoPathwayColumn)?;
    let rule = dataset
        .success_rule
        .as_ref()
        .ok_or(RetrainError::NoSuccessRule)?;
    let (outcome, success, failure) = outcome_values(dataset, rule)?;
    let mut out = dataset.clone();
    for column in &mut out.columns {
        // Every column as long as the rows, whatever it held before.
        column.cells.resize(dataset.n_rows, None);
        for d in decisions {
            let value = if column.name == pathway {
                Some(d.decided.clone())
            } else if column.name == outcome {
                d.outcome_success
                    .map(|s| if s { success.clone() } else { failure.clone() })
            } else if column.role == Role::Id {
                Some(
                    d.referral
                        .clone()
                        .unwrap_or_else(|| format!("decision {}", d.id)),
                )
            } else {
                d.inputs
                    .iter()
                    .find(|(name, _)| name == &column.name)
                    .and_then(|(_, v)| v.clone())
            };
            column.cells.push(value);
        }
    }
    out.n_rows = dataset.n_rows + decisions.len();
    Ok(out)
}

/// Days from 1970-01-01 to a date given as "YYYY-MM-DD…" (`None` when unreadable).
fn days(date: &str) -> Option<i64> {
    let mut parts = date.get(..10)?.split('-');
    let (y, m, d): (i64, i64, i64) = (
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    Some(era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468)
}

/// The gentle reminder, when the version in use was trained more than
/// `REMIND_AFTER_DAYS` before `today` and new outcomes exist.
pub fn reminder(trained: &str, today: &str, new_outcomes: usize) -> Option<String> {
    let age = days(today)? - days(trained)?;
    (age > REMIND_AFTER_DAYS && new_outcomes > 0).then(|| {
        format!(
            "The model in use was trained {age} days ago and {new_outcomes} decision{} now {} a recorded outcome: consider retraining with them.",
            if new_outcomes == 1 { "" } else { "s" },
            if new_outcomes == 1 { "has" } else { "have" }
        )
    })
}

/// Followed against overridden suggestions for one suggested pathway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrideJudgement {
    pub pathway: String,
    /// Success of followed suggestions of this pathway (with outcome).
    pub followed: Option<Estimate>,
    pub n_followed: usize,
    /// Success of the professionals' own choices where they overrode it.
    pub overridden: Option<Estimate>,
    pub n_overridden: usize,
    /// overridden - followed, with Newcombe's interval.
    pub difference: Option<Estimate>,
    pub sentence: String,
}

/// The caveat every judgement of overrides carries.
pub const OVERRIDE_CAVEAT: &str = "These groups differ: professionals override for reasons (information the model lacks, risk, availability), so the people overridden are not like those followed, and a difference is not proof that either choice was better for the same person.";

/// Per suggested pathway, did overridden suggestions (the professional's
/// choice) work more often than followed ones?
pub fn judge_overrides(decisions: &[DecisionRecord]) -> Vec<OverrideJudgement> {
    let mut pathways: Vec<String> = decisions.iter().map(|d| d.suggested.clone()).collect();
    pathways.sort();
    pathways.dedup();
    pathways
        .into_iter()
        .map(|pathway| {
            let known: Vec<&DecisionRecord> = decisions
                .iter()
                .filter(|d| d.suggested == pathway && d.outcome_success.is_some())
                .collect();
            let share = |followed: bool| {
                let group: Vec<&&DecisionRecord> =
                    known.iter().filter(|d| d.followed() == followed).collect();
                let worked = group.iter().filter(|d| d.outcome_success == Some(true)).count();
                (stats::wilson(worked, group.len()), group.len())
            };
            let (followed, n_followed) = share(true);
            let (overridden, n_overridden) = share(false);
            let difference = match (&overridden, &followed) {
                (Some(o), Some(f)) => Some(stats::difference(o, f)),
                _ => None,
            };
            let sentence = match &difference {
                None => format!(
                    "{pathway}: not enough outcomes to compare ({n_followed} followed, {n_overridden} overridden)."
                ),
                Some(d) => {
                    let (o, f) = (overridden.as_ref().map_or(0.0, |e| e.value), followed.as_ref().map_or(0.0, |e| e.value));
                    let verdict = if stats::excludes_zero(d) && d.value > 0.0 {
                        "the professionals' choices worked more often"
                    } else if stats::excludes_zero(d) {
                        "the followed suggestions worked more often"
                    } else {
                        "no clear difference"
                    };
                    format!(
                        "{pathway}: overridden {} of {n_overridden} worked against followed {} of {n_followed} (difference {} points, 95% interval {} to {}): {verdict}.",
                        pct(o), pct(f), points(d.value), points(d.lower), points(d.upper)
                    )
                }
            };
            OverrideJudgement {
                pathway,
                followed,
                n_followed,
                overridden,
                n_overridden,
                difference,
                sentence,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decisions::DecisionRecord;

    fn record(id: u64, suggested: &str, decided: &str, outcome: Option<bool>) -> DecisionRecord {
        DecisionRecord {
            id,
            time: "2026-12-01T10:00:00Z".into(),
            referral: id.is_multiple_of(2).then(|| format!("N{id}")),
            inputs: vec![
                ("risk_level".into(), Some("4".into())),
                ("gender".into(), Some("Female".into())),
            ],
            suggested: suggested.into(),
            score: Some(0.6),
            measure: Default::default(),
            alternative: None,
            prediction_set: vec![],
            model_version: "v1".into(),
            decided: decided.into(),
            reason: None,
            reason_text: None,
            outcome_success: outcome,
        }
    }

    #[test]
    fn exactly_the_decisions_with_outcomes_not_yet_in_history_become_rows() {
        let data = crate::demo::referrals(&crate::demo::DemoOptions {
            rows: 20,
            ..Default::default()
        });
        let log = vec![
            record(1, "Signposting", "Signposting", Some(true)),
            record(2, "Signposting", "Peer support group", Some(false)),
            record(3, "Signposting", "Signposting", None),
            record(4, "Crisis intervention", "Crisis intervention", Some(true)),
        ];
        let fresh = new_outcomes(&log, &[4]);
        assert_eq!(fresh.iter().map(|d| d.id).collect::<Vec<_>>(), vec![1, 2]);
        let out = with_outcomes(&data, &fresh).unwrap();
        assert_eq!(out.n_rows, 22);
        let cell = |name: &str, row: usize| out.column(name).unwrap().cells[row].clone();
        // The old rows are untouched.
        for column in &data.columns {
            assert_eq!(
                &out.column(&column.name).unwrap().cells[..20],
                &column.cells[..]
            );
        }
        assert_eq!(
            cell("pathway_allocated", 20).as_deref(),
            Some("Signposting")
        );
        assert_eq!(
            cell("pathway_allocated", 21).as_deref(),
            Some("Peer support group")
        );
        assert_eq!(cell("outcome_success", 20).as_deref(), Some("yes"));
        assert_eq!(cell("outcome_success", 21).as_deref(), Some("no"));
        assert_eq!(cell("risk_level", 21).as_deref(), Some("4"));
        assert_eq!(cell("gender", 20).as_deref(), Some("Female"));
        assert_eq!(cell("referral_id", 20).as_deref(), Some("decision 1"));
        assert_eq!(cell("referral_id", 21).as_deref(), Some("N2"));
        assert_eq!(cell("housing_stable", 21), None);
        // The success rule reads the new rows as the decisions' outcomes.
        let success = crate::model::train::success_flags(&out).unwrap();
        assert_eq!(&success[20..], &[Some(true), Some(false)]);
    }

    #[test]
    fn reminder_after_thirty_days_with_new_outcomes() {
        assert!(reminder("2026-10-01", "2026-12-05", 3)
            .unwrap()
            .contains("65 days ago and 3 decisions now have"));
        assert_eq!(reminder("2026-11-20", "2026-12-05", 3), None);
        assert_eq!(reminder("2026-10-01", "2026-12-05", 0), None);
        assert_eq!(reminder("", "2026-12-05", 3), None);
        assert_eq!(days("1970-01-01"), Some(0));
        assert_eq!(days("2000-03-01"), Some(11_017));
    }

    #[test]
    fn overrides_are_judged_per_pathway_with_intervals() {
        let mut log = Vec::new();
        for i in 0..60 {
            // Followed Signposting works 30%; overridden works 80%.
            log.push(record(i, "Signposting", "Signposting", Some(i % 10 < 3)));
            log.push(record(
                100 + i,
                "Signposting",
                "One-to-one support",
                Some(i % 10 < 8),
            ));
        }
        log.push(record(
            500,
            "Crisis intervention",
            "Crisis intervention",
            Some(true),
        ));
        let j = judge_overrides(&log);
        let s = j.iter().find(|j| j.pathway == "Signposting").unwrap();
        assert_eq!((s.n_followed, s.n_overridden), (60, 60));
        assert!((s.difference.as_ref().unwrap().value - 0.5).abs() < 1e-12);
        assert!(
            s.sentence
                .contains("the professionals' choices worked more often"),
            "{}",
            s.sentence
        );
        let c = j
            .iter()
            .find(|j| j.pathway == "Crisis intervention")
            .unwrap();
        assert!(c.sentence.contains("not enough outcomes"));
    }
}
