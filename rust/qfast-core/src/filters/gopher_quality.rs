//! `GopherQualityFilter` (datatrove `gopher_quality_filter.py`).

use std::sync::OnceLock;

use super::{enabled, ratio, Reason};
use crate::chars::{has_non_punctuation, is_punctuation_set};
use crate::narrow::usize64;
use crate::pytext::{is_alpha, lstrip, rstrip, splitlines};

#[path = "gopher_quality_simd.rs"]
mod simd;

/// datatrove's default `STOP_WORDS`.
pub const STOP_WORDS: [&str; 8] = ["the", "be", "to", "of", "and", "that", "have", "with"];

/// Parameters of `GopherQualityFilter`, with datatrove's names and defaults. `None` or `Some(0.0)`
/// disables a check (Python falsiness). Integer parameters are stored as `f64` (exact below 2^53).
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub min_doc_words: Option<f64>,
    pub max_doc_words: Option<f64>,
    pub min_avg_word_length: Option<f64>,
    pub max_avg_word_length: Option<f64>,
    pub max_symbol_word_ratio: Option<f64>,
    pub max_bullet_lines_ratio: Option<f64>,
    pub max_ellipsis_lines_ratio: Option<f64>,
    /// Misnamed in datatrove: a **minimum** ratio of words containing a letter.
    pub max_non_alpha_words_ratio: Option<f64>,
    pub min_stop_words: Option<f64>,
    /// Case-sensitive; duplicates are irrelevant (datatrove makes a set).
    pub stop_words: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            min_doc_words: Some(50.0),
            max_doc_words: Some(100_000.0),
            min_avg_word_length: Some(3.0),
            max_avg_word_length: Some(10.0),
            max_symbol_word_ratio: Some(0.1),
            max_bullet_lines_ratio: Some(0.9),
            max_ellipsis_lines_ratio: Some(0.3),
            max_non_alpha_words_ratio: Some(0.8),
            min_stop_words: Some(2.0),
            stop_words: STOP_WORDS
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
        }
    }
}

/// Everything `GopherQualityFilter` measures on one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Signals {
    /// `len(words)` (all tokens, punctuation included).
    pub n_words: u64,
    /// Tokens with at least one character outside `PUNCTUATION_SET`.
    pub n_non_symbol_words: u64,
    /// `np.mean([len(w) for w in non_symbol_words])`; NaN when there are none (passes both checks).
    pub avg_word_length: f64,
    /// `text.count("#")`.
    pub hash_count: u64,
    /// `text.count("...") + text.count("…")`.
    pub ellipsis_count: u64,
    /// `hash_count / n_words` (NaN for 0/0; Python would raise `ZeroDivisionError`).
    pub hash_ratio: f64,
    /// `ellipsis_count / n_words`.
    pub ellipsis_ratio: f64,
    /// `len(text.splitlines())`.
    pub n_lines: u64,
    /// Lines whose `lstrip()` starts with `•` or `-`.
    pub bullet_lines: u64,
    /// Lines whose `rstrip()` ends with `...` or `…`.
    pub end_ellipsis_lines: u64,
    /// `bullet_lines / n_lines` (NaN for the empty text, which has no lines).
    pub bullet_lines_ratio: f64,
    /// `end_ellipsis_lines / n_lines`.
    pub end_ellipsis_lines_ratio: f64,
    /// Tokens containing at least one `isalpha` character.
    pub alpha_words: u64,
    /// `alpha_words / n_words`.
    pub alpha_words_ratio: f64,
    /// `len(stop_words ∩ set(words))`: distinct stop words present.
    pub stop_words: u64,
}

/// Per ASCII byte: bit 0 = not in `PUNCTUATION_SET`, bit 1 = `isalpha`; non-ASCII bytes: bit 2.
fn byte_classes() -> &'static [u8; 256] {
    static T: OnceLock<[u8; 256]> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = [4u8; 256];
        for (c, slot) in (0u8..128).zip(t.iter_mut()) {
            let ch = char::from(c);
            let mut buf = [0u8; 4];
            let w: &str = ch.encode_utf8(&mut buf);
            *slot = u8::from(has_non_punctuation(w)) | (u8::from(is_alpha(ch)) << 1);
        }
        t
    })
}

