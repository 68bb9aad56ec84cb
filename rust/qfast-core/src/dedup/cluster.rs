//! From signatures to clusters: LSH band keys, candidate pairs, union-find, keepers.
//!
//! Two resolutions:
//! - [`datatrove_clusters`]: datatrove 0.10.1's stages 2-3 exactly (equal band tuples chained in
//!   `(band values, doc)` order, union-find where the larger set's root wins and ties go to the
//!   pair's first element, every non-root removed).
//! - [`cluster`]: qfast's. Candidate pairs share a band; optionally each is confirmed by the exact
//!   Jaccard similarity of the two shingle sets; connected components of confirmed pairs are the
//!   clusters; each cluster keeps one document by the caller's order (`rank`). Every step sorts
//!   by band value and rank, so the result depends on the set of documents and their ranks only,
//!   never on batch order or thread count.

use std::cmp::Ordering;
use std::collections::HashSet;

use crate::narrow::id32;

/// Union-find over dense ids with datatrove's union rule.
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    #[must_use]
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..id32(n)).collect(),
            size: vec![1; n],
        }
    }

    pub fn find(&mut self, x: u32) -> u32 {
        let mut r = x;
        while self.parent[r as usize] != r {
            r = self.parent[r as usize];
        }
        let mut y = x;
        while self.parent[y as usize] != r {
            let next = self.parent[y as usize];
            self.parent[y as usize] = r;
            y = next;
        }
        r
    }

    /// datatrove's `union(x, y)`: the root of the larger set wins; on a tie `x`'s root wins.
    pub fn union(&mut self, x: u32, y: u32) {
        let (mut rx, mut ry) = (self.find(x), self.find(y));
        if rx == ry {
            return;
        }
        if self.size[rx as usize] < self.size[ry as usize] {
            std::mem::swap(&mut rx, &mut ry);
        }
        self.parent[ry as usize] = rx;
        self.size[rx as usize] += self.size[ry as usize];
    }

    /// Union that makes the root the element that is first in `better` order.
    pub fn union_by(&mut self, x: u32, y: u32, better: impl Fn(u32, u32) -> bool) {
        let (rx, ry) = (self.find(x), self.find(y));
        if rx == ry {
            return;
        }
        let (keep, gone) = if better(rx, ry) { (rx, ry) } else { (ry, rx) };
        self.parent[gone as usize] = keep;
        self.size[keep as usize] += self.size[gone as usize];
    }

    pub fn size_of(&mut self, x: u32) -> u32 {
        let r = self.find(x);
        self.size[r as usize]
    }
}

/// What dedup decided for one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The document that represents its cluster (itself when alone or kept).
    pub root: u32,
    pub cluster_size: u32,
    pub duplicate: bool,
}

/// datatrove's stages 2 and 3 over `sigs` (document `i`'s signature, `bands * rows` values,
/// band-major; `None` = no signature: never a duplicate).
#[must_use]
pub fn datatrove_clusters(sigs: &[Option<&[u64]>], bands: usize, rows: usize) -> Vec<Outcome> {
    let n = sigs.len();
    let mut uf = UnionFind::new(n);
    let mut recs: Vec<u32> = Vec::new();
    for b in 0..bands {
        let band = |d: u32| -> &[u64] {
            sigs[d as usize].map_or(&[][..], |s| &s[b * rows..(b + 1) * rows])
        };
        recs.clear();
        recs.extend((0..id32(n)).filter(|&d| sigs[d as usize].is_some()));
        recs.sort_by(|&x, &y| band(x).cmp(band(y)).then(x.cmp(&y)));
        for w in recs.windows(2) {
            if band(w[0]) == band(w[1]) {
                uf.union(w[0], w[1]);
            }
        }
    }
    outcomes(&mut uf, n)
}

fn outcomes(uf: &mut UnionFind, n: usize) -> Vec<Outcome> {
    (0..id32(n))
        .map(|d| {
            let root = uf.find(d);
            Outcome {
                root,
                cluster_size: uf.size_of(d),
                duplicate: root != d,
            }
        })
        .collect()
}

