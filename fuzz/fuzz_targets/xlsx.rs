//! Fuzz bytes as the sheet XML and shared strings of a valid XLSX container,
//! read by the referral import and the directory import.
#![no_main]
use libfuzzer_sys::fuzz_target;
use signpost::import::{import, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let bytes = signpost_fuzz::workbook(data);
    if let Ok(imported) = import("fuzz.xlsx", &bytes, &ReadOptions::default()) {
        let _ = signpost::import::quality_report(&imported.dataset);
    }
    let _ = signpost::ranker::import_directory("fuzz.xlsx", &bytes);
});
