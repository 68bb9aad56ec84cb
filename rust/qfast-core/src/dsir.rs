//! DSIR, data selection with importance resampling (Xie et al. 2023), on hashed n-gram
//! features computed as the `data-selection` package (1.0.3) computes them, so that the
//! weights and the top-k selection agree with it:
//!
//! - the text is lowercased (Python's `str.lower`), then split as nltk's `WordPunctTokenizer`
//!   splits (`\w+|[^\w\s]+` in the `regex` package's Unicode classes);
//! - the features are every word, then every `k`-gram for `k = 2..=n` joined by one space, each
//!   hashed to bucket `int(sha256(utf8).hexdigest(), 16) % buckets`;
//! - a document's log importance weight is the sum of `log_diff[bucket]` over its features,
//!   `log_diff = log(p_target + 1e-8) - log(p_raw + 1e-8)` over bucket frequencies;
//! - its length (for `min_example_length`) is its word count.

use std::cell::RefCell;

use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};
use crate::narrow::{id32, low32, low64};
use crate::parallel::{map_items, map_rows};
use crate::pcg64::Pcg64;

/// The hashed n-gram featurizer.
#[derive(Clone, Copy, Debug)]
pub struct Features {
    n: usize,
    buckets: u32,
}

/// `int(hashlib.sha256(s).hexdigest(), 16) % buckets`.
fn bucket(s: &[u8], buckets: u32) -> u32 {
    let d = Sha256::digest(s);
    let m = u64::from(buckets);
    // The digest's eight big-endian 32-bit digits times 2^(32 k) mod m, summed in 128 bits:
    // one wide division instead of one per digit.
    let mut pow = 1u64 % m;
    let mut acc = 0u128;
    for c in d.chunks_exact(4).rev() {
        acc += u128::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]])) * u128::from(pow);
        pow = (pow << 32) % m;
    }
    low32(low64(acc % u128::from(m))) // < m, a u32
}

/// Buckets of features seen recently on this thread: words and word pairs repeat (Zipf), and
/// a lookup costs less than SHA-256. Direct-mapped on the feature's 64-bit xxh3 (kept whole
/// and compared, so a wrong hit needs a 64-bit collision); reset when the bucket count changes.
struct Cache {
    buckets: u32,
    keys: Vec<u64>,
    vals: Vec<u32>,
}

const CACHE_BITS: u32 = 17;

thread_local! {
    static CACHE: RefCell<Cache> = const {
        RefCell::new(Cache { buckets: 0, keys: Vec::new(), vals: Vec::new() })
    };
}

fn cached_bucket(cache: &mut Cache, s: &[u8]) -> u32 {
    let h = xxh3_64(s) | 1; // 0 marks an empty slot
    let i = (h >> (64 - CACHE_BITS)) as usize;
    if cache.keys[i] == h {
        return cache.vals[i];
    }
    let b = bucket(s, cache.buckets);
    cache.keys[i] = h;
    cache.vals[i] = b;
    b
}

/// Byte ranges of the `\w+|[^\w\s]+` tokens of `s`, as nltk's `WordPunctTokenizer` finds
/// them. nltk (3.9+) compiles its patterns with the `regex` package, whose `\w` is Unicode's
/// word class (letters, marks, decimal digits, connector punctuation, joiners) and `\s` is
/// `White_Space`: the definitions of `regex_syntax::is_word_character` and
/// `char::is_whitespace`.
fn wordpunct(s: &str, out: &mut Vec<(usize, usize)>) {
    #[derive(PartialEq, Clone, Copy)]
    enum Kind {
        Word,
        Punct,
        Space,
    }
    let kind = |c: char| {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() || c == '_' {
                Kind::Word
            } else if matches!(c, ' ' | '\t'..='\r' | '\u{1c}'..='\u{1f}') && c.is_whitespace() {
                Kind::Space
            } else {
                Kind::Punct
            }
        } else if regex_syntax::is_word_character(c) {
            Kind::Word
        } else if c.is_whitespace() {
            Kind::Space
        } else {
            Kind::Punct
        }
    };
    let mut cur = Kind::Space;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let k = kind(c);
        if k != cur {
            if cur != Kind::Space {
                out.push((start, i));
            }
            cur = k;
            start = i;
        }
    }
    if cur != Kind::Space {
        out.push((start, s.len()));
    }
}

