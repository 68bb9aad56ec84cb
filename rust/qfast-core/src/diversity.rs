//! Corpus-level lexical diversity for `qfast.assess`: distinct-n ratios and vocabulary growth
//! over a stream of batches.
//!
//! Units are the UAX #29 words of [`TokenizerKind::Unicode`], lowercased: language-agnostic,
//! and CJK comes out right without a dictionary because UAX #29 makes each ideograph a word of
//! its own. n-grams never cross a document boundary. Counting is exact up to 64-bit hash
//! collisions (expected below one at 10^9 distinct n-grams), so memory grows with the number of
//! distinct n-grams: about 16 bytes each (a `u64` in a hash set at its load factor).

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};
use rayon::prelude::*;

use crate::parallel::map_rows;
use crate::pool::pool;
use crate::tokenize::{Tokenizer, TokenizerKind};

/// The longest n-gram counted.
pub const MAX_N: usize = 8;

/// Text per piece of a batch (see [`Diversity::add`]).
pub const PIECE_BYTES: usize = 8 << 20;

/// The first vocabulary-growth checkpoint, in tokens; each later one doubles it.
pub const FIRST_CHECKPOINT: u64 = 1_000;

/// Shards of each n >= 2 set, by the top bits of the n-gram hash. A batch's hashes are first
/// partitioned by shard, then each shard is filled on its own: a shard of a few tens of
/// thousands of entries stays in cache where one table of millions would miss on every insert,
/// and the shards fill in parallel.
const SHARD_BITS: u32 = 8;

type Set = HashSet<u64, ahash::RandomState>;

fn new_set() -> Set {
    // A fixed hasher seed: the sets only hold hashes, but fixed seeds keep runs reproducible.
    HashSet::with_hasher(ahash::RandomState::with_seeds(1, 2, 3, 4))
}

