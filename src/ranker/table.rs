//! The simple directory layout: one row per service in a CSV or XLSX file
//! (documented in docs/directory-format.md), the gazetteer CSV
//! (zip,city,county,state), and the CSV export of both. Works on bytes only.
//!
//! A bad cell skips its row with a problem naming row, column and value; the
//! other rows still import. Only an unreadable file or a missing required
//! column refuses the whole import.

use super::{
    Channel, Date, Directory, Gazetteer, Place, Problem, RankerError, Service, ServiceArea,
    ServiceKind,
};
use calamine::Data;
use std::collections::BTreeSet;

/// The columns of the simple layout, in export order.
pub const DIRECTORY_COLUMNS: [&str; 19] = [
    "id",
    "name",
    "organisation",
    "kind",
    "issues",
    "populations",
    "zips",
    "cities",
    "counties",
    "states",
    "channels",
    "serves_over_income",
    "open",
    "direct_representation",
    "annual_volume",
    "regular_hours",
    "next_date",
    "best_bet_issues",
    "best_bet_populations",
];

const REQUIRED: [&str; 2] = ["name", "issues"];

/// A row of trimmed cells with its spreadsheet row number.
pub(super) type NumberedRow = (usize, Vec<String>);

/// A table as read: header names and rows of trimmed text, each row with its
/// spreadsheet row number.
pub(super) struct Grid {
    pub(super) headers: Vec<String>,
    pub(super) rows: Vec<NumberedRow>,
}

/// Reads the directory from CSV or XLSX bytes, telling them apart by
/// their first bytes (XLSX is a zip file; an old-format XLS, an OLE file, is
/// refused with how to convert it).
pub fn import_directory(
    source: &str,
    bytes: &[u8],
) -> Result<(Directory, Vec<Problem>), RankerError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        import_directory_xlsx(source, bytes)
    } else {
        import_directory_csv(source, bytes)
    }
}

/// Reads the simple layout from CSV bytes (UTF-8 or Windows-1252, comma,
/// semicolon or tab separated). The gazetteer is left empty.
pub fn import_directory_csv(
    source: &str,
    bytes: &[u8],
) -> Result<(Directory, Vec<Problem>), RankerError> {
    let (grid, problems) = read_csv(source, bytes)?;
    services_from_grid(source, grid, problems)
}

/// Reads the simple layout from the first sheet of an XLSX workbook.
pub fn import_directory_xlsx(
    source: &str,
    bytes: &[u8],
) -> Result<(Directory, Vec<Problem>), RankerError> {
    let grid = read_workbook(source, bytes)?;
    services_from_grid(source, grid, Vec::new())
}

/// Reads a gazetteer CSV with the columns zip, city, county, state.
pub fn import_gazetteer_csv(
    source: &str,
    bytes: &[u8],
) -> Result<(Gazetteer, Vec<Problem>), RankerError> {
    let (grid, mut problems) = read_csv(source, bytes).map_err(|err| match err {
        RankerError::Empty { file } => RankerError::EmptyGazetteer {
            file,
            problems: Vec::new(),
        },
        other => other,
    })?;
    let mut columns = [0usize; 4];
    for (slot, name) in columns.iter_mut().zip(["zip", "city", "county", "state"]) {
        *slot = header_index(&grid.headers, name).ok_or_else(|| RankerError::MissingColumn {
            file: source.to_string(),
            column: name.to_string(),
        })?;
    }
    let mut seen = BTreeSet::new();
    let mut places = Vec::new();
    for (row_no, cells) in grid.rows {
        let cell = |idx: usize| cells.get(idx).cloned().unwrap_or_default();
        let [zip, city, county, state] = columns.map(cell);
        if zip.is_empty() {
            problems.push(problem(
                source,
                row_no,
                "zip",
                "",
                "the zip is empty; the row was skipped: fill in the zip",
            ));
            continue;
        }
        if !seen.insert(zip.to_lowercase()) {
            problems.push(problem(
                source,
                row_no,
                "zip",
                &zip,
                "this zip is listed twice; the first row is used: remove the duplicate",
            ));
            continue;
        }
        places.push(Place {
            zip,
            city,
            county,
            state,
        });
    }
    if places.is_empty() {
        return Err(RankerError::EmptyGazetteer {
            file: source.to_string(),
            problems,
        });
    }
    Ok((Gazetteer { places }, problems))
}

