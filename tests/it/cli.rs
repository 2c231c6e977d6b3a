//! Integration tests: the `signpost` command line as a script uses it. Every
//! subcommand prints JSON or CSV on stdout, and bad input gives a message on
//! stderr and exit status 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn signpost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(args)
        .output()
        .expect("the signpost binary runs")
}

pub(crate) fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "signpost failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("signpost-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Demo referrals (`rows`, `seed`) written to `dir` and a model trained on
/// them with `trees` trees: the history's text, the model's path, the report.
pub(crate) fn trained_model(
    dir: &Path,
    rows: &str,
    seed: &str,
    trees: &str,
) -> (String, String, String) {
    let history = stdout(&signpost(&[
        "demo",
        "referrals",
        "--rows",
        rows,
        "--seed",
        seed,
    ]));
    let history_file = write(dir, "history.csv", &history);
    let model = dir.join("model.json").to_string_lossy().into_owned();
    let report = stdout(&signpost(&[
        "train",
        &history_file,
        "--pathway",
        "pathway_allocated",
        "--outcome",
        "outcome_success",
        "--success",
        "yes",
        "--trees",
        trees,
        "--mode",
        "allocations",
        "--model",
        &model,
    ]));
    (history, model, report)
}

#[test]
fn bad_input_exits_with_status_2_and_a_message_on_stderr() {
    let dir = temp_dir("bad");
    let junk = write(&dir, "junk.csv", "\u{0}\u{1}\u{2}not a table\u{0}");
    let missing = dir.join("nope.csv").to_string_lossy().into_owned();
    let cases: Vec<Vec<&str>> = vec![
        vec!["inspect", &missing],
        vec!["inspect", &junk],
        vec!["train", &junk, "--pathway", "x"],
        vec!["suggest", &junk, &junk],
        vec!["segment", &junk],
        vec!["simulate", &junk],
        vec!["rank", &junk, "--zip", "90101", "--issue", "Housing"],
        vec!["demo", "referrals", "--rows", "many"],
    ];
    for args in cases {
        let output = signpost(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?} should exit 2");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.trim().is_empty(), "{args:?} printed no message");
        assert!(output.stdout.is_empty(), "{args:?} printed on stdout");
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    }
}

#[test]
fn train_then_suggest_scores_every_row_with_reasons() {
    let dir = temp_dir("suggest");
    let (_, model, report) = trained_model(&dir, "400", "5", "30");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert!(report["balanced_accuracy"].as_f64().is_some());
    let new = stdout(&signpost(&[
        "demo",
        "referrals",
        "--rows",
        "25",
        "--seed",
        "6",
    ]));
    let new = write(&dir, "new.csv", &new);
    let csv = stdout(&signpost(&["suggest", &model, &new, "--reasons"]));
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("row,id,suggested,confidence,alternative,alternative_confidence,prediction_set_90,flags,reason_1"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 25);
    assert!(
        rows.iter().all(|r| r.contains("points")),
        "every row has reasons in words"
    );
}

#[test]
fn the_demo_directory_and_scenario_feed_rank_and_simulate() {
    let dir = temp_dir("demo");
    let services = write(
        &dir,
        "services.csv",
        &stdout(&signpost(&["demo", "directory"])),
    );
    let gazetteer = write(
        &dir,
        "gazetteer.csv",
        &stdout(&signpost(&["demo", "directory", "--gazetteer"])),
    );
    let ranked = stdout(&signpost(&[
        "rank",
        &services,
        "--gazetteer",
        &gazetteer,
        "--zip",
        "90101",
        "--issue",
        "Eviction",
        "--date",
        "2026-11-30",
    ]));
    let ranked: serde_json::Value = serde_json::from_str(&ranked).unwrap();
    let n_results = ranked["best_bets"].as_array().map_or(0, Vec::len)
        + ranked["top_results"].as_array().map_or(0, Vec::len);
    assert!(
        n_results > 0,
        "the demo region has eviction help in 90101: {ranked}"
    );

    let scenario = write(
        &dir,
        "scenario.json",
        &stdout(&signpost(&["demo", "scenario"])),
    );
    let report = stdout(&signpost(&[
        "simulate",
        &scenario,
        "--replications",
        "3",
        "--seed",
        "7",
    ]));
    let again = stdout(&signpost(&[
        "simulate",
        &scenario,
        "--replications",
        "3",
        "--seed",
        "7",
    ]));
    assert_eq!(report, again, "the same seed gives the same report");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert!(report.to_string().contains("Care home"));
}
