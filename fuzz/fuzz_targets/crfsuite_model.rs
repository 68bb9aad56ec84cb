#![no_main]
// The harness is shared with qfast-core's regression test (tests/fuzz_regressions.rs).
#[path = "../../rust/qfast-core/tests/fuzz_harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::crfsuite_model(data));
