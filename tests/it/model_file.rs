//! The model file: its checked envelope, the semantic checks of every part
//! (an edited file rebuilt with a fresh checksum is still refused), and the
//! honesty checks of issue 12 on a trained model (no training row flagged,
//! no mode comparison without outcomes, fit-mode sets calibrated).

use std::sync::OnceLock;

use serde_json::{json, Value};
use signpost::demo::{self, DemoOptions};
use signpost::envelope;
use signpost::import::Dataset;
use signpost::model::train::{train, Mode, ModelError, TrainConfig, TrainedModel, FORMAT};

fn data(rows: usize, seed: u64) -> Dataset {
    demo::referrals(&DemoOptions {
        rows,
        seed,
        truth: false,
    })
}

fn small_config(mode: Mode) -> TrainConfig {
    let mut config = TrainConfig {
        mode,
        ..TrainConfig::default()
    };
    config.forest.n_trees = 10;
    config
}

fn model() -> &'static TrainedModel {
    static MODEL: OnceLock<TrainedModel> = OnceLock::new();
    MODEL.get_or_init(|| train(&data(600, 3), &small_config(Mode::Fit)).unwrap())
}

/// The model's JSON (the envelope's payload).
fn payload() -> Value {
    let text = model().to_json().unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    value["model"].clone()
}

/// Seals an edited payload with a fresh checksum, as a determined editor would.
fn reseal(payload: Value) -> String {
    envelope::seal(FORMAT, 2, "model", payload).unwrap()
}

#[test]
fn the_file_round_trips_and_damage_or_a_bom_are_handled() {
    let text = model().to_json().unwrap();
    let again = TrainedModel::from_json(&text).unwrap();
    assert_eq!(&again, model());
    // A byte-order mark (as some editors add) is skipped.
    assert_eq!(
        &TrainedModel::from_json(&format!("\u{feff}{text}")).unwrap(),
        model()
    );
    // Any edit without a fresh checksum is refused whole.
    let edited = text.replacen("\"pathways\":[\"Crisis", "\"pathways\":[\"Crises", 1);
    assert_ne!(edited, text);
    let err = TrainedModel::from_json(&edited).unwrap_err();
    assert!(err.to_string().contains("checksum"), "{err}");
    // A bare model (the version-1 layout) and a newer version are refused clearly.
    let bare = payload().to_string();
    let err = TrainedModel::from_json(&bare).unwrap_err();
    assert!(err.to_string().contains("no checksum"), "{err}");
    let mut old = payload();
    old["version"] = json!(1);
    let err = TrainedModel::from_json(&old.to_string()).unwrap_err();
    assert!(err.to_string().contains("earlier Signpost"), "{err}");
    let err = TrainedModel::from_json("{\"a\": 1}").unwrap_err();
    assert!(
        err.to_string().contains("not a Signpost model file"),
        "{err}"
    );
    let newer = envelope::seal(FORMAT, 99, "model", payload()).unwrap();
    let err = TrainedModel::from_json(&newer).unwrap_err();
    assert!(err.to_string().contains("newer"), "{err}");
}

type Edit = fn(&mut Value);

