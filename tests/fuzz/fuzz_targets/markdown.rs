//! Fuzz target `markdown`: a thin wrapper over `harness::markdown`, the same function
//! `tests/fuzz_regressions.rs` runs on the saved inputs.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::markdown(data));
