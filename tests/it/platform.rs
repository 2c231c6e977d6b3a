//! Issue 15: the page-worker message without JSON-encoded files, and the
//! instant demo's model (its fingerprint is what the browser test compares).

use signpost::demo::{self, DemoOptions};
use signpost::jobs::{self, JobRequest, JobResult, JobUpdate};
use signpost::model::batch::Part;
use signpost::model::train::{train, TrainConfig};

#[test]
fn a_request_without_its_bytes_is_small_and_gets_them_back() {
    let bytes = b"referral_id,risk_level\n1,3\n".repeat(200);
    let mut request = JobRequest::Import {
        name: "referrals.csv".into(),
        bytes: bytes.clone(),
        sheet: None,
    };
    let taken = request.take_bytes().unwrap();
    assert_eq!(taken, bytes);
    let text = serde_json::to_string(&request).unwrap();
    assert!(text.len() < 100, "{text}");
    let mut back: JobRequest = serde_json::from_str(&text).unwrap();
    back.put_bytes(taken);
    assert_eq!(
        back,
        JobRequest::Import {
            name: "referrals.csv".into(),
            bytes,
            sheet: None,
        }
    );
    // Requests without a file have no bytes to take, and ignore any put.
    let mut simulate = JobRequest::Demo { seed: 1 };
    assert_eq!(simulate.take_bytes(), None);
    simulate.put_bytes(vec![1, 2, 3]);
    assert_eq!(simulate, JobRequest::Demo { seed: 1 });
}

#[test]
fn a_batch_request_round_trips_without_its_bytes() {
    let data = demo::referrals(&DemoOptions {
        rows: 200,
        seed: 3,
        truth: false,
    });
    let mut config = TrainConfig::default();
    config.forest.n_trees = 5;
    let model = train(&data, &config).unwrap();
    let csv = demo::to_csv(&data).into_bytes();
    let original = JobRequest::Batch {
        name: "new.csv".into(),
        bytes: csv.clone(),
        model: Box::new(model),
        with_reasons: true,
        part: Part::WHOLE,
    };
    let mut request = original.clone();
    let bytes = request.take_bytes().unwrap();
    let mut back: JobRequest =
        serde_json::from_str(&serde_json::to_string(&request).unwrap()).unwrap();
    back.put_bytes(bytes);
    assert_eq!(back, original);
}

#[test]
fn a_directory_is_read_in_the_worker_from_one_file_or_hsds_tables() {
    let read = |path: &str| std::fs::read(path).unwrap();
    let run = |files: Vec<(String, Vec<u8>)>| {
        // Through the message's two halves, as the page sends it: JSON
        // without the bytes, and each file's bytes apart.
        let original = JobRequest::Directory { files };
        let mut request = original.clone();
        let taken = request.take_files();
        let text = serde_json::to_string(&request).unwrap();
        assert!(text.len() < 400, "{text}");
        let mut back: JobRequest = serde_json::from_str(&text).unwrap();
        back.put_files(taken);
        assert_eq!(back, original);
        jobs::run(back, &mut |_| {})
    };
    let one = run(vec![(
        "directory.csv".into(),
        read("examples/directory.csv"),
    )]);
    let JobUpdate::Done(result) = one else {
        panic!("{one:?}")
    };
    let JobResult::Directory { directory, .. } = *result else {
        panic!("not a directory")
    };
    assert!(!directory.services.is_empty());

    let hsds: Vec<(String, Vec<u8>)> = [
        "organizations",
        "services",
        "locations",
        "service_at_location",
    ]
    .iter()
    .map(|t| {
        (
            format!("{t}.csv"),
            read(&format!("tests/data/hsds-example/{t}.csv")),
        )
    })
    .collect();
    let JobUpdate::Done(result) = run(hsds) else {
        panic!("HSDS tables were not read")
    };
    assert!(
        matches!(*result, JobResult::Directory { ref directory, .. } if !directory.services.is_empty())
    );

    // A file that is neither: the message names the import.
    let bad = run(vec![("junk.xlsx".into(), read("tests/data/junk.bin"))]);
    let JobUpdate::Failed(message) = bad else {
        panic!("{bad:?}")
    };
    assert!(
        message.starts_with("The directory was not imported"),
        "{message}"
    );
}

/// The forest the Model screen trains from `#demo` (1,000 referrals, seed
/// 42, the default settings). `tests/browser/triage.test.mjs` reads the
/// fingerprint the page shows for it (trained in the worker, in
/// WebAssembly) and compares it with this value.
pub const DEMO_FOREST_FINGERPRINT: &str = "451ae9bb58b25865";

#[test]
fn the_demo_model_has_the_same_forest_natively_and_in_the_browser() {
    let data = demo::referrals(&DemoOptions::default());
    let model = train(&data, &TrainConfig::default()).unwrap();
    assert_eq!(
        format!("{:016x}", model.forest.fingerprint()),
        DEMO_FOREST_FINGERPRINT
    );
}
