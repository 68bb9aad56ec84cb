//! Replays every saved fuzz case (`fuzz/regressions/<target>/*`: crashes found by
//! `scripts/fuzz.sh`, minimized, and the seeds) through its harness, so a fixed crash stays
//! fixed without cargo-fuzz or a nightly compiler.

mod fuzz_harness;

use std::path::Path;

#[test]
fn saved_fuzz_cases_replay_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut total = 0;
    for &(name, run) in fuzz_harness::TARGETS {
        let dir = root.join(name);
        let mut cases: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        cases.sort();
        assert!(!cases.is_empty(), "{name}: no saved cases");
        for path in &cases {
            let data = std::fs::read(path).expect("read case");
            let out = std::panic::catch_unwind(|| run(&data));
            assert!(out.is_ok(), "{name}: {} panics", path.display());
        }
        eprintln!("{name}: {} saved cases replayed", cases.len());
        total += cases.len();
    }
    assert!(total >= fuzz_harness::TARGETS.len());
}

/// Each harness rejects what it must: a broken invariant is a panic the fuzzer reports.
#[test]
fn harnesses_accept_ordinary_input() {
    for &(_, run) in fuzz_harness::TARGETS {
        run(b"Hello world. This is a test, e.g. of U.S. text: a@b.com 10.0.0.1!\n\nNew line \xff.");
        run(b"");
    }
}
