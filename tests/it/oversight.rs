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
        recall.history.as_deref().unwrap().contains("carries a bias of the past"),
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
    assert!(audit.columns[1].flags.is_empty(), "{:#?}", audit.columns[1].flags);
    // The flags are on the model card, in words.
    assert!(model.card.fairness.iter().any(|s| s == &format!("{} {}", recall.sentence, recall.history.as_deref().unwrap())));
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
        !gender.flags.iter().any(|f| f.measure == Measure::SelectionRate
            && f.pathway.as_deref() == Some(CRISIS)),
        "{:#?}",
        gender.flags
    );
}

/// Over twenty seeds of unbiased demo data (gender and age band play no
/// part), the audit of both columns and their pair flags nothing, on the
/// model or in history, in at most two seeds (10%). By construction chance flags anything in
/// at most 5% of audits per family (model, history); measured here: see the
/// assertion message when it fails.
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
    eprintln!("fairness audit: false alarms in {} of 20 seeds", alarms.len());
    assert!(alarms.len() <= 2, "false alarms in {} of 20 seeds: {alarms:#?}", alarms.len());
}

/// Reads CSV text into rows of (column -> value).
fn read_csv(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header.iter().cloned().zip(r.iter().map(str::to_string)).collect()
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
    let output = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["train", file.to_str().unwrap(), "--pathway", "pathway_allocated", "--outcome", "outcome_success", "--success", "yes"])
        .args(["--trees", "20", "--max-depth", "6", "--audit", "gender,age_band"])
        .args(["--predictions", predictions.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let fairness = &json["fairness"];
    assert!(fairness["gender"]["flags"].is_array());
    assert!(fairness["gender × age_band"]["groups"].is_array());

    // Independently: join the predictions with the referral file by row.
    let referrals = read_csv(&std::fs::read_to_string(&file).unwrap());
    let rows = read_csv(&std::fs::read_to_string(&predictions).unwrap());
    assert_eq!(rows.len() as u64, json["rows_used"].as_u64().unwrap());
    let pathways: Vec<String> = json["pathways"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
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
        assert_eq!(group["n"].as_u64().unwrap() as usize, members.len(), "{name}");
        let n = members.len() as f64;
        let mut recalls = Vec::new();
        for pathway in &pathways {
            let chosen = members.iter().filter(|r| &r["suggested"] == pathway).count();
            assert_eq!(group["selection_rate"][pathway]["value"].as_f64().unwrap(), chosen as f64 / n, "{name} {pathway}");
            let worked: Vec<_> = members.iter().filter(|r| &r["pathway_that_worked"] == pathway).collect();
            let hits = worked.iter().filter(|r| &r["suggested"] == pathway).count();
            if !worked.is_empty() {
                let recall = hits as f64 / worked.len() as f64;
                assert_eq!(group["recall"][pathway]["value"].as_f64().unwrap(), recall, "{name} {pathway}");
                recalls.push(recall);
            }
        }
        let balanced = recalls.iter().sum::<f64>() / recalls.len() as f64;
        assert_eq!(group["balanced_accuracy"]["value"].as_f64().unwrap(), balanced, "{name}");
        let successful: Vec<_> = members.iter().filter(|r| !r["pathway_that_worked"].is_empty()).collect();
        let stated = successful
            .iter()
            .map(|r| r[&format!("score: {}", r["suggested"])].parse::<f64>().unwrap())
            .sum::<f64>()
            / successful.len() as f64;
        assert_eq!(group["calibration"]["stated"].as_f64().unwrap(), stated, "{name}");
        let terms: Vec<f64> = members.iter().map(|r| r["expected_success_term"].parse().unwrap()).collect();
        let expected = terms.iter().sum::<f64>() / n;
        assert_eq!(group["expected_success"]["value"].as_f64().unwrap(), expected, "{name}");
    }
    // The policy value of the chosen mode is the mean of every row's term.
    let chosen = json["chosen_mode"].as_str().unwrap();
    let all: f64 = rows.iter().map(|r| r["expected_success_term"].parse::<f64>().unwrap()).sum::<f64>() / rows.len() as f64;
    assert!((json["modes"][chosen]["policy_value"]["value"].as_f64().unwrap() - all).abs() < 1e-12);
    let _ = std::fs::remove_dir_all(&dir);
}
