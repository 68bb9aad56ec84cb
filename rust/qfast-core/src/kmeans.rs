//! Spherical k-means over hashed bag-of-words vectors, for diversity quotas in selection.
//!
//! A document's vector: its words (as decontamination cuts them: case-folded alphanumeric runs,
//! CJK characters one by one) hashed into `dim` dimensions, counts damped with `1 + ln(tf)`,
//! L2-normalised. Centres start by k-means++ (seeded numpy-compatible PCG64) and move to the
//! normalised mean of their documents until no assignment changes or `max_iter` rounds. Every
//! step is a pure function of the rows and the seed, summed in row order, so the clusters do not
//! depend on the thread count.

use ahash::AHashMap;

use crate::decontam::{words, Word};
use crate::error::{Error, Result};
use crate::narrow::{floor_usize, id32, low32};
use crate::parallel::{map_items, map_rows};
use crate::pcg64::Pcg64;

/// A sparse unit vector: (dimension, value), dimensions ascending.
type Sparse = Vec<(u32, f32)>;

fn vector(text: &str, dim: u32) -> Sparse {
    let mut ws: Vec<Word> = Vec::new();
    words(text, &mut ws);
    let mut tf: AHashMap<u32, u32> = AHashMap::new();
    for w in &ws {
        *tf.entry(low32(w.hash % u64::from(dim))).or_default() += 1; // < dim, a u32
    }
    let mut v: Sparse = tf
        .into_iter()
        .map(|(d, c)| (d, 1.0 + (c as f32).ln()))
        .collect();
    v.sort_unstable_by_key(|&(d, _)| d);
    let norm = v.iter().map(|&(_, x)| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for e in &mut v {
            e.1 /= norm;
        }
    }
    v
}

fn dot(v: &Sparse, centre: &[f32]) -> f32 {
    v.iter().map(|&(d, x)| x * centre[d as usize]).sum()
}

/// The centre (row of `centres`) most similar to `v`; ties to the lower index.
fn nearest(v: &Sparse, centres: &[Vec<f32>]) -> (u32, f32) {
    let mut best = (0u32, f32::NEG_INFINITY);
    for (c, centre) in centres.iter().enumerate() {
        let s = dot(v, centre);
        if s > best.1 {
            best = (id32(c), s); // c < k, and kmeans() keeps k * dim <= 2^30
        }
    }
    best
}

/// Cluster id per row (None for a null text). `k` is capped at the number of non-null rows.
pub fn kmeans(
    rows: &[Option<&str>],
    k: usize,
    dim: u32,
    max_iter: usize,
    seed: u128,
) -> Result<Vec<Option<u32>>> {
    if k == 0 || dim == 0 {
        return Err(Error::Config(format!(
            "k-means needs k >= 1 and dim >= 1, got k={k}, dim={dim}"
        )));
    }
    let vecs: Vec<Option<Sparse>> = map_rows(rows, |t| t.map(|t| vector(t, dim)))?;
    let live: Vec<&Sparse> = vecs.iter().flatten().collect();
    if live.is_empty() {
        return Ok(vec![None; rows.len()]);
    }
    let k = k.min(live.len());
    // Centres are dense: refuse sizes that would not fit in memory rather than abort.
    if (k as u128) * u128::from(dim) > 1 << 30 {
        return Err(Error::Config(format!(
            "k-means centres of k={k} x dim={dim} need {} GB: lower k or dim",
            (k as u128 * u128::from(dim) * 4) >> 30
        )));
    }
    let mut rng = Pcg64::new(seed);
    let dense = |v: &Sparse| {
        let mut c = vec![0f32; dim as usize];
        for &(d, x) in v {
            c[d as usize] = x;
        }
        c
    };
    // k-means++: each next centre drawn with probability proportional to its squared distance
    // (2 - 2 cos for unit vectors) to the nearest centre so far.
    let first = floor_usize(rng.uniform() * live.len() as f64);
    let mut centres = vec![dense(live[first.min(live.len() - 1)])];
    let mut d2: Vec<f64> = vec![f64::INFINITY; live.len()];
    while centres.len() < k {
        let last = centres.last().map_or(&[][..], Vec::as_slice);
        let new_d = map_items(&live, |v| (2.0 - 2.0 * f64::from(dot(v, last))).max(0.0))?;
        for (a, b) in d2.iter_mut().zip(new_d) {
            *a = a.min(b);
        }
        let total: f64 = d2.iter().sum();
        let pick = if total > 0.0 {
            let mut r = rng.uniform() * total;
            let mut i = 0;
            while i + 1 < d2.len() && r >= d2[i] {
                r -= d2[i];
                i += 1;
            }
            i
        } else {
            floor_usize(rng.uniform() * live.len() as f64) % live.len()
        };
        centres.push(dense(live[pick]));
    }
    let mut assign: Vec<u32> = vec![u32::MAX; live.len()];
    for _ in 0..max_iter.max(1) {
        let next: Vec<u32> = map_items(&live, |v| nearest(v, &centres).0)?;
        let changed = next != assign;
        assign = next;
        if !changed {
            break;
        }
        let mut sums = vec![vec![0f32; dim as usize]; k];
        let mut counts = vec![0usize; k];
        for (v, &c) in live.iter().zip(&assign) {
            counts[c as usize] += 1;
            for &(d, x) in *v {
                sums[c as usize][d as usize] += x;
            }
        }
        for (c, s) in sums.into_iter().enumerate() {
            if counts[c] == 0 {
                continue; // an empty cluster keeps its centre
            }
            let norm = s.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                centres[c] = s.into_iter().map(|x| x / norm).collect();
            }
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut it = assign.into_iter();
    for v in &vecs {
        out.push(v.as_ref().and_then(|_| it.next()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_topics_and_is_seeded() {
        let mut rows = Vec::new();
        for i in 0..20 {
            rows.push(format!("cats purr and cats nap on warm mats {i}"));
            rows.push(format!("stocks fell as bond yields rose in trading {i}"));
        }
        let rows: Vec<Option<&str>> = rows
            .iter()
            .map(|s| Some(s.as_str()))
            .chain([None])
            .collect();
        let a = kmeans(&rows, 2, 1024, 20, 3).unwrap();
        assert_eq!(a.last(), Some(&None));
        for pair in a[..40].chunks(2) {
            assert_ne!(pair[0], pair[1]);
        }
        assert!(a[..40].iter().step_by(2).all(|c| *c == a[0]));
        assert_eq!(a, kmeans(&rows, 2, 1024, 20, 3).unwrap());
        assert!(kmeans(&rows, 99, 64, 5, 1)
            .unwrap()
            .iter()
            .flatten()
            .all(|&c| c < 40));
        assert!(kmeans(&rows, 0, 64, 5, 1).is_err());
        assert!(kmeans(&rows, 1 << 20, 1 << 30, 5, 1).is_err());
    }
}
