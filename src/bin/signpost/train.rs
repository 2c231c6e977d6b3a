//! `signpost train` (being built).

use crate::common::{fail, CliError, Output};

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<Output, CliError> {
    fail("`signpost train` is not built yet")
}
