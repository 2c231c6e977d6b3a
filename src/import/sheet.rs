//! One sheet of a workbook (XLSX, XLSB, XLS, ODS) as a bounded grid of cells,
//! shared by the referral import and the directory import.
//!
//! calamine's `worksheet_range` allocates the whole rectangle from A1 to the
//! farthest cell before looking at it: a sheet with one value in A1 and one
//! in XFD1048576 asks for 17 billion cells (512 GB) and the allocation
//! aborts the process (or kills the page). Here XLSX and XLSB sheets are
//! read cell by cell, only the cells that hold a value are kept (at most
//! [`MAX_SHEET_CELLS`]), and the rectangle they span is checked against the
//! same limit before anything is laid out. ODS sheets come through
//! calamine's own reader (an ODS sheet is bounded by calamine itself).
//!
//! The old Excel 97-2003 format (`.xls`) is refused with a message saying
//! how to convert it. calamine reads every sheet of an XLS file when it
//! opens it and trusts the file's numbers while doing so: a sheet offset
//! past the end of the stream is a slice out of bounds, a DIMENSIONS record
//! reserves rows x columns cells up front (up to 4 billion rows), and one
//! cell at row 65535, column 65535 lays out a 137 GB rectangle. Each of
//! these aborts the process or kills the page, and none can be checked
//! without parsing the compound file ourselves; saving as .xlsx costs the
//! user one step. For the same reason workbooks are opened as XLSX, XLSB or
//! ODS only: calamine's automatic detection tries its XLS reader first on
//! any bytes.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Ods, Reader, Sheets, Xlsb, Xlsx};

use super::ImportError;

/// The most cells a sheet's table may span (rows x columns, empty cells
/// included): 100,000 referrals by 50 columns.
pub(crate) const MAX_SHEET_CELLS: usize = 5_000_000;

/// A sheet's used rectangle: `rows[0]` is the sheet's row `first_row`
/// (0-based, as calamine counts), every row as wide as the widest.
pub(crate) struct Sheet {
    pub name: String,
    pub first_row: u32,
    pub rows: Vec<Vec<Data>>,
}

type Workbook<'a> = Sheets<Cursor<&'a [u8]>>;
/// A cell holding a value, at its (row, column), 0-based.
type UsedCell = ((u32, u32), Data);

fn spreadsheet_error(source: &str, reason: String) -> ImportError {
    ImportError::Spreadsheet {
        file: source.to_string(),
        reason,
    }
}

/// Reads the named sheet (matched exactly, then ignoring case) or the first one.
pub(crate) fn read_sheet(
    source: &str,
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<Sheet, ImportError> {
    let mut workbook = open_workbook(source, bytes)?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|name| name.as_str() == wanted)
            .or_else(|| names.iter().find(|name| name.eq_ignore_ascii_case(wanted)))
            .cloned()
            .ok_or_else(|| ImportError::SheetNotFound {
                file: source.to_string(),
                sheet: wanted.to_string(),
                available: names.clone(),
            })?,
        None => names.first().cloned().ok_or_else(|| ImportError::Empty {
            file: source.to_string(),
        })?,
    };
    let cells = used_cells(source, &mut workbook, &name)?;
    lay_out(source, name, cells)
}

/// The first bytes of an OLE compound file: the old Excel 97-2003 format.
pub(crate) const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Opens a workbook as XLSX, XLSB or ODS (never through calamine's XLS
/// reader: see the module comment), after the shared-strings check.
pub(crate) fn open_workbook<'a>(
    source: &str,
    bytes: &'a [u8],
) -> Result<Workbook<'a>, ImportError> {
    if bytes.starts_with(&OLE_MAGIC[..4]) {
        return Err(ImportError::OldExcel {
            file: source.to_string(),
        });
    }
    check_shared_strings(source, bytes)?;
    let cursor = || Cursor::new(bytes);
    match open_workbook_from_rs::<Xlsx<_>, _>(cursor()) {
        Ok(xlsx) => Ok(Sheets::Xlsx(xlsx)),
        Err(xlsx_error) => {
            if let Ok(xlsb) = open_workbook_from_rs::<Xlsb<_>, _>(cursor()) {
                Ok(Sheets::Xlsb(xlsb))
            } else if let Ok(ods) = open_workbook_from_rs::<Ods<_>, _>(cursor()) {
                Ok(Sheets::Ods(ods))
            } else {
                Err(spreadsheet_error(source, xlsx_error.to_string()))
            }
        }
    }
}

/// The most distinct strings a workbook may declare in its shared-strings
/// table: as many as the cells Signpost reads.
pub(crate) const MAX_SHARED_STRINGS: u128 = MAX_SHEET_CELLS as u128;

