//! `signpost rank`: ranks the services of a directory for one person and
//! prints the result sets as JSON, each result with its score and reasons.
//!
//! DIRECTORY is a services file in the simple layout (CSV or XLSX, see
//! docs/directory-format.md) with an optional `--gazetteer` CSV, or a folder
//! of Open Referral HSDS CSV tables (the gazetteer then comes from their
//! addresses). Without `--date`, today's date is read from the clock here,
//! never in the core.

use crate::common::{fail, file_name, read_table_bytes, to_json, today_utc, CliError, Output};
use serde::Serialize;
use signpost::ranker::{
    import_directory, import_gazetteer_csv, import_hsds, rank, Algorithm, Date, Person, Problem,
    RankOptions, RankResult,
};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// A services CSV/XLSX in the documented layout, or a folder of HSDS CSV tables.
    pub directory: PathBuf,
    /// The person's zip code.
    #[arg(long)]
    pub zip: String,
    /// The legal issue or need (a directory issue term).
    #[arg(long)]
    pub issue: String,
    /// A population the person belongs to (repeat for several).
    #[arg(long = "population")]
    pub populations: Vec<String>,
    /// The person is over the income limit.
    #[arg(long)]
    pub over_income: bool,
    /// Today's date, YYYY-MM-DD (default: the system date, UTC).
    #[arg(long, allow_hyphen_values = true)]
    pub date: Option<String>,
    /// 2024 (best bets, top results, bar referrals, self-help centre) or 2017 (one per channel).
    #[arg(long, default_value = "2024")]
    pub algorithm: String,
    /// Gazetteer CSV (zip,city,county,state) for a file directory.
    #[arg(long)]
    pub gazetteer: Option<PathBuf>,
}

#[derive(Serialize)]
struct Report {
    directory: String,
    n_services: usize,
    import_problems: Vec<Problem>,
    #[serde(flatten)]
    result: RankResult,
}

pub fn run(args: Args) -> Result<Output, CliError> {
    let Some(algorithm) = Algorithm::parse(&args.algorithm) else {
        return fail(format!(
            "--algorithm '{}' is not known; use 2024 or 2017",
            args.algorithm
        ));
    };
    let today = match &args.date {
        Some(text) => match Date::parse(text) {
            Some(date) => date,
            None => {
                return fail(format!(
                    "--date '{text}' is not a date; write it as YYYY-MM-DD (four-digit year, two-digit month and day), e.g. 2026-03-10"
                ))
            }
        },
        None => today_utc()?,
    };
    let (mut directory, mut problems) = if args.directory.is_dir() {
        let mut tables = Vec::new();
        let entries = std::fs::read_dir(&args.directory)
            .map_err(|err| CliError(format!("cannot read {}: {err}", args.directory.display())))?;
        for entry in entries {
            let path = entry
                .map_err(|err| {
                    CliError(format!("cannot read {}: {err}", args.directory.display()))
                })?
                .path();
            if path
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"))
            {
                tables.push((file_name(&path), read_table_bytes(&path)?));
            }
        }
        tables.sort();
        if args.gazetteer.is_some() {
            return fail("--gazetteer is for a directory file; an HSDS folder takes its places from addresses.csv");
        }
        import_hsds(&tables)?
    } else {
        let bytes = read_table_bytes(&args.directory)?;
        import_directory(&file_name(&args.directory), &bytes)?
    };
    if let Some(path) = &args.gazetteer {
        let (gazetteer, gazetteer_problems) =
            import_gazetteer_csv(&file_name(path), &read_table_bytes(path)?)?;
        directory.gazetteer = gazetteer;
        problems.extend(gazetteer_problems);
    }
    let person = Person {
        zip: args.zip,
        populations: args.populations,
        over_income: args.over_income,
        issue: args.issue,
        today: Some(today),
    };
    let options = RankOptions {
        algorithm,
        ..RankOptions::default()
    };
    let result = rank(&directory, &person, &options)?;
    to_json(&Report {
        directory: args.directory.display().to_string(),
        n_services: directory.services.len(),
        import_problems: problems,
        result,
    })
}
