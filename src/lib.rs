//! Signpost's core: pure engines that take data and return data.
//!
//! Nothing in this library (outside `ui`, which only exists on wasm32) uses a
//! web crate, reads a clock or does I/O, so every engine is tested natively
//! with `cargo test`. See ARCHITECTURE.md for the map.

pub mod csv_out;
pub mod decisions;
pub mod demo;
pub mod envelope;
pub mod flows;
pub mod import;
pub mod instant_demo;
pub mod jobs;
pub mod model;
pub mod oversight;
pub mod ranker;
pub mod rng;
pub mod segment;
pub mod sim;
pub mod workspace;

#[cfg(target_arch = "wasm32")]
pub mod ui;
