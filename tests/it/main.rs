//! The one integration-test binary: each engine has a module here.

mod cli;
mod flows;
mod forest;
mod import;
mod model;
mod ranker;
mod segment;
mod sim;
mod sim_limits;
mod sim_people;