/// Every kind of edit the issue lists, rebuilt with a fresh checksum: each is
/// refused with the words that name what is wrong.
#[test]
fn edited_parts_are_refused_even_with_a_fresh_checksum() {
    let cases: Vec<(&str, Edit)> = vec![
        ("same name", |m| m["pathways"][1] = m["pathways"][0].clone()),
        ("no name", |m| m["pathways"][0] = json!(" ")),
        ("pathway(s)", |m| {
            m["pathways"] = json!(["A"]);
        }),
        ("report names other pathways", |m| {
            let p = m["pathways"].as_array_mut().unwrap();
            p.reverse();
        }),
        ("no trees", |m| m["forest"]["trees"] = json!([])),
        ("class shares", |m| {
            for node in m["forest"]["trees"][0]["nodes"].as_array_mut().unwrap() {
                if let Some(leaf) = node.get_mut("Leaf") {
                    leaf["distribution"][0] = json!(-0.5);
                }
            }
        }),
        ("class shares", |m| {
            for node in m["evidence"]["trees"][0]["nodes"].as_array_mut().unwrap() {
                if let Some(leaf) = node.get_mut("Leaf") {
                    leaf["distribution"][0] = json!(1e308);
                }
            }
        }),
        ("not after it", |m| {
            // The evidence forest's root points at itself.
            m["evidence"]["trees"][0]["nodes"][0]["Split"]["left"] = json!(0);
        }),
        ("not after it", |m| {
            // A child of the evidence forest points back to its parent.
            let nodes = m["evidence"]["trees"][1]["nodes"].as_array_mut().unwrap();
            let child = nodes[0]["Split"]["right"].as_u64().unwrap() as usize;
            if nodes[child].get("Split").is_some() {
                nodes[child]["Split"]["left"] = json!(0);
            } else {
                nodes[0]["Split"]["right"] = json!(0);
            }
        }),
        ("calibrat", |m| {
            let map = &mut m["calibrator"]["maps"][0];
            if let Some(sigmoid) = map.get_mut("Sigmoid") {
                sigmoid["scale"][0] = json!(0.0);
            } else {
                map["Isotonic"]["values"][0] = json!(2.0);
            }
        }),
        ("conformal threshold", |m| {
            m["conformal_threshold"] = json!(-1.0)
        }),
        ("conformal threshold", |m| {
            m["fit_conformal_threshold"] = json!(3.0)
        }),
        ("encoded columns", |m| {
            m["encoder"]["features"].as_array_mut().unwrap().pop();
        }),
        ("not a finite number", |m| {
            m["fit_learners"][0]["coef"][1] = json!(1e308);
            m["fit_learners"][0]["scale"][1] = json!(-1.0);
        }),
        ("auto", |m| m["mode"] = json!("auto")),
        ("trees", |m| {
            m["config"]["forest"]["n_trees"] = json!(1_000_000)
        }),
    ];
    for (expected, edit) in cases {
        let mut value = payload();
        edit(&mut value);
        let err = match TrainedModel::from_json(&reseal(value)) {
            Ok(_) => panic!("an edit naming \"{expected}\" was accepted"),
            Err(err) => err,
        };
        assert!(
            matches!(err, ModelError::Incompatible(_)),
            "{expected}: {err:?}"
        );
        assert!(
            err.to_string().contains(expected),
            "expected \"{expected}\" in: {err}"
        );
    }
}

/// A tree that is a 50,000-node chain (each split's left child a leaf, its
/// right child the next split) is refused by depth, never walked
/// recursively; a chain as deep as training can make is accepted.
#[test]
fn a_long_chain_tree_is_refused_without_overflowing_the_stack() {
    let chain = |splits: usize| -> Value {
        let leaf = json!({"Leaf": {"distribution": [0.25, 0.25, 0.25, 0.25], "cover": 1.0}});
        let mut nodes = Vec::with_capacity(2 * splits + 1);
        for i in 0..splits {
            let at = nodes.len();
            nodes.push(json!({"Split": {"feature": 0, "threshold": i as f64, "left": at + 1, "right": at + 2, "cover": 1.0}}));
            nodes.push(leaf.clone());
        }
        nodes.push(leaf);
        json!({ "nodes": nodes })
    };
    for (splits, accepted) in [(25_000usize, false), (64, true)] {
        let mut value = payload();
        value["forest"]["trees"][0] = chain(splits);
        value["evidence"]["trees"][0] = chain(splits);
        let result = TrainedModel::from_json(&reseal(value));
        assert_eq!(result.is_ok(), accepted, "{splits} splits: {result:?}");
        if let Err(err) = result {
            assert!(err.to_string().contains("deep"), "{err}");
        }
    }
}

