//! Reading an event log of stays from an imported `Dataset`: column roles
//! (guessed by name and type, editable), dates in the formats the import
//! reads, state names tidied, rows that cannot be used left out and counted
//! in the quality report, the window of the data, and the stays sorted by
//! person and start.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::quality::{LogIssue, LogQuality, Tally};
use super::{day_to_string, parse_day, Day, FlowError, EXIT};
use crate::import::{normalise_name, normalise_value, ColumnKind, Dataset, FastMap};

/// Longest window read: keeps the day-by-day occupancy bounded.
pub const MAX_WINDOW_YEARS: i64 = 100;
/// Most distinct states: a free-text column chosen as the state is refused.
pub const MAX_STATES: usize = 200;
/// Most person columns used as attributes.
pub const MAX_ATTRIBUTES: usize = 20;

/// Which column plays which part. Names as in the file's header.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Roles {
    pub person: Option<String>,
    pub state: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// Person columns (age band, lives alone, ...).
    #[serde(default)]
    pub attributes: Vec<String>,
}

/// How to read the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogOptions {
    /// The start of the data; `None` = the earliest start date.
    pub start_of_data: Option<Day>,
    /// The end of the data; `None` = the latest date in the file (not after `today`).
    pub end_of_data: Option<Day>,
    /// A next stay starting within this many days of the end of one is a move.
    pub tolerance_days: i64,
    /// Dates after this are future dates (the caller's clock; the core reads none).
    pub today: Option<Day>,
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions {
            start_of_data: None,
            end_of_data: None,
            tolerance_days: 1,
            today: None,
        }
    }
}

/// One stay, as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stay {
    pub person: u32,
    pub state: u32,
    pub start: Day,
    /// `None`: still there at the end of the data.
    pub end: Option<Day>,
    /// The row as a spreadsheet numbers it.
    pub row: u32,
}

/// The log, checked: stays sorted by person, then start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventLog {
    pub source: String,
    pub window_start: Day,
    pub window_end: Day,
    pub tolerance_days: i64,
    pub states: Vec<String>,
    pub people: Vec<String>,
    /// The attribute columns' names.
    pub attributes: Vec<String>,
    /// `person_attributes[person][attribute]`: the value on the person's latest row.
    pub person_attributes: Vec<Vec<Option<String>>>,
    pub stays: Vec<Stay>,
}

impl EventLog {
    /// Days in the window, both ends included.
    pub fn window_days(&self) -> i64 {
        self.window_end - self.window_start + 1
    }

    /// The index of a state by name.
    pub fn state_index(&self, name: &str) -> Option<usize> {
        self.states.iter().position(|s| s == name)
    }
}

fn name_has(name: &str, words: &[&str]) -> bool {
    let name = normalise_name(name);
    name.split('_').any(|part| words.contains(&part))
}

/// Guesses the roles from the column names and types; the user edits them.
pub fn guess_roles(dataset: &Dataset) -> Roles {
    let mut roles = Roles::default();
    let mut taken = vec![false; dataset.columns.len()];
    let pick = |test: &dyn Fn(&crate::import::Column) -> bool, taken: &mut Vec<bool>| {
        let found = dataset
            .columns
            .iter()
            .enumerate()
            .find(|(i, c)| !taken[*i] && test(c));
        found.map(|(i, c)| {
            taken[i] = true;
            c.name.clone()
        })
    };
    let is_date = |c: &crate::import::Column| c.kind == ColumnKind::Date;
    const START_WORDS: [&str; 7] = [
        "start",
        "from",
        "begin",
        "admission",
        "admitted",
        "entry",
        "in",
    ];
    const END_WORDS: [&str; 8] = [
        "end",
        "to",
        "until",
        "discharge",
        "discharged",
        "exit",
        "out",
        "left",
    ];
    // A dated column named like a start, then any column named like one (a
    // bad date makes a column text), then any dated column.
    roles.start = pick(
        &|c| is_date(c) && name_has(&c.name, &START_WORDS),
        &mut taken,
    );
    roles.end = pick(&|c| is_date(c) && name_has(&c.name, &END_WORDS), &mut taken);
    if roles.start.is_none() {
        roles.start = pick(&|c| name_has(&c.name, &START_WORDS), &mut taken);
    }
    if roles.end.is_none() {
        roles.end = pick(&|c| name_has(&c.name, &END_WORDS), &mut taken);
    }
    if roles.start.is_none() {
        roles.start = pick(&is_date, &mut taken);
    }
    if roles.end.is_none() {
        roles.end = pick(&is_date, &mut taken);
    }
    roles.person = pick(
        &|c| {
            name_has(
                &c.name,
                &[
                    "person",
                    "id",
                    "household",
                    "tenant",
                    "client",
                    "patient",
                    "resident",
                    "case",
                    "people",
                ],
            )
        },
        &mut taken,
    );
    roles.state = pick(
        &|c| {
            name_has(
                &c.name,
                &[
                    "state",
                    "service",
                    "setting",
                    "location",
                    "placement",
                    "status",
                    "stage",
                    "activity",
                ],
            )
        },
        &mut taken,
    );
    for (i, column) in dataset.columns.iter().enumerate() {
        if taken[i] || roles.attributes.len() >= MAX_ATTRIBUTES {
            continue;
        }
        if matches!(
            column.kind,
            ColumnKind::Binary
                | ColumnKind::Categorical
                | ColumnKind::Ordinal
                | ColumnKind::Numeric
        ) {
            roles.attributes.push(column.name.clone());
        }
    }
    roles
}

