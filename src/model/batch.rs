//! Batch scoring: a file of new referrals in, a suggestion per row out, with
//! the rows that could not be scored listed with a message. Used by the
//! Batch screen (in the worker) and by `signpost suggest`.

use serde::{Deserialize, Serialize};

use super::explain::Measure;
use super::explainer::{ExplainScratch, Explainer};
use super::suggest::measure_name;
use super::train::{Mode, TrainedModel};
use crate::import::{Dataset, Role};

/// One scored referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRow {
    /// The row as a spreadsheet numbers it (header = row 1).
    pub row: usize,
    pub id: Option<String>,
    pub suggested: String,
    /// The suggestion's score in the result's `measure` (`None` where it is
    /// not shown: fit mode with little evidence).
    #[serde(alias = "confidence")]
    pub score: Option<f64>,
    pub alternative: Option<String>,
    pub alternative_score: Option<f64>,
    pub prediction_set: Vec<String>,
    pub flags: Vec<String>,
    /// The top three reasons in words (empty when reasons were not asked for).
    pub reasons: Vec<String>,
    /// The row's value for each of the model's features, in the model's
    /// order (names left out: a batch of 10,000 crosses to the page as JSON).
    #[serde(default)]
    pub values: Vec<Option<String>>,
}

/// A row that could not be scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchProblem {
    pub row: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchResult {
    pub source: String,
    /// Whether each row carries its top three reasons.
    pub with_reasons: bool,
    /// What every score is: confidence (successful allocations) or chance
    /// of success (pathway fit).
    #[serde(default)]
    pub measure: Measure,
    /// The model's features, naming each row's `values`.
    #[serde(default)]
    pub features: Vec<String>,
    pub rows: Vec<BatchRow>,
    pub problems: Vec<BatchProblem>,
}

/// Why a whole file could not be scored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BatchError {
    #[error("{file} lacks the model's column(s) {}: the file needs the columns the model was trained on (check the header row's spelling)", missing.join(", "))]
    MissingColumns { file: String, missing: Vec<String> },
}

fn flags_of(s: &super::train::Suggestion) -> Vec<String> {
    let mut flags = Vec::new();
    if s.low_confidence {
        flags.push(match s.measure {
            Measure::Allocation => "low confidence".to_string(),
            Measure::Success => "close call: several pathways in the 90% set".to_string(),
        });
    }
    if s.unlike_training {
        flags.push("unlike the training data".to_string());
    }
    if !s.flags.imputed.is_empty() {
        flags.push(format!("filled in: {}", s.flags.imputed.join(" ")));
    }
    let thin = s.little_evidence();
    if !thin.is_empty() {
        flags.push(format!(
            "little evidence for {} (no chance of success shown)",
            thin.join(", ")
        ));
    }
    if s.weak_model {
        flags.push("weak model".to_string());
    }
    flags
}

/// Scores every row of `dataset`. `progress(done, total)` is called now and then.
pub fn score(
    model: &TrainedModel,
    dataset: &Dataset,
    with_reasons: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BatchResult, BatchError> {
    score_part(model, dataset, with_reasons, Part::WHOLE, progress)
}

/// Which contiguous share of a file's rows to score: part `index` of
/// `count`, so that several workers can share a batch and [`merge`] joins
/// their results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub index: usize,
    pub count: usize,
}

impl Part {
    pub const WHOLE: Part = Part { index: 0, count: 1 };

    /// The row indices of this part among `n_rows` (empty for a part that
    /// does not exist).
    pub fn rows(self, n_rows: usize) -> std::ops::Range<usize> {
        let count = self.count.max(1);
        if self.index >= count {
            return 0..0;
        }
        let bound = |k: usize| n_rows * k / count;
        bound(self.index)..bound(self.index + 1)
    }
}

/// Joins the results of every part of one file, in row order.
pub fn merge(parts: Vec<BatchResult>) -> BatchResult {
    let mut merged = BatchResult {
        source: parts.first().map(|p| p.source.clone()).unwrap_or_default(),
        with_reasons: !parts.is_empty() && parts.iter().all(|p| p.with_reasons),
        measure: parts.first().map(|p| p.measure).unwrap_or_default(),
        features: parts
            .first()
            .map(|p| p.features.clone())
            .unwrap_or_default(),
        rows: Vec::new(),
        problems: Vec::new(),
    };
    for part in parts {
        merged.rows.extend(part.rows);
        merged.problems.extend(part.problems);
    }
    merged.rows.sort_by_key(|r| r.row);
    merged.problems.sort_by_key(|p| p.row);
    merged
}