/// A feature cell of -1e308 (and one of 1.7e308) trains a model that is
/// written and read back.
#[test]
fn huge_feature_values_give_a_model_that_reads_back() {
    let mut data = data(300, 8);
    let column = data
        .columns
        .iter_mut()
        .find(|c| c.name == "months_since_last_service")
        .unwrap();
    column.cells[0] = Some("-1e308".into());
    column.cells[1] = Some("1.7e308".into());
    for mode in [Mode::Fit, Mode::Allocations] {
        let model = train(&data, &small_config(mode)).unwrap();
        let text = model.to_json().unwrap();
        let again = TrainedModel::from_json(&text).unwrap();
        let s = again.suggest_row(&data, 0).unwrap();
        assert!(s.scores.iter().all(|(_, v)| v.is_none_or(f64::is_finite)));
    }
}

/// No row of the file a model was trained on is flagged as unlike the
/// training data: held-out rows included (the cause: the ranges and levels
/// were learned from the training share only).
#[test]
fn no_training_row_is_flagged_unlike_the_training_data() {
    let data = data(1_000, 21);
    let model = train(&data, &small_config(Mode::Auto)).unwrap();
    for row in 0..data.n_rows {
        let s = model.suggest_row(&data, row).unwrap();
        assert!(!s.unlike_training, "row {} flagged: {:?}", row + 2, s.flags);
    }
    // A value beyond the file is still flagged.
    let mut inputs = model.inputs_of_row(&data, 0);
    for (name, value) in &mut inputs {
        if name == "months_since_last_service" {
            *value = Some("500".into());
        }
    }
    assert!(model.suggest(&inputs).unwrap().unlike_training);
}

/// Without an outcome column: no mode comparison (no 100% figures), only
/// the seed method, and pathway fit refused; no "little evidence" flag in
/// allocations mode, where no chance of success is shown.
#[test]
fn without_outcomes_only_the_seed_method_applies() {
    let mut data = data(500, 5);
    data.success_rule = None;
    let model = train(&data, &small_config(Mode::Auto)).unwrap();
    let report = &model.report;
    assert_eq!(model.mode, Mode::Allocations);
    assert!(!report.has_outcomes);
    assert_eq!(report.modes.len(), 1);
    assert!(report.modes[0].policy_value.is_none());
    assert!(report.modes_difference.is_none() && report.observed_success.is_none());
    assert!(
        report.choice.contains("only the seed method"),
        "{}",
        report.choice
    );
    assert!(!report.choice.contains("100%"), "{}", report.choice);
    assert_eq!(
        train(&data, &small_config(Mode::Fit)).unwrap_err(),
        ModelError::FitNeedsOutcome
    );
    let scored = signpost::model::batch::score(&model, &data, false, &mut |_, _| {}).unwrap();
    assert!(scored
        .rows
        .iter()
        .all(|r| r.flags.iter().all(|f| !f.contains("little evidence"))));
}

/// The fit-mode set is calibrated on fit-mode scores: at 20,000 rows it
/// holds the pathway that worked for about 90% of successful held-out
/// referrals, and it always holds the suggestion.
#[test]
fn fit_mode_sets_cover_ninety_percent_of_held_out_referrals() {
    let mut config = small_config(Mode::Fit);
    config.forest.n_trees = 5;
    let model = train(&data(20_000, 77), &config).unwrap();
    let coverage = model.report.fit_conformal_coverage_holdout;
    assert!((coverage - 0.9).abs() <= 0.03, "coverage {coverage}");
    let fresh = data(500, 78);
    for row in 0..fresh.n_rows {
        let s = model.suggest_row(&fresh, row).unwrap();
        assert!(s.prediction_set.contains(&s.top));
        assert!(s.top_score() >= s.alternative_score() || s.alternative_score().is_none());
    }
}
