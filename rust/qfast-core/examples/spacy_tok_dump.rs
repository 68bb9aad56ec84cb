//! Parity/throughput helper: reads JSON-lines strings, writes `[words, sentences]` per line.
//! usage: `spacy_tok_dump` [spacy|unicode] < texts.jsonl > out.jsonl
//!        `spacy_tok_dump` bench|bench-unicode < texts.jsonl   (prints throughput per on-CPU second)
//!        `spacy_tok_dump` full < texts.jsonl   (`[tokens, words, sentences]`, all APIs checked)
use std::io::{BufRead, Write};

use qfast_core::tokenize::{Tokenizer, TokenizerKind};

/// On-CPU time of this thread in seconds (Linux schedstat), else wall-clock time since start.
fn cpu_secs(t0: std::time::Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| t0.elapsed().as_secs_f64(), |ns| ns / 1e9)
}

fn main() {
    let clock = std::time::Instant::now();
    let mode = std::env::args().nth(1).unwrap_or_else(|| "spacy".into());
    let kind = if mode == "unicode" || mode == "bench-unicode" {
        TokenizerKind::Unicode
    } else {
        TokenizerKind::Spacy
    };
    let tok = Tokenizer::new(kind);
    let stdin = std::io::stdin();
    let texts: Vec<String> = stdin
        .lock()
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str::<String>(&l).ok())
        .collect();
    if mode.starts_with("bench") {
        let bytes: usize = texts.iter().map(std::string::String::len).sum();
        let iters: usize = std::env::var("BENCH_ITERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3);
        for _ in 0..iters {
            let mut n = 0usize;
            let t0 = cpu_secs(clock);
            for t in &texts {
                n += tok.words(t).len();
            }
            let dt = cpu_secs(clock) - t0;
            let t1 = cpu_secs(clock);
            let mut s = 0usize;
            for t in &texts {
                s += tok.sentence_count(t);
            }
            let ds = cpu_secs(clock) - t1;
            let t2 = cpu_secs(clock);
            let mut sw = (0usize, 0usize);
            for t in &texts {
                let (a, b) = tok.sentence_and_word_count(t);
                sw.0 += a;
                sw.1 += b;
            }
            let dsw = cpu_secs(clock) - t2;
            println!(
                "{} docs, {:.1} MB, {} words: words() {:.1} MB/s; sentence_count() {:.1} MB/s ({} sents); sentence_and_word_count() {:.1} MB/s {:?}",
                texts.len(),
                bytes as f64 / 1e6,
                n,
                bytes as f64 / 1e6 / dt,
                bytes as f64 / 1e6 / ds,
                s,
                bytes as f64 / 1e6 / dsw,
                sw
            );
        }
        return;
    }
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    if mode == "full" {
        // Every API: tokens, words, sentences, counts (internal consistency asserted).
        for t in &texts {
            let (w, s) = tok.words_and_sentences(t);
            assert_eq!(w, tok.words(t));
            assert_eq!(s, tok.sentences(t));
            assert_eq!(tok.sentence_and_word_count(t), (s.len(), w.len()));
            assert_eq!(tok.sentence_count(t), s.len());
            let v = serde_json::json!([tok.tokens(t), w, s]);
            let _ = writeln!(out, "{v}");
        }
        return;
    }
    for t in &texts {
        let v = serde_json::json!([tok.words(t), tok.sentences(t)]);
        let _ = writeln!(out, "{v}");
    }
}