fn column_index(dataset: &Dataset, name: &Option<String>, role: &str) -> Result<usize, FlowError> {
    let name = name.as_ref().ok_or_else(|| FlowError::MissingRole {
        file: dataset.source.clone(),
        role: role.to_string(),
    })?;
    dataset
        .column_index(name)
        .ok_or_else(|| FlowError::UnknownColumn {
            file: dataset.source.clone(),
            column: name.clone(),
            role: role.to_string(),
            available: dataset.columns.iter().map(|c| c.name.clone()).collect(),
        })
}

fn cell(dataset: &Dataset, column: usize, row_idx: usize) -> Option<&str> {
    dataset
        .columns
        .get(column)
        .and_then(|c| c.cells.get(row_idx))
        .and_then(|c| c.as_deref())
}

/// One row that passed the row checks, before the window is known.
struct RowStay<'a> {
    /// Trimmed, borrowed from the dataset.
    person: &'a str,
    /// Index into the tidy state forms, in order of first appearance.
    key: u32,
    start: Day,
    end: Option<Day>,
    row: usize,
}

/// The state spellings met so far: each distinct trimmed spelling once,
/// with its tidy form and count, so a row costs one lookup of its text and
/// the tidying runs once per spelling.
#[derive(Default)]
struct Spellings<'a> {
    /// Trimmed spelling -> index into `spellings`.
    index: FastMap<&'a str, usize>,
    /// (spelling, key index, count), in order of first appearance.
    spellings: Vec<(&'a str, u32, usize)>,
    /// Tidy forms, in order of first appearance, and their index.
    keys: Vec<String>,
    key_index: HashMap<String, u32>,
}

