//! Any text as a saved model; a model that is accepted must then suggest
//! for a referral without panicking or hanging.
#![no_main]
use libfuzzer_sys::fuzz_target;
use signpost::model::train::TrainedModel;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(model) = TrainedModel::from_json(text) {
        let inputs: Vec<(String, Option<String>)> = Vec::new();
        let _ = model.suggest(&inputs);
    }
});
