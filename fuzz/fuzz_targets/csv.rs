//! Any bytes as a referral file: read, typed, quality report, exported.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    signpost_fuzz::bodies::csv(data);
});
