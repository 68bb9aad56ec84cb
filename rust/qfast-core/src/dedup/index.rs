//! A `MinHash` dedup run over a stream of batches: pass 1 adds documents (signature, band keys,
//! what the keeper policy needs), pass 2 resolves clusters and reports per document.

use std::cmp::Ordering;

use super::cluster::{band_keys, cluster_with_index, datatrove_clusters, jaccard_sorted, Outcome};
use super::lsh_index::{IndexParams, LshIndex};
use super::minhash::{MinHasher, Shingling};
use crate::error::{Error, Result};
use crate::narrow::id32;
use crate::parallel::map_rows;

/// Which document of a cluster is kept.
#[derive(Clone, Debug, PartialEq)]
pub enum Keep {
    /// datatrove's stages 2-3 exactly (requires datatrove shingling).
    Datatrove,
    /// Smallest id (the stable order of documents).
    First,
    /// Most UTF-8 bytes; ties to the smallest id.
    Longest,
    /// Highest value of a user column; ties (and nulls, which rank last) to the smallest id.
    Highest,
}

/// A document's stable identity: its position in the whole input, or a user id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DocId {
    Int(i64),
    Str(Box<str>),
}

/// Per-document inputs of one batch.
pub struct BatchDocs<'a> {
    pub texts: &'a [Option<&'a str>],
    /// Stable ids; `None` = the running row position.
    pub ids: Option<Vec<DocId>>,
    /// The `Highest` policy's values (NaN / None rank last).
    pub scores: Option<Vec<Option<f64>>>,
}

pub struct Dedup {
    hasher: MinHasher,
    keep: Keep,
    /// Exact-Jaccard confirmation of candidate pairs.
    threshold: Option<f64>,
    n: usize,
    has_sig: Vec<bool>,
    /// Datatrove: full signatures (equal band tuples decide); otherwise band keys.
    values: Vec<u64>,
    width: usize,
    /// User ids, when the batches give them (else the position is the id). Lengths and scores
    /// are kept only for the policies that rank by them: memory per document stays at the band
    /// keys plus a flag unless asked for more.
    ids: Vec<DocId>,
    user_ids: Option<bool>,
    lens: Vec<u64>,
    scores: Vec<f64>,
    shingle_sets: Vec<Box<[u64]>>,
}

/// A document's LSH band keys as `Dedup` clusters them (its shingles, their 64-bit signature,
/// one key per band), left in `keys`; false (keys empty) when the text is null or has no
/// shingle. `shingles` and `sig` (`num_perm` long) are scratch; `shingles` is left holding the
/// shingle hashes.
pub fn doc_band_keys(
    hasher: &MinHasher,
    text: Option<&str>,
    shingles: &mut Vec<u64>,
    sig: &mut [u64],
    keys: &mut Vec<u64>,
) -> bool {
    keys.clear();
    let signed = text.is_some_and(|t| {
        hasher.shingles(t, shingles);
        hasher.sign_shingles(shingles, sig)
    });
    if signed {
        let cfg = hasher.config();
        band_keys(sig, cfg.bands, cfg.rows, keys);
    }
    signed
}

impl Dedup {
    pub fn new(hasher: MinHasher, keep: Keep, threshold: Option<f64>) -> Result<Self> {
        if keep == Keep::Datatrove {
            if !matches!(hasher.config().shingling, Shingling::Datatrove(_)) {
                return Err(Error::Config(
                    "keep='datatrove' reproduces datatrove's clustering and needs its shingling \
                     (MinHash mode 'datatrove')"
                        .into(),
                ));
            }
            if threshold.is_some() {
                return Err(Error::Config(
                    "keep='datatrove' has no exact-Jaccard check; drop `threshold`".into(),
                ));
            }
        }
        if let Some(t) = threshold {
            if !(0.0..=1.0).contains(&t) {
                return Err(Error::Config(format!(
                    "threshold must be within [0, 1], got {t}"
                )));
            }
        }
        let cfg = hasher.config();
        let width = if keep == Keep::Datatrove {
            cfg.num_perm()
        } else {
            cfg.bands
        };
        Ok(Dedup {
            hasher,
            keep,
            threshold,
            n: 0,
            has_sig: vec![],
            values: vec![],
            width,
            ids: vec![],
            user_ids: None,
            lens: vec![],
            scores: vec![],
            shingle_sets: vec![],
        })
    }

