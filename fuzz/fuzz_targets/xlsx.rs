//! Fuzz bytes as the sheet XML and shared strings of a valid XLSX container,
//! read by the referral import and the directory import.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    signpost_fuzz::bodies::xlsx(data);
});
