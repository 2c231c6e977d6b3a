//! `signpost train` and `signpost suggest` against odd options and files:
//! each is refused with exit status 2 and a message that says what is wrong
//! and how to fix it, never a crash (exit 134 in release, 101 in debug) or a
//! hang.

use std::path::Path;

use super::cli::{signpost, temp_dir as dir, write};
use signpost::demo::{self, DemoOptions, TRUTH_COLUMN};

fn demo_csv(dir: &Path, rows: usize) -> String {
    let data = demo::referrals(&DemoOptions {
        rows,
        seed: 7,
        truth: true,
    });
    write(dir, "history.csv", &demo::to_csv(&data))
}

/// Runs and expects a refusal: exit 2 (never 101 or 134), nothing on
/// stdout, and a message holding every one of `words`.
fn refused(args: &[&str], words: &[&str]) {
    let output = signpost(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(
        output.status.code(),
        Some(134),
        "{args:?} aborted: {stderr}"
    );
    assert_ne!(
        output.status.code(),
        Some(101),
        "{args:?} panicked: {stderr}"
    );
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?} printed on stdout");
    for word in words {
        assert!(
            stderr.contains(word),
            "{args:?}: \"{word}\" not in: {stderr}"
        );
    }
}

const OUTCOME: [&str; 4] = ["--outcome", "outcome_success", "--success", "yes"];

#[test]
fn odd_train_options_are_refused_with_the_limit_or_the_fix() {
    let dir = dir("options");
    let csv = demo_csv(&dir, 300);
    let with = |extra: &[&'static str]| -> Vec<String> {
        let mut args = vec![
            "train".to_string(),
            csv.clone(),
            "--pathway".into(),
            "pathway_allocated".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let run = |extra: &[&'static str], words: &[&str]| {
        let args = with(extra);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&refs, words);
    };
    run(&["--trees", "1000000"], &["1000000", "limit of 1000"]);
    run(&["--max-depth", "100000"], &["100000", "limit of 64"]);
    run(&["--folds", "500"], &["500", "limit of 20"]);
    run(&["--mode", "fit"], &["no outcome column", "outcome"]);
    run(
        &["--truth", "pathway_allocated"],
        &["--truth", "--pathway", "column of its own"],
    );
    let mut truth_outcome = OUTCOME.to_vec();
    truth_outcome.extend(["--truth", "outcome_success"]);
    run(&truth_outcome, &["--truth", "--outcome"]);
    run(
        &["--outcome", "outcome_success", "--success", "yse"],
        &["\"yse\" never occurs", "no, yes", "--success"],
    );
    refused(
        &["train", &csv, "--pathway", "referral_id"],
        &["referral_id", "identifier", "--pathway"],
    );
    // A pathway column where every value differs, not typed as an identifier.
    let mut lines: Vec<String> = vec!["x,pathway".into()];
    for i in 0..60 {
        lines.push(format!("{},p{i}", i % 5));
    }
    let unique = write(&dir, "unique.csv", &(lines.join("\n") + "\n"));
    refused(
        &["train", &unique, "--pathway", "pathway"],
        &["different values", "--pathway"],
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// 5,000 columns by 60 rows: refused at once with the limit stated.
#[test]
fn too_many_columns_are_refused_with_the_limit() {
    let dir = dir("wide");
    let mut text = String::from("pathway");
    for c in 0..5_000 {
        text.push_str(&format!(",f{c}"));
    }
    text.push('\n');
    for r in 0..60 {
        text.push_str(if r % 2 == 0 { "A" } else { "B" });
        for c in 0..5_000 {
            text.push_str(&format!(",{}", (r * 7 + c * 3) % 11));
        }
        text.push('\n');
    }
    let wide = write(&dir, "wide.csv", &text);
    refused(
        &["train", &wide, "--pathway", "pathway"],
        &["5000", "limit of 500", "fewer features"],
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn train_reports_the_paired_difference_and_suggest_names_its_quantity() {
    let dir = dir("fit");
    let csv = demo_csv(&dir, 600);
    let model = dir.join("model.json").to_string_lossy().into_owned();
    let mut args = vec![
        "train",
        &csv,
        "--pathway",
        "pathway_allocated",
        "--trees",
        "20",
    ];
    args.extend(OUTCOME);
    args.extend(["--truth", TRUTH_COLUMN, "--mode", "fit", "--model", &model]);
    let output = signpost(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let d = &json["modes_difference"];
    let (estimate, low, high) = (
        d["estimate"].as_f64().unwrap(),
        d["low"].as_f64().unwrap(),
        d["high"].as_f64().unwrap(),
    );
    assert!(low <= estimate && estimate <= high, "{d}");
    assert_eq!(
        json["too_close_to_call"].as_bool().unwrap(),
        low <= 0.0 && 0.0 <= high
    );
    assert!(json["choice"]
        .as_str()
        .unwrap()
        .contains("Compared on the same referrals"));
    // What settled auto's pick, and each mode's consistency, a share.
    let settled = json["settled_by"].as_str().unwrap();
    assert!(
        [
            "success",
            "consistency",
            "seed_method",
            "fit_less_consistent"
        ]
        .contains(&settled),
        "{settled}"
    );
    for mode in ["allocations", "fit"] {
        let c = json["modes"][mode]["consistency"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c), "{mode}: {c}");
    }

    // Quick by default: no reason columns unless asked for.
    let quick = signpost(&["suggest", &model, &csv]);
    assert!(
        quick.status.success(),
        "{}",
        String::from_utf8_lossy(&quick.stderr)
    );
    let text = String::from_utf8(quick.stdout).unwrap();
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "row,id,suggested,chance_of_success,alternative,alternative_chance_of_success,prediction_set_90,flags"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        rows += 1;
        let (score, alt) = (record[3].parse::<f64>().ok(), record[5].parse::<f64>().ok());
        if let (Some(score), Some(alt)) = (score, alt) {
            assert!(score >= alt, "row {}: {score} < {alt}", &record[0]);
        }
        let set: Vec<&str> = record[6].split("; ").collect();
        assert!(
            set.contains(&&record[2]),
            "row {}: {} not in {:?}",
            &record[0],
            &record[2],
            set
        );
    }
    assert_eq!(rows, 600);
    let slow = signpost(&["suggest", &model, &csv, "--reasons"]);
    assert!(slow.status.success());
    assert!(String::from_utf8_lossy(&slow.stdout)
        .lines()
        .next()
        .unwrap()
        .ends_with("reason_1,reason_2,reason_3"));

    // A model file with a UTF-8 byte-order mark is read.
    let saved = std::fs::read_to_string(&model).unwrap();
    let bom = write(&dir, "bom.json", &format!("\u{feff}{saved}"));
    assert!(signpost(&["suggest", &bom, &csv]).status.success());
    // An edited one is refused with a message, never a crash.
    let edited = write(
        &dir,
        "edited.json",
        &saved.replacen("\"mode\":\"fit\"", "\"mode\":\"allocations\"", 1),
    );
    refused(&["suggest", &edited, &csv], &["edited.json", "checksum"]);
    std::fs::remove_dir_all(&dir).ok();
}
