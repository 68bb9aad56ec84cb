//! `GopherRepetitionFilter` (datatrove `gopher_repetition_filter.py`, 0.10.1 with the `empty` check).
//!
//! N-gram hashing: every n-gram is identified by a polynomial hash, modulo the Mersenne prime
//! 2^61-1, of **the exact string datatrove builds** (`" ".join(words[i:i+n])` for top n-grams,
//! `"".join(...)` for duplicated n-grams). Polynomial hashes compose over concatenation, so each
//! gram's hash is O(1) from per-word prefix hashes, without building strings. Hash equality is
//! never trusted on its own: a hash hit is confirmed by comparing the two grams' joined contents
//! (first as word-id sequences, which settles the common case, then byte-by-byte over the joined
//! streams, which handles `["ab","c"] == ["a","bc"]`). Colliding-but-different grams take separate
//! slots of the open-addressing table, so results are exact whatever the hash does; the hash only
//! affects speed. (Word and gram indices are `u32`: documents must have fewer than 2^32 words.)

use std::sync::OnceLock;

#[path = "gopher_rep_fast.rs"]
mod fast;
#[path = "gopher_rep_simd.rs"]
mod simd;

use super::{enabled, ratio, Reason};
use crate::narrow::{id32, low64};
use crate::pytext::{len_cp, strip};

/// Parameters of `GopherRepetitionFilter`, with datatrove's names and defaults. The four line and
/// paragraph fractions are disabled by `None`/`Some(0.0)` (Python falsiness); the n-gram
/// thresholds are always applied, as in datatrove.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub dup_line_frac: Option<f64>,
    pub dup_para_frac: Option<f64>,
    pub dup_line_char_frac: Option<f64>,
    pub dup_para_char_frac: Option<f64>,
    /// `(n, max fraction)`; checked in this order.
    pub top_n_grams: Vec<(usize, f64)>,
    /// `(n, max fraction)`; checked in this order. `n == 0` measures 0 (datatrove loops forever).
    pub dup_n_grams: Vec<(usize, f64)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            dup_line_frac: Some(0.3),
            dup_para_frac: Some(0.3),
            dup_line_char_frac: Some(0.2),
            dup_para_char_frac: Some(0.2),
            top_n_grams: vec![(2, 0.2), (3, 0.18), (4, 0.16)],
            dup_n_grams: vec![
                (5, 0.15),
                (6, 0.14),
                (7, 0.13),
                (8, 0.12),
                (9, 0.11),
                (10, 0.10),
            ],
        }
    }
}

/// Everything `GopherRepetitionFilter` measures on one document. Character counts are code points;
/// every `*_frac` is `count / denominator` exactly as datatrove computes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Signals {
    /// `len(text)` of the original text (the denominator of every char fraction).
    pub text_len: u64,
    /// `len(re.split(r"\n{2,}", text.strip()))`.
    pub n_paragraphs: u64,
    pub dup_paragraphs: u64,
    pub dup_paragraph_chars: u64,
    /// `dup_paragraphs / n_paragraphs`.
    pub dup_para_frac: f64,
    /// `dup_paragraph_chars / text_len` (NaN for the empty text, which is dropped as `empty`).
    pub dup_para_char_frac: f64,
    /// `len(re.split(r"\n+", text))`.
    pub n_lines: u64,
    pub dup_lines: u64,
    pub dup_line_chars: u64,
    /// `dup_lines / n_lines`.
    pub dup_line_frac: f64,
    /// `dup_line_chars / text_len`.
    pub dup_line_char_frac: f64,
    /// `len(words)`.
    pub n_words: u64,
    /// Aligned with `Config::top_n_grams`: `len(top_gram) * count` (first-inserted gram on ties);
    /// 0 when there are no n-grams (`n_words < n`, check skipped).
    pub top_n_gram_chars: Vec<u64>,
    /// Aligned with `Config::top_n_grams`: `top_n_gram_chars / text_len`.
    pub top_n_gram_char_frac: Vec<f64>,
    /// Aligned with `Config::dup_n_grams`: datatrove `find_all_duplicate(words, n)`.
    pub dup_n_gram_chars: Vec<u64>,
    /// Aligned with `Config::dup_n_grams`: `dup_n_gram_chars / text_len`.
    pub dup_n_gram_char_frac: Vec<f64>,
}

