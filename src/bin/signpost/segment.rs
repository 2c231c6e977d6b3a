//! `signpost segment FILE [--k K | --k-range 2..8] [--seed S]`: groups the
//! rows of a file with k-means and prints the chosen k, the silhouette
//! scores, the segment sizes, profiles and simulator groups as JSON.

use std::path::PathBuf;

use serde_json::json;
use signpost::segment::{segment, KChoice, SegmentConfig, DEFAULT_K_RANGE, DEFAULT_SEED};

use crate::common::{fail, file_name, import_file, whole_number, CliError, Output};

#[derive(clap::Args)]
pub struct Args {
    /// The CSV or XLSX file to segment.
    pub file: PathBuf,
    /// Exactly this many segments (overrides the silhouette choice).
    #[arg(long, conflicts_with = "k_range", value_parser = whole_number::<usize, 2, 1000>)]
    pub k: Option<usize>,
    /// The range of k to choose from by silhouette, e.g. 2..8 (default).
    #[arg(long, value_parser = parse_range, allow_hyphen_values = true)]
    pub k_range: Option<(usize, usize)>,
    /// Seed for k-means++ and the silhouette sample.
    #[arg(long, default_value_t = DEFAULT_SEED, value_parser = whole_number::<u64, 0, { u64::MAX }>)]
    pub seed: u64,
    /// Columns to cluster on, comma-separated (default: every feature column).
    #[arg(long, value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Also cluster on protected columns (they are always audited).
    #[arg(long)]
    pub include_protected: bool,
    /// The sheet of a workbook to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Also print the segment of every row and the points of the picture.
    #[arg(long)]
    pub rows: bool,
}

/// `2..8`, `2..=8` or `2-8`.
fn parse_range(text: &str) -> Result<(usize, usize), String> {
    let bad = || {
        format!(
            "'{text}' is not a range of k; write it as two whole numbers of 2 or more, e.g. 2..8"
        )
    };
    let (lo, hi) = text
        .split_once("..=")
        .or_else(|| text.split_once(".."))
        .or_else(|| text.split_once('-'))
        .ok_or_else(bad)?;
    let lo = lo.trim().parse().map_err(|_| bad())?;
    let hi = hi.trim().parse().map_err(|_| bad())?;
    Ok((lo, hi))
}

pub fn run(args: Args) -> Result<Output, CliError> {
    let source = file_name(&args.file);
    let imported = import_file(&args.file, args.sheet)?;
    let k = match (args.k, args.k_range) {
        (Some(k), _) => KChoice::Fixed(k),
        (None, Some((lo, hi))) => KChoice::Range(lo, hi),
        (None, None) => KChoice::Range(DEFAULT_K_RANGE.0, DEFAULT_K_RANGE.1),
    };
    let config = SegmentConfig {
        columns: args.columns,
        k,
        seed: args.seed,
        include_protected: args.include_protected,
    };
    let result = match segment(&imported.dataset, &config) {
        Ok(result) => result,
        Err(err) => return fail(format!("{source}: {err}")),
    };
    let silhouettes: Vec<serde_json::Value> = result
        .silhouettes
        .iter()
        .map(|(k, score)| json!({ "k": k, "silhouette": score }))
        .collect();
    let mut out = json!({
        "file": source,
        "rows": imported.dataset.n_rows,
        "k": result.k,
        "silhouettes": silhouettes,
        "silhouette_rows": result.sample_rows,
        "columns": result.columns,
        "features": result.features,
        "pathway_column": result.pathway_column,
        "segments": result.segments,
        "simulator_groups": result.simulator_groups(),
    });
    if args.rows {
        out["assignments"] = json!(result.assignments);
        out["pca"] = json!(result.pca);
        out["pca_explained"] = json!(result.pca_explained);
    }
    Ok(Output::Json(out))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("2..8"), Ok((2, 8)));
        assert_eq!(parse_range("3..=5"), Ok((3, 5)));
        assert_eq!(parse_range("2-6"), Ok((2, 6)));
        assert!(parse_range("eight").unwrap_err().contains("2..8"));
    }
}
