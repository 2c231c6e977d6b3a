//! Small components shared by several screens.

pub mod charts;
pub mod drift;
pub mod fairness;
pub mod form;
pub mod progress;
pub mod scatter;
pub mod services;
pub mod versions;
