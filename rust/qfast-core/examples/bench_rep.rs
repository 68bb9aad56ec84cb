//! (gopher_repetition only) Single-thread throughput of each filter's signals over a corpus file of length-prefixed UTF-8
//! texts (`<u32 LE byte length><bytes>`...). Tokenization is done once up front and not timed,
//! except for C4 (which tokenizes sentences itself).
//!
//! `cargo run --release -p qfast-core --example bench_filters -- corpus.bin`

use std::time::Instant;

use qfast_core::filters::gopher_repetition;
use qfast_core::tokenize::{Tokenizer, TokenizerKind};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: bench_filters corpus.bin");
    let raw = std::fs::read(&path).expect("read corpus");
    let mut texts: Vec<String> = Vec::new();
    let mut i = 0;
    while i + 4 <= raw.len() {
        let n = u32::from_le_bytes([raw[i], raw[i + 1], raw[i + 2], raw[i + 3]]) as usize;
        i += 4;
        texts.push(String::from_utf8_lossy(&raw[i..i + n]).into_owned());
        i += n;
    }
    let mb = texts.iter().map(|t| t.len()).sum::<usize>() as f64 / 1e6;
    let tok = Tokenizer::new(TokenizerKind::Spacy);
    let words: Vec<Vec<&str>> = texts.iter().map(|t| tok.words(t)).collect();
    let nw: usize = words.iter().map(|w| w.len()).sum();
    println!("{} docs, {:.2} MB, {nw} words", texts.len(), mb);
    let reps: usize = std::env::var("REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);

    let bench = |name: &str, f: &mut dyn FnMut() -> usize| {
        let mut best = f64::MAX;
        let mut kept = 0;
        for _ in 0..reps {
            let t = Instant::now();
            kept = f();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{name:<28} {:>8.1} MB/s  (kept {kept})", mb / best);
    };

    let gr = gopher_repetition::Config::default();
    if std::env::var("CHECK").is_ok() {
        // Fingerprint of every signal and decision (compare across builds).
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (t, w) in texts.iter().zip(&words) {
            format!("{:?}", gopher_repetition::signals(t, w, &gr)).hash(&mut h);
            format!("{:?}", gopher_repetition::filter(t, w, &gr)).hash(&mut h);
        }
        println!("check {:016x}", h.finish());
        return;
    }
    let only = std::env::var("ONLY").unwrap_or_default();
    let bench = |name: &str, f: &mut dyn FnMut() -> usize| {
        if name.contains(only.as_str()) {
            bench(name, f)
        }
    };
    bench("gopher_repetition signals", &mut || {
        let mut k = 0;
        for (t, w) in texts.iter().zip(&words) {
            let s = gopher_repetition::signals(t, w, &gr);
            k += gopher_repetition::verdict(&s, &gr).is_none() as usize;
        }
        k
    });
    bench("gopher_repetition filter", &mut || {
        let mut k = 0;
        for (t, w) in texts.iter().zip(&words) {
            k += gopher_repetition::filter(t, w, &gr).is_none() as usize;
        }
        k
    });
}
