//! `signpost train FILE --pathway COL [--outcome COL --success VALUE] ...`:
//! trains and validates the triage model and prints its report as JSON;
//! `--model OUT.json` also writes the trained model. Without `--outcome` every
//! row counts as a success (plain classification, as for a public data set).

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{json, Map, Value};
use signpost::import::{Role, SuccessRule};
use signpost::model::train::{train, Mode, TrainConfig};
use signpost::oversight::audit::{self, FairnessAudit};
use signpost::oversight::predictions::predictions_csv;

use crate::common::{fail, file_name, import_file, to_json, today_utc, CliError, Output};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ModeArg {
    Auto,
    Allocations,
    Fit,
}

#[derive(clap::Args)]
pub struct Args {
    /// The CSV or XLSX file of historical referrals.
    pub file: PathBuf,
    /// The column holding the pathway allocated.
    #[arg(long)]
    pub pathway: String,
    /// The outcome column (needs --success).
    #[arg(long, requires = "success")]
    pub outcome: Option<String>,
    /// The outcome value that means success (case-insensitive).
    #[arg(long, requires = "outcome")]
    pub success: Option<String>,
    #[arg(long, value_enum, default_value = "auto")]
    pub mode: ModeArg,
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(long, default_value_t = 100)]
    pub trees: usize,
    #[arg(long, default_value_t = 10)]
    pub max_depth: usize,
    /// A column with the true best pathway (evaluation only, never a feature).
    #[arg(long)]
    pub truth: Option<String>,
    /// Write the trained model as JSON to this file.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Audit fairness over these columns (comma-separated) and their pairs:
    /// adds `fairness` to the JSON and the audit to the model.
    #[arg(long, value_delimiter = ',')]
    pub audit: Vec<String>,
    /// Write the out-of-fold predictions the report and audit were computed
    /// from as CSV to this file (`row` is the row as a spreadsheet numbers it).
    #[arg(long)]
    pub predictions: Option<PathBuf>,
}

/// Today's date (UTC) as YYYY-MM-DD, for the model card.
fn today() -> String {
    today_utc().map_or_else(|_| "1970-01-01".to_string(), |date| date.to_string())
}

/// Refuses column choices that cannot work, saying what is wrong and how to
/// fix it: a truth column that is the pathway or outcome column, an
/// identifier as the pathway, a success value that never occurs.
fn check_columns(
    source: &str,
    dataset: &signpost::import::Dataset,
    args: &Args,
) -> Result<(), CliError> {
    if let Some(truth) = &args.truth {
        if dataset.column(truth).is_none() {
            return fail(format!(
                "{source} has no column called \"{truth}\": check --truth"
            ));
        }
        if truth == &args.pathway || Some(truth) == args.outcome.as_ref() {
            let what = if truth == &args.pathway {
                "--pathway"
            } else {
                "--outcome"
            };
            return fail(format!(
                "--truth names \"{truth}\", the same column as {what}: the truth column must be a column of its own holding the true best pathway (evaluation only); leave --truth out if the file has none"
            ));
        }
    }
    if let Some(column) = dataset.column(&args.pathway) {
        let values: std::collections::BTreeSet<&str> =
            column.cells.iter().flatten().map(|v| v.trim()).collect();
        let filled = column.cells.iter().flatten().count();
        if column.kind == signpost::import::ColumnKind::Identifier
            || (values.len() > 2 && values.len() * 2 > filled)
        {
            return fail(format!(
                "{source}: column \"{}\" has {} different values among {filled} rows, so it looks like an identifier, not the pathway allocated: give the column that holds the pathway (a few values, each shared by many referrals) with --pathway",
                args.pathway,
                values.len()
            ));
        }
    }
    if let (Some(outcome), Some(success)) = (&args.outcome, &args.success) {
        if let Some(column) = dataset.column(outcome) {
            let values: std::collections::BTreeSet<String> = column
                .cells
                .iter()
                .flatten()
                .map(|v| v.trim().to_lowercase())
                .collect();
            if !values.contains(&success.trim().to_lowercase()) {
                let shown: Vec<&str> = values.iter().take(10).map(String::as_str).collect();
                return fail(format!(
                    "{source}: the value \"{success}\" never occurs in column \"{outcome}\", so no referral would count as a success; its values are {}: give the one that means success with --success",
                    if shown.is_empty() { "all empty".to_string() } else { shown.join(", ") }
                ));
            }
        }
    }
    Ok(())
}

