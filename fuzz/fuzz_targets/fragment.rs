//! Any text as the page's URL fragment holding a scenario: as given (to
//! fuzz the envelope), and wrapped as a valid fragment (to fuzz what is
//! behind the checksum).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    signpost_fuzz::bodies::fragment(data);
});
