//! Any bytes as a directory CSV, then as a gazetteer; an accepted directory
//! is ranked for a person and exported.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    signpost_fuzz::bodies::directory(data);
});