/// Measure `text`. `words` must be `split_into_words(text)` (shared tokenization).
#[must_use]
pub fn signals(text: &str, words: &[&str], cfg: &Config) -> Signals {
    let text_len = len_cp(text) as u64;
    let ((n_paragraphs, dup_paragraphs, dup_paragraph_chars), (n_lines, dup_lines, dup_line_chars)) =
        fast::para_line_dups(text, strip(text));

    let mut s = Signals {
        text_len,
        n_paragraphs,
        dup_paragraphs,
        dup_paragraph_chars,
        dup_para_frac: ratio(dup_paragraphs, n_paragraphs),
        dup_para_char_frac: ratio(dup_paragraph_chars, text_len),
        n_lines,
        dup_lines,
        dup_line_chars,
        dup_line_frac: ratio(dup_lines, n_lines),
        dup_line_char_frac: ratio(dup_line_chars, text_len),
        n_words: words.len() as u64,
        ..Default::default()
    };
    if cfg.top_n_grams.is_empty() && cfg.dup_n_grams.is_empty() {
        return s;
    }
    fast::with_ngrams(words, text, |ng| {
        let mut slow = None;
        for &(n, _) in &cfg.top_n_grams {
            let c = top_chars(ng, &mut slow, words, n);
            s.top_n_gram_chars.push(c);
            s.top_n_gram_char_frac.push(ratio(c, text_len));
        }
        for &(n, _) in &cfg.dup_n_grams {
            let c = ng.dup_n_gram_chars(n);
            s.dup_n_gram_chars.push(c);
            s.dup_n_gram_char_frac.push(ratio(c, text_len));
        }
    });
    s
}

/// Top n-gram chars: id-based fast path, or the reference `NGrams` when a word contains a space.
fn top_chars<'w, 'a>(
    ng: &mut fast::Fast<'_, '_>,
    slow: &mut Option<NGrams<'w, 'a>>,
    words: &'w [&'a str],
    n: usize,
) -> u64 {
    if ng.ids_exact_for_spaced() {
        ng.top_n_gram_chars(n)
    } else {
        slow.get_or_insert_with(|| NGrams::new(words))
            .top_n_gram_chars(n)
    }
}

/// First failing check in datatrove's order, or `None` to keep. `s` must come from `signals` with
/// the same `cfg` (the n-gram vectors are aligned with it).
#[must_use]
pub fn verdict(s: &Signals, cfg: &Config) -> Option<Reason> {
    if s.text_len == 0 {
        return Some("empty".into());
    }
    if let Some(t) = enabled(cfg.dup_para_frac) {
        if s.dup_para_frac > t {
            return Some("dup_para_frac".into());
        }
    }
    if let Some(t) = enabled(cfg.dup_para_char_frac) {
        if s.dup_para_char_frac > t {
            return Some("dup_para_char_frac".into());
        }
    }
    if let Some(t) = enabled(cfg.dup_line_frac) {
        if s.dup_line_frac > t {
            return Some("dup_line_frac".into());
        }
    }
    if let Some(t) = enabled(cfg.dup_line_char_frac) {
        if s.dup_line_char_frac > t {
            return Some("dup_line_char_frac".into());
        }
    }
    for (k, &(n, f)) in cfg.top_n_grams.iter().enumerate() {
        if n > 0 && s.n_words < n as u64 {
            continue; // `if not n_grams: continue`
        }
        if s.top_n_gram_char_frac.get(k).is_some_and(|&r| r > f) {
            return Some(format!("top_{n}_gram").into());
        }
    }
    for (k, &(n, f)) in cfg.dup_n_grams.iter().enumerate() {
        if s.dup_n_gram_char_frac.get(k).is_some_and(|&r| r > f) {
            return Some(format!("duplicated_{n}_n_grams").into());
        }
    }
    None
}

/// Early-exit filter: same decision as `verdict(&signals(..))`, but stops measuring at the first
/// failing check (datatrove's own control flow), so dropped documents skip the n-gram work.
#[must_use]
pub fn filter(text: &str, words: &[&str], cfg: &Config) -> Option<Reason> {
    match filter_lines(text, cfg) {
        Err(r) => Some(r),
        Ok(text_len) => filter_ngrams(text, words, text_len, cfg),
    }
}

