//! Benchmark: segment (being built).

fn main() {}
