//! The decision log: every suggestion a professional reviewed, what they
//! decided and why, and (later) the outcome. Nothing is routed without a
//! record made by a person's click; this module only keeps and summarises
//! the records.

use serde::{Deserialize, Serialize};

use crate::model::explain::Measure;
use crate::model::suggest::{measure_name, measure_words, Suggestion};

/// Why a professional chose another pathway than the one suggested.
pub const OVERRIDE_REASONS: [&str; 6] = [
    "Information the model does not have",
    "Person's own preference",
    "Risk judged higher than the data shows",
    "Risk judged lower than the data shows",
    "Pathway full or unavailable",
    "Other",
];

/// One reviewed suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// Sequence number in the log (1-based).
    pub id: u64,
    /// When it was recorded (ISO 8601, from the page's clock).
    pub time: String,
    /// The referral's identifier, when it had one.
    pub referral: Option<String>,
    /// The referral's inputs as (feature, value).
    pub inputs: Vec<(String, Option<String>)>,
    pub suggested: String,
    /// The suggestion's score as the page stated it, about `measure`: the
    /// calibrated confidence (successful allocations) or the chance of
    /// success if referred (pathway fit); `None` where none was shown (a
    /// pathway with little evidence). Logs saved before it had a measure
    /// call it `confidence`.
    #[serde(alias = "confidence")]
    pub score: Option<f64>,
    /// What `score` is about (older logs: confidence).
    #[serde(default)]
    pub measure: Measure,
    pub alternative: Option<String>,
    pub prediction_set: Vec<String>,
    /// The model card's date and fingerprint, to know which model suggested it.
    pub model_version: String,
    /// The pathway the professional decided.
    pub decided: String,
    /// Required when `decided` differs from `suggested`.
    pub reason: Option<String>,
    pub reason_text: Option<String>,
    /// Recorded later: did it work?
    pub outcome_success: Option<bool>,
}

impl DecisionRecord {
    /// The score a suggestion states for its top pathway, and what it is
    /// about, as a record keeps them.
    pub fn stated(suggestion: &Suggestion) -> (Option<f64>, Measure) {
        (suggestion.top_score(), suggestion.measure)
    }

    /// The stated score in words ("72% confidence", "72% chance of
    /// success"); empty when none was shown.
    pub fn score_words(&self) -> String {
        self.score.map_or_else(String::new, |v| {
            format!("{:.0}% {}", v * 100.0, measure_words(self.measure))
        })
    }

    pub fn followed(&self) -> bool {
        self.decided == self.suggested
    }
}

/// Why a decision could not be recorded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecisionError {
    #[error("choose the pathway you decided on")]
    NoPathway,
    #[error("you chose {decided} instead of the suggested {suggested}: choose a reason for the override")]
    ReasonRequired { decided: String, suggested: String },
    #[error("the reason \"Other\" needs a few words saying what it was")]
    OtherNeedsText,
}

/// Checks a decision before it is added to the log.
pub fn check(record: &DecisionRecord) -> Result<(), DecisionError> {
    if record.decided.trim().is_empty() {
        return Err(DecisionError::NoPathway);
    }
    if !record.followed() {
        let Some(reason) = record.reason.as_deref().filter(|r| !r.trim().is_empty()) else {
            return Err(DecisionError::ReasonRequired {
                decided: record.decided.clone(),
                suggested: record.suggested.clone(),
            });
        };
        let text_empty = record
            .reason_text
            .as_deref()
            .is_none_or(|t| t.trim().is_empty());
        if reason == "Other" && text_empty {
            return Err(DecisionError::OtherNeedsText);
        }
    }
    Ok(())
}

/// Override rate for one suggested pathway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrideRate {
    pub pathway: String,
    pub n_suggested: usize,
    pub n_overridden: usize,
    pub rate: f64,
}

/// Summary of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionSummary {
    pub n_decisions: usize,
    pub n_overridden: usize,
    pub per_pathway: Vec<OverrideRate>,
    /// (reason, count), most common first.
    pub reasons: Vec<(String, usize)>,
    /// Success rate (with its count) of followed and of overridden suggestions, where known.
    pub followed_success: Option<(f64, usize)>,
    pub overridden_success: Option<(f64, usize)>,
}

fn rate(records: &[&DecisionRecord]) -> Option<(f64, usize)> {
    let known: Vec<bool> = records.iter().filter_map(|r| r.outcome_success).collect();
    (!known.is_empty()).then(|| {
        let n = known.len();
        (known.iter().filter(|s| **s).count() as f64 / n as f64, n)
    })
}

pub fn summarise(log: &[DecisionRecord]) -> DecisionSummary {
    let mut pathways: Vec<String> = log.iter().map(|r| r.suggested.clone()).collect();
    pathways.sort();
    pathways.dedup();
    let per_pathway = pathways
        .into_iter()
        .map(|pathway| {
            let n_suggested = log.iter().filter(|r| r.suggested == pathway).count();
            let n_overridden = log
                .iter()
                .filter(|r| r.suggested == pathway && !r.followed())
                .count();
            OverrideRate {
                rate: n_overridden as f64 / n_suggested.max(1) as f64,
                pathway,
                n_suggested,
                n_overridden,
            }
        })
        .collect();
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for reason in log
        .iter()
        .filter(|r| !r.followed())
        .filter_map(|r| r.reason.clone())
    {
        match reasons.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => reasons.push((reason, 1)),
        }
    }
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let followed: Vec<&DecisionRecord> = log.iter().filter(|r| r.followed()).collect();
    let overridden: Vec<&DecisionRecord> = log.iter().filter(|r| !r.followed()).collect();
    DecisionSummary {
        n_decisions: log.len(),
        n_overridden: overridden.len(),
        per_pathway,
        reasons,
        followed_success: rate(&followed),
        overridden_success: rate(&overridden),
    }
}