/// The checks of `filter` that need no words (empty text, duplicated paragraphs and lines):
/// `Err(reason)` drops, `Ok(len(text))` means the n-gram checks decide. A pipeline runs this
/// before tokenizing, so documents dropped here are never tokenized.
pub fn filter_lines(text: &str, cfg: &Config) -> Result<u64, Reason> {
    if text.is_empty() {
        return Err("empty".into());
    }
    let text_len = len_cp(text) as u64;
    let ((np, dp, dpc), (nl, dl, dlc)) = fast::para_line_dups(text, strip(text));
    if enabled(cfg.dup_para_frac).is_some_and(|t| ratio(dp, np) > t) {
        return Err("dup_para_frac".into());
    }
    if enabled(cfg.dup_para_char_frac).is_some_and(|t| ratio(dpc, text_len) > t) {
        return Err("dup_para_char_frac".into());
    }
    if enabled(cfg.dup_line_frac).is_some_and(|t| ratio(dl, nl) > t) {
        return Err("dup_line_frac".into());
    }
    if enabled(cfg.dup_line_char_frac).is_some_and(|t| ratio(dlc, text_len) > t) {
        return Err("dup_line_char_frac".into());
    }
    Ok(text_len)
}

/// The n-gram checks of `filter`, after `filter_lines` returned `Ok(text_len)` for `text`, the
/// text `words` were split from.
#[must_use]
pub fn filter_ngrams(text: &str, words: &[&str], text_len: u64, cfg: &Config) -> Option<Reason> {
    if cfg.top_n_grams.is_empty() && cfg.dup_n_grams.is_empty() {
        return None;
    }
    fast::with_ngrams(words, text, |ng| {
        let mut slow = None;
        for &(n, f) in &cfg.top_n_grams {
            if n > 0 && words.len() < n {
                continue;
            }
            // value <= bound, and `ratio(., L) > f` is monotone: a passing bound decides.
            if ng.ids_exact_for_spaced() && ratio(ng.top_upper_bound(n), text_len) <= f {
                continue;
            }
            if ratio(top_chars(ng, &mut slow, words, n), text_len) > f {
                return Some(format!("top_{n}_gram").into());
            }
        }
        for &(n, f) in &cfg.dup_n_grams {
            if n == 0 || words.len() < n {
                // Measures 0.
                if ratio(0, text_len) > f {
                    return Some(format!("duplicated_{n}_n_grams").into());
                }
                continue;
            }
            if ratio(ng.dup_upper_bound(n), text_len) <= f {
                continue;
            }
            if ratio(ng.dup_walk(n), text_len) > f {
                return Some(format!("duplicated_{n}_n_grams").into());
            }
        }
        None
    })
}

/// `re.split(r"\n{2,}", s)`: pieces between runs of two or more `\n` (always at least one piece).
pub fn split_paragraphs(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut start = 0usize;
    let mut i = 0usize;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        while i < b.len() {
            if b[i] == b'\n' {
                let mut j = i;
                while j < b.len() && b[j] == b'\n' {
                    j += 1;
                }
                if j - i >= 2 {
                    let piece = &s[start..i];
                    start = j;
                    i = j;
                    return Some(piece);
                }
                i = j;
            } else {
                i += 1;
            }
        }
        done = true;
        Some(&s[start..])
    })
}

/// `re.split(r"\n+", s)`: pieces between runs of `\n` (leading/trailing runs give `""` pieces).
pub fn split_newline_runs(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut start = 0usize;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut i = start;
        while i < b.len() && b[i] != b'\n' {
            i += 1;
        }
        if i == b.len() {
            done = true;
            return Some(&s[start..]);
        }
        let piece = &s[start..i];
        let mut j = i;
        while j < b.len() && b[j] == b'\n' {
            j += 1;
        }
        start = j;
        Some(piece)
    })
}

// ---------------------------------------------------------------------------------------------
// Polynomial hashing modulo 2^61 - 1.

const MOD: u64 = (1u64 << 61) - 1;
const BASE: u64 = 0x1F3D_5B79_A2C4_E681 % MOD;
const POW_TABLE: usize = 1 << 16;

#[inline]
fn mulmod(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    let s = (low64(r) & MOD) + low64(r >> 61);
    if s >= MOD {
        s - MOD
    } else {
        s
    }
}

#[inline]
fn addmod(a: u64, b: u64) -> u64 {
    let s = a + b;
    if s >= MOD {
        s - MOD
    } else {
        s
    }
}

#[inline]
fn submod(a: u64, b: u64) -> u64 {
    if a >= b {
        a - b
    } else {
        a + MOD - b
    }
}

fn pow_table() -> &'static [u64] {
    static T: OnceLock<Vec<u64>> = OnceLock::new();
    T.get_or_init(|| {
        let mut v = Vec::with_capacity(POW_TABLE);
        let mut p = 1u64;
        for _ in 0..POW_TABLE {
            v.push(p);
            p = mulmod(p, BASE);
        }
        v
    })
}

