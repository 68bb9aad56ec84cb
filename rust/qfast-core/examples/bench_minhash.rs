//! Single-thread `MinHash` signing throughput (fast mode, 16 x 8, word 5-grams, 32-bit) over a
//! corpus file of length-prefixed UTF-8 texts (`<u32 LE byte length><bytes>`...).
//!
//! `cargo run --release -p qfast-core --example bench_minhash -- corpus.bin` (`REPS=n`).

mod common;

use std::time::Instant;

use qfast_core::dedup::{MinHashConfig, MinHasher, Scratch, Shingling};
use qfast_core::tokenize::{Tokenizer, TokenizerKind};

fn main() {
    let (texts, mb) = common::read_corpus("usage: bench_minhash corpus.bin");
    let reps: usize = std::env::var("REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let cfg = MinHashConfig {
        shingling: Shingling::Words { lowercase: true },
        n_grams: 5,
        bands: 16,
        rows: 8,
        seed: 42,
        precision: 32,
    };
    let h = MinHasher::new(cfg, Tokenizer::new(TokenizerKind::Spacy)).expect("config");
    let mut sc = Scratch::default();
    let mut sig = vec![0u32; 128];
    let mut best = f64::MAX;
    // Counted outside the timing (`sign32` need not keep the shingle list).
    let mut buf = Vec::new();
    let shingles: usize = texts
        .iter()
        .map(|t| {
            h.shingles(t, &mut buf);
            buf.len()
        })
        .sum();
    for _ in 0..reps {
        let t = Instant::now();
        for text in &texts {
            std::hint::black_box(h.sign32(text, &mut sc, &mut sig));
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{} docs, {:.2} MB, {} shingles: {:.1} MB/s, {:.1} ns/shingle",
        texts.len(),
        mb,
        shingles,
        mb / best,
        best * 1e9 / shingles as f64
    );
}
