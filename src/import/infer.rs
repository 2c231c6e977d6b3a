//! Stage 2: a [`RawTable`] to a typed [`Dataset`]. Owns what counts as
//! missing, value normalisation, column type inference, default roles from
//! column names and the default success rule. Each distinct value of a column
//! is examined once, so typing costs one hash lookup per cell.

use super::fasthash::FastMap;

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
    let mut distinct: FastMap<&str, usize> = FastMap::default();
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
    // Spelling variants of two values ("Yes", "yes", "Y", ...) are few; past
    // this many distinct values a column cannot be binary, so skip the work.
    if distinct.len() <= 32 {
        let mut normalised: Vec<String> = distinct.keys().map(|v| normalise_value(v)).collect();
        normalised.sort_unstable();
        normalised.dedup();
        if normalised.len() == 2 {
            return ColumnKind::Binary;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(values: &[&str]) -> Vec<Option<String>> {
        values.iter().map(|v| clean_cell(v.to_string())).collect()
    }

    fn repeated(values: &[&str], n: usize) -> Vec<String> {
        (0..n)
            .map(|i| values[i % values.len()].to_string())
            .collect()
    }

    #[test]
    fn kinds() {
        fn check(name: &str, values: Vec<String>, expect: ColumnKind) {
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            assert_eq!(
                infer_kind(name, &cells(&refs)),
                expect,
                "{name}: {values:?}"
            );
        }
        let numbered = |f: &dyn Fn(usize) -> String| (0..40).map(f).collect::<Vec<_>>();
        check(
            "score",
            numbered(&|i| format!("{}.5", i * 3)),
            ColumnKind::Numeric,
        );
        check(
            "income",
            numbered(&|i| (i * 1000).to_string()),
            ColumnKind::Numeric,
        );
        check(
            "urgency",
            repeated(&["1", "2", "3", "4", "5"], 40),
            ColumnKind::Ordinal,
        );
        check("flag", repeated(&["0", "1"], 40), ColumnKind::Binary);
        check(
            "smoker",
            repeated(&["Yes", "yes", "Y", "No", "n"], 40),
            ColumnKind::Binary,
        );
        check(
            "ok",
            repeated(&["true", "false", ""], 40),
            ColumnKind::Binary,
        );
        check(
            "area",
            repeated(&["North", "South", "East"], 40),
            ColumnKind::Categorical,
        );
        check(
            "referred",
            repeated(&["2024-01-31", "2023-12-01"], 40)
                .into_iter()
                .chain(["2024-02-29".to_string()])
                .collect(),
            ColumnKind::Date,
        );
        check(
            "seen",
            repeated(&["31/01/2024", "1/12/2023", "15/06/2024"], 30),
            ColumnKind::Date,
        );
        check("case_id", repeated(&["a", "b"], 40), ColumnKind::Identifier);
        check(
            "code",
            numbered(&|i| format!("X{i:04}")),
            ColumnKind::Identifier,
        );
        check(
            "notes",
            numbered(&|i| format!("client {i} called about rent arrears and a letter")),
            ColumnKind::FreeText,
        );
        check("empty", repeated(&["", "NA"], 10), ColumnKind::Categorical);
        // 1 in 40 is not a number: still numeric (the quality report names it).
        let mut mostly = numbered(&|i| format!("{i}.25"));
        mostly[3] = "unknown".to_string();
        check("amount", mostly, ColumnKind::Numeric);
        // Few rows: all-distinct says nothing, so short words stay categorical.
        check(
            "colour",
            vec!["red".into(), "green".into(), "blue".into()],
            ColumnKind::Categorical,
        );
    }

    #[test]
    fn roles() {
        fn check(names: &[&str], expect: &[Role]) {
            let mut columns: Vec<Column> = names
                .iter()
                .map(|name| Column {
                    name: name.to_string(),
                    kind: ColumnKind::Categorical,
                    role: Role::Feature,
                    cells: vec![],
                })
                .collect();
            assign_roles(&mut columns);
            let roles: Vec<Role> = columns.iter().map(|c| c.role).collect();
            assert_eq!(roles, expect, "{names:?}");
        }
        check(
            &["Referral ID", "ref", "paid"],
            &[Role::Id, Role::Id, Role::Feature],
        );
        check(
            &["Pathway Allocated", "target"],
            &[Role::Pathway, Role::Feature],
        );
        check(&["class"], &[Role::Pathway]);
        check(&["Outcome", "completed", "outcome_3m"], &[Role::Outcome; 3]);
        check(
            &[
                "Gender",
                "ethnicity",
                "Age Band",
                "age_at_referral",
                "sexualOrientation",
                "stage",
            ],
            &[
                Role::Protected,
                Role::Protected,
                Role::Protected,
                Role::Protected,
                Role::Protected,
                Role::Feature,
            ],
        );
        assert_eq!(
            default_role("notes", ColumnKind::FreeText, false),
            Role::Ignore
        );
        assert_eq!(
            default_role("code", ColumnKind::Identifier, false),
            Role::Id
        );
        assert_eq!(
            default_role("pathway", ColumnKind::Categorical, true),
            Role::Feature
        );
    }

    #[test]
    fn names_values_dates_and_missing() {
        assert_eq!(normalise_name("  Pathway Allocated "), "pathway_allocated");
        assert_eq!(normalise_name("pathwayAllocated"), "pathway_allocated");
        assert_eq!(normalise_name("Age-Band (years)"), "age_band_years");
        assert_eq!(normalise_value(" Yes "), "yes");
        assert_eq!(normalise_value("Y"), "yes");
        assert_eq!(normalise_value("Not   known"), "not known");
        for (text, expect) in [
            ("2024-02-29", Some((2024, 2, 29))),
            ("2024-02-29T10:00:00", Some((2024, 2, 29))),
            ("29/02/2024", Some((2024, 2, 29))),
            ("1/2/2024", Some((2024, 2, 1))),
            ("2024-13-01", None),
            ("32/01/2024", None),
            ("2024-1-1x", None),
            ("12/2024", None),
            ("hello", None),
        ] {
            assert_eq!(parse_date(text), expect, "{text}");
        }
        for missing in ["", "  ", "NA", "n/a", "#N/A", "null", "NaN", "-", "?"] {
            assert!(is_missing(missing), "{missing:?}");
        }
        for present in ["0", "none", "no", "nan1"] {
            assert!(!is_missing(present), "{present:?}");
        }
    }

    #[test]
    fn infer_trims_cells_and_sets_the_default_success_rule() {
        let table = RawTable {
            source: "t.csv".into(),
            headers: vec!["id".into(), "pathway".into(), "completed".into()],
            rows: vec![
                vec!["1".into(), " housing ".into(), "Yes".into()],
                vec!["2".into(), "debt".into(), "no".into()],
                vec!["3".into(), "N/A".into(), "Y".into()],
            ],
        };
        let dataset = infer(table);
        assert_eq!(dataset.n_rows, 3);
        let pathway = dataset.column("pathway").unwrap();
        assert_eq!(
            pathway.cells,
            [Some("housing".into()), Some("debt".into()), None]
        );
        assert_eq!(
            dataset.success_rule,
            Some(SuccessRule::Equals {
                column: "completed".into(),
                values: vec!["Y".into(), "Yes".into()]
            })
        );
        assert_eq!(
            dataset.success().unwrap(),
            [Some(true), Some(false), Some(true)]
        );
    }

    #[test]
    fn no_default_rule_without_positive_values_or_outcome() {
        let column = |name: &str, kind, values: &[&str]| Column {
            name: name.into(),
            kind,
            role: default_role(name, kind, false),
            cells: cells(values),
        };
        assert_eq!(
            default_success_rule(&[column("outcome", ColumnKind::Numeric, &["3", "5"])]),
            None
        );
        assert_eq!(
            default_success_rule(&[column("outcome", ColumnKind::Binary, &["moved", "stayed"])]),
            None
        );
        assert_eq!(
            default_success_rule(&[column("flag", ColumnKind::Binary, &["yes", "no"])]),
            None
        );
    }
}