/// BASE^k mod 2^61-1.
#[inline]
fn pw(table: &[u64], k: usize) -> u64 {
    if let Some(&p) = table.get(k) {
        return p;
    }
    let (mut r, mut b, mut e) = (1u64, BASE, k as u64);
    while e > 0 {
        if e & 1 == 1 {
            r = mulmod(r, b);
        }
        b = mulmod(b, b);
        e >>= 1;
    }
    r
}

/// Per-document n-gram machinery over one word list.
struct NGrams<'w, 'a> {
    words: &'w [&'a str],
    pows: &'static [u64],
    /// Word ids (equal ids ⟺ equal words), so that gram equality is usually a `u32` compare.
    ids: Vec<u32>,
    /// `cp[k]`: code points in words[..k].
    cp: Vec<u64>,
    /// `cat[k]`: hash of `"".join(words[..k])`; `cat_off[k]` its byte length.
    cat: Vec<u64>,
    cat_off: Vec<usize>,
    /// `sp[k]`: hash of `" ".join(words[..k]) + " "` (k > 0), `sp_end[k]`: hash of
    /// `" ".join(words[..=k])`; `sp_off[k]` byte offset of word k in the space-joined stream.
    sp: Vec<u64>,
    sp_end: Vec<u64>,
    sp_off: Vec<usize>,
    /// Open-addressing table of (gram hash, entry index + 1; 0 = empty slot), linear probing.
    slots: Vec<(u64, u32)>,
    /// Grams in first-insertion order.
    entries: Vec<Entry>,
}

#[derive(Clone, Copy)]
struct Entry {
    start: usize,
    count: u64,
}

