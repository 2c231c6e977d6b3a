//! Small components shared by several screens.

pub mod progress;
