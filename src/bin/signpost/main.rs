//! `signpost`: the command-line tool over the same engines as the page.
//!
//! Every subcommand prints JSON (or CSV where it says so) on stdout. Bad input
//! gives one message on stderr and exit status 2.

#[cfg(not(target_arch = "wasm32"))]
mod common;
#[cfg(not(target_arch = "wasm32"))]
mod demo;
#[cfg(not(target_arch = "wasm32"))]
mod drift;
#[cfg(not(target_arch = "wasm32"))]
mod inspect;
#[cfg(not(target_arch = "wasm32"))]
mod rank;
#[cfg(not(target_arch = "wasm32"))]
mod segment;
#[cfg(not(target_arch = "wasm32"))]
mod simulate;
#[cfg(not(target_arch = "wasm32"))]
mod suggest;
#[cfg(not(target_arch = "wasm32"))]
mod train;

#[cfg(not(target_arch = "wasm32"))]
use clap::{Parser, Subcommand};

#[cfg(not(target_arch = "wasm32"))]
#[derive(Parser)]
#[command(
    name = "signpost",
    version,
    about = "Signpost's engines on the command line (JSON out; exit 2 on bad input)"
)]
#[cfg(not(target_arch = "wasm32"))]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Subcommand)]
enum Command {
    /// Write demo data (referrals as CSV, directory, scenario).
    Demo(demo::Args),
    /// Read a CSV/XLSX file: rows, columns (type, role) and the quality report.
    Inspect(inspect::Args),
    /// Train and validate the triage model.
    Train(train::Args),
    /// Score a file of referrals with a saved model (CSV out).
    Suggest(suggest::Args),
    /// Rank the services of a directory for one person.
    Rank(rank::Args),
    /// Run the flow simulator on a scenario, or one M/M/c station.
    Simulate(simulate::Args),
    /// Group the rows of a file with k-means.
    Segment(segment::Args),
    /// Compare a file of new referrals with a model's training data (PSI per feature).
    Drift(drift::Args),
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            std::process::exit(code);
        }
    };
    let result = match cli.command {
        Command::Demo(args) => demo::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Train(args) => train::run(args),
        Command::Suggest(args) => suggest::run(args),
        Command::Rank(args) => rank::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Segment(args) => segment::run(args),
        Command::Drift(args) => drift::run(args),
    };
    match result {
        Ok(output) => output.print(),
        Err(err) => {
            eprintln!("signpost: {err}");
            std::process::exit(2);
        }
    }
}

/// The tool is native only; the wasm32 build of this binary is empty.
#[cfg(target_arch = "wasm32")]
fn main() {}