impl<'w, 'a> NGrams<'w, 'a> {
    fn new(words: &'w [&'a str]) -> Self {
        let pows = pow_table();
        let n = words.len();
        // Intern words: per distinct word, its polynomial hash, BASE^len and code-point length.
        let mut intern: ahash::AHashMap<&'a str, u32> = ahash::AHashMap::with_capacity(n / 2 + 1);
        let mut info: Vec<(u64, u64, u64)> = Vec::new();
        let mut ids = Vec::with_capacity(n);
        let mut cp = Vec::with_capacity(n + 1);
        let mut cat = Vec::with_capacity(n + 1);
        let mut cat_off = Vec::with_capacity(n + 1);
        let mut sp = Vec::with_capacity(n + 1);
        let mut sp_end = Vec::with_capacity(n);
        let mut sp_off = Vec::with_capacity(n + 1);
        let (mut c, mut h, mut off, mut a, mut soff) = (0u64, 0u64, 0usize, 0u64, 0usize);
        for &w in words {
            cp.push(c);
            cat.push(h);
            cat_off.push(off);
            sp.push(a);
            sp_off.push(soff);
            let next_id = id32(info.len()); // distinct words of one document
            let id = *intern.entry(w).or_insert_with(|| {
                let mut hw = 0u64;
                for &x in w.as_bytes() {
                    hw = addmod(mulmod(hw, BASE), u64::from(x) + 1);
                }
                info.push((hw, pw(pows, w.len()), len_cp(w) as u64));
                next_id
            });
            ids.push(id);
            let (hw, p, wcp) = info[id as usize];
            c += wcp;
            h = addmod(mulmod(h, p), hw);
            off += w.len();
            let e = addmod(mulmod(a, p), hw);
            sp_end.push(e);
            a = addmod(mulmod(e, BASE), u64::from(b' ') + 1);
            soff += w.len() + 1;
        }
        cp.push(c);
        cat.push(h);
        cat_off.push(off);
        sp.push(a);
        sp_off.push(soff);
        let cap = (2 * n + 2).next_power_of_two();
        NGrams {
            words,
            pows,
            ids,
            cp,
            cat,
            cat_off,
            sp,
            sp_end,
            sp_off,
            slots: vec![(0, 0); cap],
            entries: Vec::with_capacity(n),
        }
    }

    /// Hash of `sep.join(words[i..i+n])`, n >= 1.
    #[inline]
    fn gram_hash(&self, i: usize, n: usize, spaced: bool) -> u64 {
        let j = i + n;
        if spaced {
            let len = self.sp_off[j] - 1 - self.sp_off[i];
            submod(self.sp_end[j - 1], mulmod(self.sp[i], pw(self.pows, len)))
        } else {
            let len = self.cat_off[j] - self.cat_off[i];
            submod(self.cat[j], mulmod(self.cat[i], pw(self.pows, len)))
        }
    }

    /// `sep.join(words[i..i+n]) == sep.join(words[k..k+n])`.
    #[inline]
    fn gram_eq(&self, i: usize, k: usize, n: usize, spaced: bool) -> bool {
        self.ids[i..i + n] == self.ids[k..k + n] || self.gram_eq_bytes(i, k, n, spaced)
    }

    /// Byte-level comparison of the joined grams (different word sequences can join equal).
    #[cold]
    #[inline(never)]
    fn gram_eq_bytes(&self, i: usize, k: usize, n: usize, spaced: bool) -> bool {
        let (la, lb) = if spaced {
            (
                self.sp_off[i + n] - self.sp_off[i],
                self.sp_off[k + n] - self.sp_off[k],
            )
        } else {
            (
                self.cat_off[i + n] - self.cat_off[i],
                self.cat_off[k + n] - self.cat_off[k],
            )
        };
        if la != lb {
            return false;
        }
        let stream = |ws: &'w [&'a str]| {
            ws.iter().enumerate().flat_map(move |(m, w)| {
                let sep: &[u8] = if spaced && m > 0 { b" " } else { b"" };
                sep.iter().chain(w.as_bytes().iter())
            })
        };
        stream(&self.words[i..i + n]).eq(stream(&self.words[k..k + n]))
    }

    /// Entry index for gram (i, n), inserting it (count 0) if new. Returns (index, `was_new`).
    #[inline]
    fn intern(&mut self, i: usize, n: usize, spaced: bool) -> (usize, bool) {
        let h = self.gram_hash(i, n, spaced);
        let mask = self.slots.len() - 1;
        let mut pos = (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20) as usize & mask;
        loop {
            let (sh, s) = self.slots[pos];
            if s == 0 {
                let idx = self.entries.len();
                self.entries.push(Entry { start: i, count: 0 });
                // At most n_words entries in a table of >= 2 * n_words + 2 slots.
                self.slots[pos] = (h, id32(idx) + 1);
                return (idx, true);
            }
            if sh == h {
                let e = (s - 1) as usize;
                if self.gram_eq(self.entries[e].start, i, n, spaced) {
                    return (e, false);
                }
            }
            pos = (pos + 1) & mask;
        }
    }

    fn reset(&mut self) {
        self.slots.fill((0, 0));
        self.entries.clear();
    }

    /// datatrove `find_top_duplicate(get_n_grams(words, n))`: `len(g) * count` of the most common
    /// `" ".join` gram, first-inserted on ties. 0 when there are no grams.
    fn top_n_gram_chars(&mut self, n: usize) -> u64 {
        if n == 0 {
            return 0; // every gram is "" (len 0)
        }
        let nw = self.words.len();
        if nw < n {
            return 0;
        }
        self.reset();
        for i in 0..=nw - n {
            let (e, _) = self.intern(i, n, true);
            self.entries[e].count += 1;
        }
        // Entries are in first-insertion order; keep the first with the maximal count.
        let mut best: Option<(usize, u64)> = None;
        for ent in &self.entries {
            match best {
                Some((_, c)) if ent.count <= c => {}
                _ => best = Some((ent.start, ent.count)),
            }
        }
        match best {
            Some((start, cnt)) => {
                let len = self.cp[start + n] - self.cp[start] + (n as u64 - 1);
                len * cnt
            }
            None => 0,
        }
    }

    /// datatrove `find_all_duplicate(words, n)`: the skip-ahead walk over `"".join` grams
    /// (reference for the fast path, used by tests).
    #[cfg(test)]
    fn dup_n_gram_chars(&mut self, n: usize) -> u64 {
        if n == 0 {
            return 0; // datatrove never terminates here; qfast measures 0.
        }
        let nw = self.words.len();
        if nw < n {
            return 0;
        }
        self.reset();
        let (mut rep, mut idx) = (0u64, 0usize);
        while idx < nw - n + 1 {
            let (_, new) = self.intern(idx, n, false);
            if new {
                idx += 1;
            } else {
                rep += self.cp[idx + n] - self.cp[idx];
                idx += n;
            }
        }
        rep
    }
}

#[cfg(test)]
mod tests {
    //! Expected values obtained by running datatrove 0.10.1 (words = whitespace split).
    use super::*;
    use crate::filters::find_duplicates;
    use crate::filters::testgen::{draw, slices, xorshift};

    fn ws(t: &str) -> Vec<&str> {
        t.split_whitespace().collect()
    }
    fn run(t: &str) -> Option<String> {
        let cfg = Config::default();
        let w = ws(t);
        let a = verdict(&signals(t, &w, &cfg), &cfg).map(|r| r.to_string());
        assert_eq!(a, filter(t, &w, &cfg).map(|r| r.to_string()));
        a
    }
    fn dup(words: &[&str], n: usize) -> u64 {
        NGrams::new(words).dup_n_gram_chars(n)
    }
    fn top(words: &[&str], n: usize) -> u64 {
        NGrams::new(words).top_n_gram_chars(n)
    }

