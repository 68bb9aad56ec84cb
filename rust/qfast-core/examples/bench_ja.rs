//! Single-thread throughput of the Sudachi port (mode-A morphemes, then datatrove's spaCy `ja`
//! tokens) over a corpus file of length-prefixed UTF-8 texts, cut into datatrove's 40,000-byte
//! chunks as the word tokenizer does.
//!
//! `cargo run --release -p qfast-core --example bench_ja -- corpus.bin SUDACHI_DIC RESOURCES_DIR`
//!
//! Environment: `REPS=n` (default 5); `CHECK=1` prints a fingerprint of every token span
//! instead (to compare builds).

mod common;

use std::time::Instant;

use qfast_core::ja::{chunk_text_on_bytes, spacy_ja_tokens};
use qfast_core::sudachi::Sudachi;

/// Receives each chunk and its token spans.
type Emit<'a> = dyn FnMut(&str, &[(usize, usize)]) + 'a;

fn main() {
    let usage = "usage: bench_ja corpus.bin system.dic sudachipy/resources";
    let (texts, mb) = common::read_corpus(usage);
    let dic = std::fs::read(std::env::args().nth(2).expect(usage)).expect("read system.dic");
    let res = std::path::PathBuf::from(std::env::args().nth(3).expect(usage));
    let read = |n: &str| std::fs::read_to_string(res.join(n)).expect("read resource");
    let load = Instant::now();
    let s = Sudachi::new(
        dic,
        &read("char.def"),
        &read("unk.def"),
        &read("rewrite.def"),
    )
    .expect("load sudachi");
    let chunks: Vec<(&str, Vec<(usize, usize)>)> = texts
        .iter()
        .map(|t| (t.as_str(), chunk_text_on_bytes(t, 40_000)))
        .collect();
    println!(
        "{} docs, {:.2} MB; dictionary loaded in {:.0} ms",
        texts.len(),
        mb,
        load.elapsed().as_secs_f64() * 1e3
    );
    let run = |emit: &mut Emit| {
        for (t, cs) in &chunks {
            for &(a, b) in cs {
                let c = &t[a..b];
                let m = s.tokenize(c).expect("tokenize");
                emit(c, &spacy_ja_tokens(c, &m));
            }
        }
    };
    if std::env::var("CHECK").is_ok() {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let mut n = 0usize;
        run(&mut |c, toks| {
            n += toks.len();
            for &(a, b) in toks {
                c[a..b].hash(&mut h);
            }
        });
        println!("check {:016x} ({n} tokens)", h.finish());
        return;
    }
    let reps: usize = std::env::var("REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let mut best = f64::MAX;
    for _ in 0..reps {
        let t = Instant::now();
        let mut n = 0usize;
        run(&mut |_, toks| n += toks.len());
        best = best.min(t.elapsed().as_secs_f64());
        std::hint::black_box(n);
    }
    println!("ja tokens {:>8.2} MB/s", mb / best);
}
