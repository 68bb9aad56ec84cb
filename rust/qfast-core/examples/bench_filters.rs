//! Single-thread throughput of each filter's signals over a corpus file of length-prefixed UTF-8
//! texts (`<u32 LE byte length><bytes>`...). Tokenization is done once up front and not timed,
//! except for C4 (which tokenizes sentences itself).
//!
//! `cargo run --release -p qfast-core --example bench_filters -- corpus.bin`
//!
//! Environment: `REPS=n` (default 5) runs per measurement, `ONLY=substring` measures only the
//! matching benches, `CHECK=1` prints a fingerprint of every `gopher_repetition` signal and
//! decision instead (to compare builds).

mod common;

use std::time::Instant;

use qfast_core::filters::{c4, fineweb, gopher_quality, gopher_repetition};
use qfast_core::pipeline;
use qfast_core::tokenize::{Tokenizer, TokenizerKind};

fn main() {
    let (texts, mb) = common::read_corpus("usage: bench_filters corpus.bin");
    let tok = Tokenizer::new(TokenizerKind::Spacy);
    let words: Vec<Vec<&str>> = texts.iter().map(|t| tok.words(t)).collect();
    println!("{} docs, {:.2} MB", texts.len(), mb);
    let reps: usize = std::env::var("REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let only = std::env::var("ONLY").unwrap_or_default();
    if std::env::var("CHECK").is_ok() {
        use std::hash::{Hash, Hasher};
        let gr = gopher_repetition::Config::default();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (t, w) in texts.iter().zip(&words) {
            format!("{:?}", gopher_repetition::signals(t, w, &gr)).hash(&mut h);
            format!("{:?}", gopher_repetition::filter(t, w, &gr)).hash(&mut h);
        }
        println!("check {:016x}", h.finish());
        return;
    }

    let bench = |name: &str, f: &mut dyn FnMut() -> usize| {
        if !name.contains(only.as_str()) {
            return;
        }
        let mut best = f64::MAX;
        let mut kept = 0;
        for _ in 0..reps {
            let t = Instant::now();
            kept = f();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{name:<28} {:>8.1} MB/s  (kept {kept})", mb / best);
    };

    let gq = gopher_quality::Config::default();
    bench("gopher_quality signals", &mut || {
        let mut k = 0;
        for (t, w) in texts.iter().zip(&words) {
            let s = gopher_quality::signals(t, w, &gq);
            k += usize::from(gopher_quality::verdict(&s, &gq).is_none());
        }
        k
    });
    let gr = gopher_repetition::Config::default();
    bench("gopher_repetition signals", &mut || {
        let mut k = 0;
        for (t, w) in texts.iter().zip(&words) {
            let s = gopher_repetition::signals(t, w, &gr);
            k += usize::from(gopher_repetition::verdict(&s, &gr).is_none());
        }
        k
    });
    bench("gopher_repetition filter", &mut || {
        let mut k = 0;
        for (t, w) in texts.iter().zip(&words) {
            k += usize::from(gopher_repetition::filter(t, w, &gr).is_none());
        }
        k
    });
    let c4c = c4::Config::default();
    bench("c4 apply", &mut || {
        let mut k = 0;
        for t in &texts {
            k += usize::from(c4::apply(t, &c4c, &tok).verdict.is_none());
        }
        k
    });
    let fw = fineweb::Config::default();
    bench("fineweb signals", &mut || {
        let mut k = 0;
        for (t, w) in texts.iter().zip(&words) {
            let s = fineweb::signals(t, w.len(), &fw);
            k += usize::from(fineweb::verdict(&s, &fw).is_none());
        }
        k
    });
    let preset = vec![
        pipeline::Step::GopherRepetition(gr.clone()),
        pipeline::Step::GopherQuality(gq.clone()),
        pipeline::Step::C4Quality(c4::Config {
            filter_no_terminal_punct: false,
            ..c4::Config::default()
        }),
        pipeline::Step::FineWebQuality(fw.clone()),
    ];
    let mut preset = preset;
    if let Some(k) = std::env::var("STEPS").ok().and_then(|v| v.parse().ok()) {
        preset.truncate(k);
    }
    let rows: Vec<Option<&str>> = texts.iter().map(|t| Some(t.as_str())).collect();
    qfast_core::pool::set_num_threads(1).expect("pool");
    bench("fineweb preset (1 thread)", &mut || {
        let out = pipeline::run(&preset, &rows, &tok).expect("run");
        out.rows.iter().filter(|r| r.step.is_none()).count()
    });
    bench("tokenize (words)", &mut || {
        texts.iter().map(|t| tok.words(t).len()).sum::<usize>()
    });
}
