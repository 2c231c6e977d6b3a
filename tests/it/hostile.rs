//! Integration tests: hostile and careless input through the command line
//! and the readers (issue 14). A crash is exit status 134 (the release
//! profile aborts on panic) or 101 (a test build unwinds), or no status at
//! all (killed by a signal): every test here treats all three as failures.

use std::path::Path;
use std::process::Output;

use super::cli::{signpost, stdout, temp_dir, trained_model, write};
use signpost::import::{import, ImportError, ReadOptions};

/// Asserts the command ended by itself, without a crash, and returns its stderr.
fn no_crash(args: &[&str], output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    match output.status.code() {
        Some(134) | Some(101) | None => {
            panic!("{args:?} crashed ({:?}): {stderr}", output.status)
        }
        _ => {}
    }
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    stderr
}

/// Runs a command that must be refused: exit 2 with a message holding every `needle`.
fn refused(args: &[&str], needles: &[&str]) -> String {
    let output = signpost(args);
    let stderr = no_crash(args, &output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: no '{needle}' in: {stderr}"
        );
    }
    stderr
}

/// Runs a command that must succeed without a crash and returns its JSON.
fn json_without_crash(args: &[&str]) -> serde_json::Value {
    let output = signpost(args);
    no_crash(args, &output);
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

/// A workbook with a small table and one value in the sheet's last cell.
fn far_cell_workbook() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "id").unwrap();
    sheet.write_string(0, 1, "age").unwrap();
    sheet.write_number(1, 0, 1.0).unwrap();
    sheet.write_number(1, 1, 30.0).unwrap();
    sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_far_cell_in_a_workbook_is_refused_by_every_command_that_reads_files() {
    let bytes = far_cell_workbook();
    let err = import("far.xlsx", &bytes, &ReadOptions::default()).err();
    assert!(
        matches!(&err, Some(ImportError::SheetTooLarge { far_cell, n_rows: 1_048_576, n_columns: 16_384, .. }) if far_cell == "XFD1048576"),
        "{err:?}"
    );
    let dir = temp_dir("far-cell");
    let file = write_bytes(&dir, "far.xlsx", &bytes);
    for args in [
        vec!["inspect", &file],
        vec!["segment", &file],
        vec!["train", &file, "--pathway", "age"],
        vec!["rank", &file, "--zip", "90101", "--issue", "Debt"],
    ] {
        refused(&args, &["XFD1048576", "delete it"]);
    }
}

#[test]
fn a_small_workbook_still_reads_with_its_rows() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(2, 1, "name").unwrap();
    sheet.write_string(2, 2, "score").unwrap();
    for row in 3..8u32 {
        sheet.write_string(row, 1, format!("p{row}")).unwrap();
        sheet.write_number(row, 2, f64::from(row)).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let imported = import("small.xlsx", &bytes, &ReadOptions::default()).unwrap();
    assert_eq!(imported.dataset.n_rows, 5);
    let names: Vec<&str> = imported
        .dataset
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["name", "score"]);
}

#[test]
fn segment_survives_values_at_the_float_limit() {
    let dir = temp_dir("segment-1e308");
    let mut text = String::from("a,b\n");
    for row in 0..30 {
        text.push_str(if row % 2 == 0 {
            "1e308,1e308\n"
        } else {
            "1e308,-1e308\n"
        });
    }
    let file = write(&dir, "big.csv", &text);
    let report = json_without_crash(&["segment", file.as_str()]);
    assert_eq!(report["rows"], 30);
}

#[test]
fn segment_on_5000_columns_by_60_rows_finishes() {
    let dir = temp_dir("segment-wide");
    let mut text = (0..5_000)
        .map(|c| format!("c{c}"))
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    for row in 0..60usize {
        let cells: Vec<String> = (0..5_000usize)
            .map(|c| ((row * 31 + c * 17) % 97).to_string())
            .collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    let file = write(&dir, "wide.csv", &text);
    let report = json_without_crash(&["segment", file.as_str(), "--k", "3"]);
    assert_eq!(report["k"], 3);
}

#[test]
fn an_endless_stream_is_refused_at_the_limit() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    for args in [
        vec!["inspect", "/dev/zero"],
        vec!["rank", "/dev/zero", "--zip", "1", "--issue", "x"],
    ] {
        refused(&args, &["larger than the limit of 52428800 bytes"]);
    }
}

#[test]
fn an_unclosed_quote_names_its_row_and_the_rows_it_swallowed() {
    let dir = temp_dir("quote");
    let mut text = String::from("id,note,age\n");
    for row in 2..=301 {
        if row == 12 {
            text.push_str("12,\"never closed,40\n");
        } else {
            text.push_str(&format!("{row},fine,{}\n", 20 + row % 50));
        }
    }
    let file = write(&dir, "quote.csv", &text);
    refused(&["inspect", &file], &["row 12", "'note'", "290 lines"]);
    let mut directory = String::from("id,name,issues\n");
    directory.push_str("a,\"Open,Housing\nb,B,Housing\nc,C,Housing\n");
    let directory = write(&dir, "directory.csv", &directory);
    refused(
        &["rank", &directory, "--zip", "1", "--issue", "Housing"],
        &["row 2", "'name'", "never closed"],
    );
}

