//! Oversight that closes the loop: the fairness audit of a model's
//! out-of-fold predictions, model versions kept in the workspace, retraining
//! from recorded outcomes, and drift of new referrals against the training
//! data. Pure engines, like the rest of the core.

pub mod audit;
pub mod drift;
pub mod predictions;
pub mod retrain;
pub mod stats;
pub mod versions;
