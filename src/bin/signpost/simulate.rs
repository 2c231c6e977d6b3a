//! `signpost simulate`: runs a scenario file (or the demo) and prints the
//! summary with 95% intervals, or runs one M/M/c station beside the exact
//! Erlang C values.

use std::path::PathBuf;

use signpost::sim::{self, RunConfig, Scenario};

use crate::common::{fail, file_name, read_bytes, to_json, CliError, Output};

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (JSON, as the page saves it).
    #[arg(required_unless_present_any = ["mmc", "demo"])]
    scenario: Option<PathBuf>,
    /// Run the built-in demo scenario (a social landlord's system).
    #[arg(long, conflicts_with_all = ["scenario", "mmc"])]
    demo: bool,
    /// Print the demo scenario as JSON instead of running it.
    #[arg(long, requires = "demo")]
    print: bool,
    /// One M/M/c station: arrival rate, service rate per server, servers.
    #[arg(long, value_name = "LAMBDA,MU,C", conflicts_with = "scenario")]
    mmc: Option<String>,
    /// Run length of the M/M/c station, in the rates' time unit.
    #[arg(long, default_value_t = 20_000.0, requires = "mmc")]
    horizon: f64,
    /// Warm-up of the M/M/c station (not counted).
    #[arg(long, default_value_t = 1_000.0, requires = "mmc")]
    warmup: f64,
    /// Independent replications, each with its own random stream.
    #[arg(long, default_value_t = 20)]
    replications: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also print the per-week series (queue, occupancy, utilisation).
    #[arg(long)]
    series: bool,
}

pub fn run(args: Args) -> Result<Output, CliError> {
    let config = RunConfig {
        replications: args.replications,
        seed: args.seed,
        ..RunConfig::default()
    };
    let mut quiet = |_: usize, _: usize| true;
    if let Some(text) = &args.mmc {
        let (lambda, mu, c) = parse_mmc(text)?;
        let report = sim::simulate_mmc(
            lambda,
            mu,
            c,
            args.horizon,
            args.warmup,
            &config,
            &mut quiet,
        )?;
        return to_json(&report);
    }
    let scenario = if args.demo {
        sim::demo_scenario()
    } else {
        let Some(path) = &args.scenario else {
            return fail("give a scenario file, --demo or --mmc LAMBDA,MU,C");
        };
        let bytes = read_bytes(path)?;
        Scenario::from_json(&bytes).map_err(|err| {
            CliError(format!(
                "{} is not a scenario Signpost can read: {err}; \
                 `signpost simulate --demo --print` shows the expected shape",
                file_name(path)
            ))
        })?
    };
    if args.print {
        return to_json(&scenario);
    }
    let checked = scenario.check()?;
    let report = sim::simulate(&checked, &config, &mut quiet)?;
    let mut value = serde_json::to_value(&report)?;
    if !args.series {
        if let Some(map) = value.as_object_mut() {
            map.remove("series");
        }
    }
    Ok(Output::Json(value))
}

fn parse_mmc(text: &str) -> Result<(f64, f64, u32), CliError> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let hint = "give --mmc LAMBDA,MU,C, e.g. --mmc 0.9,1,1";
    let [lambda, mu, c] = parts.as_slice() else {
        return fail(format!(
            "--mmc {text:?} has {} parts, not 3; {hint}",
            parts.len()
        ));
    };
    let number = |name: &str, v: &str| -> Result<f64, CliError> {
        v.parse::<f64>()
            .map_err(|_| CliError(format!("--mmc {name} {v:?} is not a number; {hint}")))
    };
    let servers = c.parse::<u32>().map_err(|_| {
        CliError(format!(
            "--mmc C {c:?} is not a whole number of servers; {hint}"
        ))
    })?;
    Ok((number("LAMBDA", lambda)?, number("MU", mu)?, servers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mmc_argument_is_three_numbers() {
        assert_eq!(parse_mmc("0.9,1,1").unwrap(), (0.9, 1.0, 1));
        assert_eq!(parse_mmc(" 45 , 1 , 50 ").unwrap(), (45.0, 1.0, 50));
        for bad in ["0.9,1", "0.9,1,1,1", "a,1,1", "0.9,1,1.5", ""] {
            assert!(parse_mmc(bad).is_err(), "{bad:?} accepted");
        }
    }
}
