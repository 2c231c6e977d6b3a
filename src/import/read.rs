//! Stage 1: bytes to a [`RawTable`]. Owns format detection (magic bytes),
//! text decoding (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252
//! fallback), delimiter sniffing, CSV parsing, Excel reading through calamine,
//! header repair and ragged rows. Everything it works around becomes a
//! [`Problem`]; what it cannot read is an [`ImportError`].

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use calamine::{Data, Reader};

use super::sheet::{open_workbook, read_sheet, Sheet, OLE_MAGIC};
use super::{ImportError, Problem, RawTable, ReadOptions};

/// At most this many problems of one kind are listed one by one; the rest are counted.
const MAX_PROBLEMS_PER_KIND: usize = 50;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// Reads a CSV or XLSX file (told apart by their first bytes) into a raw
/// table; an old-format XLS file is refused with how to convert it.
///
/// `source` is the file name used in messages. Cells are kept as read (not trimmed).
pub fn read_table(
    source: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<(RawTable, Vec<Problem>), ImportError> {
    if bytes.len() > options.max_bytes {
        return Err(ImportError::TooLarge {
            file: source.to_string(),
            n_bytes: bytes.len(),
            max_bytes: options.max_bytes,
        });
    }
    let mut log = ProblemLog::default();
    let records = if is_workbook(bytes) {
        read_workbook_records(source, bytes, options.sheet.as_deref(), &mut log)?
    } else {
        read_csv_records(source, bytes, &mut log)?
    };
    let table = build_table(source, records, &mut log)?;
    Ok((table, log.finish(source)))
}

/// The sheet names of an XLSX workbook, in order; empty for CSV (one table, no sheets).
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, ImportError> {
    if !is_workbook(bytes) {
        return Ok(Vec::new());
    }
    Ok(open_workbook("the file", bytes)?.sheet_names())
}

fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC)
}

/// Collects problems, listing the first few of each kind and counting the rest,
/// so a file with 100,000 short rows gives a readable list.
#[derive(Default)]
struct ProblemLog {
    problems: Vec<Problem>,
    counts: HashMap<&'static str, usize>,
    order: Vec<&'static str>,
}

impl ProblemLog {
    fn push(&mut self, kind: &'static str, problem: Problem) {
        let count = self.counts.entry(kind).or_insert(0);
        if *count == 0 {
            self.order.push(kind);
        }
        *count += 1;
        if *count <= MAX_PROBLEMS_PER_KIND {
            self.problems.push(problem);
        }
    }

    fn finish(mut self, source: &str) -> Vec<Problem> {
        for kind in &self.order {
            let count = self.counts.get(kind).copied().unwrap_or(0);
            if count > MAX_PROBLEMS_PER_KIND {
                self.problems.push(Problem {
                    row: None,
                    column: None,
                    value: None,
                    message: format!(
                        "{source}: {} more rows have the same problem ({kind}); only the first {MAX_PROBLEMS_PER_KIND} are listed",
                        count - MAX_PROBLEMS_PER_KIND
                    ),
                });
            }
        }
        self.problems
    }
}

// ---------------------------------------------------------------- CSV

fn read_csv_records(
    source: &str,
    bytes: &[u8],
    log: &mut ProblemLog,
) -> Result<Vec<Vec<String>>, ImportError> {
    let text = decode(source, bytes, log)?;
    if text.trim().is_empty() {
        return Err(ImportError::Empty {
            file: source.to_string(),
        });
    }
    check_is_text(source, &text)?;
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut last_start = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                last_start = record.position().map_or(0, |p| p.byte() as usize);
                // A cell Signpost guarded against formulas on export reads back as written.
                records.push(
                    record
                        .iter()
                        .map(|cell| crate::csv_out::unguard(cell).to_string())
                        .collect(),
                )
            }
            Ok(false) => break,
            Err(err) => {
                return Err(ImportError::NotATable {
                    file: source.to_string(),
                    reason: format!("the CSV reader stopped at row {}: {err}", records.len() + 1),
                })
            }
        }
    }
    if let Some((field_idx, n_lines)) = text
        .get(last_start..)
        .and_then(|tail| unclosed_quote(tail, delimiter))
    {
        let row = records.len();
        let column = records
            .first()
            .filter(|_| row > 1)
            .and_then(|header| header.get(field_idx))
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| format!("column {}", field_idx + 1));
        if n_lines > 0 {
            return Err(ImportError::UnclosedQuote {
                file: source.to_string(),
                row,
                column,
                n_lines,
            });
        }
        log.push(
            "unclosed quote",
            Problem {
                row: Some(row),
                column: Some(column.clone()),
                value: None,
                message: format!(
                    "{source}, row {row}, column '{column}': a quote opens the cell and is never closed; the cell was read to the end of the file; close the quote"
                ),
            },
        );
    }
    Ok(records)
}

