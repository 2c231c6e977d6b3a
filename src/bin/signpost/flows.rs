//! `signpost flows LOG --person COL --state COL --start COL --end COL ...`:
//! reads an event log of stays and prints what was discovered (window,
//! states with honest and naive mean stays, moves, arrivals, the move model,
//! segments, the quality report) as JSON; optionally back-tests it and
//! writes a scenario for `signpost simulate`. Roles not given are guessed.

use std::path::PathBuf;

use serde_json::{json, Value};
use signpost::flows::{self, DiscoverOptions, Discovery, LogOptions, Roles};

use crate::common::{fail, file_name, import_file, today_utc, CliError, Output};

#[derive(clap::Args)]
pub struct Args {
    /// The event log: one row per stay (CSV or XLSX).
    pub log: PathBuf,
    /// The column with the person (or household) id.
    #[arg(long)]
    pub person: Option<String>,
    /// The column with the state (service, setting, level of need).
    #[arg(long)]
    pub state: Option<String>,
    /// The column with the start date of the stay.
    #[arg(long)]
    pub start: Option<String>,
    /// The column with the end date (empty = still there).
    #[arg(long)]
    pub end: Option<String>,
    /// Person columns for the move model, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub attributes: Option<Vec<String>>,
    /// The start of the data, YYYY-MM-DD (default: the earliest start date).
    #[arg(long)]
    pub start_of_data: Option<String>,
    /// The end of the data, YYYY-MM-DD (default: the latest date in the file).
    #[arg(long)]
    pub end_of_data: Option<String>,
    /// A next stay starting within this many days of the end of one is a move.
    #[arg(long, default_value_t = 1)]
    pub tolerance_days: i64,
    /// Back-test from this date, YYYY-MM-DD, to the end of the data.
    #[arg(long)]
    pub backtest_from: Option<String>,
    /// Replications of the back-test.
    #[arg(long, default_value_t = 20)]
    pub replications: usize,
    /// Seed for the held-out people, segments and the back-test.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Write a scenario built from the log (runs in `signpost simulate`).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// The sheet of a workbook to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
}

fn date_arg(flag: &str, text: &Option<String>) -> Result<Option<flows::Day>, CliError> {
    match text {
        None => Ok(None),
        Some(text) => match flows::parse_day(text) {
            Some(day) => Ok(Some(day)),
            None => fail(format!(
                "--{flag} '{text}' is not a date: write it as YYYY-MM-DD"
            )),
        },
    }
}

pub fn run(args: Args) -> Result<Output, CliError> {
    let source = file_name(&args.log);
    let imported = import_file(&args.log, args.sheet.clone())?;
    let dataset = imported.dataset;
    let guessed = flows::guess_roles(&dataset);
    let roles = Roles {
        person: args.person.clone().or(guessed.person),
        state: args.state.clone().or(guessed.state),
        start: args.start.clone().or(guessed.start),
        end: args.end.clone().or(guessed.end),
        attributes: args.attributes.clone().unwrap_or_default(),
    };
    let options = LogOptions {
        start_of_data: date_arg("start-of-data", &args.start_of_data)?,
        end_of_data: date_arg("end-of-data", &args.end_of_data)?,
        tolerance_days: args.tolerance_days,
        today: Some(today_utc()?.days_since_epoch()),
    };
    let backtest_from = date_arg("backtest-from", &args.backtest_from)?;
    let (log, quality) = flows::read_log(&dataset, &roles, &options)?;
    let discover_options = DiscoverOptions {
        seed: args.seed,
        ..DiscoverOptions::default()
    };
    let discovery = flows::discover(&log, &discover_options);
    let mut out = report(&discovery);
    out["source"] = json!(source);
    out["roles"] = serde_json::to_value(&roles)?;
    out["quality"] = serde_json::to_value(&quality)?;
    if let Some(from) = backtest_from {
        let options = flows::BacktestOptions {
            from,
            replications: args.replications,
            seed: args.seed,
            threshold: flows::DEFAULT_THRESHOLD,
        };
        let result = flows::backtest(&log, &discovery, &options, &mut |_, _| true)?;
        out["backtest"] = json!({
            "from": result.from,
            "to": result.to,
            "replications": result.replications,
            "states": result.states.iter().map(|s| json!({
                "name": s.name,
                "observed_mean": s.observed_mean,
                "simulated_mean": s.simulated_mean,
                "error": s.error,
                "months_inside_95": s.months_inside,
            })).collect::<Vec<_>>(),
            "months": result.months.len(),
            "mean_abs_pct_error": result.mean_abs_pct_error,
            "threshold": result.threshold,
            "trusted": result.trusted,
            "words": result.words,
        });
    }
    if let Some(path) = &args.scenario {
        let scenario = flows::build_scenario(
            &log,
            &discovery,
            &format!("Flows from {source}"),
            &flows::ScenarioOptions::from_end_of_data(&log),
        )?;
        let text = serde_json::to_string_pretty(&scenario)?;
        std::fs::write(path, text)
            .map_err(|err| CliError(format!("cannot write {}: {err}", path.display())))?;
    }
    Ok(Output::Json(out))
}