/// The directory's services as CSV in the simple layout (lists joined with
/// "; "). The gazetteer is exported separately by `gazetteer_to_csv`.
pub fn directory_to_csv(directory: &Directory) -> String {
    let mut rows: Vec<Vec<String>> =
        vec![DIRECTORY_COLUMNS.iter().map(|c| c.to_string()).collect()];
    for s in &directory.services {
        let yes_no = |flag: bool| if flag { "yes" } else { "no" }.to_string();
        rows.push(vec![
            s.id.clone(),
            s.name.clone(),
            s.organisation.clone(),
            s.kind.label().to_string(),
            s.issues.join("; "),
            s.populations.join("; "),
            s.area.zips.join("; "),
            s.area.cities.join("; "),
            s.area.counties.join("; "),
            s.area.states.join("; "),
            s.channels
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join("; "),
            yes_no(s.serves_over_income),
            yes_no(s.open),
            yes_no(s.direct_representation),
            s.annual_volume.map(|v| v.to_string()).unwrap_or_default(),
            yes_no(s.regular_hours),
            s.next_date.map(|d| d.to_string()).unwrap_or_default(),
            s.best_bet_issues.join("; "),
            s.best_bet_populations.join("; "),
        ]);
    }
    crate::csv_out::write_table(rows)
}

/// The gazetteer as CSV: zip,city,county,state.
pub fn gazetteer_to_csv(gazetteer: &Gazetteer) -> String {
    let mut rows = vec![vec![
        "zip".to_string(),
        "city".into(),
        "county".into(),
        "state".into(),
    ]];
    for p in &gazetteer.places {
        rows.push(vec![
            p.zip.clone(),
            p.city.clone(),
            p.county.clone(),
            p.state.clone(),
        ]);
    }
    crate::csv_out::write_table(rows)
}

fn problem(source: &str, row: usize, column: &str, value: &str, message: &str) -> Problem {
    Problem {
        source: source.to_string(),
        row: Some(row),
        column: Some(column.to_string()),
        value: Some(value.to_string()),
        message: message.to_string(),
    }
}

/// Header names compare ignoring case, spaces, hyphens and underscores (so
/// `Direct Representation`, `direct-representation`, `DirectRepresentation`
/// and `direct  representation` are all `direct_representation`), and the
/// "organization" spelling is accepted.
fn header_key(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace([' ', '-', '_'], "")
        .replace("organization", "organisation")
}

fn header_index(headers: &[String], name: &str) -> Option<usize> {
    let wanted = header_key(name);
    headers.iter().position(|h| header_key(h) == wanted)
}

/// Decodes CSV bytes (BOM, UTF-8 or Windows-1252), sniffs the delimiter and
/// returns the grid; rows whose cells are all empty are dropped.
pub(super) fn read_csv_grid(
    source: &str,
    bytes: &[u8],
) -> Result<(Grid, Vec<Problem>), RankerError> {
    read_csv(source, bytes)
}

