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

/// Reads a whole file (a model, a scenario, a workspace), with the path in
/// the message when it cannot; stops at [`signpost::import::MAX_FILE_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    read_up_to(path, signpost::import::MAX_FILE_BYTES)
}

/// Reads a table (referrals, a directory, a gazetteer): stops at the import's
/// 50 MB limit.
pub fn read_table_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    read_up_to(path, signpost::import::DEFAULT_MAX_BYTES)
}

/// Reads at most `max_bytes` (and one byte more, to know there was more):
/// a 6 GB file or an endless stream (`/dev/zero`, a pipe) is refused once
/// the limit is reached instead of being read whole first.
pub fn read_up_to(path: &Path, max_bytes: usize) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let cannot = |err: std::io::Error| CliError(format!("cannot read {}: {err}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(max_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() > max_bytes {
        return fail(format!(
            "{} is larger than the limit of {max_bytes} bytes ({} MB), so reading stopped there: split the file or keep only the rows and columns you need",
            path.display(),
            max_bytes / (1024 * 1024)
        ));
    }
    Ok(bytes)
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
        &read_table_bytes(path)?,
        &options,
    )?)
}

/// An option that takes a whole number from `MIN` to `MAX`, for clap's
/// `value_parser`: a negative or out-of-range value is refused with the
/// range in the message (`--k -1`: "must be a whole number from 2 to 100").
pub fn whole_number<T: TryFrom<u64>, const MIN: u64, const MAX: u64>(
    text: &str,
) -> Result<T, String> {
    let range = if MAX == u64::MAX {
        format!("a whole number, {MIN} or more")
    } else {
        format!("a whole number from {MIN} to {MAX}")
    };
    let value: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("must be {range}"))?;
    if !(MIN..=MAX).contains(&value) {
        return Err(format!("must be {range}"));
    }
    T::try_from(value).map_err(|_| format!("must be {range}"))
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