    #[test]
    fn empty_and_short_docs() {
        assert_eq!(run("").as_deref(), Some("empty"));
        assert_eq!(run("hello world").as_deref(), Some("top_2_gram"));
        // 52 code points, two sentences, no repetition at all.
        let t = "The cat sat on the mat today. A dog ran in the park.";
        assert_eq!(run(t).as_deref(), Some("top_3_gram"));
    }

    #[test]
    fn dup_ngrams_empty_separator_quirk() {
        // find_all_duplicate(["ab","c","a","bc"], 2) == 3: "abc" == "abc".
        assert_eq!(dup(&["ab", "c", "a", "bc"], 2), 3);
        // skip-ahead walk: find_all_duplicate(["a","b"]*4, 2) == 6.
        assert_eq!(dup(&["a", "b", "a", "b", "a", "b", "a", "b"], 2), 6);
        assert_eq!(dup(&["a"], 2), 0);
        assert_eq!(dup(&["a", "a"], 0), 0); // datatrove would loop forever
    }

    #[test]
    fn top_ngram_first_inserted_tie_break() {
        // Counter: "aaa b":2, "b c":2, "c aaa":1 -> first inserted "aaa b": 5*2 = 10 (not 3*2).
        assert_eq!(top(&ws("aaa b c aaa b c"), 2), 10);
        // "x yy":2, "yy x":1, "yy z":1 -> 4*2 = 8.
        assert_eq!(top(&ws("x yy x yy z"), 2), 8);
        // " ".join semantics: ["a b","c"] and ["a","b c"] are the same 2-gram "a b c".
        assert_eq!(top(&["a b", "c", "a", "b c"], 2), 10);
        assert_eq!(top(&["a"], 2), 0);
    }

    #[test]
    fn unstripped_line_split() {
        // re.split(r"\n+", "\nx\n") == ["", "x", ""]: the two "" count as a duplicate line.
        let s = signals("\nx\n", &["x"], &Config::default());
        assert_eq!((s.n_lines, s.dup_lines, s.dup_line_chars), (3, 1, 0));
        assert_eq!((s.n_paragraphs, s.dup_paragraphs), (1, 0));
        assert_eq!(run("\nx\n").as_deref(), Some("dup_line_frac"));
        // ["", "foo", "bar", ""] -> (1, 0); 1/4 passes; then the doc is short.
        let s = signals("\n\nfoo\n\nbar\n", &["foo", "bar"], &Config::default());
        assert_eq!((s.n_lines, s.dup_lines, s.dup_line_chars), (4, 1, 0));
        assert_eq!(run("\n\nfoo\n\nbar\n").as_deref(), Some("top_2_gram"));
    }

    #[test]
    fn splitters() {
        let p: Vec<&str> = split_paragraphs("a\nb\n\n\nc\n\nd\n").collect();
        assert_eq!(p, ["a\nb", "c", "d\n"]);
        assert_eq!(split_paragraphs("").collect::<Vec<_>>(), [""]);
        let l: Vec<&str> = split_newline_runs("\n\na\n\nb").collect();
        assert_eq!(l, ["", "a", "b"]);
        assert_eq!(split_newline_runs("").collect::<Vec<_>>(), [""]);
        assert_eq!(split_newline_runs("\n").collect::<Vec<_>>(), ["", ""]);
    }

    #[test]
    fn lengths_are_code_points() {
        // find_all_duplicate(["é","中","é","中","é","中"], 2) == 4 (code points, not bytes).
        assert_eq!(dup(&["é", "中", "é", "中", "é", "中"], 2), 4);
        assert_eq!(top(&["é", "中", "é", "中"], 2), 6);
        let s = signals("é\né", &["é", "é"], &Config::default());
        assert_eq!((s.text_len, s.dup_line_chars), (3, 1));
    }

    #[test]
    fn collisions_are_verified() {
        // Force every gram hash to 0: equality checks alone must reproduce datatrove's values.
        let check = |w: &[&str], n: usize, top_want: u64, dup_want: u64| {
            let mut ng = NGrams::new(w);
            ng.cat.iter_mut().for_each(|x| *x = 0);
            ng.sp.iter_mut().for_each(|x| *x = 0);
            ng.sp_end.iter_mut().for_each(|x| *x = 0);
            assert_eq!(ng.top_n_gram_chars(n), top_want);
            assert_eq!(ng.dup_n_gram_chars(n), dup_want);
        };
        check(&ws("aaa b c aaa b c"), 2, 10, 4);
        check(&["ab", "c", "a", "bc"], 2, 4, 3);
        check(&ws("x yy x yy z"), 2, 8, 3);
        check(&ws("a b c d e f"), 2, 3, 0);
    }