/// Distinct n-gram sets for n = 1..=`max_n`, and the vocabulary size at each checkpoint.
pub struct Diversity {
    max_n: usize,
    /// The unigram set (one table: the vocabulary, filled in order for the growth curve).
    words: Set,
    /// `shards[n - 2][s]`: the n-grams whose hash has top bits `s`.
    shards: Vec<Vec<Set>>,
    totals: Vec<u64>,
    docs: u64,
    growth: Vec<(u64, u64)>,
    next_checkpoint: u64,
    tokenizer: Tokenizer,
    piece_bytes: usize,
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
        Ok(Self {
            max_n,
            words: new_set(),
            shards: (1..max_n)
                .map(|_| (0..1 << SHARD_BITS).map(|_| new_set()).collect())
                .collect(),
            totals: vec![0; max_n],
            docs: 0,
            growth: Vec::new(),
            next_checkpoint: FIRST_CHECKPOINT,
            tokenizer: Tokenizer::new(TokenizerKind::Unicode),
            piece_bytes: PIECE_BYTES,
        })
    }

    /// Adds one batch of documents, in order (null rows are skipped), in pieces of about
    /// [`PIECE_BYTES`] of text: a piece holds `max_n` hashes per word twice over (per row, then
    /// per shard), about 50 bytes per byte of text at `max_n = 3`.
    pub fn add(&mut self, rows: &[Option<&str>]) -> Result<()> {
        let mut start = 0;
        let mut bytes = 0;
        for (i, r) in rows.iter().enumerate() {
            bytes += r.map_or(0, str::len);
            if bytes >= self.piece_bytes {
                self.add_piece(&rows[start..=i])?;
                (start, bytes) = (i + 1, 0);
            }
        }
        self.add_piece(&rows[start..])
    }

    /// Rows are hashed in parallel, the vocabulary is filled in row order, then the n >= 2
    /// shards in parallel.
    fn add_piece(&mut self, rows: &[Option<&str>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let tok = &self.tokenizer;
        let max_n = self.max_n;
        let per_row = map_rows(rows, |t| {
            t.map(|t| {
                let words: Vec<u64> = tok.words(t).into_iter().map(word_hash).collect();
                let mut grams = Vec::with_capacity(max_n);
                grams.push(words);
                for n in 2..=max_n {
                    grams.push(grams[0].windows(n).map(ngram_hash).collect::<Vec<u64>>());
                }
                grams
            })
        })?;
        for grams in per_row.iter().flatten() {
            self.docs += 1;
            for &h in &grams[0] {
                self.totals[0] += 1;
                self.words.insert(h);
                if self.totals[0] == self.next_checkpoint {
                    self.growth.push((self.totals[0], self.words.len() as u64));
                    self.next_checkpoint = self.next_checkpoint.saturating_mul(2);
                }
            }
        }
        let mut work: Vec<(&mut Set, Vec<u64>)> = Vec::new();
        for (i, shards) in self.shards.iter_mut().enumerate() {
            let mut parts: Vec<Vec<u64>> = vec![Vec::new(); shards.len()];
            for grams in per_row.iter().flatten() {
                for &h in &grams[i + 1] {
                    parts[usize::try_from(h >> (64 - SHARD_BITS)).unwrap_or(0)].push(h);
                }
            }
            self.totals[i + 1] += parts.iter().map(|p| p.len() as u64).sum::<u64>();
            work.extend(shards.iter_mut().zip(parts).filter(|(_, p)| !p.is_empty()));
        }
        let pool = pool()?;
        pool.install(|| {
            work.into_par_iter()
                .for_each(|(set, part)| set.extend(part));
        });
        Ok(())
    }

    /// `(n, total n-grams, distinct n-grams)` for n = `1..=max_n`.
    #[must_use]
    pub fn counts(&self) -> Vec<(usize, u64, u64)> {
        let mut out = vec![(1, self.totals[0], self.words.len() as u64)];
        for (i, shards) in self.shards.iter().enumerate() {
            let distinct = shards.iter().map(|s| s.len() as u64).sum();
            out.push((i + 2, self.totals[i + 1], distinct));
        }
        out
    }

    /// `(tokens seen, distinct words)` at 1,000 tokens and each doubling after, then at the end.
    #[must_use]
    pub fn growth(&self) -> Vec<(u64, u64)> {
        let mut g = self.growth.clone();
        let end = (self.totals[0], self.words.len() as u64);
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
    fn sharded_counts_equal_one_set_across_batches() {
        // 20,000 pseudo-random words from a 3,000-word vocabulary, in 7 documents over 2 batches
        let mut x: u64 = 7;
        let words: Vec<String> = (0..20_000)
            .map(|_| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                format!("w{}", (x >> 33) % 3_000)
            })
            .collect();
        let docs: Vec<String> = words.chunks(3_000).map(|c| c.join(" ")).collect();
        let rows: Vec<Option<&str>> = docs.iter().map(|d| Some(d.as_str())).collect();
        let mut d = Diversity::new(3).unwrap();
        d.add(&rows[..3]).unwrap();
        d.add(&rows[3..]).unwrap();
        for n in 1..=3usize {
            let mut set = std::collections::HashSet::new();
            let mut total = 0u64;
            for c in words.chunks(3_000) {
                for w in c.windows(n) {
                    set.insert(w.to_vec());
                    total += 1;
                }
            }
            assert_eq!(d.counts()[n - 1], (n, total, set.len() as u64));
        }
    }

    #[test]
    fn pieces_do_not_change_the_counts() {
        let docs: Vec<String> = (0..50)
            .map(|i| format!("w{} w{} w{} w{}", i % 7, i % 5, i % 3, i))
            .collect();
        let rows: Vec<Option<&str>> = docs.iter().map(|d| Some(d.as_str())).collect();
        let mut whole = Diversity::new(3).unwrap();
        whole.add(&rows).unwrap();
        let mut pieces = Diversity::new(3).unwrap();
        pieces.piece_bytes = 10; // a piece every row or two
        pieces.add(&rows).unwrap();
        assert_eq!(whole.counts(), pieces.counts());
        assert_eq!(whole.growth(), pieces.growth());
        assert_eq!(whole.docs(), pieces.docs());
    }

    #[test]
    fn max_n_is_checked() {
        assert!(Diversity::new(0).is_err());
        assert!(Diversity::new(MAX_N + 1).is_err());
    }
}
