//! Any text as a scenario file: parsed and checked.
#![no_main]
use libfuzzer_sys::fuzz_target;
use signpost::sim::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(scenario) = serde_json::from_str::<Scenario>(text) {
        let _ = scenario.check();
        let _ = scenario.to_url_fragment();
    }
});
