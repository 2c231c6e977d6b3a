//! Benchmark: import (being built).

fn main() {}
