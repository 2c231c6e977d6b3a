//! Benchmark: forest (being built).

fn main() {}
