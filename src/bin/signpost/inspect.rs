//! `signpost inspect FILE [--sheet NAME]`: reads a CSV/XLSX file and
//! prints its rows, columns (type, role, missing), default success rule,
//! import problems and data-quality report as JSON.

use std::path::PathBuf;

use serde_json::json;
use signpost::import::quality_report;

use crate::common::{file_name, import_file, CliError, Output};

#[derive(clap::Args)]
pub struct Args {
    /// The CSV or XLSX file to read.
    pub file: PathBuf,
    /// The sheet of a workbook to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
}

pub fn run(args: Args) -> Result<Output, CliError> {
    let source = file_name(&args.file);
    let imported = import_file(&args.file, args.sheet)?;
    let quality = quality_report(&imported.dataset);
    let dataset = &imported.dataset;
    let columns: Vec<serde_json::Value> = dataset
        .columns
        .iter()
        .map(|column| {
            json!({
                "name": column.name,
                "kind": column.kind,
                "role": column.role,
                "missing": column.n_missing(),
            })
        })
        .collect();
    Ok(Output::Json(json!({
        "file": source,
        "rows": dataset.n_rows,
        "columns": columns,
        "success_rule": dataset.success_rule,
        "problems": imported.problems,
        "quality": quality,
    })))
}