    #[test]
    fn hash_helpers_agree_with_concatenation() {
        let w = ["ab", "", "c", "a b", "bc"];
        let ng = NGrams::new(&w);
        // "ab" + "" + "c" == "abc" == "" + "c"?? no: compare gram (0,3) = "abc" with ("a","bc").
        let other = ["a", "bc"];
        let ng2 = NGrams::new(&other);
        assert_eq!(ng.gram_hash(0, 3, false), ng2.gram_hash(0, 2, false));
        assert!(ng.gram_eq(0, 0, 3, false));
        // spaced: "ab  c" (empty middle word) != "ab c".
        assert_ne!(ng.gram_hash(0, 3, true), ng.gram_hash(0, 2, true));
        assert_eq!(pw(pow_table(), POW_TABLE + 5), {
            let mut p = pow_table()[POW_TABLE - 1];
            for _ in 0..6 {
                p = mulmod(p, BASE);
            }
            p
        });
    }

    #[test]
    fn fast_path_matches_reference() {
        let palette = [
            "",
            "a",
            "ab",
            "b",
            "bc",
            "c",
            "abc",
            "é",
            "中",
            "a b",
            "xyzxyzxyzxyz",
            "xyzxyz",
            "the",
            "quick",
            "brown",
            "fox",
            "0123456789abcdef",
            "0123456789",
            "abcdef",
            // Multi-byte and spaced words of every length class of the fast path's loads
            // (1-3, 4-7, 8, 9-16, > 16 bytes).
            "naïve",
            "日本語",
            "😀",
            "x😀y😀",
            "ßüöäéèà",
            "ab cd",
            "abcd efg",
            "a bcdefgh",
            "0123456789abcdef 0",
            "中文中文中文中文",
        ];
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for round in 0..4000 {
            let len = (next() % 60) as usize;
            let k = 2 + round % (palette.len() - 1);
            let spaced_ok = round % 3 != 0;
            let mut w = draw(&mut next, &palette, len, k);
            w.retain(|w| !spaced_ok || !w.contains(' '));
            // The same words as slices of one text (loaded from it, except near its end), and
            // as slices of the palette (every word through the padded copy).
            let text = w.join("|");
            let in_text = slices(&text, &w);
            for n in 0..13 {
                let want_dup = NGrams::new(&w).dup_n_gram_chars(n);
                let want_top = NGrams::new(&w).top_n_gram_chars(n);
                for (words, from) in [(&in_text, text.as_str()), (&w, "")] {
                    fast::with_ngrams(words, from, |ng| {
                        assert_eq!(ng.dup_n_gram_chars(n), want_dup, "dup {n} {w:?}");
                        if ng.ids_exact_for_spaced() {
                            assert_eq!(ng.top_n_gram_chars(n), want_top, "top {n} {w:?}");
                        }
                    });
                }
            }
            // Levels computed incrementally and out of order within one state.
            fast::with_ngrams(&in_text, &text, |ng| {
                if ng.ids_exact_for_spaced() {
                    for n in [4, 2, 3, 1, 6, 5] {
                        assert_eq!(ng.top_n_gram_chars(n), NGrams::new(&w).top_n_gram_chars(n));
                    }
                }
                for n in [7, 5, 1, 3] {
                    assert_eq!(ng.dup_n_gram_chars(n), NGrams::new(&w).dup_n_gram_chars(n));
                }
            });
        }
    }

    /// The vector candidate pass gives the scalar pass's positions (long documents, so that
    /// whole 16-position blocks run, with repeats so that flags vary).
    #[test]
    fn dup_candidates_vector_equals_scalar() {
        let palette = [
            "a",
            "of",
            "the",
            "repetition",
            "x",
            "longer-than-sixteen",
            "é",
            ".",
        ];
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        for round in 0..300 {
            let len = 16 + (next() % 400) as usize;
            let w = draw(&mut next, &palette, len, 2 + round % (palette.len() - 1));
            for n in 1..12 {
                if n > w.len() {
                    continue;
                }
                let scalar = {
                    crate::cpu::FORCE_SCALAR.set(true);
                    let c = fast::with_ngrams(&w, "", |ng| ng.candidates(n));
                    crate::cpu::FORCE_SCALAR.set(false);
                    c
                };
                let vector = fast::with_ngrams(&w, "", |ng| ng.candidates(n));
                assert_eq!(vector, scalar, "n={n} len={len}");
                assert!(scalar.windows(2).all(|p| p[0] < p[1]));
            }
        }
    }

