//! What each fuzz target does with one input. Kept apart from the
//! `fuzz_target!` wrappers so the crate's own tests (`tests/it/fuzz_bodies.rs`)
//! compile and run the same code on the project's files: a rename in the
//! crate breaks `cargo test`, not only the fuzz build nobody runs in CI.
//! Each returns whether the input got past the first parser, so a test can
//! check that valid seeds reach the deeper code.

use signpost::import::{import, quality_report, ReadOptions};
use signpost::model::train::TrainedModel;
use signpost::ranker::{
    directory_to_csv, import_directory, import_gazetteer_csv, rank, Person, RankOptions,
};
use signpost::sim::Scenario;
use signpost::workspace::{self, Workspace};

/// Any bytes as a referral file: read, typed, quality report, exported.
pub fn csv(data: &[u8]) -> bool {
    let Ok(imported) = import("fuzz.csv", data, &ReadOptions::default()) else {
        return false;
    };
    let _ = quality_report(&imported.dataset);
    let _ = imported.dataset.to_csv();
    true
}

/// Bytes as the sheet XML and shared strings inside a valid XLSX: the
/// referral import and the directory import.
pub fn xlsx(data: &[u8]) -> bool {
    let bytes = super::workbook(data);
    let accepted = match import("fuzz.xlsx", &bytes, &ReadOptions::default()) {
        Ok(imported) => {
            let _ = quality_report(&imported.dataset);
            true
        }
        Err(_) => false,
    };
    let _ = import_directory("fuzz.xlsx", &bytes);
    accepted
}

/// Any bytes as a directory (ranked for a person it serves, exported) and
/// as a gazetteer.
pub fn directory(data: &[u8]) -> bool {
    let _ = import_gazetteer_csv("fuzz.csv", data);
    let Ok((directory, _)) = import_directory("fuzz.csv", data) else {
        return false;
    };
    let first = directory.services.first();
    let person = Person {
        zip: first
            .and_then(|s| s.area.zips.first().cloned())
            .unwrap_or_else(|| "10001".to_string()),
        populations: Vec::new(),
        over_income: false,
        issue: first
            .and_then(|s| s.issues.first().cloned())
            .unwrap_or_else(|| "Housing".to_string()),
        today: None,
    };
    let _ = rank(&directory, &person, &RankOptions::default());
    let _ = directory_to_csv(&directory);
    true
}

/// Bytes split into up to 11 HSDS tables (see [`super::hsds_tables`]).
pub fn hsds(data: &[u8]) -> bool {
    signpost::ranker::import_hsds(&super::hsds_tables(data)).is_ok()
}

/// Any text as a saved model; a model whose parts are accepted must then
/// suggest for a referral without panicking or hanging.
pub fn model(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let enveloped = TrainedModel::from_json(text).is_ok();
    // Behind any envelope: the model itself, checked part by part.
    let bare = match serde_json::from_str::<TrainedModel>(text) {
        Ok(model) if model.validate().is_ok() => {
            let inputs: Vec<(String, Option<String>)> = Vec::new();
            let _ = model.suggest(&inputs);
            true
        }
        _ => false,
    };
    enveloped || bare
}

/// Any text as a scenario file: parsed, checked, written as a fragment.
pub fn scenario(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(scenario) = serde_json::from_str::<Scenario>(text) else {
        return false;
    };
    let _ = scenario.check();
    let _ = scenario.to_url_fragment();
    true
}

/// Any text as a workspace file, and as a workspace exported with a right
/// checksum and read back.
pub fn workspace(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let direct = workspace::import("fuzz.json", text).is_ok();
    let Ok(parsed) = serde_json::from_str::<Workspace>(text) else {
        return direct;
    };
    match workspace::export(&parsed) {
        Ok(file) => workspace::import("fuzz.json", &file).is_ok() || direct,
        Err(_) => direct,
    }
}

/// Any text as a URL fragment, and the bytes wrapped as a valid fragment
/// (past the checksum): scenario parse and check.
pub fn fragment(data: &[u8]) -> bool {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(scenario) = Scenario::from_url_fragment(text) {
            let _ = scenario.check();
        }
    }
    match Scenario::from_url_fragment(&super::fragment(data)) {
        Ok(scenario) => {
            let _ = scenario.check();
            true
        }
        Err(_) => false,
    }
}