/// Refuses an XLSX whose shared-strings table declares more distinct strings
/// than Signpost reads. calamine reserves room for the declared
/// `uniqueCount` before reading a single string, so a file claiming 50
/// billion asks for a terabyte and aborts the process (found by fuzzing,
/// `tests/data/huge_shared_string_count.xlsx`). Only the start of each
/// shared-strings part is read (at most 64 KB, whatever the part claims to
/// hold); anything that is not a readable zip is left to calamine's own
/// error.
fn check_shared_strings(source: &str, bytes: &[u8]) -> Result<(), ImportError> {
    use std::io::Read;
    if !bytes.starts_with(b"PK") {
        return Ok(());
    }
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    for index in 0..archive.len() {
        let Ok(part) = archive.by_index(index) else {
            continue;
        };
        let is_strings = part
            .name()
            .is_ok_and(|name| name.to_ascii_lowercase().ends_with("sharedstrings.xml"));
        if !is_strings {
            continue;
        }
        let mut head = Vec::new();
        if part.take(64 * 1024).read_to_end(&mut head).is_err() {
            continue;
        }
        if let Some(count) = declared_unique_count(&head) {
            if count > MAX_SHARED_STRINGS {
                return Err(spreadsheet_error(
                    source,
                    format!(
                        "the workbook declares {count} distinct text values (uniqueCount in its shared-strings table), more than the {MAX_SHARED_STRINGS} Signpost reads: the file is damaged or was not written by a spreadsheet program; open it in your spreadsheet program and save it again, or save the sheet as CSV"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The `uniqueCount` attribute's value in the start of a shared-strings part
/// (digits after an optional `+`, saturating), if there is one.
fn declared_unique_count(head: &[u8]) -> Option<u128> {
    let key = b"uniqueCount";
    let at = head.windows(key.len()).position(|w| w == key)?;
    let mut rest = head[at + key.len()..].iter().copied().peekable();
    while rest.next_if(|b| b.is_ascii_whitespace()).is_some() {}
    rest.next_if_eq(&b'=')?;
    while rest.next_if(|b| b.is_ascii_whitespace()).is_some() {}
    rest.next_if(|&b| b == b'"' || b == b'\'')?;
    rest.next_if_eq(&b'+');
    let mut value: u128 = 0;
    let mut digits = 0;
    while let Some(digit) = rest.next_if(u8::is_ascii_digit) {
        value = value
            .saturating_mul(10)
            .saturating_add(u128::from(digit - b'0'));
        digits += 1;
    }
    (digits > 0).then_some(value)
}

/// The cells holding a value, with their (row, column), at most [`MAX_SHEET_CELLS`].
fn used_cells(
    source: &str,
    workbook: &mut Workbook<'_>,
    name: &str,
) -> Result<Vec<UsedCell>, ImportError> {
    let fail = |err: String| spreadsheet_error(source, format!("sheet '{name}': {err}"));
    let too_many = || ImportError::SheetTooLarge {
        file: source.to_string(),
        sheet: name.to_string(),
        far_cell: "the end of the sheet".to_string(),
        n_rows: 0,
        n_columns: 0,
        max_cells: MAX_SHEET_CELLS,
    };
    let mut cells = Vec::new();
    macro_rules! stream {
        ($reader:expr) => {{
            let mut reader = match $reader {
                Ok(reader) => reader,
                Err(err) => return Err(fail(err.to_string())),
            };
            while let Some(cell) = reader.next_cell().map_err(|err| fail(err.to_string()))? {
                let (pos, value) = (cell.get_position(), Data::from(cell.get_value().clone()));
                if value == Data::Empty {
                    continue;
                }
                if cells.len() >= MAX_SHEET_CELLS {
                    return Err(too_many());
                }
                cells.push((pos, value));
            }
        }};
    }
    match workbook {
        Sheets::Xlsx(xlsx) => match xlsx.worksheet_cells_reader(name) {
            // A chart sheet holds no cells.
            Err(calamine::XlsxError::NotAWorksheet(_)) => {}
            reader => stream!(reader),
        },
        Sheets::Xlsb(xlsb) => stream!(xlsb.worksheet_cells_reader(name)),
        other => {
            let range = other
                .worksheet_range(name)
                .map_err(|err| fail(err.to_string()))?;
            for (row, col, value) in range.used_cells() {
                if cells.len() >= MAX_SHEET_CELLS {
                    return Err(too_many());
                }
                let start = range.start().unwrap_or((0, 0));
                let pos = (
                    start
                        .0
                        .saturating_add(u32::try_from(row).unwrap_or(u32::MAX)),
                    start
                        .1
                        .saturating_add(u32::try_from(col).unwrap_or(u32::MAX)),
                );
                cells.push((pos, value.clone()));
            }
        }
    }
    Ok(cells)
}

/// Lays the cells out in their rectangle, refusing one past [`MAX_SHEET_CELLS`].
fn lay_out(source: &str, name: String, cells: Vec<UsedCell>) -> Result<Sheet, ImportError> {
    let Some(first) = cells.first() else {
        return Ok(Sheet {
            name,
            first_row: 0,
            rows: Vec::new(),
        });
    };
    let (mut top, mut left) = first.0;
    let (mut bottom, mut right) = first.0;
    for &((row, col), _) in &cells {
        top = top.min(row);
        left = left.min(col);
        bottom = bottom.max(row);
        right = right.max(col);
    }
    let n_rows = u64::from(bottom - top) + 1;
    let n_columns = u64::from(right - left) + 1;
    if n_rows.saturating_mul(n_columns) > MAX_SHEET_CELLS as u64 {
        // Name the cell that stretches the rectangle most: the farthest from the top left.
        let far = cells
            .iter()
            .map(|&(pos, _)| pos)
            .max_by_key(|&(row, col)| u64::from(row - top) * n_columns + u64::from(col - left))
            .unwrap_or((bottom, right));
        return Err(ImportError::SheetTooLarge {
            file: source.to_string(),
            sheet: name,
            far_cell: cell_address(far.0, far.1),
            n_rows,
            n_columns,
            max_cells: MAX_SHEET_CELLS,
        });
    }
    // Both are at most MAX_SHEET_CELLS here, so they fit a usize.
    let width = n_columns as usize;
    let mut rows = vec![vec![Data::Empty; width]; n_rows as usize];
    for ((row, col), value) in cells {
        if let Some(slot) = rows
            .get_mut((row - top) as usize)
            .and_then(|cells| cells.get_mut((col - left) as usize))
        {
            *slot = value;
        }
    }
    Ok(Sheet {
        name,
        first_row: top,
        rows,
    })
}

/// `(0, 0)` -> `A1`; `(1048575, 16383)` -> `XFD1048576`.
fn cell_address(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push((b'A' + rem) as char);
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_excel_file_is_refused_with_how_to_convert_it_before_calamine_reads_it() {
        // An OLE compound file whose only sheet would sit past the end of
        // the stream: calamine's XLS reader would slice out of bounds. It is
        // never reached.
        let mut bytes = OLE_MAGIC.to_vec();
        bytes.extend(std::iter::repeat_n(0xFF, 600));
        let message = match read_sheet("old.xls", &bytes, None) {
            Err(err @ ImportError::OldExcel { .. }) => err.to_string(),
            other => panic!("expected the old-format refusal, got {:?}", other.err()),
        };
        assert!(message.starts_with("old.xls is in the old Excel 97-2003 format (.xls)"));
        assert!(message.contains("save it as an Excel Workbook (.xlsx) or as CSV"));
    }

    #[test]
    fn a_zip_that_is_no_workbook_names_the_xlsx_reason() {
        let err = open_workbook("odd.xlsx", b"PK\x03\x04 not really a zip")
            .err()
            .expect("refused");
        assert!(matches!(err, ImportError::Spreadsheet { .. }), "{err}");
        assert!(err.to_string().contains("save it again as .xlsx or CSV"));
    }

    #[test]
    fn a_declared_shared_string_count_is_read_as_calamine_would() {
        assert_eq!(
            declared_unique_count(br#"<sst count="3" uniqueCount="000000000000000050000000002">"#),
            Some(50_000_000_002)
        );
        assert_eq!(
            declared_unique_count(b"<sst uniqueCount = '+12'>"),
            Some(12)
        );
        assert_eq!(declared_unique_count(b"<sst count=\"3\">"), None);
        assert_eq!(
            declared_unique_count(format!("<sst uniqueCount=\"{}\">", "9".repeat(60)).as_bytes()),
            Some(u128::MAX)
        );
    }

    #[test]
    fn a_huge_shared_string_count_is_refused_before_calamine_reserves_it() {
        let bytes = include_bytes!("../../tests/data/huge_shared_string_count.xlsx");
        let Err(err) = read_sheet("huge.xlsx", bytes, None) else {
            panic!("a workbook declaring 50 billion strings was read");
        };
        let err = err.to_string();
        assert!(err.contains("50000000002 distinct text values"), "{err}");
        assert!(err.contains("huge.xlsx"), "{err}");
    }

    #[test]
    fn addresses_as_a_spreadsheet_writes_them() {
        assert_eq!(cell_address(0, 0), "A1");
        assert_eq!(cell_address(9, 25), "Z10");
        assert_eq!(cell_address(0, 26), "AA1");
        assert_eq!(cell_address(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn a_far_cell_is_refused_without_laying_out_the_rectangle() {
        let cells = vec![
            ((0, 0), Data::String("a".into())),
            ((1_048_575, 16_383), Data::Int(1)),
        ];
        let err = lay_out("t.xlsx", "Sheet1".into(), cells).err();
        assert!(
            matches!(&err, Some(ImportError::SheetTooLarge { far_cell, .. }) if far_cell == "XFD1048576"),
            "{err:?}"
        );
        assert!(err.unwrap().to_string().contains("XFD1048576"));
    }

    #[test]
    fn lays_out_from_the_top_left_used_cell() {
        let cells = vec![((2, 1), Data::String("h".into())), ((3, 2), Data::Int(5))];
        let sheet = lay_out("t.xlsx", "S".into(), cells).unwrap();
        assert_eq!(sheet.first_row, 2);
        assert_eq!(
            sheet.rows,
            vec![
                vec![Data::String("h".into()), Data::Empty],
                vec![Data::Empty, Data::Int(5)]
            ]
        );
    }
}