    /// The vector word pass of `Fast::new` leaves the state the scalar loop leaves: words from
    /// the text (ASCII, multi-byte, over 16 bytes, with spaces, at the text's very end) and
    /// words from elsewhere.
    #[test]
    fn word_pass_vector_equals_scalar() {
        let palette = [
            "a",
            "of",
            "the",
            "repetition",
            "x y",
            "longer-than-sixteen",
            "é",
            "日本語",
            ".",
            "sixteen-bytes-ok",
            "fifteen-bytes-o",
        ];
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for round in 0..400 {
            let len = (next() % 90) as usize;
            let w = draw(&mut next, &palette, len, 2 + round % (palette.len() - 1));
            let text = w.join("|");
            let mut in_text = slices(&text, &w);
            if round % 5 == 0 && !in_text.is_empty() {
                // One word from elsewhere.
                let i = (next() % in_text.len() as u64) as usize;
                in_text[i] = palette[i % palette.len()];
            }
            // The state, and the 2/3/4-gram count bounds (vector loop over whole blocks of 8).
            let snap = |force: bool| {
                crate::cpu::FORCE_SCALAR.set(force);
                let s = fast::with_ngrams(&in_text, &text, |ng| (ng.snapshot(), ng.small_bounds()));
                crate::cpu::FORCE_SCALAR.set(false);
                s
            };
            assert_eq!(snap(false), snap(true), "{in_text:?}");
        }
    }

    #[test]
    fn para_line_dups_match_reference() {
        let palette = [
            "\n",
            "\n",
            "a",
            "b",
            "ab",
            " ",
            "\t",
            "é",
            "0123456789",
            "\r",
            "\u{85}",
        ];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 40) as usize;
            let t: String = (0..len)
                .map(|k| {
                    palette[((x.rotate_left(k as u32 * 5) >> 3) % palette.len() as u64) as usize]
                })
                .collect();
            let got = fast::para_line_dups(&t, strip(&t));
            let want = (
                find_duplicates(split_paragraphs(strip(&t))),
                find_duplicates(split_newline_runs(&t)),
            );
            assert_eq!(got, want, "{t:?}");
        }
    }

    #[test]
    fn word_counts_past_the_counter_range_still_bound() {
        // 70,000 copies of one word: its slot counter saturates, which must not read as a
        // smaller count. Top 2-gram "a a": 3 chars x 69,999 = 1.49999 of the text; a bound
        // taken from a capped 65,535 (1.40) would wrongly keep it at 1.45.
        let w = vec!["a"; 70_000];
        let t = w.join(" ");
        let cfg = Config {
            top_n_grams: vec![(2, 1.45)],
            dup_n_grams: vec![],
            ..Config::default()
        };
        assert_eq!(filter(&t, &w, &cfg).as_deref(), Some("top_2_gram"));
        assert_eq!(
            verdict(&signals(&t, &w, &cfg), &cfg).as_deref(),
            Some("top_2_gram")
        );
    }

    #[test]
    fn filter_bounds_agree_with_signals() {
        let palette = [
            "a",
            "ab",
            "b",
            "bc",
            "c",
            "the",
            "of",
            "xyzxyzxyzxyz",
            "0123456789abcdef",
        ];
        let mut x: u64 = 0x1234_5678_9ABC_DEF1;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..3000 {
            let len = (next() % 80) as usize;
            let k = 2 + (round % 8) as usize;
            let w: Vec<&str> = (0..len)
                .map(|_| palette[(next() % k as u64) as usize])
                .collect();
            let t = w.join(if round % 2 == 0 { " " } else { "\n" });
            let thr = |x: u64| (x % 1000) as f64 / 1000.0 - 0.05;
            let cfg = Config {
                dup_line_frac: None,
                dup_para_frac: None,
                dup_line_char_frac: None,
                dup_para_char_frac: None,
                top_n_grams: vec![
                    (2, thr(next())),
                    (3, thr(next())),
                    (4, thr(next())),
                    (0, thr(next())),
                ],
                dup_n_grams: (1..12).map(|n| (n, thr(next()))).collect(),
            };
            let want = verdict(&signals(&t, &w, &cfg), &cfg);
            assert_eq!(filter(&t, &w, &cfg), want, "{t:?}");
        }
    }
}
