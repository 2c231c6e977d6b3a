//! Starts the Yew page. The page only exists on wasm32; a native build of this
//! binary just says so (the native tool is `signpost`).

#[cfg(target_arch = "wasm32")]
fn main() {
    signpost::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("signpost-app is the web page; build it with `trunk build` (see README.md). The command-line tool is `signpost`.");
    std::process::exit(2);
}
