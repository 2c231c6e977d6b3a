//! Any text as a scenario file: parsed and checked.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    signpost_fuzz::bodies::scenario(data);
});
