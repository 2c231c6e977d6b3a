//! What every subcommand shares: the output shape, the error, reading files.

use std::fmt;
use std::path::Path;

/// What a subcommand prints on stdout.
pub enum Output {
    /// Pretty-printed JSON.
    Json(serde_json::Value),
    /// Text printed as is (CSV).
    Text(String),
}

impl Output {
    pub fn print(self) {
        match self {
            Output::Json(value) => match serde_json::to_string_pretty(&value) {
                Ok(text) => println!("{text}"),
                Err(err) => {
                    eprintln!("signpost: could not write JSON: {err}");
                    std::process::exit(2);
                }
            },
            Output::Text(text) => print!("{text}"),
        }
    }
}

/// A message for the user; the tool prints it and exits with status 2.
#[derive(Debug)]
pub struct CliError(pub String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: std::error::Error> From<E> for CliError {
    fn from(err: E) -> Self {
        CliError(err.to_string())
    }
}

pub fn fail<T>(message: impl Into<String>) -> Result<T, CliError> {
    Err(CliError(message.into()))
}

/// Reads a whole file, with the path in the message when it cannot.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|err| CliError(format!("cannot read {}: {err}", path.display())))
}

/// Reads and types a referral file (CSV or a spreadsheet's `sheet`).
pub fn import_file(
    path: &Path,
    sheet: Option<String>,
) -> Result<signpost::import::Imported, CliError> {
    let options = signpost::import::ReadOptions {
        sheet,
        ..signpost::import::ReadOptions::default()
    };
    Ok(signpost::import::import(
        &file_name(path),
        &read_bytes(path)?,
        &options,
    )?)
}

/// The file name used in messages.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

pub fn to_json<T: serde::Serialize>(value: &T) -> Result<Output, CliError> {
    Ok(Output::Json(serde_json::to_value(value)?))
}

/// Today's date in UTC from the system clock (the CLI may read the clock).
pub fn today_utc() -> Result<signpost::ranker::Date, CliError> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| {
            CliError("the system clock is before 1970; pass --date YYYY-MM-DD".to_string())
        })?
        .as_secs();
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    match signpost::ranker::Date::from_days_since_epoch(days) {
        Some(date) => Ok(date),
        None => fail("cannot tell today's date from the clock; pass --date YYYY-MM-DD"),
    }
}

/// Reads a model saved with `signpost train --model` or the page's "Export model".
pub fn read_model(path: &Path) -> Result<signpost::model::train::TrainedModel, CliError> {
    let text = String::from_utf8_lossy(&read_bytes(path)?).into_owned();
    signpost::model::train::TrainedModel::from_json(&text)
        .map_err(|err| CliError(format!("{}: {err}", file_name(path))))
}
