//! Integration tests: import. Real data sets, malformed files, workbooks,
//! the `inspect` command and "never panics" properties.

use std::process::Command;

use proptest::prelude::*;
use signpost::import::{
    import, quality_report, read_table, sheet_names, ColumnKind, ImportError, Imported,
    ReadOptions, Role, SuccessRule,
};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
const OWN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|err| panic!("test data {path}: {err}"))
}

fn import_file(dir: &str, name: &str) -> Result<Imported, ImportError> {
    import(
        name,
        &read(&format!("{dir}{name}")),
        &ReadOptions::default(),
    )
}

/// What a good file should give: rows, columns, the pathway column, a problem mentioning `problem`.
#[derive(Clone, Copy)]
struct Expect {
    rows: usize,
    columns: usize,
    pathway: Option<&'static str>,
    problem: Option<&'static str>,
}

fn check(dir: &str, name: &str, expect: Expect) {
    let imported = import_file(dir, name).unwrap_or_else(|err| panic!("{name}: {err}"));
    let dataset = &imported.dataset;
    assert_eq!(dataset.n_rows, expect.rows, "{name}: rows");
    assert_eq!(dataset.columns.len(), expect.columns, "{name}: columns");
    for column in &dataset.columns {
        assert_eq!(
            column.cells.len(),
            dataset.n_rows,
            "{name}: cells of {}",
            column.name
        );
    }
    assert_eq!(
        dataset.pathway_column().map(|c| c.name.as_str()),
        expect.pathway,
        "{name}: pathway"
    );
    match expect.problem {
        Some(needle) => assert!(
            imported
                .problems
                .iter()
                .any(|p| p.message.contains(needle) && p.message.contains(name)),
            "{name}: expected a problem with '{needle}' naming the file, got {:?}",
            imported.problems
        ),
        None => assert!(
            imported.problems.is_empty(),
            "{name}: {:?}",
            imported.problems
        ),
    }
}

#[test]
fn good_and_awkward_files_import() {
    let cases: &[(&str, &str, Expect)] = &[
        (
            SHARED,
            "iris.csv",
            Expect {
                rows: 150,
                columns: 5,
                pathway: Some("target"),
                problem: None,
            },
        ),
        (
            SHARED,
            "breast_cancer.csv",
            Expect {
                rows: 569,
                columns: 31,
                pathway: Some("target"),
                problem: None,
            },
        ),
        (
            OWN,
            "semicolon.csv",
            Expect {
                rows: 3,
                columns: 5,
                pathway: Some("pathway"),
                problem: None,
            },
        ),
        (
            OWN,
            "bom.csv",
            Expect {
                rows: 2,
                columns: 2,
                pathway: None,
                problem: None,
            },
        ),
        (
            OWN,
            "quoted_newlines.csv",
            Expect {
                rows: 3,
                columns: 3,
                pathway: Some("pathway"),
                problem: None,
            },
        ),
        (
            OWN,
            "tabs.tsv",
            Expect {
                rows: 2,
                columns: 3,
                pathway: Some("pathway"),
                problem: None,
            },
        ),
        (
            OWN,
            "ragged.csv",
            Expect {
                rows: 4,
                columns: 3,
                pathway: None,
                problem: Some("row 3"),
            },
        ),
        (
            OWN,
            "windows1252.csv",
            Expect {
                rows: 2,
                columns: 2,
                pathway: None,
                problem: Some("Windows-1252"),
            },
        ),
        (
            OWN,
            "one_column.csv",
            Expect {
                rows: 2,
                columns: 1,
                pathway: None,
                problem: Some("single column"),
            },
        ),
    ];
    for (dir, name, expect) in cases {
        check(dir, name, *expect);
    }
}

#[test]
fn iris_columns_are_numeric_features_and_a_categorical_pathway() {
    let dataset = import_file(SHARED, "iris.csv").unwrap().dataset;
    for column in dataset.columns.iter().take(4) {
        assert_eq!(
            (column.kind, column.role),
            (ColumnKind::Numeric, Role::Feature),
            "{}",
            column.name
        );
        assert_eq!(column.numeric().iter().flatten().count(), 150);
    }
    let target = dataset.column("target").unwrap();
    assert_eq!(target.levels(), ["setosa", "versicolor", "virginica"]);
    let report = quality_report(&dataset);
    assert_eq!(
        report.pathways.iter().map(|p| p.n_rows).collect::<Vec<_>>(),
        [50, 50, 50]
    );
    assert!(report.small_pathways.is_empty() && report.duplicate_ids.is_empty());
}

