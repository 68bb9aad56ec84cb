//! Hostile model and index files: every truncation, every single-bit flip and a forged
//! maximal value in every length-sized field of a real file give an error or a usable model,
//! never a panic, and parsing never allocates more than the file's size justifies.
//!
//! The bound is measured, not assumed: a counting global allocator records the peak bytes
//! live during each `from_bytes` call. The allowance (`ALLOC_PER_BYTE` times the file size,
//! plus `ALLOC_SLACK`) is a few times what the valid files themselves need, so a reader that
//! trusted a forged count (gigabytes) fails loudly.

#![allow(
    clippy::cast_possible_truncation,
    reason = "hand-built fixture files of a few hundred bytes"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

use qfast_core::crfsuite::CrfModel;
use qfast_core::decontam::DecontamIndex;
use qfast_core::dedup::{IndexParams, LshIndex};
use qfast_core::fasttext::{train_supervised, FastTextModel, Loss, TrainArgs};
use xxhash_rust::xxh3::xxh3_64;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// The tests in this file run one at a time: the counters are process-wide.
static SERIAL: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counters are only
// bookkeeping and never affect the pointers returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(now, Relaxed);
        // SAFETY: same layout contract as our caller's.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        // SAFETY: `p` came from `alloc` above with this layout.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if new > l.size() {
            let now = LIVE.fetch_add(new - l.size(), Relaxed) + new - l.size();
            PEAK.fetch_max(now, Relaxed);
        } else {
            LIVE.fetch_sub(l.size() - new, Relaxed);
        }
        // SAFETY: `p` came from this allocator with layout `l`.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const ALLOC_PER_BYTE: usize = 64;
const ALLOC_SLACK: usize = 1 << 20;

/// Peak bytes allocated while `f` runs (beyond what was live before), and whether it panicked.
fn peak_during<T>(f: impl FnOnce() -> T) -> (usize, Result<T, String>) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = catch_unwind(AssertUnwindSafe(f)).map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| {
                e.downcast_ref::<&str>()
                    .map(std::string::ToString::to_string)
            })
            .unwrap_or_default()
    });
    (PEAK.load(Relaxed).saturating_sub(base), out)
}

/// Every variant of `good`: truncations, single-bit flips, and forged `u32`/`u64` maxima
/// (and `i32::MAX`/`i64::MAX`) written at every offset.
fn hostile_variants(good: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for cut in 0..good.len() {
        out.push((format!("truncated to {cut} bytes"), good[..cut].to_vec()));
    }
    for i in 0..good.len() {
        for bit in 0..8 {
            let mut b = good.to_vec();
            b[i] ^= 1 << bit;
            out.push((format!("bit {bit} of byte {i} flipped"), b));
        }
    }
    let forged: [&[u8]; 4] = [
        &u32::MAX.to_le_bytes(),
        &(i32::MAX as u32).to_le_bytes(),
        &u64::MAX.to_le_bytes(),
        &(i64::MAX as u64).to_le_bytes(),
    ];
    for i in 0..good.len() {
        for f in forged {
            if i + f.len() <= good.len() {
                let mut b = good.to_vec();
                b[i..i + f.len()].copy_from_slice(f);
                out.push((format!("{}-byte maximum forged at byte {i}", f.len()), b));
            }
        }
    }
    out
}

/// A qfast index file's bytes with a correct checksum: what a forger would write, so the
/// variants reach the parser instead of stopping at the checksum.
fn resealed(content: &[u8]) -> Vec<u8> {
    let mut b = content.to_vec();
    b.extend_from_slice(&xxh3_64(content).to_le_bytes());
    b
}

/// Every hostile variant of an index file: those of the whole file (stopped by the checksum)
/// and those of its content, resealed.
fn index_variants(good: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = hostile_variants(good);
    let content = &good[..good.len() - 8];
    for (what, b) in hostile_variants(content) {
        out.push((format!("{what}, resealed"), resealed(&b)));
    }
    out
}

