//! Any text as the page's URL fragment holding a scenario.
#![no_main]
use libfuzzer_sys::fuzz_target;
use signpost::sim::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(scenario) = Scenario::from_url_fragment(text) {
        let _ = scenario.check();
    }
});