#[test]
fn awkward_files_keep_their_text() {
    let bom = import_file(OWN, "bom.csv").unwrap().dataset;
    assert_eq!(
        bom.columns[0].name, "name",
        "the BOM is not part of the first name"
    );
    let quoted = import_file(OWN, "quoted_newlines.csv").unwrap().dataset;
    let notes = quoted.column("notes").unwrap();
    assert_eq!(notes.cells[0].as_deref(), Some("first line\nsecond line"));
    assert_eq!(notes.cells[1].as_deref(), Some("said \"hello\""));
    let latin = import_file(OWN, "windows1252.csv").unwrap().dataset;
    assert_eq!(latin.columns[0].cells[0].as_deref(), Some("café"));
    assert_eq!(latin.columns[1].cells[0].as_deref(), Some("£3"));
    let ragged = import_file(OWN, "ragged.csv").unwrap();
    assert_eq!(
        ragged.dataset.columns[2].cells[1], None,
        "short row padded with missing"
    );
    assert_eq!(
        ragged.dataset.columns[2].cells[2].as_deref(),
        Some("8"),
        "long row cut"
    );
    assert!(ragged
        .problems
        .iter()
        .any(|p| p.row == Some(4) && p.value.as_deref() == Some("9")));
}

#[test]
fn bad_files_are_refused_with_the_file_named() {
    type Pred = fn(&ImportError) -> bool;
    let cases: &[(&str, Pred)] = &[
        ("empty.csv", |e| matches!(e, ImportError::Empty { .. })),
        ("header_only.csv", |e| {
            matches!(e, ImportError::NoDataRows { .. })
        }),
        ("junk.bin", |e| matches!(e, ImportError::NotATable { .. })),
    ];
    for (name, is_expected) in cases {
        let err = import_file(OWN, name)
            .err()
            .unwrap_or_else(|| panic!("{name} imported"));
        assert!(is_expected(&err), "{name}: {err:?}");
        assert!(err.to_string().contains(name), "{name}: {err}");
    }
    let too_big = ReadOptions {
        sheet: None,
        max_bytes: 10,
    };
    let err = import("big.csv", b"a,b\n1,2\n3,4\n", &too_big).unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::TooLarge {
                n_bytes: 12,
                max_bytes: 10,
                ..
            }
        ),
        "{err:?}"
    );
}

fn workbook_bytes() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let first = workbook.add_worksheet();
    first.set_name("Referrals").unwrap();
    for (col, name) in ["id", "urgency", "pathway", "completed", "referred"]
        .iter()
        .enumerate()
    {
        first.write_string(0, col as u16, *name).unwrap();
    }
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for row in 1..=12u32 {
        first.write_string(row, 0, format!("R{row:03}")).unwrap();
        first.write_number(row, 1, f64::from(row % 5 + 1)).unwrap();
        first
            .write_string(row, 2, if row % 2 == 0 { "housing" } else { "debt" })
            .unwrap();
        first.write_boolean(row, 3, row % 3 != 0).unwrap();
        // 45292 is 2024-01-01 in Excel's day count.
        first
            .write_number_with_format(row, 4, 45292.0 + f64::from(row), &date_format)
            .unwrap();
    }
    let second = workbook.add_worksheet();
    second.set_name("Services").unwrap();
    second.write_string(0, 0, "service").unwrap();
    second.write_string(0, 1, "capacity").unwrap();
    second.write_string(1, 0, "Advice line").unwrap();
    second.write_number(1, 1, 40.0).unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn xlsx_reads_the_first_sheet_or_a_named_one() {
    let bytes = workbook_bytes();
    assert_eq!(sheet_names(&bytes).unwrap(), ["Referrals", "Services"]);
    let first = import("book.xlsx", &bytes, &ReadOptions::default())
        .unwrap()
        .dataset;
    assert_eq!((first.n_rows, first.columns.len()), (12, 5));
    let urgency = first.column("urgency").unwrap();
    assert_eq!(
        (urgency.kind, urgency.cells[0].as_deref()),
        (ColumnKind::Ordinal, Some("2"))
    );
    let referred = first.column("referred").unwrap();
    assert_eq!(
        (referred.kind, referred.cells[0].as_deref()),
        (ColumnKind::Date, Some("2024-01-02"))
    );
    assert_eq!(first.column("completed").unwrap().kind, ColumnKind::Binary);
    assert_eq!(
        first.success_rule,
        Some(SuccessRule::Equals {
            column: "completed".into(),
            values: vec!["true".into()]
        })
    );
    let options = ReadOptions {
        sheet: Some("Services".into()),
        ..ReadOptions::default()
    };
    let second = import("book.xlsx", &bytes, &options).unwrap().dataset;
    assert_eq!(
        second.column("service").unwrap().cells,
        [Some("Advice line".to_string())]
    );
    let options = ReadOptions {
        sheet: Some("Nope".into()),
        ..ReadOptions::default()
    };
    let err = import("book.xlsx", &bytes, &options).unwrap_err();
    assert!(err.to_string().contains("Referrals, Services"), "{err}");
}