/// Whether the last record of a CSV (`tail` starts at it) ends inside a
/// quoted cell that was never closed, as the csv reader then reads the rest
/// of the file into that one cell: the cell's index and the line breaks it
/// swallowed. Follows the csv reader's rules: a quote opens a quoted cell
/// only at the start of a cell; inside one, `""` is a quote.
pub(crate) fn unclosed_quote(tail: &str, delimiter: u8) -> Option<(usize, usize)> {
    #[derive(PartialEq)]
    enum State {
        Start,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::Start;
    let mut field_idx = 0usize;
    let mut n_lines = 0usize;
    for byte in tail.bytes() {
        let ends_record = byte == b'\n' || byte == b'\r';
        state = match state {
            State::Start | State::Unquoted | State::QuoteInQuoted if ends_record => {
                field_idx = 0;
                State::Start
            }
            State::Start | State::Unquoted | State::QuoteInQuoted if byte == delimiter => {
                field_idx += 1;
                State::Start
            }
            State::Start if byte == b'"' => {
                n_lines = 0;
                State::Quoted
            }
            State::QuoteInQuoted if byte == b'"' => State::Quoted,
            State::Start | State::Unquoted | State::QuoteInQuoted => State::Unquoted,
            State::Quoted if byte == b'"' => State::QuoteInQuoted,
            State::Quoted => {
                n_lines += usize::from(byte == b'\n');
                State::Quoted
            }
        };
    }
    (state == State::Quoted).then_some((field_idx, n_lines))
}

/// Text of the file: UTF-8 (BOM dropped), UTF-16 with a BOM, else Windows-1252
/// (what Excel on Windows writes for "CSV"), with a problem saying so.
fn decode<'a>(
    source: &str,
    bytes: &'a [u8],
    log: &mut ProblemLog,
) -> Result<Cow<'a, str>, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty {
            file: source.to_string(),
        });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, had_errors) = encoding_rs::UTF_16LE.decode(bytes);
        if had_errors {
            return Err(ImportError::NotATable {
                file: source.to_string(),
                reason: "it starts like UTF-16 text but is not valid UTF-16".to_string(),
            });
        }
        return Ok(text);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(err) => {
            let offset = err.valid_up_to();
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
            let line = body
                .get(..offset)
                .map(|head| head.iter().filter(|&&b| b == b'\n').count() + 1)
                .unwrap_or(1);
            log.push(
                "not UTF-8",
                Problem {
                    row: Some(line),
                    column: None,
                    value: None,
                    message: format!(
                        "{source} is not UTF-8 text (first odd byte on line {line}), so it was read as Windows-1252; if letters such as é or £ look wrong, save it again as \"CSV UTF-8\""
                    ),
                },
            );
            Ok(text)
        }
    }
}

/// Refuses binary files: text tables hold almost no control characters.
fn check_is_text(source: &str, text: &str) -> Result<(), ImportError> {
    let mut n_chars = 0usize;
    let mut n_control = 0usize;
    for ch in text.chars().take(65_536) {
        n_chars += 1;
        if ch == '\0' {
            return Err(ImportError::NotATable {
                file: source.to_string(),
                reason: "it holds binary data (zero bytes)".to_string(),
            });
        }
        if ch.is_control() && !matches!(ch, '\t' | '\n' | '\r') {
            n_control += 1;
        }
    }
    // Allow a stray control character or two in a big export, not binary noise.
    if n_control > 2 && n_control * 100 > n_chars {
        return Err(ImportError::NotATable {
            file: source.to_string(),
            reason: format!("{n_control} of its first {n_chars} characters are control characters, so it looks like binary data"),
        });
    }
    Ok(())
}

/// Picks the delimiter (comma, semicolon, tab, pipe) that splits the first
/// rows into the same number of fields (more than one), preferring the most
/// consistent, then the one giving more fields. One column falls back to comma.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    // A sample cut at a line end keeps the parse of the last row whole, mostly.
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let mut best = (b',', 0.0f64, 0usize);
    for delimiter in [b',', b';', b'\t', b'|'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample.as_bytes());
        let mut header_len = 0usize;
        let mut n_records = 0usize;
        let mut n_same = 0usize;
        for record in reader.records().take(50) {
            let Ok(record) = record else { break };
            if n_records == 0 {
                header_len = record.len();
            }
            n_records += 1;
            if record.len() == header_len {
                n_same += 1;
            }
        }
        if header_len < 2 || n_records == 0 {
            continue;
        }
        let consistency = n_same as f64 / n_records as f64;
        if consistency > best.1 || (consistency == best.1 && header_len > best.2) {
            best = (delimiter, consistency, header_len);
        }
    }
    best.0
}

