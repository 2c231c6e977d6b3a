//! Flows learned from an organisation's own event log of stays: reading the
//! log (one row per stay: person, state, start, end, person columns) with
//! column roles guessed and editable, the quality report, the rules that turn
//! stays into moves, exits, arrivals and censored or carried-in stays
//! (`docs/flows.md`), and discovery: moves with counts and shares (everyone
//! and per segment), lengths of stay per state (Kaplan-Meier with left
//! truncation and right censoring, and a fitted exponential, lognormal or
//! gamma chosen by likelihood), arrivals and occupancy over time, the move
//! model (multinomial logistic per state, validated on held-out people) and
//! segments from patterns of service use (the k-means of `segment`).
//!
//! Pure: no clock, no I/O. Dates are whole days (`Day`, days since
//! 1970-01-01); every time shown is in weeks.
//!
//! Flow: `Dataset` -> `guess_roles` (editable `Roles`) -> `read_log` ->
//! `EventLog` + `LogQuality` -> `discover` -> `Discovery`.

mod backtest;
mod demo;
mod discover;
mod log;
mod moves;
mod quality;
mod rules;
mod scenario;
mod series;
mod survival;
mod usage;

pub use backtest::{backtest, Backtest, BacktestOptions, BacktestState, DEFAULT_THRESHOLD};
pub use demo::{
    demo_log, demo_system, demo_to_csv, draw_log, window_end, AttributeSpec, DemoOptions, DrawnLog,
    DrawnStay, MoveEffect, StateSpec, StayEffect, System, MAX_DEMO_PEOPLE, MAX_DEMO_YEARS,
};
pub use discover::{
    discover, discover_with_progress, ArrivalRate, DiscoverOptions, Discovery, MoveCount,
    SegmentFlows, StateSummary, DISCOVER_STEPS,
};
pub use log::{guess_roles, read_log, EventLog, LogOptions, Roles, Stay};
pub use moves::{Driver, Encoding, LogLoss, MoveModelReport, StateModel};
pub use quality::{LogIssue, LogQuality};
pub use rules::{classify, Classified, Outcome};
pub use scenario::{build_scenario, ScenarioOptions};
pub use series::{daily_occupancy, MonthSeries, StateSeries, Trend};
pub use survival::{fit_stays, DistFit, KmPoint, StayDist, StayFit, StaySample};
pub use usage::{usage_dataset, UsageSegment, UsageSegments, MAX_SEGMENT_PEOPLE};

/// A date as whole days since 1970-01-01.
pub type Day = i64;

/// Days in a week: every time shown is in weeks.
pub const DAYS_PER_WEEK: f64 = 7.0;

/// The name of the way out of the system (the simulator's too).
pub const EXIT: &str = "exit";

/// What refuses a log: the message names the file, row, column and value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FlowError {
    #[error("{file} has no column named '{column}' (given as the {role} column); the columns are: {}", available.join(", "))]
    UnknownColumn {
        file: String,
        column: String,
        role: String,
        available: Vec<String>,
    },
    #[error("{file} has no {role} column: choose which column holds the {role}")]
    MissingRole { file: String, role: String },
    #[error("{file} row {row}, column '{column}': '{value}' is not a date; write dates as YYYY-MM-DD or DD/MM/YYYY")]
    BadDate {
        file: String,
        row: usize,
        column: String,
        value: String,
    },
    #[error("{file} has no stay that can be used (every row was left out: see the quality report); check the person, state and start columns")]
    NoStays { file: String },
    #[error("{file}: the window from {start} to {end} is empty or longer than {max_years} years; give a start of the data before its end, at most {max_years} years apart")]
    BadWindow {
        file: String,
        start: String,
        end: String,
        max_years: i64,
    },
    #[error(
        "the tolerance of {days} days is not usable: give a whole number of days from 0 to 365"
    )]
    BadTolerance { days: i64 },
    #[error("state name '{name}' is reserved for the way out of the system ({file} row {row}, column '{column}'); rename the state")]
    ReservedState {
        file: String,
        row: usize,
        column: String,
        name: String,
    },
    #[error("{0}")]
    Invalid(String),
}

/// Writes a day as `YYYY-MM-DD` (or the day number when out of the calendar).
pub fn day_to_string(day: Day) -> String {
    crate::ranker::Date::from_days_since_epoch(day)
        .map(|date| date.to_string())
        .unwrap_or_else(|| format!("day {day}"))
}

/// Reads a date in the formats the import reads (`YYYY-MM-DD`, with an
/// optional time, or `DD/MM/YYYY`) as a day number.
pub fn parse_day(text: &str) -> Option<Day> {
    let (year, month, day) = crate::import::parse_date(text)?;
    crate::ranker::Date::new(year, month, day).map(|date| date.days_since_epoch())
}

/// Weeks between two days.
pub fn weeks(days: i64) -> f64 {
    days as f64 / DAYS_PER_WEEK
}