#[test]
fn a_zip_that_is_not_a_workbook_is_refused() {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend_from_slice(&[7u8; 300]);
    let err = import("fake.xlsx", &bytes, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, ImportError::Spreadsheet { .. }), "{err:?}");
    assert!(err.to_string().contains("fake.xlsx"));
}

#[test]
fn to_csv_reimports_to_the_same_cells() {
    let original = import_file(OWN, "quoted_newlines.csv").unwrap().dataset;
    let again = import(
        "again.csv",
        original.to_csv().as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap()
    .dataset;
    assert_eq!(again.columns, original.columns);
}

#[test]
fn inspect_prints_json_for_iris() {
    let output = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["inspect", &format!("{SHARED}iris.csv")])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["rows"], 150);
    assert_eq!(json["file"], "iris.csv");
    assert_eq!(json["columns"].as_array().map(Vec::len), Some(5));
    assert_eq!(json["columns"][4]["role"], "Pathway");
    assert!(json["quality"]["missing"].is_array());
}

#[test]
fn inspect_fails_with_status_2_on_junk() {
    let output = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["inspect", &format!("{OWN}junk.bin")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("junk.bin"), "{stderr}");
    assert!(output.stdout.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = import("any.csv", &bytes, &ReadOptions::default()).map(|i| quality_report(&i.dataset));
    }

    #[test]
    fn workbook_magic_then_junk_never_panics(
        ole in any::<bool>(),
        tail in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let mut bytes: Vec<u8> = if ole {
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        } else {
            b"PK\x03\x04".to_vec()
        };
        bytes.extend(tail);
        let _ = import("any.xlsx", &bytes, &ReadOptions::default());
        let _ = sheet_names(&bytes);
    }

    #[test]
    fn csv_like_text_keeps_the_table_rectangular(
        text in "[a-c0-9 ,;\t\"\r\nYyNn.-]{0,300}",
    ) {
        if let Ok((table, problems)) = read_table("t.csv", text.as_bytes(), &ReadOptions::default()) {
            prop_assert!(!table.rows.is_empty());
            for row in &table.rows {
                prop_assert_eq!(row.len(), table.headers.len());
            }
            for problem in &problems {
                prop_assert!(problem.message.contains("t.csv"));
            }
            let mut names = table.headers.clone();
            names.sort();
            names.dedup();
            prop_assert_eq!(names.len(), table.headers.len(), "header names are unique");
            let dataset = signpost::import::infer(table);
            let report = quality_report(&dataset);
            prop_assert_eq!(report.missing.len(), dataset.columns.len());
        }
    }
}

#[test]
fn an_old_excel_file_is_refused_everywhere_a_file_is_read() {
    // The old .xls format is refused before calamine's XLS reader sees it
    // (src/import/sheet.rs says why), by the referral import, the sheet list
    // and the directory import alike.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend(std::iter::repeat_n(0u8, 1000));
    let message = import("history.xls", &bytes, &ReadOptions::default())
        .expect_err("refused")
        .to_string();
    assert!(message.contains("old Excel 97-2003 format"), "{message}");
    assert!(message.contains(".xlsx"), "{message}");
    assert!(sheet_names(&bytes).is_err());
    let directory = signpost::ranker::import_directory("services.xls", &bytes)
        .expect_err("refused")
        .to_string();
    assert!(
        directory.contains("old Excel 97-2003 format"),
        "{directory}"
    );
}