/// A 64-bit key per band (`bands * rows` values in `sig`, band-major).
pub fn band_keys(sig: &[u64], bands: usize, rows: usize, out: &mut Vec<u64>) {
    out.clear();
    for b in 0..bands {
        let mut h = (b as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for &v in &sig[b * rows..(b + 1) * rows] {
            h = (h ^ v).wrapping_mul(0xFF51_AFD7_ED55_8CCD).rotate_left(27);
        }
        h ^= h >> 31;
        out.push(h.wrapping_mul(0xC4CE_B9FE_1A85_EC53) ^ (h >> 29));
    }
}

/// qfast's clustering. `keys[d]`: document `d`'s band keys (`None`: no signature, never a
/// duplicate). `rank(x, y)`: the order of preference (Less = `x` is kept over `y`); it must be a
/// total order. `confirm(x, y)`: whether a candidate pair is a real duplicate (e.g. exact Jaccard
/// >= threshold); `None` confirms every candidate.
///
/// `confirm` returns the pair's similarity when it is a duplicate. Within a group of documents
/// sharing a band key, every pair is checked (groups above 32 documents: each document against
/// the group's leaders). The confirmed pairs are returned as edges by [`cluster_with_index`].
#[allow(clippy::type_complexity)]
pub fn cluster(
    keys: &[Option<&[u64]>],
    bands: usize,
    rank: &dyn Fn(u32, u32) -> Ordering,
    confirm: Option<&dyn Fn(u32, u32) -> Option<f64>>,
) -> Vec<Outcome> {
    cluster_with_index(keys, bands, rank, confirm, &[]).0
}

/// Band groups up to this size have every pair checked; bigger ones go through leaders.
const ALL_PAIRS_MAX: usize = 32;

/// The root reported for documents whose cluster holds earlier, indexed documents.
pub const INDEXED: u32 = u32::MAX;

/// [`cluster`] where the documents in `indexed` also match an index of earlier documents: they
/// join one extra cluster that an earlier document always keeps (root [`INDEXED`]); sizes count
/// the documents given here only.
#[allow(clippy::type_complexity)]
pub fn cluster_with_index(
    keys: &[Option<&[u64]>],
    bands: usize,
    rank: &dyn Fn(u32, u32) -> Ordering,
    confirm: Option<&dyn Fn(u32, u32) -> Option<f64>>,
    indexed: &[u32],
) -> (Vec<Outcome>, Vec<(u32, u32, f64)>) {
    let n = keys.len();
    let sentinel = id32(n);
    let rank = |x: u32, y: u32| -> Ordering {
        match (x == sentinel, y == sentinel) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => rank(x, y),
        }
    };
    let rank = &rank;
    let mut uf = UnionFind::new(n + 1);
    for &d in indexed {
        uf.union_by(sentinel, d, |x, y| rank(x, y) == Ordering::Less);
    }
    let mut recs: Vec<(u64, u32)> = Vec::new();
    let mut leaders: Vec<u32> = Vec::new();
    // Pairs checked so far (a pair shares several bands), those confirmed, and the edges.
    let mut tested: HashSet<(u32, u32)> = HashSet::new();
    let mut confirmed: HashSet<(u32, u32)> = HashSet::new();
    let mut edges: Vec<(u32, u32, f64)> = Vec::new();
    for b in 0..bands {
        recs.clear();
        recs.extend(
            keys.iter()
                .enumerate()
                .filter_map(|(d, k)| k.map(|k| (k[b], id32(d)))),
        );
        recs.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| rank(x.1, y.1)));
        let mut i = 0;
        while i < recs.len() {
            let mut j = i + 1;
            while j < recs.len() && recs[j].0 == recs[i].0 {
                j += 1;
            }
            if j - i > 1 {
                match confirm {
                    None => {
                        for w in recs[i..j].windows(2) {
                            uf.union_by(w[0].1, w[1].1, |x, y| rank(x, y) == Ordering::Less);
                        }
                    }
                    Some(ok) => {
                        let group = &recs[i..j];
                        let mut test = |x: u32, y: u32, uf: &mut UnionFind| -> bool {
                            let key = (x.min(y), x.max(y));
                            if !tested.insert(key) {
                                return confirmed.contains(&key);
                            }
                            match ok(key.0, key.1) {
                                Some(sim) => {
                                    confirmed.insert(key);
                                    edges.push((key.0, key.1, sim));
                                    uf.union_by(x, y, |a, b| rank(a, b) == Ordering::Less);
                                    true
                                }
                                None => false,
                            }
                        };
                        if group.len() <= ALL_PAIRS_MAX {
                            // Small groups: every pair is checked.
                            for (p, &(_, x)) in group.iter().enumerate() {
                                for &(_, y) in &group[p + 1..] {
                                    test(x, y, &mut uf);
                                }
                            }
                        } else {
                            // Big groups (mass copies): each document is checked against the
                            // group's leaders, joins every leader it matches, and becomes a
                            // leader when it matches none.
                            leaders.clear();
                            for &(_, d) in group {
                                let mut joined = false;
                                for &l in &leaders {
                                    joined |= test(l, d, &mut uf);
                                }
                                if !joined {
                                    leaders.push(d);
                                }
                            }
                        }
                    }
                }
            }
            i = j;
        }
    }
    let with_sentinel = !indexed.is_empty();
    let out = (0..id32(n))
        .map(|d| {
            let root = uf.find(d);
            let size = uf.size_of(d) - u32::from(with_sentinel && root == sentinel);
            Outcome {
                root: if root == sentinel { INDEXED } else { root },
                cluster_size: size,
                duplicate: root != d,
            }
        })
        .collect();
    edges.sort_by_key(|e| (e.0, e.1));
    (out, edges)
}

