//! Stage 2: a [`RawTable`] to a typed [`Dataset`]. Owns what counts as
//! missing, value normalisation, column type inference, default roles from
//! column names and the default success rule. Each distinct value of a column
//! is examined once, so typing costs one hash lookup per cell.

use std::collections::HashMap;

use super::{parse_number, Column, ColumnKind, Dataset, RawTable, Role, SuccessRule};

/// Ordinal columns have at most this many distinct integer levels.
pub const MAX_ORDINAL_LEVELS: usize = 10;
/// Below this many values, "all distinct" says nothing (five people, five names).
const MIN_ROWS_FOR_DISTINCT_RULES: usize = 20;
/// A column is numeric (or dates) when at least this share of its values are.
const TYPED_SHARE: f64 = 0.95;

/// Tokens read as a missing value (compared after trimming, ignoring case).
const MISSING_TOKENS: &[&str] = &["", "na", "n/a", "#n/a", "null", "nan", "nil", "-", "?"];

const PATHWAY_NAMES: &[&str] = &[
    "pathway",
    "pathway_allocated",
    "allocated_pathway",
    "allocated",
    "allocation",
    "service",
    "service_allocated",
    "allocated_service",
    "target",
    "class",
    "label",
];
const OUTCOME_NAMES: &[&str] = &[
    "outcome",
    "outcome_success",
    "success",
    "successful",
    "result",
    "completed",
    "completion",
    "outcome_achieved",
    "goal_achieved",
];
const PROTECTED_NAMES: &[&str] = &[
    "gender",
    "gender_identity",
    "sex",
    "ethnicity",
    "ethnic_group",
    "ethnic_origin",
    "race",
    "religion",
    "religion_or_belief",
    "belief",
    "faith",
    "disability",
    "disabled",
    "age",
    "age_band",
    "age_group",
    "age_range",
    "date_of_birth",
    "dob",
    "sexuality",
    "sexual_orientation",
    "marital_status",
    "civil_partnership",
    "pregnancy",
    "maternity",
    "pregnancy_maternity",
    "trans",
    "transgender",
    "nationality",
];
/// Names starting with one of these and `_` are protected too (`age_at_referral`).
const PROTECTED_PREFIXES: &[&str] = &[
    "age",
    "gender",
    "sex",
    "ethnicity",
    "ethnic",
    "race",
    "religion",
    "disability",
    "sexual",
    "sexuality",
];
/// Outcome values that mean success, after [`normalise_value`].
const POSITIVE_VALUES: &[&str] = &[
    "yes",
    "true",
    "1",
    "success",
    "successful",
    "succeeded",
    "completed",
    "complete",
    "achieved",
    "positive",
    "pass",
    "passed",
    "done",
];

/// True when a trimmed cell counts as missing (`""`, `NA`, `N/A`, `null`, ...).
pub fn is_missing(cell: &str) -> bool {
    let cell = cell.trim();
    cell.len() <= 4
        && MISSING_TOKENS
            .iter()
            .any(|token| token.eq_ignore_ascii_case(cell))
}

