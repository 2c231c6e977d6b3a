//! The out-of-fold predictions a model's report and fairness audit were
//! computed from, as CSV, so anyone can recompute every figure with their
//! own tools (`signpost train --predictions`).
//!
//! Columns: `row` (the referral's row as a spreadsheet numbers it, the
//! header being row 1), `referral` (its identifier, when the data has an
//! identifier column), `fold` (the cross-validation fold that predicted it,
//! 1-based, or `held out`), `pathway_allocated`, `outcome_success`
//! (`yes`/`no`), `pathway_that_worked` (the pathway allocated when it
//! worked, else empty), `suggested`, then `score: P` per pathway (the
//! calibrated probability, the confidence the page states) and
//! `expected_success_term` (the row's doubly robust term; a group's mean of
//! it is the group's expected success if suggestions were followed).
//! Numbers are written in full (shortest exact form), so figures
//! recomputed from the file agree exactly.

use crate::import::{Dataset, Role};
use crate::model::train::TrainedModel;

/// The model's out-of-fold predictions on `dataset` (the data it was
/// trained on) as CSV text.
pub fn predictions_csv(model: &TrainedModel, dataset: &Dataset) -> String {
    let pathways = &model.report.pathways;
    let id_column = dataset.columns.iter().find(|c| c.role == Role::Id);
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "row",
        "referral",
        "fold",
        "pathway_allocated",
        "outcome_success",
        "pathway_that_worked",
        "suggested",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(pathways.iter().map(|p| format!("score: {p}")));
    header.push("expected_success_term".into());
    // Writing to a Vec cannot fail; a failure would only drop a line.
    let _ = writer.write_record(&header);
    let name = |k: usize| pathways.get(k).cloned().unwrap_or_default();
    for o in &model.report.out_of_fold {
        let mut record = vec![
            (o.row + 2).to_string(),
            id_column
                .and_then(|c| c.cells.get(o.row).cloned().flatten())
                .unwrap_or_default(),
            o.fold
                .map_or_else(|| "held out".to_string(), |f| (f + 1).to_string()),
            name(o.taken),
            if o.success { "yes" } else { "no" }.to_string(),
            if o.success {
                name(o.taken)
            } else {
                String::new()
            },
            name(o.suggested),
        ];
        record.extend(o.probabilities.iter().map(|p| p.to_string()));
        record.push(o.policy_term.to_string());
        let _ = writer.write_record(&record);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