/// `signpost demo events`: the demo event log as CSV.
pub fn demo_events(args: crate::demo::EventsArgs) -> Result<Output, CliError> {
    if args.people == 0 || args.people > flows::MAX_DEMO_PEOPLE {
        return fail(format!(
            "--people {} is not usable: give from 1 to {} households",
            args.people,
            flows::MAX_DEMO_PEOPLE
        ));
    }
    if args.years == 0 || args.years > flows::MAX_DEMO_YEARS {
        return fail(format!(
            "--years {} is not usable: give from 1 to {} years",
            args.years,
            flows::MAX_DEMO_YEARS
        ));
    }
    let options = flows::DemoOptions {
        people: args.people,
        years: args.years,
        seed: args.seed,
    };
    Ok(Output::Text(flows::demo_to_csv(&flows::demo_log(&options))))
}

/// The discovery as the JSON keys (plus a little more).
fn report(d: &Discovery) -> Value {
    let states: Vec<Value> = d
        .states
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "stays": s.stays,
                "censored": s.censored,
                "carried_in": s.carried_in,
                "arrivals": s.arrivals,
                "mean_stay_weeks": s.mean_stay_weeks,
                "naive_mean_stay_weeks": s.naive_mean_stay_weeks,
                "stay_distribution": s.stay_distribution,
                "fit": s.fit.words,
                "max_gap": s.fit.max_gap,
                "places": s.places,
                "mean_occupancy": s.mean_occupancy,
            })
        })
        .collect();
    let arrivals: Vec<Value> = d
        .arrivals
        .iter()
        .map(|a| json!({"state": a.state, "per_week": a.per_week, "trend_per_year": a.trend_per_year}))
        .collect();
    let mut out = json!({
        "window": {"start": d.window_start, "end": d.window_end},
        "tolerance_days": d.tolerance_days,
        "people": d.people,
        "states": states,
        "moves": d.moves,
        "arrivals": arrivals,
    });
    if let Some(m) = &d.move_model {
        out["move_model"] = json!({
            "held_out_log_loss": {"table": m.held_out_log_loss.table, "model": m.held_out_log_loss.model},
            "held_out_people": m.held_out_people,
            "drivers": m.drivers.iter().map(|d| d.words.clone()).collect::<Vec<_>>(),
            "states": m.states.iter().map(|s| json!({
                "from": s.from,
                "held_out": s.held_out,
                "table_log_loss": s.table_log_loss,
                "model_log_loss": s.model_log_loss,
                "uses_model": s.uses_model,
            })).collect::<Vec<_>>(),
        });
    }
    if let Some(seg) = &d.segments {
        out["segments"] = json!({
            "k": seg.k,
            "silhouette": seg.silhouette,
            "sample_people": seg.sample_people,
            "sample": seg.sample_words(),
            "groups": d.segment_flows.iter().map(|f| json!({
                "name": f.name,
                "people": f.people,
                "arrival_share": f.arrival_share,
                "words": f.words,
            })).collect::<Vec<_>>(),
        });
    } else if let Some(note) = &d.segments_note {
        out["segments"] = json!({ "note": note });
    }
    out
}
