//! Fuzz bytes as a set of Open Referral HSDS tables (split at NUL bytes).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    signpost_fuzz::bodies::hsds(data);
});