/// A column name in a comparable form: lower case, words joined by `_`
/// (`"Pathway Allocated"`, `"pathwayAllocated"` -> `pathway_allocated`).
pub fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for ch in name.trim().chars() {
        if ch.is_alphanumeric() {
            if ch.is_uppercase() && previous_lower {
                out.push('_');
            }
            previous_lower = ch.is_lowercase() || ch.is_numeric();
            out.extend(ch.to_lowercase());
        } else {
            previous_lower = false;
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// A value in a comparable form: lower case, inner spaces collapsed, `y`/`n`
/// read as `yes`/`no` and `t`/`f` as `true`/`false`. Two spellings that give
/// the same form are variants of one category.
pub fn normalise_value(value: &str) -> String {
    let lower = value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let lower = lower.trim_end_matches('.').to_string();
    match lower.as_str() {
        "y" => "yes".to_string(),
        "n" => "no".to_string(),
        "t" => "true".to_string(),
        "f" => "false".to_string(),
        _ => lower,
    }
}

/// A date written `yyyy-mm-dd` (optionally followed by a time) or `dd/mm/yyyy`, as (year, month, day).
pub fn parse_date(text: &str) -> Option<(i32, u32, u32)> {
    let text = text.trim();
    let (year, month, day) = if text.len() >= 10 && text.as_bytes().get(4) == Some(&b'-') {
        let date = text.get(..10)?;
        let rest = text.get(10..)?;
        if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
            return None;
        }
        let mut parts = date.split('-');
        let year = parts.next()?;
        let month = parts.next()?;
        let day = parts.next()?;
        (year, month, day)
    } else {
        let mut parts = text.split('/');
        let day = parts.next()?;
        let month = parts.next()?;
        let year = parts.next()?;
        if parts.next().is_some() || year.len() != 4 || day.is_empty() || day.len() > 2 {
            return None;
        }
        (year, month, day)
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(year) && all_digits(month) && all_digits(day)) || month.len() > 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    let day: u32 = day.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
}

/// Types every column, gives default roles by name and picks a default success rule.
pub fn infer(table: RawTable) -> Dataset {
    let RawTable {
        source,
        headers,
        rows,
    } = table;
    let n_rows = rows.len();
    let n_columns = headers.len();
    let mut cells: Vec<Vec<Option<String>>> =
        (0..n_columns).map(|_| Vec::with_capacity(n_rows)).collect();
    for row in rows {
        let mut row = row.into_iter();
        for column_cells in cells.iter_mut() {
            // Rows from read_table all have headers.len() cells; a short one reads as missing.
            let cell = row.next().unwrap_or_default();
            column_cells.push(clean_cell(cell));
        }
    }
    let mut columns: Vec<Column> = headers
        .into_iter()
        .zip(cells)
        .map(|(name, cells)| {
            let kind = infer_kind(&name, &cells);
            Column {
                name,
                kind,
                role: Role::Feature,
                cells,
            }
        })
        .collect();
    assign_roles(&mut columns);
    let success_rule = default_success_rule(&columns);
    Dataset {
        source,
        n_rows,
        columns,
        success_rule,
    }
}

/// Trimmed cell, `None` when missing; reuses the allocation when nothing is trimmed.
fn clean_cell(cell: String) -> Option<String> {
    if is_missing(&cell) {
        return None;
    }
    let trimmed = cell.trim();
    if trimmed.len() == cell.len() {
        Some(cell)
    } else {
        Some(trimmed.to_string())
    }
}

/// What one distinct value looks like.
struct ValueShape {
    count: usize,
    number: Option<f64>,
    is_date: bool,
}

/// The type a column's cells suggest; the name only decides identifiers.
pub fn infer_kind(name: &str, cells: &[Option<String>]) -> ColumnKind {
    let mut distinct: HashMap<&str, usize> = HashMap::new();
    for cell in cells.iter().flatten() {
        *distinct.entry(cell.as_str()).or_insert(0) += 1;
    }
    let n_values: usize = distinct.values().sum();
    if n_values == 0 {
        return ColumnKind::Categorical;
    }
    if name_looks_like_id(&normalise_name(name)) {
        return ColumnKind::Identifier;
    }
    let shapes: Vec<ValueShape> = distinct
        .iter()
        .map(|(value, &count)| {
            let number = parse_number(value);
            ValueShape {
                count,
                number,
                is_date: number.is_none() && parse_date(value).is_some(),
            }
        })
        .collect();
    let mut normalised: Vec<String> = distinct.keys().map(|v| normalise_value(v)).collect();
    normalised.sort_unstable();
    normalised.dedup();
    if normalised.len() == 2 {
        return ColumnKind::Binary;
    }
    let n_distinct = distinct.len();
    let share = |pred: &dyn Fn(&ValueShape) -> bool| {
        shapes
            .iter()
            .filter(|s| pred(s))
            .map(|s| s.count)
            .sum::<usize>() as f64
            / n_values as f64
    };
    if share(&|s| s.number.is_some()) >= TYPED_SHARE {
        let numbers: Vec<f64> = shapes.iter().filter_map(|s| s.number).collect();
        let all_integer = numbers.iter().all(|x| x.fract() == 0.0);
        if all_integer && numbers.len() <= MAX_ORDINAL_LEVELS {
            return ColumnKind::Ordinal;
        }
        return ColumnKind::Numeric;
    }
    if share(&|s| s.is_date) >= TYPED_SHARE {
        return ColumnKind::Date;
    }
    let total_len: usize = distinct.iter().map(|(v, &c)| v.chars().count() * c).sum();
    let mean_len = total_len as f64 / n_values as f64;
    let distinct_share = n_distinct as f64 / n_values as f64;
    let spaced_share: f64 = distinct
        .iter()
        .filter(|(v, _)| v.contains(char::is_whitespace))
        .map(|(_, &c)| c)
        .sum::<usize>() as f64
        / n_values as f64;
    let enough_rows = n_values >= MIN_ROWS_FOR_DISTINCT_RULES;
    if (mean_len >= 30.0 && distinct_share > 0.5)
        || (enough_rows && distinct_share >= 0.9 && spaced_share >= 0.5)
    {
        return ColumnKind::FreeText;
    }
    if enough_rows && n_distinct == n_values && spaced_share < 0.1 {
        return ColumnKind::Identifier;
    }
    ColumnKind::Categorical
}

fn name_looks_like_id(name: &str) -> bool {
    matches!(
        name,
        "id" | "ref" | "reference" | "uuid" | "guid" | "key" | "record" | "case"
    ) || name.ends_with("_id")
        || name.starts_with("id_")
        || name.ends_with("_ref")
        || name.ends_with("_reference")
        || name.ends_with("_uuid")
        || name.ends_with("_number")
        || name.ends_with("_no")
}

fn is_pathway_name(name: &str) -> bool {
    PATHWAY_NAMES.contains(&name) || name.starts_with("pathway_")
}

fn is_outcome_name(name: &str) -> bool {
    OUTCOME_NAMES.contains(&name) || name.starts_with("outcome_")
}

/// True when a column name says it holds a protected characteristic.
pub fn is_protected_name(name: &str) -> bool {
    let name = normalise_name(name);
    PROTECTED_NAMES.contains(&name.as_str())
        || PROTECTED_PREFIXES.iter().any(|prefix| {
            name.strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('_'))
        })
}