// ---------------------------------------------------------------- Excel

fn read_workbook_records(
    source: &str,
    bytes: &[u8],
    sheet: Option<&str>,
    log: &mut ProblemLog,
) -> Result<Vec<Vec<String>>, ImportError> {
    let Sheet {
        name,
        first_row,
        rows,
    } = read_sheet(source, bytes, sheet)?;
    let mut records = Vec::with_capacity(rows.len());
    for (row_idx, row) in rows.iter().enumerate() {
        // The row as the spreadsheet numbers it.
        let row_number = first_row as usize + row_idx + 1;
        let mut record = Vec::with_capacity(row.len());
        for cell in row {
            record.push(cell_text(cell).unwrap_or_else(|error| {
                log.push(
                    "error cell",
                    Problem {
                        row: Some(row_number),
                        column: None,
                        value: Some(error.clone()),
                        message: format!(
                            "{source}, sheet '{name}', row {row_number}: a cell holds the spreadsheet error {error}; it is read as missing; fix the formula in the spreadsheet if the value matters"
                        ),
                    },
                );
                String::new()
            }));
        }
        records.push(record);
    }
    if records.is_empty() {
        return Err(ImportError::Empty {
            file: format!("{source} (sheet '{name}')"),
        });
    }
    Ok(records)
}

/// A spreadsheet cell as text; dates as `yyyy-mm-dd` (with a time when it has one).
/// `Err` carries the text of an error cell such as `#N/A`.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(value) => value.to_string(),
        Data::Float(value) => format_float(*value),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(value) => {
            if value.is_datetime() {
                let (y, mo, d, h, mi, s, _) = value.to_ymd_hms_milli();
                if (h, mi, s) == (0, 0, 0) {
                    format!("{y:04}-{mo:02}-{d:02}")
                } else {
                    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
                }
            } else {
                format_float(value.as_f64())
            }
        }
        Data::Error(error) => return Err(error.to_string()),
    })
}

/// Whole floats without the `.0` Excel never shows (`3`, not `3.0`).
fn format_float(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

// ---------------------------------------------------------------- both

/// Header repair, ragged rows and the fatal checks shared by CSV and Excel.
fn build_table(
    source: &str,
    records: Vec<Vec<String>>,
    log: &mut ProblemLog,
) -> Result<RawTable, ImportError> {
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err(ImportError::Empty {
            file: source.to_string(),
        });
    };
    // Spreadsheets often carry empty trailing header cells; drop them if no data uses them.
    let rows: Vec<Vec<String>> = records.collect();
    let mut width = header.len();
    while width > 1
        && header.get(width - 1).is_some_and(|h| h.trim().is_empty())
        && rows
            .iter()
            .all(|row| row.get(width - 1).is_none_or(|cell| cell.trim().is_empty()))
    {
        width -= 1;
    }
    let header: Vec<String> = header.into_iter().take(width).collect();
    if header.iter().all(|name| name.trim().is_empty()) {
        return Err(ImportError::NoHeader {
            file: source.to_string(),
            reason: "row 1 is empty".to_string(),
        });
    }
    if header.len() > 1
        && header
            .iter()
            .all(|name| super::parse_number(name).is_some())
    {
        return Err(ImportError::NoHeader {
            file: source.to_string(),
            reason: format!("row 1 holds only numbers: {}", header.join(", ")),
        });
    }
    let headers = fix_headers(source, header, log);

    // Drop empty rows at the end (spreadsheets leave them); keep the rest.
    let mut rows = rows;
    while rows
        .last()
        .is_some_and(|row| row.iter().all(|cell| cell.trim().is_empty()))
    {
        rows.pop();
    }
    if rows.is_empty() {
        return Err(ImportError::NoDataRows {
            file: source.to_string(),
        });
    }
    for (row_idx, row) in rows.iter_mut().enumerate() {
        let row_number = row_idx + 2;
        if row.len() < width {
            log.push(
                "short row",
                Problem {
                    row: Some(row_number),
                    column: headers.get(row.len()).cloned(),
                    value: None,
                    message: format!(
                        "{source}, row {row_number}: {} cells where the header has {width}; the missing cells from column '{}' on are read as missing; check for a lost delimiter or a line break inside an unquoted cell",
                        row.len(),
                        headers.get(row.len()).map(String::as_str).unwrap_or("")
                    ),
                },
            );
            row.resize(width, String::new());
        } else if row.len() > width {
            let extra: Vec<&String> = row
                .get(width..)
                .unwrap_or_default()
                .iter()
                .filter(|cell| !cell.trim().is_empty())
                .collect();
            if let Some(first) = extra.first() {
                log.push(
                    "long row",
                    Problem {
                        row: Some(row_number),
                        column: None,
                        value: Some(first.to_string()),
                        message: format!(
                            "{source}, row {row_number}: {} cells where the header has {width}; the extra cells (first: '{first}') were dropped; quote cells that contain the delimiter, or add a column name to the header",
                            row.len()
                        ),
                    },
                );
            }
            row.truncate(width);
        }
    }
    if width == 1 {
        log.push(
            "one column",
            Problem {
                row: Some(1),
                column: headers.first().cloned(),
                value: None,
                message: format!(
                    "{source} has a single column ('{}'): if it should have more, save it with commas, semicolons or tabs between the cells",
                    headers.first().map(String::as_str).unwrap_or("")
                ),
            },
        );
    }
    Ok(RawTable {
        source: source.to_string(),
        headers,
        rows,
    })
}