#[test]
fn suggestions_are_written_without_live_formulas() {
    let dir = temp_dir("injection");
    let (history, model, _) = trained_model(&dir, "300", "3", "10");
    // The first column is the referral id: make one a formula.
    let mut lines: Vec<String> = history.lines().map(str::to_string).collect();
    let first = lines[1]
        .split_once(',')
        .map(|(_, rest)| rest.to_string())
        .unwrap();
    lines[1] = format!("\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",{first}");
    let batch = write(&dir, "batch.csv", &(lines.join("\n") + "\n"));
    let out = stdout(&signpost(&["suggest", &model, &batch]));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_bytes());
    let mut saw_guarded = false;
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            let live_formula = cell.starts_with(['=', '+', '@', '\t', '\r'])
                || (cell.starts_with('-') && cell.parse::<f64>().is_err());
            assert!(!live_formula, "a cell starts a formula: {cell:?}");
            saw_guarded |= cell.starts_with("'=HYPERLINK");
        }
    }
    assert!(saw_guarded, "{out}");
}

#[test]
fn rank_takes_only_yyyy_mm_dd_dates() {
    for date in ["26-03-10", "2026-3-5", "+2026-03-10", "-2026-03-10"] {
        refused(
            &[
                "rank",
                "examples/directory.csv",
                "--gazetteer",
                "examples/gazetteer.csv",
                "--zip",
                "90101",
                "--issue",
                "Debt",
                "--date",
                date,
            ],
            &["YYYY-MM-DD", date],
        );
    }
}

#[test]
fn directory_problems_are_told_not_hidden() {
    let dir = temp_dir("directory-messages");
    // Every row skipped: the message lists why.
    let skipped = write(
        &dir,
        "skipped.csv",
        "id,name,issues,next_date\na,A,Housing,2026-3-5\nb,,Housing,\n",
    );
    refused(
        &["rank", &skipped, "--zip", "1", "--issue", "Housing"],
        &[
            "no service could be imported",
            "row 2",
            "next_date",
            "row 3",
        ],
    );
    // An empty gazetteer.
    let gazetteer = write(&dir, "gazetteer.csv", "zip,city,county,state\n");
    refused(
        &[
            "rank",
            "examples/directory.csv",
            "--gazetteer",
            &gazetteer,
            "--zip",
            "90101",
            "--issue",
            "Debt",
        ],
        &["gazetteer has no places", "zip,city,county,state"],
    );
    // An empty services.csv in an HSDS folder is empty, not missing.
    let hsds = dir.join("hsds");
    std::fs::create_dir_all(&hsds).unwrap();
    write(&hsds, "services.csv", "");
    write(&hsds, "organizations.csv", "id,name\no,Org\n");
    refused(
        &["rank", hsds.to_str().unwrap(), "--zip", "1", "--issue", "x"],
        &["services.csv", "is empty"],
    );
}

#[test]
fn negative_numbers_reach_the_check_that_states_the_range() {
    let dir = temp_dir("negative");
    let file = write(&dir, "d.csv", "a,b\n1,2\n3,4\n5,6\n");
    for (args, range) in [
        (vec!["segment", &file, "--k", "-1"], "from 2 to 1000"),
        (vec!["segment", &file, "--seed", "-3"], "0 or more"),
        (
            vec!["demo", "referrals", "--rows", "-5"],
            "from 1 to 1000000",
        ),
    ] {
        let stderr = refused(&args, &[range]);
        assert!(!stderr.contains("-- -"), "{stderr}");
    }
    // Every subcommand takes a negative value to a check that says what it takes.
    for (args, range) in [
        (
            vec!["train", &file, "--pathway", "a", "--trees", "-1"],
            "0 or more",
        ),
        (
            vec!["simulate", "--demo", "--replications", "-1"],
            "0 or more",
        ),
        (vec!["segment", &file, "--k-range", "-1..4"], "2 or more"),
    ] {
        let stderr = refused(&args, &[range]);
        assert!(!stderr.contains("-- -1"), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("unexpected argument"),
            "{args:?}: {stderr}"
        );
    }
}

/// Found by fuzzing: a sheet declaring `<dimension ref="A9:C3">` (corners
/// reversed) made calamine's dimension arithmetic overflow, a panic in any
/// build with overflow checks.
#[test]
fn a_sheet_with_reversed_dimensions_does_not_crash() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/reversed_dimension.xlsx"
    );
    let bytes = std::fs::read(path).unwrap();
    let _ = import("reversed_dimension.xlsx", &bytes, &ReadOptions::default());
    let _ = signpost::ranker::import_directory("reversed_dimension.xlsx", &bytes);
    let args = ["inspect", path];
    no_crash(&args, &signpost(&args));
}
