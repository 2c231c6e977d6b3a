//! Any text as a saved model; a model whose parts are accepted must then
//! suggest for a referral without panicking or hanging.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    signpost_fuzz::bodies::model(data);
});
