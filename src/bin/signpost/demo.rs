//! `signpost demo`: writes demo data on stdout: `referrals` (CSV),
//! `directory` (the services CSV of the demo directory, or its gazetteer) and
//! `scenario` (the demo simulator scenario as JSON).

use crate::common::{CliError, Output};
use signpost::demo::{self, DemoOptions};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(clap::Subcommand)]
pub enum What {
    /// Historical referrals (CSV), generated from a seed.
    Referrals(ReferralsArgs),
    /// The demo service directory (CSV in the documented layout).
    Directory(DirectoryArgs),
    /// The demo simulator scenario (JSON, for `signpost simulate`).
    Scenario,
    /// A landlord's event log of stays (CSV, for `signpost flows`), generated from a seed.
    Events(EventsArgs),
}

#[derive(clap::Args)]
pub struct EventsArgs {
    /// Households in the system when the records begin.
    #[arg(long, default_value_t = 16_000)]
    pub people: usize,
    /// Years of records.
    #[arg(long, default_value_t = 10)]
    pub years: u32,
    /// Seed: the same seed gives the same log.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

#[derive(clap::Args)]
pub struct DirectoryArgs {
    /// Seed: the same seed gives the same directory.
    #[arg(long, default_value_t = 42, value_parser = crate::common::whole_number::<u64, 0, { u64::MAX }>)]
    pub seed: u64,
    /// Write the gazetteer (zip, city, county, state) instead of the services.
    #[arg(long)]
    pub gazetteer: bool,
}

#[derive(clap::Args)]
pub struct ReferralsArgs {
    /// Number of referrals.
    #[arg(long, default_value_t = 1000, value_parser = crate::common::whole_number::<usize, 1, 1_000_000>)]
    pub rows: usize,
    /// Seed: the same seed gives the same rows.
    #[arg(long, default_value_t = 42, value_parser = crate::common::whole_number::<u64, 0, { u64::MAX }>)]
    pub seed: u64,
    /// Add the true best pathway column `true_best_pathway` (for evaluation only).
    #[arg(long)]
    pub truth: bool,
    /// Share of past allocations that went to the true best pathway (0 to 1).
    #[arg(long, default_value_t = 0.7)]
    pub correct_share: f64,
}

pub fn run(args: Args) -> Result<Output, CliError> {
    match args.what {
        What::Referrals(args) => {
            let options = DemoOptions {
                rows: args.rows,
                seed: args.seed,
                truth: args.truth,
            };
            if !(0.0..=1.0).contains(&args.correct_share) {
                return Err(CliError(format!(
                    "--correct-share is {}: give a share between 0 and 1 (0.7 is the demo's)",
                    args.correct_share
                )));
            }
            Ok(Output::Text(demo::to_csv(&demo::referrals_with(
                &options,
                args.correct_share,
            ))))
        }
        What::Directory(args) => {
            let directory = signpost::ranker::demo_directory(args.seed);
            Ok(Output::Text(if args.gazetteer {
                signpost::ranker::gazetteer_to_csv(&directory.gazetteer)
            } else {
                signpost::ranker::directory_to_csv(&directory)
            }))
        }
        What::Scenario => crate::common::to_json(&signpost::sim::demo_scenario()),
        What::Events(args) => crate::flows::demo_events(args),
    }
}
