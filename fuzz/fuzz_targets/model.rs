//! Any text as a saved model; a model whose parts are accepted must then
//! suggest for a referral without panicking or hanging.
#![no_main]
use libfuzzer_sys::fuzz_target;
use signpost::model::train::TrainedModel;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = TrainedModel::from_json(text);
    // Behind any envelope: the model itself, checked part by part.
    if let Ok(model) = serde_json::from_str::<TrainedModel>(text) {
        if model.validate().is_ok() {
            let inputs: Vec<(String, Option<String>)> = Vec::new();
            let _ = model.suggest(&inputs);
        }
    }
});
