//! The one integration-test binary: each engine has a module here.

mod cli;
mod flows;
mod forest;
mod fuzz_bodies;
mod hostile;
mod import;
mod model;
mod model_choice;
mod model_cli;
mod model_file;
mod oversight;
mod platform;
mod ranker;
mod segment;
mod sim;
mod sim_limits;
mod sim_people;
