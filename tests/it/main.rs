//! The one integration-test binary: each engine has a module here.

mod cli;
mod forest;
mod import;
mod model;
mod oversight;
mod ranker;
mod segment;
mod sim;
