//! Benchmark: ranker (being built).

fn main() {}
