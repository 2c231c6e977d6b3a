//! Any text as the page's URL fragment holding a scenario: as given (to
//! fuzz the envelope), and wrapped as a valid fragment (to fuzz what is
//! behind the checksum).
#![no_main]
use libfuzzer_sys::fuzz_target;
use signpost::sim::Scenario;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(scenario) = Scenario::from_url_fragment(text) {
            let _ = scenario.check();
        }
    }
    if let Ok(scenario) = Scenario::from_url_fragment(&signpost_fuzz::fragment(data)) {
        let _ = scenario.check();
    }
});
