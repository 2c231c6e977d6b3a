//! The triage model: encoding a dataset into features, the random forest,
//! validation, calibration, the two ways to learn and the choice between them.

pub mod forest;
pub mod matrix;
pub mod shap;
