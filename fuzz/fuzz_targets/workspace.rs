//! Any text as a workspace file; and any text that parses as a workspace is
//! exported with a right checksum and read back, so the checks behind the
//! checksum are reached too.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    signpost_fuzz::bodies::workspace(data);
});
