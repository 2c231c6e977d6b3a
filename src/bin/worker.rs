//! The Web Worker entry: runs long jobs off the page's main thread.

#[cfg(target_arch = "wasm32")]
fn main() {
    signpost::ui::worker::register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("worker is the page's Web Worker and only runs in a browser.");
    std::process::exit(2);
}