/// Parses every hostile variant of `good` with `parse` (which may also use a parsed value):
/// no panic, allocation within the allowance. Returns how many variants parsed.
fn check_reader(
    name: &str,
    good: &[u8],
    variants: &[(String, Vec<u8>)],
    parse: impl Fn(&[u8]) -> bool,
) -> usize {
    let (peak, ok) = peak_during(|| parse(good));
    assert_eq!(ok, Ok(true), "{name}: the valid file must parse");
    let allowance = ALLOC_PER_BYTE * good.len() + ALLOC_SLACK;
    assert!(
        peak <= allowance,
        "{name}: the valid file needs {peak} bytes"
    );
    let mut parsed = 0;
    let mut worst = (0usize, String::new());
    for (what, bytes) in variants {
        let (peak, out) = peak_during(|| parse(bytes));
        let ok = out.unwrap_or_else(|msg| panic!("{name}, {what}: panicked: {msg}"));
        parsed += usize::from(ok);
        if peak > worst.0 {
            worst = (peak, what.clone());
        }
        let allowance = ALLOC_PER_BYTE * bytes.len() + ALLOC_SLACK;
        assert!(
            peak <= allowance,
            "{name}, {what}: allocated {peak} bytes for a {}-byte file",
            bytes.len()
        );
    }
    eprintln!(
        "{name}: {} variants of a {}-byte file, {parsed} parsed, the rest refused; \
         largest allocation {} bytes ({})",
        variants.len(),
        good.len(),
        worst.0,
        worst.1
    );
    parsed
}

fn fasttext_bytes() -> Vec<u8> {
    let examples: Vec<(&str, Vec<String>)> = [
        ("good clean text about cats", "__label__good"),
        ("buy cheap pills now now now", "__label__spam"),
        ("a calm note on gardens and cats", "__label__good"),
        ("click here free money pills", "__label__spam"),
    ]
    .iter()
    .map(|(t, l)| (*t, vec![l.to_string()]))
    .collect();
    let args = TrainArgs {
        dim: 4,
        epoch: 2,
        word_ngrams: 2,
        minn: 2,
        maxn: 3,
        bucket: 16,
        loss: Loss::Softmax,
        threads: 1,
        ..TrainArgs::default()
    };
    train_supervised(&examples, &args).expect("train")
}

#[test]
fn fasttext_model_files() {
    let _one = one_at_a_time();
    let good = fasttext_bytes();
    let parsed = check_reader("fastText model", &good, &hostile_variants(&good), |b| {
        match FastTextModel::from_bytes(b) {
            // A model that loads must also predict without panicking.
            Ok(m) => {
                let _ = m.predict("cheap cats \u{e9}t\u{e9} now", Some(2), 0.0);
                true
            }
            Err(_) => false,
        }
    });
    assert!(
        parsed > 0,
        "some flips only change weights; they must still load"
    );
}

#[test]
fn lsh_index_files() {
    let _one = one_at_a_time();
    for key_bits in [32, 64] {
        let mut idx = LshIndex::new(IndexParams {
            minhash: "test".into(),
            bands: 4,
            key_bits,
        })
        .unwrap();
        idx.insert(&[&[1, 2, 3, 4], &[5, 6, 7, 8], &[9, 10, 11, 12]]);
        let good = idx.to_bytes().unwrap();
        check_reader(
            &format!("LSH index ({key_bits}-bit keys)"),
            &good,
            &index_variants(&good),
            |b| {
                LshIndex::from_bytes(b)
                    .map(|i| i.matches(&vec![1; i.params().bands]))
                    .is_ok()
            },
        );
    }
}

#[test]
fn decontamination_index_files() {
    let _one = one_at_a_time();
    let mut idx = DecontamIndex::new(4, 2).unwrap();
    idx.add(
        &[
            Some("what is the capital city of france today"),
            Some("two plus two equals four"),
        ],
        &["q1".into(), "q2".into()],
    )
    .unwrap();
    let good = idx.to_bytes().unwrap();
    check_reader(
        "decontamination index",
        &good,
        &index_variants(&good),
        |b| match DecontamIndex::from_bytes(b) {
            Ok(i) => {
                let _ = i.scan("the capital city of france today is paris");
                true
            }
            Err(_) => false,
        },
    );
}

