//! The Yew page (wasm32 only). It owns no domain logic: screens read the
//! workspace from the state reducer, call the core engines and dispatch
//! actions. Browser-only concerns (IndexedDB, files, downloads, the Web
//! Worker) live in their own modules here.

pub mod app;
#[cfg(feature = "bench")]
pub mod bench;
pub mod components;
pub mod files;
pub mod jobs;
pub mod screens;
pub mod state;
pub mod storage;
pub mod worker;

/// Mounts the page on `<body>`.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
