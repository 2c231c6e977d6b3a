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
mod flows;
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
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

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
    /// Learn flows from an event log of stays (discover, back-test, scenario).
    Flows(flows::Args),
    /// Compare a file of new referrals with a model's training data (PSI per feature).
    Drift(drift::Args),
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let cli = match parse_args() {
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
        Command::Flows(args) => flows::run(args),
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

/// Parses the command line. Negative numbers reach every option as values
/// (clap would otherwise read `--trees -1` as an unknown option `-1` and
/// suggest `-- -1`), so the option's own check can say which range it takes.
#[cfg(not(target_arch = "wasm32"))]
fn parse_args() -> Result<Cli, clap::Error> {
    fn allow_negative(command: clap::Command) -> clap::Command {
        command
            .allow_negative_numbers(true)
            .mut_subcommands(allow_negative)
    }
    let mut command = allow_negative(Cli::command());
    let matches = command
        .try_get_matches_from_mut(std::env::args_os())
        .map_err(|err| explain_negative(err, &mut command))?;
    Cli::from_arg_matches(&matches).map_err(|err| err.format(&mut command))
}

/// A negative value given to a whole-number option without a range of its
/// own fails in Rust's integer parser ("invalid digit found in string");
/// say instead which values the option takes.
#[cfg(not(target_arch = "wasm32"))]
fn explain_negative(err: clap::Error, command: &mut clap::Command) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind| match err.get(kind) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        _ => None,
    };
    let (Some(arg), Some(value)) = (
        text(ContextKind::InvalidArg),
        text(ContextKind::InvalidValue),
    ) else {
        return err;
    };
    let negative_whole = value.starts_with('-') && value.parse::<i128>().is_ok();
    if err.kind() != ErrorKind::ValueValidation
        || !negative_whole
        || !err.to_string().contains("invalid digit")
    {
        return err;
    }
    command.error(
        ErrorKind::ValueValidation,
        format!("invalid value '{value}' for '{arg}': must be a whole number, 0 or more (see --help for what it means)"),
    )
}

/// The tool is native only; the wasm32 build of this binary is empty.
#[cfg(target_arch = "wasm32")]
fn main() {}