fn read_csv(source: &str, bytes: &[u8]) -> Result<(Grid, Vec<Problem>), RankerError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    if text.trim().is_empty() {
        return Err(RankerError::Empty {
            file: source.to_string(),
        });
    }
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (first_line.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let clean = |cell: &str| crate::csv_out::unguard(cell.trim()).to_string();
    let mut last_start = 0usize;
    let headers: Vec<String> = match records.next() {
        Some(Ok(record)) => record.iter().map(clean).collect(),
        Some(Err(err)) => {
            return Err(RankerError::Csv {
                file: source.to_string(),
                detail: err.to_string(),
            })
        }
        None => {
            return Err(RankerError::Empty {
                file: source.to_string(),
            })
        }
    };
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (idx, record) in records.enumerate() {
        let row_no = idx + 2;
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                return Err(RankerError::Csv {
                    file: source.to_string(),
                    detail: format!("row {row_no}: {err}"),
                })
            }
        };
        last_start = record.position().map_or(0, |p| p.byte() as usize);
        let mut cells: Vec<String> = record.iter().map(clean).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if cells.len() > headers.len() {
            problems.push(Problem {
                source: source.to_string(),
                row: Some(row_no),
                column: None,
                value: None,
                message: format!(
                    "the row has {} cells but the header has {}; the extra cells were ignored: check for a stray separator",
                    cells.len(),
                    headers.len()
                ),
            });
        }
        cells.resize(headers.len(), String::new());
        rows.push((row_no, cells));
    }
    // A quote never closed swallows the rest of the file into one cell.
    if let Some((field_idx, n_lines)) = text
        .get(last_start..)
        .and_then(|tail| crate::import::unclosed_quote(tail, delimiter))
        .filter(|&(_, n_lines)| n_lines > 0)
    {
        let row = rows.last().map_or(1, |(row_no, _)| *row_no);
        let column = headers
            .get(field_idx)
            .filter(|name| !name.is_empty() && row > 1)
            .cloned()
            .unwrap_or_else(|| format!("column {}", field_idx + 1));
        return Err(RankerError::Import(
            crate::import::ImportError::UnclosedQuote {
                file: source.to_string(),
                row,
                column,
                n_lines,
            },
        ));
    }
    Ok((Grid { headers, rows }, problems))
}

fn read_workbook(source: &str, bytes: &[u8]) -> Result<Grid, RankerError> {
    // The shared reader refuses a sheet whose cells span too much (a stray
    // cell at XFD1048576) before laying it out.
    let sheet = crate::import::read_sheet(source, bytes, None)?;
    // Rows are numbered from the sheet's first used row, which is the header.
    let start_row = sheet.first_row as usize + 1;
    let mut rows_iter = sheet.rows.iter();
    let headers: Vec<String> = match rows_iter.next() {
        Some(row) => row.iter().map(cell_text).collect(),
        None => {
            return Err(RankerError::Empty {
                file: source.to_string(),
            })
        }
    };
    let mut rows = Vec::new();
    for (idx, row) in rows_iter.enumerate() {
        let mut cells: Vec<String> = row.iter().map(cell_text).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        cells.resize(headers.len(), String::new());
        rows.push((start_row + idx + 1, cells));
    }
    Ok(Grid { headers, rows })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::DateTime(dt) if dt.is_datetime() => Date::from_spreadsheet_serial(dt.as_f64())
            .map(|d| d.to_string())
            .unwrap_or_else(|| dt.to_string()),
        Data::Bool(flag) => if *flag { "yes" } else { "no" }.to_string(),
        Data::Error(_) => String::new(),
        other => other.to_string().trim().to_string(),
    }
}

