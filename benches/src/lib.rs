//! Shared helpers for the benchmarks (inputs generated on the fly).