#[test]
fn fasttext_forged_maxn_over_a_long_word_is_refused() {
    let _one = one_at_a_time();
    // fastText precomputes every word's character n-grams: maxn forged to 1000 over one
    // 20,000-byte word would need ~80 MB of ids for a ~20 KB file.
    let long = "x".repeat(20_000);
    let text = format!("short words here {long}");
    let examples = vec![(text.as_str(), vec!["__label__a".to_string()])];
    let args = TrainArgs {
        dim: 2,
        epoch: 1,
        minn: 2,
        maxn: 3,
        bucket: 8,
        threads: 1,
        ..TrainArgs::default()
    };
    let mut bytes = train_supervised(&examples, &args).expect("train");
    assert!(FastTextModel::from_bytes(&bytes).is_ok());
    // args.maxn: after magic, version and 10 other i32 args.
    bytes[48..52].copy_from_slice(&1000i32.to_le_bytes());
    let (peak, out) = peak_during(|| {
        FastTextModel::from_bytes(&bytes)
            .err()
            .map(|e| e.to_string())
    });
    let err = out.expect("no panic").expect("refused");
    assert!(err.contains("subword ids"), "{err}");
    assert!(
        peak <= ALLOC_PER_BYTE * bytes.len() + ALLOC_SLACK,
        "{peak} bytes for a {}-byte file",
        bytes.len()
    );
}

/// A CQDB string table (offsets relative to the chunk): header, records, then the backward array (the
/// only part a reader by id needs).
fn cqdb(keys: &[&str]) -> Vec<u8> {
    let mut recs = Vec::new();
    let mut bwd = Vec::new();
    for (id, k) in keys.iter().enumerate() {
        bwd.extend_from_slice(&(24 + recs.len() as u32).to_le_bytes());
        recs.extend_from_slice(&(id as u32).to_le_bytes());
        recs.extend_from_slice(&(k.len() as u32 + 1).to_le_bytes());
        recs.extend_from_slice(k.as_bytes());
        recs.push(0);
    }
    let mut b = b"CQDB".to_vec();
    let size = 24 + recs.len() + bwd.len();
    for v in [size, 0, 0, keys.len(), 24 + recs.len()] {
        b.extend_from_slice(&(v as u32).to_le_bytes());
    }
    b.extend(recs);
    b.extend(bwd);
    b
}

/// A small first-order `CRFsuite` model (`lCRF`/`FOMC`), laid out as `CRFsuite` writes one: 2
/// labels, 3 attributes, 3 state and 2 transition features.
fn crfsuite_bytes() -> Vec<u8> {
    let feats: [(u32, u32, u32, f64); 5] = [
        (0, 0, 0, 0.5),
        (0, 1, 1, 0.3),
        (0, 2, 0, 1.0),
        (1, 0, 1, 0.2),
        (1, 1, 0, -0.1),
    ];
    let mut feat = b"FEAT".to_vec();
    feat.extend_from_slice(&(12 + 20 * feats.len() as u32).to_le_bytes());
    feat.extend_from_slice(&(feats.len() as u32).to_le_bytes());
    for (ty, src, dst, w) in feats {
        for v in [ty, src, dst] {
            feat.extend_from_slice(&v.to_le_bytes());
        }
        feat.extend_from_slice(&w.to_le_bytes());
    }
    let off_feat = 48;
    let off_labels = off_feat + feat.len();
    let labels = cqdb(&["B", "I"]);
    let off_attrs = off_labels + labels.len();
    let attrs = cqdb(&["a", "b", "c"]);
    let off_refs = off_attrs + attrs.len();
    // AFRF: the offsets (absolute) of each attribute's feature id list.
    let lists: [&[u32]; 3] = [&[0], &[1], &[2]];
    let mut refs = b"AFRF".to_vec();
    let head = 12 + 4 * lists.len();
    let body: usize = lists.iter().map(|l| 4 + 4 * l.len()).sum();
    refs.extend_from_slice(&((head + body) as u32).to_le_bytes());
    refs.extend_from_slice(&(lists.len() as u32).to_le_bytes());
    let mut at = off_refs + head;
    for l in lists {
        refs.extend_from_slice(&(at as u32).to_le_bytes());
        at += 4 + 4 * l.len();
    }
    for l in lists {
        refs.extend_from_slice(&(l.len() as u32).to_le_bytes());
        for id in l {
            refs.extend_from_slice(&id.to_le_bytes());
        }
    }
    let total = off_refs + refs.len();
    let mut b = b"lCRF".to_vec();
    b.extend_from_slice(&(total as u32).to_le_bytes());
    b.extend_from_slice(b"FOMC");
    // version, features, labels, attributes, then the chunk offsets (label refs unused).
    for v in [
        100,
        feats.len(),
        2,
        3,
        off_feat,
        off_labels,
        off_attrs,
        0,
        off_refs,
    ] {
        b.extend_from_slice(&(v as u32).to_le_bytes());
    }
    b.extend(feat);
    b.extend(labels);
    b.extend(attrs);
    b.extend(refs);
    assert_eq!(b.len(), total);
    b
}

