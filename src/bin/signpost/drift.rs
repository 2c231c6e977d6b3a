//! `signpost drift MODEL.json FILE`: compares the referrals in FILE with the
//! data the model was trained on, feature by feature (population stability
//! index, 0.1 / 0.25 thresholds), and prints JSON: the summary and, per
//! feature, the PSI, the shift, a sentence and the shares per bin.

use std::path::PathBuf;

use serde_json::{json, Map, Value};
use signpost::oversight::drift::drift;

use crate::common::{fail, file_name, import_file, read_model, to_json, CliError, Output};

#[derive(clap::Args)]
pub struct Args {
    /// A model saved with `signpost train --model` or the page's "Export model".
    model: PathBuf,
    /// The referrals seen since training (CSV or Excel) with the model's columns.
    file: PathBuf,
    /// The sheet of a workbook to read (default: the first).
    #[arg(long)]
    sheet: Option<String>,
}

pub fn run(args: Args) -> Result<Output, CliError> {
    let model = read_model(&args.model)?;
    let Some(profile) = &model.report.training_profile else {
        return fail(format!(
            "{} keeps no profile of its training data (it was saved by an older Signpost): train it again to compare",
            file_name(&args.model)
        ));
    };
    let dataset = import_file(&args.file, args.sheet)?.dataset;
    let referrals: Vec<_> = (0..dataset.n_rows)
        .map(|row| model.inputs_of_row(&dataset, row))
        .collect();
    let report = drift(profile, &referrals);
    let mut features = Map::new();
    for f in &report.features {
        features.insert(
            f.feature.clone(),
            json!({ "psi": f.psi, "shift": f.shift, "sentence": f.sentence, "bins": f.bins }),
        );
    }
    to_json(&json!({
        "file": file_name(&args.file),
        "training_rows": report.n_training,
        "new_rows": report.n_new,
        "summary": report.summary,
        "features": Value::Object(features),
    }))
}