/// The log as CSV, for export (through the shared writer, so no cell runs
/// as a formula in a spreadsheet).
pub fn to_csv(log: &[DecisionRecord]) -> String {
    let mut writer = crate::csv_out::CsvWriter::new();
    writer.row([
        "id",
        "time",
        "referral",
        "suggested",
        "score",
        "score_is",
        "alternative",
        "prediction_set",
        "model_version",
        "decided",
        "followed",
        "reason",
        "reason_text",
        "outcome_success",
    ]);
    for r in log {
        writer.row([
            r.id.to_string(),
            r.time.clone(),
            r.referral.clone().unwrap_or_default(),
            r.suggested.clone(),
            r.score.map_or_else(String::new, |v| format!("{v:.3}")),
            measure_name(r.measure).to_string(),
            r.alternative.clone().unwrap_or_default(),
            r.prediction_set.join("; "),
            r.model_version.clone(),
            r.decided.clone(),
            if r.followed() { "yes" } else { "no" }.to_string(),
            r.reason.clone().unwrap_or_default(),
            r.reason_text.clone().unwrap_or_default(),
            r.outcome_success
                .map_or(String::new(), |s| if s { "yes" } else { "no" }.to_string()),
        ]);
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(
        suggested: &str,
        decided: &str,
        reason: Option<&str>,
        outcome: Option<bool>,
    ) -> DecisionRecord {
        DecisionRecord {
            id: 1,
            time: "2026-11-30T10:00:00Z".into(),
            referral: None,
            inputs: vec![],
            suggested: suggested.into(),
            score: Some(0.7),
            measure: Measure::Allocation,
            alternative: None,
            prediction_set: vec![suggested.into()],
            model_version: "m1".into(),
            decided: decided.into(),
            reason: reason.map(str::to_string),
            reason_text: None,
            outcome_success: outcome,
        }
    }

    #[test]
    fn an_override_needs_a_reason_and_other_needs_words() {
        assert_eq!(check(&record("A", "A", None, None)), Ok(()));
        assert!(matches!(
            check(&record("A", "B", None, None)),
            Err(DecisionError::ReasonRequired { .. })
        ));
        assert_eq!(
            check(&record("A", "B", Some("Other"), None)),
            Err(DecisionError::OtherNeedsText)
        );
        assert_eq!(
            check(&record("A", "B", Some("Person's own preference"), None)),
            Ok(())
        );
        assert_eq!(
            check(&record("A", " ", None, None)),
            Err(DecisionError::NoPathway)
        );
    }

    #[test]
    fn summary_counts_overrides_per_pathway_and_outcomes() {
        let log = vec![
            record("A", "A", None, Some(true)),
            record("A", "B", Some("Other"), Some(false)),
            record("A", "B", Some("Other"), None),
            record("B", "B", None, Some(false)),
        ];
        let s = summarise(&log);
        assert_eq!(s.n_decisions, 4);
        assert_eq!(s.n_overridden, 2);
        let a = s.per_pathway.iter().find(|p| p.pathway == "A").unwrap();
        assert_eq!((a.n_suggested, a.n_overridden), (3, 2));
        assert!((a.rate - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.reasons, vec![("Other".to_string(), 2)]);
        assert_eq!(s.followed_success, Some((0.5, 2)));
        assert_eq!(s.overridden_success, Some((0.0, 1)));
    }

    #[test]
    fn csv_has_a_header_and_a_row_per_decision() {
        let text = to_csv(&[record("A", "B", Some("Other"), None)]);
        assert_eq!(text.lines().count(), 2);
        assert!(text.lines().next().unwrap().contains(",score,score_is,"));
        assert!(text.lines().nth(1).unwrap().contains(",0.700,confidence,"));
        assert!(text.lines().nth(1).unwrap().contains(",no,Other,"));
    }

    #[test]
    fn the_score_keeps_what_it_is_about() {
        let mut r = record("A", "A", None, None);
        assert_eq!(r.score_words(), "70% confidence");
        r.measure = Measure::Success;
        assert_eq!(r.score_words(), "70% chance of success");
        assert!(to_csv(&[r.clone()]).contains(",0.700,chance_of_success,"));
        // A hidden chance (little evidence) is not written as 0%.
        r.score = None;
        assert_eq!(r.score_words(), "");
        assert!(to_csv(&[r.clone()]).contains(",A,,chance_of_success,"));
        // A log saved before the measure was kept still reads.
        let mut old = serde_json::to_value(record("A", "A", None, None)).unwrap();
        let map = old.as_object_mut().unwrap();
        let score = map.remove("score").unwrap();
        map.remove("measure");
        map.insert("confidence".into(), score);
        let back: DecisionRecord = serde_json::from_value(old).unwrap();
        assert_eq!((back.score, back.measure), (Some(0.7), Measure::Allocation));
    }
}