/// Splits a list cell on ';' or '|' (commas are left alone: names have them).
fn list(cell: &str) -> Vec<String> {
    cell.split([';', '|'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

fn yes_no(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// Builds services from the grid: stage 2 of the two-stage import.
fn services_from_grid(
    source: &str,
    grid: Grid,
    mut problems: Vec<Problem>,
) -> Result<(Directory, Vec<Problem>), RankerError> {
    for column in REQUIRED {
        if header_index(&grid.headers, column).is_none() {
            return Err(RankerError::MissingColumn {
                file: source.to_string(),
                column: column.to_string(),
            });
        }
    }
    for (idx, header) in grid.headers.iter().enumerate() {
        let key = header_key(header);
        if !key.is_empty() && !DIRECTORY_COLUMNS.iter().any(|c| header_key(c) == key) {
            problems.push(Problem {
                source: source.to_string(),
                row: Some(1),
                column: Some(header.clone()),
                value: None,
                message: format!("column {} ('{header}') is not part of the directory layout and was ignored; rename it to one of: {}", idx + 1, DIRECTORY_COLUMNS.join(", ")),
            });
        }
    }
    let defaults: [(&str, &str); 5] = [
        ("channels", "no delivery channel"),
        ("open", "open"),
        ("direct_representation", "no direct representation"),
        ("serves_over_income", "not serving over-income people"),
        ("regular_hours", "no regular weekly hours"),
    ];
    for (column, meaning) in defaults {
        if header_index(&grid.headers, column).is_none() {
            problems.push(Problem {
                source: source.to_string(),
                row: None,
                column: Some(column.to_string()),
                value: None,
                message: format!("there is no '{column}' column, so every service is taken as {meaning}; add the column to say otherwise"),
            });
        }
    }
    let index: Vec<Option<usize>> = DIRECTORY_COLUMNS
        .iter()
        .map(|c| header_index(&grid.headers, c))
        .collect();
    let mut ids = BTreeSet::new();
    let mut services = Vec::new();
    for (row_no, cells) in &grid.rows {
        let get = |column: &str| -> String {
            DIRECTORY_COLUMNS
                .iter()
                .position(|c| *c == column)
                .and_then(|pos| index.get(pos).copied().flatten())
                .and_then(|idx| cells.get(idx).cloned())
                .unwrap_or_default()
        };
        let mut row_problems = Vec::new();
        let mut bad = |column: &str, value: &str, message: String| {
            row_problems.push(problem(source, *row_no, column, value, &message));
        };
        let name = get("name");
        if name.is_empty() {
            bad(
                "name",
                "",
                "the service has no name; the row was skipped: fill in the name".to_string(),
            );
        }
        let mut id = get("id");
        if id.is_empty() {
            id = format!("row-{row_no}");
        }
        if ids.contains(&id) {
            bad("id", &id, "this id is already used by an earlier row; the row was skipped: give each service its own id".to_string());
        }
        let issues = list(&get("issues"));
        if issues.is_empty() {
            bad("issues", "", "the service lists no issue; the row was skipped: list the issues it serves, separated by ';'".to_string());
        }
        let kind_text = get("kind");
        let kind = ServiceKind::parse(&kind_text).unwrap_or_else(|| {
            bad("kind", &kind_text, "unknown kind; the row was skipped: write ordinary, bar referral or self-help centre".to_string());
            ServiceKind::Ordinary
        });
        let mut channels = Vec::new();
        for item in list(&get("channels")) {
            match Channel::parse(&item) {
                Some(channel) if !channels.contains(&channel) => channels.push(channel),
                Some(_) => {}
                None => bad("channels", &item, "unknown channel; the row was skipped: write in person, online or phone, separated by ';'".to_string()),
            }
        }
        let mut flag = |column: &str, default: bool| -> bool {
            let text = get(column);
            if text.is_empty() {
                return default;
            }
            yes_no(&text).unwrap_or_else(|| {
                bad(
                    column,
                    &text,
                    "not a yes/no value; the row was skipped: write yes or no".to_string(),
                );
                default
            })
        };
        let serves_over_income = flag("serves_over_income", false);
        let open = flag("open", true);
        let direct_representation = flag("direct_representation", false);
        let regular_hours = flag("regular_hours", false);
        let volume_text = get("annual_volume");
        let annual_volume = if volume_text.is_empty() {
            None
        } else {
            let cleaned = volume_text.replace(',', "");
            match cleaned.parse::<u32>().ok().or_else(|| {
                cleaned
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(v))
                    .map(|v| v as u32)
            }) {
                Some(volume) => Some(volume),
                None => {
                    bad("annual_volume", &volume_text, "not a whole number of people a year; the row was skipped: write a number like 500, or leave it empty".to_string());
                    None
                }
            }
        };
        let date_text = get("next_date");
        let next_date = if date_text.is_empty() {
            None
        } else {
            match Date::parse(&date_text) {
                Some(date) => Some(date),
                None => {
                    bad("next_date", &date_text, "not a date; the row was skipped: write it as YYYY-MM-DD, or leave it empty".to_string());
                    None
                }
            }
        };
        let area = ServiceArea {
            zips: list(&get("zips")),
            cities: list(&get("cities")),
            counties: list(&get("counties")),
            states: list(&get("states")),
        };
        if !row_problems.is_empty() {
            problems.extend(row_problems);
            continue;
        }
        if area.is_empty() {
            problems.push(Problem {
                source: source.to_string(),
                row: Some(*row_no),
                column: Some("zips".to_string()),
                value: None,
                message: "the service lists no zip, city, county or state, so it will never match a person; fill in where it serves".to_string(),
            });
        }
        ids.insert(id.clone());
        let organisation = get("organisation");
        services.push(Service {
            organisation: if organisation.is_empty() {
                name.clone()
            } else {
                organisation
            },
            id,
            name,
            kind,
            issues,
            populations: list(&get("populations")),
            area,
            channels,
            serves_over_income,
            open,
            direct_representation,
            annual_volume,
            regular_hours,
            next_date,
            best_bet_issues: list(&get("best_bet_issues")),
            best_bet_populations: list(&get("best_bet_populations")),
        });
    }
    if services.is_empty() {
        return Err(RankerError::NoServices {
            file: source.to_string(),
            problems: problems
                .into_iter()
                .filter(|p| p.row.is_some_and(|row| row > 1))
                .collect(),
        });
    }
    Ok((
        Directory {
            services,
            gazetteer: Gazetteer::default(),
        },
        problems,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEADER: &str = "id,name,organisation,issues,zips,channels,open,annual_volume,next_date\n";

    fn import(body: &str) -> Result<(Directory, Vec<Problem>), RankerError> {
        import_directory_csv("test.csv", format!("{HEADER}{body}").as_bytes())
    }

    #[test]
    fn bad_cells_skip_their_row_with_row_and_column() {
        fn check(row: &str, column: &str) {
            let (dir, problems) =
                import(&format!("a,Good,Org,Housing,10001,phone,yes,,\n{row}\n")).unwrap();
            assert_eq!(dir.services.len(), 1, "{row}");
            let found = problems
                .iter()
                .find(|p| p.row == Some(3))
                .unwrap_or_else(|| panic!("no problem for {row}: {problems:?}"));
            assert_eq!(found.column.as_deref(), Some(column), "{row}");
        }
        check("b,Bad,Org,Housing,10001,phone,maybe,,", "open");
        check("b,Bad,Org,Housing,10001,carrier pigeon,yes,,", "channels");
        check("b,Bad,Org,Housing,10001,phone,yes,lots,", "annual_volume");
        check("b,Bad,Org,Housing,10001,phone,yes,,31/12/2026", "next_date");
        check("b,,Org,Housing,10001,phone,yes,,", "name");
        check("b,Bad,Org,,10001,phone,yes,,", "issues");
        check("a,Dup,Org,Housing,10001,phone,yes,,", "id");
    }

    #[test]
    fn missing_required_column_refuses() {
        let err = import_directory_csv("x.csv", b"id,name\n1,A\n").unwrap_err();
        assert_eq!(
            err,
            RankerError::MissingColumn {
                file: "x.csv".into(),
                column: "issues".into()
            }
        );
        assert!(matches!(
            import_directory_csv("x.csv", b"  \n"),
            Err(RankerError::Empty { .. })
        ));
    }

    #[test]
    fn semicolon_delimiter_bom_and_windows_1252() {
        let mut bytes = b"\xEF\xBB\xBFname;issues;zips\n".to_vec();
        bytes.extend_from_slice(b"Caf\xE9 advice;Debt | Housing;10001\n");
        let (dir, _) = import_directory_csv("x.csv", &bytes).unwrap();
        let service = &dir.services[0];
        assert_eq!(service.name, "Café advice");
        assert_eq!(service.issues, vec!["Debt", "Housing"]);
        assert_eq!(service.id, "row-2");
    }

    #[test]
    fn gazetteer_reads_and_reports_duplicates() {
        let (gaz, problems) = import_gazetteer_csv(
            "g.csv",
            b"zip,city,county,state\n1,A,B,C\n1,X,Y,Z\n,Q,R,S\n",
        )
        .unwrap();
        assert_eq!(gaz.places.len(), 1);
        assert_eq!(
            problems.iter().map(|p| p.row).collect::<Vec<_>>(),
            vec![Some(3), Some(4)]
        );
    }

    #[test]
    fn headers_match_ignoring_case_spaces_hyphens_and_underscores() {
        let text =
            "Id,NAME,Issues,Zips,DirectRepresentation,AnnualVolume,next  date,Serves-Over-Income\n\
                    a,A,Housing,10001,yes,1200,2026-12-04,yes\n";
        let (dir, problems) = import_directory_csv("h.csv", text.as_bytes()).unwrap();
        let service = &dir.services[0];
        assert!(service.direct_representation && service.serves_over_income);
        assert_eq!(service.annual_volume, Some(1200));
        assert_eq!(service.next_date, Date::parse("2026-12-04"));
        assert!(
            problems.iter().all(|p| p.row != Some(1)),
            "a header was not recognised: {problems:?}"
        );
    }

    #[test]
    fn next_date_cells_must_be_yyyy_mm_dd() {
        for date in ["26-03-10", "2026-3-5", "+2026-03-10"] {
            let (dir, problems) = import(&format!(
                "a,Good,Org,Housing,10001,phone,yes,,\nb,Bad,Org,Housing,10001,phone,yes,,{date}\n"
            ))
            .unwrap();
            assert_eq!(dir.services.len(), 1, "{date}");
            assert!(
                problems.iter().any(|p| p.row == Some(3)
                    && p.column.as_deref() == Some("next_date")
                    && p.message.contains("YYYY-MM-DD")),
                "{date}: {problems:?}"
            );
        }
    }

    #[test]
    fn a_directory_whose_rows_are_all_skipped_says_why() {
        let err =
            import("b,,Org,Housing,10001,phone,yes,,\nc,C,Org,,10001,phone,yes,,\n").unwrap_err();
        let RankerError::NoServices { problems, .. } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(problems.len(), 2);
        let message = err.to_string();
        assert!(
            message.contains("row 2, column 'name'") && message.contains("row 3, column 'issues'"),
            "{message}"
        );
        let header_only = import_directory_csv("e.csv", b"name,issues\n").unwrap_err();
        assert!(header_only.to_string().contains("no rows under the header"));
    }

    #[test]
    fn an_empty_gazetteer_is_refused_with_a_message() {
        for text in [
            "",
            "zip,city,county,state\n",
            "zip,city,county,state\n,A,B,C\n",
        ] {
            let err = import_gazetteer_csv("g.csv", text.as_bytes()).unwrap_err();
            assert!(
                matches!(err, RankerError::EmptyGazetteer { .. }),
                "{text:?}: {err:?}"
            );
            assert!(err
                .to_string()
                .contains("g.csv: the gazetteer has no places"));
        }
    }

    #[test]
    fn the_directory_export_is_guarded_and_reads_back() {
        let mut service = Service::new("=1+1", "@SUM(A1)");
        service.organisation = "-Org".into();
        service.issues = vec!["+Housing".into()];
        service.area.zips = vec!["10001".into()];
        let directory = Directory {
            services: vec![service.clone()],
            gazetteer: Gazetteer::default(),
        };
        let text = directory_to_csv(&directory);
        assert!(text.contains("'=1+1,'@SUM(A1),'-Org"), "{text}");
        let (back, _) = import_directory_csv("d.csv", text.as_bytes()).unwrap();
        let read = &back.services[0];
        assert_eq!(
            (
                read.id.as_str(),
                read.name.as_str(),
                read.organisation.as_str()
            ),
            ("=1+1", "@SUM(A1)", "-Org")
        );
        assert_eq!(read.issues, ["+Housing"]);
    }

    proptest! {
        #[test]
        fn import_never_panics(text in "\\PC{0,200}") {
            let _ = import_directory_csv("fuzz.csv", format!("{HEADER}{text}").as_bytes());
            let _ = import_directory("fuzz", text.as_bytes());
            let _ = import_gazetteer_csv("fuzz.csv", text.as_bytes());
        }
    }
}