/// Reads the log: fatal problems (a missing column, a date that is not a
/// date, no usable stay) are an `Err`; everything else is left out or
/// repaired and counted in the quality report.
pub fn read_log(
    dataset: &Dataset,
    roles: &Roles,
    options: &LogOptions,
) -> Result<(EventLog, LogQuality), FlowError> {
    let file = dataset.source.clone();
    if !(0..=365).contains(&options.tolerance_days) {
        return Err(FlowError::BadTolerance {
            days: options.tolerance_days,
        });
    }
    let person_col = column_index(dataset, &roles.person, "person")?;
    let state_col = column_index(dataset, &roles.state, "state")?;
    let start_col = column_index(dataset, &roles.start, "start date")?;
    let end_col = column_index(dataset, &roles.end, "end date")?;
    let mut attribute_cols = Vec::new();
    for name in roles.attributes.iter().take(MAX_ATTRIBUTES) {
        attribute_cols.push(column_index(
            dataset,
            &Some(name.clone()),
            "person attribute",
        )?);
    }
    let col_name = |i: usize| {
        dataset
            .columns
            .get(i)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };

    let mut no_person = Tally::default();
    let mut no_state = Tally::default();
    let mut no_start = Tally::default();
    let mut end_before_start = Tally::default();
    let mut spellings = Spellings::default();
    let mut rows: Vec<RowStay> = Vec::with_capacity(dataset.n_rows);
    for row_idx in 0..dataset.n_rows {
        let row = row_idx + 2;
        let Some(person) = cell(dataset, person_col, row_idx) else {
            no_person.add(row, || {
                format!("row {row}, column '{}' is empty", col_name(person_col))
            });
            continue;
        };
        let Some(state) = cell(dataset, state_col, row_idx) else {
            no_state.add(row, || {
                format!("row {row}, column '{}' is empty", col_name(state_col))
            });
            continue;
        };
        let Some(start_text) = cell(dataset, start_col, row_idx) else {
            no_start.add(row, || {
                format!("row {row}, column '{}' is empty", col_name(start_col))
            });
            continue;
        };
        let start = parse_day(start_text).ok_or_else(|| FlowError::BadDate {
            file: file.clone(),
            row,
            column: col_name(start_col),
            value: start_text.to_string(),
        })?;
        let end = match cell(dataset, end_col, row_idx) {
            None => None,
            Some(text) => Some(parse_day(text).ok_or_else(|| FlowError::BadDate {
                file: file.clone(),
                row,
                column: col_name(end_col),
                value: text.to_string(),
            })?),
        };
        if let Some(end) = end {
            if end < start {
                end_before_start.add(row, || {
                    format!(
                        "row {row}, column '{}' is {} before the start {}",
                        col_name(end_col),
                        day_to_string(end),
                        day_to_string(start)
                    )
                });
                continue;
            }
        }
        let trimmed = state.trim();
        let spelling = match spellings.index.get(trimmed) {
            Some(&i) => i,
            None => {
                let key = normalise_value(trimmed);
                if key == EXIT {
                    return Err(FlowError::ReservedState {
                        file,
                        row,
                        column: col_name(state_col),
                        name: trimmed.to_string(),
                    });
                }
                let key_idx = match spellings.key_index.get(&key) {
                    Some(&k) => k,
                    None => {
                        if spellings.keys.len() >= MAX_STATES {
                            return Err(FlowError::Invalid(format!(
                                "{file} has more than {MAX_STATES} different states in column '{}' \
                                 (row {row}: '{trimmed}'); choose the column that names the service or \
                                 setting, or group the values first",
                                col_name(state_col)
                            )));
                        }
                        let k = spellings.keys.len() as u32;
                        spellings.key_index.insert(key.clone(), k);
                        spellings.keys.push(key);
                        k
                    }
                };
                spellings.spellings.push((trimmed, key_idx, 0));
                spellings
                    .index
                    .insert(trimmed, spellings.spellings.len() - 1);
                spellings.spellings.len() - 1
            }
        };
        let entry = &mut spellings.spellings[spelling];
        entry.2 += 1;
        rows.push(RowStay {
            person: person.trim(),
            key: entry.1,
            start,
            end,
            row,
        });
    }
    let mut issues: Vec<LogIssue> = Vec::new();
    let empty_fix = "they are left out: fill them in or remove the rows";
    issues.extend(no_person.issue("no_person", "row", "without a person", empty_fix));
    issues.extend(no_state.issue("no_state", "row", "without a state", empty_fix));
    issues.extend(no_start.issue("no_start", "row", "without a start date", empty_fix));
    issues.extend(end_before_start.issue(
        "end_before_start",
        "row",
        "with an end before the start",
        "they are left out: correct the dates",
    ));
    if rows.is_empty() {
        return Err(FlowError::NoStays { file });
    }

    // States: one name per tidy form (in the order of the tidy forms), the
    // most common spelling.
    let mut keys: Vec<(&String, u32)> = spellings
        .keys
        .iter()
        .enumerate()
        .map(|(i, key)| (key, i as u32))
        .collect();
    keys.sort();
    let mut states = Vec::with_capacity(keys.len());
    let mut state_of_key = vec![0u32; keys.len()];
    let mut near = Tally::default();
    for (key, key_idx) in keys {
        let variants: Vec<(&str, usize)> = spellings
            .spellings
            .iter()
            .filter(|(_, k, _)| *k == key_idx)
            .map(|&(s, _, n)| (s, n))
            .collect();
        let best = variants
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(s, _)| s.to_string())
            .unwrap_or_else(|| key.clone());
        if variants.len() > 1 {
            let list: Vec<String> = variants
                .iter()
                .map(|(s, n)| format!("'{s}' ({n})"))
                .collect();
            near.add(0, || list.join(", "));
        }
        state_of_key[key_idx as usize] = states.len() as u32;
        states.push(best);
    }
    if let Some(mut issue) = near.issue(
        "near_duplicate_state",
        "state",
        "written in more than one way",
        &format!(
            "each is read as its most common spelling; write each state one way in column '{}'",
            col_name(state_col)
        ),
    ) {
        issue.rows.clear();
        issues.push(issue);
    }

    // The window.
    let latest = rows
        .iter()
        .flat_map(|r| std::iter::once(r.start).chain(r.end))
        .filter(|d| options.today.is_none_or(|today| *d <= today))
        .max();
    let window_end = match (options.end_of_data, latest) {
        (Some(end), _) => end,
        (None, Some(latest)) => latest,
        (None, None) => rows.iter().map(|r| r.start).max().unwrap_or(0),
    };
    let window_start = options
        .start_of_data
        .unwrap_or_else(|| rows.iter().map(|r| r.start).min().unwrap_or(window_end));
    if window_end < window_start || window_end - window_start > MAX_WINDOW_YEARS * 366 {
        return Err(FlowError::BadWindow {
            file,
            start: day_to_string(window_start),
            end: day_to_string(window_end),
            max_years: MAX_WINDOW_YEARS,
        });
    }

    let mut future = Tally::default();
    let mut before = Tally::default();
    let mut people: Vec<String> = Vec::new();
    let mut person_of: FastMap<&str, u32> = FastMap::default();
    let mut stays = Vec::with_capacity(rows.len());
    let mut latest_row: Vec<(Day, usize)> = Vec::new();
    for r in &rows {
        if r.start > window_end {
            future.add(r.row, || {
                format!(
                    "row {}, column '{}' is {}, after the end of the data {}",
                    r.row,
                    col_name(start_col),
                    day_to_string(r.start),
                    day_to_string(window_end)
                )
            });
            continue;
        }
        let mut end = r.end;
        if let Some(e) = end {
            if e > window_end {
                future.add(r.row, || {
                    format!(
                        "row {}, column '{}' is {}, after the end of the data {}",
                        r.row,
                        col_name(end_col),
                        day_to_string(e),
                        day_to_string(window_end)
                    )
                });
                end = None;
            } else if e < window_start {
                before.add(r.row, || {
                    format!(
                        "row {}, column '{}' is {}, before the start of the data {}",
                        r.row,
                        col_name(end_col),
                        day_to_string(e),
                        day_to_string(window_start)
                    )
                });
                continue;
            }
        }
        let next_id = people.len() as u32;
        let person = *person_of.entry(r.person).or_insert_with(|| {
            people.push(r.person.to_string());
            next_id
        });
        if person as usize == latest_row.len() {
            latest_row.push((r.start, r.row));
        } else if let Some(slot) = latest_row.get_mut(person as usize) {
            if r.start >= slot.0 {
                *slot = (r.start, r.row);
            }
        }
        stays.push(Stay {
            person,
            state: state_of_key.get(r.key as usize).copied().unwrap_or(0),
            start: r.start,
            end,
            row: r.row as u32,
        });
    }
    issues.extend(future.issue(
        "future_date",
        "row",
        "with a date after the end of the data",
        "a stay starting after it is left out, one ending after it is read as still open: \
         correct the dates or give a later end of the data",
    ));
    issues.extend(before.issue(
        "before_window",
        "row",
        "ending before the start of the data",
        "they are left out (the window starts later): give an earlier start of the data to use them",
    ));
    if stays.is_empty() {
        return Err(FlowError::NoStays { file });
    }
    // Rows are distinct, so the order is total and an unstable sort gives the same.
    stays.sort_unstable_by_key(|s| (s.person, s.start, s.end.unwrap_or(Day::MAX), s.row));

    // Attributes: each person's latest row; people whose values change are counted.
    let mut changes = Tally::default();
    let mut person_attributes = vec![vec![None; attribute_cols.len()]; people.len()];
    if !attribute_cols.is_empty() {
        // The values of a row, trimmed, borrowed from the dataset.
        let values_at =
            |row: u32, c: usize| cell(dataset, c, (row as usize).saturating_sub(2)).map(str::trim);
        // Each person's previous row (stays are sorted by person).
        let mut previous: Option<(u32, u32)> = None;
        for stay in &stays {
            let p = stay.person as usize;
            if let Some((_, old_row)) = previous.filter(|(person, _)| *person == stay.person) {
                let mut differ = false;
                let mut both = false;
                for &c in &attribute_cols {
                    let (a, b) = (values_at(old_row, c), values_at(stay.row, c));
                    differ |= a != b;
                    both |= a.is_some() && b.is_some();
                }
                if differ && both {
                    changes.add(stay.row as usize, || {
                        format!("person '{}' at row {}", people[p], stay.row)
                    });
                }
            }
            if latest_row.get(p).is_some_and(|l| l.1 == stay.row as usize) {
                person_attributes[p] = attribute_cols
                    .iter()
                    .map(|&c| values_at(stay.row, c).map(str::to_string))
                    .collect();
            }
            previous = Some((stay.person, stay.row));
        }
    }
    issues.extend(changes.issue(
        "attribute_changes",
        "row",
        "giving a person other attribute values than their earlier rows",
        "each person keeps the values of their latest row",
    ));

    // Per person: overlaps, gaps and open stays followed by more.
    let tol = options.tolerance_days;
    let mut overlap = Tally::default();
    let mut gap = Tally::default();
    let mut open_then_more = Tally::default();
    let mut gap_people = 0usize;
    let mut last_gap_person = u32::MAX;
    for i in 1..stays.len() {
        let (prev, next) = (stays[i - 1], stays[i]);
        if prev.person != next.person {
            continue;
        }
        match prev.end {
            None => {
                open_then_more.add(prev.row as usize, || {
                    format!(
                        "row {} has no end date but row {} for the same person starts {}",
                        prev.row,
                        next.row,
                        day_to_string(next.start)
                    )
                });
                stays[i - 1].end = Some(next.start);
            }
            Some(end) if next.start + tol < end => {
                overlap.add(next.row as usize, || {
                    format!(
                        "row {} starts {}, before row {} of the same person ends {}",
                        next.row,
                        day_to_string(next.start),
                        prev.row,
                        day_to_string(end)
                    )
                });
            }
            Some(end) if next.start > end + tol => {
                gap.add(next.row as usize, || {
                    format!(
                        "person '{}' leaves {} at row {} and comes back {} at row {}",
                        people[next.person as usize],
                        day_to_string(end),
                        prev.row,
                        day_to_string(next.start),
                        next.row
                    )
                });
                if next.person != last_gap_person {
                    gap_people += 1;
                    last_gap_person = next.person;
                }
            }
            _ => {}
        }
    }
    issues.extend(open_then_more.issue(
        "open_then_more",
        "row",
        "without an end date although the same person has a later stay",
        "each is read as ending when the next stay starts: fill in the end dates",
    ));
    issues.extend(overlap.issue(
        "overlap",
        "stay",
        "overlapping an earlier stay of the same person",
        "each is read as a move from the earlier stay: check the dates",
    ));
    if let Some(mut issue) = gap.issue(
        "gap",
        "return",
        "after a gap longer than the tolerance",
        &format!(
            "{gap_people} people have a gap: the stay before a gap is an exit and the one after \
             an arrival; raise the tolerance if the gaps are not real"
        ),
    ) {
        issue.count = gap_people;
        issues.push(issue);
    }

    let quality = LogQuality {
        rows_read: dataset.n_rows,
        stays_used: stays.len(),
        people: people.len(),
        states: states.len(),
        issues,
    };
    let log = EventLog {
        source: file,
        window_start,
        window_end,
        tolerance_days: tol,
        states,
        people,
        attributes: attribute_cols.iter().map(|&c| col_name(c)).collect(),
        person_attributes,
        stays,
    };
    Ok((log, quality))
}
