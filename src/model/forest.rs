//! Random forest whose trees the core can read (being built).
