//! `signpost suggest MODEL.json FILE [--reasons]`: scores a file of
//! referrals with a saved model and writes CSV on stdout: id, suggested
//! pathway and its score (named by what it is: `confidence` for successful
//! allocations, `chance_of_success` for pathway fit), the alternative and its
//! score, the 90% set, flags and, with `--reasons`, the top three reasons
//! (which take most of the time on a large file). Rows that could not be
//! scored are listed on stderr.

use std::path::PathBuf;

use signpost::model::batch::{score, to_csv};

use crate::common::{import_file, read_model, CliError, Output};

#[derive(clap::Args)]
pub struct Args {
    /// A model saved with `signpost train --model` or the page's "Export model".
    model: PathBuf,
    /// The referrals to score (CSV or Excel) with the model's columns.
    file: PathBuf,
    /// The sheet of a workbook to read (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// Add the top three reasons for each suggestion (slower).
    #[arg(long)]
    reasons: bool,
}

pub fn run(args: Args) -> Result<Output, CliError> {
    let model = read_model(&args.model)?;
    let imported = import_file(&args.file, args.sheet)?;
    let result = score(&model, &imported.dataset, args.reasons, &mut |_, _| {})?;
    for problem in &result.problems {
        eprintln!("signpost: {}", problem.message);
    }
    Ok(Output::Text(to_csv(&result)))
}
