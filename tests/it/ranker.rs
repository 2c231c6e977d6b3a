//! Integration tests: ranker.