impl Features {
    /// `n`: largest n-gram (1 = words only); `buckets`: hash buckets.
    pub fn new(n: usize, buckets: u32) -> Result<Self> {
        if n == 0 || buckets == 0 {
            return Err(Error::Config(format!(
                "DSIR needs ngrams >= 1 and num_buckets >= 1, got {n} and {buckets}"
            )));
        }
        Ok(Features { n, buckets })
    }

    #[must_use]
    pub fn buckets(&self) -> u32 {
        self.buckets
    }

    /// Calls `f(bucket)` for every feature of `text`, in the reference's order; returns the
    /// word count.
    pub fn each(&self, text: &str, mut f: impl FnMut(u32)) -> usize {
        let lower = text.to_lowercase();
        let mut words = Vec::new();
        wordpunct(&lower, &mut words);
        let b = lower.as_bytes();
        CACHE.with_borrow_mut(|cache| {
            if cache.buckets != self.buckets || cache.keys.is_empty() {
                cache.buckets = self.buckets;
                cache.keys = vec![0; 1 << CACHE_BITS];
                cache.vals = vec![0; 1 << CACHE_BITS];
            }
            for &(s, e) in &words {
                f(cached_bucket(cache, &b[s..e]));
            }
            let mut gram = Vec::new();
            for k in 2..=self.n {
                for w in words.windows(k) {
                    // Word k-grams are contiguous in the text when one space separates their
                    // words: no copy needed then.
                    let (s0, e1) = (w[0].0, w[k - 1].1);
                    let joined = w
                        .windows(2)
                        .all(|p| p[1].0 == p[0].1 + 1 && b[p[0].1] == b' ');
                    let key: &[u8] = if joined {
                        &b[s0..e1]
                    } else {
                        gram.clear();
                        for (j, &(s, e)) in w.iter().enumerate() {
                            if j > 0 {
                                gram.push(b' ');
                            }
                            gram.extend_from_slice(&b[s..e]);
                        }
                        &gram
                    };
                    f(cached_bucket(cache, key));
                }
            }
        });
        words.len()
    }

    /// Feature counts per bucket over all rows (null rows skipped), on the core pool.
    pub fn counts(&self, rows: &[Option<&str>]) -> Result<Vec<u64>> {
        let parts = (crate::pool::num_threads() * 4).max(1);
        let size = rows.len().div_ceil(parts).max(1);
        let chunks: Vec<&[Option<&str>]> = rows.chunks(size).collect();
        let hists = map_items(&chunks, |chunk| {
            let mut h = vec![0u64; self.buckets as usize];
            for t in chunk.iter().flatten() {
                self.each(t, |b| h[b as usize] += 1);
            }
            h
        })?;
        let mut total = vec![0u64; self.buckets as usize];
        for h in hists {
            for (t, v) in total.iter_mut().zip(h) {
                *t += v;
            }
        }
        Ok(total)
    }

    /// Per row: (log importance weight, word count); None for a null text.
    pub fn log_weights(
        &self,
        rows: &[Option<&str>],
        log_diff: &[f64],
    ) -> Result<Vec<Option<(f64, u32)>>> {
        if log_diff.len() != self.buckets as usize {
            return Err(Error::Config(format!(
                "{} log ratios for {} buckets",
                log_diff.len(),
                self.buckets
            )));
        }
        map_rows(rows, |t| {
            t.map(|t| {
                let mut w = 0.0;
                let n = self.each(t, |b| w += log_diff[b as usize]);
                (w, u32::try_from(n).unwrap_or(u32::MAX))
            })
        })
    }
}

