//! The triage model: encoding a dataset into features, the random forest,
//! validation, calibration, the two ways to learn and the choice between them.

pub mod batch;
pub mod calibrate;
pub mod encode;
pub mod explain;
pub mod explainer;
pub mod forest;
pub mod logistic;
pub mod matrix;
pub mod metrics;
pub mod policy;
pub mod report;
pub mod saved;
pub mod shap;
pub mod split;
pub mod suggest;
pub mod train;