    /// Documents added so far.
    #[must_use]
    pub fn len(&self) -> usize {
        self.n
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Pass 1: sign a batch (on the core pool) and remember what clustering needs.
    pub fn add(&mut self, batch: &BatchDocs<'_>) -> Result<()> {
        // Documents are numbered with u32, and clustering uses number n as a sentinel: say so
        // before a number would wrap. (At 64 bytes a document this is ~275 GB of keys.)
        if self.n + batch.texts.len() >= u32::MAX as usize - 1 {
            return Err(Error::Config(format!(
                "a MinHash dedup run holds fewer than {} documents; this batch would make {}: \
                 split the corpus (or use qfast.ray.minhash_dedup)",
                u32::MAX - 1,
                self.n + batch.texts.len()
            )));
        }
        let k = self.hasher.config().num_perm();
        let bands = self.hasher.config().bands;
        let datatrove = self.keep == Keep::Datatrove;
        let want_sets = self.threshold.is_some();
        let hasher = &self.hasher;
        let per_doc = map_rows(batch.texts, |t| {
            let mut shingles = Vec::new();
            let mut sig = vec![0u64; k];
            let mut keys = Vec::with_capacity(bands);
            let signed = doc_band_keys(hasher, t, &mut shingles, &mut sig, &mut keys);
            let vals = if !signed {
                vec![0u64; if datatrove { k } else { bands }]
            } else if datatrove {
                sig
            } else {
                keys
            };
            let set: Box<[u64]> = if want_sets && signed {
                shingles.sort_unstable();
                shingles.dedup();
                shingles.into_boxed_slice()
            } else {
                Box::new([])
            };
            (signed, vals, set)
        })?;
        let rows_n = batch.texts.len();
        if let Some(ids) = &batch.ids {
            if ids.len() != rows_n {
                return Err(Error::Config("ids and texts differ in length".into()));
            }
        }
        let given = batch.ids.is_some();
        if *self.user_ids.get_or_insert(given) != given {
            return Err(Error::Config(
                "every batch must give ids, or none: a batch without ids after batches with ids \
                 (or the reverse)"
                    .into(),
            ));
        }
        for (i, (signed, vals, set)) in per_doc.into_iter().enumerate() {
            self.has_sig.push(signed);
            self.values.extend_from_slice(&vals);
            if want_sets {
                self.shingle_sets.push(set);
            }
            if let Some(ids) = &batch.ids {
                self.ids.push(ids[i].clone());
            }
            if self.keep == Keep::Longest {
                self.lens.push(batch.texts[i].map_or(0, |t| t.len() as u64));
            }
            if self.keep == Keep::Highest {
                let score = batch
                    .scores
                    .as_ref()
                    .and_then(|s| s.get(i).copied().flatten())
                    .filter(|v| !v.is_nan())
                    .unwrap_or(f64::NEG_INFINITY);
                self.scores.push(score);
            }
        }
        self.n += rows_n;
        Ok(())
    }

    /// The parameters an index must have to be used with this run.
    #[must_use]
    pub fn index_params(&self, key_bits: u32) -> IndexParams {
        IndexParams {
            // The suffix names the fast-mode hashing scheme: an index built by an older scheme
            // (other signatures for the same text) is refused instead of silently missing.
            minhash: format!("{:?} scheme=2", self.hasher.config()),
            bands: self.hasher.config().bands,
            key_bits,
        }
    }

    fn check_index(&self, index: &LshIndex) -> Result<()> {
        if self.keep == Keep::Datatrove {
            return Err(Error::Config(
                "keep='datatrove' reproduces datatrove's in-dataset clustering; use an index with \
                 keep='first', 'longest' or 'highest'"
                    .into(),
            ));
        }
        let want = self.index_params(index.params().key_bits);
        if index.params() != &want {
            return Err(Error::Config(format!(
                "the index was built with other MinHash parameters: {:?}, this run uses {:?}",
                index.params(),
                want
            )));
        }
        Ok(())
    }

    /// Adds every document of this run that has a signature to `index`.
    pub fn insert_into(&self, index: &mut LshIndex) -> Result<()> {
        self.check_index(index)?;
        let w = self.width;
        let docs: Vec<&[u64]> = (0..self.n)
            .filter(|&d| self.has_sig[d])
            .map(|d| &self.values[d * w..(d + 1) * w])
            .collect();
        index.insert(&docs);
        Ok(())
    }

    /// Pass 2: cluster everything added, one outcome per document in the order added.
    #[must_use]
    pub fn resolve(&self) -> Vec<Outcome> {
        self.resolve_with(None).map(|r| r.0).unwrap_or_default()
    }

    /// [`Dedup::resolve`] against an index of earlier documents: a document sharing a band with
    /// the index (or clustered with one that does) is a duplicate of an earlier document, root
    /// [`super::cluster::INDEXED`]. Index matches are not confirmed by exact Jaccard (the index
    /// keeps no shingles).
    ///
    /// Also returns the confirmed pairs `(a, b, jaccard)` (`a < b`) when `threshold` is set.
    #[allow(clippy::type_complexity)]
    pub fn resolve_with(
        &self,
        index: Option<&LshIndex>,
    ) -> Result<(Vec<Outcome>, Vec<(u32, u32, f64)>)> {
        let w = self.width;
        let rows: Vec<Option<&[u64]>> = (0..self.n)
            .map(|d| self.has_sig[d].then(|| &self.values[d * w..(d + 1) * w]))
            .collect();
        if let Some(ix) = index {
            self.check_index(ix)?;
        } else if self.keep == Keep::Datatrove {
            let cfg = self.hasher.config();
            return Ok((datatrove_clusters(&rows, cfg.bands, cfg.rows), Vec::new()));
        }
        let indexed: Vec<u32> = match index {
            Some(ix) => (0..id32(self.n))
                .filter(|&d| rows[d as usize].is_some_and(|k| ix.matches(k)))
                .collect(),
            None => Vec::new(),
        };
        let ids = &self.ids;
        // The stable order: user ids, else positions.
        let by_id = move |x: usize, y: usize| -> Ordering {
            if ids.is_empty() {
                x.cmp(&y)
            } else {
                ids[x].cmp(&ids[y])
            }
        };
        let rank: Box<dyn Fn(u32, u32) -> Ordering + '_> = match self.keep {
            Keep::Longest => Box::new(move |x: u32, y: u32| {
                let (x, y) = (x as usize, y as usize);
                self.lens[y].cmp(&self.lens[x]).then_with(|| by_id(x, y))
            }),
            Keep::Highest => Box::new(move |x: u32, y: u32| {
                let (x, y) = (x as usize, y as usize);
                self.scores[y]
                    .total_cmp(&self.scores[x])
                    .then_with(|| by_id(x, y))
            }),
            _ => Box::new(move |x: u32, y: u32| by_id(x as usize, y as usize)),
        };
        let confirm_fn;
        let confirm: Option<&dyn Fn(u32, u32) -> Option<f64>> = match self.threshold {
            Some(t) => {
                confirm_fn = move |x: u32, y: u32| {
                    let j = jaccard_sorted(
                        &self.shingle_sets[x as usize],
                        &self.shingle_sets[y as usize],
                    );
                    (j >= t).then_some(j)
                };
                Some(&confirm_fn)
            }
            None => None,
        };
        Ok(cluster_with_index(
            &rows,
            self.hasher.config().bands,
            &*rank,
            confirm,
            &indexed,
        ))
    }
}
