//! Any bytes as a directory CSV, then as a gazetteer; an accepted directory
//! is ranked for a person and exported.
#![no_main]
use libfuzzer_sys::fuzz_target;
use signpost::ranker::{
    directory_to_csv, import_directory, import_gazetteer_csv, rank, Person, RankOptions,
};

fuzz_target!(|data: &[u8]| {
    if let Ok((directory, _)) = import_directory("fuzz.csv", data) {
        let person = Person {
            zip: directory
                .services
                .first()
                .and_then(|s| s.area.zips.first().cloned())
                .unwrap_or_else(|| "10001".to_string()),
            populations: Vec::new(),
            over_income: false,
            issue: directory
                .services
                .first()
                .and_then(|s| s.issues.first().cloned())
                .unwrap_or_else(|| "Housing".to_string()),
            today: None,
        };
        let _ = rank(&directory, &person, &RankOptions::default());
        let _ = directory_to_csv(&directory);
    }
    let _ = import_gazetteer_csv("fuzz.csv", data);
});
