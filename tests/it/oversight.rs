//! Integration tests: the fairness audit on demo referrals with and without
//! a bias planted in history, and `signpost train --audit --predictions`.

use std::collections::BTreeMap;
use std::process::Command;

use signpost::demo::{self, DemoOptions};
use signpost::import::{Dataset, Role};
use signpost::model::train::{train, Mode, TrainConfig, TrainedModel};
use signpost::oversight::audit::{self, FairnessAudit, Measure};

const CRISIS: &str = "Crisis intervention";

fn demo_data(rows: usize, seed: u64) -> Dataset {
    demo::referrals(&DemoOptions {
        rows,
        seed,
        truth: false,
    })
}

/// History under-allocates Crisis intervention to women: seven in ten of
/// their crisis allocations went to Signposting instead (outcomes kept).
fn plant_bias(data: &mut Dataset) {
    let gender = data.column("gender").unwrap().cells.clone();
    let pathway = data
        .columns
        .iter_mut()
        .find(|c| c.name == "pathway_allocated")
        .unwrap();
    for (row, cell) in pathway.cells.iter_mut().enumerate() {
        if gender[row].as_deref() == Some("Female")
            && cell.as_deref() == Some(CRISIS)
            && row % 10 < 7
        {
            *cell = Some("Signposting".into());
        }
    }
}

fn config(seed: u64) -> TrainConfig {
    let mut config = TrainConfig {
        mode: Mode::Allocations,
        seed,
        ..TrainConfig::default()
    };
    config.forest.n_trees = 30;
    config.forest.max_depth = 8;
    config.forest.seed = seed;
    config
}

fn audited(data: &Dataset, config: &TrainConfig, columns: &[&str]) -> TrainedModel {
    let mut model = train(data, config).unwrap();
    let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    audit::attach(&mut model, data, &columns, &mut |_, _| {}).unwrap();
    model
}

fn fairness(model: &TrainedModel) -> &FairnessAudit {
    model.report.fairness.as_ref().unwrap()
}

#[test]
fn a_bias_planted_in_history_is_flagged_for_that_group_and_pathway() {
    let mut data = demo_data(3000, 7);
    plant_bias(&mut data);
    // Gender used as a feature (as if confirmed): the model can learn the bias.
    for column in &mut data.columns {
        if column.name == "gender" {
            column.role = Role::Feature;
        }
    }
    let model = audited(&data, &config(7), &["gender", "age_band"]);
    let audit = fairness(&model);
    let gender = &audit.columns[0];
    assert_eq!(gender.column, "gender");
    let recall = gender
        .flags
        .iter()
        .find(|f| f.measure == Measure::Recall && f.pathway.as_deref() == Some(CRISIS))
        .unwrap_or_else(|| panic!("no crisis recall flag: {:#?}", gender.flags));
    assert_eq!(recall.low_group, "gender \"Female\"");
    assert!(recall.sentence.contains("among people whose Crisis intervention worked, people with gender \"Female\" are suggested it"), "{}", recall.sentence);
    // History shows it too: the model carries a bias of the past.
    assert!(
        recall
            .history
            .as_deref()
            .unwrap()
            .contains("carries a bias of the past"),
        "{:?}",
        recall.history
    );
    let allocation = gender
        .history_flags
        .iter()
        .find(|f| f.measure == Measure::AllocationRate && f.pathway.as_deref() == Some(CRISIS))
        .expect("history's under-allocation is flagged");
    assert_eq!(allocation.low_group, "gender \"Female\"");
    // Nothing is flagged for age band, where nothing was planted.
    assert!(
        audit.columns[1].flags.is_empty(),
        "{:#?}",
        audit.columns[1].flags
    );
    // The flags are on the model card, in words.
    assert!(model
        .card
        .fairness
        .iter()
        .any(|s| s == &format!("{} {}", recall.sentence, recall.history.as_deref().unwrap())));
}

