//! Criterion benches for env0 hot paths live in `benches/`.