/// `log(p_target + 1e-8) - log(p_raw + 1e-8)` per bucket, from feature counts.
pub fn log_diff(target: &[u64], raw: &[u64]) -> Result<Vec<f64>> {
    let (ts, rs) = (target.iter().sum::<u64>(), raw.iter().sum::<u64>());
    if ts == 0 || rs == 0 {
        return Err(Error::Config(
            "DSIR needs target and raw text with at least one word each".into(),
        ));
    }
    Ok(target
        .iter()
        .zip(raw)
        .map(|(&t, &r)| ((t as f64 / ts as f64) + 1e-8).ln() - ((r as f64 / rs as f64) + 1e-8).ln())
        .collect())
}

/// Indices (ascending) of `k` rows chosen among the eligible ones (`Some` weight) by Gumbel
/// top-k, which samples without replacement with probability proportional to `exp(weight)`.
/// The noise is numpy's `np.random.default_rng(seed).gumbel(size=eligible)`, drawn in row
/// order; `seed = None` takes the top `k` weights without noise. Ties go to the earlier row.
pub fn gumbel_top_k(weights: &[Option<f64>], k: usize, seed: Option<u128>) -> Result<Vec<u32>> {
    let mut rng = seed.map(Pcg64::new);
    let mut keyed: Vec<(f64, u32)> = Vec::new();
    for (i, w) in weights.iter().enumerate() {
        let Some(w) = *w else { continue };
        let g = match rng.as_mut() {
            Some(r) => gumbel(r),
            None => 0.0,
        };
        keyed.push((w + g, id32(i))); // row of one batch
    }
    if k > keyed.len() {
        return Err(Error::Config(format!(
            "asked for {k} rows but only {} are eligible",
            keyed.len()
        )));
    }
    let order = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if k < keyed.len() {
        keyed.select_nth_unstable_by(k, order);
    }
    let mut out: Vec<u32> = keyed[..k].iter().map(|&(_, i)| i).collect();
    out.sort_unstable();
    Ok(out)
}

/// numpy's `random_gumbel(loc=0, scale=1)`: `-log(-log(1 - U))`, redrawn when `1 - U == 1`.
fn gumbel(r: &mut Pcg64) -> f64 {
    loop {
        let u = 1.0 - r.uniform();
        if u < 1.0 {
            return -(-u.ln()).ln();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordpunct_splits_like_nltk() {
        let s = "hello, world!! it's 3.5 -- ok_go";
        let mut v = Vec::new();
        wordpunct(s, &mut v);
        let toks: Vec<&str> = v.iter().map(|&(a, b)| &s[a..b]).collect();
        assert_eq!(
            toks,
            ["hello", ",", "world", "!!", "it", "'", "s", "3", ".", "5", "--", "ok_go"]
        );
    }

    #[test]
    fn buckets_are_sha256_mod() {
        // int(hashlib.sha256(b"hello").hexdigest(), 16) % 10000 == 7620
        assert_eq!(bucket(b"hello", 10000), 7620);
        let f = Features::new(2, 10000).unwrap();
        let mut got = Vec::new();
        assert_eq!(f.each("Hello World", |b| got.push(b)), 2);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], 7620);
    }

    #[test]
    fn gumbel_top_k_is_seeded_and_exact_in_size() {
        let w: Vec<Option<f64>> = (0..100)
            .map(|i| {
                if i % 7 == 0 {
                    None
                } else {
                    Some(f64::from(i) / 10.0)
                }
            })
            .collect();
        let a = gumbel_top_k(&w, 10, Some(1)).unwrap();
        assert_eq!(a, gumbel_top_k(&w, 10, Some(1)).unwrap());
        assert_ne!(a, gumbel_top_k(&w, 10, Some(2)).unwrap());
        assert_eq!(a.len(), 10);
        assert!(a.iter().all(|&i| i % 7 != 0));
        let top = gumbel_top_k(&w, 3, None).unwrap();
        assert_eq!(top, vec![96, 97, 99]);
        assert!(gumbel_top_k(&w, 90, None).is_err());
    }
}