/// Exact Jaccard similarity of two sorted, deduplicated hash lists.
#[must_use]
pub fn jaccard_sorted(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spec's example: pairs (B, C) in bucket 0 then (A, B) in bucket 1 keep B.
    #[test]
    fn datatrove_keeps_the_larger_root() {
        // A=0, B=1, C=2; one row per band. Band 0: B and C equal; band 1: A and B equal.
        let a = [10u64, 7];
        let b = [20u64, 7];
        let c = [20u64, 9];
        let sigs = [Some(&a[..]), Some(&b[..]), Some(&c[..])];
        let out = datatrove_clusters(&sigs, 2, 1);
        assert_eq!(
            out.iter().map(|o| o.duplicate).collect::<Vec<_>>(),
            [true, false, true]
        );
        assert!(out.iter().all(|o| o.root == 1 && o.cluster_size == 3));
    }

    #[test]
    fn keeper_follows_rank_and_confirmation_splits() {
        let k0 = [1u64, 5];
        let k1 = [1u64, 6];
        let k2 = [2u64, 6];
        let keys = [Some(&k0[..]), Some(&k1[..]), Some(&k2[..]), None];
        // Prefer the highest index.
        let rank = |x: u32, y: u32| y.cmp(&x);
        let out = cluster(&keys, 2, &rank, None);
        assert!(out[..3].iter().all(|o| o.root == 2 && o.cluster_size == 3));
        assert!(!out[3].duplicate && out[3].cluster_size == 1);
        // Only 1 and 2 are real duplicates.
        let ok = |x: u32, y: u32| (x.min(y) == 1 && x.max(y) == 2).then_some(0.9);
        let out = cluster(&keys, 2, &rank, Some(&ok));
        assert!(!out[0].duplicate && out[0].cluster_size == 1);
        assert!(out[1].duplicate && out[1].root == 2);
    }

    #[test]
    fn jaccard() {
        assert_eq!(jaccard_sorted(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard_sorted(&[], &[]), 1.0);
    }
}