#[test]
fn a_bias_in_history_that_the_model_cannot_see_is_flagged_in_history_only() {
    let mut data = demo_data(3000, 8);
    plant_bias(&mut data);
    let model = audited(&data, &config(8), &["gender"]);
    let gender = &fairness(&model).columns[0];
    assert!(gender
        .history_flags
        .iter()
        .any(|f| f.measure == Measure::AllocationRate
            && f.pathway.as_deref() == Some(CRISIS)
            && f.low_group == "gender \"Female\""));
    // The model does not see gender, so it suggests Crisis intervention to
    // women as often as to men. (Its recall can still differ: history
    // recorded women with crisis needs as Signposting that worked.)
    assert!(
        !gender
            .flags
            .iter()
            .any(|f| f.measure == Measure::SelectionRate && f.pathway.as_deref() == Some(CRISIS)),
        "{:#?}",
        gender.flags
    );
}

/// Over twenty seeds of unbiased demo data (gender and age band play no
/// part), the audit of both columns and their pair rarely flags anything.
/// By construction chance flags anything in at most 5% of audits per family
/// (model, history), so at most 10% of audits; with that rate, more than 5
/// of 20 audits flag with a probability under 5% (binomial), which is the
/// bound asserted. Measured: 3 of 20 on the demo data (the message below).
#[test]
fn columns_without_planted_bias_flag_nothing_over_seeds() {
    let mut alarms = Vec::new();
    for seed in 1..=20u64 {
        let data = demo_data(1500, seed);
        let model = audited(&data, &config(seed), &["gender", "age_band"]);
        let flags: Vec<String> = fairness(&model)
            .columns
            .iter()
            .flat_map(|c| c.flags.iter().chain(&c.history_flags))
            .map(|f| f.sentence.clone())
            .collect();
        if !flags.is_empty() {
            alarms.push((seed, flags));
        }
    }
    eprintln!(
        "fairness audit: false alarms in {} of 20 seeds",
        alarms.len()
    );
    assert!(
        alarms.len() <= 5,
        "false alarms in {} of 20 seeds: {alarms:#?}",
        alarms.len()
    );
}

/// `signpost train FILE` on the demo's columns, with `extra` arguments.
fn train_cli(file: &std::path::Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args([
            "train",
            file.to_str().unwrap(),
            "--pathway",
            "pathway_allocated",
        ])
        .args(["--outcome", "outcome_success", "--success", "yes"])
        .args(extra)
        .output()
        .unwrap()
}