/// Trims the names; empty ones become `column_N`, repeated ones `name_N` (N = column number).
fn fix_headers(source: &str, header: Vec<String>, log: &mut ProblemLog) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut names = Vec::with_capacity(header.len());
    for (col_idx, raw) in header.into_iter().enumerate() {
        let number = col_idx + 1;
        let trimmed = raw.trim();
        let mut name = if trimmed.is_empty() {
            let fixed = format!("column_{number}");
            log.push(
                "empty column name",
                Problem {
                    row: Some(1),
                    column: Some(fixed.clone()),
                    value: None,
                    message: format!(
                        "{source}, row 1, column {number}: the column has no name, so it is called '{fixed}'; give it a name in the header row"
                    ),
                },
            );
            fixed
        } else if seen.contains(trimmed) {
            let fixed = format!("{trimmed}_{number}");
            log.push(
                "repeated column name",
                Problem {
                    row: Some(1),
                    column: Some(fixed.clone()),
                    value: Some(trimmed.to_string()),
                    message: format!(
                        "{source}, row 1, column {number}: the name '{trimmed}' is used twice, so this one is called '{fixed}'; give each column its own name"
                    ),
                },
            );
            fixed
        } else {
            trimmed.to_string()
        };
        // A fixed name may itself clash ("a", "a", "a_2"): number on until free.
        let mut suffix = number;
        while seen.contains(&name) {
            suffix += 1;
            name = format!("{trimmed}_{suffix}");
        }
        seen.insert(name.clone());
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Result<(RawTable, Vec<Problem>), ImportError> {
        read_table("t.csv", text, &ReadOptions::default())
    }

    #[test]
    fn sniffs_the_delimiter() {
        for (text, expect) in [
            ("a,b,c\n1,2,3\n", b','),
            ("a;b;c\n1,5;2,5;3\n", b';'),
            ("a\tb\n1\t2\n", b'\t'),
            ("a|b\n1|2\n", b'|'),
            ("\"x;y\",b\n1,2\n", b','),
            ("name\nAnn\n", b','),
        ] {
            assert_eq!(sniff_delimiter(text) as char, expect as char, "{text:?}");
        }
    }

    #[test]
    fn repairs_header_names() {
        let (table, problems) = read(b"a,,a,a_3, b \n1,2,3,4,5\n").unwrap();
        assert_eq!(table.headers, ["a", "column_2", "a_3", "a_3_4", "b"]);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems
            .iter()
            .all(|p| p.row == Some(1) && p.message.contains("t.csv")));
    }

    #[test]
    fn drops_empty_trailing_header_cells_and_rows() {
        let (table, problems) = read(b"a,b,,\n1,2,,\n3,4\n,,,\n,,,\n").unwrap();
        assert_eq!(table.headers, ["a", "b"]);
        assert_eq!(table.rows, [vec!["1", "2"], vec!["3", "4"]]);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn fatal_cases() {
        type Pred = fn(&ImportError) -> bool;
        let cases: &[(&[u8], Pred)] = &[
            (b"", |e| matches!(e, ImportError::Empty { .. })),
            (b"\xEF\xBB\xBF  \n\n", |e| {
                matches!(e, ImportError::Empty { .. })
            }),
            (b"a,b\n", |e| matches!(e, ImportError::NoDataRows { .. })),
            (b"a,b\n,\n", |e| matches!(e, ImportError::NoDataRows { .. })),
            (b",,\n1,2,3\n", |e| {
                matches!(e, ImportError::NoHeader { .. })
            }),
            (b"1,2,3\n4,5,6\n", |e| {
                matches!(e, ImportError::NoHeader { .. })
            }),
            (b"a,b\x00\x01\n1,2\n", |e| {
                matches!(e, ImportError::NotATable { .. })
            }),
            (b"\x01\x02\x03\x04\x05a,b\n", |e| {
                matches!(e, ImportError::NotATable { .. })
            }),
        ];
        for (bytes, is_expected) in cases {
            let err = read(bytes).err();
            assert!(err.as_ref().is_some_and(is_expected), "{bytes:?}: {err:?}");
            assert!(err.is_some_and(|e| e.to_string().contains("t.csv")));
        }
    }

    #[test]
    fn utf16_with_bom_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "a,b\n1,é\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let (table, _) = read(&bytes).unwrap();
        assert_eq!(table.rows, [vec!["1", "é"]]);
    }

    #[test]
    fn many_short_rows_are_summarised() {
        let mut text = String::from("a,b\n");
        for _ in 0..120 {
            text.push_str("1\n");
        }
        let (table, problems) = read(text.as_bytes()).unwrap();
        assert_eq!(table.rows.len(), 120);
        assert_eq!(problems.len(), MAX_PROBLEMS_PER_KIND + 1);
        assert!(problems
            .last()
            .is_some_and(|p| p.message.contains("70 more rows")));
        assert_eq!(problems.first().and_then(|p| p.row), Some(2));
    }

    #[test]
    fn an_unclosed_quote_is_refused_with_where_it_opened() {
        // Row 12 (the header is row 1) opens a quote in column 'note' that never closes.
        let mut text = String::from("id,note,age\n");
        for idx in 2..=301 {
            if idx == 12 {
                text.push_str(&format!("{idx},\"oops,{idx}\n"));
            } else {
                text.push_str(&format!("{idx},fine,{idx}\n"));
            }
        }
        let err = read(text.as_bytes()).err();
        assert_eq!(
            err,
            Some(ImportError::UnclosedQuote {
                file: "t.csv".into(),
                row: 12,
                column: "note".into(),
                n_lines: 290,
            })
        );
        let message = err.unwrap().to_string();
        assert!(
            message.contains("row 12")
                && message.contains("'note'")
                && message.contains("290 lines"),
            "{message}"
        );
    }

    #[test]
    fn quotes_that_close_are_not_reported() {
        for text in [
            "a,b\n1,\"two\nlines\"\n3,4\n",
            "a,b\n1,\"say \"\"hi\"\"\"\n",
            "a,b\n1,5\" tall\n2,3\n",
            "a,b\n1,\"x\"y\n",
        ] {
            assert_eq!(unclosed_quote(text, b','), None, "{text:?}");
            assert!(read(text.as_bytes()).is_ok(), "{text:?}");
        }
        assert_eq!(unclosed_quote("1,\"open\nmore\nrows", b','), Some((1, 2)));
        assert_eq!(unclosed_quote("1;2;\"x", b';'), Some((2, 0)));
    }

    #[test]
    fn an_unclosed_quote_on_the_last_line_is_a_problem() {
        let (table, problems) = read(b"a,b\n1,\"open").unwrap();
        assert_eq!(table.rows, [vec!["1", "open"]]);
        assert!(
            problems
                .iter()
                .any(|p| p.row == Some(2) && p.message.contains("never closed")),
            "{problems:?}"
        );
    }

    #[test]
    fn cells_guarded_on_export_read_back_as_they_were() {
        let (table, _) = read(b"a,b\n'=1+1,'-x\n'plain,-3\n").unwrap();
        assert_eq!(table.rows, [vec!["=1+1", "-x"], vec!["'plain", "-3"]]);
    }

    #[test]
    fn spreadsheet_cells_as_text() {
        assert_eq!(cell_text(&Data::Float(3.0)), Ok("3".to_string()));
        assert_eq!(cell_text(&Data::Float(2.5)), Ok("2.5".to_string()));
        assert_eq!(cell_text(&Data::Bool(true)), Ok("true".to_string()));
        assert_eq!(cell_text(&Data::Empty), Ok(String::new()));
        assert!(cell_text(&Data::Error(calamine::CellErrorType::NA)).is_err());
    }
}
