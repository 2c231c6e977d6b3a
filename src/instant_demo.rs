//! The instant demo behind `#demo`: the demo workspace with everything a
//! trainer shows already built, so every screen works at once. The synthetic
//! referrals, directory and scenario of [`crate::workspace::demo`], plus
//! a triage model trained on them, a segmentation, a few example decisions
//! with their outcomes, and a baseline simulation. The page runs
//! [`build`] in its worker (a `jobs::JobRequest::Demo`).
//!
//! The example decisions are honest about where they come from: new
//! synthetic referrals (another seed of the same generator), the model's
//! suggestion for each, and as "decided" the pathway that generator's past
//! practice allocated, with the outcome it drew for that pathway. Where the
//! two differ the record carries an override reason, as the log requires.

use serde::{Deserialize, Serialize};

use crate::decisions::{self, DecisionRecord, OVERRIDE_REASONS};
use crate::demo::{self, DemoOptions};
use crate::import::{Dataset, Role};
use crate::model::train::{train, TrainConfig, TrainedModel};
use crate::segment::{segment, SegmentConfig};
use crate::sim::{self, RunConfig, SimReport};
use crate::workspace::{self, Workspace};

/// How many example decisions the demo log starts with.
pub const EXAMPLE_DECISIONS: usize = 8;

/// The date written on the demo's model card and decisions (the core reads
/// no clock; a fixed date keeps the demo the same everywhere).
pub const DEMO_DATE: &str = "2026-01-05";

/// The built demo: the workspace to open and the baseline simulation of its
/// scenario (the page shows it on the Simulator screen; it is not saved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstantDemo {
    pub workspace: Workspace,
    pub simulation: SimReport,
}

/// Builds the instant demo for `seed`, reporting `(stage, done, total)`.
pub fn build(
    seed: u64,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<InstantDemo, String> {
    const STEPS: usize = 4;
    let mut workspace = workspace::demo(seed);
    let data = workspace
        .data
        .as_ref()
        .ok_or("the demo workspace has no referrals")?;
    progress("Training the demo model", 0, STEPS);
    let config = TrainConfig {
        date: DEMO_DATE.into(),
        ..TrainConfig::default()
    };
    let model = train(data, &config).map_err(|err| format!("the demo model: {err}"))?;
    progress("Finding groups in the demo referrals", 1, STEPS);
    let seg_config = SegmentConfig::default();
    let segmentation =
        segment(data, &seg_config).map_err(|err| format!("the demo segmentation: {err}"))?;
    progress("Recording example decisions", 2, STEPS);
    let decisions = example_decisions(&model, seed)?;
    progress("Simulating the demo scenario", 3, STEPS);
    let scenario = workspace
        .scenario
        .clone()
        .ok_or("the demo workspace has no scenario")?;
    let checked = scenario
        .check()
        .map_err(|err| format!("the demo scenario: {err}"))?;
    let simulation = sim::simulate(&checked, &RunConfig::default(), &mut |_, _| true)
        .map_err(|err| format!("the demo simulation: {err}"))?;
    progress("Done", STEPS, STEPS);
    workspace.model = Some(model);
    workspace.segmentation = Some((seg_config, segmentation));
    workspace.decisions = decisions;
    Ok(InstantDemo {
        workspace,
        simulation,
    })
}

/// The demo log: [`EXAMPLE_DECISIONS`] new synthetic referrals reviewed
/// against the model, each checked as the Triage screen checks a decision.
fn example_decisions(model: &TrainedModel, seed: u64) -> Result<Vec<DecisionRecord>, String> {
    let new = demo::referrals(&DemoOptions {
        rows: EXAMPLE_DECISIONS,
        seed: seed.wrapping_add(1),
        truth: false,
    });
    let text = |name: &str, row: usize| cell(&new, name, row);
    let model_version = format!(
        "{} ({} mode, fingerprint {:016x})",
        model.card.date,
        model.mode.name(),
        model.forest.fingerprint()
    );
    let id_column = new.columns.iter().find(|c| c.role == Role::Id);
    let mut log = Vec::with_capacity(EXAMPLE_DECISIONS);
    for row in 0..new.n_rows {
        let inputs = model.inputs_of_row(&new, row);
        let suggestion = model
            .suggest(&inputs)
            .map_err(|err| format!("the demo's example referral {}: {err}", row + 2))?;
        let decided = text("pathway_allocated", row).unwrap_or_else(|| suggestion.top.clone());
        let followed = decided == suggestion.top;
        let (score, measure) = DecisionRecord::stated(&suggestion);
        let record = DecisionRecord {
            id: log.len() as u64 + 1,
            time: format!("{DEMO_DATE}T{:02}:00:00.000Z", 9 + row % 8),
            referral: id_column.and_then(|c| c.cells.get(row).cloned().flatten()),
            inputs,
            score,
            measure,
            alternative: suggestion.alternative.clone(),
            prediction_set: suggestion.prediction_set.clone(),
            model_version: model_version.clone(),
            reason: (!followed).then(|| OVERRIDE_REASONS[row % 2].to_string()),
            reason_text: None,
            outcome_success: text("outcome_success", row).map(|v| v == "yes"),
            suggested: suggestion.top,
            decided,
        };
        decisions::check(&record).map_err(|err| format!("a demo decision: {err}"))?;
        log.push(record);
    }
    Ok(log)
}

fn cell(dataset: &Dataset, column: &str, row: usize) -> Option<String> {
    dataset
        .columns
        .iter()
        .find(|c| c.name == column)
        .and_then(|c| c.cells.get(row).cloned().flatten())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_has_a_model_that_passes_the_bar_decisions_groups_and_a_simulation() {
        let mut stages = Vec::new();
        let built = build(workspace::DEMO_SEED, &mut |stage, done, total| {
            stages.push((stage.to_string(), done, total))
        })
        .unwrap();
        let ws = &built.workspace;
        let model = ws.model.as_ref().unwrap();
        assert!(
            !model.report.weak,
            "the demo model is weak: balanced accuracy {}",
            model.report.metrics.balanced_accuracy
        );
        assert_eq!(model.card.date, DEMO_DATE);
        assert_eq!(ws.decisions.len(), EXAMPLE_DECISIONS);
        assert!(ws.decisions.iter().all(|d| d.outcome_success.is_some()));
        assert!(ws.decisions.iter().any(|d| d.followed()));
        assert!(ws.decisions.iter().all(|d| decisions::check(d).is_ok()));
        let (_, seg) = ws.segmentation.as_ref().unwrap();
        assert!(seg.k >= 2, "k = {}", seg.k);
        assert!(!built.simulation.services.is_empty());
        assert_eq!(stages.first().map(|s| s.1), Some(0));
        assert_eq!(stages.last().map(|s| (s.1, s.2)), Some((4, 4)));
        // The same seed builds the same demo.
        let again = build(workspace::DEMO_SEED, &mut |_, _, _| {}).unwrap();
        assert_eq!(again, built);
    }
}