/// Scores the rows of `dataset` in `part`.
pub fn score_part(
    model: &TrainedModel,
    dataset: &Dataset,
    with_reasons: bool,
    part: Part,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BatchResult, BatchError> {
    let missing: Vec<String> = model
        .encoder
        .features
        .iter()
        .filter(|f| dataset.column(&f.name).is_none())
        .map(|f| f.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(BatchError::MissingColumns {
            file: dataset.source.clone(),
            missing,
        });
    }
    let id_column = dataset.columns.iter().find(|c| c.role == Role::Id);
    let range = part.rows(dataset.n_rows);
    let total = range.len();
    let mut rows = Vec::with_capacity(total);
    let mut problems = Vec::new();
    let step = (total / 100).max(1);
    // The forest's row-independent TreeSHAP work, done once for the batch.
    let explainer = if with_reasons {
        Explainer::new(&model.forest)
    } else {
        None
    };
    let mut scratch = ExplainScratch::default();
    for (done, row_idx) in range.enumerate() {
        if done % step == 0 {
            progress(done, total);
        }
        let row = row_idx + 2;
        let inputs = model.inputs_of_row(dataset, row_idx);
        let suggestion = match model.suggest(&inputs) {
            Ok(s) => s,
            Err(err) => {
                problems.push(BatchProblem {
                    row,
                    message: format!("{}, row {row}: {err}", dataset.source),
                });
                continue;
            }
        };
        let reasons = if with_reasons {
            let explainer = explainer.as_ref().map(|e| (e, &mut scratch));
            model
                .explain_top(&inputs, &suggestion.top, explainer, 3)
                .map(|e| e.reasons.into_iter().map(|r| r.words).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        rows.push(BatchRow {
            row,
            id: id_column.and_then(|c| c.cells.get(row_idx).cloned().flatten()),
            score: suggestion.top_score(),
            alternative_score: suggestion.alternative_score(),
            flags: flags_of(&suggestion),
            suggested: suggestion.top,
            alternative: suggestion.alternative,
            prediction_set: suggestion.prediction_set,
            reasons,
            values: inputs.into_iter().map(|(_, value)| value).collect(),
        });
    }
    progress(total, total);
    Ok(BatchResult {
        source: dataset.source.clone(),
        with_reasons,
        measure: if model.mode == Mode::Fit {
            Measure::Success
        } else {
            Measure::Allocation
        },
        features: model.encoder.feature_names(),
        rows,
        problems,
    })
}

/// The scored rows as CSV; the reason columns only when reasons were
/// worked out (an empty column would read as "no reason").
pub fn to_csv(result: &BatchResult) -> String {
    let mut writer = crate::csv_out::CsvWriter::new();
    let reason_columns = if result.with_reasons { 3 } else { 0 };
    // The score columns say what they hold: "confidence" only where it is
    // a calibrated probability of being the right pathway.
    let measure = measure_name(result.measure);
    let alternative = format!("alternative_{measure}");
    let header = [
        "row",
        "id",
        "suggested",
        measure,
        "alternative",
        alternative.as_str(),
        "prediction_set_90",
        "flags",
        "reason_1",
        "reason_2",
        "reason_3",
    ];
    writer.row(&header[..header.len() - 3 + reason_columns]);
    for r in &result.rows {
        let reason = |k: usize| r.reasons.get(k).cloned().unwrap_or_default();
        let record = [
            r.row.to_string(),
            r.id.clone().unwrap_or_default(),
            r.suggested.clone(),
            r.score.map_or(String::new(), |s| format!("{s:.3}")),
            r.alternative.clone().unwrap_or_default(),
            r.alternative_score
                .map_or(String::new(), |s| format!("{s:.3}")),
            r.prediction_set.join("; "),
            r.flags.join("; "),
            reason(0),
            reason(1),
            reason(2),
        ];
        writer.row(&record[..record.len() - 3 + reason_columns]);
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{referrals, DemoOptions};
    use crate::model::train::{demo_model, Mode};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parts_cover_every_row_once(n_rows in 0usize..5_000, count in 1usize..9) {
            let mut next = 0;
            for index in 0..count {
                let part = Part { index, count };
                let rows = part.rows(n_rows);
                prop_assert_eq!(rows.start, next);
                prop_assert!(rows.len() <= n_rows / count + 1);
                next = rows.end;
            }
            prop_assert_eq!(next, n_rows);
            let beyond = Part { index: count, count };
            prop_assert!(beyond.rows(n_rows).is_empty());
        }
    }

    #[test]
    fn every_row_is_scored_or_listed_and_missing_columns_are_refused() {
        let model = demo_model(400, 3, 20, Mode::Auto);
        let mut new = referrals(&DemoOptions {
            rows: 30,
            seed: 9,
            truth: false,
        });
        // Row 2 (index 0) loses every feature value: it cannot be scored.
        for column in new.columns.iter_mut() {
            if model.encoder.features.iter().any(|f| f.name == column.name) {
                column.cells[0] = None;
            }
        }
        let mut calls = 0;
        let result = score(&model, &new, true, &mut |_, _| calls += 1).unwrap();
        assert_eq!(result.rows.len() + result.problems.len(), 30);
        assert_eq!(result.problems.len(), 1);
        assert_eq!(result.problems[0].row, 2);
        assert!(result.problems[0].message.contains("row 2"));
        assert!(calls > 0);
        assert!(result.rows.iter().all(|r| r.reasons.len() == 3
            && r.prediction_set.contains(&r.suggested)
            || !r.flags.is_empty()));
        assert!(result.rows.iter().all(|r| r
            .flags
            .iter()
            .filter(|f| f.starts_with("little evidence"))
            .count()
            <= 1));
        let csv = to_csv(&result);
        assert_eq!(csv.lines().count(), 30);
        assert!(csv
            .lines()
            .next()
            .unwrap()
            .ends_with("reason_1,reason_2,reason_3"));

        let quick = score(&model, &new, false, &mut |_, _| {}).unwrap();
        assert!(!quick.with_reasons && quick.rows.iter().all(|r| r.reasons.is_empty()));
        // The same suggestions, with or without reasons.
        let suggested = |r: &BatchResult| {
            r.rows
                .iter()
                .map(|row| row.suggested.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(suggested(&quick), suggested(&result));
        let header = to_csv(&quick).lines().next().unwrap().to_string();
        assert!(
            header.ends_with(",flags") && !header.contains("reason"),
            "{header}"
        );

        // Three parts, merged, are the whole.
        let parts: Vec<BatchResult> = (0..3)
            .map(|index| {
                score_part(&model, &new, true, Part { index, count: 3 }, &mut |_, _| {}).unwrap()
            })
            .collect();
        assert!(parts.iter().all(|p| p.rows.len() + p.problems.len() == 10));
        assert_eq!(merge(parts), result);

        new.columns.retain(|c| c.name != "risk_level");
        let err = score(&model, &new, false, &mut |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("risk_level"), "{err}");
    }
}