#[test]
fn crfsuite_model_files() {
    let _one = one_at_a_time();
    let good = crfsuite_bytes();
    let m = CrfModel::from_bytes(&good).expect("the hand-built model parses");
    assert_eq!(m.labels(), ["B", "I"]);
    let mut state = vec![0.0; 4];
    m.add_state(m.attr("a").unwrap(), &mut state[..2]);
    m.add_state(m.attr("b").unwrap(), &mut state[2..]);
    assert_eq!(state, [0.5, 0.0, 0.0, 0.3]);
    // B then I: 0.5 + 0.2 (B->I) + 0.3 beats B then B (0.5).
    assert_eq!(m.viterbi(&state), [0, 1]);
    check_reader("CRFsuite model", &good, &hostile_variants(&good), |b| {
        match CrfModel::from_bytes(b) {
            // A model that loads must also tag without panicking.
            Ok(m) => {
                let l = m.labels().len();
                let mut state = vec![0.0; 3 * l];
                for (t, name) in ["a", "b", "c"].iter().enumerate() {
                    if let Some(a) = m.attr(name) {
                        m.add_state(a, &mut state[t * l..(t + 1) * l]);
                    }
                }
                let _ = m.viterbi(&state);
                true
            }
            Err(_) => false,
        }
    });
}

#[test]
fn crfsuite_forged_label_count_is_refused() {
    let _one = one_at_a_time();
    let mut bytes = crfsuite_bytes();
    // 60,000 labels would be a 28.8 GB transition matrix.
    bytes[20..24].copy_from_slice(&60_000u32.to_le_bytes());
    let (peak, out) = peak_during(|| CrfModel::from_bytes(&bytes).err().map(|e| e.to_string()));
    let err = out.expect("no panic").expect("refused");
    assert!(err.contains("transition matrix"), "{err}");
    assert!(peak <= ALLOC_PER_BYTE * bytes.len() + ALLOC_SLACK);
}

/// Writes the valid files above as the file targets' fuzz seeds (`fuzz/regressions/<target>/
/// seed-valid`), which `tests/fuzz_regressions.rs` replays: run by `scripts/fuzz.sh seeds`.
#[test]
#[ignore = "writes files; run by scripts/fuzz.sh seeds"]
fn write_fuzz_seeds() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut lsh = LshIndex::new(IndexParams {
        minhash: "seed".into(),
        bands: 4,
        key_bits: 64,
    })
    .unwrap();
    lsh.insert(&[&[1, 2, 3, 4], &[5, 6, 7, 8]]);
    let mut dcn = DecontamIndex::new(4, 2).unwrap();
    dcn.add(
        &[Some("what is the capital city of france today")],
        &["q1".into()],
    )
    .unwrap();
    let seeds = [
        ("fasttext_model", fasttext_bytes()),
        ("lsh_index", lsh.to_bytes().unwrap()),
        ("decontam_index", dcn.to_bytes().unwrap()),
        ("crfsuite_model", crfsuite_bytes()),
    ];
    for (target, bytes) in seeds {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("seed-valid"), &bytes).unwrap();
        if target.ends_with("_index") {
            // Without its checksum: the harness reseals it, so mutations reach the parser.
            std::fs::write(dir.join("seed-content"), &bytes[..bytes.len() - 8]).unwrap();
        }
    }
}