/// Word-level measures: `n_words`, `n_non_symbol_words`, `avg_word_length`, `alpha_words`,
/// `stop_words`. Distinct stop words stop being counted once `stop_limit` are found (the
/// early-exit filter only needs to know that the minimum is reached).
fn word_stats<'w>(text: &str, words: &[&'w str], cfg: &Config, stop_limit: u32, s: &mut Signals) {
    let cls = byte_classes();
    let tb = text.as_bytes();
    let (mut n_nsw, mut nsw_len, mut alpha_words) = (0u64, 0u64, 0u64);

    // Distinct stop words (at most 64 tracked in a bitmask; more use a slower set).
    let mut stop: [&[u8]; 64] = [&[]; 64];
    let mut n_stop = 0usize;
    let mut big: Option<ahash::AHashSet<&str>> = None;
    for w in &cfg.stop_words {
        let w = w.as_bytes();
        if !stop[..n_stop].contains(&w) {
            if n_stop == 64 {
                big = Some(cfg.stop_words.iter().map(String::as_str).collect());
                break;
            }
            stop[n_stop] = w;
            n_stop += 1;
        }
    }
    let stop = &stop[..n_stop];
    // Bit l set when some stop word has byte length l (lengths >= 63 share bit 63).
    let mut len_mask = stop.iter().fold(0u64, |m, w| m | 1u64 << w.len().min(63));
    if stop_limit == 0 {
        len_mask = 0;
    }
    // Stop words of at most 8 bytes as zero-padded little-endian words: a word of the same
    // length matches one exactly when the packed values are equal.
    let mut packed = [(0u64, usize::MAX); 64];
    for (p, w) in packed.iter_mut().zip(stop) {
        if w.len() <= 8 {
            *p = (crate::swar::load_word(&[], w).0, w.len());
        }
    }
    let packed = &packed[..n_stop];
    // Those packed stop words by hash (linear probing; entry = index + 1, 0 = empty): one
    // comparison per word instead of one per stop word (Chinese lists have dozens).
    let slot =
        |v: u64, len: usize| usize64((v ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 57);
    let mut by_hash = [0u8; 128];
    for (k, &(pv, pl)) in packed.iter().enumerate() {
        if pl <= 8 {
            let mut i = slot(pv, pl);
            while by_hash[i] != 0 {
                i = (i + 1) & 127;
            }
            by_hash[i] = u8::try_from(k + 1).unwrap_or(0); // k < 64
        }
    }
    let mut seen = 0u64;
    let mut seen_big: ahash::AHashSet<&'w str> = ahash::AHashSet::new();

    // Counts the distinct stop words; false once no further word can change the result. `v`:
    // the word's bytes zero padded, when it has at most 8 (the class pass loads them). (A
    // macro: the per-word call must inline.)
    macro_rules! stop_check {
        ($w:expr, $v:expr) => {{
            let w: &'w str = $w;
            let (b, len) = (w.as_bytes(), w.len());
            if let Some(set) = &big {
                if set.contains(w) {
                    seen_big.insert(w);
                }
            } else if len_mask >> len.min(63) & 1 != 0 {
                if len <= 8 {
                    let v: u64 = $v;
                    let mut i = slot(v, len);
                    while let Some(k) = usize::from(by_hash[i]).checked_sub(1) {
                        if packed[k] == (v, len) {
                            seen |= 1 << k;
                            break;
                        }
                        i = (i + 1) & 127;
                    }
                    if seen.count_ones() >= stop_limit {
                        len_mask = 0;
                    }
                } else {
                    for (k, sw) in stop.iter().enumerate() {
                        if sw.len() == len && *sw == b {
                            seen |= 1 << k;
                            break;
                        }
                    }
                }
            }
            big.is_some() || len_mask != 0
        }};
    }
    let mut stop_live = true;
    let vector = simd::available();
    let ascii_cls: &[u8; 128] = cls[..128].try_into().unwrap_or(&[0; 128]);
    let mut k = 0usize;
    while k < words.len() {
        // (Batches at multiples of 8: after a batch the vector pass declines, its 8 words go
        // through the scalar loop.)
        if vector && k + 8 <= words.len() && k.is_multiple_of(8) {
            // SAFETY: the CPU has AVX-512F/BW/DQ/VBMI (`available`).
            let batch = unsafe { simd::classes8(tb, &words[k..k + 8], ascii_cls) };
            if let Some((nsw, alpha, len8)) = batch {
                n_nsw += u64::from(nsw.count_ones());
                nsw_len += len8;
                alpha_words += u64::from(alpha.count_ones());
                if stop_live {
                    for &w in &words[k..k + 8] {
                        stop_live = stop_check!(w, crate::swar::load_word(tb, w.as_bytes()).0);
                    }
                }
                k += 8;
                continue;
            }
        }
        let w = words[k];
        k += 1;
        let b = w.as_bytes();
        let len = b.len();
        let (acc, v) = if len <= 8 {
            // The word's bytes, zero padded, in one load; then a fixed trip count (no
            // data-dependent loop exit to mispredict per word).
            let v = crate::swar::load_word(tb, b).0;
            if v & crate::swar::HI != 0 {
                // Non-ASCII: only class bit 4 matters (the chars are tested below).
                (4, v)
            } else {
                let mut acc = 0u8;
                for k in 0..8 {
                    let keep = u8::from(k < len).wrapping_neg();
                    acc |= cls[((v >> (8 * k)) & 0xFF) as usize] & keep;
                }
                (acc, v)
            }
        } else {
            (b.iter().fold(0u8, |a, &c| a | cls[c as usize]), 0)
        };
        if acc & 4 == 0 {
            // ASCII: bytes are code points.
            let nsw = u64::from(acc & 1);
            n_nsw += nsw;
            nsw_len += nsw * len as u64;
            alpha_words += u64::from(acc >> 1) & 1;
        } else {
            // Both tests in one pass over the chars (CJK words settle both at the first).
            let (mut nsw, mut alpha) = (false, false);
            for c in w.chars() {
                nsw |= !is_punctuation_set(c);
                alpha |= is_alpha(c);
                if nsw && alpha {
                    break;
                }
            }
            if nsw {
                n_nsw += 1;
                nsw_len += if len <= 8 {
                    // Code points: bytes that are not continuations (0b10xx_xxxx); the
                    // zero padding counts as none.
                    let hi = crate::swar::HI;
                    let cont = (v & !(v << 1) & hi).count_ones();
                    len as u64 - u64::from(cont)
                } else {
                    crate::pytext::len_cp(w) as u64
                };
            }
            alpha_words += u64::from(alpha);
        }
        if stop_live {
            stop_live = stop_check!(w, v);
        }
    }
    s.n_words = words.len() as u64;
    s.n_non_symbol_words = n_nsw;
    s.avg_word_length = ratio(nsw_len, n_nsw);
    s.alpha_words = alpha_words;
    s.alpha_words_ratio = ratio(alpha_words, s.n_words);
    s.stop_words = if big.is_some() {
        seen_big.len() as u64
    } else {
        u64::from(seen.count_ones())
    };
}

#[inline]
fn load8(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().unwrap())
}

