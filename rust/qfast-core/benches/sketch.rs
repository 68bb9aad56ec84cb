//! The 32-bit `MinHash` sketch kernel alone: K = 128 lanes of `min (a * h + b) mod 2^32` over a
//! document's shingle hashes. Throughput is in shingles, so criterion reports the time per
//! shingle (invert the elements/s figure; the harness also prints it as "time per element").
//!
//! Run: `cargo bench -p qfast-core --bench sketch`

#![allow(
    clippy::cast_possible_truncation,
    reason = "random words are truncated to 32 bits on purpose"
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use qfast_core::dedup::sketch32;

const K: usize = 128;

/// splitmix64: deterministic, well-mixed test inputs without a rand dependency.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn bench_sketch32(c: &mut Criterion) {
    let mut s = 42u64;
    let a: Vec<u32> = (0..K).map(|_| splitmix(&mut s) as u32 | 1).collect();
    let b: Vec<u32> = (0..K).map(|_| splitmix(&mut s) as u32).collect();
    let mut group = c.benchmark_group("sketch32_k128");
    // 1000 hashes is a ~6 KB document of word 5-shingles; 100 a short one, 10000 a long one.
    for n in [100usize, 1000, 10_000] {
        let hashes: Vec<u32> = (0..n).map(|_| splitmix(&mut s) as u32).collect();
        let mut out = vec![0u32; K];
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &hashes, |bch, h| {
            bch.iter(|| {
                sketch32(black_box(h), black_box(&a), black_box(&b), &mut out);
                black_box(&out);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_sketch32);
criterion_main!(benches);