pub fn run(args: Args) -> Result<Output, CliError> {
    let source = file_name(&args.file);
    let mut dataset = import_file(&args.file, None)?.dataset;
    if dataset.column(&args.pathway).is_none() {
        return fail(format!(
            "{source} has no column called \"{}\": give the pathway column with --pathway",
            args.pathway
        ));
    }
    check_columns(&source, &dataset, &args)?;
    for column in &mut dataset.columns {
        if column.name == args.pathway {
            column.role = Role::Pathway;
        } else if Some(&column.name) == args.outcome.as_ref() {
            column.role = Role::Outcome;
        } else if Some(&column.name) == args.truth.as_ref() {
            column.role = Role::Ignore;
        } else if matches!(column.role, Role::Pathway | Role::Outcome) {
            // Only the columns named on the command line play these parts.
            column.role = Role::Ignore;
        }
    }
    dataset.success_rule = match (&args.outcome, &args.success) {
        (Some(column), Some(value)) => {
            if dataset.column(column).is_none() {
                return fail(format!(
                    "{source} has no column called \"{column}\": check --outcome"
                ));
            }
            Some(SuccessRule::Equals {
                column: column.clone(),
                values: vec![value.clone()],
            })
        }
        _ => None,
    };
    let mut config = TrainConfig {
        mode: match args.mode {
            ModeArg::Auto => Mode::Auto,
            ModeArg::Allocations => Mode::Allocations,
            ModeArg::Fit => Mode::Fit,
        },
        folds: args.folds,
        seed: args.seed,
        truth_column: args.truth.clone(),
        date: today(),
        ..TrainConfig::default()
    };
    config.forest.n_trees = args.trees;
    config.forest.max_depth = args.max_depth;
    config.forest.seed = args.seed;

    for column in &args.audit {
        if dataset.column(column).is_none() {
            return fail(format!(
                "{source} has no column called \"{column}\": check --audit"
            ));
        }
    }
    config.audit_columns = args.audit.clone();

    let start = Instant::now();
    let mut model = train(&dataset, &config)?;
    let fit_seconds = start.elapsed().as_secs_f64();
    if !args.audit.is_empty() {
        audit::attach(&mut model, &dataset, &args.audit, &mut |_, _| {})?;
    }

    let report = &model.report;
    let mut modes = Map::new();
    for mode in &report.modes {
        modes.insert(
            mode.mode.name().to_string(),
            json!({
                "policy_value": mode.policy_value,
                "truth_top1": mode.truth_top1,
                "consistency": mode.consistency,
                "cv": mode.cv,
                "holdout": mode.holdout,
            }),
        );
    }
    let chosen = report.modes.iter().find(|m| m.mode == report.chosen_mode);
    let metrics = &report.metrics;
    let output = json!({
        "file": source,
        "rows_used": report.n_rows_used,
        "rows_skipped": report.n_rows_skipped,
        "pathways": report.pathways,
        "features": report.features,
        "accuracy": metrics.accuracy,
        "balanced_accuracy": metrics.balanced_accuracy,
        "macro_f1": metrics.macro_f1,
        "log_loss": metrics.log_loss,
        "brier": metrics.brier,
        "per_pathway": metrics.per_pathway,
        "confusion": metrics.confusion,
        "importance": report.importance,
        "fit_seconds": fit_seconds,
        "chosen_mode": report.chosen_mode,
        "too_close_to_call": report.too_close_to_call,
        "settled_by": report.settled_by,
        "has_outcomes": report.has_outcomes,
        "modes_difference": report.modes_difference.as_ref().map(|d| json!({
            "estimate": d.value,
            "low": d.lower,
            "high": d.upper,
        })),
        "choice": report.choice,
        "observed_success": report.observed_success,
        "modes": Value::Object(modes),
        "truth_top1": chosen.and_then(|m| m.truth_top1),
        "holdout": chosen.map(|m| &m.holdout),
        "calibration": {
            "method": report.calibration,
            "brier_before": report.brier_before,
            "brier_after": report.brier_after,
            "reliability_before": report.reliability_before,
            "reliability_after": report.reliability_after,
        },
        "conformal": {
            "threshold": report.conformal_threshold,
            "coverage_holdout": report.conformal_coverage_holdout,
            "fit_threshold": model.fit_conformal_threshold,
            "fit_coverage_holdout": report.fit_conformal_coverage_holdout,
        },
        "weak": report.weak,
        "verdict": report.verdict,
        "warnings": report.warnings,
        "card": model.card,
    });
    let mut output = output;
    if let (Some(fairness), Some(object)) = (&report.fairness, output.as_object_mut()) {
        object.insert("fairness".into(), fairness_json(fairness));
        object.insert("fairness_summary".into(), json!(fairness.summary()));
        object.insert("fairness_method".into(), json!(fairness.method));
    }
    if let Some(path) = &args.predictions {
        std::fs::write(path, predictions_csv(&model, &dataset)).map_err(|err| {
            CliError(format!(
                "cannot write the predictions to {}: {err}",
                path.display()
            ))
        })?;
    }
    if let Some(path) = &args.model {
        std::fs::write(path, model.to_json()?).map_err(|err| {
            CliError(format!(
                "cannot write the model to {}: {err}",
                path.display()
            ))
        })?;
    }
    to_json(&output)
}

/// The audit keyed by column (and "a × b" for pairs): its groups with every
/// figure and interval, and its flags as sentences. The method and summary
/// go beside it (`fairness_method`, `fairness_summary`).
fn fairness_json(audit: &FairnessAudit) -> Value {
    let mut columns = Map::new();
    for column in &audit.columns {
        let sentence = |f: &audit::Flag| match &f.history {
            Some(h) => format!("{} {h}", f.sentence),
            None => f.sentence.clone(),
        };
        columns.insert(
            column.column.clone(),
            json!({
                "groups": column.groups,
                "flags": column.flags.iter().map(sentence).collect::<Vec<_>>(),
                "flag_details": column.flags,
                "history": column.history,
                "history_flags": column.history_flags.iter().map(sentence).collect::<Vec<_>>(),
                "note": column.note,
                "min_group": audit.min_group,
                "min_worked": audit.min_worked,
            }),
        );
    }
    Value::Object(columns)
}
