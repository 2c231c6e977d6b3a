//! Any bytes as a referral file: read, typed, quality report, exported.
#![no_main]
use libfuzzer_sys::fuzz_target;
use signpost::import::{import, quality_report, ReadOptions};

fuzz_target!(|data: &[u8]| {
    if let Ok(imported) = import("fuzz.csv", data, &ReadOptions::default()) {
        let _ = quality_report(&imported.dataset);
        let _ = imported.dataset.to_csv();
    }
});
