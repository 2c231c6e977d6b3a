//! Any text as a workspace file; and any text that parses as a workspace is
//! exported with a right checksum and read back, so the checks behind the
//! checksum are reached too.
#![no_main]
use libfuzzer_sys::fuzz_target;
use signpost::workspace::{export, import, Workspace};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = import("fuzz.json", text);
    if let Ok(workspace) = serde_json::from_str::<Workspace>(text) {
        if let Ok(file) = export(&workspace) {
            let _ = import("fuzz.json", &file);
        }
    }
});
