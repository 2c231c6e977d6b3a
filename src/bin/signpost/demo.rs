//! `signpost demo`: writes demo data. `referrals` writes the demo referrals as
//! CSV on stdout; the lead adds `directory` and `scenario` beside it.

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
}

#[derive(clap::Args)]
pub struct ReferralsArgs {
    /// Number of referrals.
    #[arg(long, default_value_t = 1000)]
    pub rows: usize,
    /// Seed: the same seed gives the same rows.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Add the true best pathway column `true_best_pathway` (for evaluation only).
    #[arg(long)]
    pub truth: bool,
}

pub fn run(args: Args) -> Result<Output, CliError> {
    match args.what {
        What::Referrals(args) => {
            let options = DemoOptions {
                rows: args.rows,
                seed: args.seed,
                truth: args.truth,
            };
            Ok(Output::Text(demo::to_csv(&demo::referrals(&options))))
        }
    }
}