/// The role a column gets before the user changes it. `pathway_taken` says
/// whether an earlier column already took the pathway role (only one does).
pub fn default_role(name: &str, kind: ColumnKind, pathway_taken: bool) -> Role {
    let normalised = normalise_name(name);
    if name_looks_like_id(&normalised) {
        Role::Id
    } else if !pathway_taken && is_pathway_name(&normalised) {
        Role::Pathway
    } else if is_outcome_name(&normalised) {
        Role::Outcome
    } else if is_protected_name(&normalised) {
        Role::Protected
    } else if kind == ColumnKind::Identifier {
        Role::Id
    } else if kind == ColumnKind::FreeText {
        Role::Ignore
    } else {
        Role::Feature
    }
}

fn assign_roles(columns: &mut [Column]) {
    let mut pathway_taken = false;
    for column in columns.iter_mut() {
        column.role = default_role(&column.name, column.kind, pathway_taken);
        pathway_taken |= column.role == Role::Pathway;
    }
}

/// True when an outcome value means success (`yes`, `Y`, `true`, `1`, `completed`, ...).
pub fn is_positive_value(value: &str) -> bool {
    POSITIVE_VALUES.contains(&normalise_value(value).as_str())
}

/// The first outcome column (binary or categorical) holding values that mean
/// success gives `Equals` those values; otherwise there is no default rule.
pub fn default_success_rule(columns: &[Column]) -> Option<SuccessRule> {
    columns
        .iter()
        .filter(|column| column.role == Role::Outcome)
        .filter(|column| matches!(column.kind, ColumnKind::Binary | ColumnKind::Categorical))
        .find_map(|column| {
            let values: Vec<String> = column
                .levels()
                .into_iter()
                .filter(|value| is_positive_value(value))
                .collect();
            (!values.is_empty()).then(|| SuccessRule::Equals {
                column: column.name.clone(),
                values,
            })
        })
}
