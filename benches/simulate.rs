//! Benchmark: simulate (being built).

fn main() {}
