//! Small components shared by several screens.

pub mod charts;
pub mod form;
pub mod progress;
pub mod scatter;
pub mod services;