/// Reads CSV text into rows of (column -> value).
fn read_csv(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn figures_recomputed_from_the_predictions_file_agree_exactly() {
    let dir = std::env::temp_dir().join(format!("signpost-oversight-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut data = demo_data(1200, 3);
    plant_bias(&mut data);
    let file = dir.join("referrals.csv");
    std::fs::write(&file, demo::to_csv(&data)).unwrap();
    let predictions = dir.join("predictions.csv");
    let output = train_cli(
        &file,
        &[
            "--trees",
            "20",
            "--max-depth",
            "6",
            "--audit",
            "gender,age_band",
            "--predictions",
            predictions.to_str().unwrap(),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let fairness = &json["fairness"];
    assert!(fairness["gender"]["flags"].is_array());
    assert!(fairness["gender × age_band"]["groups"].is_array());

    // Independently: join the predictions with the referral file by row.
    let referrals = read_csv(&std::fs::read_to_string(&file).unwrap());
    let rows = read_csv(&std::fs::read_to_string(&predictions).unwrap());
    assert_eq!(rows.len() as u64, json["rows_used"].as_u64().unwrap());
    let pathways: Vec<String> = json["pathways"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    for group in fairness["gender"]["groups"].as_array().unwrap() {
        let name = group["group"].as_str().unwrap();
        let value = name.trim_start_matches("gender \"").trim_end_matches('"');
        let members: Vec<&BTreeMap<String, String>> = rows
            .iter()
            .filter(|r| {
                let row: usize = r["row"].parse().unwrap();
                referrals[row - 2]["gender"] == value
            })
            .collect();
        assert_eq!(
            group["n"].as_u64().unwrap() as usize,
            members.len(),
            "{name}"
        );
        let n = members.len() as f64;
        let mut recalls = Vec::new();
        for pathway in &pathways {
            let chosen = members
                .iter()
                .filter(|r| &r["suggested"] == pathway)
                .count();
            assert_eq!(
                group["selection_rate"][pathway]["value"].as_f64().unwrap(),
                chosen as f64 / n,
                "{name} {pathway}"
            );
            let worked: Vec<_> = members
                .iter()
                .filter(|r| &r["pathway_that_worked"] == pathway)
                .collect();
            let hits = worked.iter().filter(|r| &r["suggested"] == pathway).count();
            if !worked.is_empty() {
                let recall = hits as f64 / worked.len() as f64;
                assert_eq!(
                    group["recall"][pathway]["value"].as_f64().unwrap(),
                    recall,
                    "{name} {pathway}"
                );
                recalls.push(recall);
            }
        }
        let balanced = recalls.iter().sum::<f64>() / recalls.len() as f64;
        assert_eq!(
            group["balanced_accuracy"]["value"].as_f64().unwrap(),
            balanced,
            "{name}"
        );
        let successful: Vec<_> = members
            .iter()
            .filter(|r| !r["pathway_that_worked"].is_empty())
            .collect();
        let stated = successful
            .iter()
            .map(|r| {
                r[&format!("score: {}", r["suggested"])]
                    .parse::<f64>()
                    .unwrap()
            })
            .sum::<f64>()
            / successful.len() as f64;
        assert_eq!(
            group["calibration"]["stated"].as_f64().unwrap(),
            stated,
            "{name}"
        );
        let terms: Vec<f64> = members
            .iter()
            .map(|r| r["expected_success_term"].parse().unwrap())
            .collect();
        let expected = terms.iter().sum::<f64>() / n;
        assert_eq!(
            group["expected_success"]["value"].as_f64().unwrap(),
            expected,
            "{name}"
        );
    }
    // The policy value of the chosen mode is the mean of every row's term.
    let chosen = json["chosen_mode"].as_str().unwrap();
    let all: f64 = rows
        .iter()
        .map(|r| r["expected_success_term"].parse::<f64>().unwrap())
        .sum::<f64>()
        / rows.len() as f64;
    assert!(
        (json["modes"][chosen]["policy_value"]["value"]
            .as_f64()
            .unwrap()
            - all)
            .abs()
            < 1e-12
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn small_config(seed: u64) -> TrainConfig {
    let mut config = config(seed);
    config.forest.n_trees = 10;
    config
}

#[test]
fn versions_survive_export_and_import() {
    use signpost::oversight::versions::add_version;
    use signpost::workspace::{self, Workspace};
    let data = demo_data(300, 5);
    let mut ws = Workspace {
        data: Some(data.clone()),
        ..Workspace::default()
    };
    let first = audited(&data, &small_config(5), &["gender"]);
    let second = train(&data, &small_config(6)).unwrap();
    add_version(
        &mut ws.versions,
        first.clone(),
        &data,
        "trained on demo".into(),
        vec![],
    );
    let n = add_version(
        &mut ws.versions,
        second,
        &data,
        "retrained".into(),
        vec![3, 4],
    );
    ws.model = Some(first);
    ws.version_in_use = Some(1);
    ws.decisions_in_history = vec![3, 4];
    let text = workspace::export(&ws).unwrap();
    let back = workspace::import("ws.json", &text).unwrap();
    assert_eq!(n, 2);
    assert_eq!(back, ws);
    assert_eq!(back.versions.len(), 2);
    assert_eq!(back.versions[1].decisions_learned, vec![3, 4]);
    assert!(back.versions[0].model.report.fairness.is_some());
}

#[test]
fn retraining_with_outcomes_adds_exactly_those_rows_and_trains_a_comparable_version() {
    use signpost::decisions::DecisionRecord;
    use signpost::oversight::retrain::{new_outcomes, with_outcomes};
    use signpost::oversight::versions::{add_version, compare, version_key};
    let data = demo_data(600, 11);
    let first = train(&data, &small_config(11)).unwrap();
    // Ten decisions on new referrals (rows of another demo draw); six with outcomes.
    let fresh = demo_data(10, 99);
    let log: Vec<DecisionRecord> = (0..10)
        .map(|i| {
            let inputs = first.inputs_of_row(&fresh, i);
            let s = first.suggest(&inputs).unwrap();
            let decided = if i % 3 == 0 {
                "Signposting".to_string()
            } else {
                s.top.clone()
            };
            DecisionRecord {
                id: i as u64 + 1,
                time: "2099-01-01T00:00:00Z".into(),
                referral: None,
                inputs,
                suggested: s.top.clone(),
                score: Some(0.5),
                measure: Default::default(),
                alternative: None,
                prediction_set: vec![],
                model_version: version_key(&first),
                decided,
                reason: Some("Other".into()),
                reason_text: Some("test".into()),
                outcome_success: (i < 6).then_some(i % 2 == 0),
            }
        })
        .collect();
    let records = new_outcomes(&log, &[]);
    assert_eq!(records.len(), 6);
    let extended = with_outcomes(&data, &records).unwrap();
    assert_eq!(extended.n_rows, data.n_rows + 6);
    let second = train(&extended, &small_config(11)).unwrap();
    assert_eq!(second.report.n_rows_used, first.report.n_rows_used + 6);
    let mut versions = Vec::new();
    add_version(&mut versions, first, &data, "first".into(), vec![]);
    add_version(
        &mut versions,
        second,
        &extended,
        "retrained".into(),
        vec![1, 2, 3, 4, 5, 6],
    );
    let c = compare(&versions[0], &versions[1], &extended, &log);
    // Both learned from a prefix of the extended data: compared on shared held-out rows.
    assert!(c.held_out_rows > 0, "{:?}", c.notes);
    assert_eq!(c.held_out[0].n, c.held_out[1].n);
    // The six outcomes were learned by the newer version: not used to compare.
    assert_eq!(c.decisions, 0);
}

#[test]
fn drift_is_zero_on_the_training_data_and_flags_a_shifted_copy() {
    let dir = std::env::temp_dir().join(format!("signpost-drift-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = demo_data(800, 21);
    let file = dir.join("history.csv");
    std::fs::write(&file, demo::to_csv(&data)).unwrap();
    let model = dir.join("model.json");
    let trained = train_cli(
        &file,
        &[
            "--trees",
            "10",
            "--max-depth",
            "5",
            "--model",
            model.to_str().unwrap(),
        ],
    );
    assert!(
        trained.status.success(),
        "{}",
        String::from_utf8_lossy(&trained.stderr)
    );
    let run = |path: &std::path::Path| -> serde_json::Value {
        let out = Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(["drift", model.to_str().unwrap(), path.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let same = run(&file);
    for (feature, f) in same["features"].as_object().unwrap() {
        assert!(f["psi"].as_f64().unwrap().abs() < 1e-12, "{feature}: {f}");
        assert_eq!(f["shift"], "stable", "{feature}");
    }
    // A copy where every third referral has risk level 5.
    let mut shifted = data.clone();
    let risk = shifted
        .columns
        .iter_mut()
        .find(|c| c.name == "risk_level")
        .unwrap();
    for (row, cell) in risk.cells.iter_mut().enumerate() {
        if row % 3 == 0 {
            *cell = Some("5".into());
        }
    }
    let copy = dir.join("shifted.csv");
    std::fs::write(&copy, demo::to_csv(&shifted)).unwrap();
    let report = run(&copy);
    let risk = &report["features"]["risk_level"];
    assert_eq!(risk["shift"], "large", "{risk}");
    let sentence = risk["sentence"].as_str().unwrap();
    assert!(
        sentence.starts_with("risk_level has shifted a lot: "),
        "{sentence}"
    );
    assert!(sentence.contains("are 5 now, against"), "{sentence}");
    assert_eq!(report["features"]["housing_stable"]["shift"], "stable");
    assert!(report["summary"].as_str().unwrap().contains("risk_level"));
    let _ = std::fs::remove_dir_all(&dir);
}