/// `text.count("#")` and `text.count("...") + text.count("…")`.
fn symbol_counts(text: &str, s: &mut Signals) {
    let b = text.as_bytes();
    // Whole 64-byte blocks in vector lanes where the CPU has them, then the rest.
    let (mut hash, mut dots, mut ell, run, start) = if simd::available_bw() {
        // SAFETY: the CPU has AVX-512F/BW (`available_bw`).
        unsafe { simd::symbols64(b) }
    } else {
        (0, 0, 0, 0, 0)
    };
    hash += crate::pytext::count_bytes(&b[start..], |c| c == b'#') as u64;
    // Non-overlapping "...": a maximal run of r dots holds r / 3 of them. "…" = E2 80 A6.
    let mut i = start;
    if run > 0 {
        // The dot run the blocks ended in goes on here.
        let mut j = i;
        while j < b.len() && b[j] == b'.' {
            j += 1;
        }
        dots += (run + (j - i) as u64) / 3;
        i = j;
    }
    while i < b.len() {
        if i + 8 <= b.len() {
            let v = load8(b, i);
            let m = crate::swar::eq(v, b'.') | crate::swar::eq(v, 0xE2);
            if m == 0 {
                i += 8;
                continue;
            }
            // The lowest flagged byte is exact (`swar::eq` may only over-flag above it).
            i += (m.trailing_zeros() / 8) as usize;
        }
        match b[i] {
            b'.' => {
                let mut j = i + 1;
                while j < b.len() && b[j] == b'.' {
                    j += 1;
                }
                dots += ((j - i) / 3) as u64;
                i = j;
            }
            0xE2 => {
                if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0xA6) {
                    ell += 1;
                    i += 3;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    s.hash_count = hash;
    s.ellipsis_count = dots + ell;
    s.hash_ratio = ratio(hash, s.n_words);
    s.ellipsis_ratio = ratio(s.ellipsis_count, s.n_words);
}

/// `text.splitlines()` measures: `n_lines`, `bullet_lines`, `end_ellipsis_lines`.
fn line_stats(text: &str, s: &mut Signals) {
    let (mut n_lines, mut bullet_lines, mut end_ellipsis_lines) = (0u64, 0u64, 0u64);
    let mut line = |l: &str| {
        n_lines += 1;
        let l2 = lstrip(l);
        if l2.starts_with('•') || l2.starts_with('-') {
            bullet_lines += 1;
        }
        let r = rstrip(l);
        if r.ends_with("...") || r.ends_with('…') {
            end_ellipsis_lines += 1;
        }
    };
    for l in splitlines(text) {
        line(l);
    }
    s.n_lines = n_lines;
    s.bullet_lines = bullet_lines;
    s.end_ellipsis_lines = end_ellipsis_lines;
    s.bullet_lines_ratio = ratio(bullet_lines, n_lines);
    s.end_ellipsis_lines_ratio = ratio(end_ellipsis_lines, n_lines);
}

/// Measure `text`. `words` must be `split_into_words(text)` (shared tokenization).
#[must_use]
pub fn signals(text: &str, words: &[&str], cfg: &Config) -> Signals {
    let mut s = Signals::default();
    word_stats(text, words, cfg, u32::MAX, &mut s);
    symbol_counts(text, &mut s);
    line_stats(text, &mut s);
    s
}

/// `reason` when the check is enabled and `value < limit`.
fn below(limit: Option<f64>, value: f64, reason: &'static str) -> Option<Reason> {
    enabled(limit).filter(|&t| value < t).map(|_| reason.into())
}

/// `reason` when the check is enabled and `value > limit` (NaN never exceeds: passes).
fn above(limit: Option<f64>, value: f64, reason: &'static str) -> Option<Reason> {
    enabled(limit).filter(|&t| value > t).map(|_| reason.into())
}

fn check_words(s: &Signals, cfg: &Config) -> Option<Reason> {
    let nsw = s.n_non_symbol_words as f64;
    below(cfg.min_doc_words, nsw, "gopher_short_doc")
        .or_else(|| above(cfg.max_doc_words, nsw, "gopher_long_doc"))
        .or_else(|| {
            below(
                cfg.min_avg_word_length,
                s.avg_word_length,
                "gopher_below_avg_threshold",
            )
        })
        .or_else(|| {
            above(
                cfg.max_avg_word_length,
                s.avg_word_length,
                "gopher_above_avg_threshold",
            )
        })
}

fn check_symbols(s: &Signals, cfg: &Config) -> Option<Reason> {
    above(
        cfg.max_symbol_word_ratio,
        s.hash_ratio,
        "gopher_too_many_hashes",
    )
    .or_else(|| {
        above(
            cfg.max_symbol_word_ratio,
            s.ellipsis_ratio,
            "gopher_too_many_ellipsis",
        )
    })
}

fn check_lines(s: &Signals, cfg: &Config) -> Option<Reason> {
    above(
        cfg.max_bullet_lines_ratio,
        s.bullet_lines_ratio,
        "gopher_too_many_bullets",
    )
    .or_else(|| {
        above(
            cfg.max_ellipsis_lines_ratio,
            s.end_ellipsis_lines_ratio,
            "gopher_too_many_end_ellipsis",
        )
    })
}

fn check_alpha_stop(s: &Signals, cfg: &Config) -> Option<Reason> {
    below(
        cfg.max_non_alpha_words_ratio,
        s.alpha_words_ratio,
        "gopher_below_alpha_threshold",
    )
    .or_else(|| {
        below(
            cfg.min_stop_words,
            s.stop_words as f64,
            "gopher_enough_stop_words",
        )
    })
}

/// First failing check in datatrove's order, or `None` to keep.
///
/// Where Python would raise `ZeroDivisionError` (`n_words` == 0 with `min_doc_words` disabled; the
/// empty text's zero lines), the ratio is NaN and the check passes (module docs of `filters`).
#[must_use]
pub fn verdict(s: &Signals, cfg: &Config) -> Option<Reason> {
    check_words(s, cfg)
        .or_else(|| check_symbols(s, cfg))
        .or_else(|| check_lines(s, cfg))
        .or_else(|| check_alpha_stop(s, cfg))
}

/// `verdict(&signals(text, words, cfg), cfg)`, measuring each stage only when the earlier checks
/// pass.
#[must_use]
pub fn filter(text: &str, words: &[&str], cfg: &Config) -> Option<Reason> {
    // The non-symbol words are some of the words: fewer words than the minimum is a short
    // document whatever they are (most documents of a short-text corpus, e.g. reviews).
    if let Some(r) = below(cfg.min_doc_words, words.len() as f64, "gopher_short_doc") {
        return Some(r);
    }
    let mut s = Signals::default();
    // `stop_words < min_stop_words` only needs counting up to the (integer) minimum.
    // (The smallest integer >= the minimum, up to 64; NaN or more: count them all.)
    let stop_limit = enabled(cfg.min_stop_words).map_or(0, |t| {
        (0..=64u32).find(|&k| f64::from(k) >= t).unwrap_or(u32::MAX)
    });
    word_stats(text, words, cfg, stop_limit, &mut s);
    if let Some(r) = check_words(&s, cfg) {
        return Some(r);
    }
    symbol_counts(text, &mut s);
    if let Some(r) = check_symbols(&s, cfg) {
        return Some(r);
    }
    line_stats(text, &mut s);
    check_lines(&s, cfg).or_else(|| check_alpha_stop(&s, cfg))
}

#[cfg(test)]
mod tests {
    //! Expected verdicts obtained by running datatrove 0.10.1 (words = whitespace split).
    use super::*;
    use crate::pytext::any_alpha;

    /// The vector symbol counts equal the scalar loop's: dot runs and "…" across 64-byte
    /// block ends, "…" cut by the text's end, other E2 characters.
    #[test]
    fn symbol_counts_vector_equals_scalar() {
        let palette = [
            "#",
            ".",
            "..",
            "...",
            "…",
            "—",
            "a",
            "word ",
            "\u{2026}.",
            "é",
            "\u{e2}",
        ];
        let mut next = crate::filters::testgen::xorshift(0x9E37_79B9_7F4A_7C15);
        for round in 0..3000 {
            let len = (next() % 200) as usize;
            let w = crate::filters::testgen::draw(&mut next, &palette, len, 2 + round % 10);
            let mut text = w.concat();
            if round % 7 == 0 {
                // A dot run reaching the text's end.
                text.push_str("..");
            }
            let count = |force: bool| {
                crate::cpu::FORCE_SCALAR.set(force);
                let mut s = Signals::default();
                symbol_counts(&text, &mut s);
                crate::cpu::FORCE_SCALAR.set(false);
                (s.hash_count, s.ellipsis_count)
            };
            assert_eq!(count(false), count(true), "{text:?}");
        }
        // Against Python's counts on a text with runs across a block end.
        let text = format!("{}{}", "x".repeat(62), ".....#…...");
        let mut s = Signals::default();
        symbol_counts(&text, &mut s);
        assert_eq!((s.hash_count, s.ellipsis_count), (1, 1 + 1 + 1));
    }

    /// The vector word classes give the scalar loop's signals and verdicts: ASCII words of
    /// every length class, punctuation-only words, non-ASCII words, words at the text's end,
    /// stop words counted in full (signals) and up to the minimum (filter).
    #[test]
    fn word_classes_vector_equals_scalar() {
        let palette = [
            "the",
            "of",
            "and",
            "with",
            "Word",
            "123",
            "...",
            "#",
            "--",
            "extraordinarily",
            "sixteen-bytes-ok",
            "seventeen-bytes-x",
            "é",
            "naïve",
            "日本",
            "a",
            "!?",
            "x_y",
        ];
        let mut next = crate::filters::testgen::xorshift(0x2545_F491_4F6C_DD1D);
        let cfg = Config::default();
        for round in 0..600 {
            let len = (next() % 120) as usize;
            let k = 2 + round % (palette.len() - 1);
            let w = crate::filters::testgen::draw(&mut next, &palette, len, k);
            let text = w.join(" ");
            let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
            let both = |force: bool| {
                crate::cpu::FORCE_SCALAR.set(force);
                // (Debug text: NaN ratios compare equal there.)
                let r = format!(
                    "{:?} {:?}",
                    signals(&text, &words, &cfg),
                    filter(&text, &words, &cfg)
                );
                crate::cpu::FORCE_SCALAR.set(false);
                r
            };
            assert_eq!(both(false), both(true), "{text:?}");
        }
    }

    fn run(t: &str, cfg: &Config) -> Option<String> {
        let w: Vec<&str> = t.split_whitespace().collect();
        filter(t, &w, cfg).map(|r| r.to_string())
    }

    #[test]
    fn nan_average_passes() {
        // min_doc_words=0: no non-symbol words -> np.mean([]) = NaN passes both avg checks;
        // "... !!! ???" then fails on ellipsis (1/3 > 0.1).
        let cfg = Config {
            min_doc_words: Some(0.0),
            ..Config::default()
        };
        let w = ["...", "!!!", "???"];
        let s = signals("... !!! ???", &w, &cfg);
        assert!(s.avg_word_length.is_nan());
        assert_eq!(
            run("... !!! ???", &cfg).as_deref(),
            Some("gopher_too_many_ellipsis")
        );
        assert_eq!(
            run("!!! ??? --- ,,,", &cfg).as_deref(),
            Some("gopher_below_alpha_threshold")
        );
    }

    #[test]
    fn stop_words_distinct_and_alpha_over_all_tokens() {
        let cfg = Config {
            min_doc_words: Some(1.0),
            min_avg_word_length: Some(1.0),
            ..Config::default()
        };
        // "the" three times is one distinct stop word.
        assert_eq!(
            run("the the the cat sat down here", &cfg).as_deref(),
            Some("gopher_enough_stop_words")
        );
        // 6 alpha tokens of 8 = 0.75 < 0.8 (punctuation tokens count).
        assert_eq!(
            run("the cat and the dog - - x", &cfg).as_deref(),
            Some("gopher_below_alpha_threshold")
        );
        assert_eq!(run("the cat and the dog - x", &cfg), None);
        let s = signals(
            "the cat and the dog - x",
            &["the", "cat", "and", "the", "dog", "-", "x"],
            &cfg,
        );
        assert_eq!(
            (s.n_words, s.n_non_symbol_words, s.alpha_words, s.stop_words),
            (7, 6, 6, 2)
        );
    }

    #[test]
    fn lines_bullets_and_ellipsis() {
        let t = "  • a\n- b\nc…  \nd...\ne";
        let w: Vec<&str> = t.split_whitespace().collect();
        let s = signals(t, &w, &Config::default());
        assert_eq!((s.n_lines, s.bullet_lines, s.end_ellipsis_lines), (5, 2, 2));
        assert_eq!((s.hash_count, s.ellipsis_count), (0, 2));
        assert_eq!(s.ellipsis_ratio, 2.0 / w.len() as f64);
    }

    #[test]
    fn falsy_thresholds_disable() {
        let off = Config {
            min_doc_words: None,
            max_doc_words: Some(0.0),
            min_avg_word_length: None,
            max_avg_word_length: None,
            max_symbol_word_ratio: None,
            max_bullet_lines_ratio: None,
            max_ellipsis_lines_ratio: None,
            max_non_alpha_words_ratio: None,
            min_stop_words: None,
            stop_words: vec![],
        };
        assert_eq!(run("### ...", &off), None);
        assert_eq!(run("", &off), None); // all NaN ratios, nothing enabled
        assert_eq!(
            run("", &Config::default()).as_deref(),
            Some("gopher_short_doc")
        );
    }

    #[test]
    fn fast_scans_match_reference() {
        use crate::pytext::{count, splitlines};
        let palette = [
            "a", "the", "-", "•", " ", "\n", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}",
            "\u{b}", "\u{1c}", "...", ".", "..", "…", "#", "é", "中", "\u{a0}", "\t", "and", "x.y",
            "!!", "\u{e2}",
        ];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 50) as usize;
            let t: String = (0..len)
                .map(|k| {
                    palette[((x.rotate_left(k as u32 * 5) >> 3) % palette.len() as u64) as usize]
                })
                .collect();
            let w: Vec<&str> = t.split_whitespace().collect();
            let s = signals(&t, &w, &Config::default());
            assert_eq!(s.hash_count, t.matches('#').count() as u64, "{t:?}");
            assert_eq!(
                s.ellipsis_count,
                (count(&t, "...") + count(&t, "…")) as u64,
                "{t:?}"
            );
            let (mut n, mut bl, mut el) = (0u64, 0u64, 0u64);
            for line in splitlines(&t) {
                n += 1;
                let l = lstrip(line);
                bl += u64::from(l.starts_with('•') || l.starts_with('-'));
                let r = rstrip(line);
                el += u64::from(r.ends_with("...") || r.ends_with('…'));
            }
            assert_eq!(
                (s.n_lines, s.bullet_lines, s.end_ellipsis_lines),
                (n, bl, el),
                "{t:?}"
            );
            let nsw: Vec<&&str> = w.iter().filter(|w| has_non_punctuation(w)).collect();
            assert_eq!(s.n_non_symbol_words, nsw.len() as u64);
            let tot: usize = nsw.iter().map(|w| crate::pytext::len_cp(w)).sum();
            assert_eq!(
                s.avg_word_length.to_bits(),
                ratio(tot as u64, nsw.len() as u64).to_bits()
            );
            assert_eq!(
                s.alpha_words,
                w.iter().filter(|w| any_alpha(w)).count() as u64
            );
            let stops: std::collections::HashSet<&str> = w
                .iter()
                .copied()
                .filter(|w| STOP_WORDS.contains(w))
                .collect();
            assert_eq!(s.stop_words, stops.len() as u64);
            assert_eq!(
                filter(&t, &w, &Config::default()),
                verdict(&s, &Config::default())
            );
        }
    }

    #[test]
    fn long_stop_word_lists_count_distinct_members() {
        // Dozens of stop words (as for Chinese), of 1 to 12 bytes, some multi-byte.
        let list: Vec<String> = (0..60)
            .map(|k| match k % 4 {
                0 => format!("w{k}"),
                1 => "的是在了".chars().cycle().skip(k).take(1 + k % 3).collect(),
                2 => format!("longer{k}word"),
                _ => format!("é{k}"),
            })
            .collect();
        let cfg = Config {
            stop_words: list.clone(),
            ..Config::default()
        };
        let mut palette: Vec<String> = list.clone();
        palette.extend(["x", "的的", "w1", "w100", "longer2wor", "é"].map(String::from));
        let mut x: u64 = 0x1234_5678_9ABC_DEF1;
        for _ in 0..300 {
            let w: Vec<&str> = (0..(x % 50))
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    palette[(x % palette.len() as u64) as usize].as_str()
                })
                .collect();
            let t = w.join(" ");
            let want: std::collections::HashSet<&str> = w
                .iter()
                .copied()
                .filter(|w| list.iter().any(|s| s == w))
                .collect();
            assert_eq!(signals(&t, &w, &cfg).stop_words, want.len() as u64, "{t:?}");
        }
    }

    #[test]
    fn word_classes_on_arbitrary_subslices() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let t: String = (0..len)
                .map(|_| match next() % 12 {
                    0 => 'é',
                    1 => '—',
                    2 => '中',
                    3 => '。',
                    _ => char::from((next() % 128) as u8),
                })
                .collect();
            let bounds: Vec<usize> = (0..=t.len()).filter(|&i| t.is_char_boundary(i)).collect();
            let mut w: Vec<&str> = Vec::new();
            for _ in 0..(next() % 12) {
                let a = bounds[(next() % bounds.len() as u64) as usize];
                let b = bounds[(next() % bounds.len() as u64) as usize];
                w.push(&t[a.min(b)..a.max(b)]);
            }
            let owned = String::from("xx the");
            w.push(&owned[3..]); // not a subslice of `t`
            let s = signals(&t, &w, &Config::default());
            let nsw: Vec<&&str> = w.iter().filter(|w| has_non_punctuation(w)).collect();
            assert_eq!(s.n_non_symbol_words, nsw.len() as u64, "{w:?}");
            let tot: usize = nsw.iter().map(|w| crate::pytext::len_cp(w)).sum();
            assert_eq!(
                s.avg_word_length.to_bits(),
                ratio(tot as u64, nsw.len() as u64).to_bits()
            );
            assert_eq!(
                s.alpha_words,
                w.iter().filter(|w| any_alpha(w)).count() as u64,
                "{w:?}"
            );
        }
    }

    #[test]
    fn filter_agrees_with_signals_for_any_stop_word_and_doc_word_minimum() {
        // The filter stops counting stop words at the minimum and drops a document with fewer
        // words than the minimum of non-symbol words before measuring; the verdict must not
        // change.
        let palette = [
            "the", "be", "to", "of", "and", "that", "have", "with", "cat", "é", "thé", "...",
            "withal", "x",
        ];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let minima = [
            None,
            Some(0.0),
            Some(-1.0),
            Some(0.5),
            Some(1.0),
            Some(2.0),
            Some(2.5),
        ];
        let minima = minima.into_iter().chain([
            Some(3.0),
            Some(8.0),
            Some(9.0),
            Some(f64::NAN),
            Some(100.0),
        ]);
        let minima: Vec<Option<f64>> = minima.collect();
        for round in 0..600 {
            let n = (next() % 40) as usize;
            let k = 1 + round % palette.len();
            let w: Vec<&str> = (0..n)
                .map(|_| palette[(next() % k as u64) as usize])
                .collect();
            let t = w.join(" ");
            let doc_minima = [None, Some(3.0), Some(10.0), Some(12.5), Some(f64::NAN)];
            for (&m, &d) in minima.iter().zip(doc_minima.iter().cycle().skip(round)) {
                let cfg = Config {
                    min_doc_words: d,
                    min_avg_word_length: None,
                    max_avg_word_length: None,
                    min_stop_words: m,
                    ..Config::default()
                };
                let want = verdict(&signals(&t, &w, &cfg), &cfg);
                assert_eq!(filter(&t, &w, &cfg), want, "{m:?} {d:?} {t:?}");
            }
        }
    }
}
