//! Corpus-level lexical diversity for `qfast.assess`: distinct-n ratios and vocabulary growth
//! over a stream of batches.
//!
//! Units are the UAX #29 words of [`TokenizerKind::Unicode`], lowercased: language-agnostic,
//! and CJK comes out right without a dictionary because UAX #29 makes each ideograph a word of
//! its own. n-grams never cross a document boundary. Counting is exact up to 64-bit hash
//! collisions (expected below one at 10^9 distinct n-grams), so memory grows with the number of
//! distinct n-grams: about 16 bytes each (a `u64` in a hash set at its load factor).

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};
use crate::parallel::{map_items, map_rows};
use crate::tokenize::{Tokenizer, TokenizerKind};

/// The longest n-gram counted.
pub const MAX_N: usize = 8;

/// The first vocabulary-growth checkpoint, in tokens; each later one doubles it.
pub const FIRST_CHECKPOINT: u64 = 1_000;

/// Distinct n-gram sets for n = 1..=`max_n`, and the vocabulary size at each checkpoint.
pub struct Diversity {
    max_n: usize,
    seen: Vec<HashSet<u64, ahash::RandomState>>,
    totals: Vec<u64>,
    docs: u64,
    growth: Vec<(u64, u64)>,
    next_checkpoint: u64,
    tokenizer: Tokenizer,
}

/// The hash of one lowercased word. Lowercasing allocates only for words that need it.
fn word_hash(w: &str) -> u64 {
    if w.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        xxh3_64(w.as_bytes())
    } else {
        xxh3_64(w.to_lowercase().as_bytes())
    }
}

/// The hash of the n-gram ending at `words[end - 1]`. Order matters, hence the multiply between
/// steps; the length is mixed in last so n-grams of different n never share a set anyway.
fn ngram_hash(words: &[u64]) -> u64 {
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
    for &w in words {
        h = (h.rotate_left(23) ^ w).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    }
    h ^ (words.len() as u64)
}

impl Diversity {
    /// Counts n-grams for n = 1..=`max_n` (1 to [`MAX_N`]).
    pub fn new(max_n: usize) -> Result<Self> {
        if !(1..=MAX_N).contains(&max_n) {
            return Err(Error::Config(format!(
                "max_n={max_n}: distinct n-grams are counted for n from 1 to {MAX_N}"
            )));
        }
        // A fixed hasher seed: the sets only hold hashes, but fixed seeds keep runs reproducible.
        let state = || ahash::RandomState::with_seeds(1, 2, 3, 4);
        Ok(Self {
            max_n,
            seen: (0..max_n).map(|_| HashSet::with_hasher(state())).collect(),
            totals: vec![0; max_n],
            docs: 0,
            growth: Vec::new(),
            next_checkpoint: FIRST_CHECKPOINT,
            tokenizer: Tokenizer::new(TokenizerKind::Unicode),
        })
    }

    /// Adds one batch of documents, in order (null rows are skipped). Rows are hashed in
    /// parallel; then each n's set is filled by its own task (the sets are independent, and
    /// their inserts, cache misses into tables of millions of entries, are most of the cost).
    pub fn add(&mut self, rows: &[Option<&str>]) -> Result<()> {
        let tok = &self.tokenizer;
        let max_n = self.max_n;
        let per_row = map_rows(rows, |t| {
            t.map(|t| {
                let words: Vec<u64> = tok.words(t).into_iter().map(word_hash).collect();
                let mut grams = Vec::with_capacity(max_n);
                for n in 2..=max_n {
                    grams.push(words.windows(n).map(ngram_hash).collect::<Vec<u64>>());
                }
                grams.insert(0, words);
                grams
            })
        })?;
        self.docs += per_row.iter().flatten().count() as u64;
        let sets: Vec<Mutex<HashSet<u64, ahash::RandomState>>> = std::mem::take(&mut self.seen)
            .into_iter()
            .map(Mutex::new)
            .collect();
        let (base, checkpoint) = (self.totals[0], self.next_checkpoint);
        let ns: Vec<usize> = (0..max_n).collect();
        let filled = map_items(&ns, |&i| {
            let mut set = sets[i].lock().unwrap_or_else(PoisonError::into_inner);
            let (mut added, mut growth, mut next) = (0u64, Vec::new(), checkpoint);
            for grams in per_row.iter().flatten() {
                for &h in &grams[i] {
                    added += 1;
                    set.insert(h);
                    // vocabulary growth follows the unigram stream, in row order
                    if i == 0 && base + added == next {
                        growth.push((next, set.len() as u64));
                        next = next.saturating_mul(2);
                    }
                }
            }
            (added, growth, next)
        });
        // Put the sets back before reporting an error, so the state stays usable.
        self.seen = sets
            .into_iter()
            .map(|m| m.into_inner().unwrap_or_else(PoisonError::into_inner))
            .collect();
        for (i, (added, growth, next)) in filled?.into_iter().enumerate() {
            self.totals[i] += added;
            if i == 0 {
                self.growth.extend(growth);
                self.next_checkpoint = next;
            }
        }
        Ok(())
    }

    /// `(n, total n-grams, distinct n-grams)` for n = `1..=max_n`.
    #[must_use]
    pub fn counts(&self) -> Vec<(usize, u64, u64)> {
        (0..self.max_n)
            .map(|i| (i + 1, self.totals[i], self.seen[i].len() as u64))
            .collect()
    }

    /// `(tokens seen, distinct words)` at 1,000 tokens and each doubling after, then at the end.
    #[must_use]
    pub fn growth(&self) -> Vec<(u64, u64)> {
        let mut g = self.growth.clone();
        let end = (self.totals[0], self.seen[0].len() as u64);
        if g.last() != Some(&end) {
            g.push(end);
        }
        g
    }

    /// Documents added (null rows excluded).
    #[must_use]
    pub fn docs(&self) -> u64 {
        self.docs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_distinct_ngrams_within_documents() {
        let mut d = Diversity::new(2).unwrap();
        d.add(&[Some("The cat the CAT"), None, Some("cat the")])
            .unwrap();
        // unigrams: the cat the cat | cat the -> 6 total, 2 distinct;
        // bigrams: (the cat) (cat the) (the cat) | (cat the) -> 4 total, 2 distinct.
        assert_eq!(d.counts(), vec![(1, 6, 2), (2, 4, 2)]);
        assert_eq!(d.docs(), 2);
        assert_eq!(d.growth(), vec![(6, 2)]);
    }

    #[test]
    fn ideographs_are_words_and_order_matters() {
        let mut d = Diversity::new(3).unwrap();
        d.add(&[Some("我爱你"), Some("你爱我")]).unwrap();
        let c = d.counts();
        assert_eq!(c[0], (1, 6, 3));
        assert_eq!(c[1], (2, 4, 4));
        assert_eq!(c[2], (3, 2, 2));
    }

    #[test]
    fn growth_checkpoints_double() {
        let mut d = Diversity::new(1).unwrap();
        let text = (0..2500)
            .map(|i| format!("w{}", i % 700))
            .collect::<Vec<_>>()
            .join(" ");
        d.add(&[Some(text.as_str())]).unwrap();
        assert_eq!(d.growth(), vec![(1000, 700), (2000, 700), (2500, 700)]);
    }

    #[test]
    fn max_n_is_checked() {
        assert!(Diversity::new(0).is_err());
        assert!(Diversity::new(MAX_N + 1).is_err());
    }
}
